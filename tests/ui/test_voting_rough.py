"""Issue 13, the Voting page's rough edges: one round chosen on the page (the Phones tab
follows it, and the page follows the tab), PB costs typed as people type them."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from facilitator.ballots import Kind, Question, QuestionError, create_round
from facilitator.store import EventStore
from tests.ui.screens import save_screens
from ui.bus import ChangeBus
from ui.pages.voting import VotingPage
from ui.pages.voting.dialogs import (
    PrintDialog,
    PrintRequest,
    blank_draft,
    question_from_draft,
)
from ui.tasks import TaskRunner


@pytest.fixture
def page(qtbot: QtBot, demo_store: EventStore) -> VotingPage:
    bus = ChangeBus()
    tasks = TaskRunner()
    widget = VotingPage(demo_store, bus, tasks)
    widget._keep = (bus, tasks)  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def two_phone_rounds(page: VotingPage) -> tuple[int, int]:
    ids = []
    for title in ("Transport", "Housing"):
        created = create_round(page.store, title, (Question.yes_no(f"{title}?"),),
                               channel="phones", actor="test")
        page.bus.publish(created.changes)
        ids.append(created.round.id)
    page.phone_panel.reload()
    return ids[0], ids[1]


def test_the_phones_tab_shows_the_pages_round_and_the_page_follows_the_tab(
        qtbot: QtBot, page: VotingPage) -> None:
    first, second = two_phone_rounds(page)
    page.select_round(first)
    page.tabs.setCurrentWidget(page.phone_panel)
    assert page.phone_panel.round_combo.currentData() == first
    panel = page.phone_panel.round_combo
    panel.setCurrentIndex(panel.findData(second))           # chosen on the tab
    current = page.current_round()
    assert current is not None and current.id == second
    page.select_round(first)                                 # chosen on the page
    assert panel.currentData() == first
    save_screens(page, "voting-phones-one-round")


def test_pb_costs_are_read_as_typed_in_the_round_dialog() -> None:
    draft = blank_draft(Kind.BUDGET)
    draft.update(text="Spend the budget", budget="£250,000",
                 options="Library roof; £180,000\nBenches; 8 000,50\nTrees; 12.000")
    q = question_from_draft(draft)
    assert [p.cost for p in q.projects] == [Fraction(180000), Fraction(800050, 100),
                                            Fraction(12000)]
    assert q.budget == 250000


def test_a_bad_cost_in_the_round_dialog_names_the_project() -> None:
    draft = blank_draft(Kind.BUDGET)
    draft.update(text="Spend the budget", budget="250000",
                 options="Library roof; £180,000\nYouth club; sixty thousand")
    with pytest.raises(QuestionError) as refused:
        question_from_draft(draft)
    assert "“Youth club”" in refused.value.message and "p2" not in refused.value.message


def test_print_papers_goes_to_the_print_dialog_one_page_a_paper(
        qtbot: QtBot, demo_store: EventStore, tmp_path: Path) -> None:
    """"Print papers…" sends the papers to the printer chosen in the system print dialog (a
    seam here: a printer writing a PDF file); a PDF file stays one choice in the dialog."""
    asked: list[tuple[str, str]] = []

    def ask_printer(parent: QWidget, page_size: str, title: str) -> QPrinter | None:
        asked.append((page_size, title))
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "printed.pdf"))
        return printer

    saved: list[str] = []
    bus, tasks = ChangeBus(), TaskRunner()
    page = VotingPage(demo_store, bus, tasks, ask_printer=ask_printer,
                      ask_print=lambda parent, r, n, b: PrintRequest(3, None, "A4",
                                                                     to_printer=True),
                      choose_save=lambda parent, title, name: saved.append(name) or None)
    page._keep = (bus, tasks)  # type: ignore[attr-defined]
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    created = create_round(demo_store, "Afternoon vote", (
        Question.yes_no("Trams?"), Question.rank("Priority", ["Buses", "Trams", "Bikes"]),
        Question.yes_no("Car-free Saturdays?")), actor="test")
    bus.publish(created.changes)
    page.select_round(created.round.id)
    page.print_button.click()
    qtbot.waitUntil(lambda: "sent to the printer" in page.banner.text(), timeout=30_000)
    assert asked == [("A4", "Print ballot papers")] and saved == []
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 3      # one page a paper
    assert "3 papers (3 pages) sent to the printer" in page.banner.text()
    tasks.wait()


def test_the_print_papers_dialog_offers_printer_or_pdf(qtbot: QtBot,
                                                       demo_store: EventStore) -> None:
    created = create_round(demo_store, "R", (Question.yes_no("Q?"),), actor="test").round
    dialog = PrintDialog(created, 10, [])
    qtbot.addWidget(dialog)
    assert dialog.request().to_printer                       # the print dialog by default
    dialog.pdf_button.setChecked(True)
    assert not dialog.request().to_printer
