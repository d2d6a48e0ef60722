"""A generated corpus of marked ballot papers, photographed and scanned by program (issue 17).

Papers are rendered from our own PDFs (pypdfium2), marked by program in the boxes that
:func:`facilitator.reports.ballots.paper_layout` says are there (clean crosses, ticks, fills,
light and heavy strokes, slanted ticks, marks partly outside the box, an erased mark beside
the new one, stray marks on the paper, deliberately marginal marks), then either
*photographed* (perspective up to 30 degrees, rotation, scale, blur, noise, uneven light, a
soft shadow, JPEG quality 50, low resolution) or *scanned* (150-300 dpi, a slight skew, a
little noise). Everything is drawn from one seeded ``random.Random``: a slice is the same on
every run. Used by tests/unit/reading (a small slice) and tests/benchmarks/bench_reading.py.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pypdfium2

from facilitator.ballots.marks import Answer
from facilitator.ballots.questions import MULTI_CHOICE, SINGLE_CHOICE, Question, paper_grid
from facilitator.reports.ballot_layout import MarkBox, PaperLayout

STYLES = ("cross", "tick", "fill", "light", "heavy", "slanted", "outside", "erased")
"""How a voter marks a box. ``erased``: a rubbed-out mark in another box of the question
(the reader must send it to review: it is marginal); ``outside``: the mark starts in the
box and runs well out of it."""


def render(pdf: Path, dpi: int, pages: Sequence[int] | None = None) -> list[np.ndarray]:
    """Pages of ``pdf`` as grey images at ``dpi``."""
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        out = []
        for index in pages if pages is not None else range(len(document)):
            bitmap = document[index].render(scale=dpi / 72, grayscale=True)
            out.append(np.array(bitmap.to_numpy()[..., 0] if bitmap.to_numpy().ndim == 3
                                else bitmap.to_numpy()))
        return out
    finally:
        document.close()


@dataclass
class Marked:
    """A marked page and what is on it."""

    image: np.ndarray
    truth: dict[int, Answer]
    """The answer the voter meant, per question on the page."""
    must_review: set[int] = field(default_factory=set)
    """Questions marked so that a reader must send them to a person (marginal, erased)."""
    styles: dict[int, str] = field(default_factory=dict)
    stray: bool = False
    """A doodle or a fold line drawn away from the boxes."""


def _px(box: MarkBox, height: float, dpi: int) -> tuple[float, float, float, float]:
    s = dpi / 72
    return box.x * s, (height - box.y - box.h) * s, box.w * s, box.h * s


def _stroke(image: np.ndarray, points: Sequence[tuple[float, float]], ink: int,
            width: float) -> None:
    pts = np.array([[round(x * 16), round(y * 16)] for x, y in points], dtype=np.int32)
    cv2.polylines(image, [pts], False, ink, max(1, round(width)), cv2.LINE_AA, shift=4)


def draw_mark(image: np.ndarray, rect: tuple[float, float, float, float], style: str,
              rng: random.Random, dpi: int) -> None:
    x, y, w, h = rect
    mm = dpi / 25.4
    pen = rng.uniform(0.4, 0.7) * mm
    ink = rng.randint(0, 60)
    if style == "light":
        ink, pen = rng.randint(95, 120), 0.4 * mm
    if style == "heavy":
        pen = rng.uniform(1.0, 1.5) * mm

    def j(v: float) -> float:
        return v + rng.uniform(-0.08, 0.08) * w

    if style == "fill":
        pts = np.array([[j(x + 0.12 * w), j(y + 0.12 * h)], [j(x + 0.88 * w), j(y + 0.1 * h)],
                        [j(x + 0.9 * w), j(y + 0.88 * h)], [j(x + 0.1 * w), j(y + 0.9 * h)]])
        cv2.fillPoly(image, [np.round(pts).astype(np.int32)], ink, cv2.LINE_AA)
        return
    if style in ("tick", "slanted"):
        tilt = rng.uniform(-0.35, 0.35) if style == "slanted" else 0.0
        a = (x + 0.15 * w, y + 0.55 * h)
        b = (x + 0.42 * w, y + 0.85 * h)
        c = (x + 0.95 * w + tilt * w, y + 0.05 * h)
        _stroke(image, [(j(a[0]), j(a[1])), (j(b[0]), j(b[1])), (j(c[0]), j(c[1]))], ink, pen)
        return
    if style == "outside":
        dx, dy = rng.choice([(0.45, 0.0), (-0.45, 0.0), (0.0, 0.45), (0.0, -0.45)])
        x, y = x + dx * w, y + dy * h
    _stroke(image, [(j(x + 0.1 * w), j(y + 0.1 * h)), (j(x + 0.9 * w), j(y + 0.9 * h))], ink,
            pen)
    _stroke(image, [(j(x + 0.9 * w), j(y + 0.1 * h)), (j(x + 0.1 * w), j(y + 0.9 * h))], ink,
            pen)


def draw_marginal(image: np.ndarray, rect: tuple[float, float, float, float],
                  rng: random.Random, dpi: int) -> None:
    """A mark a reader cannot call: a short faint stroke or a small dot inside the box."""
    x, y, w, h = rect
    mm = dpi / 25.4
    cx, cy = x + w * rng.uniform(0.4, 0.6), y + h * rng.uniform(0.4, 0.6)
    if rng.random() < 0.5:
        cv2.circle(image, (round(cx), round(cy)), max(1, round(rng.uniform(0.55, 0.75) * mm)),
                   rng.randint(0, 60), -1, cv2.LINE_AA)
    else:
        _stroke(image, [(cx - 0.17 * w, cy), (cx + 0.17 * w, cy + 0.05 * h)],
                rng.randint(0, 60), 0.5 * mm)


def draw_erased(image: np.ndarray, rect: tuple[float, float, float, float],
                rng: random.Random, dpi: int) -> None:
    """What is left of a pencil cross rubbed out: a grey ghost of it."""
    x, y, w, h = rect
    ghost = np.full_like(image, 255)
    draw_mark(ghost, rect, "cross", rng, dpi)
    region = (slice(max(0, round(y - h)), round(y + 2 * h)),
              slice(max(0, round(x - w)), round(x + 2 * w)))
    faded = 255 - (255 - ghost[region].astype(np.float32)) * rng.uniform(0.2, 0.35)
    image[region] = np.minimum(image[region], faded.astype(np.uint8))


def choose_answer(question: Question, rng: random.Random) -> dict[int, int]:
    """A voter's intent: option -> column marked (0 for a one-box option)."""
    n = len(question.options)
    columns = paper_grid(question)
    if question.kind in SINGLE_CHOICE:
        return {} if rng.random() < 0.08 else {rng.randrange(n): 0}
    if question.kind in MULTI_CHOICE:
        limit = question.max_choices or n
        k = rng.randint(0, limit)
        return {i: 0 for i in rng.sample(range(n), k)}
    assert columns is not None
    if question.kind.value == "rank":
        k = rng.randint(1, min(n, len(columns)))
        return {option: rank for rank, option in enumerate(rng.sample(range(n), k))}
    return {i: rng.randrange(len(columns)) for i in range(n) if rng.random() < 0.8}


def answer_of(question: Question, chosen: dict[int, int]) -> Answer:
    columns = paper_grid(question)
    if columns is None:
        return Answer.choose(question, *chosen)
    return Answer.values(question, {i: columns[c] for i, c in chosen.items()})


def mark_page(image: np.ndarray, layout: PaperLayout, page: int,
              questions: Sequence[Question], rng: random.Random, dpi: int, *,
              style: str | None = None, marginal: float = 0.0,
              stray: float = 0.3) -> Marked:
    """Mark every question on ``page`` of a rendered paper. ``style`` None: one drawn at
    random per question; ``marginal``: the chance that a question also gets a mark no
    reader may call (it must then go to review)."""
    image = image.copy()
    marked = Marked(image, {})
    boxes = layout.pages[page].boxes
    for q in layout.questions_on(page):
        question = questions[q]
        chosen = choose_answer(question, rng)
        marked.truth[q] = answer_of(question, chosen)
        how = style or rng.choice(STYLES)
        marked.styles[q] = how
        mine = [b for b in boxes if b.question == q]
        at = {(b.option, b.column): b for b in mine}
        for option, column in chosen.items():
            draw_mark(image, _px(at[option, column], layout.height, dpi),
                      "cross" if how == "erased" else how, rng, dpi)
        free = [b for b in mine if chosen.get(b.option) != b.column]
        if how == "erased" and free:
            draw_erased(image, _px(rng.choice(free), layout.height, dpi), rng, dpi)
            marked.must_review.add(q)
        if marginal and rng.random() < marginal and free:
            draw_marginal(image, _px(rng.choice(free), layout.height, dpi), rng, dpi)
            marked.must_review.add(q)
    if rng.random() < stray:  # a doodle or a fold line away from the boxes
        marked.stray = True
        h, w = image.shape
        x = rng.uniform(0.6, 0.85) * w
        y = rng.uniform(0.3, 0.9) * h
        _stroke(image, [(x, y), (x + rng.uniform(20, 80), y + rng.uniform(-30, 30))],
                rng.randint(0, 80), 2)
    return marked


def photograph(page: np.ndarray, rng: random.Random, *, tilt: float = 30.0,
               side: int | None = None, damage: dict[str, float] | None = None
               ) -> np.ndarray:
    """``page`` as a phone photographs it: on a table, seen at up to ``tilt`` degrees,
    turned, scaled, blurred, noisy, unevenly lit, with a soft shadow, as a JPEG of quality 50,
    ``side`` pixels on its long side (random 900-2400 when None). ``damage``, if given, is
    filled with how much of each the photo got (tilt and turn in degrees, blur and noise in
    pixels, light the share of brightness between the frame's brightest and darkest side,
    shadow the share a shadow takes at its heart, side in pixels)."""
    h, w = page.shape
    side = side or rng.randint(900, 2400)
    record = damage if damage is not None else {}
    record["side"] = side
    out_w, out_h = side, round(side * 0.75)
    if rng.random() < 0.5:
        out_w, out_h = out_h, out_w
    # The page's corners seen by a camera: a rotation about a random axis in the page plane
    # by up to ``tilt`` degrees, then a turn in the image plane, a scale and a shift.
    angle = math.radians(rng.uniform(0, tilt))
    axis = rng.uniform(0, math.pi)
    turn = math.radians(rng.uniform(-180, 180))
    record["tilt"], record["turn"] = math.degrees(angle), math.degrees(turn)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64) - [w / 2, h / 2]
    ax, ay = math.cos(axis), math.sin(axis)
    focal = 1.2 * max(w, h)
    pts = []
    for x, y in corners:
        along = x * ax + y * ay
        across = -x * ay + y * ax
        z = along * math.sin(angle)
        along *= math.cos(angle)
        px, py = along * ax - across * ay, along * ay + across * ax
        f = focal / (focal + z)
        pts.append((px * f, py * f))
    pts_a = np.array(pts)
    c, s = math.cos(turn), math.sin(turn)
    pts_a = pts_a @ np.array([[c, s], [-s, c]])
    pts_a -= (pts_a.max(axis=0) + pts_a.min(axis=0)) / 2
    extent = pts_a.max(axis=0) - pts_a.min(axis=0)
    scale = min(out_w / extent[0], out_h / extent[1]) * rng.uniform(0.75, 0.95)
    pts_a = pts_a * scale
    pts_a += [out_w / 2 + rng.uniform(-0.03, 0.03) * out_w,
              out_h / 2 + rng.uniform(-0.03, 0.03) * out_h]
    matrix = cv2.getPerspectiveTransform(
        np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32), pts_a.astype(np.float32))
    table = np.full((out_h, out_w), rng.randint(60, 170), dtype=np.uint8)
    texture = np.random.default_rng(rng.getrandbits(32)).normal(0, 12, (out_h, out_w))
    background = np.clip(table + texture, 0, 255).astype(np.uint8)
    photo = cv2.warpPerspective(page, matrix, (out_w, out_h), flags=cv2.INTER_AREA,
                                borderMode=cv2.BORDER_TRANSPARENT, dst=background.copy())
    mask = cv2.warpPerspective(np.full_like(page, 255), matrix, (out_w, out_h))
    photo = np.where(mask > 127, photo, background).astype(np.float32)
    # Uneven light: a gradient across the frame; a soft shadow of a hand or a phone.
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    uneven = rng.uniform(0.0, 0.35)
    light = 1 - uneven * (gx * (xx / out_w - 0.5) + gy * (yy / out_h - 0.5) + 1) / 2
    record["light"], record["shadow"] = uneven * (abs(gx) + abs(gy)) / 2, 0.0
    if rng.random() < 0.5:
        shadow = np.zeros((out_h, out_w), dtype=np.float32)
        cx, cy = rng.uniform(0, out_w), rng.uniform(0, out_h)
        cv2.ellipse(shadow, (round(cx), round(cy)),
                    (round(out_w * rng.uniform(0.15, 0.4)), round(out_h * rng.uniform(0.1, 0.3))),
                    rng.uniform(0, 180), 0, 360, 1.0, -1)
        shadow = cv2.GaussianBlur(shadow, (0, 0), side * 0.04)
        record["shadow"] = rng.uniform(0.15, 0.4)
        light *= 1 - record["shadow"] * shadow
    photo *= light
    blur = rng.uniform(0, 1.6)
    record["blur"] = blur if blur > 0.3 else 0.0
    if blur > 0.3:
        photo = cv2.GaussianBlur(photo, (0, 0), blur)
    noise = np.random.default_rng(rng.getrandbits(32))
    record["noise"] = rng.uniform(2, 8)
    photo += noise.normal(0, record["noise"], photo.shape)
    result = np.clip(photo, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", result, [cv2.IMWRITE_JPEG_QUALITY, 50])
    assert ok
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


def scan(page: np.ndarray, rng: random.Random, render_dpi: int, dpi: int) -> np.ndarray:
    """``page`` (rendered at ``render_dpi``) as a sheet-fed scanner gives it at ``dpi``: a
    slight skew and shift, a little noise, JPEG compressed as scanners' PDFs are."""
    scale = dpi / render_dpi
    h, w = page.shape
    angle = rng.uniform(-1.0, 1.0)
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    matrix[:, 2] += [w * scale / 2 - w / 2 + rng.uniform(-5, 5) * scale,
                     h * scale / 2 - h / 2 + rng.uniform(-5, 5) * scale]
    out = cv2.warpAffine(page, matrix, (round(w * scale), round(h * scale)),
                         flags=cv2.INTER_AREA, borderValue=250)
    noisy = out.astype(np.float32) + np.random.default_rng(rng.getrandbits(32)).normal(
        0, 3, out.shape)
    result = np.clip(noisy, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", result, [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert ok
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


@dataclass
class Tally:
    """What the reader made of a corpus, question by question (and page by page)."""

    pages: int = 0
    pages_refused: int = 0
    """Pages sent whole to review (no paper found, a marker missing, the QR unreadable...)."""
    questions: int = 0
    right: int = 0
    """Read with full confidence, and right."""
    review: int = 0
    wrong: int = 0
    """Read with full confidence, and wrong: must stay 0."""
    marginal: int = 0
    marginal_caught: int = 0
    notes: list[str] = field(default_factory=list)
    why: dict[str, int] = field(default_factory=dict)
    """How often each reason sent a page or a question to review."""
    by_style: dict[str, list[int]] = field(default_factory=dict)
    """Per marking style: questions, right, review, wrong."""

    def _style(self, marked: Marked, q: int, outcome: int) -> None:
        counts = self.by_style.setdefault(marked.styles.get(q, "?"), [0, 0, 0, 0])
        counts[0] += 1
        counts[outcome] += 1

    def add(self, read: object, marked: Marked, name: str) -> None:
        from facilitator.reading.model import PageRead

        assert isinstance(read, PageRead)
        self.pages += 1
        self.marginal += len(marked.must_review)
        self.questions += len(marked.truth)
        for reason in read.reasons:
            self.why[reason.value] = self.why.get(reason.value, 0) + 1
        if read.problem is not None:
            self.pages_refused += 1
            self.review += len(marked.truth)
            self.marginal_caught += len(marked.must_review)
            for q in marked.truth:
                self._style(marked, q, 2)
            return
        for q in read.questions:
            if q.question in marked.must_review and q.confident:
                self.notes.append(f"{name} q{q.question + 1} ({marked.styles[q.question]}): "
                                  f"marginal mark not sent to review, scores {q.scores}")
            if not q.confident:
                self.review += 1
                self.marginal_caught += q.question in marked.must_review
                self._style(marked, q.question, 2)
            elif q.answer == marked.truth[q.question]:
                self.right += 1
                self._style(marked, q.question, 1)
            else:
                self.wrong += 1
                self._style(marked, q.question, 3)
                self.notes.append(f"{name} q{q.question + 1} ({marked.styles[q.question]}): "
                                  f"read {q.answer.marks}, meant {marked.truth[q.question].marks}"
                                  f", scores {q.scores}")

    def line(self, label: str) -> str:
        q = max(self.questions, 1)
        return (f"{label:<28} pages {self.pages:4d} (refused {self.pages_refused:3d})  "
                f"questions {self.questions:5d}  right {self.right / q:6.1%}  "
                f"review {self.review / q:6.1%}  WRONG {self.wrong}  "
                f"marginal sent to review {self.marginal_caught}/{self.marginal}\n"
                f"{'':28} why: " + ", ".join(f"{k} {v}" for k, v in sorted(self.why.items())))

    def short(self, label: str) -> str:
        """One line: pages, how many refused whole, and the questions' shares."""
        q, refused = max(self.questions, 1), self.pages_refused / max(self.pages, 1)
        return (f"{label:<30} pages {self.pages:4d}  refused {refused:6.1%}"
                f"  questions {self.questions:5d}  right {self.right / q:6.1%}  review "
                f"{self.review / q:6.1%}  WRONG {self.wrong}  marginal to review "
                f"{self.marginal_caught}/{self.marginal}")

    def style_lines(self, label: str) -> list[str]:
        """A line per marking style (questions of that style on the pages tallied)."""
        out = []
        for style, (n, right, review, wrong) in sorted(self.by_style.items()):
            out.append(f"{label + ' ' + style:<30} questions {n:5d}  right {right / n:6.1%}  "
                       f"review {review / n:6.1%}  WRONG {wrong}")
        return out
