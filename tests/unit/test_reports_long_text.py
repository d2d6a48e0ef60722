"""Every PDF built from typed text lays out a 2,000-character text, one word of 2,000
characters and right-to-left script: no LayoutError, no text run off the paper, and the
words read back. (Table sheets stopped with a LayoutError on a long name; ballot papers
printed a long title over the questions and a long question past the foot of the page.)
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.ballots import create_round, get_round, issue_codes
from facilitator.ballots.questions import Question
from facilitator.clock import FakeClock
from facilitator.errors import UserError
from facilitator.people import check_in, import_people, list_participants, parse_people
from facilitator.qa import ops as qa
from facilitator.reports.ballots import write_ballot_papers
from facilitator.reports.qa import write_followup
from facilitator.reports.qa_cards import write_question_cards
from facilitator.reports.speaking import write_speaking_report
from facilitator.reports.tables import write_badges, write_sheets
from facilitator.store import EventStore
from facilitator.tables import ops as table_ops
from facilitator.tables import plans
from facilitator.tables import queries as table_queries
from facilitator.tally.pb import Project
from facilitator.timing.queries import speaking_stats

PRINTED = datetime(2026, 11, 21, 10, 30, tzinfo=UTC)
TEXTS = {
    "long": ("lorem ipsum dolor sit amet " * 80)[:2000],
    "one word": "x" * 1999 + "y",
    "right to left": ("مرحبا بالعالم هذا نص طويل " * 80)[:2000],
}


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check_pdf(pdf: Path, tmp_path: Path) -> str:
    """The PDF renders (every page) and its text, whitespace removed."""
    reader = PdfReader(pdf)
    subprocess.run(["pdftoppm", "-r", "12", "-png", str(pdf), str(tmp_path / pdf.stem)],
                   check=True, capture_output=True)
    assert len(list(tmp_path.glob(pdf.stem + "-*.png"))) == len(reader.pages)
    text = []
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        off: list[tuple[str, float, float]] = []

        def visit(run: str, cm: list[float], tm: list[float], *_args: object,
                  width: float = width, height: float = height,
                  off: list[tuple[str, float, float]] = off) -> None:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if run.strip() and not (-1 <= x <= width and 0 <= y <= height):
                off.append((run[:20], x, y))

        text.append(page.extract_text(visitor_text=visit))
        assert not off, f"{pdf.name} page {number}: text off the paper: {off[:3]}"
    return squeeze("".join(text))


@pytest.fixture(params=list(TEXTS))
def event(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[EventStore, str]:
    text = TEXTS[request.param]
    store = EventStore.create(tmp_path / "e.facilitator", text[:200], FakeClock())
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["ID", "Name", "Role", "Area"])
    for i in range(12):
        w.writerow([f"A{i}", text if i < 3 else f"P{i}", "participant", text if i % 2 else "N"])
    w.writerow(["E1", text, "expert", ""])
    (tmp_path / "p.csv").write_text(out.getvalue(), encoding="utf-8")
    import_people(store, parse_people(tmp_path / "p.csv"), actor="test")
    for person in list_participants(store):
        check_in(store, person.id, actor="test")
    yield store, text
    store.close()


@pytest.mark.slow
def test_ballot_papers_flow_long_text(event: tuple[EventStore, str], tmp_path: Path) -> None:
    store, text = event
    questions = (Question.yes_no(text), Question.choose_one(text, [text, "B" + text, "C"]),
                 Question.pb_budget(text, [Project("p1", Fraction(40), text)], 100),
                 Question.judgment(text, [text, "B" + text]))
    rid = create_round(store, text, questions, instructions=text, actor="test").round.id
    papers = issue_codes(store, rid, 1, actor="test").papers
    pdf = write_ballot_papers(tmp_path / "ballots.pdf", get_round(store, rid), papers,
                              event_name=text)
    extracted = check_pdf(pdf, tmp_path)
    if not text.startswith("م"):
        # instructions, 4 question texts, 4 options in full (title and event are cut);
        # split over pages, so counted by a word that makes up the text
        word = "lorem" if "lorem" in text else "x"
        assert extracted.count(word) >= 9 * text.count(word)


@pytest.mark.slow
def test_table_sheets_and_badges_lay_out_long_names(event: tuple[EventStore, str],
                                                    tmp_path: Path) -> None:
    store, text = event
    table_ops.save_settings(store, plans.TableSettings(
        rounds=2, table_size=5, attributes=(plans.AttributeChoice("Area"),)), actor="t")
    table_ops.allocate_and_save(store, iterations=500, actor="t")
    view = table_queries.plan_view(store)
    sheets = write_sheets(tmp_path / "tables.pdf", view, printed_at=PRINTED)
    extracted = check_pdf(sheets, tmp_path)
    if not text.startswith("م"):
        assert squeeze(text[:100]) in extracted and "…" in extracted
    for layout in ("a6", "labels"):
        check_pdf(write_badges(tmp_path / f"{layout}.pdf", view, layout=layout,
                               printed_at=PRINTED), tmp_path)


@pytest.mark.slow
def test_qa_and_speaking_reports_lay_out_long_text(event: tuple[EventStore, str],
                                                   tmp_path: Path) -> None:
    store, text = event
    people = list_participants(store)
    expert = next(p.id for p in people if p.role == "expert")
    panel = qa.create_panel(store, text, [expert], text, actor="t").panel_id
    qid = qa.add_question(store, panel, "3", text, asker_id=people[0].id, approved=True,
                          actor="t").question_id
    qa.close(store, qid, "deferred", text, actor="t")
    qa.record_written_answer(store, qid, text, actor="t")
    extracted = check_pdf(write_followup(tmp_path / "qa.pdf", store, panel,
                                         printed_at=PRINTED), tmp_path)
    if not text.startswith("م"):
        assert extracted.count(squeeze(text)) >= 2
    check_pdf(write_question_cards(tmp_path / "cards.pdf", ["1", "2"], event_name=text,
                                   panel_title=text), tmp_path)
    with pytest.raises(UserError, match=r"more than 40"):
        write_question_cards(tmp_path / "bad.pdf", [text], event_name="E")
    stats = speaking_stats(store, store.clock, attribute="Area")
    check_pdf(write_speaking_report(tmp_path / "speaking.pdf", stats, event_name=text,
                                    scope_title=text, printed_at=PRINTED), tmp_path)
