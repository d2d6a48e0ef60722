"""The projector window: large, high-contrast, nothing private on it.

It opens full-screen on a second screen when there is one, and as an ordinary window
otherwise. The clock is computed each repaint; the QTimer only asks for the repaint.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeyEvent, QScreen
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from facilitator.changes import Changes
from facilitator.clock import Clock
from facilitator.i18n import _
from facilitator.people import attendance_summary
from facilitator.store import EventStore
from ui.bus import ChangeBus


class ProjectorWindow(QWidget):
    def __init__(self, store: EventStore, bus: ChangeBus, clock: Clock,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._store = store
        self._clock = clock
        self.setWindowTitle(_("Facilitator — projector"))
        self.setObjectName("projector")
        self.setStyleSheet(
            "#projector { background:#000; } QLabel { color:#fff; background:transparent; }")
        self.event_label = QLabel(store.name)
        self.event_label.setWordWrap(True)
        self.event_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.clock_label = QLabel()
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome_label = QLabel(_("Welcome! Please check in at the desk."))
        self.welcome_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome_label.setWordWrap(True)
        self.count_label = QLabel()
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.addWidget(self.event_label)
        layout.addStretch(1)
        layout.addWidget(self.clock_label)
        layout.addWidget(self.welcome_label)
        layout.addStretch(1)
        layout.addWidget(self.count_label)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._on_ticker_timeout)
        bus.changes_applied.connect(self._on_bus_changes_applied)
        self._refresh_count()
        self._on_ticker_timeout()
        self.resize(1024, 640)

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        # Digits scale with the window so they stay readable from the back of the hall.
        height = max(self.height(), 300)
        self.clock_label.setStyleSheet(f"font-size:{int(height * 0.28)}px; font-weight:700;")
        self.event_label.setStyleSheet(f"font-size:{int(height * 0.055)}px; font-weight:600;")
        self.welcome_label.setStyleSheet(f"font-size:{int(height * 0.07)}px;")
        self.count_label.setStyleSheet(f"font-size:{int(height * 0.05)}px; color:#fde047;")
        super().resizeEvent(event)  # type: ignore[arg-type]

    def show_on_best_screen(self) -> None:
        """Full-screen on a second screen if present; an ordinary window otherwise."""
        screen = self._second_screen()
        if screen is not None:
            self.setScreen(screen)
            self.move(screen.geometry().topLeft())
            self.showFullScreen()
        else:
            self.showNormal()
        self._ticker.start()
        self.raise_()

    def _second_screen(self) -> QScreen | None:
        primary = QGuiApplication.primaryScreen()
        others = [s for s in QGuiApplication.screens() if s is not primary]
        return others[0] if others else None

    def hideEvent(self, event: object) -> None:  # type: ignore[override]
        self._ticker.stop()
        super().hideEvent(event)  # type: ignore[arg-type]

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

    def _on_ticker_timeout(self) -> None:
        self.clock_label.setText(self._clock.now().astimezone().strftime("%H:%M"))

    def _on_bus_changes_applied(self, changes: Changes) -> None:
        if changes.attendance or changes.participants or changes.event:
            self.event_label.setText(self._store.name)
            self._refresh_count()

    def _refresh_count(self) -> None:
        summary = attendance_summary(self._store)
        self.count_label.setText(_("{present} of {total} participants here").format(
            present=summary.present, total=summary.total))
