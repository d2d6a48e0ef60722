"""``python -m facilitator stations …``: offer, list and revoke stations; serve them."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from typing import Any

from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.stations import ops, queries
from facilitator.stations.model import PERMISSION_NAMES, PERMISSIONS, PairingCode
from facilitator.stations.server import StationServer
from facilitator.store import EventStore

DEFAULT_PORT = 8766


def cmd_offer(args: argparse.Namespace) -> int:
    may = [m.strip() for m in args.may.split(",") if m.strip()]
    with EventStore.open(args.event) as store:
        made = ops.offer(store, args.name, may, actor="cli", minutes=args.minutes)
        pin = ops.ensure_identity(store).pin
    code = PairingCode(args.host, args.port, made.secret, pin)
    print(_("Station {n} “{name}”: pair it within {minutes} minutes with the code").format(
        n=made.station.id, name=made.station.name, minutes=args.minutes))
    print(code.text())
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with EventStore.open(args.event, read_only=True) as store:
        counts = queries.decided_counts(store)
        now = store.clock.now()
        for s in queries.stations(store):
            done = counts.get(s.id, {})
            print(f"{s.id}\t{s.name}\t{','.join(sorted(s.may))}\t{s.state(now)}\t"
                  f"{s.person or '-'}\t{done.get('applied', 0)}\t{done.get('refused', 0)}")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    with EventStore.open(args.event) as store:
        ops.revoke(store, args.station, actor="cli")
    print(_("Station {n} is revoked.").format(n=args.station))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve stations until interrupted (SIGINT or SIGTERM)."""
    with EventStore.open(args.event) as store:
        server = StationServer(store, args.host, args.port)
        server.start()
        print(f"SERVING {server.host} {server.port} {server.pin}", flush=True)
        done = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_args: done.set())
        try:
            done.wait()
        finally:
            server.stop()
    return 0


def cmd_stations(args: argparse.Namespace) -> int:
    if not getattr(args, "stations_command", None):
        raise UserError(_("Say what to do: offer, list, revoke or serve."))
    result: int = args.stations_func(args)
    return result


def add_station_commands(sub: Any) -> None:
    """Register ``stations`` on the top-level parser's subcommands."""
    p = sub.add_parser("stations", help=_("other laptops checking in, keying papers, "
                                          "capturing questions"))
    p.set_defaults(func=cmd_stations)
    own = p.add_subparsers(dest="stations_command")
    tasks = ", ".join(f"{k} ({_(PERMISSION_NAMES[k])})" for k in PERMISSIONS)

    o = own.add_parser("offer", help=_("make a one-time pairing code for a new station"))
    o.add_argument("event", type=Path, metavar="EVENTFILE")
    o.add_argument("--name", required=True, help=_("the station's name"))
    o.add_argument("--may", required=True, help=_("what it may do, comma-separated: {tasks}")
                   .format(tasks=tasks))
    o.add_argument("--host", required=True, help=_("the address stations reach this laptop at"))
    o.add_argument("--port", type=int, default=DEFAULT_PORT)
    o.add_argument("--minutes", type=int, default=30, help=_("how long the code is good for"))
    o.set_defaults(stations_func=cmd_offer)

    lst = own.add_parser("list", help=_("list the stations"))
    lst.add_argument("event", type=Path, metavar="EVENTFILE")
    lst.set_defaults(stations_func=cmd_list)

    r = own.add_parser("revoke", help=_("stop a station"))
    r.add_argument("event", type=Path, metavar="EVENTFILE")
    r.add_argument("station", type=int)
    r.set_defaults(stations_func=cmd_revoke)

    s = own.add_parser("serve", help=_("serve the stations until interrupted"))
    s.add_argument("event", type=Path, metavar="EVENTFILE")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=DEFAULT_PORT)
    s.set_defaults(stations_func=cmd_serve)
