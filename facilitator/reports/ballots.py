"""Paper ballots as a PDF: one paper per page (or more, for a long ballot), each with its code.

Every page carries the paper's QR code (just the 9-character code, so a USB scanner types it
and Enter) and the code in print for typing, large mark boxes, the round's title and
instructions. The layout of the questions is the same on every paper, so it is worked out
once and replayed; only the code changes. The fixed texts ("Mark ONE box") are printed in
the paper's language when a catalogue for it exists: the one recorded with its code when
it was issued (:attr:`PaperCode.language`), which the reader takes too, so a paper is read
against the boxes it was printed with whatever language the app is in by then.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from facilitator.ballots.codes import pretty
from facilitator.ballots.model import BallotRound, PaperCode
from facilitator.ballots.questions import PER_OPTION, Kind, Question, Translate, format_amount
from facilitator.i18n import DOMAIN, N_
from facilitator.i18n import language as ui_language
from facilitator.paths import resource_path
from facilitator.reports.ballot_layout import (
    MARKER,
    MARKER_CELLS,
    MAX_PAGES,
    Corner,
    MarkBox,
    PageLayout,
    PaperLayout,
    grid_labels,
    grid_values,
    marker_bits,
    marker_id,
    marker_origin,
    size_name,
)
from facilitator.reports.fonts import register
from facilitator.reports.layout import Mirror, is_rtl, start_alignment
from facilitator.reports.layout import page_size as page_size_of

MM = 72 / 25.4
MARGIN = 15 * MM
BOX = 10 * MM  # a mark box: large enough for a shaky cross, or a number written in it
DENSITIES = (  # (box, gap between option rows, space above a question), tried in turn
    (BOX, 3 * MM, 4 * MM),
    (8 * MM, 2 * MM, 2.5 * MM),  # a paper that then fits on one sheet is set tighter:
    (7 * MM, 1.5 * MM, 2 * MM),  # boxes still far larger than a form's 5 mm ones
)
_TYPE = (  # question, its leading, hint, its leading, option, its leading (points)
    (14, 18, 11, 14, 14, 17),
    (12.5, 15.5, 10, 12.5, 12.5, 15),
    (12, 14.5, 9.5, 11.5, 12, 14),
)
QR_SIZE = 36 * MM
HEADER = 50 * MM  # height reserved at the top of every page for the title, code and QR
FOOTER = 14 * MM
INK = (0.07, 0.09, 0.15)
GREY = (0.35, 0.38, 0.43)
RULE = (0.6, 0.63, 0.68)

Draw = Callable[[Any], None]
MAX_MARKED_PAGE = MAX_PAGES - 1  # later pages repeat the last number: read by hand


def translator(language: str | None) -> Translate:
    """gettext for ``language`` (the UI's when None), English when there is no catalogue."""
    lang = language or ui_language()
    return gettext.translation(DOMAIN, localedir=str(resource_path("locale")),
                               languages=[lang], fallback=True).gettext


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR modules for ``text`` (medium error correction, no quiet zone)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    qr.add_data(text)
    qr.make(fit=True)
    return [[bool(cell) for cell in row] for row in qr.get_matrix()]


def draw_qr(canvas: Any, text: str, x: float, y: float, size: float) -> None:
    """Draw a QR code with its lower-left corner at (x, y), as vector squares (runs merged,
    so there are no hairline seams for a camera to trip on)."""
    matrix = qr_matrix(text)
    n = len(matrix)
    module = size / n
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            path.rect(x + start * module, y + size - (r + 1) * module,
                      (c - start) * module, module)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


@dataclass
class _Styles:
    title: Any
    body: Any
    small: Any
    question: Any
    hint: Any
    option: Any
    grade: Any


def _styles(density: int = 0, rtl: bool = False) -> _Styles:
    """The paper's type; a ``density`` above 0 sets the questions a little smaller (not the
    header). ``rtl``: the paper's language reads right to left (lines start at the right)."""
    from reportlab.lib.colors import Color
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = register()
    ink, grey = Color(*INK), Color(*GREY)
    q_size, q_lead, hint_size, hint_lead, o_size, o_lead = _TYPE[density]
    side = start_alignment(rtl)
    return _Styles(
        title=ParagraphStyle("title", fontName=bold, fontSize=19, leading=23, textColor=ink,
                             alignment=side),
        body=ParagraphStyle("body", fontName=regular, fontSize=11, leading=14, textColor=ink,
                            alignment=side),
        small=ParagraphStyle("small", fontName=regular, fontSize=9, leading=11,
                             textColor=grey, alignment=side),
        question=ParagraphStyle("question", fontName=bold, fontSize=q_size, leading=q_lead,
                                textColor=ink, alignment=side),
        hint=ParagraphStyle("hint", fontName=regular, fontSize=hint_size, leading=hint_lead,
                            textColor=grey, alignment=side),
        option=ParagraphStyle("option", fontName=regular, fontSize=o_size, leading=o_lead,
                              textColor=ink, alignment=side),
        grade=ParagraphStyle("grade", fontName=bold, fontSize=9, leading=11, textColor=ink,
                             alignment=TA_CENTER),
    )


class _Layout:
    """Lays the questions out once, into pages of drawing steps below the header.

    ``density`` (an index of ``DENSITIES``): smaller boxes, type and gaps, tried when the
    questions take more than one page at the full size, and used if the paper then fits on
    one page (fewer sheets to print, hand out and key: issue 13). The margins, the header
    and the QR code are the same at every density.

    ``rtl``: a paper in a right-to-left language is laid out in a mirror (boxes at the right
    of their options, a grid's first column nearest its option); every x goes through
    ``self.mirror``, so the boxes the reader looks for (:attr:`boxes`) are where they are
    drawn."""

    def __init__(self, width: float, height: float, styles: _Styles, tr: Translate,
                 density: int = 0, rtl: bool = False) -> None:
        self.box, self.gap, self.space = DENSITIES[density]
        self.width = width
        self.mirror = Mirror(0, width, rtl)
        self.inner = width - 2 * MARGIN
        self.top = height - MARGIN - HEADER
        self.bottom = MARGIN + FOOTER
        self.styles = styles
        self.tr = tr
        self.pages: list[list[Draw]] = [[]]
        self.boxes: list[list[MarkBox]] = [[]]  # where the reader looks (ballot_layout)
        self.question_index = 0
        self.y = self.top

    def _para(self, text: str, style: Any, width: float) -> tuple[Any, float]:
        from reportlab.platypus import Paragraph

        para = Paragraph(escape(text).replace("\n", "<br/>"), style)
        _w, h = para.wrap(width, 10_000)
        return para, h

    def _new_page(self) -> None:
        self.pages.append([])
        self.boxes.append([])
        self.y = self.top

    def _mark_box(self, option: int, column: int, x: float, y: float, w: float,
                  h: float) -> None:
        x = self.mirror.x(x, w)
        self.pages[-1].append(partial(_box_at, x, y, w, h))
        self.boxes[-1].append(MarkBox(self.question_index, option, column, x, y, w, h))

    def _room(self, needed: float) -> None:
        if self.y - needed < self.bottom and self.y < self.top:
            self._new_page()

    def _put(self, para: Any, x: float, width: float, height: float) -> None:
        y = self.y - height
        self.pages[-1].append(partial(_draw_para, para, self.mirror.x(x, width), y))
        self.y = y

    def _flow(self, para: Any, x: float, width: float) -> None:
        """Put ``para``, split across pages where it is taller than the room left (a
        question or option of thousands of characters must not run off the paper)."""
        _w, h = para.wrap(width, 10_000)
        while self.y - h < self.bottom:
            parts = para.split(width, self.y - self.bottom)
            if len(parts) < 2:
                if self.y < self.top:
                    self._new_page()
                    _w, h = para.wrap(width, 10_000)  # a refused split drops the wrap
                    continue
                break  # not even one line fits a page: nothing better to do
            first, para = parts
            _w, first_h = first.wrap(width, 10_000)
            self._put(first, x, width, first_h)
            self._new_page()
            _w, h = para.wrap(width, 10_000)
        self._put(para, x, width, h)

    def question(self, number: int, q: Question) -> None:
        self.question_index = number - 1
        title, th = self._para(f"{number}. {q.text}", self.styles.question, self.inner)
        how = q.how_to_vote(self.tr)  # the one wording, as on the phone and the editor
        decided = q.decided_by(self.tr)  # the rule is on the paper, fixed before any vote
        if decided:
            how += " " + decided
        hint, hh = self._para(how, self.styles.hint, self.inner)
        note = self._para(q.note, self.styles.hint, self.inner) if q.note else None
        head = th + hh + (note[1] if note else 0) + self.space + 2 * self.gap - 1 * MM
        whole = head + self._options_height(q) + self.gap
        # Keep a question on one page when it fits on one; a very long one flows on.
        self._room(whole if whole <= self.top - self.bottom else head + self.box + 4 * MM)
        self.y -= self.space
        self._flow(title, MARGIN, self.inner)
        self.y -= 1 * MM
        self._flow(hint, MARGIN, self.inner)
        if note:
            self.y -= 1 * MM
            self._flow(note[0], MARGIN, self.inner)
        self.y -= self.gap
        if grid_values(q) is not None:
            self._grid(q)
        else:
            self._rows(q)
        self.y -= self.gap
        y = self.y
        self.pages[-1].append(partial(_hline_at, MARGIN, self.width - MARGIN, y))

    def _options_height(self, q: Question) -> float:
        if grid_values(q) is not None:
            label_w, col = self._grid_columns(q)
            head = max(self._para(g, self.styles.grade, col - 2 * MM)[1]
                       for g in grid_labels(q))
            box = min(self.box, col - 4 * MM)
            return head + 2 * MM + sum(
                max(box, self._para(o, self.styles.option, label_w - 3 * MM)[1]) + self.gap
                for o in q.options)
        label_w = self._label_width(q)
        return sum(max(self.box, self._para(o, self.styles.option, label_w)[1]) + self.gap
                   for o in q.options)

    def _label_width(self, q: Question) -> float:
        box_w = self.box * (1.5 if q.kind in PER_OPTION and grid_values(q) is None else 1)
        cost_w = 32 * MM if q.kind is Kind.BUDGET else 0
        return self.inner - box_w - 5 * MM - cost_w

    def _grid_columns(self, q: Question) -> tuple[float, float]:
        label_w = min(70 * MM, self.inner * 0.38)
        return label_w, (self.inner - label_w) / len(grid_labels(q))

    def _rows(self, q: Question) -> None:
        number_box = q.kind in PER_OPTION  # a number to write: more values than a grid holds
        box, gap = self.box, self.gap
        box_w = box * (1.5 if number_box else 1)
        label_x = MARGIN + box_w + 5 * MM
        label_w = self._label_width(q)
        for index, option in enumerate(q.options):
            para, h = self._para(option, self.styles.option, label_w)
            row = max(box, h) + gap
            if self.y - row < self.bottom:
                self._new_page()
            top = self.y
            box_y = top - (row - gap) / 2 - box / 2
            cost = format_amount(q.projects[index].cost) if q.kind is Kind.BUDGET else ""
            if row > top - self.bottom:  # taller than a page: box at the top, text flows on
                box_y = top - box
                self._mark_box(index, 0, MARGIN, box_y, box_w, box)
                if cost:
                    self.pages[-1].append(partial(_end_text_at, self.mirror,
                                                  self.width - MARGIN, box_y + box / 2 - 4,
                                                  cost))
                self._flow(para, label_x, label_w)
                self.y -= gap
                continue
            self._mark_box(index, 0, MARGIN, box_y, box_w, box)
            self._put(para, label_x, label_w, (row - gap) / 2 + h / 2)
            if cost:
                self.pages[-1].append(partial(_end_text_at, self.mirror, self.width - MARGIN,
                                              box_y + box / 2 - 4, cost))
            self.y = top - row

    def _grid(self, q: Question) -> None:
        label_w, col = self._grid_columns(q)
        heads = [self._para(g, self.styles.grade, col - 2 * MM) for g in grid_labels(q)]
        head_h = max(h for _p, h in heads)

        def header() -> None:
            top = self.y
            for i, (para, h) in enumerate(heads):
                x = self.mirror.x(MARGIN + label_w + i * col + 1 * MM, col - 2 * MM)
                y = top - head_h + (head_h - h)
                self.pages[-1].append(partial(_draw_para, para, x, y))
            self.y = top - head_h - 2 * MM

        self._room(head_h + self.box + 6 * MM)
        header()
        box, gap = min(self.box, col - 4 * MM), self.gap
        for option, text in enumerate(q.options):
            para, h = self._para(text, self.styles.option, label_w - 3 * MM)
            row = max(box, h) + gap
            if self.y - row < self.bottom:
                self._new_page()
                header()
            top = self.y
            box_y = top - (row - gap) / 2 - box / 2
            if row > top - self.bottom:  # taller than a page: boxes at the top, text flows on
                box_y = top - box
                for i in range(len(heads)):
                    x = MARGIN + label_w + i * col + (col - box) / 2
                    self._mark_box(option, i, x, box_y, box, box)
                self._flow(para, MARGIN, label_w - 3 * MM)
                self.y -= gap
                continue
            for i in range(len(heads)):
                x = MARGIN + label_w + i * col + (col - box) / 2
                self._mark_box(option, i, x, box_y, box, box)
            self._put(para, MARGIN, label_w - 3 * MM, (row - gap) / 2 + h / 2)
            self.y = top - row


def _lines(text: str, style: Any, width: float, most: int) -> str:
    """``text`` cut with an ellipsis so that it takes at most ``most`` lines."""
    from reportlab.platypus import Paragraph

    def height(candidate: str) -> float:
        return float(Paragraph(escape(candidate), style).wrap(width, 10_000)[1])

    if height(text) <= style.leading * most + 1:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its ellipsis
        mid = (low + high + 1) // 2
        if height(text[:mid].rstrip() + "…") <= style.leading * most + 1:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"


def _draw_para(para: Any, x: float, y: float, canvas: Any) -> None:
    para.drawOn(canvas, x, y)


def _box_at(x: float, y: float, w: float, h: float, canvas: Any) -> None:
    _box(canvas, x, y, w, h)


def _hline_at(x1: float, x2: float, y: float, canvas: Any) -> None:
    _hline(canvas, x1, x2, y)


def _end_text_at(mirror: Mirror, x: float, y: float, text: str, canvas: Any) -> None:
    _end_text(canvas, mirror, x, y, text)


def _box(canvas: Any, x: float, y: float, w: float, h: float) -> None:
    canvas.saveState()
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setLineWidth(1.6)
    canvas.rect(x, y, w, h, stroke=1, fill=0)
    canvas.restoreState()


def _hline(canvas: Any, x1: float, x2: float, y: float) -> None:
    canvas.saveState()
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.6)
    canvas.line(x1, y, x2, y)
    canvas.restoreState()


def _end_text(canvas: Any, mirror: Mirror, x: float, y: float, text: str) -> None:
    """``text`` ending at ``x`` (starting there, mirrored, on a right-to-left paper)."""
    regular, _bold = register()
    canvas.saveState()
    canvas.setFont(regular, 13)
    canvas.setFillColorRGB(*INK)
    mirror.end(canvas, x, y, text)
    canvas.restoreState()


@dataclass
class _Paper:
    """A round's paper laid out once: the header's paragraphs and each page's drawing steps
    and mark boxes (:func:`paper_layout` and :func:`write_ballot_papers` share it)."""

    width: float
    height: float
    size: str
    tr: Translate
    title: tuple[Any, float]
    event: tuple[Any, float]
    instructions: tuple[Any, float] | None
    pages: list[list[Draw]]
    boxes: list[list[MarkBox]]
    rtl: bool
    """The paper's language reads right to left: the whole paper is mirrored but for the
    QR code and the corner markers, which stay where the reader looks for them."""


def _lay_out_paper(ballot_round: BallotRound, event_name: str, page_size: str,
                   language: str | None = None) -> _Paper:
    """The paper laid out in ``language``; None: the round's, else the app's now (what
    papers issued before their language was recorded were printed in)."""
    width, height = page_size_of(page_size)
    language = language or ballot_round.language or ui_language()
    tr = translator(language)
    rtl = is_rtl(language)
    styles = _styles(rtl=rtl)
    text_w = width - 2 * MARGIN - QR_SIZE - 8 * MM
    layout = _Layout(width, height, styles, tr, rtl=rtl)
    # The header has a fixed height: a long event name or title is cut with an ellipsis,
    # and instructions that do not fit there open the first page instead.
    title = layout._para(_lines(ballot_round.title, styles.title, text_w, 2), styles.title,
                         text_w)
    event = layout._para(_lines(event_name, styles.small, text_w, 1), styles.small, text_w)
    instructions = (layout._para(ballot_round.instructions, styles.body, text_w)
                    if ballot_round.instructions else None)
    if instructions is not None and (
            event[1] + title[1] + instructions[1] + 3 * MM > HEADER - 2 * MM):
        instructions = None  # too long for the header: they open the first page instead

    def lay_out(density: int) -> _Layout:
        layout = _Layout(width, height, _styles(density, rtl), tr, density, rtl)
        if ballot_round.instructions and instructions is None:
            layout._flow(layout._para(ballot_round.instructions, styles.body,
                                      layout.inner)[0], MARGIN, layout.inner)
        for number, question in enumerate(ballot_round.questions, start=1):
            layout.question(number, question)
        return layout

    def pages(layout: _Layout) -> int:
        return sum(1 for p in layout.pages if p) or 1

    chosen = lay_out(0)
    for density in range(1, len(DENSITIES)):
        if pages(chosen) == 1:
            break
        tighter = lay_out(density)  # one sheet a paper if the questions fit, set tighter
        if pages(tighter) == 1:
            chosen = tighter
    kept = [i for i, p in enumerate(chosen.pages) if p] or [0]
    return _Paper(width, height, size_name(page_size), tr, title, event, instructions,
                  [chosen.pages[i] for i in kept], [chosen.boxes[i] for i in kept], rtl)


def paper_layout(ballot_round: BallotRound, *, event_name: str, page_size: str = "A4",
                 language: str | None = None) -> PaperLayout:
    """Where the markers, the QR code and every mark box of ``ballot_round``'s paper are:
    what :func:`write_ballot_papers` prints, recomputed by the reader from the questions.
    ``language``: the paper's, as recorded with its code (the reader never leaves it to
    the app's language: :func:`facilitator.reading.queries.paper_for`); None: the round's,
    else the app's now."""
    paper = _lay_out_paper(ballot_round, event_name, page_size, language)
    qr = (paper.width - MARGIN - QR_SIZE, paper.height - MARGIN - QR_SIZE, QR_SIZE)
    return PaperLayout(paper.width, paper.height, paper.size,
                       tuple(PageLayout(tuple(b)) for b in paper.boxes), qr)


def draw_marker(canvas: Any, marker: int, x: float, y: float, size: float) -> None:
    """ArUco marker ``marker`` (``DICT_4X4_250``) with its lower-left corner at (x, y): a
    black square with the white cells cut out, drawn as vectors."""
    cell = size / MARKER_CELLS
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    path = canvas.beginPath()
    for r, row in enumerate(marker_bits(marker)):
        for c, white in enumerate(row):
            if white:
                path.rect(x + (c + 1) * cell, y + size - (r + 2) * cell, cell, cell)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def write_ballot_papers(
    path: Path | str,
    ballot_round: BallotRound,
    papers: Sequence[PaperCode],
    *,
    event_name: str,
    page_size: str = "A4",
) -> Path:
    """Write ``papers`` of ``ballot_round`` as a PDF at ``path``; return the path.

    Pure (no event file): the codes were issued (and stored) before, so this can run off
    the GUI thread and can reprint a batch exactly. Each paper is laid out in the language
    recorded with its code (a code without one: the round's, else the app's now).
    """
    from reportlab.pdfgen.canvas import Canvas

    regular, bold = register()
    path = Path(path)
    laid_out: dict[str | None, _Paper] = {}

    def paper_in(language: str | None) -> _Paper:
        if language not in laid_out:
            laid_out[language] = _lay_out_paper(ballot_round, event_name, page_size, language)
        return laid_out[language]

    first = paper_in(papers[0].language if papers else None)
    canvas = Canvas(str(path), pagesize=(first.width, first.height), pageCompression=1)
    canvas.setTitle(ballot_round.title)
    canvas.setAuthor("Facilitator")
    canvas.setSubject(first.tr(N_("Ballot papers")))
    for paper in papers:
        paper_ = paper_in(paper.language)
        width, height, tr, pages = paper_.width, paper_.height, paper_.tr, paper_.pages
        mirror = Mirror(0, width, paper_.rtl)
        title, title_h = paper_.title
        event, event_h = paper_.event
        instructions = paper_.instructions
        secret = tr(N_("Do not write your name on this paper. Put it in the ballot box."))
        how = tr(N_("Use a pen. A cross (X), a tick or a filled box all count. "
                    "Made a mistake? Ask for a new paper."))
        code = pretty(paper.code)
        for page_no, steps in enumerate(pages, start=1):
            for corner in Corner:  # the reader's corner marks (ballot_layout)
                marker = marker_id(corner, min(page_no - 1, MAX_MARKED_PAGE), paper_.size)
                draw_marker(canvas, marker, *marker_origin(corner, width, height), MARKER)
            top = height - MARGIN
            y = top - event_h
            event.drawOn(canvas, MARGIN, y)
            y -= title_h + 1 * MM
            title.drawOn(canvas, MARGIN, y)
            if instructions is not None and page_no == 1:
                para, h = instructions
                y -= h + 2 * MM
                if y > top - HEADER + 2 * MM:
                    para.drawOn(canvas, MARGIN, y)
            qr_x = width - MARGIN - QR_SIZE
            qr_y = top - QR_SIZE
            draw_qr(canvas, paper.code, qr_x, qr_y, QR_SIZE)
            # as wide as the QR code at most: a code of wide letters (W, M) must not run
            # into the margin, where the corner markers are
            canvas.setFont(bold, min(15, 15 * QR_SIZE / canvas.stringWidth(code, bold, 15)))
            canvas.setFillColorRGB(*INK)
            canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 6 * MM, code)
            canvas.setFont(regular, 9)
            canvas.setFillColorRGB(*GREY)
            label = tr(N_("Paper {n}")).format(n=paper.serial)
            if len(pages) > 1:
                label += " · " + tr(N_("page {page} of {pages}")).format(page=page_no,
                                                                     pages=len(pages))
            canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 10.5 * MM, label)
            _hline(canvas, MARGIN, width - MARGIN, height - MARGIN - HEADER + 1 * MM)
            for step in steps:
                step(canvas)
            canvas.setFont(regular, 9)
            canvas.setFillColorRGB(*INK)
            mirror.start(canvas, MARGIN, MARGIN + 6.5 * MM, how)
            canvas.setFillColorRGB(*GREY)
            mirror.start(canvas, MARGIN, MARGIN + 2 * MM, secret)
            mirror.end(canvas, width - MARGIN, MARGIN + 2 * MM, f"{code} · {paper.serial}")
            canvas.showPage()
    canvas.save()
    return path
