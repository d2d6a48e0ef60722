"""The Participants page's dialogs (a walk-in, an edit, a removal, an import's columns),
each with a classmethod ``ask(...) -> Result | None`` so tests can drive or replace them."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.people.importer import (
    ParsedList,
    RawTable,
    ValueGroup,
    guess_columns,
    lost_characters,
    lost_characters_warning,
    merge_values,
    people_from_table,
    value_groups,
)
from facilitator.people.model import ROLES, Participant
from ui.pages.participants.model import role_text
from ui.widgets import error_label, ok_cancel


@dataclass(frozen=True)
class WalkIn:
    name: str
    role: str
    attributes: dict[str, str]
    check_in_now: bool


class _PersonDialog(QDialog):
    """The fields a person has (name, role, the list's columns), for a walk-in or an edit."""

    def __init__(self, title: str, columns: dict[str, list[str]], *,
                 person: Participant | None, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.name_edit = QLineEdit(person.name if person else "")
        if person is None:
            self.name_edit.setPlaceholderText(_("Full name"))
        self.form.addRow(_("&Name:"), self.name_edit)
        self.role_combo = QComboBox()
        for role in ROLES:
            self.role_combo.addItem(role_text(role), role)
        if person is not None:
            self.role_combo.setCurrentIndex(max(self.role_combo.findData(person.role), 0))
        self.form.addRow(_("&Role:"), self.role_combo)
        self.attribute_edits: dict[str, QComboBox] = {}
        known = person.attributes if person else {}
        for column in dict.fromkeys([*columns, *known]):
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItem("")
            combo.addItems(columns.get(column, []))
            combo.setCurrentText(known.get(column, ""))
            self.form.addRow(f"{column}:", combo)
            self.attribute_edits[column] = combo
        self.error_label = error_label()

    def _finish_layout(self, *extra: QWidget) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        for widget in extra:
            layout.addWidget(widget)
        layout.addWidget(self.error_label)
        layout.addWidget(ok_cancel(self, self._on_buttons_accepted))

    def _on_buttons_accepted(self) -> None:
        if not self.name_edit.text().strip():
            self.error_label.setText(_("Enter the person's name."))
            self.error_label.setVisible(True)
            self.name_edit.setFocus()
            return
        self.accept()

    def _attributes(self) -> dict[str, str]:
        return {c: e.currentText().strip() for c, e in self.attribute_edits.items()}


class WalkInDialog(_PersonDialog):
    """Add someone who is here but not on the list."""

    def __init__(self, columns: dict[str, list[str]], parent: QWidget | None = None) -> None:
        super().__init__(_("Add a walk-in"), columns, person=None, parent=parent)
        self.check_in_box = QCheckBox(_("&Check in now"))
        self.check_in_box.setChecked(True)
        self.form.addRow("", self.check_in_box)
        self._finish_layout()

    def result_value(self) -> WalkIn:
        return WalkIn(name=self.name_edit.text().strip(),
                      role=str(self.role_combo.currentData()),
                      attributes=self._attributes(),
                      check_in_now=self.check_in_box.isChecked())

    @classmethod
    def ask(cls, parent: QWidget | None, columns: dict[str, list[str]]) -> WalkIn | None:
        dialog = cls(columns, parent)
        try:
            return dialog.result_value() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


@dataclass(frozen=True)
class PersonEdit:
    """What the edit dialog hands back: the person's fields as they should be."""

    name: str
    role: str
    attributes: dict[str, str]


class EditPersonDialog(_PersonDialog):
    """Correct a person's name, role or columns (a misspelt name, a wrong role)."""

    def __init__(self, person: Participant, columns: dict[str, list[str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Edit {name}").format(name=person.name), columns, person=person,
                         parent=parent)
        self.person = person
        note = QLabel(_("Votes already cast stay as they are whatever the role becomes."))
        note.setWordWrap(True)
        self._finish_layout(note)
        self.name_edit.selectAll()

    def result_value(self) -> PersonEdit:
        return PersonEdit(name=self.name_edit.text().strip(),
                          role=str(self.role_combo.currentData()),
                          attributes=self._attributes())

    @classmethod
    def ask(cls, parent: QWidget | None, person: Participant,
            columns: dict[str, list[str]]) -> PersonEdit | None:
        dialog = cls(person, columns, parent)
        try:
            return dialog.result_value() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class RemovePersonDialog(QDialog):
    """Confirm taking someone off the list, saying what is kept and what follows."""

    def __init__(self, person: Participant, notes: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Remove {name} from the list").format(name=person.name))
        lines = [
            _("Remove {name} from the participant list?").format(name=person.name),
            _("They will no longer be able to check in or vote on a phone. Nothing is deleted: "
              "their check-in, votes already cast, raised hands and history are kept, and "
              "\"Removed\" lists them to restore."),
            *notes,
        ]
        self.message_label = QLabel("\n\n".join(lines))
        self.message_label.setWordWrap(True)
        # A width to wrap at, and a dialog as tall as the wrapped text (it was cut off).
        self.message_label.setMinimumWidth(
            self.message_label.fontMetrics().averageCharWidth() * 60)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Remove"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(self.message_label)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, person: Participant, notes: list[str]) -> bool | None:
        """``True`` to remove, ``None`` if cancelled."""
        dialog = cls(person, notes, parent)
        try:
            return True if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class ImportDialog(QDialog):
    """Confirm which columns hold the ID and the name before anything is written."""

    NO_COLUMN = "\x00none"

    def __init__(self, table: RawTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.parsed: ParsedList | None = None
        self.setWindowTitle(_("Import participants from {file}").format(file=table.file_name))
        self.resize(880, 640)
        guess = guess_columns(table.header)
        layout = QVBoxLayout(self)
        encoding = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252",
                    "latin-1": "Latin-1", "utf-16": "UTF-16", "xlsx": "Excel"}.get(
            table.encoding, table.encoding)
        layout.addWidget(QLabel(
            _("{rows} rows, {columns} columns (read as {encoding}). Check the columns below; "
              "every other column is kept as information about each person.").format(
                rows=len(table.rows), columns=len(table.header), encoding=encoding)))
        form = QFormLayout()
        self.id_combo = QComboBox()
        self.id_combo.addItem(_("(no ID column: use names)"), self.NO_COLUMN)
        self.name_combo = QComboBox()
        if not guess.name_columns:
            self.name_combo.addItem(_("(choose the column with names)"), self.NO_COLUMN)
        self.second_name_combo = QComboBox()
        self.second_name_combo.addItem(_("(none)"), self.NO_COLUMN)
        for heading in table.header:
            self.id_combo.addItem(heading, heading)
            self.name_combo.addItem(heading, heading)
            self.second_name_combo.addItem(heading, heading)
        if guess.id_column:
            self.id_combo.setCurrentIndex(self.id_combo.findData(guess.id_column))
        if guess.name_columns:
            self.name_combo.setCurrentIndex(self.name_combo.findData(guess.name_columns[0]))
        if len(guess.name_columns) > 1:
            self.second_name_combo.setCurrentIndex(
                self.second_name_combo.findData(guess.name_columns[1]))
        form.addRow(_("&ID column:"), self.id_combo)
        form.addRow(_("&Name column:"), self.name_combo)
        form.addRow(_("&Second name column:"), self.second_name_combo)
        layout.addLayout(form)
        preview = QTableWidget(min(len(table.rows), 6), len(table.header))
        preview.setHorizontalHeaderLabels(table.header)
        # Row labels are the file's own line numbers, the ones error messages use.
        preview.setVerticalHeaderLabels([str(line) for line, _cells in table.rows[:6]])
        for r, (_line, cells) in enumerate(table.rows[:6]):
            for c, value in enumerate(cells):
                preview.setItem(r, c, QTableWidgetItem(value))
        preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        preview.resizeColumnsToContents()
        preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(preview)

        # Values that look like one category spelt several ways, and damaged characters
        self.groups: list[ValueGroup] = []
        self.groups_label = QLabel()
        self.groups_label.setWordWrap(True)
        self.groups_table = QTableWidget(0, 4)
        self.groups_table.setHorizontalHeaderLabels(
            [_("Merge"), _("Column"), _("Values found (people)"), _("Keep as")])
        self.groups_table.verticalHeader().setVisible(False)
        self.groups_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.groups_table.setAccessibleName(_("Values to merge"))
        self.groups_table.horizontalHeader().setStretchLastSection(True)
        self.lost_label = QLabel()
        self.lost_label.setObjectName("importWarning")
        self.lost_label.setWordWrap(True)
        self.lost_label.setStyleSheet("QLabel#importWarning { background:#fef3c7; "
                                      "color:#78350f; border:1px solid #d97706; "
                                      "border-radius:4px; padding:6px; }")
        layout.addWidget(self.groups_label)
        layout.addWidget(self.groups_table)
        layout.addWidget(self.lost_label)

        self.error_label = error_label()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("&Import"))
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for combo in (self.id_combo, self.name_combo, self.second_name_combo):
            combo.currentIndexChanged.connect(self.review)
        self.review()

    # -- the values found ------------------------------------------------------------------

    def review(self) -> None:
        """Look again at the values under the columns chosen now: spellings to merge,
        characters lost to a wrong encoding. A list that does not parse shows neither (its
        error comes on Import)."""
        id_column, names = self.choices()
        try:
            parsed = (None if self.NO_COLUMN in names
                      else people_from_table(self.table, id_column, names))
        except UserError:
            parsed = None
        self.groups = value_groups(parsed) if parsed is not None else []
        self.groups_table.setRowCount(len(self.groups))
        for row, group in enumerate(self.groups):
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Checked)
            check.setToolTip(_("Merge these values into one"))
            self.groups_table.setItem(row, 0, check)
            self.groups_table.setItem(row, 1, QTableWidgetItem(group.column))
            self.groups_table.setItem(row, 2, QTableWidgetItem(group.describe()))
            keep = QComboBox()
            keep.setAccessibleName(_("Keep as"))
            for value, _count in group.values:
                keep.addItem(value, value)
            self.groups_table.setCellWidget(row, 3, keep)
        self.groups_table.resizeColumnsToContents()
        self.groups_table.setVisible(bool(self.groups))
        self.groups_label.setText(_(
            "Some values look like one category written several ways. Left apart, each "
            "spelling would be a group of its own when tables are balanced and speaking time "
            "is counted. Ticked rows are merged into the spelling under “Keep as”.")
            if self.groups else "")
        self.groups_label.setVisible(bool(self.groups))
        warning = lost_characters_warning(lost_characters(parsed)) if parsed else ""
        self.lost_label.setText(warning)
        self.lost_label.setVisible(bool(warning))

    def set_merge(self, row: int, merge: bool, keep: str | None = None) -> None:
        """Tick or untick a row (and choose the spelling kept), as a person would."""
        item = self.groups_table.item(row, 0)
        assert item is not None
        item.setCheckState(Qt.CheckState.Checked if merge else Qt.CheckState.Unchecked)
        combo = self.groups_table.cellWidget(row, 3)
        if keep is not None and isinstance(combo, QComboBox):
            combo.setCurrentIndex(combo.findData(keep))

    def merges(self) -> dict[str, dict[str, str]]:
        """Column to (value to the spelling kept), for the ticked rows."""
        out: dict[str, dict[str, str]] = {}
        for row, group in enumerate(self.groups):
            item = self.groups_table.item(row, 0)
            combo = self.groups_table.cellWidget(row, 3)
            if item is None or item.checkState() != Qt.CheckState.Checked \
                    or not isinstance(combo, QComboBox):
                continue
            keep = str(combo.currentData())
            out.setdefault(group.column, {}).update(
                {value: keep for value, _count in group.values if value != keep})
        return out

    def choices(self) -> tuple[str | None, list[str]]:
        id_data = self.id_combo.currentData()
        id_column = None if id_data == self.NO_COLUMN else str(id_data)
        names = [str(self.name_combo.currentData())]
        second = self.second_name_combo.currentData()
        if second != self.NO_COLUMN and second not in names:
            names.append(str(second))
        return id_column, names

    def _on_buttons_accepted(self) -> None:
        id_column, names = self.choices()
        if self.NO_COLUMN in names:
            self.error_label.setText(_("Choose the column that holds people's names."))
            self.error_label.setVisible(True)
            self.name_combo.setFocus()
            return
        try:
            self.parsed = merge_values(people_from_table(self.table, id_column, names),
                                       self.merges())
        except UserError as exc:
            self.error_label.setText(exc.message)
            self.error_label.setVisible(True)
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, table: RawTable) -> ParsedList | None:
        dialog = cls(table, parent)
        try:
            return dialog.parsed if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
