"""The one walk over merges (questions into questions, theatre proposals into proposals)."""

from __future__ import annotations

from facilitator.qa.model import merge_families


def test_each_family_is_itself_then_what_is_merged_into_it_depth_first() -> None:
    pairs = [(1, None), (2, 1), (3, None), (4, 2), (5, 1), (6, 3)]
    assert merge_families(pairs) == {1: [1, 2, 4, 5], 2: [2, 4], 3: [3, 6], 4: [4],
                                     5: [5], 6: [6]}
    assert merge_families([]) == {}


def test_a_cycle_is_walked_once() -> None:
    assert merge_families([(1, 2), (2, 1)]) == {1: [1, 2], 2: [2, 1]}
