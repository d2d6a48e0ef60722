"""The projector's poll view: a poll's results, as much as the desk chose to reveal (the
indices only, every row, or one index with its items). Figures from the poll's analysis,
the same as the printed report."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from facilitator.i18n import _
from facilitator.polls import queries
from facilitator.polls.analysis import Analysis, Row, change_text, figure_text
from facilitator.polls.model import PollError
from facilitator.store import EventStore

MAX_ROWS = 14


def shown_rows(analysis: Analysis, show: str) -> list[Row]:
    """The rows the desk chose to reveal."""
    if show == "indices":
        return [r for r in analysis.rows if r.variable.index is not None]
    if show == "all":
        return list(analysis.rows)
    for index, rows in analysis.tables():
        if index is not None and index.key == show:
            return rows
    return []


class PollProjectorView(QWidget):
    """Shown while the desk projects a poll (:func:`facilitator.polls.ops.project`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(56, 36, 56, 36)
        self.title_label = QLabel()
        self.title_label.setObjectName("projQuestionMeta")
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.title_label)
        self.table_label = QLabel()
        self.table_label.setObjectName("projList")
        self.table_label.setTextFormat(Qt.TextFormat.RichText)
        self.table_label.setWordWrap(True)
        self.table_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.table_label, 1)
        self.legend_label = QLabel()
        self.legend_label.setObjectName("projNext")
        self.legend_label.setWordWrap(True)
        layout.addWidget(self.legend_label)
        self.rows: list[Row] = []

    def refresh(self, store: EventStore) -> bool:
        """Fill the view; False when no poll is projected (the window shows another)."""
        chosen = queries.projection(store)
        if chosen is None:
            return False
        poll_id, show = chosen
        try:
            analysis = queries.analysis(store, poll_id)
        except PollError:
            return False
        self.rows = shown_rows(analysis, show)[:MAX_ROWS]
        self.title_label.setText(_("{title}: before and after ({n} people answered both)")
                                 .format(title=analysis.questionnaire.title,
                                         n=analysis.n_pairs))
        head = "".join(f"<th align='{a}'>{escape(h)}</th>" for h, a in (
            ("", "left"), (_("Before"), "right"), (_("After"), "right"),
            (_("Change"), "right")))
        body = []
        for row in self.rows:
            weight = "font-weight:700;" if row.variable.index is not None else ""
            body.append(
                f"<tr><td style='{weight}padding-right:24px'>{escape(row.variable.label)}</td>"
                f"<td align='right'>{figure_text(row, row.before)}</td>"
                f"<td align='right'>{figure_text(row, row.after)}</td>"
                f"<td align='right' style='color:#fde047'>{escape(change_text(row))}</td></tr>")
        self.table_label.setText(f"<table width='100%' cellspacing='6'><tr>{head}</tr>"
                                 f"{''.join(body)}</table>")
        self.legend_label.setText(_("** p < .01   * p < .05   + p < .10"))
        return True
