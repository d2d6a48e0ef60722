"""The speaking-time report: who was heard, by group and by person, on one or two pages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from facilitator.i18n import _
from facilitator.reports.fonts import register
from facilitator.reports.layout import directed_table, ruled_table_style
from facilitator.reports.layout import page_size as page_size_of
from facilitator.timing.countdown import format_mmss
from facilitator.timing.stats import SpeakingStats


def _mmss(seconds: float) -> str:
    return format_mmss(round(seconds))


def write_speaking_report(
    path: Path | str,
    stats: SpeakingStats,
    *,
    event_name: str,
    scope_title: str,
    printed_at: datetime,
    page_size: str = "A4",
) -> Path:
    """Write the report as a PDF at ``path`` and return the path."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle

    regular, bold = register()
    path = Path(path)
    size = page_size_of(page_size)
    title_style = ParagraphStyle("title", fontName=bold, fontSize=18, leading=22,
                                 spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=13, leading=16, spaceBefore=10,
                        spaceAfter=4)
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13)
    small = ParagraphStyle("small", fontName=regular, fontSize=8, leading=10,
                           textColor=colors.HexColor("#4b5563"))

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)

    grid = ruled_table_style(regular, bold, extra=[
        ("FONTSIZE", (0, 0), (-1, 0), 8.5),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ])
    story: list[object] = [
        para(_("Who was heard — {scope}").format(scope=scope_title), title_style),
        para(event_name),
        para(_("Printed {time}. {turns} turns, {total} of speaking in all.").format(
            time=printed_at.astimezone().strftime("%Y-%m-%d %H:%M"), turns=stats.total_turns,
            total=_mmss(stats.total_seconds)), small),
    ]
    if stats.attribute and stats.groups:
        story.append(para(_("By {attribute}").format(attribute=stats.attribute), h2))
        rows: list[list[object]] = [[_("Group"), _("Present"), _("Share present"),
                                     _("Turns"), _("Speaking time"), _("Share of time")]]
        for g in stats.groups:
            rows.append([g.value, str(g.present), f"{g.present_share:.0%}", str(g.turns),
                         _mmss(g.seconds), f"{g.time_share:.0%}"])
        table = directed_table(rows, [44 * mm, 20 * mm, 28 * mm, 16 * mm, 30 * mm, 28 * mm],
                               repeatRows=1)
        table.setStyle(grid)
        story.append(table)
        story.append(Spacer(1, 3 * mm))
        for g in stats.groups:
            story.append(para("• " + g.sentence()))
    story.append(para(_("By person"), h2))
    rows = [[_("Name"), _("Group"), _("Turns"), _("Speaking time")]]
    for p in stats.people:
        rows.append([Paragraph(escape(p.participant.name), body),
                     p.participant.attributes.get(stats.attribute or "", ""),
                     str(p.turns), _mmss(p.seconds)])
    if len(rows) == 1:
        rows.append([_("No one has spoken yet."), "", "", ""])
    table = directed_table(rows, [70 * mm, 45 * mm, 20 * mm, 30 * mm], repeatRows=1)
    table.setStyle(grid)
    table.setStyle(TableStyle([("ALIGN", (1, 0), (1, -1), "LEFT")]))
    story.append(table)
    story.append(para(_("Present but not yet heard ({n})").format(
        n=len(stats.not_yet_spoken)), h2))
    story.append(para(", ".join(p.name for p in stats.not_yet_spoken) or _("Everyone present "
                                                                          "has spoken.")))
    doc = SimpleDocTemplate(str(path), pagesize=size, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm,
                            title=_("Who was heard — {scope}").format(scope=scope_title),
                            author="Facilitator")
    doc.build(story)
    return path
