"""Reading and writing BLT ranked-ballot files."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.errors import UserError
from facilitator.tally import (
    BltError,
    RankedBallot,
    RankedElection,
    format_blt,
    parse_blt,
    read_blt,
    write_blt,
)

GOOD = """\
4 2
-3
3 1 2 0
(b7) 2 2 3 1 0
1 4 0
0
"Ann  Lee"
"Bo Diaz"
"Cy Ng"
"Di Ross"
"Council ward 1"
"""


def test_reads_weights_preferences_withdrawals_names_and_title() -> None:
    election = parse_blt(GOOD)
    assert election.candidates == ("Ann Lee", "Bo Diaz", "Cy Ng", "Di Ross")
    assert election.seats == 2
    assert election.withdrawn == frozenset({2})
    assert election.ballots == (
        RankedBallot(3, (0, 1)),
        RankedBallot(2, (1, 2, 0)),  # the "(b7)" ballot id is ignored
        RankedBallot(1, (3,)),
    )
    assert election.title == "Council ward 1"
    assert election.standing == (0, 1, 3)


def test_written_text_reads_back_equal(tmp_path: Path) -> None:
    election = parse_blt(GOOD)
    assert parse_blt(format_blt(election)) == election
    write_blt(election, tmp_path / "out.blt")
    assert read_blt(tmp_path / "out.blt") == election


def test_a_glasgow_ward_survives_a_round_trip(glasgow_dir: Path, tmp_path: Path) -> None:
    election = read_blt(glasgow_dir / "Govan-2007.blt")
    report = (glasgow_dir / "Govan-2007.report.txt").read_text(encoding="utf-8")
    figures = dict(
        line.strip().split(": ", 1) for line in report.splitlines() if line.startswith("\t")
    )
    assert election.seats == int(figures["Seats"])
    assert sum(b.count for b in election.ballots) == int(figures["Ballots"])
    assert election.title == "GOVAN Ward"
    write_blt(election, tmp_path / "govan.blt")
    assert read_blt(tmp_path / "govan.blt") == election


def test_title_is_optional_and_blank_lines_are_ignored() -> None:
    election = parse_blt('2 1\n\n1 1 0\n0\n"A"\n\n"B"\n')
    assert election.title == ""
    assert election.candidates == ("A", "B")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("2\n", 1, "two numbers"),
        ("x 1\n", 1, "number of candidates"),
        ("2 1\n-5\n0\n", 2, "withdrawn candidate -5"),
        ("2 1\n1 1 x 0\n0\n", 2, "candidate number"),
        ("2 1\n1 1 2\n0\n", 2, "must end with 0"),
        ("2 1\n1 1 3 0\n0\n", 2, "candidate 3 does not exist"),
        ("2 1\n1 1 0\n1 2 2 0\n0\n", 3, "ranked twice"),
        ("2 1\n1 1=2 0\n0\n", 2, "equal rankings"),
        ("2 1\n1 - 2 0\n0\n", 2, "skipped rankings"),
        ("2 1\n0 1 0\n0\n", 2, "at least 1"),
        ("2 1\n1.5 1 0\n0\n", 2, "whole number"),
        ('2 1\n1 1 0\n0\n"A\n"B"\n', 4, "unmatched quote"),
        ('2 1\n1 1 0\n0\n"A"\n"B"\n"T"\n"extra"\n', 7, "after the title"),
        ('2 1\n1 1 0\n0\n"A"\n""\n', 5, "name is empty"),
    ],
)
def test_malformed_input_names_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(BltError, match=words) as caught:
        parse_blt(text, source="ward.blt")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"ward.blt, line {line}:")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("2 1\n1 1 0\n", "just 0"),
        ('2 1\n1 1 0\n0\n"A"\n', "only 1 names"),
        ('1 2\n1 1 0\n0\n"A"\n', "2 seats but only 1"),
    ],
)
def test_incomplete_files_are_refused(text: str, words: str) -> None:
    with pytest.raises(BltError, match=words):
        parse_blt(text)


def test_errors_are_value_errors_and_user_errors() -> None:
    with pytest.raises(ValueError):
        parse_blt("nonsense")
    with pytest.raises(UserError):
        parse_blt("nonsense")


def test_a_name_with_a_double_quote_cannot_be_written() -> None:
    election = RankedElection(('Ann "AJ" Lee', "Bo"), 1, (RankedBallot(1, (0,)),))
    with pytest.raises(BltError, match="double quote"):
        format_blt(election)


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.blt"
    path.write_bytes('1 1\n1 1 0\n0\n"Zoë"\n'.encode("latin-1"))
    with pytest.raises(BltError, match="UTF-8"):
        read_blt(path)
