"""The Stations page and the station's window (issue 18): pairing, check-in reaching the main
laptop, revoking, the offline banner with its waiting count, the conflict screen."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from facilitator.ballots import Question, create_round, issue_codes
from facilitator.ballots.queries import paper_codes
from facilitator.people.ops import add_walk_in
from facilitator.people.queries import list_participants
from facilitator.stations import queries
from facilitator.store import EventStore
from tests.ui.screens import artifacts_dir
from ui.bus import ChangeBus
from ui.pages.stations import StationsPage
from ui.station_window import ARRIVED_COLUMN, NAME_COLUMN, STATUS_COLUMN, StationWindow

WAIT = 15_000  # ms: the station's sender tries every second


@pytest.fixture
def page(store: EventStore, qtbot: QtBot) -> Iterator[StationsPage]:
    for n in range(5):
        add_walk_in(store, f"Person {n}", check_in_now=False, actor="test")
    made = create_round(store, "Vote", (Question.yes_no("Agree?"),), actor="test").round
    issue_codes(store, made.id, 5, actor="test")
    shown = StationsPage(store, ChangeBus())
    qtbot.addWidget(shown)
    shown.address_combo.setCurrentIndex(shown.address_combo.findData("127.0.0.1"))
    # 0: the server listens on a port the kernel gives and the page shows it (its port box
    # then holds the real one); none can be taken between choosing a port and listening.
    shown.port_spin.setMinimum(0)
    shown.port_spin.setValue(0)
    shown.resize(1366, 768)
    shown.show()
    yield shown
    shown.stop_serving()


def _paired(page: StationsPage, tmp_path: Path, qtbot: QtBot, name: str = "Desk 2"
            ) -> StationWindow:
    page.name_edit.setText(name)
    page.may_boxes["ballots"].setChecked(True)
    qtbot.mouseClick(page.offer_button, Qt.MouseButton.LeftButton)
    code = page.code_label.text()
    assert code.startswith("FS1:127.0.0.1:")
    window = StationWindow(tmp_path / "station")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.code_edit.setText(code)
    window.pair_person_edit.setText("Ann")
    with qtbot.waitSignal(window.pairing_ended, timeout=WAIT):
        qtbot.mouseClick(window.pair_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentIndex() == 1, window.pair_banner.text()
    qtbot.waitUntil(lambda: window.people_table.rowCount() == 5, timeout=WAIT)
    return window


def _column(window: StationWindow, column: int) -> list[str]:
    table = window.people_table
    return [table.item(row, column).text() for row in range(table.rowCount())]


def _pick(window: StationWindow, name: str) -> None:
    """Click the row of ``name`` in the station's check-in list."""
    row = _column(window, NAME_COLUMN).index(name)
    window.people_table.setCurrentCell(row, NAME_COLUMN)


def _key_paper(window: StationWindow, qtbot: QtBot, code: str, keys: str) -> None:
    """As at the main laptop's Voting page: scan the code, key the marks, Enter."""
    window.tabs.setCurrentIndex(1)
    window.paper_edit.setText(code)
    qtbot.keyClick(window.paper_edit, Qt.Key.Key_Return)
    assert window.editor.loaded, window.banner.text()
    qtbot.keyClicks(window.editor, keys)
    qtbot.keyClick(window.editor, Qt.Key.Key_Return)


def test_pair_then_check_in_reaches_the_main_laptop(page: StationsPage, store: EventStore,
                                                     tmp_path: Path, qtbot: QtBot) -> None:
    window = _paired(page, tmp_path, qtbot)
    assert window.title_label.text() == "Station “Desk 2”"
    window.search_edit.setText("Person 3")
    # Person 2's ID is walk-in-3, and a badge code may hold a 3: the main laptop's rule
    _pick(window, "Person 3")
    assert window.picked_person() == next(p.id for p in list_participants(store)
                                          if p.name == "Person 3")
    qtbot.mouseClick(window.check_in_button, Qt.MouseButton.LeftButton)
    assert "Queued" in window.banner.text()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1 and page.table.item(0, 4).text() == "1",
                    timeout=WAIT)
    assert [p.name for p in list_participants(store) if p.present] == ["Person 3"]
    assert page.table.item(0, 3).text() == "Ann"
    assert page.grab().save(str(artifacts_dir() / "stations_page.png"))
    assert window.grab().save(str(artifacts_dir() / "station_window.png"))
    window.close()


def test_a_mistyped_code_is_refused_on_the_pairing_screen(page: StationsPage, tmp_path: Path,
                                                          qtbot: QtBot) -> None:
    window = StationWindow(tmp_path / "station")
    qtbot.addWidget(window)
    window.code_edit.setText("FS1:127.0.0.1:8766:ABCD")
    qtbot.mouseClick(window.pair_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentIndex() == 0
    assert "not a station pairing code" in window.pair_banner.text()
    window.close()


def test_revoking_a_station_stops_it(page: StationsPage, store: EventStore, tmp_path: Path,
                                     qtbot: QtBot) -> None:
    window = _paired(page, tmp_path, qtbot)
    page.table.selectRow(0)
    qtbot.mouseClick(page.revoke_button, Qt.MouseButton.LeftButton)
    assert queries.stations(store)[0].revoked
    assert page.table.item(0, 2).text() == "revoked"
    window.search_edit.setText("Person 1")
    qtbot.mouseClick(window.check_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "revoked" in window.offline_label.text(), timeout=WAIT)
    assert window.offline_label.isVisible()
    assert not any(p.present for p in list_participants(store))
    window.close()


def test_offline_banner_counts_what_waits_and_clears_when_sent(
        page: StationsPage, store: EventStore, tmp_path: Path, qtbot: QtBot) -> None:
    window = _paired(page, tmp_path, qtbot)
    port = page.port_spin.value()
    page.stop_serving()
    for name in ("Person 0", "Person 4"):
        window.search_edit.setText(name)
        _pick(window, name)
        qtbot.mouseClick(window.check_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2 items wait here" in window.offline_label.text(), timeout=WAIT)
    assert window.offline_label.isVisible()
    assert window.grab().save(str(artifacts_dir() / "station_offline.png"))
    page.port_spin.setValue(port)
    assert page.start_serving()
    qtbot.waitUntil(lambda: not window.offline_label.isVisible(), timeout=WAIT)
    assert sorted(p.name for p in list_participants(store) if p.present) == [
        "Person 0", "Person 4"]
    window.close()


def test_a_refused_paper_is_on_the_conflict_screen_until_resolved(
        page: StationsPage, store: EventStore, tmp_path: Path, qtbot: QtBot) -> None:
    window = _paired(page, tmp_path, qtbot)
    qtbot.waitUntil(lambda: window.round_combo.count() == 1, timeout=WAIT)
    code = paper_codes(store, window.round_combo.currentData())[0].code
    for _twice in range(2):
        _key_paper(window, qtbot, code, "1")
    qtbot.waitUntil(lambda: window.conflict_list.count() == 1, timeout=WAIT)
    assert "already" in window.conflict_list.item(0).text()
    assert window.tabs.tabText(3) == "Conflicts (1)"
    window.tabs.setCurrentIndex(3)
    assert window.grab().save(str(artifacts_dir() / "station_conflicts.png"))
    window.conflict_list.setCurrentRow(0)
    qtbot.mouseClick(window.resolved_button, Qt.MouseButton.LeftButton)
    assert window.conflict_list.count() == 0
    assert window.tabs.tabText(3) == "Conflicts"
    window.close()


def test_facilitator_dash_dash_station_opens_the_pairing_screen(tmp_path: Path,
                                                                qtbot: QtBot) -> None:
    from ui.app import _parse_args, station_folder

    args = _parse_args(["--station", "--data-dir", str(tmp_path)])
    assert args.station
    window = StationWindow(station_folder(args))
    qtbot.addWidget(window)
    assert window.stack.currentIndex() == 0  # not paired yet: the pairing screen
    assert (tmp_path / "station" / "station.sqlite").is_file()
    window.close()


def test_a_scanned_badge_link_checks_in_through_the_main_laptop(
        page: StationsPage, store: EventStore, tmp_path: Path, qtbot: QtBot) -> None:
    window = _paired(page, tmp_path, qtbot)
    person = list_participants(store)[2]
    window.search_edit.setText(f"http://10.42.0.1:8765/v/{person.token}")  # the scanner types
    qtbot.mouseClick(window.check_in_button, Qt.MouseButton.LeftButton)
    assert "Queued: badge" in window.banner.text()
    qtbot.waitUntil(lambda: any(p.present for p in list_participants(store)), timeout=WAIT)
    assert [p.name for p in list_participants(store) if p.present] == [person.name]
    window.close()


def test_second_keying_at_another_station(page: StationsPage, store: EventStore,
                                          tmp_path: Path, qtbot: QtBot) -> None:
    from facilitator.ballots.ops import set_double_entry
    from facilitator.ballots.queries import entries, list_rounds

    ballot_round = list_rounds(store)[0]
    set_double_entry(store, ballot_round.id, True, actor="test")
    window = _paired(page, tmp_path, qtbot)
    qtbot.waitUntil(lambda: window.round_combo.count() == 1, timeout=WAIT)
    assert window.ballot_form.isRowVisible(window.pass_combo)
    code = paper_codes(store, ballot_round.id)[1].code
    from facilitator.ballots import Answer
    from facilitator.ballots.ops import enter

    enter(store, ballot_round.id, code, [Answer.choose(ballot_round.questions[0], 0)],
          actor="Main desk · Kim")
    window.pass_combo.setCurrentIndex(1)
    _key_paper(window, qtbot, code, "1")
    qtbot.waitUntil(lambda: len(entries(store, ballot_round.id)) == 2, timeout=WAIT)
    second = [e for e in entries(store, ballot_round.id) if e.pass_ == 2]
    assert second and second[0].operator == "Desk 2 · Ann"
    window.close()


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A port on 127.0.0.1 that accepts TCP connections (the kernel does) and never answers:
    a TLS handshake with it waits until the client gives up."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield int(s.getsockname()[1])


def _close(window: StationWindow, qtbot: QtBot) -> None:
    """Close and delete inside an event loop (pytest-qt's bare processEvents after a test
    deleting the task runner's finished relay crashes PySide)."""
    window.close()
    window.deleteLater()
    turn = QTimer()
    turn.setSingleShot(True)
    with qtbot.waitSignal(turn.timeout, timeout=5_000):  # one turn of an event loop
        turn.start(0)


def _code_for(port: int) -> str:
    from facilitator.stations.model import PairingCode, new_secret, pin_of

    return PairingCode("127.0.0.1", port, new_secret(), pin_of(b"not the main laptop")).text()


def test_pairing_with_an_address_that_never_answers_keeps_the_window_alive_and_cancels(
        silent_listener: int, tmp_path: Path, qtbot: QtBot) -> None:
    window = StationWindow(tmp_path / "station")
    qtbot.addWidget(window)
    window.show()
    window.client.timeout = 30.0  # far longer than the test: only Cancel can end it
    window.code_edit.setText(_code_for(silent_listener))
    qtbot.mouseClick(window.pair_button, Qt.MouseButton.LeftButton)
    # The click returned at once: the window shows it is connecting and offers Cancel.
    assert window.pairing
    assert "Connecting" in window.pair_status_label.text()
    assert window.pair_cancel_button.isVisible()
    assert not window.pair_button.isEnabled()
    # The event loop runs meanwhile (a timer fires).
    timer = QTimer()
    timer.setInterval(10)
    with qtbot.waitSignal(timer.timeout, timeout=5_000):
        timer.start()
    timer.stop()
    with qtbot.waitSignal(window.pairing_ended, timeout=5_000):
        qtbot.mouseClick(window.pair_cancel_button, Qt.MouseButton.LeftButton)
    assert not window.pairing
    assert window.pair_button.isEnabled()
    assert not window.pair_cancel_button.isVisible()
    assert "cancelled" in window.pair_banner.text()
    assert window.stack.currentIndex() == 0
    assert not window.client.paired
    _close(window, qtbot)


def test_pairing_that_times_out_says_so(silent_listener: int, tmp_path: Path,
                                        qtbot: QtBot) -> None:
    window = StationWindow(tmp_path / "station")
    qtbot.addWidget(window)
    window.show()
    window.client.timeout = 0.3
    window.code_edit.setText(_code_for(silent_listener))
    with qtbot.waitSignal(window.pairing_ended, timeout=10_000):
        qtbot.mouseClick(window.pair_button, Qt.MouseButton.LeftButton)
    assert "cannot be reached" in window.pair_banner.text()
    assert window.pair_button.isEnabled()
    assert window.stack.currentIndex() == 0
    _close(window, qtbot)


def test_items_applied_in_a_burst_are_published_to_the_pages_a_few_times(
        page: StationsPage, qtbot: QtBot) -> None:
    import threading

    from facilitator.changes import Changes

    assert page.start_serving()
    assert page.server is not None
    published: list[Changes] = []
    page.bus.changes_applied.connect(published.append)
    apply = page.server.app.on_changes
    assert apply is not None

    def server_thread() -> None:  # 500 items applied, each with the changes it made
        for n in range(500):
            apply(Changes(ballots=True) if n % 2 else Changes(attendance=True,
                                                              participant_ids=frozenset({n})))

    worker = threading.Thread(target=server_thread)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(published) and not page.publishing, timeout=WAIT)
    # Every change reached the bus, merged into a few publications (not 500 refreshes).
    assert len(published) <= 3, len(published)
    merged = published[0]
    for more in published[1:]:
        merged = merged | more
    assert merged.ballots and merged.attendance
    assert merged.participant_ids == frozenset(range(0, 500, 2))


def test_the_hidden_phone_panel_catches_up_when_shown_not_at_every_paper(
        context: object, demo_store: EventStore, qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from facilitator.changes import Changes
    from ui.main_window import MainWindow

    window = MainWindow(context, demo_store)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    window.show_page("stations")
    panel = window.pages["voting"].phone_panel  # type: ignore[attr-defined]
    reloads: list[int] = []
    monkeypatch.setattr(panel, "reload", lambda: reloads.append(1))
    for _paper in range(20):  # papers keyed at stations while the Stations page is shown
        window.bus.publish(Changes(ballots=True))
    assert reloads == []
    window.show_page("voting")
    window.pages["voting"].tabs.setCurrentWidget(panel)  # type: ignore[attr-defined]
    assert reloads == [1]


def test_the_smoke_test_check_pairs_a_station_over_tls(store: EventStore,
                                                       tmp_path: Path) -> None:
    from ui.pages.stations.page import smoke_check

    smoke_check(store, tmp_path)
    assert [s.state(store.clock.now()) for s in queries.stations(store)] == ["revoked"]


def test_ballots_are_keyed_with_the_main_laptops_keyer(
        page: StationsPage, store: EventStore, tmp_path: Path, qtbot: QtBot) -> None:
    from facilitator.ballots import Answer
    from facilitator.ballots.queries import entries, list_rounds
    from ui.pages.voting.editor import BallotEditor

    window = _paired(page, tmp_path, qtbot)
    qtbot.waitUntil(lambda: window.round_combo.count() == 1, timeout=WAIT)
    assert isinstance(window.editor, BallotEditor)
    ballot_round = list_rounds(store)[0]
    first, second, third = (p.code for p in paper_codes(store, ballot_round.id)[:3])
    # A mistyped code is refused at the station (its check character), nothing opens.
    window.tabs.setCurrentIndex(1)
    window.paper_edit.setText(first[:-1] + ("A" if first[-1] != "A" else "B"))
    qtbot.keyClick(window.paper_edit, Qt.Key.Key_Return)
    assert not window.editor.loaded and "not a ballot code" in window.banner.text()
    # The same keys as on the main laptop: 2 marks the second box, * spoils, Esc puts aside.
    _key_paper(window, qtbot, first, "2")
    assert "Queued: paper" in window.banner.text() and not window.editor.loaded
    _key_paper(window, qtbot, second, "*")
    window.paper_edit.setText(third)
    qtbot.keyClick(window.paper_edit, Qt.Key.Key_Return)
    assert "(no." not in window.editor.header.text()  # a station does not know the number
    qtbot.keyClicks(window.editor, "1")
    QApplication.processEvents()
    assert window.grab().save(str(artifacts_dir() / "station_keyer.png"))
    qtbot.keyClick(window.editor, Qt.Key.Key_Escape)
    assert "put aside" in window.banner.text()
    qtbot.waitUntil(lambda: len(entries(store, ballot_round.id)) == 2, timeout=WAIT)
    by_code = {e.code: e for e in entries(store, ballot_round.id)}
    assert by_code[first].answers == (Answer.choose(ballot_round.questions[0], 1),)
    assert by_code[second].spoiled
    assert third not in by_code
    window.close()


def test_check_in_search_behaves_as_on_the_participants_page(
        page: StationsPage, store: EventStore, tmp_path: Path, qtbot: QtBot) -> None:
    from facilitator import codes

    window = _paired(page, tmp_path, qtbot)
    window.search_edit.setText("Person")  # five match: Enter checks in nobody
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Return)
    assert "5 people match" in window.banner.text()
    window.search_edit.setText("Nobody at all")
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Return)
    assert "No one matches" in window.banner.text()
    badge = list_participants(store)[1].badge_code
    typo = badge[:-1] + next(c for c in codes.ALPHABET[:10] if c != badge[-1])
    window.search_edit.setText(typo)
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Return)
    assert "not recognised" in window.banner.text()
    assert window.outbox.waiting_count == 0 and window.outbox.items() == []
    window.search_edit.setText(badge)  # one matches: Enter checks that one in
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Return)
    assert "Queued: Person 1" in window.banner.text()
    window.search_edit.setText("Person")  # several: ↓ picks, Enter checks the one picked in
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Down)
    assert window.people_table.hasFocus() or window.people_table.currentRow() == 0
    picked = window.people_table.item(window.people_table.currentRow(), NAME_COLUMN).text()
    qtbot.mouseClick(window.check_in_button, Qt.MouseButton.LeftButton)
    assert f"Queued: {picked}" in window.banner.text()
    qtbot.waitUntil(lambda: sum(p.present for p in list_participants(store)) == 2,
                    timeout=WAIT)
    assert sorted(p.name for p in list_participants(store) if p.present) == sorted(
        {"Person 1", picked})
    window.close()


def test_the_check_in_list_has_the_participants_pages_columns_and_keys(
        page: StationsPage, store: EventStore, tmp_path: Path, qtbot: QtBot) -> None:
    """Status, Name, ID, Role, Arrived and Badge, as on the Participants page; ↓ from the
    search picks, Enter in the list checks the one picked in, Esc goes back to the search
    (and clears it there), Ctrl+F finds; the row says "queued", then "✓ Here" and when."""
    from ui.pages.participants.model import ParticipantsModel

    window = _paired(page, tmp_path, qtbot)
    table = window.people_table
    main = ParticipantsModel(store)
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == [
        main.headerData(c, Qt.Orientation.Horizontal) for c in range(table.columnCount())]
    people = list_participants(store)
    assert _column(window, 2) == [p.ext_id for p in people]
    assert set(_column(window, 3)) == {"Participant"}
    assert _column(window, 5) == [p.badge_code for p in people]
    assert set(_column(window, STATUS_COLUMN)) == {"Expected"}
    window.tabs.setCurrentIndex(0)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_edit.hasFocus()
    window.search_edit.setText("Person")
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Down)
    assert table.hasFocus() and table.currentRow() == 0
    qtbot.keyClick(table, Qt.Key.Key_Down)
    picked = table.item(table.currentRow(), NAME_COLUMN).text()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert f"Queued: {picked} checked in." in window.banner.text()
    assert window.search_edit.hasFocus() and window.search_edit.text() == ""
    row = _column(window, NAME_COLUMN).index(picked)
    assert table.item(row, STATUS_COLUMN).text() in ("◷ queued", "✓ Here")
    qtbot.waitUntil(lambda: any(p.present for p in list_participants(store)), timeout=WAIT)
    window.client.refresh()  # what the sender does every REFRESH_EVERY turns
    window._fill_from_snapshot()
    row = _column(window, NAME_COLUMN).index(picked)
    assert table.item(row, STATUS_COLUMN).text() == "✓ Here"
    arrived = next(p for p in list_participants(store) if p.name == picked).checked_in_at
    assert arrived is not None
    assert table.item(row, ARRIVED_COLUMN).text() == arrived.astimezone().strftime("%H:%M")
    window.search_edit.setText("Person 4")
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Escape)
    assert window.search_edit.hasFocus()
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Escape)
    assert window.search_edit.text() == "" and table.rowCount() == 5
    assert window.grab().save(str(artifacts_dir() / "station_check_in_list.png"))
    window.close()
