"""Makes tests/data/reading/marked_photo.heic: a phone-like photo of a marked ballot paper,
encoded as HEIC by libheif's own encoder (``heif-enc``, Debian package libheif-examples,
x265 inside). Run once by hand; the test only reads the file (with pi-heif, decode only).

    apt-get install libheif-examples
    .venv/bin/python tests/data/reading/make_heic.py

The paper is page 1 of the demo event's "All kinds" round (tests/unit/ballots/conftest.py
``every_kind``), marked with crosses by ``tests.reading_corpus.mark_page`` with
``random.Random(SEED)`` and photographed by ``photograph`` with the same generator: the test
draws the same marks with the same seed to know what the voter meant.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from facilitator.clock import FakeClock  # noqa: E402
from facilitator.demo import create_demo_event  # noqa: E402
from facilitator.reports.ballots import paper_layout, write_ballot_papers  # noqa: E402
from tests.reading_corpus import mark_page, photograph, render  # noqa: E402
from tests.unit.ballots.conftest import every_kind, open_round  # noqa: E402

SEED = 2026
DPI = 150
OUT = Path(__file__).with_name("marked_photo.heic")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = create_demo_event(folder / "demo.facilitator", FakeClock())
        r, papers = open_round(store, 1, questions=every_kind(), title="All kinds")
        pdf = write_ballot_papers(folder / "papers.pdf", r, papers, event_name=store.name)
        layout = paper_layout(r, event_name=store.name)
        store.close()
        rng = random.Random(SEED)
        marked = mark_page(render(pdf, DPI, [0])[0], layout, 0, r.questions, rng, DPI,
                           style="cross", stray=0.0)
        photo = photograph(marked.image, rng, tilt=20.0, side=1600)
        warm = (cv2.cvtColor(photo, cv2.COLOR_GRAY2BGR) * np.array([0.88, 0.96, 1.0])
                ).astype(np.uint8)  # in colour, under warm indoor light, as a phone takes it
        jpeg = folder / "photo.jpg"
        cv2.imwrite(str(jpeg), warm, [cv2.IMWRITE_JPEG_QUALITY, 95])
        subprocess.run(["heif-enc", "-q", "50", "-o", str(OUT), str(jpeg)], check=True)
        print(f"{OUT.name}: {OUT.stat().st_size} bytes, paper {papers[0].code}, "
              f"meant {[a.marks for a in marked.truth.values()]}")


if __name__ == "__main__":
    main()
