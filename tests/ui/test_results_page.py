"""The Results page: hidden until closed or live, updating as ballots arrive, the result
sheet saved and printed (through QtPdf onto a QPrinter), exports, the projector view."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from facilitator.ballots import Answer, close_round, enter, issue_codes
from facilitator.clock import FakeClock
from facilitator.demo import sample_round
from facilitator.results.queries import projected
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.pages.base import Page
from ui.pages.results import ResultsPage
from ui.pages.results.printing import print_pdf
from ui.projector import ProjectorWindow


class Saver:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.asked: list[str] = []

    def __call__(self, parent: QWidget, title: str, suggested: str) -> Path | None:
        self.asked.append(suggested)
        return self.folder / suggested


@pytest.fixture
def page(qtbot: QtBot, demo_store: EventStore, tmp_path: Path) -> ResultsPage:
    sample_round(demo_store, 24)
    bus = ChangeBus()
    printers: list[QPrinter] = []

    def ask_print(parent: QWidget, page_size: str) -> QPrinter | None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "printed.pdf"))
        printers.append(printer)
        return printer

    widget = ResultsPage(demo_store, bus, choose_save=Saver(tmp_path), ask_print=ask_print)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    return widget


def test_hidden_until_live_then_shows_every_question(page: ResultsPage, qtbot: QtBot) -> None:
    assert page.results is not None and not page.results.visible
    assert "hidden" in page.status_label.text()
    assert page.panel.verdict_label.text() == "Hidden until the round is closed"
    assert "(hidden)" in page.question_list.item(0).text()
    assert not page.project_button.isEnabled()
    page.live_box.click()
    assert page.results.visible and page.panel.verdict_label.text().startswith("PASSED")
    assert page.question_list.count() == 10
    page.question_list.setCurrentRow(4)
    assert page.panel.verdict_label.text().startswith("Elected: ")
    assert len(page.panel.chart.lines) == 6
    page.question_list.setCurrentRow(8)
    assert page.rule_label.isVisible() and "Greedy by votes" in page.rule_label.text()


def test_updates_as_ballots_arrive(page: ResultsPage, demo_store: EventStore) -> None:
    page.live_box.click()
    results = page.results
    assert results is not None
    before = results.questions[0].count.lines[0].value
    rid = results.round.id
    code = issue_codes(demo_store, rid, 1, actor="test").papers[0].code
    answers = [Answer.choose(q, 0) if i == 0 else Answer.blank(q)
               for i, q in enumerate(results.round.questions)]
    changes = enter(demo_store, rid, code, answers, actor="t").changes
    page.bus.publish(changes)
    assert page.results is not None
    assert page.results.questions[0].count.lines[0].value == before + 1


def test_save_pdf_print_and_export(page: ResultsPage, tmp_path: Path) -> None:
    assert page.save_pdf() is None  # hidden: refused with a message
    assert "hidden" in page.banner.text()
    page.live_box.click()
    saved = page.save_pdf()
    assert saved is not None and len(PdfReader(saved).pages) >= 10
    assert page.print_sheet() and "Sent" in page.banner.text()
    printed = PdfReader(tmp_path / "printed.pdf")
    assert len(printed.pages) == len(PdfReader(saved).pages)
    csv_path = page.export("csv", "b.csv")
    assert csv_path is not None and csv_path.read_text().startswith("ballot,spoiled")
    page.question_list.setCurrentRow(4)
    blt = page.export("blt", "q5.blt")
    assert blt is not None and blt.read_text().splitlines()[0].split()[1] == "3"


def test_projector_shows_the_chosen_result(page: ResultsPage, demo_store: EventStore,
                                           clock: FakeClock, qtbot: QtBot) -> None:
    assert page.results is not None
    close_round(demo_store, page.results.round.id, note="test", actor="test")
    page.refresh()
    assert "final results" in page.status_label.text()
    projector = ProjectorWindow(demo_store, page.bus, clock)
    qtbot.addWidget(projector)
    projector.show()  # a hidden projector only catches up when shown
    page.question_list.setCurrentRow(2)
    page.toggle_projector()
    assert projected(demo_store) == (page.results.round.id, 2)
    assert projector.views.currentIndex() == 3
    assert projector.results_view.verdict_label.text() == page.panel.verdict_label.text()
    page.toggle_projector()
    assert projected(demo_store) is None and projector.views.currentIndex() != 3


def test_print_pdf_refuses_a_broken_file(tmp_path: Path, qtbot: QtBot) -> None:
    broken = tmp_path / "x.pdf"
    broken.write_bytes(b"not a pdf")
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    with pytest.raises(Exception, match="could not be read"):
        print_pdf(broken, printer)


def test_no_round_yet(qtbot: QtBot, demo_store: EventStore) -> None:
    widget = ResultsPage(demo_store, ChangeBus())
    qtbot.addWidget(widget)
    assert widget.results is None and "No ballot round" in widget.status_label.text()
    assert not widget.print_button.isEnabled()


def test_a_page_on_the_base_its_ops_name_its_actor(qtbot: QtBot, demo_store: EventStore) -> None:
    """Live results and the projector go through Page.run with the page's actor."""
    rid = sample_round(demo_store, 6)
    widget = ResultsPage(demo_store, ChangeBus(), actor="desk 2")
    qtbot.addWidget(widget)
    widget.show()
    assert isinstance(widget, Page)
    widget.live_box.click()
    widget.toggle_projector()
    assert projected(demo_store) == (rid, 0)
    rows = demo_store.query("SELECT action, actor FROM audit_log WHERE action LIKE 'results_%' "
                            "ORDER BY id")
    assert [(r["action"], r["actor"]) for r in rows] == [("results_live", "desk 2"),
                                                         ("results_projector", "desk 2")]


def test_hidden_page_is_stale_and_recounts_when_shown(page: ResultsPage,
                                                      demo_store: EventStore) -> None:
    page.live_box.click()
    assert page.results is not None
    rid, counted = page.results.round.id, page.results.questions[0].turnout.voted
    page.hide()
    code = issue_codes(demo_store, rid, 1, actor="test").papers[0].code
    paper = [Answer.blank(q) for q in page.results.round.questions]
    page.bus.publish(enter(demo_store, rid, code, paper, actor="t").changes)
    assert page.stale and page.results.questions[0].turnout.voted == counted  # no recount
    page.show()
    assert not page.stale and page.results.questions[0].turnout.voted == counted + 1
