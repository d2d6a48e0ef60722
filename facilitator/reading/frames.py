"""Reading from a camera: a stream of frames, a paper held up, read once (issue 17).

The camera (Qt Multimedia, in the desktop) hands every frame to :meth:`FrameReader.feed`;
recorded frames go through the same method in the tests. A frame showing a ballot paper is
read with :func:`facilitator.reading.image.read_image`; the paper is reported once the same
reading came from ``agree`` frames in a row (a paper still moving is not read half-way), and
not again while it is held up. A frame with any other QR code (a badge for check-in, a Q&A
card) reports that code, once.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

from facilitator.ballots.codes import is_ballot_code, normalise
from facilitator.reading.image import PaperFor, Reading, grey, read_image

QUICK_SIDE = 1280
"""Frames are searched for a QR code at no more than this size (pixels)."""


@dataclass(frozen=True)
class Seen:
    """What a camera saw: a ballot paper read (``reading``), or another QR code (``text``)."""

    text: str
    reading: Reading | None = None

    @property
    def is_paper(self) -> bool:
        return self.reading is not None


class FrameReader:
    def __init__(self, paper_for: PaperFor, *, agree: int = 2) -> None:
        self.paper_for = paper_for
        self.agree = agree
        self._last: tuple[object, ...] | None = None
        self._streak = 0
        self._paper: tuple[str, int] | None = None  # the paper reported, while held up
        self._code: str | None = None  # the other QR code reported, while held up

    def _codes(self, frame: np.ndarray) -> list[str]:
        gray = grey(frame)
        scale = min(1.0, QUICK_SIDE / max(gray.shape))
        if scale < 1.0:
            gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        found = zxingcpp.read_barcodes(
            gray, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
        return [b.text for b in found if b.text]

    def feed(self, frame: np.ndarray) -> Seen | None:
        """Look at one frame; what it (with the frames before it) shows, once, or None."""
        codes = self._codes(frame)
        others = [c for c in codes if not is_ballot_code(normalise(c))]
        if others and not any(is_ballot_code(normalise(c)) for c in codes):
            self._last, self._streak, self._paper = None, 0, None
            if others[0] == self._code:
                return None
            self._code = others[0]
            return Seen(others[0])
        reading = read_image(frame, self.paper_for)
        read = reading.read
        if read.code is None or read.page is None or reading.warped is None:
            self._last, self._streak = None, 0
            if not codes:  # nothing held up: the next paper may be the same one again
                self._paper = self._code = None
            return None
        key = (read.code, read.page, read.problem,
               tuple((q.question, q.answer, q.reasons) for q in read.questions))
        self._streak = self._streak + 1 if key == self._last else 1
        self._last = key
        if self._streak < self.agree or (read.code, read.page) == self._paper:
            return None
        self._paper, self._code = (read.code, read.page), None
        return Seen(read.code, reading)
