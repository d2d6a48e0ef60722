"""Paper questionnaires on the Polls page: packets printed, each page's QR code read back from
the PDF as a hand scanner would (tests/scan.py), typed into the scan field, the answers keyed
from the keyboard, refusals in the banner, corrections, reconciliation; then control-sample
forms keyed from the keyboard and the unpaired comparison on the page and in the report."""

from __future__ import annotations

import dataclasses
import random
import subprocess
from collections.abc import Sequence
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from facilitator.polls import ops, queries
from facilitator.polls.demo import demo_questionnaire
from facilitator.polls.model import DONT_KNOW, RANKING, Item, Questionnaire, parse_form_qr
from facilitator.reports.ballots import MM
from facilitator.reports.polls import FORM_QR_SIZE
from facilitator.store import EventStore
from tests.scan import read_qr
from tests.ui.screens import artifacts_dir
from ui.bus import ChangeBus
from ui.pages.polls import PollsPage

DPI = 100
FORM_MARGIN = 16 * MM  # reports.polls draws the QR this far from the top and right edges


def form_codes_scanned(pdf: Path, out: Path) -> list[str]:
    """The QR code of every page of a forms PDF, read from a crop around the symbol."""
    box = PdfReader(pdf).pages[0].mediabox
    qr = FORM_QR_SIZE * MM
    scale = DPI / 72
    x = round((float(box.width) - FORM_MARGIN - qr - 7 * MM) * scale)
    y = round((FORM_MARGIN - 7 * MM) * scale)
    w, h = round((qr + 14 * MM) * scale), round((qr + 9 * MM) * scale)
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-x", str(x), "-y", str(y), "-W", str(w),
                    "-H", str(h), "-gray", "-aa", "no", "-aaVector", "no", "-png", str(pdf),
                    str(out / "qr")], check=True, capture_output=True)
    found = []
    for page in sorted(out.glob("qr-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
        with Image.open(page) as image:
            codes = read_qr(image, DPI)
        assert len(codes) == 1, (page.name, codes)
        found.append(codes[0])
    return found


def questionnaire() -> Questionnaire:
    """The demo's 12 items and a ranking: three pages a wave (6, 6 and 1 items)."""
    q = demo_questionnaire()
    ranking = Item("priority", "Put these in order", RANKING, ("Buses", "Bikes", "Roads"))
    return dataclasses.replace(q, items=(*q.items, ranking), group_columns=())


Keys = Sequence[str | Qt.Key]


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_keys(qtbot: QtBot, keys: Keys) -> None:
    """Keys typed on the keyboard: each goes where the focus is at that moment."""
    for key in keys:
        if isinstance(key, Qt.Key):
            qtbot.keyClick(focused(), key)
        else:
            for ch in key:
                qtbot.keyClicks(focused(), ch)


def scan(qtbot: QtBot, page: PollsPage, code: str) -> None:
    """A USB scanner types the code and Enter into whatever has the focus."""
    type_keys(qtbot, [code, Qt.Key.Key_Return])


def key_page(qtbot: QtBot, page: PollsPage, code: str, keys: Keys) -> None:
    assert focused() is page.scan_edit
    scan(qtbot, page, code)
    assert page.keyer.loaded, page.banner.text()
    assert focused() is page.keyer
    type_keys(qtbot, [*keys, Qt.Key.Key_Return])
    assert not page.keyer.loaded, page.banner.text()
    assert focused() is page.scan_edit  # back in the scan field for the next page


def shown(qtbot: QtBot, page: PollsPage) -> None:
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)


WAVE1: dict[int, Keys] = {
    # streets 10 (1 then 0), buses 1 (Tab after the 1), drivers 7, affects don't know,
    # travel 4, carfree No (the second box)
    1: ["10", "1", Qt.Key.Key_Tab, "7", "/", "4", "2"],
    # charge Yes, budget box 3, k_trips box 3, k_air box 4 (don't know), k_bus none, k_cost 2
    2: ["1", "3", "3", "4", "0", "2"],
    3: ["2", "1", "3"],  # the ranks written beside Buses, Bikes, Roads
}
WAVE1_ANSWERS = {"streets": 10, "buses": 1, "drivers": 7, "affects": DONT_KNOW, "travel": 4,
                 "carfree": 0, "charge": 1, "budget": 2, "k_trips": 2, "k_air": DONT_KNOW,
                 "k_cost": 1, "priority": (1, 0, 2)}


def test_paper_forms_printed_scanned_keyed_and_reconciled_on_the_page(
        qtbot: QtBot, demo_store: EventStore, tmp_path: Path, seeded_codes: random.Random
) -> None:
    bus = ChangeBus()
    page = PollsPage(demo_store, bus)
    qtbot.addWidget(page)
    shown(qtbot, page)
    q = questionnaire()
    poll_id = ops.create_poll(demo_store, q, actor="test").poll_id
    page.refresh()
    page.tabs.setCurrentIndex(1)
    assert "No paper forms printed" in page.reconcile_label.text()
    assert not page.scan_edit.isEnabled()  # nothing to key before a wave is given

    page.forms_spin.setValue(3)
    page.save_chooser = lambda _parent, _title, suggested: tmp_path / suggested
    pdf = page.print_forms()
    assert pdf is not None and page.printing and not page.print_forms_button.isEnabled()
    assert page.tasks.wait()
    qtbot.waitUntil(lambda: not page.printing)  # written off the GUI thread
    assert "✓ 3 paper packets written" in page.banner.text()
    assert page.print_forms_button.isEnabled()
    assert len(PdfReader(pdf).pages) == 3 * 2 * 3
    codes = form_codes_scanned(pdf, tmp_path / "scan")
    pages = [parse_form_qr(c) for c in codes]
    a, b, c = sorted({p.code for p in pages}, key=[p.code for p in pages].index)
    assert set(queries.paper_forms(demo_store, poll_id)) == {a, b, c}
    assert "Paper forms printed: 3" in page.reconcile_label.text()

    def qr(code: str, wave: int, number: int) -> str:
        found = [text for text, p in zip(codes, pages, strict=True)
                 if (p.code, p.wave, p.page) == (code, wave, number)]
        assert len(found) == 1
        return found[0]

    page.open_button.click()
    assert page.scan_edit.isEnabled()
    page.focus_scan_field()  # the operator clicks in the scan field once
    for number in (1, 2, 3):
        key_page(qtbot, page, qr(a, 1, number), WAVE1[number])
    assert "✓ Page 3 of form" in page.banner.text()
    mine = [r for r in queries.responses(demo_store, poll_id) if r.code == "P" + a]
    assert [r.wave for r in mine] == [1] and dict(mine[0].answers) == WAVE1_ANSWERS

    # Refusals, one sentence each in the banner; nothing keyed.
    refusals = [(qr(a, 1, 1), "keyed already"), (qr(a, 2, 1), "has not been given yet"),
                ("K7Q-M2X-4AB", "not the code of a questionnaire page"),
                (qr(a, 1, 2).replace(f"F{poll_id}-", f"F{poll_id + 1}-"), "another poll")]
    for text, refusal in refusals:
        scan(qtbot, page, text)
        assert refusal in page.banner.text() and not page.keyer.loaded
        assert focused() is page.scan_edit and page.scan_edit.selectedText() == text

    # A correction: the answers keyed before are shown; streets 10 becomes 6.
    page.correct_box.setChecked(True)
    scan(qtbot, page, qr(a, 1, 1))
    assert "correction" in page.keyer.header.text()
    assert page.keyer.answers()["streets"] == 10
    type_keys(qtbot, ["6", Qt.Key.Key_Return])
    assert not page.correct_box.isChecked()
    mine = [r for r in queries.responses(demo_store, poll_id) if r.code == "P" + a]
    assert dict(mine[0].answers) == WAVE1_ANSWERS | {"streets": 6}

    # A ranking with a rank given twice is refused at Enter, and the page stays open.
    scan(qtbot, page, qr(b, 1, 3))
    type_keys(qtbot, ["1", "1", "2", Qt.Key.Key_Return])
    assert "give each rank once" in page.banner.text() and page.keyer.loaded
    type_keys(qtbot, [Qt.Key.Key_Escape])
    assert not page.keyer.loaded and "Put aside" in page.banner.text()
    key_page(qtbot, page, qr(b, 1, 1), ["5", "5", "5", "3", "3", "1"])
    text = page.reconcile_label.text()
    assert "wave 1: 1 complete" in text and "wave 1: page(s) 2, 3 not keyed" in text

    # Wave 2, pages in a shuffled pile; a new scan while a page is open puts it aside.
    page.close_wave_button.click()
    page.open_button.click()
    page.focus_scan_field()
    key_page(qtbot, page, qr(a, 2, 3), ["1", "2", "3"])
    scan(qtbot, page, qr(a, 2, 1))
    type_keys(qtbot, ["9"])
    next_code = qr(a, 2, 2)
    type_keys(qtbot, [next_code[0]])  # the scanner starts typing the next page's code
    assert "NOT saved" in page.banner.text() and not page.keyer.loaded
    assert page.scan_edit.text() == next_code[0] and focused() is page.scan_edit
    type_keys(qtbot, [next_code[1:], Qt.Key.Key_Return])
    type_keys(qtbot, ["1", "1", "3", "1", "2", "2", Qt.Key.Key_Return])
    key_page(qtbot, page, qr(a, 2, 1), ["9", "8", "1", Qt.Key.Key_Tab, "5", "5", "1"])
    r = queries.reconcile_forms(demo_store, poll_id)
    assert r.complete == {1: 1, 2: 1} and r.one_wave_only == 1 and r.printed == 3
    text = page.reconcile_label.text()
    assert "wave 2: 1 complete" in text and "1 forms not keyed at every wave" in text

    analysis = queries.analysis(demo_store, poll_id)
    assert analysis.n_pairs == 1
    assert analysis.row("streets").change == 9 - 6
    assert analysis.row("drivers").before == 7 and analysis.row("drivers").after == 1
    assert analysis.row("k_trips").after == 1.0  # box 3 of wave 2's page 2 is the right answer
    shot = artifacts_dir() / "polls-paper.png"
    scan(qtbot, page, qr(c, 2, 1))
    type_keys(qtbot, ["7", "1"])
    QApplication.processEvents()
    assert page.grab().save(str(shot))
    page.close()


def test_control_sample_keyed_from_the_keyboard_and_reported(
        qtbot: QtBot, demo_store: EventStore, tmp_path: Path) -> None:
    from facilitator.people import list_participants

    bus = ChangeBus()
    page = PollsPage(demo_store, bus)
    qtbot.addWidget(page)
    shown(qtbot, page)
    q = dataclasses.replace(demo_questionnaire(), group_columns=())
    poll_id = ops.create_poll(demo_store, q, actor="test").poll_id
    page.refresh()
    people = [p for p in list_participants(demo_store) if p.role == "participant"][:8]
    rng = random.Random(5)
    for wave in (1, 2):
        page.open_button.click()
        for person in people:
            ops.answer(demo_store, poll_id, person.id,
                       {"streets": rng.randint(3, 6) + 3 * (wave - 1), "buses": 6, "carfree": 1},
                       actor="phone")
        if wave == 1:
            page.close_wave_button.click()
    page.tabs.setCurrentIndex(1)
    assert page.control_wave_spin.value() == 2
    page.control_button.click()
    assert page.keyer.loaded and "Control sample, wave 2" in page.keyer.header.text()
    type_keys(qtbot, [Qt.Key.Key_Return])
    assert "empty form" in page.banner.text() and page.keyer.loaded
    for digit in ("2", "3", "4", "5"):
        if not page.keyer.loaded:
            page.control_button.click()
        type_keys(qtbot, [digit, "5", "5", "3", "/", "2", Qt.Key.Key_Return])
        assert "Control-sample form keyed (wave 2)" in page.banner.text()
    assert queries.counts(demo_store, poll_id)[("control", 2)] == 4
    control = [r for r in queries.responses(demo_store, poll_id) if r.sample == "control"]
    assert sorted(r.answers["streets"] for r in control) == [2, 3, 4, 5]
    assert all(r.answers["travel"] == DONT_KNOW and r.answers["carfree"] == 0 for r in control)
    page.close_wave_button.click()
    analysis = page.analysis
    assert analysis is not None
    calming = next(c for c in analysis.control if c.variable.key == "calming")
    assert calming.n_control == 4 and calming.n_panel == 8
    assert "Against the control sample (wave 2" in page.control_label.text()
    assert f"{calming.panel:.2f} against {calming.control:.2f}" in page.control_label.text()
    assert "panel n = 8, control n = 4" in page.control_label.text()

    page.save_chooser = lambda _parent, _title, suggested: tmp_path / suggested
    pdf = page.print_report()
    assert pdf is not None
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\n", " ")
    assert "Against the control sample (wave 2, unpaired)" in text
    streets = next(c for c in analysis.control if c.variable.key == "streets")
    assert f"{streets.difference:+.2f}" in text
    page.close()


def test_the_keyer_takes_two_digit_boxes(qtbot: QtBot) -> None:
    """10 on a 0–10 scale, box 11 and "don't know" (box 13) of a 12-option list, rank 11 of
    12: the first digit waits for a second only where one can follow."""
    from facilitator.polls.model import CHOICE, LIKERT_5, SCALE_10
    from ui.pages.polls.keying import FormKeyer

    options = tuple(f"Option {n}" for n in range(1, 13))
    items = (Item("a", "Scale", SCALE_10), Item("b", "Long list", CHOICE, options),
             Item("c", "Likert", LIKERT_5), Item("d", "Long list again", CHOICE, options),
             Item("e", "Long ranking", RANKING, options), Item("f", "Scale again", SCALE_10))
    keyer = FormKeyer()
    qtbot.addWidget(keyer)
    keyer.load("test", items, range(1, 7))
    keys: Keys = ["1", "0",  # a = 10
                  "1", "1",  # b = option 11
                  "1",  # c = 1 on the Likert scale: no second digit can follow, on at once
                  "1", "3",  # d = box 13: don't know
                  # e: option 1 ranked 11; option 2 ranked 1 (↓ keeps the waiting 1 and
                  # moves to option 3); option 3 ranked 2 (no rank 20: on at once)
                  "1", "1", "1", Qt.Key.Key_Down, "2"]
    for key in keys:
        if isinstance(key, Qt.Key):
            qtbot.keyClick(keyer, key)
        else:
            qtbot.keyClicks(keyer, key)
    keyed = keyer.keyed
    assert keyed[:4] == [10, 10, 1, DONT_KNOW]
    assert keyed[4] == {0: 11, 1: 1, 2: 2}
    # "1" then "5" on a scale: 15 is no box, so the 1 stands and 5 goes to the next item.
    keyer.load("test", (items[0], items[5]), (1, 2))
    for ch in "15":
        qtbot.keyClicks(keyer, ch)
    assert keyer.keyed == [1, 5]
    assert keyer.answers() == {"a": 1, "f": 5}


def test_choosing_another_poll_puts_the_open_form_aside(
        qtbot: QtBot, demo_store: EventStore) -> None:
    page = PollsPage(demo_store, ChangeBus())
    qtbot.addWidget(page)
    shown(qtbot, page)
    q = dataclasses.replace(demo_questionnaire(), group_columns=())
    first = ops.create_poll(demo_store, q, actor="test").poll_id
    ops.open_wave(demo_store, first, actor="test")
    second = ops.create_poll(demo_store, q, actor="test").poll_id
    page.refresh()
    page.poll_combo.setCurrentIndex(page.poll_combo.findData(first))
    page.tabs.setCurrentIndex(1)
    page.control_button.click()
    type_keys(qtbot, ["7"])
    page.poll_combo.setCurrentIndex(page.poll_combo.findData(second))
    assert not page.keyer.loaded and "Put aside" in page.banner.text()
    type_keys(qtbot, [Qt.Key.Key_Return])
    assert queries.counts(demo_store, first) == {} and queries.counts(demo_store, second) == {}
    page.close()
