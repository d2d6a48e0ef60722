"""Q&A follow-up sheets: every question with its outcome, and per expert the deferred ones."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from facilitator.i18n import _, ngettext
from facilitator.qa.model import QaQuestion
from facilitator.qa.queries import deferred_by_expert, panel, questions
from facilitator.reports.fonts import register
from facilitator.reports.layout import directed_table, indent, is_rtl, ruled_table_style
from facilitator.reports.layout import page_size as page_size_of
from facilitator.store import EventStore


def _status(q: QaQuestion) -> str:
    words = {
        "pending": _("waiting for approval"), "approved": _("not reached"),
        "hidden": _("hidden"), "now": _("being asked"), "answered": _("answered"),
        "deferred": _("written answer to follow"), "declined": _("declined"),
        "merged": _("merged"),
    }
    text = words.get(q.status, q.status)
    if q.status == "declined" and q.outcome_reason:
        text += f": {q.outcome_reason}"
    return text


def write_followup(path: Path | str, store: EventStore, panel_id: int, *,
                   printed_at: datetime, page_size: str = "A4") -> Path:
    """All questions of a panel and their outcomes, then one page per expert to answer."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
    )

    regular, bold = register()
    path = Path(path)
    p = panel(store, panel_id)
    title_style = ParagraphStyle("t", fontName=bold, fontSize=17, leading=21, spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=13, leading=16, spaceBefore=8,
                        spaceAfter=4)
    body = ParagraphStyle("b", fontName=regular, fontSize=9.5, leading=12)
    small = ParagraphStyle("s", fontName=regular, fontSize=8, leading=10,
                           textColor=colors.HexColor("#4b5563"))
    answer_box = ParagraphStyle("a", fontName=regular, fontSize=10, leading=13,
                                spaceBefore=2, spaceAfter=10, **indent(4 * mm, is_rtl()))

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)

    every = [q for q in questions(store, panel_id) if q.status != "merged"]
    story: list[object] = [
        para(_("Questions to the panel: {title}").format(title=p.title), title_style),
        para(store.name),
        para(ngettext("Printed {time}. {n} question; experts: {experts}.",
                      "Printed {time}. {n} questions; experts: {experts}.",
                      len(every)).format(
            time=printed_at.astimezone().strftime("%Y-%m-%d %H:%M"), n=len(every),
            experts=", ".join(e.name for e in p.experts) or "-"), small),
        Spacer(1, 3 * mm),
    ]
    rows: list[list[object]] = [[_("No."), _("Table(s)"), _("Question"), _("Votes"),
                                 _("Outcome")]]
    for q in every:
        wording = q.text + (("\n" + _("(originally: {text})").format(text=q.original_text))
                            if q.edited else "")
        rows.append([str(q.id), ", ".join(q.tables), para(wording), str(q.votes),
                     para(_status(q))])
    table = directed_table(rows, [12 * mm, 22 * mm, 92 * mm, 14 * mm, 34 * mm], repeatRows=1)
    table.setStyle(ruled_table_style(regular, bold, size=9,
                                     extra=[("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(table)
    for expert, deferred in deferred_by_expert(store, panel_id):
        story.append(PageBreak())
        who = expert.name if expert else _("No expert assigned yet")
        story.append(para(_("Written answers requested — {expert}").format(expert=who),
                          title_style))
        story.append(para(_("{event} · panel: {panel}. Please answer each question below; "
                            "your answers will be sent to every member.").format(
            event=store.name, panel=p.title), small))
        for q in deferred:
            heading = (_("Question {id} (table {tables}, {votes} votes)") if q.votes else
                       _("Question {id} (table {tables})"))
            story.append(para(heading.format(id=q.id, tables=", ".join(q.tables),
                                             votes=q.votes), h2))
            story.append(para(q.text))
            story.append(para(_("Answer:") + " " + "_" * 64, answer_box))
            for _line in range(3):
                story.append(para("_" * 78, answer_box))
    doc = SimpleDocTemplate(str(path), pagesize=page_size_of(page_size),
                            leftMargin=16 * mm, rightMargin=16 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, author="Facilitator",
                            title=_("Questions to the panel: {title}").format(title=p.title))
    doc.build(story)
    return path
