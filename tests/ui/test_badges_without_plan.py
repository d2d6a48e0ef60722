"""Issue 13: badges print from the Tables page before there is a table plan (organisers
print them days before): name, badge code and QR code on each, and no table."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from facilitator.people import list_participants
from facilitator.store import EventStore
from facilitator.tables import queries
from ui.bus import ChangeBus
from ui.pages.tables import TablesPage
from ui.tasks import TaskRunner

from ..badge_pdf import check_badges


@pytest.fixture
def page(qtbot: QtBot, demo_store: EventStore, tmp_path: Path) -> Iterator[TablesPage]:
    bus, tasks = ChangeBus(), TaskRunner()

    def choose(parent: object, title: str, name: str) -> Path:
        return tmp_path / name

    page = TablesPage(demo_store, bus, tasks, choose_save=choose)
    page._keep = (bus, tasks)  # type: ignore[attr-defined]
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    yield page
    tasks.wait()


@pytest.mark.parametrize(("kind", "name", "per_page"),
                         [("badges", "badges-a6.pdf", 1), ("labels", "badge-labels.pdf", 8)])
def test_tables_page_prints_badges_with_no_plan(qtbot: QtBot, page: TablesPage,
                                                demo_store: EventStore, tmp_path: Path,
                                                kind: str, name: str, per_page: int) -> None:
    assert queries.current_plan(demo_store) is None
    # The Print menu is reachable (Alt+P) and offers the badges; the plan's sheets wait.
    assert page.print_button.isEnabled()
    assert page.print_actions[kind].isEnabled()
    assert not page.print_actions["list"].isEnabled()
    assert not page.print_actions["json"].isEnabled()
    page.print_actions[kind].trigger()
    qtbot.waitUntil(lambda: page.banner.text().startswith("Saved"), timeout=30_000)
    pdf = tmp_path / name
    people = list_participants(demo_store)
    text = check_badges(demo_store, pdf, people, tmp_path / "pages")
    assert len(PdfReader(pdf).pages) == -(-len(people) // per_page)
    assert "Your table" not in text and "Round 1" not in text
    assert queries.current_plan(demo_store) is None  # printing seats no one


def test_plan_sheets_still_ask_for_a_plan(page: TablesPage, tmp_path: Path) -> None:
    assert not page.print_plan("list")
    assert "Allocate tables first" in page.banner.text()
    assert not (tmp_path / "find-your-table.pdf").exists()


def test_participants_page_prints_badges_with_no_plan(qtbot: QtBot, demo_store: EventStore,
                                                      tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    from ui.pages.participants import ParticipantsPage

    bus, tasks = ChangeBus(), TaskRunner()
    asked: list[str] = []

    def choose(parent: object, title: str, name: str) -> Path:
        asked.append(name)
        return tmp_path / name

    page = ParticipantsPage(demo_store, bus, tasks, choose_save=choose)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    try:
        # Keyboard reachable: Alt+D (the button's mnemonic) and a menu of the two layouts.
        button = page.badges_button
        assert button.isEnabled() and button.text() == "Print ba&dges…"
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
        labels = [a.text() for a in button.menu().actions()]
        assert labels == ["Badges, A6…", "Badge labels, A4 (8 a sheet)…"]
        button.menu().actions()[1].trigger()
        qtbot.waitUntil(lambda: page.banner.text().startswith("Saved"), timeout=30_000)
        assert asked == ["badge-labels.pdf"]
        pdf = tmp_path / "badge-labels.pdf"
        people = list_participants(demo_store)
        text = check_badges(demo_store, pdf, people, tmp_path / "pages")
        assert len(PdfReader(pdf).pages) == -(-len(people) // 8)
        assert "Your table" not in text
        assert queries.current_plan(demo_store) is None
    finally:
        tasks.wait()
