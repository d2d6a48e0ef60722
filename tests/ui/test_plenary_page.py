"""The Plenary page and the projector, driven from the keyboard with a fake clock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from facilitator.clock import FakeClock
from facilitator.demo import create_demo_event
from facilitator.people import Participant, list_participants
from facilitator.store import SCHEMA_VERSION, EventStore, migrations
from facilitator.text import fold
from facilitator.timing import ops, queries
from facilitator.timing.model import PLENARY, PlenarySettings, QueuePolicy
from facilitator.timing.queries import speaking_stats
from ui.bus import ChangeBus
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.plenary.page import PlenaryPage
from ui.projector import ProjectorWindow
from ui.sound import Chime

ACTOR = "facilitator"


class Harness:
    def __init__(self, page: PlenaryPage, bus: ChangeBus, store: EventStore,
                 clock: FakeClock, saved: list[Path]) -> None:
        self.page, self.bus, self.store, self.clock, self.saved = page, bus, store, clock, saved


@pytest.fixture
def harness(qtbot: QtBot, demo_store: EventStore, clock: FakeClock, tmp_path: Path) -> Harness:
    bus = ChangeBus()
    chime = Chime()
    chime._available = False  # record chimes without touching an audio device
    saved: list[Path] = []

    def choose(parent: object, title: str, name: str) -> Path:
        saved.append(tmp_path / name)
        return tmp_path / name

    page = PlenaryPage(demo_store, bus, clock, chime, choose_save=choose)
    page._keep = (bus, chime)  # type: ignore[attr-defined]
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return Harness(page, bus, demo_store, clock, saved)


def present(store: EventStore) -> list[Participant]:
    return [p for p in list_participants(store) if p.present and p.role == "participant"
            and fold(p.name).isascii()]


def type_and_enter(qtbot: QtBot, page: PlenaryPage, text: str, *, reply: bool = False) -> None:
    page.add_edit.setFocus()
    qtbot.keyClicks(page.add_edit, text)
    mods = Qt.KeyboardModifier.ControlModifier if reply else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(page.add_edit, Qt.Key.Key_Return, mods)


def press(qtbot: QtBot, page: PlenaryPage, key: Qt.Key,
          mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget() or page, key, mods)


def test_thirty_speaker_plenary_from_the_keyboard(qtbot: QtBot, harness: Harness) -> None:
    page, store, clock = harness.page, harness.store, harness.clock
    speakers = present(store)[:30]
    for person in speakers:
        type_and_enter(qtbot, page, f"{fold(person.name)} {person.ext_id}")
        assert page.banner.kind == "ok", page.banner.text()
    assert page.queue_list.count() == 30
    durations = [20 + 7 * i for i in range(30)]
    for seconds in durations:
        press(qtbot, page, Qt.Key.Key_F6)
        clock.advance(seconds)
    press(qtbot, page, Qt.Key.Key_F9)
    spoken = [t.spoken for t in queries.turns(store)]
    assert spoken == pytest.approx(durations)
    assert [t.participant.id for t in queries.turns(store)] == [p.id for p in speakers]
    assert page.queue_list.count() == 0
    stats = speaking_stats(store, clock)
    assert stats.total_turns == 30 and stats.total_seconds == pytest.approx(sum(durations))


def test_pause_add_time_and_stage_chimes(qtbot: QtBot, harness: Harness) -> None:
    page, store, clock = harness.page, harness.store, harness.clock
    person = present(store)[0]
    type_and_enter(qtbot, page, person.ext_id)
    page.turn_edit.setText("1:00")
    press(qtbot, page, Qt.Key.Key_F6)
    assert page.countdown_label.text() == "1:00"
    clock.advance(25)
    page._on_ticker_timeout()
    assert page.countdown_label.text() == "0:35" and page.page_chimes() == []
    clock.advance(10)
    page._on_ticker_timeout()
    assert page.countdown_label.text() == "0:25" and page.page_chimes() == ["amber"]
    press(qtbot, page, Qt.Key.Key_F7)  # pause
    clock.advance(100)
    page._on_ticker_timeout()
    assert page.countdown_label.text() == "0:25"
    press(qtbot, page, Qt.Key.Key_F8)  # +30 s
    press(qtbot, page, Qt.Key.Key_F7)  # resume: 55 s left
    clock.advance(55)
    page._on_ticker_timeout()
    assert page.countdown_label.text() == "0:00"
    clock.advance(12)
    page._on_ticker_timeout()
    assert page.countdown_label.text() == "+0:12"
    # Added time lifted it out of amber, so amber sounds again on the way down.
    assert page.page_chimes() == ["amber", "amber", "red"]


def test_direct_reply_and_reordering(qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    a, b, c, d = present(store)[:4]
    for person in (a, b, c):
        type_and_enter(qtbot, page, person.ext_id)
    type_and_enter(qtbot, page, d.ext_id, reply=True)
    texts = [page.queue_list.item(i).text() for i in range(page.queue_list.count())]
    assert texts[0].startswith(f"1. ↩ {d.name} — direct reply")
    page.queue_list.setFocus()
    page.queue_list.setCurrentRow(3)  # c
    qtbot.keyClick(page.queue_list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    order = [e.participant.id for e in queries.state(store).queue]
    assert order == [d.id, a.id, c.id, b.id]
    qtbot.keyClick(page.queue_list, Qt.Key.Key_Delete)
    assert [e.participant.id for e in queries.state(store).queue] == [d.id, a.id, b.id]


def test_duplicate_queueing_is_refused_in_the_banner(qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    person = present(store)[0]
    type_and_enter(qtbot, page, person.ext_id)
    type_and_enter(qtbot, page, person.ext_id)
    assert page.banner.kind == "error" and "already in the queue (number 1)" in page.banner.text()


def test_policy_combo_changes_order_and_is_saved(qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    page.policy_combo.setCurrentIndex(page.policy_combo.findData("alternate:turns"))
    conf = queries.settings(store)
    assert conf.policy is QueuePolicy.ALTERNATE and conf.alternate_attribute == "Gender"
    assert page.group_combo.isEnabled()


def test_exports_write_csv_and_pdf(qtbot: QtBot, harness: Harness) -> None:
    page, store, clock = harness.page, harness.store, harness.clock
    person = present(store)[0]
    type_and_enter(qtbot, page, person.ext_id)
    press(qtbot, page, Qt.Key.Key_F6)
    clock.advance(42)
    press(qtbot, page, Qt.Key.Key_F9)
    csv_path = page.export_csv()
    assert csv_path is not None
    assert f"person,{person.ext_id},{person.name}" in csv_path.read_text(encoding="utf-8")
    pdf_path = page.export_pdf()
    assert pdf_path is not None and pdf_path.read_bytes().startswith(b"%PDF")


def test_projector_shows_speaker_next_three_and_stage_colour(
    qtbot: QtBot, harness: Harness
) -> None:
    page, store, clock, bus = harness.page, harness.store, harness.clock, harness.bus
    projector = ProjectorWindow(store, bus, clock)
    qtbot.addWidget(projector)
    projector.show()
    speakers = present(store)[:5]
    for person in speakers:
        type_and_enter(qtbot, page, person.ext_id)
    assert projector.views.currentIndex() == 1
    press(qtbot, page, Qt.Key.Key_F6)
    assert projector.speaker_label.text() == speakers[0].name
    assert projector.next_label.text() == "Next: " + " · ".join(p.name for p in speakers[1:4])
    assert projector.countdown_label.text() == "2:00"
    clock.advance(95)
    projector._on_ticker_timeout()
    assert projector.countdown_label.text() == "0:25"
    assert projector.countdown_label.property("colour") == "#f59e0b"
    assert projector.balance_label.text() == ""  # nothing private unless asked
    page.heard.balance_box.setChecked(True)
    assert "present" in projector.balance_label.text()
    assert speakers[0].name not in projector.balance_label.text()


def test_restart_resumes_running_countdown(qtbot: QtBot, demo_store: EventStore,
                                           clock: FakeClock) -> None:
    person = present(demo_store)[0]
    ops.enqueue(demo_store, person.id, actor=ACTOR)
    ops.start_next(demo_store, 120, actor=ACTOR)
    clock.advance(50)
    bus = ChangeBus()
    page = PlenaryPage(demo_store, bus, clock, Chime())
    qtbot.addWidget(page)
    assert page.countdown_label.text() == "1:10"
    assert page.speaker_label.text() == person.name


def test_dragging_in_the_list_stores_the_new_order(qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    a, b, c = present(store)[:3]
    for person in (a, b, c):
        type_and_enter(qtbot, page, person.ext_id)
    ops.save_settings(store, PlenarySettings(policy=QueuePolicy.PROGRESSIVE), actor=ACTOR)
    harness.bus.publish(PLENARY)
    model = page.queue_list.model()
    # What an internal drag-and-drop does to the list: move row 2 (c) to the top.
    assert model.moveRows(model.index(0, 0).parent(), 2, 1, model.index(0, 0).parent(), 0)
    qtbot.waitUntil(lambda: [e.participant.id for e in queries.state(store).queue] ==
                    [c.id, a.id, b.id], timeout=30_000)
    assert queries.settings(store).policy is QueuePolicy.FIRST_COME


def test_choosing_a_suggested_name_queues_that_person(qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    person = present(store)[5]
    label = f"{person.name} ({person.ext_id})"
    page.completer.activated.emit(label)
    qtbot.waitUntil(lambda: bool(queries.state(store).queue), timeout=30_000)
    assert queries.state(store).queue[0].participant.id == person.id
    assert page.add_edit.text() == ""


# -- Enter in the name field: the suggestions never swallow it ---------------------------------


def suggestions(page: PlenaryPage) -> list[str]:
    """The labels the suggestion popup lists, top to bottom."""
    popup = page.completer.popup()
    model = popup.model()
    return [str(model.index(row, 0).data()) for row in range(model.rowCount())]


def type_into_field(qtbot: QtBot, page: PlenaryPage, text: str) -> None:
    """Type as a person does: once the suggestions show, the keys go to the popup."""
    page.add_edit.setFocus()
    popup = page.completer.popup()
    for char in text:
        qtbot.keyClicks(popup if popup.isVisible() else page.add_edit, char)


def press_in_field(qtbot: QtBot, page: PlenaryPage, key: Qt.Key,
                   mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    popup = page.completer.popup()
    qtbot.keyClick(popup if popup.isVisible() else page.add_edit, key, mods)


def person_labelled(store: EventStore, label: str) -> Participant:
    return next(p for p in list_participants(store) if f"{p.name} ({p.ext_id})" == label)


def queued_ids(store: EventStore) -> list[int]:
    return [e.participant.id for e in queries.state(store).queue]


def test_enter_in_the_suggestions_queues_the_first_then_the_highlighted_match(
    qtbot: QtBot, harness: Harness
) -> None:
    page, store = harness.page, harness.store
    popup = page.completer.popup()
    type_into_field(qtbot, page, "grac")  # Grace Kaur, Grace Khan, …
    qtbot.waitUntil(popup.isVisible, timeout=30_000)
    shown = suggestions(page)
    assert len(shown) >= 2 and all("grac" in fold(label) for label in shown)
    first = person_labelled(store, shown[0])
    press_in_field(qtbot, page, Qt.Key.Key_Return)  # nothing highlighted: the first match
    qtbot.waitUntil(lambda: queued_ids(store) == [first.id], timeout=30_000)
    assert page.add_edit.text() == "" and not popup.isVisible()
    assert page.banner.kind == "ok" and first.name in page.banner.text()

    type_into_field(qtbot, page, "joa")  # Joan Khan, Joan Kowalski
    qtbot.waitUntil(popup.isVisible, timeout=30_000)
    shown = suggestions(page)
    assert len(shown) >= 2
    press_in_field(qtbot, page, Qt.Key.Key_Down)  # the first suggestion
    press_in_field(qtbot, page, Qt.Key.Key_Down)  # the second
    highlighted = person_labelled(store, shown[1])
    press_in_field(qtbot, page, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(queued_ids(store)) == 2, timeout=30_000)
    assert queued_ids(store) == [first.id, highlighted.id]
    assert page.add_edit.text() == "" and not popup.isVisible()


def test_typing_on_after_queueing_starts_a_new_name(qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    popup = page.completer.popup()
    type_into_field(qtbot, page, "moh")
    qtbot.waitUntil(popup.isVisible, timeout=30_000)
    press_in_field(qtbot, page, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(queued_ids(store)) == 1, timeout=30_000)
    type_into_field(qtbot, page, "ffi")
    assert page.add_edit.text() == "ffi"
    qtbot.waitUntil(popup.isVisible, timeout=30_000)
    assert suggestions(page) and all("ffi" in fold(label) for label in suggestions(page))
    press_in_field(qtbot, page, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(queued_ids(store)) == 2, timeout=30_000)
    assert page.add_edit.text() == ""
    assert "ffi" in fold(queries.state(store).queue[1].participant.name)


def test_ctrl_enter_in_the_suggestions_queues_a_direct_reply(
    qtbot: QtBot, harness: Harness
) -> None:
    page, store = harness.page, harness.store
    a = present(store)[0]
    type_and_enter(qtbot, page, a.ext_id)
    popup = page.completer.popup()
    type_into_field(qtbot, page, "olivia")
    qtbot.waitUntil(popup.isVisible, timeout=30_000)
    first = person_labelled(store, suggestions(page)[0])
    press_in_field(qtbot, page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(queued_ids(store)) == 2, timeout=30_000)
    head = queries.state(store).queue[0]
    assert head.participant.id == first.id and head.is_reply
    assert page.add_edit.text() == ""


def test_enter_on_an_unknown_name_is_refused_and_changes_nothing(
    qtbot: QtBot, harness: Harness
) -> None:
    page, store = harness.page, harness.store
    a = present(store)[0]
    type_and_enter(qtbot, page, a.ext_id)
    before = queries.state(store).queue
    popup = page.completer.popup()
    type_into_field(qtbot, page, "zebedee")
    assert not popup.isVisible()
    press_in_field(qtbot, page, Qt.Key.Key_Return)
    assert page.banner.kind == "error"
    assert "No one on the list matches 'zebedee'" in page.banner.text()
    assert queries.state(store).queue == before
    assert page.add_edit.text() == "zebedee"  # left to correct


def test_a_scanned_badge_code_queues_its_owner(qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    person = present(store)[3]
    type_into_field(qtbot, page, person.badge_code)
    press_in_field(qtbot, page, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: queued_ids(store) == [person.id], timeout=30_000)
    assert page.add_edit.text() == ""


def test_suggestions_follow_the_search_rule_of_every_search_box(
    qtbot: QtBot, harness: Harness
) -> None:
    """Accents, case and word order do not matter (Participant.matches), as at check-in."""
    page, store = harness.page, harness.store
    person = next(p for p in present(store) if not p.name.isascii())
    first, last = fold(person.name).split()[0], fold(person.name).split()[-1]
    popup = page.completer.popup()
    type_into_field(qtbot, page, f"{last} {first}")
    qtbot.waitUntil(popup.isVisible, timeout=30_000)
    assert f"{person.name} ({person.ext_id})" in suggestions(page)
    press_in_field(qtbot, page, Qt.Key.Key_Escape)  # closes the list, keeps the text
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=30_000)
    assert page.add_edit.text() == f"{last} {first}" and queued_ids(store) == []


def _file_state(watcher: sqlite3.Connection) -> tuple[int, int, int, list[str]]:
    """What another connection sees of the file: data_version, two counts and a full dump."""
    version = int(watcher.execute("PRAGMA data_version").fetchone()[0])
    audit = int(watcher.execute("SELECT count(*) FROM audit_log").fetchone()[0])
    sessions = int(watcher.execute("SELECT count(*) FROM plenary_sessions").fetchone()[0])
    return version, audit, sessions, list(watcher.iterdump())


def _show_plenary_and_projector(qtbot: QtBot, context: AppContext, store: EventStore
                                ) -> tuple[MainWindow, PlenaryPage, ProjectorWindow]:
    """Open the event as the app does, show the Plenary page and the projector, read all."""
    window = MainWindow(context, store)  # resumes timers, builds every page
    qtbot.addWidget(window)
    window.show()
    window.show_page("plenary")
    page = window.pages["plenary"]
    assert isinstance(page, PlenaryPage)
    qtbot.waitExposed(page)
    assert page.session_label.text() == "Plenary 1"
    assert page.countdown_label.text() == "2:00" and page.queue_list.count() == 0
    window.toggle_projector()
    projector = window.projector
    assert projector is not None and projector.isVisible()
    assert projector.views.currentIndex() == 0  # the welcome view: no one waiting
    page.heard.scope_combo.setCurrentIndex(page.heard.scope_combo.findData("event"))
    page.heard.scope_combo.setCurrentIndex(page.heard.scope_combo.findData("session"))
    page.heard.balance_box.setFocus()  # leaving the turn-length field reads it back
    return window, page, projector


def test_opening_an_event_without_a_plenary_session_writes_nothing(
    qtbot: QtBot, context: AppContext, tmp_path: Path, clock: FakeClock
) -> None:
    """Showing the plenary page and the projector only reads; the first op opens the session."""
    path = tmp_path / "before-plenary.facilitator"
    create_demo_event(path, clock).close()  # an event that never used the plenary
    store = EventStore.open(path, clock)
    watcher = sqlite3.connect(path)
    try:
        before = _file_state(watcher)
        assert before[2] == 0
        window, page, projector = _show_plenary_and_projector(qtbot, context, store)
        assert _file_state(watcher) == before

        # The first change opens the session, in the same transaction, with the actor.
        person = present(store)[0]
        type_and_enter(qtbot, page, person.ext_id)
        assert page.banner.kind == "ok", page.banner.text()
        rows = store.query("SELECT action, actor FROM audit_log ORDER BY id DESC LIMIT 2")
        assert [(r["action"], r["actor"]) for r in rows] == [("enqueue", "app"),
                                                            ("start_session", "app")]
        assert [t for _i, t in queries.sessions(store)] == ["Plenary 1"]
        assert projector.views.currentIndex() == 1
        window.toggle_projector()
    finally:
        watcher.close()


def test_a_file_from_before_the_plenary_opens_without_writing(
    qtbot: QtBot, context: AppContext, tmp_path: Path, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A schema-1 file (no plenary tables yet): the upgrade on open is the only write."""
    path = tmp_path / "old.facilitator"
    monkeypatch.setattr("facilitator.store.db.MIGRATIONS", migrations.MIGRATIONS[:1])
    monkeypatch.setattr("facilitator.store.db.SCHEMA_VERSION", 1)
    EventStore.create(path, "Old event", clock).close()
    monkeypatch.undo()
    store = EventStore.open(path, clock)  # upgraded here, and only here
    assert store.schema_version() == SCHEMA_VERSION
    watcher = sqlite3.connect(path)
    try:
        before = _file_state(watcher)
        window, _page, _projector = _show_plenary_and_projector(qtbot, context, store)
        assert _file_state(watcher) == before
        window.toggle_projector()
    finally:
        watcher.close()
