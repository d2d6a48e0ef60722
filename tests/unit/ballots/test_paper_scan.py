"""The scan the ballot tests rely on (``tests/scan.py``) reads every random paper, once.

A test that printed 120 papers and read them back at 50 dpi, whole pages, every barcode
format, failed now and then on a fresh machine: on some papers (the codes are random) zxing
found a second, spurious code. The tests now read what a hand scanner sees, the QR symbol of
each page at 100 dpi; these tests show that it reads one code, the right one, from every
page of 500 random papers (seeded, so a failure names a code that can be reproduced), and
that it still does at a third of that resolution.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from pypdf import PdfReader

from facilitator.ballots import is_ballot_code
from facilitator.ballots.codes import new_unique_codes
from facilitator.reports.ballots import write_ballot_papers
from facilitator.store import EventStore

from ...scan import DPI, paper_codes_scanned
from .conftest import open_round


@pytest.mark.slow
@pytest.mark.parametrize(("papers", "page_size", "dpi"), [
    (500, "A4", DPI),
    (100, "letter", DPI),
    (200, "A4", 36),  # 2.4 pixels a module: the margin below the resolution the tests use
])
def test_every_page_of_many_random_papers_scans_to_its_one_code(
        demo: EventStore, seeded_codes: random.Random, tmp_path: Path, papers: int,
        page_size: str, dpi: int) -> None:
    r, issued = open_round(demo, papers)
    pdf = write_ballot_papers(tmp_path / "papers.pdf", r, issued, event_name=demo.name,
                              page_size=page_size)
    pages = len(PdfReader(pdf).pages)
    per_paper = pages // papers
    assert pages == papers * per_paper and per_paper == 1  # three questions: one sheet
    scanned = paper_codes_scanned(pdf, tmp_path / "scan", dpi)
    assert scanned == [p.code for p in issued for _ in range(per_paper)]
    assert all(is_ballot_code(code) for code in scanned)


def test_seeded_codes_are_the_same_on_every_run(seeded_codes: random.Random) -> None:
    first = new_unique_codes(5)
    seeded_codes.seed(14)
    assert new_unique_codes(5) == first and len(set(first)) == 5
    assert all(is_ballot_code(code) for code in first)
