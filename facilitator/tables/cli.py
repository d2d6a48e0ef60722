"""The table commands of ``python -m facilitator``: allocate, re-balance, print (argparse only).

``allocate`` takes either a pool file (CSV or XLSX, one person per row: the issue's
``POOL.csv … --out PLAN.json`` contract, no event needed) or an event file (the plan is
stored in the event, as the Tables page would). ``tables`` prints or exports the current
plan of an event; ``rebalance`` re-seats it after latecomers and leavers.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.people import attribute_columns
from facilitator.people.importer import (
    decode_text,
    guess_columns,
    read_table,
    sniff_delimiter,
)
from facilitator.store import EventStore
from facilitator.tables import ops, queries
from facilitator.tables.model import (
    AllocationError,
    Attribute,
    Cluster,
    Constraints,
    Person,
    Pin,
    Problem,
    Unavailable,
)
from facilitator.tables.plans import (
    TRADEOFF_CHOICES,
    AttributeChoice,
    describe,
    metrics_json,
    plan_text,
    stop_text,
)
from facilitator.tables.quality import PlanQuality, reference_mean_l1
from facilitator.tables.search import allocate

SQLITE_HEADER = b"SQLite format 3\x00"
ACTOR = "cli"
"""Who the audit log names for a change made from the command line."""


class SubParsers(Protocol):
    """What ``ArgumentParser.add_subparsers()`` returns, as far as these commands use it."""

    def add_parser(self, name: str, *, help: str = ..., description: str = ...
                   ) -> argparse.ArgumentParser: ...


def _is_event_file(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_HEADER
    except OSError:
        return False


def _err(message: str) -> UserError:
    return AllocationError(message)


# -- reading a pool file ---------------------------------------------------------------------------


def read_pool(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and rows (with line numbers) of a CSV or XLSX pool.

    Unlike a participant import, a blank heading is allowed (a spreadsheet's index column);
    it gets the name ``column N`` and is never diversified by default.
    """
    if not path.is_file():
        raise _err(_("There is no file at {path}.").format(path=path))
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        table = read_table(path)
        return table.header, table.rows
    text, _encoding = decode_text(path.name, data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows: list[tuple[int, list[str]]] = []
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                rows.append((reader.line_num, [cell.strip() for cell in record]))
    except csv.Error as exc:
        raise _err(_("{file}: not valid CSV ({detail}).").format(file=path.name, detail=exc)
                   ) from exc
    if not rows:
        raise _err(_("{file} is empty.").format(file=path.name))
    header = [h or _("column {n}").format(n=i + 1) for i, h in enumerate(rows[0][1])]
    for line, cells in rows[1:]:
        if len(cells) != len(header):
            raise _err(_("{file}, line {line}: {got} values, but the heading has {want}.")
                       .format(file=path.name, line=line, got=len(cells), want=len(header)))
    return header, rows[1:]


def _column(header: Sequence[str], name: str) -> int:
    if name in header:
        return header.index(name)
    folded = [h.casefold() for h in header]
    if name.casefold() in folded:
        return folded.index(name.casefold())
    raise _err(_("Unknown column {name}; the columns are: {columns}.").format(
        name=name, columns=", ".join(header)))


def _rounds_spec(text: str, where: str) -> frozenset[int] | None:
    """``""``/``all`` → every round; ``1,3`` or ``2-4`` → those rounds (0-based out)."""
    text = text.strip().lower()
    if text in ("", "all", "*"):
        return None
    out: set[int] = set()
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        try:
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-", 1))
                out.update(range(lo - 1, hi))
            else:
                out.add(int(part) - 1)
        except ValueError as exc:
            raise _err(_("{where}: '{text}' is not a list of rounds such as 1,3 or 2-4.")
                       .format(where=where, text=text)) from exc
    return frozenset(out)


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """Lines of a small constraint CSV (comma, semicolon or tab), blank lines skipped."""
    if not path.is_file():
        raise _err(_("There is no file at {path}.").format(path=path))
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    return [(reader.line_num, [c.strip() for c in row]) for row in reader
            if any(c.strip() for c in row)]


def read_pins(path: Path, ids: set[str]) -> list[Pin]:
    """``id,table[,rounds]`` per line (tables and rounds from 1); a heading line is skipped."""
    pins = []
    for number, (line, cells) in enumerate(_rows(path)):
        if number == 0 and cells[0] not in ids and cells[1:2] != [""] and not (
                len(cells) > 1 and cells[1].isdigit()):
            continue  # a heading
        where = _("{file}, line {line}").format(file=path.name, line=line)
        if len(cells) < 2:
            raise _err(_("{where}: give an id and a table number.").format(where=where))
        if cells[0] not in ids:
            raise _err(_("{where}: unknown id {id}.").format(where=where, id=cells[0]))
        try:
            table = int(cells[1]) - 1
        except ValueError as exc:
            raise _err(_("{where}: '{value}' is not a table number.").format(
                where=where, value=cells[1])) from exc
        pins.append(Pin(cells[0], table, _rounds_spec(cells[2] if len(cells) > 2 else "",
                                                      where)))
    return pins


def read_pairs(path: Path, ids: set[str]) -> list[tuple[str, str]]:
    """Two ids per line; a heading line is skipped."""
    pairs = []
    for number, (line, cells) in enumerate(_rows(path)):
        if number == 0 and cells and cells[0] not in ids:
            continue
        where = _("{file}, line {line}").format(file=path.name, line=line)
        if len(cells) < 2 or not cells[1]:
            raise _err(_("{where}: give two ids.").format(where=where))
        for value in cells[:2]:
            if value not in ids:
                raise _err(_("{where}: unknown id {id}.").format(where=where, id=value))
        pairs.append((cells[0], cells[1]))
    return pairs


def _key_values(items: Sequence[str] | None, what: str) -> dict[str, str]:
    out = {}
    for item in items or ():
        if "=" not in item:
            raise _err(_("{what} must look like COLUMN=VALUE, not '{item}'.").format(
                what=what, item=item))
        key, value = item.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def _columns_arg(args: argparse.Namespace) -> list[str] | None:
    given: list[str] = []
    for item in (args.diversify or []):
        given += [c.strip() for c in item.split(",") if c.strip()]
    given += [c.strip() for c in (args.attribute or []) if c.strip()]
    return given if (args.diversify is not None or args.attribute) else None


def _summary(quality: PlanQuality, reference: float, people: int, tables: int, rounds: int,
             seconds: float, stopped: str) -> str:
    ratio = f" ({quality.mean_l1 / reference:.2f} × " + _("reference") + ")" if reference else ""
    text = _("Seated {people} people at {tables} tables over {rounds} rounds in {s:.1f} s: "
             "{repeats} pairs met more than once (most times one pair met: {most}); mean L1 "
             "{l1:.3f}{ratio}.").format(
        people=people, tables=tables, rounds=rounds, s=seconds,
        repeats=quality.repeat_pairs, most=quality.max_meetings, l1=quality.mean_l1,
        ratio=ratio)
    if stopped != "finished":
        text += " " + stop_text(stopped)
    return text


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    try:
        path.write_text(plan_text(data), encoding="utf-8")
    except OSError as exc:
        raise _err(_("Could not write {path}: {error}").format(path=path, error=exc.strerror)
                   ) from exc


# -- allocate from a pool file ---------------------------------------------------------------------


def allocate_pool(args: argparse.Namespace) -> int:
    if args.out is None:
        raise _err(_("Give --out PLAN.json: where to write the plan."))
    if args.table_size is None and args.tables is None:
        raise _err(_("Give --table-size or --tables."))
    header, rows = read_pool(args.event)
    id_index = _column(header, args.id) if args.id else 0
    name_columns = [c for c in guess_columns(header).name_columns if c != header[id_index]]
    skip = {header[id_index], *name_columns}
    people = []
    for _line, cells in rows:
        people.append(Person(cells[id_index], {h: cells[i] for i, h in enumerate(header)
                                               if i != id_index}))
    seen: dict[str, int] = {}
    for (line, cells) in rows:
        if cells[id_index] in seen:
            raise _err(_("{file}, line {line}: the id {id} is also on line {other}.").format(
                file=args.event.name, line=line, id=cells[id_index], other=seen[cells[id_index]]))
        if not cells[id_index]:
            raise _err(_("{file}, line {line}: the id is empty.").format(
                file=args.event.name, line=line))
        seen[cells[id_index]] = line
    chosen = _columns_arg(args)
    if chosen is None:
        chosen = []
        for i, h in enumerate(header):
            if h in skip or h.startswith(_("column {n}").format(n=i + 1)):
                continue
            values = {cells[i] for _line, cells in rows}
            if len(values) == len(rows) and len(rows) > 1:
                print(_("Not diversifying {name}: every value differs.").format(name=h),
                      file=sys.stderr)
                continue
            chosen.append(h)
    else:
        chosen = [header[_column(header, c)] for c in chosen]
    weights = {header[_column(header, k)]: v for k, v in
               _key_values(args.weight, "--weight").items()}
    bins = {header[_column(header, k)]: v for k, v in _key_values(args.bins, "--bins").items()}
    attributes = []
    for name in chosen:
        try:
            weight = float(weights.get(name, 1.0))
            band = int(bins[name]) if name in bins else None
        except ValueError as exc:
            raise _err(_("The weight or bins of {name} is not a number.").format(name=name)
                       ) from exc
        attributes.append(Attribute(name, weight, band))
    for name in weights.keys() | bins.keys():
        if name not in chosen:
            raise _err(_("{name} has a weight or bins but is not diversified.").format(
                name=name))
    ids = set(seen)
    clusters = [Cluster(header[_column(header, k)], v)
                for k, v in _key_values(args.cluster, "--cluster").items()]
    closed = []
    for item in args.closed or ():
        try:
            table, round_ = (int(x) for x in item.split(":"))
        except ValueError as exc:
            raise _err(_("--closed must look like TABLE:ROUND, e.g. 3:2, not '{item}'.").format(
                item=item)) from exc
        closed.append(Unavailable(table - 1, round_ - 1))
    constraints = Constraints(
        pins=tuple(read_pins(args.pin, ids)) if args.pin else (),
        clusters=tuple(clusters),
        apart=tuple(read_pairs(args.apart, ids)) if args.apart else (),
        together=tuple(read_pairs(args.together, ids)) if args.together else (),
        unavailable=tuple(closed),
    )
    problem = Problem(people, rounds=args.rounds, table_size=args.table_size,
                      n_tables=args.tables, diversify=attributes, constraints=constraints,
                      max_seats=args.max_seats)
    started = time.perf_counter()
    result = allocate(problem, seed=args.seed, time_limit=args.time_limit,
                      iterations=args.iterations, tradeoff=args.tradeoff or "never")
    seconds = time.perf_counter() - started
    reference = reference_mean_l1(problem)
    q = result.quality
    metrics = metrics_json(q, reference, {
        "seed": args.seed, "iterations": result.iterations, "stopped": result.stopped,
        "seconds": round(seconds, 3)})
    metrics.update(tables=problem.tables, people=len(people),
                   diversified=[a.name for a in attributes])
    _write_json(args.out, {"rounds": result.plan.as_lists(), "metrics": metrics})
    print(_summary(q, reference, len(people), problem.tables, args.rounds, seconds,
                   result.stopped))
    print(_("Wrote {path}.").format(path=args.out))
    return 0


# -- allocate into an event -----------------------------------------------------------------------


def allocate_event(args: argparse.Namespace) -> int:
    with EventStore.open(args.event) as store:
        settings = replace(queries.settings(store), rounds=args.rounds, seed=args.seed)
        if args.table_size is not None:
            settings = replace(settings, table_size=args.table_size, n_tables=None)
        elif args.tables is not None:
            settings = replace(settings, n_tables=args.tables, table_size=None)
        if args.all:
            settings = replace(settings, scope="all")
        if args.tradeoff:
            settings = replace(settings, tradeoff=args.tradeoff)
        chosen = _columns_arg(args)
        weights = _key_values(args.weight, "--weight")
        bins = _key_values(args.bins, "--bins")
        if chosen is not None or weights or bins:
            names = chosen if chosen is not None else [a.name for a in settings.attributes]
            known = attribute_columns(store)
            for name in names:
                if name not in known:
                    raise _err(_("Unknown column {name}; the columns are: {columns}.").format(
                        name=name, columns=", ".join(known)))
            try:
                chosen_attributes = tuple(
                    AttributeChoice(n, float(weights.get(n, 1.0)),
                                    int(bins[n]) if n in bins else None) for n in names)
            except ValueError as exc:
                raise _err(_("A weight or a number of bins is not a number.")) from exc
            settings = replace(settings, attributes=chosen_attributes)
        ops.save_settings(store, settings, actor=ACTOR)
        job = queries.prepare_allocation(store, settings)
        outcome = queries.run_allocation(job, time_limit=args.time_limit,
                                         iterations=args.iterations)
        saved = ops.save_allocation(store, job, outcome, actor=ACTOR)
        a = outcome.allocation
        print(_summary(a.quality, outcome.reference, len(job.problem.people),
                       job.problem.tables, settings.rounds, outcome.seconds, a.stopped))
        for note in job.notes:
            print(note, file=sys.stderr)
        print(_("Saved as plan {id} in {path}.").format(id=saved.plan_id, path=args.event))
        if args.out is not None:
            plan = queries.get_plan(store, saved.plan_id)
            _write_json(args.out, queries.plan_json(store, plan))
            print(_("Wrote {path}.").format(path=args.out))
    return 0


def cmd_allocate(args: argparse.Namespace) -> int:
    if args.table_size is not None and args.tables is not None:
        raise _err(_("Give either --table-size or --tables, not both."))
    if _is_event_file(args.event):
        return allocate_event(args)
    return allocate_pool(args)


# -- showing, printing, re-balancing ---------------------------------------------------------------


def cmd_tables(args: argparse.Namespace) -> int:
    # Loaded here: reportlab is slow to import and only this command prints.
    from facilitator.reports.tables import (
        BADGE_LAYOUTS,
        SHEETS,
        badges_of,
        write_badges,
        write_sheets,
    )

    with EventStore.open(args.event, read_only=True) as store:
        kinds = [k.strip() for k in args.sheets.split(",") if k.strip()]
        badge_kinds = [k for k in kinds if k in ("badges", *BADGE_LAYOUTS)]
        if args.pdf is not None and badge_kinds and args.json is None:
            # Badges need no plan: organisers print them days before anyone is seated.
            if len(kinds) > 1:
                raise _err(_("Print badges to a file of their own."))
            layout = "labels" if badge_kinds[0] == "labels" else "a6"
            try:
                write_badges(args.pdf, badges_of(store), layout=layout,
                             printed_at=store.clock.now())
            except OSError as exc:
                raise _err(_("Could not write {path}: {error}").format(
                    path=args.pdf, error=exc.strerror)) from exc
            print(_("Wrote {path}.").format(path=args.pdf))
            return 0
        plan = queries.current_plan(store)
        if plan is None:
            raise _err(_("There is no table plan in {path} yet: run allocate first.").format(
                path=args.event))
        view = queries.plan_view(store, plan)
        if args.json is not None:
            _write_json(args.json, queries.plan_json(store, plan))
            print(_("Wrote {path}.").format(path=args.json))
        if args.pdf is not None:
            rounds = None
            if args.round is not None:
                if not 1 <= args.round <= plan.rounds:
                    raise _err(_("There is no round {n} in this plan.").format(n=args.round))
                rounds = [args.round - 1]
            now = store.clock.now()
            if badge_kinds and len(kinds) > 1:
                raise _err(_("Print badges to a file of their own."))
            unknown = [k for k in kinds if k not in (*SHEETS, "badges", *BADGE_LAYOUTS)]
            if unknown or not kinds:
                raise _err(_("Unknown sheet {name}; choose from {names}.").format(
                    name=", ".join(unknown) or "-",
                    names=", ".join((*SHEETS, "badges", "labels"))))
            try:
                if badge_kinds:
                    layout = "labels" if badge_kinds[0] == "labels" else "a6"
                    write_badges(args.pdf, badges_of(store), layout=layout, printed_at=now)
                else:
                    write_sheets(args.pdf, view, kinds=kinds, rounds=rounds, printed_at=now,
                                 page_size=args.page_size)
            except OSError as exc:
                raise _err(_("Could not write {path}: {error}").format(
                    path=args.pdf, error=exc.strerror)) from exc
            print(_("Wrote {path}.").format(path=args.pdf))
        if args.pdf is None and args.json is None:
            print(describe(view))
    return 0


def cmd_rebalance(args: argparse.Namespace) -> int:
    with EventStore.open(args.event) as store:
        plan = queries.current_plan(store)
        if plan is None:
            raise _err(_("There is no table plan in {path} yet: run allocate first.").format(
                path=args.event))
        job = queries.prepare_rebalance(store, args.from_round - 1, plan)
        outcome = queries.run_rebalance(job, time_limit=args.time_limit)
        saved = ops.save_rebalance(store, job, outcome, actor=ACTOR)
        new = queries.plan_view(store, queries.get_plan(store, saved.plan_id))
        res = outcome.result
        print(_("Re-balanced rounds {a}–{b} in {s:.2f} s: {arrived} arrived, {left} left, "
                "{moved} already seated people move.").format(
            a=args.from_round, b=plan.rounds, s=outcome.seconds, arrived=len(res.arrived),
            left=len(res.departed), moved=len(res.moved_people)))
        for move in new.moves:
            who = new.name_of(move.participant_id)
            if move.from_table is None:
                print("  " + _("{name}: round {r}, table {t} (new)").format(
                    name=who, r=move.round + 1, t=move.to_table + 1))
            else:
                print("  " + _("{name}: round {r}, table {a} → {b}").format(
                    name=who, r=move.round + 1, a=move.from_table + 1, b=move.to_table + 1))
        print(_("Saved as plan {id}.").format(id=saved.plan_id))
    return 0


def add_table_commands(sub: SubParsers) -> None:
    """Register ``allocate``, ``tables`` and ``rebalance`` on the main parser."""
    p = sub.add_parser(
        "allocate", help=_("seat people at tables for several rounds"),
        description=_("Seat people at tables: from a pool file (CSV/XLSX, writes --out "
                      "PLAN.json) or into an event file (stored as its current plan)."))
    p.add_argument("event", type=Path, metavar="POOL_OR_EVENTFILE")
    p.add_argument("--rounds", type=int, required=True)
    p.add_argument("--table-size", type=int, help=_("people per table (sizes differ by at "
                                                     "most one)"))
    p.add_argument("--tables", type=int, help=_("number of tables instead of a size"))
    p.add_argument("--diversify", action="append", metavar="COL,COL…",
                   help=_("columns each table should mirror (default: all but id and name)"))
    p.add_argument("--attribute", action="append", metavar="COL",
                   help=_("a column to mirror (may be repeated)"))
    p.add_argument("--weight", action="append", metavar="COL=W")
    p.add_argument("--bins", action="append", metavar="COL=N",
                   help=_("treat a numeric column as N bands"))
    p.add_argument("--id", metavar="COL", help=_("the id column (default: the first)"))
    p.add_argument("--pin", type=Path, metavar="FILE", help=_("CSV: id,table[,rounds]"))
    p.add_argument("--apart", type=Path, metavar="FILE", help=_("CSV: id,id per pair"))
    p.add_argument("--together", type=Path, metavar="FILE", help=_("CSV: id,id per pair"))
    p.add_argument("--cluster", action="append", metavar="COL=VALUE")
    p.add_argument("--closed", action="append", metavar="TABLE:ROUND",
                   help=_("a table not in use in a round"))
    p.add_argument("--max-seats", type=int)
    p.add_argument("--all", action="store_true",
                   help=_("event: seat everyone on the list, not only those checked in"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--time-limit", type=float, metavar="SECONDS",
                   help=_("search on for up to this long, keeping the best plan"))
    p.add_argument("--iterations", type=int)
    p.add_argument("--tradeoff", choices=list(TRADEOFF_CHOICES),
                   help=_("never (no pair meets twice), few, balanced or balance (the best "
                          "mix at every table); default: the event's setting, or never"))
    p.add_argument("--out", type=Path, metavar="PLAN.json")
    p.set_defaults(func=cmd_allocate)

    p = sub.add_parser("tables", help=_("show, export or print an event's table plan"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("--pdf", type=Path, metavar="OUT.pdf")
    p.add_argument("--sheets", default="tables,list,room",
                   help=_("tables, list, room (comma-separated), or badges, labels "
                          "(badges print with no plan too)"))
    p.add_argument("--round", type=int, help=_("only this round's table sheets"))
    p.add_argument("--page-size", default="A4", choices=["A4", "letter"])
    p.add_argument("--json", type=Path, metavar="PLAN.json")
    p.set_defaults(func=cmd_tables)

    p = sub.add_parser("rebalance", help=_("re-seat after latecomers and leavers"))
    p.add_argument("event", type=Path, metavar="EVENTFILE")
    p.add_argument("--from-round", type=int, required=True, metavar="N")
    p.add_argument("--time-limit", type=float, metavar="SECONDS")
    p.set_defaults(func=cmd_rebalance)
