"""Badges with the long (12-character) codes and an old short one still lay out: the grouped
code is printed under its QR code, fits the QR's width, and the QR holds the code itself."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from facilitator import codes
from facilitator.people import (
    check_in,
    find_by_scan,
    import_people,
    list_participants,
    parse_people,
)
from facilitator.reports.fonts import register
from facilitator.reports.tables import write_badges
from facilitator.store import EventStore
from facilitator.tables import ops, plans, queries

PRINTED = datetime(2026, 11, 21, 10, 30, tzinfo=UTC)


@pytest.fixture
def seated(store: EventStore, tmp_path: Path) -> EventStore:
    lines = ["ID,Name"] + [f"B{i:02d},Person {i:02d}" for i in range(10)]
    path = tmp_path / "people.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_people(store, parse_people(path), actor="test")
    people = list_participants(store)
    for person in people:
        check_in(store, person.id, actor="test")
    with store.transaction():  # one badge from before codes were lengthened
        store.execute("UPDATE participants SET badge_code = ? WHERE id = ?",
                      (codes.new_code(6), people[0].id))
    ops.save_settings(store, plans.TableSettings(rounds=1, table_size=5), actor="test")
    ops.allocate_and_save(store, iterations=200, actor="test")
    return store


def qr_texts(pdf: Path, out: Path) -> list[list[str]]:
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), str(out / "page")],
                   check=True, capture_output=True)
    pages = sorted(out.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
    found = []
    for page in pages:
        with Image.open(page) as image:
            found.append(sorted(b.text for b in zxingcpp.read_barcodes(
                image, formats=zxingcpp.BarcodeFormat.QRCode)))
    return found


@pytest.mark.parametrize("layout", ["a6", "labels"])
def test_badges_print_long_and_old_codes(seated: EventStore, tmp_path: Path,
                                         layout: str) -> None:
    people = {p.id: p for p in list_participants(seated)}
    assert sorted(len(p.badge_code) for p in people.values()) == [7] + [12] * 9
    view = queries.plan_view(seated)
    pdf = write_badges(tmp_path / f"{layout}.pdf", view, layout=layout, printed_at=PRINTED)
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    for person in people.values():
        assert codes.pretty(person.badge_code) in text
    scanned = [code for page in qr_texts(pdf, tmp_path) for code in page]
    assert sorted(scanned) == sorted(p.badge_code for p in people.values())
    # What the desk scanner types (the QR's text) checks the person in.
    for code in scanned:
        assert find_by_scan(seated, code).badge_code == code


def code_boxes(pdf: Path) -> list[tuple[str, float, float]]:
    """Every printed badge code on each page: (text, left, right) in points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    regular, _bold = register()
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object,
              size: float) -> None:
        text = text.strip()
        if codes.check_badge_code(codes.normalise(text)) in ("ok", "old") and "-" in text:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            found.append((text, x, x + stringWidth(text, regular, size * tm[0] * cm[0])))

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return found


def test_the_widest_code_stays_on_its_label(store: EventStore, tmp_path: Path) -> None:
    from reportlab.lib.units import mm

    path = tmp_path / "people.csv"
    path.write_text("ID,Name\nW1,Wide\nW2,Narrow\n", encoding="utf-8")
    import_people(store, parse_people(path), actor="test")
    wide, narrow = list_participants(store)
    widest = "W" * codes.BADGE_BODY_LENGTH
    with store.transaction():
        store.execute("UPDATE participants SET badge_code = ? WHERE id = ?",
                      (widest + codes.check_char(widest), wide.id))
    for person in (wide, narrow):
        check_in(store, person.id, actor="test")
    ops.save_settings(store, plans.TableSettings(rounds=1, table_size=2), actor="test")
    ops.allocate_and_save(store, iterations=10, actor="test")
    pdf = write_badges(tmp_path / "labels.pdf", queries.plan_view(store), layout="labels",
                       printed_at=PRINTED)
    boxes = code_boxes(pdf)
    assert len(boxes) == 2
    left, label, gap = 4.65 * mm, 99.1 * mm, 2.5 * mm
    for (text, start, end), column in zip(sorted(boxes, key=lambda b: b[1]), (0, 1),
                                          strict=True):
        label_left = left + column * (label + gap)
        assert label_left < start < end < label_left + label - 2 * mm, (text, start, end)
