"""Keying paper ballots in: scan a code, key the marks, save; double entry; adjudication.

Each paper is entered at most once per pass, and that is enforced twice: the commands refuse
a re-scanned paper (saying when and by whom it was entered), and a unique index in the event
file makes a second live entry impossible even if a caller skipped the check.

Passes: 1 is the first keying. With double entry on, a second operator keys every paper
again (pass 2) without seeing the first keying; papers whose two keyings differ go to the
adjudication list, where a person looks at the paper and decides (pass 3). Undoing an entry
keeps it in the file, marked undone, and is itself in the audit log.

What counts (:func:`counted_papers`) is, per paper: the adjudication if there is one; else
the first keying, unless its second keying differs (then nothing until someone decides).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from facilitator import codes as badge_codes
from facilitator.ballots import codes as ballot_codes
from facilitator.ballots.errors import (
    AlreadyEnteredError,
    BallotError,
    CodeError,
    MarkError,
    RoundStateError,
)
from facilitator.ballots.marks import Answer, Assessment, Status, assess, check_answer, describe
from facilitator.ballots.questions import Question
from facilitator.ballots.rounds import (
    BALLOTS,
    BOTH,
    BallotRound,
    _local,
    _operator,
    get_round,
    handout_count,
    keyed_ballots,
)
from facilitator.changes import Changes
from facilitator.clock import from_iso, to_iso
from facilitator.i18n import N_, _, ngettext
from facilitator.store import EventStore

FIRST, SECOND, DECISION = 1, 2, 3
PASS_NAMES = {FIRST: N_("first keying"), SECOND: N_("second keying"),
              DECISION: N_("adjudication")}
_ENTRY_COLUMNS = ("e.id, e.round_id, e.code, c.serial, e.pass, e.spoiled, e.answers, e.operator, "
                  "e.via, e.note, e.entered_at, e.undone_at, e.undone_by")


@dataclass(frozen=True)
class Paper:
    """A scanned paper, ready to be keyed: which round, which paper, which pass."""

    round: BallotRound
    code: str
    serial: int
    pass_: int

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.round.questions

    @property
    def pretty(self) -> str:
        return ballot_codes.pretty(self.code)


@dataclass(frozen=True)
class Entry:
    id: int
    round_id: int
    code: str
    serial: int
    pass_: int
    spoiled: bool
    answers: tuple[Answer, ...]
    operator: str
    via: str | None
    note: str | None
    entered_at: datetime
    undone_at: datetime | None
    undone_by: str | None

    @property
    def live(self) -> bool:
        return self.undone_at is None

    def same_marks(self, other: Entry) -> bool:
        """Both keyings say the same thing, mark for mark (what double entry compares)."""
        return self.spoiled == other.spoiled and (self.spoiled or self.answers == other.answers)


@dataclass(frozen=True)
class EntryResult:
    changes: Changes
    entry: Entry
    assessments: tuple[Assessment, ...]
    matches_first: bool | None = None
    """For a second keying: True if it agrees with the first, False if it goes to the
    adjudication list; None for a first keying or an adjudication."""


@dataclass(frozen=True)
class Difference:
    question: int | None
    """0-based question, or None when one keying says "spoiled" and the other does not."""
    first: str
    second: str


@dataclass(frozen=True)
class Mismatch:
    code: str
    serial: int
    first: Entry
    second: Entry
    decision: Entry | None
    differences: tuple[Difference, ...]

    @property
    def pretty(self) -> str:
        return ballot_codes.pretty(self.code)


@dataclass(frozen=True)
class CountedPaper:
    """One paper as it counts: spoiled, or its answers with their assessments."""

    code: str
    serial: int
    spoiled: bool
    answers: tuple[Answer, ...]
    assessments: tuple[Assessment, ...]
    entry_id: int
    source_pass: int
    verified: bool
    """Keyed twice and agreed, or decided by a person; always True without double entry."""

    @property
    def blank(self) -> bool:
        return not self.spoiled and all(a.status is Status.BLANK for a in self.assessments)


def _entry(row: Any) -> Entry:
    return Entry(
        id=row["id"], round_id=row["round_id"], code=row["code"], serial=row["serial"],
        pass_=row["pass"], spoiled=bool(row["spoiled"]),
        answers=tuple(Answer.from_json(a) for a in json.loads(row["answers"])),
        operator=row["operator"], via=row["via"], note=row["note"],
        entered_at=from_iso(row["entered_at"]),
        undone_at=from_iso(row["undone_at"]) if row["undone_at"] else None,
        undone_by=row["undone_by"],
    )


def live_entry(store: EventStore, code: str, pass_: int) -> Entry | None:
    row = store.query_one(
        f"SELECT {_ENTRY_COLUMNS} FROM ballot_entries e JOIN ballot_codes c USING (code) "
        "WHERE e.code = ? AND e.pass = ? AND e.undone_at IS NULL", (code, pass_))
    return None if row is None else _entry(row)


def get_entry(store: EventStore, entry_id: int) -> Entry:
    row = store.query_one(
        f"SELECT {_ENTRY_COLUMNS} FROM ballot_entries e JOIN ballot_codes c USING (code) "
        "WHERE e.id = ?", (entry_id,))
    if row is None:
        raise BallotError(_("There is no ballot entry number {id}.").format(id=entry_id))
    return _entry(row)


def entries(store: EventStore, round_id: int, *, pass_: int | None = None,
            include_undone: bool = False, limit: int | None = None) -> list[Entry]:
    """Entries of a round, newest first."""
    sql = (f"SELECT {_ENTRY_COLUMNS} FROM ballot_entries e JOIN ballot_codes c USING (code) "
           "WHERE e.round_id = ?")
    params: list[Any] = [round_id]
    if pass_ is not None:
        sql += " AND e.pass = ?"
        params.append(pass_)
    if not include_undone:
        sql += " AND e.undone_at IS NULL"
    sql += " ORDER BY e.id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_entry(r) for r in store.query(sql, params)]


# -- scanning ---------------------------------------------------------------------------------


def scan(store: EventStore, round_id: int, scanned: str, *, pass_: int = FIRST,
         operator: str | None = None) -> Paper:
    """The paper whose code was scanned or typed, ready to key in ``pass_``; or a refusal.

    Refused, with a message naming what is wrong: not a ballot code (a typo: the check
    character catches it), a code no paper of this event has, a paper of another round, a
    paper already entered in this pass (when and by whom), a closed round.
    """
    ballot_round = get_round(store, round_id)
    if ballot_round.is_closed:
        raise RoundStateError(_("The round “{title}” was closed at {time}; reopen it to enter "
                                "more papers.").format(title=ballot_round.title,
                                                       time=_local(ballot_round.closed_at)))
    text = scanned.strip()
    if not text:
        raise CodeError(_("Nothing was scanned."))
    code = ballot_codes.normalise(text)
    if not ballot_codes.is_ballot_code(code):
        if len(code) == ballot_codes.LENGTH and all(ch in badge_codes.ALPHABET for ch in code):
            raise CodeError(_("‘{text}’ is not a valid ballot code: a character is misread or "
                              "mistyped (its check character does not match).").format(
                                  text=text[:40]))
        if "/v/" in text or badge_codes.looks_like_badge(code):
            raise CodeError(_("That is a participant's badge, not a ballot paper."))
        raise CodeError(_("‘{text}’ is not a ballot code.").format(text=text[:40]))
    row = store.query_one(
        "SELECT c.serial, c.round_id, r.title FROM ballot_codes c "
        "JOIN ballot_rounds r ON r.id = c.round_id WHERE c.code = ?", (code,))
    pretty = ballot_codes.pretty(code)
    if row is None:
        raise CodeError(_("No paper with the code {code} was printed for this event.").format(
            code=pretty))
    if row["round_id"] != round_id:
        raise CodeError(_("Paper {code} belongs to the round “{other}” (paper {serial}), not "
                          "to “{title}”.").format(code=pretty, other=row["title"],
                                                   serial=row["serial"],
                                                   title=ballot_round.title))
    first = live_entry(store, code, FIRST)
    if pass_ == FIRST:
        if first is not None:
            raise AlreadyEnteredError(
                _("Paper {code} was already entered at {time} by {operator}.").format(
                    code=pretty, time=_local(first.entered_at), operator=first.operator),
                first.entered_at, first.operator)
    elif pass_ == SECOND:
        if not ballot_round.double_entry:
            raise RoundStateError(_("Double entry is off for the round “{title}”.").format(
                title=ballot_round.title))
        if first is None:
            raise CodeError(_("Paper {code} has not been keyed a first time yet: key it in "
                              "first-entry mode.").format(code=pretty))
        second = live_entry(store, code, SECOND)
        if second is not None:
            raise AlreadyEnteredError(
                _("Paper {code} was already keyed a second time at {time} by {operator}."
                  ).format(code=pretty, time=_local(second.entered_at),
                           operator=second.operator),
                second.entered_at, second.operator)
        if operator is not None and _operator(operator) == first.operator:
            raise BallotError(_("{operator} keyed paper {code} the first time; the second "
                                "keying must be done by someone else.").format(
                                    operator=first.operator, code=pretty))
    elif pass_ == DECISION:
        second = live_entry(store, code, SECOND)
        if first is None or second is None or first.same_marks(second):
            raise BallotError(_("Paper {code} is not on the adjudication list.").format(
                code=pretty))
        decided = live_entry(store, code, DECISION)
        if decided is not None:
            raise AlreadyEnteredError(
                _("Paper {code} was already decided at {time} by {operator}.").format(
                    code=pretty, time=_local(decided.entered_at), operator=decided.operator),
                decided.entered_at, decided.operator)
    else:
        raise ValueError(f"no such pass: {pass_}")
    return Paper(ballot_round, code, int(row["serial"]), pass_)


def record_rejected(store: EventStore, round_id: int, scanned: str, error: BallotError, *,
                    operator: str | None = None) -> Changes:
    """Log a refused scan (a re-scanned paper, an unknown code) so the result sheet can say
    how many were rejected. The refusal itself changed nothing; this only adds to the log."""
    code = ballot_codes.normalise(scanned)[:40]
    kind = ("duplicate" if isinstance(error, AlreadyEnteredError) else
            "closed" if isinstance(error, RoundStateError) else "unknown")
    with store.transaction():
        ballot_round = get_round(store, round_id)
        if ballot_round.is_closed:  # its refused-scan figures are on the result sheet
            raise RoundStateError(_("The round “{title}” is closed; reopen it first.").format(
                title=ballot_round.title))
        store.audit("ballot_rejected", "ballot_round", round_id, None,
                    {"code": code, "kind": kind, "reason": error.message},
                    actor=_operator(operator))
    return BALLOTS


def rejected_counts(store: EventStore, round_id: int) -> dict[str, int]:
    """Refused scans of a round by kind ("duplicate", "unknown", "closed")."""
    counts: dict[str, int] = {}
    for row in store.query("SELECT new FROM audit_log WHERE action = 'ballot_rejected' "
                           "AND object_type = 'ballot_round' AND object_id = ?",
                           (str(round_id),)):
        kind = json.loads(row["new"]).get("kind", "unknown")
        counts[kind] = counts.get(kind, 0) + 1
    return counts


# -- entering -------------------------------------------------------------------------------


def enter(
    store: EventStore, round_id: int, code: str, answers: Sequence[Answer], *,
    operator: str, pass_: int = FIRST, spoiled: bool = False, via: str = "scan",
    note: str | None = None,
) -> EntryResult:
    """Save one paper: its answers (one per question), or ``spoiled`` for a spoiled paper."""
    with store.transaction():
        paper = scan(store, round_id, code, pass_=pass_, operator=operator)
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
        who = _operator(operator)
        cursor = store.execute(
            "INSERT INTO ballot_entries (round_id, code, pass, spoiled, answers, operator, via, "
            "note, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (round_id, paper.code, pass_, int(spoiled),
             json.dumps([a.to_json() for a in checked]), who, via, note or None,
             to_iso(store.clock.now())))
        entry = get_entry(store, int(cursor.lastrowid or 0))
        matches: bool | None = None
        if pass_ == SECOND:
            first = live_entry(store, paper.code, FIRST)
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
    keyed = keyed_ballots(store, ballot_round.id)
    handed = handout_count(store, ballot_round.id)
    if keyed >= handed:
        raise RoundStateError(ngettext(
            "“{title}” is voted on paper and phones, so every paper must be handed out at "
            "the desk (the person's badge scanned) before it is keyed: {handed} hand-out is "
            "recorded and {keyed} papers are keyed already.",
            "“{title}” is voted on paper and phones, so every paper must be handed out at "
            "the desk (the person's badge scanned) before it is keyed: {handed} hand-outs are "
            "recorded and {keyed} papers are keyed already.", handed).format(
                title=ballot_round.title, handed=handed, keyed=keyed))


def undo_entry(store: EventStore, entry_id: int, *, operator: str | None = None,
               reason: str = "") -> Changes:
    """Take back an entry (the paper can then be keyed again). Later passes of the same
    paper must be undone first, so an adjudication never outlives what it decided on."""
    with store.transaction():
        entry = get_entry(store, entry_id)
        pretty = ballot_codes.pretty(entry.code)
        if not entry.live:
            raise BallotError(_("The entry of paper {code} was already undone at {time}.").format(
                code=pretty, time=_local(entry.undone_at)))
        ballot_round = get_round(store, entry.round_id)
        if ballot_round.is_closed:
            raise RoundStateError(_("The round “{title}” is closed; reopen it to change its "
                                    "entries.").format(title=ballot_round.title))
        later = store.query_one(
            "SELECT pass FROM ballot_entries WHERE code = ? AND pass > ? AND undone_at IS NULL",
            (entry.code, entry.pass_))
        if later is not None:
            raise BallotError(_("Paper {code} has a later {what}; undo that first.").format(
                code=pretty, what=_(PASS_NAMES[int(later["pass"])])))
        who = _operator(operator)
        store.execute("UPDATE ballot_entries SET undone_at = ?, undone_by = ? WHERE id = ?",
                      (to_iso(store.clock.now()), who, entry_id))
        store.audit("ballot_undo", "ballot", entry.code,
                    {"entry": entry.id, "pass": entry.pass_, "spoiled": entry.spoiled,
                     "answers": [a.to_json() for a in entry.answers],
                     "operator": entry.operator},
                    {"reason": reason.strip() or None}, actor=who)
    return BALLOTS


# -- double entry and adjudication --------------------------------------------------------------


def differences(questions: Sequence[Question], first: Entry, second: Entry
                ) -> tuple[Difference, ...]:
    if first.spoiled != second.spoiled:
        return (Difference(None, _("spoiled") if first.spoiled else _("not spoiled"),
                           _("spoiled") if second.spoiled else _("not spoiled")),)
    if first.spoiled:
        return ()
    return tuple(
        Difference(i, describe(q, a), describe(q, b))
        for i, (q, a, b) in enumerate(zip(questions, first.answers, second.answers, strict=True))
        if a != b)


def mismatches(store: EventStore, round_id: int, *, include_decided: bool = False
               ) -> list[Mismatch]:
    """Papers whose two keyings differ: the adjudication list, in paper order."""
    ballot_round = get_round(store, round_id)
    by_code: dict[str, dict[int, Entry]] = {}
    for entry in entries(store, round_id):
        by_code.setdefault(entry.code, {})[entry.pass_] = entry
    found = []
    for code, passes in by_code.items():
        first, second = passes.get(FIRST), passes.get(SECOND)
        if first is None or second is None or first.same_marks(second):
            continue
        decision = passes.get(DECISION)
        if decision is not None and not include_decided:
            continue
        found.append(Mismatch(code, first.serial, first, second, decision,
                              differences(ballot_round.questions, first, second)))
    return sorted(found, key=lambda m: m.serial)


def adjudicate(
    store: EventStore, round_id: int, code: str, *, operator: str,
    keep: int | None = None, answers: Sequence[Answer] = (), spoiled: bool = False,
    note: str = "",
) -> EntryResult:
    """A person's decision on a paper of the adjudication list: keep the first (``keep=1``)
    or second (``keep=2``) keying as it is, or the ``answers`` they read on the paper."""
    with store.transaction():
        if keep is not None:
            if keep not in (FIRST, SECOND):
                raise ValueError(f"keep must be 1 or 2, not {keep}")
            chosen = live_entry(store, ballot_codes.normalise(code), keep)
            if chosen is None:
                raise BallotError(_("Paper {code} is not on the adjudication list.").format(
                    code=ballot_codes.pretty(ballot_codes.normalise(code))))
            answers, spoiled = chosen.answers, chosen.spoiled
            note = note or (_("kept the first keying") if keep == FIRST
                            else _("kept the second keying"))
        return enter(store, round_id, code, answers, operator=operator, pass_=DECISION,
                     spoiled=spoiled, via="adjudication", note=note)


# -- what counts --------------------------------------------------------------------------------


def counted_papers(store: EventStore, round_id: int) -> list[CountedPaper]:
    """The papers as they count, one per paper, in paper order (nothing twice, ever)."""
    ballot_round = get_round(store, round_id)
    by_code: dict[str, dict[int, Entry]] = {}
    for entry in entries(store, round_id):
        by_code.setdefault(entry.code, {})[entry.pass_] = entry
    papers = []
    for passes in by_code.values():
        first = passes.get(FIRST)
        if first is None:
            continue
        second, decision = passes.get(SECOND), passes.get(DECISION)
        if decision is not None:
            chosen, verified = decision, True
        elif second is not None:
            if not first.same_marks(second):
                continue  # waits for a person to decide
            chosen, verified = first, True
        else:
            chosen, verified = first, not ballot_round.double_entry
        assessments = () if chosen.spoiled else tuple(
            assess(q, a) for q, a in zip(ballot_round.questions, chosen.answers, strict=True))
        papers.append(CountedPaper(chosen.code, chosen.serial, chosen.spoiled, chosen.answers,
                                   assessments, chosen.id, chosen.pass_, verified))
    return sorted(papers, key=lambda p: p.serial)


def fingerprint(papers: Sequence[CountedPaper]) -> str:
    """SHA-256 of the canonical list of counted papers (code, spoiled, answers), so a
    printed result can be checked against the event file."""
    canonical = [[p.code, p.spoiled, [a.to_json() for a in p.answers]]
                 for p in sorted(papers, key=lambda p: p.code)]
    data = json.dumps(canonical, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()
