"""Result sheets: one page (or more) per question, signed by two observers.

Each question's sheet carries what an observer needs to re-check the count from the sheet
alone: the event, round and question, the method and its rules (ties included) in plain
words, every option's figures and share with a bar, the verdict, the turnout (present,
voted, blank, spoiled, refused re-scans), the STV stage table or the funded PB projects with
costs and the budget left, the time of the count, the SHA-256 fingerprint of the ballot list
in print and as a QR code, the seed of any lot, and two signature lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from facilitator.ballots import format_amount, format_share
from facilitator.i18n import _
from facilitator.reports.ballots import draw_qr
from facilitator.reports.fonts import register
from facilitator.reports.layout import Mirror, directed_table, end_alignment, is_rtl
from facilitator.reports.layout import page_size as page_size_of
from facilitator.results.model import QuestionResult, RoundResults, figure_text
from facilitator.tally.stv import StageAction, StvResult

MM = 72 / 25.4
INK = "#111827"
GREEN = "#166534"
RED = "#991b1b"
GREY = "#4b5563"
BAR = "#2563eb"
BAR_WIN = "#15803d"
STAGES_PER_TABLE = 6
CELL_CHARS = 300  # a table row cannot split across pages: longer cell text is cut (in full below)


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def write_result_sheet(path: Path | str, rounds: Sequence[RoundResults], *,
                       page_size: str = "A4", questions: Sequence[int] | None = None,
                       printed_at: datetime | None = None) -> Path:
    """Write the result sheets of ``rounds`` (only ``questions``, 0-based, if given)."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import (
        CondPageBreak,
        Flowable,
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )

    regular, bold = register()
    rtl = is_rtl()
    path = Path(path)
    size = page_size_of(page_size)
    margin = 16 * MM
    width = size[0] - 2 * margin

    def style(name: str, font: str = regular, size_: float = 9.5, leading: float = 12.5,
              colour: str = INK, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size_, leading=leading,
                              textColor=colors.HexColor(colour), **kw)

    small = style("small", size_=8, leading=10.5, colour=GREY)
    body = style("body")
    cell = style("cell", size_=9, leading=11)
    cell_bold = style("cellb", bold, size_=9, leading=11)
    heading = style("h", bold, 11, 14, spaceBefore=8, spaceAfter=3)
    title = style("title", bold, 15, 19, spaceAfter=2)
    top = style("top", size_=9, leading=12, colour=GREY)

    class Bar(Flowable):
        def __init__(self, share: Fraction | None, bar_width: float, win: bool) -> None:
            super().__init__()
            self.share, self.bar_width, self.win = share, bar_width, win
            self.width, self.height = bar_width, 8

        def draw(self) -> None:
            c = self.canv
            c.setFillColor(colors.HexColor("#e5e7eb"))
            c.rect(0, 0, self.bar_width, 8, stroke=0, fill=1)
            if self.share:
                c.setFillColor(colors.HexColor(BAR_WIN if self.win else BAR))
                filled = self.bar_width * float(min(self.share, Fraction(1)))
                c.rect(Mirror(0, self.bar_width, rtl).x(0, filled), 0, filled, 8, stroke=0,
                       fill=1)

    class Qr(Flowable):
        def __init__(self, text: str, side: float) -> None:
            super().__init__()
            self.text, self.width, self.height = text, side, side

        def draw(self) -> None:
            draw_qr(self.canv, self.text, 0, 0, self.width)

    long_texts: list[str] = []  # cut short in a table cell, printed in full below it

    def fit(text: str) -> str:
        """``text`` for a table cell, whose row cannot grow past a page: a long one is cut
        with an ellipsis and a number, and printed in full under the tables."""
        if len(text) <= CELL_CHARS:
            return text
        long_texts.append(text)
        return text[:CELL_CHARS].rstrip() + f"… [{len(long_texts)}]"

    def p(text: str, st: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), st)

    def grid(rows: list[list[Any]], widths: list[float], header: bool = True,
             align_right_from: int = 1) -> Any:
        t = directed_table(rows, widths, repeatRows=1 if header else 0, rtl=rtl)
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), regular, 8.5),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d1d5db")),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("ALIGN", (align_right_from, 0), (-1, -1), "RIGHT"),
        ]
        if header:
            commands += [("FONT", (0, 0), (-1, 0), bold, 8.5),
                         ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(INK))]
        t.setStyle(TableStyle(commands))
        return t

    def stv_tables(stv: StvResult) -> list[Any]:
        stages = [s for s in stv.stages if s.action in (
            StageAction.FIRST_PREFERENCES, StageAction.TRANSFER_SURPLUS, StageAction.EXCLUDE)]
        out: list[Any] = [p(_("Count stage by stage (quota {quota}; {valid} valid ballots)"
                              ).format(quota=f"{stv.quota:.5f}", valid=stv.valid_papers),
                            heading)]
        for start in range(0, len(stages), STAGES_PER_TABLE):
            chunk = stages[start:start + STAGES_PER_TABLE]
            name_w = width * 0.28
            col = (width - name_w) / len(chunk)
            head: list[Any] = [p(_("Candidate"), cell_bold)]
            for s in chunk:
                who = stv.candidates[s.candidate] if s.candidate is not None else ""
                who = who if len(who) <= 40 else who[:40].rstrip() + "…"  # in full: 1st column
                what = {StageAction.FIRST_PREFERENCES: _("First preferences"),
                        StageAction.TRANSFER_SURPLUS: _("Surplus of {name}"),
                        StageAction.EXCLUDE: _("{name} excluded")}[s.action].format(name=who)
                head.append(Paragraph(f"<b>{s.number}</b> {escape(what)}", style(
                    "sh", size_=7, leading=8.5, alignment=end_alignment(rtl))))
            rows: list[list[Any]] = [head]
            elected = set(stv.elected)
            for c, name in enumerate(stv.candidates):
                mark = " ✔" if c in elected else ""
                rows.append([p(fit(name) + mark, cell_bold if c in elected else cell)]
                            + [f"{s.votes[c]:.5f}" for s in chunk])
            rows.append([p(_("Non-transferable"), cell)]
                        + [f"{s.non_transferable:.5f}" for s in chunk])
            t = grid(rows, [name_w] + [col] * len(chunk))
            t.setStyle(TableStyle([("FONT", (1, 1), (-1, -1), regular, 7.5)]))
            out += [t, Spacer(1, 4)]
        order = ", ".join(f"{n}. {name}" for n, name in enumerate(stv.elected_names, 1))
        out.append(p(_("Elected, in order: {order}.").format(order=order), body))
        return out

    def pb_table(r: QuestionResult) -> list[Any]:
        pb = r.count.pb
        assert pb is not None
        projects = {pr.id: pr for pr in r.question.projects}
        rows: list[list[Any]] = [[_("Order"), _("Funded project"), _("Cost"), _("Votes"),
                                  _("Spent so far")]]
        spent = Fraction(0)
        for n, pid in enumerate(pb.funded, 1):
            pr = projects[pid]
            spent += pr.cost
            rows.append([str(n), p(fit(pr.name or pr.id), cell), format_amount(pr.cost),
                         str(pb.supporters.get(pid, 0)), format_amount(spent)])
        for label, amount in ((_("Total spent"), pb.spent), (_("Budget"), pb.budget),
                              (_("Budget left"), pb.leftover)):
            rows.append(["", p(label, cell_bold), format_amount(amount), "", ""])
        t = grid(rows, [width * 0.09, width * 0.41, width * 0.15, width * 0.1, width * 0.25],
                 align_right_from=2)
        return [p(_("Funded projects"), heading), t]

    def question_story(results: RoundResults, r: QuestionResult) -> list[Any]:
        q = r.question
        long_texts.clear()
        story: list[Any] = [
            p(f"{results.event} — {results.round.title}", top),
            p(_("Question {n} of {total}").format(n=r.index + 1,
                                                   total=len(results.round.questions)), top),
            p(q.text, title),
        ]
        if q.note:
            story.append(p(q.note, small))
        colour = GREEN if r.count.passed else RED if r.count.passed is False else INK
        story.append(Spacer(1, 4))
        story.append(p(r.count.verdict, style("verdict", bold, 14, 18, colour)))
        if r.count.working:
            story.append(p(r.count.working, body))
        if not results.visible:
            story.append(p(_("PROVISIONAL — the round is still open; these are the ballots "
                             "entered so far."), style("prov", bold, 9.5, 12, RED)))
        if results.fingerprint_mismatch:  # the file changed after the round was sealed
            story.append(p(results.mismatch_text(), style("tampered", bold, 11, 14, RED)))
        story.append(p(_("Method: {method}").format(method=r.count.method), heading))
        story.append(p(r.count.rules, small))
        # the figures, with a bar each
        bar_w = width * 0.26
        rows: list[list[Any]] = [[_("Option"), r.count.unit.capitalize(), _("Share"), "",
                                  _("Detail")]]
        for line in r.count.lines:
            label = ("✔ " if line.winner else "") + line.label
            rows.append([p(fit(label), cell_bold if line.winner else cell),
                         _number(line.value),
                         format_share(line.share) if line.share is not None else "—",
                         Bar(line.share, bar_w, line.winner), p(fit(line.detail), small)])
        t = grid(rows, [width * 0.3, width * 0.1, width * 0.09, bar_w + 6, width * 0.25 - 6])
        t.setStyle(TableStyle([("ALIGN", (3, 0), (-1, -1), "LEFT")]))
        story += [Spacer(1, 4), t]
        for extra in r.count.tables:
            story.append(p(extra.title, heading))
            n = len(extra.header)
            first = width * (0.4 if n <= 4 else 0.3)
            story.append(grid([list(extra.header)] + [
                [p(fit(row[0]), cell), *row[1:]] for row in extra.rows],
                [first] + [(width - first) / (n - 1)] * (n - 1)))
        if r.count.stv is not None:
            story += stv_tables(r.count.stv)
        if r.count.pb is not None:
            story += pb_table(r)
        if long_texts:
            story.append(p(_("In full"), heading))
            story += [p(f"[{n}] {text}", small) for n, text in enumerate(long_texts, 1)]
        if r.count.notes:
            story.append(p(_("Notes"), heading))
            story += [p("• " + note, small) for note in r.count.notes]
        # turnout, fingerprint, signatures: kept together at the foot
        turnout = grid([[a, b] for a, b in r.turnout.lines()], [width * 0.3, width * 0.1],
                       header=False)
        fp = r.fingerprint
        check = [
            p(_("Counted at {time}").format(time=_local(results.counted_at)), body),
            p(_("Fingerprint of the ballot list (SHA-256), sealed when the round was "
                "closed:") if results.round.is_closed and results.round.fingerprint else
              _("Fingerprint of the ballot list (SHA-256):"), small),
            Paragraph(f'<font face="Courier" size="8">{fp[:32]}<br/>{fp[32:]}</font>', body),
            p(_("Seed for any lot: {seed}").format(seed=r.seed), small),
        ]
        box = directed_table([[turnout, check, Qr(fp, 26 * MM)]],
                    [width * 0.42, width * 0.58 - 30 * MM, 30 * MM], rtl=rtl)
        box.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("ALIGN", (2, 0), (2, 0), "RIGHT")]))
        sign = directed_table([[_("Observer 1 — name"), "", _("Signature"), ""],
                      [_("Observer 2 — name"), "", _("Signature"), ""]],
                     [width * 0.2, width * 0.32, width * 0.14, width * 0.34],
                     rowHeights=[11 * MM, 11 * MM], rtl=rtl)
        sign.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), regular, 8.5),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.HexColor(INK)),
            ("LINEBELOW", (3, 0), (3, -1), 0.6, colors.HexColor(INK))]))
        story.append(CondPageBreak(70 * MM))
        story.append(KeepTogether([p(_("Turnout and check"), heading), box, Spacer(1, 2),
                                   sign]))
        return story

    story: list[Any] = []
    for results in rounds:
        for r in results.questions:
            if questions is not None and r.index not in questions:
                continue
            if story:
                story.append(PageBreak())
            story += question_story(results, r)
    if not story:
        story.append(p(_("No questions to print."), body))
    printed = printed_at or (rounds[0].counted_at if rounds else datetime.now().astimezone())
    footer_text = _("Facilitator result sheet — printed {time} — page {page}")

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(colors.HexColor(GREY))
        Mirror(0, size[0], rtl).start(canvas, margin, 9 * MM, footer_text.format(
            time=_local(printed), page=doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=size, leftMargin=margin, rightMargin=margin,
                            topMargin=14 * MM, bottomMargin=16 * MM,
                            title=_("Result sheet"), author="Facilitator")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return path


def _number(value: Fraction) -> str:
    return figure_text(value)  # as the Results page, the projector and the phones show it
