"""Issue 14 (start to window under 1.5 s): the window shows with the page it opens on built;
every other page is built when first asked for (shown, ``pages[key]``), or on idle after the
window shows, one page per turn of the event loop, until all exist. (That no other page's
module is even imported to show the window: tests/ui/test_startup_imports.py.)"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from facilitator.clock import FakeClock
from facilitator.people import list_participants
from facilitator.store import EventStore
from facilitator.timing import ops as timing_ops
from ui.context import AppContext
from ui.main_window import PAGE_KEYS, MainWindow


def built(window: MainWindow) -> list[str]:
    """The classes of the pages in the window's stack, in the order they were built (read
    from the widgets, so that asking never builds one)."""
    return [type(window.stack.widget(i)).__name__ for i in range(window.stack.count())]


def open_window(qtbot: QtBot, context: AppContext, store: EventStore) -> MainWindow:
    window = MainWindow(context, store)
    qtbot.addWidget(window)
    window.chime._available = False  # record chimes without touching an audio device
    return window


def test_the_window_shows_with_its_first_page_built_and_builds_the_rest_when_idle(
        qtbot: QtBot, context: AppContext, demo_store: EventStore) -> None:
    window = open_window(qtbot, context, demo_store)
    window.show()
    assert window.current_page_key() == "participants"
    assert built(window) == ["ParticipantsPage"]
    with qtbot.waitSignal(window.all_pages_built, timeout=60_000):
        pass
    assert len(built(window)) == len(PAGE_KEYS)
    assert [key for key in window.pages] == list(PAGE_KEYS)
    assert window.current_page_key() == "participants"  # building never changes the page


def test_each_turn_of_the_event_loop_builds_at_most_one_page(
        qtbot: QtBot, context: AppContext, demo_store: EventStore) -> None:
    """The loop is never held up for more than one page's build: input and paint events
    are handled between any two."""
    window = open_window(qtbot, context, demo_store)
    window.show()
    qtbot.waitUntil(lambda: window.stack.count() > 1, timeout=60_000)
    counts = [window.stack.count()]
    for _turn in range(1000):  # a bound on turns, not on time: each should build one
        if counts[-1] == len(PAGE_KEYS):
            break
        QApplication.processEvents()  # one turn of the event loop
        counts.append(window.stack.count())
    assert counts[-1] == len(PAGE_KEYS)
    assert {after - before for before, after in pairwise(counts)} <= {0, 1}, counts


def test_a_page_asked_for_before_it_is_built_is_built_there_and_then(
        qtbot: QtBot, context: AppContext, demo_store: EventStore) -> None:
    window = open_window(qtbot, context, demo_store)  # never shown: nothing builds on idle
    assert "reading" in window.pages and len(window.pages) == len(PAGE_KEYS)
    assert built(window) == ["ParticipantsPage"]  # asking whether a page is there builds none
    reading = window.pages["reading"]
    assert type(reading).__name__ == "ReadingPage" and window.stack.indexOf(reading) >= 0
    assert window.pages["reading"] is reading  # built once
    window.show_page("voting")
    assert window.current_page_key() == "voting"
    assert built(window) == ["ParticipantsPage", "ReadingPage", "VotingPage"]
    window.sidebar.setCurrentRow(PAGE_KEYS.index("results"))
    assert window.current_page_key() == "results"
    assert built(window)[-1] == "ResultsPage"


def test_a_change_made_before_a_page_is_built_shows_on_it_and_in_the_status_bar(
        qtbot: QtBot, context: AppContext, demo_store: EventStore) -> None:
    window = open_window(qtbot, context, demo_store)
    window.show()
    window.toggle_projector()
    assert window.projector is not None
    person = next(p for p in list_participants(demo_store) if p.present)
    window.pages["participants"].run(  # type: ignore[attr-defined]
        lambda: timing_ops.enqueue(demo_store, person.id, actor="test"))
    assert "Saved in" in window.saved_label.text()
    assert built(window) == ["ParticipantsPage"]  # the plenary page does not exist yet
    assert person.name in window.projector.speaker_label.text()
    plenary = window.pages["plenary"]
    assert plenary.queue_list.count() == 1  # type: ignore[attr-defined]
    window.projector.close()


def test_a_running_countdown_chimes_from_the_start_though_its_page_was_never_shown(
        qtbot: QtBot, context: AppContext, demo_store: EventStore, clock: FakeClock) -> None:
    """The plenary's chime sounds at each stage whichever page is shown: opening an event
    whose countdown runs builds the Plenary page with the window, so no stage is missed."""
    person = next(p for p in list_participants(demo_store) if p.present)
    timing_ops.enqueue(demo_store, person.id, actor="test")
    timing_ops.start_next(demo_store, 60, actor="test")
    window = open_window(qtbot, context, demo_store)
    window.show()
    clock.advance(40)  # past amber before anything else runs, the window on Participants
    qtbot.waitUntil(lambda: window.chime.played == ["amber"], timeout=30_000)
    assert window.current_page_key() == "participants"


def test_no_page_is_left_half_built_when_the_event_closes_during_the_idle_builds(
        qtbot: QtBot, context: AppContext, demo_store: EventStore, tmp_path: Path) -> None:
    other = tmp_path / "other.facilitator"
    EventStore.create(other, "Other event").close()
    window = open_window(qtbot, context, demo_store)
    window.show()
    window.pages["tables"]
    assert window.open_event(other)
    assert built(window)[-1] == "ParticipantsPage"
    with qtbot.waitSignal(window.all_pages_built, timeout=60_000):
        pass
    QApplication.processEvents()
    pages = [window.stack.widget(i) for i in range(window.stack.count())]
    assert len({type(p).__name__ for p in pages}) == len(PAGE_KEYS) == len(pages)
    assert all(getattr(p, "store", None) is window.store for p in pages)
