"""Issues 14/17: the webcam without the paper reader add-on (ui/reader_addon.py). The core app
has zxing-cpp but not OpenCV, numpy or PDFium, so a badge at the check-in desk and a Q&A
question card, which need only their QR code read, are read by the camera all the same;
ballot papers held up to the Reading page's camera are not, and the page says which add-on
to install.

The add-on is made absent in this process as the frozen app lacks it: its modules (and the
paper reader's own, which import them) are blocked in ``sys.modules``, so an import of numpy
or OpenCV on the camera's path fails as it would there, and ``reader_missing`` says so. The
recorded frames are made first (making them takes PDFium and numpy), then go into the camera's
own QVideoSink as in tests/ui/test_reading_camera.py."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from facilitator.people import queries as people_queries
from facilitator.qa.model import table_code
from facilitator.store import EventStore
from tests.ui.screens import artifacts_dir
from ui.bus import ChangeBus
from ui.pages.participants import ParticipantsPage
from ui.pages.qa import QaPage
from ui.reader_addon import ADDON, MODULES, reader_missing
from ui.tasks import TaskRunner

from ..unit.ballots.conftest import open_round, three_questions
from .test_reading_camera import TABLE, push, qr_on_table, reading_page, turn_on

pytestmark = pytest.mark.qt_log_ignore(r"^QRhi\* .*ensureRhi")

TakeAway = Callable[[], None]
BLOCKED = (*MODULES, "facilitator.reading.frames", "facilitator.reading.image")


@pytest.fixture
def without_reader(monkeypatch: pytest.MonkeyPatch) -> TakeAway:
    """Call it to take the add-on away (until the test ends)."""
    def take_away() -> None:
        for name in BLOCKED:
            monkeypatch.setitem(sys.modules, name, None)  # `import name` raises ImportError
        with pytest.raises(ImportError):
            import numpy  # noqa: F401
        assert reader_missing() is not None

    return take_away


def participants_page(qtbot: QtBot, store: EventStore) -> ParticipantsPage:
    page = ParticipantsPage(store, ChangeBus(), TaskRunner())
    qtbot.addWidget(page)
    page.show()
    return page


def test_without_the_reader_a_badge_held_up_checks_its_person_in(
        qtbot: QtBot, demo_store: EventStore, tmp_path: Path, without_reader: TakeAway) -> None:
    event = demo_store
    person = next(p for p in people_queries.list_participants(event)
                  if p.status == "expected" and p.role == "participant")
    badge = qr_on_table(tmp_path, people_queries.badge_link(event).url(person.token))
    without_reader()
    page = participants_page(qtbot, event)
    assert page.camera.toggle.isEnabled()
    reader = turn_on(qtbot, page.camera)
    push(qtbot, reader, TABLE)
    assert people_queries.get(event, person.id).status == "expected"
    push(qtbot, reader, badge)
    assert people_queries.get(event, person.id).status == "checked_in"
    assert person.name in page.banner.text() and "checked in" in page.banner.text()
    page.resize(1366, 768)
    assert page.grab().save(str(artifacts_dir() / "participants_camera_without_reader.png"))
    push(qtbot, reader, badge)  # still held up: checked in once
    (via,) = [row["new"] for row in event.query(
        "SELECT new FROM audit_log WHERE action = 'check_in' AND object_id = ?",
        (str(person.id),))]
    assert '"via": "scan"' in via


def test_without_the_reader_a_ballot_paper_at_the_desk_is_named_not_read(
        qtbot: QtBot, demo_store: EventStore, tmp_path: Path, without_reader: TakeAway) -> None:
    _r, (paper,) = open_round(demo_store, 1, questions=three_questions())
    card = qr_on_table(tmp_path, paper.code)
    without_reader()
    page = participants_page(qtbot, demo_store)
    reader = turn_on(qtbot, page.camera)
    push(qtbot, reader, card)
    assert "ballot paper" in page.banner.text() and "Reading page" in page.banner.text()


def test_without_the_reader_a_question_card_fills_the_new_questions_table(
        qtbot: QtBot, demo_store: EventStore, tmp_path: Path, without_reader: TakeAway) -> None:
    card = qr_on_table(tmp_path, table_code("7"))
    without_reader()
    page = QaPage(demo_store, ChangeBus(), demo_store.clock)
    qtbot.addWidget(page)
    page.show()
    assert page.camera.toggle.isEnabled()
    reader = turn_on(qtbot, page.camera)
    push(qtbot, reader, card)
    assert page.table_edit.text() == "7" and page.text_edit.hasFocus()
    assert not page.camera.preview.pixmap().isNull()  # the preview was painted


def test_without_the_reader_the_reading_pages_camera_stays_off_and_says_why(
        qtbot: QtBot, demo_store: EventStore, without_reader: TakeAway) -> None:
    without_reader()
    page = reading_page(qtbot, demo_store)
    missing = reader_missing()
    assert missing is not None and ADDON in missing
    assert not page.camera.toggle.isEnabled() and page.camera.toggle.toolTip() == missing
    qtbot.mouseClick(page.camera.toggle, Qt.MouseButton.LeftButton)
    assert not page.camera.toggle.isChecked() and page.camera.reader is None
    assert not page.camera.isVisible()
    assert ADDON in page.title.text() and not page.read_button.isEnabled()
