"""Who owns an event file, as its owner lock's sidecar records it (see :mod:`.owner`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from facilitator.i18n import _


@dataclass(frozen=True)
class Holder:
    """Who owns an event file, as written in its sidecar."""

    program: str
    pid: int
    user: str
    host: str
    since: str
    """ISO 8601 with the holder's UTC offset."""

    def to_json(self) -> str:
        return json.dumps({"program": self.program, "pid": self.pid, "user": self.user,
                           "host": self.host, "since": self.since}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Holder | None:
        try:
            data: Any = json.loads(text)
            return cls(program=str(data["program"]), pid=int(data["pid"]),
                       user=str(data["user"]), host=str(data["host"]),
                       since=str(data["since"]))
        except (ValueError, TypeError, KeyError):
            return None

    def since_text(self) -> str:
        try:
            return datetime.fromisoformat(self.since).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return self.since

    def sentence(self, path: Path | str) -> str:
        return _("{path} is already open in {program} (process {pid} of {user} on {host}, "
                 "since {since}); close it there first.").format(
            path=path, program=self.program, pid=self.pid, user=self.user, host=self.host,
            since=self.since_text())
