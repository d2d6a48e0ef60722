"""Table allocation: seat a room over several rounds, diverse tables, new faces each round.

Pure domain code (no database, no Qt, no threads of its own; the GUI runs :func:`allocate`
off its thread and passes ``progress`` and ``cancel``):

- build a :class:`Problem` (people, tables, rounds, :class:`Attribute` s to mix, and
  :class:`Constraints`: :class:`Pin`, :class:`Cluster`, apart/together pairs,
  :class:`Unavailable` tables); bad input raises :class:`AllocationError`;
- :func:`allocate` returns an :class:`Allocation` (a :class:`Plan` and its
  :class:`PlanQuality`), or raises :class:`InfeasibleError` naming what cannot be met;
- :func:`evaluate` and :func:`violations` judge any plan, including one edited by hand;
- :func:`rebalance` re-seats the current and later rounds after latecomers and leavers and
  says who moves (:class:`Rebalance`, :class:`Move`);
- :func:`reference_mean_l1` is the attribute-by-attribute benchmark for balance.
"""

from facilitator.tables.model import (
    AllocationError,
    Attribute,
    Cluster,
    Constraints,
    InfeasibleError,
    Person,
    Pin,
    Plan,
    Problem,
    Unavailable,
)
from facilitator.tables.quality import PlanQuality, evaluate, reference_mean_l1, violations
from facilitator.tables.rebalance import Move, Rebalance, rebalance
from facilitator.tables.search import Allocation, Progress, Weights, allocate

__all__ = [
    "Allocation",
    "AllocationError",
    "Attribute",
    "Cluster",
    "Constraints",
    "InfeasibleError",
    "Move",
    "Person",
    "Pin",
    "Plan",
    "PlanQuality",
    "Problem",
    "Progress",
    "Rebalance",
    "Unavailable",
    "Weights",
    "allocate",
    "evaluate",
    "rebalance",
    "reference_mean_l1",
    "violations",
]
