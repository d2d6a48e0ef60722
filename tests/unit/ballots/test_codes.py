"""Ballot codes: random, unique, start with a letter, check character catches typos."""

from __future__ import annotations

from facilitator import codes
from facilitator.ballots import codes as ballot_codes


def test_shape_and_check() -> None:
    fresh = ballot_codes.new_unique_codes(2000)
    assert len(set(fresh)) == 2000
    for code in fresh:
        assert len(code) == 9 and code[0] in ballot_codes.LETTERS
        assert ballot_codes.is_ballot_code(code)


def test_every_single_typo_and_neighbour_swap_is_caught() -> None:
    code = ballot_codes.new_ballot_code()
    for i in range(len(code)):
        for ch in codes.ALPHABET:
            if ch != code[i]:
                assert not ballot_codes.is_ballot_code(code[:i] + ch + code[i + 1:])
        if i + 1 < len(code) and code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
            assert not codes.is_valid(swapped)


def test_pretty_and_normalise_agree() -> None:
    code = ballot_codes.new_ballot_code()
    shown = ballot_codes.pretty(code)
    assert shown.count("-") == 2 and len(shown) == 11
    assert ballot_codes.normalise(f"  {shown.lower()} ") == code


def test_new_codes_avoid_those_taken() -> None:
    taken = set(ballot_codes.new_unique_codes(50))
    assert not taken & set(ballot_codes.new_unique_codes(500, taken))


def test_a_badge_code_is_never_a_ballot_code() -> None:
    assert not ballot_codes.is_ballot_code(codes.new_code())
