"""The right-hand side of the Tables page: the plan's figures, its balance per column in plain
words, the rules it breaks, the last re-balance's moves, and the colour key of the cards'
chips."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from facilitator.i18n import _
from facilitator.tables.plans import PlanView, balance_lines
from ui.pages.tables.cards import legend_html

MOVES_SHOWN = 12
PROBLEMS_SHOWN = 6


def moves_text(view: PlanView) -> str:
    """Who the last re-balance moved (empty for an allocated plan)."""
    if view.kind != "rebalance":
        return ""
    moved = [m for m in view.moves if m.from_table is not None]
    new = [m for m in view.moves if m.from_table is None]
    lines = [_("Last re-balance (from round {r}): {moved} moved, {new} new seats.").format(
        r=view.from_round + 1, moved=len({m.participant_id for m in moved}),
        new=len({m.participant_id for m in new}))]
    for m in moved[:MOVES_SHOWN]:
        lines.append(_("{name}: round {r}, table {a} → {b}").format(
            name=view.name_of(m.participant_id), r=m.round + 1, a=(m.from_table or 0) + 1,
            b=m.to_table + 1))
    if len(moved) > MOVES_SHOWN:
        lines.append(_("… and {n} more").format(n=len(moved) - MOVES_SHOWN))
    return "\n".join(lines)


def balance_text(view: PlanView) -> str:
    """Balance per column in plain words, least even first (one line per column)."""
    return "\n".join(balance_lines(view))


class QualityPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self.spread_label = QLabel()
        self.spread_label.setWordWrap(True)
        self.spread_label.setAccessibleName(_("Balance per column"))
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
        quality_layout.addWidget(self.spread_label)
        quality_layout.addWidget(self.problems_label)
        quality_layout.addWidget(self.moves_label)
        legend_box = QGroupBox(_("Colour key"))
        legend_scroll = QScrollArea()
        legend_scroll.setWidgetResizable(True)
        legend_scroll.setWidget(self.legend_label)
        legend_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        legend_layout = QVBoxLayout(legend_box)
        legend_layout.addWidget(legend_scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(quality_box, 3)
        layout.addWidget(legend_box, 2)

    def clear(self) -> None:
        for label in (self.repeats_label, self.most_label, self.l1_label, self.spread_label,
                      self.problems_label, self.moves_label, self.legend_label):
            label.setText("")
        self.by_attribute.setRowCount(0)

    def show_plan(self, view: PlanView, problems: Sequence[str]) -> None:
        """The figures of ``view`` and the rules it breaks now (``problems``)."""
        q = view.quality
        self.repeats_label.setText(_("Pairs meeting more than once: {n}").format(
            n=q.repeat_pairs))
        self.repeats_label.setProperty("bad", q.repeat_pairs > 0)
        self.repeats_label.style().unpolish(self.repeats_label)
        self.repeats_label.style().polish(self.repeats_label)
        self.most_label.setText(_("Most times one pair meets: {n}").format(n=q.max_meetings))
        ratio = (" " + _("({ratio:.2f} × the best any plan can do)").format(
            ratio=q.mean_l1 / view.reference) if view.reference else "")
        self.l1_label.setText(_("Tables differ from the room's mix by {l1:.3f} on average "
                                "(mean L1){ratio}.").format(l1=q.mean_l1, ratio=ratio))
        items = list(q.l1_by_attribute.items())
        self.by_attribute.setRowCount(len(items))
        for row, (name, value) in enumerate(items):
            self.by_attribute.setItem(row, 0, QTableWidgetItem(name))
            cell = QTableWidgetItem(f"{value:.3f}")
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.by_attribute.setItem(row, 1, cell)
        self.spread_label.setText(balance_text(view))
        if problems:
            shown = problems[:PROBLEMS_SHOWN]
            more = len(problems) - len(shown)
            self.problems_label.setText(
                "<b>" + _("Rules broken:") + "</b><br>" + "<br>".join(shown)
                + ("<br>" + _("… and {n} more").format(n=more) if more > 0 else ""))
            self.problems_label.setStyleSheet("color:#b91c1c;")
        else:
            self.problems_label.setText(_("Every rule is kept."))
            self.problems_label.setStyleSheet("color:#166534;")
        self.moves_label.setText(moves_text(view))
        self.legend_label.setText(legend_html(view))
