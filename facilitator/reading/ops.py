"""Filing what the reader read, and a person's decisions on what it could not call.

:func:`file_page` keeps the page's image (and a crop of each question sent to review) in
the event's scans folder, records the read, and enters the paper through
:func:`facilitator.ballots.ops.enter` (the same checks, the same refusal of a paper entered
before, the same audit log) once every page of it is read with full confidence or decided
by a person. :func:`confirm` is that person's decision: the answers as read, or corrected;
:func:`dismiss` sets aside a page that is not a paper to count (a paper keyed by hand, a
photo of the wrong thing). Each is one transaction with its audit entry naming the actor.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from facilitator.ballots import ops as ballot_ops
from facilitator.ballots import queries as ballot_queries
from facilitator.ballots.errors import BallotError
from facilitator.ballots.marks import Answer
from facilitator.ballots.model import BALLOTS, desk_name
from facilitator.changes import Changes
from facilitator.clock import to_iso
from facilitator.i18n import _
from facilitator.reading import queries
from facilitator.reading.image import question_crop
from facilitator.reading.model import ReadingError
from facilitator.reading.queries import (
    CONFIRMED,
    COUNTED,
    DISMISSED,
    REFUSED,
    REVIEW,
    WAITING,
)
from facilitator.reading.sources import Cancelled, Progress, SourcePage, read_source
from facilitator.store import EventStore

READER = "reader"
"""How an entry made from a read paper is marked (``via``) in the ballot entries."""


@dataclass(frozen=True)
class Filed:
    """What became of one page: its read's id and status, and what it changed."""

    changes: Changes
    read_id: int
    status: str
    message: str = ""


def _save(store: EventStore, name: str, image: np.ndarray) -> str:
    folder = queries.scans_folder(store)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if image.shape[0] > 2400 or image.shape[1] > 2400:
        f = 2400 / max(image.shape[:2])
        image = cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    ok = cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise ReadingError(_("Could not save the image of a read paper in {folder}.").format(
            folder=folder))
    return name


def file_page(store: EventStore, page: SourcePage, *, actor: str) -> Filed:
    """Keep and file one page read from a photo or a scan."""
    reading = page.reading
    read = reading.read
    row = store.query_one("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM paper_reads")
    serial = int(row["n"]) if row is not None else 1
    # Never overwrites: two readers filing at once get different names.
    stem = (f"{serial:05d}-{read.code or 'unread'}-p{(read.page or 0) + 1}-"
            f"{secrets.token_hex(3)}")
    image = _save(store, stem + ".jpg",
                  reading.warped if reading.warped is not None else page.image)
    crops: dict[int, str] = {}
    if reading.warped is not None and reading.layout is not None and read.page is not None:
        for q in read.questions:
            if not q.confident:
                crops[q.question] = _save(store, f"{stem}-q{q.question + 1}.jpg", question_crop(
                    reading.warped, reading.layout, read.page, q.question))
    who = desk_name(actor)
    status = REVIEW if not read.confident else WAITING
    message = ""
    round_id = None
    with store.transaction():
        if read.code is not None:
            ballot_round = queries.round_of_code(store, read.code)
            round_id = ballot_round.id if ballot_round else None
        if round_id is not None and read.code is not None:
            try:
                ballot_queries.scan(store, round_id, read.code, actor=actor)
            except BallotError as refusal:  # entered before (a re-scan), a closed round...
                ballot_ops.record_rejected(store, round_id, read.code, refusal, actor=actor)
                status, message = REFUSED, refusal.message
            else:
                if any(r.page == read.page for r in queries.reads_of(store, read.code)):
                    status = REFUSED
                    message = _("This page of paper {code} was read already.").format(
                        code=read.code)
        data = {"answers": {q.question: q.answer.to_json() for q in read.questions},
                "scores": {q.question: q.scores for q in read.questions},
                "pages": read.pages, "detail": read.detail,
                "warp_error_mm": read.warp_error_mm}
        cursor = store.execute(
            "INSERT INTO paper_reads (round_id, code, page, source, image, status, read, "
            "reasons, crops, message, read_at, read_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?)",
            (round_id, read.code, read.page, page.name, image, status, json.dumps(data),
             json.dumps([w.value for w in read.reasons]), json.dumps(crops), message or None,
             to_iso(store.clock.now()), who))
        read_id = int(cursor.lastrowid or 0)
        store.audit("paper_read", "ballot", read.code, None,
                    {"read": read_id, "source": page.name, "page": read.page,
                     "status": status, "reasons": [w.value for w in read.reasons],
                     "image": image}, actor=who)
        changes = BALLOTS
        if status == WAITING and read.code is not None and round_id is not None:
            status = _enter_if_complete(store, round_id, read.code, actor=actor) or status
    return Filed(changes, read_id, status, message)


def _enter_if_complete(store: EventStore, round_id: int, code: str, *,
                       actor: str) -> str | None:
    """Enter the paper when every one of its pages is read with confidence or confirmed;
    returns the new status of its reads (None: still waiting)."""
    reads = [r for r in queries.reads_of(store, code) if r.status != COUNTED]
    ballot_round = ballot_queries.get_round(store, round_id)
    pages = {r.page for r in reads if r.status in (WAITING, CONFIRMED)}
    expected = max((r.pages or 0 for r in reads), default=0)
    if not reads or any(r.status == REVIEW for r in reads) or len(pages) < expected:
        return None
    answers: dict[int, Answer] = {}
    for r in reads:
        answers.update(r.answers)
    if sorted(answers) != list(range(len(ballot_round.questions))):
        return None
    sources = ", ".join(sorted({r.source for r in reads}))
    ballot_ops.enter(store, round_id, code, [answers[q] for q in sorted(answers)],
                     actor=actor, via=READER, note=_("read from {sources}").format(
                         sources=sources)[:200])
    store.execute(f"UPDATE paper_reads SET status = ? WHERE id IN "
                  f"({', '.join('?' * len(reads))})", (COUNTED, *[r.id for r in reads]))
    return COUNTED


def confirm(store: EventStore, read_id: int, *, actor: str,
            answers: Mapping[int, Answer] | None = None) -> Filed:
    """A person's decision on a page in review: the answers as read (``answers`` None) or
    as they read them on the paper (question index -> answer). The paper is entered once
    all its pages are decided."""
    who = desk_name(actor)
    with store.transaction():
        read = queries.get_read(store, read_id)
        if read.status != REVIEW:
            raise ReadingError(_("This page is not waiting for review (it is {status})."
                                 ).format(status=read.status))
        if read.code is None or read.round_id is None or not read.answers:
            raise ReadingError(_("Nothing could be read on this page: key the paper by hand "
                                 "and set the page aside."))
        decided = dict(read.answers)
        for q, answer in (answers or {}).items():
            if q not in decided:
                raise ReadingError(_("Question {n} is not on this page.").format(n=q + 1))
            decided[q] = answer
        row = store.query_one("SELECT read FROM paper_reads WHERE id = ?", (read_id,))
        data = json.loads(row["read"]) if row is not None else {}
        data["answers"] = {q: a.to_json() for q, a in decided.items()}
        data["as_read"] = {q: a.to_json() for q, a in read.answers.items()}
        store.execute("UPDATE paper_reads SET status = ?, read = ?, decided_at = ?, "
                      "decided_by = ? WHERE id = ?",
                      (CONFIRMED, json.dumps(data), to_iso(store.clock.now()), who, read_id))
        corrected = {q: a.to_json() for q, a in decided.items() if read.answers[q] != a}
        store.audit("paper_read_confirm", "ballot", read.code,
                    {"answers": data["as_read"]},
                    {"read": read_id, "corrected": corrected or None}, actor=who)
        status = _enter_if_complete(store, read.round_id, read.code, actor=actor) or CONFIRMED
    return Filed(BALLOTS, read_id, status)


def dismiss(store: EventStore, read_id: int, *, actor: str, note: str = "") -> Filed:
    """Set a page in review aside (not a paper, or keyed by hand instead)."""
    who = desk_name(actor)
    with store.transaction():
        read = queries.get_read(store, read_id)
        if read.status != REVIEW:
            raise ReadingError(_("This page is not waiting for review (it is {status})."
                                 ).format(status=read.status))
        store.execute("UPDATE paper_reads SET status = ?, message = ?, decided_at = ?, "
                      "decided_by = ? WHERE id = ?",
                      (DISMISSED, note.strip() or None, to_iso(store.clock.now()), who,
                       read_id))
        store.audit("paper_read_dismiss", "ballot", read.code, None,
                    {"read": read_id, "note": note.strip() or None}, actor=who)
    return Filed(BALLOTS, read_id, DISMISSED)


@dataclass(frozen=True)
class ReadSummary:
    """What reading a source did: the pages by status, and whether it was cancelled."""

    changes: Changes
    statuses: dict[str, int]
    messages: tuple[str, ...]
    cancelled: bool = False

    def count(self, status: str) -> int:
        return self.statuses.get(status, 0)


def read_into(store: EventStore, source: Path, *, actor: str,
              progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> ReadSummary:
    """Read every page of ``source`` (a scanner's PDF or TIFF, a photo, a folder of photos)
    and file each one; ``progress(done, total)`` after each page, and ``cancelled()``
    checked before each (the pages filed so far stay filed). Runs off the GUI thread."""
    statuses: dict[str, int] = {}
    messages: list[str] = []
    stopped = False
    for page in read_source(source, queries.paper_for(store), progress=progress,
                            cancelled=cancelled):
        filed = file_page(store, page, actor=actor)
        statuses[filed.status] = statuses.get(filed.status, 0) + 1
        if filed.message:
            messages.append(f"{page.name}: {filed.message}")
    if cancelled is not None and cancelled():
        stopped = True
    return ReadSummary(BALLOTS if statuses else Changes(), statuses, tuple(messages), stopped)
