"""The corpus of bad participant lists: each gets a clear error and changes nothing.

Every file in tests/data/bad_imports/ has an entry in CASES below: the line (or spreadsheet
row) and column the error must name, and the fragments its message must contain. The binary
files were generated once by a seeded script and are committed as data.

For each file we check the message (file name, line, column and heading, the problem in
words) and that trying to import it into an event that already has people changes nothing:
not through the API (parse then merge, as the Participants page does) and not through
``python -m facilitator import``, which must not even touch the event file.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from facilitator import cli
from facilitator.clock import FakeClock
from facilitator.errors import UserError
from facilitator.people import (
    ImportFileError,
    add_walk_in,
    check_in,
    import_people,
    list_participants,
    mark_no_show,
    parse_people,
)
from facilitator.store import EventStore, StoreError

BAD_DIR = Path(__file__).resolve().parents[2] / "data" / "bad_imports"

GOOD_LIST = """\
ID,Name,Gender,Age band,Area,Role
P-001,Siân Ó Súilleabháin,female,25-34,Riverside,
P-002,José Núñez,male,35-44,Old Town,
P-003,Zoë Brontë,female,16-24,Riverside,
P-004,Åsa Ødegård,female,45-54,Northfield,
P-005,Jürgen Weiß,male,65+,Old Town,
P-006,Nguyễn Văn An,male,55-64,Northfield,
P-007,Chloé Lefèvre,non-binary,25-34,Riverside,
P-008,Łukasz Żółć,male,35-44,Old Town,
P-009,Dagný Jónsdóttir,female,45-54,,expert
P-010,Kwame Mensah,male,35-44,,facilitator
"""


class Case(NamedTuple):
    line: int | None
    """The line (CSV) or row (XLSX) the error must name, or None for a whole-file problem."""
    column: int | None
    """The 1-based column the error must name, or None."""
    fragments: tuple[str, ...]
    """Text the message must contain (the first is usually the whole location prefix)."""
    absent: tuple[str, ...] = ()
    """Text the message must not contain (a hint that does not fit this kind of file)."""


_PARTS = "participant, facilitator, expert, staff, observer"
_EMPTY = ("the file is empty",)
_NO_PEOPLE = ("the file has column headings but no people under them",)
_BINARY = ("this is not a text (CSV) file: it contains binary data",
           "Export the list from your spreadsheet as CSV or XLSX")
_XLS = ("this is an old-style Excel (.xls) file", "Save it as .xlsx or CSV")
_BAD_XLSX = ("this is not a readable Excel (.xlsx) workbook",)
_DELIMITER_HINTS = ("delimiter", "unquoted", "first line")

CASES: dict[str, Case] = {
    # Empty, or nothing but headings.
    "empty.csv": Case(None, None, ("empty.csv: ", *_EMPTY)),
    "whitespace_only.csv": Case(None, None, ("whitespace_only.csv: ", *_EMPTY)),
    "bom_only.csv": Case(None, None, ("bom_only.csv: ", *_EMPTY)),
    "only_delimiters.csv": Case(None, None, ("only_delimiters.csv: ", *_EMPTY)),
    "header_only.csv": Case(None, None, ("header_only.csv: ", *_NO_PEOPLE)),
    "header_with_empty_rows.csv": Case(None, None, ("header_with_empty_rows.csv: ", *_NO_PEOPLE)),
    "xlsx_header_only.xlsx": Case(None, None, ("xlsx_header_only.xlsx: ", *_NO_PEOPLE)),
    "xlsx_empty.xlsx": Case(None, None, ("xlsx_empty.xlsx: the first worksheet is empty",)),
    # Headings.
    "missing_name_column.csv": Case(None, None, (
        "missing_name_column.csv: no column with people's names was found",
        "The columns are: ID, Gender, Age band, Postcode.",
        "Choose the name column")),
    "duplicate_headings.csv": Case(1, 4, (
        "duplicate_headings.csv, line 1, column 4: ",
        "the heading 'name' appears twice (also column 2)")),
    "empty_heading_middle.csv": Case(1, 3, (
        "empty_heading_middle.csv, line 1, column 3: ", "this column has no heading")),
    # IDs and names.
    "duplicate_ids.csv": Case(6, 1, (
        "duplicate_ids.csv, line 6, column 1 (ID): ",
        "the ID 'P-002' is also on line 3", "every person needs their own ID")),
    "crlf_duplicate_ids.csv": Case(4, 1, (
        "crlf_duplicate_ids.csv, line 4, column 1 (ID): ", "the ID 'P-001' is also on line 2")),
    "multiline_then_duplicate.csv": Case(8, 1, (
        # Physical lines: the quoted cells on lines 2-4 and 6-7 span several lines each.
        "multiline_then_duplicate.csv, line 8, column 1 (ID): ",
        "the ID 'P-002' is also on line 5")),
    "utf16_tab_duplicate_ids.txt": Case(5, 1, (
        "utf16_tab_duplicate_ids.txt, line 5, column 1 (ID): ", "the ID '2' is also on line 3")),
    "xlsx_duplicate_ids.xlsx": Case(5, 1, (
        # 7 and 7.0 are the same ID once read from the sheet; the blank row 4 still counts.
        "xlsx_duplicate_ids.xlsx, row 5, column A (Participant ID): ",
        "the ID '7' is also on row 2")),
    "no_id_duplicate_names.csv": Case(5, 1, (
        "no_id_duplicate_names.csv, line 5, column 1 (Name): ",
        "'Siân Jones' is also on line 2", "no ID column")),
    "empty_id.csv": Case(4, 1, (
        "empty_id.csv, line 4, column 1 (ID): ", "the ID is empty; every person needs an ID")),
    "empty_name.csv": Case(3, 2, ("empty_name.csv, line 3, column 2 (Name): the name is empty",)),
    "xlsx_empty_name.xlsx": Case(3, 3, (
        "xlsx_empty_name.xlsx, row 3, column C (Full name): the name is empty",)),
    "xlsx_empty_name_column_AB.xlsx": Case(3, 28, (
        "xlsx_empty_name_column_AB.xlsx, row 3, column AB (Name): the name is empty",)),
    # Roles.
    "unknown_role.csv": Case(3, 3, (
        "unknown_role.csv, line 3, column 3 (Role): ",
        "'wizard' is not a role Facilitator knows", _PARTS)),
    "xlsx_unknown_role.xlsx": Case(4, 3, (
        "xlsx_unknown_role.xlsx, row 4, column C (Role): ",
        "'Keynote' is not a role Facilitator knows", _PARTS)),
    # Ragged rows.
    "too_few_fields.csv": Case(4, 4, (
        "too_few_fields.csv, line 4, column 4 (Age band): ",
        "this row has 3 values but the first line has 5 column headings")),
    "semicolon_ragged_cp1252.csv": Case(3, 4, (
        "semicolon_ragged_cp1252.csv, line 3, column 4 (Tranche d'âge): ",
        "this row has 3 values but the first line has 4 column headings")),
    "too_many_fields.csv": Case(3, 6, (
        "too_many_fields.csv, line 3, column 6: ",
        "this row has 6 values but the first line has 5 column headings",
        "unquoted ','")),
    "xlsx_too_many_values.xlsx": Case(3, 4, (
        "xlsx_too_many_values.xlsx, row 3, column D: ",
        "this row has 4 values", "3 column headings"), absent=_DELIMITER_HINTS),
    # Not valid CSV.
    "unclosed_quote.csv": Case(4, None, (
        "unclosed_quote.csv, line 4: ", "not valid CSV", "unexpected end of data",
        "stray quotation mark")),
    "stray_quote.csv": Case(3, None, (
        "stray_quote.csv, line 3: ", "not valid CSV", "stray quotation mark")),
    # Not text at all.
    "binary_junk.csv": Case(2, None, ("binary_junk.csv, line 2: ", *_BINARY)),
    "text_then_binary.csv": Case(4, None, ("text_then_binary.csv, line 4: ", *_BINARY)),
    "png_renamed.csv": Case(3, None, ("png_renamed.csv, line 3: ", *_BINARY)),
    "control_character.csv": Case(4, None, (
        "control_character.csv, line 4: ", "contains a control character (code 7)")),
    "escape_character_cp1252.csv": Case(3, None, (
        "escape_character_cp1252.csv, line 3: ", "contains a control character (code 27)")),
    "utf16_truncated.csv": Case(None, None, (
        "utf16_truncated.csv: the text encoding could not be recognised",)),
    # Not a workbook we can read.
    "old_excel.xls": Case(None, None, ("old_excel.xls: ", *_XLS)),
    "old_excel_renamed.csv": Case(None, None, ("old_excel_renamed.csv: ", *_XLS)),
    "corrupt.xlsx": Case(None, None, ("corrupt.xlsx: ", *_BAD_XLSX)),
    "truncated.xlsx": Case(None, None, ("truncated.xlsx: ", *_BAD_XLSX)),
    "zip_not_xlsx.xlsx": Case(None, None, ("zip_not_xlsx.xlsx: ", *_BAD_XLSX)),
}

TABLES = ("participants", "audit_log", "meta", "imports")


def snapshot(store: EventStore) -> dict[str, Any]:
    """Every row of every table that an import writes to, plus the schema version."""
    state: dict[str, Any] = {
        table: [tuple(row) for row in store.query(f"SELECT * FROM {table} ORDER BY rowid")]
        for table in TABLES
    }
    state["audit_rows"] = store.query("SELECT count(*) FROM audit_log")[0][0]
    state["user_version"] = store.schema_version()
    return state


@pytest.fixture(scope="module")
def populated_event(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed event file with people imported, some checked in, a no-show and a walk-in."""
    folder = tmp_path_factory.mktemp("populated")
    people = folder / "people.csv"
    people.write_text(GOOD_LIST, encoding="utf-8")
    path = folder / "event.facilitator"
    clock = FakeClock()
    with EventStore.create(path, "Riverside assembly", clock) as store:
        import_people(store, parse_people(people), actor="test")
        by_ext = {p.ext_id: p.id for p in list_participants(store)}
        for ext_id in ("P-001", "P-004", "P-009"):
            clock.advance(40)
            check_in(store, by_ext[ext_id], actor="test")
        mark_no_show(store, by_ext["P-005"], actor="test")
        add_walk_in(store, "Ana Beatriz Gonçalves", {"Gender": "female"}, actor="test")
    return path


@pytest.fixture
def event_path(populated_event: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "event.facilitator"
    shutil.copyfile(populated_event, copy)
    return copy


@pytest.fixture
def event(event_path: Path) -> Iterator[EventStore]:
    store = EventStore.open(event_path, FakeClock())
    yield store
    store.close()


def test_corpus_and_table_match() -> None:
    """Every file in the corpus has expectations, and every expectation has its file."""
    on_disk = {p.name for p in BAD_DIR.iterdir() if p.is_file()}
    assert on_disk == set(CASES)
    assert len(CASES) >= 18


def _check_message(name: str, message: str, case: Case) -> None:
    """The whole message is checked here once; other tests check its location prefix."""
    assert message.startswith(name), message
    for fragment in case.fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    for fragment in case.absent:
        assert fragment not in message, f"{fragment!r} should not be in {message!r}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_error_names_file_line_column_and_problem(name: str) -> None:
    case = CASES[name]
    with pytest.raises(ImportFileError) as caught:
        parse_people(BAD_DIR / name)
    error = caught.value
    _check_message(name, str(error), case)
    assert error.file_name == name
    assert error.line == case.line
    assert error.column == case.column


@pytest.mark.parametrize("name", sorted(CASES))
def test_import_into_populated_event_changes_nothing(name: str, event: EventStore) -> None:
    before = snapshot(event)
    assert before["participants"] and before["audit_rows"] > 10
    with pytest.raises(ImportFileError) as caught:
        import_people(event, parse_people(BAD_DIR / name), actor="test")
    assert str(caught.value).startswith(CASES[name].fragments[0])
    assert snapshot(event) == before


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_import_reports_and_leaves_event_file_untouched(
    name: str, event_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = event_path.read_bytes()
    assert cli.main(["import", str(event_path), str(BAD_DIR / name)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {CASES[name].fragments[0]}"), err
    assert event_path.read_bytes() == before
    assert not Path(f"{event_path}-wal").exists()
    # Into an event that does not exist yet: no half-made event file is left behind.
    new_event = tmp_path / "new.facilitator"
    assert cli.main(["import", str(new_event), str(BAD_DIR / name)]) == 1
    assert not new_event.exists()


# -- lists that parse but are refused when merged -------------------------------------------


def test_list_reusing_a_walk_ins_id_is_refused_and_changes_nothing(
    event: EventStore, tmp_path: Path
) -> None:
    people = tmp_path / "with_walk_in_id.csv"
    people.write_text(GOOD_LIST + "walk-in-1,Ana Gonçalves,female,25-34,Riverside,\n",
                      encoding="utf-8")
    before = snapshot(event)
    with pytest.raises(UserError) as caught:
        import_people(event, parse_people(people), actor="test")
    message = str(caught.value)
    assert "with_walk_in_id.csv, line 12" in message
    assert "'walk-in-1' is already used by a walk-in" in message
    assert snapshot(event) == before


def test_disk_failure_half_way_through_an_import_keeps_nothing(
    event: EventStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last write of an import fails (as on a full disk): the whole import is undone."""
    people = tmp_path / "update.csv"
    people.write_text(GOOD_LIST.replace("Riverside", "River Side")
                      + "P-011,Ingrid Ødegaard,female,65+,Northfield,\n", encoding="utf-8")
    parsed = parse_people(people)
    before = snapshot(event)
    real_execute = EventStore.execute

    def failing_execute(self: EventStore, sql: str, params: Any = ()) -> sqlite3.Cursor:
        if sql.startswith("INSERT INTO imports"):
            raise sqlite3.OperationalError("database or disk is full")
        return real_execute(self, sql, params)

    monkeypatch.setattr(EventStore, "execute", failing_execute)
    with pytest.raises(StoreError, match="full"):
        import_people(event, parsed, actor="test")
    monkeypatch.undo()
    assert snapshot(event) == before
    # And the same list imports cleanly once the disk has room again.
    report = import_people(event, parsed, actor="test")
    assert report.added == ["Ingrid Ødegaard"]
    assert len(report.changed) == 3
