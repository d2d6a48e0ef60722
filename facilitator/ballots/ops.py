"""Every change to ballot rounds: define, print, hand out, key, adjudicate, count, close.

Each op is one transaction with its audit entry naming the actor (the operator at the desk,
``"cli"``, ``"phone"``…), and returns what changed: :data:`BALLOTS`, or a result carrying
``.changes`` (:class:`RoundResult`, :class:`PrintResult`, :class:`EntryResult`). A refusal
raises a :class:`BallotError` and changes nothing.

Passes: 1 is the first keying. With double entry on, a second operator keys every paper
again (pass 2) without seeing the first keying; papers whose two keyings differ go to the
adjudication list, where a person looks at the paper and decides (pass 3). Undoing an entry
keeps it in the file, marked undone, and is itself in the audit log.

Closing seals the round: the fingerprint of its ballot set is stored with it (every result
sheet prints that one, and says so loudly if a recount of the file ever differs), and no op
can change its count (papers, phones, counts, settings) until it is reopened, with a note,
which releases the fingerprint.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from facilitator.ballots import codes as ballot_codes
from facilitator.ballots import queries
from facilitator.ballots.errors import (
    AlreadyEnteredError,
    BallotError,
    MarkError,
    ReconciliationError,
    RoundStateError,
)
from facilitator.ballots.marks import Answer, assess, check_answer
from facilitator.ballots.model import (
    BALLOTS,
    BOTH,
    DECISION,
    FIRST,
    MAX_BATCH,
    PAPER,
    PASS_NAMES,
    PHONES,
    SECOND,
    VOTER_ROLES,
    BallotRound,
    EntryResult,
    PaperCode,
    PrintResult,
    RoundResult,
    ballots_fingerprint,
    check_channel,
    check_round,
    check_voters,
    desk_name,
    local_time,
    round_spec,
)
from facilitator.ballots.questions import Question
from facilitator.changes import Changes
from facilitator.clock import to_iso
from facilitator.i18n import _, ngettext
from facilitator.people import get
from facilitator.store import EventStore

# -- channel --------------------------------------------------------------------------------------


def use_channel(store: EventStore, ballot_round: BallotRound, channel: str, *,
                actor: str) -> None:
    """Inside another op's transaction: refuse ``channel`` ("paper" or "phones") if the round
    does not allow it; a round whose channel was left open is fixed to it (audited)."""
    if ballot_round.channel is None:
        store.execute("UPDATE ballot_rounds SET channel = ? WHERE id = ? AND channel IS NULL",
                      (channel, ballot_round.id))
        store.audit("ballot_round_channel", "ballot_round", ballot_round.id,
                    {"channel": None}, {"channel": channel}, actor=desk_name(actor))
        return
    if channel == PAPER and not ballot_round.allows_paper:
        raise RoundStateError(_("The round “{title}” is voted on phones only: it has no "
                                "paper ballots.").format(title=ballot_round.title))
    if channel == PHONES and not ballot_round.allows_phones:
        raise RoundStateError(_("The round “{title}” is voted on paper only: its questions "
                                "cannot be opened to phones (a round on paper and phones "
                                "must be defined so).").format(title=ballot_round.title))


# -- defining rounds ----------------------------------------------------------------------------


def _write_questions(store: EventStore, round_id: int, questions: Sequence[Question]) -> None:
    store.execute("DELETE FROM ballot_questions WHERE round_id = ?", (round_id,))
    store.executemany(
        "INSERT INTO ballot_questions (round_id, position, spec) VALUES (?, ?, ?)",
        [(round_id, i, json.dumps(q.to_json(), ensure_ascii=False))
         for i, q in enumerate(questions)])


def create_round(
    store: EventStore, title: str, questions: Sequence[Question], *, instructions: str = "",
    language: str | None = None, double_entry: bool = False, channel: str | None = None,
    voters: Sequence[str] = VOTER_ROLES, actor: str,
) -> RoundResult:
    """Define a round. ``channel`` None leaves it to the first use (papers printed or a
    question opened to phones); ``voters`` are the roles that may vote."""
    title = check_round(title, questions, language)
    channel, voters = check_channel(channel), check_voters(voters)
    with store.transaction():
        cursor = store.execute(
            "INSERT INTO ballot_rounds (title, instructions, language, double_entry, "
            "created_at, channel, voters) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (title, instructions.strip(), language, int(double_entry),
             to_iso(store.clock.now()), channel, json.dumps(list(voters))))
        round_id = int(cursor.lastrowid or 0)
        _write_questions(store, round_id, questions)
        store.audit("ballot_round_create", "ballot_round", round_id, None,
                    round_spec(title, questions, instructions=instructions.strip(),
                               language=language, double_entry=double_entry,
                               channel=channel, voters=voters),
                    actor=desk_name(actor))
        return RoundResult(BALLOTS, queries.get_round(store, round_id))


def update_round(
    store: EventStore, round_id: int, title: str, questions: Sequence[Question], *,
    instructions: str = "", language: str | None = None, double_entry: bool = False,
    channel: str | None = None, voters: Sequence[str] = VOTER_ROLES, actor: str,
) -> RoundResult:
    """Change a round before any paper is printed or any question opened to phones: its
    questions and their rules, channel and voters are frozen from then on."""
    title = check_round(title, questions, language)
    channel, voters = check_channel(channel), check_voters(voters)
    with store.transaction():
        old = queries.require_round(store, round_id, "draft")
        store.execute(
            "UPDATE ballot_rounds SET title = ?, instructions = ?, language = ?, "
            "double_entry = ?, channel = ?, voters = ? WHERE id = ?",
            (title, instructions.strip(), language, int(double_entry), channel,
             json.dumps(list(voters)), round_id))
        _write_questions(store, round_id, questions)
        new = queries.get_round(store, round_id)
        store.audit("ballot_round_update", "ballot_round", round_id, old.spec(), new.spec(),
                    actor=desk_name(actor))
        return RoundResult(BALLOTS, new)


def delete_round(store: EventStore, round_id: int, *, actor: str) -> Changes:
    """Remove a draft round (nothing printed, so nothing on paper refers to it)."""
    with store.transaction():
        old = queries.require_round(store, round_id, "draft")
        store.execute("DELETE FROM ballot_questions WHERE round_id = ?", (round_id,))
        store.execute("DELETE FROM ballot_rounds WHERE id = ?", (round_id,))
        store.audit("ballot_round_delete", "ballot_round", round_id, old.spec(), None,
                    actor=desk_name(actor))
    return BALLOTS


def set_double_entry(store: EventStore, round_id: int, on: bool, *, actor: str) -> RoundResult:
    with store.transaction():
        old = queries.require_round(store, round_id, "draft", "open")
        if old.double_entry and not on:
            second = store.query_one(
                "SELECT count(*) AS n FROM ballot_entries WHERE round_id = ? AND pass > 1 "
                "AND undone_at IS NULL", (round_id,))
            if second and second["n"]:
                raise RoundStateError(_("Papers of this round were keyed a second time "
                                        "already; double entry stays on."))
        store.execute("UPDATE ballot_rounds SET double_entry = ? WHERE id = ?",
                      (int(on), round_id))
        store.audit("ballot_round_double_entry", "ballot_round", round_id,
                    {"double_entry": old.double_entry}, {"double_entry": on},
                    actor=desk_name(actor))
        return RoundResult(BALLOTS, queries.get_round(store, round_id))


# -- printing -------------------------------------------------------------------------------------


def issue_codes(store: EventStore, round_id: int, count: int, *, actor: str) -> PrintResult:
    """Make ``count`` new papers (random unique codes) for a round, as one print batch.

    The codes are in the event file before the PDF is written, so every printed paper is
    known; printing the same batch again (a paper jam) uses
    :func:`facilitator.ballots.queries.paper_codes`. The language the papers are laid out
    in is fixed here and recorded with each code
    (:func:`facilitator.ballots.queries.papers_language`): the PDF and the reader use it.
    """
    if not 1 <= count <= MAX_BATCH:
        raise BallotError(_("Print between 1 and {max} papers at a time, not {n}.").format(
            max=MAX_BATCH, n=count))
    with store.transaction():
        ballot_round = queries.require_round(store, round_id, "draft", "open")
        use_channel(store, ballot_round, PAPER, actor=actor)
        taken = {r["code"] for r in store.query("SELECT code FROM ballot_codes")}
        row = store.query_one(
            "SELECT coalesce(max(serial), 0) AS serial, coalesce(max(batch), 0) AS batch "
            "FROM ballot_codes WHERE round_id = ?", (round_id,))
        first = int(row["serial"]) + 1 if row else 1
        batch = int(row["batch"]) + 1 if row else 1
        now = to_iso(store.clock.now())
        language = queries.papers_language(store, ballot_round)
        papers = tuple(PaperCode(code, first + i, batch, language) for i, code in
                       enumerate(ballot_codes.new_unique_codes(count, taken)))
        store.executemany(
            "INSERT INTO ballot_codes (code, round_id, serial, batch, created_at, language) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(p.code, round_id, p.serial, batch, now, language) for p in papers])
        if ballot_round.status == "draft":
            store.execute("UPDATE ballot_rounds SET status = 'open', opened_at = ? WHERE id = ?",
                          (now, round_id))
        store.audit("ballot_codes_issue", "ballot_round", round_id, None,
                    {"batch": batch, "count": count, "first": first,
                     "last": first + count - 1, "codes": [p.code for p in papers],
                     "language": language},
                    actor=desk_name(actor))
        return PrintResult(BALLOTS, queries.get_round(store, round_id), batch, papers)


# -- handing out ----------------------------------------------------------------------------------


def hand_out(store: EventStore, round_id: int, participant_id: int, *, actor: str) -> Changes:
    """Record that a person was handed a paper for this round (not which one: votes stay
    secret). Refused for someone not entitled to vote, a second paper for the same person,
    and someone who voted by phone in the round (checked here, in the same transaction,
    and by a trigger in the event file whatever code path tries)."""
    who = desk_name(actor)
    with store.transaction():
        ballot_round = queries.require_round(store, round_id, "open")
        use_channel(store, ballot_round, PAPER, actor=who)
        person = get(store, participant_id)
        refusal = queries.voting_refusal(store, ballot_round, person)
        if refusal is not None:
            raise BallotError(refusal)
        earlier = queries.handed_out_to(store, round_id, participant_id)
        if earlier is not None:
            raise BallotError(_("{name} was already handed a paper for “{title}” at {time} "
                                "(by {operator}).").format(
                name=person.name, title=ballot_round.title, time=local_time(earlier.at),
                operator=earlier.operator or _("desk")))
        refusal = queries.paper_refusal(store, round_id, participant_id)
        if refusal is not None:
            raise BallotError(refusal)
        try:
            store.execute("INSERT INTO ballot_handouts (round_id, participant_id, at, operator) "
                          "VALUES (?, ?, ?, ?)", (round_id, participant_id,
                                                  to_iso(store.clock.now()), who))
        except sqlite3.IntegrityError as exc:  # the event file's own check (a phone vote)
            if "phone" not in str(exc):
                raise
            raise BallotError(_("{name} already voted by phone in “{title}”; no paper ballot "
                                "for them.").format(name=person.name,
                                                    title=ballot_round.title)) from exc
        store.audit("ballot_hand_out", "participant", participant_id, None,
                    {"round": round_id}, actor=who)
    return BALLOTS


def undo_hand_out(store: EventStore, round_id: int, participant_id: int, *,
                  actor: str) -> Changes:
    with store.transaction():
        ballot_round = queries.require_round(store, round_id, "open")
        earlier = queries.handed_out_to(store, round_id, participant_id)
        if earlier is None:
            raise BallotError(_("No paper of this round was handed to this person."))
        if ballot_round.channel == BOTH and queries.keyed_ballots(store, round_id) >= \
                queries.handout_count(store, round_id):
            # Every hand-out stands for a paper keyed: taking one back would let that
            # person vote by phone as well.
            raise RoundStateError(_("As many papers of “{title}” are keyed as were handed "
                                    "out, so this hand-out cannot be taken back.").format(
                                        title=ballot_round.title))
        store.execute("UPDATE ballot_handouts SET undone_at = ? WHERE id = ?",
                      (to_iso(store.clock.now()), earlier.id))
        store.audit("ballot_undo_hand_out", "participant", participant_id,
                    {"round": round_id}, None, actor=desk_name(actor))
    return BALLOTS


# -- counts by hand -------------------------------------------------------------------------------


def record_counts(store: EventStore, round_id: int, *, issued: int | None = None,
                  returned: int | None = None, actor: str) -> RoundResult:
    """Record the papers handed out and the papers found in the ballot box (counted by
    hand); None leaves a figure as it is."""
    for value in (issued, returned):
        if value is not None and not 0 <= value <= 1_000_000:
            raise BallotError(_("A count of papers must be a whole number, 0 or more."))
    with store.transaction():
        old = queries.require_round(store, round_id, "open")
        use_channel(store, old, PAPER, actor=actor)
        new_issued = old.issued if issued is None else issued
        new_returned = old.returned if returned is None else returned
        if new_issued is not None and new_issued > old.printed:
            raise BallotError(_("{issued} papers cannot have been handed out: only {printed} "
                                "were printed for this round.").format(
                                    issued=new_issued, printed=old.printed))
        store.execute("UPDATE ballot_rounds SET issued = ?, returned = ? WHERE id = ?",
                      (new_issued, new_returned, round_id))
        store.audit("ballot_counts", "ballot_round", round_id,
                    {"issued": old.issued, "returned": old.returned},
                    {"issued": new_issued, "returned": new_returned}, actor=desk_name(actor))
        return RoundResult(BALLOTS, queries.get_round(store, round_id))


# -- keying papers in -----------------------------------------------------------------------------


def record_rejected(store: EventStore, round_id: int, scanned: str, error: BallotError, *,
                    actor: str) -> Changes:
    """Log a refused scan (a re-scanned paper, an unknown code) so the result sheet can say
    how many were rejected. The refusal itself changed nothing; this only adds to the log."""
    code = ballot_codes.normalise(scanned)[:40]
    kind = ("duplicate" if isinstance(error, AlreadyEnteredError) else
            "closed" if isinstance(error, RoundStateError) else "unknown")
    with store.transaction():
        ballot_round = queries.get_round(store, round_id)
        if ballot_round.is_closed:  # its refused-scan figures are on the result sheet
            raise RoundStateError(_("The round “{title}” is closed; reopen it first.").format(
                title=ballot_round.title))
        store.audit("ballot_rejected", "ballot_round", round_id, None,
                    {"code": code, "kind": kind, "reason": error.message},
                    actor=desk_name(actor))
    return BALLOTS


def enter(
    store: EventStore, round_id: int, code: str, answers: Sequence[Answer], *,
    actor: str, pass_: int = FIRST, spoiled: bool = False, via: str = "scan",
    note: str | None = None,
) -> EntryResult:
    """Save one paper: its answers (one per question), or ``spoiled`` for a spoiled paper.
    ``actor`` is who keyed it (a second keying must be someone else)."""
    with store.transaction():
        paper = queries.scan(store, round_id, code, pass_=pass_, actor=actor)
        questions = paper.questions
        if spoiled:
            checked: tuple[Answer, ...] = ()
        else:
            if len(answers) != len(questions):
                raise MarkError(_("{n} answers for {q} questions.").format(
                    n=len(answers), q=len(questions)))
            checked = tuple(check_answer(q, a) for q, a in zip(questions, answers, strict=True))
            if pass_ == FIRST and paper.round.channel == BOTH:
                _check_handed_out(store, paper.round)
        who = desk_name(actor)
        cursor = store.execute(
            "INSERT INTO ballot_entries (round_id, code, pass, spoiled, answers, operator, via, "
            "note, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (round_id, paper.code, pass_, int(spoiled),
             json.dumps([a.to_json() for a in checked]), who, via, note or None,
             to_iso(store.clock.now())))
        entry = queries.get_entry(store, int(cursor.lastrowid or 0))
        matches: bool | None = None
        if pass_ == SECOND:
            first = queries.live_entry(store, paper.code, FIRST)
            matches = first is not None and first.same_marks(entry)
        store.audit("ballot_enter" if pass_ != DECISION else "ballot_adjudicate", "ballot",
                    paper.code, None,
                    {"round": round_id, "serial": paper.serial, "pass": pass_,
                     "spoiled": spoiled, "answers": [a.to_json() for a in checked],
                     "via": via, "note": note, "matches_first": matches}, actor=who)
    assessments = () if spoiled else tuple(
        assess(q, a) for q, a in zip(questions, checked, strict=True))
    return EntryResult(BALLOTS, entry, assessments, matches)


def _check_handed_out(store: EventStore, ballot_round: BallotRound) -> None:
    """In a round on paper and phones, a paper counts only within the hand-outs recorded
    at the desk: otherwise someone who also voted by phone could put a paper in the box."""
    keyed = queries.keyed_ballots(store, ballot_round.id)
    handed = queries.handout_count(store, ballot_round.id)
    if keyed >= handed:
        raise RoundStateError(ngettext(
            "“{title}” is voted on paper and phones, so every paper must be handed out at "
            "the desk (the person's badge scanned) before it is keyed: {handed} hand-out is "
            "recorded and {keyed} papers are keyed already.",
            "“{title}” is voted on paper and phones, so every paper must be handed out at "
            "the desk (the person's badge scanned) before it is keyed: {handed} hand-outs are "
            "recorded and {keyed} papers are keyed already.", handed).format(
                title=ballot_round.title, handed=handed, keyed=keyed))


def undo_entry(store: EventStore, entry_id: int, *, actor: str, reason: str = "") -> Changes:
    """Take back an entry (the paper can then be keyed again). Later passes of the same
    paper must be undone first, so an adjudication never outlives what it decided on."""
    with store.transaction():
        entry = queries.get_entry(store, entry_id)
        pretty = ballot_codes.pretty(entry.code)
        if not entry.live:
            raise BallotError(_("The entry of paper {code} was already undone at {time}.").format(
                code=pretty, time=local_time(entry.undone_at)))
        ballot_round = queries.get_round(store, entry.round_id)
        if ballot_round.is_closed:
            raise RoundStateError(_("The round “{title}” is closed; reopen it to change its "
                                    "entries.").format(title=ballot_round.title))
        later = queries.later_pass(store, entry)
        if later is not None:
            raise BallotError(_("Paper {code} has a later {what}; undo that first.").format(
                code=pretty, what=_(PASS_NAMES[later])))
        who = desk_name(actor)
        store.execute("UPDATE ballot_entries SET undone_at = ?, undone_by = ? WHERE id = ?",
                      (to_iso(store.clock.now()), who, entry_id))
        store.audit("ballot_undo", "ballot", entry.code,
                    {"entry": entry.id, "pass": entry.pass_, "spoiled": entry.spoiled,
                     "answers": [a.to_json() for a in entry.answers],
                     "operator": entry.operator},
                    {"reason": reason.strip() or None}, actor=who)
    return BALLOTS


def adjudicate(
    store: EventStore, round_id: int, code: str, *, actor: str,
    keep: int | None = None, answers: Sequence[Answer] = (), spoiled: bool = False,
    note: str = "",
) -> EntryResult:
    """A person's decision on a paper of the adjudication list: keep the first (``keep=1``)
    or second (``keep=2``) keying as it is, or the ``answers`` they read on the paper."""
    with store.transaction():
        if keep is not None:
            if keep not in (FIRST, SECOND):
                raise ValueError(f"keep must be 1 or 2, not {keep}")
            chosen = queries.live_entry(store, ballot_codes.normalise(code), keep)
            if chosen is None:
                raise BallotError(_("Paper {code} is not on the adjudication list.").format(
                    code=ballot_codes.pretty(ballot_codes.normalise(code))))
            answers, spoiled = chosen.answers, chosen.spoiled
            note = note or (_("kept the first keying") if keep == FIRST
                            else _("kept the second keying"))
        return enter(store, round_id, code, answers, actor=actor, pass_=DECISION,
                     spoiled=spoiled, via="adjudication", note=note)


# -- closing --------------------------------------------------------------------------------------


def close_round(store: EventStore, round_id: int, *, actor: str, note: str = "") -> RoundResult:
    """Close the round: nothing about its count changes any more (papers, phone votes,
    counts, settings), and its fingerprint is sealed. Refused while papers await
    adjudication, and refused without a note when the figures do not agree. Once committed,
    the file's write-ahead log is cleared (:meth:`EventStore.scrub`) so no history of the
    phone votes stays behind."""
    closed = close_round_within(store, round_id, actor=actor, note=note)
    store.scrub()
    return closed


def close_round_within(store: EventStore, round_id: int, *, actor: str,
                       note: str = "") -> RoundResult:
    """:func:`close_round`'s work as part of the caller's transaction, for an op whose one
    change closes a round and records something of its own (a legislative-theatre vote):
    both commit or neither does. The caller calls :meth:`EventStore.scrub` once its
    transaction has committed (a scrub cannot run inside one)."""
    note = note.strip()
    with store.transaction():
        ballot_round = queries.require_round(store, round_id, "open")
        figures = queries.reconcile(store, round_id)
        if figures.blocking:
            raise ReconciliationError(_("The round “{title}” cannot be closed yet: {why}").format(
                title=ballot_round.title, why=" ".join(figures.blocking)))
        if figures.discrepancies and not note:
            raise ReconciliationError(
                _("The figures of “{title}” do not agree, so closing it needs a note saying "
                  "why: {why}").format(title=ballot_round.title,
                                       why=" ".join(figures.discrepancies)))
        now = to_iso(store.clock.now())
        store.execute(
            "UPDATE ballot_rounds SET status = 'closed', closed_at = ?, close_note = ?, "
            "present_at_close = ? WHERE id = ?", (now, note or None, figures.present, round_id))
        # Sealed after the status change, so whatever closing does to the phone questions
        # (the event file closes them) is what the fingerprint covers.
        sealed = ballots_fingerprint(queries.round_ballots(store, round_id))
        store.execute("UPDATE ballot_rounds SET fingerprint = ? WHERE id = ?",
                      (sealed, round_id))
        store.audit("ballot_round_close", "ballot_round", round_id, None,
                    {"note": note or None, "figures": figures.to_json(),
                     "fingerprint": sealed}, actor=desk_name(actor))
        return RoundResult(BALLOTS, queries.get_round(store, round_id))


def reopen_round(store: EventStore, round_id: int, *, actor: str, note: str = "") -> RoundResult:
    """Reopen a closed round (a paper turned up late); the reason is kept in the log.

    This releases the sealed fingerprint: a result sheet printed at close no longer holds
    until the round is closed again (and sealed anew)."""
    note = note.strip()
    if not note:
        raise ReconciliationError(_("Reopening a closed round needs a note saying why."))
    with store.transaction():
        ballot_round = queries.get_round(store, round_id)
        if not ballot_round.is_closed:
            raise RoundStateError(_("The round “{title}” is not closed.").format(
                title=ballot_round.title))
        store.execute("UPDATE ballot_rounds SET status = 'open', closed_at = NULL, "
                      "close_note = NULL, present_at_close = NULL, fingerprint = NULL "
                      "WHERE id = ?", (round_id,))
        store.audit("ballot_round_reopen", "ballot_round", round_id,
                    {"closed_at": to_iso(ballot_round.closed_at) if ballot_round.closed_at
                     else None, "note": ballot_round.close_note,
                     "fingerprint": ballot_round.fingerprint},
                    {"note": note, "fingerprint_released": ballot_round.fingerprint},
                    actor=desk_name(actor))
        return RoundResult(BALLOTS, queries.get_round(store, round_id))
