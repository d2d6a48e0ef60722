"""Changing the plenary: settings, sessions, the queue, turns and their countdowns, the agenda.

Every op is one transaction with its audit entry naming the actor, and returns what changed.
Open turns and running agenda items keep their instants in the file, so after a crash the
countdown resumes with the right remaining time and the queue is intact.

The first session is opened by the first op that needs one (queueing someone, adding an
agenda item), in that op's transaction: an event that never uses the plenary never gets a
session row, and reading the plenary (the page, the projector) never writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from facilitator.changes import NO_CHANGES, Changes
from facilitator.clock import Clock, to_iso
from facilitator.i18n import _
from facilitator.people import get
from facilitator.store import EventStore
from facilitator.timing import queries
from facilitator.timing.countdown import Countdown
from facilitator.timing.model import (
    PLENARY,
    PlenaryError,
    PlenarySettings,
    QueueEntry,
    QueuePolicy,
    session_title,
)

# -- settings and sessions ------------------------------------------------------------------


def save_settings(store: EventStore, new: PlenarySettings, *, actor: str) -> Changes:
    new.validate()
    with store.transaction():
        _write_settings(store, queries.settings(store), new, actor=actor)
    return PLENARY


def _write_settings(store: EventStore, old: PlenarySettings, new: PlenarySettings, *,
                    actor: str) -> None:
    store.set_meta_json(queries.SETTINGS_KEY, new.to_json())
    store.audit("plenary_settings", "event", None, old.to_json(), new.to_json(), actor=actor)


def _insert_session(store: EventStore, title: str, *, actor: str) -> int:
    cursor = store.execute("INSERT INTO plenary_sessions (title, started_at) VALUES (?, ?)",
                           (title, to_iso(store.clock.now())))
    sid = int(cursor.lastrowid or 0)
    store.audit("start_session", "plenary_session", sid, None, {"title": title}, actor=actor)
    return sid


def _session_for_change(store: EventStore, *, actor: str) -> int:
    """The open session; the first one ("Plenary 1") is opened here, inside the caller's op."""
    sid = queries.current_session_id(store)
    if sid is not None:
        return sid
    return _insert_session(store, session_title(queries.session_count(store) + 1), actor=actor)


def start_session(store: EventStore, title: str, *, actor: str) -> Changes:
    """Close the current session (ending any turn) and open a new one."""
    title = " ".join(title.split())
    if not title:
        raise PlenaryError(_("The session needs a title."))
    with store.transaction():
        sid = queries.current_session_id(store)
        if sid is not None:
            end_turn(store, actor=actor)
            store.execute("UPDATE plenary_sessions SET ended_at = ? WHERE id = ?",
                          (to_iso(store.clock.now()), sid))
            store.audit("end_session", "plenary_session", sid, None, None, actor=actor)
        _insert_session(store, title, actor=actor)
    return PLENARY


# -- the queue --------------------------------------------------------------------------------


def enqueue(store: EventStore, participant_id: int, *, reply: bool = False,
            via: str = "search", actor: str) -> Changes:
    """Add someone to the queue (a direct reply jumps ahead). Refused if already waiting."""
    with store.transaction():
        person = get(store, participant_id)
        if not person.active:
            raise PlenaryError(_("{name} is no longer on the participant list.").format(
                name=person.name))
        order = queries.state(store).queue
        place = next((i for i, e in enumerate(order, 1) if e.participant.id == participant_id),
                     None)
        if place is not None:
            raise PlenaryError(_("{name} is already in the queue (number {n}).").format(
                name=person.name, n=place))
        current = queries.current_turn(store)
        if current is not None and current.participant.id == participant_id:
            raise PlenaryError(_("{name} is speaking now.").format(name=person.name))
        sid = _session_for_change(store, actor=actor)
        position = queries.queue_top(store, sid) + 1.0
        kind = "reply" if reply else "normal"
        cursor = store.execute(
            "INSERT INTO speaker_queue (session_id, participant_id, kind, position, added_at, "
            "via) VALUES (?, ?, ?, ?, ?, ?)",
            (sid, participant_id, kind, position, to_iso(store.clock.now()), via))
        store.audit("enqueue", "speaker_queue", cursor.lastrowid, None,
                    {"participant_id": participant_id, "kind": kind, "via": via}, actor=actor)
    return PLENARY


def remove_from_queue(store: EventStore, queue_id: int, *, actor: str) -> Changes:
    with store.transaction():
        if queries.queue_status(store, queue_id) != "waiting":
            raise PlenaryError(_("That person is no longer waiting in the queue."))
        store.execute("UPDATE speaker_queue SET status = 'removed' WHERE id = ?", (queue_id,))
        store.audit("dequeue", "speaker_queue", queue_id, {"status": "waiting"},
                    {"status": "removed"}, actor=actor)
    return PLENARY


def move_in_queue(store: EventStore, queue_id: int, new_index: int, *, actor: str) -> Changes:
    """Put an entry at ``new_index`` of the shown order; the order becomes first-come/manual."""
    with store.transaction():
        order = [e.id for e in queries.state(store).queue if not e.is_reply]
        if queue_id not in order:
            raise PlenaryError(_("Only people waiting (not direct replies) can be moved."))
        order.remove(queue_id)
        order.insert(max(0, min(new_index, len(order))), queue_id)
        set_queue_order(store, order, actor=actor)
    return PLENARY


def set_queue_order(store: EventStore, queue_ids: Sequence[int], *, actor: str) -> Changes:
    """The order the facilitator made (by dragging): it becomes the first-come order.

    ``queue_ids`` must be exactly the waiting entries that are not direct replies (those
    stay first); anything else means the list on screen is stale, and nothing changes.
    """
    with store.transaction():
        current = queries.state(store)
        waiting_ids = [e.id for e in current.queue if not e.is_reply]
        if sorted(queue_ids) != sorted(waiting_ids):
            raise PlenaryError(_("The queue changed meanwhile; look again and repeat the "
                                 "move."))
        if current.session_id is None:  # no session yet, so no one waiting: nothing to order
            return NO_CHANGES
        store.executemany("UPDATE speaker_queue SET position = ? WHERE id = ?",
                          [(float(i + 1), qid) for i, qid in enumerate(queue_ids)])
        if current.settings.policy is not QueuePolicy.FIRST_COME:
            _write_settings(store, current.settings,
                            replace(current.settings, policy=QueuePolicy.FIRST_COME),
                            actor=actor)
        store.audit("reorder_queue", "plenary_session", current.session_id,
                    waiting_ids, list(queue_ids), actor=actor)
    return PLENARY


# -- turns --------------------------------------------------------------------------------------


def _save_turn_timer(store: EventStore, turn_id: int, countdown: Countdown) -> None:
    store.execute(
        "UPDATE turns SET added = ?, elapsed_before = ?, running_since_mono = ?, "
        "running_since_wall = ? WHERE id = ?",
        (countdown.added, countdown.elapsed_before, countdown.running_since_mono,
         to_iso(countdown.running_since_wall) if countdown.running_since_wall else None,
         turn_id))


def start_next(store: EventStore, planned: int | None = None, *, actor: str) -> Changes:
    """End the current turn (recording it) and give the floor to whoever is next."""
    with store.transaction():
        queue = queries.state(store).queue
        if not queue:
            raise PlenaryError(_("No one is waiting to speak."))
        _start(store, queue[0], planned, actor=actor)
    return PLENARY


def start_entry(store: EventStore, queue_id: int, planned: int | None = None, *,
                actor: str) -> Changes:
    """Give the floor to a particular person in the queue, out of the policy's order."""
    with store.transaction():
        entry = next((e for e in queries.state(store).queue if e.id == queue_id), None)
        if entry is None:
            raise PlenaryError(_("That person is no longer waiting in the queue."))
        _start(store, entry, planned, actor=actor)
    return PLENARY


def _start(store: EventStore, entry: QueueEntry, planned: int | None, *, actor: str) -> None:
    end_turn(store, actor=actor)
    sid = _session_for_change(store, actor=actor)  # open: someone is waiting in it
    seconds = planned or queries.settings(store).turn_seconds
    if seconds <= 0:
        raise PlenaryError(_("A turn must last at least one second."))
    countdown = Countdown.new(seconds).start(store.clock)
    store.execute("UPDATE speaker_queue SET status = 'called' WHERE id = ?", (entry.id,))
    cursor = store.execute(
        "INSERT INTO turns (session_id, agenda_item_id, participant_id, queue_id, kind, planned,"
        " running_since_mono, running_since_wall, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (sid, queries.running_agenda_item_id(store, sid), entry.participant.id, entry.id,
         entry.kind, float(seconds), countdown.running_since_mono,
         to_iso(countdown.running_since_wall) if countdown.running_since_wall else None,
         to_iso(store.clock.now())))
    store.audit("start_turn", "turn", cursor.lastrowid, None,
                {"participant_id": entry.participant.id, "planned": seconds,
                 "kind": entry.kind}, actor=actor)


def end_turn(store: EventStore, *, actor: str) -> Changes:
    """Record the current turn's spoken time. Nothing to do if no one is speaking."""
    with store.transaction():
        turn = queries.current_turn(store)
        if turn is None:
            return NO_CHANGES
        spoken = round(turn.countdown.elapsed(store.clock), 3)
        store.execute(
            "UPDATE turns SET ended_at = ?, spoken = ?, elapsed_before = ?, "
            "running_since_mono = NULL, running_since_wall = NULL WHERE id = ?",
            (to_iso(store.clock.now()), spoken, spoken, turn.id))
        store.audit("end_turn", "turn", turn.id, None,
                    {"participant_id": turn.participant.id, "spoken": spoken}, actor=actor)
    return PLENARY


def _update_current(store: EventStore, action: str, change: Callable[[Countdown], Countdown],
                    *, actor: str) -> Changes:
    with store.transaction():
        turn = queries.current_turn(store)
        if turn is None:
            raise PlenaryError(_("No one is speaking."))
        new = change(turn.countdown)
        _save_turn_timer(store, turn.id, new)
        store.audit(action, "turn", turn.id,
                    {"added": turn.countdown.added, "running": turn.countdown.running},
                    {"added": new.added, "running": new.running}, actor=actor)
    return PLENARY


def pause(store: EventStore, *, actor: str) -> Changes:
    return _update_current(store, "pause_turn", lambda c: c.pause(store.clock), actor=actor)


def resume(store: EventStore, *, actor: str) -> Changes:
    return _update_current(store, "resume_turn", lambda c: c.start(store.clock), actor=actor)


def toggle_pause(store: EventStore, *, actor: str) -> Changes:
    turn = queries.current_turn(store)
    if turn is not None and turn.countdown.running:
        return pause(store, actor=actor)
    return resume(store, actor=actor)


def add_time(store: EventStore, seconds: float, *, actor: str) -> Changes:
    return _update_current(store, "add_time", lambda c: c.add(seconds), actor=actor)


def reset(store: EventStore, *, actor: str) -> Changes:
    """Back to the full time, paused: for a false start."""
    return _update_current(store, "reset_turn", lambda c: c.reset(), actor=actor)


def resume_after_restart(store: EventStore, clock: Clock, *, actor: str) -> Changes:
    """Re-anchor running timers to this process's monotonic clock (after a crash or reboot).

    Writes (and audits) only when a timer was running; opening an event whose plenary is
    idle, or was never used, changes nothing.
    """
    with store.transaction():
        resumed: list[str] = []
        turn = queries.current_turn(store)
        if turn is not None and turn.countdown.running:
            _save_turn_timer(store, turn.id, turn.countdown.resumed_in_new_process(clock))
            resumed.append(f"turn {turn.id}")
        for item in queries.agenda(store, queries.current_session_id(store)):
            if item.timer.running:
                _save_agenda_timer(store, item.id, item.timer.resumed_in_new_process(clock))
                resumed.append(f"agenda_item {item.id}")
        if not resumed:
            return NO_CHANGES
        store.audit("resume_timers", "plenary_session", queries.current_session_id(store),
                    None, {"resumed": resumed}, actor=actor)
    return PLENARY


# -- agenda -------------------------------------------------------------------------------------


def _save_agenda_timer(store: EventStore, item_id: int, timer: Countdown) -> None:
    store.execute(
        "UPDATE agenda_items SET elapsed_before = ?, running_since_mono = ?, "
        "running_since_wall = ? WHERE id = ?",
        (timer.elapsed_before, timer.running_since_mono,
         to_iso(timer.running_since_wall) if timer.running_since_wall else None, item_id))


def add_agenda_item(store: EventStore, title: str, planned_seconds: int, *,
                    actor: str) -> Changes:
    title = " ".join(title.split())
    if not title:
        raise PlenaryError(_("The agenda item needs a title."))
    if planned_seconds <= 0:
        raise PlenaryError(_("The agenda item needs a planned duration."))
    with store.transaction():
        sid = _session_for_change(store, actor=actor)
        cursor = store.execute(
            "INSERT INTO agenda_items (session_id, title, planned, position) VALUES (?, ?, ?, ?)",
            (sid, title, float(planned_seconds), queries.agenda_top(store, sid) + 1))
        store.audit("add_agenda_item", "agenda_item", cursor.lastrowid, None,
                    {"title": title, "planned": planned_seconds}, actor=actor)
    return PLENARY


def start_next_agenda_item(store: EventStore, *, actor: str) -> Changes:
    """Close the running item (if any) and start the next upcoming one."""
    with store.transaction():
        items = queries.agenda(store, queries.current_session_id(store))
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
                            {"elapsed": round(paused.elapsed_before, 3)}, actor=actor)
        nxt = upcoming[0]
        timer = nxt.timer.start(store.clock)
        _save_agenda_timer(store, nxt.id, timer)
        store.execute("UPDATE agenda_items SET started_at = ? WHERE id = ?", (now, nxt.id))
        store.audit("start_agenda_item", "agenda_item", nxt.id, None, {"title": nxt.title},
                    actor=actor)
    return PLENARY


def toggle_agenda_pause(store: EventStore, *, actor: str) -> Changes:
    with store.transaction():
        item = next((i for i in queries.agenda(store, queries.current_session_id(store))
                     if i.state in ("running", "paused")), None)
        if item is None:
            raise PlenaryError(_("No agenda item is running."))
        timer = item.timer.pause(store.clock) if item.timer.running else \
            item.timer.start(store.clock)
        _save_agenda_timer(store, item.id, timer)
        store.audit("pause_agenda_item" if item.timer.running else "resume_agenda_item",
                    "agenda_item", item.id, None, None, actor=actor)
    return PLENARY
