"""Printed papers read back: the text is there, and every page's QR decodes to a known code."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.ballots import paper_codes, pretty
from facilitator.reports.ballots import qr_matrix, write_ballot_papers
from facilitator.store import EventStore

from ...scan import paper_codes_scanned
from .conftest import every_kind, open_round


def decode_pages(pdf: Path, out: Path) -> list[list[str]]:
    """The QR codes of every page, as a hand scanner reads them (tests/scan.py: one a page;
    a whole page read at low resolution could find a spurious second code on random papers)."""
    return [[code] for code in paper_codes_scanned(pdf, out / "scan")]


def test_every_page_of_every_paper_carries_a_code_the_round_knows(
        demo: EventStore, tmp_path: Path) -> None:
    r, papers = open_round(demo, 4, questions=every_kind())
    pdf = write_ballot_papers(tmp_path / "papers.pdf", r, papers, event_name=demo.name)
    reader = PdfReader(pdf)
    pages_per_paper = len(reader.pages) // 4
    assert len(reader.pages) == 4 * pages_per_paper and pages_per_paper >= 2
    known = {p.code for p in paper_codes(demo, r.id)}
    decoded = decode_pages(pdf, tmp_path)
    assert len(decoded) == len(reader.pages)
    for index, codes in enumerate(decoded):
        assert len(codes) == 1, f"page {index + 1}: {codes}"
        assert codes[0] in known
        assert codes[0] == papers[index // pages_per_paper].code
    # The human-readable code, the questions and the instructions are printed as text.
    first = "\n".join(reader.pages[i].extract_text() for i in range(pages_per_paper))
    first = first.replace("\u00a0", " ")
    assert pretty(papers[0].code) in first and "Paper 1" in first
    for q in r.questions:
        assert q.text in first, q.text
    assert "Mark ONE box" in first and "Playground" in first and "40 000" in first
    assert "Excellent" in first and "Do not write your name" in first


def test_a_three_question_round_and_letter_paper(demo: EventStore, tmp_path: Path) -> None:
    r, papers = open_round(demo, 3)
    pdf = write_ballot_papers(tmp_path / "p.pdf", r, papers, event_name=demo.name,
                              page_size="letter")
    reader = PdfReader(pdf)
    assert round(float(reader.pages[0].mediabox.width)) == 612
    decoded = decode_pages(pdf, tmp_path)
    assert {c for codes in decoded for c in codes} == {p.code for p in papers}


@pytest.mark.parametrize("code", ["ABCDEFGHJ", "Z00000000"])
def test_qr_matrix_is_the_smallest_symbol(code: str) -> None:
    matrix = qr_matrix(code)
    assert len(matrix) == 21  # version 1: big modules, easy to scan from a crumpled paper
