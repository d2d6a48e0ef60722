"""Projector views for phones and results: how to join (the join page's QR code and address,
big enough to scan and read from the back of a room), and a question's result as bars, live
while phones vote when the facilitator chose live results, with a yes/no's threshold line.

A yes/no's bars show the verdict's own percentages (:func:`facilitator.results.queries.
verdict_basis_of`): with abstentions left out by the rule, Yes and No are shares of
for + against, as the verdict is, and Abstain shows its count with no share; the threshold is
a line across the bars. (The bars once showed shares of every valid vote, 60.9% next to a
verdict of "63.6% support".)
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from facilitator.ballots import Kind, format_share
from facilitator.i18n import _
from facilitator.lan import queries as lan_queries
from facilitator.lan.server import serving
from facilitator.results.model import Line, QuestionResult
from facilitator.results.queries import verdict_basis_of
from facilitator.store import EventStore
from ui.pages.results.matrix_view import CondorcetMatrixView
from ui.pages.results.view import BarChart, ProjectorResults, projected_question


class ThresholdBars(BarChart):
    """The results bar chart with, optionally, a vertical threshold line and its label."""

    def __init__(self, parent: QWidget | None = None, *, dark: bool = False) -> None:
        super().__init__(parent, dark=dark)
        self.threshold: Fraction | None = None

    def set_threshold(self, threshold: Fraction | None) -> None:
        self.threshold = threshold
        self.update()

    def threshold_x(self) -> float | None:
        """Where the line is drawn (the geometry of :meth:`BarChart.paintEvent`)."""
        if self.threshold is None or not self.lines:
            return None
        label_w = self.width() * 0.32
        figure_w = self.width() * 0.2
        bar_x = label_w + 8
        bar_w = max(10.0, self.width() - label_w - figure_w - 16)
        x = bar_x + bar_w * float(self.threshold)
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        return self.width() - x if rtl else x  # the bars grow leftwards right to left

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        x = self.threshold_x()
        if x is None or self.threshold is None:
            return
        n = len(self.lines)
        row = min(self.row_height * 1.0, self.height() / n)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor("#fde047" if self.dark else "#b45309"))
        pen.setWidthF(max(2.0, row * 0.06))
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(x, 0), QPointF(x, n * row))
        font = QFont(self.font())
        font.setPixelSize(max(10, int(row * 0.32)))
        font.setBold(True)
        painter.setFont(font)
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        painter.drawText(QRectF(x - 406 if rtl else x + 6, n * row, 400, row * 0.5),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                         _("threshold {share}").format(share=format_share(self.threshold)))
        painter.end()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.threshold is not None:
            hint.setHeight(hint.height() + self.row_height // 2)
        return hint


def basis_lines(result: QuestionResult) -> tuple[tuple[Line, ...], Fraction | None, str]:
    """The bars of a counted question as the verdict sees them: for a yes/no, each side's
    share of the verdict's whole (an option outside it keeps its count, no share), the
    threshold, and how the percentage is worked out; other kinds as counted."""
    lines = result.count.lines
    basis = verdict_basis_of(result)
    if basis is None or result.question.kind is not Kind.YES_NO:
        return lines, None, ""
    shaped = tuple(dataclasses.replace(
        line, share=basis.share(result.question.stance(i) or "abstain"))
        for i, line in enumerate(lines))
    return shaped, basis.threshold, result.count.working


def live_on_phones(store: EventStore, round_id: int, index: int) -> bool:
    """The facilitator chose to show results while phones vote, and this question is open
    to phones now."""
    if not lan_queries.settings(store).results_live:
        return False
    question = lan_queries.phone_question(store, round_id, index)
    return question is not None and question.is_open


class ProjectorResultsView(ProjectorResults):
    """The projector's results: the question, the verdict (or "voting open" while live),
    bars on the verdict's basis with the threshold line, how it is worked out, turnout."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        old = self.chart
        self.chart: ThresholdBars = ThresholdBars(dark=True)
        self.chart.row_height = old.row_height
        layout.replaceWidget(old, self.chart)
        old.deleteLater()
        self.working_label = QLabel()
        self.working_label.setObjectName("projResultWorking")
        self.working_label.setWordWrap(True)
        self.working_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.insertWidget(layout.indexOf(self.counted_label), self.working_label)
        self.matrix = CondorcetMatrixView()  # a one-seat rank question's head-to-head (#20)
        layout.insertWidget(layout.indexOf(self.counted_label), self.matrix)
        self.live = False

    def refresh(self, store: EventStore) -> bool:
        """Show the projected question's result; False if there is none to show (none
        projected, or hidden: the round still open and no live results chosen)."""
        found = projected_question(store)
        if found is None:
            return False
        results, index = found
        # While the round is open the figures are "so far", never a verdict yet.
        self.live = not results.round.is_closed
        if not results.visible and not live_on_phones(store, results.round.id, index):
            return False
        r = results.questions[index]
        lines, threshold, working = basis_lines(r)
        self.chart.set_threshold(threshold)
        self.working_label.setText(working)
        self.matrix.show_count(r.count, self.height())
        self.show_result(r, lines,
                         _("Voting is open: results so far") if self.live else r.count.verdict)
        return True

    def _fit(self) -> None:
        """Sizes follow the window, so the bars fill a projector of any resolution."""
        h = max(self.height(), 300)
        self.question_label.setStyleSheet(f"font-size:{int(h * 0.06)}px; font-weight:600;")
        self.verdict_label.setStyleSheet(
            f"font-size:{int(h * 0.065)}px; font-weight:800; color:"
            + ("#93c5fd;" if self.live else "#fde047;"))
        self.chart.row_height = max(28, int(h * 0.11))
        self.chart.updateGeometry()
        self.working_label.setStyleSheet(f"font-size:{int(h * 0.032)}px; color:#d1d5db;")
        self.counted_label.setStyleSheet(f"font-size:{int(h * 0.04)}px; color:#d1d5db;")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


class JoinView(QWidget):
    """How to join phone voting: the join page's QR code (a third of the screen's height
    and more: at 1080 px on a 2 m screen a module is about 2 cm, read by a phone camera from
    the back of a hall) and its address in big type, for those who type it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        self.title_label = QLabel(_("Vote on your phone"))
        self.title_label.setObjectName("projJoinTitle")
        self.qr_label = QLabel()
        self.qr_label.setObjectName("projJoinQr")
        self.qr_label.setAccessibleName(_("QR code of the join page"))
        self.url_label = QLabel()
        self.url_label.setObjectName("projJoinUrl")
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.help_label = QLabel(_("Scan this code, or the code on your badge, with your "
                                   "phone's camera. Same Wi-Fi as this laptop."))
        self.help_label.setObjectName("projJoinHelp")
        self.help_label.setWordWrap(True)
        for label in (self.title_label, self.qr_label, self.url_label, self.help_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label, 1 if label is self.qr_label else 0)
        self.url = ""

    def refresh(self, store: EventStore) -> bool:
        """Show how to join if the facilitator asked to; False otherwise."""
        settings = lan_queries.settings(store)
        if not settings.projector_join or not settings.host:
            return False
        host = f"[{settings.host}]" if ":" in settings.host else settings.host
        base = f"http://{host}:{settings.port}"
        if not serving(base):  # a setting left by a run that ended without stopping
            return False
        self.url = f"{base}/"
        self.url_label.setText(self.url.removeprefix("http://").rstrip("/"))
        self._draw()
        return True

    def _draw(self) -> None:
        from ui.phone_panel import qr_pixmap

        if not self.url:
            return
        h = max(self.height(), 300)
        side = int(h * 0.56)
        self.qr_label.setPixmap(qr_pixmap(self.url, 1, border=4).scaled(
            side, side, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.FastTransformation))
        self.title_label.setStyleSheet(f"font-size:{int(h * 0.07)}px; font-weight:700;")
        self.url_label.setStyleSheet(f"font-size:{int(h * 0.085)}px; font-weight:800; "
                                     "color:#fde047;")
        self.help_label.setStyleSheet(f"font-size:{int(h * 0.035)}px; color:#d1d5db;")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._draw()
