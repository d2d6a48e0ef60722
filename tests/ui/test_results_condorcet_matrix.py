"""A one-seat rank question decided by Schulze: the projector and the Results page show the
head-to-head (Condorcet) matrix, the same figures the count has."""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from facilitator.ballots import Answer, Question, create_round, enter, issue_codes
from facilitator.clock import FakeClock
from facilitator.results.count import condorcet_table
from facilitator.results.ops import set_live, set_projected
from facilitator.results.queries import count_round
from facilitator.store import EventStore
from tests.ui.screens import artifacts_dir
from ui.pages.results.view import ResultPanel
from ui.projector_views import ProjectorResultsView

ORDERS = [[0, 2, 1]] * 4 + [[1, 2, 0]] * 3 + [[2, 0, 1]] + [[2, 1, 0]]


def event(tmp_path: Path, clock: FakeClock, question: Question) -> tuple[EventStore, int]:
    store = EventStore.create(tmp_path / "e.facilitator", "Matrix", clock)
    rid = create_round(store, "Plans", [question], actor="t").round.id
    for paper, order in zip(issue_codes(store, rid, len(ORDERS), actor="t").papers, ORDERS,
                            strict=True):
        enter(store, rid, paper.code, [Answer.ranking(question, order)], actor="t")
    set_live(store, rid, True, actor="t")
    set_projected(store, (rid, 0), actor="t")
    return store, rid


def test_projector_shows_the_matrix_of_a_schulze_question(
        qtbot: QtBot, tmp_path: Path, clock: FakeClock) -> None:
    question = Question.rank("Which plan?", ["Park", "Library", "Square"], method="schulze")
    store, rid = event(tmp_path, clock, question)
    view = ProjectorResultsView()
    qtbot.addWidget(view)
    view.resize(1366, 768)
    assert view.refresh(store)
    assert not view.matrix.isHidden()
    texts = [cell.text() for cell in view.matrix.cells][1:]  # after the caption
    assert texts[:5] == ["Option", "1", "2", "3", "Wins"]
    assert texts[-5:] == ["3. Square", "5", "6", "—", "2"]
    table = condorcet_table(count_round(store, rid).questions[0].count)
    assert table is not None and texts[5:] == [c for row in table.rows for c in row]
    if os.environ.get("FACILITATOR_GRAB"):
        assert view.grab().save(str(artifacts_dir() / "projector_matrix.png"))
    store.close()


def test_no_matrix_for_other_questions(qtbot: QtBot, tmp_path: Path, clock: FakeClock) -> None:
    question = Question.rank("Council", ["A", "B", "C", "D"], seats=2)
    store, _rid = event(tmp_path, clock, question)
    view = ProjectorResultsView()
    qtbot.addWidget(view)
    assert view.refresh(store)
    assert view.matrix.isHidden()
    store.close()


def test_results_page_lists_the_matrix(qtbot: QtBot, tmp_path: Path, clock: FakeClock) -> None:
    question = Question.rank("Which plan?", ["Park", "Library", "Square"], method="schulze")
    store, rid = event(tmp_path, clock, question)
    panel = ResultPanel()
    qtbot.addWidget(panel)
    panel.show_result(count_round(store, rid).questions[0])
    html = panel.details_label.text()
    assert "Condorcet matrix" in html and "Schulze" in html
    store.close()


def test_round_editor_offers_the_methods_that_fit_the_seats(qtbot: QtBot) -> None:
    from facilitator.ballots import Kind
    from ui.pages.voting.dialogs import RoundDialog, question_from_draft

    dialog = RoundDialog()
    qtbot.addWidget(dialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(Kind.RANK.value))
    dialog.text_edit.setText("Which plan?")
    dialog.options_edit.setPlainText("Park\nLibrary\nSquare")
    methods = [dialog.method_combo.itemData(i) for i in range(dialog.method_combo.count())]
    assert methods == ["", "irv", "schulze", "ranked-pairs", "copeland", "borda", "dowdall"]
    dialog.method_combo.setCurrentIndex(dialog.method_combo.findData("schulze"))
    assert question_from_draft(dialog.drafts[0]).counted_by == "schulze"
    dialog.seats_spin.setValue(2)  # Schulze elects one: back to the default, STV
    assert dialog.drafts[0]["rank_method"] == ""
    dialog.method_combo.setCurrentIndex(dialog.method_combo.findData("meek-stv"))
    assert question_from_draft(dialog.drafts[0]).counted_by == "meek-stv"
