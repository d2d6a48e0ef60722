"""Results of a ballot round from the event file: what counts, the counts, who may see them.

**One door for ballots.** :func:`round_ballots` is the only place that reads what was voted;
:func:`answers_for` (one question) and :func:`count_round` (a whole round) go through it.
Paper ballots come from :func:`facilitator.ballots.counted_papers` (one per paper,
adjudicated). Phone ballots are added there as further :class:`Ballot` values with
``source="phone"``, one per vote on one question (see
:func:`facilitator.lan.votes.phone_ballots`); everything downstream (counts, turnout,
fingerprint, exports, result sheets, the Results page) then includes them unchanged.

**One fact, one function.** Every place that shows a figure (the Results page, the Phones
tab, the phone pages, the projector, the result sheet, the command line, the exports) takes
it from here: the turnout of a question and its ballots counted from :class:`Turnout`
(:func:`round_turnouts`, :func:`question_turnout`, or a :class:`QuestionResult`), the
per-option figures from :func:`option_figures`, a figure's text from :func:`figure_text`.

**Seed.** The lot that settles a tie is seeded from the round's fingerprint (its first 15
hexadecimal digits), so the same ballots always give the same draw and anyone holding the
ballot file can repeat it; the seed is printed on every result sheet.

**Visibility.** A round's results are shown once the round is closed, or earlier if the
facilitator turned on live results for it (stored in the event file, so a restart keeps it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from facilitator.ballots.entry import counted_papers, rejected_counts
from facilitator.ballots.marks import Answer, Assessment, Status, assess
from facilitator.ballots.questions import Kind, Question, format_share
from facilitator.ballots.reconcile import reconcile
from facilitator.ballots.rounds import BALLOTS, BallotRound, get_round
from facilitator.changes import Changes
from facilitator.i18n import _, ngettext
from facilitator.store import EventStore
from facilitator.tally.errors import TallyInputError
from facilitator.tally.methods import Count, count
from facilitator.tally.pb import PbRule

DISPLAY_KEY = "results_display"


@dataclass(frozen=True)
class Ballot:
    """One ballot as it counts, from any source. ``answers`` is empty when spoiled."""

    source: str
    """"paper" or "phone"."""
    code: str
    spoiled: bool
    answers: tuple[Answer | None, ...]
    """One per question; None where a phone voter did not vote on that question."""


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
    seed: int
    counted_at: datetime
    visible: bool


# -- the one door for ballots -------------------------------------------------------------------


def round_ballots(store: EventStore, round_id: int) -> list[Ballot]:
    """Every ballot of the round that counts, once: papers, then phone votes.

    Nobody is in both: a phone vote is refused to someone handed a paper, and a paper is
    refused to someone who voted by phone (the event file enforces it too).
    """
    from facilitator.lan.votes import phone_ballots  # phone voting builds on the ballots

    ballots = [Ballot("paper", p.code, p.spoiled, tuple(p.answers))
               for p in counted_papers(store, round_id)]
    questions = len(get_round(store, round_id).questions)
    ballots += [Ballot("phone", vote.receipt, False,
                       tuple(vote.answer if i == vote.index else None for i in range(questions)))
                for vote in phone_ballots(store, round_id)]
    return ballots


def ballots_fingerprint(ballots: Sequence[Ballot]) -> str:
    """SHA-256 of the canonical ballot list. For paper ballots alone it equals
    :func:`facilitator.ballots.fingerprint` (code, spoiled, answers, sorted by code);
    ballots from another source are listed after them with their source."""
    papers = sorted((b for b in ballots if b.source == "paper"), key=lambda b: b.code)
    others = sorted((b for b in ballots if b.source != "paper"),
                    key=lambda b: (b.source, b.code))
    canonical: list[list[Any]] = [[b.code, b.spoiled, [answer_json(a) for a in b.answers]]
                                  for b in papers]
    canonical += [[b.source, b.code, b.spoiled, [answer_json(a) for a in b.answers]]
                  for b in others]
    data = json.dumps(canonical, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(data.encode()).hexdigest()


def answer_json(answer: Answer | None) -> Any:
    return None if answer is None else answer.to_json()


def seed_of(fingerprint: str) -> int:
    return int(fingerprint[:15], 16)


def _answer_sets(store: EventStore, ballot_round: BallotRound, ballots: Sequence[Ballot]
                 ) -> list[AnswerSet]:
    figures = reconcile(store, ballot_round.id)
    rejected = rejected_counts(store, ballot_round.id).get("duplicate", 0)
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
            present=figures.present, voted=len(assessed),
            valid=sum(1 for a in assessed if a.status is Status.VALID),
            blank=sum(1 for a in assessed if a.status is Status.BLANK),
            invalid=sum(1 for a in assessed if a.status is Status.INVALID),
            spoiled=spoiled, rejected_duplicates=rejected,
            by_source=tuple(sorted(sources.items())))
        sets.append(AnswerSet(ballot_round.id, index, question, assessed, turnout, fp,
                              seed_of(fp)))
    return sets


def answers_for(store: EventStore, round_id: int, question_index: int) -> AnswerSet:
    """The answers to one question (0-based) of a round, from every source, with turnout."""
    ballot_round = get_round(store, round_id)
    if not 0 <= question_index < len(ballot_round.questions):
        raise TallyInputError(_("Round {id} has no question {n}.").format(
            id=round_id, n=question_index + 1))
    return _answer_sets(store, ballot_round, round_ballots(store, round_id))[question_index]


def round_turnouts(store: EventStore, round_id: int) -> list[Turnout]:
    """The turnout of every question of a round (one read of its ballots)."""
    ballot_round = get_round(store, round_id)
    return [a.turnout for a in _answer_sets(store, ballot_round,
                                            round_ballots(store, round_id))]


def question_turnout(store: EventStore, round_id: int, question_index: int) -> Turnout:
    """The turnout of one question (0-based): people present, ballots counted, and how."""
    return answers_for(store, round_id, question_index).turnout


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


def count_answers(answers: AnswerSet, *, pb_rule: PbRule | str = PbRule.GREEDY
                  ) -> QuestionResult:
    result = count(answers.question, answers.assessments, seed=answers.seed,
                   present=answers.turnout.present, pb_rule=pb_rule)
    return QuestionResult(answers.round_id, answers.index, answers.question, result,
                          answers.turnout, answers.fingerprint, answers.seed)


def count_round(store: EventStore, round_id: int) -> RoundResults:
    """Count every question of a round (with each budget question's chosen rule)."""
    ballot_round = get_round(store, round_id)
    ballots = round_ballots(store, round_id)
    sets = _answer_sets(store, ballot_round, ballots)
    rules = display_settings(store).get("pb_rules", {})
    results = []
    for answers in sets:
        rule = rules.get(f"{round_id}:{answers.index}", PbRule.GREEDY.value)
        try:
            results.append(count_answers(answers, pb_rule=rule))
        except TallyInputError:
            results.append(count_answers(answers))
    fp = ballots_fingerprint(ballots)
    return RoundResults(ballot_round, store.name, tuple(results), tuple(ballots), fp,
                        seed_of(fp), store.clock.now(), results_visible(store, ballot_round))


# -- who may see them ---------------------------------------------------------------------------


def display_settings(store: EventStore) -> dict[str, Any]:
    data = store.meta_json(DISPLAY_KEY, {}) or {}
    return data if isinstance(data, dict) else {}


def _save(store: EventStore, data: dict[str, Any], action: str, new: dict[str, Any],
          operator: str | None) -> Changes:
    with store.transaction():
        store.set_meta_json(DISPLAY_KEY, data)
        store.audit(action, "event", DISPLAY_KEY, None, new, actor=operator)
    return BALLOTS


def is_live(store: EventStore, round_id: int) -> bool:
    return str(round_id) in display_settings(store).get("live", [])


def results_visible(store: EventStore, ballot_round: BallotRound) -> bool:
    return ballot_round.is_closed or is_live(store, ballot_round.id)


def set_live(store: EventStore, round_id: int, live: bool, *,
             operator: str | None = None) -> Changes:
    """Show a round's results as ballots arrive (True), or only once it is closed."""
    get_round(store, round_id)
    data = display_settings(store)
    rounds = set(data.get("live", []))
    (rounds.add if live else rounds.discard)(str(round_id))
    data["live"] = sorted(rounds)
    return _save(store, data, "results_live", {"round": round_id, "live": live}, operator)


def set_pb_rule(store: EventStore, round_id: int, index: int, rule: PbRule | str, *,
                operator: str | None = None) -> Changes:
    """The rule a budget question is counted by (greedy unless chosen)."""
    question = get_round(store, round_id).questions[index]
    if question.kind is not Kind.BUDGET:
        raise TallyInputError(_("Only a budget question has a funding rule."))
    chosen = PbRule(rule)
    data = display_settings(store)
    data.setdefault("pb_rules", {})[f"{round_id}:{index}"] = chosen.value
    return _save(store, data, "results_pb_rule",
                 {"round": round_id, "question": index, "rule": chosen.value}, operator)


def pb_rule_of(store: EventStore, round_id: int, index: int) -> PbRule:
    return PbRule(display_settings(store).get("pb_rules", {}).get(f"{round_id}:{index}",
                                                                    PbRule.GREEDY.value))


def projected(store: EventStore) -> tuple[int, int] | None:
    """The (round, question) shown on the projector, if any."""
    value = display_settings(store).get("projector")
    if isinstance(value, list) and len(value) == 2:
        return int(value[0]), int(value[1])
    return None


def set_projected(store: EventStore, target: tuple[int, int] | None, *,
                  operator: str | None = None) -> Changes:
    """Put a question's result on the projector (None: take it off). Refused while the
    round's results are hidden."""
    data = display_settings(store)
    if target is not None:
        ballot_round = get_round(store, target[0])
        if not results_visible(store, ballot_round):
            raise TallyInputError(_("The results of “{title}” are hidden until the round is "
                                    "closed; turn on live results to show them now.").format(
                                        title=ballot_round.title))
        data["projector"] = list(target)
    else:
        data.pop("projector", None)
    return _save(store, data, "results_projector",
                 {"projector": list(target) if target else None}, operator)
