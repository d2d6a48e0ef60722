"""An Arabic sheet is the English sheet in a mirror, as an Arabic reader expects: the first
column of every table on the right, the footer's page number and the signature lines on the
mirrored side, a badge's name at its right edge and its QR code at the left, a ballot
paper's boxes on the right of their options (and the reader finds them there). Read back
with ``pdftotext -bbox`` (where each word is on the page); English sheets do not move.
"""

from __future__ import annotations

import html
import random
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from facilitator.ballots import Question, create_round, enter, get_round, issue_codes
from facilitator.clock import FakeClock
from facilitator.demo import random_answer
from facilitator.i18n import language, set_language
from facilitator.people import check_in, import_people, list_participants, parse_people
from facilitator.reports.ballot_layout import MarkBox
from facilitator.reports.ballots import MARGIN, paper_layout, write_ballot_papers
from facilitator.reports.layout import Mirror, directed_table, mirror_command
from facilitator.reports.results import write_result_sheet
from facilitator.reports.tables import badges_of, write_badges, write_sheets
from facilitator.results.queries import count_round
from facilitator.store import EventStore
from facilitator.tables import ops as table_ops
from facilitator.tables import plans
from facilitator.tables import queries as table_queries

PRINTED = datetime(2026, 11, 21, 10, 30, tzinfo=UTC)
MM = 72 / 25.4
PLACES = ["Townhall", "Library", "School"]


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def words(pdf: Path, page: int = 1) -> tuple[list[Word], float, float]:
    """The words of ``page`` with their boxes (points from the top-left corner), and the
    page's width and height."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf),
                          "-"], check=True, capture_output=True, text=True).stdout
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', out)
    assert size
    found = [Word(html.unescape(t), float(a), float(b), float(c), float(d)) for a, b, c, d, t
             in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                           r'yMax="([\d.]+)">([^<]*)</word>', out)]
    return found, float(size[1]), float(size[2])


def word(found: list[Word], text: str) -> Word:
    return next(w for w in found if w.text == text)


def same_line(found: list[Word], w: Word) -> list[Word]:
    return [o for o in found if abs((o.y0 + o.y1) / 2 - (w.y0 + w.y1) / 2) < 3]


@pytest.fixture
def lang() -> object:
    before = language()
    yield set_language
    set_language(before)


def test_mirrored_style_commands() -> None:
    assert mirror_command(("ALIGN", (1, 0), (-1, -1), "RIGHT"), 5) == (
        "ALIGN", (0, 0), (3, -1), "LEFT")
    assert mirror_command(("LINEBEFORE", (0, 1), (0, 2), 1, "black"), 3) == (
        "LINEAFTER", (2, 1), (2, 2), 1, "black")
    assert mirror_command(("LEFTPADDING", (0, 0), (1, 0), 4), 3) == (
        "RIGHTPADDING", (1, 0), (2, 0), 4)
    assert mirror_command(("ALIGN", (1, 0), (1, 0), "CENTER"), 4) == (
        "ALIGN", (2, 0), (2, 0), "CENTER")
    t = directed_table([["a", "b", "c"]], [10, 20, 30], rtl=True)
    assert t._cellvalues == [["c", "b", "a"]] and t._colWidths == [30, 20, 10]
    english = directed_table([["a", "b", "c"]], [10, 20, 30], rtl=False)
    assert english._cellvalues == [["a", "b", "c"]] and english._colWidths == [10, 20, 30]


def test_mirror_draws_at_the_other_edge() -> None:
    drawn: list[tuple[str, float]] = []

    class Canvas:
        def drawString(self, x: float, _y: float, _t: str) -> None:
            drawn.append(("start", x))

        def drawRightString(self, x: float, _y: float, _t: str) -> None:
            drawn.append(("end", x))

    m = Mirror(10, 110, rtl=True)
    assert m.x(20) == 100 and m.x(20, 30) == 70
    m.start(Canvas(), 20, 0, "t")
    m.end(Canvas(), 90, 0, "t")
    Mirror(10, 110, rtl=False).start(Canvas(), 20, 0, "t")
    assert drawn == [("end", 100), ("start", 30), ("start", 20)]


@pytest.fixture
def counted(tmp_path: Path) -> EventStore:
    store = EventStore.create(tmp_path / "e.facilitator", "Cardiff assembly", FakeClock())
    questions = (Question.choose_one("Where should we meet?", PLACES),)
    rid = create_round(store, "First round", questions, actor="test").round.id
    rng = random.Random(5)
    for paper in issue_codes(store, rid, 12, actor="test").papers:
        enter(store, rid, paper.code, [random_answer(q, rng) for q in questions],
              actor="test")
    return store


@pytest.mark.parametrize("code", ["en", "ar"])
def test_result_sheet_columns_and_footer(code: str, counted: EventStore, tmp_path: Path,
                                         lang: object) -> None:
    set_language(code)
    results = count_round(counted, get_round(counted, 1).id)
    pdf = write_result_sheet(tmp_path / f"{code}.pdf", [results], printed_at=PRINTED)
    found, width, height = words(pdf)
    place = word(found, "Townhall")
    share = next(w for w in same_line(found, place) if w.text.endswith("%"))
    margin = 16 * MM
    footer = [w for w in found if w.y1 > height - 12 * MM]
    assert footer, "no footer"
    page_number = word(footer, "1")
    if code == "en":
        assert place.x1 < share.x0  # the option's name, then its share to the right
        assert abs(min(w.x0 for w in footer) - margin) < 2
        assert page_number.x0 == max(w.x0 for w in footer)  # the footer ends with the page
    else:
        assert place.x0 > share.x1  # the first column is on the right
        assert abs(max(w.x1 for w in footer) - (width - margin)) < 2
        assert page_number.x1 == min(w.x1 for w in footer)  # ... read leftwards to the page


@pytest.fixture
def planned(tmp_path: Path) -> EventStore:
    store = EventStore.create(tmp_path / "t.facilitator", "Cardiff assembly", FakeClock())
    lines = ["ID,Name"] + [f"A{i:02d},Person{i:02d} Smith" for i in range(12)]
    (tmp_path / "p.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_people(store, parse_people(tmp_path / "p.csv"), actor="test")
    for person in list_participants(store):
        check_in(store, person.id, actor="test")
    table_ops.save_settings(store, plans.TableSettings(rounds=2, table_size=4), actor="t")
    table_ops.allocate_and_save(store, iterations=200, actor="t")
    return store


@pytest.mark.parametrize("code", ["en", "ar"])
def test_table_list_and_badges_are_mirrored(code: str, planned: EventStore, tmp_path: Path,
                                            lang: object) -> None:
    set_language(code)
    view = table_queries.plan_view(planned)
    pdf = write_sheets(tmp_path / "list.pdf", view, kinds=["list"], printed_at=PRINTED)
    found, width, _height = words(pdf)
    name = word(found, "Person00")
    numbers = [w for w in same_line(found, name) if w.text.isdigit()]
    assert len(numbers) == 2  # the table in each round
    if code == "en":
        assert all(name.x1 < n.x0 for n in numbers)
    else:
        assert all(name.x0 > n.x1 for n in numbers)  # the name column on the right
        first, second = sorted(numbers, key=lambda n: -n.x0)  # round 1 is next to the name
        person = next(p for p in view.people if p.name == "Person00 Smith")
        assert (first.text, second.text) == tuple(str(t) for t in person.tables)
    badges = write_badges(tmp_path / "badges.pdf", badges_of(planned), layout="a6",
                          printed_at=PRINTED)
    found, width, _height = words(badges)
    name = word(found, "Person00")
    code_text = next(w for w in found if re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}",
                                                        w.text))
    pad = 10 * MM
    if code == "en":
        assert abs(name.x0 - pad) < 1 and code_text.x0 > width / 2
    else:
        assert abs(word(found, "Smith").x1 - (width - pad)) < 1  # the name ends at the right
        assert code_text.x1 < width / 2  # the QR code and its code on the left


def layout_sides(language_code: str | None, tmp_path: Path) -> tuple[list[MarkBox], Path,
                                                                     float]:
    store = EventStore.create(tmp_path / f"{language_code}.facilitator", "Cardiff",
                              FakeClock())
    questions = (Question.choose_one("أين نلتقي؟", ["قاعة المدينة", "المكتبة"]),
                 Question.score("قيّم كل تصميم", ["الأزرق", "الأخضر"], score_max=3))
    r = create_round(store, "الجولة الأولى", questions, language=language_code,
                     actor="test").round
    papers = issue_codes(store, r.id, 1, actor="test").papers
    pdf = write_ballot_papers(tmp_path / f"{language_code}.pdf", get_round(store, r.id),
                              papers, event_name="Cardiff")
    layout = paper_layout(get_round(store, r.id), event_name="Cardiff")
    store.close()
    return [b for page in layout.pages for b in page.boxes], pdf, layout.width


def test_ballot_boxes_are_on_the_right_of_arabic_options(tmp_path: Path) -> None:
    boxes, pdf, width = layout_sides("en", tmp_path)
    assert {b.x for b in boxes if b.question == 0} == {MARGIN}  # English: as before
    boxes, pdf, width = layout_sides("ar", tmp_path)
    one = [b for b in boxes if b.question == 0]
    assert {round(b.x + b.w, 3) for b in one} == {round(width - MARGIN, 3)}
    grid = sorted((b for b in boxes if b.question == 1 and b.option == 0),
                  key=lambda b: b.column)
    assert [b.column for b in grid] == [0, 1, 2, 3]  # scores 0 to 3
    xs = [b.x for b in grid]
    assert xs == sorted(xs, reverse=True)  # the first value nearest the option, right
    found, _w, _h = words(pdf)
    code = next(w for w in found if re.fullmatch(r"\w{3}-\w{3}-\w{3}", w.text) and w.y0 > 700)
    assert abs(code.x0 - MARGIN) < 1  # "code · serial" at the foot starts the left margin
    secret = max(found, key=lambda w: w.x1)  # and the footer's words end at the right one
    assert abs(secret.x1 - (width - MARGIN)) < 1


def test_the_reader_reads_a_mirrored_arabic_paper(tmp_path: Path) -> None:
    """The reader finds the boxes where the Arabic paper draws them: it takes them from the
    same layout (:func:`paper_layout`), so a cross in each is read as that answer."""
    from facilitator.reading.image import read_image

    from ..reading_corpus import Tally, mark_page, photograph, render, scan

    store = EventStore.create(tmp_path / "r.facilitator", "Cardiff", FakeClock())
    questions = (Question.choose_one("أين نلتقي؟", ["قاعة المدينة", "المكتبة", "المدرسة"]),
                 Question.score("قيّم كل تصميم", ["الأزرق", "الأخضر"], score_max=3),
                 Question.yes_no("هل توافق؟"))
    r = create_round(store, "الجولة الأولى", questions, language="ar", actor="test").round
    papers = issue_codes(store, r.id, 1, actor="test").papers
    r = get_round(store, r.id)
    store.close()
    pdf = write_ballot_papers(tmp_path / "ar.pdf", r, papers, event_name="Cardiff")
    layout = paper_layout(r, event_name="Cardiff")
    assert len(layout.pages) == 1
    image = render(pdf, 150, [0])[0]
    rng = random.Random(3)
    tally = Tally()
    for n in range(6):  # as printed, scanned, photographed
        marked = mark_page(image, layout, 0, r.questions, rng, 150, style="cross", stray=0)
        seen = (marked.image, scan(marked.image, rng, 150, 200),
                photograph(marked.image, rng, side=1800))[n % 3]
        got = read_image(seen, lambda code, size: (
            (layout, r.questions) if code == papers[0].code else None))
        tally.add(got.read, marked, f"paper {n}")
    assert tally.wrong == 0 and tally.right == tally.questions == 18, tally.notes


@pytest.mark.parametrize("code", ["en", "ar"])
def test_theatre_sheet_starts_its_tables_at_the_readers_side(
        code: str, store: EventStore, clock: FakeClock, tmp_path: Path, lang: object) -> None:
    from facilitator.reports.theatre import write_proposals
    from facilitator.theatre.demo import build_session

    build_session(store, voters=20, cards=10, interventions=4, clock=clock)
    set_language(code)
    found, width, _height = words(write_proposals(tmp_path / "t.pdf", store,
                                                  printed_at=PRINTED))
    number = word(found, "P1")  # the "No." column of the summary
    others = [w for w in same_line(found, number) if w is not number]
    assert others
    if code == "en":
        assert all(o.x0 > number.x1 for o in others) and number.x0 < width / 4
    else:
        assert all(o.x1 < number.x0 for o in others) and number.x1 > width * 3 / 4


@pytest.mark.parametrize("code", ["en", "ar"])
def test_question_cards_put_the_qr_code_on_the_readers_far_side(code: str, tmp_path: Path,
                                                                lang: object) -> None:
    """English: words from the left, the QR code at the top right; Arabic: words from the
    right, the QR code at the top left, where a scanner still reads it."""
    import numpy as np
    import zxingcpp

    from facilitator.qa.model import table_code
    from facilitator.reports.cards import CARD_MARGIN, CARD_QR_BOTTOM, CARD_QR_SIZE
    from facilitator.reports.qa_cards import write_question_cards

    from ..reading_corpus import render

    set_language(code)
    pdf = write_question_cards(tmp_path / "cards.pdf", ["7"], event_name="Cardiff assembly")
    found, width, _height = words(pdf)
    cardiff = word(found, "Cardiff")
    dpi = 100
    image = render(pdf, dpi, [0])[0]
    scale = dpi / 72
    y0, y1 = round((CARD_QR_BOTTOM - CARD_QR_SIZE - 5 * MM) * scale), round(
        (CARD_QR_BOTTOM + 5 * MM) * scale)
    left = round((CARD_MARGIN - 5 * MM) * scale), round((CARD_MARGIN + CARD_QR_SIZE + 5 * MM)
                                                         * scale)
    right = (round(image.shape[1] - left[1]), round(image.shape[1] - left[0]))
    qr_side, text_side = (right, left) if code == "en" else (left, right)
    crop = np.ascontiguousarray(image[y0:y1, qr_side[0]:qr_side[1]])
    qr = zxingcpp.BarcodeFormat.QRCode
    assert [b.text for b in zxingcpp.read_barcodes(crop, formats=qr)] == [table_code("7")]
    assert not zxingcpp.read_barcodes(np.ascontiguousarray(image[y0:y1,
                                                               text_side[0]:text_side[1]]),
                                      formats=qr)
    if code == "en":
        assert abs(cardiff.x0 - CARD_MARGIN) < 1
    else:
        assert abs(word(found, "assembly").x1 - (width - CARD_MARGIN)) < 1


def test_the_poll_report_prints_arabic_in_reading_order(tmp_path: Path, lang: object) -> None:
    """The poll report shaped its text twice (once itself, once in the fonts), so Arabic
    came out letter for letter backwards."""
    import unicodedata

    from facilitator.polls import queries as poll_queries
    from facilitator.polls.demo import add_demo_poll
    from facilitator.reports.polls import write_poll_report

    store = EventStore.create(tmp_path / "p.facilitator", "Cardiff", FakeClock())
    poll = add_demo_poll(store)
    analysis = poll_queries.analysis(store, poll)
    store.close()
    set_language("ar")
    event = "جمعية المواطنين في كارديف"
    pdf = write_poll_report(tmp_path / "poll.pdf", event, analysis, printed_at=PRINTED)
    text = subprocess.run(["pdftotext", "-layout", "-l", "1", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    shown = re.sub(r"\s+", " ", re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "",
                                       unicodedata.normalize("NFKC", text)))
    assert event in shown
