"""Issue 13, the Tables page's rough edges: cards in several columns on a laptop, who is not
here marked on the cards, every table in every round on one grid, an undone hand swap no
longer counted as a change by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from facilitator.people import check_in, list_participants, mark_no_show
from facilitator.store import EventStore
from facilitator.tables import queries
from facilitator.tables.ops import allocate_and_save
from facilitator.tables.plans import TableSettings
from tests.ui.screens import save_screens
from ui.bus import ChangeBus
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.tables import TablesPage
from ui.pages.tables.cards import NO_SHOW, NOT_ARRIVED, PID_ROLE, PRESENCE_ROLE, RoundView
from ui.pages.tables.prints import PRINTS
from ui.tasks import TaskRunner


@pytest.fixture
def planned(demo_store: EventStore) -> EventStore:
    """The demo event with a plan of everyone on the list (some not yet arrived)."""
    allocate_and_save(demo_store, TableSettings(rounds=3, table_size=8, scope="all", seed=1),
                      actor="test", iterations=200)
    return demo_store


@pytest.fixture
def window(qtbot: QtBot, context: AppContext, planned: EventStore) -> Iterator[MainWindow]:
    win = MainWindow(context, planned)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.show_page("tables")
    yield win
    win.tasks.wait()


def tables_page(win: MainWindow) -> TablesPage:
    page = win.pages["tables"]
    assert isinstance(page, TablesPage)
    return page


def settle(qtbot: QtBot) -> None:
    qtbot.wait(1)


@pytest.mark.parametrize(("size", "columns"), [(QSize(1366, 768), 2), (QSize(1600, 900), 3),
                                               (QSize(1920, 1080), 4)])
def test_cards_fill_the_width_in_several_columns(
        qtbot: QtBot, window: MainWindow, size: QSize, columns: int) -> None:
    window.resize(size)
    settle(qtbot)
    page = tables_page(window)
    view = page.round_tabs.currentWidget()
    assert isinstance(view, RoundView)
    view.reflow()
    assert view.columns >= columns
    tops = {card.y() for card in view.cards[:columns]}
    assert len(tops) == 1                              # the first row holds that many cards
    right = max(card.geometry().right() for card in view.cards)
    assert right <= view.viewport().width()            # and none runs off to the right


def test_who_is_not_here_is_marked_on_the_cards_and_the_grid(
        qtbot: QtBot, window: MainWindow, planned: EventStore) -> None:
    page = tables_page(window)
    expected = [p for p in list_participants(planned)
                if p.status == "expected" and p.role == "participant"]
    assert len(expected) >= 2
    gone, late = expected[0], expected[1]
    page.bus.publish(mark_no_show(planned, gone.id, actor="test").changes)
    settle(qtbot)
    marks = {}
    for card in page.round_view(0).cards:
        for i in range(card.seats.count()):
            item = card.seats.item(i)
            marks[int(item.data(PID_ROLE))] = item.data(PRESENCE_ROLE)
    assert marks[gone.id] == NO_SHOW and marks[late.id] == NOT_ARRIVED
    here = next(p for p in list_participants(planned) if p.present)
    assert marks[here.id] == ""
    table = queries.current_plan(planned)
    assert table is not None
    t = table.table_of(gone.id, 0)
    assert t is not None
    card = page.card(0, t)
    assert "no-show" in card.detail.text()
    assert f"✕ {gone.name}" in page.overview.cell_text(t, 0)
    page.bus.publish(check_in(planned, late.id, actor="test").changes)   # arrives
    settle(qtbot)
    t_late = table.table_of(late.id, 0)
    assert t_late is not None
    assert f"○ {late.name}" not in page.overview.cell_text(t_late, 0)
    assert late.name in page.overview.cell_text(t_late, 0)


def test_the_grid_shows_every_table_in_every_round(
        qtbot: QtBot, window: MainWindow, planned: EventStore) -> None:
    page = tables_page(window)
    plan = queries.current_plan(planned)
    assert plan is not None
    view = queries.plan_view(planned, plan)
    page.round_tabs.setCurrentWidget(page.overview)
    assert page.round_tabs.tabText(page.round_tabs.currentIndex()) == "All rounds"
    assert (page.overview.rowCount(), page.overview.columnCount()) == (view.tables, 3)
    for r, tables in enumerate(view.rounds):
        for t, table in enumerate(tables):
            shown = page.overview.cell_text(t, r).splitlines()
            assert [line.lstrip("○✕ ") for line in shown] == [s.name for s in table.seats]
    save_screens(window, "tables-all-rounds")


def test_an_undone_hand_swap_is_no_longer_counted(
        qtbot: QtBot, window: MainWindow, planned: EventStore) -> None:
    page = tables_page(window)
    plan = queries.current_plan(planned)
    assert plan is not None
    a, b = plan.seats[0][0][0], plan.seats[0][1][0]
    assert page.drop_person(0, a, 1, onto=b)
    assert "1 change by hand" in page.plan_label.text()
    page.undo()
    assert "by hand" not in page.plan_label.text()
    undone = queries.current_plan(planned)
    assert undone is not None and sorted(undone.seats[0][0]) == sorted(plan.seats[0][0])
    page.redo()
    assert "1 change by hand" in page.plan_label.text()
    assert page.drop_person(0, a, 2)                    # a move, undone, likewise
    assert "2 changes by hand" in page.plan_label.text()
    page.undo()
    assert "1 change by hand" in page.plan_label.text()


def test_screens_of_the_tables_page(qtbot: QtBot, window: MainWindow,
                                    planned: EventStore) -> None:
    expected = [p for p in list_participants(planned)
                if p.status == "expected" and p.role == "participant"]
    tables_page(window).bus.publish(mark_no_show(planned, expected[0].id,
                                                 actor="test").changes)
    assert all(p.exists() for p in save_screens(window, "tables-cards"))


def test_print_opens_the_print_dialog_and_prints_on_the_printer_chosen(
        qtbot: QtBot, planned: EventStore, tmp_path: Path) -> None:
    """"Print…" goes through the system print dialog (here a seam that returns a printer
    writing a PDF file, as a headless test cannot click a real dialog); saving a PDF is the
    menu's "Save as PDF instead"."""
    asked: list[str] = []

    def ask_print(parent: QWidget, page_size: str, title: str) -> QPrinter | None:
        asked.append(title)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "printed.pdf"))
        return printer

    bus, tasks = ChangeBus(), TaskRunner()
    saved: list[Path] = []
    page = TablesPage(planned, bus, tasks, ask_print=ask_print,
                      choose_save=lambda parent, title, name: saved.append(tmp_path / name)
                      or tmp_path / name)
    page._keep = (bus, tasks)  # type: ignore[attr-defined]
    qtbot.addWidget(page)
    menu = page.print_button.menu()
    assert menu is not None
    labels = [a.text() for a in menu.actions()]
    assert labels[:6] == [text for key, (text, _name) in PRINTS.items() if key != "json"]
    assert "&Save as PDF instead" in labels and "Export PLAN.json…" in labels
    page.paper_actions["list"].trigger()
    qtbot.waitUntil(lambda: page.banner.text().startswith("Sent"), timeout=30_000)
    assert asked == ["Print: Find-your-table list (entrance)"]
    printed = PdfReader(tmp_path / "printed.pdf")
    assert page.banner.text() == ngettext_pages(len(printed.pages))
    assert saved == []                                 # nothing saved as a file
    page.print_actions["list"].trigger()               # "Save as PDF instead"
    qtbot.waitUntil(lambda: page.banner.text().startswith("Saved"), timeout=30_000)
    assert saved == [tmp_path / "find-your-table.pdf"]
    tasks.wait()


def ngettext_pages(n: int) -> str:
    return f"Sent {n} page to the printer." if n == 1 else f"Sent {n} pages to the printer."


def test_cancelling_the_print_dialog_prints_nothing(
        qtbot: QtBot, planned: EventStore) -> None:
    bus, tasks = ChangeBus(), TaskRunner()
    page = TablesPage(planned, bus, tasks, ask_print=lambda parent, size, title: None)
    page._keep = (bus, tasks)  # type: ignore[attr-defined]
    qtbot.addWidget(page)
    assert not page.print_on_paper("list")
    assert page.banner.text() == ""
