"""The Voting page: paper ballot rounds, printed, keyed in by scan, reconciled and closed.

The scan field has the focus whenever no paper is open: a USB scanner types a paper's code
and Enter, the paper's questions appear, the operator keys the marks (see
:mod:`ui.pages.voting.editor`) and Enter saves; focus is back in the scan field for the next
one. A paper scanned twice is refused, saying when and by whom it was entered. With double
entry, a second operator keys every paper again; papers whose keyings differ are listed for
a person to adjudicate. The reconciliation tab compares printed, handed out, returned, keyed
and spoiled papers, and phone voters with the people present; closing with a discrepancy
needs a note. Under the round's name: how it is voted (paper, phones or both) and who may
vote, both fixed with the round.

Every change goes through :meth:`Page.run` with ``actor=self.actor``: the name typed in the
Operator field (who keyed each paper, which double entry needs), else :data:`DESK`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator.ballots import DECISION, DESK, FIRST, SECOND, ops, queries
from facilitator.ballots.errors import CodeError
from facilitator.ballots.model import BallotRound, EntryResult, Paper
from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _, ngettext
from facilitator.people import find_by_scan
from facilitator.reports.ballots import write_ballot_papers
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.flow import flow_row
from ui.pages.base import Page
from ui.pages.common import SaveChooser
from ui.pages.results.printing import (
    ask_printer,
    print_pdf,
    print_temporary_pdf,
    temporary_pdf_path,
)
from ui.pages.voting.dialogs import (
    NoteDialog,
    PrintDialog,
    PrintRequest,
    RoundDefinition,
    RoundDialog,
)
from ui.pages.voting.editor import BallotEditor
from ui.pages.voting.tabs import AdjudicationTab, RecentTab, ReconciliationTab
from ui.phone_panel import PhonePanel
from ui.tasks import TaskRunner
from ui.widgets import ScrollDown

HAND_OUT = 0  # the mode that scans badges instead of papers
RECENT, ADJUDICATION, RECONCILIATION = 0, 1, 2  # the side tabs (then Phones)
MODES = ((FIRST, "Alt+1"), (SECOND, "Alt+2"), (DECISION, "Alt+3"), (HAND_OUT, "Alt+4"))
RoundAsker = Callable[[QWidget, BallotRound | None], RoundDefinition | None]
PrintAsker = Callable[[QWidget, BallotRound, int, list[int]], PrintRequest | None]
NoteAsker = Callable[[QWidget, str, str, bool], str | None]
PrinterAsker = Callable[[QWidget, str, str], QPrinter | None]
"""The system print dialog (parent, page size, title): the printer chosen, or None."""
PdfPrinter = Callable[[Path, QPrinter], int]


def mode_name(mode: int) -> str:
    return {FIRST: _("First keying"), SECOND: _("Second keying"), DECISION: _("Adjudicate"),
            HAND_OUT: _("Hand out papers")}[mode]


def choose_pdf_path(parent: QWidget, title: str, suggested: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested,
                                                _("PDF files (*.pdf)"))
    return Path(path) if path else None


class VotingPage(Page):
    paper_ready = Signal(object)
    """Emitted with the :class:`Paper` once a scanned paper is on screen, ready to key."""
    ballot_recorded = Signal(object)
    """Emitted with the :class:`EntryResult` after a paper was saved."""

    def __init__(
        self,
        store: EventStore,
        bus: ChangeBus,
        tasks: TaskRunner,
        *,
        actor: str = DESK,
        ask_round: RoundAsker = RoundDialog.ask,
        ask_print: PrintAsker = PrintDialog.ask,
        ask_note: NoteAsker = NoteDialog.ask,
        choose_save: SaveChooser = choose_pdf_path,
        ask_printer: PrinterAsker = ask_printer,
        send_to_printer: PdfPrinter = print_pdf,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, bus, actor=actor, parent=parent)
        self.title = _("Voting")
        self._tasks = tasks
        self._ask_round = ask_round
        self._ask_print = ask_print
        self._ask_printer = ask_printer
        self._send_to_printer = send_to_printer
        self._ask_note = ask_note
        self._choose_save = choose_save
        self._last_entry_id: int | None = None
        self._last_hand_out: tuple[int, int] | None = None
        self._abandoned: str | None = None
        self.rounds: list[BallotRound] = []
        self.printing = False

        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        self.round_combo = QComboBox()
        self.round_combo.setAccessibleName(_("Ballot round"))
        self.round_combo.setMinimumWidth(260)
        round_label = QLabel(_("&Round:"))
        round_label.setBuddy(self.round_combo)
        self.new_button = QPushButton(_("&New round…"))
        self.edit_button = QPushButton(_("&Edit round…"))
        self.print_button = QPushButton(_("&Print papers…"))
        self.double_box = QCheckBox(_("&Double entry"))
        self.double_box.setToolTip(_("A second operator keys every paper again; papers whose "
                                     "two keyings differ go to the adjudication list."))
        self.round_info = QLabel()
        self.round_info.setObjectName("roundInfo")
        self.round_info.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(round_label)
        top.addWidget(self.round_combo)
        # The round's buttons wrap under each other rather than widen the page (Welsh).
        top.addLayout(flow_row(self.new_button, self.edit_button, self.print_button))
        top.addWidget(self.double_box)

        self.mode_group = QButtonGroup(self)
        self.mode_group.setExclusive(True)
        modes = QHBoxLayout()
        self.mode_buttons: dict[int, QPushButton] = {}
        for mode, _keys in MODES:
            button = QPushButton(mode_name(mode))
            button.setCheckable(True)
            button.setObjectName("filterButton")
            self.mode_group.addButton(button, mode)
            self.mode_buttons[mode] = button
            modes.addWidget(button)
        self.mode_buttons[FIRST].setChecked(True)
        modes.addStretch(1)
        self.operator_edit = QLineEdit()
        self.operator_edit.setObjectName("operatorField")
        self.operator_edit.setPlaceholderText(_("Your name"))
        self.operator_edit.setAccessibleName(_("Operator"))
        self.operator_edit.setMaximumWidth(220)
        operator_label = QLabel(_("&Operator:"))
        operator_label.setBuddy(self.operator_edit)
        modes.addWidget(operator_label)
        modes.addWidget(self.operator_edit)

        self.scan_edit = QLineEdit()
        self.scan_edit.setObjectName("scanField")
        self.scan_edit.setClearButtonEnabled(True)
        self.scan_edit.setAccessibleName(_("Scan a ballot paper"))

        self.editor = BallotEditor()
        self.recent = RecentTab()
        self.adjudication = AdjudicationTab()
        self.reconciliation = ReconciliationTab()
        self.phone_panel = PhonePanel(store, bus, page=self)  # phone voting (facilitator.lan)
        self.tabs = QTabWidget()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.addTab(self.recent, _("Recent entries"))
        self.tabs.addTab(self.adjudication, _("Adjudication"))
        # A round's many figures scroll rather than make the page taller than a laptop's.
        self.tabs.addTab(ScrollDown(self.reconciliation), _("Reconciliation"))
        self.tabs.addTab(self.phone_panel, _("Phones"))

        splitter = QSplitter()
        splitter.addWidget(self.editor)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addLayout(top)
        layout.addWidget(self.round_info)
        layout.addLayout(modes)
        layout.addWidget(self.scan_edit)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)

        self.round_combo.currentIndexChanged.connect(self._on_round_combo_changed)
        self._syncing_rounds = False
        self.phone_panel.round_combo.currentIndexChanged.connect(
            self._on_phone_round_combo_changed)
        self.new_button.clicked.connect(self._on_new_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.print_button.clicked.connect(self._on_print_clicked)
        self.double_box.clicked.connect(self._on_double_box_clicked)
        self.mode_group.idClicked.connect(self._on_mode_clicked)
        self.scan_edit.returnPressed.connect(self._on_scan_return_pressed)
        self.editor.save_requested.connect(self._on_editor_save_requested)
        self.editor.cancelled.connect(self._on_editor_cancelled)
        self.editor.scan_started.connect(self._on_editor_scan_started)
        self.recent.undo_button.clicked.connect(self._on_undo_clicked)
        self.adjudication.keep_first_button.clicked.connect(lambda: self._keep(FIRST))
        self.adjudication.keep_second_button.clicked.connect(lambda: self._keep(SECOND))
        self.adjudication.decide_button.clicked.connect(self._on_decide_clicked)
        self.adjudication.table.doubleClicked.connect(self._on_decide_clicked)
        self.reconciliation.save_counts_button.clicked.connect(self._on_save_counts_clicked)
        self.reconciliation.close_button.clicked.connect(self._on_close_clicked)
        self.reconciliation.reopen_button.clicked.connect(self._on_reopen_clicked)
        self.tabs.currentChanged.connect(lambda _i: self._refresh_tab())

        self.shortcut(_("Scan"), "Ctrl+F", self.focus_scan_field)
        self.shortcut(_("Undo entry"), "Ctrl+U", self._on_undo_clicked)
        self.shortcut(_("New round"), "Ctrl+Shift+N", self._on_new_clicked)
        self.shortcut(_("Print papers"), "Ctrl+P", self._on_print_clicked)
        for mode, keys in MODES:
            self.shortcut(mode_name(mode), keys, partial(self.set_mode, mode))
        self.setFocusProxy(self.scan_edit)
        self.refresh()

    # -- who is at the desk ------------------------------------------------------------------

    @property
    def actor(self) -> str:
        """Who the entries and the audit log name: the operator typed, else the page's actor."""
        return self.operator() or self._desk_actor

    @actor.setter
    def actor(self, value: str) -> None:
        self._desk_actor = value

    def operator(self) -> str:
        return " ".join(self.operator_edit.text().split())

    # -- state -------------------------------------------------------------------------------

    def current_round(self) -> BallotRound | None:
        index = self.round_combo.currentIndex()
        return self.rounds[index] if 0 <= index < len(self.rounds) else None

    def select_round(self, round_id: int) -> None:
        for index, ballot_round in enumerate(self.rounds):
            if ballot_round.id == round_id:
                self.round_combo.setCurrentIndex(index)

    def mode(self) -> int:
        return self.mode_group.checkedId()

    def set_mode(self, mode: int) -> None:
        button = self.mode_buttons[mode]
        if button.isEnabled():
            button.setChecked(True)
            self._on_mode_clicked(mode)

    def focus_scan_field(self) -> None:
        self.scan_edit.setFocus()
        self.scan_edit.selectAll()

    # -- refreshing (Page) -------------------------------------------------------------------

    def relevant(self, changes: Changes) -> bool:
        """A round, paper or count changed; or who is present, which the figures show."""
        return changes.ballots or (changes.attendance
                                   and self.tabs.currentIndex() == RECONCILIATION)

    def refresh(self) -> None:
        current = self.current_round()
        self.rounds = queries.list_rounds(self.store)
        self.round_combo.blockSignals(True)
        self.round_combo.clear()
        for ballot_round in self.rounds:
            self.round_combo.addItem(f"{ballot_round.id}. {ballot_round.title} "
                                     f"({ballot_round.status_text()})")
        if self.rounds:
            ids = [r.id for r in self.rounds]
            index = ids.index(current.id) if current is not None and current.id in ids \
                else len(self.rounds) - 1
            self.round_combo.setCurrentIndex(index)
        self.round_combo.blockSignals(False)
        self._update_controls()
        self._refresh_tab()
        self._keep_scan_focus()

    def _keep_scan_focus(self) -> None:
        """Back to the scan field, unless a paper is open or the operator is typing elsewhere."""
        if not self.isVisible() or self.editor.loaded:
            return
        focus = QApplication.focusWidget()
        if focus is self.scan_edit or (focus is not None and self.isAncestorOf(focus) and
                                       isinstance(focus, QLineEdit | QAbstractSpinBox)):
            return
        self.focus_scan_field()

    def _update_controls(self) -> None:
        ballot_round = self.current_round()
        draft = ballot_round is not None and ballot_round.status == "draft"
        is_open = ballot_round is not None and ballot_round.is_open
        closed = ballot_round is not None and ballot_round.is_closed
        double = ballot_round is not None and ballot_round.double_entry
        paper = ballot_round is not None and ballot_round.allows_paper
        self.edit_button.setEnabled(draft)
        self.print_button.setEnabled(paper and not closed and not self.printing)
        self.mode_buttons[HAND_OUT].setEnabled(paper)
        if not paper and self.mode() == HAND_OUT:
            self.mode_buttons[FIRST].setChecked(True)
        self.double_box.setEnabled(ballot_round is not None and not closed)
        self.double_box.setChecked(double)
        self.mode_buttons[SECOND].setEnabled(double)
        self.mode_buttons[DECISION].setEnabled(double)
        if not double and self.mode() in (SECOND, DECISION):
            self.mode_buttons[FIRST].setChecked(True)
        self.scan_edit.setEnabled(is_open)
        self.reconciliation.close_button.setEnabled(is_open)
        self.reconciliation.reopen_button.setEnabled(closed)
        self.reconciliation.save_counts_button.setEnabled(is_open and paper)
        self._update_round_info()
        self._update_placeholder()

    def _update_round_info(self) -> None:
        ballot_round = self.current_round()
        if ballot_round is None:
            self.round_info.setText("")
            return
        text = ballot_round.voting_text()
        if ballot_round.is_closed and ballot_round.sealed_text():
            text += " " + ballot_round.sealed_text()
        self.round_info.setText(text)

    def _update_placeholder(self) -> None:
        ballot_round = self.current_round()
        if ballot_round is None:
            text = _("No ballot round yet: New round… (Ctrl+Shift+N)")
        elif ballot_round.status == "draft":
            text = _("Print the papers first (Ctrl+P); then scan them here")
        elif ballot_round.is_closed:
            text = _("This round is closed")
        elif not ballot_round.allows_paper:
            text = _("This round is voted on phones only (the Phones tab)")
        elif self.mode() == HAND_OUT:
            text = _("Scan the badge of each person handed a paper")
        else:
            text = _("Scan a ballot paper (or type its code) and press Enter")
        self.scan_edit.setPlaceholderText(text)

    def _refresh_tab(self) -> None:
        """Only the visible tab is refreshed: keying stays fast however many papers."""
        ballot_round = self.current_round()
        index = self.tabs.currentIndex()
        if index == RECENT:
            self.recent.show_entries(ballot_round, queries.entries(
                self.store, ballot_round.id, limit=40) if ballot_round else [])
        elif index == ADJUDICATION:
            self.adjudication.show_mismatches(
                queries.mismatches(self.store, ballot_round.id) if ballot_round else [])
        elif index == RECONCILIATION:
            self.reconciliation.show_figures(ballot_round, queries.reconcile(
                self.store, ballot_round.id) if ballot_round else None)
        self._sync_phone_round()
        pending = queries.pending_count(self.store, ballot_round) if ballot_round else 0
        self.tabs.setTabText(ADJUDICATION, _("Adjudication ({n})").format(n=pending)
                             if pending else _("Adjudication"))

    # -- rounds ------------------------------------------------------------------------------

    def _sync_phone_round(self) -> None:
        """The Phones tab shows the page's round (one round chosen on the page, not two
        selectors that can disagree); a closed round is not open to phones, so its tab keeps
        what it shows."""
        ballot_round = self.current_round()
        combo = self.phone_panel.round_combo
        found = combo.findData(ballot_round.id) if ballot_round is not None else -1
        if found >= 0 and found != combo.currentIndex():
            self._syncing_rounds = True
            try:
                combo.setCurrentIndex(found)
            finally:
                self._syncing_rounds = False

    def _on_phone_round_combo_changed(self, _index: int) -> None:
        """A round chosen on the Phones tab is the page's round too."""
        round_id = self.phone_panel.round_combo.currentData()
        if self._syncing_rounds or round_id is None:
            return
        current = self.current_round()
        if current is None or current.id != round_id:
            self.select_round(int(round_id))

    def _on_round_combo_changed(self, _index: int) -> None:
        if self.editor.loaded:
            self.editor.clear()
        self.banner.clear_message()
        self._update_controls()
        self._refresh_tab()
        self.focus_scan_field()

    def _on_new_clicked(self) -> None:
        definition = self._ask_round(self, None)
        if definition is None:
            return
        result = self.run(lambda: ops.create_round(
            self.store, definition.title, definition.questions,
            instructions=definition.instructions, language=definition.language,
            double_entry=definition.double_entry, channel=definition.channel,
            voters=definition.voters, actor=self.actor))
        if result is None:
            return
        self.select_round(result.round.id)
        self.banner.show_message(_("Round “{title}” created: print its papers next (Ctrl+P)."
                                   ).format(title=result.round.title), "ok")

    def _on_edit_clicked(self) -> None:
        ballot_round = self.current_round()
        if ballot_round is None or ballot_round.status != "draft":
            return
        definition = self._ask_round(self, ballot_round)
        if definition is None:
            return
        result = self.run(lambda: ops.update_round(
            self.store, ballot_round.id, definition.title, definition.questions,
            instructions=definition.instructions, language=definition.language,
            double_entry=definition.double_entry, channel=definition.channel,
            voters=definition.voters, actor=self.actor))
        if result is not None:
            self.banner.show_message(_("Round “{title}” saved.").format(
                title=result.round.title), "ok")

    def _on_double_box_clicked(self, checked: bool) -> None:
        ballot_round = self.current_round()
        if ballot_round is None:
            return
        if self.run(lambda: ops.set_double_entry(self.store, ballot_round.id, checked,
                                                 actor=self.actor)) is None:
            self.double_box.setChecked(ballot_round.double_entry)
            return
        self.focus_scan_field()

    # -- printing ----------------------------------------------------------------------------

    def _on_print_clicked(self) -> None:
        ballot_round = self.current_round()
        if ballot_round is None or ballot_round.is_closed or self.printing:
            return
        present = queries.entitled_present(self.store, ballot_round)
        batches = sorted({p.batch for p in queries.paper_codes(self.store, ballot_round.id)})
        request = self._ask_print(self, ballot_round, present or 100, batches)
        if request is None:
            return
        suggested = f"{ballot_round.title} - papers.pdf".replace("/", "-")
        printer = None
        if request.to_printer:  # the system's print dialog; the PDF is only a means
            printer = self._ask_printer(self, request.page_size, _("Print ballot papers"))
            if printer is None:
                return
            path = temporary_pdf_path("papers.pdf")
        else:
            chosen = self._choose_save(self, _("Save the ballot papers as"), suggested)
            if chosen is None:
                return
            path = chosen
        if request.batch is not None:
            papers, printing = queries.paper_codes(self.store, ballot_round.id,
                                                   request.batch), ballot_round
        else:
            result = self.run(lambda: ops.issue_codes(self.store, ballot_round.id, request.count,
                                                      actor=self.actor))
            if result is None:
                return
            papers, printing = list(result.papers), result.round
        self.printing = True
        self._update_controls()
        self.banner.show_message(_("Writing {n} papers to {file}…").format(
            n=len(papers), file=path.name), "info")
        event_name = self.store.name

        def work() -> Path:
            return write_ballot_papers(path, printing, papers, event_name=event_name,
                                       page_size=request.page_size)

        self._tasks.run(work, lambda p: self._on_printed(p, len(papers), printer),
                        self._on_print_failed)

    def _on_printed(self, path: Path, count: int, printer: QPrinter | None = None) -> None:
        self.printing = False
        self._update_controls()
        if printer is not None:
            try:
                pages = print_temporary_pdf(path, printer, self._send_to_printer)
            except UserError as exc:
                self.refuse(exc.message)
                return
            self.banner.show_message(ngettext(
                "✓ {n} paper ({pages} pages) sent to the printer. Hand it out, then scan it "
                "here when it comes back.",
                "✓ {n} papers ({pages} pages) sent to the printer. Hand them out, then scan "
                "each returned paper here.", count).format(n=count, pages=pages), "ok")
            return
        self.banner.show_message(_("✓ {n} papers written to {path}. Print them, then scan "
                                   "each returned paper here.").format(n=count, path=path), "ok")

    def _on_print_failed(self, exc: Exception) -> None:
        self.printing = False
        self._update_controls()
        self.banner.show_message(_("The papers could not be written: {error}").format(
            error=exc), "error")

    # -- scanning and keying -----------------------------------------------------------------

    def _on_mode_clicked(self, _mode: int) -> None:
        if self.editor.loaded:
            self.editor.clear()
            self.banner.show_message(_("The open paper was put aside unsaved."), "info")
        self._update_placeholder()
        self.focus_scan_field()

    def _on_scan_return_pressed(self) -> None:
        text = self.scan_edit.text().strip()
        ballot_round = self.current_round()
        if not text or ballot_round is None:
            return
        mode = self.mode()
        if mode == HAND_OUT:
            self._hand_out(ballot_round, text)
            return
        if mode in (SECOND, DECISION) and not self.operator():
            self.refuse(_("Type your name in the Operator field first: double entry needs to "
                          "know who keyed each paper."))
            self.operator_edit.setFocus()
            return
        put_aside = self.editor.paper.pretty if self.editor.paper is not None else \
            self._abandoned
        self._abandoned = None
        self.editor.clear()
        try:
            paper = queries.scan(self.store, ballot_round.id, text, pass_=mode, actor=self.actor)
        except UserError as exc:
            self._refuse_scan(ballot_round, text, exc)
            return
        self.scan_edit.clear()
        self._show_paper(paper, put_aside)

    def _refuse_scan(self, ballot_round: BallotRound, text: str, error: UserError) -> None:
        self.refuse(error.message)
        if isinstance(error, CodeError):  # counted on the result sheet as refused scans
            self.run(lambda: ops.record_rejected(self.store, ballot_round.id, text, error,
                                                 actor=self.actor))
        self.scan_edit.selectAll()

    def _show_paper(self, paper: Paper, put_aside: str | None = None) -> None:
        self.editor.load(paper)
        self.editor.setFocus()
        message = _("Paper {code}: key the marks, Enter saves, Esc puts it aside.").format(
            code=paper.pretty)
        if paper.pass_ == DECISION:
            found = [m for m in queries.mismatches(self.store, paper.round.id)
                     if m.code == paper.code]
            if found:
                message = _("Paper {code}: key what the paper says. The keyings differ on: "
                            "{what}").format(code=paper.pretty, what="; ".join(
                                f"{(d.question or 0) + 1 if d.question is not None else '*'}: "
                                f"{d.first} / {d.second}" for d in found[0].differences))
        if put_aside:
            message = _("Paper {old} was NOT saved (a new code was scanned before Enter): "
                        "scan it again to key it. ").format(old=put_aside) + message
        self.banner.show_message(message, "info")
        self.paper_ready.emit(paper)

    def _on_editor_save_requested(self) -> None:
        paper = self.editor.paper
        if paper is None:
            return
        result = self.run(lambda: ops.enter(
            self.store, paper.round.id, paper.code, self.editor.answers(), actor=self.actor,
            pass_=paper.pass_, spoiled=self.editor.spoiled, via="desk"))
        if result is None:
            return
        self._last_entry_id = result.entry.id
        self.editor.clear()
        if result.matches_first is False:
            self.banner.show_message(_("Paper {code} saved, but its two keyings differ: it is on "
                                       "the adjudication list.").format(code=paper.pretty),
                                     "info")
        else:
            self.banner.show_message(_("✓ Paper {code} (no. {serial}) saved: {what}").format(
                code=paper.pretty, serial=paper.serial, what=self._summary(result)), "ok")
        self.focus_scan_field()
        self.ballot_recorded.emit(result)

    @staticmethod
    def _summary(result: EntryResult) -> str:
        if result.entry.spoiled:
            return _("spoiled")
        words = {"valid": _("valid"), "blank": _("blank"), "invalid": _("invalid")}
        return " · ".join(words[a.status.value] for a in result.assessments)

    def _on_editor_cancelled(self) -> None:
        said = self.editor.put_aside()
        if said is not None:
            self.banner.show_message(said, "info")
        self.focus_scan_field()

    def _on_editor_scan_started(self, text: str) -> None:
        paper = self.editor.paper
        self.editor.clear()
        self._abandoned = paper.pretty if paper is not None else None
        if paper is not None:
            self.refuse(_("Paper {code} was NOT saved: a new code was scanned before Enter. "
                          "Scan it again to key it.").format(code=paper.pretty))
        self.scan_edit.setFocus()
        self.scan_edit.setText(text)

    def _hand_out(self, ballot_round: BallotRound, text: str) -> None:
        try:
            person = find_by_scan(self.store, text)
        except UserError as exc:
            self.refuse(exc.message)
            self.scan_edit.selectAll()
            return
        # Refused with a sentence: not entitled to vote, a paper already, a phone vote.
        if self.run(lambda: ops.hand_out(self.store, ballot_round.id, person.id,
                                         actor=self.actor)) is None:
            self.scan_edit.selectAll()
            return
        self._last_hand_out = (ballot_round.id, person.id)
        self.scan_edit.clear()
        self.banner.show_message(_("✓ Paper handed to {name}.").format(name=person.name), "ok")

    # -- undo --------------------------------------------------------------------------------

    def _on_undo_clicked(self) -> None:
        if self.mode() == HAND_OUT and self._last_hand_out is not None:
            round_id, person_id = self._last_hand_out
            if self.run(lambda: ops.undo_hand_out(self.store, round_id, person_id,
                                                  actor=self.actor),
                        _("Hand-out undone.")) is not None:
                self._last_hand_out = None
            return
        entry_id = self._selected_entry_id() or self._last_entry_id
        if entry_id is None:
            self.banner.show_message(_("Select the entry to undo in Recent entries."), "info")
            return
        try:
            entry = queries.get_entry(self.store, entry_id)
        except UserError as exc:
            self.refuse(exc.message)
            return
        if self.run(lambda: ops.undo_entry(self.store, entry_id, actor=self.actor,
                                           reason=_("undone at the desk")),
                    _("Entry of paper {code} undone: it can be keyed again.").format(
                        code=entry.pretty)) is None:
            return
        if entry_id == self._last_entry_id:
            self._last_entry_id = None
        self.focus_scan_field()

    def _selected_entry_id(self) -> int | None:
        return self.recent.selected_entry_id() if self.tabs.currentIndex() == RECENT else None

    # -- adjudication ------------------------------------------------------------------------

    def _keep(self, which: int) -> None:
        ballot_round = self.current_round()
        code = self.adjudication.selected_code()
        if ballot_round is None or code is None:
            return
        if not self.operator():
            self.refuse(_("Type your name in the Operator field first."))
            return
        result = self.run(lambda: ops.adjudicate(self.store, ballot_round.id, code,
                                                 actor=self.actor, keep=which))
        if result is not None:
            self.banner.show_message(_("✓ Paper {code} decided: {what}.").format(
                code=result.entry.pretty, what=result.entry.note or ""), "ok")

    def _on_decide_clicked(self) -> None:
        code = self.adjudication.selected_code()
        if code is None:
            return
        self.set_mode(DECISION)
        self.scan_edit.setText(code)
        self._on_scan_return_pressed()

    # -- reconciliation ----------------------------------------------------------------------

    def _on_save_counts_clicked(self) -> None:
        ballot_round = self.current_round()
        if ballot_round is None:
            return
        issued, returned = self.reconciliation.counts()
        self.run(lambda: ops.record_counts(self.store, ballot_round.id, issued=issued,
                                           returned=returned, actor=self.actor),
                 _("Counts saved."))

    def _on_close_clicked(self) -> None:
        ballot_round = self.current_round()
        if ballot_round is None:
            return
        figures = queries.reconcile(self.store, ballot_round.id)
        if figures.blocking:
            self.refuse(" ".join(figures.blocking))
            return
        if figures.discrepancies:
            text = _("The figures do not agree:\n• {problems}\n\nWrite down why (it is kept "
                     "with the round and in the log).").format(
                         problems="\n• ".join(figures.discrepancies))
        else:
            text = _("The figures agree. A note is optional.")
        note = self._ask_note(self, _("Close “{title}”").format(title=ballot_round.title), text,
                              bool(figures.discrepancies))
        if note is None:
            return
        self.run(lambda: ops.close_round(self.store, ballot_round.id, actor=self.actor,
                                         note=note),
                 _("✓ Round “{title}” closed.").format(title=ballot_round.title))

    def _on_reopen_clicked(self) -> None:
        ballot_round = self.current_round()
        if ballot_round is None:
            return
        note = self._ask_note(self, _("Reopen “{title}”").format(title=ballot_round.title),
                              _("Why is the round reopened? Reopening releases the fingerprint "
                                "sealed at close: a result sheet printed since then no longer "
                                "holds until the round is closed again."), True)
        if not note:
            return
        self.run(lambda: ops.reopen_round(self.store, ballot_round.id, actor=self.actor,
                                          note=note),
                 _("Round “{title}” reopened: its sealed fingerprint is released, and the "
                   "result sheet printed at close no longer holds.").format(
                       title=ballot_round.title))
