"""The printed table plans, read back: every page names the right people at the right table."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator import codes
from facilitator.people import check_in, import_people, list_participants, parse_people
from facilitator.reports.tables import write_badges, write_sheets
from facilitator.store import EventStore
from facilitator.tables import ops, plans, queries

PRINTED = datetime(2026, 11, 21, 10, 30, tzinfo=UTC)


@pytest.fixture
def planned(store: EventStore, tmp_path: Path) -> EventStore:
    lines = ["ID,Name,Gender,Area"]
    names = ["Siân Ó Súilleabháin", "Zoë Łukasik", "Bob Kowalski", "مريم حداد"]
    for i in range(26):
        name = names[i] if i < len(names) else f"Person {i:02d}"
        gender, area = ("Woman" if i % 2 else "Man"), ("North", "South")[i % 3 % 2]
        lines.append(f"A{i:02d},{name},{gender},{area}")
    path = tmp_path / "people.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_people(store, parse_people(path), actor="test")
    for person in list_participants(store):
        if person.ext_id not in ("A24", "A25"):
            check_in(store, person.id, actor="test")
    ops.save_settings(store, plans.TableSettings(
        rounds=3, table_size=6, attributes=(plans.AttributeChoice("Gender"),
                                            plans.AttributeChoice("Area")),
        rules=plans.SeatingRules(closed=((3, 2),))), actor="test")
    ops.allocate_and_save(store, iterations=10_000, actor="test")
    return store


def pages_text(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def test_one_page_per_table_and_round_with_its_people(planned: EventStore,
                                                      tmp_path: Path) -> None:
    plan = queries.current_plan(planned)
    assert plan is not None
    view = queries.plan_view(planned)
    pdf = write_sheets(tmp_path / "tables.pdf", view, kinds=["tables"], printed_at=PRINTED)
    pages = pages_text(pdf)
    names = {p.id: p.name for p in list_participants(planned)}
    expected = [(r, t) for r in range(plan.rounds) for t in range(plan.tables)
                if plan.seats[r][t]]
    assert len(pages) == len(expected) == 3 * 4 - 1  # table 4 is closed in round 3
    for text, (r, t) in zip(pages, expected, strict=True):
        assert f"Table {t + 1}" in text
        assert f"Round {r + 1} of 3 · {len(plan.seats[r][t])} people" in text
        for pid in plan.seats[r][t]:
            if names[pid].isascii():
                assert names[pid] in text
        others = {names[p] for tt, table in enumerate(plan.seats[r]) if tt != t
                  for p in table if names[p].startswith("Person")}
        assert not any(re.search(rf"\b{re.escape(n)}\b", text) for n in others)
        assert "Who is at this table" in text and "Gender:" in text and "room" in text


def test_only_the_asked_round(planned: EventStore, tmp_path: Path) -> None:
    view = queries.plan_view(planned)
    pdf = write_sheets(tmp_path / "r2.pdf", view, kinds=["tables"], rounds=[1],
                       printed_at=PRINTED)
    assert all("Round 2 of 3" in text for text in pages_text(pdf))


def test_entrance_list_and_room_plan(planned: EventStore, tmp_path: Path) -> None:
    plan = queries.current_plan(planned)
    assert plan is not None
    view = queries.plan_view(planned)
    pdf = write_sheets(tmp_path / "list.pdf", view, kinds=["list", "room"], printed_at=PRINTED,
                       page_size="letter")
    text = "\n".join(pages_text(pdf))
    assert "Find your table" in text
    for row in view.people:
        if row.name.startswith("Person"):
            numbers = "\n".join(str(t) for t in row.tables)
            assert f"{row.name}\n{numbers}\n" in text
    assert "Zoë Łukasik" in text and "Siân Ó Súilleabháin" in text
    for r in range(3):
        assert f"Room plan — round {r + 1} of 3" in text
    assert "not in use" in text
    assert PdfReader(pdf).pages[0].mediabox.width == pytest.approx(612)


def test_sheets_after_a_rebalance_mark_who_moved(planned: EventStore, tmp_path: Path) -> None:
    late = [p for p in list_participants(planned) if p.ext_id in ("A24", "A25")]
    for person in late:
        check_in(planned, person.id, actor="test")
    job = queries.prepare_rebalance(planned, 1)
    ops.save_rebalance(planned, job, queries.run_rebalance(job), actor="test")
    plan = queries.current_plan(planned)
    assert plan is not None
    view = queries.plan_view(planned)
    pdf = write_sheets(tmp_path / "after.pdf", view, kinds=["tables"], rounds=[1],
                       printed_at=PRINTED)
    text = "\n".join(pages_text(pdf))
    assert "re-balanced from round 2" in text
    assert text.count("new: just arrived") == 2
    for move in plan.moves:
        if move.round == 1 and move.from_table is not None:
            assert f"moved here from table {move.from_table + 1}" in text
    listing = "\n".join(pages_text(write_sheets(tmp_path / "l.pdf", view, kinds=["list"],
                                                printed_at=PRINTED)))
    assert "Highlighted: a table that changed in the re-balance." in listing


def dark_fraction(pgm: bytes) -> float:
    header, _sep, _rest = pgm.partition(b"\n255\n")
    width, height = (int(v) for v in header.split()[1:3])
    pixels = pgm[len(header) + 5:]
    assert len(pixels) == width * height
    return sum(1 for value in pixels if value < 128) / len(pixels)


def render(pdf: Path, out: Path, page: int = 1) -> bytes:
    assert shutil.which("pdftoppm"), "pdftoppm missing: install poppler-utils (dev.py does)"
    subprocess.run(["pdftoppm", "-gray", "-r", "50", "-f", str(page), "-l", str(page),
                    str(pdf), str(out)], check=True)
    return next(out.parent.glob(out.name + "*.pgm")).read_bytes()


def test_badges_name_tables_and_code(planned: EventStore, tmp_path: Path) -> None:
    view = queries.plan_view(planned)
    people = {p.id: p for p in list_participants(planned)}
    a6 = write_badges(tmp_path / "a6.pdf", view, layout="a6", printed_at=PRINTED)
    pages = pages_text(a6)
    assert len(pages) == len(view.people) == 24
    for text, row in zip(pages, view.people, strict=True):
        if row.name.isascii():
            assert row.name in text
        assert "Your table" in text
        for r, table in enumerate(row.tables):
            assert f"Round {r + 1}\n{table}\n" in text
        assert codes.pretty(people[row.participant_id].badge_code) in text
    assert PdfReader(a6).pages[0].mediabox.width == pytest.approx(297.64, abs=0.1)
    image = render(a6, tmp_path / "badge")
    assert 0.01 < dark_fraction(image) < 0.4
    labels = write_badges(tmp_path / "labels.pdf", view, layout="labels", printed_at=PRINTED)
    assert len(PdfReader(labels).pages) == 3  # 24 badges, 8 a sheet
    assert 0.01 < dark_fraction(render(labels, tmp_path / "labels")) < 0.4


def test_table_sheet_renders(planned: EventStore, tmp_path: Path) -> None:
    pdf = write_sheets(tmp_path / "t.pdf", queries.plan_view(planned), kinds=["tables"],
                       printed_at=PRINTED)
    assert 0.005 < dark_fraction(render(pdf, tmp_path / "sheet")) < 0.3
