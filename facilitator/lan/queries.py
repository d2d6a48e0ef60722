"""Reading phone voting from the event file: the settings, the questions open to phones, who
may use the phone pages, a voter's own ballot while they may change it, raised hands, the
phone-page language. Never writes.

The phone ballots themselves, and who voted by phone, are read by
:mod:`facilitator.ballots.queries` (the ballot box is one, whatever the channel): nothing
here pairs a voter with a ballot except :func:`my_vote`, while the question is open and
changing votes is allowed (the only time the file keeps that link).
"""

from __future__ import annotations

from typing import Any

from facilitator import codes
from facilitator.ballots import (
    BallotRound,
    PhoneVote,
    get_round,
    phone_ballot,
    question_phone_voters,
)
from facilitator.clock import from_iso
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.lan.model import (
    SETTINGS_KEY,
    Hand,
    LanError,
    LanSettings,
    PhoneQuestion,
    listed_language,
)
from facilitator.people import Participant, get
from facilitator.store import EventStore

# -- settings ----------------------------------------------------------------------------------


def settings(store: EventStore) -> LanSettings:
    return LanSettings.from_json(store.meta_json(SETTINGS_KEY, {}))


# -- questions open to phones ------------------------------------------------------------------


def _phone_question(store: EventStore, row: Any, ballot_round: BallotRound | None = None
                    ) -> PhoneQuestion:
    ballot_round = ballot_round or get_round(store, int(row["round_id"]))
    return PhoneQuestion(
        round_id=ballot_round.id, index=int(row["question_index"]),
        round_title=ballot_round.title,
        question=ballot_round.questions[int(row["question_index"])],
        status=str(row["status"]), opened_at=from_iso(row["opened_at"]),
        closed_at=from_iso(row["closed_at"]) if row["closed_at"] else None)


def phone_question(store: EventStore, round_id: int, index: int) -> PhoneQuestion | None:
    row = store.query_one("SELECT * FROM lan_questions WHERE round_id = ? AND "
                          "question_index = ?", (round_id, index))
    return None if row is None else _phone_question(store, row)


def phone_questions(store: EventStore, *, open_only: bool = False) -> list[PhoneQuestion]:
    """Questions ever opened to phones (or only those open now), in round and ballot order."""
    sql = "SELECT * FROM lan_questions"
    if open_only:
        sql += " WHERE status = 'open'"
    rows = store.query(sql + " ORDER BY round_id, question_index")
    rounds: dict[int, BallotRound] = {}
    out = []
    for row in rows:
        rid = int(row["round_id"])
        if rid not in rounds:
            rounds[rid] = get_round(store, rid)
        out.append(_phone_question(store, row, rounds[rid]))
    return out


# -- who may vote ------------------------------------------------------------------------------


def is_revoked(store: EventStore, participant_id: int) -> bool:
    row = store.query_one("SELECT revoked_at FROM lan_access WHERE participant_id = ?",
                          (participant_id,))
    return row is not None and row["revoked_at"] is not None


def voter(store: EventStore, participant_id: int) -> Participant:
    """The person, if they may use the phone pages now; else a :class:`LanError`."""
    try:
        person = get(store, participant_id)
    except UserError as exc:
        raise LanError(exc.message, "unknown") from exc
    if not person.active:
        raise LanError(_("{name} was removed from the participant list.").format(
            name=person.name), "removed")
    if is_revoked(store, participant_id):
        raise LanError(_("This badge was revoked."), "revoked")
    if not person.present:
        raise LanError(_("{name} is not checked in.").format(name=person.name), "not_present")
    return person


def join(store: EventStore, typed: str) -> Participant:
    """The person whose personal code (printed on the badge) was typed on the join page.
    Refused for a code with a typo or of the wrong length (``typo``, no look-up), a short
    code from an older badge (``old_code``: too easy to guess, see
    :class:`facilitator.lan.security.GuessBudget`), an unknown (``bad_code``) or a revoked
    one."""
    code = codes.normalise(typed)[:40]
    verdict = codes.check_badge_code(code)
    if verdict == "old":
        raise LanError(_("That code is from an older badge and cannot be used on a phone."),
                       "old_code")
    if verdict != "ok":
        raise LanError(_("That is not a badge code: a character is missing or mistyped."),
                       "typo")
    row = store.query_one("SELECT id FROM participants WHERE badge_code = ?", (code,))
    if row is None:
        raise LanError(_("No one has that badge code."), "bad_code")
    return voter(store, int(row["id"]))


# -- a voter's own vote ------------------------------------------------------------------------


def has_voted(store: EventStore, participant_id: int, round_id: int, index: int) -> bool:
    """Whether the person has voted by phone on the question (never what)."""
    return participant_id in question_phone_voters(store, round_id, index)


def my_vote(store: EventStore, participant_id: int, round_id: int, index: int
            ) -> PhoneVote | None:
    """The person's ballot while they may still change it (the question open, changing
    allowed), else None: once that is over, nothing in the file says which ballot is theirs,
    so a lost or photographed badge shows no past vote."""
    row = store.query_one(
        "SELECT l.receipt FROM lan_links l JOIN lan_questions q ON q.round_id = l.round_id "
        "AND q.question_index = l.question_index "
        "WHERE l.round_id = ? AND l.question_index = ? AND l.participant_id = ? "
        "AND q.status = 'open'", (round_id, index, participant_id))
    return None if row is None else phone_ballot(store, str(row["receipt"]))


# -- language ----------------------------------------------------------------------------------


def language_of(store: EventStore, person: Participant) -> str | None:
    """The phone-page language: chosen on the phone, else from the participant list."""
    row = store.query_one("SELECT language FROM lan_access WHERE participant_id = ?",
                          (person.id,))
    if row is not None and row["language"]:
        return str(row["language"])
    return listed_language(person)


# -- raised hands ------------------------------------------------------------------------------


def _hand(store: EventStore, row: Any) -> Hand:
    return Hand(int(row["id"]), get(store, int(row["participant_id"])), from_iso(row["at"]),
                str(row["status"]))


def waiting_hand(store: EventStore, participant_id: int) -> Hand | None:
    row = store.query_one("SELECT * FROM lan_hands WHERE participant_id = ? AND "
                          "status = 'waiting'", (participant_id,))
    return None if row is None else _hand(store, row)


def hands(store: EventStore) -> list[Hand]:
    """Raised hands waiting for the facilitator, oldest first."""
    return [_hand(store, r) for r in store.query(
        "SELECT * FROM lan_hands WHERE status = 'waiting' ORDER BY id")]


def hand(store: EventStore, hand_id: int) -> Hand | None:
    """A raised hand, whatever became of it."""
    row = store.query_one("SELECT * FROM lan_hands WHERE id = ?", (hand_id,))
    return None if row is None else _hand(store, row)
