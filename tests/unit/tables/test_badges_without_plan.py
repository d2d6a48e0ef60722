"""Badges print at any time (issue 13): organisers print them days before anyone is seated.
With no table plan a badge carries the name, the badge code and its QR code, and no table."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.demo import create_demo_event
from facilitator.people import list_participants
from facilitator.reports.tables import badges_of, write_badges
from facilitator.store import EventStore
from facilitator.tables import queries

from ...badge_pdf import check_badges

ROOT = Path(__file__).resolve().parents[3]
PRINTED = datetime(2026, 11, 21, 10, 30, tzinfo=UTC)


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "facilitator", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


@pytest.fixture
def event(tmp_path: Path) -> Path:
    path = tmp_path / "demo.facilitator"
    create_demo_event(path).close()
    return path


@pytest.mark.parametrize(("sheets", "per_page"), [("badges", 1), ("labels", 8)])
def test_cli_prints_badges_with_no_plan(event: Path, tmp_path: Path, sheets: str,
                                        per_page: int) -> None:
    pdf = tmp_path / f"{sheets}.pdf"
    result = cli("tables", event, "--pdf", pdf, "--sheets", sheets)
    assert result.returncode == 0, result.stderr
    assert f"Wrote {pdf}." in result.stdout
    with EventStore.open(event, read_only=True) as store:
        assert queries.current_plan(store) is None
        people = list_participants(store)
        assert len(people) > 8
        text = check_badges(store, pdf, people, tmp_path / "pages")
    assert len(PdfReader(pdf).pages) == -(-len(people) // per_page)
    # Nothing about tables that are not there yet.
    assert "Your table" not in text and "Round 1" not in text and "Plan " not in text
    assert "Printed 2" in text


def test_cli_still_refuses_plan_sheets_with_no_plan(event: Path, tmp_path: Path) -> None:
    result = cli("tables", event, "--pdf", tmp_path / "list.pdf", "--sheets", "list")
    assert result.returncode == 1 and "run allocate first" in result.stderr
    mixed = cli("tables", event, "--pdf", tmp_path / "b.pdf", "--sheets", "badges,list")
    assert mixed.returncode == 1 and "own" in mixed.stderr
    assert not (tmp_path / "list.pdf").exists() and not (tmp_path / "b.pdf").exists()


def test_badges_of_an_event_with_no_one_yet(tmp_path: Path) -> None:
    with EventStore.create(tmp_path / "empty.facilitator", "Empty") as store:
        badges = badges_of(store)
    assert badges.people == () and badges.plan is None
    pdf = write_badges(tmp_path / "b.pdf", badges, layout="a6", printed_at=PRINTED)
    text = PdfReader(pdf).pages[0].extract_text()
    assert "no one on the participant list" in text and "seated" not in text
