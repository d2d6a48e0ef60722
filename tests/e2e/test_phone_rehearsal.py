"""Phones as the rehearsal found them (issue 13), in a real Chromium: ranking by moving options
(the no-script list boxes kept), the join page's language kept after the code, Yes/No/Abstain
in Welsh and Arabic, one way to abstain on a yes/no, the budget counter formatted and marked
when over. Screenshots go to the test artefacts (tests/e2e/conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from facilitator import codes, lan
from facilitator.ballots import BallotRound, phone_answers
from facilitator.people import Participant, list_participants
from facilitator.store import EventStore
from ui.phone_panel import PhonePanel

from .conftest import PHONE, keep_screenshot

RANK, YES_NO, CHOOSE_ONE, BUDGET = 4, 0, 2, 7


@pytest.fixture(autouse=True)
def every_question_open(demo: EventStore, phone_round: BallotRound, panel: PhonePanel) -> None:
    for index in range(len(phone_round.questions)):
        lan.open_question(demo, phone_round.id, index, actor="test")


def voter(store: EventStore, n: int) -> Participant:
    return [p for p in list_participants(store) if p.present and p.role == "participant"][n]


def question_url(panel: PhonePanel, person: Participant, round_id: int, index: int) -> str:
    assert panel.server is not None
    return f"{panel.server.badge_url(person.token)}/q/{round_id}/{index}"


def shot(page: Any, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    keep_screenshot(path)


def test_ranking_by_moving_options(browser: Any, demo: EventStore, phone_round: BallotRound,
                                   panel: PhonePanel, tmp_path: Path) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(question_url(panel, voter(demo, 5), phone_round.id, RANK))
    assert page.get_by_role("combobox").count() == 0  # the list boxes give way to the list
    page.get_by_role("button", name="Add to my ranking: Pavements").click()
    page.get_by_role("button", name="Add to my ranking: Trams").click()
    page.get_by_role("button", name="Add to my ranking: Buses").click()
    page.get_by_role("button", name="Move up: Buses").click()
    page.get_by_role("button", name="Move up: Buses").click()  # Buses, Pavements, Trams
    page.get_by_role("button", name="Move down: Pavements").click()  # Buses, Trams, Pavements
    # The keyboard stays on the option moved.
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == \
        "Move down: Pavements" or page.evaluate(
            "document.activeElement.getAttribute('aria-label')") == "Move up: Pavements"
    items = page.locator(".ranker ol li .name").all_inner_texts()
    assert items == ["Buses", "Trams", "Pavements"]
    page.get_by_role("button", name="Take out of my ranking: Trams").click()
    page.get_by_role("button", name="Add to my ranking: Trams").click()  # Buses, Pavements, Trams
    shot(page, tmp_path, "phone-rank-moving")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my vote").click()
    assert "1. Buses, 2. Pavements, 3. Trams" in page.inner_text("main")
    assert [a.marks for a in phone_answers(demo, phone_round.id, RANK)] == [(1, 3, None, 2)]
    context.close()


def test_ranking_without_script_keeps_the_list_boxes(
        browser: Any, demo: EventStore, phone_round: BallotRound, panel: PhonePanel) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(question_url(panel, voter(demo, 6), phone_round.id, RANK))
    assert page.get_by_role("combobox").count() == 4
    page.get_by_role("combobox", name="Cycle lanes").select_option("1")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my vote").click()
    assert [a.marks for a in phone_answers(demo, phone_round.id, RANK)] == [
        (None, None, 1, None)]
    context.close()


def test_the_language_chosen_on_the_join_page_is_kept_after_the_code(
        browser: Any, demo: EventStore, phone_round: BallotRound, panel: PhonePanel,
        tmp_path: Path) -> None:
    assert panel.server is not None
    person = voter(demo, 7)
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.goto(f"{panel.server.base_url}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Cymraeg").click()
    assert page.evaluate("document.documentElement.lang") == "cy"
    page.locator("#code").fill(codes.pretty(person.badge_code))
    with page.expect_navigation():
        page.locator("form.card button[type=submit]").click()
    assert page.url.endswith(f"/v/{person.token}")
    assert page.evaluate("document.documentElement.lang") == "cy"
    assert page.get_by_role("button", name="Codi fy llaw i siarad").count() == 1
    with page.expect_navigation():
        page.get_by_role("link", name=phone_round.questions[YES_NO].text).click()
    assert page.evaluate("document.documentElement.lang") == "cy"  # and on every page after
    shot(page, tmp_path, "phone-yes-no-cy")
    context.close()


@pytest.mark.parametrize(("language", "labels"), [
    ("cy", ["Ie", "Na", "Ymatal"]), ("ar", ["نعم", "لا", "أمتنع"]),
    ("en", ["Yes", "No", "Abstain"])])
def test_yes_no_abstain_in_the_voters_language(
        browser: Any, demo: EventStore, phone_round: BallotRound, panel: PhonePanel,
        language: str, labels: list[str], tmp_path: Path) -> None:
    person = voter(demo, 8)
    lan.set_language(demo, person.id, language, actor="phone")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(question_url(panel, person, phone_round.id, YES_NO))
    radios = page.get_by_role("radio")
    assert [radios.nth(i).locator("xpath=..").inner_text().strip() for i in range(3)] == labels
    page.get_by_role("radio", name=labels[2]).check()
    with page.expect_navigation():
        page.locator("form.ballot button.primary").click()
    assert labels[2] in page.locator("p.summary").inner_text()  # the receipt says it too
    shot(page, tmp_path, f"phone-yes-no-{language}-voted")
    context.close()


def test_one_way_to_abstain_on_a_yes_no(browser: Any, demo: EventStore,
                                        phone_round: BallotRound, panel: PhonePanel) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(question_url(panel, voter(demo, 9), phone_round.id, YES_NO))
    assert page.get_by_role("radio", name="Abstain").count() == 1
    assert page.get_by_role("button", name="Vote blank (abstain)").count() == 0
    with page.expect_navigation():  # nothing chosen: asked to choose, not to "vote blank"
        page.get_by_role("button", name="Send my vote").click()
    assert page.get_by_role("alert").inner_text() == "Choose an answer first."
    page.goto(question_url(panel, voter(demo, 9), phone_round.id, CHOOSE_ONE))
    assert page.get_by_role("button", name="Vote blank (abstain)").count() == 1  # no option
    context.close()


def test_the_budget_counter_is_formatted_and_marked_when_over(
        browser: Any, demo: EventStore, phone_round: BallotRound, panel: PhonePanel,
        tmp_path: Path) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(question_url(panel, voter(demo, 10), phone_round.id, BUDGET))
    counter = page.locator("p.live")
    page.get_by_role("checkbox", name="Playground").check()
    assert counter.inner_text() == "Used: 40\u00a0000 of 100\u00a0000"
    assert "over" not in (counter.get_attribute("class") or "")
    page.get_by_role("checkbox", name="Street trees").check()
    page.get_by_role("checkbox", name="Youth club").check()
    assert counter.inner_text() == ("Used: 125\u00a0000 of 100\u00a0000 Over the limit by "
                                    "25\u00a0000: remove something.")
    assert "over" in (counter.get_attribute("class") or "")
    colour = page.evaluate("getComputedStyle(document.querySelector('p.live')).color")
    assert colour == "rgb(155, 28, 28)"  # the pages' error red
    shot(page, tmp_path, "phone-budget-over")
    page.get_by_role("checkbox", name="Street trees").uncheck()
    assert "over" not in (counter.get_attribute("class") or "")
    context.close()
