"""Read marked papers and review what the reader could not call.

"Read scans or photos…" reads a scanner's PDF or TIFF, a photo or a folder of photos off
the GUI thread (``ui/tasks.py``) with a progress bar and Cancel. The review queue shows,
for the page at its top, the crop of every question the reader sent to a person next to
what it read and why. One key decides: Enter confirms the page as read (or as corrected
in a question's field), Delete sets it aside (a paper to key by hand). Every decision goes
through ``facilitator.reading.ops`` with the person's name, so it is in the audit log.

"Camera" reads papers held up to a webcam (``ui/camera.py``): a paper read with full
confidence is entered through the same op as a scanned page (``reading.ops.file_page``: the
same checks, refusal of a paper entered before, audit) and the chime says so; a paper the
reader cannot call joins the review queue, and a lower chime asks for a look at the screen.

A correction is typed as the keying page's digits: for a box question the numbers of the
marked options (``2``, or ``1 3``; empty for none); for a grid (ranks, scores, dots,
grades) one value per option in order, ``-`` for none (``2 1 - 3``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from facilitator.ballots.codes import pretty
from facilitator.ballots.marks import Answer, describe
from facilitator.ballots.questions import MULTI_CHOICE, SINGLE_CHOICE, Question
from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.camera import CameraPanel
from ui.pages.base import Page
from ui.reader_addon import reader_missing
from ui.sound import Chime
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    import numpy as np

    from facilitator.reading.frames import Seen
    from facilitator.reading.ops import Filed

READ_ID = Qt.ItemDataRole.UserRole + 40
ChooseSource = Callable[[QWidget], "Path | None"]


class CorrectionError(UserError):
    """A correction typed in a form the question does not take."""


def parse_correction(question: Question, text: str) -> Answer:
    """The answer typed for ``question`` (see the module's docstring)."""
    parts = text.replace(",", " ").split()
    n = len(question.options)
    try:
        if question.kind in SINGLE_CHOICE or question.kind in MULTI_CHOICE:
            chosen = sorted({int(p) - 1 for p in parts})
            if any(not 0 <= c < n for c in chosen):
                raise ValueError
            return Answer.choose(question, *chosen)
        if len(parts) != n:
            raise ValueError
        return Answer(tuple(None if p in ("-", ".") else int(p) for p in parts))
    except ValueError:
        raise CorrectionError(_("“{text}” is not an answer to “{q}”: type the numbers of the "
                                "marked options, or one value per option (- for none)."
                                ).format(text=text, q=question.text[:60])) from None


def choose_source(parent: QWidget) -> Path | None:
    path, _filter = QFileDialog.getOpenFileName(
        parent, _("Read scans or photos"), "",
        _("Scans and photos (*.pdf *.tif *.tiff *.jpg *.jpeg *.png *.heic *.heif)"))
    return Path(path) if path else None


class _Progress(QObject):
    """Lives on the GUI thread; ``moved`` emitted from the reading thread is queued here."""

    moved = Signal(int, int)


class ReadingPage(Page):
    camera_filed = Signal(object)
    """A paper seen by the camera was filed (its :class:`~facilitator.reading.ops.Filed`), or
    refused (None)."""

    def __init__(self, store: EventStore, bus: ChangeBus, tasks: TaskRunner | None = None,
                 *, choose: ChooseSource = choose_source, chime: Chime | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(store, bus, parent=parent)
        self.title_text = _("Reading papers")
        self.tasks = tasks or TaskRunner(self)
        self.choose = choose
        self.chime = chime or Chime(self)
        self.camera = CameraPanel(store, _("hold each ballot paper up to it, flat, its four "
                                           "corner marks and its QR code in view."))
        self.camera.seen.connect(self._on_camera_seen)
        self._cancel = threading.Event()
        self._relay = _Progress(self)
        self._relay.moved.connect(self._on_progress)

        self.read_button = QPushButton(_("Read scans or photos…"))
        self.read_button.clicked.connect(self.read_source)
        self.progress = QProgressBar()
        self.progress.hide()
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self._cancel.set)
        top = QHBoxLayout()
        top.addWidget(self.read_button)
        top.addWidget(self.camera.toggle)
        top.addWidget(self.progress, 1)
        top.addWidget(self.cancel_button)
        top.addStretch()

        self.queue = QListWidget()
        self.queue.setMinimumWidth(260)
        self.queue.currentItemChanged.connect(lambda *_a: self._show_current())
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.detail = QWidget()
        self.rows = QGridLayout(self.detail)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.detail)
        self.confirm_button = QPushButton(_("Confirm (Enter)"))
        self.confirm_button.clicked.connect(self.confirm)
        self.dismiss_button = QPushButton(_("Set aside (Delete)"))
        self.dismiss_button.clicked.connect(self.dismiss)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch()
        right = QVBoxLayout()
        right.addWidget(self.title)
        right.addWidget(scroll, 1)
        right.addLayout(buttons)
        left = QVBoxLayout()
        left.addWidget(self.camera)
        left.addWidget(self.queue, 1)
        body = QHBoxLayout()
        body.addLayout(left)
        body.addLayout(right, 1)
        heading = QLabel(self.title_text)
        heading.setObjectName("pageTitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(heading)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        self.fields: dict[int, QLineEdit] = {}
        # Enter is taken by the correction fields and the queue themselves (never by a
        # page-wide shortcut too: one key press must not decide two pages).
        self.shortcut(_("Set aside"), "Ctrl+Delete", self.dismiss)
        self.queue.installEventFilter(self)
        # The frozen app without its paper reader add-on (ui/reader_addon.py) says so here.
        self.missing = reader_missing()
        self.read_button.setEnabled(self.missing is None)
        self.camera.toggle.setEnabled(self.missing is None)
        self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter and Delete on the queue decide its current page (also when the window's
        shortcuts are not active, as in a test)."""
        if watched is self.queue and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.confirm()
                return True
            if event.key() == Qt.Key.Key_Delete:
                self.dismiss()
                return True
        return super().eventFilter(watched, event)

    # -- the page's contract ---------------------------------------------------------------

    def relevant(self, changes: Changes) -> bool:
        return changes.ballots

    def refresh(self) -> None:
        if self.missing is not None:
            self.title.setText(self.missing)
            self.confirm_button.setEnabled(False)
            self.dismiss_button.setEnabled(False)
            return
        from facilitator.reading import queries

        current = self.current_id()
        self.queue.blockSignals(True)
        self.queue.clear()
        for read in queries.review_queue(self.store):
            code = pretty(read.code) if read.code else _("no code read")
            item = QListWidgetItem(f"{code} · {_('page')} {(read.page or 0) + 1}\n"
                                   + "; ".join(w.text for w in read.reasons))
            item.setData(READ_ID, read.id)
            self.queue.addItem(item)
            if read.id == current:
                self.queue.setCurrentItem(item)
        if self.queue.currentItem() is None and self.queue.count():
            self.queue.setCurrentRow(0)
        self.queue.blockSignals(False)
        self._show_current()

    # -- reading -----------------------------------------------------------------------------

    def read_source(self) -> None:
        path = self.choose(self)
        if path is None:
            return
        from facilitator.reading import ops

        self._cancel.clear()
        self.read_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        store, actor, relay, cancel = self.store, self.actor, self._relay, self._cancel
        self.tasks.run(
            lambda: ops.read_into(store, path, actor=actor, progress=relay.moved.emit,
                                  cancelled=cancel.is_set),
            self._on_read, self._on_failed)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def _finish(self) -> None:
        self.read_button.setEnabled(True)
        self.progress.hide()
        self.cancel_button.hide()

    def _on_read(self, summary: object) -> None:
        from facilitator.reading import queries
        from facilitator.reading.ops import ReadSummary

        self._finish()
        assert isinstance(summary, ReadSummary)
        self.bus.publish(summary.changes)
        text = _("{counted} pages counted, {review} for review, {refused} refused.").format(
            counted=summary.count(queries.COUNTED), review=summary.count(queries.REVIEW),
            refused=summary.count(queries.REFUSED))
        if summary.cancelled:
            text = _("Cancelled. ") + text
        self.banner.show_message(text, "ok" if not summary.count(queries.REFUSED) else "error")
        self.refresh()

    def _on_failed(self, exc: Exception) -> None:
        self._finish()
        if isinstance(exc, UserError):
            self.refuse(exc.message)
        else:
            raise exc

    # -- the camera ----------------------------------------------------------------------------

    def _on_camera_seen(self, seen: Seen, frame: np.ndarray) -> None:
        """A paper held up to the camera: filed and entered as a scanned page is (off the GUI
        thread: saving its image takes a while)."""
        from facilitator.ballots.model import local_time
        from facilitator.reading import ops
        from facilitator.reading.sources import SourcePage

        if seen.reading is None:
            self.chime.play("check")
            self.refuse(_("That QR code is not a ballot paper: badges are read on the "
                          "Participants page, question cards on the Q&A page."))
            return
        reading = seen.reading
        name = _("camera at {time}").format(time=local_time(self.store.clock.now()))
        store, actor = self.store, self.actor
        self.tasks.run(lambda: ops.file_page(store, SourcePage(name, reading, frame),
                                             actor=actor),
                       lambda filed: self._on_camera_filed(seen, filed),
                       self._on_camera_failed)

    def _on_camera_filed(self, seen: Seen, filed: Filed) -> None:
        from facilitator.reading import queries

        assert seen.reading is not None
        read = seen.reading.read
        self.bus.publish(filed.changes)
        code = pretty(seen.text)
        if filed.status in (queries.COUNTED, queries.WAITING):
            self.chime.play("read")
            self.banner.show_message(
                _("✓ Paper {code} counted.").format(code=code) if filed.status == queries.COUNTED
                else _("✓ Page {page} of {pages} of paper {code} read: show its other "
                       "pages.").format(page=(read.page or 0) + 1, pages=read.pages or 1,
                                        code=code), "ok")
        elif filed.status == queries.REVIEW:
            self.chime.play("check")
            self.banner.show_message(_("Paper {code} waits for review: {why}.").format(
                code=code, why="; ".join(w.text for w in read.reasons)), "info")
        else:
            self.chime.play("check")
            self.refuse(filed.message or _("Paper {code} was not counted.").format(code=code))
        self.camera_filed.emit(filed)

    def _on_camera_failed(self, exc: Exception) -> None:
        if not isinstance(exc, UserError):
            raise exc
        self.chime.play("check")
        self.refuse(exc.message)
        self.camera_filed.emit(None)

    # -- review ------------------------------------------------------------------------------

    def current_id(self) -> int | None:
        item = self.queue.currentItem()
        return None if item is None else int(item.data(READ_ID))

    def _show_current(self) -> None:
        from facilitator.ballots import queries as ballot_queries
        from facilitator.reading import queries

        while self.rows.count():
            taken = self.rows.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        self.fields = {}
        read_id = self.current_id()
        has = read_id is not None
        self.confirm_button.setEnabled(has)
        self.dismiss_button.setEnabled(has)
        if read_id is None:
            self.title.setText(_("Nothing waits for review."))
            return
        read = queries.get_read(self.store, read_id)
        why = "; ".join(w.text for w in read.reasons)
        self.title.setText(_("{source}: {why}").format(source=read.source, why=why))
        if not read.answers or read.round_id is None:
            image = QLabel()
            if read.image is not None:
                image.setPixmap(QPixmap(str(read.image)).scaledToWidth(
                    480, Qt.TransformationMode.SmoothTransformation))
            self.rows.addWidget(image, 0, 0)
            self.rows.addWidget(QLabel(_("Nothing could be read: key this paper by hand, "
                                         "then set the page aside.")), 0, 1)
            return
        questions = ballot_queries.get_round(self.store, read.round_id).questions
        for row, q in enumerate(sorted(read.crops)):
            crop = QLabel()
            crop.setPixmap(QPixmap(str(read.crops[q])).scaledToWidth(
                520, Qt.TransformationMode.SmoothTransformation))
            said = QLabel(_("{n}. read as: {answer}").format(
                n=q + 1, answer=describe(questions[q], read.answers[q])))
            said.setWordWrap(True)
            field = QLineEdit()
            field.setPlaceholderText(_("correction (empty: as read)"))
            field.setAccessibleName(_("Correction of question {n}").format(n=q + 1))
            field.returnPressed.connect(self.confirm)  # one key, from the field too
            self.fields[q] = field
            box = QVBoxLayout()
            self.rows.addWidget(crop, row, 0)
            side = QWidget()
            side.setLayout(box)
            box.addWidget(said)
            box.addWidget(field)
            box.addStretch()
            self.rows.addWidget(side, row, 1)
        if self.fields:
            next(iter(self.fields.values())).setFocus()

    def confirm(self) -> None:
        from facilitator.ballots import queries as ballot_queries
        from facilitator.reading import ops, queries

        read_id = self.current_id()
        if read_id is None:
            return
        read = queries.get_read(self.store, read_id)
        corrections: dict[int, Answer] = {}
        if read.round_id is not None:
            questions = ballot_queries.get_round(self.store, read.round_id).questions
            for q, field in self.fields.items():
                if field.text().strip():
                    try:
                        corrections[q] = parse_correction(questions[q], field.text())
                    except CorrectionError as exc:
                        self.refuse(exc.message)
                        return
        self.run(lambda: ops.confirm(self.store, read_id, actor=self.actor,
                                     answers=corrections))

    def dismiss(self) -> None:
        from facilitator.reading import ops

        read_id = self.current_id()
        if read_id is not None:
            self.run(lambda: ops.dismiss(self.store, read_id, actor=self.actor))
