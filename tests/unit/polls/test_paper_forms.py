"""Paper questionnaires: packets printed (several pages a wave, each page with its own QR
code), scanned back, keyed and reconciled like ballots; pages cannot go to the wrong form."""

from __future__ import annotations

import dataclasses
import random
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from facilitator.cli import main
from facilitator.polls import ops, queries
from facilitator.polls.demo import demo_questionnaire
from facilitator.polls.model import PollError, form_pages, form_qr, parse_form_qr
from facilitator.reports.polls import write_paper_forms
from facilitator.store import EventStore


def scanned(pdf: Path, out: Path) -> list[str]:
    """The QR code of each page, read from the page as printed (100 dpi, grey)."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "100", "-gray", "-png", str(pdf), str(out / "p")],
                   check=True, capture_output=True)
    found = []
    for page in sorted(out.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
        with Image.open(page) as image:
            codes = [b.text for b in zxingcpp.read_barcodes(
                image, formats=zxingcpp.BarcodeFormat.QRCode)]
        assert len(codes) == 1, (page.name, codes)
        found.append(codes[0])
    return found


def test_forms_printed_scanned_keyed_and_reconciled(
        event: EventStore, tmp_path: Path, seeded_codes: random.Random) -> None:
    q = demo_questionnaire()
    poll_id = ops.create_poll(event, q, actor="test").poll_id
    with pytest.raises(PollError, match="1 to"):
        ops.print_forms(event, poll_id, 0, actor="test")
    printed = ops.print_forms(event, poll_id, 3, actor="test")
    assert len(printed.codes) == 3 and queries.paper_forms(event, poll_id) == sorted(
        printed.codes)
    pdf = write_paper_forms(tmp_path / "forms.pdf", event.name, poll_id, q, printed.codes)
    pages = [len(form_pages(q, w)) for w in (1, 2)]
    assert pages == [2, 2]  # 12 items, 6 a page
    assert len(PdfReader(pdf).pages) == 3 * sum(pages)
    codes = scanned(pdf, tmp_path / "scan")
    expected = [form_qr(poll_id, w, p, 2, c) for c in printed.codes for w in (1, 2)
                for p in (1, 2)]
    assert codes == expected
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Views on transport in Riverside" in text and "page 1 of 2" in text
    assert "Don't know" in text

    first = {c: parse_form_qr(c) for c in codes}
    a, b, c = printed.codes
    page1 = {i.key: 5 for i in form_pages(q, 1)[0] if i.scale} | {"carfree": 1}
    ops.open_wave(event, poll_id, actor="test")
    ops.key_form_page(event, poll_id, form_qr(poll_id, 1, 1, 2, a), page1, actor="desk")
    with pytest.raises(PollError, match="keyed already"):
        ops.key_form_page(event, poll_id, form_qr(poll_id, 1, 1, 2, a), page1, actor="desk")
    fixed = ops.key_form_page(event, poll_id, form_qr(poll_id, 1, 1, 2, a),
                              page1 | {"streets": 6}, replace=True, actor="desk")
    assert fixed.replaced
    refusals = [
        (form_qr(poll_id + 1, 1, 1, 2, a), {}, "another poll"),
        (form_qr(poll_id, 2, 1, 2, a), {}, "not been given"),
        (form_qr(poll_id, 1, 3, 3, a), {}, "does not match"),
        (form_qr(poll_id, 1, 1, 2, "ABCDEFGHJ"), {}, "not printed"),
        (form_qr(poll_id, 1, 2, 2, a), {"streets": 3}, "not on this page"),
        (form_qr(poll_id, 1, 1, 2, a), {"streets": 11}, "not an answer"),
        ("K7Q-M2X-4AB", {}, "not the code of a questionnaire page"),
    ]
    for qr, answers, message in refusals:
        with pytest.raises(PollError, match=message):
            ops.key_form_page(event, poll_id, qr, answers, replace=True, actor="desk")
    page2 = {"k_trips": 2, "k_air": "dk", "k_bus": 0, "k_cost": 1, "budget": 3}
    ops.key_form_page(event, poll_id, form_qr(poll_id, 1, 2, 2, a), page2, actor="desk")
    ops.key_form_page(event, poll_id, form_qr(poll_id, 1, 1, 2, b), page1, actor="desk")
    ops.close_wave(event, poll_id, actor="test")
    ops.open_wave(event, poll_id, actor="test")
    ops.key_form_page(event, poll_id, form_qr(poll_id, 2, 2, 2, a), page2, actor="desk")
    ops.key_form_page(event, poll_id, form_qr(poll_id, 2, 1, 2, a),
                      page1 | {"streets": 9}, actor="desk")
    r = queries.reconcile_forms(event, poll_id)
    assert r.printed == 3 and r.complete == {1: 1, 2: 1}
    assert [(x.code, x.wave, x.missing) for x in r.incomplete] == [(b, 1, (2,))]
    assert r.one_wave_only == 1  # b was keyed at wave 1 only; c never came back
    analysis = queries.analysis(event, poll_id)
    assert analysis.n_pairs == 1 and analysis.row("streets").change == 3
    mine = [x for x in queries.responses(event, poll_id) if x.code == "P" + a and x.wave == 1]
    assert mine[0].answers == {**page1, "streets": 6, **page2}
    assert all(first[x].code in printed.codes for x in codes)
    assert c not in {x.code for x in r.incomplete}


def test_paper_forms_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           seeded_codes: random.Random) -> None:
    from facilitator.polls.model import to_json

    event = tmp_path / "e.facilitator"
    assert main(["new", str(event), "--name", "Paper poll"]) == 0
    definition = tmp_path / "q.json"
    no_groups = dataclasses.replace(demo_questionnaire(), group_columns=())
    definition.write_text(to_json(no_groups), encoding="utf-8")
    assert main(["poll", str(event), "--define", str(definition)]) == 0
    pdf = tmp_path / "forms.pdf"
    assert main(["poll", str(event), "--print-forms", "2"]) == 1
    assert "--forms-pdf" in capsys.readouterr().err
    assert main(["poll", str(event), "--print-forms", "2", "--forms-pdf", str(pdf)]) == 0
    assert len(PdfReader(pdf).pages) == 8
    first = scanned(pdf, tmp_path / "scan")[0]
    assert main(["poll", str(event), "--open-wave"]) == 0
    assert main(["poll", str(event), "--key-page", first, "--answers", '{"streets": 4}']) == 0
    assert main(["poll", str(event), "--key-page", first, "--answers", "[1]"]) == 1
    assert "must be JSON" in capsys.readouterr().err
    assert main(["poll", str(event), "--reconcile"]) == 0
    out = capsys.readouterr().out
    assert "Paper forms printed: 2" in out and "page(s) 2 not keyed" in out


def test_control_sample_from_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from facilitator.polls.model import to_json

    event = tmp_path / "e.facilitator"
    assert main(["new", str(event), "--name", "Control sample"]) == 0
    definition = tmp_path / "q.json"
    definition.write_text(to_json(dataclasses.replace(demo_questionnaire(), group_columns=())),
                          encoding="utf-8")
    assert main(["poll", str(event), "--define", str(definition)]) == 0
    assert main(["poll", str(event), "--key-control", "1", "--answers", '{"streets": 4}']) == 1
    assert "while the poll is open" in capsys.readouterr().err
    assert main(["poll", str(event), "--open-wave"]) == 0
    assert main(["poll", str(event), "--key-control", "2", "--answers", '{"streets": 4}']) == 1
    assert "Wave 2 has not been given yet" in capsys.readouterr().err
    assert main(["poll", str(event), "--key-control", "1", "--answers", "{}"]) == 1
    assert "empty form" in capsys.readouterr().err
    assert main(["poll", str(event), "--key-control", "1", "--answers", '{"streets": 11}']) == 1
    assert "not an answer to item streets" in capsys.readouterr().err
    assert main(["poll", str(event), "--key-control", "1", "--answers",
                 '{"streets": 4, "travel": "dk"}']) == 0
    assert "Keyed a control-sample form (wave 1)" in capsys.readouterr().out
    with EventStore.open(event, read_only=True) as store:
        assert queries.counts(store, 1) == {("control", 1): 1}
        control = [r for r in queries.responses(store, 1) if r.sample == "control"]
        assert control[0].answers == {"streets": 4, "travel": "dk"}
