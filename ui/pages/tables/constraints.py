"""The constraints dialog: pins, keep-apart and keep-together pairs, clusters, closed tables.

``ConstraintsDialog.ask(...)`` returns the edited :class:`SeatingRules` or ``None``; nothing
is saved here (the page saves what the dialog returns, as one command).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from facilitator.i18n import _
from facilitator.people import Participant
from facilitator.tables.plans import PinRule, SeatingRules
from facilitator.text import fold
from ui.pages.participants.model import role_text
from ui.widgets import error_label, ok_cancel


def rounds_text(rounds: tuple[int, ...] | None) -> str:
    return _("all") if rounds is None else ", ".join(str(r + 1) for r in rounds)


def parse_rounds(text: str, rounds: int) -> tuple[int, ...] | None:
    """"all" or "" → every round; "1, 3" or "2-4" → those rounds (0-based)."""
    text = text.strip().lower()
    if text in ("", "*", _("all").lower(), "all"):
        return None
    out: set[int] = set()
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            lo, hi = (int(x) for x in part.split("-", 1))
            out.update(range(lo - 1, hi))
        else:
            out.add(int(part) - 1)
    if not out or min(out) < 0 or max(out) >= rounds:
        raise ValueError(text)
    return tuple(sorted(out))


class PersonCombo(QComboBox):
    """Pick a person by typing part of their name or ID."""

    def __init__(self, people: Sequence[Participant], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for person in sorted(people, key=lambda p: fold(p.name)):
            role = "" if person.role == "participant" else f" — {role_text(person.role)}"
            self.addItem(f"{person.name} ({person.ext_id}){role}", person.id)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(completer)
        self.setCurrentIndex(-1)
        self.setPlaceholderText(_("Type a name or ID"))
        self.setMinimumContentsLength(24)

    def participant_id(self) -> int | None:
        index = self.findText(self.currentText())
        if index < 0:
            return None
        value = self.itemData(index)
        return None if value is None else int(value)


class ConstraintsDialog(QDialog):
    def __init__(
        self,
        rules: SeatingRules,
        people: Sequence[Participant],
        columns: dict[str, list[str]],
        rounds: int,
        tables: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Seating constraints"))
        self.resize(760, 520)
        self.rounds = rounds
        self.tables = tables
        self.names = {p.id: f"{p.name} ({p.ext_id})" for p in people}
        self.pins = list(rules.pins)
        self.apart = list(rules.apart)
        self.together = list(rules.together)
        self.clusters = list(rules.clusters)
        self.closed = list(rules.closed)
        self.error_label = error_label()
        self.tabs = QTabWidget()

        # pins
        self.pin_person = PersonCombo(people)
        self.pin_person.setAccessibleName(_("Person to pin"))
        self.pin_table = QSpinBox()
        self.pin_table.setRange(1, max(1, tables))
        self.pin_table.setPrefix(_("table "))
        self.pin_rounds = QLineEdit(_("all"))
        self.pin_rounds.setAccessibleName(_("Rounds (all, or e.g. 1, 3)"))
        self.pin_rounds.setMaximumWidth(120)
        self.pin_list = self._table([_("Person"), _("Table"), _("Rounds")])
        self.pin_add = QPushButton(_("Pin"))
        self.pin_add.clicked.connect(self._on_pin_add_clicked)
        self.tabs.addTab(self._page(
            _("A person always sits at a table: a table facilitator, a note-taker, someone who "
              "needs the accessible table. Rounds: all, or e.g. 1, 3 or 2-4."),
            [self.pin_person, self.pin_table, self.pin_rounds, self.pin_add], self.pin_list,
            lambda row: self.pins.pop(row)), _("Pins"))

        # keep apart / together
        self.apart_a, self.apart_b = PersonCombo(people), PersonCombo(people)
        self.apart_a.setAccessibleName(_("First person"))
        self.apart_b.setAccessibleName(_("Second person"))
        self.apart_list = self._table([_("Person"), _("Person")])
        self.apart_add = QPushButton(_("Keep apart"))
        self.apart_add.clicked.connect(lambda: self._add_pair(self.apart_a, self.apart_b,
                                                              self.apart))
        self.tabs.addTab(self._page(
            _("Two people never sit at the same table (family, a known conflict)."),
            [self.apart_a, self.apart_b, self.apart_add], self.apart_list,
            lambda row: self.apart.pop(row)), _("Keep apart"))
        self.together_a, self.together_b = PersonCombo(people), PersonCombo(people)
        self.together_a.setAccessibleName(_("First person"))
        self.together_b.setAccessibleName(_("Second person"))
        self.together_list = self._table([_("Person"), _("Person")])
        self.together_add = QPushButton(_("Keep together"))
        self.together_add.clicked.connect(
            lambda: self._add_pair(self.together_a, self.together_b, self.together))
        self.tabs.addTab(self._page(
            _("Two people always sit at the same table (a carer and the person they support)."),
            [self.together_a, self.together_b, self.together_add], self.together_list,
            lambda row: self.together.pop(row)), _("Keep together"))

        # clusters
        self.columns = columns
        self.cluster_column = QComboBox()
        self.cluster_column.setAccessibleName(_("Column"))
        self.cluster_value = QComboBox()
        self.cluster_value.setEditable(True)
        self.cluster_value.setAccessibleName(_("Value"))
        for column in columns:
            self.cluster_column.addItem(column, column)
        self.cluster_column.currentIndexChanged.connect(self._on_cluster_column_changed)
        self._on_cluster_column_changed()
        self.cluster_list = self._table([_("Column"), _("Value")])
        self.cluster_add = QPushButton(_("Sit together"))
        self.cluster_add.clicked.connect(self._on_cluster_add_clicked)
        self.tabs.addTab(self._page(
            _("Everyone with this value sits at as few tables as can hold them, e.g. "
              "Language = Welsh so one interpreter per table is enough."),
            [self.cluster_column, self.cluster_value, self.cluster_add], self.cluster_list,
            lambda row: self.clusters.pop(row)), _("Clusters"))

        # closed tables
        self.closed_table = QSpinBox()
        self.closed_table.setRange(1, max(1, tables))
        self.closed_table.setPrefix(_("table "))
        self.closed_round = QSpinBox()
        self.closed_round.setRange(1, max(1, rounds))
        self.closed_round.setPrefix(_("round "))
        self.closed_list = self._table([_("Table"), _("Round")])
        self.closed_add = QPushButton(_("Not in use"))
        self.closed_add.clicked.connect(self._on_closed_add_clicked)
        self.tabs.addTab(self._page(
            _("A table that cannot be used in a round (the space is needed for something "
              "else)."),
            [self.closed_table, self.closed_round, self.closed_add], self.closed_list,
            lambda row: self.closed.pop(row)), _("Closed tables"))

        buttons = ok_cancel(self, self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._refresh()

    # -- building ----------------------------------------------------------------------------

    def _table(self, headings: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headings))
        table.setHorizontalHeaderLabels(headings)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        return table

    def _page(self, text: str, inputs: list[QWidget], table: QTableWidget,
              remove: Callable[[int], object]) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        help_label = QLabel(text)
        help_label.setWordWrap(True)
        layout.addWidget(help_label)
        row = QHBoxLayout()
        for widget in inputs:
            row.addWidget(widget, 1 if isinstance(widget, PersonCombo) else 0)
        layout.addLayout(row)
        layout.addWidget(table, 1)
        remove_button = QPushButton(_("Remove selected"))

        def on_remove() -> None:
            rows = sorted({i.row() for i in table.selectedIndexes()}, reverse=True)
            for r in rows:
                remove(r)
            self._refresh()

        remove_button.clicked.connect(on_remove)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(remove_button)
        layout.addLayout(bottom)
        return page

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _name(self, pid: int) -> str:
        return self.names.get(pid, _("participant {id}").format(id=pid))

    def _refresh(self) -> None:
        def fill(table: QTableWidget, rows: list[list[str]]) -> None:
            table.setRowCount(len(rows))
            for r, cells in enumerate(rows):
                for c, text in enumerate(cells):
                    table.setItem(r, c, QTableWidgetItem(text))

        fill(self.pin_list, [[self._name(p.participant_id), str(p.table + 1),
                              rounds_text(p.rounds)] for p in self.pins])
        fill(self.apart_list, [[self._name(a), self._name(b)] for a, b in self.apart])
        fill(self.together_list, [[self._name(a), self._name(b)] for a, b in self.together])
        fill(self.cluster_list, [[a, v] for a, v in self.clusters])
        fill(self.closed_list, [[str(t + 1), str(r + 1)] for t, r in self.closed])
        for index, count in enumerate((len(self.pins), len(self.apart), len(self.together),
                                       len(self.clusters), len(self.closed))):
            base = self.tabs.tabText(index).split(" (")[0]
            self.tabs.setTabText(index, f"{base} ({count})" if count else base)

    # -- adding ----------------------------------------------------------------------------

    def _on_pin_add_clicked(self) -> None:
        pid = self.pin_person.participant_id()
        if pid is None:
            self._show_error(_("Choose the person to pin from the list."))
            return
        try:
            rounds = parse_rounds(self.pin_rounds.text(), self.rounds)
        except ValueError:
            self._show_error(_("Rounds: write all, or round numbers from 1 to {n} such as "
                               "1, 3 or 2-4.").format(n=self.rounds))
            return
        self.pins = [p for p in self.pins if p.participant_id != pid]
        self.pins.append(PinRule(pid, self.pin_table.value() - 1, rounds))
        self._show_error("")
        self._refresh()

    def _add_pair(self, first: PersonCombo, second: PersonCombo,
                  target: list[tuple[int, int]]) -> None:
        a, b = first.participant_id(), second.participant_id()
        if a is None or b is None:
            self._show_error(_("Choose both people from the list."))
            return
        if a == b:
            self._show_error(_("Choose two different people."))
            return
        if (a, b) in target or (b, a) in target:
            self._show_error(_("That pair is already listed."))
            return
        other = self.together if target is self.apart else self.apart
        if (a, b) in other or (b, a) in other:
            self._show_error(_("{a} and {b} cannot be kept both apart and together.").format(
                a=self._name(a), b=self._name(b)))
            return
        target.append((a, b))
        self._show_error("")
        self._refresh()

    def _on_cluster_column_changed(self, *_args: object) -> None:
        column = self.cluster_column.currentData()
        self.cluster_value.clear()
        for value in self.columns.get(str(column), []):
            self.cluster_value.addItem(value)

    def _on_cluster_add_clicked(self) -> None:
        column = self.cluster_column.currentData()
        value = self.cluster_value.currentText().strip()
        if column is None or not value:
            self._show_error(_("Choose a column and a value."))
            return
        if (str(column), value) not in self.clusters:
            self.clusters.append((str(column), value))
        self._show_error("")
        self._refresh()

    def _on_closed_add_clicked(self) -> None:
        entry = (self.closed_table.value() - 1, self.closed_round.value() - 1)
        if entry not in self.closed:
            self.closed.append(entry)
        self._show_error("")
        self._refresh()

    def rules(self) -> SeatingRules:
        return SeatingRules(tuple(self.pins), tuple(self.clusters), tuple(self.apart),
                            tuple(self.together), tuple(sorted(self.closed)))

    @classmethod
    def ask(cls, parent: QWidget | None, rules: SeatingRules, people: Sequence[Participant],
            columns: dict[str, list[str]], rounds: int, tables: int) -> SeatingRules | None:
        dialog = cls(rules, people, columns, rounds, tables, parent)
        try:
            return dialog.rules() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
