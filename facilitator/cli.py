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

from facilitator import __version__, csvsafe
from facilitator.ballots.commands import add_ballot_commands
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.people import (
    AUTO,
    attendance_summary,
    attribute_columns,
    check_in,
    find_by_scan,
    import_people,
    list_participants,
    parse_people,
)
from facilitator.qa.cli import add_qa_commands
from facilitator.store import EventStore, set_program
from facilitator.tables.cli import add_table_commands
from facilitator.tally.commands import add_count_commands


def _open_or_create(path: Path) -> tuple[EventStore, bool]:
    if path.exists():
        return EventStore.open(path), False
    return EventStore.create(path, path.stem.replace("_", " ")), True


def cmd_new(args: argparse.Namespace) -> int:
    EventStore.create(args.event, args.name).close()
    print(_("Created {path}.").format(path=args.event))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from facilitator.demo import create_demo_event

    create_demo_event(args.event, with_votes=True).close()
    print(_("Created the demo event at {path}.").format(path=args.event))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    id_column = None if args.no_id_column else (args.id_column or AUTO)
    parsed = parse_people(args.file, id_column=id_column, name_columns=args.name_column or AUTO)
    store, created = _open_or_create(args.event)
    with store:
        if created:
            print(_("Created a new event at {path}.").format(path=args.event))
        report = import_people(store, parsed)
    print(report.summary())
    print(_("ID column: {id}; name: {name}; other columns kept: {attrs}.").format(
        id=parsed.id_column or _("(none; names used as IDs)"),
        name=" + ".join(parsed.name_columns), attrs=", ".join(parsed.attribute_columns) or "-"))
    return 0


def cmd_people(args: argparse.Namespace) -> int:
    with EventStore.open(args.event, read_only=True) as store:
        people = list_participants(store)
        columns = attribute_columns(store)
        if args.checked_in:
            people = [p for p in people if p.present]
        writer = csvsafe.writer(sys.stdout, delimiter="\t" if not args.csv else ",",
                                lineterminator="\n")
        writer.writerow(["id", "name", "role", "status", "checked_in_at", "badge", *columns])
        for p in people:
            writer.writerow([
                p.ext_id, p.name, p.role, p.status,
                p.checked_in_at.isoformat(timespec="seconds") if p.checked_in_at else "",
                p.badge_code, *(p.attributes.get(c, "") for c in columns)])
        if not args.csv:
            print(attendance_summary(store).text(), file=sys.stderr)
    return 0


def cmd_check_in(args: argparse.Namespace) -> int:
    with EventStore.open(args.event) as store:
        person = find_by_scan(store, args.code)
        result = check_in(store, person.id, via="cli")
        print(_("Checked in {name}.").format(name=result.participant.name))
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
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import", help=_("import or update participants from CSV or XLSX"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("file", type=Path, metavar="PEOPLE_FILE")
    p.add_argument("--id-column", help=_("the column holding each person's ID"))
    p.add_argument("--no-id-column", action="store_true",
                   help=_("the list has no ID column; use names as IDs"))
    p.add_argument("--name-column", action="append",
                   help=_("the name column (give twice for first and last name)"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("people", help=_("list participants"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("--checked-in", action="store_true", help=_("only those checked in"))
    p.add_argument("--csv", action="store_true", help=_("comma-separated output"))
    p.set_defaults(func=cmd_people)

    p = sub.add_parser("check-in", help=_("check someone in by badge code, token or ID"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("code")
    p.set_defaults(func=cmd_check_in)

    add_table_commands(sub)

    add_qa_commands(sub)
    add_ballot_commands(sub)
    add_count_commands(sub)
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
