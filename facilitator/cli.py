"""The headless command line: ``python -m facilitator …``. Never imports Qt.

The GUI calls the very same functions; this is for what needs no screen (import, lists,
check-in from a script), and for organisers who like a terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from facilitator import __version__
from facilitator.ballots.cli import add_ballot_commands
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.people.cli import add_people_commands
from facilitator.polls.cli import add_poll_commands
from facilitator.qa.cli import add_qa_commands
from facilitator.reading.cli import add_reading_commands
from facilitator.results.cli import add_results_commands
from facilitator.stations.cli import add_station_commands
from facilitator.store import EventStore, set_program
from facilitator.tables.cli import add_table_commands
from facilitator.tally.cli import add_count_commands
from facilitator.theatre.cli import add_theatre_commands


def cmd_new(args: argparse.Namespace) -> int:
    EventStore.create(args.event, args.name).close()
    print(_("Created {path}.").format(path=args.event))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from facilitator.demo import create_demo_event

    if getattr(args, "theatre", False):  # a legislative-theatre session in it (issue 15)
        from facilitator.theatre.demo import create_theatre_demo

        create_theatre_demo(args.event).close()
    else:  # with the deliberative poll (issue 16), as the app's demo
        create_demo_event(args.event, with_votes=True).close()
    print(_("Created the demo event at {path}.").format(path=args.event))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m facilitator",
        description=_("Facilitator's command line: what needs no screen."))
    parser.add_argument("--version", action="version", version=f"facilitator {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("new", help=_("create an empty event file"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("--name", required=True, help=_("the event's name"))
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("demo", help=_("create the demo event"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("--theatre", action="store_true",
                   help=_("with a whole legislative-theatre session"))
    p.set_defaults(func=cmd_demo)

    add_people_commands(sub)
    add_table_commands(sub)

    add_qa_commands(sub)
    add_ballot_commands(sub)
    add_reading_commands(sub)  # issue 17: marked papers from photos and scans
    add_count_commands(sub)
    add_results_commands(sub)
    add_poll_commands(sub)
    add_theatre_commands(sub)
    add_station_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Named in the event's owner lock, so the app (or another command) refused while this
    # one writes can say who has the event.
    action = " ".join(filter(None, (args.command, getattr(args, f"{args.command}_command", ""))))
    previous = set_program(_("the command “python -m facilitator {action}”").format(
        action=action))
    try:
        result: int = args.func(args)
    except UserError as exc:
        print(_("error: {message}").format(message=exc.message), file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader (e.g. `head`) stopped early: not an error. Silence the flush at exit too.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    finally:
        set_program(previous)
    return result
