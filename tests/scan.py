"""What a hand scanner reads from printed ballot papers: the one QR code of each page.

A scanner is pointed at the code, so it sees the QR symbol and its margin, not the mark boxes,
the questions or the code in print. Reading a whole page at low resolution (as the tests once
did, at 50 dpi, every barcode format) sometimes found a second, spurious "code" in the rest of
the page, depending on the random codes drawn. Here each page is rendered at ``DPI`` around
the QR code only (where ``facilitator.reports.ballots`` draws it), without anti-aliasing (each
module is a clean block of pixels), given a white quiet zone of four modules (the QR
standard's), and read for QR codes only; a page must give exactly one.
``tests/unit/ballots/test_paper_scan.py`` proves it on many random papers.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image, ImageOps
from pypdf import PdfReader

from facilitator.reports.ballots import MARGIN, MM, QR_SIZE

DPI = 100  # a module (36 mm / 21) is 6.75 pixels: far from the edge of what zxing reads
MODULES = 21  # a ballot code is a version-1 symbol (tests/unit/ballots/test_ballot_pdf.py)
SIDE = 7 * MM  # paper around the symbol on the left, top and right (the text column is 8 mm away)
BELOW = 2 * MM  # under the symbol: the code in print starts about 2.2 mm below it


def qr_region(width: float, height: float, dpi: int = DPI) -> tuple[int, int, int, int]:
    """(x, y, w, h) in pixels from the top-left corner of the page: the QR code and its
    margin on a ballot page of ``width`` x ``height`` points."""
    scale = dpi / 72
    left = width - MARGIN - QR_SIZE - SIDE
    top = MARGIN - SIDE
    return (round(left * scale), round(top * scale), round((QR_SIZE + 2 * SIDE) * scale),
            round((QR_SIZE + SIDE + BELOW) * scale))


def read_qr(image: Image.Image, dpi: int = DPI) -> list[str]:
    """The QR codes in ``image`` (a crop around one symbol), given a full quiet zone."""
    quiet = round(4 * QR_SIZE / MODULES * dpi / 72)
    padded = ImageOps.expand(image.convert("L"), border=quiet, fill=255)
    return [b.text for b in zxingcpp.read_barcodes(padded, formats=zxingcpp.BarcodeFormat.QRCode)]


def paper_codes_scanned(pdf: Path, out: Path, dpi: int = DPI) -> list[str]:
    """The QR code of every page of a ballot-paper PDF, in page order (exactly one a page)."""
    box = PdfReader(pdf).pages[0].mediabox
    x, y, w, h = qr_region(float(box.width), float(box.height), dpi)
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-x", str(x), "-y", str(y), "-W", str(w),
                    "-H", str(h), "-gray", "-aa", "no", "-aaVector", "no", "-png", str(pdf),
                    str(out / "qr")], check=True, capture_output=True)
    found = []
    for page in sorted(out.glob("qr-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
        with Image.open(page) as image:
            codes = read_qr(image, dpi)
        assert len(codes) == 1, f"{pdf.name} page {page.stem.split('-')[-1]}: {codes}"
        found.append(codes[0])
    return found


def card_codes_scanned(pdf: Path, out: Path, dpi: int = DPI) -> list[str]:
    """The QR code of every write-in card of a PDF (two cards a sheet,
    :mod:`facilitator.reports.cards`), in order: each half page read around its QR code
    only. A sheet's top card must give exactly one code, its bottom card one or none (the
    last sheet of an odd number of cards)."""
    from facilitator.reports.cards import CARD_MARGIN, CARD_QR_BOTTOM, CARD_QR_SIZE

    box = PdfReader(pdf).pages[0].mediabox
    width, height = float(box.width), float(box.height)
    scale = dpi / 72
    side = 5 * MM
    out.mkdir(parents=True, exist_ok=True)
    halves = []
    for name, top in (("top", 0.0), ("bottom", height / 2)):
        x = width - CARD_MARGIN - CARD_QR_SIZE - side
        y = top + CARD_QR_BOTTOM - CARD_QR_SIZE - side
        size = CARD_QR_SIZE + 2 * side
        subprocess.run(["pdftoppm", "-r", str(dpi), "-x", str(round(x * scale)),
                        "-y", str(round(y * scale)), "-W", str(round(size * scale)),
                        "-H", str(round(size * scale)), "-gray", "-aa", "no", "-aaVector", "no",
                        "-png", str(pdf), str(out / name)], check=True, capture_output=True)
        halves.append(sorted(out.glob(f"{name}-*.png"),
                             key=lambda p: int(p.stem.split("-")[-1])))
    found = []
    for number, (upper, lower) in enumerate(zip(*halves, strict=True), start=1):
        for image_path, needed in ((upper, True), (lower, False)):
            with Image.open(image_path) as image:
                codes = read_qr(image, dpi)
            assert len(codes) == (1 if needed else len(codes)) and len(codes) <= 1, (
                f"{pdf.name} sheet {number}: {codes}")
            found += codes
    return found
