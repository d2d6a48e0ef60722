"""The "Next plan" box of the Tables page: who to seat, rounds, table size, seed, the choice
between new faces and balance, the search time, the columns to mirror, the constraints
summary, Allocate, and the search's progress (the best figures so far) with its Cancel."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.i18n import _, ngettext
from facilitator.tables.plans import (
    MAX_ROUNDS,
    TRADEOFF_CHOICES,
    TRADEOFF_HELP,
    AttributeChoice,
    SeatingRules,
    TableSettings,
)
from facilitator.tables.search import Progress

SEARCH_SECONDS = (10, 30, 60, 120, 300)
"""The search times offered beside the standard search."""


class SettingsForm(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Next plan"), parent)
        self.scope_combo = QComboBox()
        self.scope_combo.addItem(_("Checked-in participants"), "checked_in")
        self.scope_combo.addItem(_("Everyone on the list (not no-shows)"), "all")
        self.scope_combo.setAccessibleName(_("Who to seat"))
        self.rounds_spin = QSpinBox()
        self.rounds_spin.setRange(1, MAX_ROUNDS)
        self.rounds_spin.setAccessibleName(_("Rounds"))
        self.size_mode = QComboBox()
        self.size_mode.addItem(_("People per table"), "size")
        self.size_mode.addItem(_("Number of tables"), "count")
        self.size_mode.setAccessibleName(_("Size tables by"))
        self.size_spin = QSpinBox()
        self.size_spin.setRange(1, 1000)
        self.size_spin.setAccessibleName(_("Table size or number of tables"))
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 999_999)
        self.seed_spin.setAccessibleName(_("Seed"))
        self.seed_spin.setToolTip(_("The same seed and settings give the same plan."))
        self.tradeoff_combo = QComboBox()
        for key, text in TRADEOFF_CHOICES.items():
            self.tradeoff_combo.addItem(_(text), key)
            self.tradeoff_combo.setItemData(self.tradeoff_combo.count() - 1,
                                            _(TRADEOFF_HELP[key]), Qt.ItemDataRole.ToolTipRole)
        self.tradeoff_combo.setAccessibleName(_("New faces or balance"))
        self.tradeoff_combo.setToolTip(_("From \"never meet twice\" (new faces at every "
                                         "round) to \"best balance\" (every table mirrors "
                                         "the room)."))
        self.seconds_combo = QComboBox()
        self.seconds_combo.addItem(_("Standard search"), None)
        for seconds in SEARCH_SECONDS:
            self.seconds_combo.addItem(
                ngettext("Up to {n} second", "Up to {n} seconds", seconds).format(n=seconds)
                if seconds < 60 else
                ngettext("Up to {n} minute", "Up to {n} minutes", seconds // 60).format(
                    n=seconds // 60), float(seconds))
        self.seconds_combo.setAccessibleName(_("Search time"))
        self.seconds_combo.setToolTip(_("Searching longer never gives a worse plan than the "
                                        "standard search, and usually a better one. The "
                                        "standard search gives the same plan for the same "
                                        "seed on every computer."))
        self.columns_table = QTableWidget(0, 3)
        self.columns_table.setHorizontalHeaderLabels([_("Mirror the room on"), _("Weight"),
                                                      _("Bands")])
        self.columns_table.verticalHeader().setVisible(False)
        self.columns_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.columns_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.columns_table.setAccessibleName(_("Columns to mirror at every table"))
        self.constraints_label = QLabel()
        self.constraints_label.setWordWrap(True)
        self.constraints_button = QPushButton(_("&Constraints…"))
        self.allocate_button = QPushButton(_("&Allocate"))
        self.allocate_button.setObjectName("primary")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        self.progress_label.setVisible(False)
        self.cancel_button = QPushButton(_("Stop and keep the best so far"))
        self.cancel_button.setVisible(False)
        form = QFormLayout()
        form.addRow(_("&Seat:"), self.scope_combo)
        form.addRow(_("&Rounds:"), self.rounds_spin)
        size_row = QHBoxLayout()
        size_row.addWidget(self.size_mode, 1)
        size_row.addWidget(self.size_spin)
        size_label = QLabel(_("&Tables:"))
        size_label.setBuddy(self.size_mode)
        form.addRow(size_label, size_row)
        form.addRow(_("S&eed:"), self.seed_spin)
        form.addRow(_("&Priority:"), self.tradeoff_combo)
        form.addRow(_("Search &time:"), self.seconds_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.columns_table, 1)
        for widget in (self.constraints_label, self.constraints_button, self.allocate_button,
                       self.progress, self.progress_label, self.cancel_button):
            layout.addWidget(widget)

    def fill(self, settings: TableSettings, columns: list[str]) -> None:
        """Show the saved settings, with a row per column of the participant list."""
        self.scope_combo.setCurrentIndex(max(0, self.scope_combo.findData(settings.scope)))
        self.rounds_spin.setValue(settings.rounds)
        if settings.n_tables is not None:
            self.size_mode.setCurrentIndex(1)
            self.size_spin.setValue(settings.n_tables)
        else:
            self.size_mode.setCurrentIndex(0)
            self.size_spin.setValue(settings.table_size or 8)
        self.seed_spin.setValue(settings.seed)
        self.tradeoff_combo.setCurrentIndex(
            max(0, self.tradeoff_combo.findData(settings.tradeoff)))
        seconds = self.seconds_combo.findData(
            None if settings.search_seconds is None else float(settings.search_seconds))
        if seconds < 0 and settings.search_seconds is not None:
            self.seconds_combo.addItem(_("Up to {n} s").format(n=f"{settings.search_seconds:g}"),
                                       float(settings.search_seconds))
            seconds = self.seconds_combo.count() - 1
        self.seconds_combo.setCurrentIndex(max(0, seconds))
        chosen = {a.name: a for a in settings.attributes}
        self.columns_table.setRowCount(len(columns))
        for row, column in enumerate(columns):
            item = QTableWidgetItem(column)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if column in chosen
                               else Qt.CheckState.Unchecked)
            self.columns_table.setItem(row, 0, item)
            weight = QDoubleSpinBox()
            weight.setRange(0, 10)
            weight.setSingleStep(0.5)
            weight.setDecimals(1)
            weight.setValue(chosen[column].weight if column in chosen else 1.0)
            weight.setAccessibleName(_("Weight of {column}").format(column=column))
            self.columns_table.setCellWidget(row, 1, weight)
            bands = QSpinBox()
            bands.setRange(1, 12)
            bands.setSpecialValueText(_("values"))
            bins = chosen[column].bins if column in chosen else None
            bands.setValue(bins or 1)
            bands.setToolTip(_("For a numeric column such as age: cut it into this many "
                               "equally full bands."))
            bands.setAccessibleName(_("Bands of {column}").format(column=column))
            self.columns_table.setCellWidget(row, 2, bands)
        self.show_rules(settings.rules)

    def show_rules(self, rules: SeatingRules) -> None:
        parts = []
        for count, one, many in (
                (len(rules.pins), "{n} pin", "{n} pins"),
                (len(rules.apart), "{n} keep-apart pair", "{n} keep-apart pairs"),
                (len(rules.together), "{n} keep-together pair", "{n} keep-together pairs"),
                (len(rules.clusters), "{n} cluster", "{n} clusters"),
                (len(rules.closed), "{n} closed table", "{n} closed tables")):
            if count:
                parts.append(ngettext(one, many, count).format(n=count))
        self.constraints_label.setText(
            _("Constraints: {list}.").format(list=", ".join(parts)) if parts
            else _("No constraints: anyone may sit anywhere."))

    def settings(self, saved: TableSettings) -> TableSettings:
        """``saved`` with what the form says (the rules are edited elsewhere)."""
        attributes = []
        for row in range(self.columns_table.rowCount()):
            item = self.columns_table.item(row, 0)
            if item is None or item.checkState() != Qt.CheckState.Checked:
                continue
            weight = self.columns_table.cellWidget(row, 1)
            bands = self.columns_table.cellWidget(row, 2)
            assert isinstance(weight, QDoubleSpinBox) and isinstance(bands, QSpinBox)
            attributes.append(AttributeChoice(item.text(), weight.value(),
                                              bands.value() if bands.value() > 1 else None))
        by_size = self.size_mode.currentData() == "size"
        return replace(
            saved, rounds=self.rounds_spin.value(),
            table_size=self.size_spin.value() if by_size else None,
            n_tables=None if by_size else self.size_spin.value(),
            attributes=tuple(attributes), scope=str(self.scope_combo.currentData()),
            seed=self.seed_spin.value(), tradeoff=str(self.tradeoff_combo.currentData()),
            search_seconds=self.seconds_combo.currentData())

    def check_column(self, name: str, checked: bool = True) -> None:
        for row in range(self.columns_table.rowCount()):
            item = self.columns_table.item(row, 0)
            if item is not None and item.text() == name:
                item.setCheckState(Qt.CheckState.Checked if checked else
                                   Qt.CheckState.Unchecked)

    # -- a search running ----------------------------------------------------------------------

    def show_running(self, text: str | None) -> None:
        """``text`` says what is running; None: nothing is (hide the progress)."""
        running = text is not None
        if text is not None:
            self.progress.setValue(0)
            self.progress_label.setText(text)
        for widget in (self.progress, self.progress_label, self.cancel_button):
            widget.setVisible(running)

    def show_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress_label.setText(text)

    def show_search_progress(self, progress: Progress) -> None:
        """The bar, and the best plan's figures so far (they only ever get better)."""
        self.show_progress(progress.fraction, progress_text(progress))


def progress_text(progress: Progress) -> str:
    best = progress.best
    return _("Best so far: {repeats} pairs meet more than once; the tables differ from the "
             "room's mix by {l1:.3f} on average (mean L1).").format(
        repeats=best.repeat_pairs, l1=best.mean_l1)
