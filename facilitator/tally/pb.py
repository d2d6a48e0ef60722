"""Participatory budgeting: read and write Pabulib ``.pb`` files, and fund projects by rule.

Rules (META ``rule``), all in exact arithmetic (:class:`fractions.Fraction`, never floats):

``greedy``
    Projects in order of score; each is funded if it still fits in what is left of the
    budget, otherwise skipped.
``greedy-no-skip``
    The same order, but funding stops at the first project that does not fit. A project
    that costs more than the whole budget on its own is passed over, not a stop (Wrocław
    2017 lists such projects at a cost of 999999999; the published outcome passes them).
``greedy-exclusive``
    Warszawa 2024's name for greedy where some projects exclude each other (the same
    site). Pabulib files do not record which, so it is counted as ``greedy`` with a note;
    every such file in the reference data comes out as published.
``greedy-custom``
    Only the rule the file's META ``comment`` documents, and only the one we know
    (Poznań): ``greedy-no-skip`` by number of votes, then the project that stopped it is
    funded too if what is left covers at least the stated share (80%) of its cost (the
    file marks it ``selected`` = 2). Any other custom rule is refused.
``greedy-threshold``
    ``greedy`` over the projects whose score reaches META ``min_project_score_threshold``.
    (A threshold in META is honoured by the other greedy rules too.)
``equalshares/add1``
    The Method of Equal Shares with the "Add1" completion of equalshares.net: each voter
    gets an equal share of the budget and projects are bought by the voters who want them,
    sharing the cost as equally as their remaining money allows, best value first. As MES
    on its own usually leaves money unspent, the per-voter share is raised by one currency
    unit at a time (from the budget rounded down to a whole amount per voter) and MES is
    run again, for as long as the outcome still fits the real budget and some unfunded
    project could still be afforded. No further greedy step is taken. Approval ballots only.
    A count that would need more than 20,000 such runs is refused with a message (see
    ``MAX_ADD1_RUNS``) rather than left running for hours.
``equalshares/add1-comparison``
    Wieliczka 2023 ("Green Million"): Add1 that keeps raising the share while the outcome
    fits the budget (without stopping early once nothing more is affordable, pabutools'
    ``exhaustive_stop=False``), then the comparison step: the greedy outcome replaces it
    only if more voters prefer it (a voter prefers the outcome that spends more on the
    projects they voted for).

Numbers (budget, costs, points) are plain decimals below 10**18 with at most 20 decimal
places; anything else is refused before any exact arithmetic is done.

Score: the number of voters for approval and choose-1 ballots; the sum of points for
cumulative and scoring ballots (unlisted projects get META ``default_score``, 0 if absent);
Borda for ordinal ballots, the first choice getting ``max_length`` points (the number of
projects if absent), the next one fewer, and so on.

Ties (greedy): the order of the project list (in Pabulib files, the official ranking; on a
ballot, the order printed). This reproduces the published outcome of every tied file in
the reference data (Gdynia 2020, Katowice 2022, Łódź 2024, Kraków 2022), where "more voters,
then lower cost" gets four wrong. Ties (equal shares): more voters, then lower cost
(equalshares.net's "maxVotes, minCost"), then list order. A tie settled by list order is
noted in the result.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from fractions import Fraction
from pathlib import Path

from facilitator import csvsafe
from facilitator.i18n import _, ngettext
from facilitator.tally.errors import PbError, TallyInputError

SECTIONS = ("META", "PROJECTS", "VOTES")
APPROVAL_TYPES = ("approval", "choose-1")
POINT_TYPES = ("cumulative", "scoring")


class PbRule(StrEnum):
    GREEDY = "greedy"
    GREEDY_NO_SKIP = "greedy-no-skip"
    GREEDY_THRESHOLD = "greedy-threshold"
    GREEDY_EXCLUSIVE = "greedy-exclusive"
    GREEDY_CUSTOM = "greedy-custom"
    EQUAL_SHARES_ADD1 = "equalshares/add1"
    EQUAL_SHARES_ADD1_COMPARISON = "equalshares/add1-comparison"


@dataclass(frozen=True)
class Project:
    """A project on the ballot; ``extra`` keeps every other non-empty column (``selected``...)."""

    id: str
    cost: Fraction
    name: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PbVote:
    """One voter's ballot: project ids (best first) and, for point ballots, their points."""

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[Fraction, ...] | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PbElection:
    """A PB vote: META (key/value, in file order), projects and ballots."""

    meta: Mapping[str, str]
    projects: tuple[Project, ...]
    votes: tuple[PbVote, ...]
    # what the reader forgave (a vote naming a project twice), one sentence each
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def budget(self) -> Fraction:
        return _number(self.meta.get("budget", ""), _("the META budget"))

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval").strip().lower()

    @property
    def rule(self) -> str | None:
        return self.meta.get("rule")

    @property
    def threshold(self) -> Fraction | None:
        text = self.meta.get("min_project_score_threshold", "").strip()
        return _number(text, "min_project_score_threshold") if text else None


@dataclass(frozen=True)
class PbResult:
    """Which projects are funded, in the order the rule picked them, and why."""

    rule: PbRule
    budget: Fraction
    funded: tuple[str, ...]
    spent: Fraction
    scores: Mapping[str, Fraction]  # the score each project was ranked by
    supporters: Mapping[str, int]  # voters who listed each project
    notes: tuple[str, ...] = ()  # ties settled by list order, thresholds, add1 details
    voter_budget: Fraction | None = None  # equal shares: each voter's final share

    @property
    def leftover(self) -> Fraction:
        return self.budget - self.spent


# -- numbers ---------------------------------------------------------------------------------


MAX_WHOLE_DIGITS = 18  # money and points below 10**18: more than any budget on Earth
MAX_PLACES = 20  # decimal places (files exported from spreadsheets carry 15 or so)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def cut(text: str, limit: int = 40) -> str:
    """``text`` for an error message, cut short with an ellipsis if long."""
    return text if len(text) <= limit else text[:limit] + "…"


def shown(text: str) -> str:
    """``text`` quoted for an error message (see :func:`cut`)."""
    return repr(cut(text))


def _number(text: str, what: str, line: int | None = None) -> Fraction:
    """A plain decimal number (``1500000``, ``12.5``, ``12,5``, ``1.5e6``) as an exact
    Fraction, refused if it is not below 10**18 or has more than 20 decimal places.

    Bounded before any exact arithmetic: ``Fraction("1e999999999")`` would work out a
    billion-digit integer (minutes, gigabytes) for a 40-byte file.
    """
    clean = text.strip().replace(",", ".")
    if not _NUMBER.fullmatch(clean):
        raise PbError(
            _("expected a number for {what}, found {text}").format(what=what, text=shown(text)),
            line,
        )
    value = Decimal(clean)  # exact, and quick whatever the exponent
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # the pattern admits no NaN or infinity
    significant = "".join(map(str, digits)).strip("0")
    if not significant:
        return Fraction(0)
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if value.adjusted() >= MAX_WHOLE_DIGITS:
        raise PbError(
            _("{what} is too large ({text}): at most {n} digits before the decimal "
              "point").format(what=what, text=shown(text), n=MAX_WHOLE_DIGITS),
            line,
        )
    if -(exponent + trailing) > MAX_PLACES:
        raise PbError(
            _("{what} has too many decimal places ({text}): at most {n}").format(
                what=what, text=shown(text), n=MAX_PLACES),
            line,
        )
    return Fraction(value)


def format_number(value: Fraction) -> str:
    """``value`` as plain decimal text (no exponent); refuses what decimals cannot show."""
    if value.denominator == 1:
        return str(value.numerator)
    d, twos, fives = value.denominator, 0, 0
    while d % 2 == 0:
        d, twos = d // 2, twos + 1
    while d % 5 == 0:
        d, fives = d // 5, fives + 1
    if d != 1:
        raise PbError(_("{v} cannot be written as a decimal number").format(v=value))
    places = max(twos, fives)
    scaled = value.numerator * (10**places // value.denominator)
    digits = str(abs(scaled)).rjust(places + 1, "0")
    sign = "-" if scaled < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def _approx(value: Fraction, places: int = 2) -> str:
    """``value`` rounded for reading (notes only; counting never rounds)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))


# -- reading and writing ---------------------------------------------------------------------


def parse_pb(text: str, source: str | None = None, *, strict: bool = False) -> PbElection:
    """Parse Pabulib text (semicolon CSV in three sections); errors name the line.

    A vote that names the same project twice is read as pabutools reads it: the project
    counts once, at its first place (for point ballots, with the points of its last
    mention, as pabutools keeps them), and the election's ``warnings`` name the lines.
    ``strict`` refuses such a file instead.
    """
    try:
        return _parse(text, strict)
    except TallyInputError as exc:
        raise PbError(exc.problem, exc.line, source) from None


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each row; the csv module's own errors as PbError."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";")
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = reader.line_num or 1
            if "field larger than field limit" in str(exc):
                raise PbError(
                    _("a field is longer than {n:,} characters").format(
                        n=csv.field_size_limit()),
                    line,
                ) from None
            raise PbError(_("the line cannot be read as Pabulib text ({error})").format(
                error=exc), line) from None
        yield reader.line_num, row


MAX_LINES_NAMED = 20


def _repeat_warning(lines: Sequence[int]) -> str:
    named = ", ".join(map(str, lines[:MAX_LINES_NAMED]))
    if len(lines) > MAX_LINES_NAMED:
        named += " " + _("and {n} more").format(n=len(lines) - MAX_LINES_NAMED)
    return ngettext(
        "A vote names the same project twice (line {lines}); it was counted once.",
        "{n} votes name the same project twice (lines {lines}); each was counted once.",
        len(lines),
    ).format(n=len(lines), lines=named)


def _once(chosen: tuple[str, ...], points: tuple[Fraction, ...] | None
          ) -> tuple[tuple[str, ...], tuple[Fraction, ...] | None]:
    """``chosen`` with each project once, at its first place; its points from its last."""
    if points is None:
        return tuple(dict.fromkeys(chosen)), None
    last = dict(zip(chosen, points, strict=True))
    kept = tuple(dict.fromkeys(chosen))
    return kept, tuple(last[p] for p in kept)


def _parse(text: str, strict: bool = False) -> PbElection:
    meta: dict[str, str] = {}
    meta_line: dict[str, int] = {}
    project_rows: list[tuple[int, dict[str, str]]] = []
    vote_rows: list[tuple[int, dict[str, str]]] = []
    section: str | None = None
    header: list[str] | None = None
    seen: set[str] = set()
    for line, row in _rows(text):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if cells[0].upper() in SECTIONS and not any(cells[1:]):
            section = cells[0].upper()
            if section in seen:
                raise PbError(_("the {s} section appears twice").format(s=section), line)
            seen.add(section)
            header = None
            continue
        if section is None:
            raise PbError(_("expected META, PROJECTS or VOTES to start a section"), line)
        if header is None:
            header = [h.lower() for h in cells]
            if len(set(header)) != len(header):
                raise PbError(_("a column name is repeated in the header"), line)
            wanted = {"PROJECTS": ("project_id", "cost"), "VOTES": ("voter_id", "vote")}
            for col in wanted.get(section, ()):
                if col not in header:
                    raise PbError(_("the header has no {col} column").format(col=col), line)
            continue
        if section == "META":
            if len(cells) < 2:
                raise PbError(_("a META line must be key;value"), line)
            meta[cells[0]] = cells[1]
            meta_line[cells[0]] = line
            continue
        if len(cells) > len(header):
            raise PbError(
                _("{n} fields but the header has {k} columns").format(n=len(cells), k=len(header)),
                line,
            )
        record = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))
        (project_rows if section == "PROJECTS" else vote_rows).append((line, record))
    for name in SECTIONS:
        if name not in seen:
            raise PbError(_("the file has no {s} section").format(s=name))
    if "budget" not in meta:
        raise PbError(_("META has no budget"))
    budget = _number(meta["budget"], _("the META budget"), meta_line["budget"])
    if budget < 0:
        raise PbError(_("the budget is negative"), meta_line["budget"])
    for key in ("max_length", "default_score", "min_project_score_threshold"):
        if meta.get(key, "").strip():
            _number(meta[key], key, meta_line[key])

    projects: list[Project] = []
    ids: set[str] = set()
    for line, rec in project_rows:
        pid = rec.pop("project_id")
        if not pid:
            raise PbError(_("a project has no id"), line)
        if pid in ids:
            raise PbError(_("project {p} is listed twice").format(p=cut(pid)), line)
        ids.add(pid)
        cost = _number(rec.pop("cost"), _("the cost of project {p}").format(p=cut(pid)), line)
        if cost < 0:
            raise PbError(_("project {p} has a negative cost").format(p=cut(pid)), line)
        name = rec.pop("name", "")
        projects.append(Project(pid, cost, name, {k: v for k, v in rec.items() if v}))

    votes: list[PbVote] = []
    voters: set[str] = set()
    has_points = any("points" in rec for _line, rec in vote_rows)
    repeat_lines: list[int] = []
    election_type = meta.get("vote_type", "approval").strip().lower()
    for line, rec in vote_rows:
        vid = rec.pop("voter_id")
        if vid in voters:
            raise PbError(_("voter {v} is listed twice").format(v=cut(vid)), line)
        voters.add(vid)
        chosen = tuple(p.strip() for p in rec.pop("vote").split(",") if p.strip())
        for pid in chosen:
            if pid not in ids:
                raise PbError(
                    _("the vote names project {p}, which is not listed").format(p=cut(pid)), line
                )
        repeated = len(set(chosen)) != len(chosen)
        if repeated and strict:
            raise PbError(_("the vote names the same project twice"), line)
        points: tuple[Fraction, ...] | None = None
        points_text = rec.pop("points", "") if has_points else ""
        if points_text:
            points = tuple(_number(p, _("a number of points"), line)
                           for p in points_text.split(",") if p.strip())
            if len(points) != len(chosen):
                raise PbError(
                    _("{n} projects but {k} points").format(n=len(chosen), k=len(points)),
                    line,
                )
        elif election_type in POINT_TYPES and chosen:
            raise PbError(_("a {t} vote needs points").format(t=election_type), line)
        if repeated:
            repeat_lines.append(line)
            chosen, points = _once(chosen, points)
        votes.append(PbVote(vid, chosen, points, {k: v for k, v in rec.items() if v}))
    warnings = (_repeat_warning(repeat_lines),) if repeat_lines else ()
    return PbElection(meta, tuple(projects), tuple(votes), warnings)


def read_pb(path: str | Path, *, strict: bool = False) -> PbElection:
    """Read a ``.pb`` file (UTF-8); ``strict``: see :func:`parse_pb`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PbError(_("the file is not UTF-8 text"), None, path.name) from None
    except OSError as exc:
        raise PbError(_("the file cannot be read ({error})").format(
            error=exc.strerror or exc), None, path.name) from None
    return parse_pb(text, source=path.name, strict=strict)


def _columns(rows: Iterable[Mapping[str, str]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def format_pb(election: PbElection) -> str:
    """The ``.pb`` text for ``election``; ``parse_pb`` reads it back to an equal value."""
    out = io.StringIO()
    w = csvsafe.data_writer(out, delimiter=";", lineterminator="\n")
    w.writerow(["META"])
    w.writerow(["key", "value"])
    for key, value in election.meta.items():
        w.writerow([key, value])
    w.writerow(["PROJECTS"])
    extra = _columns(p.extra for p in election.projects)
    w.writerow(["project_id", "cost", "name", *extra])
    for p in election.projects:
        w.writerow([p.id, format_number(p.cost), p.name, *(p.extra.get(k, "") for k in extra)])
    w.writerow(["VOTES"])
    with_points = any(v.points is not None for v in election.votes)
    extra = _columns(v.extra for v in election.votes)
    w.writerow(["voter_id", "vote", *(["points"] if with_points else []), *extra])
    for v in election.votes:
        row = [v.voter_id, ",".join(v.projects)]
        if with_points:
            row.append(",".join(format_number(p) for p in v.points or ()))
        w.writerow([*row, *(v.extra.get(k, "") for k in extra)])
    return out.getvalue()


def write_pb(election: PbElection, path: str | Path) -> None:
    """Write ``election`` as a ``.pb`` file."""
    Path(path).write_text(format_pb(election), encoding="utf-8")


# -- scores ----------------------------------------------------------------------------------


def project_scores(election: PbElection) -> tuple[dict[str, Fraction], dict[str, int]]:
    """Each project's score (see the module notes) and its number of supporters."""
    kind = election.vote_type
    score = {p.id: Fraction(0) for p in election.projects}
    supporters = dict.fromkeys(score, 0)
    if kind == "ordinal":
        scoring_fn = election.meta.get("scoring_fn", "borda").strip().lower()
        if scoring_fn != "borda":
            raise PbError(
                _("ordinal scoring {f!r} is not supported (only Borda)").format(f=cut(scoring_fn))
            )
        top = int(_number(election.meta.get("max_length", str(len(score))), "max_length"))
    elif kind not in APPROVAL_TYPES + POINT_TYPES:
        raise PbError(_("unknown vote_type {t!r}").format(t=cut(kind)))
    default = Fraction(0)
    if kind == "scoring":
        default = _number(election.meta.get("default_score", "0"), "default_score")
    whole = dict.fromkeys(score, 0)  # whole points add up as ints: much faster than Fraction
    for vote in election.votes:
        for i, pid in enumerate(vote.projects):
            supporters[pid] += 1
            if kind == "ordinal":
                whole[pid] += max(top - i, 0)
            elif kind in POINT_TYPES:
                assert vote.points is not None
                point = vote.points[i]
                if point.denominator == 1:
                    whole[pid] += point.numerator
                else:
                    score[pid] += point
            else:
                whole[pid] += 1
    if default:
        for pid in score:
            score[pid] += default * (len(election.votes) - supporters[pid])
    return {pid: score[pid] + whole[pid] for pid in score}, supporters


# -- greedy ----------------------------------------------------------------------------------


def _greedy(election: PbElection, rule: PbRule) -> PbResult:
    budget = election.budget
    score, supporters = project_scores(election)
    position = {p.id: i for i, p in enumerate(election.projects)}
    cost = {p.id: p.cost for p in election.projects}
    threshold = election.threshold
    notes: list[str] = []
    if rule is PbRule.GREEDY_THRESHOLD and threshold is None:
        raise PbError(_("greedy-threshold needs min_project_score_threshold in META"))
    order = sorted(score, key=lambda p: (-score[p], position[p]))
    for a, b in itertools.pairwise(order):
        if score[a] == score[b]:
            notes.append(
                _("{a} and {b} are tied on score; the project list order put {a} first."
                  ).format(a=a, b=b)
            )
    if rule is PbRule.GREEDY_EXCLUSIVE:
        notes.append(_("The file does not say which projects exclude each other; counted "
                       "as greedy."))
    reserve = _custom_reserve(election) if rule is PbRule.GREEDY_CUSTOM else None
    funded: list[str] = []
    spent = Fraction(0)
    for pid in order:
        if threshold is not None and score[pid] < threshold:
            continue
        if spent + cost[pid] <= budget:
            funded.append(pid)
            spent += cost[pid]
        elif rule in (PbRule.GREEDY_NO_SKIP, PbRule.GREEDY_CUSTOM):
            if cost[pid] > budget:
                notes.append(_("{p} costs more than the whole budget; passed over.").format(
                    p=pid))
                continue
            if reserve is not None and budget - spent >= reserve * cost[pid]:
                funded.append(pid)
                notes.append(_("{p} does not fit, but what is left covers {r}% of its cost: "
                               "funded from the reserve, and funding stops there.").format(
                    p=pid, r=format_number(reserve * 100)))
                spent += cost[pid]
                break
            notes.append(_("{p} does not fit; funding stops there.").format(p=pid))
            break
    if threshold is not None:
        below = [p for p in order if score[p] < threshold]
        if below:
            notes.append(
                _("Below the threshold of {t}: {ps}.").format(
                    t=format_number(threshold), ps=", ".join(below)
                )
            )
    return PbResult(rule, budget, tuple(funded), spent, score, supporters, tuple(notes))


_RESERVE = re.compile(r"enough to fund at least (\d+(?:\.\d+)?)\s*% of that project")


def _custom_reserve(election: PbElection) -> Fraction:
    """The share of the stopping project's cost the reserve may cover, from the comment."""
    found = _RESERVE.search(election.meta.get("comment", ""))
    if found is None:
        raise PbError(_("this file's greedy-custom rule is not described in a way we know; "
                        "count it with a named rule instead"))
    return Fraction(found.group(1)) / 100


# -- Method of Equal Shares ------------------------------------------------------------------


class _Mes:
    """MES for approval ballots with cost utilities, voters pooled by identical ballots.

    Voters with the same ballot always hold the same money, so they are handled as one
    weighted group. With whole-number money (see :meth:`run`) this makes the hundreds of
    Add1 re-runs quick while staying exact. It follows equalshares.net's
    ``equalSharesFixedBudgetFractions`` step for step.
    """

    def __init__(self, election: PbElection) -> None:
        if election.vote_type not in APPROVAL_TYPES:
            raise PbError(
                _("equal shares is implemented for approval ballots, not {t}").format(
                    t=election.vote_type
                )
            )
        self.projects = [p.id for p in election.projects]
        self.cost = {p.id: p.cost for p in election.projects}
        self.position = {pid: i for i, pid in enumerate(self.projects)}
        self.cost_unit = math.lcm(*(c.denominator for c in self.cost.values()))
        self.n = len(election.votes)
        pooled: dict[frozenset[str], int] = {}
        for vote in election.votes:
            key = frozenset(vote.projects)
            pooled[key] = pooled.get(key, 0) + 1
        self.weights = list(pooled.values())
        self.approvers: dict[str, list[int]] = {pid: [] for pid in self.projects}
        for g, key in enumerate(pooled):
            for pid in key:
                self.approvers[pid].append(g)
        self.supporters = {
            pid: sum(self.weights[g] for g in gs) for pid, gs in self.approvers.items()
        }
        self.notes: list[str] = []

    def run(self, total: Fraction) -> list[str]:
        """Fixed-budget MES with ``total`` shared equally; returns winners in order.

        Exact, in integers: money is counted in units of 1/``unit`` of the currency (so
        every cost is whole) and each voter's money is ``held[g] / denom`` units, with one
        denominator shared by all voters. Paying for a project multiplies the shared
        denominator, so no fraction is ever reduced or rounded.
        """
        unit = math.lcm(self.cost_unit, total.denominator)
        cost = {p: int(c * unit) for p, c in self.cost.items()}
        weights, supporters = self.weights, self.supporters
        denom = self.n
        held = [int(total * unit)] * len(weights)  # each voter starts with total/n
        # upper bound on each project's effective vote count (it can only fall), exact as a
        # pair (numerator, denominator) compared by cross-multiplying, and as a float that
        # only orders the search (never decides: see the cut-off below)
        bound: dict[str, tuple[int, int]] = {
            p: (supporters[p], 1) for p in self.projects if cost[p] > 0 and supporters[p] > 0
        }
        rough = {p: float(supporters[p]) for p in bound}
        position = self.position
        winners: list[str] = []
        while bound:
            best: list[str] = []
            best_num, best_den = 0, 1
            best_rough = 0.0
            price: dict[str, tuple[int, int]] = {}
            for p in sorted(bound, key=lambda p: (-rough[p], position[p])):
                num, den = bound[p]
                if num * best_den < best_num * den:  # cannot beat the best found
                    if rough[p] < best_rough * (1 - 1e-9):
                        break  # nor can any project after it (floats this far apart)
                    continue
                need = cost[p] * denom  # the cost, over the shared denominator
                paid = 0
                left = supporters[p]
                for g in sorted(self.approvers[p], key=held.__getitem__):
                    # equal part of the rest, need-paid over left, is more than g holds
                    if need - paid > left * held[g]:
                        paid += held[g] * weights[g]  # g pays all they have
                        left -= weights[g]
                    else:
                        break
                else:  # even all their money together falls short of the cost
                    del bound[p]
                    continue
                # everyone left pays rho = (need - paid) / (denom * left); eff = cost / rho
                num, den = need * left, need - paid
                bound[p] = (num, den)
                rough[p] = num / den
                price[p] = (need - paid, left)
                if num * best_den > best_num * den:
                    best_num, best_den, best_rough, best = num, den, rough[p], [p]
                elif num * best_den == best_num * den:
                    best.append(p)
            if not best:
                break
            chosen = self._break_tie(best)
            winners.append(chosen)
            rho, left = price[chosen]  # rho / (denom * left) per voter
            denom *= left
            for g in range(len(held)):
                held[g] *= left
            for g in self.approvers[chosen]:
                held[g] = held[g] - rho if held[g] > rho else 0
            del bound[chosen]
        return winners

    def _break_tie(self, tied: Sequence[str]) -> str:
        if len(tied) == 1:
            return tied[0]
        most = max(self.supporters[p] for p in tied)
        pool = [p for p in tied if self.supporters[p] == most]
        cheapest = min(self.cost[p] for p in pool)
        pool = [p for p in pool if self.cost[p] == cheapest]
        pool.sort(key=self.position.__getitem__)
        if len(pool) > 1:
            note = _(
                "{ps} tied on value, voters and cost; the project list order put {p} first."
            ).format(ps=", ".join(pool), p=pool[0])
            if note not in self.notes:
                self.notes.append(note)
        return pool[0]


# Add1 re-runs equal shares once per unit of money added to each voter's share. Real files
# need a few hundred runs (576 at most in the Pabulib reference data); a file whose
# projects cost far more than their supporters' shares could need billions.
MAX_ADD1_RUNS = 20_000


def _equal_shares_add1(election: PbElection, exhaustive_stop: bool = True) -> PbResult:
    budget = election.budget
    score, supporters = project_scores(election)
    if not exhaustive_stop:
        # A project dearer than the whole budget is in no outcome that fits: set it aside,
        # or raising the shares until its supporters could buy it would take forever.
        kept = {p.id for p in election.projects if p.cost <= budget}
        election = dataclasses.replace(
            election, projects=tuple(p for p in election.projects if p.id in kept),
            votes=tuple(dataclasses.replace(v, projects=tuple(p for p in v.projects
                                                              if p in kept))
                        for v in election.votes))
    mes = _Mes(election)
    n = mes.n
    if n == 0:
        return PbResult(PbRule.EQUAL_SHARES_ADD1, budget, (), Fraction(0), score, supporters)
    cost = mes.cost

    def total_cost(ws: Iterable[str]) -> Fraction:
        return sum((cost[p] for p in ws), Fraction(0))

    # equalshares.net "integral" option: start from a whole amount per voter
    total = Fraction(budget // n * n)
    winners = mes.run(total)
    spent = total_cost(winners)
    runs = 1
    while True:
        # equalshares.net "exhaustive" option: stop once nothing else could be afforded.
        # A project no one voted for can never be bought by equal shares, so it does not
        # keep the loop going (it would never end: the outcome stops changing).
        if exhaustive_stop and all(p in winners or spent + cost[p] > budget
                                   or not mes.supporters[p] for p in mes.projects):
            break
        if all(p in winners or not mes.supporters[p] for p in mes.projects):
            break  # everything anyone voted for is bought
        if runs >= MAX_ADD1_RUNS:
            raise PbError(
                _("Equal shares would need more than {n:,} re-counts here, as each voter's "
                  "share is raised by one unit of money at a time: state the budget and the "
                  "costs in larger units (thousands, say) or use a greedy rule.").format(
                    n=MAX_ADD1_RUNS))
        trial = mes.run(total + n)
        runs += 1
        trial_spent = total_cost(trial)
        if trial_spent > budget:
            break
        total, winners, spent = total + n, trial, trial_spent
    notes = [
        ngettext(
            "Each voter's share was raised to about {s} (Add1: {k} run of equal shares).",
            "Each voter's share was raised to about {s} (Add1: {k} runs of equal shares).",
            runs,
        ).format(s=_approx(total / n), k=runs),
        *mes.notes,
    ]
    return PbResult(
        PbRule.EQUAL_SHARES_ADD1,
        budget,
        tuple(winners),
        spent,
        score,
        supporters,
        tuple(notes),
        voter_budget=total / n,
    )


# -- entry points ----------------------------------------------------------------------------


def count_pb(election: PbElection, rule: PbRule | str | None = None) -> PbResult:
    """Fund projects by ``rule`` (META ``rule`` when not given), from the votes alone."""
    name = rule if rule is not None else election.rule
    if name is None:
        raise PbError(_("no rule given and META has no rule"))
    try:
        chosen = PbRule(str(name).strip().lower())
    except ValueError:
        raise PbError(
            _("unknown rule {r!r}; known: {known}").format(
                r=cut(str(name)), known=", ".join(r.value for r in PbRule)
            )
        ) from None
    if chosen is PbRule.EQUAL_SHARES_ADD1:
        return _equal_shares_add1(election)
    if chosen is PbRule.EQUAL_SHARES_ADD1_COMPARISON:
        return _add1_comparison(election)
    return _greedy(election, chosen)


def _add1_comparison(election: PbElection) -> PbResult:
    mes = _equal_shares_add1(election, exhaustive_stop=False)
    greedy = _greedy(election, PbRule.GREEDY)
    cost = {p.id: p.cost for p in election.projects}
    ours, theirs = set(mes.funded), set(greedy.funded)
    prefer_mes = prefer_greedy = 0
    for vote in election.votes:
        a = sum((cost[p] for p in vote.projects if p in ours), Fraction(0))
        b = sum((cost[p] for p in vote.projects if p in theirs), Fraction(0))
        prefer_mes += a > b
        prefer_greedy += b > a
    note = _("Comparison step: {m} voters prefer the equal-shares outcome, {g} the greedy "
             "one.").format(m=prefer_mes, g=prefer_greedy)
    chosen = greedy if prefer_greedy > prefer_mes else mes
    return PbResult(PbRule.EQUAL_SHARES_ADD1_COMPARISON, chosen.budget, chosen.funded,
                    chosen.spent, chosen.scores, chosen.supporters, (*chosen.notes, note),
                    chosen.voter_budget)


def describe_pb_rule(rule: PbRule | str) -> str:
    """The rule in plain words, for the foot of a result sheet."""
    texts = {
        PbRule.GREEDY: _(
            "Projects are taken in order of score (most support first). Each is funded if "
            "it fits in the budget that is left; one that does not fit is skipped and the "
            "next is tried."
        ),
        PbRule.GREEDY_NO_SKIP: _(
            "Projects are taken in order of score (most support first) and funded while "
            "they fit; funding stops at the first project that does not fit."
        ),
        PbRule.GREEDY_THRESHOLD: _(
            "Only projects whose score reaches the minimum threshold can be funded. They "
            "are taken in order of score; each is funded if it fits in the budget that is "
            "left, otherwise skipped."
        ),
        PbRule.EQUAL_SHARES_ADD1: _(
            "Method of Equal Shares: the budget is split equally among the voters. Projects "
            "are bought by their supporters, who share each cost as equally as their "
            "remaining money allows; the project that costs its supporters least per head "
            "for what it gives is bought first. Because this usually leaves money unspent, "
            "each voter's share is raised one unit at a time and the method re-run, as "
            "long as the result still fits the real budget."
        ),
    }
    texts[PbRule.GREEDY_EXCLUSIVE] = texts[PbRule.GREEDY]
    texts[PbRule.GREEDY_CUSTOM] = _(
        "Projects are taken in order of votes and funded while they fit; at the first that "
        "does not fit, it is funded too if what is left covers most of its cost (the share "
        "the file states), and funding stops there."
    )
    texts[PbRule.EQUAL_SHARES_ADD1_COMPARISON] = texts[PbRule.EQUAL_SHARES_ADD1] + _(
        " Then the result is compared with the greedy one, and the greedy one is used "
        "instead if more voters prefer it."
    )
    chosen = PbRule(rule)
    if chosen in (PbRule.EQUAL_SHARES_ADD1, PbRule.EQUAL_SHARES_ADD1_COMPARISON):
        tie = _(" Ties: more voters first, then lower cost, then the order of the project "
                "list.")
    else:
        tie = _(" Ties: the order of the project list.")
    return texts[chosen] + tie
