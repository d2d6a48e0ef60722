"""``python -m facilitator ballots …``: define rounds, print papers, reconcile, close.

Argparse only: registered by :mod:`facilitator.cli`, it calls the same queries and ops as
the Voting page.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from facilitator.ballots import ops, queries
from facilitator.ballots.codes import pretty
from facilitator.ballots.errors import BallotError
from facilitator.ballots.model import parse_round_spec
from facilitator.ballots.questions import kind_name
from facilitator.i18n import _
from facilitator.store import EventStore

ACTOR = "cli"
"""Who the audit log names for a change made from the command line."""


def cmd_list(args: argparse.Namespace) -> int:
    with EventStore.open(args.event, read_only=True) as store:
        rounds = queries.list_rounds(store)
        if not rounds:
            print(_("No ballot rounds yet."))
        for r in rounds:
            print(_("{id}. {title} [{status}] — {n} questions, {printed} papers printed").format(
                id=r.id, title=r.title, status=r.status_text(), n=len(r.questions),
                printed=r.printed))
            print("   " + r.voting_text())
            if r.sealed_text():
                print("   " + r.sealed_text())
            for number, q in enumerate(r.questions, start=1):
                print(f"   {number}. {q.text}  ({kind_name(q.kind)})")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    try:
        data = json.loads(Path(args.spec).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BallotError(_("{path} could not be read ({detail}).").format(
            path=args.spec, detail=exc.strerror)) from exc
    except json.JSONDecodeError as exc:
        raise BallotError(_("{path} is not valid JSON (line {line}, column {column}: {msg})."
                            ).format(path=args.spec, line=exc.lineno, column=exc.colno,
                                     msg=exc.msg)) from exc
    title, questions, options = parse_round_spec(data)
    with EventStore.open(args.event) as store:
        result = ops.create_round(store, title, questions, actor=ACTOR, **options)
    print(_("Created ballot round {id}: {title}.").format(id=result.round.id,
                                                         title=result.round.title))
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from facilitator.reports.ballots import write_ballot_papers

    # Printing a batch again only reads; new papers are issued (written) first.
    with EventStore.open(args.event, read_only=args.batch is not None) as store:
        ballot_round = queries.find_round(store, args.round)
        if args.batch is not None:
            papers = queries.paper_codes(store, ballot_round.id, args.batch)
            if not papers:
                raise BallotError(_("Round {id} has no print batch {batch}.").format(
                    id=ballot_round.id, batch=args.batch))
        else:
            result = ops.issue_codes(store, ballot_round.id, args.count, actor=ACTOR)
            ballot_round, papers = result.round, list(result.papers)
        write_ballot_papers(args.out, ballot_round, papers, event_name=store.name,
                            page_size=args.page_size)
    print(_("Wrote {n} papers ({first} … {last}) to {path}.").format(
        n=len(papers), first=pretty(papers[0].code), last=pretty(papers[-1].code),
        path=args.out))
    return 0


def _figures(store: EventStore, ref: str) -> dict[str, Any]:
    ballot_round = queries.find_round(store, ref)
    figures = queries.reconcile(store, ballot_round.id)
    return {"round": ballot_round.id, "title": ballot_round.title,
            "status": ballot_round.status, **figures.to_json()}


def cmd_reconcile(args: argparse.Namespace) -> int:
    with EventStore.open(args.event, read_only=True) as store:
        ballot_round = queries.find_round(store, args.round)
        figures = queries.reconcile(store, ballot_round.id)
        if args.json:
            print(json.dumps(_figures(store, args.round), ensure_ascii=False, indent=1))
            return 0
        print(f"{ballot_round.id}. {ballot_round.title} [{ballot_round.status_text()}]")
        for label, value in figures.lines():
            print(f"  {label:<28} {value:>6}")
        for problem in figures.blocking + figures.discrepancies:
            print("  ! " + problem)
        if figures.balanced and not figures.blocking:
            print("  " + _("The figures agree."))
    return 0


def cmd_counts(args: argparse.Namespace) -> int:
    with EventStore.open(args.event) as store:
        ballot_round = queries.find_round(store, args.round)
        result = ops.record_counts(store, ballot_round.id, issued=args.issued,
                                   returned=args.returned, actor=ACTOR)
    print(_("Handed out: {issued}; returned: {returned}.").format(
        issued="-" if result.round.issued is None else result.round.issued,
        returned="-" if result.round.returned is None else result.round.returned))
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    with EventStore.open(args.event) as store:
        ballot_round = queries.find_round(store, args.round)
        ops.close_round(store, ballot_round.id, actor=ACTOR, note=args.note or "")
    print(_("Closed the round “{title}”.").format(title=ballot_round.title))
    return 0


def add_ballot_commands(sub: Any) -> None:
    """Add ``ballots`` and its sub-commands to the main parser's sub-parsers."""
    parser = sub.add_parser("ballots", help=_("paper ballot rounds: define, print, reconcile"))
    inner = parser.add_subparsers(dest="ballots_command", required=True, metavar="ACTION")

    p = inner.add_parser("list", help=_("list the ballot rounds and their questions"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.set_defaults(func=cmd_list)

    p = inner.add_parser("new", help=_("define a round from a JSON file (title, questions; "
                                       "optional channel: paper, phones or both; voters: "
                                       "a list of roles)"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("spec", type=Path, metavar="ROUND_JSON")
    p.set_defaults(func=cmd_new)

    p = inner.add_parser("print", help=_("print ballot papers (new codes, or a batch again)"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("round", metavar="ROUND", help=_("the round's number or title"))
    p.add_argument("--count", type=int, default=0, help=_("how many new papers to print"))
    p.add_argument("--batch", type=int, help=_("print this earlier batch again"))
    p.add_argument("--out", type=Path, required=True, metavar="PDF")
    p.add_argument("--page-size", choices=("A4", "letter"), default="A4")
    p.set_defaults(func=cmd_print)

    p = inner.add_parser("reconcile", help=_("printed, handed out, returned, keyed, spoiled"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("round", metavar="ROUND")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reconcile)

    p = inner.add_parser("counts", help=_("record the papers handed out and returned"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("round", metavar="ROUND")
    p.add_argument("--issued", type=int, help=_("papers handed out"))
    p.add_argument("--returned", type=int, help=_("papers back from the ballot box"))
    p.set_defaults(func=cmd_counts)

    p = inner.add_parser("close", help=_("close a round (a discrepancy needs --note)"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("round", metavar="ROUND")
    p.add_argument("--note", help=_("why the figures do not agree"))
    p.set_defaults(func=cmd_close)
