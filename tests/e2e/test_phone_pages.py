"""Phones in a real Chromium: vote on every kind, the Phones panel's tally follows; one vote
per token; no-JS ranking; right-to-left Arabic; axe-core finds no accessibility violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from facilitator import lan
from facilitator.ballots import BallotRound, phone_answers
from facilitator.people import Participant, list_participants
from facilitator.store import EventStore
from ui.phone_panel import PhonePanel

from .conftest import PHONE, keep_screenshot


def voters(store: EventStore) -> list[Participant]:
    return [p for p in list_participants(store) if p.present and p.role == "participant"]


def open_all(panel: PhonePanel, phone_round: BallotRound) -> None:
    for row in range(len(phone_round.questions)):
        panel.question_table.selectRow(row)
        assert panel.open_button.isEnabled()
        panel.open_button.click()


def fill(page: Any, kind: str) -> None:
    """Vote on the question page shown, the way a person would."""
    if kind in ("yes_no", "scale", "choose_one"):
        page.get_by_role("radio").nth(1).check()
    elif kind == "approval":
        page.get_by_role("checkbox").nth(0).check()
        page.get_by_role("checkbox").nth(2).check()
    elif kind == "budget":
        page.get_by_role("checkbox", name="Playground").check()
        page.get_by_role("checkbox", name="Street trees").check()
    elif kind == "rank" and page.locator(".ranker").count():  # moving options (script)
        page.get_by_role("button", name="Add to my ranking: Buses").click()
        page.get_by_role("button", name="Add to my ranking: Trams").click()
        page.get_by_role("button", name="Move up: Trams").click()
    elif kind == "rank":  # a list box per option (no script)
        page.get_by_role("combobox", name="Trams").select_option("1")
        page.get_by_role("combobox", name="Buses").select_option("2")
    elif kind == "score":
        page.get_by_role("combobox", name="Blue").select_option("4")
        page.get_by_role("combobox", name="Green").select_option("2")
    elif kind == "dots":
        page.get_by_role("combobox", name="Housing").select_option("3")
        page.get_by_role("combobox", name="Energy").select_option("2")
    elif kind == "judgment":
        page.get_by_role("group", name="Free buses").get_by_role("radio").nth(0).check()
        page.get_by_role("group", name="School streets").get_by_role("radio").nth(2).check()


def turnout_text(panel: PhonePanel, row: int) -> str:
    item = panel.question_table.item(row, 2)
    return item.text() if item is not None else ""


def test_vote_on_every_kind_and_the_tally_follows(
        qtbot: Any, browser: Any, demo: EventStore, phone_round: BallotRound,
        panel: PhonePanel, tmp_path: Path) -> None:
    open_all(panel, phone_round)
    assert panel.server is not None
    person = voters(demo)[0]
    present = len(voters(demo))
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(panel.server.badge_url(person.token))
    assert page.get_by_role("heading", level=1).inner_text() == f"Hello, {person.name}"
    shot = tmp_path / "phone-home.png"
    page.screenshot(path=str(shot), full_page=True)
    keep_screenshot(shot)
    for index, question in enumerate(phone_round.questions):
        assert f"0 of {present} present have voted" in turnout_text(panel, index)
        with page.expect_navigation():
            page.get_by_role("link", name=question.text).click()
        fill(page, question.kind.value)
        if index == 4:
            shot = tmp_path / "phone-rank.png"
            page.screenshot(path=str(shot), full_page=True)
            keep_screenshot(shot)
        with page.expect_navigation():
            page.get_by_role("button", name="Send my vote").click()
        status = page.get_by_role("status").first
        assert "Your vote is recorded" in status.inner_text()
        assert len(phone_answers(demo, phone_round.id, index)) == 1
        if index == 0:
            shot = tmp_path / "phone-receipt.png"
            page.screenshot(path=str(shot), full_page=True)
            keep_screenshot(shot)
        qtbot.waitUntil(lambda i=index: f"1 of {present} present have voted"
                        in turnout_text(panel, i), timeout=30_000)
        with page.expect_navigation():
            page.get_by_role("link", name="Back to all questions").click()
    # The home page says which questions are voted on, never the receipts (shown once).
    assert page.get_by_text("Voted", exact=True).count() == len(phone_round.questions)
    # Results show once a question closes: the panel and the phone agree.
    panel.question_table.selectRow(2)
    panel.close_button.click()
    assert "Library: 1" in panel.question_table.item(2, 3).text()
    with page.expect_navigation():
        page.get_by_role("link", name=phone_round.questions[2].text).click()
    assert page.get_by_role("table").get_by_role("row", name="Library 1 (100%)").count() == 1
    assert "1 ballot counted" in page.locator("p.counted").inner_text()
    context.close()


def test_a_second_vote_with_the_same_token_does_not_count(
        qtbot: Any, browser: Any, demo: EventStore, phone_round: BallotRound,
        panel: PhonePanel) -> None:
    open_all(panel, phone_round)
    assert panel.server is not None
    url = f"{panel.server.badge_url(voters(demo)[0].token)}/q/{phone_round.id}/0"
    context = browser.new_context(viewport=PHONE)
    first, second = context.new_page(), context.new_page()
    first.goto(url)
    second.goto(url)  # the same ballot open twice (another tab, a second phone)
    first.get_by_role("radio", name="Yes").check()
    with first.expect_navigation():
        first.get_by_role("button", name="Send my vote").click()
    second.get_by_role("radio", name="No").check()
    with second.expect_navigation():
        second.get_by_role("button", name="Send my vote").click()
    assert "already voted" in second.get_by_role("alert").inner_text()
    answers = phone_answers(demo, phone_round.id, 0)
    assert len(answers) == 1 and answers[0].marks == (1, None, None)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: "1 of" in turnout_text(panel, 0), timeout=30_000)
    context.close()


def test_ranking_without_javascript(browser: Any, demo: EventStore,
                                    phone_round: BallotRound, panel: PhonePanel) -> None:
    lan.open_question(demo, phone_round.id, 4, actor="test")
    assert panel.server is not None
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{panel.server.badge_url(voters(demo)[1].token)}/q/{phone_round.id}/4")
    fill(page, "rank")
    page.get_by_role("combobox", name="Pavements").select_option("3")
    with page.expect_navigation():
        page.get_by_role("button", name="Send my vote").click()
    assert "1. Trams, 2. Buses, 3. Pavements" in page.inner_text("main")
    assert [a.marks for a in phone_answers(demo, phone_round.id, 4)] == [(2, 1, None, 3)]
    context.close()


def test_arabic_is_right_to_left_and_welsh_is_complete(
        browser: Any, demo: EventStore, phone_round: BallotRound, panel: PhonePanel,
        tmp_path: Path) -> None:
    lan.open_question(demo, phone_round.id, 0, actor="test")
    assert panel.server is not None
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(panel.server.badge_url(voters(demo)[2].token))
    with page.expect_navigation():  # the Arabic page loaded, not just requested
        page.get_by_role("button", name="العربية").click()
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    link = page.get_by_role("link", name=phone_round.questions[0].text).bounding_box()
    raise_hand = page.get_by_role("button", name="ارفع يدي لأتحدث").bounding_box()
    assert link is not None and raise_hand is not None
    shot = tmp_path / "phone-home-ar.png"
    page.screenshot(path=str(shot), full_page=True)
    keep_screenshot(shot)
    with page.expect_navigation():
        page.get_by_role("button", name="Cymraeg").click()
    assert page.get_by_role("button", name="Codi fy llaw i siarad").count() == 1
    assert page.evaluate("document.documentElement.lang") == "cy"
    context.close()


AUDITED = ["join", "home", *[f"q{i}" for i in range(9)], "receipt", "ask", "home-ar"]


@pytest.mark.parametrize("which", AUDITED)
def test_axe_finds_no_violations(browser: Any, demo: EventStore, phone_round: BallotRound,
                                 panel: PhonePanel, which: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from facilitator.qa.ops import add_question, approve, create_panel

    for index in range(len(phone_round.questions)):
        lan.open_question(demo, phone_round.id, index, actor="test")
    qa_panel = create_panel(demo, "Experts", actor="test").panel_id
    qid = add_question(demo, qa_panel, "3", "Why not trams?", actor="test").question_id
    approve(demo, qid, actor="test")
    assert panel.server is not None
    person = voters(demo)[3]
    base = panel.server.badge_url(person.token)
    # axe is injected by evaluate(); our pages' CSP rightly forbids foreign scripts.
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    if which == "join":
        page.goto(f"{panel.server.base_url}/")
    elif which == "home":
        page.goto(base)
    elif which == "home-ar":
        page.goto(base)
        with page.expect_navigation():
            page.get_by_role("button", name="العربية").click()
    elif which == "receipt":
        page.goto(f"{base}/q/{phone_round.id}/0")
        page.get_by_role("radio").first.check()
        with page.expect_navigation():
            page.get_by_role("button", name="Send my vote").click()
    elif which == "ask":
        page.goto(f"{base}/ask")
    else:
        page.goto(f"{base}/q/{phone_round.id}/{which[1:]}")
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a",
                                                   "wcag21aa", "best-practice"]})
    assert results.violations_count == 0, results.generate_report()
    sizes = page.evaluate("""() => [...document.querySelectorAll('button, a, select, input')]
        .filter(e => e.offsetParent !== null && e.type !== 'hidden' && !e.closest('p, li p'))
        .map(e => [e.tagName, e.textContent.trim().slice(0, 30),
                   e.getBoundingClientRect().height])""")
    small = [s for s in sizes if s[2] < 24]
    assert not small, small
    context.close()


def test_every_page_is_small(browser: Any, demo: EventStore, phone_round: BallotRound,
                             panel: PhonePanel) -> None:
    for index in range(len(phone_round.questions)):
        lan.open_question(demo, phone_round.id, index, actor="test")
    assert panel.server is not None
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    loaded: list[int] = []
    page.on("response", lambda r: loaded.append(len(r.body())))
    page.goto(f"{panel.server.badge_url(voters(demo)[4].token)}/q/{phone_round.id}/7")
    page.wait_for_load_state("networkidle")
    assert sum(loaded) < 50_000, loaded
    context.close()
