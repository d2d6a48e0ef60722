"""Results from the event file: answers_for, turnout, fingerprint, visibility, exports,
the result sheet PDF (read back, QR decoded) and the ``results`` command."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from facilitator.ballots import (
    Answer,
    close_round,
    counted_papers,
    enter,
    fingerprint,
    issue_codes,
)
from facilitator.cli import main
from facilitator.demo import sample_questions, sample_round
from facilitator.results.exports import ballots_csv, ballots_json, question_blt, question_pb
from facilitator.results.ops import set_live, set_projected
from facilitator.results.queries import answers_for, count_round, is_live, pb_rule_of, projected
from facilitator.store import EventStore
from facilitator.tally import count_stv, parse_blt, parse_pb


def test_answers_for_counts_every_paper_once_with_turnout(demo: EventStore) -> None:
    rid = sample_round(demo, 20)
    a = answers_for(demo, rid, 0)
    papers = counted_papers(demo, rid)
    assert a.fingerprint == fingerprint(papers)  # the same as the ballots module's
    assert a.turnout.spoiled == 1 and a.turnout.voted == 19
    assert a.turnout.blank == 1 and a.turnout.invalid == 1  # paper 9 over-marked yes/no
    assert a.turnout.valid == 17 == len(a.valid)
    assert a.turnout.present > 0


def test_results_hidden_until_closed_or_live(demo: EventStore) -> None:
    rid = sample_round(demo, 12)
    assert not count_round(demo, rid).visible
    with pytest.raises(Exception, match="hidden"):
        set_projected(demo, (rid, 0), actor="test")
    set_live(demo, rid, True, actor="test")
    assert is_live(demo, rid) and count_round(demo, rid).visible
    set_projected(demo, (rid, 2), actor="test")
    assert projected(demo) == (rid, 2)
    set_projected(demo, None, actor="test")
    set_live(demo, rid, False, actor="test")
    assert not count_round(demo, rid).visible
    close_round(demo, rid, note="test: figures not recorded", actor="test")
    assert count_round(demo, rid).visible


def test_count_is_deterministic_and_the_seed_comes_from_the_fingerprint(
        demo: EventStore) -> None:
    rid = sample_round(demo, 15)
    first, second = count_round(demo, rid), count_round(demo, rid)
    assert first.seed == second.seed == int(first.fingerprint[:15], 16)
    assert [r.count for r in first.questions] == [r.count for r in second.questions]


def test_live_results_follow_new_ballots(demo: EventStore) -> None:
    rid = sample_round(demo, 10)
    before = count_round(demo, rid).questions[0]
    extra = issue_codes(demo, rid, 1, actor="test").papers[0]
    q = count_round(demo, rid).round.questions
    enter(demo, rid, extra.code, [Answer.choose(x, 0) if x.kind.value in (
        "yes_no", "scale", "choose_one", "approval") else Answer.blank(x) for x in q],
        actor="t")
    after = count_round(demo, rid).questions[0]
    assert after.count.lines[0].value == before.count.lines[0].value + 1
    assert after.fingerprint != before.fingerprint


def test_pb_rule_is_part_of_the_question(demo: EventStore) -> None:
    questions = tuple(dataclasses.replace(q, pb_rule="equalshares/add1")
                      if q.kind.value == "budget" else q for q in sample_questions())
    rid = sample_round(demo, 20, questions=questions)
    assert pb_rule_of(demo, rid, 8).value == "equalshares/add1"
    r = count_round(demo, rid).questions[8]
    assert r.count.pb is not None and r.count.pb.rule.value == "equalshares/add1"
    with pytest.raises(Exception, match="budget"):
        pb_rule_of(demo, rid, 0)


def test_exports_are_anonymous_and_read_back(demo: EventStore) -> None:
    rid = sample_round(demo, 20)
    results = count_round(demo, rid)
    text = ballots_csv(results)
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 20 and rows[0][:3] == ["ballot", "spoiled", "q1 status"]
    for ballot in results.ballots:
        assert ballot.code not in text
    data = json.loads(ballots_json(results))
    assert data["fingerprint_sha256"] == results.fingerprint and len(data["ballots"]) == 20
    assert sum(b["spoiled"] for b in data["ballots"]) == 1
    # BLT: the same STV count from the file as from the event
    election = parse_blt(question_blt(results, 4))
    assert count_stv(election, seed=1).elected_names == \
        results.questions[4].count.stv.elected_names  # type: ignore[union-attr]
    pb = parse_pb(question_pb(results, 8))
    assert len(pb.votes) == results.questions[8].turnout.valid
    assert {p.id for p in pb.projects} == {"p1", "p2", "p3", "p4", "p5"}
    with pytest.raises(Exception, match="ranking"):
        question_blt(results, 0)


def _decode(pdf: Path, out: Path) -> list[list[str]]:
    subprocess.run(["pdftoppm", "-r", "110", "-gray", "-png", str(pdf), str(out / "pg")],
                   check=True, capture_output=True)
    found = []
    for page in sorted(out.glob("pg-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
        with Image.open(page) as image:
            found.append([b.text for b in zxingcpp.read_barcodes(
                image, formats=zxingcpp.BarcodeFormat.QRCode)])
    return found


def test_result_sheet_reads_back_with_fingerprint_qr(demo: EventStore, tmp_path: Path) -> None:
    from facilitator.reports.results import write_result_sheet

    rid = sample_round(demo, 30)
    results = count_round(demo, rid)
    pdf = write_result_sheet(tmp_path / "sheet.pdf", [results])
    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")
    for r in results.questions:
        assert r.question.text in text
        assert r.count.verdict.split(":")[0] in text
    for needed in ("PASSED —", "threshold 60%", "Turnout and check", "Observer 1",
                   "Observer 2", "Signature", "Spoiled papers", "Re-scans refused",
                   "Count stage by stage", "Funded projects", "Majority judgment",
                   results.fingerprint[:32], str(results.seed), "PROVISIONAL"):
        assert needed in text, needed
    codes = {c for page in _decode(pdf, tmp_path) for c in page}
    assert results.fingerprint in codes


def test_result_sheet_one_question_on_letter(demo: EventStore, tmp_path: Path) -> None:
    from facilitator.reports.results import write_result_sheet

    rid = sample_round(demo, 10)
    close_round(demo, rid, note="test", actor="test")
    pdf = write_result_sheet(tmp_path / "one.pdf", [count_round(demo, rid)],
                             page_size="letter", questions=[0])
    reader = PdfReader(pdf)
    assert round(float(reader.pages[0].mediabox.width)) == 612
    text = "".join(p.extract_text() for p in reader.pages)
    assert "PROVISIONAL" not in text and "Question 1 of 10" in text
    assert "Question 2 of 10" not in text


# -- the command line -----------------------------------------------------------------------


def test_results_command_writes_sheet_and_exports(demo: EventStore, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    sample_round(demo, 12)
    path = demo.path
    demo.close()
    pdf, csv_out, blt = tmp_path / "r.pdf", tmp_path / "b.csv", tmp_path / "q5.blt"
    assert main(["results", str(path)]) == 0
    assert "Elected:" in capsys.readouterr().out
    assert main(["results", str(path), "--pdf", str(pdf), "--csv", str(csv_out)]) == 0
    assert PdfReader(pdf).pages and csv_out.read_text().startswith("ballot,")
    assert main(["results", str(path), "--question", "5", "--blt", str(blt)]) == 0
    assert parse_blt(blt.read_text()).seats == 3
