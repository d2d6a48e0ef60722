"""Issue 17: read papers are filed through the ballot box's own ops: counted when read with
full confidence (all pages), refused when entered before, queued for a person otherwise;
the person's confirmation or correction is logged with who and when; every page keeps its
image in the event's scans folder."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from facilitator.ballots import BallotRound, PaperCode
from facilitator.ballots import queries as ballot_queries
from facilitator.clock import FakeClock
from facilitator.reading import ops, queries
from facilitator.reading.image import read_image
from facilitator.reading.model import ReadingError, Why
from facilitator.reading.sources import SourcePage
from facilitator.reports.ballot_layout import Corner, PaperLayout, marker_corners
from facilitator.reports.ballots import paper_layout, write_ballot_papers
from facilitator.store import EventStore

from ...reading_corpus import mark_page, render
from ..ballots.conftest import every_kind, open_round, three_questions

DPI = 150


@pytest.fixture
def event(tmp_path: Path) -> Iterator[EventStore]:
    from facilitator.demo import create_demo_event

    store = create_demo_event(tmp_path / "demo.facilitator", FakeClock())
    yield store
    store.close()


def printed(store: EventStore, tmp_path: Path, questions: tuple
            ) -> tuple[BallotRound, list[PaperCode], PaperLayout, list[np.ndarray]]:
    r, papers = open_round(store, 3, questions=questions, title=f"R{len(questions)}")
    pdf = write_ballot_papers(tmp_path / f"p{len(questions)}.pdf", r, papers,
                              event_name=store.name)
    layout = paper_layout(r, event_name=store.name)
    return r, papers, layout, render(pdf, DPI)


def page(store: EventStore, image: np.ndarray, name: str = "scan p1") -> SourcePage:
    return SourcePage(name, read_image(image, queries.paper_for(store)), image)


def test_a_clean_paper_is_counted_and_a_rescan_refused(event: EventStore,
                                                       tmp_path: Path) -> None:
    r, papers, layout, images = printed(event, tmp_path, three_questions())
    rng = random.Random(1)
    marked = mark_page(images[0], layout, 0, r.questions, rng, DPI, style="cross", stray=0)
    filed = ops.file_page(event, page(event, marked.image), actor="Ana")
    assert filed.status == queries.COUNTED
    (entry,) = ballot_queries.entries(event, r.id)
    assert entry.code == papers[0].code and entry.operator == "Ana"
    assert list(entry.answers) == [marked.truth[q] for q in range(3)]
    read = queries.get_read(event, filed.read_id)
    assert read.image is not None and read.image.is_file()
    assert read.image.parent == queries.scans_folder(event)
    again = ops.file_page(event, page(event, marked.image, "scan p2"), actor="Ana")
    assert again.status == queries.REFUSED and "already entered" in again.message
    assert len(ballot_queries.entries(event, r.id)) == 1
    assert ballot_queries.rejected_counts(event, r.id).get("duplicate") == 1


def test_a_marginal_mark_waits_for_a_person_who_corrects_it_logged(
        event: EventStore, tmp_path: Path) -> None:
    r, _papers, layout, images = printed(event, tmp_path, three_questions())
    rng = random.Random(2)
    marked = mark_page(images[0], layout, 0, r.questions, rng, DPI, style="cross",
                       marginal=1.0, stray=0)
    filed = ops.file_page(event, page(event, marked.image), actor="Ana")
    assert filed.status == queries.REVIEW
    assert ballot_queries.entries(event, r.id) == []  # not counted before a person decides
    (waiting,) = queries.review_queue(event)
    assert Why.MARGINAL in waiting.reasons
    assert waiting.crops and all(p.is_file() for p in waiting.crops.values())
    correction = {q: marked.truth[q] for q in waiting.crops}  # what the person sees
    done = ops.confirm(event, waiting.id, actor="Bea", answers=correction)
    assert done.status == queries.COUNTED and queries.review_queue(event) == []
    (entry,) = ballot_queries.entries(event, r.id)
    assert entry.operator == "Bea" and entry.via == ops.READER
    assert list(entry.answers) == [marked.truth[i] for i in range(3)]
    decided = queries.get_read(event, waiting.id)
    assert decided.decided_by == "Bea" and decided.decided_at is not None
    log = event.query("SELECT actor, new FROM audit_log WHERE action = 'paper_read_confirm'")
    assert [row["actor"] for row in log] == ["Bea"]
    corrected = json.loads(log[0]["new"])["corrected"] or {}
    assert {int(q) for q in corrected} == {
        q for q in correction if waiting.answers[q] != marked.truth[q]}
    with pytest.raises(ReadingError):
        ops.confirm(event, waiting.id, actor="Bea")  # decided already


def test_a_paper_of_several_pages_counts_once_all_are_read(event: EventStore,
                                                            tmp_path: Path) -> None:
    r, _papers, layout, images = printed(event, tmp_path, every_kind())
    assert len(images) // 3 == len(layout.pages) > 1
    rng = random.Random(4)
    statuses = []
    for index in range(len(layout.pages)):
        marked = mark_page(images[index], layout, index, r.questions, rng, DPI,
                           style="fill", stray=0)
        statuses.append(ops.file_page(event, page(event, marked.image, f"p{index}"),
                                      actor="Ana").status)
    assert statuses == [queries.WAITING] * (len(layout.pages) - 1) + [queries.COUNTED]
    (entry,) = ballot_queries.entries(event, r.id)
    assert len(entry.answers) == len(r.questions)


def test_a_page_with_a_covered_corner_is_kept_and_set_aside(event: EventStore,
                                                           tmp_path: Path) -> None:
    r, _papers, layout, images = printed(event, tmp_path, three_questions())
    covered = images[0].copy()
    s = DPI / 72
    (x0, y0), _a, (x1, y1), _b = marker_corners(Corner.TOP_LEFT, layout.width, layout.height)
    covered[round(y0 * s) - 3:round(y1 * s) + 3, round(x0 * s) - 3:round(x1 * s) + 3] = 255
    filed = ops.file_page(event, page(event, covered), actor="Ana")
    read = queries.get_read(event, filed.read_id)
    assert filed.status == queries.REVIEW and read.reasons == (Why.MISSING_MARKER,)
    assert read.image is not None and read.image.is_file()
    with pytest.raises(ReadingError, match="by hand"):
        ops.confirm(event, filed.read_id, actor="Bea")
    ops.dismiss(event, filed.read_id, actor="Bea", note="keyed by hand")
    assert queries.review_queue(event) == []
    assert ballot_queries.entries(event, r.id) == []


def test_the_command_line_reads_a_scanner_pdf(event: EventStore, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    from facilitator.cli import main

    r, _papers, layout, images = printed(event, tmp_path, three_questions())
    rng = random.Random(5)
    pages = [Image.fromarray(mark_page(img, layout, 0, r.questions, rng, DPI, style="tick",
                                       stray=0).image) for img in images]
    pdf = tmp_path / "scan.pdf"
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=float(DPI))
    path = event.path
    event.close()
    assert main(["read-papers", str(path), str(pdf)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 pages counted")


def test_a_300_dpi_scanner_pdf_reports_progress_and_stops_on_cancel(event: EventStore,
                                                                    tmp_path: Path) -> None:
    """The venue photocopier's PDF (300 dpi, slightly skewed pages), read as the desktop's
    background task reads it: progress after each page, Cancel checked before each; the
    pages filed before Cancel stay filed, the rest are not read."""
    from PIL import Image

    from ...reading_corpus import scan

    r, _papers, layout, images = printed(event, tmp_path, three_questions())
    rng = random.Random(30)
    pages = [Image.fromarray(scan(mark_page(img, layout, 0, r.questions, rng, DPI,
                                            style="cross", stray=0).image, rng, DPI, 300))
             for img in images]
    pdf = tmp_path / "copier.pdf"
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=300.0)
    seen: list[tuple[int, int]] = []
    stop_after = 2
    summary = ops.read_into(event, pdf, actor="Bea", progress=lambda d, t: seen.append((d, t)),
                            cancelled=lambda: len(seen) >= stop_after)
    assert seen == [(1, 3), (2, 3)] and summary.cancelled
    assert sum(summary.statuses.values()) == 2
    assert len(ballot_queries.entries(event, r.id)) == summary.count(queries.COUNTED) == 2
    seen.clear()
    rest = ops.read_into(event, pdf, actor="Bea", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)] and not rest.cancelled
    assert len(ballot_queries.entries(event, r.id)) == 3
