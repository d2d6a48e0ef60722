"""``python -m facilitator ballots …`` calls the same functions as the Voting page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.ballots import Answer, enter, list_rounds, paper_codes
from facilitator.cli import main
from facilitator.demo import create_demo_event
from facilitator.store import EventStore

SPEC = {
    "title": "Morning vote", "instructions": "Use a pen.", "double_entry": False,
    "questions": [
        {"kind": "yes_no", "text": "Close the centre to cars on Saturdays?",
         "rule": {"threshold": "60%", "inclusive": True}},
        {"kind": "rank", "text": "Transport priority",
         "options": ["Buses", "Trams", "Bikes", "Walking"]},
        {"kind": "budget", "text": "Neighbourhood budget", "budget": "100000",
         "projects": [{"id": "p1", "name": "Playground", "cost": "40000"},
                      {"id": "p2", "name": "Trees", "cost": "25000"}]},
    ],
}


@pytest.fixture
def event(tmp_path: Path) -> Path:
    path = tmp_path / "event.facilitator"
    create_demo_event(path).close()
    return path


def test_new_print_reconcile_close(event: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "round.json"
    spec.write_text(json.dumps(SPEC), encoding="utf-8")
    assert main(["ballots", "new", str(event), str(spec)]) == 0
    assert "Created ballot round 1: Morning vote." in capsys.readouterr().out
    pdf = tmp_path / "papers.pdf"
    assert main(["ballots", "print", str(event), "Morn", "--count", "3", "--out", str(pdf)]) == 0
    assert "Wrote 3 papers" in capsys.readouterr().out
    assert len(PdfReader(pdf).pages) >= 3
    again = tmp_path / "again.pdf"
    assert main(["ballots", "print", str(event), "1", "--batch", "1", "--out", str(again)]) == 0
    with EventStore.open(event) as store:
        round_id = list_rounds(store)[0].id
        assert len(paper_codes(store, round_id)) == 3  # a reprint makes no new codes
        r = list_rounds(store)[0]
        for p in paper_codes(store, round_id):
            enter(store, round_id, p.code, [Answer.blank(q) for q in r.questions],
                  actor="Ann")
    assert main(["ballots", "list", str(event)]) == 0
    assert "3 papers printed" in capsys.readouterr().out
    assert main(["ballots", "reconcile", str(event), "1", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["printed"], figures["entered"], figures["blank"]) == (3, 3, 3)
    assert main(["ballots", "close", str(event), "1"]) == 1
    assert "needs a note" in capsys.readouterr().err
    assert main(["ballots", "counts", str(event), "1", "--issued", "3", "--returned", "2"]) == 0
    assert "Handed out: 3; returned: 2." in capsys.readouterr().out
    assert main(["ballots", "close", str(event), "1", "--note", "one paper too many"]) == 0
    assert main(["ballots", "reconcile", str(event), "1"]) == 0
    assert "Printed" in capsys.readouterr().out


def test_a_bad_round_file_names_the_problem(event: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "round.json"
    spec.write_text('{"title": "x", "questions": [', encoding="utf-8")
    assert main(["ballots", "new", str(event), str(spec)]) == 1
    assert "is not valid JSON (line 1" in capsys.readouterr().err
    bad = dict(SPEC, questions=[{"kind": "rank", "text": "Q", "options": ["A"]}])
    spec.write_text(json.dumps(bad), encoding="utf-8")
    assert main(["ballots", "new", str(event), str(spec)]) == 1
    assert "Question 1: " in capsys.readouterr().err
    assert main(["ballots", "print", str(event), "9", "--count", "1",
                 "--out", str(tmp_path / "x.pdf")]) == 1
    assert "no ballot round number 9" in capsys.readouterr().err


def test_the_command_line_prints_papers_in_the_language_they_were_first_printed_in(
        event: Path, tmp_path: Path) -> None:
    """Issue 17: papers first printed at the desk with the app in Arabic (a round without
    a language), printed again and topped up from the command line (in English): the same
    Arabic papers, and a spare paper in Arabic too."""
    from facilitator.ballots import Question, create_round, get_round, issue_codes
    from facilitator.i18n import language, set_language
    from facilitator.reports.ballots import write_ballot_papers

    from ...reading_corpus import render

    before = language()
    try:
        set_language("ar")
        with EventStore.open(event) as store:
            made = create_round(store, "Vote", [Question.yes_no("Go?")], actor="t").round
            printed = issue_codes(store, made.id, 2, actor="t")
            first = write_ballot_papers(tmp_path / "first.pdf", get_round(store, made.id),
                                        printed.papers, event_name=store.name)
        set_language("en")
        again = tmp_path / "again.pdf"
        assert main(["ballots", "print", str(event), str(made.id), "--batch", "1", "--out",
                     str(again)]) == 0
        assert all((a == b).all() for a, b in zip(render(again, 100), render(first, 100),
                                                  strict=True))
        assert main(["ballots", "print", str(event), str(made.id), "--count", "1", "--out",
                     str(tmp_path / "spare.pdf")]) == 0
        with EventStore.open(event) as store:
            assert [p.language for p in paper_codes(store, made.id)] == ["ar"] * 3
    finally:
        set_language(before)
