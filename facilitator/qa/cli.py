"""``python -m facilitator qa …``: the questions as CSV, the follow-up sheets, question cards."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from facilitator.errors import UserError
from facilitator.i18n import _, ngettext
from facilitator.qa.export import qa_csv
from facilitator.qa.model import MAX_CARD_TABLES
from facilitator.qa.queries import latest_panel_id, panel
from facilitator.store import EventStore


def cmd_qa(args: argparse.Namespace) -> int:
    if not args.export and not args.pdf and not args.cards:
        raise UserError(_("Say what to write: --export CSV, --pdf PDF and/or --cards PDF."))
    if args.cards and not 1 <= args.tables <= MAX_CARD_TABLES:
        raise UserError(_("Print cards for 1 to {n} tables.").format(n=MAX_CARD_TABLES))
    with EventStore.open(args.event, read_only=True) as store:
        if args.export:
            text = qa_csv(store)
            if str(args.export) == "-":
                sys.stdout.write(text)
            else:
                args.export.write_text(text, encoding="utf-8")
                written = max(text.count("\n") - 1, 0)
                print(ngettext("Wrote {n} question to {path}.", "Wrote {n} questions to {path}.",
                               written).format(n=written, path=args.export))
        if args.pdf:
            from facilitator.reports.qa import write_followup

            panel_id = args.panel or latest_panel_id(store)
            if panel_id is None:
                raise UserError(_("This event has no Q&A panel yet."))
            write_followup(args.pdf, store, panel_id, printed_at=store.clock.now())
            print(_("Wrote the follow-up sheets to {path}.").format(path=args.pdf))
        if args.cards:
            from facilitator.reports.qa_cards import write_question_cards

            panel_id = args.panel or latest_panel_id(store)
            title = panel(store, panel_id).title if panel_id is not None else ""
            write_question_cards(args.cards, [str(n) for n in range(1, args.tables + 1)],
                                 event_name=store.name, panel_title=title)
            print(ngettext("Wrote question cards for {n} table to {path}.",
                           "Wrote question cards for {n} tables to {path}.",
                           args.tables).format(n=args.tables, path=args.cards))
    return 0


def add_qa_commands(sub: Any) -> None:
    """Register ``qa`` on the top-level parser's subcommands."""
    p = sub.add_parser("qa", help=_("export the Q&A questions (CSV) or follow-up sheets (PDF)"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("--export", type=Path, metavar="CSV",
                   help=_("write every question ('-': stdout)"))
    p.add_argument("--pdf", type=Path, metavar="PDF", help=_("write the follow-up sheets"))
    p.add_argument("--panel", type=int, help=_("panel number (default: the latest)"))
    p.add_argument("--cards", type=Path, metavar="PDF",
                   help=_("print paper question cards, one per table, with its QR code"))
    p.add_argument("--tables", type=int, default=10, help=_("how many tables (for --cards)"))
    p.set_defaults(func=cmd_qa)
