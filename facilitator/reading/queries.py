"""Reads of the papers read: the review queue, a paper's pages, where the images are kept.
Never writes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from facilitator.ballots import queries as ballot_queries
from facilitator.ballots.marks import Answer
from facilitator.ballots.model import BallotRound
from facilitator.ballots.questions import Question
from facilitator.clock import from_iso
from facilitator.reading.model import Why
from facilitator.reports.ballot_layout import PaperLayout
from facilitator.reports.ballots import paper_layout
from facilitator.store import EventStore

if TYPE_CHECKING:  # the type only: OpenCV loads when a paper is read, not with the queue
    from facilitator.reading.image import PaperFor

COUNTED, WAITING, REVIEW, CONFIRMED, REFUSED, DISMISSED = (
    "counted", "waiting", "review", "confirmed", "refused", "dismissed")


def scans_folder(store: EventStore) -> Path:
    """Where the images of the papers read are kept: a folder beside the event file."""
    return store.path.parent / f"{store.path.stem} scans"


@dataclass(frozen=True)
class PaperRead:
    """One page read, as filed: what was read (per question on the page), why a person
    must look, where its image and crops are, and who decided."""

    id: int
    round_id: int | None
    code: str | None
    page: int | None
    source: str
    image: Path | None
    status: str
    answers: dict[int, Answer]
    reasons: tuple[Why, ...]
    crops: dict[int, Path]
    message: str
    read_at: datetime
    read_by: str
    decided_at: datetime | None
    decided_by: str | None
    pages: int | None = None
    """How many pages the paper has (None when the page could not be read)."""

    @property
    def waits_for_review(self) -> bool:
        return self.status == REVIEW


def _read(store: EventStore, row: Any) -> PaperRead:
    folder = scans_folder(store)
    data = json.loads(row["read"])
    return PaperRead(
        int(row["id"]), row["round_id"], row["code"], row["page"], row["source"],
        folder / row["image"] if row["image"] else None, row["status"],
        {int(q): Answer.from_json(a) for q, a in data.get("answers", {}).items()},
        tuple(Why(w) for w in json.loads(row["reasons"])),
        {int(q): folder / p for q, p in json.loads(row["crops"]).items()},
        row["message"] or "", from_iso(row["read_at"]), row["read_by"],
        from_iso(row["decided_at"]) if row["decided_at"] else None, row["decided_by"],
        data.get("pages"))


def get_read(store: EventStore, read_id: int) -> PaperRead:
    row = store.query_one("SELECT * FROM paper_reads WHERE id = ?", (read_id,))
    if row is None:
        from facilitator.reading.model import ReadingError

        raise ReadingError(f"no read paper {read_id}")
    return _read(store, row)


def review_queue(store: EventStore) -> list[PaperRead]:
    """The pages waiting for a person, oldest first."""
    return [_read(store, row) for row in store.query(
        "SELECT * FROM paper_reads WHERE status = ? ORDER BY id", (REVIEW,))]


def reads_of(store: EventStore, code: str) -> list[PaperRead]:
    """The live reads of one paper's pages (not refused or dismissed), by page."""
    return [_read(store, row) for row in store.query(
        "SELECT * FROM paper_reads WHERE code = ? AND status NOT IN (?, ?) ORDER BY page, id",
        (code, REFUSED, DISMISSED))]


def all_reads(store: EventStore) -> list[PaperRead]:
    return [_read(store, row) for row in store.query("SELECT * FROM paper_reads ORDER BY id")]


def round_of_code(store: EventStore, code: str) -> BallotRound | None:
    row = store.query_one("SELECT round_id FROM ballot_codes WHERE code = ?", (code,))
    return None if row is None else ballot_queries.get_round(store, int(row["round_id"]))


def paper_for(store: EventStore) -> PaperFor:
    """The reader's look-up: a code and a paper size to the layout and questions of its
    round's paper, laid out in the language the paper was printed in (recorded with its
    code), never the app's language now. None for a code this event never printed;
    ``Why.UNKNOWN_LAYOUT`` for one whose language is not known (issued before event files
    recorded it, in a round without a language): never read against a guess, such a page
    goes to review saying so."""
    cache: dict[tuple[int, str, str], PaperLayout] = {}

    def look_up(code: str, size: str) -> tuple[PaperLayout, tuple[Question, ...]] | Why | None:
        ballot_round = round_of_code(store, code)
        if ballot_round is None:
            return None
        language = ballot_queries.code_language(store, code) or ballot_round.language
        if not language:
            return Why.UNKNOWN_LAYOUT
        key = (ballot_round.id, size, language)
        if key not in cache:
            cache[key] = paper_layout(ballot_round, event_name=store.name, page_size=size,
                                      language=language)
        return cache[key], ballot_round.questions

    return look_up
