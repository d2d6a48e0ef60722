"""Ballot rounds as values: a round, its printed papers, hand-outs, keyed entries, what counts
(the ballots of a round from both channels: :class:`Ballot`, a phone's :class:`PhoneVote`, the
sealed :func:`ballots_fingerprint`) and the reconciliation figures, with the pure rules over
them.

The question model (what is asked, how it is marked, how it is decided) is in
:mod:`facilitator.ballots.questions` and :mod:`facilitator.ballots.marks`; the codes printed on
the papers in :mod:`facilitator.ballots.codes`; the refusals in
:mod:`facilitator.ballots.errors`. Nothing here reads or writes the event file
(:mod:`facilitator.ballots.queries` and :mod:`facilitator.ballots.ops` do).

A round goes draft → open (its first papers printed, or a question opened to phones; the
questions, their rules, the channel and who may vote are frozen from then on) → closed
(reconciled and sealed; nothing about its count can change until someone reopens it).

**Channel.** A round is voted on paper only, on phones only, or on both; a new round's
channel may be left open, and the first use fixes it. **Who may vote.** Participants,
unless the round names other roles.
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
from facilitator.ballots.errors import QuestionError
from facilitator.ballots.marks import Answer, Assessment, Status, describe
from facilitator.ballots.questions import Question
from facilitator.changes import Changes
from facilitator.i18n import N_, _
from facilitator.people.model import ROLES

BALLOTS = Changes(ballots=True)
MAX_BATCH = 10_000
MAX_QUESTIONS = 30
STATUSES = ("draft", "open", "closed")
STATUS_NAMES = {"draft": N_("draft"), "open": N_("open"), "closed": N_("closed")}
PAPER, PHONES, BOTH = "paper", "phones", "both"
CHANNELS = (PAPER, PHONES, BOTH)
CHANNEL_NAMES = {None: N_("Paper or phones: the first one used"), PAPER: N_("Paper only"),
                 PHONES: N_("Phones only"),
                 BOTH: N_("Paper and phones (hand-outs recorded at the desk)")}
VOTER_ROLES = ("participant",)
"""Who may vote in a round unless the organiser chose otherwise."""
ROLE_NAMES = {"participant": N_("participants"), "facilitator": N_("facilitators"),
              "expert": N_("experts"), "staff": N_("staff"), "observer": N_("observers")}
FIRST, SECOND, DECISION = 1, 2, 3
"""Passes: the first keying, the second keying (double entry), a person's decision."""
PASS_NAMES = {FIRST: N_("first keying"), SECOND: N_("second keying"),
              DECISION: N_("adjudication")}
DESK = "desk"
"""Who the entries and the audit log name when nobody typed a name at the ballot desk."""


def desk_name(actor: str | None) -> str:
    """Who did it, as kept with an entry, a hand-out and the audit entry: spaces collapsed,
    at most 80 characters, :data:`DESK` when blank."""
    text = " ".join((actor or "").split())
    return text[:80] if text else DESK


def local_time(moment: datetime | None) -> str:
    """A moment as the desk reads it in a refusal ("at 10:42:07")."""
    return moment.astimezone().strftime("%H:%M:%S") if moment else "?"


# -- a round ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotRound:
    id: int
    title: str
    instructions: str
    language: str | None
    double_entry: bool
    status: str
    questions: tuple[Question, ...]
    printed: int
    issued: int | None
    returned: int | None
    created_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None
    close_note: str | None
    present_at_close: int | None
    channel: str | None = None
    """"paper", "phones" or "both"; None until the first use fixes it."""
    voters: tuple[str, ...] = VOTER_ROLES
    """The roles that may vote (participants unless the organiser chose otherwise)."""
    fingerprint: str | None = None
    """The ballot set's fingerprint, sealed when the round was closed (None while open)."""

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"

    @property
    def allows_paper(self) -> bool:
        return self.channel != PHONES

    @property
    def allows_phones(self) -> bool:
        return self.channel != PAPER

    def channel_text(self) -> str:
        return _(CHANNEL_NAMES[self.channel])

    def voters_text(self) -> str:
        return voters_text(self.voters)

    def status_text(self) -> str:
        return _(STATUS_NAMES[self.status])

    def voting_text(self) -> str:
        """How the round is voted and who may vote, in one sentence (the page, the CLI)."""
        return _("How people vote: {channel}. Who may vote: {voters}.").format(
            channel=self.channel_text(), voters=self.voters_text())

    def sealed_text(self) -> str:
        """The fingerprint sealed when the round closed, shortened ("" when not sealed)."""
        if not self.fingerprint:
            return ""
        return _("Sealed at close, fingerprint {fp}…").format(fp=self.fingerprint[:16])

    def spec(self) -> dict[str, Any]:
        """The round as a JSON-able definition (what ``ballots new`` reads)."""
        return round_spec(self.title, self.questions, instructions=self.instructions,
                          language=self.language, double_entry=self.double_entry,
                          channel=self.channel, voters=self.voters)


@dataclass(frozen=True)
class PaperCode:
    """One printed paper: its code, its number in the round, the print batch, and the
    language it is laid out in (where its boxes are depends on it)."""

    code: str
    serial: int
    batch: int
    language: str | None = None
    """Recorded when the code was issued, and used by every print of it and by the reader;
    None for a code issued before event files recorded it, in a round without a language
    (printed in the app's language of that day, unknown now)."""

    @property
    def pretty(self) -> str:
        return ballot_codes.pretty(self.code)


@dataclass(frozen=True)
class HandOut:
    id: int
    round_id: int
    participant_id: int
    at: datetime
    operator: str | None


@dataclass(frozen=True)
class RoundResult:
    changes: Changes
    round: BallotRound


@dataclass(frozen=True)
class PrintResult:
    changes: Changes
    round: BallotRound
    batch: int
    papers: tuple[PaperCode, ...]


def voters_text(voters: Sequence[str]) -> str:
    """Who may vote, in words: "participants", "participants and observers"."""
    names = [_(ROLE_NAMES[r]) for r in ROLES if r in voters]
    if len(names) <= 1:
        return "".join(names)
    return _("{some} and {last}").format(some=", ".join(names[:-1]), last=names[-1])


def check_channel(channel: Any) -> str | None:
    if channel is None or channel == "":
        return None
    if channel not in CHANNELS:
        raise QuestionError(_("The channel must be one of: {channels} (or left out, to be "
                              "fixed by the first use).").format(channels=", ".join(CHANNELS)))
    return str(channel)


def check_voters(voters: Any) -> tuple[str, ...]:
    """The roles that may vote, in the roster's order; refused if empty or unknown."""
    if voters is None:
        return VOTER_ROLES
    if isinstance(voters, str) or not isinstance(voters, Sequence):
        raise QuestionError(_("Who may vote must be a list of roles, e.g. [\"participant\"]."))
    unknown = sorted({str(v) for v in voters} - set(ROLES))
    if unknown:
        raise QuestionError(_("Unknown role(s) {names}; use: {roles}.").format(
            names=", ".join(unknown), roles=", ".join(ROLES)))
    chosen = tuple(r for r in ROLES if r in voters)
    if not chosen:
        raise QuestionError(_("At least one role must be allowed to vote."))
    return chosen


def check_round(title: str, questions: Sequence[Question], language: str | None) -> str:
    """The round's title, tidied; refused without a title or questions, or with too many."""
    title = " ".join(title.split())
    if not title:
        raise QuestionError(_("The ballot round needs a title."))
    if not questions:
        raise QuestionError(_("The ballot round needs at least one question."))
    if len(questions) > MAX_QUESTIONS:
        raise QuestionError(_("A ballot round can hold at most 30 questions."))
    if language is not None and (not language.strip() or len(language) > 20):
        raise QuestionError(_("The language should be a short code such as 'en' or 'cy'."))
    return title


def round_spec(title: str, questions: Sequence[Question], *, instructions: str = "",
               language: str | None = None, double_entry: bool = False,
               channel: str | None = None, voters: Sequence[str] = VOTER_ROLES
               ) -> dict[str, Any]:
    return {"title": title, "instructions": instructions, "language": language,
            "double_entry": double_entry, "channel": channel, "voters": list(voters),
            "questions": [q.to_json() for q in questions]}


def parse_round_spec(data: Any) -> tuple[str, tuple[Question, ...], dict[str, Any]]:
    """Read a round definition (JSON): title, questions, and the keyword options."""
    if not isinstance(data, dict):
        raise QuestionError(_("A ballot round must be a JSON object with a title and "
                              "questions."))
    questions_data = data.get("questions")
    if not isinstance(questions_data, list) or not questions_data:
        raise QuestionError(_("A ballot round needs a list of questions."))
    questions: list[Question] = []
    for number, item in enumerate(questions_data, start=1):
        try:
            questions.append(Question.from_json(item))
        except QuestionError as exc:
            raise QuestionError(_("Question {n}: {problem}").format(
                n=number, problem=exc.message)) from exc
    options = {"instructions": str(data.get("instructions") or ""),
               "language": data.get("language") or None,
               "double_entry": bool(data.get("double_entry", False)),
               "channel": check_channel(data.get("channel")),
               "voters": check_voters(data.get("voters"))}
    return str(data.get("title") or ""), tuple(questions), options


# -- papers keyed -------------------------------------------------------------------------------


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

    @property
    def pretty(self) -> str:
        return ballot_codes.pretty(self.code)

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


def differences(questions: Sequence[Question], first: Entry, second: Entry
                ) -> tuple[Difference, ...]:
    """Where two keyings of one paper disagree, question by question, in plain words."""
    if first.spoiled != second.spoiled:
        return (Difference(None, _("spoiled") if first.spoiled else _("not spoiled"),
                           _("spoiled") if second.spoiled else _("not spoiled")),)
    if first.spoiled:
        return ()
    return tuple(
        Difference(i, describe(q, a), describe(q, b))
        for i, (q, a, b) in enumerate(zip(questions, first.answers, second.answers, strict=True))
        if a != b)


def fingerprint(papers: Sequence[CountedPaper]) -> str:
    """SHA-256 of the canonical list of counted papers (code, spoiled, answers), so a
    printed result can be checked against the event file."""
    canonical = [[p.code, p.spoiled, [a.to_json() for a in p.answers]]
                 for p in sorted(papers, key=lambda p: p.code)]
    data = json.dumps(canonical, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()


# -- the ballot box: every ballot of a round, paper and phone -----------------------------------


@dataclass(frozen=True)
class PhoneVote:
    """A ballot cast by phone: what it says and its receipt (no voter, no time). It answers
    one question (``index``) of the round."""

    round_id: int
    index: int
    answer: Answer
    receipt: str

    @property
    def pretty_receipt(self) -> str:
        return badge_codes.pretty(self.receipt)


@dataclass(frozen=True)
class Ballot:
    """One ballot as it counts, from any source. ``answers`` is empty when spoiled."""

    source: str
    """"paper" or "phone"."""
    code: str
    spoiled: bool
    answers: tuple[Answer | None, ...]
    """One per question; None where a phone voter did not vote on that question."""


def answer_json(answer: Answer | None) -> Any:
    return None if answer is None else answer.to_json()


def ballots_fingerprint(ballots: Sequence[Ballot]) -> str:
    """SHA-256 of the canonical ballot list, sealed when a round closes. For paper ballots
    alone it equals :func:`fingerprint` (code, spoiled, answers, sorted by code); ballots
    from another source are listed after them with their source."""
    papers = sorted((b for b in ballots if b.source == "paper"), key=lambda b: b.code)
    others = sorted((b for b in ballots if b.source != "paper"),
                    key=lambda b: (b.source, b.code))
    canonical: list[list[Any]] = [[b.code, b.spoiled, [answer_json(a) for a in b.answers]]
                                  for b in papers]
    canonical += [[b.source, b.code, b.spoiled, [answer_json(a) for a in b.answers]]
                  for b in others]
    data = json.dumps(canonical, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()


# -- reconciliation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reconciliation:
    """Printed vs handed out vs returned vs keyed vs spoiled, phone voters vs people present,
    and what does not add up, in plain words (:func:`facilitator.ballots.queries.reconcile`)."""

    round_id: int
    title: str
    status: str
    double_entry: bool
    printed: int
    issued: int | None
    """Handed out, as counted by hand (None: not recorded yet)."""
    handed_out: int
    """Handed out to a person whose badge was scanned at the desk."""
    returned: int | None
    """Papers back from the ballot box (and spoiled at the desk), counted by hand."""
    entered: int
    """Papers keyed (first keying) as ballots, blank ones included."""
    spoiled: int
    """Papers keyed as spoiled."""
    counted: int
    """Ballots that count now (entered, minus those waiting for adjudication)."""
    blank: int
    second_keyed: int
    pending: int
    """Papers on the adjudication list, not yet decided."""
    adjudicated: int
    rejected: dict[str, int]
    present: int
    """People present who may vote in the round (frozen at close)."""
    discrepancies: tuple[str, ...]
    blocking: tuple[str, ...]
    channel: str | None = None
    phone_voters: int = 0
    """People who voted by phone on at least one question of the round."""

    @property
    def voters(self) -> int:
        """Paper ballots keyed (spoiled aside) plus people who voted by phone."""
        return self.entered + self.phone_voters

    @property
    def keyed(self) -> int:
        return self.entered + self.spoiled

    @property
    def balanced(self) -> bool:
        return not self.discrepancies

    def lines(self) -> list[tuple[str, str]]:
        """(label, figure) pairs, for the page, the command line and printed sheets."""
        unknown = _("not recorded")
        rows: list[tuple[str, str]] = []
        if self.channel != PHONES:
            rows += [
                (_("Printed"), str(self.printed)),
                (_("Handed out"), unknown if self.issued is None else str(self.issued)),
            ]
            if self.handed_out or self.channel == BOTH:
                rows.append((_("Handed out (badges scanned)"), str(self.handed_out)))
            rows += [
                (_("Returned"), unknown if self.returned is None else str(self.returned)),
                (_("Keyed as ballots"), str(self.entered)),
                (_("Spoiled"), str(self.spoiled)),
                (_("Blank papers"), str(self.blank)),
            ]
            if self.double_entry:
                rows += [(_("Keyed a second time"), str(self.second_keyed)),
                         (_("Waiting for adjudication"), str(self.pending)),
                         (_("Adjudicated"), str(self.adjudicated))]
            rows += [(_("Counted"), str(self.counted)),
                     (_("Re-scans refused"), str(self.rejected.get("duplicate", 0)))]
        if self.channel in (PHONES, BOTH) or self.phone_voters:
            rows.append((_("Voted by phone (people)"), str(self.phone_voters)))
        rows.append((_("People present"), str(self.present)))
        return rows

    def to_json(self) -> dict[str, Any]:
        return {
            "printed": self.printed, "issued": self.issued, "handed_out": self.handed_out,
            "returned": self.returned, "entered": self.entered, "spoiled": self.spoiled,
            "counted": self.counted, "blank": self.blank, "second_keyed": self.second_keyed,
            "pending": self.pending, "adjudicated": self.adjudicated,
            "rejected": dict(self.rejected), "present": self.present,
            "channel": self.channel, "phone_voters": self.phone_voters,
            "discrepancies": list(self.discrepancies), "blocking": list(self.blocking),
        }
