"""``python -m facilitator results …``: an event's results, the result sheet PDF and the
open-data exports. Reads a snapshot of the event; never writes to it."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from facilitator.ballots import find_round, list_rounds
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.results import exports
from facilitator.results.model import ResultsError, RoundResults, option_figures
from facilitator.results.queries import count_round
from facilitator.store import EventStore


def check_request(rounds: Sequence[RoundResults], question: int | None, *, blt: bool = False,
                  pb: bool = False, targets: Sequence[Path | None] = ()) -> None:
    """Refuse, before anything is written, a ``results`` request that cannot be met:
    ``question`` (1-based) is not in the rounds, a BLT/Pabulib export of a question of
    another kind (or of none), or a target file that cannot be written. Raises
    :class:`ResultsError` with one sentence."""
    for target in targets:
        if target is None:
            continue
        folder = target.parent
        if target.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
            raise ResultsError(
                _("Cannot write {path}: {why}").format(path=target, why=(
                    _("it is a folder") if target.is_dir() else
                    _("the folder {folder} does not exist").format(folder=folder)
                    if not folder.is_dir() else _("the folder is read-only"))))
    if not rounds:
        raise ResultsError(_("This event has no ballot round with papers yet."))
    if question is not None:
        most = max(len(r.round.questions) for r in rounds)
        if not 1 <= question <= most:
            raise ResultsError(
                _("There is no question {n}: the questions are numbered 1 to {most}.").format(
                    n=question, most=most) if most else
                _("There is no question {n}: the round has no questions.").format(n=question))
    if (blt or pb) and question is None:
        raise ResultsError(_("Say which question with --question N."))
    first = rounds[0]
    if (blt or pb) and question is not None and question > len(first.round.questions):
        raise ResultsError(
            _("Round {title} has no question {n}.").format(title=first.round.title, n=question))
    if blt and question is not None:
        exports.question_blt(first, question - 1)  # refuses another kind, or a name BLT can't hold
    if pb and question is not None:
        exports.question_pb(first, question - 1)


def cmd_results(args: argparse.Namespace) -> int:
    with EventStore.open(args.event, read_only=True) as store:
        rounds = ([find_round(store, args.round)] if args.round else
                  [r for r in list_rounds(store) if r.status != "draft"])
        if not rounds:
            raise UserError(_("This event has no ballot round with papers yet."))
        all_results = [count_round(store, r.id) for r in rounds]
    # every bad request refused here, before any file is written
    check_request(all_results, args.question, blt=bool(args.blt), pb=bool(args.pb),
                  targets=[args.pdf, args.csv, args.json, args.blt, args.pb])
    wrote = False
    if args.pdf:
        from facilitator.reports.results import write_result_sheet

        questions = None if args.question is None else [args.question - 1]
        write_result_sheet(args.pdf, all_results, page_size=args.page_size,
                           questions=questions)
        print(_("Wrote the result sheet to {path}.").format(path=args.pdf))
        wrote = True
    first = all_results[0]
    for target, make in ((args.csv, exports.ballots_csv), (args.json, exports.ballots_json)):
        if target:
            target.write_text(make(first), encoding="utf-8")
            print(_("Wrote {path}.").format(path=target))
            wrote = True
    for target, make_q in ((args.blt, exports.question_blt), (args.pb, exports.question_pb)):
        if target:
            if args.question is None:
                raise UserError(_("Say which question with --question N."))
            target.write_text(make_q(first, args.question - 1), encoding="utf-8")
            print(_("Wrote {path}.").format(path=target))
            wrote = True
    if not wrote:
        for results in all_results:
            print(f"{results.round.id}. {results.round.title}  "
                  f"[{_('fingerprint')} {results.fingerprint[:16]}…]")
            if results.fingerprint_mismatch:
                print("!! " + results.mismatch_text(), file=sys.stderr)
            for r in results.questions:
                print(f"  {r.index + 1}. {r.question.text}")
                print(f"     {r.count.verdict}")
                print(f"     {r.turnout.counted_text()}")  # the same figures as every page
                for figure in option_figures(r):
                    share = f" ({figure.share})" if figure.share else ""
                    print(f"       {figure.label}: {figure.figure}{share}")
    return 0


def add_results_commands(sub: Any) -> None:
    """Register ``results`` on the top-level parser's subcommands."""
    p = sub.add_parser("results", help=_("an event's results: result sheet PDF, exports"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("--round", metavar="ROUND", help=_("the round (default: every round)"))
    p.add_argument("--question", type=int, metavar="N", help=_("one question only"))
    p.add_argument("--pdf", type=Path, metavar="PDF", help=_("write the result sheet"))
    p.add_argument("--page-size", choices=("A4", "letter"), default="A4")
    p.add_argument("--csv", type=Path, help=_("anonymised ballots as CSV"))
    p.add_argument("--json", type=Path, help=_("anonymised ballots as JSON"))
    p.add_argument("--blt", type=Path, help=_("a ranking question's ballots as BLT"))
    p.add_argument("--pb", type=Path, help=_("a budget question's ballots as Pabulib .pb"))
    p.set_defaults(func=cmd_results)
