"""The Participants page as the check-in desk uses it: scanner, search, keyboard, import."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from facilitator import codes
from facilitator.changes import Changes
from facilitator.clock import FakeClock
from facilitator.people import Participant, check_in, get, list_participants
from facilitator.people.cli import cmd_people
from facilitator.store import EventStore
from facilitator.text import fold
from ui.bus import ChangeBus
from ui.pages.base import Page
from ui.pages.participants import ParticipantsPage
from ui.pages.participants.dialogs import (
    EditPersonDialog,
    ImportDialog,
    PersonEdit,
    RemovePersonDialog,
    WalkIn,
    WalkInDialog,
)
from ui.pages.participants.model import NAME_COLUMN, ParticipantsModel
from ui.projector import ProjectorWindow
from ui.tasks import TaskRunner


@pytest.fixture
def page(qtbot: QtBot, demo_store: EventStore) -> ParticipantsPage:
    bus = ChangeBus()
    tasks = TaskRunner()
    widget = ParticipantsPage(demo_store, bus, tasks)
    widget._test_keep = (bus, tasks)  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def expected_person(store: EventStore) -> Participant:
    return next(p for p in list_participants(store)
                if p.status == "expected" and p.role == "participant")


def scan(qtbot: QtBot, page: ParticipantsPage, text: str) -> None:
    """A USB scanner types the code, then Enter."""
    page.search_edit.setFocus()
    qtbot.keyClicks(page.search_edit, text)
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)


def test_model_passes_qtmodeltester(qtmodeltester: object, demo_store: EventStore) -> None:
    model = ParticipantsModel(demo_store)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.rowCount() == 106
    assert model.headerData(6, Qt.Orientation.Horizontal) == "Gender"


def test_summary_counts_present_by_gender(page: ParticipantsPage) -> None:
    text = page.summary_label.text()
    assert text.startswith("Present: 64 of 96")
    assert "Woman 31/49" in text and "Man 31/44" in text
    page.breakdown_combo.setCurrentIndex(page.breakdown_combo.findData("Area"))
    assert "Riverside" in page.summary_label.text()


def test_scanning_a_badge_checks_in_and_updates_everything(
    qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore
) -> None:
    person = expected_person(demo_store)
    scan(qtbot, page, codes.pretty(person.badge_code))
    assert get(demo_store, person.id).present
    assert page.banner.kind == "ok" and person.name in page.banner.text()
    assert page.search_edit.text() == "" and page.search_edit.hasFocus()
    assert page.summary_label.text().startswith("Present: 65 of 96")


def test_scanning_the_voting_url_works_too(
    qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore
) -> None:
    person = expected_person(demo_store)
    scan(qtbot, page, f"http://10.0.0.2:8080/v/{person.token}")
    assert get(demo_store, person.id).present


def test_same_badge_twice_is_refused_with_the_first_time(
    qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore
) -> None:
    person = expected_person(demo_store)
    scan(qtbot, page, person.badge_code)
    first = get(demo_store, person.id).checked_in_at
    assert first is not None
    scan(qtbot, page, person.badge_code)
    assert page.banner.kind == "error"
    assert "already checked in" in page.banner.text()
    assert first.astimezone().strftime("%H:%M") in page.banner.text()
    assert get(demo_store, person.id).checked_in_at == first
    assert page.summary_label.text().startswith("Present: 65 of 96")


def test_unknown_badge_is_refused(qtbot: QtBot, page: ParticipantsPage) -> None:
    bogus = "ZZZZZZ" + codes.check_char("ZZZZZZ")
    scan(qtbot, page, bogus)
    assert page.banner.kind == "error" and "No one in this event" in page.banner.text()
    assert page.summary_label.text().startswith("Present: 64 of 96")


def test_search_as_you_type_then_enter_on_unique_match(
    qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore
) -> None:
    # QTest can only type ASCII; the search ignores accents, so typing the folded name works.
    person = next(p for p in list_participants(demo_store) if p.status == "expected"
                  and p.role == "participant" and fold(p.name).isascii())
    qtbot.keyClicks(page.search_edit, fold(person.name))
    assert page.proxy.rowCount() >= 1
    if page.proxy.rowCount() > 1:
        qtbot.keyClicks(page.search_edit, f" {person.ext_id}")
    assert page.proxy.rowCount() == 1
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    assert get(demo_store, person.id).present


def test_ambiguous_search_asks_to_pick_then_arrow_and_enter(
    qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore
) -> None:
    page.filter_group.buttons()[2].click()  # "Not yet arrived"
    qtbot.keyClicks(page.search_edit, "a")
    count = page.proxy.rowCount()
    assert count > 1
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    assert page.banner.kind == "info" and f"{count} people match" in page.banner.text()
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    chosen = page.selected_participant()
    assert chosen is not None
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert get(demo_store, chosen.id).present
    assert page.proxy.rowCount() == count - 1  # the filter hides those who arrived


def test_undo_and_no_show_buttons(
    qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore
) -> None:
    person = expected_person(demo_store)
    scan(qtbot, page, person.badge_code)
    assert page.undo_button.isEnabled()
    page.undo_button.click()  # nothing selected: undoes the last check-in
    assert not get(demo_store, person.id).present
    assert "undone" in page.banner.text()
    assert page.select_participant(person.id)
    page.no_show_button.click()
    assert get(demo_store, person.id).status == "no_show"
    assert page.no_show_button.text() == "Clear &no-show"
    page.no_show_button.click()
    assert get(demo_store, person.id).status == "expected"


def test_walk_in_dialog_adds_and_checks_in(
    qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, list[str]] = {}

    def fake_ask(parent: object, columns: dict[str, list[str]]) -> WalkIn:
        seen.update(columns)
        return WalkIn("Nia Roberts", "participant", {"Gender": "Woman", "Area": "Docklands"}, True)

    monkeypatch.setattr(WalkInDialog, "ask", fake_ask)
    page.walk_in_button.click()
    assert "Woman" in seen["Gender"] and "Riverside" in seen["Area"]
    nia = next(p for p in list_participants(demo_store) if p.name == "Nia Roberts")
    assert nia.present and nia.walk_in
    assert page.summary_label.text().startswith("Present: 65 of 97")
    assert page.selected_participant() == nia


def test_walk_in_dialog_requires_a_name(qtbot: QtBot) -> None:
    dialog = WalkInDialog({"Gender": ["Man", "Woman"]})
    qtbot.addWidget(dialog)
    dialog._on_buttons_accepted()
    assert dialog.error_label.text() == "Enter the person's name."
    qtbot.keyClicks(dialog.name_edit, "Bob")
    dialog.attribute_edits["Gender"].setCurrentText("Man")
    dialog._on_buttons_accepted()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.result_value() == WalkIn("Bob", "participant", {"Gender": "Man"}, True)


def test_import_through_the_dialog_merges_and_reports(
    qtbot: QtBot, demo_store: EventStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    update = tmp_path / "late.csv"
    update.write_text("Participant No;Surname;First name;Gender\nP001;Kaur;Grace;Woman\n"
                      "X1;Ng;Mai;Woman\n", encoding="cp1252")

    def accept_dialog(parent: object, table: object) -> object:
        dialog = ImportDialog(table, None)  # type: ignore[arg-type]
        qtbot.addWidget(dialog)
        assert dialog.choices() == ("Participant No", ["First name", "Surname"])
        dialog._on_buttons_accepted()
        return dialog.parsed

    monkeypatch.setattr(ImportDialog, "ask", accept_dialog)
    bus, tasks = ChangeBus(), TaskRunner()
    page = ParticipantsPage(demo_store, bus, tasks, choose_file=lambda parent: update)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.import_finished, timeout=30_000) as blocker:
        page.import_button.click()
    report = blocker.args[0]
    assert report.added == ["Mai Ng"]
    assert len(report.removed) == 105  # everyone else left the list
    assert "1 added" in page.banner.text()
    assert page.stale and page.model.rowCount() == 106  # hidden: re-read when shown
    page.show()
    assert not page.stale and page.model.rowCount() == 2
    tasks.wait()


def test_import_of_a_bad_file_shows_where_and_changes_nothing(
    qtbot: QtBot, demo_store: EventStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "broken.csv"
    bad.write_text("ID,Name,Gender\n1,Ann,Woman\n2,Bob\n", encoding="utf-8")
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text: warnings.append(text))
    before = demo_store.query("SELECT count(*) FROM audit_log")[0][0]
    bus, tasks = ChangeBus(), TaskRunner()
    page = ParticipantsPage(demo_store, bus, tasks, choose_file=lambda parent: bad)
    qtbot.addWidget(page)
    page.import_button.click()
    qtbot.waitUntil(lambda: bool(warnings), timeout=30_000)
    assert "broken.csv, line 3, column 3 (Gender)" in warnings[0]
    assert page.banner.kind == "error"
    assert demo_store.query("SELECT count(*) FROM audit_log")[0][0] == before
    assert page.import_button.isEnabled()
    tasks.wait()


def test_import_dialog_makes_you_choose_a_name_column_it_cannot_guess(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from facilitator.people import read_table

    path = tmp_path / "odd.csv"
    path.write_text("Code postal,Personne,Genre\n13001,Gaëlle,femme\n", encoding="utf-8")
    dialog = ImportDialog(read_table(path))
    qtbot.addWidget(dialog)
    dialog._on_buttons_accepted()
    assert dialog.parsed is None
    assert dialog.error_label.text() == "Choose the column that holds people's names."
    dialog.name_combo.setCurrentIndex(dialog.name_combo.findData("Personne"))
    dialog._on_buttons_accepted()
    assert dialog.parsed is not None
    assert [p.name for p in dialog.parsed.people] == ["Gaëlle"]
    assert dialog.parsed.attribute_columns == ["Code postal", "Genre"]


def test_every_change_from_the_page_is_audited_with_its_actor_and_published_once(
    qtbot: QtBot, demo_store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    bus, tasks = ChangeBus(), TaskRunner()
    page = ParticipantsPage(demo_store, bus, tasks, actor="desk 1")
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    published: list[Changes] = []
    bus.changes_applied.connect(published.append)
    before = demo_store.query("SELECT max(id) FROM audit_log")[0][0]
    person = expected_person(demo_store)
    scan(qtbot, page, person.badge_code)
    page.undo_button.click()
    assert page.select_participant(person.id)
    page.no_show_button.click()
    page.no_show_button.click()
    monkeypatch.setattr(WalkInDialog, "ask", lambda parent, columns: WalkIn(
        "Nia Roberts", "participant", {}, True))
    page.walk_in_button.click()
    rows = demo_store.query("SELECT action, actor FROM audit_log WHERE id > ?", (before,))
    assert [r["action"] for r in rows] == [
        "check_in", "undo_check_in", "no_show", "clear_no_show", "add_walk_in"]
    assert {r["actor"] for r in rows} == {"desk 1"}
    assert len(published) == 5  # once per op, by Page.run
    assert isinstance(page, Page)


def test_a_hidden_page_rereads_only_when_shown_and_only_the_rows_that_changed(
    qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore
) -> None:
    person = expected_person(demo_store)
    page.hide()
    resets: list[bool] = []
    page.model.modelReset.connect(lambda: resets.append(True))
    page.bus.publish(check_in(demo_store, person.id, actor="phone").changes)
    assert page.stale
    assert page.summary_label.text().startswith("Present: 64 of 96")  # not re-read yet
    page.show()
    assert not page.stale
    assert page.summary_label.text().startswith("Present: 65 of 96")
    row = page.model.row_of(person.id)
    assert row is not None and page.model.participant(row) == get(demo_store, person.id)
    assert resets == []  # the row was re-read, not the whole list


def test_the_page_uses_the_base_and_the_people_rooms_only() -> None:
    """No banner, command runner or bus subscription of its own; no private core names."""
    root = Path(__file__).resolve().parents[2]
    sources = sorted((root / "ui" / "pages" / "participants").glob("*.py"))
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    for own in ("FeedbackBanner", "run_command", "changes_applied", "_bus.publish",
                "except UserError as exc:\n            self.banner"):
        assert own not in text, own
    imported = {line.split()[1] for line in text.splitlines()
                if line.startswith("from facilitator.people")}
    assert imported <= {"facilitator.people", "facilitator.people.importer",
                        "facilitator.people.model", "facilitator.people.queries"}, imported
    assert not (root / "ui" / "participants_model.py").exists()
    assert not (root / "ui" / "dialogs.py").exists()


def test_attendance_is_one_count_on_the_page_the_projector_and_the_command_line(
    qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore, clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """A mixed event (a staff walk-in and a facilitator here, no-shows, an undone check-in):
    every place shows the count of :func:`facilitator.people.queries.attendance_summary`."""
    people = list_participants(demo_store)
    expected = [p for p in people if p.status == "expected" and p.role == "participant"]
    scan(qtbot, page, expected[0].badge_code)
    scan(qtbot, page, expected[1].badge_code)
    page.undo_button.click()
    assert page.select_participant(expected[2].id)
    page.no_show_button.click()
    monkeypatch.setattr(WalkInDialog, "ask", lambda parent, columns: WalkIn(
        "Sam Staff", "staff", {}, True))
    page.walk_in_button.click()
    people = list_participants(demo_store)
    members = [p for p in people if p.role == "participant" and p.status != "no_show"]
    present, total = sum(p.present for p in members), len(members)  # no-shows apart
    assert any(p.present and p.role != "participant" for p in people)
    assert page.summary_label.text().startswith(f"Present: {present} of {total}")

    projector = ProjectorWindow(demo_store, page.bus, clock)
    qtbot.addWidget(projector)
    projector.refresh()
    assert projector.count_label.text() == f"{present} of {total} participants here"

    capsys.readouterr()
    assert cmd_people(argparse.Namespace(event=demo_store.path, checked_in=False, csv=False)) == 0
    assert capsys.readouterr().err.startswith(f"present: {present} of {total}")


# -- edit and remove (issue 13) ----------------------------------------------------------------


def test_f2_edits_the_selected_person_and_the_row_shows_the_new_name(
    qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    person = expected_person(demo_store)
    asked: list[Participant] = []

    def fake_ask(parent: object, who: Participant, columns: dict[str, list[str]]) -> PersonEdit:
        asked.append(who)
        assert "Woman" in columns["Gender"]
        return PersonEdit("Zed Misspelt-Fixed", "expert", dict(who.attributes))

    monkeypatch.setattr(EditPersonDialog, "ask", fake_ask)
    assert page.select_participant(person.id)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F2)
    assert asked == [person]
    edited = get(demo_store, person.id)
    assert (edited.name, edited.role) == ("Zed Misspelt-Fixed", "expert")
    assert page.selected_participant() == edited
    row = page.table.currentIndex().row()
    assert page.proxy.index(row, NAME_COLUMN).data() == "Zed Misspelt-Fixed"
    assert "Zed Misspelt-Fixed updated" in page.banner.text()
    actors = demo_store.query("SELECT actor FROM audit_log WHERE action = 'edit_participant'")
    assert [r["actor"] for r in actors] == ["app"]


def test_edit_dialog_starts_from_the_person_and_requires_a_name(
    qtbot: QtBot, demo_store: EventStore
) -> None:
    person = expected_person(demo_store)
    dialog = EditPersonDialog(person, {"Gender": ["Man", "Woman"]})
    qtbot.addWidget(dialog)
    assert dialog.result_value() == PersonEdit(person.name, person.role, person.attributes)
    dialog.name_edit.clear()
    dialog._on_buttons_accepted()
    assert dialog.error_label.text() == "Enter the person's name."
    qtbot.keyClicks(dialog.name_edit, "Bob")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("observer"))
    dialog._on_buttons_accepted()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.result_value().name == "Bob" and dialog.result_value().role == "observer"


def test_delete_removes_after_confirmation_and_removed_people_can_be_restored(
    qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    person = expected_person(demo_store)
    answers: list[bool | None] = [None, True]
    shown: list[Participant] = []

    def fake_ask(parent: object, who: Participant, notes: list[str]) -> bool | None:
        shown.append(who)
        return answers.pop(0)

    monkeypatch.setattr(RemovePersonDialog, "ask", fake_ask)
    assert page.select_participant(person.id)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)  # cancelled: nothing changes
    assert get(demo_store, person.id).active and shown == [person]
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert not get(demo_store, person.id).active
    assert "removed from the list" in page.banner.text()
    assert page.select_participant(person.id) is False  # hidden from the list…
    assert page.summary_label.text().startswith("Present: 64 of 95")
    removed = next(b for b in page.filter_group.buttons()
                   if b.property("filterKey") == "removed")
    removed.click()  # …shown under "Removed"
    assert [p.id for p in page._visible_people()] == [person.id]
    assert page.select_participant(person.id)
    assert page.remove_button.text() == "Re&store to list"
    page.remove_button.click()
    assert get(demo_store, person.id).active
    assert page._visible_people() == []
    assert page.summary_label.text().startswith("Present: 64 of 96")
    actions = [r["action"] for r in demo_store.query(
        "SELECT action FROM audit_log WHERE object_id = ? ORDER BY id", (str(person.id),))]
    assert actions[-2:] == ["remove_participant", "restore_participant"]


def test_delete_in_the_scan_field_deletes_characters_not_people(
    qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(RemovePersonDialog, "ask",
                        lambda *args: pytest.fail("asked to remove"))  # pragma: no cover
    person = expected_person(demo_store)
    assert page.select_participant(person.id)
    page.search_edit.setFocus()
    qtbot.keyClicks(page.search_edit, "ab")
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Home)
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Delete)
    assert page.search_edit.text() == "b"
    assert get(demo_store, person.id).active


def test_removing_someone_seated_in_the_plan_says_so_and_the_plan_lists_them_as_left(
    qtbot: QtBot, page: ParticipantsPage, demo_store: EventStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from facilitator.tables import ops as tables_ops
    from facilitator.tables import queries as tables

    job = tables.prepare_allocation(demo_store)
    saved = tables_ops.save_allocation(demo_store, job, tables.run_allocation(job, iterations=50),
                                       actor="app")
    plan = tables.current_plan(demo_store)
    assert plan is not None and saved is not None
    seated = plan.seats[0][1][0]
    notes_seen: list[list[str]] = []

    def fake_ask(parent: object, who: Participant, notes: list[str]) -> bool:
        notes_seen.append(notes)
        return True

    monkeypatch.setattr(RemovePersonDialog, "ask", fake_ask)
    assert page.select_participant(seated)
    page.remove_button.click()
    assert len(notes_seen) == 1 and len(notes_seen[0]) == 1
    assert "seated at table" in notes_seen[0][0] and "2" in notes_seen[0][0]
    assert "seated at table" in page.banner.text()
    assert seated in {p.id for p in tables.drift(demo_store, plan).departed}
