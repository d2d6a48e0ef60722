"""An event's results: its ballots read once, counted by the rules fixed with each question.

Above ``ballots`` (whose :func:`facilitator.ballots.round_ballots` is the one door to a
round's ballots, paper and phone) and below the pages, the projector, the phone pages, the
result sheet and the command line, which all take their figures from here (ARCHITECTURE.md,
"one fact, one function"). The counting itself is :mod:`facilitator.tally`.

The rooms (ARCHITECTURE.md): ``model`` (Turnout, Count, RoundResults …, the seed and the
figures' text), the pure engines ``count`` (a question's count from its answers) and
``exports`` (a round's ballots as CSV, JSON, BLT, Pabulib), ``queries`` (reads: counts,
turnout, who may see them), ``ops`` (live results, the projector, with their actor) and
``cli`` (``python -m facilitator results``).

The public names are re-exported here so that ``from facilitator.results import count_round``
works; code inside the package imports from the rooms.
"""

from facilitator.results.count import count_answers
from facilitator.results.model import (
    AnswerSet,
    Count,
    Line,
    OptionFigure,
    QuestionResult,
    ResultsError,
    RoundResults,
    Table,
    Turnout,
    figure_text,
    option_figures,
    seed_of,
)
from facilitator.results.ops import set_live, set_projected
from facilitator.results.queries import (
    answers_for,
    count_round,
    is_live,
    pb_rule_of,
    projected,
    question_turnout,
    results_visible,
    round_turnouts,
)

__all__ = [
    "AnswerSet",
    "Count",
    "Line",
    "OptionFigure",
    "QuestionResult",
    "ResultsError",
    "RoundResults",
    "Table",
    "Turnout",
    "answers_for",
    "count_answers",
    "count_round",
    "figure_text",
    "is_live",
    "option_figures",
    "pb_rule_of",
    "projected",
    "question_turnout",
    "results_visible",
    "round_turnouts",
    "seed_of",
    "set_live",
    "set_projected",
]
