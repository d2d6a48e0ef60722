"""Stations: what one is, what it may do, its pairing code and the items it sends (pure).

A station is another laptop running this app that checks people in, keys paper ballots or
captures Q&A questions for the event held by the main laptop. It is *offered* on the main
laptop (a name, what it may do, a one-time pairing secret valid for a short while), *paired*
by typing or scanning the pairing code (the station then holds a secret of its own), and may
be *revoked*. Everything it does arrives as *items*, each with an id made at the station, and
the main laptop decides each item once: applied or refused with a reason.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import N_, _

CHECK_IN = "check_in"
BALLOTS = "ballots"
QA = "qa"
PERMISSIONS: tuple[str, ...] = (CHECK_IN, BALLOTS, QA)
PERMISSION_NAMES = {CHECK_IN: N_("check-in"), BALLOTS: N_("ballot entry"),
                    QA: N_("Q&A capture")}

# Item kinds, and the permission each needs.
ITEM_CHECK_IN = "check_in"
ITEM_WALK_IN = "walk_in"
ITEM_BALLOT = "ballot"
ITEM_QUESTION = "question"
ITEM_PERMISSION = {ITEM_CHECK_IN: CHECK_IN, ITEM_WALK_IN: CHECK_IN, ITEM_BALLOT: BALLOTS,
                   ITEM_QUESTION: QA}

APPLIED = "applied"
REFUSED = "refused"

OFFER_MINUTES = 30  # a pairing code is good for this long, and for one station
MAX_NAME = 60
MAX_PERSON = 60
MAX_ITEM_ID = 64
MAX_BATCH = 200  # items in one request
CODE_PREFIX = "FS1"
SECRET_BYTES = 10  # the one-time pairing secret: 80 bits, 16 characters
PIN_BYTES = 16  # the certificate's pinned fingerprint: SHA-256 cut to 128 bits, 26 characters

_ITEM_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


class StationError(UserError):
    """A station request that cannot be done; the message says why."""


class PairingCodeError(StationError):
    pass


class NotAllowedError(StationError):
    """A station without a valid secret, revoked, or asking for what it may not do."""


class WrongSecretError(NotAllowedError):
    """No paired station has that id and secret: a guess, or a station paired elsewhere."""


@dataclass(frozen=True)
class Station:
    id: int
    name: str
    may: frozenset[str]
    offered_at: datetime
    offer_expires_at: datetime
    paired_at: datetime | None
    revoked_at: datetime | None
    person: str | None
    last_seen_at: datetime | None

    @property
    def paired(self) -> bool:
        return self.paired_at is not None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def state(self, now: datetime) -> str:
        """"revoked", "paired", "offered" or "expired" (an offer nobody took in time)."""
        if self.revoked:
            return "revoked"
        if self.paired:
            return "paired"
        return "offered" if now < self.offer_expires_at else "expired"


@dataclass(frozen=True)
class Offer:
    """A station offered on the main laptop: show ``secret`` (in a pairing code) once."""

    station: Station
    secret: str
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True)
class Paired:
    """A station paired: who it is now."""

    station: Station
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True)
class Item:
    """One thing done at a station: ``kind`` (one of ITEM_PERMISSION), ``data`` its fields,
    ``person`` who did it there, ``id`` made at the station (unique there)."""

    id: str
    kind: str
    data: dict[str, Any]
    person: str


@dataclass(frozen=True)
class Decision:
    """The main laptop's answer for one item: ``outcome`` APPLIED or REFUSED (``reason``);
    ``result`` what the op made (a walk-in's participant id, a question's id…)."""

    item_id: str
    outcome: str
    reason: str | None = None
    result: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.item_id, "outcome": self.outcome, "reason": self.reason,
                "result": self.result}

    @classmethod
    def from_json(cls, data: Any) -> Decision:
        if not isinstance(data, dict) or data.get("outcome") not in (APPLIED, REFUSED):
            raise StationError(_("The main laptop sent an answer this station cannot read."))
        return cls(str(data["id"]), str(data["outcome"]), data.get("reason"),
                   dict(data.get("result") or {}))


@dataclass(frozen=True)
class Applied:
    """Decisions for a batch of items, and what changed on the main laptop."""

    decisions: tuple[Decision, ...]
    changes: Changes


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise StationError(_("A station needs a name (“Check-in desk 2”)."))
    if len(name) > MAX_NAME:
        raise StationError(_("A station's name has at most {n} characters.").format(n=MAX_NAME))
    return name


def check_may(may: frozenset[str] | set[str] | tuple[str, ...]) -> frozenset[str]:
    chosen = frozenset(may)
    unknown = chosen - set(PERMISSIONS)
    if unknown:
        raise StationError(_("Unknown station task: {task}.").format(task=sorted(unknown)[0]))
    if not chosen:
        raise StationError(_("Choose what the station may do: check-in, ballot entry or Q&A "
                             "capture."))
    return chosen


def check_person(person: str) -> str:
    return " ".join(person.split())[:MAX_PERSON]


def actor_for(station: Station, person: str) -> str:
    """Who did it, as the audit log and a keyed paper keep it: the station and the person."""
    person = check_person(person)
    return f"{station.name} · {person}" if person else station.name


def parse_item(data: Any) -> Item:
    """An item as a station sent it (JSON), checked for shape; the op checks the rest."""
    if not isinstance(data, dict):
        raise StationError(_("An item from the station is not readable."))
    item_id, kind = data.get("id"), data.get("kind")
    if not isinstance(item_id, str) or not _ITEM_ID.match(item_id):
        raise StationError(_("An item from the station has no valid id."))
    if kind not in ITEM_PERMISSION:
        raise StationError(_("Unknown kind of item: {kind}.").format(kind=str(kind)[:20]))
    fields = data.get("data")
    if not isinstance(fields, dict):
        raise StationError(_("An item from the station is not readable."))
    person = data.get("person") or ""
    if not isinstance(person, str):
        raise StationError(_("An item from the station is not readable."))
    return Item(item_id, str(kind), fields, check_person(person))


# -- the pairing code ---------------------------------------------------------------------------


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").rstrip("=")


def _unb32(text: str, size: int) -> bytes:
    text = text.upper().replace("-", "").replace(" ", "")
    padded = text + "=" * (-len(text) % 8)
    try:
        raw = base64.b32decode(padded.replace("0", "O").replace("1", "I").replace("8", "B"))
    except (ValueError, binascii.Error) as exc:
        raise PairingCodeError(_("That pairing code is mistyped; type it again as shown on "
                                 "the main laptop.")) from exc
    if len(raw) != size:
        raise PairingCodeError(_("That pairing code is mistyped; type it again as shown on "
                                 "the main laptop."))
    return raw


def pin_of(certificate_der: bytes) -> str:
    """The pinned part of a certificate's SHA-256 fingerprint, as written in a code."""
    import hashlib

    return _b32(hashlib.sha256(certificate_der).digest()[:PIN_BYTES])


@dataclass(frozen=True)
class PairingCode:
    """What a station needs to join: where the main laptop listens, the one-time secret and
    the pin of the main laptop's certificate (so nobody else on the Wi-Fi can pose as it)."""

    host: str
    port: int
    secret: str
    pin: str

    def text(self) -> str:
        secret = "-".join(self.secret[i:i + 4] for i in range(0, len(self.secret), 4))
        return f"{CODE_PREFIX}:{self.host}:{self.port}:{secret}:{self.pin}"

    @classmethod
    def parse(cls, text: str) -> PairingCode:
        parts = "".join(text.split()).split(":")
        if len(parts) != 5 or parts[0].upper() != CODE_PREFIX:
            raise PairingCodeError(_("That is not a station pairing code; it starts with "
                                     "{prefix}: and is shown on the main laptop's Stations "
                                     "panel.").format(prefix=CODE_PREFIX))
        _prefix, host, port_text, secret, pin = parts
        if not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}|localhost", host):
            raise PairingCodeError(_("The address in that pairing code is mistyped."))
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise PairingCodeError(_("The port in that pairing code is mistyped."))
        secret_raw = _unb32(secret, SECRET_BYTES)
        pin_raw = _unb32(pin, PIN_BYTES)
        return cls(host, int(port_text), _b32(secret_raw), _b32(pin_raw))


def new_secret() -> str:
    import secrets

    return _b32(secrets.token_bytes(SECRET_BYTES))


def normal_secret(text: str) -> str:
    """A pairing secret as stored (hashed): upper case, without dashes or spaces."""
    return _b32(_unb32(text, SECRET_BYTES))


def digest(secret: str) -> str:
    import hashlib

    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
