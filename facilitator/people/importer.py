"""Read a participant list from CSV or XLSX into a checked, in-memory list.

Nothing here touches the event file: a list is parsed and checked completely first, and only
a list with no errors is handed to :func:`facilitator.people.ops.import_people`, which
writes it in one transaction. Every error names the file, the line and the column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path
from typing import Any

from facilitator.errors import UserError
from facilitator.i18n import _
from facilitator.people.model import ROLES
from facilitator.text import fold, header_key

_ROLE_WORDS = {
    "participant": "participant", "member": "participant", "attendee": "participant",
    "delegate": "participant", "assemblymember": "participant", "": "participant",
    "facilitator": "facilitator", "moderator": "facilitator", "tablefacilitator": "facilitator",
    "host": "facilitator", "chair": "facilitator",
    "expert": "expert", "speaker": "expert", "witness": "expert", "evidencegiver": "expert",
    "staff": "staff", "organiser": "staff", "organizer": "staff", "volunteer": "staff",
    "notetaker": "staff", "interpreter": "staff",
    "observer": "observer", "press": "observer",
}
_ID_KEYS = (
    "id", "participantid", "personid", "memberid", "ref", "reference", "participantref",
    "participantnumber", "participantno", "participantnr", "idnumber", "idno", "refno",
    "personno", "memberno", "membernumber", "number", "no", "nr", "uid", "identifier", "code",
    "identifiant", "numero", "nummer", "idparticipant", "rhif",
)
_NAME_KEYS = (
    "name", "fullname", "participantname", "participant", "person", "displayname",
    "membername", "nom", "nomcomplet", "nometprenom", "prenometnom", "nombre",
    "nombrecompleto", "naam", "volledigenaam", "navn", "enw", "enwllawn",
    "vollstandigername",
)
_FIRST_KEYS = ("firstname", "givenname", "forename", "first", "given", "prenom", "vorname")
_LAST_KEYS = ("lastname", "surname", "familyname", "last", "family", "nomdefamille", "nachname")
_ROLE_KEYS = ("role", "participantrole")
_ID_SUFFIX = re.compile(r"(?:^|[\s_.\-])(?i:id)$|[a-z]ID$")
_DELIMITERS = (",", ";", "\t")
_NOT_CONTENT = str.maketrans("", "", ",;\t\"\ufeff")
MAX_BYTES = 50 * 1024 * 1024


class Auto(Enum):
    """Let the importer pick the column."""

    AUTO = "auto"


AUTO = Auto.AUTO


class ImportFileError(UserError):
    """The list cannot be imported; the message names file, line and column."""

    def __init__(
        self,
        file_name: str,
        problem: str,
        line: int | None = None,
        column: int | None = None,
        column_name: str | None = None,
        *,
        spreadsheet: bool = False,
    ) -> None:
        where = [file_name]
        if line is not None:
            where.append((_("row {n}") if spreadsheet else _("line {n}")).format(n=line))
        if column is not None:
            label = _column_letter(column) if spreadsheet else str(column)
            where.append(
                _("column {col} ({name})").format(col=label, name=column_name)
                if column_name
                else _("column {col}").format(col=label)
            )
        super().__init__(", ".join(where) + ": " + problem)
        self.file_name = file_name
        self.problem = problem
        self.line = line
        self.column = column
        self.column_name = column_name


@dataclass(frozen=True)
class RawTable:
    """A rectangular table of text cells with their source line numbers."""

    file_name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str
    delimiter: str | None
    sha256: str
    spreadsheet: bool
    positions: list[int] = field(default_factory=list)
    """1-based column of the source file for each kept column (empty margins are dropped)."""

    def position(self, index: int) -> int:
        return self.positions[index] if index < len(self.positions) else index + 1


@dataclass(frozen=True)
class ParsedPerson:
    line: int
    ext_id: str
    name: str
    role: str
    attributes: dict[str, str]


@dataclass(frozen=True)
class ParsedList:
    """A checked participant list, ready to merge into an event."""

    file_name: str
    sha256: str
    encoding: str
    delimiter: str | None
    columns: list[str]
    id_column: str | None
    name_columns: list[str]
    role_column: str | None
    attribute_columns: list[str]
    people: list[ParsedPerson] = field(default_factory=list)


@dataclass(frozen=True)
class ColumnGuess:
    id_column: str | None
    name_columns: list[str]
    role_column: str | None


# -- reading files -----------------------------------------------------------------------


def read_table(path: Path | str) -> RawTable:
    """Read CSV (any of the usual encodings and delimiters) or XLSX into a :class:`RawTable`."""
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(name, _("could not be read ({detail}).").format(
            detail=exc.strerror or exc)) from exc
    if len(data) > MAX_BYTES:
        raise ImportFileError(name, _("is larger than 50 MB; this is not a participant list."))
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise ImportFileError(name, _("the file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, data, digest)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            name, _("this is an old-style Excel (.xls) file. Save it as .xlsx or CSV and "
                    "import that."))
    text, encoding = decode_text(name, data)
    return _read_csv(name, text, encoding, digest)


def decode_text(name: str, data: bytes) -> tuple[str, str]:
    """The text of a CSV file's bytes and the encoding it was in; refuses binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        if b"\x00" in data:
            _refuse_binary(name, data)
        candidates = ["utf-8", "cp1252", "latin-1"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and _UTF8_MULTIBYTE.search(data):
                # Some lines are UTF-8 and some are not (two lists pasted together): reading
                # it all as Windows-1252 would garble every accented name in the UTF-8 part.
                line = data[: exc.start].count(b"\n") + 1
                raise ImportFileError(
                    name,
                    _("this line is in a different text encoding from the rest of the file "
                      "(the rest is UTF-8). Save the whole list again as UTF-8 CSV."),
                    line=line) from exc
            continue
        _refuse_control_chars(name, text)
        return text, encoding
    raise ImportFileError(name, _("the text encoding could not be recognised."))


def _refuse_binary(name: str, data: bytes) -> None:
    line = data[: data.index(b"\x00")].count(b"\n") + 1
    raise ImportFileError(
        name,
        _("this is not a text (CSV) file: it contains binary data. Export the list from your "
          "spreadsheet as CSV or XLSX."),
        line=line,
    )


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse_control_chars(name: str, text: str) -> None:
    found = _CONTROL.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        raise ImportFileError(
            name,
            _("this is not a text (CSV) file: it contains a control character "
              "(code {code}). Export the list from your spreadsheet as CSV or XLSX.").format(
                code=ord(found.group())),
            line=line,
        )


def _read_csv(name: str, text: str, encoding: str, digest: str) -> RawTable:
    if not text.translate(_NOT_CONTENT).strip():
        raise ImportFileError(name, _("the file is empty."))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            rows.append((start, [cell.strip() for cell in record]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(
            name,
            _("the file is not valid CSV here ({detail}); look for a stray quotation "
              "mark.").format(detail=exc),
            line=start,
        ) from exc
    rows = [(line, cells) for line, cells in rows if any(cells)]
    if not rows:
        raise ImportFileError(name, _("the file is empty."))
    header_line, header = rows[0]
    return _rectangular(name, header_line, header, rows[1:], encoding, delimiter, digest, False)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most, equally long, rows."""
    sample = text[:65536]
    best, best_score = ",", (-1, -1)
    for delimiter in _DELIMITERS:
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            lengths = [len(r) for _i, r in zip(range(50), reader, strict=False) if any(r)]
        except csv.Error:
            continue
        if not lengths:
            continue
        # A partial last row in the sample must not count against consistency.
        consistent = sum(1 for n in lengths[:-1] if n == lengths[0]) if len(lengths) > 1 else 1
        score = (consistent if lengths[0] > 1 else 0, lengths[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _rectangular(
    name: str,
    header_line: int,
    header: list[str],
    body: list[tuple[int, list[str]]],
    encoding: str,
    delimiter: str | None,
    digest: str,
    spreadsheet: bool,
) -> RawTable:
    """Check that every row has one cell per heading, drop empty margins, check headings."""
    width = len(header)
    # A trailing delimiter after the headings, with nothing under it, is an export artefact:
    # rows may then have that trailing field or not.
    while width and not header[width - 1] and all(
        len(cells) < width or not cells[width - 1] for _l, cells in body
    ):
        width -= 1
    header = header[:width]
    rows: list[tuple[int, list[str]]] = []
    for line, cells in body:
        if len(cells) > width:
            extra = [i for i in range(width, len(cells)) if cells[i]]
            if extra:
                if spreadsheet:
                    problem = _("this row has {n} values but only {w} column headings; give "
                                "the extra column a heading, or clear it.").format(
                        n=len([c for c in cells if c]), w=len([h for h in header if h]))
                else:
                    problem = _("this row has {n} values but the first line has {w} column "
                                "headings (an extra delimiter, or a value with an unquoted "
                                "'{d}'?).").format(n=len(cells), w=width, d=delimiter or ",")
                raise ImportFileError(name, problem, line=line, column=extra[0] + 1,
                                      spreadsheet=spreadsheet)
            cells = cells[:width]
        elif len(cells) < width:
            if not spreadsheet:
                raise ImportFileError(
                    name,
                    _("this row has {n} values but the first line has {w} column headings "
                      "(a missing delimiter?).").format(n=len(cells), w=width),
                    line=line, column=len(cells) + 1, column_name=header[len(cells)] or None)
            cells = cells + [""] * (width - len(cells))
        rows.append((line, cells))
    # A column with neither heading nor values is layout (a margin left of a spreadsheet
    # table, a trailing delimiter): drop it, but keep each column's place for messages.
    keep = [i for i in range(width) if header[i] or any(cells[i] for _l, cells in rows)]
    if not keep:
        raise ImportFileError(name, _("the first line has no column headings."),
                              line=header_line, spreadsheet=spreadsheet)
    seen: dict[str, int] = {}
    for i in keep:
        heading = header[i]
        if not heading:
            raise ImportFileError(
                name, _("this column has no heading; give every column a name in the first "
                        "line."), line=header_line, column=i + 1, spreadsheet=spreadsheet)
        key = fold(heading)
        if key in seen:
            raise ImportFileError(
                name,
                _("the heading '{heading}' appears twice (also column {other}); every column "
                  "needs its own heading.").format(
                    heading=heading,
                    other=_column_letter(seen[key]) if spreadsheet else seen[key]),
                line=header_line, column=i + 1, spreadsheet=spreadsheet)
        seen[key] = i + 1
    return RawTable(
        file_name=name,
        header=[header[i] for i in keep],
        rows=[(line, [cells[i] for i in keep]) for line, cells in rows],
        encoding=encoding,
        delimiter=delimiter,
        sha256=digest,
        spreadsheet=spreadsheet,
        positions=[i + 1 for i in keep],
    )


def _read_xlsx(path: Path, data: bytes, digest: str) -> RawTable:
    name = path.name
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is a declared dependency
        raise ImportFileError(name, _("Excel support is not installed.")) from exc
    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it ignores; they do not affect values.
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            raise ImportFileError(
                name, _("this is not a readable Excel (.xlsx) workbook ({detail}).").format(
                    detail=exc.__class__.__name__)) from exc
        except Exception as exc:  # openpyxl raises its own InvalidFileException and friends
            raise ImportFileError(
                name, _("this is not a readable Excel (.xlsx) workbook ({detail}).").format(
                    detail=exc)) from exc
        try:
            rows = _first_sheet_with_data(workbook)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            raise ImportFileError(
                name, _("this Excel workbook is damaged ({detail}).").format(
                    detail=exc.__class__.__name__)) from exc
        finally:
            workbook.close()
    if not rows:
        raise ImportFileError(name, _("the first worksheet is empty."))
    header_line, header = rows[0]
    return _rectangular(name, header_line, header, rows[1:], "xlsx", None, digest, True)


def _first_sheet_with_data(workbook: Any) -> list[tuple[int, list[str]]]:
    """Non-empty rows (with their row numbers) of the first worksheet that has any."""
    for sheet in workbook.worksheets:
        rows: list[tuple[int, list[str]]] = []
        for index, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                rows.append((index, cells))
        if rows:
            return rows
    return []


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# -- choosing columns and checking people ---------------------------------------------------


def guess_columns(header: list[str]) -> ColumnGuess:
    """Pick the ID, name and role columns by their headings (case, accents, spaces ignored)."""
    keys = [header_key(h) for h in header]

    def first(candidates: tuple[str, ...]) -> str | None:
        for candidate in candidates:
            if candidate in keys:
                return header[keys.index(candidate)]
        return None

    id_column = first(_ID_KEYS)
    if id_column is None:
        # "Badge ID", "member_id", "PersonID" — but not "Paid", "Valid" or "Covid".
        id_column = next((h for h in header if _ID_SUFFIX.search(h) and len(h) <= 24), None)
    name = first(_NAME_KEYS)
    name_columns: list[str] = []
    if name is not None:
        name_columns = [name]
    else:
        given, family = first(_FIRST_KEYS), first(_LAST_KEYS)
        name_columns = [c for c in (given, family) if c is not None]
    role_column = first(_ROLE_KEYS)
    if role_column in name_columns or role_column == id_column:
        role_column = None
    return ColumnGuess(id_column, name_columns, role_column)


def parse_people(
    path: Path | str,
    id_column: str | Auto | None = AUTO,
    name_columns: list[str] | Auto = AUTO,
) -> ParsedList:
    """Read and check a participant list; raise :class:`ImportFileError` on the first problem."""
    return people_from_table(read_table(path), id_column, name_columns)


def people_from_table(
    table: RawTable,
    id_column: str | Auto | None = AUTO,
    name_columns: list[str] | Auto = AUTO,
) -> ParsedList:
    name = table.file_name
    sheet = table.spreadsheet
    guess = guess_columns(table.header)
    by_fold = {fold(h): i for i, h in enumerate(table.header)}

    def column_index(heading: str) -> int:
        index = by_fold.get(fold(heading))
        if index is None:
            raise ImportFileError(
                name, _("there is no column called '{heading}'. The columns are: {columns}.")
                .format(heading=heading, columns=", ".join(table.header)))
        return index

    chosen_id = guess.id_column if id_column is AUTO else id_column
    chosen_names = guess.name_columns if name_columns is AUTO else list(name_columns)
    if not chosen_names:
        raise ImportFileError(
            name,
            _("no column with people's names was found (looked for a heading such as 'Name', "
              "or 'First name' and 'Last name'). The columns are: {columns}. Choose the name "
              "column when importing.").format(columns=", ".join(table.header)))
    id_index = None if chosen_id is None else column_index(chosen_id)
    name_indices = [column_index(c) for c in chosen_names]
    role_index = None
    if guess.role_column is not None:
        candidate = column_index(guess.role_column)
        if candidate != id_index and candidate not in name_indices:
            role_index = candidate
    used = {i for i in [id_index, role_index, *name_indices] if i is not None}
    attribute_indices = [i for i in range(len(table.header)) if i not in used]
    attribute_columns = [table.header[i] for i in attribute_indices]

    people: list[ParsedPerson] = []
    first_line_of: dict[str, int] = {}
    for line, cells in table.rows:
        full_name = " ".join(cells[i] for i in name_indices if cells[i])
        if not full_name:
            raise ImportFileError(
                name, _("the name is empty."), line=line, column=table.position(name_indices[0]),
                column_name=table.header[name_indices[0]], spreadsheet=sheet)
        if id_index is not None:
            ext_id = cells[id_index]
            if not ext_id:
                raise ImportFileError(
                    name, _("the ID is empty; every person needs an ID."), line=line,
                    column=table.position(id_index), column_name=table.header[id_index],
                    spreadsheet=sheet)
        else:
            ext_id = full_name
        if ext_id in first_line_of:
            if id_index is None:
                problem = _("'{name}' is also on {where} {other}, and the file has no ID "
                            "column to tell them apart. Add an ID column, or choose one when "
                            "importing.")
                column = name_indices[0]
            else:
                problem = _("the ID '{id}' is also on {where} {other}; every person needs "
                            "their own ID.")
                column = id_index
            raise ImportFileError(
                name,
                problem.format(name=full_name, id=ext_id, other=first_line_of[ext_id],
                               where=_("row") if sheet else _("line")),
                line=line, column=table.position(column), column_name=table.header[column],
                spreadsheet=sheet)
        first_line_of[ext_id] = line
        role = "participant"
        if role_index is not None:
            word = header_key(cells[role_index])
            if word not in _ROLE_WORDS:
                raise ImportFileError(
                    name,
                    _("'{value}' is not a role Facilitator knows; use one of: {roles} "
                      "(or leave it empty for a participant).").format(
                        value=cells[role_index], roles=", ".join(ROLES)),
                    line=line, column=table.position(role_index),
                    column_name=table.header[role_index], spreadsheet=sheet)
            role = _ROLE_WORDS[word]
        attributes = {table.header[i]: cells[i] for i in attribute_indices}
        people.append(ParsedPerson(line, ext_id, full_name, role, attributes))
    if not people:
        raise ImportFileError(
            name, _("the file has column headings but no people under them."),
            line=table.rows[0][0] if table.rows else None, spreadsheet=sheet)
    return ParsedList(
        file_name=name,
        sha256=table.sha256,
        encoding=table.encoding,
        delimiter=table.delimiter,
        columns=list(table.header),
        id_column=None if id_index is None else table.header[id_index],
        name_columns=[table.header[i] for i in name_indices],
        role_column=None if role_index is None else table.header[role_index],
        attribute_columns=attribute_columns,
        people=people,
    )


# -- tidying a list before it is imported (issue 13) ------------------------------------------


@dataclass(frozen=True)
class ValueGroup:
    """Values of one column that look like spellings of one category ("F", "female",
    "Female"): left apart they would be separate groups in table balance and speaking
    equity. ``values`` are (value, how many people have it), the commonest first."""

    column: str
    values: tuple[tuple[str, int], ...]

    @property
    def keep(self) -> str:
        """The spelling suggested: the commonest (on a tie, the longest)."""
        return self.values[0][0]

    def describe(self) -> str:
        return ", ".join(_("“{value}” ({n})").format(value=v, n=n) for v, n in self.values)


@dataclass(frozen=True)
class LostCharacters:
    """A cell whose text looks damaged by a wrong text encoding: "Gw?n" (a character the
    exporting program could not write), "SiÃ¢n" (UTF-8 read as Windows-1252), "�"."""

    line: int
    column: str
    value: str


_SPELLING_KEY = re.compile(r"[^0-9a-z]+")
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]|â€|Å[\u0080-\u00bf]|Ä[\u0080-\u00bf]")
_LOST = re.compile(r"\w\?+\w|\ufffd", re.UNICODE)


def _spelling_key(value: str) -> str:
    """"Non-binary", "nonbinary", "NON BINARY " → "nonbinary"."""
    return _SPELLING_KEY.sub("", fold(value))


def _one_slip(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one letter added, dropped or changed."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def value_groups(parsed: ParsedList, *, most_values: int = 40) -> list[ValueGroup]:
    """The values of each information column that look like spellings of one category:
    the same but for case, accents, spaces or punctuation ("Female", "female ",
    "non-binary", "Non Binary"); a single letter that is the initial of exactly one other
    value ("F" and "Female"); or one letter apart in words of five letters or more
    ("Riverside", "Riverdide"; not codes with digits). Columns of many different values
    (free text: more than ``most_values``) or of a different value each are left alone.
    Only suggestions: the person importing chooses which to merge."""
    groups: list[ValueGroup] = []
    for column in parsed.attribute_columns:
        counts: dict[str, int] = {}
        for person in parsed.people:
            value = person.attributes.get(column, "")
            if value.strip():
                counts[value] = counts.get(value, 0) + 1
        if len(counts) < 2 or len(counts) > most_values or (
                len(counts) > 5 and max(counts.values()) == 1):
            continue  # one value, free text, or a value each (postcodes): no categories
        for values in _spellings_of_one(list(counts)):
            if len(values) > 1:
                ranked = sorted(values, key=lambda v: (-counts[v], -len(v.strip()), v))
                groups.append(ValueGroup(column, tuple((v, counts[v]) for v in ranked)))
    return groups


def _spellings_of_one(values: list[str]) -> list[list[str]]:
    """``values`` put in groups that look like one category each (see :func:`value_groups`)."""
    by_key: dict[str, list[str]] = {}
    for value in values:
        by_key.setdefault(_spelling_key(value), []).append(value)
    keys = [k for k in by_key if k]
    parent = {k: k for k in keys}

    def root(k: str) -> str:
        while parent[k] != k:
            k = parent[k]
        return k

    def join(a: str, b: str) -> None:
        parent[root(a)] = root(b)

    for key in keys:
        if len(key) == 1 and key.isalpha():
            longer = [k for k in keys if len(k) > 1 and k.startswith(key)]
            if len(longer) == 1:
                join(key, longer[0])
    long_keys = [k for k in keys if len(k) >= 5 and k.isalpha()]  # words, not codes
    for i, a in enumerate(long_keys):
        for b in long_keys[i + 1:]:
            if _one_slip(a, b):
                join(a, b)
    merged: dict[str, list[str]] = {}
    for key in keys:
        merged.setdefault(root(key), []).extend(by_key[key])
    return list(merged.values())


def merge_values(parsed: ParsedList, merges: dict[str, dict[str, str]]) -> ParsedList:
    """``parsed`` with, in each column of ``merges``, every value mapped to the spelling it
    is merged into (``{"Gender": {"F": "Female", "female": "Female"}}``)."""
    if not merges:
        return parsed
    people = []
    for person in parsed.people:
        attributes = {column: merges.get(column, {}).get(value, value)
                      for column, value in person.attributes.items()}
        people.append(ParsedPerson(person.line, person.ext_id, person.name, person.role,
                                   attributes))
    return ParsedList(
        file_name=parsed.file_name, sha256=parsed.sha256, encoding=parsed.encoding,
        delimiter=parsed.delimiter, columns=list(parsed.columns),
        id_column=parsed.id_column, name_columns=list(parsed.name_columns),
        role_column=parsed.role_column, attribute_columns=list(parsed.attribute_columns),
        people=people)


def lost_characters(parsed: ParsedList) -> list[LostCharacters]:
    """Names and values whose characters look lost to a wrong text encoding, in file order."""
    found = []
    for person in parsed.people:
        cells = [(_("Name"), person.name), *person.attributes.items()]
        for column, value in cells:
            if _LOST.search(value) or _MOJIBAKE.search(value):
                found.append(LostCharacters(person.line, column, value))
    return found


def lost_characters_warning(found: list[LostCharacters], *, most: int = 5) -> str:
    """One paragraph about ``found`` for the person importing ("" when nothing was)."""
    if not found:
        return ""
    shown = "; ".join(_("line {line}: “{value}”").format(line=f.line, value=f.value)
                      for f in found[:most])
    more = len(found) - most
    if more > 0:
        shown += " " + _("and {n} more").format(n=more)
    return _("Some characters look lost to a wrong text encoding ({cells}). A “?” or "
             "“Ã…” stands where a letter such as â, ŵ or é was. The list can be imported "
             "as it is and corrected later (Edit person), but it is better to export it "
             "again as UTF-8 CSV or XLSX and import that.").format(cells=shown)
