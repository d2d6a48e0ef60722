"""Count a question of any kind from its answers, exactly (fractions, never floats): pure.

:func:`answer_sets` turns a round's ballots into one :class:`AnswerSet` per question (its
assessed answers and turnout); :func:`count_answers` counts one of them, by the rules in
the question's definition. :func:`count` is the counting itself: every method reads
:class:`facilitator.ballots.Assessment` values, whatever the source (paper or phone), and
returns a :class:`Count`: one :class:`Line` per option (the figure a bar chart shows, its
share, a detail such as a mean), the headline verdict, the winners and any notes about
ties. Methods and their tie rules, as printed on a result sheet:

``yes_no``      Yes / No / Abstain counted; the question's decision rule (threshold, base,
                abstentions, quorum) gives PASSED / NOT PASSED / NO DECISION.
``scale``       How many marked each point; the top ``support_points`` count as support,
                the bottom ``oppose_points`` as opposition, the rest as neutral (treated as
                abstentions by the rule). The mean position is given for information.
``choose_one``  Plurality: most votes wins; the decision rule says whether the winner's
                share is enough. A tie for most votes is settled by lot.
``approval``    Approvals per option; the ``seats`` options with most approvals win. A tie
                at the last winning place is settled by lot.
``rank``        By the method chosen for the question (:attr:`Question.counted_by`): one
                seat: instant-runoff (the default), Schulze, Ranked Pairs, Copeland, Borda
                or Dowdall (:mod:`facilitator.tally.condorcet`); several: Scottish STV (the
                default) or Meek STV (:mod:`facilitator.tally.stv`, ``meek``), each with
                its own tie rules. One seat: the head-to-head (Condorcet) matrix is shown,
                and Borda and Dowdall scores for information when they do not decide.
``score``       Sum and mean of the scores; highest sum wins, a tie settled by lot.
``dots``        Dots per option; most dots wins, a tie settled by lot.
``budget``      Participatory budgeting by the question's funding rule
                (:mod:`facilitator.tally.pb`, its own tie rules).
``judgment``    Majority judgment: each option's median grade (an ungraded option counts as
                the lowest grade; with an even number of ballots the lower of the two middle
                grades). Options with the same median are separated by the standard
                Balinski–Laraki tie-break: remove one median grade from each and compare the
                new medians, again and again; options still equal at the end are settled by
                lot.

A lot uses :class:`random.Random` seeded with the printed seed: the tied options, in ballot
order, are shuffled once and taken in the shuffled order. Re-running with the same seed gives
the same draw.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from facilitator.ballots import (
    Assessment,
    Ballot,
    BallotRound,
    Kind,
    Question,
    Status,
    assess,
    ballots_fingerprint,
    format_amount,
    format_share,
    pb_election,
    ranked_election,
)
from facilitator.i18n import _, ngettext
from facilitator.results.model import (
    AnswerSet,
    Count,
    Line,
    QuestionResult,
    Table,
    Turnout,
    VerdictBasis,
    seed_of,
    verdict_basis,
)
from facilitator.tally.condorcet import (
    DecisionMethod,
    DecisionResult,
    PairwiseMatrix,
    decide,
    describe_method,
    pairwise_matrix,
)
from facilitator.tally.meek import count_meek
from facilitator.tally.pb import PbRule, count_pb, describe_pb_rule
from facilitator.tally.ranked import RankedElection
from facilitator.tally.stv import (
    Method,
    StageAction,
    count_irv,
    count_stv,
    describe_rules,
)


@dataclass
class _Lot:
    seed: int
    draws: int = 0
    notes: list[str] = field(default_factory=list)

    def pick_order(self, question: Question, tied: Sequence[int], why: str) -> list[int]:
        """The tied options in the order a seeded lot puts them."""
        order = sorted(tied)
        random.Random(f"{self.seed}:{self.draws}").shuffle(order)
        self.draws += 1
        self.notes.append(_("Tie ({why}) between {names}: decided by lot (seed {seed}, draw "
                            "{k}), in the order {order}.").format(
            why=why, names=", ".join(question.options[i] for i in sorted(tied)),
            seed=self.seed, k=self.draws, order=", ".join(question.options[i] for i in order)))
        return order


def _top(question: Question, values: Sequence[Fraction], seats: int, lot: _Lot,
         why: str, key: Sequence[object] | None = None) -> tuple[int, ...]:
    """The ``seats`` best options by ``key`` (default: value, highest first); a tie across
    the last winning place is settled by lot. Options with nothing are never winners."""
    keys: list[Any] = list(key) if key is not None else [-v for v in values]
    order = sorted(range(len(values)), key=lambda i: (keys[i], i))
    order = [i for i in order if values[i] > 0] if key is None else order
    if len(order) <= seats:
        return tuple(order)
    last = keys[order[seats - 1]]
    tied = [i for i in order if keys[i] == last]
    if len(tied) > 1 and any(order.index(i) >= seats for i in tied):
        sure = [i for i in order[:seats] if keys[i] != last]
        drawn = lot.pick_order(question, tied, why)
        return tuple(sure + drawn[:seats - len(sure)])
    return tuple(order[:seats])


def _pct(part: Fraction | int, whole: Fraction | int) -> Fraction | None:
    return Fraction(part) / whole if whole else None


def _num(value: Fraction) -> str:
    """An exact figure for people: whole numbers as they are, others to two decimals."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}"


def count(question: Question, answers: Sequence[Assessment], *, seed: int,
          present: int | None = None, pb_rule: PbRule | str = PbRule.GREEDY) -> Count:
    """Count ``question`` from its answers (only the valid ones count)."""
    valid = [a for a in answers if a.valid]
    lot = _Lot(seed)
    kind = question.kind
    if kind in (Kind.YES_NO, Kind.SCALE):
        result = _stance(question, valid, present)
    elif kind is Kind.CHOOSE_ONE:
        result = _plurality(question, valid, present, lot)
    elif kind is Kind.APPROVAL:
        result = _approval(question, valid, lot)
    elif kind is Kind.RANK:
        result = _ranked(question, valid, seed)
    elif kind is Kind.SCORE:
        result = _score(question, valid, lot)
    elif kind is Kind.DOTS:
        result = _dots(question, valid, lot)
    elif kind is Kind.BUDGET:
        result = _budget(question, valid, pb_rule)
    else:
        result = _judgment(question, valid, lot)
    if lot.notes:
        return dataclasses.replace(result, notes=(*result.notes, *lot.notes),
                                   lots=result.lots + lot.draws)
    return result


def answer_sets(ballot_round: BallotRound, ballots: Sequence[Ballot], *, present: int,
                rejected_duplicates: int) -> list[AnswerSet]:
    """One :class:`AnswerSet` per question of the round: its answers assessed, its turnout
    (``present`` and ``rejected_duplicates`` are the round's, from its reconciliation)."""
    fp = ballots_fingerprint(ballots)
    spoiled = sum(1 for b in ballots if b.spoiled)
    live = [b for b in ballots if not b.spoiled]
    sets = []
    for index, question in enumerate(ballot_round.questions):
        counted = [(b.source, assess(question, answer)) for b in live
                   if (answer := b.answers[index]) is not None]
        assessed = tuple(a for _source, a in counted)
        sources: dict[str, int] = {}
        for source, _a in counted:
            sources[source] = sources.get(source, 0) + 1
        turnout = Turnout(
            present=present, voted=len(assessed),
            valid=sum(1 for a in assessed if a.status is Status.VALID),
            blank=sum(1 for a in assessed if a.status is Status.BLANK),
            invalid=sum(1 for a in assessed if a.status is Status.INVALID),
            spoiled=spoiled, rejected_duplicates=rejected_duplicates,
            by_source=tuple(sorted(sources.items())))
        sets.append(AnswerSet(ballot_round.id, index, question, assessed, turnout, fp,
                              seed_of(fp)))
    return sets


def count_answers(answers: AnswerSet, *, pb_rule: PbRule | str | None = None
                  ) -> QuestionResult:
    """Count one question (a budget question by its own funding rule unless ``pb_rule``
    says otherwise, for a what-if outside the event)."""
    result = count(answers.question, answers.assessments, seed=answers.seed,
                   present=answers.turnout.present,
                   pb_rule=pb_rule or answers.question.pb_rule)
    return QuestionResult(answers.round_id, answers.index, answers.question, result,
                          answers.turnout, answers.fingerprint, answers.seed)


# -- single choice ------------------------------------------------------------------------


def _tally(question: Question, valid: Sequence[Assessment]) -> list[int]:
    counts = [0] * len(question.options)
    for a in valid:
        for i in a.selection:
            counts[i] += 1
    return counts


def _stance(question: Question, valid: Sequence[Assessment], present: int | None) -> Count:
    counts = _tally(question, valid)
    total = sum(counts)
    basis = verdict_basis(question, counts, present)
    sides = {"favour": basis.favour, "against": basis.against, "abstain": basis.abstain}
    verdict = question.rule.evaluate(sides["favour"], sides["against"], sides["abstain"],
                                     present)
    lines = tuple(Line(o, Fraction(n), _pct(n, total)) for o, n in zip(
        question.options, counts, strict=True))
    notes: list[str] = []
    tables: tuple[Table, ...] = ()
    if question.kind is Kind.SCALE:
        method = _("Support scale")
        if total:
            mean = Fraction(sum((i + 1) * n for i, n in enumerate(counts)), total)
            notes.append(_("Mean position {mean} on a scale from 1 ({first}) to {n} ({last})."
                           ).format(mean=_num(mean), first=question.options[0],
                                    n=len(counts), last=question.options[-1]))
        tables = (Table(_("Support, neutral, opposition"), (_("Side"), _("Votes"), _("Share")),
                        tuple((name, str(sides[key]), format_share(Fraction(sides[key], total))
                               if total else "—")
                              for key, name in (("favour", _("Support")),
                                                ("abstain", _("Neutral")),
                                                ("against", _("Opposition"))))),)
        rules = _("Each vote counts once for the point marked. The top {s} point(s) count as "
                  "support, the bottom {o} as opposition, the others as neutral (counted as "
                  "abstentions by the rule).").format(s=question.support_points,
                                                       o=question.oppose_points)
    else:
        method = _("Yes / no vote")
        rules = _("Each vote counts once for the box marked.")
    return Count(method, rules + " " + question.rule.describe(), _("votes"), lines,
                 verdict.text, verdict.passed, (), tuple(notes), tables,
                 working=_working(basis))


def _working(basis: VerdictBasis) -> str:
    text = _("{favour} for, {against} against, {abstain} abstaining or neutral. Support = "
             "{favour} ÷ {whole} ({of})").format(favour=basis.favour, against=basis.against,
                                                 abstain=basis.abstain, whole=basis.whole,
                                                 of=basis.of)
    if basis.support is not None:
        text += " = " + format_share(basis.support)
    return text + "."


def _plurality(question: Question, valid: Sequence[Assessment], present: int | None,
               lot: _Lot) -> Count:
    counts = _tally(question, valid)
    total = sum(counts)
    values = [Fraction(n) for n in counts]
    winners = _top(question, values, 1, lot, _("most votes"))
    lines = tuple(Line(o, Fraction(n), _pct(n, total), winner=i in winners)
                  for i, (o, n) in enumerate(zip(question.options, counts, strict=True)))
    if not winners:
        return Count(_("Plurality (choose one)"), "", _("votes"), lines, _("NO DECISION — no "
                                                                          "votes"))
    top = counts[winners[0]]
    verdict = question.rule.evaluate(top, total - top, 0, present)
    rules = _("Each vote counts once for the option marked; the option with most votes "
              "leads, and the decision rule says whether its share is enough: {rule} A tie "
              "for most votes is settled by lot.").format(rule=question.rule.describe())
    return Count(_("Plurality (choose one)"), rules, _("votes"), lines,
                 f"{question.options[winners[0]]}: {verdict.text}", verdict.passed, winners,
                 working=_("{top} of {total} votes for {option}.").format(
                     top=top, total=total, option=question.options[winners[0]]))


def _approval(question: Question, valid: Sequence[Assessment], lot: _Lot) -> Count:
    counts = _tally(question, valid)
    n = len(valid)
    values = [Fraction(c) for c in counts]
    winners = _top(question, values, question.seats, lot, _("approvals"))
    lines = tuple(Line(o, Fraction(c), _pct(c, n), winner=i in winners)
                  for i, (o, c) in enumerate(zip(question.options, counts, strict=True)))
    rules = _("Each ballot approves any number of options; an option's share is of the valid "
              "ballots. The {k} option(s) with most approvals win; a tie for the last winning "
              "place is settled by lot.").format(k=question.seats)
    return Count(_("Approval voting"), rules, _("approvals"), lines,
                 _winners_text(question, winners), None, winners)


def _winners_text(question: Question, winners: Sequence[int]) -> str:
    if not winners:
        return _("NO DECISION — no votes")
    names = ", ".join(question.options[i] for i in winners)
    return (_("Winner: {names}") if len(winners) == 1 else _("Winners: {names}")).format(
        names=names)


# -- rankings --------------------------------------------------------------------------------


def borda(question: Question, valid: Sequence[Assessment]) -> list[Fraction]:
    """Borda: an option ranked r-th of n gets n − r points; an unranked option gets none."""
    n = len(question.options)
    points = [0] * n
    for a in valid:
        for r, option in enumerate(a.selection):
            points[option] += n - 1 - r
    return [Fraction(p) for p in points]


def dowdall(question: Question, valid: Sequence[Assessment]) -> list[Fraction]:
    """Dowdall (Nauru): an option ranked r-th gets 1/r of a point; unranked none."""
    points = [Fraction(0)] * len(question.options)
    for a in valid:
        for r, option in enumerate(a.selection, start=1):
            points[option] += Fraction(1, r)
    return points


def _ranked(question: Question, valid: Sequence[Assessment], seed: int) -> Count:
    b, d = borda(question, valid), dowdall(question, valid)
    info = Table(_("Other counts, for information only (they do not decide)"),
                 (_("Option"), _("Borda points"), _("Dowdall points")),
                 tuple((o, _num(x), _num(y)) for o, x, y in zip(question.options, b, d,
                                                                 strict=True)))
    rules_info = _(" Borda: an option ranked r-th of n gets n − r points. Dowdall: it gets "
                   "1/r of a point.")
    if not valid:
        return Count(_("Ranked vote"), "", _("votes"), tuple(
            Line(o, Fraction(0)) for o in question.options), _("NO DECISION — no votes"),
            tables=(info,))
    election = ranked_election(question, valid)
    method_name = question.counted_by
    if method_name not in ("irv", "scottish-stv", "meek-stv"):
        return _decided(question, valid, election, DecisionMethod(method_name), seed, info)
    if method_name == "meek-stv":
        stv = count_meek(election)
    else:
        stv = count_irv(election, seed=seed) if question.seats == 1 else count_stv(
            election, seed=seed)
    first = stv.stages[0].votes
    last = stv.stages[-1].votes
    total = sum(first)
    lines = tuple(Line(o, Fraction(first[i]), _pct(Fraction(first[i]), Fraction(total)),
                       _("final stage: {v}").format(v=f"{last[i]:.5f}").rstrip("0").rstrip("."),
                       i in stv.elected)
                  for i, o in enumerate(question.options))
    method = (_("Instant-runoff voting") if stv.method is Method.IRV
              else _("Single transferable vote (Meek's method)")
              if stv.method is Method.MEEK_STV
              else _("Single transferable vote (Scottish rules)"))
    verdict = (_("Elected: {names}") if question.seats > 1 else _("Winner: {names}")).format(
        names=", ".join(stv.elected_names))
    notes = tuple(s.note for s in stv.stages if s.note and s.action in (
        StageAction.TRANSFER_SURPLUS, StageAction.EXCLUDE))
    tables: tuple[Table, ...] = (info,)
    if question.seats == 1:
        tables = (matrix_table(pairwise_matrix(election)), info)
    return Count(method, describe_rules(stv.method) + rules_info, _("first preferences"),
                 lines, verdict, None, stv.elected, notes, tables, stv=stv,
                 lots=stv.lots_drawn)


def matrix_title() -> str:
    """The title of the head-to-head table (how the projector finds it in a count)."""
    return _("Head to head (Condorcet matrix): ballots ranking the row's option above the "
             "column's")


def condorcet_table(result: Count) -> Table | None:
    """A one-seat rank count's head-to-head (Condorcet) matrix, if it has one."""
    return next((t for t in result.tables if t.title == matrix_title()), None)


def matrix_table(matrix: PairwiseMatrix) -> Table:
    """The head-to-head (Condorcet) matrix: ballots ranking each row's option above each
    column's, options numbered as on the ballot; the last column counts head-to-head wins."""
    n = len(matrix.candidates)
    rows = []
    for a in range(n):
        cells = [f"{a + 1}. {matrix.candidates[a]}"]
        cells += ["—" if a == b else str(matrix.prefer[a][b]) for b in range(n)]
        cells.append(str(sum(1 for b in range(n) if b != a and matrix.margin(a, b) > 0)))
        rows.append(tuple(cells))
    return Table(matrix_title(), (_("Option"), *(str(b + 1) for b in range(n)), _("Wins")),
                 tuple(rows))


def _decided(question: Question, valid: Sequence[Assessment], election: RankedElection,
             method: DecisionMethod, seed: int, info: Table) -> Count:
    """A one-seat rank question decided by a Condorcet or positional method."""
    result: DecisionResult = decide(election, method, seed=seed)
    first = [0] * len(question.options)
    for a in valid:
        if a.selection:
            first[a.selection[0]] += 1
    matrix = result.matrix
    scored = result.scores is not None
    values = result.scores if result.scores is not None else tuple(
        Fraction(x) for x in first)
    total = sum(values)
    lines = tuple(
        Line(o, Fraction(values[i]), _pct(values[i], total) if total else None,
             _("{wins} head-to-head wins").format(
                 wins=sum(1 for b in range(len(question.options))
                          if b != i and matrix.margin(i, b) > 0)),
             i == result.winner)
        for i, o in enumerate(question.options))
    names = {DecisionMethod.SCHULZE: _("Schulze method"),
             DecisionMethod.RANKED_PAIRS: _("Ranked Pairs"),
             DecisionMethod.COPELAND: _("Copeland method"),
             DecisionMethod.BORDA: _("Borda count"),
             DecisionMethod.DOWDALL: _("Dowdall count")}
    notes: list[str] = []
    cw = matrix.condorcet_winner
    notes.append(_("{name} beats every other option head to head (the Condorcet winner)."
                   ).format(name=question.options[cw]) if cw is not None else
                 _("No option beats every other head to head (no Condorcet winner)."))
    if result.tie_broken:
        notes.append(_("A tie was settled by the order drawn by lot before the count (seed "
                       "{seed}): {order}.").format(
            seed=result.seed, order=", ".join(question.options[c] for c in result.tie_order)))
    tables = [matrix_table(matrix)]
    if method not in (DecisionMethod.BORDA, DecisionMethod.DOWDALL):
        tables.append(info)
    unit = _("points") if scored else _("first preferences")
    return Count(names[method], describe_method(method), unit, lines,
                 _("Winner: {names}").format(names=result.winner_name), None,
                 (result.winner,), tuple(notes), tuple(tables), lots=int(result.tie_broken))


# -- numbers per option ---------------------------------------------------------------------


def _score(question: Question, valid: Sequence[Assessment], lot: _Lot) -> Count:
    n = len(question.options)
    sums = [0] * n
    given = [0] * n
    for a in valid:
        for i, v in enumerate(a.values):
            if v is not None:
                sums[i] += v
                given[i] += 1
    values = [Fraction(s) for s in sums]
    winners = _top(question, values, 1, lot, _("highest total score"))
    lines = tuple(Line(o, Fraction(s), None,
                       _("mean {mean} from {n} scores").format(
                           mean=_num(Fraction(s, g)), n=g) if g else _("no scores"),
                       i in winners)
                  for i, (o, s, g) in enumerate(zip(question.options, sums, given, strict=True)))
    rules = _("Each ballot gives each option a score from {low} to {high}; an option left "
              "blank is not scored (it does not lower the mean). The highest total wins; a tie "
              "is settled by lot.").format(low=question.score_min, high=question.score_max)
    return Count(_("Score voting"), rules, _("points"), lines, _winners_text(question, winners),
                 None, winners)


def _dots(question: Question, valid: Sequence[Assessment], lot: _Lot) -> Count:
    n = len(question.options)
    dots = [0] * n
    for a in valid:
        for i, v in enumerate(a.values):
            dots[i] += v or 0
    total = sum(dots)
    values = [Fraction(x) for x in dots]
    winners = _top(question, values, 1, lot, _("most dots"))
    lines = tuple(Line(o, Fraction(x), _pct(x, total), winner=i in winners)
                  for i, (o, x) in enumerate(zip(question.options, dots, strict=True)))
    rules = _("Each voter shares out {dots} dots; an option's share is of all the dots given. "
              "Most dots wins; a tie is settled by lot.").format(dots=question.dots)
    return Count(_("Dot voting"), rules, _("dots"), lines, _winners_text(question, winners),
                 None, winners)


def _budget(question: Question, valid: Sequence[Assessment], rule: PbRule | str) -> Count:
    election = pb_election(question, valid)
    budget = question.budget or Fraction(0)
    if not valid:
        return Count(_("Participatory budgeting"), describe_pb_rule(rule), _("votes"), tuple(
            Line(f"{p.name or p.id} ({format_amount(p.cost)})", Fraction(0))
            for p in question.projects), _("NO DECISION — no votes"))
    result = count_pb(election, rule)
    # A project nobody voted for is never funded here (greedy rules would fund it with
    # what is left; such projects come last in their order, so dropping them changes
    # nothing else).
    unsupported = [p for p in result.funded if not result.supporters.get(p)]
    if unsupported:
        kept = tuple(p for p in result.funded if p not in unsupported)
        cost = {p.id: p.cost for p in question.projects}
        result = dataclasses.replace(
            result, funded=kept, spent=sum((cost[p] for p in kept), Fraction(0)),
            notes=(*result.notes, _("Not funded because no one voted for them: {ps}.").format(
                ps=", ".join(unsupported))))
    lines = tuple(Line(f"{p.name or p.id} ({format_amount(p.cost)})",
                       Fraction(result.supporters.get(p.id, 0)),
                       _pct(result.supporters.get(p.id, 0), len(valid)),
                       _("funded") if p.id in result.funded else "",
                       p.id in result.funded)
                  for p in question.projects)
    position = {p.id: i for i, p in enumerate(question.projects)}
    verdict = ngettext("Funded {n} project: {spent} spent of {budget}, {left} left",
                       "Funded {n} projects: {spent} spent of {budget}, {left} left",
                       len(result.funded)).format(
        n=len(result.funded), spent=format_amount(result.spent), budget=format_amount(budget),
        left=format_amount(result.leftover))
    names = {PbRule.GREEDY: _("Greedy by votes"),
             PbRule.GREEDY_NO_SKIP: _("Greedy, stopping at the first that does not fit"),
             PbRule.GREEDY_THRESHOLD: _("Greedy with a minimum score"),
             PbRule.EQUAL_SHARES_ADD1: _("Method of Equal Shares (Add1 completion)")}
    return Count(_("Participatory budgeting: {rule}").format(rule=names[result.rule]),
                 describe_pb_rule(result.rule), _("votes"), lines, verdict, None,
                 tuple(position[p] for p in result.funded), result.notes, pb=result)


# -- majority judgment ---------------------------------------------------------------------


def median_sequence(counts: Sequence[int]) -> tuple[int, ...]:
    """Successive lower medians of a grade distribution (index 0 = best grade), removing one
    median grade each time: the Balinski–Laraki tie-break order."""
    left = list(counts)
    n = sum(left)
    out: list[int] = []
    while n:
        k = n // 2  # 0-based position of the lower (worse) median, best grades first
        seen = 0
        for grade, c in enumerate(left):
            seen += c
            if seen > k:
                out.append(grade)
                left[grade] -= 1
                break
        n -= 1
    return tuple(out)


def _judgment(question: Question, valid: Sequence[Assessment], lot: _Lot) -> Count:
    g = len(question.grades)
    n = len(question.options)
    dist = [[0] * g for _i in range(n)]
    for a in valid:
        for i, v in enumerate(a.values):
            dist[i][g - 1 if v is None else v] += 1
    sequences = [median_sequence(d) for d in dist]
    winners: tuple[int, ...] = ()
    if valid:
        winners = _top(question, [Fraction(1)] * n, 1, lot,
                       _("same grades at every step of the tie-break"), key=sequences)
    order = sorted(range(n), key=lambda i: (sequences[i], i))
    lines = []
    for i, o in enumerate(question.options):
        median = question.grades[sequences[i][0]] if sequences[i] else "—"
        # the bar: the share of ballots giving at least the median grade
        at_least = sum(dist[i][: sequences[i][0] + 1]) if sequences[i] else 0
        lines.append(Line(o, Fraction(at_least), _pct(at_least, len(valid)),
                          _("median grade: {grade}; place {place}").format(
                              grade=median, place=order.index(i) + 1), i in winners))
    table = Table(_("Grades given"), (_("Option"), *question.grades),
                  tuple((o, *(str(c) for c in dist[i])) for i, o in enumerate(question.options)))
    rules = _("Each ballot gives each option one grade; an ungraded option counts as the "
              "lowest grade ({lowest}). An option's grade is its median (with an even number "
              "of ballots, the lower of the two middle grades); the best median wins. Options "
              "with the same median are separated by removing one median grade from each and "
              "comparing again, until they differ (Balinski and Laraki); if they never "
              "differ, by lot. The bar shows the share giving at least the median grade."
              ).format(lowest=question.grades[-1])
    return Count(_("Majority judgment"), rules, _("ballots"), tuple(lines),
                 _winners_text(question, winners), None, winners, (), (table,))
