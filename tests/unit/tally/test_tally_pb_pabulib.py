"""Every Pabulib election in the reference set, counted from its VOTES alone.

The funded set must be exactly the projects the file marks ``selected`` = 1 (the official
outcome; 2 marks projects funded outside the rule, e.g. Gdynia's turnout award). The rule is
the file's own META ``rule``. The PROJECTS columns ``votes``/``score`` are not used to count;
they are only compared, as a check on how scores are read from the ballots.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from facilitator.tally import count_pb, format_pb, parse_pb, project_scores, read_pb

EXPECTED_FILES = 23


def test_all_files_are_present(pabulib_dir: Path) -> None:
    assert len(list(pabulib_dir.glob("*.pb"))) == EXPECTED_FILES


def test_funds_exactly_the_official_outcome(pabulib_dir: Path, pabulib_file: str) -> None:
    election = read_pb(pabulib_dir / pabulib_file)
    official = {p.id for p in election.projects if p.extra.get("selected") == "1"}
    assert official, "the reference file marks no project as selected"

    result = count_pb(election)  # META rule

    assert result.rule.value == election.rule
    assert set(result.funded) == official
    assert len(result.funded) == len(official)
    assert result.spent == sum((p.cost for p in election.projects if p.id in official), Fraction())
    assert result.spent <= election.budget


def test_scores_read_from_votes_match_the_published_columns(
    pabulib_dir: Path, pabulib_file: str
) -> None:
    election = read_pb(pabulib_dir / pabulib_file)
    scores, supporters = project_scores(election)
    for project in election.projects:
        if "votes" in project.extra:
            assert supporters[project.id] == int(project.extra["votes"]), project.id
        if "score" in project.extra:
            assert scores[project.id] == Fraction(project.extra["score"]), project.id


def test_written_file_reads_back_equal(pabulib_dir: Path, pabulib_file: str) -> None:
    election = read_pb(pabulib_dir / pabulib_file)
    assert parse_pb(format_pb(election)) == election
