"""``python -m facilitator import | people | check-in``: the list, and who is here.

``people`` reads a snapshot (``read_only=True``: it works while the app has the event and
never writes); ``import`` and ``check-in`` change the event, so they take its owner lock and
are refused while someone else (the app, another command) has it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from facilitator import csvsafe
from facilitator.i18n import _
from facilitator.people import ops
from facilitator.people.importer import AUTO, parse_people
from facilitator.people.queries import (
    attendance_summary,
    attribute_columns,
    find_by_scan,
    list_participants,
)
from facilitator.store import EventStore

ACTOR = "cli"
"""Who the audit log names for a change made from the command line."""


def _open_or_create(path: Path) -> tuple[EventStore, bool]:
    if path.exists():
        return EventStore.open(path), False
    return EventStore.create(path, path.stem.replace("_", " ")), True


def cmd_import(args: argparse.Namespace) -> int:
    id_column = None if args.no_id_column else (args.id_column or AUTO)
    parsed = parse_people(args.file, id_column=id_column, name_columns=args.name_column or AUTO)
    store, created = _open_or_create(args.event)
    with store:
        if created:
            print(_("Created a new event at {path}.").format(path=args.event))
        report = ops.import_people(store, parsed, actor=ACTOR)
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
        result = ops.check_in(store, person.id, via="cli", actor=ACTOR)
        print(_("Checked in {name}.").format(name=result.participant.name))
    return 0


def add_people_commands(sub: Any) -> None:
    """Register ``import``, ``people`` and ``check-in`` on the top-level subcommands."""
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
