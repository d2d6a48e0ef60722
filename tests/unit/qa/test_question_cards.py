"""Question cards read back: text, and each card's QR decodes to its table's code."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.qa.model import table_from_scan
from facilitator.reports.qa_cards import write_question_cards


def test_cards_read_back_and_qr_codes_decode(tmp_path: Path) -> None:
    import zxingcpp  # test extras
    from PIL import Image

    pdf = write_question_cards(tmp_path / "cards.pdf", ["1", "2", "3", "12B"],
                               event_name="Riverside Assembly", panel_title="Transport")
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.count("Question for the expert panel") == 4
    assert "Table 12B" in text and "written answer" in text
    assert shutil.which("pdftoppm"), "pdftoppm missing: install poppler-utils (dev.py does)"
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(pdf), str(tmp_path / "page")],
                   check=True)
    found = []
    for png in sorted(tmp_path.glob("page*.png")):
        image = Image.open(png)
        width, height = image.size
        for half in (image.crop((0, 0, width, height // 2)),
                     image.crop((0, height // 2, width, height))):
            found += [table_from_scan(r.text) for r in zxingcpp.read_barcodes(half)]
    assert found == ["1", "2", "3", "12B"]


def test_no_tables_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no tables"):
        write_question_cards(tmp_path / "x.pdf", [], event_name="E")
