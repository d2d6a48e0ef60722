"""Legislative theatre on paper: the "Proposals and commitments" sheet, and idea cards.

The sheet is printed before the room empties: every proposal with how it was voted, its
counts and verdict (:func:`facilitator.theatre.queries.outcome`, the one function), the
cards and interventions behind it, the commitments with names and dates, the follow-up
contact, and lines for the joker and a policymaker to sign. The votes on phones and paper
carry the fingerprint sealed when their ballot round closed.

Idea cards are the Q&A's paper cards made for the play: each carries a QR code holding the
Q&A card code (:func:`facilitator.qa.model.table_code`) of its scene, so the desk's scanner
reads it the same way (:func:`facilitator.qa.model.table_from_scan`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from facilitator.ballots import get_round
from facilitator.i18n import _
from facilitator.qa.model import table_code
from facilitator.reports.cards import CARD_MARGIN, card_mirror, card_qr, ruled_lines, write_cards
from facilitator.reports.fonts import register
from facilitator.reports.layout import directed_table, ruled_table_style
from facilitator.reports.layout import page_size as page_size_of
from facilitator.store import EventStore
from facilitator.theatre import queries
from facilitator.theatre.model import (
    Scene,
    card_scan_code,
    cards_text,
    counts_text,
    method_name,
    source_name,
)


def write_proposals(path: Path | str, store: EventStore, *, printed_at: datetime,
                    page_size: str = "A4") -> Path:
    """The "Proposals and commitments" PDF of the event's session."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    regular, bold = register()
    path = Path(path)
    session = queries.require_session(store)
    title_style = ParagraphStyle("t", fontName=bold, fontSize=17, leading=21, spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=12.5, leading=15.5, spaceBefore=10,
                        spaceAfter=3)
    h3 = ParagraphStyle("h3", fontName=bold, fontSize=10, leading=12.5, spaceBefore=5,
                        spaceAfter=2)
    body = ParagraphStyle("b", fontName=regular, fontSize=9.5, leading=12)
    small = ParagraphStyle("s", fontName=regular, fontSize=8, leading=10,
                           textColor=colors.HexColor("#4b5563"))
    verdict_style = ParagraphStyle("v", fontName=bold, fontSize=10.5, leading=13)

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)

    scenes = {s.id: s for s in queries.scenes(store)}
    every = queries.proposals(store)
    interventions = {i.id: i for i in queries.interventions(store)}
    title = _("Proposals and commitments")
    story: list[object] = [
        para(title, title_style),
        para(f"{session.title} — {store.name}"),
        para(_("Printed {time}. {counts}.").format(
            time=printed_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            counts=counts_text(len(every), len(queries.cards(store)), len(interventions))),
             small),
    ]
    if session.company:
        story.append(para(_("Performed by {company}.").format(company=session.company),
                          small))
    if session.contact:
        story.append(para(_("Follow-up contact: {contact}").format(contact=session.contact),
                          h3))
    story.append(Spacer(1, 2 * mm))
    summary: list[list[object]] = [[_("No."), _("Proposal"), _("Vote"), _("Verdict")]]
    outcomes = {p.id: queries.outcome(store, p.id) for p in every}
    for p in every:
        result = outcomes[p.id]
        summary.append([p.number, para(p.text),
                        para(result.counts_text if result else _("no vote")),
                        para(result.verdict if result else _("not put to the vote"))])
    table = directed_table(summary, [12 * mm, 86 * mm, 38 * mm, 42 * mm], repeatRows=1)
    table.setStyle(ruled_table_style(regular, bold, size=9,
                                     extra=[("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(table)
    for p in every:
        result = outcomes[p.id]
        story.append(para(f"{p.number}. {p.text}", h2))
        tags = [t for t in (p.policy_area and _("Policy area: {area}").format(
            area=p.policy_area), p.body and _("Responsible: {body}").format(body=p.body)) if t]
        if tags:
            story.append(para(" · ".join(tags), small))
        if p.edited:
            story.append(para(_("First drafted as: “{text}” ({n} wordings).").format(
                text=p.original_text, n=p.versions), small))
        if result is None:
            story.append(para(_("Not put to the vote."), body))
        else:
            story.append(para(result.verdict, verdict_style))
            line = _("Voted by {method}: {counts}; {present} present.").format(
                method=method_name(result.method), counts=result.counts_text,
                present=result.present)
            if result.note:
                line += " " + _("Note: {note}.").format(note=result.note)
            story.append(para(line))
            story.append(para(result.rule_text, small))
            if result.round_id is not None:
                sealed = get_round(store, result.round_id).fingerprint
                if sealed:
                    story.append(para(_("Ballots sealed at close, fingerprint {fp}.").format(
                        fp=sealed[:32]), small))
        commitments = queries.commitments(store, p.id)
        if commitments:
            story.append(para(_("Commitments"), h3))
            rows: list[list[object]] = [[_("Who"), _("Role and body"), _("Commitment"),
                                         _("Confirmed")]]
            for c in commitments:
                rows.append([para(c.name), para(", ".join(x for x in (c.role, c.body) if x)),
                             para(c.text), _("yes") if c.confirmed_at else _("no")])
            ctable = directed_table(rows, [34 * mm, 42 * mm, 78 * mm, 24 * mm], repeatRows=1)
            ctable.setStyle(ruled_table_style(regular, bold, size=8.5,
                                              extra=[("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.append(ctable)
        if p.cards:
            story.append(para(_("Behind it: {cards}").format(cards=cards_text(len(p.cards))),
                              h3))
            for card in p.cards:
                where = []
                if card.scene_id in scenes:
                    where.append(scenes[card.scene_id].label)
                if card.intervention_id in interventions:
                    i = interventions[card.intervention_id]
                    where.append(_("after {who} replaced {character} ({number})").format(
                        who=i.who, character=i.character, number=i.number))
                where.append(source_name(card.source))
                story.append(para(f"• {card.text} — " + "; ".join(where), small))
        behind = queries.interventions_behind(store, p)
        if behind:
            story.append(para(_("Interventions behind it"), h3))
            for i in behind:
                story.append(para(_("{number}: {who} replaced {character}: {tried} → {outcome}")
                                  .format(number=i.number, who=i.who, character=i.character,
                                          tried=i.tried or "—", outcome=i.outcome or "—"),
                                  small))
    story.append(Spacer(1, 8 * mm))
    signature = directed_table([[_("Signed for the legislative desk"),
                                 _("Signed for the policymakers")],
                                ["\n\n" + "_" * 36, "\n\n" + "_" * 36],
                                [_("Name and date"), _("Name and date")]],
                               [88 * mm, 88 * mm])
    signature.setStyle(ruled_table_style(regular, bold, size=9, extra=[
        ("GRID", (0, 0), (-1, -1), 0, colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), colors.white)]))
    story.append(KeepTogether([para(_("Signatures"), h2), signature]))
    doc = SimpleDocTemplate(str(path), pagesize=page_size_of(page_size),
                            leftMargin=16 * mm, rightMargin=16 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, author="Facilitator", title=title,
                            subject=session.title)
    doc.build(story)
    return path


def write_interventions_log(path: Path | str, store: EventStore, *, printed_at: datetime,
                            page_size: str = "A4") -> Path:
    """The interventions log, scene by scene."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    regular, bold = register()
    session = queries.require_session(store)
    body = ParagraphStyle("b", fontName=regular, fontSize=8.5, leading=10.5)
    title_style = ParagraphStyle("t", fontName=bold, fontSize=16, leading=20, spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=12, leading=15, spaceBefore=8,
                        spaceAfter=3)
    story: list[object] = [
        Paragraph(escape(_("Interventions log")), title_style),
        Paragraph(escape(f"{session.title} — {store.name} — "
                         f"{printed_at.astimezone():%Y-%m-%d %H:%M}"), body)]
    for scene in queries.scenes(store):
        story.append(Paragraph(escape(scene.label), h2))
        if scene.problem:
            story.append(Paragraph(escape(scene.problem), body))
        rows: list[list[object]] = [[_("No."), _("Character"), _("Who"), _("Tried"),
                                     _("Outcome"), _("Time")]]
        for i in queries.interventions(store, scene.id):
            elapsed = round(i.timer.elapsed_before)
            rows.append([i.number, Paragraph(escape(i.character), body),
                         Paragraph(escape(i.who), body), Paragraph(escape(i.tried), body),
                         Paragraph(escape(i.outcome), body),
                         f"{elapsed // 60}:{elapsed % 60:02d}"])
        table = directed_table(rows, [16 * mm, 24 * mm, 28 * mm, 50 * mm, 48 * mm, 12 * mm],
                               repeatRows=1)
        table.setStyle(ruled_table_style(regular, bold, size=8.5))
        story.append(table)
    SimpleDocTemplate(str(path), pagesize=page_size_of(page_size), leftMargin=14 * mm,
                      rightMargin=14 * mm, topMargin=14 * mm, bottomMargin=14 * mm,
                      author="Facilitator", title=_("Interventions log")).build(story)
    return Path(path)


def write_idea_cards(path: Path | str, scenes: Sequence[Scene], *, event_name: str,
                     copies: int = 1) -> Path:
    """Idea cards, two per A4 sheet: the scene's QR code, lines to write one idea on."""
    from reportlab.lib.units import mm

    regular, bold = register()
    cards = [s for s in scenes for _copy in range(max(copies, 1))]
    if not cards:
        raise ValueError("no scenes to print idea cards for")

    def draw(canvas: Any, scene: Scene, top: float, width: float) -> None:
        m = card_mirror(width)
        canvas.setFont(bold, 15)
        m.start(canvas, CARD_MARGIN, top - 20 * mm, _("Your idea for change"))
        canvas.setFont(regular, 9.5)
        m.start(canvas, CARD_MARGIN, top - 26 * mm, event_name[:80])
        canvas.setFont(bold, 11)
        m.start(canvas, CARD_MARGIN, top - 33 * mm, scene.label[:70])
        card_qr(canvas, table_code(card_scan_code(scene.position)), top, width)
        canvas.setFont(regular, 10)
        m.start(canvas, CARD_MARGIN, top - 42 * mm,
                _("What should change, and who could change it? One idea per card."))
        ruled_lines(canvas, top - 54 * mm, width)

    return write_cards(path, cards, draw, title=_("Idea cards"))
