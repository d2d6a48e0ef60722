"""The speaking-time PDF, read back: its text and a rendered page."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.clock import FakeClock
from facilitator.people import check_in, import_people, list_participants, parse_people
from facilitator.reports.speaking import write_speaking_report
from facilitator.store import EventStore
from facilitator.timing import ops
from facilitator.timing.queries import speaking_stats

ACTOR = "facilitator"


@pytest.fixture
def stats_event(store: EventStore, tmp_path: Path, clock: FakeClock) -> EventStore:
    path = tmp_path / "p.csv"
    path.write_text("ID,Name,Gender\n1,Siân Ó Súilleabháin,Woman\n2,Bob Kowalski,Man\n"
                    "3,Zoë Łukasik,Woman\n4,مريم حداد,Woman\n", encoding="utf-8")
    import_people(store, parse_people(path), actor="test")
    for person in list_participants(store):
        check_in(store, person.id, actor="test")
    for ext, seconds in (("2", 150), ("1", 45), ("2", 61)):
        person = next(p.id for p in list_participants(store) if p.ext_id == ext)
        ops.enqueue(store, person, actor=ACTOR)
        ops.start_next(store, actor=ACTOR)
        clock.advance(seconds)
        ops.end_turn(store, actor=ACTOR)
    return store


def test_report_text_reads_back(stats_event: EventStore, clock: FakeClock,
                                tmp_path: Path) -> None:
    stats = speaking_stats(stats_event, clock, attribute="Gender")
    pdf = write_speaking_report(tmp_path / "heard.pdf", stats, event_name="Test assembly",
                                scope_title="Plenary 1",
                                printed_at=datetime(2026, 11, 21, 15, 0, tzinfo=UTC))
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Who was heard — Plenary 1" in text
    assert "3 turns, 4:16 of speaking in all" in text
    assert "Woman: 75% present, 18% of speaking time" in text
    assert "Man: 25% present, 82% of speaking time" in text
    assert "Siân Ó Súilleabháin" in text and "Bob Kowalski" in text
    assert "3:31" in text  # Bob: 150 + 61 s
    assert "Present but not yet heard (2)" in text
    assert "Zoë Łukasik" in text


def dark_fraction(pgm: bytes) -> float:
    """Share of dark pixels in a binary PGM (P5) image."""
    header, _sep, _rest = pgm.partition(b"\n255\n")
    width, height = (int(v) for v in header.split()[1:3])
    pixels = pgm[len(header) + 5:]
    assert len(pixels) == width * height
    return sum(1 for value in pixels if value < 128) / len(pixels)


def test_report_renders(stats_event: EventStore, clock: FakeClock, tmp_path: Path) -> None:
    stats = speaking_stats(stats_event, clock, attribute="Gender")
    pdf = write_speaking_report(tmp_path / "heard.pdf", stats, event_name="Test assembly",
                                scope_title="Plenary 1",
                                printed_at=datetime(2026, 11, 21, 15, 0, tzinfo=UTC),
                                page_size="letter")
    assert shutil.which("pdftoppm"), "pdftoppm missing: install poppler-utils (dev.py does)"
    subprocess.run(["pdftoppm", "-gray", "-r", "50", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    page = next(tmp_path.glob("page*.pgm")).read_bytes()
    assert 0.005 < dark_fraction(page) < 0.3  # text and table lines, not a blank page
    assert PdfReader(pdf).pages[0].mediabox.width == pytest.approx(612)
