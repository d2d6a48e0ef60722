"""The page base class: ops publish once, refusals change nothing, hidden pages go stale."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from facilitator.changes import Changes
from facilitator.clock import FakeClock
from facilitator.errors import UserError
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.pages.base import Page


class _Counting(Page):
    def __init__(self, store: EventStore, bus: ChangeBus) -> None:
        super().__init__(store, bus)
        self.refreshes = 0

    def relevant(self, changes: Changes) -> bool:
        return changes.qa

    def refresh(self) -> None:
        self.refreshes += 1


@dataclass(frozen=True)
class _Added:
    changes: Changes
    number: int


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[EventStore]:
    s = EventStore.create(tmp_path / "e.facilitator", "Page test", clock)
    yield s
    s.close()


def test_run_publishes_the_changes_of_a_result_object_once(qtbot: QtBot, store: EventStore
                                                          ) -> None:
    bus = ChangeBus()
    page = _Counting(store, bus)
    qtbot.addWidget(page)
    page.show()
    seen: list[Changes] = []
    bus.changes_applied.connect(seen.append)
    result = page.run(lambda: _Added(Changes(qa=True), 7), success="Added")
    assert result is not None and result.number == 7
    assert seen == [Changes(qa=True)]
    assert page.refreshes == 1
    assert page.banner.text() == "Added"


def test_a_refusal_shows_its_sentence_and_publishes_nothing(qtbot: QtBot, store: EventStore
                                                           ) -> None:
    bus = ChangeBus()
    page = _Counting(store, bus)
    qtbot.addWidget(page)
    seen: list[Changes] = []
    bus.changes_applied.connect(seen.append)

    def refused() -> Changes:
        raise UserError("The panel is closed.")

    assert page.run(refused) is None
    assert seen == []
    assert page.banner.text() == "The panel is closed."


def test_a_hidden_page_is_marked_stale_and_refreshes_once_when_shown(
        qtbot: QtBot, store: EventStore) -> None:
    bus = ChangeBus()
    page = _Counting(store, bus)
    qtbot.addWidget(page)
    bus.publish(Changes(qa=True))
    bus.publish(Changes(qa=True))
    bus.publish(Changes(tables=True))  # not relevant
    assert (page.refreshes, page.stale) == (0, True)
    page.show()
    qtbot.waitExposed(page)
    assert (page.refreshes, page.stale) == (1, False)
    bus.publish(Changes(tables=True))
    assert page.refreshes == 1


def test_a_page_that_does_not_say_how_it_refreshes_is_refused_when_defined() -> None:
    with pytest.raises(TypeError, match="must define refresh"):
        class _Forgetful(Page):
            def relevant(self, changes: Changes) -> bool:
                return True

    with pytest.raises(TypeError, match="must define relevant and refresh"):
        class _Empty(Page):
            pass


def test_a_keyer_that_forgets_its_own_keys_is_refused_when_defined() -> None:
    from ui.keyer import Keyer

    with pytest.raises(TypeError, match=r"must define _move_option$"):
        class Half(Keyer):  # defined only to be refused
            @property
            def loaded(self) -> bool:
                return True

            def _key(self, key: int, text: str) -> bool:
                return False

            def _move(self, step: int) -> None:
                pass

            def _clear_current(self) -> None:
                pass
