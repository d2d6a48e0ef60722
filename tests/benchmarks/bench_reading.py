"""Benchmark: reading marked ballot papers from photos and scanned pages (issue 17).

    python tests/benchmarks/bench_reading.py [--photos 500] [--scans 200] [--seed 17]

Generates the corpus of tests/reading_corpus.py: papers of every question kind (a round of
nine questions over four pages, and the rehearsal's one-page round of three) printed from
our own PDFs, marked by program in every style, then

* clean photos: phone photos of papers marked with plain crosses, ticks or fills (tilt up to
  30 degrees, turned any way, blur, noise, uneven light, shadow, JPEG 50, 1600-2400 px);
* hard photos: every marking style (light, slanted, partly outside, erased and re-marked,
  stray marks, deliberately marginal marks) and low resolution (900-2400 px);
* scanned pages: 150-300 dpi, slight skew, written into one PDF at 300 dpi and read back
  through the scanner input (pypdfium2), which gives pages per second.

Prints, per group: right (read with full confidence and right), review (sent to a person),
WRONG (read with full confidence and wrong: the hard requirement is 0), and how many
deliberately marginal marks were sent to review; then the same per photo damage (tilt, turn,
blur, noise, uneven light, shadow, low and mid resolution, a stray mark), per scan
resolution and per marking style. Exits 1 if any mark was read wrongly.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np
from PIL import Image

from facilitator.clock import FakeClock
from facilitator.demo import create_demo_event
from facilitator.reading.image import read_image
from facilitator.reading.sources import read_source
from facilitator.reports.ballots import paper_layout, write_ballot_papers
from tests.reading_corpus import Tally, mark_page, photograph, render, scan
from tests.unit.ballots.conftest import every_kind, open_round
from tests.unit.ballots.test_one_page_papers import rehearsal_questions

CLEAN = ("cross", "tick", "fill", "heavy")
DAMAGE: dict[str, Callable[[dict[str, float]], bool]] = {
    "tilted 20-30 deg": lambda d: d["tilt"] >= 20,
    "turned over 90 deg": lambda d: abs(d["turn"]) > 90,
    "blurred (sigma > 1 px)": lambda d: d["blur"] > 1.0,
    "noisy (sd > 5)": lambda d: d["noise"] > 5,
    "uneven light (> 10 %)": lambda d: d["light"] > 0.1,
    "shadow": lambda d: d["shadow"] > 0,
    "low-res (< 1300 px)": lambda d: d["side"] < 1300,
    "mid-res (1300-1599 px)": lambda d: 1300 <= d["side"] < 1600,
    "stray mark on the page": lambda d: bool(d["stray"]),
}
"""Photo damage the figures are broken down by (a photo may count under several)."""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=500)
    parser.add_argument("--scans", type=int, default=200)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = create_demo_event(folder / "bench.facilitator", FakeClock())
        rounds = []
        for title, questions in (("All kinds", every_kind()), ("Rehearsal",
                                                               rehearsal_questions())):
            r, papers = open_round(store, 1, questions=questions, title=title)
            pdf = write_ballot_papers(folder / f"{title}.pdf", r, papers,
                                      event_name=store.name)
            layout = paper_layout(r, event_name=store.name)
            rounds.append((papers[0].code, r, layout, render(pdf, 200)))
        by_code = {code: (layout, r.questions) for code, r, layout, _p in rounds}

        def paper_for(code: str, size: str) -> object:
            return by_code.get(code)

        started = time.perf_counter()

        def page(style: str | None, marginal: float) -> tuple[np.ndarray, object]:
            _code, r, layout, images = rng.choice(rounds)
            index = rng.randrange(len(images))
            marked = mark_page(images[index], layout, index, r.questions, rng, 200,
                               style=style, marginal=marginal)
            return marked.image, marked

        clean, hard, scans = Tally(), Tally(), Tally()
        damaged = {label: Tally() for label in DAMAGE}
        by_dpi = {dpi: Tally() for dpi in (150, 200, 300)}
        read_time = 0.0
        n_clean = args.photos * 2 // 5
        for i in range(args.photos):
            is_clean = i < n_clean
            image, marked = page(rng.choice(CLEAN) if is_clean else None,
                                 0.0 if is_clean else 0.25)
            damage: dict[str, float] = {}
            photo = photograph(image, rng, side=rng.randint(1600, 2400) if is_clean else None,
                               damage=damage)
            t = time.perf_counter()
            reading = read_image(photo, paper_for)
            read_time += time.perf_counter() - t
            (clean if is_clean else hard).add(reading.read, marked, f"photo {i}")
            damage["stray"] = marked.stray
            for label, has in DAMAGE.items():
                if has(damage):
                    damaged[label].add(reading.read, marked, f"photo {i}")
            if i % 50 == 49:
                print(f"  {i + 1} photos read", flush=True)
        photos_s = read_time / max(args.photos, 1)
        truths = []
        dpis = []
        pdf_pages = []
        for _i in range(args.scans):
            image, marked = page(None, 0.15)
            dpi = rng.choice((150, 200, 300))
            scanned = scan(image, rng, 200, dpi)
            if dpi != 300:  # the scanner's PDF is 300 dpi; lower-dpi pages are upsampled
                scanned = np.array(Image.fromarray(scanned).resize(
                    (round(scanned.shape[1] * 300 / dpi), round(scanned.shape[0] * 300 / dpi))))
            pdf_pages.append(Image.fromarray(scanned))
            truths.append(marked)
            dpis.append(dpi)
        scan_pdf = folder / "scanner.pdf"
        pdf_pages[0].save(scan_pdf, save_all=True, append_images=pdf_pages[1:],
                          resolution=300.0, quality=80)
        del pdf_pages
        t, cpu = time.perf_counter(), time.process_time()
        for index, got in enumerate(read_source(scan_pdf, paper_for)):
            scans.add(got.reading.read, truths[index], got.name)  # type: ignore[arg-type]
            by_dpi[dpis[index]].add(got.reading.read, truths[index], got.name)  # type: ignore[arg-type]
        scan_s, scan_cpu = time.perf_counter() - t, time.process_time() - cpu
        store.close()
    print(f"corpus generated and read in {time.perf_counter() - started:.0f} s "
          f"(seed {args.seed})")
    print(clean.line(f"clean photos ({n_clean})"))
    print(hard.line(f"hard photos ({args.photos - n_clean})"))
    print(scans.line(f"scanned pages ({args.scans})"))
    print(f"reading a photo: {photos_s * 1000:.0f} ms;  scanner PDF at 300 dpi: "
          f"{args.scans / scan_s:.2f} pages/s wall clock, {args.scans / scan_cpu:.2f} pages/s "
          f"of CPU time (render + read; the CPU figure is what a loaded machine does not "
          f"inflate)")
    print("photos by damage (a photo counts under every damage it has; JPEG 50 is all):")
    for label, tally in damaged.items():
        print("  " + tally.short(label))
    print("scanned pages by resolution:")
    for dpi, tally in by_dpi.items():
        print("  " + tally.short(f"{dpi} dpi"))
    print("questions by marking style (a page refused whole counts as review):")
    for label, tally in (("clean photo", clean), ("hard photo", hard), ("scan", scans)):
        for line in tally.style_lines(label):
            print("  " + line)
    wrong = clean.wrong + hard.wrong + scans.wrong
    for tally in (clean, hard, scans):
        for note in tally.notes[:10]:
            print("  ", note)
    marginal_missed = sum(t.marginal - t.marginal_caught for t in (clean, hard, scans))
    print(f"read wrongly without review: {wrong};  deliberately marginal marks not sent to "
          f"review: {marginal_missed}")
    return 1 if wrong or marginal_missed else 0


if __name__ == "__main__":
    sys.exit(main())
