"""The printed results of a deliberative poll, in the layout such results are published in.

One table per index: the index's row, then its items; columns Before, After, Change (with
significance stars), the distribution before and after in bins, and the don't-know shares.
Then a chart of the shift of every item (0–1 scale), the change by group, and the control
sample. Every figure comes from :func:`facilitator.polls.analysis.analyse`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from facilitator.i18n import _
from facilitator.polls.analysis import Analysis, Row, fmt, fmt_change
from facilitator.reports.fonts import register, visual
from facilitator.reports.layout import page_size as page_size_of
from facilitator.reports.layout import ruled_table_style


def _dist(row: Row, after: bool) -> str:
    values = row.dist_after if after else row.dist_before
    if not row.n or not values:
        return "—"
    return " / ".join(f"{v:.0f}" for v in values)


def _dk(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def _change(row: Row) -> str:
    if row.change is None:
        return "—"
    if row.variable.binary:  # percentage points
        return f"{100 * row.change:+.0f}{row.stars}"
    digits = 2 if row.variable.high - row.variable.low <= 1 else 1
    return f"{fmt_change(row.change, digits)}{row.stars}"


def _figure(row: Row, value: float | None) -> str:
    if row.variable.binary:
        return "—" if value is None else f"{100 * value:.0f}%"
    return fmt(value, 2 if row.variable.high - row.variable.low <= 1 else 1)


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
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

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
        return Paragraph(escape(visual(text)), style)

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
                         str(row.n), _figure(row, row.before), _figure(row, row.after),
                         _change(row), _dist(row, False), _dist(row, True),
                         _dk(row.dk_before), _dk(row.dk_after)])
            if row.variable.index is not None:
                styles.append(("FONTNAME", (0, n), (-1, n), bold))
                styles.append(("BACKGROUND", (0, n), (-1, n), colors.HexColor("#f3f4f6")))
        table = Table(data, repeatRows=1, colWidths=widths)
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
        table = Table(data, repeatRows=1, colWidths=[80 * mm, 32 * mm, 10 * mm, 17 * mm,
                                                     17 * mm, 19 * mm, 20 * mm, 20 * mm,
                                                     25 * mm])
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
        table = Table(data, repeatRows=1, colWidths=[120 * mm, 18 * mm, 18 * mm, 18 * mm,
                                                     18 * mm, 22 * mm])
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
    """Horizontal bars: each item's change on the 0–1 scale, centred on no change."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    rows = [r for r in analysis.rows if r.variable.index is None and r.change01 is not None]
    rows = rows[:40]
    label_w, bar_w, line = 110 * mm, 120 * mm, 11
    height = line * (len(rows) + 2)
    drawing = Drawing(label_w + bar_w + 30 * mm, height)
    top = height - line
    scale = max([0.25, *(abs(r.change01 or 0.0) for r in rows)])
    mid = label_w + bar_w / 2
    drawing.add(Line(mid, 0, mid, top + 4, strokeColor=colors.HexColor("#6b7280"),
                     strokeWidth=0.6))
    for k, tick in enumerate((-scale, 0.0, scale)):
        x = label_w + bar_w * k / 2
        drawing.add(String(x, top + 6, f"{tick:+.2f}" if tick else "0", fontName=font,
                           fontSize=7, textAnchor="middle"))
    for n, row in enumerate(rows):
        y = top - (n + 1) * line
        label = row.variable.label
        if len(label) > 70:
            label = label[:69] + "…"
        drawing.add(String(label_w - 4, y + 2, visual(label), fontName=font, fontSize=7,
                           textAnchor="end"))
        change = row.change01 or 0.0
        width = bar_w / 2 * change / scale
        colour = "#2563eb" if change >= 0 else "#dc2626"
        drawing.add(Rect(min(mid, mid + width), y, abs(width), line - 3,
                         fillColor=colors.HexColor(colour), strokeColor=None))
        drawing.add(String(label_w + bar_w + 4, y + 2, f"{change:+.2f}{row.stars}",
                           fontName=font, fontSize=7))
    return drawing
