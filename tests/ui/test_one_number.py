"""One number everywhere: the turnout, the ballots counted and the per-option figures of a
question are the same on the Results page, the Phones tab, the phone's results page, the
projector, the result sheet (PDF), the command line and the exports.

The event mixes paper and phones, blank papers and blank phone votes, a spoiled paper, a
changed phone vote, and a phone voter who skipped a question. Each place's figures are read
back from what it shows (widget texts, the PDF's text, the phone page's HTML, the CLI's
output, the CSV), then compared with each other.
"""

from __future__ import annotations

import csv
import io
import re
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from facilitator import lan
from facilitator.ballots import (
    Answer,
    Kind,
    Question,
    create_round,
    enter,
    format_share,
    hand_out,
    issue_codes,
)
from facilitator.lan.app import PhoneApp
from facilitator.people import list_participants
from facilitator.reports.results import write_result_sheet
from facilitator.results.exports import ballots_csv
from facilitator.results.ops import set_live, set_projected
from facilitator.results.queries import count_round
from facilitator.store import EventStore
from facilitator.tally import Project
from ui.bus import ChangeBus
from ui.pages.results import ResultsPage
from ui.pages.results.view import number_text
from ui.phone_panel import PhonePanel
from ui.projector_views import ProjectorResultsView

from ..unit.lan.test_phone_secrecy import call

QUESTIONS = (
    Question.yes_no("Close the centre to cars on Saturdays?"),
    Question.rank("Which transport priority first?", ["Buses", "Trams", "Cycle lanes"]),
    Question.pb_budget("Spend the budget", [
        Project("p1", Fraction(40000), "Playground"), Project("p2", Fraction(25000), "Trees"),
        Project("p3", Fraction(60000), "Youth club")], 100000),
)


def mixed_event(store: EventStore) -> int:
    """Six papers (one blank, one spoiled) and eleven phones (a blank vote, changed votes,
    someone who skipped the ranking); everything visible, nothing closed."""
    yes, rank, budget = QUESTIONS
    round_id = create_round(store, "Mixed vote", QUESTIONS, channel="both", actor="test").round.id
    people = [p for p in list_participants(store) if p.present and p.role == "participant"]
    on_paper, on_phone = people[:6], people[6:17]
    papers = [p.code for p in issue_codes(store, round_id, 6, actor="test").papers]
    marked = [
        [Answer.choose(yes, 0), Answer.ranking(rank, [0, 1]), Answer.choose(budget, 0, 1)],
        [Answer.choose(yes, 1), Answer.ranking(rank, [2]), Answer.choose(budget, 2)],
        [Answer.choose(yes, 0), Answer.ranking(rank, [1, 0, 2]), Answer.choose(budget, 1)],
        [Answer.choose(yes, 0, 1), Answer.ranking(rank, [0]), Answer.choose(budget, 0, 2)],
        [Answer.blank(yes), Answer.blank(rank), Answer.blank(budget)],  # a blank paper
    ]
    for person in on_paper:
        hand_out(store, round_id, person.id, actor="test")
    for code, answers in zip(papers, marked, strict=False):
        enter(store, round_id, code, answers, actor="desk")
    enter(store, round_id, papers[5], [], actor="desk", spoiled=True)
    lan.save_settings(store, lan.LanSettings(allow_change=True, results_live=True), actor="test")
    for index in range(len(QUESTIONS)):
        lan.open_question(store, round_id, index, actor="test")
    for n, person in enumerate(on_phone):
        lan.cast_vote(store, person.id, round_id, 0,
                      Answer.blank(yes) if n == 0 else Answer.choose(yes, n % 2), actor="phone")
        if n != 1:  # one phone voter skips the ranking
            lan.cast_vote(store, person.id, round_id, 1, Answer.ranking(rank, [n % 3]),
                          actor="phone")
        lan.cast_vote(store, person.id, round_id, 2, Answer.choose(budget, n % 3), actor="phone")
    for person in on_phone[:3]:  # changed votes count once, as changed
        lan.cast_vote(store, person.id, round_id, 0, Answer.choose(yes, 0), actor="phone")
        lan.cast_vote(store, person.id, round_id, 2, Answer.choose(budget, 1), actor="phone")
    set_live(store, round_id, True, actor="test")
    return round_id


def counted_in(text: str) -> int:
    found = re.search(r"(\d+) ballots? counted", text)
    assert found, text
    return int(found.group(1))


def test_every_place_shows_the_same_figures(qtbot: QtBot, demo_store: EventStore,
                                           tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    store = demo_store
    round_id = mixed_event(store)
    bus = ChangeBus()
    results_page = ResultsPage(store, bus)
    qtbot.addWidget(results_page)
    phones_tab = PhonePanel(store, bus)
    qtbot.addWidget(phones_tab)
    projector = ProjectorResultsView()  # what the projector window shows (ui.projector)
    qtbot.addWidget(projector)
    app = PhoneApp(store)
    phone_person = [p for p in list_participants(store) if p.present
                    and p.role == "participant"][6]
    pdf = write_result_sheet(tmp_path / "sheet.pdf", [count_round(store, round_id)])
    sheet = [page.extract_text() for page in PdfReader(pdf).pages]
    exported = list(csv.reader(io.StringIO(ballots_csv(count_round(store, round_id)))))
    shown: dict[str, list[tuple[int, int, list[str]]]] = {}
    """place -> per question: (present, ballots counted, per-option figures)."""

    def add(place: str, present: int, counted: int, figures: list[str]) -> None:
        shown.setdefault(place, []).append((present, counted, figures))

    for index, question in enumerate(QUESTIONS):
        # The Results page: the status line, the turnout under the chart, the bars.
        results_page.question_list.setCurrentRow(index)
        details = results_page.panel.details_label.text()
        voted = int(re.search(r"Voted \(ballots counted\): (\d+)", details).group(1))
        present = int(re.search(r"People present: (\d+)", details).group(1))
        assert counted_in(results_page.status_label.text()) == voted
        add("results page", present, voted,
            [number_text(line) for line in results_page.panel.chart.lines])
        # The Phones tab: its turnout column and its results column.
        turnout = phones_tab.question_table.item(index, 2).text()
        figures = phones_tab.question_table.item(index, 3).text()
        found = re.match(r"(\d+) of (\d+) present have voted \((\d+) by phone, (\d+) on paper",
                         turnout)
        assert found, turnout
        assert int(found.group(3)) + int(found.group(4)) == int(found.group(1))
        add("phones tab", int(found.group(2)), int(found.group(1)),
            [part.rsplit(": ", 1)[1] for part in figures.split(", ")])
        # The phone's results page (results shown live).
        status, _headers, page = call(app, "GET",
                                      f"/v/{phone_person.token}/q/{round_id}/{index}")
        assert status == 200
        cells = re.findall(r"<th scope='row' dir='auto'>[^<]*</th><td>([^< ]+)", page)
        add("phone page", present, counted_in(page), cells)
        # The projector.
        set_projected(store, (round_id, index), actor="test")
        assert projector.refresh(store)
        add("projector", present, counted_in(projector.counted_label.text()),
            [number_text(line) for line in projector.chart.lines])
        if question.kind is Kind.YES_NO:  # Yes and No as shares of the verdict's basis
            assert results_page.results is not None
            verdict = results_page.results.questions[index].count.verdict
            yes_no = [format_share(line.share) for line in projector.chart.lines[:2]
                      if line.share is not None]
            assert yes_no == [format_share(line.share)
                              for line in results_page.panel.chart.lines[:2]
                              if line.share is not None]
            assert len(yes_no) == 2
            assert yes_no[0] in verdict, (yes_no, verdict)
            assert yes_no[0] in projector.working_label.text()
        # The result sheet: the question's page, read back from the PDF.
        # From the question's heading on: a question's figures may run onto the next page
        # (a one-seat ranking carries its head-to-head matrix).
        whole = "\n".join(sheet).replace("\u00a0", " ")
        text = whole[whole.index(question.text):]
        voted_pdf = int(re.search(r"Voted \(ballots counted\)\s*(\d+)", text).group(1))
        present_pdf = int(re.search(r"People present\s*(\d+)", text).group(1))
        assert results_page.results is not None
        labels = [line.label for line in results_page.results.questions[index].count.lines]
        lines = text.split("\n")
        at = lines.index("Detail")  # the figures table: option, figure, share, detail
        pdf_figures = []
        for label in labels:
            at = next(i for i in range(at, len(lines))
                      if lines[i].lstrip("✔ ") == label.replace("\u00a0", " "))
            pdf_figures.append(lines[at + 1])
        add("result sheet", present_pdf, voted_pdf, pdf_figures)
        # The CSV export: one row per ballot; a status on this question means it counted.
        header = exported[0]
        column = header.index(f"q{index + 1} status")
        counted = sum(1 for row in exported[1:] if row[column] in ("valid", "blank", "invalid"))
        add("export", present, counted, shown["results page"][index][2])
    phones_tab.deleteLater()

    # The command line, on the closed file.
    from facilitator.cli import main

    path = store.path
    store.close()
    capsys.readouterr()
    assert main(["results", str(path)]) == 0
    out = capsys.readouterr().out
    blocks = re.split(r"\n  \d+\. ", out)[1:]
    for index, block in enumerate(blocks):
        lines = block.splitlines()
        figures = [line.rsplit(": ", 1)[1].split(" (")[0] for line in lines[3:]]
        add("command line", shown["results page"][index][0], counted_in(lines[2]), figures)

    reference = shown["results page"]
    assert [v for _p, v, _f in reference] == [16, 15, 16]  # 5 papers + 11 phones, one skip
    for place, figures in shown.items():
        assert figures == reference, place


def test_the_demo_event_shows_one_turnout(qtbot: QtBot, tmp_path: Path) -> None:
    """The case reported: on the demo, question 1 showed 47 voted on the Results page and 46
    on the Phones tab (a blank paper counted in one place only), the budget question 45 and
    47."""
    from facilitator.clock import FakeClock
    from facilitator.demo import create_demo_event

    store = create_demo_event(tmp_path / "demo.facilitator", FakeClock(), with_votes=True)
    try:
        bus = ChangeBus()
        results_page = ResultsPage(store, bus)
        qtbot.addWidget(results_page)
        phones_tab = PhonePanel(store, bus)
        qtbot.addWidget(phones_tab)
        assert results_page.results is not None
        for index, result in enumerate(results_page.results.questions):
            results_page.question_list.setCurrentRow(index)
            on_results_page = counted_in(results_page.status_label.text())
            on_phones_tab = int(phones_tab.question_table.item(index, 2).text().split()[0])
            assert on_results_page == on_phones_tab == result.turnout.voted, index
        assert results_page.results.questions[0].turnout.voted == 47  # 48 papers, 1 spoiled
        phones_tab.deleteLater()
    finally:
        store.close()
