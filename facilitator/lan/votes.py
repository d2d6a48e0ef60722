"""Phone voting in the event file: questions open to phones, votes, tokens, raised hands.

The web server (:mod:`facilitator.lan.server`) calls these functions from its own thread;
the GUI calls them too. Each command is one transaction with its audit entry and returns
what changed. A refusal raises :class:`LanError`, whose ``reason`` is a short key the phone
page turns into a sentence in the voter's own language.

Who votes: an active participant, checked in, whose badge has not been revoked. One live
vote per person per question (a unique index); a changed vote, when the event allows it,
keeps the old row marked replaced. A person is on paper *or* on a phone for a round: a phone
vote is refused after a paper was handed out, and the hand-out desk is refused after a phone
vote (a trigger in the event file, plus :func:`paper_refusal` for a clear message).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from facilitator import codes
from facilitator.ballots.entry import counted_papers
from facilitator.ballots.errors import BallotError
from facilitator.ballots.marks import Answer, Status, assess, check_answer
from facilitator.ballots.questions import Question
from facilitator.ballots.rounds import BallotRound, get_round, handed_out_to
from facilitator.changes import Changes
from facilitator.clock import from_iso, to_iso
from facilitator.errors import UserError
from facilitator.i18n import N_, _
from facilitator.people import Participant, attendance_summary, get
from facilitator.people.roster import _search_key
from facilitator.store import EventStore

PHONES = Changes(phones=True)
PHONES_AND_BALLOTS = Changes(phones=True, ballots=True)
SETTINGS_KEY = "lan_settings"
DEFAULT_PORT = 8080
PHONE_TABLE = N_("Phone")
MAX_QUESTION_CHARS = 500


class LanError(UserError):
    """A refused phone action. ``reason`` is one of the keys the phone pages translate."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class LanSettings:
    allow_change: bool = False
    """A voter may change their phone vote until the question closes."""
    results_live: bool = False
    """Results are shown while the question is open (else only after it closes)."""
    port: int = DEFAULT_PORT
    host: str = ""
    """The address the server listens on ("" until the facilitator picks one)."""

    def to_json(self) -> dict[str, Any]:
        return {"allow_change": self.allow_change, "results_live": self.results_live,
                "port": self.port, "host": self.host}


@dataclass(frozen=True)
class PhoneQuestion:
    round_id: int
    index: int
    round_title: str
    question: Question
    status: str
    """"open" or "closed"."""
    opened_at: datetime
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class PhoneVote:
    participant_id: int
    round_id: int
    index: int
    answer: Answer
    receipt: str
    cast_at: datetime

    @property
    def pretty_receipt(self) -> str:
        return codes.pretty(self.receipt)


@dataclass(frozen=True)
class VoteResult:
    changes: Changes
    vote: PhoneVote
    replaced: bool


@dataclass(frozen=True)
class Turnout:
    present: int
    phone: int
    paper: int

    @property
    def voted(self) -> int:
        return self.phone + self.paper

    def text(self) -> str:
        return _("{voted} of {present} present have voted ({phone} by phone, {paper} on "
                 "paper)").format(voted=self.voted, present=self.present, phone=self.phone,
                                  paper=self.paper)


@dataclass(frozen=True)
class Hand:
    id: int
    participant: Participant
    at: datetime
    status: str


# -- settings ----------------------------------------------------------------------------------


def settings(store: EventStore) -> LanSettings:
    data = store.meta_json(SETTINGS_KEY, {}) or {}
    port = data.get("port", DEFAULT_PORT)
    return LanSettings(
        allow_change=bool(data.get("allow_change", False)),
        results_live=bool(data.get("results_live", False)),
        port=port if isinstance(port, int) and 1 <= port <= 65535 else DEFAULT_PORT,
        host=str(data.get("host") or ""),
    )


def save_settings(store: EventStore, new: LanSettings) -> Changes:
    if not 1 <= new.port <= 65535:
        raise LanError(_("A port is a number from 1 to 65535."), "settings")
    with store.transaction():
        old = settings(store)
        store.set_meta_json(SETTINGS_KEY, new.to_json())
        store.audit("lan_settings", "event", None, old.to_json(), new.to_json())
    return Changes(phones=True, event=True)


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


def open_question(store: EventStore, round_id: int, index: int, *,
                  operator: str | None = None) -> Changes:
    """Let phones vote on a question. A draft round becomes open: its questions freeze, as
    they would when its first papers are printed (votes refer to them)."""
    with store.transaction():
        ballot_round = get_round(store, round_id)
        if ballot_round.is_closed:
            raise LanError(_("The round “{title}” is closed; reopen it first.").format(
                title=ballot_round.title), "closed")
        if not 0 <= index < len(ballot_round.questions):
            raise LanError(_("The round “{title}” has no question {n}.").format(
                title=ballot_round.title, n=index + 1), "unknown")
        now = to_iso(store.clock.now())
        if ballot_round.status == "draft":
            store.execute("UPDATE ballot_rounds SET status = 'open', opened_at = ? "
                          "WHERE id = ? AND status = 'draft'", (now, round_id))
        store.execute(
            "INSERT INTO lan_questions (round_id, question_index, status, opened_at) "
            "VALUES (?, ?, 'open', ?) ON CONFLICT (round_id, question_index) DO UPDATE "
            "SET status = 'open', closed_at = NULL", (round_id, index, now))
        store.audit("lan_open_question", "ballot_round", round_id, None,
                    {"question": index}, actor=operator)
    return PHONES_AND_BALLOTS


def close_question(store: EventStore, round_id: int, index: int, *,
                   operator: str | None = None) -> Changes:
    with store.transaction():
        current = phone_question(store, round_id, index)
        if current is None or not current.is_open:
            raise LanError(_("This question is not open to phones."), "not_open")
        store.execute("UPDATE lan_questions SET status = 'closed', closed_at = ? "
                      "WHERE round_id = ? AND question_index = ?",
                      (to_iso(store.clock.now()), round_id, index))
        store.audit("lan_close_question", "ballot_round", round_id, None,
                    {"question": index}, actor=operator)
    return PHONES_AND_BALLOTS


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


def _new_receipt(store: EventStore) -> str:
    while True:
        receipt = codes.new_code(6)
        if store.query_one("SELECT 1 FROM lan_votes WHERE receipt = ?", (receipt,)) is None:
            return receipt


def _vote(row: Any) -> PhoneVote:
    return PhoneVote(int(row["participant_id"]), int(row["round_id"]),
                     int(row["question_index"]), Answer.from_json(json.loads(row["answer"])),
                     str(row["receipt"]), from_iso(row["cast_at"]))


def my_vote(store: EventStore, participant_id: int, round_id: int, index: int
            ) -> PhoneVote | None:
    row = store.query_one(
        "SELECT * FROM lan_votes WHERE round_id = ? AND question_index = ? AND "
        "participant_id = ? AND replaced_at IS NULL", (round_id, index, participant_id))
    return None if row is None else _vote(row)


def cast_vote(store: EventStore, participant_id: int, round_id: int, index: int,
              answer: Answer) -> VoteResult:
    """Record a phone vote. Refused (nothing changes) for a closed question, a second vote
    when changes are not allowed, a person handed a paper for the round, an answer that
    breaks the question's rules (the phone can say why and let the voter fix it)."""
    with store.transaction():
        voter(store, participant_id)
        current = phone_question(store, round_id, index)
        if current is None:
            raise LanError(_("This question is not open to phones."), "not_open")
        if not current.is_open:
            raise LanError(_("Voting on this question has closed."), "closed")
        try:
            answer = check_answer(current.question, answer)
        except BallotError as exc:
            raise LanError(exc.message, "invalid") from exc
        assessment = assess(current.question, answer)
        if assessment.status is Status.INVALID:
            raise LanError(assessment.reason, "invalid")
        paper = handed_out_to(store, round_id, participant_id)
        if paper is not None:
            raise LanError(_("A paper ballot for this round was handed to this person at "
                             "{time}; their vote is on paper.").format(
                                 time=paper.at.astimezone().strftime("%H:%M")), "paper")
        earlier = my_vote(store, participant_id, round_id, index)
        now = to_iso(store.clock.now())
        if earlier is not None:
            if not settings(store).allow_change:
                raise LanError(_("This person has already voted on this question."),
                               "already_voted")
            store.execute(
                "UPDATE lan_votes SET replaced_at = ? WHERE round_id = ? AND "
                "question_index = ? AND participant_id = ? AND replaced_at IS NULL",
                (now, round_id, index, participant_id))
        receipt = _new_receipt(store)
        store.execute(
            "INSERT INTO lan_votes (round_id, question_index, participant_id, answer, receipt, "
            "cast_at) VALUES (?, ?, ?, ?, ?, ?)",
            (round_id, index, participant_id, json.dumps(answer.to_json()), receipt, now))
        # The audit log records that a vote arrived (and its receipt), not what it says.
        store.audit("lan_vote", "ballot_round", round_id,
                    None if earlier is None else {"receipt": earlier.receipt},
                    {"question": index, "receipt": receipt}, actor="phone")
        vote = PhoneVote(participant_id, round_id, index, answer, receipt,
                         from_iso(now))
    return VoteResult(replace(PHONES, participant_ids=frozenset({participant_id})), vote,
                      earlier is not None)


def paper_refusal(store: EventStore, round_id: int, participant_id: int) -> str | None:
    """Why this person may not be handed a paper for the round (they voted by phone), or
    None. The hand-out desk shows it; the event file refuses the hand-out anyway."""
    row = store.query_one(
        "SELECT min(cast_at) AS at FROM lan_votes WHERE round_id = ? AND participant_id = ? "
        "AND replaced_at IS NULL", (round_id, participant_id))
    if row is None or row["at"] is None:
        return None
    person = get(store, participant_id)
    return _("{name} already voted by phone in this round (at {time}); no paper ballot for "
             "them.").format(name=person.name,
                             time=from_iso(row["at"]).astimezone().strftime("%H:%M"))


# -- what counts -------------------------------------------------------------------------------


def phone_answers(store: EventStore, round_id: int, question_index: int) -> list[Answer]:
    """Every live phone vote on a question (one per person; blank ones included), as the
    counts take them: the same :class:`Answer` a keyed paper gives, to be judged with
    :func:`facilitator.ballots.assess`. Ordered by receipt, which says nothing about who
    voted or when."""
    rows = store.query(
        "SELECT answer FROM lan_votes WHERE round_id = ? AND question_index = ? AND "
        "replaced_at IS NULL ORDER BY receipt", (round_id, question_index))
    return [Answer.from_json(json.loads(r["answer"])) for r in rows]


def phone_ballots(store: EventStore, round_id: int) -> list[tuple[str, dict[int, Answer]]]:
    """Each phone voter's live votes on the round, as one ballot: (key, answers by question).

    The key is the voter's smallest receipt (random, so it says nothing about who voted);
    a question the person did not vote on is absent from their answers. Sorted by key.
    """
    by_voter: dict[int, dict[int, tuple[str, Answer]]] = {}
    for r in store.query(
            "SELECT participant_id, question_index, receipt, answer FROM lan_votes "
            "WHERE round_id = ? AND replaced_at IS NULL", (round_id,)):
        by_voter.setdefault(int(r["participant_id"]), {})[int(r["question_index"])] = (
            str(r["receipt"]), Answer.from_json(json.loads(r["answer"])))
    ballots = [(min(receipt for receipt, _answer in votes.values()),
                {index: answer for index, (_receipt, answer) in votes.items()})
               for votes in by_voter.values()]
    return sorted(ballots, key=lambda b: b[0])


def phone_receipts(store: EventStore, round_id: int, question_index: int) -> list[str]:
    """The receipts of the live votes, sorted: a voter can check theirs is counted."""
    return [str(r["receipt"]) for r in store.query(
        "SELECT receipt FROM lan_votes WHERE round_id = ? AND question_index = ? AND "
        "replaced_at IS NULL ORDER BY receipt", (round_id, question_index))]


def phone_voters(store: EventStore, round_id: int) -> set[int]:
    """Who voted by phone on any question of the round."""
    return {int(r["participant_id"]) for r in store.query(
        "SELECT DISTINCT participant_id FROM lan_votes WHERE round_id = ? AND "
        "replaced_at IS NULL", (round_id,))}


def turnout(store: EventStore, round_id: int, index: int) -> Turnout:
    """People present, and how many voted on the question by phone and on (entered) paper."""
    present = attendance_summary(store).present
    row = store.query_one(
        "SELECT count(*) AS n FROM lan_votes WHERE round_id = ? AND question_index = ? AND "
        "replaced_at IS NULL", (round_id, index))
    phone = int(row["n"]) if row else 0
    paper = sum(1 for p in counted_papers(store, round_id)
                if not p.spoiled and p.assessments[index].status is not Status.BLANK)
    return Turnout(present, phone, paper)


def phone_option_counts(question: Question, answers: Sequence[Answer]) -> list[int]:
    """A quick per-option figure for screens: boxes marked (choice kinds), first preferences
    (rank), or the sum of numbers (score, dots); judgment: grades given. Valid votes only.
    The official result is the count of the Results page."""
    counts = [0] * len(question.options)
    for answer in answers:
        assessment = assess(question, answer)
        if not assessment.valid:
            continue
        if question.kind.value == "rank":
            if assessment.selection:
                counts[assessment.selection[0]] += 1
            continue
        if assessment.values:
            for i, value in enumerate(assessment.values):
                if value is not None and question.kind.value != "judgment":
                    counts[i] += value
                elif value is not None:
                    counts[i] += 1
            continue
        for i in assessment.selection:
            counts[i] += 1
    return counts


# -- tokens ------------------------------------------------------------------------------------


def _new_badge(store: EventStore, participant_id: int) -> tuple[str, str]:
    while True:
        code = codes.new_code()
        if store.query_one("SELECT 1 FROM participants WHERE badge_code = ?", (code,)) is None:
            break
    token = codes.new_token()
    person = get(store, participant_id)
    store.execute("UPDATE participants SET token = ?, badge_code = ?, search_key = ? "
                  "WHERE id = ?",
                  (token, code, _search_key(person.ext_id, person.name, code), participant_id))
    return token, code


def revoke(store: EventStore, participant_id: int, *, operator: str | None = None) -> Changes:
    """A lost badge: its QR token and short code stop working at once (new secret ones are
    drawn and not shown); the person's votes so far stay. Undo with :func:`reissue`."""
    with store.transaction():
        person = get(store, participant_id)
        _new_badge(store, participant_id)
        now = to_iso(store.clock.now())
        store.execute("INSERT INTO lan_access (participant_id, revoked_at) VALUES (?, ?) "
                      "ON CONFLICT (participant_id) DO UPDATE SET revoked_at = excluded.revoked_at",
                      (participant_id, now))
        store.audit("lan_revoke", "participant", participant_id,
                    {"badge_code": person.badge_code}, None, actor=operator)
    return Changes(phones=True, participants=True, participant_ids=frozenset({participant_id}))


def reissue(store: EventStore, participant_id: int, *, operator: str | None = None
            ) -> tuple[Changes, Participant]:
    """A new badge: a new token and short code (print the badge again). The old ones no
    longer work. Votes already cast stay, and still count once: votes belong to the person."""
    with store.transaction():
        old = get(store, participant_id)
        _token, code = _new_badge(store, participant_id)
        store.execute("UPDATE lan_access SET revoked_at = NULL WHERE participant_id = ?",
                      (participant_id,))
        store.audit("lan_reissue", "participant", participant_id,
                    {"badge_code": old.badge_code}, {"badge_code": code}, actor=operator)
        person = get(store, participant_id)
    return (Changes(phones=True, participants=True,
                    participant_ids=frozenset({participant_id})), person)


def join(store: EventStore, typed: str) -> Participant:
    """The person whose short personal code (printed on the badge) was typed on the join
    page. Refused for a code with a typo, an unknown or a revoked one."""
    code = codes.normalise(typed)[:16]
    if not codes.is_valid(code):
        raise LanError(_("That is not a badge code."), "bad_code")
    row = store.query_one("SELECT id FROM participants WHERE badge_code = ?", (code,))
    if row is None:
        raise LanError(_("No one has that badge code."), "bad_code")
    return voter(store, int(row["id"]))


# -- language ----------------------------------------------------------------------------------


def language_of(store: EventStore, person: Participant) -> str | None:
    """The phone-page language: chosen on the phone, else from the participant list."""
    row = store.query_one("SELECT language FROM lan_access WHERE participant_id = ?",
                          (person.id,))
    if row is not None and row["language"]:
        return str(row["language"])
    for key, value in person.attributes.items():
        if key.strip().casefold() in ("language", "lang", "iaith") and value.strip():
            return value.strip()
    return None


def set_language(store: EventStore, participant_id: int, language: str) -> Changes:
    with store.transaction():
        store.execute("INSERT INTO lan_access (participant_id, language) VALUES (?, ?) "
                      "ON CONFLICT (participant_id) DO UPDATE SET language = excluded.language",
                      (participant_id, language[:20]))
    return Changes()


# -- raised hands ------------------------------------------------------------------------------


def _hand(store: EventStore, row: Any) -> Hand:
    return Hand(int(row["id"]), get(store, int(row["participant_id"])), from_iso(row["at"]),
                str(row["status"]))


def raise_hand(store: EventStore, participant_id: int) -> Changes:
    with store.transaction():
        voter(store, participant_id)
        if waiting_hand(store, participant_id) is not None:
            raise LanError(_("This hand is already raised."), "hand_waiting")
        cursor = store.execute("INSERT INTO lan_hands (participant_id, at) VALUES (?, ?)",
                               (participant_id, to_iso(store.clock.now())))
        store.audit("lan_raise_hand", "participant", participant_id, None,
                    {"hand": cursor.lastrowid}, actor="phone")
    return replace(PHONES, participant_ids=frozenset({participant_id}))


def waiting_hand(store: EventStore, participant_id: int) -> Hand | None:
    row = store.query_one("SELECT * FROM lan_hands WHERE participant_id = ? AND "
                          "status = 'waiting'", (participant_id,))
    return None if row is None else _hand(store, row)


def hands(store: EventStore) -> list[Hand]:
    """Raised hands waiting for the facilitator, oldest first."""
    return [_hand(store, r) for r in store.query(
        "SELECT * FROM lan_hands WHERE status = 'waiting' ORDER BY id")]


def _decide_hand(store: EventStore, hand_id: int, status: str, *,
                 expected_participant: int | None = None) -> Hand:
    row = store.query_one("SELECT * FROM lan_hands WHERE id = ?", (hand_id,))
    if row is None or row["status"] != "waiting" or (
            expected_participant is not None and row["participant_id"] != expected_participant):
        raise LanError(_("This raised hand was already dealt with."), "hand_gone")
    store.execute("UPDATE lan_hands SET status = ?, decided_at = ? WHERE id = ?",
                  (status, to_iso(store.clock.now()), hand_id))
    store.audit(f"lan_hand_{status}", "participant", row["participant_id"], None,
                {"hand": hand_id})
    return _hand(store, row)


def approve_hand(store: EventStore, hand_id: int) -> Changes:
    """Put the person in the speaker queue (refused, and the hand kept, if it cannot)."""
    from facilitator.timing.ops import enqueue

    with store.transaction():
        hand = _decide_hand(store, hand_id, "approved")
        changes = enqueue(store, hand.participant.id, via="phone", actor="app")
    return changes | PHONES


def dismiss_hand(store: EventStore, hand_id: int) -> Changes:
    with store.transaction():
        _decide_hand(store, hand_id, "dismissed")
    return PHONES


def lower_hand(store: EventStore, participant_id: int) -> Changes:
    """The person lowers their own hand from the phone."""
    with store.transaction():
        hand = waiting_hand(store, participant_id)
        if hand is None:
            raise LanError(_("No hand is raised."), "hand_gone")
        _decide_hand(store, hand.id, "withdrawn", expected_participant=participant_id)
    return PHONES
