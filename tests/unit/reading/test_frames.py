"""Issue 17: the camera's path, without a camera: recorded frames fed through the code path
the camera uses (FrameReader.feed). A paper held up is read once its reading is steady,
reported once while it is held, again after it was taken away; a badge's QR code is
reported for check-in; an empty table reports nothing."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from facilitator.clock import FakeClock
from facilitator.reading import ops, queries
from facilitator.reading.frames import FrameReader
from facilitator.reading.sources import SourcePage
from facilitator.reports.ballots import draw_qr, paper_layout, write_ballot_papers
from facilitator.store import EventStore

from ...reading_corpus import mark_page, photograph, render
from ..ballots.conftest import open_round, three_questions


@pytest.fixture
def event(tmp_path: Path) -> Iterator[EventStore]:
    from facilitator.demo import create_demo_event

    store = create_demo_event(tmp_path / "demo.facilitator", FakeClock())
    yield store
    store.close()


def badge_frame(tmp_path: Path, text: str) -> np.ndarray:
    from reportlab.pdfgen.canvas import Canvas

    pdf = tmp_path / "badge.pdf"
    canvas = Canvas(str(pdf), pagesize=(200, 200))
    draw_qr(canvas, text, 40, 40, 120)
    canvas.showPage()
    canvas.save()
    card = render(pdf, 150)[0]
    frame = np.full((720, 1280), 90, dtype=np.uint8)
    frame[200:200 + card.shape[0], 500:500 + card.shape[1]] = card
    return frame


def test_recorded_frames_read_each_paper_once_and_a_badge(event: EventStore,
                                                          tmp_path: Path) -> None:
    r, papers = open_round(event, 2, questions=three_questions())
    pdf = write_ballot_papers(tmp_path / "p.pdf", r, papers, event_name=event.name)
    layout = paper_layout(r, event_name=event.name)
    rng = random.Random(11)
    images = render(pdf, 150)
    marked = [mark_page(image, layout, 0, r.questions, rng, 150, style="cross", stray=0)
              for image in images]
    table = np.full((960, 1280), 120, dtype=np.uint8)
    first = [photograph(marked[0].image, random.Random(s), tilt=8, side=1280)
             for s in range(4)]
    second = [photograph(marked[1].image, random.Random(s), tilt=8, side=1280)
              for s in range(3)]
    badge = badge_frame(tmp_path, "http://192.0.2.1:8080/v/ABCDEFG")
    frames = [table, *first, table, second[0], badge, badge, *second, first[0], first[1]]
    reader = FrameReader(queries.paper_for(event))
    seen = [(i, s) for i, frame in enumerate(frames) if (s := reader.feed(frame)) is not None]
    kinds = [(i, s.text if not s.is_paper else ("paper", s.text)) for i, s in seen]
    assert kinds == [(2, ("paper", papers[0].code)),
                     (7, "http://192.0.2.1:8080/v/ABCDEFG"),
                     (10, ("paper", papers[1].code)),
                     (13, ("paper", papers[0].code))]
    reading = seen[0][1].reading
    assert reading is not None
    filed = ops.file_page(event, SourcePage("camera", reading, first[1]), actor="Ana")
    assert filed.status == queries.COUNTED
