"""The webcam: a live preview, and every ballot paper, badge or question card it sees (issue 17).

One path for a camera and for a test. Qt Multimedia's camera (a QCamera in a
QMediaCaptureSession) hands its frames to a QVideoSink; from ``videoFrameChanged`` on:

1. :meth:`CameraReader._on_frame` hands the frame to a worker thread that makes it an image
   (``QVideoFrame.toImage``) and a small preview, or, while one is being converted, keeps it
   as the latest (a newer frame replaces it: never a backlog);
2. back on the GUI thread the preview is painted, and the image goes to a second worker if
   no image is being read (else it waits as the latest, replaced by any newer one);
3. that worker makes it a grey numpy array and feeds
   :class:`facilitator.reading.frames.FrameReader` (a paper is read once two frames in a row
   agree, and not again while it is held up; another QR code is reported once), or, for a
   panel that reads QR codes only (badges, question cards), hands the grey QImage itself to
   zxing-cpp (:class:`QrCodes`: no numpy, no OpenCV, so it works without the paper reader
   add-on of ui/reader_addon.py);
4. back on the GUI thread, :attr:`CameraReader.seen` is emitted with what was seen and the
   frame, then :attr:`CameraReader.looked`.

So the GUI thread only paints a small preview: converting a frame (25-60 ms for 720p-1080p
without a GPU) and reading it (50-300 ms) are off it, and a slow reader skips frames
instead of falling behind. Tests push QVideoFrames built from
recorded images into the same sink (``reader.sink.setVideoFrame``).

Qt Multimedia, numpy and OpenCV (zxing-cpp alone for QR codes) are imported when a camera is
first turned on, not when the window opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QSize, Qt, Signal
from PySide6.QtGui import QHideEvent, QImage, QPixmap, QShowEvent
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QVBoxLayout, QWidget

from facilitator.ballots.codes import is_ballot_code, normalise
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.store import EventStore
from ui.reader_addon import reader_missing
from ui.tasks import TaskRunner
from ui.widgets import narrow_combo

if TYPE_CHECKING:
    import numpy as np

    from facilitator.reading.frames import FrameReader, Seen


def no_camera_message() -> str:
    return _("No camera found. Plug in a webcam: it starts by itself once it is connected.")


def refused_message() -> str:
    return _("Facilitator may not use the camera: allow it in the system's privacy settings, "
             "then turn the camera off and on again.")


def grey_array(image: QImage) -> np.ndarray:
    """``image`` as a grey numpy array (a copy: the image may go away)."""
    import numpy as np

    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    height, width, stride = grey.height(), grey.width(), grey.bytesPerLine()
    rows = np.frombuffer(grey.constBits(), np.uint8, count=stride * height)
    return rows.reshape(height, stride)[:, :width].copy()


QUICK_SIDE = 1280
"""QR codes are searched for at no more than this size (pixels), as in FrameReader."""


@dataclass(frozen=True)
class QrSeen:
    """A QR code a QR-only camera saw (a badge, a question card; a ballot paper's code is
    only recognised as one, not read)."""

    text: str

    @property
    def is_paper(self) -> bool:
        return is_ballot_code(normalise(self.text))


class QrCodes:
    """QR codes in a camera's frames, each reported once while it is held up (the codes
    part of FrameReader without the paper reader: zxing-cpp reads the QImage itself)."""

    def __init__(self) -> None:
        self._code: str | None = None  # the code reported, while held up

    def feed(self, image: QImage) -> QrSeen | None:
        import zxingcpp

        grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
        if max(grey.width(), grey.height()) > QUICK_SIDE:
            grey = grey.scaled(QSize(QUICK_SIDE, QUICK_SIDE), Qt.AspectRatioMode.KeepAspectRatio,
                               Qt.TransformationMode.SmoothTransformation)
        found = zxingcpp.read_barcodes(
            grey, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
        codes = [b.text for b in found if b.text]
        if not codes:  # nothing held up: the next card may be the same one again
            self._code = None
            return None
        code = next((c for c in codes if not is_ballot_code(normalise(c))), codes[0])
        if code == self._code:
            return None
        self._code = code
        return QrSeen(code)


class CameraReader(QObject):
    """A camera's frames read off the GUI thread; see the module's docstring for the path."""

    seen = Signal(object, object)
    """(a :class:`~facilitator.reading.frames.Seen`, the frame as a grey numpy array), or for
    a QR-only reader (a :class:`QrSeen`, the frame as a QImage)"""
    looked = Signal()
    """One frame was read (after :attr:`seen`, if it showed something)."""
    previewed = Signal(QImage)
    state_changed = Signal(str)
    """What the camera is doing, in a sentence ('' while it runs)."""
    devices_changed = Signal()

    def __init__(self, store: EventStore, parent: QObject | None = None, *,
                 papers: bool = True) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QMediaCaptureSession, QMediaDevices, QVideoSink

        self.store = store
        self.papers = papers  # else QR codes only (no paper reader add-on needed)
        self.sink = QVideoSink(self)
        self.sink.videoFrameChanged.connect(self._on_frame)
        self.session = QMediaCaptureSession(self)
        self.session.setVideoSink(self.sink)
        self._devices = QMediaDevices(self)
        self._devices.videoInputsChanged.connect(self._on_inputs_changed)
        self.camera: Any = None
        self.device_id: bytes | None = None
        self.wanted = False
        self.state = ""
        self._tasks = TaskRunner(self)
        self._frames: FrameReader | None = None
        self._codes = QrCodes()
        self.preview_size = QSize(320, 240)
        self._converting = False  # a frame is being made an image (and a preview)
        self._latest: Any = None  # the newest QVideoFrame, while one is being converted
        self._reading = False  # an image is being read
        self._waiting: QImage | None = None  # the newest image, while one is being read

    # -- the camera ------------------------------------------------------------------------

    @staticmethod
    def cameras() -> list[Any]:
        from PySide6.QtMultimedia import QMediaDevices

        return list(QMediaDevices.videoInputs())

    def _say(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)

    def start(self, device_id: bytes | None = None) -> None:
        """Turn the camera on (the first one when ``device_id`` is None or gone). With no
        camera, or no permission, it says so; it starts by itself when one is plugged in."""
        self.wanted = True
        if self.camera is not None and device_id in (None, self.device_id):
            return
        self._close_camera()
        cameras = self.cameras()
        if not cameras:
            self._say(no_camera_message())
            return
        app = QCoreApplication.instance()
        if app is not None:
            from PySide6.QtCore import QCameraPermission

            status = app.checkPermission(QCameraPermission())
            if status == Qt.PermissionStatus.Undetermined:
                self._say(_("Waiting for permission to use the camera…"))
                app.requestPermission(QCameraPermission(), self, lambda _permission: (
                    self.start(device_id) if self.wanted else None))
                return
            if status == Qt.PermissionStatus.Denied:
                self._say(refused_message())
                return
        from PySide6.QtMultimedia import QCamera

        device = next((c for c in cameras if bytes(c.id().data()) == device_id), cameras[0])
        self.device_id = bytes(device.id().data())
        self.camera = QCamera(device, self)
        self.camera.errorOccurred.connect(self._on_camera_error)
        self.session.setCamera(self.camera)
        self.camera.start()
        self._say("")

    def stop(self) -> None:
        """Turn the camera off (a frame being read is still reported when it is done)."""
        self.wanted = False
        self._close_camera()
        self._latest = self._waiting = None

    def _close_camera(self) -> None:
        if self.camera is not None:
            self.camera.stop()
            self.session.setCamera(None)  # type: ignore[arg-type]  # None detaches it
            self.camera.deleteLater()
            self.camera = None

    def _on_camera_error(self, _error: object, text: str) -> None:
        self._close_camera()
        self._say(_("The camera stopped: {why}").format(why=text or _("no reason given")))

    def _on_inputs_changed(self) -> None:
        self.devices_changed.emit()
        ids = [bytes(c.id().data()) for c in self.cameras()]
        if self.camera is not None and self.device_id not in ids:
            self._close_camera()  # unplugged
        if self.wanted and self.camera is None:
            self.start(self.device_id)

    # -- frames: the path a camera and a test share ------------------------------------------

    def _on_frame(self, frame: Any) -> None:
        """A frame from the sink: converted now if the converter is idle, else kept as the
        latest (replacing any older one)."""
        if not frame.isValid() or not self.wanted:
            return
        if self._converting:
            self._latest = frame
        else:
            self._convert(frame)

    def _convert(self, frame: Any) -> None:
        self._converting = True
        size = self.preview_size

        def convert() -> tuple[QImage, QImage]:
            image = frame.toImage()
            return image, image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.FastTransformation)

        self._tasks.run(convert, self._on_converted, self._on_failed)

    def _on_converted(self, images: tuple[QImage, QImage]) -> None:
        self._converting = False
        image, small = images
        if not image.isNull() and self.wanted:
            self.previewed.emit(small)
            if self._reading:
                self._waiting = image
            else:
                self._read(image)
        frame, self._latest = self._latest, None
        if frame is not None:
            self._convert(frame)

    def _read(self, image: QImage) -> None:
        self._reading = True
        if not self.papers:
            codes = self._codes

            def read_codes() -> tuple[QrSeen | None, QImage]:
                return codes.feed(image), image

            self._tasks.run(read_codes, self._on_read, self._on_failed)
            return
        if self._frames is None:
            from facilitator.reading import queries
            from facilitator.reading.frames import FrameReader

            self._frames = FrameReader(queries.paper_for(self.store))
        frames = self._frames

        def read() -> tuple[Seen | None, np.ndarray]:
            array = grey_array(image)
            return frames.feed(array), array

        self._tasks.run(read, self._on_read, self._on_failed)

    def _on_read(self, result: tuple[Seen | QrSeen | None, np.ndarray | QImage]) -> None:
        self._reading = False
        seen, frame = result
        if seen is not None:
            self.seen.emit(seen, frame)
        self.looked.emit()
        image, self._waiting = self._waiting, None
        if image is not None:
            self._read(image)

    def _on_failed(self, exc: Exception) -> None:
        self._converting = self._reading = False
        self._latest = self._waiting = None
        if not isinstance(exc, UserError):
            raise exc
        self._say(exc.message)


class CameraPanel(QWidget):
    """A "Camera" toggle's panel: the camera chooser, the live preview and a sentence on what
    the camera does. The camera runs while the toggle is on and the panel is on screen (a
    page left behind turns its camera off). Pages place :attr:`toggle` and the panel, and
    connect :attr:`seen`. With ``papers=False`` it reads QR codes only (badges, question
    cards), which needs no paper reader add-on."""

    seen = Signal(object, object)
    looked = Signal()

    def __init__(self, store: EventStore, hint: str, *, papers: bool = True,
                 preview: QSize | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        preview = preview or QSize(320, 240)
        self.store = store
        self.papers = papers
        self.hint = hint
        self.reader: CameraReader | None = None
        self.toggle = QPushButton(_("Camera"))
        self.toggle.setCheckable(True)
        self.toggle.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the scan field's focus
        self.toggle.setToolTip(_("Read with a webcam: {hint}").format(hint=hint))
        self.toggle.toggled.connect(self._on_toggled)
        missing = reader_missing() if papers else None
        if missing is not None:  # the frozen app without its paper reader add-on (no OpenCV)
            self.toggle.setEnabled(False)
            self.toggle.setToolTip(missing)
        self.chooser = narrow_combo(QComboBox(), 16)
        self.chooser.setAccessibleName(_("Camera to read with"))
        self.chooser.activated.connect(lambda _i: self._update())
        self.chooser.setMaximumWidth(preview.width())
        self.preview = QLabel()
        self.preview.setObjectName("cameraPreview")
        self.preview.setFixedSize(preview)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: #222; color: #ddd;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setMaximumWidth(preview.width())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chooser)
        layout.addWidget(self.preview)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.hide()

    @property
    def running(self) -> bool:
        return self.reader is not None and self.reader.camera is not None

    def _ensure_reader(self) -> CameraReader:
        if self.reader is None:
            self.reader = CameraReader(self.store, self, papers=self.papers)
            self.reader.preview_size = self.preview.size()
            self.reader.seen.connect(self.seen)
            self.reader.looked.connect(self.looked)
            self.reader.previewed.connect(self._on_previewed)
            self.reader.state_changed.connect(self._on_state_changed)
            self.reader.devices_changed.connect(self._fill_chooser)
        return self.reader

    def _fill_chooser(self) -> None:
        reader = self._ensure_reader()
        chosen = self.chooser.currentData()
        self.chooser.clear()
        for camera in reader.cameras():
            self.chooser.addItem(camera.description(), bytes(camera.id().data()))
        self.chooser.setCurrentIndex(max(self.chooser.findData(chosen), 0))
        self.chooser.setVisible(self.chooser.count() > 1)  # a choice only when there is one

    def _on_toggled(self, on: bool) -> None:
        if on:
            self._fill_chooser()
        self.setVisible(on)
        self._update()

    def _update(self) -> None:
        if self.toggle.isChecked() and self.isVisible():
            self._ensure_reader().start(self.chooser.currentData())
        elif self.reader is not None and self.reader.wanted:
            self.reader.stop()
            self.preview.clear()

    def _on_previewed(self, image: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(image))

    def _on_state_changed(self, state: str) -> None:
        self.message.setText(state or _("Camera on: {hint}").format(hint=self.hint))
        self.preview.clear()
        self.preview.setText(_("No picture") if state else _("Starting the camera…"))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._update()
