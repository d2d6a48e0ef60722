"""Legislative theatre, the outputs: the PDF read back, the tracker (CSV/JSON, formula-safe),
the interventions log, idea cards whose QR scans back to their scene, the CLI and the demo."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.cli import main
from facilitator.clock import FakeClock
from facilitator.qa.model import table_from_scan
from facilitator.reports.theatre import write_idea_cards, write_proposals
from facilitator.store import EventStore
from facilitator.theatre import export, ops, queries
from facilitator.theatre.demo import build_session
from facilitator.theatre.model import scene_from_card_label

from ...scan import card_codes_scanned


@pytest.fixture
def session(store: EventStore, clock: FakeClock) -> EventStore:
    build_session(store, voters=30, cards=40, interventions=15, clock=clock)
    return store


def test_demo_session_has_every_screen_filled(session: EventStore) -> None:
    assert len(queries.scenes(session)) == 3
    assert len(queries.interventions(session)) == 15
    every = queries.cards(session)
    assert len(every) == 40 and {c.source for c in every} == {"typed", "card", "phone"}
    proposals = queries.proposals(session)
    assert len(proposals) == 6 and all(p.cards for p in proposals)
    outcomes = [queries.outcome(session, p.id) for p in proposals]
    assert all(o is not None and o.closed for o in outcomes)
    assert {o.method for o in outcomes if o} == {"phones", "paper", "hands", "both"}
    assert any(o.passed is False for o in outcomes if o)
    made = queries.commitments(session)
    assert made and any(not c.committed for c in made)


def test_pdf_reads_back_with_counts_cards_and_commitments(session: EventStore,
                                                          tmp_path: Path) -> None:
    pdf = write_proposals(tmp_path / "p.pdf", session,
                          printed_at=datetime(2026, 12, 1, 18, tzinfo=UTC))
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    flat = " ".join(text.split())
    assert "Proposals and commitments" in flat
    first = queries.proposals(session)[0]
    result = queries.outcome(session, first.id)
    assert result is not None and result.counts_text in flat and "PASSED" in flat
    assert "NOT PASSED" in flat and "hands, counted by Amira and Joe" in flat
    assert "Cannot commit, because sanction rules are set nationally" in flat
    assert "Follow-up contact: legislative.desk@example.org" in flat
    assert "Interventions behind it" in flat and "Signatures" in flat
    assert "(by2027-03-31)" in "".join(text.split())
    assert shutil.which("pdftoppm")
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")],
                   check=True)
    assert len(list(tmp_path.glob("page*.png"))) == len(PdfReader(pdf).pages)


def test_tracker_csv_and_json(session: EventStore) -> None:
    first = queries.commitments(session)[0]
    ops.set_commitment_status(session, first.id, "done", actor="desk")
    rows = list(csv.DictReader(io.StringIO(export.tracker_csv(session))))
    assert len(rows) == len(queries.commitments(session))
    assert rows[0]["status"] == "done" and rows[0]["commits"] == "yes"
    assert any(r["cannot_commit_because"] for r in rows)
    data = json.loads(export.tracker_json(session))
    assert data["follow_up_contact"].startswith("legislative.desk@")
    assert len(data["commitments"]) == len(rows)
    log = list(csv.DictReader(io.StringIO(export.interventions_csv(session))))
    assert len(log) == 15 and all(r["character"] and r["outcome"] for r in log)


def test_tracker_cells_cannot_become_formulas(store: EventStore) -> None:
    build_session(store, voters=12, cards=5, interventions=3)
    pid = queries.proposals(store)[0].id
    ops.add_commitment(store, pid, "=HYPERLINK(\"x\")", action="@SUM(A1)", actor="desk")
    text = export.tracker_csv(store)
    assert "'=HYPERLINK" in text and "'@SUM" in text


def test_idea_cards_scan_back_to_their_scene(session: EventStore, tmp_path: Path) -> None:
    pdf = write_idea_cards(tmp_path / "cards.pdf", queries.scenes(session),
                           event_name=session.name)
    assert len(PdfReader(pdf).pages) == 2
    found = card_codes_scanned(pdf, tmp_path / "scan")
    assert [scene_from_card_label(table_from_scan(code) or "") for code in found] == [1, 2, 3]


def test_cli_writes_every_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    event = tmp_path / "t.facilitator"
    with EventStore.create(event, "CLI theatre", FakeClock()) as store:
        build_session(store, voters=15, cards=12, interventions=5)
    out = tmp_path / "out.pdf"
    assert main(["theatre", str(event), "--pdf", str(out), "--csv", str(tmp_path / "t.csv"),
                 "--json", str(tmp_path / "t.json"), "--log", str(tmp_path / "log.csv"),
                 "--cards", str(tmp_path / "cards.pdf")]) == 0
    assert out.exists() and (tmp_path / "cards.pdf").exists()
    assert "commitments" in capsys.readouterr().out
    assert len((tmp_path / "log.csv").read_text().splitlines()) == 6
    assert main(["theatre", str(event)]) == 1
    assert "Say what to write" in capsys.readouterr().err


def test_cli_without_a_session(store: EventStore, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    path = store.path
    store.close()
    assert main(["theatre", str(path), "--pdf", str(tmp_path / "x.pdf")]) == 1
    assert "no legislative-theatre session" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_command_makes_a_whole_session(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    event = tmp_path / "demo.facilitator"
    assert main(["demo", "--theatre", str(event)]) == 0
    with EventStore.open(event, read_only=True) as store:
        assert export.summary(store) == (
            "6 proposals, 40 idea cards, 15 interventions, 7 commitments")
        assert len(queries.scenes(store)) == 3
