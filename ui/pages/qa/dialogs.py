"""The Q&A page's dialogs: a new panel and its experts, a wording, how many question cards."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.i18n import _
from facilitator.people import Participant
from facilitator.qa.model import MAX_CARD_TABLES
from ui.widgets import error_label, ok_cancel


@dataclass(frozen=True)
class NewPanel:
    title: str
    expert_ids: list[int]


class ExpertsDialog(QDialog):
    """Pick experts (and, for a new panel, a title)."""

    def __init__(self, people: list[Participant], selected: set[int], with_title: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New expert panel") if with_title else _("Assign experts"))
        layout = QVBoxLayout(self)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("Panel title, e.g. Evidence: buses and trams"))
        self.title_edit.setVisible(with_title)
        layout.addWidget(self.title_edit)
        layout.addWidget(QLabel(_("Experts:")))
        self.list = QListWidget()
        for person in people:
            item = QListWidgetItem(person.name)
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if person.id in selected
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        self.error_label = error_label()
        layout.addWidget(self.error_label)
        buttons = ok_cancel(self, self._on_buttons_accepted)
        layout.addWidget(buttons)
        self._with_title = with_title

    def checked(self) -> list[int]:
        return [int(self.list.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _on_buttons_accepted(self) -> None:
        if self._with_title and not self.title_edit.text().strip():
            self.error_label.setText(_("Give the panel a title."))
            self.error_label.setVisible(True)
            return
        self.accept()

    @classmethod
    def ask_panel(cls, parent: QWidget | None, people: list[Participant]) -> NewPanel | None:
        dialog = cls(people, {p.id for p in people if p.role == "expert"}, True, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return NewPanel(dialog.title_edit.text().strip(), dialog.checked())
        finally:
            dialog.deleteLater()

    @classmethod
    def ask_experts(cls, parent: QWidget | None, people: list[Participant],
                    selected: set[int]) -> list[int] | None:
        dialog = cls(people, selected, False, parent)
        try:
            return dialog.checked() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


def ask_table_count(parent: QWidget, default: int) -> int | None:
    value, ok = QInputDialog.getInt(parent, _("Question cards"),
                                    _("Print cards for how many tables?"), default, 1,
                                    MAX_CARD_TABLES)
    return value if ok else None


def ask_text(parent: QWidget, title: str, label: str, text: str) -> str | None:
    value, ok = QInputDialog.getMultiLineText(parent, title, label, text)
    return value if ok else None
