"""Reading the plenary from the event file: settings, sessions, the queue, turns, the agenda.

Never writes, not even on first use: before the first plenary op opens a session, the
state has no session id and shows the title the first session will get.
"""

from __future__ import annotations

from sqlite3 import Row

from facilitator.clock import Clock, from_iso
from facilitator.people import get, list_participants
from facilitator.store import EventStore
from facilitator.timing.countdown import Countdown
from facilitator.timing.model import (
    AgendaItem,
    PlenarySettings,
    PlenaryState,
    QueueEntry,
    Turn,
    session_title,
)
from facilitator.timing.order import Spoken, group_of, ordered_queue
from facilitator.timing.stats import SpeakingStats, compute_stats

SETTINGS_KEY = "plenary_settings"
"""Where the settings live in the event's meta table."""


def settings(store: EventStore) -> PlenarySettings:
    return PlenarySettings.from_json(store.meta_json(SETTINGS_KEY, {}) or {})


# -- sessions ---------------------------------------------------------------------------------


def current_session_id(store: EventStore) -> int | None:
    """The open plenary session, or None if no op has opened one yet."""
    row = store.query_one(
        "SELECT id FROM plenary_sessions WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1")
    return None if row is None else int(row["id"])


def session_count(store: EventStore) -> int:
    row = store.query_one("SELECT count(*) AS n FROM plenary_sessions")
    return int(row["n"]) if row else 0


def sessions(store: EventStore) -> list[tuple[int, str]]:
    return [(int(r["id"]), str(r["title"]))
            for r in store.query("SELECT id, title FROM plenary_sessions ORDER BY id")]


# -- turns and the agenda -------------------------------------------------------------------------


def countdown_of(row: Row) -> Countdown:
    """A turn's or an agenda item's countdown, from its row."""
    return Countdown(
        planned=float(row["planned"]),
        added=float(row["added"]) if "added" in row.keys() else 0.0,  # noqa: SIM118 (Row)
        elapsed_before=float(row["elapsed_before"]),
        running_since_mono=row["running_since_mono"],
        running_since_wall=from_iso(row["running_since_wall"]) if row["running_since_wall"]
        else None,
    )


def _turn(store: EventStore, row: Row) -> Turn:
    return Turn(
        id=int(row["id"]),
        session_id=int(row["session_id"]),
        participant=get(store, int(row["participant_id"])),
        kind=str(row["kind"]),
        countdown=countdown_of(row),
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
    """The turns of one session, or of the whole event (``session_id`` None)."""
    if session_id is None:
        rows = store.query("SELECT * FROM turns ORDER BY id")
    else:
        rows = store.query("SELECT * FROM turns WHERE session_id = ? ORDER BY id", (session_id,))
    return [_turn(store, r) for r in rows]


def agenda(store: EventStore, session_id: int | None) -> list[AgendaItem]:
    """The agenda of a session (none before the first session is opened)."""
    if session_id is None:
        return []
    rows = store.query("SELECT * FROM agenda_items WHERE session_id = ? ORDER BY position, id",
                       (session_id,))
    return [
        AgendaItem(
            id=int(r["id"]), title=str(r["title"]), planned=float(r["planned"]),
            position=float(r["position"]), timer=countdown_of(r),
            started_at=from_iso(r["started_at"]) if r["started_at"] else None,
            ended_at=from_iso(r["ended_at"]) if r["ended_at"] else None,
        )
        for r in rows
    ]


def running_agenda_item_id(store: EventStore, session_id: int) -> int | None:
    """The agenda item started and not ended (a turn started now belongs to it)."""
    row = store.query_one(
        "SELECT id FROM agenda_items WHERE session_id = ? AND started_at IS NOT NULL AND "
        "ended_at IS NULL ORDER BY position LIMIT 1", (session_id,))
    return None if row is None else int(row["id"])


# -- the queue ----------------------------------------------------------------------------------


def spoken_by(store: EventStore, session_id: int) -> Spoken:
    """Per participant: turns ended and seconds spoken in the session."""
    rows = store.query(
        "SELECT participant_id, count(*) AS n, coalesce(sum(spoken), 0) AS s FROM turns "
        "WHERE session_id = ? AND ended_at IS NOT NULL GROUP BY participant_id", (session_id,))
    return {int(r["participant_id"]): (int(r["n"]), float(r["s"])) for r in rows}


def waiting(store: EventStore, session_id: int | None) -> list[QueueEntry]:
    """Who waits in the session's queue, in stored order (not yet the policy's)."""
    if session_id is None:
        return []
    rows = store.query(
        "SELECT * FROM speaker_queue WHERE session_id = ? AND status = 'waiting' "
        "ORDER BY position, id", (session_id,))
    return [QueueEntry(int(r["id"]), get(store, int(r["participant_id"])), str(r["kind"]),
                       float(r["position"]), from_iso(r["added_at"])) for r in rows]


def queue_top(store: EventStore, session_id: int) -> float:
    """The highest position in the session's queue (0 when empty): a new entry goes after."""
    row = store.query_one(
        "SELECT coalesce(max(position), 0) AS p FROM speaker_queue WHERE session_id = ?",
        (session_id,))
    return float(row["p"]) if row else 0.0


def agenda_top(store: EventStore, session_id: int) -> float:
    row = store.query_one(
        "SELECT coalesce(max(position), 0) AS p FROM agenda_items WHERE session_id = ?",
        (session_id,))
    return float(row["p"]) if row else 0.0


def queue_status(store: EventStore, queue_id: int) -> str | None:
    row = store.query_one("SELECT status FROM speaker_queue WHERE id = ?", (queue_id,))
    return None if row is None else str(row["status"])


# -- the whole view -------------------------------------------------------------------------------


def state(store: EventStore) -> PlenaryState:
    """Everything a plenary view shows. Before the first op, an empty session-to-be."""
    sid = current_session_id(store)
    conf = settings(store)
    current = current_turn(store)
    if sid is None:
        return PlenaryState(None, session_title(session_count(store) + 1), conf, [], current,
                            current)
    last = current or last_turn(store, sid)
    attribute = conf.alternate_attribute
    last_group = group_of(last.participant, attribute) if last and attribute else None
    queue = ordered_queue(waiting(store, sid), conf.policy, spoken_by(store, sid),
                          progressive_by=conf.progressive_by, attribute=attribute,
                          last_group=last_group)
    title_row = store.query_one("SELECT title FROM plenary_sessions WHERE id = ?", (sid,))
    return PlenaryState(sid, str(title_row["title"]) if title_row else "", conf, queue, current,
                        last, agenda(store, sid))


def speaking_stats(store: EventStore, clock: Clock, *, session_id: int | None = None,
                   attribute: str | None = None) -> SpeakingStats:
    """Who is heard in one session (``session_id``) or the whole event (None).

    Before the first session is opened there are no turns at all, so a view of "this
    session" may pass the state's None and get the same (empty) figures.
    """
    return compute_stats(turns(store, session_id), list_participants(store), clock,
                         scope="session" if session_id is not None else "event",
                         attribute=attribute)
