"""``python -m facilitator poll …``: define a poll, open and close its waves, print its report.

With no action, the summary table of the latest poll (or ``--poll N``) is printed; ``--pdf``,
``--csv`` and ``--json`` write the printed report and the anonymised paired data.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from facilitator.ballots.codes import pretty
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.polls import ops, queries
from facilitator.polls.analysis import Analysis, fmt, fmt_change
from facilitator.polls.export import pairs_csv, poll_json
from facilitator.polls.model import Reconciliation, from_json
from facilitator.polls.stats import CORRECTIONS
from facilitator.store import EventStore

ACTOR = "cli"


def summary(analysis: Analysis) -> str:
    """The report's tables as plain text."""
    lines = [_("{title}: {n} pairs (before {b}, after {a})").format(
        title=analysis.questionnaire.title, n=analysis.n_pairs, b=analysis.n_before,
        a=analysis.n_after)]
    for index, rows in analysis.tables():
        lines.append("")
        lines.append(index.title if index is not None else _("Other items"))
        for row in rows:
            note = f"  ({row.reason})" if row.reason else ""
            lines.append(f"  {row.variable.label[:60]:<60} {row.n:>4} {fmt(row.before):>6} "
                         f"{fmt(row.after):>6} {fmt_change(row.change):>6}{row.stars:<2}{note}")
    return "\n".join(lines) + "\n"


def _poll_id(store: EventStore, args: argparse.Namespace) -> int:
    poll_id = args.poll or queries.latest_poll_id(store)
    if poll_id is None:
        raise UserError(_("This event has no poll yet: define one with --define FILE.json."))
    return int(poll_id)


def cmd_poll(args: argparse.Namespace) -> int:
    actions = [a for a in ("define", "open_wave", "close_wave", "close", "print_forms",
                           "key_page", "key_control") if getattr(args, a)]
    if len(actions) > 1:
        raise UserError(_("Give one action at a time."))
    if actions:
        with EventStore.open(args.event) as store:
            if args.define:
                try:
                    text = args.define.read_text(encoding="utf-8")
                except OSError as exc:
                    raise UserError(_("Cannot read {path}: {error}.").format(
                        path=args.define, error=exc.strerror)) from None
                made = ops.create_poll(store, from_json(text), actor=ACTOR)
                print(_("Created poll {n}.").format(n=made.poll_id))
                return 0
            poll_id = _poll_id(store, args)
            if args.print_forms:
                return _print_forms(store, poll_id, args)
            if args.key_page:
                return _key_page(store, poll_id, args)
            if args.key_control:
                result = ops.key_control(store, poll_id, args.key_control,
                                         _answers_arg(args), actor=ACTOR)
                print(_("Keyed a control-sample form (wave {n}).").format(n=result.wave))
                return 0
            if args.open_wave:
                ops.open_wave(store, poll_id, actor=ACTOR)
                print(_("Wave {n} is open.").format(n=queries.poll(store, poll_id).wave))
            elif args.close_wave:
                ops.close_wave(store, poll_id, actor=ACTOR)
                print(_("The wave is closed."))
            else:
                ops.close_poll(store, poll_id, actor=ACTOR)
                print(_("The poll is closed; its pairing key is destroyed."))
        return 0
    with EventStore.open(args.event, read_only=True) as store:
        poll_id = _poll_id(store, args)
        analysis = queries.analysis(store, poll_id, before_wave=args.before,
                                    after_wave=args.after, correction=args.correction,
                                    main_test=args.test)
        responses = queries.responses(store, poll_id)
        sys.stdout.write(summary(analysis))
        if args.reconcile:
            sys.stdout.write(reconciliation_text(queries.reconcile_forms(store, poll_id)))
        if args.pdf:
            from facilitator.reports.polls import write_poll_report

            write_poll_report(args.pdf, store.name, analysis, printed_at=store.clock.now())
            print(_("Wrote the report to {path}.").format(path=args.pdf))
        if args.csv:
            args.csv.write_text(pairs_csv(analysis.questionnaire, responses,
                                          analysis.before_wave, analysis.after_wave),
                                encoding="utf-8")
            print(_("Wrote the paired answers to {path}.").format(path=args.csv))
        if args.json:
            args.json.write_text(poll_json(analysis, responses), encoding="utf-8")
            print(_("Wrote the poll's data to {path}.").format(path=args.json))
    return 0


def _print_forms(store: EventStore, poll_id: int, args: argparse.Namespace) -> int:
    from facilitator.reports.polls import write_paper_forms

    if not args.forms_pdf:
        raise UserError(_("Say where to print the forms: --forms-pdf PDF."))
    printed = ops.print_forms(store, poll_id, args.print_forms, actor=ACTOR)
    poll = queries.poll(store, poll_id)
    write_paper_forms(args.forms_pdf, store.name, poll_id, poll.questionnaire, printed.codes)
    print(_("Printed {n} paper forms to {path}.").format(n=len(printed.codes),
                                                         path=args.forms_pdf))
    return 0


def _answers_arg(args: argparse.Namespace) -> dict[str, Any]:
    try:
        answers = json.loads(args.answers or "{}")
    except ValueError:
        answers = None
    if not isinstance(answers, dict):
        raise UserError(_("--answers must be JSON, e.g. '{\"q1\": 7, \"q2\": \"dk\"}'."))
    return answers


def _key_page(store: EventStore, poll_id: int, args: argparse.Namespace) -> int:
    answers = _answers_arg(args)
    result = ops.key_form_page(store, poll_id, args.key_page, answers, replace=args.replace,
                               actor=ACTOR)
    print(_("Keyed (wave {n}).").format(n=result.wave))
    return 0


def reconciliation_text(r: Reconciliation) -> str:
    return "\n".join(r.lines(pretty)) + "\n"


def add_poll_commands(sub: Any) -> None:
    """Register ``poll`` on the top-level parser's subcommands."""
    p = sub.add_parser("poll", help=_("deliberative poll: define, open waves, print results"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("--poll", type=int, help=_("poll number (default: the latest)"))
    p.add_argument("--define", type=Path, metavar="JSON",
                   help=_("create a poll from a questionnaire definition"))
    p.add_argument("--open-wave", action="store_true", help=_("open the next wave"))
    p.add_argument("--close-wave", action="store_true", help=_("close the open wave"))
    p.add_argument("--close", action="store_true",
                   help=_("close the poll for good (destroys the pairing key)"))
    p.add_argument("--pdf", type=Path, metavar="PDF", help=_("write the printed report"))
    p.add_argument("--csv", type=Path, metavar="CSV", help=_("write the anonymised pairs"))
    p.add_argument("--json", type=Path, metavar="JSON", help=_("write figures and pairs"))
    p.add_argument("--before", type=int, default=1, help=_("the 'before' wave (default 1)"))
    p.add_argument("--after", type=int, help=_("the 'after' wave (default: the last)"))
    p.add_argument("--correction", choices=CORRECTIONS, default="none",
                   help=_("multiple-comparison correction"))
    p.add_argument("--test", choices=("t", "wilcoxon"), default="t",
                   help=_("the paired test for scales and indices"))
    p.add_argument("--print-forms", type=int, metavar="N",
                   help=_("print N paper form packets (every wave) to --forms-pdf"))
    p.add_argument("--forms-pdf", type=Path, metavar="PDF", help=_("where to print the forms"))
    p.add_argument("--key-page", metavar="SCANNED",
                   help=_("key one paper page: its scanned QR code, with --answers"))
    p.add_argument("--key-control", type=int, metavar="WAVE",
                   help=_("key one control-sample form (people who did not deliberate) "
                          "given at WAVE, with --answers"))
    p.add_argument("--answers", metavar="JSON",
                   help=_("the answers on the page or form, item key: value"))
    p.add_argument("--replace", action="store_true", help=_("correct a page keyed already"))
    p.add_argument("--reconcile", action="store_true",
                   help=_("list paper forms printed against pages keyed"))
    p.set_defaults(func=cmd_poll)
