"""Table cards for the Tables page: one card per table, people dragged between them.

A card is a header and a :class:`SeatList`. Dragging a person onto someone at another table
swaps the two; dropping them on a table's free space moves them there. The list never
moves its own items: it reports the drop (:attr:`SeatList.person_dropped`) and the page
runs the op and refills the cards from the event file. A card shows what the plan's view
(:func:`facilitator.tables.queries.plan_view`) says about each seat: its lock, the last
re-balance's mark, who this person meets again, their column values; it works none of it out.
Who is not here (not yet arrived, a no-show) is the page's to say, from the check-in desk.

The cards of a round sit in a grid whose columns follow the width (cards between
``MIN_CARD_WIDTH`` and ``MAX_CARD_WIDTH``); :class:`OverviewView` shows every table in every
round at once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import (
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QPainter,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.i18n import _, ngettext
from facilitator.tables.plans import PlanView, Seat, TableView

SEAT_MIME = "application/x-facilitator-seat"
PID_ROLE = Qt.ItemDataRole.UserRole + 1
CHIPS_ROLE = Qt.ItemDataRole.UserRole + 2
LOCKED_ROLE = Qt.ItemDataRole.UserRole + 3
REPEAT_ROLE = Qt.ItemDataRole.UserRole + 4
MARK_ROLE = Qt.ItemDataRole.UserRole + 5
PRESENCE_ROLE = Qt.ItemDataRole.UserRole + 6
ROW_HEIGHT = 28
CARD_WIDTH = 280
MIN_CARD_WIDTH = 210
MAX_CARD_WIDTH = 300
GRID_SPACING = 10
NOT_ARRIVED = "expected"
NO_SHOW = "no_show"
PRESENCE_MARKS = {NOT_ARRIVED: "○", NO_SHOW: "✕"}
"""How a seat whose person is not here is marked (with grey text; the tooltip says it)."""

PALETTE = ("#2563eb", "#f97316", "#16a34a", "#dc2626", "#9333ea", "#0891b2", "#ca8a04",
           "#db2777", "#4b5563", "#65a30d", "#7c2d12", "#1e3a8a")
"""Chip colours, told apart also by people with the commonest colour-vision differences
as far as twelve colours allow; the tooltip names every value."""


@dataclass(frozen=True)
class SeatInfo:
    """What a card shows about one person."""

    participant_id: int
    name: str
    tooltip: str
    chips: tuple[str, ...]
    locked: bool
    repeats: int
    mark: str
    """"moved", "new" or ""."""
    presence: str = ""
    """``NOT_ARRIVED``, ``NO_SHOW`` or "" (here, or the day has not started)."""


def chip(category: int) -> str:
    """The colour of a column value (its index in the plan's labels)."""
    return PALETTE[category % len(PALETTE)]


def presence_text(presence: str) -> str:
    return {NOT_ARRIVED: _("Not yet arrived."), NO_SHOW: _("No-show: will not come today.")
            }.get(presence, "")


def seat_info(seat: Seat, view: PlanView, presence: str = "") -> SeatInfo:
    """What a card shows about ``seat``: the plan's view, and whether they are here."""
    lines = [f"{seat.name} ({seat.ext_id})" if seat.ext_id else seat.name]
    if presence:
        lines.append(presence_text(presence))
    for column, labels, category in zip(view.attributes, view.labels, seat.categories,
                                        strict=False):
        lines.append(f"{column}: {labels[category] or '–'}")
    if seat.locked:
        lines.append(_("Locked to this table in this round."))
    if seat.mark == "moved":
        lines.append(_("Moved here by the last re-balance."))
    elif seat.mark == "new":
        lines.append(_("Seated by the last re-balance (arrived late)."))
    if seat.meets_again:
        lines.append(_("Meets again: {names}").format(names="; ".join(
            _("{name} (rounds {rounds})").format(
                name=m.name, rounds=", ".join(str(r + 1) for r in m.rounds))
            for m in seat.meets_again)))
    return SeatInfo(seat.participant_id, seat.name, "\n".join(lines),
                    tuple(chip(c) for c in seat.categories), seat.locked,
                    len(seat.meets_again), seat.mark, presence)


def legend_html(view: PlanView) -> str:
    """The colour key: each mirrored column's values with their chip colours."""
    legend = []
    for a, (name, labels) in enumerate(zip(view.attributes, view.labels, strict=False)):
        swatches = " ".join(f"<span style='color:{chip(c)}'>■</span>&nbsp;{value or '–'}"
                            for c, value in enumerate(labels))
        legend.append(f"<b>{a + 1}. {name}</b><br>{swatches}")
    return "<br>".join(legend) if legend else _("No columns are mirrored in this plan.")


class SeatDelegate(QStyledItemDelegate):
    """Name, a padlock when locked, an orange dot for a repeat meeting, colour chips."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
                 ) -> QSize:
        return QSize(MIN_CARD_WIDTH - 20, ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        painter.save()
        rect = QRect(option.rect)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, QColor("#dbeafe"))
        chips: list[str] = index.data(CHIPS_ROLE) or []
        locked = bool(index.data(LOCKED_ROLE))
        repeats = int(index.data(REPEAT_ROLE) or 0)
        mark = str(index.data(MARK_ROLE) or "")
        presence = str(index.data(PRESENCE_ROLE) or "")
        x = rect.left() + 4
        mid = rect.center().y()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if repeats:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#f59e0b"))
            painter.drawEllipse(x, mid - 4, 8, 8)
        x += 12
        if locked:
            painter.setPen(QPen(QColor("#111827"), 1.6))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawArc(x + 2, mid - 9, 8, 9, 0, 180 * 16)
            painter.setBrush(QColor("#111827"))
            painter.drawRect(x, mid - 4, 12, 9)
            x += 16
        chip_w = 8
        chips_width = len(chips) * (chip_w + 3)
        text_rect = QRect(x, rect.top(), rect.right() - x - chips_width - 6, rect.height())
        font = QFont(option.font)
        if mark:
            font.setBold(True)
        if presence:  # grey and marked (not italic: many scripts have no italic face)
            font.setStrikeOut(presence == NO_SHOW)
        painter.setFont(font)
        painter.setPen(QColor("#6b7280" if presence else "#111827"))
        prefix = "★ " if mark == "moved" else "✚ " if mark == "new" else ""
        if presence:
            prefix = PRESENCE_MARKS[presence] + " " + prefix
        text = painter.fontMetrics().elidedText(prefix + str(index.data() or ""),
                                                Qt.TextElideMode.ElideRight, text_rect.width())
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter), text)
        cx = rect.right() - chips_width
        painter.setPen(Qt.PenStyle.NoPen)
        for colour in chips:
            painter.setBrush(QColor(colour))
            painter.drawRoundedRect(cx, mid - 6, chip_w, 12, 2, 2)
            cx += chip_w + 3
        painter.restore()


class SeatList(QListWidget):
    """The people at one table in one round; a drag source and a drop target."""

    person_dropped = Signal(int, int, object)
    """(participant id, this table, the participant dropped onto or ``None``)."""
    context_requested = Signal(int, int, object)
    """(participant id, this table, global position) for the page's menu."""

    def __init__(self, round_: int, table: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.round = round_
        self.table = table
        self.accepting = True
        self.setItemDelegate(SeatDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setUniformItemSizes(True)
        self.setObjectName("seatList")
        self.setAccessibleName(_("People at table {n}").format(n=table + 1))

    def fill(self, seats: list[SeatInfo]) -> None:
        current = self.current_participant()
        self.clear()
        for seat in seats:
            item = QListWidgetItem(seat.name)
            item.setData(PID_ROLE, seat.participant_id)
            item.setData(CHIPS_ROLE, list(seat.chips))
            item.setData(LOCKED_ROLE, seat.locked)
            item.setData(REPEAT_ROLE, seat.repeats)
            item.setData(MARK_ROLE, seat.mark)
            item.setData(PRESENCE_ROLE, seat.presence)
            item.setToolTip(seat.tooltip)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if not seat.locked:
                flags |= Qt.ItemFlag.ItemIsDragEnabled
            item.setFlags(flags)
            self.addItem(item)
            if seat.participant_id == current:
                self.setCurrentItem(item)

    def participants(self) -> list[int]:
        return [int(self.item(i).data(PID_ROLE)) for i in range(self.count())]

    def current_participant(self) -> int | None:
        item = self.currentItem()
        return None if item is None else int(item.data(PID_ROLE))

    def select_participant(self, participant_id: int) -> bool:
        for i in range(self.count()):
            if self.item(i).data(PID_ROLE) == participant_id:
                self.setCurrentRow(i)
                return True
        return False

    # -- drag and drop ------------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [SEAT_MIME]

    def seat_mime(self, participant_id: int) -> QMimeData:
        data = QMimeData()
        payload = json.dumps({"participant_id": participant_id, "round": self.round,
                              "table": self.table})
        data.setData(SEAT_MIME, QByteArray(payload.encode("utf-8")))
        return data

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        """Our own drag: the list must not delete the item when the drop says "move"."""
        item = self.currentItem()
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsDragEnabled:
            return
        drag = QDrag(self)
        drag.setMimeData(self.seat_mime(int(item.data(PID_ROLE))))
        rect = self.visualItemRect(item)
        drag.setPixmap(self.viewport().grab(rect))
        drag.exec(Qt.DropAction.MoveAction)

    @staticmethod
    def parse(data: QMimeData) -> dict[str, int] | None:
        if not data.hasFormat(SEAT_MIME):
            return None
        try:
            raw = json.loads(bytes(data.data(SEAT_MIME).data()).decode("utf-8"))
            return {k: int(raw[k]) for k in ("participant_id", "round", "table")}
        except (ValueError, KeyError, TypeError):
            return None

    def _acceptable(self, data: QMimeData) -> bool:
        seat = self.parse(data)
        return self.accepting and seat is not None and seat["round"] == self.round

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._acceptable(event.mimeData()):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._acceptable(event.mimeData()):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            item = self.itemAt(event.position().toPoint())
            if item is not None:
                self.setCurrentItem(item)
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        seat = self.parse(event.mimeData())
        if seat is None or not self._acceptable(event.mimeData()):
            event.ignore()
            return
        item = self.itemAt(event.position().toPoint())
        onto = None if item is None else int(item.data(PID_ROLE))
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self.drop(seat["participant_id"], seat["table"], onto)

    def drop(self, participant_id: int, from_table: int, onto: int | None) -> None:
        """What a drop means: a swap when dropped onto someone, else a move here."""
        if onto == participant_id or (onto is None and from_table == self.table):
            return
        if onto is not None and from_table == self.table:
            return  # reordering within a table means nothing
        self.person_dropped.emit(participant_id, self.table, onto)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        item = self.itemAt(event.pos())
        if item is None:
            return
        self.setCurrentItem(item)
        self.context_requested.emit(int(item.data(PID_ROLE)), self.table, event.globalPos())


class TableCard(QFrame):
    """One table in one round: its number and size, and the people at it."""

    def __init__(self, round_: int, table: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tableCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.round = round_
        self.table = table
        self.title = QLabel()
        self.title.setObjectName("tableCardTitle")
        self.detail = QLabel()
        self.detail.setObjectName("tableCardDetail")
        self.detail.setWordWrap(True)
        self.seats = SeatList(round_, table, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.detail)
        layout.addWidget(self.seats)
        self.setFixedWidth(CARD_WIDTH)

    def show_table(self, table: TableView, view: PlanView, *, rows: int,
                   presence: Mapping[int, str] | None = None) -> None:
        """Show one table of ``view``, as tall as ``rows`` names (the round's fullest table);
        ``presence``: who is not here (participant id to ``NOT_ARRIVED`` or ``NO_SHOW``)."""
        closed = table.closed
        repeats = table.repeat_pairs
        presence = presence or {}
        count = len(table.seats)
        self.title.setText(_("Table {n}").format(n=self.table + 1) + (
            "" if closed else "  ·  " + ngettext("{count} person", "{count} people",
                                                 count).format(count=count)))
        details = [ngettext("{n} pair has met before", "{n} pairs have met before",
                            repeats).format(n=repeats)] if repeats else []
        away = [presence.get(seat.participant_id, "") for seat in table.seats]
        if away.count(NOT_ARRIVED):
            details.append(ngettext("○ {n} not arrived", "○ {n} not arrived",
                                    away.count(NOT_ARRIVED)).format(n=away.count(NOT_ARRIVED)))
        if away.count(NO_SHOW):
            details.append(ngettext("✕ {n} no-show", "✕ {n} no-shows",
                                    away.count(NO_SHOW)).format(n=away.count(NO_SHOW)))
        self.detail.setText(" · ".join(details) if not closed else _("Not in use this round"))
        self.setProperty("closed", closed)
        self.setProperty("repeat", bool(repeats))
        self.seats.accepting = not closed
        self.seats.fill([seat_info(seat, view, presence.get(seat.participant_id, ""))
                         for seat in table.seats])
        self.seats.setFixedHeight(max(rows, 1) * ROW_HEIGHT + 8)
        self.style().unpolish(self)
        self.style().polish(self)


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
        self.grid.setSpacing(GRID_SPACING)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # The cards never shrink: the round scrolls instead.
        self.grid.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.setWidget(self.inner)
        self.cards: list[TableCard] = []
        self._columns = 0
        self._card_width = 0

    def set_tables(self, count: int) -> list[TableCard]:
        if len(self.cards) != count:
            for card in self.cards:
                self.grid.removeWidget(card)
                card.deleteLater()
            self.cards = [TableCard(self.round, t, self.inner) for t in range(count)]
            self._columns = self._card_width = 0
            self.reflow()
        return self.cards

    @property
    def columns(self) -> int:
        return self._columns

    def reflow(self) -> None:
        """As many columns as fit the width, the cards widened to fill it (up to a limit)."""
        room = self.viewport().width() - 16
        columns = max(1, (room + GRID_SPACING) // (MIN_CARD_WIDTH + GRID_SPACING))
        width = max(MIN_CARD_WIDTH, min(MAX_CARD_WIDTH,
                                        (room - GRID_SPACING * (columns - 1)) // columns))
        if width != self._card_width:
            self._card_width = width
            for card in self.cards:
                card.setFixedWidth(width)
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

    def show_round(self, view: PlanView, presence: Mapping[int, str] | None = None
                   ) -> list[TableCard]:
        """Fill the cards from ``view``; the new cards, for the page to wire up."""
        tables = view.rounds[self.round]
        fresh = len(self.cards) != len(tables)
        cards = self.set_tables(len(tables))
        rows = max((len(t.seats) for t in tables), default=1) + 1
        for card, table in zip(cards, tables, strict=True):
            card.show_table(table, view, rows=rows, presence=presence)
        return cards if fresh else []


class OverviewView(QTableWidget):
    """Every table in every round at once: a row per table, a column per round, the names
    at each (marked as on the cards: ○ not yet arrived, ✕ no-show). Read only: the cards
    are where people are moved."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tablesOverview")
        self.setAccessibleName(_("All tables in all rounds"))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignTop
                                                  | Qt.AlignmentFlag.AlignRight)

    def show_plan(self, view: PlanView, presence: Mapping[int, str] | None = None) -> None:
        presence = presence or {}
        rounds = len(view.rounds)
        self.clear()
        self.setRowCount(view.tables)
        self.setColumnCount(rounds)
        self.setHorizontalHeaderLabels([_("Round {n}").format(n=r + 1) for r in range(rounds)])
        self.setVerticalHeaderLabels([_("Table {n}").format(n=t + 1)
                                      for t in range(view.tables)])
        for r, tables in enumerate(view.rounds):
            for t, table in enumerate(tables):
                if table.closed:
                    item = QTableWidgetItem(_("Not in use"))
                    item.setForeground(QColor("#6b7280"))
                else:
                    names = []
                    for seat in table.seats:
                        away = presence.get(seat.participant_id, "")
                        names.append(f"{PRESENCE_MARKS[away]} {seat.name}" if away
                                     else seat.name)
                    item = QTableWidgetItem("\n".join(names))
                    item.setToolTip(_("Table {t}, round {r}: {n}").format(
                        t=t + 1, r=r + 1, n=ngettext("{count} person", "{count} people",
                                                     len(names)).format(count=len(names))))
                item.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                self.setItem(t, r, item)

    def cell_text(self, table: int, round_: int) -> str:
        item = self.item(table, round_)
        return item.text() if item is not None else ""
