"""Printed table plans: a sheet per table for its facilitator, the entrance list, the room plan,
and name badges with their check-in QR code (and each person's table per round once there is
a plan: badges print at any time, days before anyone is seated).

Everything here works from a :class:`~facilitator.tables.plans.PlanView` (names and seats,
already read from the event file), so sheets can be written on any thread. After a
re-balance the sheets mark who moved (★) and who is new (✚), so the updated pages can be
handed out without comparing them to the old ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from facilitator import codes
from facilitator.i18n import _
from facilitator.people import queries as people_queries
from facilitator.reports.fonts import register
from facilitator.reports.layout import Mirror, directed_table, is_rtl
from facilitator.reports.layout import page_size as _page_size
from facilitator.store import EventStore
from facilitator.tables import queries as tables_queries
from facilitator.tables.plans import PlanView, TableView
from facilitator.text import fold

SHEETS = ("tables", "list", "room")
"""The A4 sheets, in the order they print when several are asked for."""
BADGE_LAYOUTS = ("a6", "labels")
MOVED = "★"
NEW = "✚"

_GREY = "#4b5563"
_LINE = "#9ca3af"
_SHADE = "#f3f4f6"
_CHANGED = "#fde68a"


def _stamp(view: PlanView, printed_at: datetime) -> str:
    text = _("Plan {plan}, printed {time}").format(
        plan=view.plan_id, time=printed_at.astimezone().strftime("%Y-%m-%d %H:%M"))
    if view.kind == "rebalance":
        text += " · " + _("re-balanced from round {n}").format(n=view.from_round + 1)
    return text


def _mix_line(table: TableView, attribute: str, room: dict[str, int], seated: int) -> str:
    here = table.mix(attribute)
    parts = []
    for value, count in sorted(here.items(), key=lambda kv: (-kv[1], kv[0])):
        share = room.get(value, 0) / seated if seated else 0.0
        parts.append(_("{value} {count} ({here:.0%}; room {share:.0%})").format(
            value=value or _("(blank)"), count=count, here=count / len(table.seats),
            share=share))
    return " · ".join(parts)


def write_sheets(
    path: Path | str,
    view: PlanView,
    *,
    kinds: Sequence[str] = SHEETS,
    rounds: Sequence[int] | None = None,
    printed_at: datetime,
    page_size: str = "A4",
) -> Path:
    """Write the chosen A4 sheets into one PDF at ``path``.

    ``tables``: one page per table and round for the table's facilitator (names, the
    table's mix against the room's); ``list``: everyone alphabetically with their table in
    each round, in large type for the entrance; ``room``: every table of a round on a page.
    ``rounds`` (0-based) limits the table pages and room plans to those rounds.
    """
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )

    unknown = [k for k in kinds if k not in SHEETS]
    if unknown or not kinds:
        raise ValueError(f"unknown sheets {unknown}")
    regular, bold = register()
    path = Path(path)
    size = _page_size(page_size)
    width = size[0] - 36 * mm
    chosen = [r for r in (rounds if rounds is not None else range(len(view.rounds)))
              if 0 <= r < len(view.rounds)]
    n_rounds = len(view.rounds)

    def style(name: str, font: str, size_: float, leading: float | None = None,
              **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size_,
                              leading=leading or size_ * 1.2, **kw)

    small = style("small", regular, 8.5, textColor=colors.HexColor(_GREY))
    event = style("event", regular, 11, textColor=colors.HexColor(_GREY))
    huge = style("huge", bold, 46, 52)
    big = style("big", bold, 20, 24, spaceAfter=6)
    name_style = style("name", regular, 17, 21)
    body = style("body", regular, 10.5, 13.5)
    h2 = style("h2", bold, 13, 16, spaceBefore=10, spaceAfter=4)
    title = style("title", bold, 28, 33, spaceAfter=4)
    cell_name = style("cellname", regular, 15, 18)
    box_title = style("boxtitle", bold, 12, 15)
    box_name = style("boxname", regular, 9.5, 11.5)

    def para(text: str, st: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), st)

    stamp = _stamp(view, printed_at)
    story: list[Any] = []

    def new_page() -> None:
        if story:
            story.append(PageBreak())

    if "tables" in kinds:
        for r in chosen:
            seated = sum(len(t.seats) for t in view.rounds[r])
            room = {a: dict(view.room_mix(r, a)) for a in view.attributes}
            for table in view.rounds[r]:
                if table.closed:
                    continue
                new_page()
                story.append(para(view.event_name, event))
                story.append(para(_("Table {n}").format(n=table.number), huge))
                story.append(para(_("Round {r} of {total} · {count} people").format(
                    r=r + 1, total=n_rounds, count=len(table.seats)), big))
                rows = []
                for seat in table.seats:
                    mark = MOVED if seat.moved_from is not None else NEW if seat.new else ""
                    note = ""
                    if seat.moved_from is not None:
                        note = _("moved here from table {t}").format(t=seat.moved_from + 1)
                    elif seat.new:
                        note = _("new: just arrived")
                    rows.append([para(mark, name_style), para(_cut(seat.name, 120), name_style),
                                 para(" · ".join(x for x in (seat.ext_id, note) if x), small)])
                if not rows:
                    rows.append(["", para(_("No one sits here this round."), body), ""])
                names = directed_table(rows, [9 * mm, width * 0.62, width * 0.38 - 9 * mm])
                names.setStyle(TableStyle([
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(_LINE)),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]))
                story.append(names)
                if view.attributes:
                    story.append(para(_("Who is at this table"), h2))
                    for attribute in view.attributes:
                        mix = _mix_line(table, attribute, room[attribute], seated)
                        story.append(Paragraph(f"<b>{escape(attribute)}:</b> {escape(mix)}",
                                               body))
                if any(s.moved_from is not None or s.new for s in table.seats):
                    story.append(Spacer(1, 4 * mm))
                    story.append(para(_("{moved} moved here after the re-balance; {new} new "
                                        "arrival.").format(moved=MOVED, new=NEW), small))
                story.append(Spacer(1, 4 * mm))
                story.append(para(stamp, small))

    if "list" in kinds:
        new_page()
        story.append(para(_("Find your table"), title))
        story.append(para(view.event_name, event))
        story.append(Spacer(1, 3 * mm))
        header = [para(_("Name"), box_title)] + [
            para(_("Round {n}").format(n=r + 1), box_title) for r in range(n_rounds)]
        rows = [header]
        changed_cells = []
        arrivals = {(r, s.participant_id) for r, tables in enumerate(view.rounds)
                    for t in tables for s in t.seats if s.new}
        for i, person in enumerate(view.people, start=1):
            cells: list[Any] = [para(_cut(person.name, 120), cell_name)]
            for r, number in enumerate(person.tables):
                cells.append("–" if number is None else str(number))
                if r in person.moved_rounds or (r, person.participant_id) in arrivals:
                    changed_cells.append((r + 1, i))
            rows.append(cells)
        round_width = min(30 * mm, (width * 0.45) / max(1, n_rounds))
        grid = directed_table(rows, [width - round_width * n_rounds] + [round_width] * n_rounds,
                     repeatRows=1)
        commands: list[Any] = [
            ("FONTNAME", (1, 1), (-1, -1), bold),
            ("FONTSIZE", (1, 1), (-1, -1), 18),
            ("LEADING", (1, 1), (-1, -1), 21),
            ("ALIGN", (1, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(_LINE)),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e5e7eb")),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
        for row in range(2, len(rows), 2):
            commands.append(("BACKGROUND", (0, row), (-1, row), colors.HexColor(_SHADE)))
        for column, row in changed_cells:
            commands.append(("BACKGROUND", (column, row), (column, row),
                             colors.HexColor(_CHANGED)))
        grid.setStyle(TableStyle(commands))
        story.append(grid)
        if changed_cells:
            story.append(Spacer(1, 3 * mm))
            story.append(para(_("Highlighted: a table that changed in the re-balance."), small))
        story.append(Spacer(1, 3 * mm))
        story.append(para(stamp, small))

    if "room" in kinds:
        columns = 3
        box_width = width / columns
        for r in chosen:
            new_page()
            story.append(para(_("Room plan — round {n} of {total}").format(
                n=r + 1, total=n_rounds), title))
            story.append(para(view.event_name, event))
            story.append(Spacer(1, 3 * mm))
            boxes: list[list[Any]] = []
            for table in view.rounds[r]:
                if table.closed:
                    content = [para(_("Table {n}").format(n=table.number), box_title),
                               para(_("not in use"), box_name)]
                else:
                    content = [para(_("Table {n} ({count})").format(
                        n=table.number, count=len(table.seats)), box_title)]
                    content += [para((MOVED + " " if s.moved_from is not None else
                                      NEW + " " if s.new else "") + _cut(s.name, 60),
                                     box_name)
                                for s in table.seats]
                boxes.append(content)
            while len(boxes) % columns:
                boxes.append([])
            grid_rows = [boxes[i:i + columns] for i in range(0, len(boxes), columns)]
            grid = directed_table(grid_rows, [box_width] * columns)
            grid.setStyle(TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor(_LINE)),
                ("INNERGRID", (0, 0), (-1, -1), 0.6, colors.HexColor(_LINE)),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]))
            story.append(grid)
            story.append(Spacer(1, 3 * mm))
            story.append(KeepTogether([para(stamp, small)]))

    doc = SimpleDocTemplate(str(path), pagesize=size, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm,
                            title=_("Table plan — {event}").format(event=view.event_name),
                            author="Facilitator")
    doc.build(story)
    return path


def _cut(text: str, limit: int) -> str:
    """``text`` for a table cell, which cannot grow past a page: cut with an ellipsis."""
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _fit(text: str, font: str, size: float, width: float) -> float:
    """The largest font size up to ``size`` at which ``text`` fits ``width``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > 7 and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _qr(canvas: Any, value: str, x: float, y: float, side: float) -> None:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


@dataclass(frozen=True)
class Badge:
    name: str
    badge_code: str
    tables: tuple[int | None, ...] = ()
    """1-based table per round (``None``: not seated that round); empty: not in a plan."""
    link: str = ""
    """What the QR code holds: the person's voting link ``http://ADDRESS:PORT/v/TOKEN``
    (:mod:`facilitator.people.links`); "" only for a bare plan view, which has no tokens
    (the QR then holds the badge code: it checks in, it does not open a ballot)."""

    @property
    def qr_text(self) -> str:
        return self.link or self.badge_code


@dataclass(frozen=True)
class Badges:
    """Everything a sheet of badges prints (read from the event file; no store needed after)."""

    event_name: str
    people: tuple[Badge, ...]
    plan: PlanView | None = None
    """The table plan the table numbers come from; ``None`` when there is none yet."""
    phone_address: str = ""
    """The phone address the QR codes point to (``http://ADDRESS:PORT``), printed at the
    foot of each sheet so the organiser can see which network the badges expect."""

    @classmethod
    def from_plan(cls, view: PlanView, links: Mapping[int, str] | None = None,
                  phone_address: str = "") -> Badges:
        """The badges of the people seated in ``view`` (``links``: participant id → voting
        link; without them the QR codes hold the bare badge codes)."""
        links = links or {}
        return cls(view.event_name, tuple(
            Badge(p.name, p.badge_code, p.tables, links.get(p.participant_id, ""))
            for p in view.people), view, phone_address)


def badges_of(store: EventStore) -> Badges:
    """The badges to print now: with a table plan, the people it seats with their tables
    (as always); before there is a plan, everyone on the list (not removed), alphabetically,
    with no table: badges print days before, and the table comes from the find-your-table
    list or a sticker later. Every QR code is the person's voting link at the phone
    address the event stores (:func:`facilitator.people.queries.badge_link`)."""
    link = people_queries.badge_link(store)
    everyone = people_queries.list_participants(store, include_removed=True)
    links = {p.id: link.url(p.token) for p in everyone}
    plan = tables_queries.current_plan(store)
    if plan is not None:
        return Badges.from_plan(tables_queries.plan_view(store, plan), links, link.base_url)
    people = sorted((p for p in everyone if p.active),
                    key=lambda p: (fold(p.name), p.ext_id, p.id))
    return Badges(store.name, tuple(Badge(p.name, p.badge_code, link=links[p.id])
                                    for p in people), phone_address=link.base_url)


def _badge_stamp(badges: Badges, printed_at: datetime) -> list[str]:
    """The lines at the foot of a sheet, the lowest first."""
    if badges.plan is not None:
        lines = [_stamp(badges.plan, printed_at)]
    else:
        lines = [_("Printed {time}").format(
            time=printed_at.astimezone().strftime("%Y-%m-%d %H:%M"))]
    if badges.phone_address:
        lines.append(_("QR codes open the ballot at {address}").format(
            address=badges.phone_address))
    return lines


def write_badges(
    path: Path | str,
    badges: Badges | PlanView,
    *,
    layout: str = "a6",
    printed_at: datetime,
) -> Path:
    """Name badges: name, the QR code the check-in desk scans, and, when there is a table
    plan, the table in each round (``badges``: from :func:`badges_of`, or a plan's view for
    the people it seats).

    ``a6``: one badge per A6 page (for a badge holder); ``labels``: A4 sheets of 8 labels
    of 99.1 × 67.7 mm (the common 2 × 4 layout).
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, A6
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    if layout not in BADGE_LAYOUTS:
        raise ValueError(f"unknown badge layout {layout}")
    if isinstance(badges, PlanView):
        badges = Badges.from_plan(badges)
    regular, bold = register()
    path = Path(path)
    page = A6 if layout == "a6" else A4
    canvas = Canvas(str(path), pagesize=page)
    event_name = badges.event_name
    canvas.setTitle(_("Badges — {event}").format(event=event_name))
    canvas.setAuthor("Facilitator")
    stamp = _badge_stamp(badges, printed_at)
    grey = colors.HexColor(_GREY)
    rtl = is_rtl()
    sheet = Mirror(0, page[0], rtl)

    def badge(person: Badge, x: float, y: float, w: float, h: float, pad: float) -> None:
        """One badge with its lower-left corner at (x, y)."""
        m = Mirror(x, x + w, rtl)
        top = y + h - pad
        name_size = _fit(person.name, bold, 22 if layout == "a6" else 17, w - 2 * pad)
        canvas.setFillColor(colors.black)
        canvas.setFont(bold, name_size)
        m.start(canvas, x + pad, top - name_size, person.name)
        canvas.setFillColor(grey)
        canvas.setFont(regular, _fit(event_name, regular, 8, w - 2 * pad))
        m.start(canvas, x + pad, top - name_size - 11, event_name)
        side = 40 * mm if layout == "a6" else 27 * mm
        qx = x + w - pad - side
        qy = y + pad + 5
        if person.badge_code:
            _qr(canvas, person.qr_text, m.x(qx, side), qy, side)
            # 12 characters (``K7QM-2X4A-B9CD``): may overhang the QR into the padding.
            code_text = codes.pretty(person.badge_code)
            canvas.setFont(regular, _fit(code_text, regular, 8, side + pad))
            canvas.setFillColor(colors.black)
            m.centred(canvas, qx + side / 2, qy - 5, code_text)
            if person.link:
                caption = _("Scan with your phone to vote")
                canvas.setFont(regular, _fit(caption, regular, 8, side + pad))
                m.centred(canvas, qx + side / 2, qy + side + 3, caption)
        if not person.tables:
            return  # no plan (or not in it): no table, rather than a wrong or blank one
        canvas.setFillColor(colors.black)
        label_size = 10 if layout == "a6" else 8.5
        value_size = 24 if layout == "a6" else 11.5
        n_rounds = len(person.tables)
        step = min(value_size + 5, (top - name_size - 24 - (y + pad)) / max(1, n_rounds + 1))
        ty = top - name_size - (36 if layout == "a6" else 30)
        canvas.setFont(bold, label_size)
        m.start(canvas, x + pad, ty, _("Your table"))
        for r, table in enumerate(person.tables):
            ty -= step
            canvas.setFont(regular, label_size)
            m.start(canvas, x + pad, ty, _("Round {n}").format(n=r + 1))
            canvas.setFont(bold, value_size)
            m.start(canvas, x + pad + (22 * mm if layout == "a6" else 17 * mm), ty,
                    "–" if table is None else str(table))

    people = list(badges.people)
    if layout == "a6":
        w, h = page
        for person in people:
            badge(person, 0, 0, w, h, 10 * mm)
            canvas.setFont(regular, 6.5)
            canvas.setFillColor(grey)
            for n, line in enumerate(stamp):
                sheet.start(canvas, 10 * mm, 5 * mm + n * 8, line)
            canvas.showPage()
    else:
        lw, lh = 99.1 * mm, 67.7 * mm
        left, top_margin, gap = 4.65 * mm, 13 * mm, 2.5 * mm
        per_page = 8
        for i, person in enumerate(people):
            slot = i % per_page
            col, row = slot % 2, slot // 2
            x = sheet.x(left + col * (lw + gap), lw)  # the first label at the reader's side
            y = page[1] - top_margin - (row + 1) * lh
            canvas.setStrokeColor(colors.HexColor("#d1d5db"))
            canvas.setLineWidth(0.3)
            canvas.roundRect(x, y, lw, lh, 3 * mm)
            badge(person, x, y, lw, lh, 5 * mm)
            if slot == per_page - 1 or i == len(people) - 1:
                canvas.setFont(regular, 6.5)
                canvas.setFillColor(grey)
                for n, line in enumerate(stamp):
                    sheet.start(canvas, left, 5 * mm + n * 8, line)
                canvas.showPage()
    if not people:
        canvas.setFont(regular, 12)
        sheet.start(canvas, 20 * mm, page[1] - 30 * mm,
                    _("No one is seated in this plan.") if badges.plan is not None
                    else _("There is no one on the participant list yet."))
        canvas.showPage()
    canvas.save()
    return path
