"""Question cards read back: text, and each card's QR decodes to its table's code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.qa.model import table_from_scan
from facilitator.reports.qa_cards import write_question_cards

from ...scan import card_codes_scanned


def test_cards_read_back_and_qr_codes_decode(tmp_path: Path) -> None:
    pdf = write_question_cards(tmp_path / "cards.pdf", ["1", "2", "3", "12B"],
                               event_name="Riverside Assembly", panel_title="Transport")
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.count("Question for the expert panel") == 4
    assert "Table 12B" in text and "written answer" in text
    assert shutil.which("pdftoppm"), "pdftoppm missing: install poppler-utils (dev.py does)"
    found = [table_from_scan(code) for code in card_codes_scanned(pdf, tmp_path / "scan")]
    assert found == ["1", "2", "3", "12B"]


def test_no_tables_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no tables"):
        write_question_cards(tmp_path / "x.pdf", [], event_name="E")
