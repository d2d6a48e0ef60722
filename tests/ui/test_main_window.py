"""The shell: pages, shortcuts, projector, new/open/recent events, errors shown plainly."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from facilitator.store import EventStore
from ui.context import AppContext
from ui.main_window import PAGE_KEYS, MainWindow
from ui.pages.participants import ParticipantsPage
from ui.pages.placeholder import PlaceholderPage


@pytest.fixture
def window(qtbot: QtBot, context: AppContext, demo_store: EventStore) -> MainWindow:
    win = MainWindow(context, demo_store)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_opens_on_participants_with_event_in_title(window: MainWindow) -> None:
    assert window.current_page_key() == "participants"
    assert "Riverside Citizens' Assembly" in window.windowTitle()
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == [
        "Participants", "Tables", "Plenary", "Q&A", "Voting", "Results", "Theatre",
        "Polls", "Stations", "Reading papers"]
    assert "saved" in window.saved_label.text().lower()


def test_every_page_reachable_by_shortcut(window: MainWindow, qtbot: QtBot) -> None:
    for number, key in enumerate(PAGE_KEYS, start=1):
        action = window.page_actions[number - 1]
        assert action.shortcut().toString() == f"Ctrl+{number % 10}"  # 1 … 9, then 0
        action.trigger()
        assert window.current_page_key() == key
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "participants"
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "reading"


def test_pages_not_built_yet_say_so(window: MainWindow) -> None:
    for key in ("participants", "plenary", "qa"):
        assert not isinstance(window.pages[key], PlaceholderPage)
    placeholders = [p for p in window.pages.values() if isinstance(p, PlaceholderPage)]
    for page in placeholders:
        texts = " ".join(label.text() for label in page.findChildren(type(window.saved_label)))
        assert "not built yet" in texts


def test_sidebar_click_switches_page(window: MainWindow) -> None:
    window.sidebar.setCurrentRow(PAGE_KEYS.index("voting"))
    assert window.current_page_key() == "voting"


def test_projector_opens_and_closes_with_f5(window: MainWindow, qtbot: QtBot) -> None:
    assert window.projector_action.shortcut().toString() == "F5"
    window.projector_action.trigger()
    assert window.projector is not None and window.projector.isVisible()
    assert "64 of 96 participants here" in window.projector.count_label.text()
    page = window.pages["participants"]
    assert isinstance(page, ParticipantsPage)
    expected = next(p for p in page.model._people if p.status == "expected"
                    and p.role == "participant")
    page.check_in_person(expected, "search")
    assert "65 of 96 participants here" in window.projector.count_label.text()
    qtbot.keyClick(window.projector, Qt.Key.Key_Escape)  # a window, not full-screen: hides
    assert not window.projector.isVisible()
    window.projector_action.trigger()
    assert window.projector.isVisible()
    window.projector_action.trigger()
    assert not window.projector.isVisible()


def test_new_event_from_menu(qtbot: QtBot, context: AppContext, tmp_path: Path) -> None:
    target = tmp_path / "new.facilitator"
    win = MainWindow(context, ask_new=lambda parent: (target, "Budget day"))
    qtbot.addWidget(win)
    assert win.store is None and "welcome" in win.pages
    win.new_event()
    assert win.store is not None and win.store.name == "Budget day"
    assert target.exists()
    assert context.recent.paths[0] == target.resolve()
    assert win.current_page_key() == "participants"


def test_open_bad_file_shows_error_and_keeps_current_event(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(window, "show_error", lambda title, text: shown.append((title, text)))
    junk = tmp_path / "junk.facilitator"
    junk.write_bytes(b"\x00\x01garbage")
    current = window.store
    assert not window.open_event(junk)
    assert shown and "not a Facilitator event file" in shown[0][1]
    assert window.store is current


def test_switching_events_closes_the_previous_one(
    window: MainWindow, tmp_path: Path, clock: object
) -> None:
    other = tmp_path / "other.facilitator"
    EventStore.create(other, "Other event").close()
    first = window.store
    assert first is not None
    assert window.open_event(other)
    assert window.store is not None and window.store.name == "Other event"
    with pytest.raises(Exception, match="closed"):
        first.query("SELECT 1")
    page = window.pages["participants"]
    assert isinstance(page, ParticipantsPage) and page.model.rowCount() == 0


def test_shortcut_help_lists_every_frequent_action(window: MainWindow) -> None:
    keys = [k for _what, k in window.shortcut_lines()]
    for expected in ("Enter", "Ctrl+F", "Ctrl+U", "Ctrl+I", "F5"):
        assert expected in keys


def test_hidden_projector_catches_up_when_shown_again(window: MainWindow) -> None:
    window.projector_action.trigger()
    projector = window.projector
    assert projector is not None
    window.projector_action.trigger()  # hide it
    assert not projector.isVisible()
    page = window.pages["participants"]
    assert isinstance(page, ParticipantsPage)
    expected = next(p for p in page.model._people if p.status == "expected"
                    and p.role == "participant")
    page.check_in_person(expected, "search")
    assert "64 of 96" in projector.count_label.text()  # not re-read while hidden
    window.projector_action.trigger()
    assert "65 of 96 participants here" in projector.count_label.text()


def test_every_page_shows_its_title_at_its_top(window: MainWindow) -> None:
    """A page starts with its title (not an empty band: the banner's reserved space under
    nothing)."""
    from PySide6.QtWidgets import QLabel

    for key in PAGE_KEYS:
        page = window.pages[key]
        window.show_page(key)
        titles = [label for label in page.findChildren(QLabel)
                  if label.objectName() == "pageTitle" and label.isVisibleTo(page)]
        assert len(titles) == 1 and titles[0].text().strip(), key
        assert titles[0].mapTo(page, titles[0].rect().topLeft()).y() < 40, key
