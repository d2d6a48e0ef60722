"""The plenary: speaker queue, turns with their countdowns, and the agenda, in the event file.

Every command is one transaction with its audit entry and returns what changed. Open turns
and running agenda items keep their instants in the file, so after a crash the countdown
resumes with the right remaining time and the queue is intact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from facilitator.changes import Changes
from facilitator.clock import Clock, from_iso, to_iso
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.people import Participant, get
from facilitator.store import EventStore
from facilitator.timing.countdown import DEFAULT_STAGES, Countdown, OvertimePolicy, Stage

PLENARY = Changes(plenary=True)


class QueuePolicy(Enum):
    FIRST_COME = "first_come"
    """In the order people asked (or as the facilitator dragged them)."""
    PROGRESSIVE = "progressive"
    """Who has spoken least in this session goes first (by turns or by seconds)."""
    ALTERNATE = "alternate"
    """Alternate between groups of an attribute (e.g. gender), first come within a group."""


class PlenaryError(UserError):
    pass


@dataclass(frozen=True)
class PlenarySettings:
    turn_seconds: int = 120
    stages: tuple[Stage, ...] = DEFAULT_STAGES
    overtime: OvertimePolicy = OvertimePolicy.COUNT_UP
    policy: QueuePolicy = QueuePolicy.FIRST_COME
    progressive_by: str = "turns"  # or "seconds"
    alternate_attribute: str | None = None
    chime: bool = True
    projector_shows_balance: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "turn_seconds": self.turn_seconds,
            "stages": [[s.key, s.at_seconds, s.colour] for s in self.stages],
            "overtime": self.overtime.value,
            "policy": self.policy.value,
            "progressive_by": self.progressive_by,
            "alternate_attribute": self.alternate_attribute,
            "chime": self.chime,
            "projector_shows_balance": self.projector_shows_balance,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlenarySettings:
        default = cls()
        stages = tuple(Stage(str(k), float(at), str(c)) for k, at, c in data.get("stages", [])) \
            or default.stages
        return cls(
            turn_seconds=int(data.get("turn_seconds", default.turn_seconds)),
            stages=stages,
            overtime=OvertimePolicy(data.get("overtime", default.overtime.value)),
            policy=QueuePolicy(data.get("policy", default.policy.value)),
            progressive_by=str(data.get("progressive_by", default.progressive_by)),
            alternate_attribute=data.get("alternate_attribute"),
            chime=bool(data.get("chime", default.chime)),
            projector_shows_balance=bool(data.get("projector_shows_balance", False)),
        )


@dataclass(frozen=True)
class QueueEntry:
    id: int
    participant: Participant
    kind: str
    position: float
    added_at: datetime
    reason: str = ""
    """Why this entry is where it is (shown to the facilitator)."""

    @property
    def is_reply(self) -> bool:
        return self.kind == "reply"


@dataclass(frozen=True)
class Turn:
    id: int
    session_id: int
    participant: Participant
    kind: str
    countdown: Countdown
    started_at: datetime
    ended_at: datetime | None
    spoken: float | None
    agenda_item_id: int | None

    @property
    def open(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class AgendaItem:
    id: int
    title: str
    planned: float
    position: float
    timer: Countdown
    started_at: datetime | None
    ended_at: datetime | None

    @property
    def state(self) -> str:
        if self.ended_at is not None:
            return "done"
        if self.started_at is not None:
            return "running" if self.timer.running else "paused"
        return "upcoming"


@dataclass(frozen=True)
class PlenaryState:
    """Everything a plenary view shows, read in one go."""

    session_id: int
    session_title: str
    settings: PlenarySettings
    queue: list[QueueEntry]
    current: Turn | None
    last_turn: Turn | None
    agenda: list[AgendaItem] = field(default_factory=list)

    @property
    def current_agenda_item(self) -> AgendaItem | None:
        return next((a for a in self.agenda if a.state in ("running", "paused")), None)


# -- settings and sessions ------------------------------------------------------------------


def settings(store: EventStore) -> PlenarySettings:
    return PlenarySettings.from_json(store.meta_json("plenary_settings", {}) or {})


def save_settings(store: EventStore, new: PlenarySettings) -> Changes:
    if new.turn_seconds <= 0:
        raise PlenaryError(_("A turn must last at least one second."))
    if new.policy is QueuePolicy.ALTERNATE and not new.alternate_attribute:
        raise PlenaryError(_("Choose the attribute whose groups should alternate."))
    with store.transaction():
        old = settings(store)
        store.set_meta_json("plenary_settings", new.to_json())
        store.audit("plenary_settings", "event", None, old.to_json(), new.to_json())
    return PLENARY


def current_session_id(store: EventStore) -> int:
    """The open plenary session, opened on first use so the facilitator never has to."""
    row = store.query_one(
        "SELECT id FROM plenary_sessions WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1")
    if row is not None:
        return int(row["id"])
    with store.transaction():
        row = store.query_one(
            "SELECT id FROM plenary_sessions WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1")
        if row is not None:
            return int(row["id"])
        count = store.query_one("SELECT count(*) AS n FROM plenary_sessions")
        title = _("Plenary {n}").format(n=(count["n"] if count else 0) + 1)
        return _insert_session(store, title)


def _insert_session(store: EventStore, title: str) -> int:
    cursor = store.execute("INSERT INTO plenary_sessions (title, started_at) VALUES (?, ?)",
                           (title, to_iso(store.clock.now())))
    sid = int(cursor.lastrowid or 0)
    store.audit("start_session", "plenary_session", sid, None, {"title": title})
    return sid


def start_session(store: EventStore, title: str) -> Changes:
    """Close the current session (ending any turn) and open a new one."""
    title = " ".join(title.split())
    if not title:
        raise PlenaryError(_("The session needs a title."))
    with store.transaction():
        sid = current_session_id(store)
        end_turn(store)
        store.execute("UPDATE plenary_sessions SET ended_at = ? WHERE id = ?",
                      (to_iso(store.clock.now()), sid))
        store.audit("end_session", "plenary_session", sid, None, None)
        _insert_session(store, title)
    return PLENARY


def sessions(store: EventStore) -> list[tuple[int, str]]:
    return [(int(r["id"]), str(r["title"]))
            for r in store.query("SELECT id, title FROM plenary_sessions ORDER BY id")]


# -- reading ----------------------------------------------------------------------------------


def _countdown(row: Any) -> Countdown:
    return Countdown(
        planned=float(row["planned"]),
        added=float(row["added"]) if "added" in row.keys() else 0.0,  # noqa: SIM118 (Row)
        elapsed_before=float(row["elapsed_before"]),
        running_since_mono=row["running_since_mono"],
        running_since_wall=from_iso(row["running_since_wall"]) if row["running_since_wall"]
        else None,
    )


def _turn(store: EventStore, row: Any) -> Turn:
    return Turn(
        id=int(row["id"]),
        session_id=int(row["session_id"]),
        participant=get(store, int(row["participant_id"])),
        kind=str(row["kind"]),
        countdown=_countdown(row),
        started_at=from_iso(row["started_at"]),
        ended_at=from_iso(row["ended_at"]) if row["ended_at"] else None,
        spoken=row["spoken"],
        agenda_item_id=row["agenda_item_id"],
    )


def current_turn(store: EventStore) -> Turn | None:
    row = store.query_one("SELECT * FROM turns WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1")
    return None if row is None else _turn(store, row)


def last_turn(store: EventStore, session_id: int) -> Turn | None:
    row = store.query_one("SELECT * FROM turns WHERE session_id = ? ORDER BY id DESC LIMIT 1",
                          (session_id,))
    return None if row is None else _turn(store, row)


def turns(store: EventStore, session_id: int | None = None) -> list[Turn]:
    if session_id is None:
        rows = store.query("SELECT * FROM turns ORDER BY id")
    else:
        rows = store.query("SELECT * FROM turns WHERE session_id = ? ORDER BY id", (session_id,))
    return [_turn(store, r) for r in rows]


def agenda(store: EventStore, session_id: int) -> list[AgendaItem]:
    rows = store.query("SELECT * FROM agenda_items WHERE session_id = ? ORDER BY position, id",
                       (session_id,))
    return [
        AgendaItem(
            id=int(r["id"]), title=str(r["title"]), planned=float(r["planned"]),
            position=float(r["position"]), timer=_countdown(r),
            started_at=from_iso(r["started_at"]) if r["started_at"] else None,
            ended_at=from_iso(r["ended_at"]) if r["ended_at"] else None,
        )
        for r in rows
    ]


def _spoken_by(store: EventStore, session_id: int) -> dict[int, tuple[int, float]]:
    rows = store.query(
        "SELECT participant_id, count(*) AS n, coalesce(sum(spoken), 0) AS s FROM turns "
        "WHERE session_id = ? AND ended_at IS NOT NULL GROUP BY participant_id", (session_id,))
    return {int(r["participant_id"]): (int(r["n"]), float(r["s"])) for r in rows}


def waiting(store: EventStore, session_id: int) -> list[QueueEntry]:
    rows = store.query(
        "SELECT * FROM speaker_queue WHERE session_id = ? AND status = 'waiting' "
        "ORDER BY position, id", (session_id,))
    return [QueueEntry(int(r["id"]), get(store, int(r["participant_id"])), str(r["kind"]),
                       float(r["position"]), from_iso(r["added_at"])) for r in rows]


def ordered_queue(
    entries: Sequence[QueueEntry],
    policy: QueuePolicy,
    spoken: dict[int, tuple[int, float]],
    *,
    progressive_by: str = "turns",
    attribute: str | None = None,
    last_group: str | None = None,
) -> list[QueueEntry]:
    """The order in which people will be called, with the reason for each place.

    Direct replies always come first, in the order they were raised. Pure: the same entries
    and history give the same order, so the facilitator can be told why someone is next.
    """
    replies = [_with_reason(e, _("direct reply")) for e in entries if e.is_reply]
    rest = [e for e in entries if not e.is_reply]
    if policy is QueuePolicy.PROGRESSIVE:
        index = 1 if progressive_by == "seconds" else 0

        def key(e: QueueEntry) -> tuple[float, float]:
            return (spoken.get(e.participant.id, (0, 0.0))[index], e.position)

        ordered = [
            _with_reason(e, _spoken_reason(spoken.get(e.participant.id, (0, 0.0)),
                                           progressive_by))
            for e in sorted(rest, key=key)
        ]
    elif policy is QueuePolicy.ALTERNATE and attribute:
        ordered = []
        pool = list(rest)
        group = last_group
        while pool:
            pick = next((e for e in pool if _group(e.participant, attribute) != group), pool[0])
            pool.remove(pick)
            mine = _group(pick.participant, attribute)
            ordered.append(_with_reason(pick, _("{attribute}: {value}").format(
                attribute=attribute, value=mine or _("(blank)"))
                + ("" if mine != group else " · " + _("no one else waiting"))))
            group = mine
    else:
        ordered = [_with_reason(e, _("asked at {time}").format(
            time=e.added_at.astimezone().strftime("%H:%M:%S"))) for e in rest]
    return replies + ordered


def _with_reason(entry: QueueEntry, reason: str) -> QueueEntry:
    return QueueEntry(entry.id, entry.participant, entry.kind, entry.position, entry.added_at,
                      reason)


def _spoken_reason(spoken: tuple[int, float], by: str) -> str:
    turns_, seconds = spoken
    if not turns_:
        return _("has not spoken yet")
    if by == "seconds":
        return _("has spoken {m}:{s:02d} so far").format(m=int(seconds) // 60, s=int(seconds) % 60)
    return _("has spoken {n} time(s)").format(n=turns_)


def _group(person: Participant, attribute: str) -> str:
    return person.attributes.get(attribute, "")


def state(store: EventStore) -> PlenaryState:
    sid = current_session_id(store)
    conf = settings(store)
    entries = waiting(store, sid)
    current = current_turn(store)
    last = current or last_turn(store, sid)
    attribute = conf.alternate_attribute
    last_group = _group(last.participant, attribute) if last and attribute else None
    queue = ordered_queue(entries, conf.policy, _spoken_by(store, sid),
                          progressive_by=conf.progressive_by, attribute=attribute,
                          last_group=last_group)
    title_row = store.query_one("SELECT title FROM plenary_sessions WHERE id = ?", (sid,))
    return PlenaryState(sid, str(title_row["title"]) if title_row else "", conf, queue, current,
                        last, agenda(store, sid))


# -- the queue --------------------------------------------------------------------------------


def enqueue(store: EventStore, participant_id: int, *, reply: bool = False,
            via: str = "search") -> Changes:
    """Add someone to the queue (a direct reply jumps ahead). Refused if already waiting."""
    with store.transaction():
        sid = current_session_id(store)
        person = get(store, participant_id)
        if not person.active:
            raise PlenaryError(_("{name} is no longer on the participant list.").format(
                name=person.name))
        already = [e for e in waiting(store, sid) if e.participant.id == participant_id]
        if already:
            order = state(store).queue
            place = next(i for i, e in enumerate(order, 1) if e.participant.id == participant_id)
            raise PlenaryError(_("{name} is already in the queue (number {n}).").format(
                name=person.name, n=place))
        current = current_turn(store)
        if current is not None and current.participant.id == participant_id:
            raise PlenaryError(_("{name} is speaking now.").format(name=person.name))
        top = store.query_one(
            "SELECT coalesce(max(position), 0) AS p FROM speaker_queue WHERE session_id = ?",
            (sid,))
        position = (float(top["p"]) if top else 0.0) + 1.0
        kind = "reply" if reply else "normal"
        cursor = store.execute(
            "INSERT INTO speaker_queue (session_id, participant_id, kind, position, added_at, "
            "via) VALUES (?, ?, ?, ?, ?, ?)",
            (sid, participant_id, kind, position, to_iso(store.clock.now()), via))
        store.audit("enqueue", "speaker_queue", cursor.lastrowid, None,
                    {"participant_id": participant_id, "kind": kind, "via": via})
    return PLENARY


def remove_from_queue(store: EventStore, queue_id: int) -> Changes:
    with store.transaction():
        row = store.query_one("SELECT status FROM speaker_queue WHERE id = ?", (queue_id,))
        if row is None or row["status"] != "waiting":
            raise PlenaryError(_("That person is no longer waiting in the queue."))
        store.execute("UPDATE speaker_queue SET status = 'removed' WHERE id = ?", (queue_id,))
        store.audit("dequeue", "speaker_queue", queue_id, {"status": "waiting"},
                    {"status": "removed"})
    return PLENARY


def move_in_queue(store: EventStore, queue_id: int, new_index: int) -> Changes:
    """Put an entry at ``new_index`` of the shown order; the order becomes first-come/manual."""
    with store.transaction():
        order = [e.id for e in state(store).queue if not e.is_reply]
        if queue_id not in order:
            raise PlenaryError(_("Only people waiting (not direct replies) can be moved."))
        order.remove(queue_id)
        order.insert(max(0, min(new_index, len(order))), queue_id)
        set_queue_order(store, order)
    return PLENARY


def set_queue_order(store: EventStore, queue_ids: Sequence[int]) -> Changes:
    """The order the facilitator made (by dragging): it becomes the first-come order.

    ``queue_ids`` must be exactly the waiting entries that are not direct replies (those
    stay first); anything else means the list on screen is stale, and nothing changes.
    """
    with store.transaction():
        current = state(store)
        waiting_ids = [e.id for e in current.queue if not e.is_reply]
        if sorted(queue_ids) != sorted(waiting_ids):
            raise PlenaryError(_("The queue changed meanwhile; look again and repeat the "
                                 "move."))
        store.executemany("UPDATE speaker_queue SET position = ? WHERE id = ?",
                          [(float(i + 1), qid) for i, qid in enumerate(queue_ids)])
        if current.settings.policy is not QueuePolicy.FIRST_COME:
            _replace_settings(store, current.settings, policy=QueuePolicy.FIRST_COME)
        store.audit("reorder_queue", "plenary_session", current.session_id,
                    waiting_ids, list(queue_ids))
    return PLENARY


def _replace_settings(store: EventStore, old: PlenarySettings, **changes: Any) -> None:
    data = old.to_json()
    for key, value in changes.items():
        data[key] = value.value if isinstance(value, Enum) else value
    store.set_meta_json("plenary_settings", data)
    store.audit("plenary_settings", "event", None, old.to_json(), data)


# -- turns --------------------------------------------------------------------------------------


def _save_turn_timer(store: EventStore, turn_id: int, countdown: Countdown) -> None:
    store.execute(
        "UPDATE turns SET added = ?, elapsed_before = ?, running_since_mono = ?, "
        "running_since_wall = ? WHERE id = ?",
        (countdown.added, countdown.elapsed_before, countdown.running_since_mono,
         to_iso(countdown.running_since_wall) if countdown.running_since_wall else None,
         turn_id))


def start_next(store: EventStore, planned: int | None = None) -> Changes:
    """End the current turn (recording it) and give the floor to whoever is next."""
    with store.transaction():
        queue = state(store).queue
        if not queue:
            raise PlenaryError(_("No one is waiting to speak."))
        _start(store, queue[0], planned)
    return PLENARY


def start_entry(store: EventStore, queue_id: int, planned: int | None = None) -> Changes:
    """Give the floor to a particular person in the queue, out of the policy's order."""
    with store.transaction():
        entry = next((e for e in state(store).queue if e.id == queue_id), None)
        if entry is None:
            raise PlenaryError(_("That person is no longer waiting in the queue."))
        _start(store, entry, planned)
    return PLENARY


def _start(store: EventStore, entry: QueueEntry, planned: int | None) -> None:
    end_turn(store)
    sid = current_session_id(store)
    seconds = planned or settings(store).turn_seconds
    if seconds <= 0:
        raise PlenaryError(_("A turn must last at least one second."))
    countdown = Countdown.new(seconds).start(store.clock)
    running_item = store.query_one(
        "SELECT id FROM agenda_items WHERE session_id = ? AND started_at IS NOT NULL AND "
        "ended_at IS NULL ORDER BY position LIMIT 1", (sid,))
    store.execute("UPDATE speaker_queue SET status = 'called' WHERE id = ?", (entry.id,))
    cursor = store.execute(
        "INSERT INTO turns (session_id, agenda_item_id, participant_id, queue_id, kind, planned,"
        " running_since_mono, running_since_wall, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (sid, running_item["id"] if running_item else None, entry.participant.id, entry.id,
         entry.kind, float(seconds), countdown.running_since_mono,
         to_iso(countdown.running_since_wall) if countdown.running_since_wall else None,
         to_iso(store.clock.now())))
    store.audit("start_turn", "turn", cursor.lastrowid, None,
                {"participant_id": entry.participant.id, "planned": seconds,
                 "kind": entry.kind})


def end_turn(store: EventStore) -> Changes:
    """Record the current turn's spoken time. Nothing to do if no one is speaking."""
    with store.transaction():
        turn = current_turn(store)
        if turn is None:
            return Changes()
        spoken = round(turn.countdown.elapsed(store.clock), 3)
        store.execute(
            "UPDATE turns SET ended_at = ?, spoken = ?, elapsed_before = ?, "
            "running_since_mono = NULL, running_since_wall = NULL WHERE id = ?",
            (to_iso(store.clock.now()), spoken, spoken, turn.id))
        store.audit("end_turn", "turn", turn.id, None,
                    {"participant_id": turn.participant.id, "spoken": spoken})
    return PLENARY


def _update_current(store: EventStore, action: str, change: Any) -> Changes:
    with store.transaction():
        turn = current_turn(store)
        if turn is None:
            raise PlenaryError(_("No one is speaking."))
        new = change(turn.countdown)
        _save_turn_timer(store, turn.id, new)
        store.audit(action, "turn", turn.id,
                    {"added": turn.countdown.added, "running": turn.countdown.running},
                    {"added": new.added, "running": new.running})
    return PLENARY


def pause(store: EventStore) -> Changes:
    return _update_current(store, "pause_turn", lambda c: c.pause(store.clock))


def resume(store: EventStore) -> Changes:
    return _update_current(store, "resume_turn", lambda c: c.start(store.clock))


def toggle_pause(store: EventStore) -> Changes:
    turn = current_turn(store)
    if turn is not None and turn.countdown.running:
        return pause(store)
    return resume(store)


def add_time(store: EventStore, seconds: float) -> Changes:
    return _update_current(store, "add_time", lambda c: c.add(seconds))


def reset(store: EventStore) -> Changes:
    """Back to the full time, paused: for a false start."""
    return _update_current(store, "reset_turn", lambda c: c.reset())


def resume_after_restart(store: EventStore, clock: Clock) -> Changes:
    """Re-anchor running timers to this process's monotonic clock (after a crash or reboot)."""
    with store.transaction():
        changed = False
        turn = current_turn(store)
        if turn is not None and turn.countdown.running:
            _save_turn_timer(store, turn.id, turn.countdown.resumed_in_new_process(clock))
            changed = True
        for item in agenda(store, current_session_id(store)):
            if item.timer.running:
                _save_agenda_timer(store, item.id, item.timer.resumed_in_new_process(clock))
                changed = True
    return PLENARY if changed else Changes()


# -- agenda -------------------------------------------------------------------------------------


def _save_agenda_timer(store: EventStore, item_id: int, timer: Countdown) -> None:
    store.execute(
        "UPDATE agenda_items SET elapsed_before = ?, running_since_mono = ?, "
        "running_since_wall = ? WHERE id = ?",
        (timer.elapsed_before, timer.running_since_mono,
         to_iso(timer.running_since_wall) if timer.running_since_wall else None, item_id))


def add_agenda_item(store: EventStore, title: str, planned_seconds: int) -> Changes:
    title = " ".join(title.split())
    if not title:
        raise PlenaryError(_("The agenda item needs a title."))
    if planned_seconds <= 0:
        raise PlenaryError(_("The agenda item needs a planned duration."))
    with store.transaction():
        sid = current_session_id(store)
        top = store.query_one(
            "SELECT coalesce(max(position), 0) AS p FROM agenda_items WHERE session_id = ?",
            (sid,))
        cursor = store.execute(
            "INSERT INTO agenda_items (session_id, title, planned, position) VALUES (?, ?, ?, ?)",
            (sid, title, float(planned_seconds), (float(top["p"]) if top else 0.0) + 1))
        store.audit("add_agenda_item", "agenda_item", cursor.lastrowid, None,
                    {"title": title, "planned": planned_seconds})
    return PLENARY


def start_next_agenda_item(store: EventStore) -> Changes:
    """Close the running item (if any) and start the next upcoming one."""
    with store.transaction():
        items = agenda(store, current_session_id(store))
        upcoming = [i for i in items if i.state == "upcoming"]
        if not upcoming:
            raise PlenaryError(_("There is no agenda item left to start."))
        now = to_iso(store.clock.now())
        for item in items:
            if item.state in ("running", "paused"):
                paused = item.timer.pause(store.clock)
                _save_agenda_timer(store, item.id, paused)
                store.execute("UPDATE agenda_items SET ended_at = ? WHERE id = ?",
                              (now, item.id))
                store.audit("end_agenda_item", "agenda_item", item.id, None,
                            {"elapsed": round(paused.elapsed_before, 3)})
        nxt = upcoming[0]
        timer = nxt.timer.start(store.clock)
        _save_agenda_timer(store, nxt.id, timer)
        store.execute("UPDATE agenda_items SET started_at = ? WHERE id = ?", (now, nxt.id))
        store.audit("start_agenda_item", "agenda_item", nxt.id, None, {"title": nxt.title})
    return PLENARY


def toggle_agenda_pause(store: EventStore) -> Changes:
    with store.transaction():
        item = next((i for i in agenda(store, current_session_id(store))
                     if i.state in ("running", "paused")), None)
        if item is None:
            raise PlenaryError(_("No agenda item is running."))
        timer = item.timer.pause(store.clock) if item.timer.running else \
            item.timer.start(store.clock)
        _save_agenda_timer(store, item.id, timer)
        store.audit("pause_agenda_item" if item.timer.running else "resume_agenda_item",
                    "agenda_item", item.id, None, None)
    return PLENARY


