"""The hard Pabulib files (``tests/data/pb-more``): every rule and vote type, and each quirk.

Each file is counted from its VOTES alone by its META rule and must fund exactly what it
marks ``selected`` = 1 (for ``greedy-custom``, also 2: the project the documented reserve
rule funds). The files whose published outcome no reading of the rule reproduces, ours or
pabutools', are listed in ``QUIRKS`` with what differs and why; a test pins each one, so a
change that "fixes" one by accident shows up.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from facilitator.tally import PbError, PbResult, count_pb, read_pb

from .conftest import PABULIB_MORE

# file -> (funded by the rule but not published, published but not funded by the rule, why)
QUIRKS: dict[str, tuple[set[str], set[str], str]] = {
    "Poland_Warszawa_2018_Las.pb": (
        {"1649"}, set(),
        "1649 (5,000) is above the threshold and fits in what is left (6,864) but is not "
        "funded; the file does not say why."),
    "Poland_Warszawa_2018_Wawrzyszew.pb": (
        {"2527"}, set(),
        "2527 (15,000) is above the threshold and fits (116,099 left) but is not funded."),
    "Poland_Warszawa_2018_Ursynow_Wysoki_Poludniowy.pb": (
        {"1137"}, {"2737", "787"},
        "1137 (ranked 13th, it fits) is not funded; the money went to 2737 and 787 below it."),
    "Poland_Warszawa_2020_Bialoleka.pb": (
        {"118", "1699", "736"}, {"1514", "1938"},
        "The published outcome skips three projects that fit and funds two ranked below "
        "them; the file does not say why."),
    "Poland_Warszawa_2020_Targowek.pb": (
        {"1667"}, {"1325", "1686", "1903", "2025", "331"},
        "1667 fits but is not funded; five projects ranked below it are funded instead."),
}

DUPLICATE_VOTE_LINES = {
    "Poland_Warszawa_2022_Wola.pb": [3096],
    "Poland_Warszawa_2026_Sady_Zoliborskie.pb": [840, 1297, 1487],
    "Poland_Warszawa_2026_Grochow.pb": [1590, 1990],
    "Poland_Warszawa_2026_Miedzylesie_Radosc.pb": [118],
}


@cache
def counted(name: str) -> PbResult:
    """The META-rule count of a pb-more file, once per test run (Wieliczka takes seconds)."""
    return count_pb(read_pb(PABULIB_MORE / name))


def published(path: Path) -> tuple[set[str], str]:
    election = read_pb(path)
    marks = {"1", "2"} if election.rule == "greedy-custom" else {"1"}
    return {p.id for p in election.projects if p.extra.get("selected") in marks}, str(
        election.rule)


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.pb"))


def test_every_file_agrees_with_its_published_outcome_or_is_a_documented_quirk(
        pabulib_more_dir: Path) -> None:
    names = files(pabulib_more_dir)
    assert len(names) == 34
    agree, rules, types = 0, set(), set()
    for name in names:
        election = read_pb(pabulib_more_dir / name)
        official, rule = published(pabulib_more_dir / name)
        funded = set(counted(name).funded)
        rules.add(rule)
        types.add(election.vote_type)
        if name in QUIRKS:
            extra, missing, _why = QUIRKS[name]
            assert (funded - official, official - funded) == (extra, missing), name
        else:
            assert funded == official, name
            agree += 1
    assert agree == len(names) - len(QUIRKS) == 29
    assert rules == {"greedy", "greedy-no-skip", "greedy-threshold", "greedy-exclusive",
                     "greedy-custom", "equalshares/add1-comparison"}
    assert types == {"approval", "choose-1", "cumulative", "ordinal"}


@pytest.mark.parametrize(("name", "lines"), sorted(DUPLICATE_VOTE_LINES.items()))
def test_official_files_with_a_repeated_project_are_counted_with_a_warning(
        pabulib_more_dir: Path, name: str, lines: list[int]) -> None:
    path = pabulib_more_dir / name
    election = read_pb(path)
    assert len(election.warnings) == 1
    for line in lines:
        assert str(line) in election.warnings[0]
    official, _rule = published(path)
    assert set(count_pb(election).funded) == official
    with pytest.raises(PbError, match=f"line {lines[0]}: the vote names the same project"):
        read_pb(path, strict=True)


def test_ties_go_by_the_files_project_order_as_published(pabulib_more_dir: Path) -> None:
    # Katowice 2022: L12/14 (92 voters) and L12/11 (88 voters, listed first) tie on 140
    # points; the published outcome funds L12/11, then L12/09 fits.
    result = count_pb(read_pb(pabulib_more_dir / "Poland_Katowice_2022_Koszutka.pb"))
    assert {"L12/11/IX", "L12/09/IX"} <= set(result.funded)
    assert "L12/14/IX" not in result.funded
    assert any("L12/11/IX and L12/14/IX" in note for note in result.notes)
    # Gdynia 2020 (greedy-no-skip): 1 and 5 tie on 101 votes; 1 is listed first and
    # funded, then 5 does not fit and the count stops (5 is marked 2: funded outside
    # the rule).
    result = count_pb(read_pb(pabulib_more_dir / "Poland_Gdynia_2020_Babie_Doly__small.pb"))
    assert result.funded == ("4", "2", "1")


def test_no_skip_passes_over_a_project_dearer_than_the_whole_budget(
        pabulib_more_dir: Path) -> None:
    # Wrocław 2017: project 150 is listed at 999999999 (more than the 750000 budget).
    result = count_pb(read_pb(pabulib_more_dir / "Poland_Wroclaw_2017_Rejon_nr_11_750.pb"))
    assert result.funded == ("425",)
    assert any("150 costs more than the whole budget" in note for note in result.notes)


def test_greedy_custom_funds_the_stopping_project_from_the_reserve(
        pabulib_more_dir: Path) -> None:
    for name in files(pabulib_more_dir):
        if "Poznan" not in name:
            continue
        election = read_pb(pabulib_more_dir / name)
        result = count_pb(election)
        reserve = {p.id for p in election.projects if p.extra.get("selected") == "2"}
        assert reserve <= set(result.funded)
        if reserve:
            assert any("from the reserve" in note for note in result.notes)


def test_greedy_custom_without_a_documented_rule_is_refused(pabulib_more_dir: Path) -> None:
    election = read_pb(pabulib_more_dir / "Poland_Poznan_2024_9_-_Stare_Miasto__small.pb")
    bare = type(election)({**election.meta, "comment": ""}, election.projects, election.votes)
    with pytest.raises(PbError, match="greedy-custom rule is not described"):
        count_pb(bare)


def test_greedy_exclusive_is_counted_as_greedy_with_a_note(pabulib_more_dir: Path) -> None:
    election = read_pb(pabulib_more_dir / "Poland_Warszawa_2024_Wesola.pb")
    result = count_pb(election)
    assert result.funded == count_pb(election, "greedy").funded
    assert any("exclude each other" in note for note in result.notes)


def test_add1_comparison_keeps_raising_the_share_while_it_fits(pabulib_more_dir: Path) -> None:
    # Wieliczka 2023: plain Add1 stops at 302 a head, when nothing left is affordable
    # (funding 66 and 67); raising on (from 306 it funds 46 instead, to 315: at 316 the
    # outcome no longer fits) gives the published outcome.
    result = counted("Poland_Wieliczka_2023_Green_Budget.pb")
    assert "46" in result.funded and not {"66", "67"} & set(result.funded)
    assert result.voter_budget == 315
    assert any("Comparison step" in note for note in result.notes)
