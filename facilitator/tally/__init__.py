"""Counting methods: ranked (Scottish and Meek STV, IRV, Condorcet methods) and participatory
budgeting (Pabulib rules).

A pure library at the bottom of the core, beside the utilities: functions over in-memory
ballots, exact arithmetic only, no I/O except the ballot-file readers and writers (BLT,
Pabulib ``.pb``) and ``cli`` (``python -m facilitator count``). It knows no event, no
store and no ballot model (a test imports it in a fresh interpreter and checks): turning
an event's ballots into these elections and counting them is :mod:`facilitator.results`.
"""

from facilitator.tally.blt import format_blt, parse_blt, read_blt, write_blt
from facilitator.tally.errors import BltError, PbError, TallyInputError
from facilitator.tally.meek import count_meek
from facilitator.tally.pb import (
    PbElection,
    PbResult,
    PbRule,
    PbVote,
    Project,
    count_pb,
    describe_pb_rule,
    format_pb,
    parse_pb,
    project_scores,
    read_pb,
    write_pb,
)
from facilitator.tally.ranked import RankedBallot, RankedElection
from facilitator.tally.stv import (
    CandidateState,
    Method,
    Stage,
    StageAction,
    StvResult,
    count_irv,
    count_stv,
    describe_rules,
)

__all__ = [
    "BltError",
    "CandidateState",
    "Method",
    "PbElection",
    "PbError",
    "PbResult",
    "PbRule",
    "PbVote",
    "Project",
    "RankedBallot",
    "RankedElection",
    "Stage",
    "StageAction",
    "StvResult",
    "TallyInputError",
    "count_irv",
    "count_meek",
    "count_pb",
    "count_stv",
    "describe_pb_rule",
    "describe_rules",
    "format_blt",
    "format_pb",
    "parse_blt",
    "parse_pb",
    "project_scores",
    "read_blt",
    "read_pb",
    "write_blt",
    "write_pb",
]
