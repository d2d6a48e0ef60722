"""Everything the windows need, built in one place (HOUSE_STYLE 2) and passed down."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from facilitator.clock import Clock, SystemClock

MAX_RECENT = 8


@dataclass
class RecentEvents:
    """Most recently opened event files, newest first, kept in a small JSON file."""

    file: Path
    paths: list[Path] = field(default_factory=list)

    @classmethod
    def load(cls, file: Path) -> RecentEvents:
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
            paths = [Path(p) for p in raw if isinstance(p, str)]
        except (OSError, ValueError):
            paths = []
        return cls(file, paths)

    def add(self, path: Path) -> None:
        path = path.resolve()
        self.paths = [path, *[p for p in self.paths if p != path]][:MAX_RECENT]
        self._save()

    def remove(self, path: Path) -> None:
        self.paths = [p for p in self.paths if p != path.resolve()]
        self._save()

    def existing(self) -> list[Path]:
        return [p for p in self.paths if p.is_file()]

    def _save(self) -> None:
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            self.file.write_text(json.dumps([str(p) for p in self.paths], indent=1),
                                 encoding="utf-8")
        except OSError:
            pass  # Losing the recent list is harmless; never block the user for it.


@dataclass
class AppContext:
    config_dir: Path
    data_dir: Path
    clock: Clock
    recent: RecentEvents
    smoke_test: bool = False

    @classmethod
    def build(cls, config_dir: Path, data_dir: Path, *, smoke_test: bool = False) -> AppContext:
        return cls(
            config_dir=config_dir,
            data_dir=data_dir,
            clock=SystemClock(),
            recent=RecentEvents.load(config_dir / "recent.json"),
            smoke_test=smoke_test,
        )

    @property
    def demo_path(self) -> Path:
        return self.data_dir / "demo-event.facilitator"
