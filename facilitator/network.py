"""This laptop's IPv4 addresses that a phone on the same network could reach.

A utility at the bottom of the core (no subsystem imported): the phone server offers them
to listen on (:func:`facilitator.lan.server.local_addresses`), and a badge's voting link
defaults to the first local-network one (:mod:`facilitator.people.links`).

Found without sending any packet: the host name's addresses, plus the address the system
would use for a (never contacted) private destination (a UDP connect only picks the route).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket


def ipv4_addresses() -> list[str]:
    """This laptop's IPv4 addresses other than loopback, in numeric order."""
    found: set[str] = set()
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    for probe in ("10.255.255.255", "192.168.255.255"):
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect((probe, 9))  # UDP connect: chooses a route, sends nothing
            found.add(str(s.getsockname()[0]))
    out = []
    for text in sorted(found, key=lambda a: ipaddress.ip_address(a)):
        address = ipaddress.ip_address(text)
        if address.is_loopback or address.is_unspecified:
            continue
        out.append(text)
    return out


def is_private(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_private
    except ValueError:
        return False


def lan_address() -> str | None:
    """This laptop's first local-network (private) IPv4 address, if it has one now."""
    return next((a for a in ipv4_addresses() if is_private(a)), None)
