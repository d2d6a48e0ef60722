"""The result sheet lays out any text: a 2,000-character option, title or question, one word
of 2,000 characters, right-to-left script. It used to stop with reportlab's LayoutError (a
table row taller than a page). Every text must also read back from the PDF and render.
"""

from __future__ import annotations

import random
import re
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.ballots import Question, create_round, enter, issue_codes
from facilitator.cli import main
from facilitator.clock import FakeClock
from facilitator.demo import random_answer
from facilitator.reports.results import write_result_sheet
from facilitator.results.queries import count_round
from facilitator.store import EventStore
from facilitator.tally.pb import Project

TEXTS = {
    "long": ("lorem ipsum dolor sit amet " * 80)[:2000],
    "one word": "x" * 1999 + "y",
    "right to left": ("مرحبا بالعالم هذا نص طويل " * 80)[:2000],
}


def every_kind(text: str) -> tuple[Question, ...]:
    return (
        Question.yes_no(text),
        Question.choose_one(text, [text, "B" + text, "C"]),
        Question.approval(text, [text, "B" + text, "C"], max_choices=2, winners=1),
        Question.rank(text, [text, "B" + text, "C", "D"], seats=2),
        Question.rank(text, [text, "B" + text, "C"]),
        Question.score(text, [text, "B" + text], score_max=5),
        Question.dot_vote(text, [text, "B" + text], dots=3, max_per_option=2),
        Question.pb_budget(text, [Project("p1", Fraction(40), text),
                                  Project("p2", Fraction(30), "B" + text),
                                  Project("p3", Fraction(50), "C")], 100),
        Question.judgment(text, [text, "B" + text]),
    )


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TEXTS))
def test_result_sheet_lays_out_and_keeps_any_text(name: str, tmp_path: Path) -> None:
    text = TEXTS[name]
    store = EventStore.create(tmp_path / "e.facilitator", text[:300], FakeClock())
    questions = every_kind(text)
    rid = create_round(store, text, questions, actor="test").round.id
    rng = random.Random(1)
    for paper in issue_codes(store, rid, 12, actor="test").papers:
        enter(store, rid, paper.code, [random_answer(q, rng) for q in questions], actor="t")
    results = count_round(store, rid)
    store.close()
    pdf = write_result_sheet(tmp_path / "sheet.pdf", [results])
    reader = PdfReader(pdf)
    extracted = squeeze("".join(page.extract_text() for page in reader.pages))
    if name != "right to left":  # pypdf reads Arabic back in display order
        assert extracted.count(squeeze(text)) >= 2 * len(questions)  # each title, each option
        assert extracted.count(squeeze("B" + text)) >= 5  # in full under the tables
    assert "[1]" in extracted and "Infull" in extracted
    pages = len(reader.pages)
    subprocess.run(["pdftoppm", "-r", "20", "-png", "-f", "1", "-l", str(pages), str(pdf),
                    str(tmp_path / "page")], check=True, capture_output=True)
    assert len(list(tmp_path.glob("page*.png"))) == pages


def test_results_command_refuses_a_question_or_round_that_is_not_there(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--question 99 was an IndexError traceback, --question 0 an empty PDF with exit 0."""
    from facilitator.demo import create_demo_event

    event = tmp_path / "demo.facilitator"
    create_demo_event(event, FakeClock(), with_votes=True).close()
    pdf = tmp_path / "out.pdf"
    for args, says in (
            (["--question", "99", "--pdf", str(pdf)], "There is no question 99"),
            (["--question", "0", "--pdf", str(pdf)], "There is no question 0"),
            (["--question", "-1", "--csv", str(tmp_path / "x.csv")], "no question -1"),
            (["--round", "99", "--pdf", str(pdf)], "no ballot round number 99"),
            (["--round", "nonesuch", "--pdf", str(pdf)], "No ballot round is called"),
            (["--question", "1", "--blt", str(tmp_path / "x.blt"), "--pdf", str(pdf)],
             "Only a ranking question"),
            (["--pdf", str(tmp_path / "missing" / "x.pdf")], "does not exist"),
            (["--csv", str(tmp_path)], "it is a folder")):
        assert main(["results", str(event), *args]) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: ") and says in err and err.count("\n") == 1, err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.facilitator"], args
