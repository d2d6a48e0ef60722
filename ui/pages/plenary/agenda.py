"""The agenda panel of the Plenary page: the items, their times, and adding one."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from facilitator.clock import Clock
from facilitator.i18n import _
from facilitator.timing.countdown import format_mmss
from facilitator.timing.model import PlenaryState


class AgendaBox(QGroupBox):
    """Shows the agenda; the page connects the buttons to its ops."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Agenda"), parent)
        self.agenda_list = QListWidget()
        self.agenda_list.setAccessibleName(_("Agenda"))
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("Agenda item"))
        self.minutes_edit = QLineEdit("10:00")
        self.minutes_edit.setMaximumWidth(80)
        self.minutes_edit.setAccessibleName(_("Planned length of the agenda item"))
        self.add_button = QPushButton(_("Add"))
        self.next_button = QPushButton(_("Start next item (F10)"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.agenda_list)
        row = QHBoxLayout()
        row.addWidget(self.title_edit, 1)
        row.addWidget(self.minutes_edit)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        layout.addWidget(self.next_button)

    def show_agenda(self, state: PlenaryState, clock: Clock) -> None:
        self.agenda_list.clear()
        for item in state.agenda:
            elapsed = item.timer.elapsed(clock)
            if item.state == "upcoming":
                text = _("{title} — {planned} planned").format(
                    title=item.title, planned=format_mmss(int(item.planned)))
            else:
                over = elapsed - item.planned
                balance = (_("{m} over").format(m=format_mmss(int(over))) if over > 0 else
                           _("{m} left").format(m=format_mmss(int(-over))))
                text = f"{'▶ ' if item.state == 'running' else ''}{item.title} — " \
                    f"{format_mmss(int(elapsed))} / {format_mmss(int(item.planned))} ({balance})"
            self.agenda_list.addItem(text)
        running = state.current_agenda_item
        upcoming = next((i for i in state.agenda if i.state == "upcoming"), None)
        self.status.setText(
            (_("Now: {title}").format(title=running.title) if running else _("No item running"))
            + (" · " + _("Next: {title}").format(title=upcoming.title) if upcoming else ""))
        self.next_button.setEnabled(upcoming is not None)
