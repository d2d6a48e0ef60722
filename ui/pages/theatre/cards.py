"""Cards dragged onto proposals: the list of idea cards (a drag source) and the list of
proposals (a drop target). Dropping calls back with the proposal and the cards' ids; the
page runs the op. The keyboard does the same with Ctrl+Enter (see the page)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QMimeData, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

CARD_MIME = "application/x-facilitator-theatre-cards"
ITEM_ID = Qt.ItemDataRole.UserRole + 31


def item_id(item: QListWidgetItem | None) -> int | None:
    value = item.data(ITEM_ID) if item is not None else None
    return int(value) if value is not None else None


class CardList(QListWidget):
    """Idea cards; selected ones can be dragged onto a proposal."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setWordWrap(True)

    def selected_ids(self) -> list[int]:
        return [i for i in (item_id(item) for item in self.selectedItems()) if i is not None]

    def mimeData(self, items: list[QListWidgetItem]) -> QMimeData:  # type: ignore[override]
        data = QMimeData()
        ids = ",".join(str(i) for i in (item_id(item) for item in items) if i is not None)
        data.setData(CARD_MIME, QByteArray(ids.encode()))
        return data

    def mimeTypes(self) -> list[str]:
        return [CARD_MIME]


def card_ids_of(data: QMimeData) -> list[int]:
    if not data.hasFormat(CARD_MIME):
        return []
    text = bytes(data.data(CARD_MIME).data()).decode()
    return [int(x) for x in text.split(",") if x.strip().isdigit()]


class ProposalList(QListWidget):
    """Proposals; cards dropped on one go behind it (``on_drop(proposal_id, card_ids)``)."""

    def __init__(self, on_drop: Callable[[int, list[int]], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_drop = on_drop
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setWordWrap(True)

    def selected_ids(self) -> list[int]:
        return [i for i in (item_id(item) for item in self.selectedItems()) if i is not None]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(CARD_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(CARD_MIME) and \
                self.itemAt(event.position().toPoint()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        target = item_id(self.itemAt(event.position().toPoint()))
        ids = card_ids_of(event.mimeData())
        if target is None or not ids:
            event.ignore()
            return
        event.acceptProposedAction()
        self.drop(target, ids)

    def drop(self, proposal_id: int, card_ids: list[int]) -> None:
        """What a drop does (also called by a test with the same ids a drag would carry)."""
        self._on_drop(proposal_id, card_ids)
