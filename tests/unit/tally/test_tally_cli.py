"""``python -m facilitator count stv|pb FILE``: counts a ballot file, names a bad line."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from facilitator.cli import main
from facilitator.tally import count_meek, count_stv, parse_blt, parse_pb, read_blt

from .conftest import GLASGOW, PABULIB, PABULIB_MORE


def test_count_stv_prints_the_elected_and_json_stages(
        capsys: pytest.CaptureFixture[str]) -> None:
    blt = GLASGOW / "Calton-2007.blt"
    election = parse_blt(blt.read_text())
    reference = count_stv(election, seed=0)
    assert main(["count", "stv", str(blt)]) == 0
    assert capsys.readouterr().out.splitlines() == list(reference.elected_names)
    assert main(["count", "stv", str(blt), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["elected"] == list(reference.elected_names)
    moving = [s for s in reference.stages if s.action.value in (
        "first preferences", "transfer surplus", "exclude")]
    assert len(data["stages"]) == len(moving)
    for stage, ref in zip(data["stages"], moving, strict=True):
        assert stage["action"] == ref.action.value
        assert set(stage["votes"]) == set(election.candidates)
        for c, name in enumerate(election.candidates):
            assert stage["votes"][name] == f"{ref.votes[c]:.5f}"
            assert len(stage["votes"][name].split(".")[1]) == 5
        assert stage["nontransferable"] == f"{ref.non_transferable:.5f}"


def test_count_pb_uses_the_files_rule_and_votes(capsys: pytest.CaptureFixture[str]) -> None:
    pb = PABULIB / "Poland_Swiecie_2023.pb"
    election = parse_pb(pb.read_text(encoding="utf-8"))
    selected = [p.id for p in election.projects if p.extra.get("selected") == "1"]
    assert main(["count", "pb", str(pb), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(data["selected"]) == sorted(selected)
    cost = {p.id: p.cost for p in election.projects}
    assert set(data) == {"selected", "spent"}
    assert Fraction(data["spent"]) == sum(cost[p] for p in selected)
    assert main(["count", "pb", str(pb), "--rule", "greedy"]) == 0
    assert capsys.readouterr().out.split()


def test_count_pb_malformed_file_names_the_line(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.pb"
    bad.write_text("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\np1;abc\n"
                   "VOTES\nvoter_id;vote\n1;p1\n", encoding="utf-8")
    assert main(["count", "pb", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "line 6" in err and "bad.pb" in err


def test_count_pb_warns_of_a_repeated_project_and_strict_refuses(
        capsys: pytest.CaptureFixture[str]) -> None:
    pb = PABULIB_MORE / "Poland_Warszawa_2022_Wola.pb"
    assert main(["count", "pb", str(pb)]) == 0
    captured = capsys.readouterr()
    assert captured.out.split()
    assert "line 3096" in captured.err and "counted once" in captured.err
    assert main(["count", "pb", str(pb), "--strict"]) == 1
    err = capsys.readouterr().err
    assert "line 3096" in err and "same project twice" in err


def test_count_stv_by_meek(capsys: pytest.CaptureFixture[str]) -> None:
    blt = GLASGOW / "Govan-2007.blt"
    assert main(["count", "stv", str(blt), "--method", "meek", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["elected"] == list(count_meek(read_blt(blt)).elected_names)
    assert data["stages"][-1]["votes"]["Alan L Hughes"] == "0.000000000"
