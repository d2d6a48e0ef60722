"""Phone voting in the event file: questions open to phones, votes, tokens, raised hands.

The web server (:mod:`facilitator.lan.server`) calls these functions from its own thread;
the GUI calls them too. Each command is one transaction with its audit entry and returns
what changed. A refusal raises :class:`LanError`, whose ``reason`` is a short key the phone
page turns into a sentence in the voter's own language.

Who votes: an active participant, checked in, whose badge has not been revoked. One vote
per person per question. A person is on paper *or* on a phone for a round: a phone vote is
refused after a paper was handed out, and the hand-out desk is refused after a phone vote (a
trigger in the event file, plus :func:`facilitator.ballots.paper_refusal` for a clear message).

**A phone vote is secret in the file**, as a paper in a ballot box is. *Who* has voted on a
question (``lan_voter_lists``: one row per question holding the sorted list of participant
ids) is stored apart from *what* was voted (``lan_ballots``: random receipt, question,
answer). Neither holds a time or a rowid, and a row per voter is avoided on purpose: the
byte offsets of the cells on a SQLite page give the order they were inserted in, so a row
per voter next to a row per ballot would pair them up (see ``_V_PHONE_SECRECY`` in
:mod:`facilitator.store.migrations`). The only link, voter → receipt in ``lan_links``,
exists while it is needed: the question open *and* changing votes allowed. The event file
deletes it when the question or its round closes (triggers, whatever code closes them) and
:func:`save_settings` when changing is switched off; a changed vote deletes the old ballot.
``PRAGMA secure_delete`` zeroes what is deleted, and :meth:`EventStore.scrub` folds the
write-ahead log into the file (its old page versions, read in commit order, would link a
voter's row to a ballot's): after a question or round closes, after changing is switched
off, and after every vote while votes are secret even during voting (changing off). The
audit log says that a vote arrived on a question, never whose or which receipt.
"""

from __future__ import annotations

import json
import logging
import threading
import weakref
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from facilitator import codes
from facilitator.ballots import (
    BallotRound,
    get_round,
    handed_out_to,
    use_channel,
    voting_refusal,
)
from facilitator.ballots.errors import BallotError
from facilitator.ballots.marks import Answer, Status, assess, check_answer
from facilitator.ballots.questions import Kind, Question
from facilitator.changes import Changes
from facilitator.clock import from_iso, to_iso
from facilitator.errors import UserError
from facilitator.i18n import N_, _
from facilitator.people import Participant, get
from facilitator.people import search_key as _search_key
from facilitator.store import EventStore, StoreIOError

log = logging.getLogger(__name__)

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
    """A ballot cast by phone: what it says and its receipt (no voter, no time)."""

    round_id: int
    index: int
    answer: Answer
    receipt: str

    @property
    def pretty_receipt(self) -> str:
        return codes.pretty(self.receipt)


@dataclass(frozen=True)
class VoteResult:
    changes: Changes
    vote: PhoneVote
    """The ballot just cast; its receipt is shown to the voter once, then never again."""
    replaced: bool


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
        if old.allow_change and not new.allow_change:
            # Nobody may change a vote any more, so no link to a ballot is kept either.
            store.execute("DELETE FROM lan_links")
        store.audit("lan_settings", "event", None, old.to_json(), new.to_json())
    if old.allow_change and not new.allow_change:
        _scrub(store)
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
        use_channel(store, ballot_round, "phones", actor=operator or "")  # refused: paper only
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
    _scrub(store)  # the event file deleted the question's links (a trigger)
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
        if store.query_one("SELECT 1 FROM lan_ballots WHERE receipt = ?", (receipt,)) is None:
            return receipt


def _vote(row: Any) -> PhoneVote:
    return PhoneVote(int(row["round_id"]), int(row["question_index"]),
                     Answer.from_json(json.loads(row["answer"])), str(row["receipt"]))


def _voters(store: EventStore, round_id: int, index: int) -> list[int]:
    row = store.query_one("SELECT participants FROM lan_voter_lists WHERE round_id = ? AND "
                          "question_index = ?", (round_id, index))
    return [] if row is None else [int(p) for p in json.loads(row["participants"])]


def has_voted(store: EventStore, participant_id: int, round_id: int, index: int) -> bool:
    """Whether the person has voted by phone on the question (never what)."""
    return participant_id in _voters(store, round_id, index)


def my_vote(store: EventStore, participant_id: int, round_id: int, index: int
            ) -> PhoneVote | None:
    """The person's ballot while they may still change it (the question open, changing
    allowed), else None: once that is over, nothing in the file says which ballot is theirs,
    so a lost or photographed badge shows no past vote."""
    row = store.query_one(
        "SELECT b.* FROM lan_links l JOIN lan_ballots b ON b.receipt = l.receipt "
        "JOIN lan_questions q ON q.round_id = l.round_id "
        "AND q.question_index = l.question_index "
        "WHERE l.round_id = ? AND l.question_index = ? AND l.participant_id = ? "
        "AND q.status = 'open'", (round_id, index, participant_id))
    return None if row is None else _vote(row)


def _scrub(store: EventStore, *, rebuild: bool = True) -> None:
    """Leave no history of the votes in the file (:meth:`EventStore.scrub`). Called once the
    change is committed, so a busy file (another process reading it) must not turn a
    confirmed vote or close into an error: the history then goes at the next scrub, at the
    latest when the event is closed."""
    try:
        store.scrub(rebuild=rebuild)
    except StoreIOError:
        log.warning("the event file is busy; its write-ahead log is cleared later")


def cast_vote(store: EventStore, participant_id: int, round_id: int, index: int,
              answer: Answer) -> VoteResult:
    """Record a phone vote. Refused (nothing changes) for a closed question, a second vote
    when changes are not allowed, a person handed a paper for the round, an answer that
    breaks the question's rules (the phone can say why and let the voter fix it)."""
    with store.transaction():
        person = voter(store, participant_id)
        ballot_round = get_round(store, round_id)  # a closed round takes no vote, ever
        if ballot_round.is_closed:
            raise LanError(_("Voting on this question has closed."), "closed")
        if not ballot_round.is_open:
            raise LanError(_("This question is not open to phones."), "not_open")
        refusal = voting_refusal(store, ballot_round, person)
        if refusal is not None:
            raise LanError(refusal, "not_entitled")
        current = phone_question(store, round_id, index)
        if current is None:
            raise LanError(_("This question is not open to phones."), "not_open")
        if not current.is_open:
            raise LanError(_("Voting on this question has closed."), "closed")
        _refuse_zero_marks(current.question, answer)
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
        vote, replaced, secret = _store_ballot(store, participant_id, round_id, index, answer)
    if secret and not _grouping.active:
        _scrub(store, rebuild=False)
    return VoteResult(replace(PHONES, participant_ids=frozenset({participant_id})), vote,
                      replaced)


class _Grouping(threading.local):
    active = False


_grouping = _Grouping()


@dataclass
class _Pending:
    args: tuple[int, int, int, Answer]
    done: bool = False
    result: VoteResult | None = None
    error: Exception | None = None


class _VoteDesk:
    """Group commit: the votes that arrive while one is being written go into the file
    together, in one transaction, then the write-ahead log is folded in once for all of them,
    and only then is any of them answered.

    Clearing the write-ahead log after every secret vote costs two more disk syncs per vote
    (about 6 ms on a laptop disk, where the vote itself takes 3 to 4): alone, 500 phones in
    five seconds would queue behind each other. Grouped, the cost is shared by the votes of
    the moment, and a vote is still answered only once nothing in the file links it."""

    def __init__(self) -> None:
        self._queue: list[_Pending] = []
        self._queue_lock = threading.Lock()
        self._leader = threading.Lock()

    def cast(self, store: EventStore, args: tuple[int, int, int, Answer]) -> VoteResult:
        mine = _Pending(args)
        with self._queue_lock:
            self._queue.append(mine)
        with self._leader:  # whoever holds it writes every vote waiting, then answers
            if not mine.done:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._write(store, batch)
        if mine.error is not None:
            raise mine.error
        assert mine.result is not None
        return mine.result

    def _write(self, store: EventStore, batch: list[_Pending]) -> None:
        try:
            _grouping.active = True
            try:
                with store.transaction():
                    for pending in batch:
                        store.execute("SAVEPOINT vote")
                        try:
                            pending.result = cast_vote(store, *pending.args)
                        except LanError as exc:  # refused: whatever it wrote goes
                            store.execute("ROLLBACK TO vote")
                            pending.error = exc
                        store.execute("RELEASE vote")
            except Exception:  # the file refused the group: each vote on its own
                for pending in batch:
                    pending.result, pending.error = None, None
                    try:
                        with store.transaction():
                            pending.result = cast_vote(store, *pending.args)
                    except Exception as exc:  # given to its own caller
                        pending.error = exc
            finally:
                _grouping.active = False
            _scrub(store, rebuild=False)
        finally:
            for pending in batch:
                pending.done = True


_desks: weakref.WeakKeyDictionary[EventStore, _VoteDesk] = weakref.WeakKeyDictionary()
_desks_lock = threading.Lock()


def vote_from_phone(store: EventStore, participant_id: int, round_id: int, index: int,
                    answer: Answer) -> VoteResult:
    """:func:`cast_vote` for the phone server's threads: votes arriving at the same moment
    are written together (group commit, see :class:`_VoteDesk`); each gets its own result or
    refusal, and is answered only once the file holds it and no history of it."""
    with _desks_lock:
        desk = _desks.setdefault(store, _VoteDesk())
    return desk.cast(store, (participant_id, round_id, index, answer))


def _store_ballot(store: EventStore, participant_id: int, round_id: int, index: int,
                  answer: Answer) -> tuple[PhoneVote, bool, bool]:
    """Inside cast_vote's transaction: the ballot under a new random receipt, the person on
    the question's list of voters, and the link between them only if they may change it.
    Returns the vote, whether it replaced an earlier one, and whether votes are secret even
    while open (changing off: then the caller clears the WAL)."""
    allow_change = settings(store).allow_change
    voters = _voters(store, round_id, index)
    replaced = participant_id in voters
    if replaced:
        earlier = my_vote(store, participant_id, round_id, index)
        if not allow_change or earlier is None:
            raise LanError(_("This person has already voted on this question."),
                           "already_voted")
        store.execute("DELETE FROM lan_ballots WHERE receipt = ?", (earlier.receipt,))
    receipt = _new_receipt(store)
    store.execute("INSERT INTO lan_ballots (receipt, round_id, question_index, answer) "
                  "VALUES (?, ?, ?, ?)",
                  (receipt, round_id, index, json.dumps(answer.to_json())))
    if not replaced:
        voters = sorted([*voters, participant_id])
        store.execute("INSERT INTO lan_voter_lists (round_id, question_index, participants) "
                      "VALUES (?, ?, ?) ON CONFLICT (round_id, question_index) "
                      "DO UPDATE SET participants = excluded.participants",
                      (round_id, index, json.dumps(voters, separators=(",", ":"))))
    if allow_change:
        store.execute("INSERT INTO lan_links (round_id, question_index, participant_id, "
                      "receipt) VALUES (?, ?, ?, ?) ON CONFLICT (round_id, question_index, "
                      "participant_id) DO UPDATE SET receipt = excluded.receipt",
                      (round_id, index, participant_id, receipt))
    # The audit log says that a vote arrived on the question: not whose, nor its receipt.
    store.audit("lan_vote", "ballot_round", round_id, None,
                {"question": index, "changed": replaced}, actor="phone")
    return PhoneVote(round_id, index, answer, receipt), replaced, not allow_change


# -- what counts -------------------------------------------------------------------------------


def phone_ballots(store: EventStore, round_id: int) -> list[PhoneVote]:
    """Every phone ballot of the round, one per vote on one question, sorted by receipt.

    A phone ballot answers one question: grouping a person's answers to several questions
    would need a link between them kept until the round closes, after their first question
    has closed. The receipt is random, so the order says nothing about who voted or when."""
    return [_vote(r) for r in store.query(
        "SELECT * FROM lan_ballots WHERE round_id = ? ORDER BY receipt", (round_id,))]


def phone_answers(store: EventStore, round_id: int, question_index: int) -> list[Answer]:
    """Every phone vote on a question (one per person; blank ones included), as the counts
    take them: the same :class:`Answer` a keyed paper gives. Ordered by receipt."""
    return [v.answer for v in phone_ballots(store, round_id) if v.index == question_index]


def phone_receipts(store: EventStore, round_id: int, question_index: int) -> list[str]:
    """The receipts of the ballots, sorted: a voter can check theirs is counted."""
    return [v.receipt for v in phone_ballots(store, round_id) if v.index == question_index]


def _refuse_zero_marks(question: Question, answer: Answer) -> None:
    """A rank or a grade of 0 cannot come from the phone page (its lists start at 1), and
    :func:`check_answer` would read it as "not marked" (as on paper, where a 0 is read as an
    empty box): from a phone it is refused rather than stored as a blank vote."""
    if question.kind not in (Kind.RANK, Kind.JUDGMENT):
        return
    for number, mark in enumerate(answer.marks, start=1):
        if mark == 0 and not isinstance(mark, bool):
            text = (_("Option {n} has the rank 0; ranks start at 1.") if question.kind is Kind.RANK
                    else _("Option {n} has the grade 0; grades start at 1."))
            raise LanError(text.format(n=number), "invalid")


# -- tokens ------------------------------------------------------------------------------------


def _new_badge(store: EventStore, participant_id: int) -> tuple[str, str]:
    while True:
        code = codes.new_badge_code()
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
