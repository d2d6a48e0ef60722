"""Arabic prints joined and right to left: every PDF goes through the bundled fonts, which
shape the letters (contextual forms) and put each line in visual order; paragraphs and
table cells are right-aligned when the sheets are in Arabic. Read back with pdftotext
(which puts a right-to-left line back in logical order) and rendered with pdftoppm.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from facilitator.ballots import create_round, get_round, issue_codes
from facilitator.ballots.questions import Question
from facilitator.clock import FakeClock
from facilitator.i18n import language, set_language
from facilitator.reports.ballots import write_ballot_papers
from facilitator.reports.fonts import has_rtl, register, visual
from facilitator.reports.qa_cards import write_question_cards
from facilitator.store import EventStore

ROOT = Path(__file__).resolve().parents[2]
BASE_LETTERS = re.compile("[\u0621-\u064a]")
"""Arabic letters in their plain (unjoined) code points: a shaped PDF has none, it draws
presentation forms (U+FE70…U+FEFF) chosen by the letter's place in its word."""
MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

EVENT = "جمعية المواطنين في كارديف"
TITLE = "الجولة الأولى"
QUESTION = "هل توافق على خطة النقل الجديدة للمدينة؟"


@pytest.fixture
def arabic() -> Iterator[None]:
    before = language()
    set_language("ar")
    yield
    set_language(before)


def read_back(pdf: Path, tmp_path: Path) -> str:
    """The PDF's text as pdftotext reads it, after rendering every page with pdftoppm."""
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / pdf.stem)],
                   check=True, capture_output=True)
    assert list(tmp_path.glob(pdf.stem + "-*.png"))
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def logical(text: str) -> str:
    """Presentation forms back to letters, direction marks dropped, spaces squeezed."""
    return re.sub(r"\s+", " ", MARKS.sub("", unicodedata.normalize("NFKC", text)))


def test_visual_joins_the_letters_and_reverses_the_run(arabic: None) -> None:
    drawn = visual("باب")
    assert not BASE_LETTERS.search(drawn)  # every letter in its joined form
    assert unicodedata.normalize("NFKC", drawn) == "باب"[::-1]
    assert visual("John Smith 12") == "John Smith 12"  # no right-to-left letter: as it is
    assert visual("الجولة 2").startswith("2 ")  # the number keeps reading left to right
    drawn = visual("صوتوا (أوراق محسوبة)")  # brackets mirrored: "(…)" opens on the left
    assert drawn.index("(") < drawn.index(")") < drawn.index(visual("صوتوا"))


def test_ballot_papers_and_question_cards_print_arabic_shaped_and_in_order(
        arabic: None, tmp_path: Path) -> None:
    store = EventStore.create(tmp_path / "e.facilitator", EVENT, FakeClock())
    rid = create_round(store, TITLE, [Question.yes_no(QUESTION)], instructions=QUESTION,
                       actor="test").round.id
    papers = issue_codes(store, rid, 1, actor="test").papers
    ballots = write_ballot_papers(tmp_path / "ballots.pdf", get_round(store, rid), papers,
                                  event_name=EVENT)
    cards = write_question_cards(tmp_path / "cards.pdf", ["1"], event_name=EVENT,
                                 panel_title=TITLE)
    store.close()
    for pdf in (ballots, cards):
        text = read_back(pdf, tmp_path)
        assert not BASE_LETTERS.search(text), f"{pdf.name}: unjoined letters"
        shown = logical(text)
        for words in (EVENT, TITLE) + ((QUESTION,) if pdf == ballots else ()):
            assert words in shown, f"{pdf.name}: {words!r} not read back in order"


def test_arabic_paragraphs_are_right_aligned(arabic: None, tmp_path: Path) -> None:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    regular, _bold = register()
    style = ParagraphStyle("body", fontName=regular, fontSize=12, leading=15)
    pdf = tmp_path / "para.pdf"
    doc = SimpleDocTemplate(str(pdf), leftMargin=50, rightMargin=50)
    doc.build([Paragraph(TITLE, style)])
    box = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', box))
    left = min(float(x) for x in re.findall(r'xMin="([\d.]+)"', box))
    assert right > doc.pagesize[0] - 60 and left > doc.pagesize[0] / 2
    set_language("en")
    register()
    assert ParagraphStyle("after", fontName=regular).alignment == 0  # English: left again


def test_dejavu_draws_every_arabic_translation() -> None:
    """Every Arabic string of the catalogue, joined, has a glyph for each character in
    both bundled fonts (no empty boxes on a printed Arabic sheet)."""
    from reportlab.pdfbase.pdfmetrics import getFont

    regular, bold = register()
    po = (ROOT / "resources/locale/ar/LC_MESSAGES/facilitator.po").read_text(encoding="utf-8")
    texts = [t for t in re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', po, re.M) if has_rtl(t)]
    assert len(texts) > 400
    for name in (regular, bold):
        glyphs = getFont(name).face.charToGlyph
        missing = {ch for t in texts for ch in visual(t) if ord(ch) not in glyphs
                   and not MARKS.match(ch) and ch not in "\\"}
        assert not missing, f"{name} lacks {sorted(missing)}"
