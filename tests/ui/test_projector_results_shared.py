"""The two projector result views (the Results page's plain one and the projector window's,
with the verdict's basis, threshold and live bars) find the projected question in one place,
:func:`ui.pages.results.view.projected_question`, and show it with one method."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from facilitator.ballots import Answer, Question, close_round, create_round, enter, issue_codes
from facilitator.clock import FakeClock
from facilitator.results.ops import set_live, set_projected
from facilitator.store import EventStore
from ui.pages.results import view as results_view
from ui.pages.results.view import ProjectorResults, projected_question
from ui.projector_views import ProjectorResultsView

QUESTION = Question.yes_no("Trams on Queen Street?")


@pytest.fixture
def event(tmp_path: Path, clock: FakeClock) -> tuple[EventStore, int]:
    store = EventStore.create(tmp_path / "e.facilitator", "Shared", clock)
    rid = create_round(store, "Transport", [QUESTION], actor="t").round.id
    for paper, yes in zip(issue_codes(store, rid, 5, actor="t").papers,
                          [True, True, True, False, True], strict=True):
        enter(store, rid, paper.code, [Answer.choose(QUESTION, 0 if yes else 1)], actor="t")
    return store, rid


def views(qtbot: QtBot) -> list[ProjectorResults]:
    shown: list[ProjectorResults] = [ProjectorResults(), ProjectorResultsView()]
    for view in shown:
        qtbot.addWidget(view)
        view.resize(1366, 768)
    return shown


def test_both_views_show_the_projected_question_found_in_one_place(
        qtbot: QtBot, event: tuple[EventStore, int], monkeypatch: pytest.MonkeyPatch) -> None:
    store, rid = event
    both = views(qtbot)
    assert projected_question(store) is None
    assert [v.refresh(store) for v in both] == [False, False]  # nothing projected
    set_live(store, rid, True, actor="t")
    set_projected(store, (rid, 0), actor="t")
    found = projected_question(store)
    assert found is not None and found[1] == 0 and found[0].round.id == rid
    assert [v.refresh(store) for v in both] == [True, True]
    for view in both:
        assert view.question_label.text() == "Trams on Queen Street?"
        assert view.counted_label.text() == both[0].counted_label.text() != ""
    assert both[0].verdict_label.text() == found[0].questions[0].count.verdict
    assert both[1].verdict_label.text() == "Voting is open: results so far"
    close_round(store, rid, actor="t", note="a test")
    assert both[1].refresh(store)
    assert both[1].verdict_label.text() == both[0].verdict_label.text()
    # Both ask the one function: nothing found there, nothing shown by either.
    monkeypatch.setattr(results_view, "count_round", lambda store, round_id: (
        _ for _ in ()).throw(results_view.UserError("gone")))
    assert projected_question(store) is None
    assert [v.refresh(store) for v in both] == [False, False]
