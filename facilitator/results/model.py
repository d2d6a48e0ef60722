"""What a count of an event's ballots gives, as plain values, and the pure rules over them.

**One fact, one function.** Every place that shows a figure (the Results page, the Phones
tab, the phone pages, the projector, the result sheet, the command line, the exports) takes
it from these values: the turnout of a question and its ballots counted from
:class:`Turnout`, the per-option figures from :func:`option_figures`, a figure's text from
:func:`figure_text`. The ballots themselves (:class:`facilitator.ballots.Ballot`) and a
round's fingerprint (:func:`facilitator.ballots.ballots_fingerprint`) are the ballots
subsystem's: the ballot box is one, whatever the channel.

**Seed.** The lot that settles a tie is seeded from the round's fingerprint (its first 15
hexadecimal digits, :func:`seed_of`), so the same ballots always give the same draw and
anyone holding the ballot file can repeat it; the seed is printed on every result sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from facilitator.ballots import (
    Abstentions,
    Assessment,
    Ballot,
    BallotRound,
    Base,
    Question,
    format_share,
)
from facilitator.errors import UserError
from facilitator.i18n import _, ngettext
from facilitator.tally.pb import PbResult
from facilitator.tally.stv import StvResult


class ResultsError(UserError, ValueError):
    """A request about results that cannot be met (a question the round does not have,
    hidden results on the projector, an export the question's kind has no format for)."""


# -- a counted question ----------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One option's figure: what the bar shows, its share of the base, a short detail."""

    label: str
    value: Fraction
    share: Fraction | None = None
    detail: str = ""
    winner: bool = False


@dataclass(frozen=True)
class Table:
    """A secondary table (Borda/Dowdall scores, grade distributions), for information."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Count:
    method: str
    rules: str
    unit: str
    """What the figures count ("votes", "approvals", "points", "dots"…)."""
    lines: tuple[Line, ...]
    verdict: str
    passed: bool | None = None
    winners: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    stv: StvResult | None = None
    pb: PbResult | None = None
    lots: int = 0
    working: str = ""
    """How the verdict's percentage was worked out, for an observer to re-check."""


# -- turnout ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Turnout:
    """The turnout of one question: the only place these figures are computed."""

    present: int
    voted: int
    """The ballots counted on this question: valid + blank + invalid, from paper and phones
    (spoiled papers aside; a phone voter who did not vote on it is not counted)."""
    valid: int
    blank: int
    invalid: int
    spoiled: int
    rejected_duplicates: int
    by_source: tuple[tuple[str, int], ...] = ()
    """The ballots counted on this question, by source ("paper", "phone")."""

    def from_source(self, source: str) -> int:
        return dict(self.by_source).get(source, 0)

    def counted_text(self) -> str:
        """"23 ballots counted": the Results page, the projector and the command line."""
        return ngettext("{n} ballot counted", "{n} ballots counted", self.voted).format(
            n=self.voted)

    def summary(self) -> str:
        """One line, for the Phones tab."""
        return _("{voted} of {present} present have voted ({phone} by phone, {paper} on "
                 "paper)").format(voted=self.voted, present=self.present,
                                  phone=self.from_source("phone"),
                                  paper=self.from_source("paper"))

    def lines(self) -> list[tuple[str, str]]:
        rows = [(_("People present"), str(self.present)),
                (_("Voted (ballots counted)"), str(self.voted)),
                (_("Valid on this question"), str(self.valid)),
                (_("Blank on this question"), str(self.blank)),
                (_("Invalid on this question"), str(self.invalid)),
                (_("Spoiled papers"), str(self.spoiled)),
                (_("Re-scans refused (duplicates)"), str(self.rejected_duplicates))]
        if len(self.by_source) > 1:
            rows += [(_("From {source}").format(source=s), str(n)) for s, n in self.by_source]
        return rows


@dataclass(frozen=True)
class AnswerSet:
    """Everything a count of one question needs: its assessed answers and the turnout."""

    round_id: int
    index: int
    question: Question
    assessments: tuple[Assessment, ...]
    """One per ballot that is not spoiled, whatever its status on this question."""
    turnout: Turnout
    fingerprint: str
    seed: int

    @property
    def valid(self) -> list[Assessment]:
        return [a for a in self.assessments if a.valid]


@dataclass(frozen=True)
class QuestionResult:
    round_id: int
    index: int
    question: Question
    count: Count
    turnout: Turnout
    fingerprint: str
    seed: int


@dataclass(frozen=True)
class RoundResults:
    round: BallotRound
    event: str
    questions: tuple[QuestionResult, ...]
    ballots: tuple[Ballot, ...]
    fingerprint: str
    """The round's fingerprint: sealed at close, else that of the ballots counted now."""
    seed: int
    counted_at: datetime
    visible: bool
    recounted_fingerprint: str = ""
    """The fingerprint of the ballots in the file now ("" when it is :attr:`fingerprint`)."""

    @property
    def fingerprint_mismatch(self) -> bool:
        """The round was sealed at close, and the ballots in the file no longer match."""
        return bool(self.recounted_fingerprint) and \
            self.recounted_fingerprint != self.fingerprint

    def mismatch_text(self) -> str:
        return _("WARNING: the ballots in the event file no longer match the fingerprint "
                 "sealed when “{title}” was closed (a recount gives {recount}…). The file was "
                 "changed after closing: these results cannot be trusted.").format(
                     title=self.round.title, recount=self.recounted_fingerprint[:16])


# -- the seed --------------------------------------------------------------------------------


def seed_of(fingerprint: str) -> int:
    return int(fingerprint[:15], 16)


# -- figures as people see them ----------------------------------------------------------------


@dataclass(frozen=True)
class OptionFigure:
    """One option's figure as shown to people (phones, the Phones tab): the same value the
    Results page's bar and the result sheet show, in the same words."""

    label: str
    figure: str
    share: str
    """The share of the base (e.g. "62.5%"), or "" where the method gives none."""
    winner: bool


def figure_text(value: Fraction) -> str:
    """A figure as every place shows it: whole numbers exactly, others to two decimals,
    thousands separated by a no-break space."""
    if value.denominator == 1:
        return f"{value.numerator:,}".replace(",", "\u00a0")
    return f"{float(value):,.2f}".replace(",", "\u00a0")


def option_figures(result: QuestionResult) -> tuple[OptionFigure, ...]:
    """The per-option figures of a counted question, from the count itself (votes, first
    preferences, points, dots, approvals… whatever the question's method shows)."""
    return tuple(OptionFigure(line.label, figure_text(line.value),
                              format_share(line.share) if line.share is not None else "",
                              line.winner)
                 for line in result.count.lines)


# -- the base of a yes/no verdict's percentage ------------------------------------------------


@dataclass(frozen=True)
class VerdictBasis:
    """What a stance question's (yes/no, scale) verdict percentage is worked out on: the votes
    for, against and abstaining, and the whole they are a share of by the question's rule
    (for + against; for + against + abstaining; or the people present). The verdict, its
    working, the Results page and the projector's bars all take their percentages from
    here, so a bar never shows another percentage than the verdict beside it."""

    favour: int
    against: int
    abstain: int
    whole: int
    of: str
    """What the whole is, in words ("for + against")."""
    threshold: Fraction
    inclusive: bool
    abstain_in_whole: bool

    @property
    def support(self) -> Fraction | None:
        return Fraction(self.favour, self.whole) if self.whole else None

    def share(self, side: str) -> Fraction | None:
        """A side's share of the whole ("favour", "against", "abstain"); None for a side
        that is not part of it (abstentions left out by the rule) or with no whole."""
        if not self.whole or (side == "abstain" and not self.abstain_in_whole):
            return None
        return Fraction({"favour": self.favour, "against": self.against,
                         "abstain": self.abstain}[side], self.whole)


def verdict_basis(question: Question, counts: Sequence[int], present: int | None
                  ) -> VerdictBasis:
    """The basis of the verdict of a stance question counted as ``counts`` (one per
    option) with ``present`` people present: the one function that says what the verdict's
    percentage is a share of."""
    sides = {"favour": 0, "against": 0, "abstain": 0}
    for i, n in enumerate(counts):
        sides[question.stance(i) or "abstain"] += n
    rule = question.rule
    favour, against, abstain = sides["favour"], sides["against"], sides["abstain"]
    if rule.base is Base.PRESENT:
        whole, of, counted = present or 0, _("people present"), True
    elif rule.abstentions is Abstentions.COUNTED:
        whole, of, counted = favour + against + abstain, _("for + against + abstaining"), True
    else:
        whole, of, counted = favour + against, _("for + against"), False
    return VerdictBasis(favour, against, abstain, whole, of, rule.threshold, rule.inclusive,
                        counted)
