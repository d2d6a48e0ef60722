"""Polls from definition to analysis: items of every kind, indices with reverse coding,
don't-know kept apart, waves, groups, a control sample, corrections, refusals."""

from __future__ import annotations

import math

import pytest

from facilitator.polls import ops, queries, stats
from facilitator.polls.analysis import analyse, fmt
from facilitator.polls.model import (
    CHOICE,
    CONTROL,
    DONT_KNOW,
    LIKERT_5,
    PANEL,
    RANKING,
    SCALE_10,
    Index,
    Item,
    PollError,
    Questionnaire,
    Response,
    from_json,
    to_json,
    variables_of,
)
from facilitator.polls.stats import NotEnough
from facilitator.store import EventStore

from .conftest import participants, small_questionnaire


def resp(wave: int, code: str, groups: dict[str, str] | None = None, sample: str = PANEL,
         **answers: object) -> Response:
    return Response(wave, code, sample, answers, groups or {})  # type: ignore[arg-type]


def test_definition_round_trips_and_is_checked() -> None:
    q = small_questionnaire()
    assert from_json(to_json(q)) == q
    bad = [
        Questionnaire("", q.items),
        Questionnaire("x", ()),
        Questionnaire("x", (Item("a", "A", SCALE_10), Item("a", "B", SCALE_10))),
        Questionnaire("x", (Item("1a", "A", SCALE_10),)),
        Questionnaire("x", (Item("a", "A", CHOICE, ("one",)),)),
        Questionnaire("x", (Item("a", "A", "knowledge", ("x", "y")),)),
        Questionnaire("x", (Item("a", "A", SCALE_10, first_wave=3),)),
        Questionnaire("x", (Item("a", "A", CHOICE, ("x", "y")),), (Index("i", "I", (("a", 0),)),)),
        Questionnaire("x", (Item("a", "A", SCALE_10),), (Index("i", "I", (("b", False),)),)),
    ]
    for questionnaire in bad:
        with pytest.raises(PollError):
            from_json(to_json(questionnaire))
    with pytest.raises(PollError, match="not a questionnaire"):
        from_json('{"title": "x"}')


def test_index_reverse_coding_dont_know_and_knowledge() -> None:
    q = small_questionnaire()
    rows = [
        resp(1, "a", cars=0, buses=1, bikes=10, know1=DONT_KNOW, know2=0),
        resp(2, "a", cars=10, buses=5, bikes=0, know1=1, know2=1),
        resp(1, "b", cars=5, buses=DONT_KNOW, bikes=DONT_KNOW, know1=1, know2=0),
        resp(2, "b", cars=5, buses=3, bikes=5, know1=1, know2=1),
        resp(1, "c", cars=2, buses=2, bikes=8, know1=0, know2=1),
        resp(2, "c", cars=6, buses=4, bikes=4, know1=1, know2=1),
        resp(1, "lonely", cars=9),
    ]
    a = analyse(q, rows)
    assert (a.n_before, a.n_after, a.n_pairs) == (4, 3, 3)
    green = a.row("green")
    # a: before (0 + 0 + 0)/3 = 0 (bikes reversed), after 1; b: before only 1 of 3 answered
    # (less than half): no value, after 0.5; c: before (0.2 + 0.25 + 0.2)/3, after .6/.75/.6
    c_before = (0.2 + 0.25 + 0.2) / 3
    c_after = (0.6 + 0.75 + 0.6) / 3
    assert green.n == 2
    assert green.before == pytest.approx((0 + c_before) / 2)
    assert green.after == pytest.approx((1 + c_after) / 2)
    assert green.dk_before == pytest.approx(100 / 3) and green.dk_after == 0
    know = a.row("knowledge")
    assert know.variable.knowledge
    assert know.before == pytest.approx((0 + 0.5 + 0.5) / 3)  # don't know counts as wrong
    assert know.after == pytest.approx(1.0)
    assert a.row("know1").dk_before == pytest.approx(100 / 3)
    buses = a.row("buses")
    assert buses.n == 2 and buses.dk_before == pytest.approx(100 / 3)  # b's don't-know
    assert buses.dist_before == (100.0, 0.0, 0.0)  # 1 and 2, both in "1–2"
    assert buses.before01 == pytest.approx((0 + 0.25) / 2)
    assert [t[0].key if t[0] else None for t in a.tables()] == ["green", "knowledge", None]
    assert [r.variable.key for r in a.tables()[0][1]] == ["green", "cars", "buses", "bikes"]


def test_scale_item_figures_match_the_tests() -> None:
    q = small_questionnaire()
    before = [2, 3, 5, 4, 6, 1, 3, 2]
    after = [5, 6, 5, 8, 7, 3, 6, 6]
    rows = [resp(1, str(i), cars=b) for i, b in enumerate(before)]
    rows += [resp(2, str(i), cars=x) for i, x in enumerate(after)]
    row = analyse(q, rows).row("cars")
    assert row.n == 8 and row.before == pytest.approx(3.25) and row.after == pytest.approx(5.75)
    assert row.change == pytest.approx(2.5) and row.change01 == pytest.approx(0.25)
    expected = stats.paired_t(before, after)
    assert not isinstance(expected, NotEnough)
    assert row.p == expected.p and row.stars == "**"
    assert row.dist_before == (75.0, 12.5, 12.5)
    assert row.dist_after == (12.5, 25.0, 62.5)
    assert analyse(q, rows, main_test="wilcoxon").row("cars").test == stats.wilcoxon(before,
                                                                                     after)


def test_not_enough_data_never_nan() -> None:
    q = small_questionnaire()
    rows = [resp(1, "a", cars=5, tram=1, buses=DONT_KNOW), resp(2, "a", cars=5, tram=1,
                                                                  buses=DONT_KNOW),
            resp(1, "b", cars=5, buses=DONT_KNOW), resp(2, "b", cars=5, buses=DONT_KNOW),
            resp(1, "c", cars=5, buses=DONT_KNOW), resp(2, "c", cars=5, buses=DONT_KNOW)]
    a = analyse(q, rows, correction="holm")
    cars, tram, buses = a.row("cars"), a.row("tram"), a.row("buses")
    assert isinstance(cars.test, NotEnough) and "nobody changed" in cars.reason
    assert isinstance(tram.test, NotEnough) and "fewer than 3" in tram.reason  # n = 1
    assert buses.n == 0 and buses.before is None and buses.dk_before == 100
    assert isinstance(buses.test, NotEnough)
    assert fmt(buses.before) == "—" and fmt(float("nan")) == "—"
    for row in a.rows:
        for value in (row.before, row.after, row.change, row.p):
            assert value is None or math.isfinite(value)


def test_choice_and_ranking_items_give_one_variable_per_option() -> None:
    q = Questionnaire("Options", (
        Item("fav", "Favourite", CHOICE, ("Tram", "Bus", "Bike")),
        Item("rank", "Rank these", RANKING, ("Tram", "Bus", "Bike")),
        Item("later", "Added at the end", LIKERT_5, first_wave=2)), waves=2)
    keys = [v.key for v in variables_of(q)]
    assert keys == ["fav=1", "fav=2", "fav=3", "rank#1", "rank#2", "rank#3", "later"]
    rows = []
    for i in range(6):
        rows.append(resp(1, str(i), fav=0, rank=(0, 1, 2)))
        rows.append(resp(2, str(i), fav=2 if i < 5 else 0, rank=(2, 1, 0), later=4))
    a = analyse(q, rows)
    assert a.row("fav=1").before == 1.0 and a.row("fav=3").after == pytest.approx(5 / 6)
    assert a.row("fav=1").test.method == "McNemar exact"  # type: ignore[union-attr]
    assert a.row("rank#1").before == 1.0 and a.row("rank#1").after == 3.0
    assert a.row("later").n == 0  # not asked at wave 1


def test_groups_and_gap_narrowing() -> None:
    q = small_questionnaire()
    rows = []
    for i in range(12):
        group = "Woman" if i % 2 else "Man"
        before = 2 if group == "Woman" else 7
        rows.append(resp(1, str(i), {"Gender": group}, cars=before + i % 3))
        rows.append(resp(2, str(i), {"Gender": group}, cars=5 + i % 3 + (i % 4 == 0)))
    rows.append(resp(1, "x", {"Gender": "Other"}, cars=1))
    rows.append(resp(2, "x", {"Gender": "Other"}, cars=9))
    a = analyse(q, rows)
    change = next(g for g in a.groups if g.variable.key == "cars" and g.column == "Gender")
    assert [r.value for r in change.rows] == ["Man", "Other", "Woman"]
    assert change.gap_before == pytest.approx(5.0) and change.narrowed is True
    assert change.gap_test is not None and stats.p_of(change.gap_test) is not None
    assert next(r for r in change.rows if r.value == "Other").n == 1  # shown, not in the gap


def test_control_group_unpaired_comparison() -> None:
    q = small_questionnaire()
    rows = [resp(2, f"p{i}", cars=6 + i % 4) for i in range(10)]
    rows += [resp(2, f"c{i}", sample=CONTROL, cars=3 + i % 3) for i in range(8)]
    a = analyse(q, rows)
    cars = next(c for c in a.control if c.variable.key == "cars")
    assert (cars.n_panel, cars.n_control) == (10, 8)
    assert cars.difference == pytest.approx(7.3 - 3.875)
    assert cars.test == stats.welch([6 + i % 4 for i in range(10)], [3 + i % 3 for i in range(8)])


def test_corrections_adjust_the_stars() -> None:
    q = small_questionnaire(groups=())
    rows = []
    for i in range(20):
        rows.append(resp(1, str(i), cars=i % 5, bikes=i % 7, buses=1 + i % 5))
        rows.append(resp(2, str(i), cars=i % 5 + (i % 3 == 0), bikes=i % 7 + (i % 2),
                         buses=1 + i % 5))
    raw = analyse(q, rows)
    holm = analyse(q, rows, correction="holm")
    bh = analyse(q, rows, correction="bh")
    ps = [stats.p_of(r.test) for r in raw.rows]
    assert [r.p for r in holm.rows] == stats.adjust(ps, "holm")
    assert [r.p for r in bh.rows] == stats.adjust(ps, "bh")
    assert all((h.p or 0) >= (r.p or 0) for h, r in zip(holm.rows, raw.rows, strict=True))
    with pytest.raises(PollError):
        analyse(q, rows, correction="bonferroni-ish")


def test_a_poll_in_the_event_file(event: EventStore) -> None:
    people = participants(event)
    poll_id = ops.create_poll(event, small_questionnaire(), actor="test").poll_id
    with pytest.raises(PollError, match="not open"):
        ops.answer(event, poll_id, people[0].id, {"cars": 3}, actor="phone")
    changes = ops.open_wave(event, poll_id, actor="test")
    assert changes.polls
    with pytest.raises(PollError, match="open already"):
        ops.open_wave(event, poll_id, actor="test")
    for bad in ({"cars": 11}, {"cars": "7"}, {"tram": 2}, {"nope": 1}, {"know1": True}):
        with pytest.raises(PollError):
            ops.answer(event, poll_id, people[0].id, bad, actor="phone")
    assert queries.counts(event, poll_id) == {}
    first = ops.answer(event, poll_id, people[0].id, {"cars": 3, "buses": "dk"}, actor="phone")
    again = ops.answer(event, poll_id, people[0].id, {"cars": 4}, actor="phone")
    assert not first.replaced and again.replaced
    own = queries.own_response(event, poll_id, 1, people[0].token)
    assert own is not None and own.answers == {"cars": 4}
    assert own.groups == {"Gender": people[0].attributes["Gender"]}
    for person in people[1:6]:
        ops.answer(event, poll_id, person.id, {"cars": 2}, actor="phone")
    ops.close_wave(event, poll_id, actor="test")
    with pytest.raises(PollError, match="not open"):
        ops.answer(event, poll_id, people[1].id, {"cars": 3}, actor="phone")
    ops.open_wave(event, poll_id, actor="test")
    for person in people[:6]:
        ops.answer(event, poll_id, person.id, {"cars": 8}, actor="phone")
    ops.key_control(event, poll_id, 2, {"cars": 1}, actor="desk")
    with pytest.raises(PollError, match="Every wave"):
        ops.close_wave(event, poll_id, actor="test")
        ops.open_wave(event, poll_id, actor="test")
    assert queries.counts(event, poll_id) == {("panel", 1): 6, ("panel", 2): 6,
                                              ("control", 2): 1}
    a = queries.analysis(event, poll_id)
    assert a.n_pairs == 6 and a.row("cars").change == pytest.approx(8 - (4 + 2 * 5) / 6)
    ops.close_poll(event, poll_id, actor="test")
    assert queries.poll(event, poll_id).status == "closed"
    with pytest.raises(PollError, match="closed"):
        ops.open_wave(event, poll_id, actor="test")
    assert queries.analysis(event, poll_id).n_pairs == 6


def test_extending_an_open_poll(event: EventStore) -> None:
    q = small_questionnaire()
    poll_id = ops.create_poll(event, q, actor="test").poll_id
    ops.open_wave(event, poll_id, actor="test")
    extended = Questionnaire(q.title, (*q.items, Item("new", "New at the end", SCALE_10,
                                                      first_wave=2)),
                             q.indices, q.waves, group_columns=q.group_columns)
    ops.update_questionnaire(event, poll_id, extended, actor="test")
    changed = Questionnaire(q.title, (Item("cars", "Different wording", SCALE_10),
                                      *q.items[1:]), q.indices, q.waves,
                            group_columns=q.group_columns)
    with pytest.raises(PollError, match="already asked"):
        ops.update_questionnaire(event, poll_id, changed, actor="test")
    early = Questionnaire(q.title, (*extended.items, Item("new2", "Now", SCALE_10)), q.indices,
                          q.waves, group_columns=q.group_columns)
    with pytest.raises(PollError, match="not yet opened"):
        ops.update_questionnaire(event, poll_id, early, actor="test")
    with pytest.raises(PollError, match="not asked at this wave"):
        ops.answer(event, poll_id, participants(event)[0].id, {"new": 3}, actor="phone")


def test_group_columns_must_exist(event: EventStore) -> None:
    with pytest.raises(PollError, match="Shoe size"):
        ops.create_poll(event, small_questionnaire(groups=("Shoe size",)), actor="test")
