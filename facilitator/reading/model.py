"""What the reader decided, and why: pure rules over the mark scores (no image code).

A box's *score* is the share of its inside covered by ink, after the paper's own
brightness is divided out (0 = clean paper, 1 = filled). Below :data:`EMPTY_BELOW` the box
is empty, from :data:`MARKED_FROM` it is marked, and in between it is *marginal*: a light
touch, a dot of dirt, an erased mark. A marginal box is never decided by the reader; the
question goes to a person (as VotingWorks does with its marginal band).

A question is read with *full confidence* only when every box on it is clearly empty or
clearly marked and the marks make one answer the paper allows (no two marks on a choose-one
question, no row of a grid with two marks, no rank given twice, no more choices than
allowed). Anything else is a :class:`Review` with its reasons; it is counted once a person
confirms or corrects it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from facilitator.ballots.errors import BallotError
from facilitator.ballots.marks import Answer
from facilitator.ballots.questions import MULTI_CHOICE, SINGLE_CHOICE, Kind, Question, paper_grid
from facilitator.i18n import N_, _
from facilitator.reports.ballot_layout import MarkBox

EMPTY_BELOW = 0.015
"""A box with less ink than this (a share of its inside) is empty."""
MARKED_FROM = 0.12
"""A box with at least this much ink is marked; in between it is marginal."""
DARK_FROM = 0.5
"""A mark's strokes must be at least this dark (a share of black, against the paper) to be
called: a rubbed-out mark is a ghost, lighter than this, and goes to review."""
EXTENT_FROM = 0.55
"""A mark must reach across at least this share of the box's inside, across and down: a
cross, a tick or a fill does; a dot or a short stroke is marginal."""
AROUND_EMPTY_BELOW = 0.02
FAINT_EMPTY_BELOW = 0.05
"""An empty box must also have less than this share of its inside faintly grey (what a
rubbed-out mark leaves: lighter than ink, darker than paper). Else: review."""
"""An empty box must also have no more than this ink just around it (else a mark may run
out of it: review)."""
MAX_WARP_ERROR_MM = 1.0
"""The corner markers must agree with the page's geometry within this (else: review)."""


class ReadingError(BallotError):
    """A review decision or a source that cannot be taken; nothing was changed."""


class State(StrEnum):
    EMPTY = "empty"
    MARKED = "marked"
    MARGINAL = "marginal"


def state_of(score: float, stroke: float = 1.0, around: float = 0.0,
             extent: float = 1.0, faint: float = 0.0) -> State:
    """Empty, marked or marginal, from a box's ink inside (``score``), the darkness of its
    strokes and the ink just around it."""
    if score < EMPTY_BELOW:
        clean = around < AROUND_EMPTY_BELOW and faint < FAINT_EMPTY_BELOW
        return State.EMPTY if clean else State.MARGINAL
    if score >= MARKED_FROM and stroke >= DARK_FROM and extent >= EXTENT_FROM:
        return State.MARKED
    return State.MARGINAL


class Why(StrEnum):
    """Why a page or a question goes to a person. The values are stored; ``text`` shows."""

    NO_PAPER = "no_paper"
    MISSING_MARKER = "missing_marker"
    WARP = "warp"
    QR = "qr"
    UNKNOWN_PAPER = "unknown_paper"
    UNKNOWN_LAYOUT = "unknown_layout"
    MARGINAL = "marginal"
    OVERVOTE = "overvote"
    ROW_TWICE = "row_twice"
    RANK_TWICE = "rank_twice"
    HANDWRITTEN = "handwritten"

    @property
    def text(self) -> str:
        return _(_WHY[self])


_WHY = {
    Why.NO_PAPER: N_("no ballot paper found in the image"),
    Why.MISSING_MARKER: N_("a corner marker is missing or covered"),
    Why.WARP: N_("the page is bent or torn: its corners do not line up"),
    Why.QR: N_("the QR code cannot be read"),
    Why.UNKNOWN_PAPER: N_("the QR code is not a paper of this event"),
    Why.UNKNOWN_LAYOUT: N_("this paper was printed before its language was recorded, so where "
                           "its boxes are is not known: key it by hand"),
    Why.MARGINAL: N_("a faint or erased mark"),
    Why.OVERVOTE: N_("more boxes marked than allowed"),
    Why.ROW_TWICE: N_("two marks in one row"),
    Why.RANK_TWICE: N_("the same rank given to two options"),
    Why.HANDWRITTEN: N_("numbers written by hand"),
}


@dataclass(frozen=True)
class BoxRead:
    box: MarkBox
    score: float
    stroke: float = 1.0
    around: float = 0.0
    extent: float = 1.0
    faint: float = 0.0

    @property
    def state(self) -> State:
        return state_of(self.score, self.stroke, self.around, self.extent, self.faint)


@dataclass(frozen=True)
class QuestionRead:
    """One question of one page: what the marks say, and why a person must look (if)."""

    question: int
    answer: Answer
    reasons: tuple[Why, ...] = ()
    scores: tuple[tuple[float, ...], ...] = ()
    """Per option, the score of each of its boxes (one box, or a grid row)."""

    @property
    def confident(self) -> bool:
        return not self.reasons


def read_question(index: int, question: Question, boxes: Sequence[BoxRead]) -> QuestionRead:
    """The answer the boxes of ``question`` give, and the reasons to review it (none when it
    is read with full confidence). A marginal box counts as marked in the answer shown to
    the person, who confirms or corrects it."""
    n = len(question.options)
    columns = paper_grid(question)
    width = len(columns) if columns is not None else 1
    grid: list[list[float]] = [[0.0] * width for _ in range(n)]
    states = [[State.EMPTY] * width for _ in range(n)]
    for read in boxes:
        if read.box.option < n and read.box.column < width:
            grid[read.box.option][read.box.column] = read.score
            states[read.box.option][read.box.column] = read.state
    reasons: list[Why] = []
    if any(s is State.MARGINAL for row in states for s in row):
        reasons.append(Why.MARGINAL)
    on = [[s is not State.EMPTY for s in row] for row in states]
    if question.kind in SINGLE_CHOICE or question.kind in MULTI_CHOICE:
        chosen = [i for i in range(n) if on[i][0]]
        limit = 1 if question.kind in SINGLE_CHOICE else (question.max_choices or n)
        if len(chosen) > limit:
            reasons.append(Why.OVERVOTE)
        return QuestionRead(index, Answer.choose(question, *chosen), tuple(reasons),
                            tuple(tuple(row) for row in grid))
    if columns is None:  # a number written in a box: a person reads it
        marks = tuple(1 if on[i][0] else None for i in range(n))
        return QuestionRead(index, Answer((None,) * n, unreadable=any(m for m in marks)),
                            (*reasons, Why.HANDWRITTEN), tuple(tuple(row) for row in grid))
    values: dict[int, int] = {}
    for i in range(n):
        marked = [c for c in range(width) if on[i][c]]
        if len(marked) > 1:
            reasons.append(Why.ROW_TWICE)
        if marked:
            values[i] = columns[marked[0]]
    if question.kind is Kind.RANK and len(set(values.values())) < len(values):
        reasons.append(Why.RANK_TWICE)
    unreadable = Why.ROW_TWICE in reasons
    answer = Answer.values(question, values)
    if unreadable:
        answer = Answer(answer.marks, unreadable=True)
    return QuestionRead(index, answer, tuple(dict.fromkeys(reasons)),
                        tuple(tuple(row) for row in grid))


@dataclass(frozen=True)
class PageRead:
    """One image: the paper and page it is (when known), each question read on it, and why
    the page as a whole cannot be read (no paper, a marker missing, the QR unreadable...)."""

    code: str | None = None
    page: int | None = None
    pages: int | None = None
    questions: tuple[QuestionRead, ...] = ()
    problem: Why | None = None
    detail: str = ""
    warp_error_mm: float | None = None
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def confident(self) -> bool:
        return self.problem is None and all(q.confident for q in self.questions)

    @property
    def reasons(self) -> tuple[Why, ...]:
        found = [self.problem] if self.problem else []
        for q in self.questions:
            found.extend(q.reasons)
        return tuple(dict.fromkeys(found))
