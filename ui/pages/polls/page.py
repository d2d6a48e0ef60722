"""The Polls page: define a deliberative poll, run its waves, read and print its results.

A poll is defined from a questionnaire file (JSON, the format of
:func:`facilitator.polls.model.to_json`); its waves are opened and closed here, answers come
from phones (and the control sample from the keying desk); the table shows the analysis the
printed report shows, and the desk chooses what the projector reveals.

The "Paper forms" tab prints packets of paper questionnaires and keys them back: the scan
field takes a page's QR code (a USB scanner types it and Enter), the page's questions appear
in :class:`~ui.pages.polls.keying.FormKeyer` to key from the keyboard, Enter saves and the
focus is back in the scan field; a refusal (another poll's page, a page keyed already …) is
one sentence in the banner. The same keyer takes a control-sample questionnaire. The forms
printed against the pages keyed are shown under it, as ballots are reconciled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator.ballots.codes import pretty
from facilitator.changes import Changes
from facilitator.i18n import N_, _
from facilitator.polls import ops, queries
from facilitator.polls.analysis import Analysis, change_text, figure_text, fmt, fmt_change
from facilitator.polls.export import pairs_csv, poll_json
from facilitator.polls.model import (
    CLOSED,
    DRAFT,
    MAX_FORMS,
    OPEN,
    Poll,
    PollError,
    ScannedPage,
    form_pages,
    form_qr,
    from_json,
)
from facilitator.polls.stats import p_of, stars
from facilitator.reports.polls import legend, write_paper_forms, write_poll_report
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.flow import flow_row
from ui.pages.base import Page
from ui.pages.common import SaveChooser, choose_save_path, save_export
from ui.pages.polls.keying import FormKeyer
from ui.tasks import TaskRunner
from ui.widgets import narrow_combo

OpenChooser = Callable[[QWidget, str], Path | None]
COLUMNS = (N_("Item"), N_("n"), N_("Before"), N_("After"), N_("Change"),
           N_("Distribution before"), N_("Distribution after"), N_("DK before"),
           N_("DK after"))


def choose_open_path(parent: QWidget, title: str) -> Path | None:
    path, _filter = QFileDialog.getOpenFileName(parent, title, "",
                                                _("Questionnaire (*.json)"))
    return Path(path) if path else None


class PollsPage(Page):
    def __init__(self, store: EventStore, bus: ChangeBus, *,
                 now: Callable[[], datetime] | None = None, tasks: TaskRunner | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(store, bus, parent=parent)
        self._now = now or store.clock.now
        self.tasks = tasks or TaskRunner(self)
        """Writes the paper forms off the GUI thread (120 packets take seconds)."""
        self.printing = False
        self.save_chooser: SaveChooser = choose_save_path
        self.open_chooser: OpenChooser = choose_open_path
        self.confirm: Callable[[str], bool] = self._confirm
        self.analysis: Analysis | None = None

        self.title = _("Polls")
        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(12)
        top.addWidget(QLabel(_("Poll:")))
        self.poll_combo = QComboBox()
        self.poll_combo.setAccessibleName(_("Poll"))
        narrow_combo(self.poll_combo, 20)  # a long poll title does not widen the page
        self.poll_combo.currentIndexChanged.connect(self._on_poll_combo_changed)
        top.addWidget(self.poll_combo, 1)
        self.new_button = QPushButton(_("New poll from a questionnaire file…"))
        self.new_button.clicked.connect(self.new_poll)
        top.addWidget(self.new_button)
        layout.addLayout(top)
        layout.addWidget(self.banner)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.open_button = QPushButton(_("Open the next wave"))
        self.open_button.clicked.connect(self.open_wave)
        self.close_wave_button = QPushButton(_("Close the wave"))
        self.close_wave_button.clicked.connect(self.close_wave)
        self.close_poll_button = QPushButton(_("Close the poll…"))
        self.close_poll_button.setToolTip(_("Destroys the key that pairs a badge with its "
                                            "answers: nobody can read a person's answers "
                                            "afterwards, and no more answers are taken."))
        self.close_poll_button.clicked.connect(self.close_poll)
        self.test_combo = QComboBox()
        self.test_combo.setAccessibleName(_("Paired test"))
        self.test_combo.addItem(_("paired t-test"), "t")
        self.test_combo.addItem(_("Wilcoxon signed-rank"), "wilcoxon")
        self.test_combo.currentIndexChanged.connect(self.refresh)
        self.correction_combo = QComboBox()
        self.correction_combo.setAccessibleName(_("Multiple-comparison correction"))
        self.correction_combo.addItem(_("none"), "none")
        self.correction_combo.addItem(_("Holm"), "holm")
        self.correction_combo.addItem(_("Benjamini–Hochberg"), "bh")
        self.correction_combo.currentIndexChanged.connect(self.refresh)
        # The waves' buttons and the test's choices wrap onto a second line rather than
        # widen the page past a 1,366-pixel laptop's (they asked 1,063 px of 1,060).
        layout.addLayout(flow_row(
            self.open_button, self.close_wave_button, self.close_poll_button,
            labelled(_("Test:"), self.test_combo),
            labelled(_("Correction:"), self.correction_combo)))

        self.tabs = QTabWidget()
        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(4, 4, 4, 4)
        self.table = WrappingTable(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName(_("Results before and after"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        results_layout.addWidget(self.table, 1)
        self.legend_label = QLabel()
        self.legend_label.setWordWrap(True)
        self.legend_label.setMinimumHeight(self.legend_label.fontMetrics().lineSpacing() * 3)
        results_layout.addWidget(self.legend_label)
        self.control_label = QLabel()
        self.control_label.setWordWrap(True)
        results_layout.addWidget(self.control_label)

        self.pdf_button = QPushButton(_("Print the report…"))
        self.pdf_button.clicked.connect(self.print_report)
        self.csv_button = QPushButton(_("Export paired data (CSV)…"))
        self.csv_button.clicked.connect(self.export_csv)
        self.json_button = QPushButton(_("Export (JSON)…"))
        self.json_button.clicked.connect(self.export_json)
        self.reveal_combo = QComboBox()
        self.reveal_combo.setAccessibleName(_("What the projector reveals"))
        self.reveal_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.project_button = QPushButton(_("Show on the projector"))
        self.project_button.clicked.connect(self.project)
        self.unproject_button = QPushButton(_("Take it off"))
        self.unproject_button.clicked.connect(self.unproject)
        # Wraps onto a second line where the words are longer (Welsh, Arabic).
        results_layout.addLayout(flow_row(self.pdf_button, self.csv_button, self.json_button,
                                          labelled(_("Projector shows:"), self.reveal_combo),
                                          self.project_button, self.unproject_button))
        self.tabs.addTab(results, _("Results"))
        self.tabs.addTab(self._paper_tab(), _("Paper forms"))
        layout.addWidget(self.tabs, 1)
        self.scanned: ScannedPage | None = None
        self.control_wave: int | None = None
        self.refresh()

    def _paper_tab(self) -> QWidget:
        tab = QWidget()
        paper = QVBoxLayout(tab)
        paper.setContentsMargins(4, 4, 4, 4)
        self.forms_spin = QSpinBox()
        self.forms_spin.setRange(1, MAX_FORMS)
        self.forms_spin.setValue(20)
        self.forms_spin.setAccessibleName(_("How many paper packets to print"))
        self.print_forms_button = QPushButton(_("Print paper forms…"))
        self.print_forms_button.setToolTip(_("Each packet holds the form of every wave under "
                                              "one code; each page has its own QR code."))
        self.print_forms_button.clicked.connect(self.print_forms)
        self.control_wave_spin = QSpinBox()
        self.control_wave_spin.setRange(1, 1)
        self.control_wave_spin.setAccessibleName(_("Wave of the control-sample form"))
        self.control_button = QPushButton(_("Key a control-sample form"))
        self.control_button.setToolTip(_("A questionnaire from someone who did not "
                                         "deliberate: kept apart, compared unpaired."))
        self.control_button.clicked.connect(self.start_control)
        paper.addLayout(flow_row(QLabel(_("Packets to print:")), self.forms_spin,
                                 self.print_forms_button, QLabel(_("Control sample, wave:")),
                                 self.control_wave_spin, self.control_button))
        scan_row = QHBoxLayout()
        self.scan_edit = QLineEdit()
        self.scan_edit.setObjectName("scanField")
        self.scan_edit.setClearButtonEnabled(True)
        self.scan_edit.setAccessibleName(_("Scan a questionnaire page"))
        self.scan_edit.returnPressed.connect(self.scan)
        scan_row.addWidget(self.scan_edit, 1)
        self.correct_box = QCheckBox(_("Correct a page keyed already"))
        scan_row.addWidget(self.correct_box)
        paper.addLayout(scan_row)
        self.keyer = FormKeyer()
        self.keyer.save_requested.connect(self.save_keyed)
        self.keyer.cancelled.connect(self.put_aside)
        self.keyer.scan_started.connect(self._on_keyer_scan_started)
        paper.addWidget(self.keyer, 1)
        self.reconcile_label = QLabel()
        self.reconcile_label.setObjectName("reconciliation")
        self.reconcile_label.setWordWrap(True)
        self.reconcile_label.setAccessibleName(_("Paper forms printed against pages keyed"))
        paper.addWidget(self.reconcile_label)
        return tab

    # -- the page's contract --------------------------------------------------------------------

    def relevant(self, changes: Changes) -> bool:
        return changes.polls or changes.participants

    def refresh(self) -> None:
        polls = queries.polls(self.store)
        chosen = self.poll_id
        self.poll_combo.blockSignals(True)
        self.poll_combo.clear()
        for poll in polls:
            self.poll_combo.addItem(f"{poll.id}. {poll.title}", poll.id)
        if polls:
            index = self.poll_combo.findData(chosen) if chosen is not None else -1
            self.poll_combo.setCurrentIndex(index if index >= 0 else len(polls) - 1)
        self.poll_combo.blockSignals(False)
        self._fill()

    # -- reading ----------------------------------------------------------------------------------

    @property
    def poll_id(self) -> int | None:
        data = self.poll_combo.currentData()
        return int(data) if data is not None else None

    def _poll(self) -> Poll | None:
        return queries.poll(self.store, self.poll_id) if self.poll_id is not None else None

    def _on_poll_combo_changed(self, _index: int) -> None:
        if self.keyer.loaded:  # another poll chosen: the page open is not this poll's
            self.put_aside()
        self._fill()

    def _fill(self) -> None:
        poll = self._poll()
        self.analysis = None
        self.table.setRowCount(0)
        for button in (self.open_button, self.close_wave_button, self.close_poll_button,
                       self.pdf_button, self.csv_button, self.json_button,
                       self.project_button):
            button.setEnabled(poll is not None)
        self._fill_paper(poll)
        if poll is None:
            self.status_label.setText(_("No poll yet: create one from a questionnaire file."))
            self.legend_label.clear()
            self.control_label.clear()
            return
        wave_open = queries.wave_open(self.store, poll.id)
        counts = queries.counts(self.store, poll.id)
        answered = ", ".join(
            _("{wave}: {n}").format(wave=poll.questionnaire.wave_name(w),
                                    n=counts.get(("panel", w), 0))
            for w in range(1, poll.questionnaire.waves + 1))
        if poll.status == DRAFT:
            state = _("Not started.")
        elif poll.status == CLOSED:
            state = _("Closed: the pairing key is destroyed.")
        elif wave_open:
            state = _("Wave {n} ({name}) is open on phones.").format(
                n=poll.wave, name=poll.questionnaire.wave_name(poll.wave))
        else:
            state = _("Wave {n} is closed.").format(n=poll.wave)
        self.status_label.setText(_("{state} Answers — {answered}.").format(
            state=state, answered=answered))
        self.open_button.setEnabled(poll.status != CLOSED and not wave_open
                                    and poll.wave < poll.questionnaire.waves)
        self.close_wave_button.setEnabled(wave_open)
        self.close_poll_button.setEnabled(poll.status != CLOSED and poll.status != DRAFT)
        self._fill_reveal(poll)
        try:
            self.analysis = queries.analysis(
                self.store, poll.id, correction=str(self.correction_combo.currentData()),
                main_test=str(self.test_combo.currentData()))
        except PollError as exc:
            self.legend_label.setText(exc.message)
            return
        self.legend_label.setText(legend(self.analysis))
        self.control_label.setText(control_text(self.analysis))
        rows = [r for _index, table in self.analysis.tables() for r in table]
        self.table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            dist = ["—" if not row.n else " / ".join(f"{v:.0f}" for v in d)
                    for d in (row.dist_before, row.dist_after)]
            dk = ["—" if v is None else f"{v:.0f}%" for v in (row.dk_before, row.dk_after)]
            label = row.variable.label if row.variable.index is not None else \
                "    " + row.variable.label
            cells = [label, str(row.n), figure_text(row, row.before),
                     figure_text(row, row.after), change_text(row), *dist, *dk]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setToolTip(row.variable.label)
                if row.reason and column == 4:
                    item.setToolTip(row.reason)
                if row.variable.index is not None:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(n, column, item)
        self.table.resizeRowsToContents()

    def _fill_paper(self, poll: Poll | None) -> None:
        is_open = poll is not None and poll.status == OPEN
        self.print_forms_button.setEnabled(poll is not None and poll.status != CLOSED
                                           and not self.printing)
        self.scan_edit.setEnabled(is_open)
        if poll is not None and poll.status == CLOSED:
            hint = _("The poll is closed: no more answers are keyed.")
        elif not is_open:
            hint = _("Open the first wave, then scan the pages handed back here.")
        else:
            hint = _("Scan a page's QR code (or type it) and press Enter")
        self.scan_edit.setPlaceholderText(hint)
        self.control_button.setEnabled(is_open)
        self.control_wave_spin.setEnabled(is_open)
        if poll is not None:
            self.control_wave_spin.setRange(1, max(1, poll.wave))
            if not self.control_wave_spin.hasFocus():
                self.control_wave_spin.setValue(max(1, poll.wave))
        if poll is None or not queries.paper_forms(self.store, poll.id):
            self.reconcile_label.setText(_("No paper forms printed for this poll."))
            return
        self.reconcile_label.setText("\n".join(
            line.strip() for line in queries.reconcile_forms(self.store, poll.id).lines(pretty)))

    def _fill_reveal(self, poll: Poll) -> None:
        chosen = self.reveal_combo.currentData()
        self.reveal_combo.blockSignals(True)
        self.reveal_combo.clear()
        self.reveal_combo.addItem(_("the indices only"), "indices")
        self.reveal_combo.addItem(_("every row"), "all")
        for index in poll.questionnaire.indices:
            self.reveal_combo.addItem(_("“{title}” and its items").format(title=index.title),
                                      index.key)
        found = self.reveal_combo.findData(chosen)
        self.reveal_combo.setCurrentIndex(max(found, 0))
        self.reveal_combo.blockSignals(False)

    # -- commands -----------------------------------------------------------------------------

    def new_poll(self) -> None:
        path = self.open_chooser(self, _("Questionnaire definition"))
        if path is None:
            return
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.refuse(_("Could not read {path}: {error}").format(path=path, error=exc))
            return
        made = self.run(lambda: ops.create_poll(self.store, from_json(text), actor=self.actor),
                        _("Poll created."))
        if made is not None:
            self.poll_combo.setCurrentIndex(self.poll_combo.findData(made.poll_id))

    def open_wave(self) -> None:
        poll_id = self.poll_id
        if poll_id is not None:
            self.run(lambda: ops.open_wave(self.store, poll_id, actor=self.actor),
                     _("The wave is open on phones."))

    def close_wave(self) -> None:
        poll_id = self.poll_id
        if poll_id is not None:
            self.run(lambda: ops.close_wave(self.store, poll_id, actor=self.actor))

    def close_poll(self) -> None:
        poll_id = self.poll_id
        if poll_id is None or not self.confirm(_(
                "Close this poll for good? Its pairing key is destroyed: the answers stay "
                "paired for the results, but nobody can ever tell whose they are, and no "
                "more answers are taken.")):
            return
        self.run(lambda: ops.close_poll(self.store, poll_id, actor=self.actor),
                 _("The poll is closed."))

    def project(self) -> None:
        poll_id = self.poll_id
        show = str(self.reveal_combo.currentData())
        if poll_id is not None:
            self.run(lambda: ops.project(self.store, poll_id, show, actor=self.actor))

    def unproject(self) -> None:
        self.run(lambda: ops.project(self.store, None, actor=self.actor))

    def print_report(self) -> Path | None:
        analysis = self.analysis
        if analysis is None:
            return None
        path = self.save_chooser(self, _("Print the poll report"), "poll-report.pdf")
        return save_export(self.banner, path, lambda p: write_poll_report(
            p, self.store.name, analysis, printed_at=self._now()))

    def export_csv(self) -> Path | None:
        analysis, poll_id = self.analysis, self.poll_id
        if analysis is None or poll_id is None:
            return None
        responses = queries.responses(self.store, poll_id)
        path = self.save_chooser(self, _("Export the paired answers"), "poll-pairs.csv")
        return save_export(self.banner, path, lambda p: p.write_text(
            pairs_csv(analysis.questionnaire, responses, analysis.before_wave,
                      analysis.after_wave), encoding="utf-8"))

    def export_json(self) -> Path | None:
        analysis, poll_id = self.analysis, self.poll_id
        if analysis is None or poll_id is None:
            return None
        responses = queries.responses(self.store, poll_id)
        path = self.save_chooser(self, _("Export the poll"), "poll.json")
        return save_export(self.banner, path, lambda p: p.write_text(
            poll_json(analysis, responses), encoding="utf-8"))

    # -- paper forms ----------------------------------------------------------------------------

    def print_forms(self) -> Path | None:
        """New packet codes, then their PDF written off the GUI thread; the banner says
        when it is ready. The path chosen, or None."""
        poll = self._poll()
        if poll is None or self.printing:
            return None
        path = self.save_chooser(self, _("Print paper forms"), "poll-forms.pdf")
        if path is None:
            return None
        count = self.forms_spin.value()
        printed = self.run(lambda: ops.print_forms(self.store, poll.id, count, actor=self.actor))
        if printed is None:
            return None
        name, codes = self.store.name, printed.codes
        self.printing = True
        self.print_forms_button.setEnabled(False)
        self.banner.show_message(_("Writing {n} paper packets…").format(n=len(codes)), "info")
        self.tasks.run(lambda: write_paper_forms(path, name, poll.id, poll.questionnaire, codes),
                       lambda written: self._on_forms_written(written, len(codes)),
                       self._on_forms_failed)
        return path

    def _on_forms_written(self, path: Path, count: int) -> None:
        self.printing = False
        self._fill_paper(self._poll())
        self.banner.show_message(_("✓ {n} paper packets written to {path}. Print them; scan "
                                   "each page handed back here.").format(n=count, path=path),
                                 "ok")

    def _on_forms_failed(self, exc: Exception) -> None:
        self.printing = False
        self._fill_paper(self._poll())
        error = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        self.banner.show_message(_("The paper forms could not be written: {error}. Their "
                                   "codes are kept: print again for new ones.").format(
            error=error), "error")

    def focus_scan_field(self) -> None:
        self.scan_edit.setFocus()
        self.scan_edit.selectAll()

    def scan(self) -> None:
        """A page's code scanned: its items appear in the keyer (or the refusal)."""
        poll_id, text = self.poll_id, self.scan_edit.text().strip()
        if poll_id is None or not text:
            return
        try:
            scanned = queries.form_page(self.store, poll_id, text,
                                        replace=self.correct_box.isChecked())
        except PollError as exc:
            self.refuse(exc.message)
            self.scan_edit.selectAll()
            return
        self.scan_edit.clear()
        self.scanned, self.control_wave = scanned, None
        page = scanned.page
        layout = form_pages(scanned.poll.questionnaire, page.wave)
        first = sum(len(p) for p in layout[:page.page - 1]) + 1
        header = _("Form {code}, wave {w} ({name}), page {p} of {n}").format(
            code=pretty(page.code), w=page.wave,
            name=scanned.poll.questionnaire.wave_name(page.wave), p=page.page, n=page.pages)
        if scanned.keyed is not None:
            header += " — " + _("correction: the answers keyed before are shown")
        self.keyer.load(header, scanned.items, range(first, first + len(scanned.items)),
                        scanned.keyed)
        self.keyer.setFocus()

    def start_control(self) -> None:
        """Key one control-sample questionnaire (every item of the chosen wave)."""
        poll = self._poll()
        if poll is None:
            return
        wave = self.control_wave_spin.value()
        items = poll.questionnaire.items_in(wave)
        self.scanned, self.control_wave = None, wave
        self.keyer.load(_("Control sample, wave {w} ({name}): a questionnaire from someone "
                          "who did not deliberate").format(
            w=wave, name=poll.questionnaire.wave_name(wave)), items,
            range(1, len(items) + 1))
        self.keyer.setFocus()

    def save_keyed(self) -> None:
        poll_id, scanned, wave = self.poll_id, self.scanned, self.control_wave
        if poll_id is None or (scanned is None and wave is None):
            return
        try:
            answers = self.keyer.answers()
        except PollError as exc:
            self.refuse(exc.message)
            return
        if scanned is not None:
            page = scanned.page
            qr = form_qr(page.poll_id, page.wave, page.page, page.pages, page.code)
            done = self.run(lambda: ops.key_form_page(
                self.store, poll_id, qr, answers, replace=scanned.keyed is not None,
                actor=self.actor), _("✓ Page {p} of form {code} (wave {w}) keyed.").format(
                p=page.page, code=pretty(page.code), w=page.wave))
        else:
            assert wave is not None
            done = self.run(lambda: ops.key_control(self.store, poll_id, wave, answers,
                                                    actor=self.actor),
                            _("✓ Control-sample form keyed (wave {w}).").format(w=wave))
        if done is None:
            return
        self.scanned, self.control_wave = None, None
        self.keyer.clear()
        self.correct_box.setChecked(False)
        self.focus_scan_field()

    def put_aside(self) -> None:
        if self.keyer.loaded:
            self.banner.show_message(_("Put aside, not saved."), "info", seconds=6)
        self.scanned, self.control_wave = None, None
        self.keyer.clear()
        self.focus_scan_field()

    def _on_keyer_scan_started(self, text: str) -> None:
        if self.scanned is not None or self.control_wave is not None:
            self.refuse(_("The page being keyed was NOT saved: a new code was scanned before "
                          "Enter. Key it again after this one."))
        self.scanned, self.control_wave = None, None
        self.keyer.clear()
        self.scan_edit.setFocus()
        self.scan_edit.setText(text)

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, _("Close the poll"), text)
        return answer == QMessageBox.StandardButton.Yes


class WrappingTable(QTableWidget):
    """The items' words wrap in the room the figures' columns leave them (they were cut to
    '…' on a laptop): each row as tall as its lines, again whenever a column's width changes
    (the stretched column does so without a signal when the table is resized)."""

    def __init__(self, rows: int, columns: int, parent: QWidget | None = None) -> None:
        super().__init__(rows, columns, parent)
        self.setWordWrap(True)
        self._rows_timer = QTimer(self)
        self._rows_timer.setSingleShot(True)
        self._rows_timer.setInterval(0)  # once the columns have their new widths
        self._rows_timer.timeout.connect(self.resizeRowsToContents)
        self.horizontalHeader().sectionResized.connect(lambda *_args: self._rows_timer.start())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rows_timer.start()


def labelled(text: str, field: QWidget) -> QWidget:
    """``text`` and ``field`` side by side, kept together on one line of a flow row."""
    pair = QWidget()
    row = QHBoxLayout(pair)
    row.setContentsMargins(0, 0, 0, 0)
    label = QLabel(text)
    label.setBuddy(field)
    row.addWidget(label)
    row.addWidget(field)
    return pair


def control_text(analysis: Analysis) -> str:
    """The unpaired comparison with the control sample, for the indices (the printed report
    has every row): panel against control, the difference with its stars (Welch)."""
    rows = [c for c in analysis.control if c.panel is not None and c.control is not None]
    rows = [c for c in rows if c.variable.index is not None] or rows
    if not rows:
        return ""
    sizes = {(c.n_panel, c.n_control) for c in rows}
    one_size = len(sizes) == 1
    parts = []
    for c in rows:
        figures = _("{panel} against {control}, {difference}").format(
            panel=fmt(c.panel), control=fmt(c.control),
            difference=fmt_change(c.difference) + stars(p_of(c.test)))
        if not one_size:
            figures += " " + _("(n = {n} and {m})").format(n=c.n_panel, m=c.n_control)
        parts.append(f"{c.variable.label} {figures}")
    head = _("Against the control sample (wave {w}, unpaired, Welch's t-test)").format(
        w=analysis.after_wave)
    if one_size:
        n, m = next(iter(sizes))
        head += " " + _("— panel n = {n}, control n = {m}").format(n=n, m=m)
    return head + ": " + "; ".join(parts) + "."
