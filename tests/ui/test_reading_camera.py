"""Issue 17: the webcam, without a camera. Recorded frames (our own ballot papers rendered
from their PDF, marked and photographed by program; a badge's and a question card's QR code
on a table) are made QVideoFrames and pushed into the camera's own QVideoSink, so they take
the path a camera's frames take from ``videoFrameChanged`` on (ui/camera.py). Each push waits
for the frame to be read (the reader's ``looked`` signal), never a sleep.

A paper held up is entered once and the chime is asked for; the same paper again is refused
as a re-scan (no second entry); an uncertain paper goes to the review queue; a badge checks
its person in as a scan at the desk does; a question card names the Q&A question's table;
with no camera the panel says so. Frames pushed faster than they are read are not queued:
only the newest is read."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame
from pytestqt.qtbot import QtBot

from facilitator.ballots import queries as ballot_queries
from facilitator.ballots.model import BallotRound
from facilitator.people import queries as people_queries
from facilitator.qa.model import table_code
from facilitator.reading import queries
from facilitator.reports.ballots import paper_layout, write_ballot_papers
from facilitator.store import EventStore
from tests.ui.screens import artifacts_dir
from ui.bus import ChangeBus
from ui.camera import CameraPanel, CameraReader, no_camera_message
from ui.pages.participants import ParticipantsPage
from ui.pages.qa import QaPage
from ui.pages.reading import ReadingPage
from ui.sound import Chime
from ui.tasks import TaskRunner

from ..reading_corpus import mark_page, photograph, render
from ..unit.ballots.conftest import open_round, three_questions
from ..unit.reading.test_frames import badge_frame

# Offscreen there is no GPU: Qt Multimedia converts a frame to an image on the processor
# and says so once (the same line is in ui.sound.BENIGN_QT_MESSAGES).
pytestmark = pytest.mark.qt_log_ignore(r"^QRhi\* .*ensureRhi")

DPI = 150


@pytest.fixture
def event(demo_store: EventStore) -> EventStore:
    return demo_store


def video_frame(image: np.ndarray) -> QVideoFrame:
    """A recorded grey image as the frame a camera hands its sink."""
    height, width = image.shape
    data = np.ascontiguousarray(image)
    qimage = QImage(data.data, width, height, width, QImage.Format.Format_Grayscale8).copy()
    return QVideoFrame(qimage)


def push(qtbot: QtBot, reader: CameraReader, image: np.ndarray,
         filed: ReadingPage | None = None) -> None:
    """One frame into the camera's sink; returns once it has been read (and once ``filed``
    has filed the paper it shows)."""
    signals = [reader.looked] + ([filed.camera_filed] if filed is not None else [])
    with qtbot.waitSignals(signals, timeout=60_000):
        reader.sink.setVideoFrame(video_frame(image))


def turn_on(qtbot: QtBot, panel: CameraPanel) -> CameraReader:
    qtbot.mouseClick(panel.toggle, Qt.MouseButton.LeftButton)
    assert panel.toggle.isChecked() and panel.reader is not None
    return panel.reader


def qr_on_table(tmp_path: Path, text: str) -> np.ndarray:
    """A card with a QR code lying on a grey table, as a 1280x720 camera sees it."""
    return badge_frame(tmp_path, text)


def held_up(store: EventStore, tmp_path: Path, *, marginal: float
            ) -> tuple[BallotRound, list[str], list[np.ndarray]]:
    """A one-page paper, marked, photographed three times as a hand holds it up."""
    r, papers = open_round(store, 1, questions=three_questions())
    pdf = write_ballot_papers(tmp_path / "p.pdf", r, papers, event_name=store.name)
    layout = paper_layout(r, event_name=store.name)
    marked = mark_page(render(pdf, DPI)[0], layout, 0, r.questions,
                       random.Random(11), DPI, style="cross", marginal=marginal, stray=0)
    shots = [photograph(marked.image, random.Random(s), tilt=8, side=1280) for s in range(3)]
    return r, [p.code for p in papers], shots


def reading_page(qtbot: QtBot, store: EventStore) -> ReadingPage:
    page = ReadingPage(store, ChangeBus(), TaskRunner(), chime=Chime())
    page.actor = "Ana"
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    return page


TABLE = np.full((720, 1280), 120, dtype=np.uint8)
"""The camera looking at an empty table: the paper was taken away."""


def test_no_camera_says_so_and_waits_for_one(qtbot: QtBot, event: EventStore) -> None:
    assert CameraReader.cameras() == []  # this machine has no camera
    page = reading_page(qtbot, event)
    assert not page.camera.isVisible()
    turn_on(qtbot, page.camera)
    assert page.camera.isVisible() and not page.camera.running
    assert page.camera.message.text() == no_camera_message()
    assert page.camera.preview.text() == "No picture"
    assert not page.camera.chooser.isVisible()  # nothing to choose from
    assert page.camera.reader is not None and page.camera.reader.wanted  # starts when plugged
    qtbot.mouseClick(page.camera.toggle, Qt.MouseButton.LeftButton)
    assert not page.camera.isVisible() and not page.camera.reader.wanted


def test_a_paper_held_up_is_entered_once_with_the_chime_and_refused_when_shown_again(
        qtbot: QtBot, event: EventStore, tmp_path: Path) -> None:
    r, (code,), shots = held_up(event, tmp_path, marginal=0.0)
    page = reading_page(qtbot, event)
    reader = turn_on(qtbot, page.camera)
    for frame in (TABLE, shots[0]):
        push(qtbot, reader, frame)
    assert ballot_queries.entries(event, r.id) == []
    push(qtbot, reader, shots[1], filed=page)  # two frames agree: read
    (entry,) = ballot_queries.entries(event, r.id)
    assert entry.code == code and entry.operator == "Ana"
    assert page.chime.played == ["read"]
    assert "counted" in page.banner.text()
    assert page.grab().save(str(artifacts_dir() / "reading_camera.png"))
    push(qtbot, reader, shots[2])  # still held up: not read again
    assert page.chime.played == ["read"]
    for frame in (TABLE, shots[0]):  # taken away, then shown again
        push(qtbot, reader, frame)
    push(qtbot, reader, shots[1], filed=page)
    assert len(ballot_queries.entries(event, r.id)) == 1
    assert page.chime.played == ["read", "check"]
    assert "already entered" in page.banner.text()
    statuses = [read.status for read in queries.all_reads(event)]
    assert statuses == [queries.COUNTED, queries.REFUSED]
    actions = [row["action"] for row in event.query(
        "SELECT action FROM audit_log WHERE action LIKE 'ballot%' OR action LIKE 'paper%' "
        "ORDER BY id")]
    assert actions.count("ballot_enter") == 1 and actions.count("paper_read") == 2


def test_an_uncertain_paper_goes_to_the_review_queue(qtbot: QtBot, event: EventStore,
                                                     tmp_path: Path) -> None:
    r, (code,), shots = held_up(event, tmp_path, marginal=1.0)
    page = reading_page(qtbot, event)
    reader = turn_on(qtbot, page.camera)
    push(qtbot, reader, shots[0])
    push(qtbot, reader, shots[1], filed=page)
    assert ballot_queries.entries(event, r.id) == []
    assert page.chime.played == ["check"]
    assert page.queue.count() == 1 and page.fields  # the crops, ready for a person
    (read,) = queries.review_queue(event)
    assert read.code == code and read.crops
    assert "waits for review" in page.banner.text()


def test_a_badge_held_up_to_the_camera_checks_its_person_in(
        qtbot: QtBot, event: EventStore, tmp_path: Path) -> None:
    page = ParticipantsPage(event, ChangeBus(), TaskRunner())
    qtbot.addWidget(page)
    page.show()
    person = next(p for p in people_queries.list_participants(event)
                  if p.status == "expected" and p.role == "participant")
    badge = qr_on_table(tmp_path, people_queries.badge_link(event).url(person.token))
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.search_edit.setFocus()
    assert page.search_edit.hasFocus()
    reader = turn_on(qtbot, page.camera)
    assert page.search_edit.hasFocus()  # clicking Camera leaves the scan field its focus
    push(qtbot, reader, badge)
    assert people_queries.get(event, person.id).status == "checked_in"
    assert person.name in page.banner.text() and "checked in" in page.banner.text()
    def check_ins() -> list[str]:
        return [row["new"] for row in event.query(
            "SELECT new FROM audit_log WHERE action = 'check_in' AND object_id = ?",
            (str(person.id),))]

    (via,) = check_ins()
    assert '"via": "scan"' in via  # exactly as a scan at the desk
    push(qtbot, reader, badge)  # still held up: checked in once
    assert len(check_ins()) == 1


def test_a_question_card_held_up_names_the_questions_table(
        qtbot: QtBot, event: EventStore, tmp_path: Path) -> None:
    page = QaPage(event, ChangeBus(), event.clock)
    qtbot.addWidget(page)
    page.show()
    reader = turn_on(qtbot, page.camera)
    push(qtbot, reader, qr_on_table(tmp_path, table_code("7")))
    assert page.table_edit.text() == "7" and page.text_edit.hasFocus()


def test_frames_come_faster_than_they_are_read_only_the_newest_waits(
        qtbot: QtBot, event: EventStore, tmp_path: Path) -> None:
    """Three frames arrive at once: the first is converted and read, the second is replaced
    by the third while the first is being converted (never queued), the third is read."""
    page = QaPage(event, ChangeBus(), event.clock)
    qtbot.addWidget(page)
    page.show()
    reader = turn_on(qtbot, page.camera)
    looked: list[None] = []
    seen: list[str] = []
    reader.looked.connect(lambda: looked.append(None))
    reader.seen.connect(lambda s, _frame: seen.append(s.text))
    cards = [qr_on_table(tmp_path, table_code(str(n))) for n in (1, 2, 3)]
    for card in cards:  # before the event loop turns
        reader.sink.setVideoFrame(video_frame(card))
    qtbot.waitUntil(lambda: len(looked) == 2, timeout=60_000)
    assert seen == [table_code("1"), table_code("3")] and page.table_edit.text() == "3"
    assert not (reader._converting or reader._reading)  # nothing else was waiting
    assert not page.camera.preview.pixmap().isNull()  # the preview was painted
