"""Every change phone voting makes to the event file: settings, questions opened to phones,
votes, badges, the language chosen, raised hands.

The web server (:mod:`facilitator.lan.server`) calls these functions from its own thread;
the GUI calls them too. Each op is one transaction with its audit entry naming the actor
(:data:`~facilitator.lan.model.PHONE` for what a person does on their own phone, the desk or
``"app"`` for the facilitator) and returns what changed: a :class:`Changes`, or a result
carrying ``.changes`` (:class:`VoteResult`, :class:`BadgeReissued`). A refusal raises
:class:`LanError`, whose ``reason`` is a short key the phone page turns into a sentence in
the voter's own language; nothing changes.

Who votes: an active participant, checked in, whose badge has not been revoked. One vote
per person per question. A person is on paper *or* on a phone for a round: a phone vote is
refused after a paper was handed out, and the hand-out desk is refused after a phone vote (a
trigger in the event file, plus :func:`facilitator.ballots.paper_refusal` for a clear message).

The votes are written here, above the ballots subsystem, because casting one is the phone
channel's business (its settings, the questions open to phones, the link kept while a vote
may change, the group commit of the server's threads); the ballot box they go into is read
by :mod:`facilitator.ballots.queries`, like the papers.

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
audit log says that a vote arrived on a question, never whose or which receipt: its actor is
the channel (:data:`~facilitator.lan.model.PHONE`), never the voter.
"""

from __future__ import annotations

import json
import logging
import threading
import weakref
from dataclasses import dataclass, replace

from facilitator import codes
from facilitator.ballots import (
    Answer,
    BallotError,
    PhoneVote,
    Status,
    assess,
    check_answer,
    get_round,
    handed_out_to,
    question_phone_voters,
    use_channel,
    voting_refusal,
)
from facilitator.changes import Changes
from facilitator.clock import to_iso
from facilitator.i18n import _
from facilitator.lan import queries
from facilitator.lan.model import (
    PHONES,
    PHONES_AND_BALLOTS,
    SETTINGS_KEY,
    BadgeReissued,
    LanError,
    LanSettings,
    VoteResult,
    refuse_zero_marks,
)
from facilitator.people import get, search_key, unique_badge_code
from facilitator.store import EventStore, StoreIOError
from facilitator.timing.ops import enqueue

log = logging.getLogger(__name__)

# -- settings ----------------------------------------------------------------------------------


def save_settings(store: EventStore, new: LanSettings, *, actor: str) -> Changes:
    if not 1 <= new.port <= 65535:
        raise LanError(_("A port is a number from 1 to 65535."), "settings")
    with store.transaction():
        old = queries.settings(store)
        store.set_meta_json(SETTINGS_KEY, new.to_json())
        if old.allow_change and not new.allow_change:
            # Nobody may change a vote any more, so no link to a ballot is kept either.
            store.execute("DELETE FROM lan_links")
        store.audit("lan_settings", "event", None, old.to_json(), new.to_json(), actor=actor)
    if old.allow_change and not new.allow_change:
        _scrub(store)
    return Changes(phones=True, event=True)


# -- questions open to phones ------------------------------------------------------------------


def open_question(store: EventStore, round_id: int, index: int, *, actor: str) -> Changes:
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
        use_channel(store, ballot_round, "phones", actor=actor)  # refused: paper only
        now = to_iso(store.clock.now())
        if ballot_round.status == "draft":
            store.execute("UPDATE ballot_rounds SET status = 'open', opened_at = ? "
                          "WHERE id = ? AND status = 'draft'", (now, round_id))
        store.execute(
            "INSERT INTO lan_questions (round_id, question_index, status, opened_at) "
            "VALUES (?, ?, 'open', ?) ON CONFLICT (round_id, question_index) DO UPDATE "
            "SET status = 'open', closed_at = NULL", (round_id, index, now))
        store.audit("lan_open_question", "ballot_round", round_id, None,
                    {"question": index}, actor=actor)
    return PHONES_AND_BALLOTS


def close_question(store: EventStore, round_id: int, index: int, *, actor: str) -> Changes:
    with store.transaction():
        current = queries.phone_question(store, round_id, index)
        if current is None or not current.is_open:
            raise LanError(_("This question is not open to phones."), "not_open")
        store.execute("UPDATE lan_questions SET status = 'closed', closed_at = ? "
                      "WHERE round_id = ? AND question_index = ?",
                      (to_iso(store.clock.now()), round_id, index))
        store.audit("lan_close_question", "ballot_round", round_id, None,
                    {"question": index}, actor=actor)
    _scrub(store)  # the event file deleted the question's links (a trigger)
    return PHONES_AND_BALLOTS


# -- votes -------------------------------------------------------------------------------------


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
              answer: Answer, *, actor: str) -> VoteResult:
    """Record a phone vote. Refused (nothing changes) for a closed question, a second vote
    when changes are not allowed, a person handed a paper for the round, an answer that
    breaks the question's rules (the phone can say why and let the voter fix it).

    ``actor`` names the channel in the audit log (:data:`~facilitator.lan.model.PHONE`),
    never the voter: the log says that a vote arrived, not whose."""
    with store.transaction():
        person = queries.voter(store, participant_id)
        ballot_round = get_round(store, round_id)  # a closed round takes no vote, ever
        if ballot_round.is_closed:
            raise LanError(_("Voting on this question has closed."), "closed")
        if not ballot_round.is_open:
            raise LanError(_("This question is not open to phones."), "not_open")
        refusal = voting_refusal(store, ballot_round, person)
        if refusal is not None:
            raise LanError(refusal, "not_entitled")
        current = queries.phone_question(store, round_id, index)
        if current is None:
            raise LanError(_("This question is not open to phones."), "not_open")
        if not current.is_open:
            raise LanError(_("Voting on this question has closed."), "closed")
        refuse_zero_marks(current.question, answer)
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
        vote, replaced, secret = _store_ballot(store, participant_id, round_id, index, answer,
                                               actor)
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
    actor: str
    done: bool = False
    result: VoteResult | None = None
    error: Exception | None = None

    def cast(self, store: EventStore) -> VoteResult:
        return cast_vote(store, *self.args, actor=self.actor)


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

    def cast(self, store: EventStore, mine: _Pending) -> VoteResult:
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
                            pending.result = pending.cast(store)
                        except LanError as exc:  # refused: whatever it wrote goes
                            store.execute("ROLLBACK TO vote")
                            pending.error = exc
                        store.execute("RELEASE vote")
            except Exception:  # the file refused the group: each vote on its own
                for pending in batch:
                    pending.result, pending.error = None, None
                    try:
                        with store.transaction():
                            pending.result = pending.cast(store)
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
                    answer: Answer, *, actor: str) -> VoteResult:
    """:func:`cast_vote` for the phone server's threads: votes arriving at the same moment
    are written together (group commit, see :class:`_VoteDesk`); each gets its own result or
    refusal, and is answered only once the file holds it and no history of it."""
    with _desks_lock:
        desk = _desks.setdefault(store, _VoteDesk())
    return desk.cast(store, _Pending((participant_id, round_id, index, answer), actor))


def _new_receipt(store: EventStore) -> str:
    while True:
        receipt = codes.new_code(6)
        if store.query_one("SELECT 1 FROM lan_ballots WHERE receipt = ?", (receipt,)) is None:
            return receipt


def _store_ballot(store: EventStore, participant_id: int, round_id: int, index: int,
                  answer: Answer, actor: str) -> tuple[PhoneVote, bool, bool]:
    """Inside cast_vote's transaction: the ballot under a new random receipt, the person on
    the question's list of voters, and the link between them only if they may change it.
    Returns the vote, whether it replaced an earlier one, and whether votes are secret even
    while open (changing off: then the caller clears the WAL)."""
    allow_change = queries.settings(store).allow_change
    voters = question_phone_voters(store, round_id, index)
    replaced = participant_id in voters
    if replaced:
        earlier = queries.my_vote(store, participant_id, round_id, index)
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
                {"question": index, "changed": replaced}, actor=actor)
    return PhoneVote(round_id, index, answer, receipt), replaced, not allow_change


# -- badges ------------------------------------------------------------------------------------


def _new_badge(store: EventStore, participant_id: int) -> str:
    """Inside an op's transaction: a new QR token and badge code for the person (the old ones
    stop working at once). Returns the new code."""
    code = unique_badge_code(store)
    person = get(store, participant_id)
    store.execute("UPDATE participants SET token = ?, badge_code = ?, search_key = ? "
                  "WHERE id = ?",
                  (codes.new_token(), code, search_key(person.ext_id, person.name, code),
                   participant_id))
    return code


def revoke(store: EventStore, participant_id: int, *, actor: str) -> Changes:
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
                    {"badge_code": person.badge_code}, None, actor=actor)
    return Changes(phones=True, participants=True, participant_ids=frozenset({participant_id}))


def reissue(store: EventStore, participant_id: int, *, actor: str) -> BadgeReissued:
    """A new badge: a new token and short code (print the badge again). The old ones no
    longer work. Votes already cast stay, and still count once: votes belong to the person."""
    with store.transaction():
        old = get(store, participant_id)
        code = _new_badge(store, participant_id)
        store.execute("UPDATE lan_access SET revoked_at = NULL WHERE participant_id = ?",
                      (participant_id,))
        store.audit("lan_reissue", "participant", participant_id,
                    {"badge_code": old.badge_code}, {"badge_code": code}, actor=actor)
        person = get(store, participant_id)
    return BadgeReissued(Changes(phones=True, participants=True,
                                 participant_ids=frozenset({participant_id})), person)


# -- language ----------------------------------------------------------------------------------


def set_language(store: EventStore, participant_id: int, language: str, *,
                 actor: str) -> Changes:
    """The language a person chose for their phone pages (nothing on the laptop shows it).

    Not in the audit log, on purpose, whoever the ``actor``: an entry naming a person at the
    moment they are on their phone, next to the order in which ballots arrive while a
    question is open, would help tie them to their ballot (as a vote's entry names no voter).
    """
    with store.transaction():
        store.execute("INSERT INTO lan_access (participant_id, language) VALUES (?, ?) "
                      "ON CONFLICT (participant_id) DO UPDATE SET language = excluded.language",
                      (participant_id, language[:20]))
    return Changes()


# -- raised hands ------------------------------------------------------------------------------


def raise_hand(store: EventStore, participant_id: int, *, actor: str) -> Changes:
    with store.transaction():
        queries.voter(store, participant_id)
        if queries.waiting_hand(store, participant_id) is not None:
            raise LanError(_("This hand is already raised."), "hand_waiting")
        cursor = store.execute("INSERT INTO lan_hands (participant_id, at) VALUES (?, ?)",
                               (participant_id, to_iso(store.clock.now())))
        store.audit("lan_raise_hand", "participant", participant_id, None,
                    {"hand": cursor.lastrowid}, actor=actor)
    return replace(PHONES, participant_ids=frozenset({participant_id}))


def _decide_hand(store: EventStore, hand_id: int, status: str, actor: str, *,
                 expected_participant: int | None = None) -> int:
    """Inside an op's transaction: the hand is no longer waiting. Returns whose it was."""
    hand = queries.hand(store, hand_id)
    if hand is None or hand.status != "waiting" or (
            expected_participant is not None and hand.participant.id != expected_participant):
        raise LanError(_("This raised hand was already dealt with."), "hand_gone")
    store.execute("UPDATE lan_hands SET status = ?, decided_at = ? WHERE id = ?",
                  (status, to_iso(store.clock.now()), hand_id))
    store.audit(f"lan_hand_{status}", "participant", hand.participant.id, None,
                {"hand": hand_id}, actor=actor)
    return hand.participant.id


def approve_hand(store: EventStore, hand_id: int, *, actor: str) -> Changes:
    """Put the person in the speaker queue (refused, and the hand kept, if it cannot)."""
    with store.transaction():
        participant_id = _decide_hand(store, hand_id, "approved", actor)
        changes = enqueue(store, participant_id, via="phone", actor=actor)
    return changes | PHONES


def dismiss_hand(store: EventStore, hand_id: int, *, actor: str) -> Changes:
    with store.transaction():
        _decide_hand(store, hand_id, "dismissed", actor)
    return PHONES


def lower_hand(store: EventStore, participant_id: int, *, actor: str) -> Changes:
    """The person lowers their own hand from the phone."""
    with store.transaction():
        hand = queries.waiting_hand(store, participant_id)
        if hand is None:
            raise LanError(_("No hand is raised."), "hand_gone")
        _decide_hand(store, hand.id, "withdrawn", actor, expected_participant=participant_id)
    return PHONES
