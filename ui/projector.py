"""The projector window: large, high-contrast, nothing private on it.

It opens full-screen on a second screen when there is one, and as an ordinary window
otherwise. Two views: a welcome view while people arrive, and the plenary view (speaker,
countdown, who is next) whenever someone is speaking or waiting. Times are computed at each
repaint; a single-shot precise timer is set for the instant the shown second changes, so the
digits are never late and the CPU sleeps in between.
"""

from __future__ import annotations

import math
from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QGuiApplication,
    QHideEvent,
    QKeyEvent,
    QResizeEvent,
    QScreen,
    QShowEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from facilitator.changes import Changes
from facilitator.clock import Clock
from facilitator.i18n import _
from facilitator.people import attendance_summary
from facilitator.qa import queries as qa
from facilitator.qa.model import QaQuestion
from facilitator.store import EventStore
from facilitator.timing import queries as timing
from facilitator.timing.countdown import (
    NORMAL_COLOUR,
    OvertimePolicy,
    display_seconds,
    format_mmss,
    stage_at,
)
from facilitator.timing.model import PlenaryState
from ui.bus import ChangeBus
from ui.pages.polls.projector_view import PollProjectorView
from ui.pages.theatre.projector_view import TheatreProjectorView
from ui.projector_views import JoinView, ProjectorResultsView


def _label(parent_layout: QVBoxLayout, name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    parent_layout.addWidget(label)
    return label


class ProjectorWindow(QWidget):
    countdown_shown = Signal(str, float)
    """Emitted with the text and the monotonic instant each time the digits change."""

    def __init__(self, store: EventStore, bus: ChangeBus, clock: Clock,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._store = store
        self._clock = clock
        self._state: PlenaryState | None = None
        self.setWindowTitle(_("Facilitator — projector"))
        self.setObjectName("projector")
        self.setStyleSheet(
            "#projector, QStackedWidget, QStackedWidget > QWidget { background:#000; }"
            " QLabel { color:#fff; background:transparent; }")
        self.views = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.views)

        welcome = QWidget()
        layout = QVBoxLayout(welcome)
        layout.setContentsMargins(48, 48, 48, 48)
        self.event_label = _label(layout, "projEvent")
        layout.addStretch(1)
        self.clock_label = _label(layout, "projClock")
        self.welcome_label = _label(layout, "projWelcome")
        self.welcome_label.setText(_("Welcome! Please check in at the desk."))
        layout.addStretch(1)
        self.count_label = _label(layout, "projCount")
        self.views.addWidget(welcome)

        plenary = QWidget()
        columns = QHBoxLayout(plenary)
        columns.setContentsMargins(48, 32, 48, 32)
        columns.setSpacing(40)
        main = QVBoxLayout()
        main.setSpacing(12)  # not the columns' 40 px: six gaps of 40 made the view 790 px tall
        self.agenda_label = _label(main, "projAgenda")
        self.status_label = _label(main, "projStatus")
        self.speaker_label = _label(main, "projSpeaker")
        self.countdown_label = _label(main, "projCountdown")
        self.next_label = _label(main, "projNext")
        main.addStretch(1)
        self.balance_label = _label(main, "projBalance")
        columns.addLayout(main, 3)
        self.list_label = QLabel()
        self.list_label.setObjectName("projList")
        self.list_label.setTextFormat(Qt.TextFormat.RichText)
        self.list_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.list_label.setWordWrap(True)
        columns.addWidget(self.list_label, 2)
        self.views.addWidget(plenary)

        question = QWidget()
        layout = QVBoxLayout(question)
        layout.setContentsMargins(56, 40, 56, 40)
        self.question_meta_label = _label(layout, "projQuestionMeta")
        layout.addStretch(1)
        self.question_label = _label(layout, "projQuestion")
        layout.addStretch(1)
        self.question_timer_label = _label(layout, "projQuestionTimer")
        self.views.addWidget(question)
        self._question: QaQuestion | None = None
        self.results_view = ProjectorResultsView()
        self.views.addWidget(self.results_view)  # index 3: a result the facilitator shows
        self.join_view = JoinView()  # how to join phone voting, when the facilitator asks
        self.views.addWidget(self.join_view)
        self.theatre_view = TheatreProjectorView()  # a legislative-theatre proposal (#15)
        self.views.addWidget(self.theatre_view)
        self.poll_view = PollProjectorView()  # a deliberative poll's results (#16)
        self.views.addWidget(self.poll_view)

        self._ticker = QTimer(self)
        self._ticker.setSingleShot(True)
        self._ticker.setTimerType(Qt.TimerType.PreciseTimer)
        self._ticker.timeout.connect(self._on_ticker_timeout)
        self._shown_text = ""
        self._stale = False
        bus.changes_applied.connect(self._on_bus_changes_applied)
        self.refresh()
        self.resize(1024, 640)

    # -- showing --------------------------------------------------------------------------------

    def show_on_best_screen(self) -> None:
        """Full-screen on a second screen if present; an ordinary window otherwise."""
        screen = self._second_screen()
        if screen is not None:
            self.setScreen(screen)
            self.move(screen.geometry().topLeft())
            self.showFullScreen()
        else:
            self.showNormal()
        self.refresh()
        self.raise_()

    def _second_screen(self) -> QScreen | None:
        primary = QGuiApplication.primaryScreen()
        others = [s for s in QGuiApplication.screens() if s is not primary]
        return others[0] if others else None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()  # also restarts the digits' timer
        else:
            self._on_ticker_timeout()  # (re)start the digits' timer, which sleeps while hidden

    def hideEvent(self, event: QHideEvent) -> None:
        self._ticker.stop()
        super().hideEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            if self.isFullScreen():
                self.showNormal()
            else:
                self.hide()
            return
        if event.key() == Qt.Key.Key_F11:
            self.showNormal() if self.isFullScreen() else self.showFullScreen()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Sizes follow the window so the digits stay readable from the back of the hall
        # (0.3 of the height is ~32 cm on a 1.1 m tall screen: legible at 15 m and more).
        h = max(self.height(), 300)
        self.setStyleSheet(self.styleSheet().split("/*sizes*/")[0] + "/*sizes*/" + f"""
            #projClock {{ font-size:{int(h * 0.28)}px; font-weight:700; }}
            #projEvent {{ font-size:{int(h * 0.055)}px; font-weight:600; }}
            #projWelcome {{ font-size:{int(h * 0.07)}px; }}
            #projCount {{ font-size:{int(h * 0.05)}px; color:#fde047; }}
            #projAgenda {{ font-size:{int(h * 0.05)}px; font-weight:600; color:#fde047; }}
            #projStatus {{ font-size:{int(h * 0.045)}px; font-weight:700; }}
            #projSpeaker {{ font-size:{int(h * 0.09)}px; font-weight:700; }}
            #projCountdown {{ font-size:{int(h * 0.30)}px; font-weight:800; }}
            #projList {{ font-size:{int(h * 0.042)}px; }}
            #projNext {{ font-size:{int(h * 0.05)}px; color:#d1d5db; }}
            #projBalance {{ font-size:{int(h * 0.04)}px; color:#93c5fd; }}
            #projQuestionMeta {{ font-size:{int(h * 0.05)}px; color:#fde047; }}
            #projQuestion {{ font-size:{int(h * 0.075)}px; font-weight:600; }}
            #projQuestionTimer {{ font-size:{int(h * 0.09)}px; font-weight:700; }}
        """)
        super().resizeEvent(event)

    # -- content ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read what to show (after a change); the digits are then kept current by the timer."""
        self._stale = False
        self.event_label.setText(self._store.name)
        summary = attendance_summary(self._store)
        self.count_label.setText(_("{present} of {total} participants here").format(
            present=summary.present, total=summary.total))
        state = timing.state(self._store)
        self._state = state
        panel_id = qa.latest_panel_id(self._store)
        self._question = qa.state(self._store, panel_id).now if panel_id is not None else None
        if self.theatre_view.refresh(self._store):
            self.views.setCurrentWidget(self.theatre_view)
        elif self.poll_view.refresh(self._store):
            self.views.setCurrentWidget(self.poll_view)
        elif self.results_view.refresh(self._store):
            self.views.setCurrentIndex(3)
        elif self.join_view.refresh(self._store):
            self.views.setCurrentWidget(self.join_view)
        elif self._question is not None:
            q = self._question
            self.views.setCurrentIndex(2)
            self.question_label.setText(q.text)
            experts = ", ".join(e.name for e in q.experts)
            if len(q.tables) > 1:
                meta = _("Tables {tables} ask {experts}") if experts else _("Tables {tables} ask")
            else:
                meta = _("Table {tables} asks {experts}") if experts else _("Table {tables} asks")
            self.question_meta_label.setText(meta.format(tables=", ".join(q.tables),
                                                         experts=experts))
        elif not self._plenary_under_way(state):
            self.views.setCurrentIndex(0)
        else:
            self.views.setCurrentIndex(1)
            self._fill_plenary(state)
        self._on_ticker_timeout()

    @staticmethod
    def _plenary_under_way(state: PlenaryState) -> bool:
        """Someone speaks or waits, or the session has begun (a turn was taken, an agenda
        item runs): an empty queue mid-session is not a welcome screen."""
        return (state.current is not None or bool(state.queue) or state.last_turn is not None
                or state.current_agenda_item is not None)

    def _fill_plenary(self, state: PlenaryState) -> None:
        """The agenda item, who speaks (or that no one does), the countdown and its state,
        who is next; beside it the item's whole list: finished speakers greyed, the current
        one marked, then the queue in order."""
        item = state.current_agenda_item
        self.agenda_label.setText(item.title if item is not None else state.session_title)
        current = state.current
        upcoming = state.queue[:3]
        if current is not None:
            marker = "  ↩ " + _("reply") if current.kind == "reply" else ""
            self.speaker_label.setText(current.participant.name + marker)
            self.speaker_label.setStyleSheet("color:#ffffff;")
        elif state.queue:
            # Between turns: the next person is named as next, not as if speaking.
            self.speaker_label.setText(_("Next to speak: {name}").format(
                name=state.queue[0].participant.name))
            self.speaker_label.setStyleSheet("color:#9ca3af;")
            upcoming = state.queue[1:4]
        else:
            self.speaker_label.setText(_("No one is waiting to speak"))
            self.speaker_label.setStyleSheet("color:#9ca3af;")
        names = " · ".join(e.participant.name for e in upcoming)
        self.next_label.setText("" if not upcoming else
                                _("Next: {names}").format(names=names) if current is not None
                                else _("Then: {names}").format(names=names))
        self.list_label.setText(self._speaker_list(state))
        if state.settings.projector_shows_balance:
            stats = timing.speaking_stats(self._store, self._clock, session_id=state.session_id,
                                          attribute=state.settings.alternate_attribute or None)
            self.balance_label.setText(
                "  ·  ".join(g.sentence() for g in stats.groups) if stats.groups else "")
        else:
            self.balance_label.setText("")

    def _speaker_list(self, state: PlenaryState, finished_shown: int = 4,
                      waiting_shown: int = 8) -> str:
        """The list of speakers as rich text: the last ``finished_shown`` finished turns of
        the agenda item (or session) greyed, the current one, then the queue."""
        item = state.current_agenda_item
        done = [t for t in timing.turns(self._store, state.session_id)
                if not t.open and (item is None or t.agenda_item_id == item.id)]
        rows = [f"<p style='margin:0 0 4px 0; color:#fde047; font-weight:700'>"
                f"{escape(_('Speakers'))}</p>"]
        if len(done) > finished_shown:
            rows.append("<p style='margin:0; color:#6b7280'>" + escape(
                _("… {n} earlier").format(n=len(done) - finished_shown)) + "</p>")
        for turn in done[-finished_shown:]:
            rows.append(f"<p style='margin:0; color:#6b7280'>✓ {escape(turn.participant.name)}"
                        "</p>")
        if state.current is not None:
            rows.append("<p style='margin:4px 0; color:#ffffff; font-weight:800'>▶ "
                        f"{escape(state.current.participant.name)}</p>")
        for n, entry in enumerate(state.queue[:waiting_shown], start=1):
            reply = " ↩" if entry.is_reply else ""
            rows.append(f"<p style='margin:0; color:#e5e7eb'>{n}. "
                        f"{escape(entry.participant.name)}{reply}</p>")
        if len(state.queue) > waiting_shown:
            rows.append("<p style='margin:0; color:#9ca3af'>" + escape(
                _("… and {n} more").format(n=len(state.queue) - waiting_shown)) + "</p>")
        if not done and state.current is None and not state.queue:
            rows.append("<p style='margin:0; color:#9ca3af'>" + escape(
                _("No one yet.")) + "</p>")
        return "".join(rows)

    def _on_ticker_timeout(self) -> None:
        self.clock_label.setText(self._clock.now().astimezone().strftime("%H:%M"))
        if self.views.currentIndex() == 2:
            self._tick_question()
            return
        state = self._state
        if state is None or self.views.currentIndex() != 1:
            self._schedule(60.0 - self._clock.now().second)
            return
        current = state.current
        if current is None:
            text, colour = format_mmss(state.settings.turn_seconds), "#6b7280"
            self._set_status("")
            self._set_countdown(text if state.queue else "", colour)
            return
        remaining = current.countdown.remaining(self._clock)
        seconds, over = display_seconds(remaining, state.settings.overtime)
        stage = stage_at(remaining, state.settings.stages)
        colour = stage.colour if stage else NORMAL_COLOUR
        if current.countdown.running:
            self._set_status(_("Speaking"), "#86efac")
        else:
            self._set_status(_("PAUSED"), "#fbbf24")
            colour = "#9ca3af"  # the digits stand still, and look it
        self._set_countdown(format_mmss(seconds, over), colour)
        if current.countdown.running:
            # Wake exactly when the shown second changes next.
            fraction = remaining - math.floor(remaining)
            self._schedule(fraction if fraction > 0.0005 else 1.0)

    def _set_status(self, text: str, colour: str = "#ffffff") -> None:
        if self.status_label.text() != text:
            self.status_label.setText(text)
            self.status_label.setStyleSheet(f"color:{colour};")

    def _tick_question(self) -> None:
        timer = self._question.timer if self._question is not None else None
        if timer is None:
            self.question_timer_label.setText("")
            return
        remaining = timer.remaining(self._clock)
        seconds, over = display_seconds(remaining, OvertimePolicy.COUNT_UP)
        self.question_timer_label.setText(format_mmss(seconds, over))
        self.question_timer_label.setStyleSheet(
            "color:#ef4444;" if remaining <= 0 else "color:#ffffff;")
        if timer.running:
            fraction = remaining - math.floor(remaining)
            self._schedule(fraction if fraction > 0.0005 else 1.0)

    def _set_countdown(self, text: str, colour: str) -> None:
        if text != self._shown_text or self.countdown_label.property("colour") != colour:
            self.countdown_label.setText(text)
            self.countdown_label.setStyleSheet(f"color:{colour};")
            self.countdown_label.setProperty("colour", colour)
            self._shown_text = text
            self.countdown_shown.emit(text, self._clock.monotonic())

    def _schedule(self, seconds: float) -> None:
        if self.isVisible():
            self._ticker.start(max(1, math.ceil(seconds * 1000) + 1))

    def _on_bus_changes_applied(self, changes: Changes) -> None:
        if not changes.any:
            return
        if self.isVisible():
            self.refresh()
        else:
            # Hidden: re-reading (and recounting a projected result) on every check-in or
            # keyed paper would be wasted; catch up when shown again.
            self._stale = True
