"""Issue 17: the review screen, from the keyboard. A page the reader could not call shows
each question's crop beside what was read; Enter confirms (as read, or as typed in the
question's correction field), Delete sets a page aside; each decision is logged with who.
Reading a scanner's PDF runs off the GUI thread with progress."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from facilitator.ballots import queries as ballot_queries
from facilitator.clock import FakeClock
from facilitator.reading import ops, queries
from facilitator.reading.image import read_image
from facilitator.reading.sources import SourcePage
from facilitator.reports.ballots import paper_layout, write_ballot_papers
from facilitator.store import EventStore
from tests.ui.screens import artifacts_dir
from ui.bus import ChangeBus
from ui.pages.reading import ReadingPage
from ui.pages.reading.page import parse_correction
from ui.tasks import TaskRunner

from ..reading_corpus import mark_page, render
from ..unit.ballots.conftest import open_round, three_questions

DPI = 150


@pytest.fixture
def event(tmp_path: Path) -> Iterator[EventStore]:
    from facilitator.demo import create_demo_event

    store = create_demo_event(tmp_path / "demo.facilitator", FakeClock())
    yield store
    store.close()


def marked_pages(store: EventStore, tmp_path: Path, n: int, *, marginal: float
                 ) -> tuple[object, list, Path]:
    r, papers = open_round(store, n, questions=three_questions())
    pdf = write_ballot_papers(tmp_path / "p.pdf", r, papers, event_name=store.name)
    layout = paper_layout(r, event_name=store.name)
    rng = random.Random(9)
    marked = [mark_page(image, layout, 0, r.questions, rng, DPI, style="cross",
                        marginal=marginal, stray=0) for image in render(pdf, DPI)]
    return r, marked, pdf


def test_enter_confirms_with_a_typed_correction_and_delete_sets_aside(
        qtbot: QtBot, event: EventStore, tmp_path: Path) -> None:
    r, marked, _pdf = marked_pages(event, tmp_path, 2, marginal=1.0)
    for i, m in enumerate(marked):
        got = read_image(m.image, queries.paper_for(event))
        ops.file_page(event, SourcePage(f"scan p{i + 1}", got, m.image), actor="reader")
    page = ReadingPage(event, ChangeBus(), TaskRunner(), )
    page.actor = "Bea"
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    assert page.queue.count() == 2 and page.fields
    assert page.grab().save(str(artifacts_dir() / "reading_page.png"))
    first = page.current_id()
    read = queries.get_read(event, first or 0)
    truth = marked[0].truth
    for q, field in page.fields.items():  # type what the paper says
        answer = truth[q]
        question = r.questions[q]  # type: ignore[attr-defined]
        if question.kind.value in ("rank",):
            text = " ".join("-" if m is None else str(m) for m in answer.marks)
        else:
            text = " ".join(str(i + 1) for i, m in enumerate(answer.marks) if m)
        assert parse_correction(question, text) == answer or not text
        field.setText(text)
    assert read.code is not None
    qtbot.keyClick(page.fields[next(iter(page.fields))], Qt.Key.Key_Return)
    (entry,) = ballot_queries.entries(event, r.id)  # type: ignore[attr-defined]
    assert entry.operator == "Bea" and entry.code == read.code
    assert page.queue.count() == 1
    qtbot.keyClick(page.queue, Qt.Key.Key_Delete)
    assert page.queue.count() == 0 and "Nothing waits" in page.title.text()
    actions = [row["action"] for row in event.query(
        "SELECT action FROM audit_log WHERE actor = 'Bea' ORDER BY id")]
    assert actions == ["paper_read_confirm", "ballot_enter", "paper_read_dismiss"]


def test_a_wrong_correction_is_refused_in_one_sentence(qtbot: QtBot, event: EventStore,
                                                        tmp_path: Path) -> None:
    _r, marked, _pdf = marked_pages(event, tmp_path, 1, marginal=1.0)
    got = read_image(marked[0].image, queries.paper_for(event))
    ops.file_page(event, SourcePage("scan", got, marked[0].image), actor="reader")
    page = ReadingPage(event, ChangeBus(), TaskRunner())
    qtbot.addWidget(page)
    page.show()
    field = next(iter(page.fields.values()))
    field.setText("9 9 zz")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert page.queue.count() == 1 and "is not an answer" in page.banner.text()


def test_reading_a_scanner_pdf_off_the_gui_thread(qtbot: QtBot, event: EventStore,
                                                   tmp_path: Path) -> None:
    from PIL import Image

    r, marked, _pdf = marked_pages(event, tmp_path, 3, marginal=0.0)
    scan = tmp_path / "scan.pdf"
    images = [Image.fromarray(m.image) for m in marked]
    images[0].save(scan, save_all=True, append_images=images[1:], resolution=float(DPI))
    tasks = TaskRunner()
    page = ReadingPage(event, ChangeBus(), tasks, choose=lambda _parent: scan)
    qtbot.addWidget(page)
    page.show()
    seen: list[tuple[int, int]] = []
    page._relay.moved.connect(lambda d, t: seen.append((d, t)))
    qtbot.mouseClick(page.read_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.read_button.isEnabled(), timeout=60_000)
    assert seen[-1] == (3, 3)
    assert "3 pages counted" in page.banner.text()
    assert len(ballot_queries.entries(event, r.id)) == 3  # type: ignore[attr-defined]
