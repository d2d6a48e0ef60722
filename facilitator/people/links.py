"""Where a badge's QR code points: the phone address, ``http://ADDRESS:PORT/v/TOKEN``. Pure.

Why the badge carries a link and not the bare code: a participant should vote by pointing
the phone's camera at their badge, with nothing to type. The check-in desk reads the same
QR (:func:`facilitator.people.queries.find_by_scan` takes the link, the token, the code
printed under the QR, or the ID), and the code under the QR still opens the ballot when
typed on the join page. So a link that turns out wrong on the day costs a phone user some
typing, never a check-in.

Why the event stores the address: badges are printed days before, when the venue's network
is unknown. The organiser sets the address the phones will use (:func:`facilitator.people.
ops.set_badge_link`); until then badges point to this laptop's local-network address at the
moment of printing (:func:`default_link`), which is right when the same laptop joins the
same network on the day. A laptop that runs its own hotspot gets a fixed address
(:data:`HOTSPOTS`: 10.42.0.1 on Linux, 192.168.137.1 on Windows, 192.168.2.1 on macOS),
the most reliable choice for an event. Each badge sheet prints the address at its foot, and
the Phones panel compares it with the address the phone server starts on and says loudly
how to fix a difference (:func:`facilitator.lan.model.badge_mismatch`).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from facilitator.errors import UserError
from facilitator.i18n import N_, _
from facilitator.network import lan_address

BADGE_LINK_KEY = "badge_link"
DEFAULT_PORT = 8080
"""The phone server's default port (also :data:`facilitator.lan.model.DEFAULT_PORT`)."""
HOTSPOTS: dict[str, str] = {
    "10.42.0.1": N_("Linux hotspot (NetworkManager)"),
    "192.168.137.1": N_("Windows mobile hotspot"),
    "192.168.2.1": N_("macOS Internet Sharing"),
}
"""The address a laptop gets on the hotspot it runs itself: the same at every venue."""


class BadgeLinkError(UserError):
    """A phone address that cannot be put on a badge."""


@dataclass(frozen=True)
class BadgeLink:
    """The address badges point to. ``saved``: set by the organiser (else the default)."""

    host: str
    port: int = DEFAULT_PORT
    saved: bool = True

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def address(self) -> str:
        """``host:port``, as the organiser types it."""
        return f"{self.host}:{self.port}"

    def url(self, token: str) -> str:
        """A person's voting link: what their badge's QR code holds."""
        return f"{self.base_url}/v/{token}"

    def to_json(self) -> dict[str, object]:
        return {"host": self.host, "port": self.port}

    @classmethod
    def from_json(cls, data: object) -> BadgeLink | None:
        if not isinstance(data, dict) or not isinstance(data.get("host"), str):
            return None
        try:
            return parse_link(f"{data['host']}:{data.get('port', DEFAULT_PORT)}")
        except BadgeLinkError:
            return None


def parse_link(text: str) -> BadgeLink:
    """The address as typed: ``10.42.0.1``, ``10.42.0.1:8080`` or
    ``http://10.42.0.1:8080/``; a :class:`BadgeLinkError` sentence otherwise."""
    raw = text.strip()
    if not raw:
        raise BadgeLinkError(_("Type the address the phones will use, like 10.42.0.1:8080."))
    parts = urlsplit(raw if "://" in raw else f"http://{raw}")
    try:
        host, port = parts.hostname or "", parts.port or DEFAULT_PORT
    except ValueError as exc:
        raise BadgeLinkError(_("“{text}” has no valid port: a port is a number from 1024 "
                               "to 65535.").format(text=raw[:60])) from exc
    if parts.scheme != "http" or parts.path not in ("", "/") or parts.query:
        raise BadgeLinkError(_("“{text}” is not a phone address: type only the address and "
                               "port, like 10.42.0.1:8080.").format(text=raw[:60]))
    try:
        ip = ipaddress.ip_address(host)
    except ValueError as exc:
        raise BadgeLinkError(_("“{text}” is not an IPv4 address like 10.42.0.1 (phones on "
                               "a venue network often cannot look up names).").format(
                                   text=host[:60] or raw[:60])) from exc
    if ip.version != 4 or ip.is_unspecified or ip.is_multicast:
        raise BadgeLinkError(_("“{text}” is not an IPv4 address like 10.42.0.1 (phones on "
                               "a venue network often cannot look up names).").format(
                                   text=host[:60]))
    if not 1024 <= port <= 65535:
        raise BadgeLinkError(_("“{text}” has no valid port: a port is a number from 1024 "
                               "to 65535.").format(text=raw[:60]))
    return BadgeLink(str(ip), port)


def default_link() -> BadgeLink:
    """Before the organiser sets one: this laptop's local-network address now, else the
    Linux hotspot's (a laptop with no network prints for the hotspot it can start)."""
    return BadgeLink(lan_address() or "10.42.0.1", DEFAULT_PORT, saved=False)
