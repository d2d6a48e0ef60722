"""The head-to-head (Condorcet) matrix of a one-seat rank question, large, for the projector.

Rows and columns are the options, numbered as on the ballot; each cell is the number of
ballots ranking the row's option above the column's, green where the row's option wins that
head-to-head, and the last column counts its wins. The figures come from the count
(:func:`facilitator.results.count.condorcet_table`), so the projector shows exactly what the
result sheet prints. Hidden for any other question.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from facilitator.i18n import _
from facilitator.results.count import condorcet_table
from facilitator.results.model import Count

WIN = "#86efac"
LOSE = "#d1d5db"


class CondorcetMatrixView(QWidget):
    """A grid of labels; :meth:`show_count` fills it, or hides it when there is no matrix."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("projCondorcetMatrix")
        self.setAccessibleName(_("Head-to-head results"))
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 8, 0, 8)
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(2)
        self.cells: list[QLabel] = []
        self.hide()

    def show_count(self, count: Count, height: int) -> bool:
        """Show ``count``'s matrix (sized for a window ``height`` high); False if none."""
        table = condorcet_table(count)
        for cell in self.cells:
            self.grid.removeWidget(cell)
            cell.hide()  # gone now, not at the next turn of the event loop
            cell.deleteLater()
        self.cells = []
        if table is None:
            self.hide()
            return False
        n = len(table.rows)
        size = max(12, min(int(height * 0.028), int(height * 0.3 / (n + 2))))
        font = f"font-size:{size}px;"
        caption = QLabel(_("Head to head: ballots ranking the row's option above the "
                           "column's"))
        caption.setStyleSheet(font + "color:#d1d5db;")
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.grid.addWidget(caption, 0, 0, 1, n + 4)
        self.cells.append(caption)
        self.grid.setColumnStretch(0, 1)  # empty side columns keep the grid centred
        self.grid.setColumnStretch(n + 3, 1)
        for col, text in enumerate(table.header):
            self._cell(1, col, text, font + "font-weight:700; color:#ffffff;")
        for row, cells in enumerate(table.rows, start=2):
            for col, text in enumerate(cells):
                colour = LOSE
                if 0 < col <= n and text.isdigit():
                    mine = int(text)
                    theirs = table.rows[col - 1][row - 1]
                    colour = WIN if theirs.isdigit() and mine > int(theirs) else LOSE
                weight = "font-weight:700;" if col in (0, n + 1) else ""
                self._cell(row, col, text, f"{font}{weight}color:{colour};")
        self.show()
        return True

    def _cell(self, row: int, col: int, text: str, style: str) -> None:
        label = QLabel(text if col or len(text) <= 40 else text[:39] + "…")
        label.setStyleSheet(style)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft if col == 0
                           else Qt.AlignmentFlag.AlignRight)
        self.grid.addWidget(label, row, col + 1)
        self.cells.append(label)
