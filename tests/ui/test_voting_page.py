"""The Voting page as the ballot desk uses it: scanner keystrokes, keyed marks, double entry,
adjudication, reconciliation, printing — and the whole 120-paper round of the issue."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from facilitator.ballots import (
    DECISION,
    SECOND,
    Answer,
    BallotRound,
    DecisionRule,
    Kind,
    Question,
    QuestionError,
    Status,
    counted_papers,
    create_round,
    entries,
    get_round,
    issue_codes,
    mismatches,
    paper_codes,
    pretty,
    reconcile,
    rejected_counts,
)
from facilitator.clock import FakeClock
from facilitator.people import check_in, import_people, list_participants, parse_people
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.pages.voting import HAND_OUT, VotingPage
from ui.pages.voting.dialogs import (
    PrintRequest,
    RoundDefinition,
    RoundDialog,
    blank_draft,
    question_from_draft,
)
from ui.tasks import TaskRunner

from ..scan import paper_codes_scanned


def three_questions() -> tuple[Question, ...]:
    return (
        Question.yes_no("Close the centre to cars on Saturdays?",
                        rule=DecisionRule.supermajority("60%")),
        Question.rank("Which transport priority first?",
                      ["Buses", "Trams", "Cycle lanes", "Pavements"]),
        Question.scale("Support a congestion charge?"),
    )


class Desk:
    """The page with fake dialogs: what the operator would answer is set beforehand."""

    def __init__(self, qtbot: QtBot, store: EventStore, tmp_path: Path) -> None:
        self.qtbot = qtbot
        self.store = store
        self.definition: RoundDefinition | None = None
        self.print_request: PrintRequest | None = None
        self.note: str | None = None
        self.notes_asked: list[tuple[str, bool]] = []
        self.pdf = tmp_path / "papers.pdf"
        self.bus = ChangeBus()
        self.tasks = TaskRunner()
        self.page = VotingPage(
            store, self.bus, self.tasks,
            ask_round=lambda parent, existing: self.definition,
            ask_print=lambda parent, r, n, batches: self.print_request,
            ask_note=self._ask_note,
            choose_save=lambda parent, title, name: self.pdf)
        qtbot.addWidget(self.page)
        self.page.resize(1280, 800)
        self.page.show()
        qtbot.waitExposed(self.page)
        self.page.activateWindow()
        self.page.focus_scan_field()

    def _ask_note(self, parent: QWidget, title: str, text: str, required: bool) -> str | None:
        self.notes_asked.append((text, required))
        return self.note

    def focused(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None
        return widget

    def scanner(self, code: str) -> None:
        """A USB scanner types into whatever has the focus, then Enter."""
        for ch in code:  # each key goes where the focus is at that moment
            self.qtbot.keyClicks(self.focused(), ch)
        self.qtbot.keyClick(self.focused(), Qt.Key.Key_Return)

    def keys(self, text: str) -> None:
        for ch in text:
            if ch == "\n":
                self.qtbot.keyClick(self.focused(), Qt.Key.Key_Return)
            elif ch == "\t":
                self.qtbot.keyClick(self.focused(), Qt.Key.Key_Tab)
            else:
                self.qtbot.keyClicks(self.focused(), ch)

    def paper(self, code: str, marks: str) -> None:
        """Scan a paper, key its marks, Enter."""
        self.scanner(code)
        assert self.page.editor.loaded, self.page.banner.text()
        assert self.focused() is self.page.editor
        self.keys(marks + "\n")

    @property
    def round(self) -> BallotRound:
        current = self.page.current_round()
        assert current is not None
        return current


@pytest.fixture
def desk(qtbot: QtBot, demo_store: EventStore, tmp_path: Path) -> Desk:
    return Desk(qtbot, demo_store, tmp_path)


def opened(desk: Desk, papers: int = 10, double_entry: bool = False) -> list[str]:
    created = create_round(desk.store, "Morning vote", three_questions(),
                           double_entry=double_entry, actor="test").round
    codes = [p.code for p in issue_codes(desk.store, created.id, papers, actor="test").papers]
    desk.bus.publish(issue_codes(desk.store, created.id, 1, actor="test").changes)  # a second batch
    return codes


def test_no_round_yet_says_what_to_do(desk: Desk) -> None:
    assert desk.page.current_round() is None
    assert "New round" in desk.page.scan_edit.placeholderText()
    assert not desk.page.print_button.isEnabled()


def test_scan_key_and_save_from_the_keyboard(desk: Desk) -> None:
    codes = opened(desk)
    assert desk.focused() is desk.page.scan_edit
    # Yes; rank: Cycle lanes 1, Buses 2 (typed per option: 2 0 1 then Tab); scale: Support.
    desk.paper(codes[0], "1" "201\t" "2")
    assert desk.page.banner.kind == "ok", desk.page.banner.text()
    assert f"Paper {pretty(codes[0])} (no. 1) saved: valid · valid · valid" in \
        desk.page.banner.text()
    assert desk.focused() is desk.page.scan_edit and not desk.page.editor.loaded
    entry = entries(desk.store, desk.round.id)[0]
    q = desk.round.questions
    assert entry.answers == (Answer.choose(q[0], 0), Answer.ranking(q[1], [2, 0]),
                             Answer.choose(q[2], 1))
    assert entry.operator == "desk"
    assert desk.page.recent.table.rowCount() == 1
    assert desk.page.recent.table.item(0, 1).text() == pretty(codes[0])


def test_a_rescanned_paper_is_refused_with_time_and_operator(desk: Desk,
                                                            clock: FakeClock) -> None:
    codes = opened(desk)
    desk.page.operator_edit.setText("Ann")
    desk.paper(codes[0], "1\n")
    clock.advance(120)
    desk.scanner(pretty(codes[0]))
    text = desk.page.banner.text()
    assert desk.page.banner.kind == "error"
    assert "was already entered at" in text and "by Ann" in text
    assert not desk.page.editor.loaded and desk.focused() is desk.page.scan_edit
    assert desk.page.scan_edit.selectedText() == pretty(codes[0])  # ready for the next scan
    assert rejected_counts(desk.store, desk.round.id) == {"duplicate": 1}
    assert len(counted_papers(desk.store, desk.round.id)) == 1


def test_unknown_and_other_round_codes_are_refused(desk: Desk) -> None:
    codes = opened(desk)
    other = create_round(desk.store, "Afternoon", three_questions(), actor="test").round
    other_code = issue_codes(desk.store, other.id, 2, actor="test").papers[1].code
    desk.bus.publish(issue_codes(desk.store, other.id, 1, actor="test").changes)
    desk.page.select_round(get_round(desk.store, 1).id)
    desk.scanner(other_code)
    assert "belongs to the round “Afternoon” (paper 2)" in desk.page.banner.text()
    desk.page.scan_edit.clear()
    desk.scanner(codes[0][:-1] + ("0" if codes[0][-1] != "0" else "1"))
    assert "check character" in desk.page.banner.text()
    assert desk.page.banner.kind == "error" and not desk.page.editor.loaded


def test_a_scan_while_keying_never_saves_the_open_paper(desk: Desk) -> None:
    codes = opened(desk)
    desk.scanner(codes[0])
    desk.keys("1")
    desk.scanner(codes[1])  # the operator forgot Enter: the next code starts with a letter
    assert f"Paper {pretty(codes[0])} was NOT saved" in desk.page.banner.text()
    assert desk.page.editor.paper is not None and desk.page.editor.paper.code == codes[1]
    assert entries(desk.store, desk.round.id) == []
    desk.keys("2\n")
    assert [e.code for e in entries(desk.store, desk.round.id)] == [codes[1]]


def test_spoiled_unreadable_blank_and_escape(desk: Desk) -> None:
    codes = opened(desk)
    desk.paper(codes[0], "*")  # spoiled paper
    desk.paper(codes[1], "/")  # the first question unreadable, the rest blank
    desk.paper(codes[2], "")  # a blank paper
    desk.scanner(codes[3])
    desk.keys("1")
    desk.qtbot.keyClick(desk.focused(), Qt.Key.Key_Escape)
    assert "put aside, not saved" in desk.page.banner.text()
    counted = {p.code: p for p in counted_papers(desk.store, desk.round.id)}
    assert counted[codes[0]].spoiled
    assert [a.status for a in counted[codes[1]].assessments] == [Status.INVALID, Status.BLANK,
                                                                 Status.BLANK]
    assert counted[codes[2]].blank and codes[3] not in counted


def test_editor_keys_per_kind(desk: Desk) -> None:
    questions = (
        Question.approval("Pick up to two", ["A", "B", "C"], max_choices=2),
        Question.score("Score", ["X", "Y"], score_max=5),
        Question.judgment("Grade", ["P", "Q"], ["Good", "Fair", "Poor"]),
        Question.dot_vote("Dots", ["D", "E"], dots=3),
    )
    created = create_round(desk.store, "Kinds", questions, actor="test").round
    code = issue_codes(desk.store, created.id, 1, actor="test").papers[0].code
    desk.bus.publish(issue_codes(desk.store, created.id, 1, actor="test").changes)
    desk.page.select_round(created.id)
    desk.scanner(code)
    # approval: toggle 1, 3, 1 again, 2 → B, C; Tab. score: 4 then 0 (a real zero).
    # judgment: 2, then → twice from nothing (lowest 1, then 2). dots: 2, then ← on nothing.
    desk.keys("1312\t" "40" "2")
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right):
        desk.qtbot.keyClick(desk.focused(), key)
    desk.keys("\t2")
    desk.qtbot.keyClick(desk.focused(), Qt.Key.Key_Delete)  # clears E (nothing there)
    desk.keys("\n")
    entry = entries(desk.store, created.id)[0]
    assert [a.marks for a in entry.answers] == [(None, 1, 1), (4, 0), (2, 2), (2, None)]


def test_double_entry_adjudication_from_the_page(desk: Desk) -> None:
    codes = opened(desk, double_entry=True)
    page = desk.page
    assert page.mode_buttons[SECOND].isEnabled()
    page.operator_edit.setText("Ann")
    for code in codes[:3]:
        desk.paper(code, "1" "12\t" "1")
    page.set_mode(SECOND)
    desk.scanner(codes[0])
    assert "someone else" in page.banner.text()  # Ann cannot check her own keying
    page.operator_edit.setText("Bob")
    page.focus_scan_field()
    desk.paper(codes[0], "1" "12\t" "1")
    desk.paper(codes[1], "2" "12\t" "1")  # a keying mistake
    assert "adjudication list" in page.banner.text()
    desk.paper(codes[2], "1" "21\t" "1")
    page.tabs.setCurrentIndex(1)
    assert page.adjudication.table.rowCount() == 2
    assert page.tabs.tabText(1) == "Adjudication (2)"
    page.operator_edit.setText("Cai")
    page.adjudication.table.selectRow(0)
    page.adjudication.keep_first_button.click()
    assert [m.code for m in mismatches(desk.store, desk.round.id)] == [codes[2]]
    page.adjudication.decide_button.click()  # key it from the paper
    assert page.mode() == DECISION and page.editor.loaded
    assert "differ on" in page.banner.text()
    desk.keys("3" "12\t" "1\n")
    assert mismatches(desk.store, desk.round.id) == []
    counted = {p.code: p for p in counted_papers(desk.store, desk.round.id)}
    assert counted[codes[2]].answers[0].marks == (None, None, 1)
    assert page.tabs.tabText(1) == "Adjudication"


def test_undo_the_last_entry(desk: Desk) -> None:
    codes = opened(desk)
    desk.paper(codes[0], "1")
    desk.qtbot.keyClick(desk.focused(), Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert "undone" in desk.page.banner.text()
    assert counted_papers(desk.store, desk.round.id) == []
    desk.paper(codes[0], "2")
    assert len(counted_papers(desk.store, desk.round.id)) == 1


def test_hand_out_mode_scans_badges(desk: Desk) -> None:
    opened(desk)
    person = next(p for p in list_participants(desk.store) if p.present)
    desk.page.set_mode(HAND_OUT)
    desk.scanner(person.badge_code)
    assert desk.page.banner.text() == f"✓ Paper handed to {person.name}."
    desk.scanner(person.badge_code)
    assert "already handed a paper" in desk.page.banner.text()
    assert reconcile(desk.store, desk.round.id).handed_out == 1


def test_new_round_print_and_reprint(desk: Desk) -> None:
    desk.definition = RoundDefinition("Saturday vote", three_questions(), "Use a pen.", None,
                                      False)
    desk.page.new_button.click()
    assert desk.round.title == "Saturday vote" and desk.round.status == "draft"
    desk.print_request = PrintRequest(5, None, "A4")
    desk.page.print_button.click()
    desk.qtbot.waitUntil(lambda: not desk.page.printing, timeout=20_000)
    assert desk.page.banner.kind == "ok" and "5 papers written" in desk.page.banner.text()
    assert desk.pdf.stat().st_size > 0 and desk.round.printed == 5
    desk.print_request = PrintRequest(0, 1, "letter")
    desk.page.print_button.click()
    desk.qtbot.waitUntil(lambda: not desk.page.printing, timeout=20_000)
    assert desk.round.printed == 5  # the same codes again


def test_reconcile_and_close_with_a_note(desk: Desk) -> None:
    codes = opened(desk, 4)
    for code in codes[:3]:
        desk.paper(code, "1")
    page = desk.page
    page.tabs.setCurrentIndex(2)
    page.reconciliation.issued_spin.setValue(4)
    page.reconciliation.returned_spin.setValue(4)
    page.reconciliation.save_counts_button.click()
    assert "1 returned paper is not keyed in yet." in page.reconciliation.problems_label.text()
    desk.note = None
    page.reconciliation.close_button.click()  # the operator cancelled the note
    assert not get_round(desk.store, desk.round.id).is_closed
    assert desk.notes_asked[-1][1] is True
    desk.note = "One paper was torn up by its voter."
    page.reconciliation.close_button.click()
    closed = get_round(desk.store, desk.round.id)
    assert closed.is_closed and closed.close_note == desk.note
    assert "Closed at" in page.reconciliation.problems_label.text()
    assert not page.scan_edit.isEnabled() and page.reconciliation.reopen_button.isEnabled()


def test_round_dialog_builds_every_kind(qtbot: QtBot) -> None:
    dialog = RoundDialog()
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("All kinds")
    kinds = list(Kind)
    for index, kind in enumerate(kinds):
        if index:
            dialog.add_button.click()
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(kind.value))
        dialog.text_edit.setText(f"Question {index + 1}")
        if kind is Kind.BUDGET:
            dialog.options_edit.setPlainText("Playground; 40000\nTrees; 25000")
            dialog.budget_edit.setText("50000")
        elif kind not in (Kind.YES_NO, Kind.SCALE):
            dialog.options_edit.setPlainText("Alpha\nBeta\nGamma")
    dialog.question_list.setCurrentRow(0)
    dialog.threshold_combo.setCurrentIndex(2)  # two thirds
    definition = dialog.definition()
    assert [q.kind for q in definition.questions] == kinds
    assert definition.questions[0].rule == DecisionRule.supermajority("2/3")
    assert definition.questions[7].projects[1].name == "Trees"
    dialog.question_list.setCurrentRow(7)
    dialog.budget_edit.setText("")
    assert "budget" in dialog.question_error.text()
    with pytest.raises(QuestionError, match="Question 8"):
        dialog.definition()


def test_draft_with_a_bad_project_line_names_it() -> None:
    draft = blank_draft(Kind.BUDGET)
    draft.update(text="Budget", options="Playground 40000", budget="100")
    with pytest.raises(QuestionError, match="Project line 1"):
        question_from_draft(draft)


@pytest.fixture
def assembly_of_120(tmp_path: Path, clock: FakeClock) -> Iterator[EventStore]:
    """An event of 120 participants, all checked in."""
    people = tmp_path / "people.csv"
    people.write_text("ID,Name\n" + "".join(f"P{n:03d},Person {n}\n" for n in range(1, 121)),
                      encoding="utf-8")
    store = EventStore.create(tmp_path / "assembly.facilitator", "Assembly", clock)
    import_people(store, parse_people(people), actor="test")
    for person in list_participants(store):
        check_in(store, person.id, via="test", actor="test")
    yield store
    store.close()


@pytest.mark.slow
def test_done_when_120_papers_printed_keyed_twice_reconciled_closed(
        qtbot: QtBot, assembly_of_120: EventStore, seeded_codes: random.Random,
        tmp_path: Path) -> None:
    """The issue's "done when": a 120-person round of 3 questions is printed, keyed in twice
    with two deliberate mistakes and one re-scanned paper, reconciled and closed, and nothing
    is counted twice."""
    desk = Desk(qtbot, assembly_of_120, tmp_path)
    page = desk.page
    desk.definition = RoundDefinition("Saturday vote", three_questions(), "Use a pen.", None,
                                      True)
    page.new_button.click()
    desk.print_request = PrintRequest(120, None, "A4")
    page.print_button.click()
    desk.qtbot.waitUntil(lambda: not page.printing, timeout=60_000)
    scanned = paper_codes_scanned(desk.pdf, tmp_path / "scan")  # what a hand scanner reads
    per_paper = len(scanned) // 120
    codes = scanned[::per_paper]
    assert len(set(codes)) == 120 and set(scanned) == set(codes)
    assert set(codes) == {p.code for p in paper_codes(desk.store, desk.round.id)}

    def marks(n: int) -> str:
        """What paper n says: a yes/no (or abstain, or blank), a ranking, a scale point."""
        yes_no = "1203"[n % 4] if n % 17 else "0"
        ranks = ["1234", "2143", "1000", "0120", "3012"][n % 5]
        return yes_no + ranks + "\t" + str(n % 5 + 1)

    page.operator_edit.setText("Ann")
    for n, code in enumerate(codes):
        desk.paper(code, marks(n))
        if n == 40:  # paper 41 is scanned again by mistake: refused, nothing changes
            desk.scanner(code)
            assert "was already entered at" in page.banner.text() and "Ann" in page.banner.text()
            page.scan_edit.clear()
    page.set_mode(SECOND)
    page.operator_edit.setText("Bob")
    for n, code in enumerate(codes):
        typed = marks(n)
        if n in (7, 99):  # Bob keys a wrong yes/no on two papers
            typed = ("2" if typed[0] != "2" else "1") + typed[1:]
        desk.paper(code, typed)
    pending = mismatches(desk.store, desk.round.id)
    assert [m.code for m in pending] == [codes[7], codes[99]]

    page.tabs.setCurrentIndex(1)
    page.operator_edit.setText("Cai")
    page.adjudication.table.selectRow(0)
    page.adjudication.keep_first_button.click()  # Cai looks at paper 8: Ann was right
    page.adjudication.decide_button.click()  # paper 100: Cai keys it from the paper
    desk.keys(marks(99) + "\n")
    assert mismatches(desk.store, desk.round.id) == []

    page.tabs.setCurrentIndex(2)
    page.reconciliation.issued_spin.setValue(120)
    page.reconciliation.returned_spin.setValue(120)
    page.reconciliation.save_counts_button.click()
    figures = reconcile(desk.store, desk.round.id)
    assert figures.balanced and not figures.blocking, figures.discrepancies
    assert (figures.printed, figures.entered, figures.second_keyed, figures.adjudicated,
            figures.counted, figures.rejected, figures.present) == (
                120, 120, 120, 2, 120, {"duplicate": 1}, 120)
    desk.note = ""
    page.reconciliation.close_button.click()
    assert get_round(desk.store, desk.round.id).is_closed
    assert desk.notes_asked[-1][1] is False  # balanced: the note was optional

    counted = counted_papers(desk.store, desk.round.id)
    assert len(counted) == 120 and len({p.code for p in counted}) == 120
    by_code = {p.code: p for p in counted}
    q = desk.round.questions
    yes = Counter()
    for n, code in enumerate(codes):
        first = by_code[code].answers[0]
        expected = "1203"[n % 4] if n % 17 else "0"
        assert first == (Answer.blank(q[0]) if expected == "0"
                         else Answer.choose(q[0], int(expected) - 1)), n
        yes[expected] += 1
    assert sum(1 for p in counted if p.assessments[0].selection == (0,)) == yes["1"]
    log = Counter(r["action"] for r in desk.store.query("SELECT action FROM audit_log"))
    assert (log["ballot_enter"], log["ballot_adjudicate"], log["ballot_rejected"]) == (240, 2, 1)
    closing = desk.store.query("SELECT new FROM audit_log WHERE action = 'ballot_round_close'")
    assert json.loads(closing[0]["new"])["figures"]["counted"] == 120


# -- issue 11: channel, who may vote, rules fixed with the round ------------------------------


def test_round_dialog_sets_channel_voters_and_funding_rule(qtbot: QtBot) -> None:
    dialog = RoundDialog()
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("Budget day")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(Kind.BUDGET.value))
    dialog.text_edit.setText("Spend it")
    dialog.options_edit.setPlainText("Playground; 40000\nTrees; 25000")
    dialog.budget_edit.setText("50000")
    assert dialog.form.isRowVisible(dialog.pb_rule_combo)
    dialog.pb_rule_combo.setCurrentIndex(dialog.pb_rule_combo.findData("equalshares/add1"))
    assert dialog.channel_combo.currentData() is None  # left to the first use by default
    dialog.channel_combo.setCurrentIndex(dialog.channel_combo.findData("both"))
    dialog.voter_boxes["observer"].setChecked(True)
    definition = dialog.definition()
    assert definition.questions[0].pb_rule.value == "equalshares/add1"
    assert (definition.channel, definition.voters) == ("both", ("participant", "observer"))
    for box in dialog.voter_boxes.values():
        box.setChecked(False)
    with pytest.raises(QuestionError, match="At least one role"):
        dialog.definition()


def test_editing_a_draft_keeps_every_rule_the_menus_do_not_offer(qtbot: QtBot,
                                                                 demo_store: EventStore
                                                                 ) -> None:
    """A round from a file with a 70% threshold and a quorum share: editing its title must
    not silently turn them into a simple majority without quorum."""
    rule = DecisionRule.supermajority("70%", quorum_share=Fraction(1, 2))
    created = create_round(demo_store, "From a file", (Question.yes_no("Go?", rule=rule),),
                           channel="phones", voters=("participant", "expert"), actor="test").round
    dialog = RoundDialog(created)
    qtbot.addWidget(dialog)
    assert dialog.threshold_combo.currentText() == "at least 70%"
    dialog.title_edit.setText("From a file, renamed")
    definition = dialog.definition()
    assert definition.questions[0].rule == rule
    assert (definition.channel, definition.voters) == ("phones", ("participant", "expert"))


def test_the_desk_shows_the_channel_and_refuses_who_may_not_vote(desk: Desk) -> None:
    opened(desk)
    assert desk.page.round_info.text() == ("How people vote: Paper only. Who may vote: "
                                           "participants.")
    expert = next(p for p in list_participants(desk.store) if p.present and p.role == "expert")
    desk.page.set_mode(HAND_OUT)
    desk.scanner(expert.badge_code)
    assert desk.page.banner.kind == "error"
    assert "is not entitled to vote" in desk.page.banner.text()
    assert reconcile(desk.store, desk.round.id).handed_out == 0


def test_a_phones_only_round_has_no_paper_controls(desk: Desk) -> None:
    from facilitator import lan

    created = create_round(desk.store, "Phones", three_questions(), channel="phones",
                           actor="test").round
    desk.bus.publish(lan.open_question(desk.store, created.id, 0, actor="test"))
    desk.page.select_round(created.id)
    page = desk.page
    assert "Phones only" in page.round_info.text()
    assert not page.print_button.isEnabled() and not page.mode_buttons[HAND_OUT].isEnabled()
    assert not page.reconciliation.save_counts_button.isEnabled()
    assert "phones only" in page.scan_edit.placeholderText()


def test_closing_seals_and_reopening_says_the_fingerprint_is_released(desk: Desk) -> None:
    codes = opened(desk, 1)
    desk.paper(codes[0], "1")
    desk.note = "test"
    desk.page.reconciliation.close_button.click()
    sealed = get_round(desk.store, desk.round.id).fingerprint
    assert sealed and f"fingerprint {sealed[:16]}" in desk.page.round_info.text()
    desk.note = "A paper turned up."
    desk.page.reconciliation.reopen_button.click()
    assert "releases the fingerprint" in desk.notes_asked[-1][0]
    assert "sealed fingerprint is released" in desk.page.banner.text()
    assert get_round(desk.store, desk.round.id).fingerprint is None


# -- issue 12: the page on the Page base --------------------------------------------------------


def test_every_change_from_the_desk_names_who_made_it(desk: Desk) -> None:
    """Every op runs through Page.run with the actor: the operator typed, else the desk."""
    before = desk.store.query_one("SELECT max(id) AS n FROM audit_log")
    first_new = int(before["n"] or 0) + 1 if before else 1
    desk.definition = RoundDefinition("Desk vote", three_questions(), "", None, False)
    desk.page.new_button.click()
    desk.print_request = PrintRequest(3, None, "A4")
    desk.page.print_button.click()
    desk.qtbot.waitUntil(lambda: not desk.page.printing, timeout=20_000)
    codes = [p.code for p in paper_codes(desk.store, desk.round.id)]
    desk.paper(codes[0], "1")
    desk.page.operator_edit.setText("  Ann  Jones ")
    desk.paper(codes[1], "2")
    desk.note = "two papers are still out"
    desk.page.reconciliation.close_button.click()
    assert get_round(desk.store, desk.round.id).is_closed
    rows = desk.store.query("SELECT action, actor FROM audit_log WHERE id >= ? ORDER BY id",
                            (first_new,))
    assert [(r["action"], r["actor"]) for r in rows] == [
        ("ballot_round_create", "desk"), ("ballot_round_channel", "desk"),
        ("ballot_codes_issue", "desk"), ("ballot_enter", "desk"),
        ("ballot_enter", "Ann Jones"), ("ballot_round_close", "Ann Jones")]
    assert [e.operator for e in entries(desk.store, desk.round.id)] == ["Ann Jones", "desk"]


def test_a_hidden_voting_page_is_refreshed_when_shown(desk: Desk) -> None:
    desk.page.hide()
    created = create_round(desk.store, "While away", three_questions(), actor="test")
    desk.bus.publish(created.changes)
    assert desk.page.stale and desk.page.current_round() is None  # no work while hidden
    desk.page.show()
    assert not desk.page.stale
    assert desk.page.current_round() == created.round


def test_a_batch_printed_again_after_the_app_changed_language_is_read_as_first_printed(
        desk: Desk) -> None:
    """Issue 17: the desk prints a round without a language with the app in Arabic, the
    app is switched to English, the batch is printed again (a paper jam): the papers are
    the Arabic ones, and the reader reads them so."""
    from facilitator.i18n import language, set_language
    from facilitator.reading import queries as reading
    from facilitator.reading.image import read_image
    from facilitator.reports.ballots import paper_layout

    from ..reading_corpus import Tally, mark_page, render

    before = language()
    try:
        set_language("ar")
        desk.definition = RoundDefinition("Saturday vote", three_questions(), "", None, False)
        desk.page.new_button.click()
        desk.print_request = PrintRequest(2, None, "A4")
        desk.page.print_button.click()
        desk.qtbot.waitUntil(lambda: not desk.page.printing, timeout=20_000)
        arabic = paper_layout(desk.round, event_name=desk.store.name)
        first = render(desk.pdf, 150)
        set_language("en")
        desk.pdf.unlink()
        desk.print_request = PrintRequest(0, 1, "A4")
        desk.page.print_button.click()
        desk.qtbot.waitUntil(lambda: not desk.page.printing, timeout=20_000)
        assert desk.page.banner.kind == "ok" and desk.round.printed == 2
        again = render(desk.pdf, 150)
        assert len(again) == len(first) and all(
            (a == b).all() for a, b in zip(again, first, strict=True))  # the same papers
        tally = Tally()
        rng = random.Random(2)
        pages = len(arabic.pages)
        for n, image in enumerate(again):
            marked = mark_page(image, arabic, n % pages, desk.round.questions, rng, 150,
                               style="cross", stray=0)
            tally.add(read_image(marked.image, reading.paper_for(desk.store)).read, marked,
                      f"page {n}")
        assert tally.wrong == 0 and tally.right == tally.questions == 6, tally.notes
    finally:
        set_language(before)
