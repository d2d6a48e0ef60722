"""The Q&A page from the keyboard, and the question on the projector."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from facilitator.clock import FakeClock
from facilitator.people import list_participants
from facilitator.qa import ops
from facilitator.qa import queries as qa
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.pages.qa import QaPage
from ui.pages.qa.dialogs import ExpertsDialog, NewPanel
from ui.projector import ProjectorWindow


class Harness:
    def __init__(self, page: QaPage, bus: ChangeBus, store: EventStore, clock: FakeClock,
                 answers: list[str | None]) -> None:
        self.page, self.bus, self.store, self.clock, self.answers = (page, bus, store, clock,
                                                                     answers)


@pytest.fixture
def harness(qtbot: QtBot, demo_store: EventStore, clock: FakeClock, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Harness:
    experts = [p.id for p in list_participants(demo_store) if p.role == "expert"]
    monkeypatch.setattr(ExpertsDialog, "ask_panel",
                        classmethod(lambda cls, parent, people: NewPanel("Transport", experts)))
    answers: list[str | None] = []
    bus = ChangeBus()
    page = QaPage(demo_store, bus, clock,
                  ask_text_fn=lambda parent, title, label, text: answers.pop(0),
                  choose_save=lambda parent, title, name: tmp_path / name)
    page._keep = bus  # type: ignore[attr-defined]
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.new_panel_button.click()
    return Harness(page, bus, demo_store, clock, answers)


def add(qtbot: QtBot, page: QaPage, table: str, text: str) -> None:
    page.table_edit.setFocus()
    page.table_edit.clear()
    qtbot.keyClicks(page.table_edit, table)
    qtbot.keyClick(page.table_edit, Qt.Key.Key_Return)
    assert page.text_edit.hasFocus()
    qtbot.keyClicks(page.text_edit, text)
    qtbot.keyClick(page.text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def cell(page: QaPage, row: int, column: int) -> str:
    item = page.table.item(row, column)
    assert item is not None
    return item.text()


def test_new_panel_then_capture_from_keyboard_and_table_card(qtbot: QtBot,
                                                             harness: Harness) -> None:
    page, store = harness.page, harness.store
    assert page.panel_id is not None and "Transport" in page.panel_combo.currentText()
    add(qtbot, page, "4", "Why not trams?")
    add(qtbot, page, "FACILITATOR-TABLE:7", "Who pays?")  # scanned card
    questions = qa.questions(store, page.panel_id)
    assert [(q.table, q.text, q.status) for q in questions] == [
        ("4", "Why not trams?", "approved"), ("7", "Who pays?", "approved")]
    assert page.table.rowCount() == 2
    assert page.banner.kind == "ok"


def test_moderate_merge_vote_and_ask_in_round_robin(qtbot: QtBot, harness: Harness) -> None:
    page, store, clock = harness.page, harness.store, harness.clock
    page.approve_box.setChecked(False)
    for table, text in (("1", "a1"), ("1", "a2"), ("2", "b1"), ("2", "b1 again"), ("3", "c1")):
        add(qtbot, page, table, text)
        clock.advance(1)
    page.view_combo.setCurrentIndex(page.view_combo.findData("pending"))
    assert page.table.rowCount() == 5
    page.table.setFocus()
    page.table.selectAll()
    qtbot.keyClick(page.table, Qt.Key.Key_F3)
    page.view_combo.setCurrentIndex(page.view_combo.findData("queue"))
    ids = {q.text: q.id for q in qa.questions(store, page.panel_id)}  # type: ignore[arg-type]
    page._select([ids["b1"], ids["b1 again"]])
    page.merge_selected()
    merged = qa.question(store, ids["b1"])
    assert merged.sources == [ids["b1 again"]]
    page._select([ids["a2"]])
    qtbot.keyClick(page.table, Qt.Key.Key_Plus)
    qtbot.keyClick(page.table, Qt.Key.Key_Plus)
    assert qa.question(store, ids["a2"]).votes == 2
    order = [int(cell(page, r, 0)) for r in range(page.table.rowCount())]
    assert order == [ids["a2"], ids["b1"], ids["c1"], ids["a1"]]
    assert "its first question" in cell(page, 0, 5)
    qtbot.keyClick(page, Qt.Key.Key_F6)
    assert qa.question(store, ids["a2"]).status == "now"
    assert page.now_label.text() == "a2"
    clock.advance(70)
    page._on_ticker_timeout()
    assert page.timer_label.text() == "1:50"
    qtbot.keyClick(page, Qt.Key.Key_F9)
    assert qa.question(store, ids["a2"]).status == "answered"


def test_edit_keeps_original_and_decline_needs_reason(qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    add(qtbot, page, "5", "buses??")
    qid = qa.questions(store, page.panel_id)[0].id  # type: ignore[arg-type]
    page._select([qid])
    harness.answers.append("Would more buses help?")
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    q = qa.question(store, qid)
    assert q.text == "Would more buses help?" and q.original_text == "buses??"
    assert "✎" in cell(page, 0, 3)
    qtbot.keyClick(page, Qt.Key.Key_F6)
    harness.answers.append(None)  # the facilitator cancels the reason dialog
    qtbot.keyClick(page, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert qa.question(store, qid).status == "now"
    harness.answers.append("Not for this panel")
    qtbot.keyClick(page, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert qa.question(store, qid).status == "declined"


def test_deferred_question_written_answer_and_exports(qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    add(qtbot, page, "2", "What does a tram cost?")
    qid = qa.questions(store, page.panel_id)[0].id  # type: ignore[arg-type]
    qtbot.keyClick(page, Qt.Key.Key_F6)
    qtbot.keyClick(page, Qt.Key.Key_F10)
    assert qa.question(store, qid).status == "deferred"
    page.view_combo.setCurrentIndex(page.view_combo.findData("done"))
    page._select([qid])
    harness.answers.append("About 20 million per km.")
    page.answer_button.click()
    assert qa.written_answers(store, qid)[0].text == "About 20 million per km."
    csv_path = page.export_csv()
    assert csv_path is not None and "About 20 million per km." in csv_path.read_text("utf-8")
    pdf_path = page.export_pdf()
    assert pdf_path is not None and pdf_path.read_bytes().startswith(b"%PDF")


def test_projector_shows_the_question_being_asked(qtbot: QtBot, harness: Harness) -> None:
    page, store, clock, bus = harness.page, harness.store, harness.clock, harness.bus
    projector = ProjectorWindow(store, bus, clock)
    qtbot.addWidget(projector)
    projector.show()
    add(qtbot, page, "9", "Is the ring road needed?")
    assert projector.views.currentIndex() == 0
    qtbot.keyClick(page, Qt.Key.Key_F6)
    assert projector.views.currentIndex() == 2
    assert projector.question_label.text() == "Is the ring road needed?"
    assert projector.question_meta_label.text().startswith("Table 9 asks")
    assert projector.question_timer_label.text() == "3:00"
    qtbot.keyClick(page, Qt.Key.Key_F9)
    assert projector.views.currentIndex() == 0


def test_print_question_cards_for_the_tables(qtbot: QtBot, harness: Harness, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader

    page = harness.page
    monkeypatch.setattr(page, "_ask_tables", lambda parent, default: 5)
    path = page.print_cards()
    assert path is not None
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert text.count("Question for the expert panel") == 5 and "Table 5" in text


def test_page_ops_name_the_app_in_the_audit_log(qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    add(qtbot, page, "4", "Why not trams?")
    page.table.setFocus()
    page.table.selectAll()
    qtbot.keyClick(page.table, Qt.Key.Key_Plus)
    qtbot.keyClick(page, Qt.Key.Key_F6)
    rows = store.query("SELECT action, actor FROM audit_log "
                       "WHERE object_type IN ('qa_panel', 'question') ORDER BY id")
    assert [r["action"] for r in rows] == ["create_panel", "add_question", "question_votes",
                                           "ask_question"]
    assert {r["actor"] for r in rows} == {"app"}


def test_a_hidden_page_catches_up_when_shown_and_its_timer_sleeps(qtbot: QtBot,
                                                                  harness: Harness) -> None:
    page, store, bus = harness.page, harness.store, harness.bus
    add(qtbot, page, "4", "Why not trams?")
    qtbot.keyClick(page, Qt.Key.Key_F6)
    assert page._ticker.isActive()
    page.hide()
    assert not page._ticker.isActive()
    panel_id = page.panel_id
    assert panel_id is not None
    added = ops.add_question(store, panel_id, "6", "From another desk", approved=True,
                             actor="desk 2")
    bus.publish(added.changes)
    assert page.stale and page.table.rowCount() == 1
    page.show()
    qtbot.waitExposed(page)
    assert not page.stale and page.table.rowCount() == 2
    assert page._ticker.isActive()


# -- issue 13: keys on the list ---------------------------------------------------------------


def test_plus_votes_with_shift_equals_and_the_keypad(qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    add(qtbot, page, "1", "Why trams?")
    qid = qa.questions(store, page.panel_id)[0].id  # type: ignore[arg-type]
    page._select([qid])
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Plus, Qt.KeyboardModifier.ShiftModifier)  # Shift+=
    qtbot.keyClick(page.table, Qt.Key.Key_Plus, Qt.KeyboardModifier.KeypadModifier)
    assert qa.question(store, qid).votes == 2
    qtbot.keyClick(page.table, Qt.Key.Key_Minus, Qt.KeyboardModifier.KeypadModifier)
    assert qa.question(store, qid).votes == 1


def test_letters_typed_into_the_list_go_to_the_question_field(
        qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    page.approve_box.setChecked(False)
    add(qtbot, page, "1", "Pending one")
    page.view_combo.setCurrentIndex(page.view_combo.findData("pending"))
    qid = qa.questions(store, page.panel_id)[0].id  # type: ignore[arg-type]
    page._select([qid])
    page.table.setFocus()
    qtbot.keyClicks(page.table, "ah what")
    assert qa.question(store, qid).status == "pending"  # neither approved (a) nor hidden (h)
    assert page.text_edit.toPlainText() == "ah what"
    assert page.text_edit.hasFocus()
    page.table.setFocus()
    page._select([qid])
    qtbot.keyClick(page.table, Qt.Key.Key_F3)
    assert qa.question(store, qid).status == "approved"
    page.view_combo.setCurrentIndex(page.view_combo.findData("all"))
    page._select([qid])
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert qa.question(store, qid).status == "hidden"


def test_one_question_merged_is_singular(qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    add(qtbot, page, "1", "Trams?")
    add(qtbot, page, "2", "Trams again?")
    ids = [q.id for q in qa.questions(store, page.panel_id)]  # type: ignore[arg-type]
    page._select(ids)
    page.merge_selected()
    assert page.banner.text() == f"1 question merged into question {ids[0]}."
