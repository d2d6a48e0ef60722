"""The Tables page on the demo event: allocate off-thread, drag-and-drop, locks, undo,
re-balance, cancel, constraints and prints, with the event file as the judge."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QCoreApplication, QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from facilitator.clock import FakeClock
from facilitator.people import check_in, list_participants, undo_check_in
from facilitator.store import EventStore
from facilitator.tables import plans, queries
from ui.bus import ChangeBus
from ui.main_window import MainWindow
from ui.pages.tables import TablesPage
from ui.pages.tables.cards import LOCKED_ROLE, MARK_ROLE, PID_ROLE, SEAT_MIME, SeatList
from ui.pages.tables.constraints import ConstraintsDialog
from ui.tasks import TaskRunner


class Harness:
    def __init__(self, page: TablesPage, bus: ChangeBus, store: EventStore,
                 saved: list[Path]) -> None:
        self.page, self.bus, self.store, self.saved = page, bus, store, saved


@pytest.fixture
def harness(qtbot: QtBot, demo_store: EventStore, tmp_path: Path) -> Harness:
    bus = ChangeBus()
    tasks = TaskRunner()
    saved: list[Path] = []

    def choose(parent: object, title: str, name: str) -> Path:
        saved.append(tmp_path / name)
        return tmp_path / name

    page = TablesPage(demo_store, bus, tasks, choose_save=choose)
    page._keep = (bus, tasks)  # type: ignore[attr-defined]
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    qtbot.waitExposed(page)
    yield Harness(page, bus, demo_store, saved)
    tasks.wait()


def allocate(qtbot: QtBot, page: TablesPage, *, rounds: int = 3, size: int = 8) -> None:
    page.form.rounds_spin.setValue(rounds)
    page.form.size_spin.setValue(size)
    qtbot.mouseClick(page.form.allocate_button, Qt.MouseButton.LeftButton)
    assert page.busy
    qtbot.waitUntil(lambda: not page.busy, timeout=60_000)
    assert page.banner.kind in ("ok", "info"), page.banner.text()


def stored(store: EventStore) -> plans.StoredPlan:
    plan = queries.current_plan(store)
    assert plan is not None
    return plan


def drop(target: SeatList, participant_id: int, from_table: int, at: QPoint) -> None:
    """A real QDropEvent on the list, as Qt delivers it at the end of a drag."""
    data: QMimeData = target.seat_mime(participant_id)
    data.setData(SEAT_MIME, data.data(SEAT_MIME).replace(
        f'"table": {target.table}'.encode(), f'"table": {from_table}'.encode()))
    event = QDropEvent(QPointF(at), Qt.DropAction.MoveAction, data,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    target.dropEvent(event)
    assert event.isAccepted()


def test_allocate_shows_a_tab_per_round_and_a_card_per_table(qtbot: QtBot,
                                                             harness: Harness) -> None:
    page, store = harness.page, harness.store
    assert page.empty_label.isVisible() and not page.round_tabs.isVisible()
    allocate(qtbot, page)
    plan = stored(store)
    here = [p for p in list_participants(store) if p.present and p.role == "participant"]
    assert len(plan.people()) == len(here) == 64
    assert page.round_tabs.count() == 3 + 1 and plan.tables == 8  # and "All rounds"
    names = {p.id: p.name for p in here}
    for r in range(3):
        page.round_tabs.setCurrentIndex(r)
        shown = page.describe_tables(r)
        assert len(shown) == 8
        for table, ids in enumerate(shown):
            assert sorted(ids) == sorted(plan.seats[r][table])
            card = page.card(r, table)
            assert f"Table {table + 1}" in card.title.text()
            assert f"{len(ids)} people" in card.title.text()
        assert [names[i] for i in shown[0]] == sorted((names[i] for i in shown[0]),
                                                       key=str.casefold)
    q = plan.quality
    assert (page.quality_panel.repeats_label.text()
            == f"Pairs meeting more than once: {q.repeat_pairs}")
    assert f"{q.mean_l1:.3f}" in page.quality_panel.l1_label.text()
    assert page.quality_panel.by_attribute.rowCount() == len(plan.settings.attributes)
    assert page.quality_panel.problems_label.text() == "Every rule is kept."
    item = page.seat_lists(0)[0].item(0)
    assert len(item.data(Qt.ItemDataRole.UserRole + 2)) == len(plan.settings.attributes)
    assert "Gender:" in item.toolTip()


def test_drag_and_drop_moves_and_swaps_with_live_figures_and_undo(
    qtbot: QtBot, harness: Harness
) -> None:
    page, store = harness.page, harness.store
    allocate(qtbot, page)
    plan = stored(store)
    lists = page.seat_lists(0)
    source, target = lists[0], lists[1]
    mover = source.participants()[0]
    # Onto the empty space below the names: a move.
    below = QPoint(10, target.height() - 6)
    assert target.itemAt(below) is None
    drop(target, mover, 0, below)
    after = stored(store)
    assert after.table_of(mover, 0) == 1 and after.edits == 1
    assert mover in page.seat_lists(0)[1].participants()
    assert "9 people" in page.card(0, 1).title.text()
    assert "differ by more than one" in page.quality_panel.problems_label.text()
    assert page.quality_panel.repeats_label.text().endswith(str(after.quality.repeat_pairs))

    qtbot.keyClick(page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(store).seats == plan.seats
    assert page.quality_panel.problems_label.text() == "Every rule is kept."
    qtbot.keyClick(page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert stored(store).table_of(mover, 0) == 1
    page.undo()

    # Onto a person at another table: a swap.
    a = page.seat_lists(0)[2].participants()[0]
    target = page.seat_lists(0)[3]
    b = target.participants()[1]
    drop(target, a, 2, target.visualItemRect(target.item(1)).center())
    swapped = stored(store)
    assert swapped.table_of(a, 0) == 3 and swapped.table_of(b, 0) == 2
    assert page.quality_panel.problems_label.text() == "Every rule is kept."
    page.undo()
    assert stored(store).seats == plan.seats
    # Dropping a person on their own table, or in another round's cards, does nothing.
    edits = stored(store).edits
    own = page.seat_lists(0)[0]
    drop(own, own.participants()[0], 0, QPoint(10, own.height() - 6))
    assert stored(store).edits == edits
    other_round = page.seat_lists(1)[0]
    data = other_round.seat_mime(a)
    assert SeatList.parse(data) == {"participant_id": a, "round": 1, "table": 0}
    assert not page.seat_lists(0)[4]._acceptable(data)


def test_lock_refuses_moves_and_keeps_the_seat(qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    allocate(qtbot, page)
    seats = page.seat_lists(1)[2]
    page.round_tabs.setCurrentIndex(1)
    seats.setCurrentRow(0)
    seats.setFocus()
    pid = seats.current_participant()
    assert pid is not None
    qtbot.keyClick(seats, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    plan = stored(store)
    assert (1, pid) in plan.locked
    item = page.seat_lists(1)[2].item(0)
    assert item.data(LOCKED_ROLE) and not item.flags() & Qt.ItemFlag.ItemIsDragEnabled
    assert not page.drop_person(1, pid, 5)
    assert page.banner.kind == "error" and "locked to table 3 in round 2" in page.banner.text()
    assert stored(store).seats == plan.seats
    page.undo()  # the lock
    assert (1, pid) not in stored(store).locked
    assert page.drop_person(1, pid, 5)


def test_allocating_again_keeps_locks_and_undo_brings_the_old_plan_back(
    qtbot: QtBot, harness: Harness
) -> None:
    page, store = harness.page, harness.store
    allocate(qtbot, page)
    first = stored(store)
    pid = first.seats[0][4][0]
    assert page.set_locked(0, pid, True)
    page.form.seed_spin.setValue(9)
    allocate(qtbot, page)
    second = stored(store)
    assert second.id != first.id and second.table_of(pid, 0) == 4 and (0, pid) in second.locked
    assert second.settings.seed == 9
    page.undo()
    assert queries.current_plan_id(store) == first.id
    assert "Plan 1" in page.plan_label.text()
    page.redo()
    assert queries.current_plan_id(store) == second.id


def test_cancel_keeps_the_best_plan_so_far(qtbot: QtBot, harness: Harness) -> None:
    page, store = harness.page, harness.store
    page.form.rounds_spin.setValue(6)
    page.form.size_spin.setValue(4)
    assert page.allocate()
    assert page.form.cancel_button.isVisible() and not page.form.allocate_button.isEnabled()
    qtbot.mouseClick(page.form.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60_000)
    plan = stored(store)
    assert plan.stopped == "cancelled"
    assert "Stopped early" in page.banner.text()
    for r in range(6):
        assert sorted(p for t in plan.seats[r] for p in t) == sorted(plan.people())
    assert not page.form.cancel_button.isVisible() and page.form.allocate_button.isEnabled()


def test_rebalance_after_latecomers_and_leavers(qtbot: QtBot, harness: Harness) -> None:
    page, store, bus = harness.page, harness.store, harness.bus
    allocate(qtbot, page)
    before = stored(store)
    people = list_participants(store)
    late = [p for p in people if p.status == "expected" and p.role == "participant"][:3]
    gone = [p for p in people if p.present and p.role == "participant"][:2]
    for person in late:
        bus.publish(check_in(store, person.id, actor="test").changes)
    for person in gone:
        bus.publish(undo_check_in(store, person.id, actor="test").changes)
    assert page.drift_label.isVisible()
    assert "3 people arrived and 2 left" in page.drift_label.text()
    page.round_tabs.setCurrentIndex(1)
    assert page.rebalance_round.value() == 2
    qtbot.mouseClick(page.rebalance_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy, timeout=60_000)
    after = stored(store)
    assert after.kind == "rebalance" and after.seats[0] == before.seats[0]
    assert "Re-balanced from round 2: 3 seated, 2 left" in page.banner.text()
    assert not page.drift_label.isVisible()
    assert page.quality_panel.moves_label.text().startswith("Last re-balance (from round 2)")
    marks = {lst.item(i).data(PID_ROLE): lst.item(i).data(MARK_ROLE)
             for lst in page.seat_lists(1) for i in range(lst.count())}
    assert all(marks[p.id] == "new" for p in late)
    assert not any(p.id in marks for p in gone)
    page.undo()
    assert queries.current_plan_id(store) == before.id


def test_constraints_dialog_and_refusal(qtbot: QtBot, harness: Harness,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    page, store = harness.page, harness.store
    people = [p for p in list_participants(store) if p.present and p.role == "participant"]
    facilitator = next(p for p in list_participants(store) if p.role == "facilitator")
    dialog = ConstraintsDialog(plans.SeatingRules(), list_participants(store),
                               {"Language": ["English", "Welsh"]}, 3, 8)
    qtbot.addWidget(dialog)
    dialog.pin_person.setCurrentIndex(dialog.pin_person.findData(facilitator.id))
    dialog.pin_table.setValue(2)
    dialog.pin_rounds.setText("1, 3")
    dialog.pin_add.click()
    dialog.apart_a.setCurrentIndex(dialog.apart_a.findData(people[0].id))
    dialog.apart_b.setCurrentIndex(dialog.apart_b.findData(people[1].id))
    dialog.apart_add.click()
    dialog.together_a.setCurrentIndex(dialog.together_a.findData(people[0].id))
    dialog.together_b.setCurrentIndex(dialog.together_b.findData(people[1].id))
    dialog.together_add.click()
    assert "both apart and together" in dialog.error_label.text()
    dialog.cluster_value.setCurrentText("Welsh")
    dialog.cluster_add.click()
    dialog.closed_table.setValue(8)
    dialog.closed_round.setValue(2)
    dialog.closed_add.click()
    rules = dialog.rules()
    assert rules == plans.SeatingRules(
        pins=(plans.PinRule(facilitator.id, 1, (0, 2)),), clusters=(("Language", "Welsh"),),
        apart=((people[0].id, people[1].id),), closed=((7, 1),))
    monkeypatch.setattr(ConstraintsDialog, "ask", classmethod(lambda cls, *a, **k: rules))
    page.edit_constraints()
    assert queries.settings(store).rules == rules
    assert ("1 pin, 1 keep-apart pair, 1 cluster, 1 closed table"
            in page.form.constraints_label.text())
    allocate(qtbot, page)
    plan = stored(store)
    assert plan.table_of(facilitator.id, 0) == 1 and plan.table_of(facilitator.id, 2) == 1
    assert plan.seats[1][7] == ()
    assert page.card(1, 7).seats.count() == 0 and not page.card(1, 7).seats.accepting
    page.undo()  # back to no plan
    page.undo()  # and no constraints
    assert queries.settings(store).rules == plans.SeatingRules()
    # Too many pins for one table: refused before any search, nothing saved.
    crowd = tuple(plans.PinRule(p.id, 0) for p in people[:9])
    page.save_rules(plans.SeatingRules(pins=crowd))
    assert not page.allocate()
    assert page.banner.kind == "error" and "pinned to table 1" in page.banner.text()
    assert queries.current_plan(store) is None


def test_prints_and_plan_json(qtbot: QtBot, harness: Harness) -> None:
    page = harness.page
    assert not page.print_plan("list")
    allocate(qtbot, page)
    page.round_tabs.setCurrentIndex(1)
    for kind in ("tables_round", "list", "badges", "json"):
        assert page.print_plan(kind)
        qtbot.waitUntil(lambda: page.banner.text().startswith("Saved"), timeout=30_000)
    files = {p.name: p for p in harness.saved}
    text = "\n".join(pg.extract_text() for pg in
                     PdfReader(files["table-sheets-round-2.pdf"]).pages)
    assert text.count("Round 2 of 3") == 8 and "Table 8" in text
    assert "Find your table" in PdfReader(files["find-your-table.pdf"]).pages[0].extract_text()
    assert len(PdfReader(files["badges-a6.pdf"]).pages) == 64
    assert files["plan.json"].read_text(encoding="utf-8").startswith('{\n "rounds": [')


def in_main_window(qtbot: QtBot, context: object, store: EventStore
                   ) -> tuple[MainWindow, TablesPage]:
    window = MainWindow(context, store)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_page("tables")
    page = window.pages["tables"]
    assert isinstance(page, TablesPage)
    return window, page


def test_screenshot_and_main_window(qtbot: QtBot, context: object, demo_store: EventStore,
                                    tmp_path: Path, clock: FakeClock) -> None:
    window, page = in_main_window(qtbot, context, demo_store)
    allocate(qtbot, page)
    QApplication.processEvents()
    shot = tmp_path / "tables.png"
    assert window.grab().save(str(shot))
    assert shot.stat().st_size > 20_000
    lines = dict(window.shortcut_lines())
    assert lines["Tables: lock or unlock the selected person"] == "Ctrl+L"


def test_cards_show_what_plan_view_says(qtbot: QtBot, harness: Harness,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """One fact, one function: locks, re-balance marks and repeat meetings on the cards come
    from queries.plan_view (the page used to work them out again)."""
    page = harness.page
    allocate(qtbot, page)
    real = queries.plan_view

    def told(store: EventStore, plan: plans.StoredPlan | None = None) -> plans.PlanView:
        view = real(store, plan)
        table = view.rounds[0][0]
        a, b = table.seats[0], table.seats[1]
        seats = (replace(a, locked=True, moved_from=5,
                         meets_again=(plans.Meeting(b.participant_id, "Somebody", (0, 2)),)),
                 replace(b, new=True, meets_again=(
                     plans.Meeting(a.participant_id, "Someone", (0, 2)),)), *table.seats[2:])
        first = (replace(table, seats=seats), *view.rounds[0][1:])
        return replace(view, rounds=(first, *view.rounds[1:]))

    monkeypatch.setattr(queries, "plan_view", told)
    page.refresh()
    seats = page.seat_lists(0)[0]
    first, second = seats.item(0), seats.item(1)
    assert first.data(LOCKED_ROLE) and first.data(MARK_ROLE) == "moved"
    assert not first.flags() & Qt.ItemFlag.ItemIsDragEnabled
    assert "Locked to this table" in first.toolTip()
    assert "Moved here by the last re-balance." in first.toolTip()
    assert "Meets again: Somebody (rounds 1, 3)" in first.toolTip()
    assert second.data(MARK_ROLE) == "new"
    assert page.card(0, 0).detail.text() == "1 pair has met before"


def test_shutdown_drops_a_running_search_unsaved(qtbot: QtBot, harness: Harness) -> None:
    """The event is closing under the page: the search stops and nothing is saved (the page
    used to find out by catching sqlite3.ProgrammingError from the closed file)."""
    page, store = harness.page, harness.store
    page.form.rounds_spin.setValue(6)
    page.form.size_spin.setValue(4)
    assert page.allocate() and page.busy
    page.shutdown()
    qtbot.waitUntil(lambda: not page.busy, timeout=60_000)
    assert queries.current_plan(store) is None
    assert not page.allocate()  # a page whose event is closing starts nothing


def test_opening_another_event_mid_search_leaves_the_first_untouched(
    qtbot: QtBot, context: object, demo_store: EventStore, tmp_path: Path, clock: FakeClock
) -> None:
    window, page = in_main_window(qtbot, context, demo_store)
    assert page.allocate()
    window.set_store(EventStore.create(tmp_path / "other.facilitator", "Other", clock))
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
    assert window.pages["tables"] is not page
    with EventStore.open(demo_store.path, clock) as again:
        assert queries.current_plan(again) is None
        assert again.query_one("SELECT count(*) FROM table_plans")[0] == 0


def test_the_print_buttons_arrow_is_beside_its_words(harness: Harness) -> None:
    """The "Print…" menu's arrow was drawn over the "…" (a tool button puts its arrow in its
    corner, inside the words' room): the button is as wide as its words, its padding and the
    arrow together, and still opens the menu of printouts."""
    from PySide6.QtWidgets import QStyle

    button = harness.page.print_button
    words = button.fontMetrics().horizontalAdvance(button.text().replace("&", ""))
    arrow = button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, button)
    padding = 2 * 12  # QPushButton's in ui.style
    assert button.width() >= words + arrow + padding
    menu = button.menu()
    assert menu is not None
    assert [a for a in menu.actions() if a.text()] != []
