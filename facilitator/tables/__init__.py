"""Table allocation: seat a room over several rounds, diverse tables, new faces each round.

The rooms (ARCHITECTURE.md), from the bottom up:

- :mod:`~facilitator.tables.model`: the engine's input and output. Build a :class:`Problem`
  (people, tables, rounds, :class:`Attribute` s to mix, and :class:`Constraints`:
  :class:`Pin`, :class:`Cluster`, apart/together pairs, :class:`Unavailable` tables); bad
  input raises :class:`AllocationError`;
- the pure engines: :func:`allocate` (``search``) returns an :class:`Allocation` (a
  :class:`Plan` and its :class:`PlanQuality`, and why the search stopped), or raises
  :class:`InfeasibleError` naming what cannot be met; its ``tradeoff`` runs from "never
  meet twice" to "best balance", and where a schedule with no repeat is known
  (``designs``: finite-field transversal designs, the published 10-round 32 = 8 × 4) it is
  built and filled to mirror the room instead of searched for; :func:`evaluate` and
  :func:`violations` (``quality``) judge any plan, including one edited by hand;
  :func:`rebalance` re-seats the current and later rounds after latecomers and leavers and
  says who moves (:class:`Rebalance`, :class:`Move`);
  :func:`reference_mean_l1` is the attribute-by-attribute benchmark for balance;
- :mod:`~facilitator.tables.plans`: the event's side, as plain values (settings and rules by
  participant id, stored plans, the :class:`~facilitator.tables.plans.PlanView` every screen
  and sheet shows);
- :mod:`~facilitator.tables.queries` reads plans from the event file (never writes);
- :mod:`~facilitator.tables.ops` changes them (one transaction and audit entry each);
- :mod:`~facilitator.tables.cli`: ``allocate``, ``tables`` and ``rebalance`` on the command
  line.

The engines use no database, Qt or threads of their own: the GUI runs a search off its
thread and passes ``progress`` and ``cancel``.
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
from facilitator.tables.queries import current_plan
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
    "current_plan",
    "evaluate",
    "rebalance",
    "reference_mean_l1",
    "violations",
]
