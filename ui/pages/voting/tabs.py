"""The Voting page's side tabs: recent entries, the adjudication list, the reconciliation.

Each tab only shows what it is given (:meth:`show`) and tells the page what is selected;
the page reads the event and runs the ops.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.ballots import (
    DECISION,
    FIRST,
    SECOND,
    BallotRound,
    Entry,
    Mismatch,
    Reconciliation,
    describe,
    pretty,
)
from facilitator.i18n import _

ROW_KEY = Qt.ItemDataRole.UserRole + 20
"""The entry id (recent entries) or the paper code (adjudication) of a row."""


def _table(headings: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setHorizontalHeaderLabels(headings)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], keys: Sequence[object]) -> None:
    """Fill a table in one go (measuring columns once, not at every cell)."""
    table.setUpdatesEnabled(False)
    try:
        table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setData(ROW_KEY, keys[r])
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
    finally:
        table.setUpdatesEnabled(True)


def _key(table: QTableWidget, row: int) -> object:
    item = table.item(row, 0) if row >= 0 else None
    return item.data(ROW_KEY) if item is not None else None


class RecentTab(QWidget):
    """The last entries of the round, newest first; the selected one can be undone."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = _table([_("Time"), _("Paper"), _("No."), _("Keying"), _("Operator"),
                             _("Marks")])
        self.undo_button = QPushButton(_("&Undo entry (Ctrl+U)"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.undo_button)

    def show_entries(self, ballot_round: BallotRound | None, shown: Sequence[Entry]) -> None:
        names = {FIRST: _("first"), SECOND: _("second"), DECISION: _("adjudication")}
        cells = []
        for entry in shown:
            if entry.spoiled or ballot_round is None:
                marks = _("spoiled")
            else:
                marks = " | ".join(describe(q, a) for q, a in
                                   zip(ballot_round.questions, entry.answers, strict=True))
            cells.append([entry.entered_at.astimezone().strftime("%H:%M:%S"),
                          pretty(entry.code), str(entry.serial), names[entry.pass_],
                          entry.operator, marks])
        _fill(self.table, cells, [e.id for e in shown])

    def selected_entry_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        value = _key(self.table, rows[0].row()) if rows else None
        return value if isinstance(value, int) else None


class AdjudicationTab(QWidget):
    """Papers whose two keyings differ, difference by difference, and the three decisions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.table = _table([_("Paper"), _("No."), _("Question"), _("First keying"),
                             _("Second keying")])
        self.keep_first_button = QPushButton(_("Keep &first"))
        self.keep_second_button = QPushButton(_("Keep &second"))
        self.decide_button = QPushButton(_("&Key from the paper"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        for button in (self.keep_first_button, self.keep_second_button, self.decide_button):
            row.addWidget(button)
        layout.addLayout(row)

    def show_mismatches(self, found: Sequence[Mismatch]) -> None:
        rows: list[list[str]] = []
        keys: list[object] = []
        for m in found:
            for d in m.differences:
                question = _("spoiled?") if d.question is None else str(d.question + 1)
                rows.append([m.pretty, str(m.serial), question, d.first, d.second])
                keys.append(m.code)
        _fill(self.table, rows, keys)
        self.label.setText(
            _("Papers whose two keyings differ. Find the paper, look at it, and keep the right "
              "keying, or key it from the paper.") if found else
            _("No paper waits for adjudication."))
        for button in (self.keep_first_button, self.keep_second_button, self.decide_button):
            button.setEnabled(bool(found))

    def selected_code(self) -> str | None:
        """The selected paper's code (the first listed when nothing is selected)."""
        rows = self.table.selectionModel().selectedRows()
        value = _key(self.table, rows[0].row() if rows else (0 if self.table.rowCount() else -1))
        return str(value) if value else None


class ReconciliationTab(QWidget):
    """The round's figures, the counts made by hand, what does not add up; close, reopen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figures_form = QFormLayout()
        self.issued_spin = self._count_spin(_("Papers handed out"))
        self.returned_spin = self._count_spin(_("Papers returned"))
        self.save_counts_button = QPushButton(_("Save &counts"))
        self.problems_label = QLabel()
        self.problems_label.setObjectName("discrepancies")
        self.problems_label.setWordWrap(True)
        self.close_button = QPushButton(_("C&lose round…"))
        self.reopen_button = QPushButton(_("Re&open round…"))
        counts = QFormLayout()
        counts.addRow(_("Papers &handed out:"), self.issued_spin)
        counts.addRow(_("Papers re&turned (box + spoiled at the desk):"), self.returned_spin)
        layout = QVBoxLayout(self)
        layout.addLayout(self.figures_form)
        layout.addLayout(counts)
        layout.addWidget(self.save_counts_button)
        layout.addWidget(self.problems_label)
        row = QHBoxLayout()
        row.addWidget(self.close_button)
        row.addWidget(self.reopen_button)
        layout.addLayout(row)
        layout.addStretch(1)

    @staticmethod
    def _count_spin(name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(-1, 1_000_000)
        spin.setSpecialValueText(_("not counted"))
        spin.setAccessibleName(name)
        return spin

    def counts(self) -> tuple[int | None, int | None]:
        """The papers handed out and returned as typed (None: not counted)."""
        issued, returned = self.issued_spin.value(), self.returned_spin.value()
        return (None if issued < 0 else issued), (None if returned < 0 else returned)

    def show_figures(self, ballot_round: BallotRound | None,
                     figures: Reconciliation | None) -> None:
        while self.figures_form.rowCount():
            self.figures_form.removeRow(0)
        if ballot_round is None or figures is None:
            self.problems_label.setText("")
            return
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
