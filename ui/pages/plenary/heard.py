"""The "who is heard" panel of the Plenary page: speaking time by group, who is not heard yet."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.i18n import _
from facilitator.timing.countdown import format_mmss
from facilitator.timing.stats import SpeakingStats
from ui.flow import flow_row
from ui.widgets import narrow_combo

SILENT_NAMES_SHOWN = 12


class HeardBox(QGroupBox):
    """Shows the figures; the page reads the choices and connects the buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Who is heard"), parent)
        self.scope_combo = QComboBox()
        self.scope_combo.addItem(_("This session"), "session")
        self.scope_combo.addItem(_("Whole event"), "event")
        self.scope_combo.setAccessibleName(_("Figures for"))
        narrow_combo(self.scope_combo, 8)  # beside the groups' combo in Welsh too
        self.attribute_combo = QComboBox()
        self.attribute_combo.setAccessibleName(_("Groups by"))
        narrow_combo(self.attribute_combo)  # a long column name does not widen the page
        self.groups_table = QTableWidget(0, 4)
        self.groups_table.setHorizontalHeaderLabels(
            [_("Group"), _("Present"), _("Speaking time"), _("Turns")])
        self.groups_table.verticalHeader().setVisible(False)
        self.groups_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.groups_table.horizontalHeader()
        # Every column as wide as its figures, the group's names whole (a stretched name
        # column was what the figures left: '…' on a laptop); the table scrolls sideways.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.silent_label = QLabel()
        self.silent_label.setWordWrap(True)
        self.balance_box = QCheckBox(_("Show the balance on the projector"))
        self.csv_button = QPushButton(_("Export CSV…"))
        self.pdf_button = QPushButton(_("Print report (PDF)…"))
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.scope_combo)
        row.addWidget(self.attribute_combo)
        layout.addLayout(row)
        layout.addWidget(self.groups_table, 1)
        layout.addWidget(self.silent_label)
        layout.addWidget(self.balance_box)
        layout.addLayout(flow_row(self.csv_button, self.pdf_button))  # wraps if long

    @property
    def whole_event(self) -> bool:
        return self.scope_combo.currentData() == "event"

    @property
    def attribute(self) -> str | None:
        value = self.attribute_combo.currentData()
        return str(value) if value else None

    def show_stats(self, stats: SpeakingStats) -> None:
        self.groups_table.setRowCount(len(stats.groups))
        for row, g in enumerate(stats.groups):
            values = [g.value, f"{g.present_share:.0%} ({g.present})",
                      f"{g.time_share:.0%} ({format_mmss(int(g.seconds))})",
                      f"{g.turn_share:.0%} ({g.turns})"]
            for column, value in enumerate(values):
                self.groups_table.setItem(row, column, QTableWidgetItem(value))
        silent = stats.not_yet_spoken
        names = ", ".join(p.name for p in silent[:SILENT_NAMES_SHOWN])
        more = len(silent) - SILENT_NAMES_SHOWN
        self.silent_label.setText(
            _("Present, not yet heard ({n}): {names}").format(
                n=len(silent), names=names + (f" … +{more}" if more > 0 else ""))
            if silent else _("Everyone present has spoken."))
