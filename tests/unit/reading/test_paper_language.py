"""Issue 17, never guess: a paper is read against the layout of the language it was printed
in, whatever language the app is in when it is read.

A round without a language of its own is printed in the app's language of the moment; that
language is recorded with every code when the codes are issued, every later print of the
round (a paper jam's batch again, spare papers for spoiled ones) uses it, and the reader
takes it from there. Codes issued before the event file recorded it (a round without a
language) cannot be read by machine: they go to review, where they are keyed by hand.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from facilitator.ballots import (
    BallotRound,
    PaperCode,
    create_round,
    get_round,
    issue_codes,
    paper_codes,
)
from facilitator.ballots import codes as ballot_codes
from facilitator.ballots import queries as ballot_queries
from facilitator.clock import FakeClock
from facilitator.i18n import language, set_language
from facilitator.reading import ops, queries
from facilitator.reading.image import read_image
from facilitator.reading.model import Why
from facilitator.reading.sources import SourcePage
from facilitator.reports.ballot_layout import PaperLayout
from facilitator.reports.ballots import paper_layout, write_ballot_papers
from facilitator.store import EventStore
from facilitator.store.migrations import MIGRATIONS

from ...reading_corpus import Tally, mark_page, render, scan
from ..ballots.conftest import every_kind, three_questions

DPI = 150


@pytest.fixture
def ui() -> Iterator[object]:
    """Switch the app's language in a test; English again afterwards."""
    before = language()
    yield set_language
    set_language(before)


@pytest.fixture
def event(tmp_path: Path) -> Iterator[EventStore]:
    store = EventStore.create(tmp_path / "e.facilitator", "Cardiff", FakeClock())
    yield store
    store.close()


def pages_of(pdf: Path, layout: PaperLayout) -> list[np.ndarray]:
    return render(pdf, DPI, range(len(layout.pages)))


def read_back(store: EventStore, r: BallotRound, pdf: Path, layout: PaperLayout,
              seed: int, copies: int = 3) -> Tally:
    """Every page of the printed papers in ``pdf``, marked, (as printed, or scanned),
    read with the event's own look-up (:func:`queries.paper_for`), which knows nothing of
    ``layout``: that is only where the test marks. (Photographs are read as surely, but
    some of their marks rightly go to review: the corpus's benchmark counts those.)"""
    rng = random.Random(seed)
    tally = Tally()
    images = render(pdf, DPI)
    look_up = queries.paper_for(store)
    for n, image in enumerate(images[:copies * len(layout.pages)]):
        index = n % len(layout.pages)
        marked = mark_page(image, layout, index, r.questions, rng, DPI, style="cross",
                           stray=0)
        seen = marked.image if n % 2 == 0 else scan(marked.image, rng, DPI, 200)
        tally.add(read_image(seen, look_up).read, marked, f"image {n}")
    return tally


@pytest.mark.parametrize("printed_in", ["ar", "cy"])
def test_papers_printed_in_the_apps_language_are_read_in_it_after_a_switch(
        printed_in: str, event: EventStore, tmp_path: Path, ui: object) -> None:
    """The round has no language: its papers are printed in the app's (Arabic: mirrored;
    Welsh: longer texts, so every box lower) and read with the app in English."""
    set_language(printed_in)
    r = create_round(event, "Morning vote", every_kind(), actor="test").round
    printed = issue_codes(event, r.id, 3, actor="test")
    pdf = write_ballot_papers(tmp_path / "p.pdf", printed.round, printed.papers,
                              event_name=event.name)
    layout = paper_layout(printed.round, event_name=event.name)  # as printed (the app's)
    set_language("en")
    tally = read_back(event, printed.round, pdf, layout, seed=17)
    assert tally.wrong == 0 and tally.pages_refused == 0, tally.notes
    assert tally.right == tally.questions == 3 * len(r.questions), tally.notes
    assert paper_layout(printed.round, event_name=event.name) != layout  # it matters
    assert {p.language for p in printed.papers} == {printed_in}
    assert paper_layout(printed.round, event_name=event.name,
                        language=printed_in) == layout
    # and filed through the ballot box: the first paper counted as marked
    rng = random.Random(5)
    marks = [mark_page(image, layout, i, r.questions, rng, DPI, style="cross", stray=0)
             for i, image in enumerate(pages_of(pdf, layout))]
    for i, marked in enumerate(marks):
        ops.file_page(event, SourcePage(f"scan p{i + 1}", read_image(
            marked.image, queries.paper_for(event)), marked.image), actor="Ana")
    (entry,) = ballot_queries.entries(event, r.id)
    truth = {q: a for m in marks for q, a in m.truth.items()}
    assert entry.code == printed.papers[0].code
    assert list(entry.answers) == [truth[q] for q in range(len(r.questions))]


def test_a_reprint_and_spare_papers_keep_the_language_of_the_first_papers(
        event: EventStore, tmp_path: Path, ui: object) -> None:
    set_language("ar")
    r = create_round(event, "Morning vote", three_questions(), actor="test").round
    first = issue_codes(event, r.id, 2, actor="test")
    arabic = paper_layout(first.round, event_name=event.name)
    set_language("en")  # the app switched to English before the jam and the spoiled paper
    again = paper_codes(event, r.id, first.batch)
    assert again == list(first.papers) and {p.language for p in again} == {"ar"}
    spare = issue_codes(event, r.id, 1, actor="test")  # a paper for a spoiled one
    assert [p.language for p in spare.papers] == ["ar"]
    audit = event.query("SELECT new FROM audit_log WHERE action = 'ballot_codes_issue' "
                        "ORDER BY id")
    assert [json.loads(row["new"])["language"] for row in audit] == ["ar", "ar"]
    round_now = get_round(event, r.id)
    for name, papers in (("reprint", again), ("spare", list(spare.papers))):
        pdf = write_ballot_papers(tmp_path / f"{name}.pdf", round_now, papers,
                                  event_name=event.name)
        tally = read_back(event, round_now, pdf, arabic, seed=len(name),
                          copies=len(papers))
        assert tally.wrong == 0 and tally.pages_refused == 0, (name, tally.notes)
        assert tally.right == tally.questions == len(papers) * 3, (name, tally.notes)


def test_a_paper_mixing_languages_prints_each_code_in_its_own(
        event: EventStore, tmp_path: Path, ui: object) -> None:
    """A round with a language of its own is printed in it, whatever the app's."""
    set_language("ar")
    r = create_round(event, "Pleidlais", three_questions(), language="cy", actor="test").round
    printed = issue_codes(event, r.id, 1, actor="test")
    assert [p.language for p in printed.papers] == ["cy"]
    welsh = paper_layout(printed.round, event_name=event.name)
    pdf = write_ballot_papers(tmp_path / "cy.pdf", printed.round, printed.papers,
                              event_name=event.name)
    set_language("en")
    assert paper_layout(printed.round, event_name=event.name) == welsh
    tally = read_back(event, printed.round, pdf, welsh, seed=4, copies=1)
    assert tally.wrong == 0 and tally.right == tally.questions == 3, tally.notes


# -- an event file from before the language was recorded ----------------------------------------


def _steps_before_the_language() -> int:
    """How many migration steps an event file had before codes recorded their language."""
    conn = sqlite3.connect(":memory:")
    for n, step in enumerate(MIGRATIONS):
        step(conn)
        if "language" in {row[1] for row in conn.execute("PRAGMA table_info(ballot_codes)")}:
            conn.close()
            return n
    raise AssertionError("no migration step records a paper's language")


def _old_event(path: Path) -> dict[int, str]:
    """An event file as the previous version left it: round 1 without a language, round 2
    in Welsh, one paper printed for each. Returns each round's code."""
    from facilitator.store.db import APPLICATION_ID

    steps = _steps_before_the_language()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN")
    for step in MIGRATIONS[:steps]:
        step(conn)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {steps}")
    conn.execute("INSERT INTO meta VALUES ('name', 'Cardiff'), ('created_at', "
                 "'2026-05-01T09:00:00+00:00')")
    codes = dict(zip((1, 2), ballot_codes.new_unique_codes(2, set()), strict=True))
    for rid, lang in ((1, None), (2, "cy")):
        conn.execute("INSERT INTO ballot_rounds (id, title, language, status, created_at, "
                     "opened_at, channel) VALUES (?, ?, ?, 'open', "
                     "'2026-05-01T09:00:00+00:00', '2026-05-01T09:05:00+00:00', 'paper')",
                     (rid, f"Round {rid}", lang))
        conn.executemany("INSERT INTO ballot_questions (round_id, position, spec) VALUES "
                         "(?, ?, ?)", [(rid, i, json.dumps(q.to_json()))
                                       for i, q in enumerate(three_questions())])
        conn.execute("INSERT INTO ballot_codes VALUES (?, ?, 1, 1, "
                     "'2026-05-01T09:05:00+00:00')", (codes[rid], rid))
    conn.execute("COMMIT")
    conn.close()
    return codes


def test_papers_printed_before_the_language_was_recorded(tmp_path: Path,
                                                         ui: object) -> None:
    """A round with its own language was printed in it: its old codes take it. A round
    without one was printed in whatever the app's language was then, which nobody wrote
    down: its old papers go to review (keyed by hand), never read against a guess; its
    papers printed from now on record their language and are read."""
    path = tmp_path / "old.facilitator"
    codes = _old_event(path)
    set_language("ar")  # what the app happened to be in when the old papers were printed
    store = EventStore.open(path, FakeClock())
    try:
        assert paper_codes(store, 1) == [PaperCode(codes[1], 1, 1, None)]
        assert paper_codes(store, 2) == [PaperCode(codes[2], 1, 1, "cy")]
        old = {rid: write_ballot_papers(tmp_path / f"old{rid}.pdf", get_round(store, rid),
                                        paper_codes(store, rid), event_name=store.name)
               for rid in (1, 2)}
        arabic = paper_layout(get_round(store, 1), event_name=store.name)
        welsh = paper_layout(get_round(store, 2), event_name=store.name)
        set_language("en")
        look_up = queries.paper_for(store)
        assert look_up(codes[1], "A4") is Why.UNKNOWN_LAYOUT  # not the English layout
        rng = random.Random(8)
        marked = mark_page(render(old[1], DPI, [0])[0], arabic, 0, three_questions(), rng,
                           DPI, style="cross", stray=0)
        got = read_image(marked.image, look_up)
        assert got.read.problem is Why.UNKNOWN_LAYOUT and got.read.code == codes[1]
        assert "key it by hand" in got.read.problem.text
        filed = ops.file_page(store, SourcePage("scan", got, marked.image), actor="Ana")
        assert filed.status == queries.REVIEW and not ballot_queries.entries(store, 1)
        tally = read_back(store, get_round(store, 2), old[2], welsh, seed=9, copies=1)
        assert tally.wrong == 0 and tally.right == tally.questions == 3, tally.notes
        # new papers of the round without a language: the app's now, recorded, read
        new = issue_codes(store, 1, 1, actor="test")
        assert [p.language for p in new.papers] == ["en"]
        pdf = write_ballot_papers(tmp_path / "new.pdf", new.round, new.papers,
                                  event_name=store.name)
        tally = read_back(store, new.round, pdf, paper_layout(
            new.round, event_name=store.name), seed=10, copies=1)
        assert tally.wrong == 0 and tally.right == tally.questions == 3, tally.notes
        assert queries.paper_for(store)(codes[1], "A4") is Why.UNKNOWN_LAYOUT  # still not
    finally:
        store.close()
