"""The facilitator's trade-off between new faces and balance, a search that uses the time it
is given (never worse for more), why it stopped, and balance per column in plain words
(issue 19)."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from facilitator.people import check_in, import_people, list_participants, parse_people
from facilitator.store import EventStore
from facilitator.tables import (
    AllocationError,
    Attribute,
    Person,
    Problem,
    allocate,
    ops,
    plans,
    queries,
)
from facilitator.tables.plans import (
    STOP_REASONS,
    TRADEOFF_CHOICES,
    AttributeChoice,
    Spread,
    TablesError,
    TableSettings,
    check_settings,
    spread_text,
    spreads,
    stop_text,
)
from facilitator.tables.search import TRADEOFFS, Progress, Weights


def skewed(n: int, seed: int) -> list[Person]:
    """``n`` people with four skewed columns (a small pool of the 110-type's shape)."""
    rng = random.Random(seed)
    spec = {"gender": (["f", "m", "x"], [49, 48, 3]), "age": (["y", "m", "o"], [30, 45, 25]),
            "area": (["u", "s", "r"], [55, 30, 15]), "view": (["lo", "mid", "hi"], [60, 30, 10])}
    return [Person(f"p{i:03d}", {k: rng.choices(v, w)[0] for k, (v, w) in spec.items()})
            for i in range(n)]


ATTRS = [Attribute(c) for c in ("gender", "age", "area", "view")]


def score(problem: Problem, tradeoff: str, **kwargs: object) -> tuple[int, float]:
    result = allocate(problem, tradeoff=tradeoff, **kwargs)  # type: ignore[arg-type]
    return result.quality.repeat_pairs, result.quality.mean_l1


def test_balance_first_mixes_tables_better_and_never_meet_twice_repeats_less() -> None:
    problem = Problem(skewed(48, 1), rounds=4, table_size=6, diversify=ATTRS)
    never = score(problem, "never", iterations=40_000)
    balance = score(problem, "balance", iterations=40_000)
    assert never[0] == 0
    assert balance[0] > never[0]
    assert balance[1] < never[1]


def test_unknown_tradeoff_or_time_is_one_clear_sentence() -> None:
    problem = Problem(skewed(12, 2), rounds=2, table_size=4, diversify=ATTRS)
    with pytest.raises(AllocationError, match="trade-off"):
        allocate(problem, tradeoff="sometimes")  # type: ignore[arg-type]
    with pytest.raises(AllocationError, match="time limit"):
        allocate(problem, time_limit=-1)


class SlowClock:
    """A clock that moves a little at every look: the search's own pace, on any machine."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.mark.parametrize("tradeoff", ["never", "balance"])
def test_more_time_never_gives_a_worse_plan(tradeoff: str) -> None:
    problem = Problem(skewed(40, 3), rounds=3, table_size=5, diversify=ATTRS)
    weights = Weights(mixing=TRADEOFFS[tradeoff])
    standard = allocate(problem, seed=5, iterations=4_000, tradeoff=tradeoff)  # type: ignore[arg-type]

    def cost(q: object) -> float:
        return weights.mixing * q.mixing + weights.balance * q.balance  # type: ignore[attr-defined]

    last = cost(standard.quality)
    for seconds in (0.5, 1.5):
        timed = allocate(problem, seed=5, iterations=4_000, tradeoff=tradeoff,  # type: ignore[arg-type]
                         time_limit=seconds, clock=SlowClock(0.005))
        assert timed.stopped in ("time limit", "no improvement", "target met")
        assert timed.iterations >= standard.iterations
        assert cost(timed.quality) <= last + 1e-9
        last = cost(timed.quality)


def test_a_search_with_nothing_left_to_find_stops_for_no_improvement() -> None:
    problem = Problem(skewed(8, 4), rounds=3, table_size=4, diversify=ATTRS)  # must repeat
    result = allocate(problem, iterations=200, time_limit=1e9, clock=SlowClock(1e-6),
                      tradeoff="balance")
    assert result.stopped == "no improvement"


def test_progress_with_a_time_limit_only_ever_shows_better_figures() -> None:
    problem = Problem(skewed(40, 5), rounds=3, table_size=5, diversify=ATTRS)
    seen: list[Progress] = []
    allocate(problem, iterations=3_000, time_limit=2.0, clock=SlowClock(0.001),
             progress=seen.append)
    assert len(seen) > 10
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    costs = [20 * p.best.balance + 100 * p.best.mixing for p in seen]
    assert costs == sorted(costs, reverse=True)


def test_every_stop_reason_has_a_sentence() -> None:
    for reason in ("finished", "cancelled", "time limit", "target met", "no improvement"):
        assert reason in STOP_REASONS
        assert stop_text(reason).endswith(".")


def test_settings_keep_the_tradeoff_and_search_time() -> None:
    settings = TableSettings(tradeoff="balance", search_seconds=30.0)
    again = TableSettings.from_json(settings.to_json())
    assert again == settings
    old = TableSettings.from_json({"rounds": 3, "table_size": 8})
    assert old.tradeoff == "never" and old.search_seconds is None
    assert set(TRADEOFF_CHOICES) == set(TRADEOFFS)
    with pytest.raises(TablesError, match="balance and new faces"):
        check_settings(replace(settings, tradeoff="sometimes"))
    with pytest.raises(TablesError, match="seconds"):
        check_settings(replace(settings, search_seconds=0.0))


def test_the_event_uses_the_tradeoff_and_the_plan_says_how_even_each_value_is(
    store: EventStore, tmp_path: Path
) -> None:
    csv = tmp_path / "people.csv"
    rows = ["ID,Name,Gender"] + [f"P{i:02d},Person {i},{'Woman' if i % 3 else 'Man'}"
                                 for i in range(24)]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_people(store, parse_people(csv), actor="test")
    for person in list_participants(store):
        check_in(store, person.id, actor="test")
    settings = TableSettings(rounds=2, table_size=6, tradeoff="balance",
                             attributes=(AttributeChoice("Gender"),))
    saved = ops.allocate_and_save(store, settings, iterations=5_000, actor="test")
    assert saved.job.settings.tradeoff == "balance"
    view = queries.plan_view(store)
    found = {s.value: s for s in spreads(view)}
    # 16 women and 8 men at 4 tables of 6: 4 women and 2 men at every table is even.
    assert found["Woman"] == Spread("Gender", "Woman", 4, 4, 4, 4)
    assert found["Man"].low == found["Man"].high == 2
    assert spread_text(found["Woman"]) == (
        "Gender: every table has 4 Woman (as even as it can be)")
    assert plans.spread_text(Spread("Gender", "Man", 1, 3, 2, 2)) == (
        "Gender: every table has 1–3 Man (an even spread: 2)")
