"""``python -m facilitator poll``: define, run the waves, print; and the demo poll."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.cli import main
from facilitator.polls import queries
from facilitator.polls.model import to_json
from facilitator.store import EventStore

from .conftest import small_questionnaire


def test_demo_poll_report_csv_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    event = tmp_path / "demo.facilitator"
    assert main(["demo", str(event)]) == 0
    pdf, table, data = tmp_path / "r.pdf", tmp_path / "r.csv", tmp_path / "r.json"
    capsys.readouterr()
    assert main(["poll", str(event), "--pdf", str(pdf), "--csv", str(table),
                 "--json", str(data), "--correction", "holm"]) == 0
    out = capsys.readouterr().out
    assert "Support for traffic calming" in out and "**" in out
    with EventStore.open(event, read_only=True) as store:
        poll_id = queries.latest_poll_id(store)
        assert poll_id is not None
        poll = queries.poll(store, poll_id)
        analysis = queries.analysis(store, poll_id, correction="holm")
    assert poll.status == "closed" and len(poll.questionnaire.items) == 12
    assert analysis.n_before == 120 and 100 <= analysis.n_pairs < 120
    assert {"knowledge"} <= {r.variable.key for r in analysis.rows if r.variable.knowledge}
    starred = [r for r in analysis.rows if r.stars]
    flat = [r for r in analysis.rows if not r.stars]
    assert starred and flat  # some shifts significant, some not
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    calming = analysis.row("calming")
    assert "Deliberative poll: Views on transport in Riverside" in text
    assert f"{calming.before:.2f}" in text and f"+{calming.change:.2f}{calming.stars}" in text
    assert "Change by group" in text and "control sample" in text
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["pair", "sample", "Age band"]
    assert sum(1 for r in rows if r[1] == "panel") == analysis.n_pairs
    assert sum(1 for r in rows if r[1] == "control") == 40
    dumped = json.loads(data.read_text(encoding="utf-8"))
    assert dumped["respondents"]["pairs"] == analysis.n_pairs
    assert dumped["summary"][0]["p_adjusted"] == calming.p_adjusted
    with EventStore.open(event, read_only=True) as store:
        codes = {r.code for r in queries.responses(store, poll_id)}
    raw = table.read_text(encoding="utf-8") + data.read_text(encoding="utf-8")
    assert not any(code in raw for code in codes)  # anonymised: no pairing code


def test_define_and_run_waves_from_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    event = tmp_path / "e.facilitator"
    assert main(["new", str(event), "--name", "CLI poll"]) == 0
    definition = tmp_path / "q.json"
    definition.write_text(to_json(small_questionnaire(groups=())), encoding="utf-8")
    assert main(["poll", str(event)]) == 1
    assert "no poll yet" in capsys.readouterr().err
    assert main(["poll", str(event), "--define", str(definition)]) == 0
    assert main(["poll", str(event), "--open-wave"]) == 0
    assert "Wave 1 is open." in capsys.readouterr().out
    assert main(["poll", str(event), "--open-wave"]) == 1
    assert "open already" in capsys.readouterr().err
    assert main(["poll", str(event), "--close-wave", "--close"]) == 1
    assert main(["poll", str(event), "--close"]) == 0
    assert main(["poll", str(event), "--pdf", str(tmp_path / "empty.pdf")]) == 0
    out = capsys.readouterr().out
    assert "0 pairs" in out and "Not enough data" in out
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["poll", str(event), "--define", str(bad)]) == 1
    assert "not a questionnaire" in capsys.readouterr().err
