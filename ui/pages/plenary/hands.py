"""Raised hands from phones, on the Plenary page beside the speaker queue (issue 13: they were
only under Voting ▸ Phones, where no one looks during a plenary).

A hand is raised on a phone (:func:`facilitator.lan.ops.raise_hand`); here the facilitator
adds the person to the speaker queue (:func:`~facilitator.lan.ops.approve_hand`) or dismisses
the hand. The page runs each op through :meth:`ui.pages.base.Page.run` (its banner, its
actor) and refreshes the box when phones or the plenary change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from facilitator.i18n import _
from facilitator.lan import ops as lan_ops
from facilitator.lan import queries as lan_queries
from ui.pages.base import Page

HAND_ID = Qt.ItemDataRole.UserRole


class HandsBox(QGroupBox):
    """The raised hands waiting, oldest first, with "Add to queue" and "Dismiss"."""

    def __init__(self, page: Page, parent: QWidget | None = None) -> None:
        super().__init__(_("Raised hands on phones"), parent)
        self._page = page
        self.list = QListWidget()
        self.list.setAccessibleName(_("Raised hands on phones"))
        self.list.setMaximumHeight(110)  # a few names; the queue keeps the room
        self.add_button = QPushButton(_("Add to queue"))
        self.dismiss_button = QPushButton(_("Dismiss hand"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.dismiss_button)
        layout.addLayout(row)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.dismiss_button.clicked.connect(self._on_dismiss_clicked)
        self.list.itemDoubleClicked.connect(self._on_add_clicked)

    def refresh(self) -> None:
        chosen = self._selected()
        self.list.clear()
        hands = lan_queries.hands(self._page.store)
        for hand in hands:
            item = QListWidgetItem(_("{name} (since {time})").format(
                name=hand.participant.name, time=hand.at.astimezone().strftime("%H:%M")))
            item.setData(HAND_ID, hand.id)
            self.list.addItem(item)
            if hand.id == chosen:
                self.list.setCurrentItem(item)
        if hands and self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        self.setTitle(_("Raised hands on phones ({n})").format(n=len(hands)) if hands
                      else _("Raised hands on phones"))
        if not hands:
            placeholder = QListWidgetItem(_("No hand raised."))
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(placeholder)
        self.add_button.setEnabled(bool(hands))
        self.dismiss_button.setEnabled(bool(hands))

    def _selected(self) -> int | None:
        item = self.list.currentItem()
        value = item.data(HAND_ID) if item is not None else None
        return int(value) if value is not None else None

    def _on_add_clicked(self, *_args: object) -> None:
        hand = self._selected()
        if hand is not None:
            self._page.run(lambda: lan_ops.approve_hand(self._page.store, hand,
                                                        actor=self._page.actor))

    def _on_dismiss_clicked(self) -> None:
        hand = self._selected()
        if hand is not None:
            self._page.run(lambda: lan_ops.dismiss_hand(self._page.store, hand,
                                                        actor=self._page.actor))
