"""The Results page: every question of a round counted, live or once the round is closed.

Counts are recomputed from the event file whenever ballots change (only while the page is
on screen; otherwise on the next show), so what is shown is always what a re-count would
give. A round's results are hidden until it is closed unless the facilitator turns on live
results. From here: the result sheet (save as PDF, or print through the Qt print dialog),
the open-data exports, and putting a question's result on the projector. Every change
(live results, the projector) is an op of :mod:`facilitator.results.ops`, run through
:meth:`Page.run` with the page's actor.

A budget question's funding rule is shown, not chosen: it is part of the question, fixed
when the round was defined. A closed round whose ballots no longer match the fingerprint
sealed at close says so in red above everything else.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from facilitator.ballots import Kind, Question, list_rounds, pb_rule_name
from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _, ngettext
from facilitator.reports.results import write_result_sheet
from facilitator.results import exports, ops
from facilitator.results.model import RoundResults
from facilitator.results.queries import count_round, is_live, projected
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.pages.base import APP_ACTOR, Page
from ui.pages.common import SaveChooser, choose_save_path, save_export
from ui.pages.results.printing import ask_printer, print_pdf
from ui.pages.results.view import ResultPanel

PrinterAsker = Callable[[QWidget, str], QPrinter | None]


class ResultsPage(Page):
    results_counted = Signal(object)
    """Emitted with the :class:`RoundResults` after each (re)count shown."""

    def __init__(self, store: EventStore, bus: ChangeBus, *, actor: str = APP_ACTOR,
                 choose_save: SaveChooser = choose_save_path,
                 ask_print: PrinterAsker = ask_printer,
                 parent: QWidget | None = None) -> None:
        super().__init__(store, bus, actor=actor, parent=parent)
        self.title = _("Results")
        self._choose_save = choose_save
        self._ask_print = ask_print
        self.results: RoundResults | None = None

        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        self.round_combo = QComboBox()
        self.round_combo.setAccessibleName(_("Ballot round"))
        self.round_combo.setMinimumWidth(240)
        round_label = QLabel(_("&Round:"))
        round_label.setBuddy(self.round_combo)
        self.live_box = QCheckBox(_("&Live results"))
        self.live_box.setToolTip(_("Show the counts as ballots arrive, before the round is "
                                   "closed (also on the projector)."))
        self.paper_combo = QComboBox()
        self.paper_combo.addItem("A4", "A4")
        self.paper_combo.addItem(_("Letter"), "letter")
        self.paper_combo.setAccessibleName(_("Paper size"))
        self.print_button = QPushButton(_("&Print…"))
        self.pdf_button = QPushButton(_("Save P&DF…"))
        self.export_button = QPushButton(_("E&xport"))
        self.export_menu = QMenu(self)
        self.export_button.setMenu(self.export_menu)
        self.project_button = QPushButton(_("Show on pro&jector"))
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(round_label)
        top.addWidget(self.round_combo)
        top.addWidget(self.live_box)
        self.status_label = QLabel()
        self.status_label.setObjectName("resultStatus")
        self.status_label.setWordWrap(True)
        self.tamper_label = QLabel()
        self.tamper_label.setObjectName("fingerprintMismatch")
        self.tamper_label.setWordWrap(True)
        self.tamper_label.setVisible(False)
        actions = QHBoxLayout()
        self.rule_label = QLabel()
        self.rule_label.setObjectName("fundingRule")
        self.rule_label.setToolTip(_("Fixed when the round was defined, and printed on the "
                                     "paper: it cannot be changed once the round is open."))
        actions.addWidget(self.rule_label)
        actions.addStretch(1)
        for widget in (self.project_button, self.paper_combo, self.pdf_button,
                       self.print_button, self.export_button):
            actions.addWidget(widget)

        self.question_list = QListWidget()
        self.question_list.setAccessibleName(_("Questions"))
        self.question_list.setMinimumWidth(260)
        self.question_list.setWordWrap(True)
        self.question_list.setSpacing(3)
        self.question_list.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.panel = ResultPanel()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.panel)
        splitter = QSplitter()
        splitter.addWidget(self.question_list)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.tamper_label)
        layout.addLayout(actions)
        layout.addWidget(self.status_label)
        layout.addWidget(splitter, 1)
        self.setStyleSheet(
            "#resultQuestion { font-size: 15pt; font-weight: 600; }"
            " #resultVerdict { font-size: 17pt; font-weight: 700; padding: 4px 0; }"
            " #resultVerdict[passed=\"yes\"] { color: #166534; }"
            " #resultVerdict[passed=\"no\"] { color: #991b1b; }"
            " #resultStatus { color: #4b5563; }"
            " #fingerprintMismatch { color: #991b1b; font-weight: 700; font-size: 13pt; }")

        self.round_combo.currentIndexChanged.connect(self._on_round_combo_changed)
        self.question_list.currentRowChanged.connect(self._on_question_list_row_changed)
        self.live_box.clicked.connect(self._on_live_box_clicked)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_sheet)
        self.project_button.clicked.connect(self.toggle_projector)
        self.export_menu.aboutToShow.connect(self._fill_export_menu)
        self.shortcut(_("Print the result sheet"), "Ctrl+P", self.print_sheet)
        self.shortcut(_("Save the result sheet as PDF"), "Ctrl+Shift+S", self.save_pdf)
        self.shortcut(_("Show on the projector"), "Ctrl+J", self.toggle_projector)
        self.refresh()

    # -- reading ----------------------------------------------------------------------------

    def current_round_id(self) -> int | None:
        value = self.round_combo.currentData()
        return int(value) if value is not None else None

    def current_index(self) -> int:
        return max(0, self.question_list.currentRow())

    def relevant(self, changes: Changes) -> bool:
        return changes.ballots or changes.phones or changes.attendance or changes.event

    def refresh(self) -> None:
        """Re-read the rounds and re-count the current one."""
        rounds = [r for r in list_rounds(self.store) if r.status != "draft"]
        wanted = self.current_round_id()
        if wanted is None and rounds:
            wanted = rounds[-1].id
        self.round_combo.blockSignals(True)
        self.round_combo.clear()
        for r in rounds:
            state = _("closed") if r.is_closed else _("open")
            self.round_combo.addItem(f"{r.id}. {r.title} ({state})", r.id)
        index = self.round_combo.findData(wanted)
        self.round_combo.setCurrentIndex(max(index, 0))
        self.round_combo.blockSignals(False)
        self._recount()

    def _recount(self) -> None:
        round_id = self.current_round_id()
        has = round_id is not None
        for widget in (self.live_box, self.print_button, self.pdf_button, self.export_button,
                       self.project_button, self.paper_combo):
            widget.setEnabled(has)
        if round_id is None:
            self.results = None
            self.question_list.clear()
            self.status_label.setText(_("No ballot round has papers yet. Define a round and "
                                        "print its papers on the Voting page."))
            self.panel.question_label.setText("")
            self.panel.verdict_label.setText("")
            self.panel.details_label.setText("")
            self.panel.chart.set_lines(())
            self.tamper_label.setVisible(False)
            self._update_rule_label()
            return
        results = count_round(self.store, round_id)
        self.results = results
        row = self.current_index()
        self.question_list.blockSignals(True)
        self.question_list.clear()
        for r in results.questions:
            text = f"{r.index + 1}. {r.question.text}"
            text += "\n" + (r.count.verdict if results.visible else _("(hidden)"))
            item = QListWidgetItem(text)
            item.setToolTip(r.question.text)
            self.question_list.addItem(item)
        self.question_list.setCurrentRow(min(row, len(results.questions) - 1))
        self.question_list.blockSignals(False)
        self.live_box.setChecked(is_live(self.store, round_id))
        self.live_box.setEnabled(not results.round.is_closed)
        self.tamper_label.setText(results.mismatch_text() if results.fingerprint_mismatch
                                  else "")
        self.tamper_label.setVisible(results.fingerprint_mismatch)
        self._show_current()
        self.results_counted.emit(results)

    def _show_current(self) -> None:
        if self.results is None or not self.results.questions:
            return
        r = self.results.questions[min(self.current_index(), len(self.results.questions) - 1)]
        # The ballots counted on this question: the figure its turnout and sheet show too
        # (a round-wide number of ballots would count spoiled papers, and phone voters once
        # per question they voted on).
        counted = r.turnout.counted_text()
        if self.results.round.is_closed:
            status = _("Round closed: final results; {counted} on this question.")
        elif self.results.visible:
            status = _("Live: provisional results; {counted} on this question so far.")
        else:
            status = _("{counted} on this question so far. Results are hidden until the round "
                       "is closed.")
        self.status_label.setText(status.format(counted=counted))
        if self.results.visible:
            self.panel.show_result(r)
        else:
            self.panel.show_hidden(r)
        self._update_rule_label()
        shown = projected(self.store)
        on = shown == (r.round_id, r.index)
        self.project_button.setText(_("Take off pro&jector") if on
                                    else _("Show on pro&jector"))
        self.project_button.setEnabled(self.results.visible or on)

    def _update_rule_label(self) -> None:
        q = self._current_result_question()
        budget = q is not None and q.kind is Kind.BUDGET
        self.rule_label.setVisible(budget)
        if q is not None and budget:
            self.rule_label.setText(_("Funding rule: {rule} (fixed with the question)").format(
                rule=pb_rule_name(q.pb_rule)))

    def _current_result_question(self) -> Question | None:
        if self.results is None or not self.results.questions:
            return None
        return self.results.round.questions[min(self.current_index(),
                                                len(self.results.questions) - 1)]

    # -- ops ----------------------------------------------------------------------------------

    def _on_live_box_clicked(self, checked: bool) -> None:
        round_id = self.current_round_id()
        if round_id is not None:
            self.run(lambda: ops.set_live(self.store, round_id, checked, actor=self.actor))

    def toggle_projector(self) -> None:
        if self.results is None:
            return
        target = (self.results.round.id, self.current_index())
        if projected(self.store) == target:
            self.run(lambda: ops.set_projected(self.store, None, actor=self.actor))
        else:
            self.run(lambda: ops.set_projected(self.store, target, actor=self.actor),
                     _("On the projector (open it with F5)."))

    # -- the sheet and the exports -------------------------------------------------------------

    def _sheet_rounds(self) -> list[RoundResults]:
        if self.results is None:
            raise UserError(_("There is no round to print."))
        if not self.results.visible:
            raise UserError(_("The results of this round are hidden until it is closed; "
                              "close it, or turn on live results, to print a sheet."))
        return [self.results]

    def _file_stem(self) -> str:
        title = self.results.round.title if self.results else "results"
        return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in title)

    def save_pdf(self) -> Path | None:
        try:
            rounds = self._sheet_rounds()
        except UserError as exc:
            self.refuse(exc.message)
            return None
        path = self._choose_save(self, _("Save the result sheet"),
                                 f"{self._file_stem()}-results.pdf")
        page = str(self.paper_combo.currentData())
        return save_export(self.banner, path, lambda p: write_result_sheet(
            p, rounds, page_size=page, printed_at=self.store.clock.now()))

    def print_sheet(self) -> bool:
        try:
            rounds = self._sheet_rounds()
        except UserError as exc:
            self.refuse(exc.message)
            return False
        page = str(self.paper_combo.currentData())
        printer = self._ask_print(self, page)
        if printer is None:
            return False
        with tempfile.TemporaryDirectory() as folder:
            pdf = write_result_sheet(Path(folder) / "results.pdf", rounds, page_size=page,
                                     printed_at=self.store.clock.now())
            try:
                pages = print_pdf(pdf, printer)
            except UserError as exc:
                self.refuse(exc.message)
                return False
        self.banner.show_message(ngettext("Sent {n} page to the printer.",
                                          "Sent {n} pages to the printer.", pages).format(
            n=pages), "ok", seconds=6)
        return True

    def _fill_export_menu(self) -> None:
        self.export_menu.clear()
        if self.results is None:
            return
        results = self.results
        stem = self._file_stem()
        self.export_menu.addAction(_("Ballots as CSV (anonymised)…"), lambda: self.export(
            "csv", f"{stem}-ballots.csv"))
        self.export_menu.addAction(_("Ballots as JSON (anonymised)…"), lambda: self.export(
            "json", f"{stem}-ballots.json"))
        q = results.round.questions[self.current_index()]
        if q.kind is Kind.RANK:
            self.export_menu.addAction(_("This question's rankings as BLT…"), lambda: self.export(
                "blt", f"{stem}-q{self.current_index() + 1}.blt"))
        if q.kind is Kind.BUDGET:
            self.export_menu.addAction(_("This question's ballots as Pabulib .pb…"),
                                       lambda: self.export(
                                           "pb", f"{stem}-q{self.current_index() + 1}.pb"))

    def export(self, what: str, suggested: str) -> Path | None:
        if self.results is None:
            return None
        results, index = self.results, self.current_index()
        try:
            if not results.visible:
                raise UserError(_("The ballots of this round are not exported before it is "
                                  "closed (or live results are on)."))
            text = {"csv": lambda: exports.ballots_csv(results),
                    "json": lambda: exports.ballots_json(results),
                    "blt": lambda: exports.question_blt(results, index),
                    "pb": lambda: exports.question_pb(
                        results, index, results.round.questions[index].pb_rule.value),
                    }[what]()
        except UserError as exc:
            self.refuse(exc.message)
            return None
        path = self._choose_save(self, _("Export"), suggested)
        return save_export(self.banner, path, lambda p: p.write_text(text, encoding="utf-8"))

    # -- events -----------------------------------------------------------------------------

    def _on_round_combo_changed(self, index: int) -> None:
        self.question_list.setCurrentRow(0)
        self._recount()

    def _on_question_list_row_changed(self, row: int) -> None:
        if row >= 0:
            self._show_current()
