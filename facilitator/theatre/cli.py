"""``python -m facilitator theatre EVENTFILE``: the session's outputs from the command line.

``--pdf`` the "Proposals and commitments" sheet, ``--csv``/``--json`` the commitments
tracker, ``--log`` the interventions log (CSV, or PDF by its suffix), ``--cards`` printed
idea cards (one per scene, ``--copies`` each).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.store import EventStore
from facilitator.theatre import export, queries


def _write(target: Path, text: str) -> None:
    if str(target) == "-":
        sys.stdout.write(text)
    else:
        target.write_text(text, encoding="utf-8")


def cmd_theatre(args: argparse.Namespace) -> int:
    if not any((args.pdf, args.csv, args.json, args.log, args.cards)):
        raise UserError(_("Say what to write: --pdf, --csv, --json, --log and/or --cards."))
    if not 1 <= args.copies <= 200:
        raise UserError(_("Print 1 to 200 copies of each idea card."))
    with EventStore.open(args.event, read_only=True) as store:
        queries.require_session(store)
        now = store.clock.now()
        if args.pdf:
            from facilitator.reports.theatre import write_proposals

            write_proposals(args.pdf, store, printed_at=now)
            print(_("Wrote the proposals and commitments to {path}.").format(path=args.pdf))
        if args.csv:
            _write(args.csv, export.tracker_csv(store))
        if args.json:
            _write(args.json, export.tracker_json(store))
        if args.log:
            if args.log.suffix.lower() == ".pdf":
                from facilitator.reports.theatre import write_interventions_log

                write_interventions_log(args.log, store, printed_at=now)
            else:
                _write(args.log, export.interventions_csv(store))
        if args.cards:
            from facilitator.reports.theatre import write_idea_cards

            scenes = queries.scenes(store)
            if not scenes:
                raise UserError(_("The play has no scenes yet."))
            write_idea_cards(args.cards, scenes, event_name=store.name, copies=args.copies)
            print(_("Wrote idea cards to {path}.").format(path=args.cards))
        if args.csv != Path("-") and args.json != Path("-") and args.log != Path("-"):
            print(export.summary(store))
    return 0


def add_theatre_commands(sub: Any) -> None:
    """Register ``theatre`` on the top-level parser's subcommands."""
    p = sub.add_parser("theatre", help=_("legislative theatre: proposals and commitments "
                                         "(PDF), the commitments tracker, the interventions "
                                         "log, idea cards"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("--pdf", type=Path, metavar="PDF",
                   help=_("write the “Proposals and commitments” sheet"))
    p.add_argument("--csv", type=Path, metavar="CSV",
                   help=_("write the commitments tracker ('-': stdout)"))
    p.add_argument("--json", type=Path, metavar="JSON",
                   help=_("write the commitments tracker as JSON ('-': stdout)"))
    p.add_argument("--log", type=Path, metavar="FILE",
                   help=_("write the interventions log (.csv, or .pdf)"))
    p.add_argument("--cards", type=Path, metavar="PDF",
                   help=_("print idea cards, one per scene, with its QR code"))
    p.add_argument("--copies", type=int, default=1, help=_("idea cards per scene"))
    p.set_defaults(func=cmd_theatre)
