"""A deliberative poll on phones in a real Chromium: both waves filled, answers changed while
the wave is open, no JavaScript needed, Arabic right to left, axe finds no violation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from facilitator.lan.server import LanServer
from facilitator.people import Participant, list_participants
from facilitator.polls import ops, queries
from facilitator.polls.model import DONT_KNOW, RANKING, Item, Questionnaire
from facilitator.store import EventStore

from ..unit.polls.conftest import small_questionnaire
from .conftest import PHONE, keep_screenshot


@pytest.fixture
def server(demo: EventStore) -> Iterator[LanServer]:
    running = LanServer(demo, "127.0.0.1", 0)  # the system picks a free port
    running.start()
    yield running
    running.stop()


def voters(store: EventStore) -> list[Participant]:
    return [p for p in list_participants(store) if p.present and p.role == "participant"]


def questionnaire() -> Questionnaire:
    q = small_questionnaire(groups=("Age band",))
    return Questionnaire(q.title, (*q.items, Item("rank", "Rank the options", RANKING,
                                                  ("Tram", "Bus", "Bike"))),
                         q.indices, q.waves, group_columns=q.group_columns)


def fill(page: Any, cars: int, tram: str, know1: str, dont_know: str = "Don't know") -> None:
    page.get_by_role("group", name="Cars should pay").get_by_role(
        "radio", name=str(cars), exact=True).check()
    page.get_by_role("group", name="Buses should be free").get_by_role(
        "radio", name=dont_know).check()
    page.get_by_role("group", name="Build the tram?").get_by_role(
        "radio", name=tram, exact=True).check()
    page.get_by_role("group", name="Who runs the buses?").get_by_role(
        "radio", name=know1).check()
    page.get_by_role("combobox", name="Rank the options Bike").select_option("1")
    page.get_by_role("combobox", name="Rank the options Tram").select_option("2")


def test_both_waves_filled_from_phones(browser: Any, demo: EventStore, server: LanServer,
                                       tmp_path: Path) -> None:
    poll_id = ops.create_poll(demo, questionnaire(), actor="test").poll_id
    people = voters(demo)[:3]
    ops.open_wave(demo, poll_id, actor="test")
    for wave, cars in ((1, 3), (2, 8)):
        for n, person in enumerate(people):
            context = browser.new_context(viewport=PHONE, java_script_enabled=n != 1)
            page = context.new_page()
            page.goto(server.badge_url(person.token))
            with page.expect_navigation():
                page.get_by_role("link", name=f"Questionnaire: {questionnaire().title}").click()
            assert ("Arrival" if wave == 1 else "End") in page.inner_text("main")
            fill(page, cars + n, "Yes" if wave == 2 else "No", "Company")
            with page.expect_navigation():
                page.get_by_role("button", name="Send my answers").click()
            assert "Your answers are recorded" in page.inner_text("main")
            if n == 0:  # changed while the wave is open: the form shows the answers given
                page.get_by_role("group", name="Cars should pay").get_by_role(
                    "radio", name="10", exact=True).check()
                with page.expect_navigation():
                    page.get_by_role("button", name="Change my answers").click()
                shot = tmp_path / f"phone-poll-wave{wave}.png"
                page.screenshot(path=str(shot), full_page=True)
                keep_screenshot(shot)
            context.close()
        ops.close_wave(demo, poll_id, actor="test")
        if wave == 1:
            ops.open_wave(demo, poll_id, actor="test")
    answers = {(r.wave, r.code): r.answers for r in queries.responses(demo, poll_id)}
    assert len(answers) == 6
    mine = queries.own_response(demo, poll_id, 1, people[0].token)
    assert mine is not None and mine.answers == {
        "cars": 10, "buses": DONT_KNOW, "tram": 0, "know1": 1, "rank": (2, 0)}
    analysis = queries.analysis(demo, poll_id)
    assert analysis.n_pairs == 3
    assert analysis.row("cars").before == pytest.approx((10 + 4 + 5) / 3)
    assert analysis.row("tram").after == 1.0 and analysis.row("buses").dk_after == 100
    # Closed: a phone no longer sees the questionnaire nor anything of its answers.
    ops.close_poll(demo, poll_id, actor="test")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server.badge_url(people[0].token)}/poll/{poll_id}")
    assert "not open now" in page.inner_text("main")
    assert page.get_by_role("radio").count() == 0
    context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_questionnaire_is_accessible_and_right_to_left(
        browser: Any, demo: EventStore, server: LanServer, language: str,
        tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    poll_id = ops.create_poll(demo, questionnaire(), actor="test").poll_id
    ops.open_wave(demo, poll_id, actor="test")
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    base = server.badge_url(voters(demo)[4].token)
    page.goto(base)
    if language == "ar":
        with page.expect_navigation():
            page.get_by_role("button", name="العربية").click()
    page.goto(f"{base}/poll/{poll_id}")
    if language == "ar":
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        shot = tmp_path / "phone-poll-ar.png"
        page.screenshot(path=str(shot), full_page=True)
        keep_screenshot(shot)
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a",
                                                   "wcag21aa", "best-practice"]})
    assert results.violations_count == 0, results.generate_report()
    context.close()


DK_CY = "Ddim yn gwybod"


def test_waves_and_refusals_in_the_phones_language(
        browser: Any, demo: EventStore, server: LanServer, tmp_path: Path) -> None:
    """A Welsh phone sees the wave named in Welsh and is refused in Welsh, whatever the
    app's own language; a form filled at arrival and sent after the end wave opened is not
    taken as the end wave's answers."""
    poll_id = ops.create_poll(demo, questionnaire(), actor="test").poll_id
    ops.open_wave(demo, poll_id, actor="test")
    person = voters(demo)[0]
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.goto(server.badge_url(person.token))
    with page.expect_navigation():
        page.get_by_role("button", name="Cymraeg").click()
    with page.expect_navigation():
        page.get_by_role("link", name=f"Holiadur: {questionnaire().title}").click()
    assert page.inner_text("p.round") == "Cyrraedd"
    fill(page, 4, "Na", "Company", DK_CY)
    ops.close_wave(demo, poll_id, actor="test")  # the desk moves on while the phone fills in
    ops.open_wave(demo, poll_id, actor="test")
    with page.expect_navigation():
        page.get_by_role("button", name="Anfon fy atebion").click()
    error = page.inner_text(".msg.error")
    assert "“Diwedd”" in error and "Cyrraedd" not in error
    assert page.inner_text("p.round") == "Diwedd"
    assert queries.counts(demo, poll_id) == {}  # nothing taken as the end wave's answers
    fill(page, 6, "Ie", "Company", DK_CY)  # this wave's form, checked and sent again
    with page.expect_navigation():
        page.get_by_role("button", name="Anfon fy atebion").click()
    assert queries.counts(demo, poll_id) == {("panel", 2): 1}
    context.close()

    # An expert's badge opens the questionnaire: refused in Welsh, in one sentence.
    expert = next(p for p in list_participants(demo) if p.role == "expert" and p.present)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server.badge_url(expert.token))
    with page.expect_navigation():
        page.get_by_role("button", name="Cymraeg").click()
    page.goto(f"{server.badge_url(expert.token)}/poll/{poll_id}")
    fill(page, 2, "Ie", "Council", DK_CY)
    with page.expect_navigation():
        page.get_by_role("button", name="Anfon fy atebion").click()
    assert page.inner_text(".msg.error") == (
        f"Nid yw {expert.name} yn gyfranogwr yn yr arolwg hwn.")
    shot = tmp_path / "phone-poll-refused-cy.png"
    page.screenshot(path=str(shot), full_page=True)
    keep_screenshot(shot)
    assert queries.counts(demo, poll_id) == {("panel", 2): 1}
    context.close()
