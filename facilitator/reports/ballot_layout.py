"""Where everything a reader needs is on a ballot paper: corner markers, QR code, mark boxes.

Pure data and arithmetic (no reportlab, no OpenCV), shared by the PDF writer
(:mod:`facilitator.reports.ballots`, which computes a paper's :class:`PaperLayout` with
:func:`facilitator.reports.ballots.paper_layout`) and the reader (:mod:`facilitator.reading`,
which recomputes the same layout from the round's questions once the QR code has named the
paper). Coordinates are PDF points from the lower-left corner of the page.

Corner markers are ArUco markers of OpenCV's ``DICT_4X4_250`` dictionary, drawn as vectors.
Each of the four corners has its own marker, so a reader knows which corner is which
(rotation, upside-down, mirrored page all recovered), and the marker's number also says
which page of the paper it is and the paper size::

    id = corner + 4 * (size + 2 * page)      corner 0..3 (TL, TR, BR, BL), size 0 A4 / 1 letter

A question whose answer is a number per option (rank, score, dots, grades) is printed as a
grid when its values fit in ``GRID_MAX_COLUMNS`` columns
(:func:`facilitator.ballots.questions.paper_grid`): one box per value, one mark per row, so
every question is read with the same mark detector and nobody's handwriting has to be
recognised (the grid of US ranked-choice ballots, NYC and Maine).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from facilitator.ballots.questions import Kind, Question, paper_grid

MM = 72 / 25.4
MARKER = 9 * MM
"""Side of a corner marker, its black border included (6 cells of 1.5 mm)."""
MARKER_INSET = 5 * MM
"""From the paper's edges to a marker: inside what office printers print (about 4 mm),
outside the 15 mm margin of the text."""
MARKER_CELLS = 6
PAGE_SIZES = ("A4", "letter")
MAX_PAGES = 31
"""Pages of one paper the markers can number (62 marker quadruples in the dictionary)."""


class Corner(IntEnum):
    TOP_LEFT = 0
    TOP_RIGHT = 1
    BOTTOM_RIGHT = 2
    BOTTOM_LEFT = 3


def size_name(name: str) -> str:
    """``A4`` or ``letter``, as :func:`facilitator.reports.layout.page_size` reads it."""
    return "letter" if name.lower() == "letter" else "A4"


def marker_id(corner: Corner, page: int, size: str) -> int:
    """The ArUco id printed at ``corner`` of page ``page`` (0-based) of a paper."""
    if not 0 <= page < MAX_PAGES:
        raise ValueError(f"page {page} is beyond what the markers can number")
    return int(corner) + 4 * (PAGE_SIZES.index(size_name(size)) + 2 * page)


def marker_meaning(marker: int) -> tuple[Corner, int, str]:
    """(corner, page, paper size) of an ArUco id printed by :func:`marker_id`."""
    if not 0 <= marker < 4 * 2 * MAX_PAGES:
        raise ValueError(f"no paper prints the marker {marker}")
    rest, corner = divmod(marker, 4)
    page, size = divmod(rest, 2)
    return Corner(corner), page, PAGE_SIZES[size]


def marker_bits(marker: int) -> tuple[tuple[bool, ...], ...]:
    """The 4x4 inner cells of ArUco ``DICT_4X4_250`` marker ``marker``, row by row from the
    top; True is a white cell (a test compares every one with OpenCV's dictionary)."""
    word = _DICT_4X4_250[marker]
    return tuple(tuple(bool(word >> (15 - (4 * r + c)) & 1) for c in range(4))
                 for r in range(4))


def marker_origin(corner: Corner, width: float, height: float) -> tuple[float, float]:
    """Lower-left corner of the marker at ``corner`` of a ``width`` x ``height`` page."""
    left, right = MARKER_INSET, width - MARKER_INSET - MARKER
    top, bottom = height - MARKER_INSET - MARKER, MARKER_INSET
    return {Corner.TOP_LEFT: (left, top), Corner.TOP_RIGHT: (right, top),
            Corner.BOTTOM_RIGHT: (right, bottom), Corner.BOTTOM_LEFT: (left, bottom)}[corner]


def marker_corners(corner: Corner, width: float, height: float
                   ) -> tuple[tuple[float, float], ...]:
    """The four outer corners of a marker in the order OpenCV reports them for an upright
    marker (top-left, top-right, bottom-right, bottom-left), in points from the page's
    top-left corner (y down, as in an image)."""
    x, y = marker_origin(corner, width, height)
    top = height - y - MARKER
    return ((x, top), (x + MARKER, top), (x + MARKER, top + MARKER), (x, top + MARKER))


def grid_values(question: Question) -> tuple[int, ...] | None:
    """The number each column of the question's grid stands for, or None (one box per
    option): :func:`facilitator.ballots.questions.paper_grid`, the one rule."""
    return paper_grid(question)


def grid_labels(question: Question) -> tuple[str, ...]:
    """The heads of a grid's columns: the grades, or the numbers."""
    if question.kind is Kind.JUDGMENT:
        return tuple(question.grades)
    return tuple(str(v) for v in grid_values(question) or ())


@dataclass(frozen=True)
class MarkBox:
    """One box to mark: for ``question`` (0-based), ``option`` (row), ``column`` (0 for a
    question with one box per option; the grid's column otherwise)."""

    question: int
    option: int
    column: int
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class PageLayout:
    boxes: tuple[MarkBox, ...]


@dataclass(frozen=True)
class PaperLayout:
    """Everything on a paper a reader looks for, the same on every paper of a round."""

    width: float
    height: float
    size: str
    pages: tuple[PageLayout, ...]
    qr: tuple[float, float, float]
    """(x, y, side) of the QR code's lower-left corner, on every page."""

    def questions_on(self, page: int) -> tuple[int, ...]:
        return tuple(sorted({b.question for b in self.pages[page].boxes}))


_DICT_4X4_250 = (
    0xB532, 0x0F9A, 0x332D, 0x9946, 0x549E, 0x79CD, 0x9E2E, 0xC4F2, 0xFEDA, 0xCF56, 0xF991,
    0x11A7, 0x0EB7, 0x2A0F, 0x24B1, 0x263E, 0x4665, 0x6600, 0x6C5E, 0x76AF, 0x868B, 0xB02B,
    0xCCD5, 0xDD82, 0xFE47, 0x9471, 0xACE4, 0xA554, 0x2123, 0x346F, 0x4415, 0x57B2, 0x9ECF,
    0xF0CB, 0x08AE, 0x0929, 0x1875, 0x04FF, 0x0DF6, 0x1C5A, 0x1718, 0x2A28, 0x328C, 0x38B2,
    0x24E8, 0x2EEB, 0x2D3F, 0x4B64, 0x502E, 0x5013, 0x5194, 0x5568, 0x5D41, 0x5F97, 0x6801,
    0x6867, 0x6124, 0x61E9, 0x6B12, 0x6FE5, 0x67DF, 0x7E1B, 0x80A0, 0x8344, 0x8BA2, 0x937A,
    0x846C, 0x852A, 0x859C, 0x9C89, 0x9FA1, 0xBB7C, 0xBC04, 0xB65B, 0xBFC8, 0xB7AB, 0xCA1F,
    0xC962, 0xD958, 0xD3D5, 0xCC98, 0xC7A0, 0xC537, 0xE95D, 0xF925, 0xFBBB, 0xEE2A, 0xF74D,
    0x3575, 0x8AAD, 0x7617, 0x0ACF, 0x064B, 0x2DC1, 0x49D8, 0x43F4, 0x4F36, 0x4FD3, 0x69E4,
    0x70C7, 0x7A6E, 0xB4EA, 0xED4F, 0xFCE7, 0xFEA6, 0x0025, 0x0043, 0x0A88, 0x0A86, 0x026F,
    0x001C, 0x0097, 0x0837, 0x0A31, 0x09C6, 0x0B01, 0x09FB, 0x0B58, 0x1082, 0x182D, 0x1078,
    0x1073, 0x1274, 0x12B1, 0x1AF9, 0x1306, 0x0C0E, 0x0CF1, 0x0433, 0x0C9F, 0x0EF2, 0x0EFD,
    0x074C, 0x0FA4, 0x072F, 0x05B5, 0x0F91, 0x07DB, 0x1EE4, 0x1439, 0x1D80, 0x15C8, 0x1F8B,
    0x15BA, 0x1DB1, 0x2080, 0x28E9, 0x22A2, 0x2853, 0x2AF0, 0x22F7, 0x2940, 0x2146, 0x29B9,
    0x2B9C, 0x2BB2, 0x38CA, 0x382E, 0x3007, 0x38E7, 0x3A49, 0x3A65, 0x325D, 0x3B88, 0x391D,
    0x3BD3, 0x2647, 0x2780, 0x2FAA, 0x2D14, 0x25DE, 0x2553, 0x2F77, 0x3448, 0x3CA8, 0x3C41,
    0x340D, 0x34FB, 0x369A, 0x3DE0, 0x356A, 0x3D09, 0x3DED, 0x3FC4, 0x3F6C, 0x37CE, 0x3D5C,
    0x3D76, 0x37B0, 0x3F17, 0x3FFF, 0x48E5, 0x4268, 0x4A2D, 0x4160, 0x4951, 0x41DD, 0x4BDF,
    0x584F, 0x5A48, 0x5816, 0x505D, 0x5AFA, 0x5AB5, 0x5123, 0x5B8A, 0x5919, 0x5135, 0x4C69,
    0x46C1, 0x4E0B, 0x445F, 0x4E59, 0x4D83, 0x4D7D, 0x47D8, 0x4773, 0x5C85, 0x5E44, 0x562B,
    0x5CBB, 0x55C3, 0x5F6E, 0x5FEB, 0x5D12, 0x555E, 0x6270, 0x6215, 0x61C2, 0x6B20, 0x6345,
    0x6B5C, 0x6B5B, 0x780C, 0x7ACF, 0x787F, 0x7980, 0x71E5, 0x7174, 0x79B6, 0x71D3, 0x7B33,
    0x646A, 0x66A8, 0x6EA7, 0x6E91, 0x6522, 0x6DCB, 0x678D, 0x6D31
)
