"""What the Tables page's Print menu offers, and the work of writing each printout.

The work runs off the GUI thread: it gets the plan's view (and PLAN.json's data), already read
from the event file, and touches no database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from facilitator.i18n import N_
from facilitator.reports.tables import Badges, write_badges, write_sheets
from facilitator.tables.plans import PlanView, plan_text

PRINTS: dict[str, tuple[str, str]] = {
    "tables_round": (N_("Table sheets, this round…"), "table-sheets-round-{r}.pdf"),
    "tables_all": (N_("Table sheets, every round…"), "table-sheets.pdf"),
    "list": (N_("Find-your-table list (entrance)…"), "find-your-table.pdf"),
    "room": (N_("Room plan, every round…"), "room-plan.pdf"),
    "badges": (N_("Badges, A6…"), "badges-a6.pdf"),
    "labels": (N_("Badge labels, A4 (8 a sheet)…"), "badge-labels.pdf"),
    "json": (N_("Export PLAN.json…"), "plan.json"),
}
"""Menu entry (to translate when shown) and suggested file name, by kind of printout."""
BADGE_PRINTS = ("badges", "labels")
"""The printouts that need no table plan (badges print days before anyone is seated)."""


def suggested_name(kind: str, round_: int) -> str:
    return PRINTS[kind][1].format(r=round_ + 1)


def printout(kind: str, path: Path, view: PlanView | None, *, round_: int,
             printed_at: datetime, plan_data: Mapping[str, Any] | None = None,
             badges: Badges | None = None) -> Callable[[], Path]:
    """The work that writes printout ``kind`` of ``view`` to ``path`` (``plan_data``: the
    PLAN.json of the plan, for ``json``; ``badges``: what the badges print, from
    :func:`~facilitator.reports.tables.badges_of`, with or without a plan)."""
    if kind == "json":
        assert plan_data is not None
        text = plan_text(plan_data)

        def write_json() -> Path:
            path.write_text(text, encoding="utf-8")
            return path
        return write_json
    if kind in BADGE_PRINTS:
        layout = "labels" if kind == "labels" else "a6"
        sheet = badges if badges is not None else view
        assert sheet is not None
        return lambda: write_badges(path, sheet, layout=layout, printed_at=printed_at)
    assert view is not None
    kinds = ["tables"] if kind.startswith("tables") else [kind]
    rounds = [round_] if kind == "tables_round" else None
    return lambda: write_sheets(path, view, kinds=kinds, rounds=rounds, printed_at=printed_at)
