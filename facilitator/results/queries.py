"""Reading an event's results: its ballots, their counts, who may see them. Never writes.

**One door for ballots.** :func:`facilitator.ballots.round_ballots` is the only place that
reads what was voted, paper and phone (the ballot box is the ballots subsystem's, whatever
the channel); :func:`answers_for` (one question) and :func:`count_round` (a whole round) go
through it, and everything downstream (counts, turnout, fingerprint, exports, result sheets,
the Results page) then includes the phone ballots unchanged.

**One fact, one function.** The turnout of a question and its ballots counted come from
:func:`round_turnouts`, :func:`question_turnout` or a counted :class:`QuestionResult`, and
nowhere else (:mod:`facilitator.results.model`).

**Visibility.** A round's results are shown once the round is closed, or earlier if the
facilitator turned on live results for it (stored in the event file, so a restart keeps it;
changed by :mod:`facilitator.results.ops`).

**Sealed.** A closed round's fingerprint was stored when it closed; :func:`count_round`
reports that one, and :attr:`RoundResults.fingerprint_mismatch` when a recount of the file
gives another (the file was changed after closing), for every page and sheet to say so.

**Rules.** How a question is decided (threshold, quorum, a budget question's funding rule)
is part of the question, fixed when the round was defined; nothing here chooses it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from facilitator.ballots import (
    Ballot,
    BallotRound,
    Kind,
    ballots_fingerprint,
    get_round,
    reconcile,
    rejected_counts,
    round_ballots,
)
from facilitator.i18n import _
from facilitator.results.count import answer_sets, count_answers
from facilitator.results.model import (
    AnswerSet,
    QuestionResult,
    ResultsError,
    RoundResults,
    Turnout,
    VerdictBasis,
    seed_of,
    verdict_basis,
)
from facilitator.store import EventStore
from facilitator.tally.pb import PbRule

DISPLAY_KEY = "results_display"
"""The event-file setting holding which rounds are live and what is on the projector."""


# -- counts and turnout, from the ballot box ---------------------------------------------------


def _answer_sets(store: EventStore, ballot_round: BallotRound, ballots: Sequence[Ballot]
                 ) -> list[AnswerSet]:
    return answer_sets(ballot_round, ballots, present=reconcile(store, ballot_round.id).present,
                       rejected_duplicates=rejected_counts(store, ballot_round.id).get(
                           "duplicate", 0))


def answers_for(store: EventStore, round_id: int, question_index: int) -> AnswerSet:
    """The answers to one question (0-based) of a round, from every source, with turnout."""
    ballot_round = get_round(store, round_id)
    if not 0 <= question_index < len(ballot_round.questions):
        raise ResultsError(_("Round {id} has no question {n}.").format(
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


def count_round(store: EventStore, round_id: int) -> RoundResults:
    """Count every question of a round, each by the rules in its definition.

    A closed round reports the fingerprint sealed when it closed; if the ballots in the file
    give another, :attr:`RoundResults.fingerprint_mismatch` says so."""
    ballot_round = get_round(store, round_id)
    ballots = round_ballots(store, round_id)
    sets = _answer_sets(store, ballot_round, ballots)
    fp = ballots_fingerprint(ballots)
    sealed = ballot_round.fingerprint if ballot_round.is_closed else None
    results = [count_answers(answers) for answers in sets]
    if sealed:
        results = [dataclasses.replace(r, fingerprint=sealed) for r in results]
    return RoundResults(ballot_round, store.name, tuple(results), tuple(ballots),
                        sealed or fp, seed_of(fp), store.clock.now(),
                        results_visible(store, ballot_round),
                        recounted_fingerprint=fp if sealed and sealed != fp else "")


def verdict_basis_of(result: QuestionResult) -> VerdictBasis | None:
    """What a counted yes/no or scale question's verdict percentage is a share of
    (:func:`facilitator.results.model.verdict_basis`, the function the count itself uses);
    None for other kinds. A bar or a figure shown next to the verdict takes its share from
    here."""
    if result.question.kind not in (Kind.YES_NO, Kind.SCALE):
        return None
    counts = [int(line.value) for line in result.count.lines]
    return verdict_basis(result.question, counts, result.turnout.present)


def pb_rule_of(store: EventStore, round_id: int, index: int) -> PbRule:
    """The funding rule of a budget question: part of its definition (chosen in the round
    editor before the round opens, printed on the paper), never a Results-page setting."""
    question = get_round(store, round_id).questions[index]
    if question.kind is not Kind.BUDGET:
        raise ResultsError(_("Only a budget question has a funding rule."))
    return question.pb_rule


# -- who may see them ---------------------------------------------------------------------------


def display_settings(store: EventStore) -> dict[str, Any]:
    data = store.meta_json(DISPLAY_KEY, {}) or {}
    return data if isinstance(data, dict) else {}


def is_live(store: EventStore, round_id: int) -> bool:
    return str(round_id) in display_settings(store).get("live", [])


def results_visible(store: EventStore, ballot_round: BallotRound) -> bool:
    return ballot_round.is_closed or is_live(store, ballot_round.id)


def projected(store: EventStore) -> tuple[int, int] | None:
    """The (round, question) shown on the projector, if any."""
    value = display_settings(store).get("projector")
    if isinstance(value, list) and len(value) == 2:
        return int(value[0]), int(value[1])
    return None
