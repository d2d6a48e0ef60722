"""Reading printed badges back as a desk and a reader would: the PDF's text (every name and
grouped code), each page rendered with pdftoppm, and every QR code decoded with zxing-cpp and
scanned at the desk (it must find the person it was printed for)."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import zxingcpp
from PIL import Image
from pypdf import PdfReader

from facilitator import codes
from facilitator.people import Participant, find_by_scan
from facilitator.store import EventStore


def badge_text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def rendered_pages(pdf: Path, out: Path, dpi: int = 150) -> list[Path]:
    """Every page of ``pdf`` rendered to a grey PNG by pdftoppm (fails if it cannot)."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(out / "page")],
                   check=True, capture_output=True)
    pages = sorted(out.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
    assert len(pages) == len(PdfReader(pdf).pages)
    return pages


def scanned_codes(pdf: Path, out: Path) -> list[str]:
    """The text of every QR code on the rendered pages."""
    found = []
    for page in rendered_pages(pdf, out):
        with Image.open(page) as image:
            assert image.getextrema() != (255, 255), f"{page.name} is blank"
            found += [b.text for b in zxingcpp.read_barcodes(
                image, formats=zxingcpp.BarcodeFormat.QRCode)]
    return found


def check_badges(store: EventStore, pdf: Path, people: list[Participant], out: Path) -> str:
    """Assert that ``pdf`` holds one badge for each of ``people``: name and grouped code in
    its text, and a QR code that checks exactly that person in. Returns the PDF's text."""
    text = badge_text(pdf)
    # An Arabic name is drawn shaped (its letters' joined presentation forms), in visual
    # order; pypdf reads right-to-left runs back in logical order, and NFKC turns the
    # presentation forms back into the letters typed.
    letters = unicodedata.normalize("NFKC", text)
    for person in people:
        assert person.name in text or person.name in letters, person.name
        assert codes.pretty(person.badge_code) in text, person.badge_code
    scanned = scanned_codes(pdf, out)
    assert len(scanned) == len(people)
    assert sorted(find_by_scan(store, code).id for code in scanned) == sorted(
        p.id for p in people)
    return text
