"""The Theatre page: a legislative-theatre session, run by the joker and a note-taker.

Four tabs, in the order of the evening, each usable from the keyboard alone:

* **Play and forum** (Alt+1): the scenes (title, characters, the problem shown) and the
  interventions: choose the scene and the character replaced, type who stepped in (empty:
  an audience member) and what they try, Enter starts it with its countdown; type the
  outcome, Enter ends it. F7 pauses the countdown.
* **Cards and proposals** (Alt+2): type an idea (or scan a paper idea card first), Enter
  adds it, linked to the intervention chosen (the latest by default). Drag cards onto a
  proposal, or select them and press Ctrl+Enter in the "to proposal" field; a new proposal
  takes the selected cards. Ctrl+M merges the selected proposals; every card keeps its link.
* **Vote** (Alt+3): reword and tag a proposal (every wording kept), put it to the vote on
  phones, paper or a show of hands with its rule (locked then), key in hands with who
  counted, close the vote (F9). F5 projects the proposal with its cards; F6 shows its
  result there. A vote on paper has its papers printed and keyed on the same tab
  (:mod:`ui.pages.theatre.papers`; Ctrl+K to the scan field).
* **Commitments** (Alt+4): for an accepted proposal, who commits, their role and body, the
  action and a date, or why they cannot; Enter records it, F10 confirms the last one read
  back. Ctrl+P prints the "Proposals and commitments" PDF; the tracker and the log export.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from functools import partial
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator.ballots import DecisionRule
from facilitator.changes import Changes
from facilitator.clock import Clock
from facilitator.demo import DEMO_NAME
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.lan import ops as lan_ops
from facilitator.people import search
from facilitator.qa.model import table_from_scan
from facilitator.reports.theatre import write_idea_cards, write_proposals
from facilitator.store import EventStore
from facilitator.theatre import export, ops, queries
from facilitator.theatre.demo import build_session
from facilitator.theatre.model import (
    METHODS,
    STATUSES,
    STEPS,
    cards_text,
    method_name,
    scene_from_card_label,
    source_name,
    status_name,
    step_name,
)
from facilitator.timing.countdown import OvertimePolicy, display_seconds, format_mmss
from ui.bus import ChangeBus
from ui.flow import flow_row
from ui.pages.base import APP_ACTOR, Page
from ui.pages.common import SaveChooser, choose_save_path, save_export
from ui.pages.theatre.cards import ITEM_ID, CardList, ProposalList, item_id
from ui.pages.theatre.papers import PaperPanel, PrintAsker
from ui.pages.voting.dialogs import PrintDialog
from ui.tasks import TaskRunner
from ui.widgets import ScrollDown
from ui.widgets import narrow_combo as narrowed

RULES = (("simple", Fraction(1, 2)), ("60", Fraction(3, 5)), ("two_thirds", Fraction(2, 3)))


def rule_of(key: str) -> DecisionRule:
    if key == "simple":
        return DecisionRule.simple_majority()
    return DecisionRule.supermajority(dict(RULES)[key])


def narrow_combo() -> QComboBox:
    """A list of proposals that does not widen the page to its longest wording (the page
    fits 1366 px)."""
    return narrowed(QComboBox(), 30)


class TheatrePage(Page):
    def __init__(self, store: EventStore, bus: ChangeBus, clock: Clock, *,
                 actor: str = APP_ACTOR, choose_save: SaveChooser = choose_save_path,
                 ask_print: PrintAsker = PrintDialog.ask, tasks: TaskRunner | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(store, bus, actor=actor, parent=parent)
        self.title = _("Theatre")
        self._clock = clock
        self._choose_save = choose_save
        self._ask_print = ask_print
        self.tasks = tasks or TaskRunner(self)

        heading = QLabel(_("Legislative theatre"))
        heading.setObjectName("pageTitle")
        self.session_label = QLabel()
        self.step_combo = QComboBox()
        self.step_combo.setAccessibleName(_("Running order"))
        self.step_combo.setSizeAdjustPolicy(  # filled once a session starts: not as wide as
            QComboBox.SizeAdjustPolicy.AdjustToContents)  # the empty box first shown
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addWidget(self.session_label, 1)
        top.addWidget(QLabel(_("Now:")))
        top.addWidget(self.step_combo)

        # -- no session yet
        self.start_box = QGroupBox(_("Start a legislative-theatre session"))
        self.play_title_edit = QLineEdit()
        self.play_title_edit.setPlaceholderText(_("The play's title — Enter starts"))
        self.play_title_edit.setAccessibleName(_("The play's title"))
        self.company_edit = QLineEdit()
        self.company_edit.setAccessibleName(_("Company"))
        self.contact_edit = QLineEdit()
        self.contact_edit.setAccessibleName(_("Follow-up contact"))
        start_form = QFormLayout(self.start_box)
        start_form.addRow(_("Play"), self.play_title_edit)
        start_form.addRow(_("Company"), self.company_edit)
        start_form.addRow(_("Follow-up contact"), self.contact_edit)
        self.demo_button = QPushButton(_("Fill in a demo session (3 scenes, 15 interventions, "
                                         "40 cards, 6 proposals, votes, commitments)"))
        self.demo_button.setVisible(store.name == _(DEMO_NAME))  # the app's demo event only
        self.demo_button.clicked.connect(self.fill_demo)
        start_form.addRow(self.demo_button)

        self.tabs = QTabWidget()  # each tab scrolls rather than squeeze on a 768 px screen
        self.tabs.addTab(ScrollDown(self._forum_tab()), _("1 Play and forum"))
        self.tabs.addTab(ScrollDown(self._cards_tab()), _("2 Cards and proposals"))
        self.tabs.addTab(ScrollDown(self._vote_tab()), _("3 Vote"))
        self.tabs.addTab(ScrollDown(self._commit_tab()), _("4 Commitments"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.start_box)
        layout.addWidget(self.tabs, 1)

        self._ticker = QTimer(self)
        self._ticker.setInterval(250)
        self._ticker.timeout.connect(self._tick)

        self.play_title_edit.returnPressed.connect(self.start_session)
        self.step_combo.activated.connect(self._on_step_activated)
        self._make_shortcuts()
        self.refresh()

    # -- building ---------------------------------------------------------------------------

    def _forum_tab(self) -> QWidget:
        tab = QWidget()
        scenes = QGroupBox(_("Scenes of the play"))
        self.scene_title_edit = QLineEdit()
        self.scene_title_edit.setAccessibleName(_("Scene title"))
        self.scene_chars_edit = QLineEdit()
        self.scene_chars_edit.setPlaceholderText(_("Characters, separated by commas"))
        self.scene_chars_edit.setAccessibleName(_("Characters"))
        self.scene_problem_edit = QLineEdit()
        self.scene_problem_edit.setPlaceholderText(_("The problem shown — Enter adds the scene"))
        self.scene_problem_edit.setAccessibleName(_("The problem shown"))
        self.scene_list = QListWidget()
        self.scene_list.setWordWrap(True)
        self.scene_list.setMaximumHeight(110)
        form = QFormLayout(scenes)
        form.addRow(_("Title"), self.scene_title_edit)
        form.addRow(_("Characters"), self.scene_chars_edit)
        form.addRow(_("Problem"), self.scene_problem_edit)
        form.addRow(self.scene_list)

        entry = QGroupBox(_("Intervention"))
        self.scene_combo = QComboBox()
        self.scene_combo.setAccessibleName(_("Scene"))
        self.character_combo = QComboBox()
        self.character_combo.setEditable(True)
        self.character_combo.setAccessibleName(_("Character replaced"))
        self.who_edit = QLineEdit()
        self.who_edit.setPlaceholderText(_("Who stepped in (empty: an audience member)"))
        self.who_edit.setAccessibleName(_("Who stepped in"))
        self.tried_edit = QLineEdit()
        self.tried_edit.setPlaceholderText(_("What they try — Enter starts the countdown"))
        self.tried_edit.setAccessibleName(_("What they try"))
        self.seconds_spin = QSpinBox()
        self.seconds_spin.setRange(10, 3600)
        self.seconds_spin.setValue(240)
        self.seconds_spin.setSuffix(_(" s"))
        self.seconds_spin.setAccessibleName(_("Countdown"))
        self.outcome_edit = QLineEdit()
        self.outcome_edit.setPlaceholderText(_("The outcome — Enter ends the intervention"))
        self.outcome_edit.setAccessibleName(_("Outcome"))
        self.timer_label = QLabel()
        self.timer_label.setObjectName("qaTimer")
        self.on_stage_label = QLabel()
        self.on_stage_label.setWordWrap(True)
        form2 = QFormLayout(entry)
        form2.addRow(_("Scene"), self.scene_combo)
        form2.addRow(_("Character"), self.character_combo)
        form2.addRow(_("Who"), self.who_edit)
        form2.addRow(_("Tries"), self.tried_edit)
        form2.addRow(_("Countdown"), self.seconds_spin)
        form2.addRow(self.on_stage_label)
        form2.addRow(self.timer_label)
        form2.addRow(_("Outcome"), self.outcome_edit)

        self.log_list = QListWidget()
        self.log_list.setWordWrap(True)
        self.log_list.setAccessibleName(_("Interventions log"))
        left = QVBoxLayout()
        left.addWidget(scenes)
        left.addWidget(entry)
        right = QVBoxLayout()
        right.addWidget(QLabel(_("Interventions log")))
        right.addWidget(self.log_list, 1)
        row = QHBoxLayout(tab)
        row.addLayout(left, 1)
        row.addLayout(right, 1)

        self.scene_problem_edit.returnPressed.connect(self.add_scene)
        self.scene_combo.currentIndexChanged.connect(self._fill_characters)
        self.tried_edit.returnPressed.connect(self.start_intervention)
        self.who_edit.returnPressed.connect(self.tried_edit.setFocus)
        self.outcome_edit.returnPressed.connect(self.end_intervention)
        return tab

    def _cards_tab(self) -> QWidget:
        tab = QWidget()
        capture = QGroupBox(_("New idea card"))
        self.scan_edit = QLineEdit()
        self.scan_edit.setPlaceholderText(_("Scan a paper idea card (optional)"))
        self.scan_edit.setAccessibleName(_("Scanned card"))
        self.card_edit = QLineEdit()
        self.card_edit.setPlaceholderText(_("The idea — Enter adds the card"))
        self.card_edit.setAccessibleName(_("Idea"))
        self.source_combo = QComboBox()
        self.source_combo.setAccessibleName(_("Source"))
        for key in ("typed", "card"):
            self.source_combo.addItem(source_name(key), key)
        self.link_combo = QComboBox()
        self.link_combo.setAccessibleName(_("Prompted by"))
        form = QFormLayout(capture)
        form.addRow(_("Scan"), self.scan_edit)
        form.addRow(_("Idea"), self.card_edit)
        form.addRow(_("Source"), self.source_combo)
        form.addRow(_("Prompted by"), self.link_combo)

        self.card_list = CardList()
        self.card_list.setAccessibleName(_("Cards in no proposal yet"))
        self.proposal_list = ProposalList(self._drop_cards)
        self.proposal_list.setAccessibleName(_("Proposals"))
        self.new_proposal_edit = QLineEdit()
        self.new_proposal_edit.setPlaceholderText(
            _("New proposal from the selected cards — Enter"))
        self.new_proposal_edit.setAccessibleName(_("New proposal"))
        self.target_edit = QLineEdit()
        self.target_edit.setPlaceholderText(_("Proposal number — Enter puts the selected "
                                              "cards behind it"))
        self.target_edit.setAccessibleName(_("Put the cards behind proposal"))
        self.merge_button = QPushButton(_("Merge (Ctrl+M)"))
        self.unmerge_button = QPushButton(_("Un-merge"))
        self.detach_button = QPushButton(_("Take card out"))
        self.behind_list = QListWidget()
        self.behind_list.setAccessibleName(_("Cards behind the proposal"))

        left = QVBoxLayout()
        left.addWidget(capture)
        left.addWidget(QLabel(_("Cards in no proposal yet (drag onto a proposal)")))
        left.addWidget(self.card_list, 1)
        left.addWidget(self.target_edit)
        right = QVBoxLayout()
        right.addWidget(QLabel(_("Proposals")))
        right.addWidget(self.proposal_list, 2)
        right.addWidget(self.new_proposal_edit)
        buttons = QHBoxLayout()
        for button in (self.merge_button, self.unmerge_button, self.detach_button):
            buttons.addWidget(button)
        right.addLayout(buttons)
        right.addWidget(QLabel(_("Behind the selected proposal")))
        right.addWidget(self.behind_list, 1)
        row = QHBoxLayout(tab)
        row.addLayout(left, 1)
        row.addLayout(right, 1)

        self.scan_edit.returnPressed.connect(self.read_scan)
        self.card_edit.returnPressed.connect(self.add_card)
        self.new_proposal_edit.returnPressed.connect(self.new_proposal)
        self.target_edit.returnPressed.connect(self.attach_to_typed)
        self.merge_button.clicked.connect(self.merge_selected)
        self.unmerge_button.clicked.connect(self.unmerge_selected)
        self.detach_button.clicked.connect(self.detach_selected)
        self.proposal_list.currentItemChanged.connect(self._fill_behind)
        return tab

    def _vote_tab(self) -> QWidget:
        tab = QWidget()
        self.vote_proposal_combo = narrow_combo()
        self.vote_proposal_combo.setAccessibleName(_("Proposal"))
        self.reword_edit = QLineEdit()
        self.reword_edit.setAccessibleName(_("Wording"))
        self.reword_edit.setPlaceholderText(_("New wording — Enter keeps it (and the old one)"))
        self.area_edit = QLineEdit()
        self.area_edit.setAccessibleName(_("Policy area"))
        self.body_edit = QLineEdit()
        self.body_edit.setAccessibleName(_("Body responsible"))
        self.body_edit.setPlaceholderText(_("Body responsible — Enter saves the tags"))
        self.versions_list = QListWidget()
        self.versions_list.setMaximumHeight(90)
        self.method_combo = QComboBox()
        self.method_combo.setAccessibleName(_("How the audience votes"))
        for key in METHODS:
            self.method_combo.addItem(method_name(key), key)
        self.rule_combo = QComboBox()
        self.rule_combo.setAccessibleName(_("Acceptance rule"))
        self.rule_combo.addItem(_("Simple majority"), "simple")
        self.rule_combo.addItem(_("At least 60%"), "60")
        self.rule_combo.addItem(_("At least two thirds"), "two_thirds")
        self.define_button = QPushButton(_("Put to the vote (Ctrl+Shift+V)"))
        self.define_button.setObjectName("primary")
        self.hands_for = QSpinBox()
        self.hands_against = QSpinBox()
        self.hands_abstain = QSpinBox()
        for spin, name in ((self.hands_for, _("Hands for")),
                           (self.hands_against, _("Hands against")),
                           (self.hands_abstain, _("Hands abstaining"))):
            spin.setRange(0, 100_000)
            spin.setAccessibleName(name)
        self.hands_note_edit = QLineEdit()
        self.hands_note_edit.setPlaceholderText(_("hands, counted by X and Y — Enter records"))
        self.hands_note_edit.setAccessibleName(_("Who counted the hands"))
        self.close_note_edit = QLineEdit()
        self.close_note_edit.setPlaceholderText(
            _("Only if the figures do not agree: why — Enter closes the vote"))
        self.close_note_edit.setAccessibleName(_("Note for closing the vote"))
        self.close_button = QPushButton(_("Close the vote (F9)"))
        self.project_button = QPushButton(_("Project (F5)"))
        self.results_button = QPushButton(_("Show result on projector (F6)"))
        self.outcome_label = QLabel()
        self.outcome_label.setObjectName("theatreOutcome")
        self.outcome_label.setWordWrap(True)
        self.paper_note = QLabel()
        self.paper_note.setWordWrap(True)

        form = QFormLayout()
        form.addRow(_("Proposal"), self.vote_proposal_combo)
        form.addRow(_("Wording"), self.reword_edit)
        form.addRow(_("Policy area"), self.area_edit)
        form.addRow(_("Body"), self.body_edit)
        form.addRow(_("Earlier wordings"), self.versions_list)
        form.addRow(_("Vote by"), self.method_combo)
        form.addRow(_("Rule"), self.rule_combo)
        form.addRow(self.define_button)
        hands = QHBoxLayout()
        for spin in (self.hands_for, self.hands_against, self.hands_abstain):
            hands.addWidget(spin)
        form.addRow(_("Hands (for, against, abstain)"), hands)
        form.addRow(_("Counted by"), self.hands_note_edit)
        form.addRow(_("Closing note"), self.close_note_edit)
        form.addRow(flow_row(self.close_button, self.project_button, self.results_button))
        form.addRow(self.outcome_label)
        form.addRow(self.paper_note)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # fields under labels
        self.paper_panel = PaperPanel(self, self.tasks, choose_save=self._choose_save,
                                      ask_print=self._ask_print)
        self.paper_panel.setMinimumWidth(400)
        row = QHBoxLayout(tab)
        row.addLayout(form, 3)
        row.addWidget(self.paper_panel, 2)

        self.vote_proposal_combo.currentIndexChanged.connect(self._fill_vote)
        self.reword_edit.returnPressed.connect(self.reword)
        self.area_edit.returnPressed.connect(self.body_edit.setFocus)
        self.body_edit.returnPressed.connect(self.save_tags)
        self.define_button.clicked.connect(self.define_vote)
        self.hands_note_edit.returnPressed.connect(self.record_hands)
        self.close_note_edit.returnPressed.connect(self.close_vote)
        self.close_button.clicked.connect(self.close_vote)
        self.project_button.clicked.connect(self.project)
        self.results_button.clicked.connect(self.show_result)
        return tab

    def _commit_tab(self) -> QWidget:
        tab = QWidget()
        self.commit_proposal_combo = narrow_combo()
        self.commit_proposal_combo.setAccessibleName(_("Accepted proposal"))
        self.commit_name_edit = QLineEdit()
        self.commit_name_edit.setAccessibleName(_("Who commits"))
        self.commit_role_edit = QLineEdit()
        self.commit_role_edit.setAccessibleName(_("Their role"))
        self.commit_body_edit = QLineEdit()
        self.commit_body_edit.setAccessibleName(_("Their body"))
        self.commit_action_edit = QLineEdit()
        self.commit_action_edit.setAccessibleName(_("What they will do"))
        self.commit_due_edit = QLineEdit()
        self.commit_due_edit.setPlaceholderText(_("YYYY-MM-DD — Enter records"))
        self.commit_due_edit.setAccessibleName(_("By when"))
        self.commit_cannot_edit = QLineEdit()
        self.commit_cannot_edit.setPlaceholderText(
            _("Or: cannot commit, because … — Enter records"))
        self.commit_cannot_edit.setAccessibleName(_("Cannot commit, because"))
        self.commit_list = QListWidget()
        self.commit_list.setWordWrap(True)
        self.commit_list.setAccessibleName(_("Commitments"))
        self.confirm_button = QPushButton(_("Confirmed after reading back (F10)"))
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName(_("Follow-up status of the selected commitment"))
        for key in STATUSES:
            self.status_combo.addItem(status_name(key), key)
        self.pdf_button = QPushButton(_("Print proposals and commitments (Ctrl+P)…"))
        self.pdf_button.setObjectName("primary")
        self.csv_button = QPushButton(_("Commitments tracker (CSV)…"))
        self.json_button = QPushButton(_("Commitments tracker (JSON)…"))
        self.log_button = QPushButton(_("Interventions log (CSV)…"))
        self.idea_cards_button = QPushButton(_("Print idea cards…"))
        form = QFormLayout()
        form.addRow(_("Proposal"), self.commit_proposal_combo)
        form.addRow(_("Name"), self.commit_name_edit)
        form.addRow(_("Role"), self.commit_role_edit)
        form.addRow(_("Body"), self.commit_body_edit)
        form.addRow(_("Will do"), self.commit_action_edit)
        form.addRow(_("By"), self.commit_due_edit)
        form.addRow(_("Cannot, because"), self.commit_cannot_edit)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # when narrow
        right = QVBoxLayout()
        right.addWidget(self.commit_list, 1)
        right.addWidget(self.confirm_button)
        status_row = QHBoxLayout()
        status_row.addWidget(QLabel(_("Follow-up status:")))
        status_row.addWidget(self.status_combo, 1)
        right.addLayout(status_row)
        for button in (self.pdf_button, self.csv_button, self.json_button, self.log_button,
                       self.idea_cards_button):
            right.addWidget(button)
        row = QHBoxLayout(tab)
        row.addLayout(form, 1)
        row.addLayout(right, 1)
        for edit in (self.commit_name_edit, self.commit_role_edit, self.commit_body_edit):
            edit.returnPressed.connect(self.focusNextChild)
        self.commit_action_edit.returnPressed.connect(self.commit_due_edit.setFocus)
        self.commit_due_edit.returnPressed.connect(self.add_commitment)
        self.commit_cannot_edit.returnPressed.connect(self.add_commitment)
        self.commit_proposal_combo.currentIndexChanged.connect(self._fill_commitments)
        self.confirm_button.clicked.connect(self.confirm_last)
        self.status_combo.activated.connect(self.set_status)
        self.commit_list.currentItemChanged.connect(self._show_status)
        self.pdf_button.clicked.connect(self.print_pdf)
        self.csv_button.clicked.connect(lambda: self._export("csv"))
        self.json_button.clicked.connect(lambda: self._export("json"))
        self.log_button.clicked.connect(lambda: self._export("log"))
        self.idea_cards_button.clicked.connect(self.print_idea_cards)
        return tab

    def _make_shortcuts(self) -> None:
        for index in range(4):
            self.shortcut(_("Tab {n}").format(n=index + 1), f"Alt+{index + 1}",
                          partial(self._go, index))
        self.shortcut(_("Pause the countdown"), "F7", self.toggle_timer)
        self.shortcut(_("Merge proposals"), "Ctrl+M", self.merge_selected)
        self.shortcut(_("Put to the vote"), "Ctrl+Shift+V", self.define_vote)
        self.shortcut(_("Close the vote"), "F9", self.close_vote)
        self.shortcut(_("Project the proposal"), "F5", self.project)
        self.shortcut(_("Show the result"), "F6", self.show_result)
        self.shortcut(_("Confirm the commitment"), "F10", self.confirm_last)
        self.shortcut(_("Print proposals and commitments"), "Ctrl+P", self.print_pdf)
        self.shortcut(_("Key paper ballots"), "Ctrl+K", self.key_papers)

    def _go(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        first = (self.scene_combo if not self.scene_combo.count() else self.who_edit,
                 self.card_edit, self.vote_proposal_combo, self.commit_name_edit)[index]
        first.setFocus()

    # -- refresh -----------------------------------------------------------------------------

    def relevant(self, changes: Changes) -> bool:
        return changes.theatre or changes.ballots or changes.phones or changes.participants

    def refresh(self) -> None:
        session = queries.session(self.store)
        self.start_box.setVisible(session is None)
        self.tabs.setVisible(session is not None)
        self.step_combo.setEnabled(session is not None)
        if session is None:
            self.session_label.setText(_("No session yet: give the play's title to start."))
            self.play_title_edit.setFocus()
            return
        self.session_label.setText(session.title + (f" — {session.company}"
                                                    if session.company else ""))
        self.step_combo.blockSignals(True)
        self.step_combo.clear()
        for step in session.running_order:
            self.step_combo.addItem(step_name(step), step)
        self.step_combo.setCurrentIndex(session.step)
        self.step_combo.blockSignals(False)
        self._refresh_forum()
        self._refresh_cards()
        self._refresh_proposal_combos()

    def _refresh_forum(self) -> None:
        scenes = queries.scenes(self.store)
        self.scene_list.clear()
        for s in scenes:
            self.scene_list.addItem(f"{s.label} — {', '.join(s.characters)}"
                                    + (f": {s.problem}" if s.problem else ""))
        keep = self.scene_combo.currentData()
        self.scene_combo.blockSignals(True)
        self.scene_combo.clear()
        for s in scenes:
            self.scene_combo.addItem(s.label, s.id)
        if keep is not None and self.scene_combo.findData(keep) >= 0:
            self.scene_combo.setCurrentIndex(self.scene_combo.findData(keep))
        self.scene_combo.blockSignals(False)
        self._fill_characters()
        log = queries.interventions(self.store)
        self.log_list.clear()
        for i in reversed(log):
            self.log_list.addItem(f"{i.number} · {i.character} ← {i.who}: {i.tried or '—'}"
                                  f" → {i.outcome or '…'}")
        running = queries.running_intervention(self.store)
        self._running = running
        if running is None:
            self.on_stage_label.setText(_("Nobody on stage."))
            self.timer_label.setText("")
            self._ticker.stop()
        else:
            self.on_stage_label.setText(_("On stage: {who} as {character} ({number})").format(
                who=running.who, character=running.character, number=running.number))
            if self.isVisible():
                self._ticker.start()
            self._tick()
        keep_link = self.link_combo.currentData()
        self.link_combo.clear()
        self.link_combo.addItem(_("The scene chosen on the forum tab"), None)
        for i in reversed(log):
            self.link_combo.addItem(f"{i.number} · {i.character} ← {i.who}", i.id)
        # The latest intervention, unless the desk is choosing another right now.
        index = self.link_combo.findData(keep_link) if self.link_combo.hasFocus() else -1
        self.link_combo.setCurrentIndex(index if index >= 0 else (1 if log else 0))

    def _fill_characters(self) -> None:
        sid = self.scene_combo.currentData()
        self.character_combo.clear()
        if sid is None:
            return
        for name in queries.scene(self.store, int(sid)).characters:
            self.character_combo.addItem(name)

    def _refresh_cards(self) -> None:
        scenes = {s.id: s.position for s in queries.scenes(self.store)}
        self.card_list.clear()
        for c in queries.cards(self.store, unsorted_only=True):
            where = f"S{scenes[c.scene_id]}" if c.scene_id in scenes else ""
            item = QListWidgetItem(f"#{c.id} {c.text}  [{where} · {source_name(c.source)}]")
            item.setData(ITEM_ID, c.id)
            self.card_list.addItem(item)
        keep = item_id(self.proposal_list.currentItem())
        self.proposal_list.clear()
        for p in queries.proposals(self.store, include_merged=True):
            mark = _(" (merged into P{id})").format(id=p.merged_into) if p.merged_into else ""
            item = QListWidgetItem(f"{p.number}{mark}: {p.text}  — "
                                   + cards_text(len(p.cards)))
            item.setData(ITEM_ID, p.id)
            self.proposal_list.addItem(item)
            if p.id == keep:
                self.proposal_list.setCurrentItem(item)
        self._fill_behind()

    def _fill_behind(self) -> None:
        self.behind_list.clear()
        pid = item_id(self.proposal_list.currentItem())
        if pid is None:
            return
        for c in queries.proposal(self.store, pid).cards:
            item = QListWidgetItem(f"#{c.id} {c.text}")
            item.setData(ITEM_ID, c.id)
            self.behind_list.addItem(item)

    def _refresh_proposal_combos(self) -> None:
        every = queries.proposals(self.store)
        for combo, accepted_only in ((self.vote_proposal_combo, False),
                                     (self.commit_proposal_combo, True)):
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for p in every:
                result = queries.outcome(self.store, p.id)
                if accepted_only and not (result and result.closed and result.passed):
                    continue
                combo.addItem(f"{p.number}: {p.text[:80]}", p.id)
            index = combo.findData(keep) if keep is not None else -1
            if index >= 0:
                combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self._fill_vote()
        self._fill_commitments()

    def _fill_vote(self) -> None:
        pid = self.vote_proposal_combo.currentData()
        self.versions_list.clear()
        if pid is None:
            self.outcome_label.setText(_("No proposal yet: draft one on the cards tab."))
            self.paper_note.setText("")
            self.paper_panel.show_round(None)
            return
        item = queries.proposal(self.store, int(pid))
        if not self.reword_edit.hasFocus():
            self.reword_edit.setText(item.text)
        if not self.area_edit.hasFocus():
            self.area_edit.setText(item.policy_area)
        if not self.body_edit.hasFocus():
            self.body_edit.setText(item.body)
        for v in queries.versions(self.store, item.id)[:-1]:
            self.versions_list.addItem(f"{v.at.astimezone():%H:%M} {v.text}")
        vote = queries.vote(self.store, item.id)
        self.method_combo.setEnabled(vote is None)
        self.rule_combo.setEnabled(vote is None)
        self.define_button.setEnabled(vote is None)
        # The rule in full is under the result; the button keeps the page within 1366 px.
        self.define_button.setText(_("Put to the vote (Ctrl+Shift+V)") if vote is None else
                                   _("Put to the vote; its rule is locked"))
        self.define_button.setToolTip(vote.rule.describe() if vote is not None else "")
        hands_open = vote is not None and vote.method == "hands" and not vote.closed
        for widget in (self.hands_for, self.hands_against, self.hands_abstain,
                       self.hands_note_edit):
            widget.setEnabled(hands_open)
        if vote is not None:
            self.method_combo.setCurrentIndex(self.method_combo.findData(vote.method))
        self.paper_panel.show_round(vote.round_id if vote is not None and vote.method in
                                    ("paper", "both") else None)
        try:
            result = queries.outcome(self.store, item.id)
        except UserError as exc:
            self.outcome_label.setText(exc.message)
            return
        if result is None:
            self.outcome_label.setText(_("Not put to the vote yet."))
        else:
            state = _("closed") if result.closed else _("open")
            self.outcome_label.setText(
                f"{method_name(result.method)} ({state}): {result.counts_text}. "
                f"{result.verdict}\n{result.rule_text}")
        self.paper_note.setText(
            _("Paper ballots: print and key them here (Ctrl+K) or on the Voting page (round "
              "“Proposal {id}”).").format(id=item.id) if vote and vote.method in
            ("paper", "both") else "")

    def _fill_commitments(self) -> None:
        self.commit_list.clear()
        pid = self.commit_proposal_combo.currentData()
        if pid is None:
            self.commit_list.addItem(_("No accepted proposal yet."))
            return
        for c in queries.commitments(self.store, int(pid)):
            item = QListWidgetItem(
                f"{c.name} ({', '.join(x for x in (c.role, c.body) if x)}): {c.text} — "
                f"{status_name(c.status)}" + ("  ✔" if c.confirmed_at else ""))
            item.setData(ITEM_ID, c.id)
            self.commit_list.addItem(item)

    def _tick(self) -> None:
        running = getattr(self, "_running", None)
        if running is None:
            return
        seconds, over = display_seconds(running.timer.remaining(self._clock),
                                        OvertimePolicy.COUNT_UP)
        paused = "" if running.timer.running else " " + _("(paused)")
        self.timer_label.setText(format_mmss(seconds, over) + paused)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if getattr(self, "_running", None) is not None:
            self._ticker.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._ticker.stop()

    # -- actions: session and forum -------------------------------------------------------------

    def start_session(self) -> None:
        title = self.play_title_edit.text()
        if self.run(lambda: ops.start_session(
                self.store, title, company=self.company_edit.text(),
                contact=self.contact_edit.text(), actor=self.actor)):
            self.scene_title_edit.setFocus()

    def fill_demo(self) -> None:
        """The demo event gets a whole session, so a newcomer sees every tab filled."""
        def build() -> Changes:
            build_session(self.store)
            return Changes(theatre=True, ballots=True, phones=True, participants=True,
                           attendance=True)

        self.run(build, _("The demo session is in: look at each tab."))

    def _on_step_activated(self, index: int) -> None:
        self.run(lambda: ops.set_step(self.store, index, actor=self.actor))

    def add_scene(self) -> None:
        chars = [c for c in self.scene_chars_edit.text().split(",") if c.strip()]
        title, problem = self.scene_title_edit.text(), self.scene_problem_edit.text()
        if self.run(lambda: ops.add_scene(self.store, title, chars, problem,
                                          actor=self.actor)):
            for edit in (self.scene_title_edit, self.scene_chars_edit, self.scene_problem_edit):
                edit.clear()
            self.scene_title_edit.setFocus()

    def _who(self) -> int | None:
        text = self.who_edit.text().strip()
        if not text:
            return None
        found = search(self.store, text, limit=5)
        exact = [p for p in found if p.name.lower() == text.lower()]
        if exact or len(found) == 1:
            return (exact or found)[0].id
        raise UserError(_("No single participant matches “{text}”; type more of the name, or "
                          "leave it empty for an audience member.").format(text=text))

    def start_intervention(self) -> None:
        sid = self.scene_combo.currentData()
        if sid is None:
            self.refuse(_("Add the play's scenes first."))
            return
        try:
            who = self._who()
        except UserError as exc:
            self.refuse(exc.message)
            return
        character, tried = self.character_combo.currentText(), self.tried_edit.text()
        seconds = self.seconds_spin.value()
        if self.run(lambda: ops.start_intervention(
                self.store, int(sid), character, participant_id=who, tried=tried,
                seconds=seconds, actor=self.actor)):
            self.who_edit.clear()
            self.tried_edit.clear()
            self.outcome_edit.setFocus()

    def end_intervention(self) -> None:
        running = queries.running_intervention(self.store)
        if running is None:
            self.refuse(_("Nobody is on stage."))
            return
        outcome = self.outcome_edit.text()
        if self.run(lambda: ops.end_intervention(self.store, running.id, outcome=outcome,
                                                 actor=self.actor)):
            self.outcome_edit.clear()
            self.who_edit.setFocus()

    def toggle_timer(self) -> None:
        running = queries.running_intervention(self.store)
        if running is None:
            self.refuse(_("Nobody is on stage."))
            return
        self.run(lambda: ops.toggle_timer(self.store, running.id, actor=self.actor))

    # -- actions: cards and proposals -----------------------------------------------------------

    def read_scan(self) -> None:
        """A scanned paper idea card: its scene is chosen and the source is "paper card"."""
        label = table_from_scan(self.scan_edit.text())
        position = scene_from_card_label(label or "")
        if position is None:
            self.refuse(_("That is not an idea card's code."))
            self.scan_edit.selectAll()
            return
        scenes = {s.position: s.id for s in queries.scenes(self.store)}
        if position not in scenes:
            self.refuse(_("The play has no scene {n}.").format(n=position))
            return
        self._scanned_scene: int | None = scenes[position]
        self.source_combo.setCurrentIndex(self.source_combo.findData("card"))
        self.link_combo.setCurrentIndex(0)
        self.scan_edit.clear()
        self.banner.show_message(_("Idea card from scene {n}: type its idea.").format(
            n=position), "ok", seconds=4)
        self.card_edit.setFocus()

    def add_card(self) -> None:
        text = self.card_edit.text()
        source = str(self.source_combo.currentData())
        iid = self.link_combo.currentData()
        scanned = getattr(self, "_scanned_scene", None)
        sid = scanned if scanned is not None else (
            None if iid is not None else self.scene_combo.currentData())
        if self.run(lambda: ops.add_card(self.store, text, source=source, scene_id=sid,
                                         intervention_id=iid, actor=self.actor)):
            self.card_edit.clear()
            self._scanned_scene = None
            self.source_combo.setCurrentIndex(0)
            self.card_edit.setFocus()

    def _drop_cards(self, proposal_id: int, card_ids: list[int]) -> None:
        self.run(lambda: ops.attach_cards(self.store, proposal_id, card_ids, actor=self.actor))

    def attach_to_typed(self) -> None:
        text = self.target_edit.text().strip().upper().lstrip("P")
        if not text.isdigit():
            self.refuse(_("Type a proposal's number."))
            return
        ids = self.card_list.selected_ids()
        if self.run(lambda: ops.attach_cards(self.store, int(text), ids, actor=self.actor)):
            self.target_edit.clear()
            self.card_list.setFocus()

    def new_proposal(self) -> None:
        text = self.new_proposal_edit.text()
        ids = self.card_list.selected_ids()
        if self.run(lambda: ops.add_proposal(self.store, text, card_ids=ids, actor=self.actor)):
            self.new_proposal_edit.clear()
            self.card_list.setFocus()

    def merge_selected(self) -> None:
        ids = self.proposal_list.selected_ids()
        if len(ids) < 2:
            self.refuse(_("Select two proposals or more to merge."))
            return
        self.run(lambda: ops.merge(self.store, ids[0], ids[1:], actor=self.actor))

    def unmerge_selected(self) -> None:
        pid = item_id(self.proposal_list.currentItem())
        if pid is None:
            self.refuse(_("Select a merged proposal."))
            return
        self.run(lambda: ops.unmerge(self.store, pid, actor=self.actor))

    def detach_selected(self) -> None:
        cid = item_id(self.behind_list.currentItem())
        if cid is None:
            self.refuse(_("Select a card behind the proposal."))
            return
        self.run(lambda: ops.detach_card(self.store, cid, actor=self.actor))

    # -- actions: the vote ----------------------------------------------------------------------

    def _proposal(self) -> int | None:
        pid = self.vote_proposal_combo.currentData()
        if pid is None:
            self.refuse(_("Choose a proposal."))
            return None
        return int(pid)

    def reword(self) -> None:
        pid, text = self._proposal(), self.reword_edit.text()
        if pid is not None:
            self.run(lambda: ops.reword(self.store, pid, text, actor=self.actor))

    def save_tags(self) -> None:
        pid = self._proposal()
        area, body = self.area_edit.text(), self.body_edit.text()
        if pid is not None:
            self.run(lambda: ops.tag(self.store, pid, policy_area=area, body=body,
                                     actor=self.actor))

    def define_vote(self) -> None:
        pid = self._proposal()
        if pid is None:
            return
        method = str(self.method_combo.currentData())
        rule = rule_of(str(self.rule_combo.currentData()))
        defined = self.run(lambda: ops.define_vote(self.store, pid, method=method, rule=rule,
                                                   actor=self.actor))
        if defined is not None and defined.round_id is not None and method != "paper":
            round_id = defined.round_id
            self.run(lambda: lan_ops.open_question(self.store, round_id, 0, actor=self.actor))
        if defined is not None and method == "hands":
            self.hands_for.setFocus()
            self.hands_for.selectAll()

    def record_hands(self) -> None:
        pid = self._proposal()
        f, a, b = (self.hands_for.value(), self.hands_against.value(),
                   self.hands_abstain.value())
        note = self.hands_note_edit.text()
        if pid is not None and self.run(lambda: ops.record_hands(
                self.store, pid, f, a, b, note=note, actor=self.actor)):
            self.hands_note_edit.clear()

    def close_vote(self) -> None:
        """Close the vote; a paper round whose figures do not agree is refused until the
        closing note says why (the ballots' own rule), and the banner says so."""
        pid = self._proposal()
        note = self.close_note_edit.text()
        if pid is not None and self.run(
                lambda: ops.close_vote(self.store, pid, note=note, actor=self.actor),
                _("The vote on proposal {id} is closed.").format(id=pid)):
            self.close_note_edit.clear()
        elif pid is not None:
            self.close_note_edit.setFocus()

    def key_papers(self) -> None:
        """Ctrl+K: to the Vote tab's scan field, to key the returned paper ballots."""
        self.tabs.setCurrentIndex(2)
        self.paper_panel.focus_scan()

    def project(self) -> None:
        pid = self._proposal()
        if pid is not None:
            self.run(lambda: ops.project(self.store, pid, actor=self.actor))

    def show_result(self) -> None:
        pid = self._proposal()
        if pid is not None:
            self.run(lambda: ops.project(self.store, pid, show_results=True, actor=self.actor))

    # -- actions: commitments and outputs -------------------------------------------------------

    def add_commitment(self) -> None:
        pid = self.commit_proposal_combo.currentData()
        if pid is None:
            self.refuse(_("No accepted proposal to commit to."))
            return
        values = {
            "name": self.commit_name_edit.text(), "role": self.commit_role_edit.text(),
            "body": self.commit_body_edit.text(), "action": self.commit_action_edit.text(),
            "due": self.commit_due_edit.text(),
            "cannot": self.commit_cannot_edit.text().strip() or None}
        made = self.run(lambda: ops.add_commitment(
            self.store, int(pid), values["name"] or "", role=values["role"] or "",
            body=values["body"] or "", action=values["action"] or "", due=values["due"],
            cannot_reason=values["cannot"], actor=self.actor))
        if made is not None:
            self.project_commitments(int(pid))
            for edit in (self.commit_name_edit, self.commit_role_edit, self.commit_body_edit,
                         self.commit_action_edit, self.commit_due_edit,
                         self.commit_cannot_edit):
                edit.clear()
            self.commit_name_edit.setFocus()

    def project_commitments(self, proposal_id: int) -> None:
        """Read back on the projector: the proposal, its result and its commitments."""
        self.run(lambda: ops.project(self.store, proposal_id, show_results=True,
                                     actor=self.actor))

    def _show_status(self) -> None:
        cid = item_id(self.commit_list.currentItem())
        if cid is not None:
            current = queries.commitment(self.store, cid).status
            self.status_combo.setCurrentIndex(self.status_combo.findData(current))

    def set_status(self) -> None:
        """The follow-up ("you said, we did"): open, in progress, done, dropped."""
        cid = item_id(self.commit_list.currentItem())
        if cid is None:
            self.refuse(_("Select a commitment."))
            return
        status = str(self.status_combo.currentData())
        self.run(lambda: ops.set_commitment_status(self.store, cid, status, actor=self.actor))

    def confirm_last(self) -> None:
        pid = self.commit_proposal_combo.currentData()
        made = queries.commitments(self.store, int(pid)) if pid is not None else []
        waiting = [c for c in made if c.confirmed_at is None]
        if not waiting:
            self.refuse(_("No commitment is waiting to be confirmed."))
            return
        self.run(lambda: ops.confirm_commitment(self.store, waiting[-1].id, actor=self.actor))

    def print_pdf(self) -> Path | None:
        path = self._choose_save(self, _("Print proposals and commitments"),
                                 "proposals-and-commitments.pdf")
        return save_export(self.banner, path, lambda p: write_proposals(
            p, self.store, printed_at=self._clock.now()))

    def print_idea_cards(self) -> Path | None:
        scenes = queries.scenes(self.store)
        if not scenes:
            self.refuse(_("The play has no scenes yet."))
            return None
        path = self._choose_save(self, _("Print idea cards"), "idea-cards.pdf")
        return save_export(self.banner, path, lambda p: write_idea_cards(
            p, scenes, event_name=self.store.name, copies=10))

    def _export(self, what: str) -> Path | None:
        makers: dict[str, tuple[str, Callable[[EventStore], str]]] = {
            "csv": ("commitments.csv", export.tracker_csv),
            "json": ("commitments.json", export.tracker_json),
            "log": ("interventions.csv", export.interventions_csv)}
        name, make = makers[what]
        path = self._choose_save(self, _("Export"), name)
        return save_export(self.banner, path,
                           lambda p: p.write_text(make(self.store), encoding="utf-8"))


__all__ = ["STEPS", "TheatrePage"]
