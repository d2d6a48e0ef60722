"""The printed results of a deliberative poll, in the layout such results are published in.

One table per index: the index's row, then its items; columns Before, After, Change (with
significance stars), the distribution before and after in bins, and the don't-know shares.
Then a chart of the shift of every item (0–1 scale), the change by group, and the control
sample. Every figure comes from :func:`facilitator.polls.analysis.analyse`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from facilitator.i18n import _
from facilitator.polls.analysis import (
    Analysis,
    Row,
    change_text,
    figure_text,
    fmt,
    fmt_change,
)
from facilitator.polls.model import (
    LIKERT_5,
    RANKING,
    SCALE_10,
    YES_NO,
    Item,
    Questionnaire,
    form_pages,
    form_qr,
)
from facilitator.reports.fonts import register
from facilitator.reports.layout import Mirror, directed_table, is_rtl, ruled_table_style
from facilitator.reports.layout import page_size as page_size_of


def _dist(row: Row, after: bool) -> str:
    values = row.dist_after if after else row.dist_before
    if not row.n or not values:
        return "—"
    return " / ".join(f"{v:.0f}" for v in values)


def _dk(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def legend(analysis: Analysis) -> str:
    test = _("paired t-test") if analysis.main_test == "t" else _("Wilcoxon signed-rank test")
    correction = {"none": "", "holm": _(" (p-values adjusted by Holm's method)"),
                  "bh": _(" (p-values adjusted by Benjamini–Hochberg)")}[analysis.correction]
    return _("Change: ** p < .01, * p < .05, + p < .10, {test} (McNemar for yes/no and "
             "knowledge items){correction}. Means over the {n} people who answered both "
             "times; yes/no items show the share saying yes (knowledge: correct), change in "
             "points; an index is the mean of its items on a 0–1 scale. Distribution: "
             "percentages per bin, "
             "before and after; DK: share answering “don't know”.").format(
        test=test, correction=correction, n=analysis.n_pairs)


def write_poll_report(path: Path | str, event_name: str, analysis: Analysis, *,
                      printed_at: datetime, page_size: str = "A4") -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    regular, bold = register()
    path = Path(path)
    q = analysis.questionnaire
    title_style = ParagraphStyle("t", fontName=bold, fontSize=16, leading=20, spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=12, leading=15, spaceBefore=9,
                        spaceAfter=4)
    body = ParagraphStyle("b", fontName=regular, fontSize=8.5, leading=10.5)
    head = ParagraphStyle("h", fontName=bold, fontSize=8, leading=9.5)
    small = ParagraphStyle("s", fontName=regular, fontSize=7.5, leading=9.5,
                           textColor=colors.HexColor("#4b5563"))

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)

    title = _("Deliberative poll: {title}").format(title=q.title)
    story: list[Any] = [
        para(title, title_style),
        para(event_name),
        para(_("{before} (wave {b}): {nb} respondents · {after} (wave {a}): {na} respondents · "
               "answered both: {n}. Printed {time}.").format(
            before=q.wave_name(analysis.before_wave), b=analysis.before_wave,
            nb=analysis.n_before, after=q.wave_name(analysis.after_wave),
            a=analysis.after_wave, na=analysis.n_after, n=analysis.n_pairs,
            time=printed_at.astimezone().strftime("%Y-%m-%d %H:%M")), small),
        para(legend(analysis), small),
        Spacer(1, 2 * mm),
    ]
    widths = [92 * mm, 10 * mm, 17 * mm, 17 * mm, 19 * mm, 32 * mm, 32 * mm, 17 * mm,
              17 * mm]
    header = [_("Item"), _("n"), _("Before"), _("After"), _("Change"),
              _("Distribution before"), _("Distribution after"), _("DK before"),
              _("DK after")]
    for index, rows in analysis.tables():
        heading = index.title if index is not None else _("Other items")
        data: list[list[Any]] = [[para(h, head) for h in header]]
        styles: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                         ("ALIGN", (1, 1), (-1, -1), "RIGHT")]
        for n, row in enumerate(rows, start=1):
            label = row.variable.label
            if index is not None and row.variable.item is not None:
                reverse = dict(index.items).get(row.variable.item.key, False)
                label = "   " + label + (" " + _("(reversed)") if reverse else "")
            bins = " / ".join(b.label for b in row.variable.bins)
            data.append([para(label + (f"  [{bins}]" if bins and row.variable.index is None
                                       and not row.variable.binary else "")),
                         str(row.n), figure_text(row, row.before), figure_text(row, row.after),
                         change_text(row), _dist(row, False), _dist(row, True),
                         _dk(row.dk_before), _dk(row.dk_after)])
            if row.variable.index is not None:
                styles.append(("FONTNAME", (0, n), (-1, n), bold))
                styles.append(("BACKGROUND", (0, n), (-1, n), colors.HexColor("#f3f4f6")))
        table = directed_table(data, widths, repeatRows=1)
        table.setStyle(ruled_table_style(regular, bold, size=8, extra=styles))
        story.append(KeepTogether([para(heading, h2), table]))
    story.append(KeepTogether([para(_("Shift of each item (0–1 scale, after minus before)"),
                                    h2), _chart(analysis, regular)]))
    if analysis.groups:
        story.append(para(_("Change by group"), h2))
        data = [[para(h, head) for h in (
            _("Measure"), _("Group"), _("n"), _("Before"), _("After"), _("Change"),
            _("Gap before"), _("Gap after"), _("Gap narrowed?"))]]
        shown = [g for g in analysis.groups if g.variable.index is not None] or [
            g for g in analysis.groups][:12]
        for g in shown:
            for k, r in enumerate(g.rows):
                first = k == 0
                narrowed = {None: "—", True: _("yes"), False: _("no")}[g.narrowed]
                data.append([
                    para(f"{g.variable.label} · {g.column}") if first else "",
                    r.value, str(r.n), fmt(r.before), fmt(r.after),
                    fmt_change(r.change) + _stars_of(r.test),
                    fmt(g.gap_before) if first else "", fmt(g.gap_after) if first else "",
                    (narrowed + _stars_of(g.gap_test)) if first else ""])
        table = directed_table(data, [80 * mm, 32 * mm, 10 * mm, 17 * mm, 17 * mm, 19 * mm,
                                      20 * mm, 20 * mm, 25 * mm], repeatRows=1)
        table.setStyle(ruled_table_style(regular, bold, size=8,
                                         extra=[("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
        story.append(para(_("Groups of fewer than 5 people are shown but left out of the "
                            "gap; for two groups, the stars on “narrowed” test whether their "
                            "changes differ (Welch)."), small))
    if analysis.control:
        story.append(para(_("Against the control sample (wave {n}, unpaired)").format(
            n=analysis.after_wave), h2))
        data = [[_("Measure"), _("Panel n"), _("Panel"), _("Control n"), _("Control"),
                 _("Difference")]]
        for c in analysis.control:
            data.append([para(c.variable.label), str(c.n_panel), fmt(c.panel),
                         str(c.n_control), fmt(c.control),
                         fmt_change(c.difference) + _stars_of(c.test)])
        table = directed_table(data, [120 * mm, 18 * mm, 18 * mm, 18 * mm, 18 * mm, 22 * mm],
                               repeatRows=1)
        table.setStyle(ruled_table_style(regular, bold, size=8,
                                         extra=[("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
        story.append(para(_("Welch's t-test; the control sample did not deliberate."),
                          small))
    doc = SimpleDocTemplate(str(path), pagesize=landscape(page_size_of(page_size)),
                            leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, author="Facilitator", title=title)
    doc.build(story)
    return path


def _stars_of(outcome: object) -> str:
    from facilitator.polls.stats import p_of, stars

    return stars(p_of(outcome)) if outcome is not None else ""  # type: ignore[arg-type]


def _chart(analysis: Analysis, font: str) -> Any:
    """Horizontal bars: each item's change on the 0–1 scale, centred on no change. In a
    right-to-left sheet the labels are on the right and the figures on the left; the scale
    itself still runs from minus on the left to plus on the right, as its numbers read."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    rows = [r for r in analysis.rows if r.variable.index is None and r.change01 is not None]
    rows = rows[:40]
    label_w, bar_w, line = 110 * mm, 120 * mm, 11
    height = line * (len(rows) + 2)
    drawing = Drawing(label_w + bar_w + 30 * mm, height)
    m = Mirror(0, drawing.width, is_rtl())
    drawing.hAlign = "RIGHT" if m.rtl else drawing.hAlign
    start, end = ("end", "start") if m.rtl else ("start", "end")
    bars = m.x(label_w, bar_w)
    top = height - line
    scale = max([0.25, *(abs(r.change01 or 0.0) for r in rows)])
    mid = bars + bar_w / 2
    drawing.add(Line(mid, 0, mid, top + 4, strokeColor=colors.HexColor("#6b7280"),
                     strokeWidth=0.6))
    for k, tick in enumerate((-scale, 0.0, scale)):
        x = bars + bar_w * k / 2
        drawing.add(String(x, top + 6, f"{tick:+.2f}" if tick else "0", fontName=font,
                           fontSize=7, textAnchor="middle"))
    for n, row in enumerate(rows):
        y = top - (n + 1) * line
        label = row.variable.label
        if len(label) > 70:
            label = label[:69] + "…"
        drawing.add(String(m.x(label_w - 4), y + 2, label, fontName=font, fontSize=7,
                           textAnchor=end))
        change = row.change01 or 0.0
        width = bar_w / 2 * change / scale
        colour = "#2563eb" if change >= 0 else "#dc2626"
        drawing.add(Rect(min(mid, mid + width), y, abs(width), line - 3,
                         fillColor=colors.HexColor(colour), strokeColor=None))
        drawing.add(String(m.x(label_w + bar_w + 4), y + 2, f"{change:+.2f}{row.stars}",
                           fontName=font, fontSize=7, textAnchor=start))
    return drawing


# -- paper forms ----------------------------------------------------------------------------------

FORM_QR_SIZE = 28.0  # mm


def write_paper_forms(path: Path | str, event_name: str, poll_id: int, q: Questionnaire,
                      codes: Sequence[str], *, waves: Sequence[int] | None = None,
                      page_size: str = "A4") -> Path:
    """The questionnaire on paper: for each packet code, the form of each wave, several
    pages, each page with its own QR code (poll, wave, page, packet) so pages cannot be
    keyed into the wrong form whatever order they come back in."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    from facilitator.ballots.codes import pretty
    from facilitator.reports.ballots import draw_qr

    regular, bold = register()
    path = Path(path)
    width, height = page_size_of(page_size)
    canvas = Canvas(str(path), pagesize=(width, height))
    canvas.setAuthor("Facilitator")
    canvas.setTitle(_("Questionnaire: {title}").format(title=q.title))
    text_style = ParagraphStyle("i", fontName=bold, fontSize=10.5, leading=13)
    margin = 16 * mm
    qr = FORM_QR_SIZE * mm
    box = 4.2 * mm
    m = Mirror(0, width, is_rtl())  # an Arabic form: its QR code at the top left
    for code in codes:
        for wave in waves or range(1, q.waves + 1):
            layout = form_pages(q, wave)
            for page_no, items in enumerate(layout, start=1):
                top = height - margin
                draw_qr(canvas, form_qr(poll_id, wave, page_no, len(layout), code),
                        m.x(width - margin - qr, qr), top - qr, qr)
                canvas.setFont(regular, 8)
                m.end(canvas, width - margin, top - qr - 4 * mm, _(
                    "Form {code} · page {p} of {n}").format(code=pretty(code), p=page_no,
                                                           n=len(layout)))
                canvas.setFont(bold, 15)
                m.start(canvas, margin, top - 6 * mm, q.title[:60])
                canvas.setFont(regular, 10)
                m.start(canvas, margin, top - 12 * mm, event_name[:80])
                m.start(canvas, margin, top - 18 * mm, _(
                    "Wave {n}: {name} · page {p} of {count}").format(
                    n=wave, name=q.wave_name(wave), p=page_no, count=len(layout)))
                canvas.setFont(regular, 8.5)
                m.start(canvas, margin, top - 24 * mm, _(
                    "Tick one box per question (a ranking: write 1, 2, 3… in the boxes). "
                    "Skip any question you like."))
                m.start(canvas, margin, top - 28 * mm, _(
                    "Your answers are anonymous: this form's code is not linked to your name."))
                y = top - qr - 12 * mm
                for item in items:
                    first = sum(len(p) for p in layout[:page_no - 1]) + 1
                    shown = first + items.index(item)
                    para = Paragraph(escape(f"{shown}. {item.text}"), text_style)
                    _w, h = para.wrap(width - 2 * margin, 40 * mm)
                    para.drawOn(canvas, margin, y - h)
                    y -= h + 2.5 * mm
                    y = _draw_answer_boxes(canvas, item, margin, y, box, regular,
                                           width - 2 * margin, m)
                    y -= 5 * mm
                canvas.showPage()
    canvas.save()
    return path


def _draw_answer_boxes(canvas: Any, item: Item, x: float, y: float, box: float, font: str,
                       room: float, m: Mirror) -> float:
    """Tick boxes under an item (from the right in a right-to-left form, ``m``); returns
    the y below them."""
    from reportlab.lib.units import mm

    def tick(at_x: float, at_y: float, label: str) -> None:
        canvas.rect(m.x(at_x, box), at_y - box, box, box, stroke=1, fill=0)
        canvas.setFont(font, 8.5)
        m.start(canvas, at_x + box + 1.5 * mm, at_y - box + 1 * mm, label)

    dont_know = _("Don't know")
    if item.kind in (SCALE_10, LIKERT_5):
        low, high = item.scale or (0, 10)
        step = room / (high - low + 3)
        for n, v in enumerate(range(low, high + 1)):
            tick(x + n * step, y, str(v))
        tick(x + (high - low + 1) * step, y, dont_know)
        canvas.setFont(font, 7.5)
        ends = (item.low_label or (_("strongly disagree") if item.kind == LIKERT_5
                                   else _("disagree")),
                item.high_label or (_("strongly agree") if item.kind == LIKERT_5
                                    else _("agree")))
        m.start(canvas, x, y - box - 3.5 * mm, f"{low} = {ends[0]}")
        m.start(canvas, x + (high - low) * step, y - box - 3.5 * mm, f"{high} = {ends[1]}")
        return y - box - 4.5 * mm
    if item.kind == YES_NO:
        for n, label in enumerate((_("Yes"), _("No"), dont_know)):
            tick(x + n * 40 * mm, y, label)
        return y - box
    options = list(item.options) + ([] if item.kind == RANKING else [dont_know])
    for n, option in enumerate(options):
        tick(x + (n % 2) * room / 2, y - (n // 2) * (box + 2 * mm), option[:50])
    return y - ((len(options) + 1) // 2) * (box + 2 * mm) + 2 * mm
