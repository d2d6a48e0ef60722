"""A whole legislative-theatre session from the keyboard on the Theatre page: 3 scenes,
10 interventions, 30 cards (typed, scanned paper cards, phones), 5 proposals, votes from
phones, paper and hands, commitments, the projector, and the PDF read back and rendered."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from facilitator.ballots import Answer, enter, issue_codes, rejected_counts
from facilitator.clock import FakeClock
from facilitator.lan import ops as lan_ops
from facilitator.people import list_participants
from facilitator.store import EventStore
from facilitator.theatre import ops, queries
from ui.bus import ChangeBus
from ui.pages.theatre import TheatrePage
from ui.pages.theatre.cards import CARD_MIME
from ui.pages.voting.dialogs import PrintRequest
from ui.projector import ProjectorWindow

from ..scan import paper_codes_scanned

SCENES = (("The job centre", "Jay, Advisor", "Jay is sanctioned"),
          ("The interview", "Jay, Manager", "No early bus"),
          ("At home", "Jay, Mum", "No money for the course"))


def type_in(qtbot: QtBot, widget: QWidget, text: str, enter_key: bool = True) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)
    if enter_key:
        qtbot.keyClick(widget, Qt.Key.Key_Return)


@pytest.fixture
def page(qtbot: QtBot, demo_store: EventStore, clock: FakeClock, tmp_path: Path
         ) -> TheatrePage:
    bus = ChangeBus()
    page = TheatrePage(demo_store, bus, clock,
                       choose_save=lambda parent, title, name: tmp_path / name)
    page._keep = bus  # type: ignore[attr-defined]
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    return page


def voters(store: EventStore) -> list[int]:
    return [p.id for p in list_participants(store)
            if p.present and p.active and p.role == "participant"]


def vote_by_phone(page: TheatrePage, round_id: int, people: list[int], yes: int) -> None:
    for n, pid in enumerate(people):
        page.run(lambda pid=pid, n=n: lan_ops.cast_vote(
            page.store, pid, round_id, 0, Answer((1, None, None) if n < yes else
                                                 (None, 1, None)), actor="phone"))


def vote_on_paper(page: TheatrePage, round_id: int, papers: int, yes: int) -> None:
    codes = issue_codes(page.store, round_id, papers, actor="desk").papers
    for n, paper in enumerate(codes):
        page.run(lambda paper=paper, n=n: enter(
            page.store, round_id, paper.code,
            [Answer((1, None, None) if n < yes else (None, 1, None))], actor="desk"))


def test_whole_session_from_the_keyboard(qtbot: QtBot, page: TheatrePage, clock: FakeClock,
                                         tmp_path: Path) -> None:
    store = page.store
    # Start the session and enter the play.
    type_in(qtbot, page.play_title_edit, "Nothing about us")
    assert queries.session(store) is not None and page.tabs.isVisible()
    for title, chars, problem in SCENES:
        type_in(qtbot, page.scene_title_edit, title, enter_key=False)
        type_in(qtbot, page.scene_chars_edit, chars, enter_key=False)
        type_in(qtbot, page.scene_problem_edit, problem)
    assert [s.title for s in queries.scenes(store)] == [s[0] for s in SCENES]
    assert page.scene_title_edit.hasFocus()

    # Ten interventions, each on its countdown.
    someone = next(p for p in list_participants(store) if p.present)
    for n in range(10):
        page.scene_combo.setFocus()
        qtbot.keyClick(page.scene_combo, Qt.Key.Key_Home)
        for _step in range(n * 3 // 10):
            qtbot.keyClick(page.scene_combo, Qt.Key.Key_Down)
        if n == 0:
            type_in(qtbot, page.who_edit, someone.name)
        assert page.tried_edit.hasFocus() or n > 0
        type_in(qtbot, page.tried_edit, f"tries idea {n}")
        assert page.outcome_edit.hasFocus()
        clock.advance(75)
        page._tick()
        assert page.timer_label.text() == "2:45"
        if n == 4:
            qtbot.keyClick(page.outcome_edit, Qt.Key.Key_F7)  # pause the countdown
            assert "paused" in page.timer_label.text()
        type_in(qtbot, page.outcome_edit, f"outcome {n}")
    log = queries.interventions(store)
    assert len(log) == 10 and log[0].who == someone.name and log[1].who == "audience member"
    assert [i.scene_position for i in log] == [1, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert all(i.ended_at is not None and i.outcome for i in log)

    # Thirty cards: typed, scanned from paper idea cards, and from phones.
    qtbot.keyClick(page, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert page.tabs.currentIndex() == 1 and page.card_edit.hasFocus()
    for n in range(10):
        type_in(qtbot, page.card_edit, f"typed idea {n}")
    for n in range(10):
        type_in(qtbot, page.scan_edit, f"FACILITATOR-TABLE:IDEA S{n % 3 + 1}")
        assert page.card_edit.hasFocus()
        type_in(qtbot, page.card_edit, f"card idea {n}")
    people = voters(store)
    for n in range(10):  # what the phone page does (facilitator/lan/theatre.py)
        page.run(lambda n=n: ops.add_card(store, f"phone idea {n}", source="phone",
                                          intervention_id=log[n].id,
                                          participant_id=people[n], actor="phone"))
    every = queries.cards(store)
    assert len(every) == 30 and page.card_list.count() == 30
    assert [c.source for c in every].count("card") == 10
    assert {c.scene_id for c in every if c.source == "card"} == {
        s.id for s in queries.scenes(store)}
    assert all(c.intervention_id == log[-1].id for c in every if c.source == "typed")

    # Five proposals of six cards each, chosen with the keyboard in the card list.
    for n in range(5):
        page.card_list.setFocus()
        qtbot.keyClick(page.card_list, Qt.Key.Key_Home)
        for _step in range(5 if n < 4 else 4):
            qtbot.keyClick(page.card_list, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
        type_in(qtbot, page.new_proposal_edit, f"Proposal number {n + 1}")
    proposals = queries.proposals(store)
    assert len(proposals) == 5 and [len(p.cards) for p in proposals] == [6, 6, 6, 6, 5]
    # The last card is dragged onto proposal 5 (a drop carrying the card, as a drag does).
    last = queries.cards(store, unsorted_only=True)[0]
    data = QMimeData()
    data.setData(CARD_MIME, str(last.id).encode())
    target = page.proposal_list.visualItemRect(page.proposal_list.item(4)).center()
    drop = QDropEvent(target.toPointF() if hasattr(target, "toPointF") else QPoint(target),
                      Qt.DropAction.MoveAction, data, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    page.proposal_list.dropEvent(drop)
    assert len(queries.proposal(store, proposals[4].id).cards) == 6
    # Merge P4 into P3, un-merge: each card keeps its link.
    links = {c.id: (c.scene_id, c.intervention_id, c.proposal_id) for c in queries.cards(store)}
    page.proposal_list.item(2).setSelected(True)
    page.proposal_list.item(3).setSelected(True)
    qtbot.keyClick(page.proposal_list, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert len(queries.proposal(store, proposals[2].id).cards) == 12
    page.proposal_list.setCurrentRow(3)
    page.unmerge_button.click()
    assert {c.id: (c.scene_id, c.intervention_id, c.proposal_id)
            for c in queries.cards(store)} == links

    # Reword and tag, then the votes: phones, paper, hands, phones, paper at two thirds.
    qtbot.keyClick(page, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    methods = ("phones", "paper", "hands", "phones", "paper")
    for index, p in enumerate(proposals):
        page.vote_proposal_combo.setCurrentIndex(index)
        page.reword_edit.selectAll()
        type_in(qtbot, page.reword_edit, f"Reworded proposal {index + 1}")
        page.area_edit.clear()
        type_in(qtbot, page.area_edit, "Employment")
        type_in(qtbot, page.body_edit, "City Council")
        page.method_combo.setCurrentIndex(page.method_combo.findData(methods[index]))
        page.rule_combo.setCurrentIndex(2 if index == 4 else 0)
        qtbot.keyClick(page.reword_edit, Qt.Key.Key_V,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        vote = queries.vote(store, p.id)
        assert vote is not None and vote.method == methods[index]
        if methods[index] == "phones":
            assert vote.round_id is not None
            vote_by_phone(page, vote.round_id, people[:20], yes=14 if index == 0 else 8)
        elif methods[index] == "paper":
            assert vote.round_id is not None
            vote_on_paper(page, vote.round_id, 15, yes=9)
        else:
            assert page.hands_for.hasFocus()
            qtbot.keyClicks(page.hands_for, "17")
            qtbot.keyClick(page.hands_for, Qt.Key.Key_Tab)
            qtbot.keyClicks(page.hands_against, "6")
            qtbot.keyClick(page.hands_against, Qt.Key.Key_Tab)
            qtbot.keyClicks(page.hands_abstain, "2")
            type_in(qtbot, page.hands_note_edit, "hands, counted by Amira and Joe")
        qtbot.keyClick(page.reword_edit, Qt.Key.Key_F9)
        if methods[index] == "paper":  # the figures do not agree: a note is asked for
            assert "needs a note" in page.banner.text() and page.close_note_edit.hasFocus()
            assert "open" in page.outcome_label.text()
            type_in(qtbot, page.close_note_edit, "papers were not counted at the door")
        assert "closed" in page.outcome_label.text()
    results = [queries.outcome(store, p.id) for p in proposals]
    assert [r.passed for r in results if r] == [True, True, True, False, False]
    assert [v.text for v in queries.versions(store, proposals[0].id)] == [
        "Proposal number 1", "Reworded proposal 1"]
    assert queries.proposal(store, proposals[0].id).body == "City Council"

    # The projector shows the proposal with its cards, then its result.
    projector = ProjectorWindow(store, page.bus, clock)
    qtbot.addWidget(projector)
    projector.show()
    page.vote_proposal_combo.setCurrentIndex(0)
    qtbot.keyClick(page.reword_edit, Qt.Key.Key_F5)
    assert projector.views.currentWidget() is projector.theatre_view
    assert projector.theatre_view.proposal_label.text() == "Reworded proposal 1"
    assert "typed idea" in projector.theatre_view.cards_label.text()
    assert "PASSED" not in projector.theatre_view.result_label.text()
    qtbot.keyClick(page.reword_edit, Qt.Key.Key_F6)
    assert "PASSED" in projector.theatre_view.result_label.text()

    # Commitments on the accepted proposals, read back and confirmed.
    qtbot.keyClick(page, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert page.commit_proposal_combo.count() == 3 and page.commit_name_edit.hasFocus()
    for name, role, action, due in (("Cllr Shah", "Cabinet member", "Pilot named advisors",
                                     "2027-03-31"),
                                    ("Helen Obi", "Bus network", "Early-bus trial",
                                     "2027-01-15")):
        type_in(qtbot, page.commit_name_edit, name)
        type_in(qtbot, page.commit_role_edit, role)
        type_in(qtbot, page.commit_body_edit, "City Council")
        type_in(qtbot, page.commit_action_edit, action)
        type_in(qtbot, page.commit_due_edit, due)
        qtbot.keyClick(page.commit_name_edit, Qt.Key.Key_F10)
    type_in(qtbot, page.commit_name_edit, "Dan Morris", enter_key=False)
    type_in(qtbot, page.commit_cannot_edit, "sanctions are set nationally")
    made = queries.commitments(store)
    assert [c.confirmed_at is not None for c in made] == [True, True, False]
    page.commit_list.setCurrentRow(0)
    page.status_combo.setFocus()
    qtbot.keyClick(page.status_combo, Qt.Key.Key_Down)
    qtbot.keyClick(page.status_combo, Qt.Key.Key_Return)
    assert queries.commitment(store, made[0].id).status in ("in_progress",)
    assert made[2].text == "Cannot commit, because sanctions are set nationally"
    assert "Dan Morris" in projector.theatre_view.commitments_label.text()
    projector.close()

    # The PDF, read back and rendered.
    qtbot.keyClick(page.commit_name_edit, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    pdf = tmp_path / "proposals-and-commitments.pdf"
    assert pdf.exists()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert "Proposals and commitments" in text and "Reworded proposal 5" in text
    assert "14 for, 6 against" in text and "hands, counted by Amira and Joe" in text
    assert "Cannot commit, because sanctions are set nationally" in text
    assert "NOT PASSED" in text and "phone idea 3" in text
    assert shutil.which("pdftoppm")
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "pg")],
                   check=True)
    assert len(list(tmp_path.glob("pg*.png"))) == len(PdfReader(pdf).pages)
    page.grab().save(str(tmp_path / "theatre.png"))


def test_a_refusal_shows_in_the_banner(qtbot: QtBot, page: TheatrePage) -> None:
    type_in(qtbot, page.play_title_edit, "Play")
    type_in(qtbot, page.tried_edit, "something")
    assert "scenes first" in page.banner.text()
    type_in(qtbot, page.scan_edit, "not a card")
    assert "idea card" in page.banner.text()


def test_the_demo_event_offers_a_demo_session(qtbot: QtBot, page: TheatrePage) -> None:
    assert page.demo_button.isVisible()
    page.demo_button.click()
    assert len(queries.proposals(page.store)) == 6 and page.tabs.isVisible()
    assert page.proposal_list.count() == 6 and page.log_list.count() == 15
    assert "PASSED" in page.outcome_label.text()
    # Opened on the filled session, long wordings do not widen the page past 1366 px.
    again = TheatrePage(page.store, ChangeBus(), FakeClock())
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.minimumSizeHint().width() <= 1366
    again.close()


def test_one_verdict_everywhere(qtbot: QtBot, page: TheatrePage, clock: FakeClock,
                                tmp_path: Path) -> None:
    """Each proposal's counts and verdict read the same on the page, the projector, the PDF
    and the tracker: all from theatre.queries.outcome."""
    import csv
    import io

    from facilitator.reports.theatre import write_proposals
    from facilitator.theatre.export import tracker_csv

    page.demo_button.click()
    store = page.store
    pdf = write_proposals(tmp_path / "p.pdf", store, printed_at=clock.now())
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    tracker = list(csv.DictReader(io.StringIO(tracker_csv(store))))
    projector = ProjectorWindow(store, page.bus, clock)
    qtbot.addWidget(projector)
    projector.show()
    for index, item in enumerate(queries.proposals(store)):
        result = queries.outcome(store, item.id)
        assert result is not None
        page.vote_proposal_combo.setCurrentIndex(index)
        assert result.counts_text in page.outcome_label.text()
        assert result.verdict in page.outcome_label.text()
        page.show_result()
        assert projector.theatre_view.result_label.text() == (
            f"{result.counts_text}\n{result.verdict}")
        assert "".join(result.verdict.split()) in text
        assert "".join(result.counts_text.split()) in text
        assert all(row["verdict"] == result.verdict for row in tracker
                   if row["proposal"] == item.number)
    projector.close()


def test_paper_ballots_printed_and_keyed_on_the_theatre_page(
        qtbot: QtBot, demo_store: EventStore, clock: FakeClock, tmp_path: Path,
        seeded_codes: object) -> None:
    """A proposal voted on paper: Print papers… writes its round's papers; each returned
    paper is scanned (Ctrl+K), its mark keyed and saved from the keyboard; the vote closes
    on those papers. No visit to the Voting page."""
    asked: list[tuple[str, int, list[int]]] = []

    def ask_print(parent: QWidget, ballot_round: object, count: int, batches: list[int]
                  ) -> PrintRequest:
        asked.append((getattr(ballot_round, "title", ""), count, batches))
        return PrintRequest(count=5, batch=None, page_size="A4")

    bus = ChangeBus()
    page = TheatrePage(demo_store, bus, clock, ask_print=ask_print,
                       choose_save=lambda parent, title, name: tmp_path / name)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # the keyboard shortcuts need an active window
    store = page.store
    ops.start_session(store, "Play", actor="t")
    pid = ops.add_proposal(store, "Free bus passes for under-25s", actor="t").proposal_id
    page.refresh()
    page.step_combo.setFocus()
    qtbot.keyClick(page.step_combo, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert page.vote_proposal_combo.hasFocus()
    assert not page.paper_panel.print_button.isEnabled()  # no vote on paper yet
    page.method_combo.setCurrentIndex(page.method_combo.findData("paper"))
    qtbot.keyClick(page.vote_proposal_combo, Qt.Key.Key_V,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    vote = queries.vote(store, pid)
    assert vote is not None and vote.round_id is not None
    assert page.paper_panel.round_id == vote.round_id
    assert page.paper_panel.print_button.isEnabled()

    with qtbot.waitSignal(page.paper_panel.papers_written, timeout=60_000):
        page.paper_panel.print_button.click()  # written off the GUI thread
        assert not page.paper_panel.print_button.isEnabled()
    pdf = tmp_path / f"Proposal {pid} - papers.pdf"
    assert pdf.exists() and asked and asked[0][0] == f"Proposal {pid}"
    assert "5 papers written" in page.banner.text()
    assert "5 papers printed, 0 keyed" in page.paper_panel.status_label.text()
    codes = paper_codes_scanned(pdf, tmp_path / "scan")
    assert len(codes) == 5

    # Key them back: 3 for, 1 against, 1 abstaining; a second scan of a paper is refused.
    for code, mark in zip(codes, "12131", strict=True):
        qtbot.keyClick(page.reword_edit, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        assert page.paper_panel.scan_edit.hasFocus()
        type_in(qtbot, page.paper_panel.scan_edit, code)
        assert page.paper_panel.editor.hasFocus() and page.paper_panel.editor.loaded
        qtbot.keyClick(page.paper_panel.editor, getattr(Qt.Key, f"Key_{mark}"))
        if code == codes[0]:
            QApplication.processEvents()  # lay the paper out before the picture
            page.grab().save(str(tmp_path / "theatre-keying.png"))
        qtbot.keyClick(page.paper_panel.editor, Qt.Key.Key_Return)
        assert "saved" in page.banner.text()
        assert page.paper_panel.scan_edit.hasFocus()
    type_in(qtbot, page.paper_panel.scan_edit, codes[0])
    assert "already" in page.banner.text() and not page.paper_panel.editor.loaded
    assert rejected_counts(store, vote.round_id) == {"duplicate": 1}  # as the Voting page
    assert "5 papers printed, 5 keyed" in page.paper_panel.status_label.text()

    qtbot.keyClick(page.reword_edit, Qt.Key.Key_F9)
    if page.close_note_edit.hasFocus():  # the figures ask for a note (no hand count)
        type_in(qtbot, page.close_note_edit, "papers not counted at the door")
    result = queries.outcome(store, pid)
    assert result is not None and result.closed
    assert (result.favour, result.against, result.passed) == (3, 1, True)
    assert not page.paper_panel.print_button.isEnabled()
    assert "closed" in page.paper_panel.status_label.text()
    page.grab().save(str(tmp_path / "theatre-papers.png"))


def test_a_proposals_papers_printed_again_keep_the_language_they_were_first_printed_in(
        qtbot: QtBot, demo_store: EventStore, clock: FakeClock, tmp_path: Path) -> None:
    """Issue 17: a proposal's round has no language of its own; its papers printed with the
    app in Arabic (mirrored), then again (a paper jam) with the app in English, are the
    same Arabic papers, and the reader reads them against the Arabic layout."""
    import random

    from facilitator.ballots import get_round, paper_codes
    from facilitator.i18n import language, set_language
    from facilitator.reading import queries as reading
    from facilitator.reading.image import read_image
    from facilitator.reports.ballots import paper_layout

    from ..reading_corpus import Tally, mark_page, render

    requests = [PrintRequest(count=2, batch=None, page_size="A4"),
                PrintRequest(count=0, batch=1, page_size="A4")]
    page = TheatrePage(demo_store, ChangeBus(), clock,
                       ask_print=lambda parent, r, n, batches: requests.pop(0),
                       choose_save=lambda parent, title, name: tmp_path / name)
    qtbot.addWidget(page)
    store = page.store
    before = language()
    try:
        set_language("ar")
        ops.start_session(store, "Play", actor="t")
        pid = ops.add_proposal(store, "Free bus passes for under-25s", actor="t").proposal_id
        ops.define_vote(store, pid, method="paper", actor="t")
        vote = queries.vote(store, pid)
        assert vote is not None and vote.round_id is not None
        page.refresh()
        page.paper_panel.show_round(vote.round_id)
        with qtbot.waitSignal(page.paper_panel.papers_written, timeout=60_000):
            pdf = page.paper_panel.print_papers()
        assert pdf is not None
        arabic = paper_layout(get_round(store, vote.round_id), event_name=store.name)
        first = render(pdf, 150)
        set_language("en")
        assert paper_layout(get_round(store, vote.round_id), event_name=store.name) != arabic
        with qtbot.waitSignal(page.paper_panel.papers_written, timeout=60_000):
            assert page.paper_panel.print_papers() == pdf
        again = render(pdf, 150)
        assert len(again) == len(first) == 2 and all(
            (a == b).all() for a, b in zip(again, first, strict=True))
        assert {p.language for p in paper_codes(store, vote.round_id)} == {"ar"}
        ballot_round = get_round(store, vote.round_id)
        tally = Tally()
        rng = random.Random(4)
        for n, image in enumerate(again):
            marked = mark_page(image, arabic, 0, ballot_round.questions, rng, 150,
                               style="cross", stray=0)
            tally.add(read_image(marked.image, reading.paper_for(store)).read, marked,
                      f"paper {n}")
        assert tally.wrong == 0 and tally.right == tally.questions == 2, tally.notes
    finally:
        set_language(before)
