"""The projector's legislative-theatre view: one proposal, the cards behind it, and (when the
desk shows them) the vote's counts and verdict, then the commitments read back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from facilitator.i18n import _
from facilitator.store import EventStore
from facilitator.theatre import queries
from facilitator.theatre.model import TheatreError

MAX_CARDS = 8


class TheatreProjectorView(QWidget):
    """Shown while the desk projects a proposal (:func:`facilitator.theatre.ops.project`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(56, 36, 56, 36)
        self.meta_label = self._label(layout, "projQuestionMeta")
        self.proposal_label = self._label(layout, "projQuestion")
        self.cards_label = self._label(layout, "projTheatreCards")
        self.cards_label.setAlignment(Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.result_label = self._label(layout, "projTheatreResult")
        self.commitments_label = self._label(layout, "projTheatreCommitments")
        self.commitments_label.setAlignment(Qt.AlignmentFlag.AlignLeft)

    @staticmethod
    def _label(layout: QVBoxLayout, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(label)
        return label

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
        tags = " · ".join(t for t in (item.policy_area, item.body) if t)
        self.meta_label.setText(f"{item.number}" + (f" — {tags}" if tags else ""))
        self.proposal_label.setText(item.text)
        lines = [f"• {c.text}" for c in item.cards[:MAX_CARDS]]
        if len(item.cards) > MAX_CARDS:
            lines.append(_("… and {n} more cards").format(n=len(item.cards) - MAX_CARDS))
        self.cards_label.setText("\n".join(lines))
        if result is None:
            self.result_label.setText("")
        elif session.show_results:
            self.result_label.setText(f"{result.counts_text}\n{result.verdict}")
        else:
            self.result_label.setText(_("Voting: {rule}").format(rule=result.rule_text))
        made = queries.commitments(store, item.id) if session.show_results else []
        self.commitments_label.setText("\n".join(
            f"{c.name} ({', '.join(x for x in (c.role, c.body) if x)}): {c.text}"
            + ("  ✔" if c.confirmed_at else "") for c in made))
        return True
