"""What a voter marked on one question, and whether it counts (valid, blank or invalid).

An :class:`Answer` is what was keyed from the paper (or sent by a phone): one number per
option, ``None`` where the voter left the option unmarked. Its meaning depends on the
question's kind:

* yes/no, scale, choose one, approval, budget: ``1`` = the box is marked;
* rank: the number written (1 = first preference);
* score: the score written; dots: the number of dots; judgment: the grade number, 1 = the
  best grade (the first column printed).

``unreadable`` records that the operator could not read the marks, or saw more marks than
a single number per option can hold (two grades ticked on one row): the question is then
invalid on that paper. :func:`assess` applies the rules of the question and returns an
:class:`Assessment` the counts use; the answer itself is kept as keyed, so two keyings of
one paper are compared mark for mark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from facilitator.ballots.errors import MarkError
from facilitator.ballots.questions import (
    MAX_SCORE,
    MULTI_CHOICE,
    SINGLE_CHOICE,
    Kind,
    Question,
    format_amount,
)
from facilitator.i18n import _, ngettext

Mark = int | None


class Status(StrEnum):
    VALID = "valid"
    BLANK = "blank"
    INVALID = "invalid"


@dataclass(frozen=True)
class Answer:
    marks: tuple[Mark, ...]
    unreadable: bool = False

    @classmethod
    def blank(cls, question: Question) -> Answer:
        return cls((None,) * len(question.options))

    @classmethod
    def choose(cls, question: Question, *options: int) -> Answer:
        """Boxes ``options`` (0-based) marked; for single, multi-choice and budget kinds."""
        return cls(tuple(1 if i in options else None for i in range(len(question.options))))

    @classmethod
    def values(cls, question: Question, values: Mapping[int, int]) -> Answer:
        """A number per option (0-based option → rank, score, dots or grade number)."""
        return cls(tuple(values.get(i) for i in range(len(question.options))))

    @classmethod
    def ranking(cls, question: Question, order: Sequence[int]) -> Answer:
        """Options ``order`` ranked 1, 2, 3…"""
        return cls.values(question, {option: rank for rank, option in enumerate(order, 1)})

    @property
    def is_empty(self) -> bool:
        return not self.unreadable and all(m is None for m in self.marks)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"m": list(self.marks)}
        if self.unreadable:
            data["u"] = True
        return data

    @classmethod
    def from_json(cls, data: Any) -> Answer:
        if not isinstance(data, Mapping) or not isinstance(data.get("m"), list):
            raise MarkError(_("A stored answer is damaged."))
        return cls(tuple(data["m"]), bool(data.get("u", False)))


@dataclass(frozen=True)
class Assessment:
    """How an answer counts. ``selection`` and ``values`` are only meaningful when valid."""

    status: Status
    reason: str = ""
    selection: tuple[int, ...] = ()
    """Marked options (ascending) for choice kinds; options in order of preference for rank."""
    values: tuple[int | None, ...] = ()
    """score: the score or None; dots: dots given (0 if none); judgment: grade index 0 = best,
    None = not graded (counted as the lowest grade)."""

    @property
    def valid(self) -> bool:
        return self.status is Status.VALID


def check_answer(question: Question, answer: Answer) -> Answer:
    """Refuse an answer that could not have come from this question's paper; normalise it.

    This is the gate for everything keyed or sent by a phone: one number per option, whole
    numbers in a sane range. A value the voter may well have written but which breaks the
    rules (a score above the maximum, two boxes on a choose-one question) passes here and
    makes the question *invalid* in :func:`assess`.
    """
    n = len(question.options)
    if len(answer.marks) != n:
        raise MarkError(_("The answer to “{q}” has {got} marks; the question has {n} options."
                          ).format(q=question.text[:60], got=len(answer.marks), n=n))
    marks: list[Mark] = []
    for index, mark in enumerate(answer.marks):
        if mark is None:
            marks.append(None)
            continue
        if isinstance(mark, bool) or not isinstance(mark, int) or not 0 <= mark <= MAX_SCORE:
            raise MarkError(_("Option {n} of “{q}” has the mark {mark!r}, which is not a whole "
                              "number from 0 to {max}.").format(
                                  n=index + 1, q=question.text[:60], mark=mark, max=MAX_SCORE))
        if question.kind in SINGLE_CHOICE or question.kind in MULTI_CHOICE:
            if mark > 1:
                raise MarkError(_("Option {n} of “{q}” is a box: it is marked (1) or not (0)."
                                  ).format(n=index + 1, q=question.text[:60]))
            marks.append(1 if mark else None)
        elif question.kind in (Kind.RANK, Kind.JUDGMENT, Kind.DOTS):
            marks.append(mark or None)  # no rank 0, no grade 0; zero dots is no dots
        else:
            marks.append(mark)
    return Answer(tuple(marks), answer.unreadable)


def assess(question: Question, answer: Answer) -> Assessment:
    """Whether the answer counts, and as what, under the question's rules."""
    if answer.unreadable:
        return Assessment(Status.INVALID, _("unreadable or over-marked (judged at entry)"))
    marks = answer.marks
    kind = question.kind
    if all(m is None for m in marks):
        return Assessment(Status.BLANK)
    if kind in SINGLE_CHOICE or kind in MULTI_CHOICE:
        chosen = tuple(i for i, m in enumerate(marks) if m)
        if kind in SINGLE_CHOICE and len(chosen) > 1:
            return Assessment(Status.INVALID, ngettext(
                "over-marked: {n} box marked, 1 allowed", "over-marked: {n} boxes marked, "
                "1 allowed", len(chosen)).format(n=len(chosen)))
        if kind in MULTI_CHOICE and question.max_choices and len(chosen) > question.max_choices:
            return Assessment(Status.INVALID, _(
                "over-marked: {n} boxes marked, at most {k} allowed").format(
                    n=len(chosen), k=question.max_choices))
        if kind is Kind.BUDGET and question.budget is not None:
            total = sum((question.projects[i].cost for i in chosen), start=Fraction(0))
            if total > question.budget:
                return Assessment(Status.INVALID, _("over budget: {total} marked, {budget} "
                                                    "allowed").format(
                    total=format_amount(total), budget=format_amount(question.budget)))
        return Assessment(Status.VALID, selection=chosen)
    if kind is Kind.RANK:
        return _assess_ranking(question, marks)
    low, high = question.value_range()
    if kind is Kind.SCORE:
        wrong = [m for m in marks if m is not None and not low <= m <= high]
        if wrong:
            return Assessment(Status.INVALID, _("a score of {value} is outside {low}–{high}"
                                                ).format(value=wrong[0], low=low, high=high))
        return Assessment(Status.VALID, values=marks)
    if kind is Kind.DOTS:
        given = tuple(m or 0 for m in marks)
        limit = question.max_dots_per_option
        if limit and max(given) > limit:
            return Assessment(Status.INVALID, _("{n} dots on one option, at most {k} allowed"
                                                ).format(n=max(given), k=limit))
        if sum(given) > question.dots:
            return Assessment(Status.INVALID, _("{n} dots given, only {k} to share").format(
                n=sum(given), k=question.dots))
        return Assessment(Status.VALID, values=given)
    # judgment
    wrong = [m for m in marks if m is not None and not low <= m <= high]
    if wrong:
        return Assessment(Status.INVALID, _("grade {value} does not exist (1–{high})").format(
            value=wrong[0], high=high))
    return Assessment(Status.VALID, values=tuple(None if m is None else m - 1 for m in marks))


def _assess_ranking(question: Question, marks: Sequence[Mark]) -> Assessment:
    """Scottish practice (SSI 2007/42): a paper is void without a single first preference;
    the ranking stops where a number is missing or repeated, later numbers are ignored."""
    firsts = [i for i, m in enumerate(marks) if m == 1]
    if not firsts:
        return Assessment(Status.INVALID, _("no first preference (no option numbered 1)"))
    if len(firsts) > 1:
        return Assessment(Status.INVALID, _("the number 1 is written {n} times").format(
            n=len(firsts)))
    order: list[int] = []
    limit = question.max_rank or len(marks)
    rank = 1
    while rank <= limit:
        holders = [i for i, m in enumerate(marks) if m == rank]
        if len(holders) != 1:
            break
        order.append(holders[0])
        rank += 1
    ranked = sum(1 for m in marks if m is not None)
    reason = ""
    if ranked > len(order):
        reason = ngettext("{n} preference after number {last} ignored",
                          "{n} preferences after number {last} ignored",
                          ranked - len(order)).format(n=ranked - len(order), last=len(order))
    return Assessment(Status.VALID, reason, selection=tuple(order))


def describe(question: Question, answer: Answer) -> str:
    """The answer in a few plain words, for the adjudication list and the audit log."""
    if answer.unreadable:
        return _("unreadable / over-marked")
    if all(m is None for m in answer.marks):
        return _("blank")
    if question.kind in SINGLE_CHOICE or question.kind in MULTI_CHOICE:
        return ", ".join(question.options[i] for i, m in enumerate(answer.marks) if m)
    if question.kind is Kind.JUDGMENT:
        return "; ".join(
            f"{question.options[i]}: "
            f"{question.grades[m - 1] if 1 <= m <= len(question.grades) else m}"
            for i, m in enumerate(answer.marks) if m is not None)
    return "; ".join(f"{question.options[i]}: {m}" for i, m in enumerate(answer.marks)
                     if m is not None)
