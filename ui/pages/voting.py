"""The Voting page: paper ballot rounds, printed, keyed in by scan, reconciled and closed.

The scan field has the focus whenever no paper is open: a USB scanner types a paper's code
and Enter, the paper's questions appear, the operator keys the marks (see
:mod:`ui.ballot_editor`) and Enter saves; focus is back in the scan field for the next one.
A paper scanned twice is refused, saying when and by whom it was entered. With double entry,
a second operator keys every paper again; papers whose keyings differ are listed for a
person to adjudicate. The reconciliation tab compares printed, handed out, returned, keyed
and spoiled papers, and phone voters with the people present; closing with a discrepancy
needs a note. Under the round's name: how it is voted (paper, phones or both) and who may
vote, both fixed with the round.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator.ballots import (
    DECISION,
    FIRST,
    SECOND,
    BallotRound,
    CodeError,
    EntryResult,
    Paper,
    adjudicate,
    create_round,
    describe,
    enter,
    entitled_present,
    entries,
    get_entry,
    hand_out,
    issue_codes,
    list_rounds,
    mismatches,
    paper_codes,
    pretty,
    reconcile,
    record_counts,
    record_rejected,
    scan,
    set_double_entry,
    undo_entry,
    undo_hand_out,
    update_round,
)
from facilitator.ballots import close_round as close_ballot_round
from facilitator.ballots import reopen_round as reopen_ballot_round
from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.people import NotFoundError, find_by_scan
from facilitator.reports.ballots import write_ballot_papers
from facilitator.store import EventStore
from ui.ballot_dialogs import NoteDialog, PrintDialog, PrintRequest, RoundDefinition, RoundDialog
from ui.ballot_editor import BallotEditor
from ui.bus import ChangeBus
from ui.feedback import FeedbackBanner
from ui.pages.common import run_command
from ui.phone_panel import PhonePanel
from ui.tasks import TaskRunner

HAND_OUT = 0  # the mode that scans badges instead of papers
SaveChooser = Callable[[QWidget, str, str], Path | None]
RoundAsker = Callable[[QWidget, BallotRound | None], RoundDefinition | None]
PrintAsker = Callable[[QWidget, BallotRound, int, list[int]], PrintRequest | None]
NoteAsker = Callable[[QWidget, str, str, bool], str | None]
ENTRY_ID = Qt.ItemDataRole.UserRole + 20


def choose_pdf_path(parent: QWidget, title: str, suggested: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested,
                                                _("PDF files (*.pdf)"))
    return Path(path) if path else None


class VotingPage(QWidget):
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
        ask_round: RoundAsker = RoundDialog.ask,
        ask_print: PrintAsker = PrintDialog.ask,
        ask_note: NoteAsker = NoteDialog.ask,
        choose_save: SaveChooser = choose_pdf_path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = _("Voting")
        self._store = store
        self._bus = bus
        self._tasks = tasks
        self._ask_round = ask_round
        self._ask_print = ask_print
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
        for widget in (self.new_button, self.edit_button, self.print_button, self.double_box):
            top.addWidget(widget)

        self.mode_group = QButtonGroup(self)
        self.mode_group.setExclusive(True)
        modes = QHBoxLayout()
        self.mode_buttons: dict[int, QPushButton] = {}
        for mode, text in ((FIRST, _("First keying")), (SECOND, _("Second keying")),
                           (DECISION, _("Adjudicate")), (HAND_OUT, _("Hand out papers"))):
            button = QPushButton(text)
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
        self.banner = FeedbackBanner(self)

        self.editor = BallotEditor()
        self.tabs = QTabWidget()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.recent_table = self._table([_("Time"), _("Paper"), _("No."), _("Keying"),
                                         _("Operator"), _("Marks")])
        self.undo_button = QPushButton(_("&Undo entry (Ctrl+U)"))
        recent = QWidget()
        recent_layout = QVBoxLayout(recent)
        recent_layout.addWidget(self.recent_table, 1)
        recent_layout.addWidget(self.undo_button)
        self.adjudication_table = self._table([_("Paper"), _("No."), _("Question"),
                                               _("First keying"), _("Second keying")])
        self.keep_first_button = QPushButton(_("Keep &first"))
        self.keep_second_button = QPushButton(_("Keep &second"))
        self.decide_button = QPushButton(_("&Key from the paper"))
        adjudication = QWidget()
        adjudication_layout = QVBoxLayout(adjudication)
        self.adjudication_label = QLabel()
        self.adjudication_label.setWordWrap(True)
        adjudication_layout.addWidget(self.adjudication_label)
        adjudication_layout.addWidget(self.adjudication_table, 1)
        row = QHBoxLayout()
        for button in (self.keep_first_button, self.keep_second_button, self.decide_button):
            row.addWidget(button)
        adjudication_layout.addLayout(row)
        reconciliation = QWidget()
        self.figures_form = QFormLayout()
        self.issued_spin = QSpinBox()
        self.issued_spin.setRange(-1, 1_000_000)
        self.issued_spin.setSpecialValueText(_("not counted"))
        self.issued_spin.setAccessibleName(_("Papers handed out"))
        self.returned_spin = QSpinBox()
        self.returned_spin.setRange(-1, 1_000_000)
        self.returned_spin.setSpecialValueText(_("not counted"))
        self.returned_spin.setAccessibleName(_("Papers returned"))
        self.save_counts_button = QPushButton(_("Save &counts"))
        self.problems_label = QLabel()
        self.problems_label.setObjectName("discrepancies")
        self.problems_label.setWordWrap(True)
        self.close_button = QPushButton(_("C&lose round…"))
        self.reopen_button = QPushButton(_("Re&open round…"))
        counts = QFormLayout()
        counts.addRow(_("Papers &handed out:"), self.issued_spin)
        counts.addRow(_("Papers re&turned (box + spoiled at the desk):"), self.returned_spin)
        reconciliation_layout = QVBoxLayout(reconciliation)
        reconciliation_layout.addLayout(self.figures_form)
        reconciliation_layout.addLayout(counts)
        reconciliation_layout.addWidget(self.save_counts_button)
        reconciliation_layout.addWidget(self.problems_label)
        row = QHBoxLayout()
        row.addWidget(self.close_button)
        row.addWidget(self.reopen_button)
        reconciliation_layout.addLayout(row)
        reconciliation_layout.addStretch(1)
        self.tabs.addTab(recent, _("Recent entries"))
        self.tabs.addTab(adjudication, _("Adjudication"))
        self.tabs.addTab(reconciliation, _("Reconciliation"))
        self.phone_panel = PhonePanel(store, bus)  # phone voting (facilitator.lan)
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
        self.new_button.clicked.connect(self._on_new_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.print_button.clicked.connect(self._on_print_clicked)
        self.double_box.clicked.connect(self._on_double_box_clicked)
        self.mode_group.idClicked.connect(self._on_mode_clicked)
        self.scan_edit.returnPressed.connect(self._on_scan_return_pressed)
        self.editor.save_requested.connect(self._on_editor_save_requested)
        self.editor.cancelled.connect(self._on_editor_cancelled)
        self.editor.scan_started.connect(self._on_editor_scan_started)
        self.undo_button.clicked.connect(self._on_undo_clicked)
        self.keep_first_button.clicked.connect(lambda: self._keep(FIRST))
        self.keep_second_button.clicked.connect(lambda: self._keep(SECOND))
        self.decide_button.clicked.connect(self._on_decide_clicked)
        self.adjudication_table.doubleClicked.connect(self._on_decide_clicked)
        self.save_counts_button.clicked.connect(self._on_save_counts_clicked)
        self.close_button.clicked.connect(self._on_close_clicked)
        self.reopen_button.clicked.connect(self._on_reopen_clicked)
        self.tabs.currentChanged.connect(lambda _i: self._refresh_tab())
        bus.changes_applied.connect(self._on_bus_changes_applied)

        self.actions_ = self._make_actions()
        self.setFocusProxy(self.scan_edit)
        self._reload_rounds()

    def _table(self, headings: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headings))
        table.setHorizontalHeaderLabels(headings)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return table

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[str]], key: list[object]) -> None:
        """Fill a table in one go (measuring columns once, not at every cell)."""
        table.setUpdatesEnabled(False)
        try:
            table.setRowCount(len(rows))
            for r, cells in enumerate(rows):
                for c, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    if c == 0:
                        item.setData(ENTRY_ID, key[r])
                    table.setItem(r, c, item)
            table.resizeColumnsToContents()
        finally:
            table.setUpdatesEnabled(True)

    def _make_actions(self) -> list[QAction]:
        def action(text: str, shortcut: str, slot: Callable[[], None]) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        return [
            action(_("Scan"), "Ctrl+F", self.focus_scan_field),
            action(_("Undo entry"), "Ctrl+U", self._on_undo_clicked),
            action(_("New round"), "Ctrl+Shift+N", self._on_new_clicked),
            action(_("Print papers"), "Ctrl+P", self._on_print_clicked),
            *(action(text, f"Alt+{n}", lambda m=mode: self.set_mode(m))
              for n, (mode, text) in enumerate(
                  ((FIRST, _("First keying")), (SECOND, _("Second keying")),
                   (DECISION, _("Adjudicate")), (HAND_OUT, _("Hand out papers"))), start=1)),
        ]

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

    def operator(self) -> str:
        return " ".join(self.operator_edit.text().split())

    def focus_scan_field(self) -> None:
        self.scan_edit.setFocus()
        self.scan_edit.selectAll()

    def _publish(self, changes: Changes) -> None:
        self._bus.publish(changes)

    # -- rounds ------------------------------------------------------------------------------

    def _reload_rounds(self) -> None:
        current = self.current_round()
        self.rounds = list_rounds(self._store)
        self.round_combo.blockSignals(True)
        self.round_combo.clear()
        status = {"draft": _("draft"), "open": _("open"), "closed": _("closed")}
        for ballot_round in self.rounds:
            self.round_combo.addItem(f"{ballot_round.id}. {ballot_round.title} "
                                     f"({status[ballot_round.status]})")
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
        has = ballot_round is not None
        is_open = has and ballot_round is not None and ballot_round.is_open
        double = has and ballot_round is not None and ballot_round.double_entry
        self.edit_button.setEnabled(has and ballot_round is not None
                                    and ballot_round.status == "draft")
        paper = has and ballot_round is not None and ballot_round.allows_paper
        self.print_button.setEnabled(paper and ballot_round is not None
                                     and not ballot_round.is_closed and not self.printing)
        self.mode_buttons[HAND_OUT].setEnabled(paper)
        if not paper and self.mode() == HAND_OUT:
            self.mode_buttons[FIRST].setChecked(True)
        self.double_box.setEnabled(has and ballot_round is not None
                                   and not ballot_round.is_closed)
        self.double_box.setChecked(double)
        self.mode_buttons[SECOND].setEnabled(double)
        self.mode_buttons[DECISION].setEnabled(double)
        if not double and self.mode() in (SECOND, DECISION):
            self.mode_buttons[FIRST].setChecked(True)
        self.scan_edit.setEnabled(is_open)
        self.close_button.setEnabled(is_open)
        self.reopen_button.setEnabled(has and ballot_round is not None
                                      and ballot_round.is_closed)
        self.save_counts_button.setEnabled(is_open and paper)
        self._update_round_info()
        self._update_placeholder()

    def _update_round_info(self) -> None:
        ballot_round = self.current_round()
        if ballot_round is None:
            self.round_info.setText("")
            return
        text = _("How people vote: {channel}. Who may vote: {voters}.").format(
            channel=ballot_round.channel_text(), voters=ballot_round.voters_text())
        if ballot_round.is_closed and ballot_round.fingerprint:
            text += " " + _("Sealed at close, fingerprint {fp}…").format(
                fp=ballot_round.fingerprint[:16])
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
        try:
            result = create_round(self._store, definition.title, definition.questions,
                                  instructions=definition.instructions,
                                  language=definition.language,
                                  double_entry=definition.double_entry,
                                  channel=definition.channel, voters=definition.voters,
                                  operator=self.operator() or None)
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return
        self._publish(result.changes)
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
        try:
            result = update_round(self._store, ballot_round.id, definition.title,
                                  definition.questions, instructions=definition.instructions,
                                  language=definition.language,
                                  double_entry=definition.double_entry,
                                  channel=definition.channel, voters=definition.voters,
                                  operator=self.operator() or None)
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return
        self._publish(result.changes)
        self.banner.show_message(_("Round “{title}” saved.").format(title=result.round.title),
                                 "ok")

    def _on_double_box_clicked(self, checked: bool) -> None:
        ballot_round = self.current_round()
        if ballot_round is None:
            return
        try:
            result = set_double_entry(self._store, ballot_round.id, checked,
                                      operator=self.operator() or None)
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            self.double_box.setChecked(ballot_round.double_entry)
            return
        self._publish(result.changes)
        self.focus_scan_field()

    # -- printing ---------------------------------------------------------------------------

    def _on_print_clicked(self) -> None:
        ballot_round = self.current_round()
        if ballot_round is None or ballot_round.is_closed or self.printing:
            return
        present = entitled_present(self._store, ballot_round)
        batches = sorted({p.batch for p in paper_codes(self._store, ballot_round.id)})
        request = self._ask_print(self, ballot_round, present or 100, batches)
        if request is None:
            return
        suggested = f"{ballot_round.title} - papers.pdf".replace("/", "-")
        path = self._choose_save(self, _("Save the ballot papers as"), suggested)
        if path is None:
            return
        try:
            if request.batch is not None:
                papers = paper_codes(self._store, ballot_round.id, request.batch)
                printing = ballot_round
            else:
                result = issue_codes(self._store, ballot_round.id, request.count,
                                     operator=self.operator() or None)
                papers, printing = list(result.papers), result.round
                self._publish(result.changes)
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return
        self.printing = True
        self._update_controls()
        self.banner.show_message(_("Writing {n} papers to {file}…").format(
            n=len(papers), file=path.name), "info")
        event_name = self._store.name

        def work() -> Path:
            return write_ballot_papers(path, printing, papers, event_name=event_name,
                                       page_size=request.page_size)

        self._tasks.run(work, lambda p: self._on_printed(p, len(papers)), self._on_print_failed)

    def _on_printed(self, path: Path, count: int) -> None:
        self.printing = False
        self._update_controls()
        self.banner.show_message(_("✓ {n} papers written to {path}. Print them, then scan "
                                   "each returned paper here.").format(n=count, path=path), "ok")

    def _on_print_failed(self, exc: Exception) -> None:
        self.printing = False
        self._update_controls()
        self.banner.show_message(_("The papers could not be written: {error}").format(
            error=exc), "error")

    # -- scanning and keying ------------------------------------------------------------------

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
        if self.mode() == HAND_OUT:
            self._hand_out(ballot_round, text)
            return
        mode = self.mode()
        if mode in (SECOND, DECISION) and not self.operator():
            self.banner.show_message(_("Type your name in the Operator field first: double "
                                       "entry needs to know who keyed each paper."), "error")
            self.operator_edit.setFocus()
            return
        put_aside = self.editor.paper.pretty if self.editor.paper is not None else \
            self._abandoned
        self._abandoned = None
        self.editor.clear()
        try:
            paper = scan(self._store, ballot_round.id, text, pass_=mode,
                         operator=self.operator() or None)
        except CodeError as exc:
            self.banner.show_message(exc.message, "error")
            self._publish(record_rejected(self._store, ballot_round.id, text, exc,
                                          operator=self.operator() or None))
            self.scan_edit.selectAll()
            return
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            self.scan_edit.selectAll()
            return
        self.scan_edit.clear()
        self._show_paper(paper, put_aside)

    def _show_paper(self, paper: Paper, put_aside: str | None = None) -> None:
        self.editor.load(paper)
        self.editor.setFocus()
        message = _("Paper {code}: key the marks, Enter saves, Esc puts it aside.").format(
            code=paper.pretty)
        if paper.pass_ == DECISION:
            found = [m for m in mismatches(self._store, paper.round.id) if m.code == paper.code]
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
        try:
            result: EntryResult = enter(
                self._store, paper.round.id, paper.code, self.editor.answers(),
                operator=self.operator(), pass_=paper.pass_, spoiled=self.editor.spoiled,
                via="desk")
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return
        self._last_entry_id = result.entry.id
        self.editor.clear()
        self._publish(result.changes)
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
        paper = self.editor.paper
        self.editor.clear()
        if paper is not None:
            self.banner.show_message(_("Paper {code} put aside, not saved.").format(
                code=paper.pretty), "info")
        self.focus_scan_field()

    def _on_editor_scan_started(self, text: str) -> None:
        paper = self.editor.paper
        self.editor.clear()
        self._abandoned = paper.pretty if paper is not None else None
        if paper is not None:
            self.banner.show_message(_("Paper {code} was NOT saved: a new code was scanned "
                                       "before Enter. Scan it again to key it.").format(
                                           code=paper.pretty), "error")
        self.scan_edit.setFocus()
        self.scan_edit.setText(text)

    def _hand_out(self, ballot_round: BallotRound, text: str) -> None:
        try:
            person = find_by_scan(self._store, text)
            # Refused with a sentence: not entitled to vote, a paper already, a phone vote.
            changes = hand_out(self._store, ballot_round.id, person.id,
                               operator=self.operator() or None)
        except (NotFoundError, UserError) as exc:
            self.banner.show_message(exc.message, "error")
            self.scan_edit.selectAll()
            return
        self._last_hand_out = (ballot_round.id, person.id)
        self._publish(changes)
        self.scan_edit.clear()
        self.banner.show_message(_("✓ Paper handed to {name}.").format(name=person.name), "ok")

    # -- undo -------------------------------------------------------------------------------

    def _on_undo_clicked(self) -> None:
        if self.mode() == HAND_OUT and self._last_hand_out is not None:
            round_id, person_id = self._last_hand_out
            try:
                changes = undo_hand_out(self._store, round_id, person_id,
                                        operator=self.operator() or None)
            except UserError as exc:
                self.banner.show_message(exc.message, "error")
                return
            self._last_hand_out = None
            self._publish(changes)
            self.banner.show_message(_("Hand-out undone."), "ok")
            return
        entry_id = self._selected_entry_id() or self._last_entry_id
        if entry_id is None:
            self.banner.show_message(_("Select the entry to undo in Recent entries."), "info")
            return
        try:
            entry = get_entry(self._store, entry_id)
            changes = undo_entry(self._store, entry_id, operator=self.operator() or None,
                                 reason=_("undone at the desk"))
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return
        if entry_id == self._last_entry_id:
            self._last_entry_id = None
        self._publish(changes)
        self.banner.show_message(_("Entry of paper {code} undone: it can be keyed again."
                                   ).format(code=pretty(entry.code)), "ok")
        self.focus_scan_field()

    def _selected_entry_id(self) -> int | None:
        if self.tabs.currentIndex() != 0:
            return None
        rows = self.recent_table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.recent_table.item(rows[0].row(), 0)
        value = item.data(ENTRY_ID) if item is not None else None
        return int(value) if value is not None else None

    # -- adjudication -------------------------------------------------------------------------

    def _selected_mismatch_code(self) -> str | None:
        rows = self.adjudication_table.selectionModel().selectedRows()
        row = rows[0].row() if rows else (0 if self.adjudication_table.rowCount() else -1)
        item = self.adjudication_table.item(row, 0) if row >= 0 else None
        value = item.data(ENTRY_ID) if item is not None else None
        return str(value) if value else None

    def _keep(self, which: int) -> None:
        ballot_round = self.current_round()
        code = self._selected_mismatch_code()
        if ballot_round is None or code is None:
            return
        if not self.operator():
            self.banner.show_message(_("Type your name in the Operator field first."), "error")
            return
        try:
            result = adjudicate(self._store, ballot_round.id, code, operator=self.operator(),
                                keep=which)
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return
        self._publish(result.changes)
        self.banner.show_message(_("✓ Paper {code} decided: {what}.").format(
            code=pretty(code), what=result.entry.note or ""), "ok")

    def _on_decide_clicked(self) -> None:
        code = self._selected_mismatch_code()
        if code is None:
            return
        self.set_mode(DECISION)
        self.scan_edit.setText(code)
        self._on_scan_return_pressed()

    # -- reconciliation ---------------------------------------------------------------------

    def _on_save_counts_clicked(self) -> None:
        ballot_round = self.current_round()
        if ballot_round is None:
            return
        issued = self.issued_spin.value()
        returned = self.returned_spin.value()
        try:
            result = record_counts(self._store, ballot_round.id,
                                   issued=None if issued < 0 else issued,
                                   returned=None if returned < 0 else returned,
                                   operator=self.operator() or None)
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return
        self._publish(result.changes)
        self.banner.show_message(_("Counts saved."), "ok")

    def _on_close_clicked(self) -> None:
        ballot_round = self.current_round()
        if ballot_round is None:
            return
        figures = reconcile(self._store, ballot_round.id)
        if figures.blocking:
            self.banner.show_message(" ".join(figures.blocking), "error")
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
        run_command(self.banner, self._bus, lambda: close_ballot_round(
            self._store, ballot_round.id, operator=self.operator() or None, note=note).changes,
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
        run_command(self.banner, self._bus, lambda: reopen_ballot_round(
            self._store, ballot_round.id, operator=self.operator() or None, note=note).changes,
            _("Round “{title}” reopened: its sealed fingerprint is released, and the result "
              "sheet printed at close no longer holds.").format(title=ballot_round.title))

    # -- refreshing -------------------------------------------------------------------------

    def _on_bus_changes_applied(self, changes: Changes) -> None:
        if changes.ballots:
            self._reload_rounds()
        elif changes.attendance and self.tabs.currentIndex() == 2:
            self._refresh_tab()

    def _refresh_tab(self) -> None:
        """Only the visible tab is refreshed: keying stays fast however many papers."""
        index = self.tabs.currentIndex()
        if index == 0:
            self._refresh_recent()
        elif index == 1:
            self._refresh_adjudication()
        else:
            self._refresh_reconciliation()
        ballot_round = self.current_round()
        pending = len(mismatches(self._store, ballot_round.id)) \
            if ballot_round is not None and ballot_round.double_entry else 0
        self.tabs.setTabText(1, _("Adjudication ({n})").format(n=pending) if pending
                             else _("Adjudication"))

    def _refresh_recent(self) -> None:
        ballot_round = self.current_round()
        rows = entries(self._store, ballot_round.id, limit=40) if ballot_round else []
        names = {FIRST: _("first"), SECOND: _("second"), DECISION: _("adjudication")}
        cells = []
        for entry in rows:
            if entry.spoiled or ballot_round is None:
                marks = _("spoiled")
            else:
                marks = " | ".join(describe(q, a) for q, a in
                                   zip(ballot_round.questions, entry.answers, strict=True))
            cells.append([entry.entered_at.astimezone().strftime("%H:%M:%S"),
                          pretty(entry.code), str(entry.serial), names[entry.pass_],
                          entry.operator, marks])
        self._fill(self.recent_table, cells, [e.id for e in rows])

    def _refresh_adjudication(self) -> None:
        ballot_round = self.current_round()
        found = mismatches(self._store, ballot_round.id) if ballot_round else []
        rows: list[list[str]] = []
        keys: list[object] = []
        for m in found:
            for d in m.differences:
                question = _("spoiled?") if d.question is None else str(d.question + 1)
                rows.append([m.pretty, str(m.serial), question, d.first, d.second])
                keys.append(m.code)
        self._fill(self.adjudication_table, rows, keys)
        self.adjudication_label.setText(
            _("Papers whose two keyings differ. Find the paper, look at it, and keep the right "
              "keying, or key it from the paper.") if found else
            _("No paper waits for adjudication."))
        for button in (self.keep_first_button, self.keep_second_button, self.decide_button):
            button.setEnabled(bool(found))

    def _refresh_reconciliation(self) -> None:
        while self.figures_form.rowCount():
            self.figures_form.removeRow(0)
        ballot_round = self.current_round()
        if ballot_round is None:
            self.problems_label.setText("")
            return
        figures = reconcile(self._store, ballot_round.id)
        for label, value in figures.lines():
            figure = QLabel(value)
            figure.setObjectName("figure")
            self.figures_form.addRow(label + ":", figure)
        self.issued_spin.setValue(-1 if figures.issued is None else figures.issued)
        self.returned_spin.setValue(-1 if figures.returned is None else figures.returned)
        problems = list(figures.blocking) + list(figures.discrepancies)
        if ballot_round.is_closed:
            text = _("Closed at {time}.").format(
                time=ballot_round.closed_at.astimezone().strftime("%H:%M")
                if ballot_round.closed_at else "?")
            if ballot_round.close_note:
                text += " " + _("Note: {note}").format(note=ballot_round.close_note)
            self.problems_label.setText(text)
        elif problems:
            self.problems_label.setText("• " + "\n• ".join(problems))
        else:
            self.problems_label.setText(_("✓ The figures agree."))
