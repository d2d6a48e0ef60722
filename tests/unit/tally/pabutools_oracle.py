"""Pabulib files counted by pabutools (the reference implementation, GPL-3.0), as an oracle.

pabutools has no "greedy by score" rule as such: ``greedy_utilitarian_welfare`` picks the
project with the best gain in satisfaction per unit of cost, so the satisfaction is taken
as score x cost (``Cost_Sat`` for approval ballots, points x cost for cumulative ones), which
makes it pick by score. Ties go by the file's project order (our rule); a threshold removes
the projects below it before the count, as Pabulib's ``greedy-threshold`` does; Add1 is
``method_of_equal_shares`` with ``voter_budget_increment=1``. Test-only: the app never
imports pabutools (``pyproject.toml``: the ``test`` extra).
"""

from __future__ import annotations

from collections.abc import Collection
from fractions import Fraction
from pathlib import Path
from typing import Any

from pabutools.election import (  # type: ignore[import-untyped]
    AdditiveSatisfaction,
    Cost_Sat,
    Instance,
    parse_pabulib,
)
from pabutools.rules import (  # type: ignore[import-untyped]
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.tiebreaking import TieBreakingRule  # type: ignore[import-untyped]


def _points_times_cost(_inst: Any, _prof: Any, ballot: Any, project: Any, _pre: Any) -> Any:
    return ballot.get(project, 0) * project.cost


class PointsCostSat(AdditiveSatisfaction):  # type: ignore[misc]
    def __init__(self, instance: Any, profile: Any, ballot: Any) -> None:
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, _points_times_cost)


def _file_order(path: Path) -> dict[str, int]:
    """Each project id's place in the file's PROJECTS section."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().upper() == "PROJECTS") + 2
    order: dict[str, int] = {}
    for line in lines[start:]:
        if line.strip().upper() == "VOTES":
            break
        order.setdefault(line.split(";", 1)[0].strip(), len(order))
    return order


def pabutools_outcome(path: Path, rule: str | None = None) -> set[str]:
    """The project ids pabutools funds for ``path`` under ``rule`` (META rule if None)."""
    instance, profile = parse_pabulib(str(path))
    rule = rule or instance.meta["rule"]
    order = _file_order(path)  # an Instance is a set: its order changes from run to run
    by_list = TieBreakingRule(lambda _i, _p, proj: order[proj.name])
    vote_type = instance.meta["vote_type"]
    if rule == "equalshares/add1":
        outcome = method_of_equal_shares(instance, profile, sat_class=Cost_Sat,
                                         voter_budget_increment=1, tie_breaking=by_list)
        return {p.name for p in outcome}
    sat = Cost_Sat if vote_type in ("approval", "choose-1") else PointsCostSat
    threshold = instance.meta.get("min_project_score_threshold")
    if threshold:
        score: dict[str, Fraction] = dict.fromkeys(order, Fraction(0))
        for ballot in profile:
            for project in ballot:
                score[project.name] += (1 if vote_type in ("approval", "choose-1")
                                        else Fraction(ballot[project]))
        kept: Collection[Any] = [p for p in instance if score[p.name] >= Fraction(threshold)]
        limited = Instance(kept, budget_limit=instance.budget_limit)
        outcome = greedy_utilitarian_welfare(limited, profile, sat_class=sat,
                                             tie_breaking=by_list)
    else:
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=sat,
                                             tie_breaking=by_list)
    return {p.name for p in outcome}
