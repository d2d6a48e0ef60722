"""The Polls page runs a poll from its definition to the printed report: define from a file,
open and close the waves (answers arrive from phones), close the poll, read the table, print
the report (read back with pypdf and rendered with QtPdf), export, and project."""

from __future__ import annotations

import random
import time
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from facilitator.clock import FakeClock
from facilitator.people import list_participants
from facilitator.polls import ops, queries
from facilitator.polls.demo import demo_questionnaire
from facilitator.polls.model import to_json
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.context import AppContext
from ui.pages.polls import PollsPage
from ui.projector import ProjectorWindow


def render(pdf: Path, page: int = 0, dpi: int = 60) -> QImage:
    document = QPdfDocument()
    document.load(str(pdf))
    assert document.status() == QPdfDocument.Status.Ready
    points = document.pagePointSize(page)
    size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.drawImage(0, 0, document.render(page, size))
    painter.end()
    document.close()
    return image


def ink(image: QImage) -> int:
    """How many sampled pixels are not white (the page is not blank)."""
    return sum(1 for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)
               if image.pixelColor(x, y).lightness() < 200)


def answers(rng: random.Random, wave: int) -> dict[str, object]:
    return {"streets": min(10, rng.randint(2, 7) + 2 * (wave - 1)), "buses": rng.randint(0, 10),
            "drivers": rng.randint(0, 10), "affects": rng.randint(1, 5),
            "travel": rng.choice([1, 2, 3, 4, 5, "dk"]), "carfree": int(rng.random() < .5),
            "charge": int(rng.random() < .3), "budget": rng.randint(0, 3),
            "k_trips": 2 if rng.random() < .3 * wave else 0, "k_air": rng.choice([0, 1, "dk"]),
            "k_bus": 1, "k_cost": rng.randint(0, 2)}


def test_a_poll_from_definition_to_printed_report(
        qtbot: QtBot, demo_store: EventStore, clock: FakeClock, tmp_path: Path) -> None:
    bus = ChangeBus()
    page = PollsPage(demo_store, bus)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    assert not page.open_button.isEnabled() and "No poll yet" in page.status_label.text()
    definition = tmp_path / "questionnaire.json"
    definition.write_text(to_json(demo_questionnaire()), encoding="utf-8")
    page.open_chooser = lambda _parent, _title: definition
    page.new_poll()
    poll_id = page.poll_id
    assert poll_id is not None and "Not started" in page.status_label.text()

    people = [p for p in list_participants(demo_store) if p.role == "participant"][:30]
    rng = random.Random(16)
    for wave in (1, 2):
        page.open_button.click()
        assert page.close_wave_button.isEnabled() and f"Wave {wave}" in page.status_label.text()
        for person in people[: 30 if wave == 1 else 27]:  # a phone answers; the server
            bus.publish(ops.answer(demo_store, poll_id, person.id, answers(rng, wave),
                                   actor="phone").changes)  # publishes its changes
        page.close_wave_button.click()
    assert "End: 27" in page.status_label.text()
    page.confirm = lambda _text: False
    page.close_poll_button.click()
    assert queries.poll(demo_store, poll_id).status == "open"
    page.confirm = lambda _text: True
    page.close_poll_button.click()
    assert "Closed" in page.status_label.text() and not page.open_button.isEnabled()

    analysis = queries.analysis(demo_store, poll_id)
    assert page.analysis == analysis and analysis.n_pairs == 27
    calming = analysis.row("calming")
    first = [page.table.item(0, c).text() for c in range(5)]  # type: ignore[union-attr]
    assert first == [calming.variable.label, str(calming.n), f"{calming.before:.2f}",
                     f"{calming.after:.2f}", f"{calming.change:+.2f}{calming.stars}"]
    assert calming.stars  # streets moved by +2 at wave 2
    page.correction_combo.setCurrentIndex(page.correction_combo.findData("holm"))
    assert page.analysis is not None and page.analysis.correction == "holm"

    grab = tmp_path / "polls-page.png"
    page.grab().save(str(grab))
    saved: dict[str, Path] = {}

    def chooser(_parent: QWidget, _title: str, suggested: str) -> Path:
        saved[suggested] = tmp_path / suggested
        return tmp_path / suggested

    page.save_chooser = chooser
    pdf = page.print_report()
    assert pdf is not None and pdf.exists()
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    holm = page.analysis.row("calming")
    assert "Deliberative poll: Views on transport in Riverside" in text
    assert "Support for traffic calming" in text and "Knowledge index" in text
    assert f"{holm.change:+.2f}{holm.stars}" in text
    assert "adjusted by Holm" in text.replace("\n", " ")
    image = render(pdf)
    assert image.width() > image.height() and ink(image) > 500  # landscape, printed
    assert page.export_csv() is not None and page.export_json() is not None
    assert saved["poll-pairs.csv"].read_text(encoding="utf-8").count(",panel,") == 27
    page.close()


def test_the_projector_reveals_what_the_desk_chose(
        qtbot: QtBot, demo_store: EventStore, clock: FakeClock, tmp_path: Path) -> None:
    bus = ChangeBus()
    page = PollsPage(demo_store, bus)
    qtbot.addWidget(page)
    projector = ProjectorWindow(demo_store, bus, clock)
    qtbot.addWidget(projector)
    projector.show()
    qtbot.waitExposed(projector)
    poll_id = ops.create_poll(demo_store, demo_questionnaire(), actor="test").poll_id
    ops.open_wave(demo_store, poll_id, actor="test")
    rng = random.Random(3)
    people = [p for p in list_participants(demo_store) if p.role == "participant"][:12]
    for person in people:
        ops.answer(demo_store, poll_id, person.id, answers(rng, 1), actor="phone")
    ops.close_wave(demo_store, poll_id, actor="test")
    ops.open_wave(demo_store, poll_id, actor="test")
    for person in people:
        ops.answer(demo_store, poll_id, person.id, answers(rng, 2), actor="phone")
    bus.publish(ops.close_wave(demo_store, poll_id, actor="test"))
    page.show()  # a hidden page catches up when shown
    qtbot.waitExposed(page)
    assert page.poll_id == poll_id
    assert projector.views.currentWidget() is not projector.poll_view
    page.reveal_combo.setCurrentIndex(page.reveal_combo.findData("indices"))
    page.project_button.click()
    assert projector.views.currentWidget() is projector.poll_view
    assert [r.variable.key for r in projector.poll_view.rows] == [
        "calming", "climate", "knowledge"]
    assert "12 people answered both" in projector.poll_view.title_label.text()
    page.reveal_combo.setCurrentIndex(page.reveal_combo.findData("knowledge"))
    page.project_button.click()
    assert [r.variable.key for r in projector.poll_view.rows] == [
        "knowledge", "k_trips", "k_air", "k_bus", "k_cost"]
    shot = tmp_path / "projector-poll.png"
    projector.grab().save(str(shot))
    page.unproject_button.click()
    assert projector.views.currentWidget() is not projector.poll_view
    projector.close()
    page.close()


def test_the_apps_demo_event_has_the_demo_poll(qtbot: QtBot, context: AppContext) -> None:
    """"Try the demo" builds the event the 'demo' command builds: the closed demo poll is on
    the Polls page, its table filled (one transaction for its answers: a quick start)."""
    from ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    started = time.perf_counter()
    window.open_demo()
    took = time.perf_counter() - started
    assert window.store is not None and window.store.path == context.demo_path
    polls = queries.polls(window.store)
    assert [(p.status, len(p.questionnaire.items)) for p in polls] == [("closed", 12)]
    page = window.pages["polls"]
    assert isinstance(page, PollsPage) and page.analysis is not None
    assert page.analysis.n_pairs > 100 and page.table.rowCount() > 12
    assert "Against the control sample" in page.control_label.text()
    print(f"the app's demo event built in {took:.2f} s")
    window.close()
