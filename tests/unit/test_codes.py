"""Badge codes survive typos and look-alikes; tokens are long and unique."""

from __future__ import annotations

import random

from facilitator import codes


def test_every_single_character_typo_is_caught() -> None:
    rng = random.Random(7)
    for _ in range(300):
        code = codes.new_code()
        assert codes.is_valid(code)
        position = rng.randrange(len(code))
        for replacement in codes.ALPHABET:
            if replacement != code[position]:
                typo = code[:position] + replacement + code[position + 1:]
                assert not codes.is_valid(typo), (code, typo)


def test_adjacent_swaps_are_caught() -> None:
    rng = random.Random(8)
    caught = total = 0
    for _ in range(2000):
        code = codes.new_code()
        i = rng.randrange(len(code) - 1)
        if code[i] == code[i + 1]:
            continue
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
        total += 1
        caught += not codes.is_valid(swapped)
    # Luhn mod N misses only swaps of the two values that sum to N-1 doubled pairs.
    assert caught / total > 0.99


def test_look_alikes_and_separators_normalise() -> None:
    code = "K7QM2X" + codes.check_char("K7QM2X")
    assert codes.normalise("k7qm-2x" + code[-1].lower()) == code
    assert codes.normalise("O I L") == "011"
    assert codes.pretty(code) == f"K7QM-2X{code[-1]}"


def test_tokens_are_long_and_distinct() -> None:
    tokens = {codes.new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(t) >= 27 for t in tokens)  # 160 bits in URL-safe base64


def test_badge_codes_are_long_grouped_and_checked() -> None:
    rng = random.Random(9)
    made = {codes.new_badge_code() for _ in range(2000)}
    assert len(made) == 2000
    for code in made:
        assert len(code) == codes.BADGE_LENGTH == 12
        assert codes.check_badge_code(code) == "ok" and codes.looks_like_badge(code)
        grouped = codes.pretty(code)
        assert grouped == f"{code[:4]}-{code[4:8]}-{code[8:]}"
        assert codes.normalise(grouped.lower()) == code
        position = rng.randrange(len(code))
        typo = code[:position] + ("0" if code[position] != "0" else "1") + code[position + 1:]
        assert codes.check_badge_code(typo) == "typo"
        assert codes.check_badge_code(code[:-1]) == "length"
        assert codes.check_badge_code(code + "0") == "length"
    old = codes.new_code(6)
    assert codes.check_badge_code(old) == "old" and codes.looks_like_badge(old)
    assert codes.pretty(old) == f"{old[:4]}-{old[4:]}"
    assert codes.check_badge_code("") == "length"
    assert codes.check_badge_code(codes.normalise("<script>")) == "length"
