"""The projector's legislative-theatre view: one proposal and the cards behind it; once the
desk shows the result, its counts and verdict; then the commitments read back.

The text is sized from the window's height and from what is shown (the proposal shrinks
as the result and the commitments join it), each label with its own style sheet so the
application's projector styles do not override it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from facilitator.i18n import _, ngettext
from facilitator.store import EventStore
from facilitator.theatre import queries
from facilitator.theatre.model import TheatreError

CARDS_SHOWN = {"proposal": 8, "result": 4, "commitments": 0}
"""How many cards fit under the proposal in each stage."""
FIT_STEPS = 12
"""At most this many times the text is made a tenth smaller to fit (to 0.9^11, about a
third of the stage's sizes; 12 px at the least)."""
SIZES = {  # the height divided by: proposal, cards, result, commitments
    "proposal": (11, 26, 22, 30),
    "result": (16, 30, 12, 30),
    "commitments": (22, 30, 20, 26),
}


class TheatreProjectorView(QWidget):
    """Shown while the desk projects a proposal (:func:`facilitator.theatre.ops.project`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(56, 30, 56, 30)
        self.meta_label = self._label(layout, "projQuestionMeta")
        self.proposal_label = self._label(layout, "projTheatreProposal")
        self.cards_label = self._label(layout, "projTheatreCards")
        self.cards_label.setAlignment(Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.result_label = self._label(layout, "projTheatreResult")
        self.commitments_label = self._label(layout, "projTheatreCommitments")
        self.commitments_label.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.stage = "proposal"

    @staticmethod
    def _label(layout: QVBoxLayout, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(label)
        return label

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._size()

    def _size(self) -> None:
        """The stage's sizes, made smaller step by step until every line fits the window
        (a long proposal with many cards would otherwise run over the line above it)."""
        height = max(self.height(), 300)
        shares = SIZES[self.stage]
        layout = self.layout()
        assert layout is not None
        scale = 1.0
        for _step in range(FIT_STEPS):
            for label, share, weight in zip(
                    (self.proposal_label, self.cards_label, self.result_label,
                     self.commitments_label), shares, (700, 400, 700, 400), strict=True):
                label.setStyleSheet(f"color: white; font-size: "
                                    f"{max(12, int(height / share * scale))}px; "
                                    f"font-weight: {weight};")
            layout.invalidate()
            if layout.totalHeightForWidth(self.width()) <= self.height():
                break
            scale *= 0.9

    def refresh(self, store: EventStore) -> bool:
        """Fill the view; False when no proposal is projected (the window shows another)."""
        session = queries.session(store)
        if session is None or session.projected is None:
            return False
        try:
            item = queries.proposal(store, session.projected)
            result = queries.outcome(store, item.id)
        except TheatreError:
            return False
        made = queries.commitments(store, item.id) if session.show_results else []
        self.stage = ("commitments" if made else
                      "result" if session.show_results and result else "proposal")
        tags = " · ".join(t for t in (item.policy_area, item.body) if t)
        self.meta_label.setText(f"{item.number}" + (f" — {tags}" if tags else ""))
        self.proposal_label.setText(item.text)
        most = CARDS_SHOWN[self.stage]
        lines = [f"• {c.text}" for c in item.cards[:most]]
        if most and len(item.cards) > most:
            more = len(item.cards) - most
            lines.append(ngettext("… and {n} more card", "… and {n} more cards", more).format(
                n=more))
        self.cards_label.setText("\n".join(lines))
        self.cards_label.setVisible(bool(lines))
        if result is None:
            self.result_label.setText("")
        elif session.show_results:
            self.result_label.setText(f"{result.counts_text}\n{result.verdict}")
        else:
            self.result_label.setText(_("Voting: {rule}").format(rule=result.rule_text))
        self.commitments_label.setText("\n".join(
            f"{c.name} ({', '.join(x for x in (c.role, c.body) if x)}): {c.text}"
            + ("  ✔" if c.confirmed_at else "") for c in made))
        self.commitments_label.setVisible(bool(made))
        self._size()
        return True
