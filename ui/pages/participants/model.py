"""Qt models over the participant list (HOUSE_STYLE 7: thin, never raising from data())."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from facilitator.changes import Changes
from facilitator.i18n import _, ngettext
from facilitator.people.model import Participant, search_words
from facilitator.people.queries import attribute_columns, get, list_participants
from facilitator.store import EventStore
from facilitator.text import fold

Index = QModelIndex | QPersistentModelIndex

STATUS_COLUMN, NAME_COLUMN, ID_COLUMN, ROLE_COLUMN, ARRIVED_COLUMN, BADGE_COLUMN = range(6)
FIXED_COLUMNS = 6
PARTICIPANT_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

_PRESENT = QColor("#1b7f3a")
_NO_SHOW = QColor("#9a3412")


def status_text(person: Participant) -> str:
    if not person.active:
        return _("Removed")
    if person.status == "checked_in":
        return _("✓ Here")
    if person.status == "no_show":
        return _("No-show")
    return _("Expected")


def role_count_text(role: str, n: int) -> str:
    """'1 facilitator', '6 facilitators' — plural rules come from the catalogue."""
    forms = {
        "participant": ngettext("{n} participant", "{n} participants", n),
        "facilitator": ngettext("{n} facilitator", "{n} facilitators", n),
        "expert": ngettext("{n} expert", "{n} experts", n),
        "staff": ngettext("{n} staff", "{n} staff", n),
        "observer": ngettext("{n} observer", "{n} observers", n),
    }
    return forms.get(role, f"{{n}} {role}").format(n=n)


def role_text(role: str) -> str:
    return {
        "participant": _("Participant"),
        "facilitator": _("Facilitator"),
        "expert": _("Expert"),
        "staff": _("Staff"),
        "observer": _("Observer"),
    }.get(role, role)


class ParticipantsModel(QAbstractTableModel):
    """One row per active participant (and the removed, on request); fixed columns, then
    the list's own columns."""

    def __init__(self, store: EventStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._people: list[Participant] = []
        self._row_of: dict[int, int] = {}
        self._attributes: list[str] = []
        self._include_removed = False
        self.reload()

    def set_include_removed(self, include: bool) -> None:
        """List the people removed from the list too (the "Removed" filter shows them)."""
        if include != self._include_removed:
            self._include_removed = include
            self.reload()

    # -- refresh --------------------------------------------------------------------------

    def reload(self) -> None:
        self.beginResetModel()
        self._people = list_participants(self._store, include_removed=self._include_removed)
        self._row_of = {p.id: row for row, p in enumerate(self._people)}
        self._attributes = attribute_columns(self._store)
        self.endResetModel()

    def apply_changes(self, changes: Changes) -> None:
        """Refresh as little as the change needs: whole list, or just the touched rows."""
        if changes.participants or changes.event:
            self.reload()
            return
        if not changes.attendance:
            return
        if not changes.participant_ids:
            self.reload()
            return
        for pid in changes.participant_ids:
            row = self._row_of.get(pid)
            if row is None:
                self.reload()
                return
            self._people[row] = get(self._store, pid)
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    # -- Qt model API -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._people)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIXED_COLUMNS + len(self._attributes)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        fixed = [_("Status"), _("Name"), _("ID"), _("Role"), _("Arrived"), _("Badge")]
        if 0 <= section < FIXED_COLUMNS:
            return fixed[section]
        extra = section - FIXED_COLUMNS
        if 0 <= extra < len(self._attributes):
            return self._attributes[extra]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._people):
            return None
        person = self._people[index.row()]
        column = index.column()
        if role == PARTICIPANT_ROLE:
            return person
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return self._text(person, column, sort=role == SORT_ROLE)
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS_COLUMN:
            if person.status == "checked_in":
                return QBrush(_PRESENT)
            if person.status == "no_show":
                return QBrush(_NO_SHOW)
        if role == Qt.ItemDataRole.ToolTipRole and column == STATUS_COLUMN and person.status_at:
            return _("since {time}").format(
                time=person.status_at.astimezone().strftime("%H:%M:%S"))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._text(person, column, sort=False)
        return None

    def _text(self, person: Participant, column: int, *, sort: bool) -> str | None:
        if column == STATUS_COLUMN:
            return person.status if sort else status_text(person)
        if column == NAME_COLUMN:
            return fold(person.name) if sort else person.name
        if column == ID_COLUMN:
            return person.ext_id
        if column == ROLE_COLUMN:
            return role_text(person.role)
        if column == ARRIVED_COLUMN:
            if person.checked_in_at is None:
                return "" if not sort else "~"
            local = person.checked_in_at.astimezone()
            return local.isoformat() if sort else local.strftime("%H:%M")
        if column == BADGE_COLUMN:
            return person.badge_code
        extra = column - FIXED_COLUMNS
        if 0 <= extra < len(self._attributes):
            return person.attributes.get(self._attributes[extra], "")
        return None

    # -- helpers for views ------------------------------------------------------------------

    def participant(self, row: int) -> Participant | None:
        return self._people[row] if 0 <= row < len(self._people) else None

    def row_of(self, participant_id: int) -> int | None:
        return self._row_of.get(participant_id)

    @property
    def attributes(self) -> list[str]:
        return list(self._attributes)

    @property
    def people(self) -> list[Participant]:
        """Everyone in the list, in row order."""
        return list(self._people)


class ParticipantsFilter(QSortFilterProxyModel):
    """Search-as-you-type over name, ID and badge code, plus a status filter."""

    STATUSES = ("all", "checked_in", "expected", "no_show", "walk_in", "removed")
    """``removed``: only the people taken off the list; every other filter hides them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._status = "all"
        self.setSortRole(SORT_ROLE)

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._words = search_words(text)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_status(self, status: str) -> None:
        self.beginFilterChange()
        self._status = status if status in self.STATUSES else "all"
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, ParticipantsModel):
            return True
        person = model.participant(source_row)
        if person is None:
            return False
        if person.active == (self._status == "removed"):
            return False
        if self._status == "walk_in" and not person.walk_in:
            return False
        if self._status not in ("all", "walk_in", "removed") and person.status != self._status:
            return False
        return person.matches(self._words)
