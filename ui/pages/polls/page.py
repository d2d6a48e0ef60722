"""The Polls page: define a deliberative poll, run its waves, read and print its results.

A poll is defined from a questionnaire file (JSON, the format of
:func:`facilitator.polls.model.to_json`); its waves are opened and closed here, answers come
from phones (and the control sample from the keying desk); the table shows the analysis the
printed report shows, and the desk chooses what the projector reveals.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.changes import Changes
from facilitator.i18n import N_, _
from facilitator.polls import ops, queries
from facilitator.polls.analysis import Analysis, change_text, figure_text
from facilitator.polls.export import pairs_csv, poll_json
from facilitator.polls.model import CLOSED, DRAFT, Poll, PollError, from_json
from facilitator.reports.polls import legend, write_poll_report
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.flow import flow_row
from ui.pages.base import Page
from ui.pages.common import SaveChooser, choose_save_path, save_export

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
                 now: Callable[[], datetime] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(store, bus, parent=parent)
        self._now = now or store.clock.now
        self.save_chooser: SaveChooser = choose_save_path
        self.open_chooser: OpenChooser = choose_open_path
        self.confirm: Callable[[str], bool] = self._confirm
        self.analysis: Analysis | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Poll:")))
        self.poll_combo = QComboBox()
        self.poll_combo.setAccessibleName(_("Poll"))
        self.poll_combo.currentIndexChanged.connect(self._on_poll_combo_changed)
        top.addWidget(self.poll_combo, 1)
        self.new_button = QPushButton(_("New poll from a questionnaire file…"))
        self.new_button.clicked.connect(self.new_poll)
        top.addWidget(self.new_button)
        layout.addLayout(top)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        waves = QHBoxLayout()
        self.open_button = QPushButton(_("Open the next wave"))
        self.open_button.clicked.connect(self.open_wave)
        self.close_wave_button = QPushButton(_("Close the wave"))
        self.close_wave_button.clicked.connect(self.close_wave)
        self.close_poll_button = QPushButton(_("Close the poll…"))
        self.close_poll_button.setToolTip(_("Destroys the key that pairs a badge with its "
                                            "answers: nobody can read a person's answers "
                                            "afterwards, and no more answers are taken."))
        self.close_poll_button.clicked.connect(self.close_poll)
        for button in (self.open_button, self.close_wave_button, self.close_poll_button):
            waves.addWidget(button)
        waves.addStretch(1)
        waves.addWidget(QLabel(_("Test:")))
        self.test_combo = QComboBox()
        self.test_combo.setAccessibleName(_("Paired test"))
        self.test_combo.addItem(_("paired t-test"), "t")
        self.test_combo.addItem(_("Wilcoxon signed-rank"), "wilcoxon")
        self.test_combo.currentIndexChanged.connect(self.refresh)
        waves.addWidget(self.test_combo)
        waves.addWidget(QLabel(_("Correction:")))
        self.correction_combo = QComboBox()
        self.correction_combo.setAccessibleName(_("Multiple-comparison correction"))
        self.correction_combo.addItem(_("none"), "none")
        self.correction_combo.addItem(_("Holm"), "holm")
        self.correction_combo.addItem(_("Benjamini–Hochberg"), "bh")
        self.correction_combo.currentIndexChanged.connect(self.refresh)
        waves.addWidget(self.correction_combo)
        layout.addLayout(waves)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName(_("Results before and after"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.legend_label = QLabel()
        self.legend_label.setWordWrap(True)
        self.legend_label.setMinimumHeight(self.legend_label.fontMetrics().lineSpacing() * 3)
        layout.addWidget(self.legend_label)

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
        layout.addLayout(flow_row(self.pdf_button, self.csv_button, self.json_button,
                                  QLabel(_("Projector shows:")), self.reveal_combo,
                                  self.project_button, self.unproject_button))
        self.refresh()

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
        self._fill()

    def _fill(self) -> None:
        poll = self._poll()
        self.analysis = None
        self.table.setRowCount(0)
        for button in (self.open_button, self.close_wave_button, self.close_poll_button,
                       self.pdf_button, self.csv_button, self.json_button,
                       self.project_button):
            button.setEnabled(poll is not None)
        if poll is None:
            self.status_label.setText(_("No poll yet: create one from a questionnaire file."))
            self.legend_label.clear()
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
                if row.reason and column == 4:
                    item.setToolTip(row.reason)
                if row.variable.index is not None:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(n, column, item)

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

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, _("Close the poll"), text)
        return answer == QMessageBox.StandardButton.Yes
