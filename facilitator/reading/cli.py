"""``python -m facilitator read-papers EVENTFILE SOURCE``: read marked papers from a
scanner's PDF or TIFF, a photo or a folder of photos; ``read-review EVENTFILE``: the pages
waiting for a person, and their decisions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from facilitator.i18n import _
from facilitator.store import EventStore

# OpenCV is loaded by the reader's modules, imported in the commands: every other command
# of the command line starts without it.

ACTOR = "cli"


def cmd_read(args: argparse.Namespace) -> int:
    from facilitator.reading import ops, queries

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    with EventStore.open(args.event) as store:
        summary = ops.read_into(store, args.source, actor=args.actor, progress=progress)
        print(file=sys.stderr)
        for message in summary.messages:
            print(message, file=sys.stderr)
        waiting = len(queries.review_queue(store))
    print(_("{counted} pages counted, {review} for review, {waiting} waiting for their "
            "other pages, {refused} refused; {queue} pages in the review queue.").format(
                counted=summary.count(queries.COUNTED), review=summary.count(queries.REVIEW),
                waiting=summary.count(queries.WAITING),
                refused=summary.count(queries.REFUSED), queue=waiting))
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from facilitator.reading import ops, queries

    with EventStore.open(args.event) as store:
        if args.confirm is not None:
            ops.confirm(store, args.confirm, actor=args.actor)
        if args.dismiss is not None:
            ops.dismiss(store, args.dismiss, actor=args.actor, note=args.note or "")
        for read in queries.review_queue(store):
            why = "; ".join(w.text for w in read.reasons)
            print(f"{read.id:5d}  {read.code or '?':9}  p{(read.page or 0) + 1}  {why}  "
                  f"{read.image}")
    return 0


def add_reading_commands(sub: Any) -> None:
    p = sub.add_parser("read-papers", help=_("read marked ballot papers from a scanner's "
                                             "PDF or TIFF, a photo or a folder of photos"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("source", type=Path, metavar="SCAN")
    p.add_argument("--actor", default=ACTOR, help=_("who is reading the papers"))
    p.set_defaults(func=cmd_read)
    p = sub.add_parser("read-review", help=_("the read pages waiting for a person: list, "
                                             "confirm as read or set aside"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("--confirm", type=int, metavar="ID", help=_("confirm a page as read"))
    p.add_argument("--dismiss", type=int, metavar="ID", help=_("set a page aside"))
    p.add_argument("--note", help=_("why the page is set aside"))
    p.add_argument("--actor", default=ACTOR, help=_("who decides"))
    p.set_defaults(func=cmd_review)
