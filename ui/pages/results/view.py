"""Widgets that show a counted question: a painted bar chart, the result panel, the
projector's results view. Thin views over :mod:`facilitator.results`."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from facilitator.ballots import format_amount, format_share
from facilitator.errors import UserError
from facilitator.i18n import _, ngettext
from facilitator.results.model import Line, QuestionResult, RoundResults, figure_text
from facilitator.results.queries import count_round, projected
from facilitator.store import EventStore


def number_text(line: Line) -> str:
    return figure_text(line.value)  # as the phones, the result sheet and the CLI show it


class BarChart(QWidget):
    """Horizontal bars, one per option: label, bar, figure and share. Winners in green."""

    def __init__(self, parent: QWidget | None = None, *, dark: bool = False) -> None:
        super().__init__(parent)
        self.lines: tuple[Line, ...] = ()
        self.dark = dark
        self.row_height = 30
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_lines(self, lines: tuple[Line, ...]) -> None:
        self.lines = lines
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, max(1, len(self.lines)) * self.row_height + 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, max(1, len(self.lines)) * min(self.row_height, 22))

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.lines:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        n = len(self.lines)
        row = min(self.row_height * 1.0, self.height() / n)
        font = QFont(self.font())
        font.setPixelSize(max(10, int(row * 0.5)))
        painter.setFont(font)
        label_w = self.width() * 0.32
        figure_w = self.width() * 0.2
        bar_x = label_w + 8
        bar_w = max(10.0, self.width() - label_w - figure_w - 16)
        shares = [line.share for line in self.lines]
        if all(s is None for s in shares):
            top = max((line.value for line in self.lines), default=0) or 1
            shares = [line.value / top for line in self.lines]
        ink = QColor("#f9fafb" if self.dark else "#111827")
        track = QColor("#374151" if self.dark else "#e5e7eb")
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft

        def box(x: float, y: float, w: float, h: float) -> QRectF:
            """A rectangle laid out left to right, mirrored when the window is right to left
            (labels on the right, bars growing leftwards; text alignment flips by itself)."""
            return QRectF(self.width() - x - w if rtl else x, y, w, h)

        for i, line in enumerate(self.lines):
            y = i * row
            painter.setPen(ink)
            text_rect = box(0, y, label_w, row)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter
                             | Qt.AlignmentFlag.AlignRight,
                             painter.fontMetrics().elidedText(
                                 ("✔ " if line.winner else "") + line.label,
                                 Qt.TextElideMode.ElideRight, int(label_w)))
            painter.fillRect(box(bar_x, y + row * 0.2, bar_w, row * 0.6), track)
            share = shares[i] or 0
            colour = QColor("#16a34a" if line.winner else "#3b82f6")
            painter.fillRect(box(bar_x, y + row * 0.2, bar_w * float(min(share, 1)),
                                 row * 0.6), colour)
            figure = number_text(line)
            if line.share is not None:
                figure += f"  ({format_share(line.share)})"
            painter.drawText(box(bar_x + bar_w + 8, y, figure_w, row),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, figure)
        painter.end()


class ResultPanel(QWidget):
    """One question's result for the facilitator: verdict, bars, working, notes, turnout."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question_label = QLabel()
        self.question_label.setObjectName("resultQuestion")
        self.question_label.setWordWrap(True)
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("resultVerdict")
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = BarChart()
        self.details_label = QLabel()
        self.details_label.setWordWrap(True)
        self.details_label.setTextFormat(Qt.TextFormat.RichText)
        self.details_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.question_label)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.chart)
        layout.addWidget(self.details_label, 1)

    def show_hidden(self, result: QuestionResult) -> None:
        self.question_label.setText(result.question.text)
        self.verdict_label.setText(_("Hidden until the round is closed"))
        self.verdict_label.setProperty("passed", "none")
        self._repolish()
        self.chart.set_lines(())
        self.chart.hide()
        self.details_label.setText(escape(ngettext(
            "{n} ballot counted so far. Turn on live results to see the counts now, or close "
            "the round on the Voting page.",
            "{n} ballots counted so far. Turn on live results to see the counts now, or close "
            "the round on the Voting page.", result.turnout.voted).format(
                n=result.turnout.voted)))

    def show_result(self, result: QuestionResult) -> None:
        c = result.count
        self.question_label.setText(result.question.text)
        self.verdict_label.setText(c.verdict)
        self.verdict_label.setProperty(
            "passed", "yes" if c.passed else "no" if c.passed is False else "none")
        self._repolish()
        self.chart.show()
        self.chart.set_lines(c.lines)
        parts = []
        if c.working:
            parts.append(f"<p>{escape(c.working)}</p>")
        parts.append(f"<p><b>{escape(c.method)}</b> — {escape(c.rules)}</p>")
        for line in c.lines:
            if line.detail:
                parts.append(f"{escape(line.label)}: {escape(line.detail)}<br>")
        for table in c.tables:
            rows = "".join("<tr>" + "".join(f"<td>{escape(x)}</td>" for x in row) + "</tr>"
                           for row in table.rows)
            head = "".join(f"<th align='left'>{escape(h)}</th>" for h in table.header)
            parts.append(f"<p><b>{escape(table.title)}</b></p>"
                         f"<table cellspacing='0' cellpadding='3'><tr>{head}</tr>{rows}</table>")
        if c.pb is not None:
            parts.append("<p>" + escape(_("Budget left: {left}").format(
                left=format_amount(c.pb.leftover))) + "</p>")
        for note in c.notes:
            parts.append(f"<p>• {escape(note)}</p>")
        turnout = " · ".join(f"{escape(a)}: {escape(b)}" for a, b in result.turnout.lines())
        parts.append(f"<p style='color:#4b5563'>{turnout}</p>")
        parts.append(f"<p style='color:#4b5563'>{escape(_('Fingerprint'))}: "
                     f"<tt>{result.fingerprint}</tt><br>{escape(_('Seed for any lot'))}: "
                     f"{result.seed}</p>")
        self.details_label.setText("".join(parts))

    def _repolish(self) -> None:
        self.verdict_label.style().unpolish(self.verdict_label)
        self.verdict_label.style().polish(self.verdict_label)


def projected_question(store: EventStore) -> tuple[RoundResults, int] | None:
    """The counted round and the index of the question put on the projector; None when
    none is, or its round or question is gone. Whether the figures may be shown is the
    caller's (:attr:`RoundResults.visible`, or live on phones)."""
    target = projected(store)
    if target is None:
        return None
    try:
        results = count_round(store, target[0])
    except UserError:  # a deleted round: show nothing rather than fail
        return None
    return (results, target[1]) if target[1] < len(results.questions) else None


class ProjectorResults(QWidget):
    """The projector's results view: the question, the verdict, big bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(56, 40, 56, 40)
        self.question_label = QLabel()
        self.question_label.setObjectName("projResultQuestion")
        self.question_label.setWordWrap(True)
        self.question_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("projResultVerdict")
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart = BarChart(dark=True)
        self.chart.row_height = 64
        self.counted_label = QLabel()
        self.counted_label.setObjectName("projResultCounted")
        self.counted_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.question_label)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.counted_label)

    def refresh(self, store: EventStore) -> bool:
        """Show the projected question's result; False if there is none to show."""
        found = projected_question(store)
        if found is None or not found[0].visible:
            return False
        r = found[0].questions[found[1]]
        self.show_result(r, r.count.lines, r.count.verdict)
        return True

    def show_result(self, r: QuestionResult, lines: tuple[Line, ...], verdict: str) -> None:
        """Show ``r``'s question and turnout, ``verdict`` and ``lines`` as bars, in sizes
        that follow the window."""
        self.question_label.setText(r.question.text)
        self.verdict_label.setText(verdict)
        self.chart.set_lines(lines)
        self.counted_label.setText(r.turnout.counted_text())
        self._fit()

    def _fit(self) -> None:
        h = max(self.height(), 300)
        self.question_label.setStyleSheet(f"font-size:{int(h * 0.06)}px; font-weight:600;")
        self.verdict_label.setStyleSheet(f"font-size:{int(h * 0.065)}px; font-weight:800; "
                                         "color:#fde047;")
        self.chart.row_height = max(28, int(h * 0.09))
        self.counted_label.setStyleSheet(f"font-size:{int(h * 0.04)}px; color:#d1d5db;")
