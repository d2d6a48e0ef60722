"""The image side of reading a paper, with OpenCV: find the page by its corner markers,
undo the perspective, read the QR code, score every box.

Nothing here decides what a mark means (:mod:`facilitator.reading.model` does); nothing is
written anywhere (:mod:`facilitator.reading.ops` files what was read). OpenCV and zxing-cpp
are imported with this module, which only the reader loads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

from facilitator.ballots.codes import is_ballot_code, normalise
from facilitator.ballots.questions import Question
from facilitator.reading.model import (
    MAX_WARP_ERROR_MM,
    BoxRead,
    PageRead,
    Why,
    read_question,
)
from facilitator.reports.ballot_layout import (
    MM,
    Corner,
    MarkBox,
    PaperLayout,
    marker_corners,
    marker_id,
    marker_meaning,
)
from facilitator.reports.ballots import MARGIN, QR_SIZE
from facilitator.reports.layout import page_size as page_size_of

DPI = 150
"""The resolution of the straightened page every box is scored on."""
PX = DPI / 72  # pixels a point
BORDER_BAND = 0.9
"""Millimetres either side of a box's printed outline blanked out before looking around it."""
NEAR = 2.5
"""Millimetres around a box where a mark running out of it is looked for."""
DETECT_SIDE = 1800
"""Markers are looked for on a copy no larger than this (pixels): fast on a 300 dpi scan."""
ENLARGE = 1.5
"""How much a photo is enlarged (and sharpened) when its markers are looked for again."""
REACH_FROM = 0.4
"""Darkness (smoothed) of the pixels whose spread across a box is its ``extent``: darker than
a rubbed-out ghost (at most about 0.35), so a ghost with a dash on it does not reach."""
FAINT_FROM = 0.1
"""Darkness (smoothed) from which a pixel is faintly grey: an erased mark's ghost."""
INK_FROM, INK_FULL = 0.18, 0.5
"""Darkness (1 - brightness / the paper's own) at which a pixel starts to count as ink, and
counts fully: a light pencil stroke counts in part, the paper's texture and noise not."""

Image = np.ndarray
PaperFor = Callable[[str, str], "tuple[PaperLayout, Sequence[Question]] | Why | None"]
"""The layout and questions of the paper with a code, printed on a paper size (None: not a
paper of this event)."""

_DICTIONARY = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_250)


def _detector(corners: int) -> cv2.aruco.ArucoDetector:
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = corners
    # Tuned on the generated photos (tests/reading_corpus.py): wider thresholding windows
    # for blurred, unevenly lit photos, smaller markers (a page far off), more bit errors
    # corrected (JPEG at quality 50). A wrong id cannot pass: four of one page must agree
    # with the page's geometry within MAX_WARP_ERROR_MM.
    params.adaptiveThreshWinSizeMin = 5
    params.adaptiveThreshWinSizeMax = 45
    params.adaptiveThreshWinSizeStep = 8
    params.minMarkerPerimeterRate = 0.015
    params.polygonalApproxAccuracyRate = 0.06
    params.perspectiveRemovePixelPerCell = 8
    params.perspectiveRemoveIgnoredMarginPerCell = 0.25
    params.errorCorrectionRate = 0.6
    # A missing marker is looked for where the others say it is, among the shapes the
    # detector set aside (refineDetectedMarkers): within 10 pixels, up to 3 bits wrong.
    refine = cv2.aruco.RefineParameters(minRepDistance=10.0, errorCorrectionRate=3.0,
                                        checkAllOrders=True)
    return cv2.aruco.ArucoDetector(_DICTIONARY, params, refine)


_DETECTOR = _detector(cv2.aruco.CORNER_REFINE_SUBPIX)
"""The first look: fast (about 130 ms on an 1800-pixel photo)."""
_CAREFUL = _detector(cv2.aruco.CORNER_REFINE_APRILTAG)
"""The second look, when the first did not find a page that lines up: AprilTag's quad finder
and corner refinement, two to four times slower, finds more markers in a small or blurred
photo and places their corners about three times more precisely (a median error of 0.15 mm
against 0.5 mm on 900-1300 pixel photos), so fewer pages fail the warp check by the
detector's own imprecision."""

Groups = dict[tuple[int, str], dict[Corner, np.ndarray]]
"""Markers found, by (page, paper size) and corner: each the marker's four corners in the
original image's pixels."""


@dataclass(frozen=True)
class Found:
    """A page found in an image: which page of which paper size, and the page straightened
    to :data:`DPI` (grey, y down), with how well its markers agreed."""

    page: int
    size: str
    warped: Image
    error_mm: float


def grey(image: Image) -> Image:
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


@dataclass(frozen=True)
class _Look:
    """One detection pass: the image looked at (a copy at ``scale``) and the shapes the
    detector set aside there (where a missing marker may be recovered)."""

    image: Image
    scale: float
    rejected: Sequence[np.ndarray]


def _markers(detector: cv2.aruco.ArucoDetector, image: Image, scale: float,
             groups: Groups) -> _Look:
    """Add our markers found in ``image`` (a copy at ``scale``) to ``groups``; a corner
    already there is kept (the earlier look is the more precise)."""
    corners, ids, rejected = detector.detectMarkers(image)
    _add(groups, corners, ids, scale)
    return _Look(image, scale, rejected)


def _add(groups: Groups, corners: Sequence[np.ndarray], ids: np.ndarray | None,
         scale: float) -> None:
    found: Groups = {}
    for quad, marker in zip(corners or (), [] if ids is None else ids.ravel(), strict=True):
        try:
            corner, page, size = marker_meaning(int(marker))
        except ValueError:
            continue
        points = np.asarray(quad, dtype=np.float32).reshape(4, 2) / scale
        known = found.setdefault((page, size), {})
        # The same marker found twice (a false one in a QR code or in text): the larger is
        # the printed one. The order OpenCV returns them in is not fixed.
        if corner not in known or cv2.contourArea(points) > cv2.contourArea(known[corner]):
            known[corner] = points
    for key, markers in found.items():
        for corner, points in markers.items():
            groups.setdefault(key, {}).setdefault(corner, points)


def _best(groups: Groups) -> tuple[tuple[int, str], dict[Corner, np.ndarray]] | None:
    return max(groups.items(), key=lambda item: len(item[1])) if groups else None


def _board(page: int, size: str) -> cv2.aruco.Board:
    """The page's four markers where the paper prints them (points, y down)."""
    width, height = page_size_of(size)
    return cv2.aruco.Board(
        [np.array([[x, y, 0.0] for x, y in marker_corners(c, width, height)],
                  dtype=np.float32) for c in Corner],
        _DICTIONARY, np.array([marker_id(c, page, size) for c in Corner], dtype=np.int32))


def _recover(groups: Groups, looks: Sequence[_Look]) -> None:
    """Look for the page's missing markers (two or three found) where the found ones say
    they are printed, among the shapes each look set aside (OpenCV's
    refineDetectedMarkers). What is recovered must still pass the warp check."""
    best = _best(groups)
    if best is None or not 2 <= len(best[1]) < 4:
        return
    (page, size), found = best
    board = _board(page, size)
    for look in reversed(looks):  # the enlarged look first: its candidates are sharper
        corners = [(found[c] * look.scale).reshape(1, 4, 2).astype(np.float32)
                   for c in found]
        ids = np.array([[marker_id(c, page, size)] for c in found], dtype=np.int32)
        corners_out, ids_out, _rejected, _recovered = _CAREFUL.refineDetectedMarkers(
            look.image, board, corners, ids, look.rejected)
        _add(groups, corners_out, ids_out, look.scale)
        if len(found) == 4:
            return


def _enlarged(small: Image) -> Image:
    """A small or blurred photo enlarged and sharpened, for a second look."""
    large = cv2.resize(small, None, fx=ENLARGE, fy=ENLARGE, interpolation=cv2.INTER_CUBIC)
    return cv2.addWeighted(large, 1.6, cv2.GaussianBlur(large, (0, 0), 2), -0.6, 0)


def _straighten(gray: Image, groups: Groups) -> Found | PageRead:
    """The page the most markers say, straightened, if all four are there and agree."""
    best = _best(groups)
    if best is None:
        return PageRead(problem=Why.NO_PAPER)
    (page, size), found = best
    if len(found) < 4:
        return PageRead(page=page, problem=Why.MISSING_MARKER,
                        detail=", ".join(c.name.lower() for c in Corner if c not in found))
    width, height = page_size_of(size)
    src = np.concatenate([found[c] for c in Corner]).astype(np.float32)
    dst = np.array([p for c in Corner for p in marker_corners(c, width, height)],
                   dtype=np.float32) * PX
    matrix, _mask = cv2.findHomography(src, dst, 0)
    if matrix is None:
        return PageRead(page=page, problem=Why.WARP)
    moved = cv2.perspectiveTransform(src.reshape(-1, 1, 2), matrix).reshape(-1, 2)
    error = float(np.max(np.linalg.norm(moved - dst, axis=1))) / PX / MM
    if error > MAX_WARP_ERROR_MM:
        return PageRead(page=page, problem=Why.WARP, warp_error_mm=error)
    size_px = (round(width * PX), round(height * PX))
    warped = cv2.warpPerspective(gray, matrix, size_px, flags=cv2.INTER_AREA,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    return Found(page, size, warped, error)


def find_page(image: Image) -> Found | PageRead:
    """The page, straightened; or a :class:`PageRead` saying why not (no paper, a marker
    missing, the corners not lining up).

    A fast first look; when it finds some of our markers but not four that line up, a
    careful one (:data:`_CAREFUL`), on an enlarged, sharpened copy too if markers are still
    missing, and a search for the missing ones where the others say they are. The markers
    of each look are kept apart (the first look's rough corners are not mixed with the
    careful ones'), and whatever is found must pass the same warp check: nothing is
    guessed."""
    gray = grey(image)
    scale = min(1.0, DETECT_SIDE / max(gray.shape))
    small = gray if scale == 1.0 else cv2.resize(gray, None, fx=scale, fy=scale,
                                                 interpolation=cv2.INTER_AREA)
    quick: Groups = {}
    _markers(_DETECTOR, small, scale, quick)
    first = _straighten(gray, quick)
    if isinstance(first, Found) or not quick:
        # Not one marker of ours: no paper in view (a camera's empty frames stay cheap).
        return first
    careful: Groups = {}
    looks = [_markers(_CAREFUL, small, scale, careful)]
    best = _best(careful)
    if best is None or len(best[1]) < 4:
        looks.append(_markers(_CAREFUL, _enlarged(small), scale * ENLARGE, careful))
    _recover(careful, looks)
    second = _straighten(gray, careful)
    if isinstance(second, Found):
        return second
    found = [len(g[1]) if (g := _best(groups)) else 0 for groups in (quick, careful)]
    return second if found[1] >= found[0] else first


def _codes(image: Image) -> list[str]:
    found = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return [c for c in (normalise(b.text) for b in found) if is_ballot_code(c)]


def read_code(found: Found, original: Image) -> str | None:
    """The ballot code of the QR code: read where the paper prints it (given a clean quiet
    zone), else anywhere in the original image. None when there is no single code."""
    width, _height = page_size_of(found.size)
    margin = 2 * MM
    x0 = round((width - MARGIN - QR_SIZE - margin) * PX)
    y0 = round((MARGIN - margin) * PX)
    side = round((QR_SIZE + 2 * margin) * PX)
    crop = found.warped[y0:y0 + side, x0:x0 + side]
    quiet = round(6 * MM * PX)
    padded = cv2.copyMakeBorder(crop, quiet, quiet, quiet, quiet, cv2.BORDER_CONSTANT,
                                value=255)
    codes = set(_codes(padded))
    if not codes:
        codes = set(_codes(grey(original)))
    return codes.pop() if len(codes) == 1 else None


def darkness(warped: Image) -> Image:
    """How much darker than the paper around it each pixel is (0 paper, 1 black): the
    page's brightness (shadows, uneven light) divided out. The paper's brightness is the
    brightest value within about 7 mm, so even a filled box is seen as dark."""
    factor = 8
    small = cv2.resize(warped, (warped.shape[1] // factor, warped.shape[0] // factor),
                       interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (11, 11))
    paper = cv2.GaussianBlur(cv2.dilate(small, kernel), (0, 0), 2)
    paper = cv2.resize(paper, (warped.shape[1], warped.shape[0]),
                       interpolation=cv2.INTER_LINEAR).astype(np.float32)
    return np.clip(1.0 - warped.astype(np.float32) / np.maximum(paper, 1.0), 0.0, 1.0)


def ink(dark: Image) -> Image:
    """Each pixel's share of ink, 0 to 1, from its darkness: a light pencil stroke counts in
    part, the paper's texture and noise not at all."""
    return np.clip((dark - INK_FROM) / (INK_FULL - INK_FROM), 0.0, 1.0)


def box_region(box: MarkBox, height: float) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) pixels of the inside of ``box`` that is scored: the box less its
    printed border and a safety band for a slightly bent page."""
    inset = 0.2 * min(box.w, box.h) + 0.4 * MM
    x0, x1 = (box.x + inset) * PX, (box.x + box.w - inset) * PX
    top = height - box.y - box.h
    y0, y1 = (top + inset) * PX, (top + box.h - inset) * PX
    return round(x0), round(y0), round(x1), round(y1)


def score_boxes(warped: Image, boxes: Sequence[MarkBox], height: float) -> list[BoxRead]:
    """Each box's five figures (:class:`facilitator.reading.model.BoxRead`): the ink inside
    it, how dark its strokes are, and the ink just around it once the printed outlines of
    the boxes are blanked out (a mark that runs out of its box, or sits beside it), and how
far across the box its ink reaches (a cross or a tick crosses it, a dot does not), and how
much of it is faintly grey (a rubbed-out mark)."""
    dark = darkness(warped)
    inked = ink(dark)
    smooth = cv2.GaussianBlur(dark, (0, 0), 1.0)  # the noise of a dim photo averaged out
    faint = smooth > FAINT_FROM
    bare = inked.copy()
    band = round(BORDER_BAND * MM * PX)
    for box in boxes:  # blank out the printed outlines, leaving what a voter drew
        x0, y0 = round(box.x * PX), round((height - box.y - box.h) * PX)
        x1, y1 = round((box.x + box.w) * PX), round((height - box.y) * PX)
        cv2.rectangle(bare, (x0, y0), (x1, y1), 0.0, 2 * band + 1)
    reads = []
    near = round(NEAR * MM * PX)
    for box in boxes:
        x0, y0, x1, y1 = box_region(box, height)
        inside = inked[y0:y1, x0:x1]
        strokes = smooth[y0:y1, x0:x1][inside > 0.5]
        stroke = float(np.percentile(strokes, 90)) if strokes.size >= 4 else 0.0
        inked_px = smooth[y0:y1, x0:x1] >= REACH_FROM  # how far the ink proper reaches
        extent = min(float(inked_px.any(axis=0).mean()), float(inked_px.any(axis=1).mean())
                     ) if inked_px.size else 0.0
        bx0, by0 = round(box.x * PX) - near, round((height - box.y - box.h) * PX) - near
        bx1, by1 = round((box.x + box.w) * PX) + near, round((height - box.y) * PX) + near
        around = bare[max(0, by0):by1, max(0, bx0):bx1]
        reads.append(BoxRead(box, float(inside.mean()), stroke, float(around.mean()),
                             extent, float(faint[y0:y1, x0:x1].mean())))
    return reads


def question_crop(warped: Image, layout: PaperLayout, page: int, question: int) -> Image:
    """The part of the straightened page that shows ``question``'s boxes and their labels,
    for the person who reviews it."""
    boxes = [b for b in layout.pages[page].boxes if b.question == question]
    top = layout.height - max(b.y + b.h for b in boxes) - 20 * MM  # with the question
    bottom = layout.height - min(b.y for b in boxes) + 3 * MM
    y0, y1 = max(0, round(top * PX)), min(warped.shape[0], round(bottom * PX))
    x0, x1 = round((MARGIN - 3 * MM) * PX), round((layout.width - MARGIN + 3 * MM) * PX)
    return warped[y0:y1, x0:x1]


@dataclass(frozen=True)
class Reading:
    """What one image gave: the :class:`PageRead`, and the straightened page (None when no
    page was found) with the layout it was read by."""

    read: PageRead
    warped: Image | None = None
    layout: PaperLayout | None = None


def read_image(image: Image, paper_for: PaperFor) -> Reading:
    """Read one photo or scanned page of a ballot paper."""
    found = find_page(image)
    if isinstance(found, PageRead):
        return Reading(found)
    code = read_code(found, image)
    if code is None:
        return Reading(PageRead(page=found.page, problem=Why.QR,
                                warp_error_mm=found.error_mm), found.warped)
    paper = paper_for(code, found.size)
    if paper is None or isinstance(paper, Why):  # not ours, or ours but not to be read
        return Reading(PageRead(code=code, page=found.page, problem=paper or Why.UNKNOWN_PAPER,
                                warp_error_mm=found.error_mm), found.warped)
    layout, questions = paper
    if layout.size != found.size or found.page >= len(layout.pages):
        return Reading(PageRead(code=code, page=found.page, problem=Why.UNKNOWN_PAPER,
                                detail=f"{found.size} page {found.page + 1}",
                                warp_error_mm=found.error_mm), found.warped)
    boxes = layout.pages[found.page].boxes
    reads = score_boxes(found.warped, boxes, layout.height)
    read = PageRead(code=code, page=found.page, pages=len(layout.pages),
                    questions=tuple(
                        read_question(q, questions[q], [r for r in reads if r.box.question == q])
                        for q in layout.questions_on(found.page)),
                    warp_error_mm=found.error_mm)
    return Reading(read, found.warped, layout)
