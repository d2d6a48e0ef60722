"""Every ward of Glasgow 2007, counted here, against the Droop package's Scottish STV count.

The reference (``WARD.stages.tsv``, made by Droop's "scotland" rule) logs each action of the
count. Each is turned into the stage our count should record, and the two sequences must be
equal in every figure: action, candidate, stage number, quota, each candidate's votes to the
fifth decimal, each state, and the non-transferable total. The elected must match in order.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from facilitator.tally import CandidateState, StageAction, count_stv, read_blt

EXPECTED_WARDS = 21
_STATE = {
    "H": CandidateState.HOPEFUL,
    "e": CandidateState.ELECTED,  # elected, surplus transfer pending
    "E": CandidateState.ELECTED,
    "D": CandidateState.EXCLUDED,
}


@dataclass(frozen=True)
class Row:
    number: str
    action: str
    quota: str
    non_transferable: str
    names: tuple[str, ...]
    states: tuple[str, ...]
    votes: tuple[str, ...]


def _rows(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        next(reader)  # header
        return [
            Row(r[0], r[1], r[2], r[3], tuple(r[4::3]), tuple(r[5::3]), tuple(r[6::3]))
            for r in reader
            if r[1] not in ("log", "round", "tie")
        ]


def _changed(before: Row, after: Row, old: str, new: str) -> str:
    """Name of the one candidate whose state went from ``old`` to ``new``."""
    hits = [
        name
        for name, a, b in zip(after.names, before.states, after.states, strict=True)
        if a in old and b in new
    ]
    assert len(hits) == 1, f"expected one change {old}->{new} at {after}"
    return hits[0]


def _figures(row: Row) -> tuple[str, str, tuple[str, ...], tuple[CandidateState, ...]]:
    return row.quota, row.non_transferable, row.votes, tuple(_STATE[s] for s in row.states)


def reference_stages(path: Path) -> tuple[list[tuple[object, ...]], list[str]]:
    """The reference count as (number, action, candidate, figures...) stages, and who won."""
    rows = _rows(path)
    stages: list[tuple[object, ...]] = []
    elected: list[str] = []
    waiting: tuple[StageAction, str] | None = None  # an action whose transfer comes next
    previous: Row | None = None
    for row in rows:
        if row.action == "transfer":
            assert waiting is not None, f"transfer with no surplus or exclusion before it: {row}"
            stages.append((int(row.number), waiting[0], waiting[1], *_figures(row)))
            waiting = None
        elif waiting is not None and waiting[0] is StageAction.EXCLUDE:
            # a defeat with no transfer after it: the count had ended
            assert previous is not None
            stages.append(
                (int(previous.number), StageAction.DEFEAT, waiting[1], *_figures(previous))
            )
            waiting = None
        if row.action == "begin":
            stages.append((0, StageAction.FIRST_PREFERENCES, None, *_figures(row)))
        elif row.action == "elect":
            assert previous is not None
            name = _changed(previous, row, "H", "eE")
            elected.append(name)
            stages.append((int(row.number), StageAction.ELECT, name, *_figures(row)))
        elif row.action == "unpend":
            assert previous is not None
            waiting = (StageAction.TRANSFER_SURPLUS, _changed(previous, row, "e", "E"))
        elif row.action == "defeat":
            assert previous is not None
            waiting = (StageAction.EXCLUDE, _changed(previous, row, "H", "D"))
        elif row.action == "end":
            assert waiting is None
            stages.append(("end", *_figures(row)))
        previous = row
    return stages, elected


def _tidy(value: object) -> object:
    """Droop keeps a trailing space in one name ("Kieran Wild "); our reader trims names."""
    return " ".join(value.split()) if isinstance(value, str) else value


def test_all_wards_are_present(glasgow_dir: Path) -> None:
    assert len(list(glasgow_dir.glob("*.blt"))) == EXPECTED_WARDS
    assert len(list(glasgow_dir.glob("*.stages.tsv"))) == EXPECTED_WARDS


def test_ward_matches_droop_count(glasgow_dir: Path, glasgow_ward: str) -> None:
    ballots = glasgow_dir / f"{glasgow_ward}.blt"
    expected, expected_elected = reference_stages(glasgow_dir / f"{glasgow_ward}.stages.tsv")

    result = count_stv(read_blt(ballots), seed=0)

    def name(c: int | None) -> str | None:
        return None if c is None else result.candidates[c]

    got: list[tuple[object, ...]] = []
    for s in result.stages:
        got.append(
            (
                s.number,
                s.action,
                name(s.candidate),
                f"{s.quota:.5f}",
                f"{s.non_transferable:.5f}",
                tuple(f"{v:.5f}" for v in s.votes),
                s.states,
            )
        )
    last = result.stages[-1]
    got.append(
        (
            "end",
            f"{last.quota:.5f}",
            f"{last.non_transferable:.5f}",
            tuple(f"{v:.5f}" for v in last.votes),
            last.states,
        )
    )
    expected = [tuple(_tidy(v) for v in stage) for stage in expected]
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        assert mine == theirs
    assert list(result.elected_names) == [_tidy(n) for n in expected_elected]
    assert result.lots_drawn == 0


@pytest.mark.parametrize("ward", ["Anderston-City-2007", "Springburn-2007"])
def test_quota_is_droop_quota_of_valid_papers(glasgow_dir: Path, ward: str) -> None:
    election = read_blt(glasgow_dir / f"{ward}.blt")
    result = count_stv(election, seed=0)
    papers = sum(b.count for b in election.ballots)
    assert result.valid_papers == papers
    assert result.quota == papers // (election.seats + 1) + 1
