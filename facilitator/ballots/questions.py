"""Questions and their decision rules: one model for paper ballots, phones and counting.

A :class:`Question` says what is asked, which options are printed and how a voter marks
them (its :class:`Kind`), and the :class:`DecisionRule` that turns counts into a verdict
(majority or supermajority, of votes cast or of people present, abstentions counted or not,
a quorum). Paper entry, the phone pages and the counts all read the same object, and a
question is stored as the JSON of :meth:`Question.to_json`.

Kinds, and what a voter does on each:

``yes_no``      mark one of Yes / No (and Abstain, if offered)
``scale``       mark one point of a support scale (default 5 points, labels editable)
``choose_one``  mark one option
``approval``    mark any number of options, up to ``max_choices`` (k) when set
``rank``        number the options 1, 2, 3… (one seat: IRV; several seats: STV)
``score``       give each option a score from ``score_min`` to ``score_max``
``dots``        share out ``dots`` dots, several on one option allowed
``budget``      approve projects (:class:`facilitator.tally.Project`) within ``budget``,
                and up to ``max_choices`` projects when set; funded by its ``pb_rule``
``judgment``    give each option one grade (majority judgment), best grade first

Numbers that must be exact (thresholds, costs, the budget) are :class:`fractions.Fraction`.

Every rule that turns votes into an outcome (the decision rule and its threshold and quorum,
a budget question's funding rule) is part of the question: fixed when the round is defined,
printed on the paper and shown on the phone, and frozen with the questions once the round
opens. Nothing chosen after the votes are seen can change an outcome.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from facilitator.ballots.errors import QuestionError
from facilitator.i18n import N_, _
from facilitator.tally.pb import PbRule, Project
from facilitator.text import fold

MAX_OPTIONS = 60
MAX_SCORE = 99

Translate = Callable[[str], str]
"""gettext for one language: the app's ``_``, a paper's language, a phone page's ``t``."""

PB_RULES = (PbRule.GREEDY, PbRule.GREEDY_NO_SKIP, PbRule.EQUAL_SHARES_ADD1)
"""The funding rules a budget question can be counted by (greedy-threshold needs a minimum
score, which a ballot question does not set)."""
_PB_RULE_NAMES = {PbRule.GREEDY: N_("Greedy by votes"),
                  PbRule.GREEDY_NO_SKIP: N_("Greedy, stop at the first that does not fit"),
                  PbRule.EQUAL_SHARES_ADD1: N_("Method of Equal Shares"),
                  PbRule.GREEDY_THRESHOLD: N_("Greedy above a minimum score")}


def pb_rule_name(rule: PbRule | str, tr: Translate = _) -> str:
    """A funding rule's short name, for menus, the paper, the phone and the Results page."""
    return tr(_PB_RULE_NAMES[PbRule(rule)])


RANK_METHODS_ONE_SEAT = ("irv", "schulze", "ranked-pairs", "copeland", "borda", "dowdall")
"""How a one-seat rank question may be decided (``facilitator.tally.condorcet``)."""
RANK_METHODS_SEATS = ("scottish-stv", "meek-stv")
"""How a rank question with several seats may be counted (``facilitator.tally``)."""
_RANK_METHOD_NAMES = {"irv": N_("Instant-runoff (IRV)"), "schulze": N_("Schulze"),
                      "ranked-pairs": N_("Ranked Pairs"), "copeland": N_("Copeland"),
                      "borda": N_("Borda count"), "dowdall": N_("Dowdall (1, 1/2, 1/3…)"),
                      "scottish-stv": N_("STV, Scottish rules"),
                      "meek-stv": N_("STV, Meek's method")}


def rank_method_name(method: str, tr: Translate = _) -> str:
    """A rank question's counting method in a few words, for menus and sheets."""
    return tr(_RANK_METHOD_NAMES[method])


class Kind(StrEnum):
    YES_NO = "yes_no"
    SCALE = "scale"
    CHOOSE_ONE = "choose_one"
    APPROVAL = "approval"
    RANK = "rank"
    SCORE = "score"
    DOTS = "dots"
    BUDGET = "budget"
    JUDGMENT = "judgment"


SINGLE_CHOICE = frozenset({Kind.YES_NO, Kind.SCALE, Kind.CHOOSE_ONE})
"""One box at most; a digit keyed picks the option."""
MULTI_CHOICE = frozenset({Kind.APPROVAL, Kind.BUDGET})
"""Any number of boxes (up to a limit); a digit keyed toggles the option."""
PER_OPTION = frozenset({Kind.RANK, Kind.SCORE, Kind.DOTS, Kind.JUDGMENT})
"""A number per option (a rank, a score, dots, a grade); digits are keyed option by option."""


GRID_MAX_COLUMNS = 10


def paper_grid(question: Question) -> tuple[int, ...] | None:
    """The number each column of a question's grid on paper stands for (what is keyed), or
    None when the paper has one box per option (a box to mark, or a number to write when the
    values do not fit in a grid). Ranks, scores, dots and grades are marked in a grid, one
    box per value, so a reader needs no handwriting (US ranked-choice ballots do the same)."""
    if question.kind is Kind.JUDGMENT:
        return tuple(range(1, len(question.grades) + 1))
    if question.kind not in (Kind.RANK, Kind.SCORE, Kind.DOTS):
        return None
    low, high = question.value_range()
    values = tuple(range(max(low, 1) if question.kind is Kind.DOTS else low, high + 1))
    return values if 0 < len(values) <= GRID_MAX_COLUMNS else None


def kind_name(kind: Kind) -> str:
    """The kind in plain words, for menus and printed sheets."""
    return {
        Kind.YES_NO: _("Yes / no"),
        Kind.SCALE: _("Support scale"),
        Kind.CHOOSE_ONE: _("Choose one"),
        Kind.APPROVAL: _("Choose several (approval)"),
        Kind.RANK: _("Rank in order (IRV / STV)"),
        Kind.SCORE: _("Score each option"),
        Kind.DOTS: _("Share out dots"),
        Kind.BUDGET: _("Budget (participatory budgeting)"),
        Kind.JUDGMENT: _("Grade each option (majority judgment)"),
    }[kind]


def default_scale() -> tuple[str, ...]:
    return (_("Strongly support"), _("Support"), _("Neutral"), _("Oppose"),
            _("Strongly oppose"))


def default_grades() -> tuple[str, ...]:
    return (_("Excellent"), _("Very good"), _("Good"), _("Fair"), _("Poor"), _("Reject"))


# -- decision rules ---------------------------------------------------------------------------


class Base(StrEnum):
    VOTES_CAST = "votes_cast"
    """The percentage is of the votes cast on the question (blank and invalid papers aside)."""
    PRESENT = "present"
    """The percentage is of the people present: not voting counts like voting against."""


class Abstentions(StrEnum):
    EXCLUDED = "excluded"
    """Recorded, but left out of the percentage: support = for ÷ (for + against)."""
    COUNTED = "counted"
    """Part of the percentage: support = for ÷ (for + against + abstain)."""


@dataclass(frozen=True)
class Verdict:
    """What a decision rule says about a set of counts."""

    passed: bool | None
    """True: carried; False: not carried; None: no decision (quorum not met, no votes)."""
    support: Fraction | None
    quorum_met: bool
    taking_part: int
    text: str


@dataclass(frozen=True)
class DecisionRule:
    """How counts become a decision.

    ``threshold`` is the share of support needed; ``inclusive`` False means "more than"
    (a simple majority is more than 1/2), True means "at least" (at least 60%, 2/3…).
    The quorum is met when at least ``quorum`` people took part in the question (voted for,
    against or abstained) and, if ``quorum_share`` is set, at least that share of the
    people present did.
    """

    threshold: Fraction = Fraction(1, 2)
    inclusive: bool = False
    base: Base = Base.VOTES_CAST
    abstentions: Abstentions = Abstentions.EXCLUDED
    quorum: int = 0
    quorum_share: Fraction | None = None

    def __post_init__(self) -> None:
        if not 0 < self.threshold < 1 and not (self.threshold == 1 and self.inclusive):
            raise QuestionError(_("A threshold must be above 0% and below 100% (or exactly "
                                  "100%, for unanimity)."))
        if self.quorum < 0:
            raise QuestionError(_("A quorum cannot be negative."))
        if self.quorum_share is not None and not 0 < self.quorum_share <= 1:
            raise QuestionError(_("A quorum share must be above 0% and at most 100%."))

    @classmethod
    def simple_majority(cls) -> DecisionRule:
        return cls()

    @classmethod
    def supermajority(cls, threshold: Fraction | str, **kwargs: Any) -> DecisionRule:
        return cls(threshold=_fraction(threshold, _("the threshold")), inclusive=True, **kwargs)

    @property
    def is_simple_majority(self) -> bool:
        return self.threshold == Fraction(1, 2) and not self.inclusive

    def describe(self, tr: Translate = _) -> str:
        """The rule in plain words, as printed on a result sheet (and on the paper and the
        phone page, in their language with ``tr``)."""
        if self.is_simple_majority:
            need = tr(N_("more than half"))
        elif self.inclusive:
            need = tr(N_("at least {share}")).format(share=format_share(self.threshold))
        else:
            need = tr(N_("more than {share}")).format(share=format_share(self.threshold))
        if self.base is Base.PRESENT:
            of = tr(N_("of the people present"))
            absent = ""
        else:
            of = tr(N_("of the votes cast"))
            absent = (tr(N_("abstentions are recorded but not counted in the percentage"))
                      if self.abstentions is Abstentions.EXCLUDED
                      else tr(N_("abstentions count in the percentage")))
        text = tr(N_("Carried with {need} {of}")).format(need=need, of=of)
        if absent:
            text += "; " + absent
        if self.quorum:
            text += "; " + tr(N_("quorum: {n} taking part")).format(n=self.quorum)
        if self.quorum_share is not None:
            text += "; " + tr(N_("quorum: {share} of those present taking part")).format(
                share=format_share(self.quorum_share))
        return text + "."

    def evaluate(self, favour: int, against: int, abstain: int = 0,
                 present: int | None = None) -> Verdict:
        """The verdict for these counts, in exact arithmetic (no rounding before comparing)."""
        taking_part = favour + against + abstain
        quorum_met = taking_part >= self.quorum
        if self.quorum_share is not None:
            quorum_met = quorum_met and present is not None and present > 0 and \
                Fraction(taking_part, present) >= self.quorum_share
        if self.base is Base.PRESENT:
            denominator = present or 0
        elif self.abstentions is Abstentions.COUNTED:
            denominator = taking_part
        else:
            denominator = favour + against
        support = Fraction(favour, denominator) if denominator else None
        threshold = format_share(self.threshold)
        if not quorum_met:
            return Verdict(None, support, False, taking_part,
                           _("NO DECISION — quorum not met ({n} taking part)").format(
                               n=taking_part))
        if support is None:
            return Verdict(None, None, True, taking_part, _("NO DECISION — no votes"))
        carried = support >= self.threshold if self.inclusive else support > self.threshold
        pct = format_share(support)
        text = (_("PASSED — {pct} support, threshold {threshold}") if carried
                else _("NOT PASSED — {pct} support, threshold {threshold}")).format(
                    pct=pct, threshold=threshold)
        return Verdict(carried, support, True, taking_part, text)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"threshold": str(self.threshold), "inclusive": self.inclusive,
                                "base": self.base.value, "abstentions": self.abstentions.value}
        if self.quorum:
            data["quorum"] = self.quorum
        if self.quorum_share is not None:
            data["quorum_share"] = str(self.quorum_share)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DecisionRule:
        try:
            share = data.get("quorum_share")
            return cls(
                threshold=_fraction(data.get("threshold", "1/2"), _("the threshold")),
                inclusive=bool(data.get("inclusive", False)),
                base=Base(data.get("base", Base.VOTES_CAST.value)),
                abstentions=Abstentions(data.get("abstentions", Abstentions.EXCLUDED.value)),
                quorum=int(data.get("quorum", 0)),
                quorum_share=None if share is None else _fraction(share, _("the quorum share")),
            )
        except (TypeError, ValueError) as exc:
            if isinstance(exc, QuestionError):
                raise
            raise QuestionError(_("The decision rule is not valid ({detail}).").format(
                detail=exc)) from exc


def format_share(value: Fraction) -> str:
    """A share as a percentage for people: 2/3 → "66.7%", 3/5 → "60%"."""
    pct = value * 100
    if pct.denominator == 1:
        return f"{pct.numerator}%"
    return f"{float(pct):.1f}%"


def _fraction(value: Any, what: str) -> Fraction:
    try:
        if isinstance(value, str):
            text = value.strip().replace(",", ".")
            if text.endswith("%"):
                return Fraction(text[:-1].strip()) / 100
            return Fraction(text)
        if isinstance(value, bool) or not isinstance(value, int | Fraction):
            raise TypeError
        return Fraction(value)
    except (TypeError, ValueError, ZeroDivisionError) as exc:
        raise QuestionError(_("{what} is not a number: {value!r}").format(
            what=what, value=value)) from exc


_GROUPING = " \u00a0\u2009\u202f'’_"
"""What people put between thousands besides a dot or a comma: spaces (plain, no-break,
thin), the Swiss apostrophe."""


def parse_amount(text: str, what: str) -> Fraction:
    """An amount of money as a person types it, in either convention: "£180,000",
    "180 000", "180.000,50", "1,234.56", "€ 1.234,56", "40000", or a stored fraction "1/3".
    Currency signs and codes go; of a dot and a comma both present, the last is the decimal
    mark; one mark alone with exactly three digits after it groups thousands (a budget in
    thousandths of a pound is not a thing), with one or two it is the decimal mark. ``what``
    names the amount in a refusal ("the cost of “Youth club”")."""
    raw = text.strip()
    cleaned = "".join(ch for ch in raw if unicodedata.category(ch) != "Sc"
                      and ch not in _GROUPING)
    cleaned = re.sub(r"^[A-Za-z]{3}|[A-Za-z]{3}$", "", cleaned)  # GBP 180 / 180 EUR
    refused = QuestionError(_("{what} is not an amount: {value!r} (type it like 180000, "
                              "180,000 or 180 000.50).").format(what=what, value=raw))
    if "/" in cleaned:
        try:
            return Fraction(cleaned)
        except (ValueError, ZeroDivisionError) as exc:
            raise refused from exc
    if not re.fullmatch(r"-?[0-9.,]+", cleaned) or not any(c.isdigit() for c in cleaned):
        raise refused
    marks = [c for c in cleaned if c in ".,"]
    decimal = ""
    if len(set(marks)) == 2:
        decimal = marks[-1]
        if marks.count(decimal) > 1:
            raise refused
    elif len(marks) == 1:
        before, after = cleaned.lstrip("-").split(marks[0])
        if len(after) != 3 or before in ("", "0"):  # "0,125" and ",5" are decimals
            decimal = marks[0]
    whole, _sep, fraction = cleaned.rpartition(decimal) if decimal else (cleaned, "", "")
    groups = re.split(r"[.,]", whole.lstrip("-"))
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3
                            or any(len(g) != 3 for g in groups[1:])):
        raise refused  # "1,23,4" is a slip, not an amount
    digits = "".join(groups) or ("0" if fraction else "")
    if not digits or (fraction and not fraction.isdigit()):
        raise refused
    value = Fraction(int(digits + fraction), 10 ** len(fraction))
    return -value if whole.startswith("-") else value


def _amount(value: Any, what: str) -> Fraction:
    return parse_amount(value, what) if isinstance(value, str) else _fraction(value, what)


# -- questions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One question on a ballot. Build with the class methods (:meth:`yes_no`, …)."""

    kind: Kind
    text: str
    options: tuple[str, ...]
    rule: DecisionRule = field(default_factory=DecisionRule)
    allow_abstain: bool = False
    """yes_no: a third box, Abstain."""
    max_choices: int | None = None
    """approval, budget: at most this many boxes (None: no limit but the budget)."""
    seats: int = 1
    """rank: 1 is a single-winner count (IRV), more is STV; approval/score: winners wanted."""
    max_rank: int | None = None
    """rank: preferences beyond this number are ignored (None: every option may be ranked)."""
    score_min: int = 0
    score_max: int = 5
    dots: int = 0
    """dots: how many dots each voter shares out."""
    max_dots_per_option: int | None = None
    budget: Fraction | None = None
    projects: tuple[Project, ...] = ()
    """budget: the projects, in ballot order (the options are their names)."""
    pb_rule: PbRule = PbRule.GREEDY
    """budget: how the votes decide which projects are funded (one of :data:`PB_RULES`)."""
    rank_method: str = ""
    """rank: how the rankings decide, chosen when the question is defined ("": IRV for one
    seat, Scottish STV for more; else one of :data:`RANK_METHODS_ONE_SEAT` or
    :data:`RANK_METHODS_SEATS`)."""
    grades: tuple[str, ...] = ()
    """judgment: the grades, best first; an option left ungraded counts as the lowest."""
    support_points: int = 2
    """scale: how many points from the top count as support."""
    oppose_points: int = 2
    """scale: how many points from the bottom count as opposition (the rest: neutral)."""
    note: str = ""
    """An extra line printed under the question (a source, a clarification)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", " ".join(self.text.split()))
        object.__setattr__(self, "options", tuple(" ".join(o.split()) for o in self.options))
        object.__setattr__(self, "note", self.note.strip())
        try:
            object.__setattr__(self, "pb_rule", PbRule(self.pb_rule))
        except ValueError as exc:
            raise QuestionError(_("Unknown funding rule {rule!r}; use one of: {rules}.").format(
                rule=self.pb_rule, rules=", ".join(r.value for r in PB_RULES))) from exc
        _validate(self)

    # -- builders ----------------------------------------------------------------------

    @classmethod
    def yes_no(cls, text: str, *, allow_abstain: bool = True,
               rule: DecisionRule | None = None, labels: Sequence[str] | None = None,
               note: str = "") -> Question:
        options = tuple(labels) if labels else (
            (_("Yes"), _("No"), _("Abstain")) if allow_abstain else (_("Yes"), _("No")))
        return cls(Kind.YES_NO, text, options, rule or DecisionRule(),
                   allow_abstain=allow_abstain, note=note)

    @classmethod
    def scale(cls, text: str, labels: Sequence[str] | None = None, *,
              support_points: int | None = None, oppose_points: int | None = None,
              rule: DecisionRule | None = None, note: str = "") -> Question:
        options = tuple(labels) if labels else default_scale()
        side = len(options) // 2
        return cls(Kind.SCALE, text, options, rule or DecisionRule(),
                   support_points=side if support_points is None else support_points,
                   oppose_points=side if oppose_points is None else oppose_points, note=note)

    @classmethod
    def choose_one(cls, text: str, options: Sequence[str], *,
                   rule: DecisionRule | None = None, note: str = "") -> Question:
        return cls(Kind.CHOOSE_ONE, text, tuple(options), rule or DecisionRule(), note=note)

    @classmethod
    def approval(cls, text: str, options: Sequence[str], *, max_choices: int | None = None,
                 winners: int = 1, note: str = "") -> Question:
        return cls(Kind.APPROVAL, text, tuple(options), max_choices=max_choices,
                   seats=winners, note=note)

    @classmethod
    def rank(cls, text: str, options: Sequence[str], *, seats: int = 1,
             max_rank: int | None = None, method: str = "", note: str = "") -> Question:
        return cls(Kind.RANK, text, tuple(options), seats=seats, max_rank=max_rank,
                   rank_method=method, note=note)

    @property
    def counted_by(self) -> str:
        """rank: the method that decides (the chosen one, or the default for the seats)."""
        return self.rank_method or ("irv" if self.seats == 1 else "scottish-stv")

    @classmethod
    def score(cls, text: str, options: Sequence[str], *, score_min: int = 0,
              score_max: int = 5, note: str = "") -> Question:
        return cls(Kind.SCORE, text, tuple(options), score_min=score_min,
                   score_max=score_max, note=note)

    @classmethod
    def dot_vote(cls, text: str, options: Sequence[str], *, dots: int,
                 max_per_option: int | None = None, note: str = "") -> Question:
        return cls(Kind.DOTS, text, tuple(options), dots=dots,
                   max_dots_per_option=max_per_option, note=note)

    @classmethod
    def pb_budget(cls, text: str, projects: Sequence[Project], budget: Fraction | int | str,
                  *, max_choices: int | None = None, pb_rule: PbRule | str = PbRule.GREEDY,
                  note: str = "") -> Question:
        return cls(Kind.BUDGET, text, tuple(p.name or p.id for p in projects),
                   budget=_fraction(budget, _("the budget")), projects=tuple(projects),
                   max_choices=max_choices, pb_rule=PbRule(pb_rule), note=note)

    @classmethod
    def judgment(cls, text: str, options: Sequence[str], grades: Sequence[str] | None = None,
                 *, note: str = "") -> Question:
        return cls(Kind.JUDGMENT, text, tuple(options),
                   grades=tuple(grades) if grades else default_grades(), note=note)

    # -- reading -----------------------------------------------------------------------

    @property
    def has_rule(self) -> bool:
        """True for the kinds whose outcome is carried/not carried by the decision rule."""
        return self.kind in (Kind.YES_NO, Kind.SCALE, Kind.CHOOSE_ONE)

    def stance(self, option: int) -> str | None:
        """For a yes/no or scale question: "favour", "against" or "abstain" for an option."""
        if self.kind is Kind.YES_NO:
            return ("favour", "against", "abstain")[option]
        if self.kind is Kind.SCALE:
            if option < self.support_points:
                return "favour"
            if option >= len(self.options) - self.oppose_points:
                return "against"
            return "abstain"
        return None

    def value_range(self) -> tuple[int, int]:
        """For per-option kinds: the smallest and largest number a voter may write."""
        if self.kind is Kind.RANK:
            return 1, self.max_rank or len(self.options)
        if self.kind is Kind.SCORE:
            return self.score_min, self.score_max
        if self.kind is Kind.DOTS:
            return 0, min(self.dots, self.max_dots_per_option or self.dots)
        if self.kind is Kind.JUDGMENT:
            return 1, len(self.grades)
        return 0, 1

    def how_to_vote(self, tr: Translate = _, *, phone: bool = False) -> str:
        """How to vote on this question, in one or two sentences: printed under it on the
        paper (in the paper's language with ``tr``), shown on the phone page (``phone``
        True, in the voter's language) and previewed in the round editor. The one place
        that says it; the paper speaks of boxes and crosses, the phone of choosing."""
        n = len(self.options)
        k = self.max_choices
        if self.kind in SINGLE_CHOICE:
            return tr(N_("Choose one.") if phone else N_("Mark ONE box with a cross (X)."))
        if self.kind is Kind.APPROVAL:
            if k and k < n:
                return tr(N_("Choose up to {k}.") if phone else
                          N_("Mark a cross (X) in the box of each option you support, at most "
                             "{k}.")).format(k=k)
            return tr(N_("Choose every option you support.") if phone else
                      N_("Mark a cross (X) in the box of every option you support."))
        grid = not phone and paper_grid(self) is not None  # a box per value (issue 17)
        if self.kind is Kind.RANK:
            text = tr(N_("Give your first choice the number 1, your second choice 2, and so "
                         "on (up to {last}). Rank as few or as many as you like.") if phone else
                      N_("In the row of your first choice mark the box in column 1, for your "
                         "second choice column 2, and so on (up to {last}): one mark in a row "
                         "or a column. Rank as few or as many as you like.") if grid else
                      N_("Write 1 in the box of your first choice, 2 for your second, and so "
                         "on (up to {last}). Rank as few or as many as you like.")).format(
                             last=self.max_rank or n)
            if self.seats > 1:
                text += " " + tr(N_("{seats} will be elected.")).format(seats=self.seats)
            return text
        if self.kind is Kind.SCORE:
            return tr(N_("Give each option a score from {low} (lowest) to {high} (highest).")
                      if phone else
                      N_("Give each option a score from {low} (lowest) to {high} (highest): "
                         "mark ONE box in its row.") if grid else
                      N_("Write a score from {low} (lowest) to {high} (highest) in each box.")
                      ).format(low=self.score_min, high=self.score_max)
        if self.kind is Kind.DOTS:
            text = tr(N_("Share out {dots} dots among the options.") if phone else
                      N_("You have {dots} dots: in each option's row mark the box of how many "
                         "you give it ({dots} in all, at most).") if grid else
                      N_("You have {dots} dots: write in each box how many you give that "
                         "option ({dots} in all, at most).")).format(dots=self.dots)
            if self.max_dots_per_option:
                text += " " + tr(N_("At most {k} on one option.")).format(
                    k=self.max_dots_per_option)
            return text
        if self.kind is Kind.BUDGET:
            text = tr(N_("Choose the projects you support. Their total cost must not be more "
                         "than {budget}.") if phone else
                      N_("Mark a cross (X) for each project you support. Their costs must add "
                         "up to no more than {budget}.")).format(
                             budget=format_amount(self.budget or Fraction(0)))
            if k:
                text += " " + tr(N_("Choose at most {k}.") if phone else
                                 N_("At most {k} projects.")).format(k=k)
            return text
        return tr(N_("Give each option one grade.") if phone else
                  N_("Give every option ONE grade: one cross (X) in each row."))

    def decided_by(self, tr: Translate = _) -> str:
        """How the outcome is decided, in one sentence ("" for kinds with nothing to choose):
        the decision rule of a yes/no, scale or choose-one question, the funding rule of a
        budget question. Printed on the paper and shown on the phone page."""
        if self.has_rule:
            return self.rule.describe(tr)
        if self.kind is Kind.BUDGET:
            return tr(N_("Funding rule: {rule}.")).format(rule=pb_rule_name(self.pb_rule, tr))
        if self.kind is Kind.RANK and self.rank_method:
            return tr(N_("Counted by: {method}.")).format(
                method=rank_method_name(self.rank_method, tr))
        return ""

    # -- storage -------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The question as plain JSON values (fractions as strings, e.g. "2/3")."""
        default = _DEFAULTS[self.kind]
        data: dict[str, Any] = {"kind": self.kind.value, "text": self.text,
                                "options": list(self.options), "rule": self.rule.to_json()}
        for name in ("allow_abstain", "max_choices", "seats", "max_rank", "score_min",
                     "score_max", "dots", "max_dots_per_option", "support_points",
                     "oppose_points", "note", "rank_method"):
            value = getattr(self, name)
            if value != default.get(name, _FIELD_DEFAULTS[name]):
                data[name] = value
        if self.budget is not None:
            data["budget"] = str(self.budget)
        if self.projects:
            data["projects"] = [{"id": p.id, "name": p.name, "cost": str(p.cost)}
                                for p in self.projects]
        if self.kind is Kind.BUDGET:  # always written: the rule is part of the definition
            data["pb_rule"] = self.pb_rule.value
        if self.grades:
            data["grades"] = list(self.grades)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Question:
        """Read what :meth:`to_json` wrote (or a hand-written round file)."""
        if not isinstance(data, Mapping):
            raise QuestionError(_("A question must be a JSON object."))
        try:
            kind = Kind(str(data.get("kind", "")))
        except ValueError as exc:
            raise QuestionError(_("Unknown kind of question {kind!r}; use one of: {kinds}."
                                  ).format(kind=data.get("kind"),
                                           kinds=", ".join(k.value for k in Kind))) from exc
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise QuestionError(_("Unknown field(s) in a question: {names}.").format(
                names=", ".join(unknown)))
        kwargs: dict[str, Any] = dict(_DEFAULTS[kind])
        for key, value in data.items():
            if key in ("kind", "text", "rule", "budget", "projects", "grades", "options"):
                continue
            kwargs[key] = value
        try:
            projects = tuple(
                Project(id=str(p["id"]), name=str(p.get("name", "")),
                        cost=_amount(p["cost"], _("The cost of “{name}”").format(
                            name=p.get("name") or p.get("id"))))
                for p in data.get("projects", []))
        except (KeyError, TypeError, AttributeError) as exc:
            raise QuestionError(_("Each project needs an id and a cost.")) from exc
        options = data.get("options")
        if options is None and projects:
            options = [p.name or p.id for p in projects]
        if kind is Kind.JUDGMENT and not data.get("grades"):
            kwargs["grades"] = default_grades()
        elif data.get("grades"):
            kwargs["grades"] = tuple(str(g) for g in data["grades"])
        if kind is Kind.SCALE and not options:
            options = list(default_scale())
        if kind is Kind.YES_NO and not options:
            abstain = bool(data.get("allow_abstain", True))
            kwargs["allow_abstain"] = abstain
            options = [_("Yes"), _("No")] + ([_("Abstain")] if abstain else [])
        for name in ("max_choices", "seats", "max_rank", "score_min", "score_max", "dots",
                     "max_dots_per_option", "support_points", "oppose_points"):
            value = kwargs.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise QuestionError(_("{name} must be a whole number, not {value!r}.").format(
                    name=name, value=value))
        return cls(
            kind=kind,
            text=str(data.get("text", "")),
            options=tuple(str(o) for o in (options or ())),
            rule=DecisionRule.from_json(data.get("rule", {}) or {}),
            budget=None if data.get("budget") is None else _amount(data["budget"],
                                                                    _("The budget")),
            projects=projects,
            **kwargs,
        )


_FIELD_DEFAULTS: dict[str, Any] = {
    f.name: f.default for f in dataclasses.fields(Question)
    if f.default is not dataclasses.MISSING}
_DEFAULTS: dict[Kind, dict[str, Any]] = {k: {} for k in Kind}
_DEFAULTS[Kind.YES_NO] = {"allow_abstain": True}


def format_amount(value: Fraction) -> str:
    """A cost or budget: whole numbers with thousands separators, else two decimals."""
    if value.denominator == 1:
        return f"{value.numerator:,}".replace(",", "\u00a0")
    return f"{float(value):,.2f}".replace(",", "\u00a0")


def _validate(q: Question) -> None:
    where = _("Question “{text}”").format(text=q.text[:60]) if q.text else _("A question")
    n = len(q.options)

    def fail(problem: str) -> None:
        raise QuestionError(f"{where}: {problem}")

    if not q.text:
        fail(_("it has no text."))
    minimum = 1 if q.kind in (Kind.JUDGMENT, Kind.SCORE, Kind.BUDGET) else 2
    if n < minimum:
        fail(_("it needs at least {n} options.").format(n=minimum))
    if n > MAX_OPTIONS:
        fail(_("it has {n} options; at most {max} fit on a ballot.").format(
            n=n, max=MAX_OPTIONS))
    if any(not o for o in q.options):
        fail(_("an option has no text."))
    folded = [fold(o) for o in q.options]
    if len(set(folded)) != n:
        twice = next(o for o, f in zip(q.options, folded, strict=True) if folded.count(f) > 1)
        fail(_("the option “{option}” appears twice.").format(option=twice))
    if q.kind is Kind.YES_NO and n != (3 if q.allow_abstain else 2):
        fail(_("a yes/no question has two options (Yes, No), or three with Abstain."))
    if q.kind is Kind.SCALE:
        if n < 3:
            fail(_("a support scale needs at least 3 points."))
        if q.support_points < 1 or q.oppose_points < 1 or \
                q.support_points + q.oppose_points > n:
            fail(_("the points counted as support ({s}) and as opposition ({o}) must each be "
                   "at least 1 and together at most {n}.").format(
                       s=q.support_points, o=q.oppose_points, n=n))
    if q.kind in MULTI_CHOICE and q.max_choices is not None and not 1 <= q.max_choices <= n:
        fail(_("“up to k” must be between 1 and the number of options ({n}).").format(n=n))
    if q.kind is Kind.RANK:
        if not 1 <= q.seats < n:
            fail(_("the number of seats must be at least 1 and fewer than the options ({n})."
                   ).format(n=n))
        if q.max_rank is not None and not q.seats <= q.max_rank <= n:
            fail(_("the number of preferences allowed must be between the seats and the "
                   "number of options."))
        allowed = RANK_METHODS_ONE_SEAT if q.seats == 1 else RANK_METHODS_SEATS
        if q.rank_method and q.rank_method not in allowed:
            fail(_("it cannot be counted by “{method}” with {seats} seat(s); use one of: "
                   "{methods}.").format(method=q.rank_method, seats=q.seats,
                                        methods=", ".join(allowed)))
    elif q.rank_method:
        fail(_("only a ranked question has a ranking method."))
    if q.kind is Kind.APPROVAL and not 1 <= q.seats <= n:
        fail(_("the number of winners must be between 1 and the number of options."))
    if q.kind is Kind.SCORE and not 0 <= q.score_min < q.score_max <= MAX_SCORE:
        fail(_("scores must run from a lowest to a higher highest score, within 0–{max}."
               ).format(max=MAX_SCORE))
    if q.kind is Kind.DOTS:
        if not 1 <= q.dots <= MAX_SCORE:
            fail(_("the number of dots must be between 1 and {max}.").format(max=MAX_SCORE))
        if q.max_dots_per_option is not None and not 1 <= q.max_dots_per_option <= q.dots:
            fail(_("the most dots on one option must be between 1 and the number of dots."))
    if q.kind is Kind.BUDGET:
        if q.budget is None or q.budget <= 0:
            fail(_("the budget must be more than zero."))
        if len(q.projects) != n:
            fail(_("every option must be a project with a cost."))
        free = [p.name or p.id for p in q.projects if p.cost <= 0]
        if free:
            fail(_("every project must cost more than zero; “{name}” does not.").format(
                name=free[0]))
        if len({p.id for p in q.projects}) != len(q.projects):
            fail(_("two projects have the same id."))
        if q.pb_rule not in PB_RULES:
            fail(_("the funding rule must be one of: {rules}.").format(
                rules=", ".join(r.value for r in PB_RULES)))
    elif q.projects or q.budget is not None:
        fail(_("only a budget question has projects and a budget."))
    elif q.pb_rule is not PbRule.GREEDY:
        fail(_("only a budget question has a funding rule."))
    if q.kind is Kind.JUDGMENT:
        if not 2 <= len(q.grades) <= 9:
            fail(_("majority judgment needs between 2 and 9 grades."))
        if any(not g.strip() for g in q.grades) or len({fold(g) for g in q.grades}) != \
                len(q.grades):
            fail(_("every grade needs a name, and no two the same."))
    elif q.grades:
        fail(_("only a majority-judgment question has grades."))
