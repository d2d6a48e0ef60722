"""One wording of "how to vote" (issue 12): the printed paper, the phone page and the round
editor's preview all show what :meth:`Question.how_to_vote` says, each in its own language."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from facilitator.ballots import BallotRound, DecisionRule, Kind, Question, ops
from facilitator.lan.model import PhoneQuestion
from facilitator.lan.pages import question_body
from facilitator.lan.text import translation
from facilitator.reports.ballots import translator, write_ballot_papers
from facilitator.store import EventStore
from facilitator.tally import Project
from ui.pages.voting.dialogs import RoundDialog

QUESTIONS = (
    Question.yes_no("Close the centre to cars?", rule=DecisionRule.supermajority("60%")),
    Question.scale("Support a congestion charge?", support_points=1),
    Question.choose_one("Where should we meet?", ["Town hall", "Library", "School"]),
    Question.approval("Which ideas go forward?", ["A", "B", "C", "D"], max_choices=2),
    Question.approval("Which ideas do you like?", ["A", "B", "C"]),
    Question.rank("Elect the panel", ["Ann", "Bob", "Cai", "Dee"], seats=2, max_rank=3),
    Question.score("Score each design", ["Blue", "Green"], score_min=1, score_max=7),
    Question.dot_vote("Where to look first?", ["Housing", "Transport", "Energy"], dots=5,
                      max_per_option=3),
    Question.pb_budget("Spend the budget", [Project("p1", Fraction(40000), "Playground"),
                                            Project("p2", Fraction(25000), "Street trees")],
                       50000, max_choices=1),
    Question.judgment("Grade each proposal", ["Free buses", "School streets"]),
)


def words(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def paper_text(store: EventStore, ballot_round: BallotRound, tmp_path: Path) -> str:
    printed = ops.issue_codes(store, ballot_round.id, 1, actor="test")
    pdf = write_ballot_papers(tmp_path / f"{ballot_round.id}.pdf", printed.round,
                              list(printed.papers), event_name=store.name)
    return words(" ".join(page.extract_text() for page in PdfReader(pdf).pages))


def phone_legend(ballot_round: BallotRound, index: int, language: str) -> str:
    pq = PhoneQuestion(ballot_round.id, index, ballot_round.title,
                       ballot_round.questions[index], "open", datetime.now(UTC), None)
    page = question_body(translation(language), "/v/x", "k", pq, voted=False, vote=None,
                         allow_change=False)
    found = re.search(r'<legend id="how">(.*?)</legend>', page)
    assert found is not None, page
    return html.unescape(found.group(1))


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_paper_and_the_phone_say_how_to_vote_with_the_one_function(
        store: EventStore, tmp_path: Path, language: str) -> None:
    ballot_round = ops.create_round(store, f"Every kind ({language})", QUESTIONS,
                                    language=language, actor="test").round
    paper = paper_text(store, ballot_round, tmp_path)
    on_paper, on_phone = translator(language), translation(language)
    for index, q in enumerate(ballot_round.questions):
        assert words(q.how_to_vote(on_paper)) in paper, q.kind
        assert phone_legend(ballot_round, index, language) == \
            q.how_to_vote(on_phone, phone=True)


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_how_to_vote_is_translated_in_every_language_the_phone_pages_offer(
        language: str) -> None:
    """tools/i18n.py checks the phone modules' strings; these live in the question model."""
    t = translation(language)
    for q in QUESTIONS:
        assert q.how_to_vote(t, phone=True) != q.how_to_vote(phone=True), q.kind


def test_the_round_editor_previews_what_the_paper_and_the_phones_will_say(
        qtbot: QtBot, store: EventStore) -> None:
    ballot_round = ops.create_round(store, "Preview", QUESTIONS, actor="test").round
    dialog = RoundDialog(ballot_round)
    qtbot.addWidget(dialog)
    for row, q in enumerate(ballot_round.questions):
        dialog.question_list.setCurrentRow(row)
        preview = dialog.preview_label.text()
        assert q.how_to_vote() in preview and q.how_to_vote(phone=True) in preview, q.kind
        assert q.decided_by() in preview
    # What the form does not offer (the rank's last preference) is kept, not dropped.
    assert dialog.definition().questions == ballot_round.questions
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(Kind.BUDGET.value))
    assert dialog.preview_label.text() == ""  # not a valid question yet: nothing to preview
