"""``python -m facilitator allocate / tables / rebalance`` as an organiser calls them."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[3]
POOL_100 = ROOT / "tests" / "data" / "tables" / "100i_4j_3k_3d_data.csv"
POOL_30 = POOL_100.with_name("30i_4j_3k_3d_data.csv")


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "facilitator", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


@pytest.fixture
def pool() -> Path:
    if not POOL_100.is_file():
        pytest.fail(f"reference data missing: {POOL_100}")
    return POOL_100


def test_pool_to_plan_json_contract(pool: Path, tmp_path: Path) -> None:
    out = tmp_path / "PLAN.json"
    result = cli("allocate", pool, "--table-size", "8", "--rounds", "4", "--seed", "3",
                 "--out", out)
    assert result.returncode == 0, result.stderr
    assert "0 pairs met more than once" in result.stdout
    plan = json.loads(out.read_text(encoding="utf-8"))
    ids = [line.split(",")[0] for line in pool.read_text(encoding="utf-8").splitlines()[1:]]
    assert len(plan["rounds"]) == 4
    met: Counter[frozenset[str]] = Counter()
    for tables in plan["rounds"]:
        assert len(tables) == 13
        assert sorted(pid for table in tables for pid in table) == sorted(ids)
        sizes = [len(t) for t in tables]
        assert max(sizes) - min(sizes) <= 1
        for table in tables:
            met.update(frozenset(pair) for pair in combinations(table, 2))
    assert plan["metrics"]["repeat_pairs"] == sum(1 for m in met.values() if m > 1) == 0
    assert plan["metrics"]["diversified"] == ["gender", "age", "region", "nation", "media"]
    assert plan["metrics"]["l1_ratio"] <= 1.15


def test_id_column_diversify_and_constraint_files(tmp_path: Path) -> None:
    if not POOL_30.is_file():
        pytest.fail(f"reference data missing: {POOL_30}")
    pins = tmp_path / "pins.csv"
    pins.write_text("id,table,rounds\n1,2,\n2,3,1-2\n", encoding="utf-8")
    apart = tmp_path / "apart.csv"
    apart.write_text("3,4\n", encoding="utf-8")
    together = tmp_path / "together.csv"
    together.write_text("a;b\n5;6\n", encoding="utf-8")
    out = tmp_path / "plan.json"
    result = cli("allocate", POOL_30, "--id", "ID", "--table-size", "6", "--rounds", "3",
                 "--diversify", "gender,age", "--attribute", "region", "--pin", pins,
                 "--apart", apart, "--together", together, "--iterations", "20000",
                 "--out", out)
    assert result.returncode == 0, result.stderr
    plan = json.loads(out.read_text(encoding="utf-8"))
    assert plan["metrics"]["diversified"] == ["gender", "age", "region"]
    for r, tables in enumerate(plan["rounds"]):
        where = {pid: t for t, table in enumerate(tables) for pid in table}
        assert len(where) == 30 and "1" in where  # values of the ID column
        assert where["1"] == 1
        if r < 2:
            assert where["2"] == 2
        assert where["3"] != where["4"]
        assert where["5"] == where["6"]


@pytest.mark.parametrize(("extra", "message"), [
    (["--diversify", "gender,shoe_size"], "Unknown column shoe_size"),
    (["--id", "nope"], "Unknown column nope"),
    (["--tables", "3"], "either --table-size or --tables"),
    (["--closed", "x"], "TABLE:ROUND"),
])
def test_bad_input_is_refused_with_a_reason(pool: Path, tmp_path: Path, extra: list[str],
                                            message: str) -> None:
    out = tmp_path / "plan.json"
    result = cli("allocate", pool, "--table-size", "8", "--rounds", "2", *extra, "--out", out)
    assert result.returncode == 1
    assert message in result.stderr
    assert not out.exists()


def test_infeasible_constraints_name_the_constraint(pool: Path, tmp_path: Path) -> None:
    both = tmp_path / "pair.csv"
    both.write_text("AA,AB\n", encoding="utf-8")
    result = cli("allocate", pool, "--table-size", "8", "--rounds", "2", "--apart", both,
                 "--together", both, "--out", tmp_path / "p.json")
    assert result.returncode == 1
    assert "AA and AB are both kept together and kept apart" in result.stderr
    pins = tmp_path / "pins.csv"
    ids = [line.split(",")[0] for line in pool.read_text(encoding="utf-8").splitlines()[1:10]]
    pins.write_text("\n".join(f"{i},1" for i in ids), encoding="utf-8")
    result = cli("allocate", pool, "--table-size", "8", "--rounds", "2", "--pin", pins,
                 "--out", tmp_path / "p.json")
    assert result.returncode == 1
    assert "9 people are pinned to table 1 in round 1, which seats 8" in result.stderr
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("AA,1\nZZZ,2\n", encoding="utf-8")
    result = cli("allocate", pool, "--table-size", "8", "--rounds", "2", "--pin", unknown,
                 "--out", tmp_path / "p.json")
    assert result.returncode == 1 and "unknown.csv, line 2: unknown id ZZZ" in result.stderr


def test_event_allocate_print_and_rebalance(tmp_path: Path) -> None:
    event = tmp_path / "demo.facilitator"
    assert cli("demo", event).returncode == 0
    listed = list(csv.DictReader(cli("people", event, "--csv").stdout.splitlines()))
    here = [row["id"] for row in listed
            if row["role"] == "participant" and row["status"] == "checked_in"]
    tables = -(-len(here) // 8)
    result = cli("allocate", event, "--rounds", "3", "--table-size", "8", "--seed", "2",
                 "--attribute", "Gender", "--attribute", "Area", "--out", tmp_path / "p.json")
    assert result.returncode == 0, result.stderr
    assert f"Seated {len(here)} people at {tables} tables over 3 rounds" in result.stdout
    assert "Saved as plan 1" in result.stdout
    plan = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert plan["settings"]["attributes"][1]["name"] == "Area"
    assert sorted(pid for table in plan["rounds"][0] for pid in table) == sorted(here)

    shown = cli("tables", event)
    assert shown.returncode == 0 and "Round 3" in shown.stdout and "Table 8:" in shown.stdout
    pdf = tmp_path / "plan.pdf"
    printed = cli("tables", event, "--pdf", pdf, "--sheets", "list")
    assert printed.returncode == 0, printed.stderr
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Find your table" in text
    first = plan["rounds"][0][0][0]
    people = cli("people", event, "--csv").stdout.splitlines()
    name = next(line.split(",")[1] for line in people if line.startswith(first + ","))
    assert name in text

    badges = tmp_path / "badges.pdf"
    assert cli("tables", event, "--pdf", badges, "--sheets", "labels").returncode == 0
    assert len(PdfReader(badges).pages) == -(-len(here) // 8)  # 8 labels a sheet
    mixed = cli("tables", event, "--pdf", badges, "--sheets", "labels,list")
    assert mixed.returncode == 1 and "own" in mixed.stderr

    late = next(line.split(",")[0] for line in people[1:]
                if ",participant,expected," in line)
    assert cli("check-in", event, late).returncode == 0
    moved = cli("rebalance", event, "--from-round", "2")
    assert moved.returncode == 0, moved.stderr
    assert "1 arrived, 0 left" in moved.stdout and "(new)" in moved.stdout
    assert "Saved as plan 2" in moved.stdout


def test_tables_without_a_plan(tmp_path: Path) -> None:
    event = tmp_path / "e.facilitator"
    assert cli("new", event, "--name", "Empty").returncode == 0
    result = cli("tables", event)
    assert result.returncode == 1 and "no table plan" in result.stderr
