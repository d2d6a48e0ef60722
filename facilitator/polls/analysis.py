"""The analysis of a poll's answers: before and after, paired by code. Pure.

Every figure of the printed report, the projector, the CSV/JSON and the CLI comes from
:func:`analyse` (one fact, one function). A *pair* is a panel code answered at both waves;
means, changes, tests and distributions are over the pairs that gave a value to the
variable at both waves, so that "before" and "after" describe the same people. A don't-know
is no value; its share is shown apart (among the pairs who answered the item at that wave).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from facilitator.i18n import _
from facilitator.polls import stats
from facilitator.polls.model import (
    CONTROL,
    MIN_GROUP,
    PANEL,
    Index,
    PollError,
    Questionnaire,
    Response,
    Score,
    Variable,
    bin_of,
    dont_know,
    score,
    variables_of,
)
from facilitator.polls.stats import NotEnough, Outcome

MAIN_TESTS = ("t", "wilcoxon")


@dataclass(frozen=True)
class Row:
    """One variable's figures, before and after."""

    variable: Variable
    n: int
    before: float | None
    after: float | None
    test: Outcome
    """The main test: McNemar for yes/no, else the paired t-test (or Wilcoxon if chosen)."""
    wilcoxon: Outcome | None
    p_adjusted: float | None
    dist_before: tuple[float, ...]
    """Percentages per bin of the variable, among the pairs' values."""
    dist_after: tuple[float, ...]
    dk_before: float | None
    dk_after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def before01(self) -> float | None:
        return None if self.before is None else self.variable.rescale(self.before)

    @property
    def after01(self) -> float | None:
        return None if self.after is None else self.variable.rescale(self.after)

    @property
    def change01(self) -> float | None:
        change = self.change
        return None if change is None else change / (self.variable.high - self.variable.low)

    @property
    def p(self) -> float | None:
        return self.p_adjusted

    @property
    def stars(self) -> str:
        return stats.stars(self.p_adjusted)

    @property
    def reason(self) -> str:
        """Why there is no p-value ("" when there is one)."""
        return self.test.reason if isinstance(self.test, NotEnough) else ""


@dataclass(frozen=True)
class GroupRow:
    value: str
    n: int
    before: float | None
    after: float | None
    test: Outcome

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class GroupChange:
    """Change of one variable by the values of one participant-list column."""

    column: str
    variable: Variable
    rows: tuple[GroupRow, ...]
    gap_before: float | None
    """Largest minus smallest group mean, over groups of at least MIN_GROUP pairs."""
    gap_after: float | None
    gap_test: Outcome | None
    """Two groups: Welch's test of their changes (did the gap move?)."""

    @property
    def narrowed(self) -> bool | None:
        if self.gap_before is None or self.gap_after is None:
            return None
        return self.gap_after < self.gap_before


@dataclass(frozen=True)
class ControlRow:
    """The panel after deliberation against a control sample that did not deliberate."""

    variable: Variable
    n_panel: int
    n_control: int
    panel: float | None
    control: float | None
    test: Outcome

    @property
    def difference(self) -> float | None:
        return None if self.panel is None or self.control is None else self.panel - self.control


@dataclass(frozen=True)
class Analysis:
    questionnaire: Questionnaire
    before_wave: int
    after_wave: int
    n_before: int
    n_after: int
    n_pairs: int
    correction: str
    main_test: str
    rows: tuple[Row, ...]
    groups: tuple[GroupChange, ...]
    control: tuple[ControlRow, ...]

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.variable.key == key:
                return row
        raise KeyError(key)

    def tables(self) -> list[tuple[Index | None, list[Row]]]:
        """The printed layout: one table per index (the index, then its items), then a
        table of the items in no index."""
        used: set[str] = set()
        out: list[tuple[Index | None, list[Row]]] = []
        by_item: dict[str, list[Row]] = {}
        for row in self.rows:
            if row.variable.item is not None:
                by_item.setdefault(row.variable.item.key, []).append(row)
        for index_row in (r for r in self.rows if r.variable.index is not None):
            index = index_row.variable.index
            assert index is not None
            rows = [index_row]
            for key, _reverse in index.items:
                rows += by_item.get(key, [])
                used.add(key)
            out.append((index, rows))
        rest = [r for r in self.rows if r.variable.item is not None
                and r.variable.item.key not in used]
        if rest:
            out.append((None, rest))
        return out


def _numbers(values: Iterable[Score]) -> list[float]:
    return [v for v in values if isinstance(v, float)]


def _distribution(variable: Variable, values: Sequence[float]) -> tuple[float, ...]:
    counts = [0] * len(variable.bins)
    for v in values:
        counts[bin_of(variable.bins, v)] += 1
    return tuple(100.0 * c / len(values) if values else 0.0 for c in counts)


def _dk_share(values: Iterable[bool | None]) -> float | None:
    answered = [v for v in values if v is not None]
    if not answered:
        return None
    return 100.0 * sum(answered) / len(answered)


def _paired(variable: Variable, pairs: Sequence[tuple[Score, Score]]
            ) -> tuple[list[float], list[float]]:
    before, after = [], []
    for b, a in pairs:
        if isinstance(b, float) and isinstance(a, float):
            before.append(b)
            after.append(a)
    return before, after


def _main_test(variable: Variable, before: list[float], after: list[float],
               main_test: str) -> tuple[Outcome, Outcome | None]:
    if variable.binary:
        return stats.mcnemar([int(x) for x in before], [int(x) for x in after]), None
    wilcoxon = stats.wilcoxon(before, after)
    if main_test == "wilcoxon":
        return wilcoxon, wilcoxon
    return stats.paired_t(before, after), wilcoxon


def analyse(q: Questionnaire, responses: Iterable[Response], *, before_wave: int = 1,
            after_wave: int = 2, correction: str = "none", main_test: str = "t",
            group_columns: Sequence[str] | None = None) -> Analysis:
    """Every figure of the report, from the responses of a poll."""
    if correction not in stats.CORRECTIONS:
        raise PollError(_("Unknown correction: {name}.").format(name=correction))
    if main_test not in MAIN_TESTS:
        raise PollError(_("Unknown test: {name}.").format(name=main_test))
    if before_wave == after_wave:
        raise PollError(_("Compare two different waves."))
    first: dict[str, Response] = {}
    second: dict[str, Response] = {}
    control: list[Response] = []
    panel_after: list[Response] = []
    for r in responses:
        if r.sample == CONTROL:
            if r.wave == after_wave:
                control.append(r)
        elif r.sample == PANEL:
            if r.wave == before_wave:
                first[r.code] = r
            elif r.wave == after_wave:
                second[r.code] = r
                panel_after.append(r)
    codes = sorted(first.keys() & second.keys())
    variables = variables_of(q)
    rows: list[Row] = []
    scored: dict[str, list[tuple[Score, Score]]] = {}
    for variable in variables:
        pairs = [(score(variable, q, first[c].answers), score(variable, q, second[c].answers))
                 for c in codes]
        scored[variable.key] = pairs
        before, after = _paired(variable, pairs)
        test, wilcoxon = _main_test(variable, before, after, main_test)
        rows.append(Row(
            variable, len(before), stats.mean(before), stats.mean(after), test, wilcoxon, None,
            _distribution(variable, before), _distribution(variable, after),
            _dk_share(dont_know(variable, q, first[c].answers) for c in codes),
            _dk_share(dont_know(variable, q, second[c].answers) for c in codes)))
    adjusted = stats.adjust([stats.p_of(r.test) for r in rows], correction)
    rows = [Row(r.variable, r.n, r.before, r.after, r.test, r.wilcoxon, p, r.dist_before,
                r.dist_after, r.dk_before, r.dk_after)
            for r, p in zip(rows, adjusted, strict=True)]
    columns = q.group_columns if group_columns is None else tuple(group_columns)
    groups = tuple(
        _group_change(column, variable, codes, first, second, scored[variable.key])
        for column in columns for variable in variables
        if not variable.binary and (variable.index is not None or variable.option is None))
    controls = tuple(_control_row(variable, q, panel_after, control)
                     for variable in variables if control)
    return Analysis(q, before_wave, after_wave, len(first), len(second), len(codes),
                    correction, main_test, tuple(rows), groups, controls)


def _group_change(column: str, variable: Variable, codes: Sequence[str],
                  first: dict[str, Response], second: dict[str, Response],
                  pairs: Sequence[tuple[Score, Score]]) -> GroupChange:
    by_value: dict[str, list[tuple[Score, Score]]] = {}
    for code, pair in zip(codes, pairs, strict=True):
        value = first[code].groups.get(column) or second[code].groups.get(column) or ""
        if value:
            by_value.setdefault(value, []).append(pair)
    rows: list[GroupRow] = []
    changes: list[list[float]] = []
    for value in sorted(by_value):
        before, after = _paired(variable, by_value[value])
        if variable.binary:
            test = stats.mcnemar([int(x) for x in before], [int(x) for x in after])
        else:
            test = stats.paired_t(before, after)
        rows.append(GroupRow(value, len(before), stats.mean(before), stats.mean(after), test))
        if len(before) >= MIN_GROUP:
            changes.append([a - b for b, a in zip(before, after, strict=True)])
    big = [r for r in rows if r.n >= MIN_GROUP]
    gap_before = gap_after = None
    if len(big) >= 2:
        gap_before = max(r.before or 0.0 for r in big) - min(r.before or 0.0 for r in big)
        gap_after = max(r.after or 0.0 for r in big) - min(r.after or 0.0 for r in big)
    gap_test = stats.welch(changes[0], changes[1]) if len(changes) == 2 else None
    return GroupChange(column, variable, tuple(rows), gap_before, gap_after, gap_test)


def _control_row(variable: Variable, q: Questionnaire, panel: Sequence[Response],
                 control: Sequence[Response]) -> ControlRow:
    ours = _numbers(score(variable, q, r.answers) for r in panel)
    theirs = _numbers(score(variable, q, r.answers) for r in control)
    return ControlRow(variable, len(ours), len(theirs), stats.mean(ours), stats.mean(theirs),
                      stats.welch(ours, theirs))


def fmt(value: float | None, digits: int = 2) -> str:
    """A figure as printed: ``—`` for none; never ``nan``."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.{digits}f}"


def fmt_change(value: float | None, digits: int = 2) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:+.{digits}f}"


def _digits(row: Row) -> int:
    return 2 if row.variable.high - row.variable.low <= 1 else 1


def figure_text(row: Row, value: float | None) -> str:
    """A before or after figure as shown everywhere: a share for yes/no, else the mean."""
    if row.variable.binary:
        return "—" if value is None else f"{100 * value:.0f}%"
    return fmt(value, _digits(row))


def change_text(row: Row) -> str:
    """The change with its stars (percentage points for yes/no)."""
    if row.change is None:
        return "—"
    if row.variable.binary:
        return f"{100 * row.change:+.0f}{row.stars}"
    return fmt_change(row.change, _digits(row)) + row.stars
