"""The headless command line, as an organiser would call it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "facilitator", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def test_import_then_people_then_check_in(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("Ref;Full name;Area\nA1;Siân Jones;North\nA2;Ali Khan;South\n",
                      encoding="utf-8")
    event = tmp_path / "assembly.facilitator"
    result = cli("import", event, people)
    assert result.returncode == 0, result.stderr
    assert "2 added, 0 changed, 0 removed" in result.stdout
    assert "ID column: Ref; name: Full name" in result.stdout

    listing = cli("people", event, "--csv")
    lines = listing.stdout.strip().splitlines()
    assert lines[0].startswith("id,name,role,status,checked_in_at,badge,Area")
    assert lines[1].startswith("A1,Siân Jones,participant,expected,,")

    assert cli("check-in", event, "A2").returncode == 0
    checked = cli("people", event, "--checked-in").stdout.strip().splitlines()
    assert len(checked) == 2 and checked[1].startswith("A2\tAli Khan\tparticipant\tchecked_in")

    again = cli("check-in", event, "A2")
    assert again.returncode == 1 and "already checked in" in again.stderr


def test_bad_file_is_reported_and_changes_nothing(tmp_path: Path) -> None:
    event = tmp_path / "assembly.facilitator"
    good = tmp_path / "good.csv"
    good.write_text("ID,Name\n1,A\n2,B\n", encoding="utf-8")
    assert cli("import", event, good).returncode == 0
    before = event.read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("ID,Name\n1,A\n1,C\n", encoding="utf-8")
    result = cli("import", event, bad)
    assert result.returncode == 1
    assert "bad.csv, line 3, column 1 (ID)" in result.stderr
    assert "also on line 2" in result.stderr
    assert event.read_bytes() == before


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert cli().returncode == 2
    assert cli("people").returncode == 2
    missing = cli("people", tmp_path / "nope.facilitator")
    assert missing.returncode == 1 and "There is no event file" in missing.stderr


def test_changes_from_the_command_line_are_audited_as_cli(tmp_path: Path) -> None:
    from facilitator.store import EventStore

    people = tmp_path / "people.csv"
    people.write_text("ID,Name\nA1,Siân Jones\nA2,Ali Khan\n", encoding="utf-8")
    event = tmp_path / "assembly.facilitator"
    assert cli("import", event, people).returncode == 0
    assert cli("check-in", event, "A1").returncode == 0
    with EventStore.open(event, read_only=True) as store:
        rows = store.query("SELECT action, actor FROM audit_log WHERE object_type LIKE "
                           "'participant%' ORDER BY id")
    assert [r["action"] for r in rows] == ["import_add", "import_add", "import", "check_in"]
    assert {r["actor"] for r in rows} == {"cli"}
