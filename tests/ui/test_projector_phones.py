"""The projector for phones and results (issue 13, measured against Mentimeter): how to join,
big enough to scan from the back; live bars while phones vote when the facilitator chose live
results; a yes/no's threshold line, its bars on the verdict's own percentage basis."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import pytest
import zxingcpp
from PIL import Image
from pytestqt.qtbot import QtBot

from facilitator import lan
from facilitator.ballots import BallotRound, DecisionRule, Question, create_round, format_share
from facilitator.clock import FakeClock
from facilitator.people import Participant, list_participants
from facilitator.results.ops import set_live, set_projected
from facilitator.store import EventStore
from ui.bus import ChangeBus
from ui.phone_panel import PhonePanel
from ui.projector import ProjectorWindow

from ..e2e.conftest import free_port, start_panel
from .screens import artifacts_dir, save_screens

A = "test"
RESULTS_VIEW = 3


def voters(store: EventStore) -> list[Participant]:
    return [p for p in list_participants(store) if p.present and p.role == "participant"]


@pytest.fixture
def bus() -> ChangeBus:
    return ChangeBus()


@pytest.fixture
def projector(qtbot: QtBot, demo_store: EventStore, bus: ChangeBus,
              clock: FakeClock) -> ProjectorWindow:
    window = ProjectorWindow(demo_store, bus, clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.resize(1366, 768)
    return window


@pytest.fixture
def panel(qtbot: QtBot, demo_store: EventStore, bus: ChangeBus) -> Iterator[PhonePanel]:
    # The panel's port box cannot say 0 (any port): the e2e helper tries another free port if
    # one it found is taken before the panel listens on it.
    widget = start_panel(qtbot, demo_store, bus=bus)
    yield widget
    widget.stop_server()


@pytest.fixture
def sixty(demo_store: EventStore) -> BallotRound:
    rule = DecisionRule.supermajority("3/5")
    return create_round(demo_store, "Decision", (
        Question.yes_no("Adopt the ring-road recommendation?", rule=rule),), actor=A).round


def vote(store: EventStore, people: list[Participant], round_id: int, choice: int,
         bus: ChangeBus) -> None:
    question = lan.phone_question(store, round_id, 0)
    assert question is not None
    from facilitator.ballots import Answer

    for person in people:
        result = lan.cast_vote(store, person.id, round_id, 0,
                               Answer.choose(question.question, choice), actor="phone")
        bus.publish(result.changes)


def test_the_join_page_on_the_projector_scans_from_the_back(
        qtbot: QtBot, demo_store: EventStore, projector: ProjectorWindow,
        panel: PhonePanel) -> None:
    assert panel.server is not None
    assert panel.projector_button.isEnabled()
    panel.projector_button.click()
    assert projector.views.currentWidget() is projector.join_view
    url = f"http://127.0.0.1:{panel.server.port}/"
    assert projector.join_view.url_label.text() == f"127.0.0.1:{panel.server.port}"
    saved = save_screens(projector, "projector-join")
    for path in saved:
        with Image.open(path) as image:
            found = [b.text for b in zxingcpp.read_barcodes(
                image, formats=zxingcpp.BarcodeFormat.QRCode)]
            assert found == [url], path.name
            # From the back of a room: a module at least 1/100 of the screen's height (at
            # 1080 px on a 2 m screen, 2 cm; a phone camera reads that at 15 m and more).
            qr = projector.join_view.qr_label.pixmap()
            assert qr.height() >= 0.5 * image.height * 0.9
    for path in saved:  # shrunk to a sixth: what a phone camera sees from far away
        with Image.open(path) as image:
            small = image.convert("L").resize((image.width // 6, image.height // 6))
            assert [b.text for b in zxingcpp.read_barcodes(
                small, formats=zxingcpp.BarcodeFormat.QRCode)] == [url], path.name
    panel.stop_server()  # no join page to show any more
    assert projector.views.currentWidget() is not projector.join_view
    assert not lan.settings(demo_store).projector_join


def test_no_join_page_from_a_setting_left_by_an_earlier_run(
        qtbot: QtBot, demo_store: EventStore, bus: ChangeBus, clock: FakeClock) -> None:
    """The app quit while the join page was shown: next time, no server runs, so the
    projector does not invite people to a page that is not there."""
    import dataclasses

    left = dataclasses.replace(lan.settings(demo_store), host="127.0.0.1", port=free_port(),
                               projector_join=True)
    lan.save_settings(demo_store, left, actor=A)
    window = ProjectorWindow(demo_store, bus, clock)
    qtbot.addWidget(window)
    window.show()
    assert window.views.currentWidget() is not window.join_view


def test_live_bars_follow_each_phone_vote_when_live_results_are_chosen(
        qtbot: QtBot, demo_store: EventStore, projector: ProjectorWindow, sixty: BallotRound,
        panel: PhonePanel, bus: ChangeBus) -> None:
    panel.question_table.selectRow(0)
    panel.open_button.click()
    panel.live_box.click()  # the facilitator chooses live results
    assert lan.settings(demo_store).results_live
    panel.question_table.selectRow(0)
    panel.project_button.click()
    assert panel.project_button.isChecked()
    people = voters(demo_store)
    vote(demo_store, people[:3], sixty.id, 0, bus)
    assert projector.views.currentIndex() == RESULTS_VIEW
    view = projector.results_view
    assert view.verdict_label.text() == "Voting is open: results so far"
    assert [int(line.value) for line in view.chart.lines] == [3, 0, 0]
    vote(demo_store, people[3:5], sixty.id, 1, bus)
    assert [int(line.value) for line in view.chart.lines] == [3, 2, 0]
    save_screens(projector, "projector-live-bars")


def test_live_bars_stay_hidden_unless_chosen(
        qtbot: QtBot, demo_store: EventStore, projector: ProjectorWindow, sixty: BallotRound,
        panel: PhonePanel, bus: ChangeBus) -> None:
    panel.question_table.selectRow(0)
    panel.open_button.click()
    panel.question_table.selectRow(0)
    panel.project_button.click()  # refused: the results are hidden until the close
    assert not panel.project_button.isChecked()
    assert "hidden" in panel.badge_label.text()
    vote(demo_store, voters(demo_store)[:3], sixty.id, 0, bus)
    assert projector.views.currentIndex() != RESULTS_VIEW


def test_a_threshold_yes_no_shows_its_line_and_the_verdicts_percentages(
        qtbot: QtBot, demo_store: EventStore, projector: ProjectorWindow,
        sixty: BallotRound, bus: ChangeBus) -> None:
    # The rehearsal's figures: 14 yes, 8 no, 1 abstain; 60% needed, abstentions left out.
    lan.open_question(demo_store, sixty.id, 0, actor=A)
    people = voters(demo_store)
    vote(demo_store, people[:14], sixty.id, 0, bus)
    vote(demo_store, people[14:22], sixty.id, 1, bus)
    vote(demo_store, people[22:23], sixty.id, 2, bus)
    bus.publish(set_live(demo_store, sixty.id, True, actor=A))
    bus.publish(set_projected(demo_store, (sixty.id, 0), actor=A))
    lan.close_question(demo_store, sixty.id, 0, actor=A)
    from facilitator.ballots.ops import close_round

    bus.publish(close_round(demo_store, sixty.id, actor=A).changes)
    view = projector.results_view
    assert projector.views.currentIndex() == RESULTS_VIEW
    assert view.verdict_label.text() == "PASSED — 63.6% support, threshold 60%"
    yes, no, abstain = view.chart.lines
    assert format_share(yes.share) == "63.6%"  # was 60.9% (14 of all 23)
    assert format_share(no.share) == "36.4%"
    assert abstain.share is None and int(abstain.value) == 1  # counted, not in the %
    assert view.chart.threshold == Fraction(3, 5)
    assert view.chart.threshold_x() is not None
    assert "14 ÷ 22 (for + against) = 63.6%" in view.working_label.text()
    saved = save_screens(projector, "projector-threshold")
    # The line is drawn: a column of the threshold's yellow where the 60% mark is.
    with Image.open(saved[0]) as image:
        rgb = image.convert("RGB")
        yellow = sum(1 for x in range(rgb.width) for y in range(0, rgb.height, 4)
                     if rgb.getpixel((x, y)) == (0xfd, 0xe0, 0x47))
        assert yellow > 20
    assert artifacts_dir().exists()
