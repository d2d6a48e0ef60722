"""Participant lists in the shapes they really arrive in, and merging an updated list by ID.

Encodings (UTF-8 with and without BOM, UTF-16, cp1252, latin-1), delimiters (comma,
semicolon, tab), quoting, line endings, export artefacts, XLSX cells of every type, and the
many ways organisers spell "ID" and "Name". Names must come through exactly, accents and all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from facilitator.clock import FakeClock
from facilitator.people import (
    AUTO,
    ImportFileError,
    ImportReport,
    Participant,
    add_walk_in,
    attendance_summary,
    check_in,
    guess_columns,
    import_people,
    list_participants,
    parse_people,
    search,
)
from facilitator.people.importer import ParsedList
from facilitator.store import EventStore

GOOD_DIR = Path(__file__).resolve().parents[2] / "data" / "good_imports"

LATIN_PEOPLE = [
    ("1", "Siân Ó Súilleabháin", "Caerdydd", "25-34"),
    ("2", "José Núñez", "A Coruña", "35-44"),
    ("3", "Zoë Brontë", "Haworth", "16-24"),
    ("4", "Åsa Ødegård", "Ærøskøbing", "45-54"),
    ("5", "Jürgen Weiß", "Straße des 17. Juni", "65+"),
    ("6", "François Müller-Çelik", "Besançon", "55-64"),
    ("7", "Íñigo Þórsson", "Reykjavík", "25-34"),
]
CP1252_ONLY = [("8", "Šárka Žižková", "Œuvre € quarter", "35-44")]
WORLD_PEOPLE = [
    ("9", "Nguyễn Văn An", "Hà Nội", "45-54"),
    ("10", "Αλέξανδρος Παπαδόπουλος", "Αθήνα", "65+"),
    ("11", "مريم الحسيني", "القاهرة", "25-34"),
    ("12", "Łukasz Żółć 🙂", "Kraków", "16-24"),
]
HEADER = ("ID", "Name", "Home town", "Age band")


def csv_text(rows: Sequence[Sequence[str]], delimiter: str = ",", newline: str = "\n",
             header: tuple[str, ...] = HEADER) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write(path: Path, data: str | bytes, encoding: str = "utf-8") -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def people_of(parsed: ParsedList) -> list[tuple[str, ...]]:
    return [(p.ext_id, p.name, *p.attributes.values()) for p in parsed.people]


def make_xlsx(path: Path, rows: list[list[object]], *, title: str = "People",
              before: int = 0) -> Path:
    """A workbook with ``before`` empty sheets ahead of the one holding ``rows``."""
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    sheets = [first] + [wb.create_sheet() for _i in range(before)]
    for index, sheet in enumerate(sheets[:-1]):
        sheet.title = f"Notes {index + 1}"
    sheets[-1].title = title
    for row in rows:
        sheets[-1].append(row)
    wb.save(path)
    return path


# -- encodings ------------------------------------------------------------------------------

ENCODINGS = [
    # (how the file is written, people in it, encodings the importer may report)
    ("utf-8", LATIN_PEOPLE + CP1252_ONLY + WORLD_PEOPLE, {"utf-8"}),
    ("utf-8-sig", LATIN_PEOPLE + CP1252_ONLY + WORLD_PEOPLE, {"utf-8-sig"}),
    ("utf-16", LATIN_PEOPLE + WORLD_PEOPLE, {"utf-16"}),
    ("utf-16-be+bom", LATIN_PEOPLE + WORLD_PEOPLE, {"utf-16"}),
    ("cp1252", LATIN_PEOPLE + CP1252_ONLY, {"cp1252"}),
    # A latin-1 file cannot be told from cp1252 when it only holds printable characters;
    # both decode it the same way.
    ("latin-1", LATIN_PEOPLE, {"cp1252", "latin-1"}),
]


def encode(text: str, how: str) -> bytes:
    if how == "utf-16-be+bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(how)


@pytest.mark.parametrize(("how", "people", "reported"), ENCODINGS,
                         ids=[e[0] for e in ENCODINGS])
def test_encodings_round_trip_names_and_attributes_exactly(
    how: str, people: list[tuple[str, ...]], reported: set[str], tmp_path: Path,
    store: EventStore,
) -> None:
    path = write(tmp_path / f"people-{how}.csv", encode(csv_text(people, newline="\r\n"), how))
    parsed = parse_people(path)
    assert parsed.encoding in reported
    assert parsed.columns == list(HEADER)  # a BOM never sticks to the first heading
    assert parsed.id_column == "ID"
    assert people_of(parsed) == people
    import_people(store, parsed, actor="test")
    stored = [(p.ext_id, p.name, *p.attributes.values()) for p in list_participants(store)]
    assert stored == people
    assert [p.name for p in search(store, "zoe bronte")] == ["Zoë Brontë"]
    assert [p.name for p in search(store, "ODEGARD asa")] == ["Åsa Ødegård"]


def test_utf8_with_typographic_quotes_is_read_as_utf8(tmp_path: Path) -> None:
    """Curly quotes and dashes are also cp1252 bytes; UTF-8 must win when it decodes."""
    people = [("1", "Siân “Sî” Jones — chair", "Caerdydd", "25-34")]
    parsed = parse_people(write(tmp_path / "quotes.csv", csv_text(people)))
    assert parsed.encoding == "utf-8"
    assert people_of(parsed) == people


# -- delimiters, quoting, line endings ---------------------------------------------------------

TRICKY = [
    ("1", "Núñez, José", "A Coruña; Galicia", "35-44"),
    ("2", 'Siân "Sî" Jones', "Line one\nline two, with comma; semicolon\tand tab", "25-34"),
    ("3", "Zoë Brontë", "", "16-24"),
]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_delimiters_quotes_and_line_endings(delimiter: str, newline: str,
                                            tmp_path: Path) -> None:
    text = csv_text(TRICKY, delimiter=delimiter, newline=newline)
    parsed = parse_people(write(tmp_path / "people.csv", text))
    assert parsed.delimiter == delimiter
    assert people_of(parsed) == TRICKY
    # Lines are physical lines: person 2's home town spans lines 3 and 4.
    assert [p.line for p in parsed.people] == [2, 3, 5]
    assert not any("\r" in value for p in parsed.people for value in p.attributes.values())


def test_excel_style_semicolons_with_decimal_commas(tmp_path: Path) -> None:
    text = ("ID;Name;Height (m);Income\r\n"
            "1;Gaëlle Lefèvre;1,72;2.500,00\r\n"
            "2;François Müller;1,80;1.900,50\r\n")
    parsed = parse_people(write(tmp_path / "fr.csv", text, "cp1252"))
    assert parsed.delimiter == ";"
    assert people_of(parsed) == [("1", "Gaëlle Lefèvre", "1,72", "2.500,00"),
                                 ("2", "François Müller", "1,80", "1.900,50")]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_trailing_delimiter_artefact_is_dropped(delimiter: str, tmp_path: Path) -> None:
    d = delimiter
    text = (f"ID{d}Name{d}Gender{d}\r\n1{d}Siân Jones{d}female{d}\r\n"
            f"2{d}José Núñez{d}male\r\n3{d}Zoë Brontë{d}{d}\r\n")
    parsed = parse_people(write(tmp_path / "trailing.csv", text))
    assert parsed.columns == ["ID", "Name", "Gender"]
    assert parsed.attribute_columns == ["Gender"]
    assert people_of(parsed) == [("1", "Siân Jones", "female"), ("2", "José Núñez", "male"),
                                 ("3", "Zoë Brontë", "")]


def test_blank_lines_and_padding_are_ignored_but_line_numbers_kept(tmp_path: Path) -> None:
    text = "\n\n ID , Name ,Gender\n\n 1 ,  Siân Jones ,female\n,,\n2,José Núñez,male\n\n"
    parsed = parse_people(write(tmp_path / "padded.csv", text))
    assert parsed.columns == ["ID", "Name", "Gender"]
    assert [(p.line, p.ext_id, p.name) for p in parsed.people] == [
        (5, "1", "Siân Jones"), (7, "2", "José Núñez")]


def test_single_column_list_of_names(tmp_path: Path) -> None:
    parsed = parse_people(write(tmp_path / "names.csv", "Name\nSiân Jones\nJosé Núñez\n"))
    assert parsed.id_column is None
    assert [(p.ext_id, p.name) for p in parsed.people] == [
        ("Siân Jones", "Siân Jones"), ("José Núñez", "José Núñez")]


# -- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_numbers_dates_and_booleans_become_text(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "people.xlsx", [
        ["ID", "Name", "Born", "Registered", "Arrived", "Paid", "Score", "Phone"],
        [1.0, "Siân Ó Súilleabháin", dt.date(1984, 3, 9), dt.datetime(2026, 10, 1, 14, 30),
         dt.time(9, 15), True, 2.5, "07700 900123"],
        [2, "José Núñez", dt.datetime(1951, 12, 31), None, None, False, 3.0, 7700900456],
        [20260003.0, "  Åsa Ødegård  ", None, None, None, None, -1.25, None],
    ])
    parsed = parse_people(path)
    assert parsed.encoding == "xlsx" and parsed.delimiter is None
    assert [(p.line, p.ext_id, p.name) for p in parsed.people] == [
        (2, "1", "Siân Ó Súilleabháin"), (3, "2", "José Núñez"), (4, "20260003", "Åsa Ødegård")]
    assert [p.attributes for p in parsed.people] == [
        {"Born": "1984-03-09", "Registered": "2026-10-01 14:30:00", "Arrived": "09:15:00",
         "Paid": "TRUE", "Score": "2.5", "Phone": "07700 900123"},
        {"Born": "1951-12-31", "Registered": "", "Arrived": "", "Paid": "FALSE", "Score": "3",
         "Phone": "7700900456"},
        {"Born": "", "Registered": "", "Arrived": "", "Paid": "", "Score": "-1.25",
         "Phone": ""},
    ]


def test_xlsx_short_rows_are_padded_not_refused(tmp_path: Path) -> None:
    """A spreadsheet simply has no cell where a CSV would need a trailing delimiter."""
    path = make_xlsx(tmp_path / "short.xlsx", [
        ["ID", "Name", "Gender", "Area"], [1, "Siân Jones", "female", "North"], [2, "José"]])
    assert people_of(parse_people(path)) == [("1", "Siân Jones", "female", "North"),
                                             ("2", "José", "", "")]


def test_committed_xlsx_with_numbers_dates_and_split_names() -> None:
    parsed = parse_people(GOOD_DIR / "numbers_and_dates.xlsx")
    assert parsed.name_columns == ["First name", "Surname"]
    assert [(p.ext_id, p.name) for p in parsed.people] == [
        ("1", "Siân Ó Súilleabháin"), ("2", "José Núñez"), ("1003", "Åsa Ødegård")]
    assert parsed.people[0].attributes == {
        "Born": "1984-03-09", "Registered": "2026-10-01 14:30:00", "Stipend paid": "TRUE",
        "Score": "2.5"}


# -- choosing the ID and name columns -------------------------------------------------------


@pytest.mark.parametrize(("id_heading", "name_heading"), [
    ("ID", "Name"),
    ("Participant ID", "Full Name"),
    ("participant_id", "FULL-NAME"),
    ("Ref.", "Participant name"),
    ("No.", "Display name"),
    ("Person ID", "Nom"),
    ("Badge ID", "Nombre"),
    ("Code", "Naam"),
])
def test_id_and_name_headings_in_other_spellings(id_heading: str, name_heading: str,
                                                 tmp_path: Path) -> None:
    header = ("Gender", id_heading, "Age band", name_heading)
    text = csv_text([("female", "A-1", "25-34", "Siân Jones")], header=header)
    parsed = parse_people(write(tmp_path / "people.csv", text))
    assert parsed.id_column == id_heading
    assert parsed.name_columns == [name_heading]
    assert parsed.attribute_columns == ["Gender", "Age band"]
    assert people_of(parsed) == [("A-1", "Siân Jones", "female", "25-34")]


@pytest.mark.parametrize(("first", "last"), [
    ("First name", "Surname"), ("Given name", "Family name"), ("forename", "LAST_NAME"),
    ("Prénom", "Nom de famille"), ("Vorname", "Nachname"),
])
def test_first_and_last_name_columns_are_combined(first: str, last: str,
                                                  tmp_path: Path) -> None:
    header = ("ID", last, first, "Gender")
    rows = [("1", "Ó Súilleabháin", "Siân", "female"), ("2", "Núñez", "", "male"),
            ("3", "", "Zoë", "female")]
    parsed = parse_people(write(tmp_path / "split.csv", csv_text(rows, header=header)))
    assert parsed.name_columns == [first, last]
    assert parsed.attribute_columns == ["Gender"]
    assert [p.name for p in parsed.people] == ["Siân Ó Súilleabháin", "Núñez", "Zoë"]


def test_columns_can_be_chosen_instead_of_guessed(tmp_path: Path) -> None:
    header = ("ID", "Name", "Badge", "Preferred name", "Gender")
    rows = [("1", "Siân Ó Súilleabháin", "B-7", "Sî", "female"),
            ("2", "José Núñez", "B-8", "Pepe", "male")]
    path = write(tmp_path / "people.csv", csv_text(rows, header=header))
    parsed = parse_people(path, id_column="badge", name_columns=["PREFERRED NAME"])
    assert parsed.id_column == "Badge" and parsed.name_columns == ["Preferred name"]
    assert parsed.attribute_columns == ["ID", "Name", "Gender"]
    assert [(p.ext_id, p.name) for p in parsed.people] == [("B-7", "Sî"), ("B-8", "Pepe")]
    # No ID column at all: names are the IDs.
    parsed = parse_people(path, id_column=None, name_columns=AUTO)
    assert [(p.ext_id, p.name) for p in parsed.people] == [
        ("Siân Ó Súilleabháin", "Siân Ó Súilleabháin"), ("José Núñez", "José Núñez")]
    assert parsed.id_column is None and "ID" in parsed.attribute_columns
    with pytest.raises(ImportFileError) as caught:
        parse_people(path, id_column="Membership")
    assert str(caught.value) == (
        "people.csv: there is no column called 'Membership'. The columns are: ID, Name, Badge, "
        "Preferred name, Gender.")


def test_roles_in_everyday_words(tmp_path: Path) -> None:
    rows = [("1", "Siân Jones", ""), ("2", "Dagný Jónsdóttir", "Witness"),
            ("3", "Kwame Mensah", "Table facilitator"), ("4", "Ana Gonçalves", "ORGANISER"),
            ("5", "Zoë Brontë", "Press"), ("6", "José Núñez", "member")]
    parsed = parse_people(write(tmp_path / "roles.csv",
                                csv_text(rows, header=("ID", "Name", "Role"))))
    assert parsed.role_column == "Role" and parsed.attribute_columns == []
    assert [p.role for p in parsed.people] == [
        "participant", "expert", "facilitator", "staff", "observer", "participant"]


# -- the committed real-world exports ---------------------------------------------------------


def test_french_excel_export_with_chosen_columns() -> None:
    parsed = parse_people(GOOD_DIR / "excel_fr_semicolon_cp1252.csv",
                          id_column="Identifiant", name_columns=["nom complet"])
    assert parsed.encoding == "cp1252" and parsed.delimiter == ";"
    assert [p.name for p in parsed.people] == [
        "Gaëlle Lefèvre", "François Müller", "Œdipe Señor", "Bjørn Ærøskøbing", "Zoë Straße"]
    assert parsed.people[0].attributes == {
        "Genre": "femme", "Tranche d'âge": "25-34", "Quartier": "Vieux-Port"}


def test_excel_unicode_text_export() -> None:
    parsed = parse_people(GOOD_DIR / "excel_unicode_text_utf16.txt")
    assert (parsed.encoding, parsed.delimiter) == ("utf-16", "\t")
    assert (parsed.id_column, parsed.name_columns) == ("Participant ID", ["Full Name"])
    assert [(p.ext_id, p.name, p.attributes["Language"]) for p in parsed.people] == [
        ("A1", "Siân Ó Súilleabháin", "cy"), ("A2", "Nguyễn Văn An", "vi"),
        ("A3", "Αλέξανδρος Παπαδόπουλος", "el"), ("A4", "مريم الحسيني", "ar")]


def test_google_sheets_export_with_quotes_and_newlines() -> None:
    parsed = parse_people(GOOD_DIR / "google_sheets_quoted.csv")
    assert [(p.line, p.name) for p in parsed.people] == [(2, "Núñez, José"), (4, "Zoë Brontë")]
    assert parsed.people[0].attributes == {
        "access needs": "step-free, hearing loop", "notes": 'Said: "call me Pepe"\nsecond line'}


# -- merging an updated list by ID --------------------------------------------------------------

V1 = [("P1", "Siân Jones", "Riverside"), ("P2", "José Núñez", "Old Town"),
      ("P3", "Zoë Brontë", "Riverside"), ("P4", "Åsa Ødegård", "Northfield"),
      ("P5", "Jürgen Weiß", "Old Town")]
V2 = [("P1", "Siân Jones", "Riverside"), ("P2", "José Núñez", "Harbour"),
      ("P4", "Åsa Ødegård-Lind", "Northfield"), ("P5", "Jürgen Weiß", "Old Town"),
      ("P6", "Nguyễn Văn An", "Harbour")]


def import_rows(store: EventStore, folder: Path, name: str,
                rows: list[tuple[str, str, str]]) -> ImportReport:
    path = write(folder / name, csv_text(rows, header=("ID", "Name", "Area")))
    return import_people(store, parse_people(path), actor="test")


def by_ext(store: EventStore) -> dict[str, Participant]:
    return {p.ext_id: p for p in list_participants(store, include_removed=True)}


def test_reimport_reports_added_changed_removed_and_keeps_the_removed(
    store: EventStore, clock: FakeClock, tmp_path: Path
) -> None:
    first = import_rows(store, tmp_path, "v1.csv", V1)
    assert first.added == [name for _i, name, _a in V1]
    people = {p.ext_id: p for p in list_participants(store)}
    clock.advance(600)
    check_in(store, people["P3"].id, actor="test")
    zoe_at = clock.now()
    walk_in = add_walk_in(store, "Ana Gonçalves", {"Area": "Harbour"}, actor="test").participant

    clock.advance(60)
    report = import_rows(store, tmp_path, "v2.csv", V2)
    assert report.added == ["Nguyễn Văn An"]
    assert [(c.ext_id, c.name, c.fields) for c in report.changed] == [
        ("P2", "José Núñez", {"Area": ("Old Town", "Harbour")}),
        ("P4", "Åsa Ødegård-Lind", {"name": ("Åsa Ødegård", "Åsa Ødegård-Lind")}),
    ]
    assert report.removed == ["Zoë Brontë"]
    assert report.removed_present == ["Zoë Brontë"]
    assert report.restored == [] and report.unchanged == 2
    assert report.summary() == (
        "v2.csv: 1 added, 2 changed, 1 removed, 2 unchanged. "
        "Already checked in but no longer on the list: Zoë Brontë.")
    assert report.changes.participants

    # Removed people are kept (inactive) with their check-in; walk-ins are never removed.
    active = [p.ext_id for p in list_participants(store)]
    assert active == ["P1", "P2", "P4", "P5", walk_in.ext_id, "P6"]
    zoe = by_ext(store)["P3"]
    assert (zoe.active, zoe.status, zoe.checked_in_at) == (False, "checked_in", zoe_at)
    assert by_ext(store)[walk_in.ext_id].active
    assert attendance_summary(store).present == 1  # the walk-in; Zoë no longer counts

    # Zoë is back on the next list, P6 is not: Zoë is restored with her check-in.
    clock.advance(60)
    report = import_rows(store, tmp_path, "v3.csv", V1)
    assert report.restored == ["Zoë Brontë"] and report.added == []
    assert report.removed == ["Nguyễn Văn An"] and report.removed_present == []
    assert sorted(c.ext_id for c in report.changed) == ["P2", "P4"]
    assert report.summary().startswith("v3.csv: 1 added, 2 changed, 1 removed, 2 unchanged.")
    zoe = by_ext(store)["P3"]
    assert (zoe.active, zoe.status, zoe.checked_in_at, zoe.id) == (
        True, "checked_in", zoe_at, people["P3"].id)
    assert by_ext(store)[walk_in.ext_id].active
    assert attendance_summary(store).present == 2

    actions = [(r["action"], r["object_id"]) for r in store.query(
        "SELECT action, object_id FROM audit_log WHERE action LIKE 'import_%' "
        "AND action NOT IN ('import_add') ORDER BY id")]
    zoe_id, an_id = str(people["P3"].id), str(by_ext(store)["P6"].id)
    assert ("import_remove", zoe_id) in actions and ("import_restore", zoe_id) in actions
    assert ("import_remove", an_id) in actions
    imports = store.query("SELECT file_name, added, changed, removed, unchanged FROM imports "
                          "ORDER BY id")
    assert [tuple(r) for r in imports] == [("v1.csv", 5, 0, 0, 0), ("v2.csv", 1, 2, 1, 2),
                                           ("v3.csv", 1, 2, 1, 2)]


def test_reimporting_the_same_list_changes_nothing(store: EventStore, tmp_path: Path) -> None:
    import_rows(store, tmp_path, "v1.csv", V1)
    before = [tuple(r) for r in store.query("SELECT * FROM participants ORDER BY id")]
    report = import_rows(store, tmp_path, "v1-again.csv", V1)
    assert (report.added, report.changed, report.removed, report.restored) == ([], [], [], [])
    assert report.unchanged == 5 and not report.changes.participants
    assert [tuple(r) for r in store.query("SELECT * FROM participants ORDER BY id")] == before


def test_list_with_no_one_in_common_removes_all_but_walk_ins(
    store: EventStore, tmp_path: Path
) -> None:
    import_rows(store, tmp_path, "v1.csv", V1)
    walk_in = add_walk_in(store, "Ana Gonçalves", actor="test").participant
    report = import_rows(store, tmp_path, "other.csv", [("Q1", "Kwame Mensah", "Harbour")])
    assert report.removed == [name for _i, name, _a in V1]
    assert [p.ext_id for p in list_participants(store)] == [walk_in.ext_id, "Q1"]


def test_new_attribute_column_is_a_change_for_everyone(store: EventStore,
                                                       tmp_path: Path) -> None:
    import_rows(store, tmp_path, "v1.csv", V1[:2])
    path = write(tmp_path / "v2.csv", "ID,Name,Area,Language\nP1,Siân Jones,Riverside,cy\n"
                 "P2,José Núñez,Old Town,\n")
    report = import_people(store, parse_people(path), actor="test")
    assert ("P1", {"Language": (None, "cy")}) in [(c.ext_id, c.fields) for c in report.changed]
    assert store.meta_json("attribute_columns") == ["Area", "Language"]


# -- known bugs (see the report that came with these tests) -----------------------------------


def test_xlsx_with_an_empty_first_sheet_reads_the_sheet_with_people(tmp_path: Path) -> None:
    """_read_xlsx means to skip empty sheets, but an empty sheet still has max_row == 1."""
    path = make_xlsx(tmp_path / "two_sheets.xlsx",
                     [["ID", "Name"], [1, "Siân Jones"], [2, "José Núñez"]], before=1)
    assert [p.name for p in parse_people(path).people] == ["Siân Jones", "José Núñez"]


def test_xlsx_table_that_does_not_start_in_column_a(tmp_path: Path) -> None:
    """Empty columns left of the table are layout, like the empty ones right of it."""
    path = tmp_path / "margin.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    grid: list[list[object]] = [["ID", "Name"], [1, "Siân Jones"]]
    for row_number, row in enumerate(grid, start=3):
        for col_number, value in enumerate(row, start=3):
            ws.cell(row=row_number, column=col_number, value=value)
    wb.save(path)
    parsed = parse_people(path)
    assert [(p.line, p.ext_id, p.name) for p in parsed.people] == [(4, "1", "Siân Jones")]


def test_words_ending_in_id_are_not_taken_for_the_id_column() -> None:
    """A list without IDs but with a 'Paid' (stipend) column must not use it as the ID."""
    headings = ["Paid", "Stipend paid", "Valid", "Covid", "Druid"]
    taken = [h for h in headings if guess_columns(["Name", "Gender", h]).id_column is not None]
    assert taken == []
    # ...while real ID headings still are.
    assert guess_columns(["Name", "Badge ID"]).id_column == "Badge ID"
    assert guess_columns(["Name", "member_id"]).id_column == "member_id"


def test_walk_in_after_a_list_that_used_walk_in_ids(store: EventStore, tmp_path: Path) -> None:
    """A list exported from another event carries IDs like walk-in-1."""
    path = write(tmp_path / "exported.csv", "id,name\nwalk-in-1,Ana Gonçalves\n1,Siân Jones\n")
    import_people(store, parse_people(path), actor="test")
    result = add_walk_in(store, "Kwame Mensah", actor="test")
    assert result.participant.name == "Kwame Mensah"
    assert len(list_participants(store)) == 3


def test_audit_entries_name_participants_by_their_number(store: EventStore,
                                                         tmp_path: Path) -> None:
    """object_id of a participant entry is participants.id for every action, imports too."""
    path = write(tmp_path / "people.csv", "id,name\nP-9,Siân Jones\n1,José Núñez\n")
    import_people(store, parse_people(path), actor="test")
    jose = next(p for p in list_participants(store) if p.ext_id == "1")
    check_in(store, jose.id, actor="test")
    history = [r["action"] for r in store.query(
        "SELECT action FROM audit_log WHERE object_type = 'participant' AND object_id = ? "
        "ORDER BY id", (str(jose.id),))]
    assert history == ["import_add", "check_in"]
    for row in store.query("SELECT action, object_id, new FROM audit_log "
                           "WHERE object_type = 'participant'"):
        person = store.query_one("SELECT name FROM participants WHERE id = ?",
                                 (row["object_id"],))
        assert person is not None, tuple(row)
        if row["action"] == "import_add":
            assert json.loads(row["new"])["name"] == person["name"]


def test_utf8_list_with_one_cp1252_line_is_not_silently_garbled(tmp_path: Path) -> None:
    """Two lists pasted together: line 2 is UTF-8, line 3 is cp1252.

    Decoding the whole file as cp1252 turns 'Siân' into 'SiÃ¢n' without a word. Either
    refuse with the line that is not UTF-8, or read every line right; never garble names.
    """
    path = write(tmp_path / "pasted.csv",
                 "ID,Name\n1,Siân Jones\n".encode() + "2,José Núñez\n".encode("cp1252"))
    try:
        parsed = parse_people(path)
    except ImportFileError as error:
        assert "pasted.csv, line 3" in str(error)
    else:
        assert [p.name for p in parsed.people] == ["Siân Jones", "José Núñez"]
