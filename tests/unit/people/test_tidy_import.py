"""Issue 13: a messy list's category values ("F", "female", "Female") are offered to merge
at import, and characters lost to a wrong text encoding ("Gw?n") are pointed out."""

from __future__ import annotations

from pathlib import Path

from facilitator.people import import_people, list_participants
from facilitator.people.importer import (
    lost_characters,
    lost_characters_warning,
    merge_values,
    parse_people,
    value_groups,
)
from facilitator.store import EventStore

MESSY = """ID,Name,Gender,Area,Postcode
1,Gw?n Pryce,F,Riverside,CF5 1AA
2,Siân Jones,female,riverside,CF5 1AB
3,Tomos Evans,Male,Old Town,CF5 1AC
4,Aled Hughes,M,Old town,CF5 1AD
5,Ffion Price,Female,Riverdide,CF5 1AE
6,Kwame Mensah,male,Hillcrest,CF5 1AF
7,Sam Taylor,Non-binary,Hillcrest,CF5 1AG
8,Alex Kim,non binary,Hillcrest,CF5 1AH
9,Mari Lewis,Female,Riverside,CF5 1AJ
10,SiÃ¢n Morgan,Female,Riverside,CF5 1AK
"""


def messy(tmp_path: Path) -> Path:
    """The list as a spreadsheet that went through a wrong conversion once left it: a "?"
    for a letter the exporting program could not write, UTF-8 read as Windows-1252."""
    path = tmp_path / "messy.csv"
    path.write_text(MESSY, encoding="utf-8")
    return path


def test_a_windows_1252_export_that_lost_a_letter_is_pointed_out(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("ID,Name,Gender\n1,Gwên Davies,F\n2,Gwŵn Pryce,Female\n".encode(
        "cp1252", errors="replace"))                  # ŵ is not in Windows-1252: "?"
    parsed = parse_people(path)
    assert parsed.encoding == "cp1252"
    assert [(f.line, f.value) for f in lost_characters(parsed)] == [(3, "Gw?n Pryce")]
    assert [g.keep for g in value_groups(parsed)] == ["Female"]


def test_spellings_of_one_category_are_found(tmp_path: Path) -> None:
    parsed = parse_people(messy(tmp_path))
    found = {(g.column, g.keep): [v for v, _n in g.values] for g in value_groups(parsed)}
    assert found[("Gender", "Female")] == ["Female", "female", "F"]
    assert found[("Gender", "Male")] == ["Male", "male", "M"]
    assert sorted(found[("Gender", "Non-binary")]) == ["Non-binary", "non binary"]
    assert sorted(found[("Area", "Riverside")]) == ["Riverdide", "Riverside", "riverside"]
    assert sorted(found[("Area", "Old Town")]) == ["Old Town", "Old town"]
    assert not [g for g in value_groups(parsed) if g.column == "Postcode"]  # all different


def test_merging_gives_one_group_per_category_in_the_event(
        tmp_path: Path, store: EventStore) -> None:
    parsed = parse_people(messy(tmp_path))
    merges: dict[str, dict[str, str]] = {}
    for group in value_groups(parsed):
        merges.setdefault(group.column, {}).update(
            {v: group.keep for v, _n in group.values if v != group.keep})
    import_people(store, merge_values(parsed, merges), actor="test")
    genders = {p.attributes["Gender"] for p in list_participants(store)}
    areas = {p.attributes["Area"] for p in list_participants(store)}
    assert genders == {"Female", "Male", "Non-binary"}
    assert areas == {"Riverside", "Old Town", "Hillcrest"}


def test_characters_lost_to_a_wrong_encoding_are_pointed_out(tmp_path: Path) -> None:
    parsed = parse_people(messy(tmp_path))
    found = lost_characters(parsed)
    assert [(f.line, f.value) for f in found] == [(2, "Gw?n Pryce"), (11, "SiÃ¢n Morgan")]
    warning = lost_characters_warning(found)
    assert "line 2: “Gw?n Pryce”" in warning and "UTF-8" in warning


def test_a_clean_list_has_nothing_to_merge_or_warn_about(tmp_path: Path) -> None:
    path = tmp_path / "clean.csv"
    path.write_text("ID,Name,Gender\n1,Siân Jones,Woman\n2,Tomás Ó Súilleabháin,Man\n"
                    "3,Who? Me,Woman\n", encoding="utf-8")
    parsed = parse_people(path)
    assert value_groups(parsed) == [] and lost_characters(parsed) == []
