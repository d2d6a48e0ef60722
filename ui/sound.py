"""Stage chimes. Sound is a courtesy: with no audio device the app says so and goes on."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLoggingCategory, QObject, QUrl

from facilitator.paths import resource_path

# Qt Multimedia probes for optional libraries (PipeWire, VA-API) and says when they are
# missing; a machine without them still plays sound, so those notes are silenced.
QLoggingCategory.setFilterRules(
    "qt.multimedia.symbolsresolver.warning=false\nqt.multimedia.ffmpeg.info=false")

BENIGN_QT_MESSAGES = (
    "This plugin does not support",  # offscreen platform: cannot raise or resize windows
    "PulseAudioService: pa_context_connect",  # no sound server (a headless machine)
    # A camera frame made an image without a GPU (offscreen, a virtual machine): Qt Multimedia
    # converts it on the processor instead and says so once a thread (ui/camera.py).
    "QRhi* {anonymous}::ThreadLocalRhiHolder::ensureRhi",
)


class Chime(QObject):
    """Plays ``chime-<stage>.wav`` from resources/sounds; muted or silent without a device.

    Stages: ``amber`` and ``red`` (a speaker's countdown), ``read`` (a paper held up to the
    camera was read) and ``check`` (it was not counted: look at the screen)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.muted = False
        self._effects: dict[str, Any] = {}
        self._available: bool | None = None
        self.played: list[str] = []
        """Stages chimed so far (what tests and the status line look at)."""

    @property
    def available(self) -> bool:
        if self._available is None:
            try:
                from PySide6.QtMultimedia import QMediaDevices
            except ImportError:  # Qt Multimedia or its system libraries are missing
                self._available = False
            else:
                self._available = bool(QMediaDevices.audioOutputs())
        return self._available

    def play(self, stage: str) -> None:
        if self.muted:
            return
        self.played.append(stage)
        if not self.available:
            return
        effect = self._effects.get(stage)
        if effect is None:
            from PySide6.QtMultimedia import QSoundEffect

            path = resource_path("sounds", f"chime-{stage}.wav")
            if not path.is_file():
                return
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(0.6)
            self._effects[stage] = effect
        effect.play()
