"""Issue 17: marked ballot papers read from photos and scanned pages, never a guess.

A small seeded slice of the generated corpus (tests/reading_corpus.py; the big one is
tests/benchmarks/bench_reading.py): papers of every question kind printed from our own
PDFs, marked by program, photographed and scanned by program, read back.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from facilitator.ballots import BallotRound, PaperCode
from facilitator.clock import FakeClock
from facilitator.reading.image import PaperFor, read_image
from facilitator.reading.model import State, Why, state_of
from facilitator.reading.sources import SourceError, read_source
from facilitator.reports.ballot_layout import (
    Corner,
    PaperLayout,
    marker_bits,
    marker_corners,
    marker_id,
    marker_meaning,
)
from facilitator.reports.ballots import paper_layout, write_ballot_papers

from ...reading_corpus import Tally, mark_page, photograph, render, scan
from ..ballots.conftest import every_kind, open_round

DPI = 150


def finder(r: BallotRound, papers: list[PaperCode], layout: PaperLayout) -> PaperFor:
    codes = {p.code for p in papers}

    def find(code: str, size: str) -> tuple[PaperLayout, tuple] | None:
        return (layout, r.questions) if code in codes and size == layout.size else None

    return find


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[BallotRound, list[PaperCode], PaperLayout, list[np.ndarray]]]:
    from facilitator.demo import create_demo_event

    folder = tmp_path_factory.mktemp("reading")
    store = create_demo_event(folder / "demo.facilitator", FakeClock())
    r, papers = open_round(store, 2, questions=every_kind(), title="All kinds")
    pdf = write_ballot_papers(folder / "papers.pdf", r, papers, event_name=store.name)
    layout = paper_layout(r, event_name=store.name)
    images = render(pdf, DPI, range(len(layout.pages)))
    store.close()
    yield r, papers, layout, images


def test_markers_are_opencvs_aruco_markers() -> None:
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_250)
    for marker in range(250):
        image = dictionary.generateImageMarker(marker, 6, borderBits=1)[1:5, 1:5] > 0
        assert marker_bits(marker) == tuple(tuple(bool(v) for v in row) for row in image)
    for corner in Corner:
        for page in (0, 3):
            for size in ("A4", "letter"):
                assert marker_meaning(marker_id(corner, page, size)) == (corner, page, size)


def test_the_layout_is_where_the_pdf_draws_the_boxes_and_markers(printed: tuple) -> None:
    r, _papers, layout, images = printed
    scale = DPI / 72
    assert len(layout.pages) == len(images) and layout.size == "A4"
    seen = set()
    for page, image in zip(layout.pages, images, strict=True):
        for box in page.boxes:
            seen.add(box.question)
            x0, y0 = box.x * scale, (layout.height - box.y - box.h) * scale
            x1, y1 = x0 + box.w * scale, y0 + box.h * scale
            edge = image[round(y0) - 1:round(y0) + 2, round(x0) + 3:round(x1) - 3]
            inside = image[round(y0) + 4:round(y1) - 4, round(x0) + 4:round(x1) - 4]
            assert edge.min() < 80 and inside.min() > 230, box
        for corner in Corner:
            (x0, y0), _r, (x1, y1), _l = marker_corners(corner, layout.width, layout.height)
            square = image[round(y0 * scale) + 1:round(y1 * scale) - 1,
                           round(x0 * scale) + 1:round(x1 * scale) - 1]
            assert square.mean() < 200  # a marker's black border and cells
    assert seen == set(range(len(r.questions)))


def test_a_slice_of_photos_and_scans_is_read_right_or_sent_to_review(printed: tuple) -> None:
    r, papers, layout, images = printed
    rng = random.Random(17)
    known = finder(r, papers, layout)
    photos, scans = Tally(), Tally()
    for i in range(8):
        index = i % len(images)
        marked = mark_page(images[index], layout, index, r.questions, rng, DPI, marginal=0.3)
        if i % 2:
            got = read_image(scan(marked.image, rng, DPI, rng.choice((150, 200))), known)
            scans.add(got.read, marked, f"scan {i}")
        else:
            got = read_image(photograph(marked.image, rng, side=1800), known)
            photos.add(got.read, marked, f"photo {i}")
    for tally in (photos, scans):
        assert tally.wrong == 0, tally.notes
        assert tally.marginal_caught == tally.marginal
    assert scans.pages_refused == 0 and photos.right + scans.right > 0


def test_every_deliberately_marginal_mark_goes_to_review(printed: tuple) -> None:
    r, papers, layout, images = printed
    rng = random.Random(3)
    known = finder(r, papers, layout)
    tally = Tally()
    for _ in range(3):
        marked = mark_page(images[0], layout, 0, r.questions, rng, DPI, style="cross",
                           marginal=1.0)
        tally.add(read_image(marked.image, known).read, marked, "page")
    assert tally.marginal == tally.marginal_caught > 0 and tally.wrong == 0


def test_states_of_a_box() -> None:
    assert state_of(0.0) is State.EMPTY
    assert state_of(0.0, around=0.1) is State.MARGINAL  # a mark running out of the box
    assert state_of(0.4, stroke=0.9, extent=0.9) is State.MARKED
    assert state_of(0.4, stroke=0.3, extent=0.9) is State.MARGINAL  # an erased ghost
    assert state_of(0.2, stroke=0.9, extent=0.3) is State.MARGINAL  # a dot
    assert state_of(0.08) is State.MARGINAL


def test_a_covered_marker_an_unreadable_qr_and_a_stranger_paper_go_to_review(
        printed: tuple) -> None:
    r, papers, layout, images = printed
    known = finder(r, papers, layout)
    scale = DPI / 72
    covered = images[0].copy()
    (x0, y0), _r, (x1, y1), _l = marker_corners(Corner.BOTTOM_LEFT, layout.width,
                                                layout.height)
    covered[round(y0 * scale) - 3:round(y1 * scale) + 3,
            round(x0 * scale) - 3:round(x1 * scale) + 3] = 255
    got = read_image(covered, known).read
    assert got.problem is Why.MISSING_MARKER and "bottom_left" in got.detail
    no_qr = images[0].copy()
    qx, qy, side = layout.qr
    top = layout.height - qy - side
    no_qr[round(top * scale) + 20:round((top + side) * scale) - 20,
          round(qx * scale) + 20:round((qx + side) * scale) - 20] = 255
    assert read_image(no_qr, known).read.problem is Why.QR
    assert read_image(images[0], lambda code, size: None).read.problem is Why.UNKNOWN_PAPER
    blank = np.full((800, 600), 255, dtype=np.uint8)
    assert read_image(blank, known).read.problem is Why.NO_PAPER


def test_a_scanner_pdf_is_read_page_by_page_with_progress_and_cancel(
        printed: tuple, tmp_path: Path) -> None:
    from PIL import Image

    r, papers, layout, images = printed
    known = finder(r, papers, layout)
    pdf = tmp_path / "scan.pdf"
    pages = [Image.fromarray(image) for image in images]
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=float(DPI))
    seen: list[tuple[int, int]] = []
    read = list(read_source(pdf, known, progress=lambda d, t: seen.append((d, t))))
    assert [p.reading.read.page for p in read] == list(range(len(images)))
    assert all(p.reading.read.confident for p in read)  # clean, unmarked: all blank
    assert seen == [(i, len(images)) for i in range(1, len(images) + 1)]
    stop = iter([False, True])
    assert len(list(read_source(pdf, known, cancelled=lambda: next(stop)))) == 1
    folder = tmp_path / "photos"
    folder.mkdir()
    cv2.imwrite(str(folder / "a.jpg"), images[1])
    (folder / "notes.txt").write_text("not a photo")
    assert [p.reading.read.page for p in read_source(folder, known)] == [1]
    with pytest.raises(SourceError):
        list(read_source(tmp_path / "notes.docx", known))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nonsense")
    with pytest.raises(SourceError):
        list(read_source(broken, known))




HEIC = Path(__file__).resolve().parents[2] / "data" / "reading" / "marked_photo.heic"


def test_a_folder_of_iphone_heic_photos_is_read(printed: tuple, tmp_path: Path) -> None:
    """A real HEIC photo (tests/data/reading/README.md: made by libheif's encoder) is read
    from a folder as a JPEG is; a HEIC file that is not one is passed over, as a JPEG is."""
    r, _papers, layout, images = printed
    meant = mark_page(images[0], layout, 0, r.questions, random.Random(2026), DPI,
                      style="cross", stray=0.0).truth  # what make_heic.py drew
    folder = tmp_path / "phone"
    folder.mkdir()
    (folder / "IMG_0001.HEIC").write_bytes(HEIC.read_bytes())
    (folder / "IMG_0002.heif").write_bytes(HEIC.read_bytes()[:5000])  # cut short
    (folder / "IMG_0003.heic").write_bytes(b"not a photo")

    def any_code(code: str, size: str) -> tuple[PaperLayout, tuple] | None:
        return (layout, r.questions) if size == layout.size else None

    read = list(read_source(folder, any_code))
    assert [p.name for p in read] == ["IMG_0001.HEIC"]
    got = read[0].reading.read
    assert (got.code, got.page, got.confident) == ("F843CSXD1", 0, True)
    assert {q.question: q.answer for q in got.questions} == meant


def test_a_marker_with_two_cells_inked_over_is_found_where_the_others_say(
        printed: tuple) -> None:
    """A pen stroke on a marker spoils its code: it is looked for where the other three say
    it is printed (OpenCV's refineDetectedMarkers) and taken with two cells wrong, since
    the warp check still holds it to the page's geometry. Four cells wrong: review."""
    r, papers, layout, images = printed
    known = finder(r, papers, layout)
    scale = DPI / 72
    (x0, y0), _tr, (x1, _y1), _bl = marker_corners(Corner.BOTTOM_LEFT, layout.width,
                                                   layout.height)
    cell = (x1 - x0) / 6 * scale

    def spoilt(cells: list[tuple[int, int]]) -> np.ndarray:
        image = images[0].copy()
        for cx, cy in cells:
            a = (round(x0 * scale + cx * cell), round(y0 * scale + cy * cell))
            b = (round(x0 * scale + (cx + 1) * cell), round(y0 * scale + (cy + 1) * cell))
            was = image[(a[1] + b[1]) // 2, (a[0] + b[0]) // 2]
            cv2.rectangle(image, a, b, 0 if was > 127 else 255, -1)  # the cell turned over
        return image

    got = read_image(spoilt([(1, 1), (2, 3)]), known).read
    assert got.problem is None and got.confident and got.warp_error_mm < 0.3
    worse = read_image(spoilt([(1, 1), (2, 3), (3, 2), (4, 4)]), known).read
    assert worse.problem is Why.MISSING_MARKER and worse.detail == "bottom_left"


@pytest.mark.parametrize("seed", [5, 9, 19, 23])
def test_a_small_blurred_photo_is_found_by_a_second_careful_look(printed: tuple,
                                                                 seed: int) -> None:
    """Photos 1000 pixels long whose markers the first, fast look misses (9, 19, 23) or
    places too roughly to line up (5): AprilTag's corner finder on the photo, then on an
    enlarged copy, finds the page, and every mark is read right."""
    r, papers, layout, images = printed
    rng = random.Random(seed)
    marked = mark_page(images[0], layout, 0, r.questions, rng, DPI, style="cross")
    got = read_image(photograph(marked.image, rng, side=1000), finder(r, papers, layout))
    tally = Tally()
    tally.add(got.read, marked, f"seed {seed}")
    assert got.read.problem is None and got.read.warp_error_mm < 1.0
    assert tally.right == len(marked.truth) and tally.wrong == 0, tally.notes
