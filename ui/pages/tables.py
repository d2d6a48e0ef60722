"""The Tables page: settings and constraints, allocation off the GUI thread, a tab per round
with a card per table, drag-and-drop moves and swaps, locks, undo, re-balance, prints.

Allocation and re-balancing run on the task runner with a progress bar; Cancel keeps the
best plan found so far. Every hand edit is one command on the event file; the cards and the
quality panel refill from the file when the bus says tables changed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLayout,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _, ngettext
from facilitator.people import attribute_columns, list_participants
from facilitator.reports.tables import write_badges, write_sheets
from facilitator.store import EventStore
from facilitator.tables import Attribute, Person, Progress
from facilitator.tables import store as ts
from facilitator.tables.commands import plan_text
from facilitator.tables.compiled import encode
from facilitator.text import fold
from ui.bus import ChangeBus
from ui.feedback import FeedbackBanner
from ui.tables_cards import CARD_WIDTH, PALETTE, SeatInfo, SeatList, TableCard
from ui.tables_constraints import ConstraintsDialog
from ui.tasks import TaskRunner

SaveChooser = Callable[[QWidget, str, str], Path | None]


def choose_save_path(parent: QWidget, title: str, suggested: str) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested)
    return Path(path) if path else None


@dataclass
class _Edit:
    """One undoable step: what it was called, how to undo it and how to do it again."""

    text: str
    undo: Callable[[], Changes]
    redo: Callable[[], Changes]


class _ProgressRelay(QObject):
    """Lives on the GUI thread; the search's progress, emitted from the worker, queues here."""

    progressed = Signal(object)


class RoundView(QScrollArea):
    """One round: the table cards in a grid that re-flows with the width."""

    def __init__(self, round_: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.round = round_
        self.setWidgetResizable(True)
        self.inner = QWidget()
        self.inner.setObjectName("roundInner")
        self.grid = QGridLayout(self.inner)
        self.grid.setContentsMargins(8, 8, 8, 8)
        self.grid.setSpacing(10)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # The cards never shrink: the round scrolls instead.
        self.grid.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.setWidget(self.inner)
        self.cards: list[TableCard] = []
        self._columns = 0

    def set_tables(self, count: int) -> list[TableCard]:
        if len(self.cards) != count:
            for card in self.cards:
                self.grid.removeWidget(card)
                card.deleteLater()
            self.cards = [TableCard(self.round, t, self.inner) for t in range(count)]
            self._columns = 0
            self.reflow()
        return self.cards

    def reflow(self) -> None:
        columns = max(1, (self.viewport().width() - 16) // (CARD_WIDTH + 10))
        if columns == self._columns:
            return
        self._columns = columns
        for card in self.cards:
            self.grid.removeWidget(card)
        for i, card in enumerate(self.cards):
            self.grid.addWidget(card, i // columns, i % columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.reflow()


class TablesPage(QWidget):
    plan_saved = Signal(int)
    """Emitted with the new plan's id after an allocation or re-balance was stored."""

    def __init__(
        self,
        store: EventStore,
        bus: ChangeBus,
        tasks: TaskRunner,
        choose_save: SaveChooser = choose_save_path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = _("Tables")
        self._store = store
        self._bus = bus
        self._tasks = tasks
        self._choose_save = choose_save
        self._plan: ts.StoredPlan | None = None
        self._undo: list[_Edit] = []
        self._redo: list[_Edit] = []
        self._cancel = threading.Event()
        self._running: str | None = None
        self._dirty_rounds: set[int] = set()
        self._watching_window = False
        self._relay = _ProgressRelay(self)
        self._relay.progressed.connect(self._on_relay_progressed)
        self.last_moves_text = ""

        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        self.plan_label = QLabel()
        self.plan_label.setObjectName("summary")
        self.plan_label.setWordWrap(True)
        self.banner = FeedbackBanner(self)

        # -- settings (left) ---------------------------------------------------------------
        self.scope_combo = QComboBox()
        self.scope_combo.addItem(_("Checked-in participants"), "checked_in")
        self.scope_combo.addItem(_("Everyone on the list (not no-shows)"), "all")
        self.scope_combo.setAccessibleName(_("Who to seat"))
        self.rounds_spin = QSpinBox()
        self.rounds_spin.setRange(1, ts.MAX_ROUNDS)
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
        settings_box = QGroupBox(_("Next plan"))
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
        settings_layout = QVBoxLayout(settings_box)
        settings_layout.addLayout(form)
        settings_layout.addWidget(self.columns_table, 1)
        settings_layout.addWidget(self.constraints_label)
        settings_layout.addWidget(self.constraints_button)
        settings_layout.addWidget(self.allocate_button)
        settings_layout.addWidget(self.progress)
        settings_layout.addWidget(self.progress_label)
        settings_layout.addWidget(self.cancel_button)

        # -- the plan (centre) ---------------------------------------------------------------
        self.undo_button = QPushButton(_("Undo"))
        self.redo_button = QPushButton(_("Redo"))
        self.rebalance_round = QSpinBox()
        self.rebalance_round.setRange(1, 1)
        self.rebalance_round.setPrefix(_("from round "))
        self.rebalance_round.setAccessibleName(_("Re-balance from round"))
        self.rebalance_button = QPushButton(_("Re-&balance"))
        self.rebalance_button.setToolTip(_("Seat latecomers and fill the gaps leavers left in "
                                           "this round and the next, moving as few people as "
                                           "possible."))
        self.print_button = QToolButton()
        self.print_button.setText(_("&Print…"))
        self.print_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        print_menu = QMenu(self.print_button)
        self.print_actions = {
            "tables_round": print_menu.addAction(_("Table sheets, this round…")),
            "tables_all": print_menu.addAction(_("Table sheets, every round…")),
            "list": print_menu.addAction(_("Find-your-table list (entrance)…")),
            "room": print_menu.addAction(_("Room plan, every round…")),
            "badges": print_menu.addAction(_("Badges, A6…")),
            "labels": print_menu.addAction(_("Badge labels, A4 (8 a sheet)…")),
            "json": print_menu.addAction(_("Export PLAN.json…")),
        }
        for key, act in self.print_actions.items():
            act.triggered.connect(lambda checked=False, k=key: self.print_plan(k))
        self.print_button.setMenu(print_menu)
        self.drift_label = QLabel()
        self.drift_label.setWordWrap(True)
        self.drift_label.setObjectName("driftLabel")
        self.round_tabs = QTabWidget()
        self.round_tabs.setDocumentMode(True)
        self.round_tabs.currentChanged.connect(self._on_round_tabs_changed)
        self.empty_label = QLabel(_("No table plan yet. Check the settings on the left and "
                                    "press Allocate."))
        self.empty_label.setObjectName("placeholderText")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        plan_box = QWidget()
        plan_layout = QVBoxLayout(plan_box)
        plan_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        for widget in (self.undo_button, self.redo_button, self.rebalance_round,
                       self.rebalance_button, self.print_button):
            # Never squeeze a control below its natural width ("e-balanc", "n round 1").
            widget.setMinimumWidth(widget.sizeHint().width())
        for widget in (self.undo_button, self.redo_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.print_button)
        plan_layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.rebalance_round)
        row.addWidget(self.rebalance_button)
        row.addStretch(1)
        plan_layout.addLayout(row)
        plan_layout.addWidget(self.drift_label)
        plan_layout.addWidget(self.round_tabs, 1)
        plan_layout.addWidget(self.empty_label, 1)

        # -- quality (right) -----------------------------------------------------------------
        self.repeats_label = QLabel()
        self.repeats_label.setObjectName("qualityFigure")
        self.most_label = QLabel()
        self.l1_label = QLabel()
        self.l1_label.setWordWrap(True)
        self.by_attribute = QTableWidget(0, 2)
        self.by_attribute.setHorizontalHeaderLabels([_("Column"), _("Mean L1")])
        self.by_attribute.verticalHeader().setVisible(False)
        self.by_attribute.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.by_attribute.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.by_attribute.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.by_attribute.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.moves_label = QLabel()
        self.moves_label.setWordWrap(True)
        self.moves_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.legend_label = QLabel()
        self.legend_label.setWordWrap(True)
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        quality_box = QGroupBox(_("Quality"))
        quality_layout = QVBoxLayout(quality_box)
        quality_layout.addWidget(self.repeats_label)
        quality_layout.addWidget(self.most_label)
        quality_layout.addWidget(self.l1_label)
        quality_layout.addWidget(self.by_attribute, 1)
        quality_layout.addWidget(self.problems_label)
        quality_layout.addWidget(self.moves_label)
        legend_box = QGroupBox(_("Colour key"))
        legend_scroll = QScrollArea()
        legend_scroll.setWidgetResizable(True)
        legend_scroll.setWidget(self.legend_label)
        legend_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        legend_layout = QVBoxLayout(legend_box)
        legend_layout.addWidget(legend_scroll)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(quality_box, 3)
        right_layout.addWidget(legend_box, 2)

        splitter = QSplitter()
        splitter.addWidget(settings_box)
        splitter.addWidget(plan_box)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 760, 300])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(self.plan_label, 1)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)

        self.allocate_button.clicked.connect(self.allocate)
        self.cancel_button.clicked.connect(self.cancel)
        self.constraints_button.clicked.connect(self.edit_constraints)
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.rebalance_button.clicked.connect(self._on_rebalance_clicked)
        bus.changes_applied.connect(self._on_bus_changes_applied)
        self._make_actions()
        self._fill_settings()
        self.refresh()

    # -- keyboard ------------------------------------------------------------------------------

    def _make_actions(self) -> None:
        def action(text: str, keys: str | QKeySequence.StandardKey,
                   slot: Callable[[], object]) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.shortcuts = {
            "undo": action(_("Undo"), "Ctrl+Z", self.undo),
            "redo": action(_("Redo"), "Ctrl+Shift+Z", self.redo),
            "lock": action(_("Lock or unlock the selected person"), "Ctrl+L",
                           self.toggle_lock_selected),
            "move": action(_("Move the selected person to a table"), "Ctrl+M",
                           self.move_selected),
        }

    # -- reading the settings form ------------------------------------------------------------

    def _fill_settings(self) -> None:
        settings = ts.load_settings(self._store)
        self.scope_combo.setCurrentIndex(max(0, self.scope_combo.findData(settings.scope)))
        self.rounds_spin.setValue(settings.rounds)
        if settings.n_tables is not None:
            self.size_mode.setCurrentIndex(1)
            self.size_spin.setValue(settings.n_tables)
        else:
            self.size_mode.setCurrentIndex(0)
            self.size_spin.setValue(settings.table_size or 8)
        self.seed_spin.setValue(settings.seed)
        chosen = {a.name: a for a in settings.attributes}
        columns = attribute_columns(self._store)
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
        self._show_constraints(settings.rules)

    def _show_constraints(self, rules: ts.SeatingRules) -> None:
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

    def settings_from_form(self) -> ts.TableSettings:
        saved = ts.load_settings(self._store)
        attributes = []
        for row in range(self.columns_table.rowCount()):
            item = self.columns_table.item(row, 0)
            if item is None or item.checkState() != Qt.CheckState.Checked:
                continue
            weight = self.columns_table.cellWidget(row, 1)
            bands = self.columns_table.cellWidget(row, 2)
            assert isinstance(weight, QDoubleSpinBox) and isinstance(bands, QSpinBox)
            attributes.append(ts.AttributeChoice(item.text(), weight.value(),
                                                 bands.value() if bands.value() > 1 else None))
        by_size = self.size_mode.currentData() == "size"
        return replace(
            saved, rounds=self.rounds_spin.value(),
            table_size=self.size_spin.value() if by_size else None,
            n_tables=None if by_size else self.size_spin.value(),
            attributes=tuple(attributes), scope=str(self.scope_combo.currentData()),
            seed=self.seed_spin.value())

    def check_column(self, name: str, checked: bool = True) -> None:
        for row in range(self.columns_table.rowCount()):
            item = self.columns_table.item(row, 0)
            if item is not None and item.text() == name:
                item.setCheckState(Qt.CheckState.Checked if checked else
                                   Qt.CheckState.Unchecked)

    # -- commands ------------------------------------------------------------------------------

    def _run(self, command: Callable[[], Changes], success: str = "") -> bool:
        try:
            changes = command()
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return False
        self._bus.publish(changes)
        if success:
            self.banner.show_message(success, "ok", seconds=8)
        return True

    def _push(self, edit: _Edit) -> None:
        self._undo.append(edit)
        self._redo.clear()
        self._update_buttons()

    def undo(self) -> None:
        if not self._undo or self._running:
            return
        edit = self._undo.pop()
        if self._run(edit.undo, _("Undone: {what}").format(what=edit.text)):
            self._redo.append(edit)
        else:
            self._undo.clear()
        self._update_buttons()

    def redo(self) -> None:
        if not self._redo or self._running:
            return
        edit = self._redo.pop()
        if self._run(edit.redo, _("Done again: {what}").format(what=edit.text)):
            self._undo.append(edit)
        else:
            self._redo.clear()
        self._update_buttons()

    def _name(self, pid: int) -> str:
        for person in list_participants(self._store, include_removed=True):
            if person.id == pid:
                return person.name
        return str(pid)

    def drop_person(self, round_: int, participant_id: int, to_table: int,
                    onto: int | None = None) -> bool:
        """What a drop does: swap with ``onto`` when given, else move to ``to_table``."""
        plan = self._plan
        if plan is None or self._running:
            return False
        from_table = plan.table_of(participant_id, round_)
        if from_table is None:
            return False
        store, plan_id = self._store, plan.id
        name = self._name(participant_id)
        if onto is not None:
            other = self._name(onto)
            text = _("swap {a} and {b} in round {r}").format(a=name, b=other, r=round_ + 1)

            def swap() -> Changes:
                return ts.swap_people(store, plan_id, round_, participant_id, onto)

            if self._run(swap, _("Swapped {a} and {b}.").format(a=name, b=other)):
                self._push(_Edit(text, swap, swap))
                return True
            return False
        text = _("move {name} to table {t} in round {r}").format(
            name=name, t=to_table + 1, r=round_ + 1)

        def move() -> Changes:
            return ts.move_person(store, plan_id, round_, participant_id, to_table)

        def back() -> Changes:
            return ts.move_person(store, plan_id, round_, participant_id, from_table)

        if self._run(move, _("Moved {name} to table {t}.").format(name=name, t=to_table + 1)):
            self._push(_Edit(text, back, move))
            return True
        return False

    def set_locked(self, round_: int, participant_id: int, locked: bool) -> bool:
        plan = self._plan
        if plan is None:
            return False
        store, plan_id = self._store, plan.id
        name = self._name(participant_id)
        table = plan.table_of(participant_id, round_)

        def do() -> Changes:
            return ts.set_locked(store, plan_id, round_, participant_id, locked)

        def undo() -> Changes:
            return ts.set_locked(store, plan_id, round_, participant_id, not locked)

        message = (_("{name} is locked to table {t} in round {r}.") if locked else
                   _("{name} is no longer locked.")).format(
            name=name, t=(table or 0) + 1, r=round_ + 1)
        if self._run(do, message):
            self._push(_Edit((_("lock {name}") if locked else _("unlock {name}")).format(
                name=name), undo, do))
            return True
        return False

    def _selected(self) -> tuple[int, int] | None:
        view = self.round_tabs.currentWidget()
        if not isinstance(view, RoundView):
            return None
        for card in view.cards:
            pid = card.seats.current_participant()
            if pid is not None and card.seats.hasFocus():
                return view.round, pid
        for card in view.cards:
            pid = card.seats.current_participant()
            if pid is not None:
                return view.round, pid
        return None

    def toggle_lock_selected(self) -> None:
        chosen = self._selected()
        if chosen is None or self._plan is None:
            self.banner.show_message(_("Select a person on a table card first."), "info")
            return
        round_, pid = chosen
        self.set_locked(round_, pid, (round_, pid) not in self._plan.locked)

    def move_selected(self) -> None:
        chosen = self._selected()
        if chosen is None or self._plan is None:
            self.banner.show_message(_("Select a person on a table card first."), "info")
            return
        round_, pid = chosen
        table, ok = QInputDialog.getInt(
            self, _("Move to table"), _("Move {name} to table:").format(name=self._name(pid)),
            (self._plan.table_of(pid, round_) or 0) + 1, 1, self._plan.tables)
        if ok:
            self.drop_person(round_, pid, table - 1)

    def _on_seat_context(self, participant_id: int, table: int, where: QPoint) -> None:
        plan = self._plan
        view = self.round_tabs.currentWidget()
        if plan is None or not isinstance(view, RoundView):
            return
        round_ = view.round
        menu = QMenu(self)
        locked = (round_, participant_id) in plan.locked
        lock = menu.addAction(_("Unlock") if locked else
                              _("Lock to table {t} in this round").format(t=table + 1))
        lock.triggered.connect(lambda: self.set_locked(round_, participant_id, not locked))
        move_menu = menu.addMenu(_("Move to table"))
        closed = plan.closed(round_)
        for t in range(plan.tables):
            if t == table or t in closed:
                continue
            act = move_menu.addAction(_("Table {n}").format(n=t + 1))
            act.triggered.connect(lambda checked=False, t=t: self.drop_person(
                round_, participant_id, t))
        move_menu.setEnabled(not locked)
        menu.exec(where)
        menu.deleteLater()

    def edit_constraints(self) -> ts.SeatingRules | None:
        saved = ts.load_settings(self._store)
        people = list_participants(self._store)
        columns: dict[str, list[str]] = {}
        for column in attribute_columns(self._store):
            values = {p.attributes.get(column, "").strip() for p in people} - {""}
            columns[column] = sorted(values, key=fold)
        form = self.settings_from_form()
        tables = self._plan.tables if self._plan is not None else (
            form.n_tables or max(1, -(-len(ts.pool(self._store, form)) // (form.table_size or 8))))
        rules = ConstraintsDialog.ask(self, saved.rules, people, columns,
                                      max(form.rounds, saved.rounds), tables)
        if rules is None:
            return None
        self.save_rules(rules)
        return rules

    def save_rules(self, rules: ts.SeatingRules) -> bool:
        saved = ts.load_settings(self._store)
        store = self._store
        old_rules = saved.rules

        def do() -> Changes:
            return ts.save_settings(store, replace(ts.load_settings(store), rules=rules))

        def undo() -> Changes:
            return ts.save_settings(store, replace(ts.load_settings(store), rules=old_rules))

        if self._run(do, _("Constraints saved; they apply to the next allocation or "
                           "re-balance.")):
            self._push(_Edit(_("change the constraints"), undo, do))
            return True
        return False

    # -- allocating and re-balancing (off the GUI thread) --------------------------------------

    @property
    def busy(self) -> bool:
        return self._running is not None

    def allocate(self) -> bool:
        """Save the form's settings and start a search; False if refused or already busy."""
        if self._running:
            return False
        settings = self.settings_from_form()
        try:
            self._bus.publish(ts.save_settings(self._store, settings))
            job = ts.prepare_allocation(self._store, settings)
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return False
        self._start("allocate", _("Allocating {people} people to {tables} tables over {rounds} "
                                  "rounds…").format(people=len(job.problem.people),
                                                    tables=job.problem.tables,
                                                    rounds=job.problem.rounds))
        cancel, relay = self._cancel, self._relay
        self._tasks.run(
            lambda: ts.run_allocation(job, progress=relay.progressed.emit,
                                      cancel=cancel.is_set),
            lambda outcome: self._on_allocation_done(job, outcome),
            self._on_task_failed)
        return True

    def rebalance(self, from_round: int) -> bool:
        if self._running:
            return False
        try:
            job = ts.prepare_rebalance(self._store, from_round)
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return False
        self._start("rebalance", _("Re-balancing rounds {a} to {b}…").format(
            a=from_round + 1, b=job.problem.rounds))
        cancel, relay = self._cancel, self._relay
        self._tasks.run(
            lambda: ts.run_rebalance(job, progress=relay.progressed.emit, cancel=cancel.is_set),
            lambda outcome: self._on_rebalance_done(job, outcome),
            self._on_task_failed)
        return True

    def _on_rebalance_clicked(self) -> None:
        self.rebalance(self.rebalance_round.value() - 1)

    def cancel(self) -> None:
        if self._running:
            self._cancel.set()
            self.progress_label.setText(_("Stopping…"))

    def _start(self, kind: str, text: str) -> None:
        self._running = kind
        self._cancel = threading.Event()
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.progress_label.setText(text)
        self.progress_label.setVisible(True)
        self.cancel_button.setVisible(True)
        self.banner.clear_message()
        self._update_buttons()

    def _finish(self) -> None:
        self._running = None
        self.progress.setVisible(False)
        self.progress_label.setVisible(False)
        self.cancel_button.setVisible(False)
        self._update_buttons()

    @Slot(object)
    def _on_relay_progressed(self, progress: Progress) -> None:
        if not self._running:
            return
        self.progress.setValue(int(progress.fraction * 1000))
        best = progress.best
        self.progress_label.setText(_("Best so far: {repeats} pairs meet more than once, "
                                      "mean L1 {l1:.3f}.").format(repeats=best.repeat_pairs,
                                                                   l1=best.mean_l1))

    def _store_gone(self) -> bool:
        """The event was closed while the search ran (another event was opened)."""
        try:
            self._store.query("SELECT 1")
        except (sqlite3.ProgrammingError, UserError):
            return True
        return False

    def _on_allocation_done(self, job: ts.AllocationJob, outcome: ts.AllocationOutcome
                            ) -> None:
        self._finish()
        if self._store_gone():
            return
        try:
            saved = ts.save_allocation(self._store, job, outcome)
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return
        self._push_plan_switch(saved, _("allocate plan {id}").format(id=saved.plan_id))
        self._bus.publish(saved.changes)
        q = outcome.allocation.quality
        text = _("Plan {id}: {people} people at {tables} tables; {repeats} pairs meet more "
                 "than once; mean L1 {l1:.3f}.").format(
            id=saved.plan_id, people=len(job.problem.people), tables=job.problem.tables,
            repeats=q.repeat_pairs, l1=q.mean_l1)
        if outcome.allocation.stopped != "finished":
            text += " " + _("Stopped early: this is the best plan found so far.")
        if job.notes:
            text += " " + " ".join(job.notes)
        self.banner.show_message(text, "info" if job.notes else "ok", seconds=0 if job.notes
                                 else 10)
        self.plan_saved.emit(saved.plan_id)

    def _on_rebalance_done(self, job: ts.RebalanceJob, outcome: ts.RebalanceOutcome) -> None:
        self._finish()
        if self._store_gone():
            return
        try:
            saved = ts.save_rebalance(self._store, job, outcome)
        except UserError as exc:
            self.banner.show_message(exc.message, "error")
            return
        self._push_plan_switch(saved, _("re-balance (plan {id})").format(id=saved.plan_id))
        self._bus.publish(saved.changes)
        res = outcome.result
        moved = len(res.moved_people)
        text = _("Re-balanced from round {r}: {arrived} seated, {left} left, {moved} "
                 "already seated people move.").format(
            r=job.from_round + 1, arrived=len(res.arrived), left=len(res.departed), moved=moved)
        if res.stopped != "finished":
            text += " " + _("Stopped early: this is the best plan found so far.")
        self.banner.show_message(text + " " + _("The cards mark them: ★ moved, ✚ new."), "ok")
        self.plan_saved.emit(saved.plan_id)

    def _push_plan_switch(self, saved: ts.SavedPlan, text: str) -> None:
        store, new, old = self._store, saved.plan_id, saved.previous_id
        self._push(_Edit(text, lambda: ts.set_current_plan(store, old),
                         lambda: ts.set_current_plan(store, new)))

    def _on_task_failed(self, exc: Exception) -> None:
        self._finish()
        if isinstance(exc, UserError):
            self.banner.show_message(exc.message, "error")
            return
        raise exc

    # -- printing --------------------------------------------------------------------------------

    def print_plan(self, kind: str) -> bool:
        if self._plan is None:
            self.banner.show_message(_("Allocate tables first: there is no plan to print."),
                                     "info")
            return False
        suggested = {"tables_round": "table-sheets-round-{r}.pdf", "tables_all":
                     "table-sheets.pdf", "list": "find-your-table.pdf", "room": "room-plan.pdf",
                     "badges": "badges-a6.pdf", "labels": "badge-labels.pdf",
                     "json": "plan.json"}[kind].format(r=self.current_round() + 1)
        path = self._choose_save(self, _("Save the printout as"), suggested)
        if path is None:
            return False
        view = ts.plan_view(self._store, self._plan)
        now = self._store.clock.now()
        round_ = self.current_round()
        if kind == "json":
            data = ts.plan_json(self._store, self._plan)

            def work() -> Path:
                path.write_text(plan_text(data), encoding="utf-8")
                return path
        elif kind in ("badges", "labels"):
            def work() -> Path:
                return write_badges(path, view, layout="labels" if kind == "labels" else "a6",
                                    printed_at=now)
        else:
            kinds = ["tables"] if kind.startswith("tables") else [kind]
            rounds = [round_] if kind == "tables_round" else None

            def work() -> Path:
                return write_sheets(path, view, kinds=kinds, rounds=rounds, printed_at=now)

        self.banner.show_message(_("Writing {path}…").format(path=path.name), "info")
        self._tasks.run(work, self._on_print_done, self._on_print_failed)
        return True

    def _on_print_done(self, path: Path) -> None:
        self.banner.show_message(_("Saved {path}").format(path=path), "ok", seconds=10)

    def _on_print_failed(self, exc: Exception) -> None:
        if isinstance(exc, OSError):
            self.banner.show_message(_("Could not write the file: {error}").format(
                error=exc.strerror or exc), "error")
            return
        raise exc

    # -- showing the plan ----------------------------------------------------------------------

    def current_round(self) -> int:
        view = self.round_tabs.currentWidget()
        return view.round if isinstance(view, RoundView) else 0

    def round_view(self, round_: int) -> RoundView:
        view = self.round_tabs.widget(round_)
        assert isinstance(view, RoundView)
        return view

    def card(self, round_: int, table: int) -> TableCard:
        self._fill_round(round_)
        return self.round_view(round_).cards[table]

    def refresh(self) -> None:
        plan = ts.current_plan(self._store)
        self._plan = plan
        settings = ts.load_settings(self._store)
        self._show_constraints(settings.rules)
        has_plan = plan is not None
        self.round_tabs.setVisible(has_plan)
        self.empty_label.setVisible(not has_plan)
        if plan is None:
            self.plan_label.setText(_("No plan yet"))
            while self.round_tabs.count():
                widget = self.round_tabs.widget(0)
                self.round_tabs.removeTab(0)
                widget.deleteLater()
            self._show_quality(None)
            self.drift_label.setVisible(False)
            self._update_buttons()
            return
        while self.round_tabs.count() > plan.rounds:
            widget = self.round_tabs.widget(self.round_tabs.count() - 1)
            self.round_tabs.removeTab(self.round_tabs.count() - 1)
            widget.deleteLater()
        while self.round_tabs.count() < plan.rounds:
            r = self.round_tabs.count()
            self.round_tabs.addTab(RoundView(r), _("Round {n}").format(n=r + 1))
        self._prepare_people(plan)
        self._dirty_rounds = set(range(plan.rounds))
        self._fill_round(self.current_round())
        self.rebalance_round.setRange(1, plan.rounds)
        kind = _("re-balanced") if plan.kind == "rebalance" else _("allocated")
        edits = ngettext("{n} change by hand", "{n} changes by hand", plan.edits).format(
            n=plan.edits)
        self.plan_label.setText(_("Plan {id}, {kind} at {time}: {people} people, {tables} "
                                  "tables, {rounds} rounds").format(
            id=plan.id, kind=kind, time=plan.created_at.astimezone().strftime("%H:%M"),
            people=len(plan.people()), tables=plan.tables, rounds=plan.rounds)
            + (f"; {edits}" if plan.edits else ""))
        self._show_quality(plan)
        self._show_drift(plan)
        self._update_buttons()

    def _prepare_people(self, plan: ts.StoredPlan) -> None:
        """Colours per column value, repeat meetings, marks: what the cards need."""
        everyone = {p.id: p for p in list_participants(self._store, include_removed=True)}
        self._people = everyone
        ids = plan.people()
        attributes = [Attribute(a.name, 1.0, a.bins) for a in plan.settings.attributes]
        people = [Person(str(pid), dict(everyone[pid].attributes) if pid in everyone else {})
                  for pid in ids]
        cats, labels = encode(people, attributes) if attributes else ([[] for _p in ids], [])
        self._chips = {pid: tuple(PALETTE[c % len(PALETTE)] for c in row)
                       for pid, row in zip(ids, cats, strict=True)}
        self._values = {pid: [labels[a][c] for a, c in enumerate(row)]
                        for pid, row in zip(ids, cats, strict=True)}
        self._attribute_names = [a.name for a in attributes]
        met: dict[tuple[int, int], list[int]] = {}
        for r, rnd in enumerate(plan.seats):
            for table in rnd:
                members = sorted(table)
                for i, a in enumerate(members):
                    for b in members[i + 1:]:
                        met.setdefault((a, b), []).append(r)
        self._met = met
        self._marks = {(m.round, m.participant_id): "new" if m.from_table is None else "moved"
                       for m in plan.moves}
        legend = []
        for a, name in enumerate(self._attribute_names):
            swatches = " ".join(
                f"<span style='color:{PALETTE[c % len(PALETTE)]}'>■</span>&nbsp;"
                f"{value or '–'}" for c, value in enumerate(labels[a]))
            legend.append(f"<b>{a + 1}. {name}</b><br>{swatches}")
        self.legend_label.setText("<br>".join(legend) if legend else _(
            "No columns are mirrored in this plan."))

    def _fill_round(self, round_: int) -> None:
        plan = self._plan
        if plan is None or round_ not in self._dirty_rounds or round_ >= plan.rounds:
            return
        self._dirty_rounds.discard(round_)
        view = self.round_view(round_)
        cards = view.set_tables(plan.tables)
        closed = plan.closed(round_)
        rows = max((len(t) for t in plan.seats[round_]), default=1) + 1
        for card in cards:
            if not card.property("wired"):
                card.seats.person_dropped.connect(
                    lambda pid, table, onto, r=round_: self.drop_person(r, pid, table, onto))
                card.seats.context_requested.connect(self._on_seat_context)
                card.setProperty("wired", True)
            table = plan.seats[round_][card.table]
            seats = [self._seat_info(plan, round_, pid, table) for pid in table]
            seats.sort(key=lambda s: fold(s.name))
            repeats = sum(1 for s in seats if s.repeats) // 2
            detail = ngettext("{n} pair has met before", "{n} pairs have met before",
                              repeats).format(n=repeats) if repeats else ""
            card.show_table(seats, closed=card.table in closed and not table, rows=rows,
                            detail=detail)
            card.setProperty("repeat", bool(repeats))
            card.style().unpolish(card)
            card.style().polish(card)

    def _seat_info(self, plan: ts.StoredPlan, round_: int, pid: int,
                   table: tuple[int, ...]) -> SeatInfo:
        person = self._people.get(pid)
        name = person.name if person else str(pid)
        again = []
        for other in table:
            if other == pid:
                continue
            rounds = self._met.get((min(pid, other), max(pid, other)), [])
            if len(rounds) > 1:
                who = self._people.get(other)
                again.append(_("{name} (rounds {rounds})").format(
                    name=who.name if who else other,
                    rounds=", ".join(str(r + 1) for r in rounds)))
        lines = [f"{name} ({person.ext_id})" if person else name]
        for column, value in zip(self._attribute_names, self._values.get(pid, []),
                                 strict=False):
            lines.append(f"{column}: {value or '–'}")
        locked = (round_, pid) in plan.locked
        if locked:
            lines.append(_("Locked to this table in this round."))
        mark = self._marks.get((round_, pid), "")
        if mark == "moved":
            lines.append(_("Moved here by the last re-balance."))
        elif mark == "new":
            lines.append(_("Seated by the last re-balance (arrived late)."))
        if again:
            lines.append(_("Meets again: {names}").format(names="; ".join(again)))
        return SeatInfo(pid, name, "\n".join(lines), self._chips.get(pid, ()), locked,
                        len(again), mark)

    def _show_quality(self, plan: ts.StoredPlan | None) -> None:
        if plan is None:
            for label in (self.repeats_label, self.most_label, self.l1_label,
                          self.problems_label, self.moves_label):
                label.setText("")
            self.by_attribute.setRowCount(0)
            self.legend_label.setText("")
            return
        q = plan.quality
        self.repeats_label.setText(_("Pairs meeting more than once: {n}").format(
            n=q.repeat_pairs))
        self.repeats_label.setProperty("bad", q.repeat_pairs > 0)
        self.repeats_label.style().unpolish(self.repeats_label)
        self.repeats_label.style().polish(self.repeats_label)
        self.most_label.setText(_("Most times one pair meets: {n}").format(n=q.max_meetings))
        ratio = (" " + _("({ratio:.2f} × the best any plan can do)").format(
            ratio=q.mean_l1 / plan.reference) if plan.reference else "")
        self.l1_label.setText(_("Tables differ from the room's mix by {l1:.3f} on average "
                                "(mean L1){ratio}.").format(l1=q.mean_l1, ratio=ratio))
        items = list(q.l1_by_attribute.items())
        self.by_attribute.setRowCount(len(items))
        for row, (name, value) in enumerate(items):
            self.by_attribute.setItem(row, 0, QTableWidgetItem(name))
            cell = QTableWidgetItem(f"{value:.3f}")
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.by_attribute.setItem(row, 1, cell)
        problems = ts.check_plan(self._store, plan)
        if problems:
            shown = problems[:6]
            more = len(problems) - len(shown)
            self.problems_label.setText(
                "<b>" + _("Rules broken:") + "</b><br>" + "<br>".join(shown)
                + ("<br>" + _("… and {n} more").format(n=more) if more > 0 else ""))
            self.problems_label.setStyleSheet("color:#b91c1c;")
        else:
            self.problems_label.setText(_("Every rule is kept."))
            self.problems_label.setStyleSheet("color:#166534;")
        self.moves_label.setText(self._moves_text(plan))

    def _moves_text(self, plan: ts.StoredPlan) -> str:
        if plan.kind != "rebalance":
            self.last_moves_text = ""
            return ""
        moves = plan.moves
        moved = [m for m in moves if m.from_table is not None]
        new = [m for m in moves if m.from_table is None]
        lines = [_("Last re-balance (from round {r}): {moved} moved, {new} new seats.").format(
            r=plan.from_round + 1, moved=len({m.participant_id for m in moved}),
            new=len({m.participant_id for m in new}))]
        for m in moved[:12]:
            lines.append(_("{name}: round {r}, table {a} → {b}").format(
                name=self._name_of(m.participant_id), r=m.round + 1, a=(m.from_table or 0) + 1,
                b=m.to_table + 1))
        if len(moved) > 12:
            lines.append(_("… and {n} more").format(n=len(moved) - 12))
        self.last_moves_text = "\n".join(lines)
        return self.last_moves_text

    def _name_of(self, pid: int) -> str:
        person = getattr(self, "_people", {}).get(pid)
        return person.name if person else str(pid)

    def _show_drift(self, plan: ts.StoredPlan) -> None:
        drift = ts.drift(self._store, plan)
        if not drift.any:
            self.drift_label.setVisible(False)
            return
        parts = []
        if drift.arrived:
            parts.append(ngettext("{n} person arrived", "{n} people arrived",
                                  len(drift.arrived)).format(n=len(drift.arrived)))
        if drift.departed:
            parts.append(ngettext("{n} left", "{n} left", len(drift.departed)).format(
                n=len(drift.departed)))
        self.drift_label.setText(_("Since this plan was made {what}: press Re-balance to seat "
                                   "them with as few moves as possible.").format(
            what=_(" and ").join(parts)))
        self.drift_label.setVisible(True)

    def _update_buttons(self) -> None:
        running = self._running is not None
        has_plan = self._plan is not None
        self.allocate_button.setEnabled(not running)
        self.constraints_button.setEnabled(not running)
        self.undo_button.setEnabled(bool(self._undo) and not running)
        self.redo_button.setEnabled(bool(self._redo) and not running)
        if self._undo:
            self.undo_button.setToolTip(_("Undo: {what} (Ctrl+Z)").format(
                what=self._undo[-1].text))
        if self._redo:
            self.redo_button.setToolTip(_("Redo: {what} (Ctrl+Shift+Z)").format(
                what=self._redo[-1].text))
        self.rebalance_button.setEnabled(has_plan and not running)
        self.rebalance_round.setEnabled(has_plan and not running)
        self.print_button.setEnabled(has_plan)
        for view in (self.round_tabs.widget(i) for i in range(self.round_tabs.count())):
            if isinstance(view, RoundView):
                for card in view.cards:
                    card.seats.setDragEnabled(not running)

    # -- events --------------------------------------------------------------------------------

    def _on_round_tabs_changed(self, index: int) -> None:
        if index >= 0:
            self._fill_round(index)
            if self._plan is not None:
                self.rebalance_round.setValue(index + 1)

    def _on_bus_changes_applied(self, changes: Changes) -> None:
        if changes.participants or changes.event:
            self._fill_settings()
        if changes.tables or changes.attendance or changes.participants:
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._watching_window:
            self.window().installEventFilter(self)
            self._watching_window = True
        QTimer.singleShot(0, self._reflow_current)

    def _reflow_current(self) -> None:
        view = self.round_tabs.currentWidget()
        if isinstance(view, RoundView):
            view.reflow()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window() and event.type() == QEvent.Type.Close:
            self._cancel.set()  # closing the app: stop the search now, not in 20 s
        return super().eventFilter(watched, event)

    def seat_lists(self, round_: int) -> list[SeatList]:
        self._fill_round(round_)
        return [card.seats for card in self.round_view(round_).cards]

    def describe_tables(self, round_: int) -> list[list[int]]:
        """Participant ids per card as shown (tests compare it with the event file)."""
        return [lst.participants() for lst in self.seat_lists(round_)]

    def _debug_state(self) -> dict[str, Any]:
        return {"undo": [e.text for e in self._undo], "redo": [e.text for e in self._redo]}
