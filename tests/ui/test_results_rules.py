"""The Results page after issue 11: the funding rule is shown, not chosen, and a closed round
whose file no longer matches its sealed fingerprint says so in red."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from facilitator.ballots import close_round, counted_papers
from facilitator.changes import Changes
from facilitator.demo import sample_questions, sample_round
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.pages.results import ResultsPage


def test_rule_shown_as_text_and_a_changed_file_flagged(qtbot: QtBot, demo_store: EventStore,
                                                       tmp_path: Path) -> None:
    questions = tuple(dataclasses.replace(q, pb_rule="equalshares/add1")
                      if q.kind.value == "budget" else q for q in sample_questions())
    rid = sample_round(demo_store, 12, questions=questions)
    close_round(demo_store, rid, note="test", actor="test")
    bus = ChangeBus()
    page = ResultsPage(demo_store, bus, choose_save=lambda *_args: tmp_path / "x.pdf")
    qtbot.addWidget(page)
    page.show()
    assert not hasattr(page, "rule_combo")
    page.question_list.setCurrentRow(8)
    assert page.rule_label.isVisible()
    assert page.rule_label.text() == ("Funding rule: Method of Equal Shares (fixed with the "
                                      "question)")
    page.question_list.setCurrentRow(0)
    assert not page.rule_label.isVisible() and not page.tamper_label.isVisible()
    sealed = page.results.fingerprint if page.results else ""
    paper = counted_papers(demo_store, rid)[0]
    with demo_store.transaction():  # edited behind the app's back
        demo_store.execute("UPDATE ballot_entries SET spoiled = 1 - spoiled, answers = ? "
                           "WHERE code = ?", (json.dumps([]) if not paper.spoiled else
                                              json.dumps([a.to_json() for a in paper.answers]),
                                              paper.code))
    bus.publish(Changes(ballots=True))
    assert page.tamper_label.isVisible()
    assert page.tamper_label.text().startswith("WARNING: the ballots in the event file no "
                                               "longer match the fingerprint sealed")
    assert page.results is not None and page.results.fingerprint == sealed
    assert sealed in page.panel.details_label.text()  # the sealed one, never another
