"""Ballots as the counting engines read them: ranked ballots for STV/IRV, PB elections.

The counts themselves live in :mod:`facilitator.tally`; this only turns valid answers to a
question (paper or phone alike) into its data classes, so every source counts the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from facilitator.ballots.marks import Assessment
from facilitator.ballots.model import CountedPaper
from facilitator.ballots.questions import Kind, Question
from facilitator.i18n import _
from facilitator.tally import PbElection, PbVote, RankedBallot, RankedElection
from facilitator.tally.errors import TallyInputError


def answers_to(papers: Sequence[CountedPaper], question: int) -> list[Assessment]:
    """The assessments of one question (0-based) on every counted paper, spoiled ones aside."""
    return [p.assessments[question] for p in papers if not p.spoiled]


def ranked_election(question: Question, assessments: Iterable[Assessment]) -> RankedElection:
    """A rank question's valid answers as a :class:`RankedElection` (identical rankings
    grouped), ready for :func:`facilitator.tally.count_stv` or ``count_irv``."""
    if question.kind is not Kind.RANK:
        raise TallyInputError(_("Only a ranking question can be counted by STV or IRV."))
    groups = Counter(a.selection for a in assessments if a.valid)
    ballots = tuple(RankedBallot(n, ranking) for ranking, n in sorted(groups.items()))
    return RankedElection(question.options, question.seats, ballots, title=question.text)


def pb_election(question: Question, assessments: Iterable[Assessment]) -> PbElection:
    """A budget question's valid answers as a Pabulib-style approval :class:`PbElection`."""
    if question.kind is not Kind.BUDGET or question.budget is None:
        raise TallyInputError(_("Only a budget question is a participatory-budgeting vote."))
    votes = tuple(
        PbVote(str(n), tuple(question.projects[i].id for i in a.selection))
        for n, a in enumerate((a for a in assessments if a.valid), start=1))
    meta = {"description": question.text, "num_projects": str(len(question.projects)),
            "num_votes": str(len(votes)), "budget": str(question.budget),
            "vote_type": "approval", "rule": "greedy"}
    if question.max_choices:
        meta["max_length"] = str(question.max_choices)
    return PbElection(meta, question.projects, votes)
