"""Reading polls from the event file: definitions, answers, the analysis. Never writes."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections.abc import Sequence

from facilitator.ballots.codes import is_ballot_code, pretty
from facilitator.i18n import _
from facilitator.people import Participant
from facilitator.polls import words
from facilitator.polls.analysis import Analysis, analyse
from facilitator.polls.model import (
    OPEN,
    PANEL,
    PAPER_PREFIX,
    Answer,
    Incomplete,
    Poll,
    PollError,
    Reconciliation,
    Response,
    ScannedPage,
    answers_from_json,
    form_pages,
    from_json,
    parse_form_qr,
)
from facilitator.store import EventStore


def polls(store: EventStore) -> list[Poll]:
    return [_poll(r) for r in store.query("SELECT * FROM polls ORDER BY id")]


def poll(store: EventStore, poll_id: int) -> Poll:
    row = store.query_one("SELECT * FROM polls WHERE id = ?", (poll_id,))
    if row is None:
        raise PollError(_("There is no poll number {id}.").format(id=poll_id))
    return _poll(row)


def latest_poll_id(store: EventStore) -> int | None:
    row = store.query_one("SELECT max(id) AS id FROM polls")
    return None if row is None or row["id"] is None else int(row["id"])


def _poll(r: sqlite3.Row) -> Poll:
    return Poll(int(r["id"]), from_json(str(r["definition"])), str(r["status"]),
                int(r["wave"]), str(r["created_at"]),
                None if r["closed_at"] is None else str(r["closed_at"]))


def wave_open(store: EventStore, poll_id: int) -> bool:
    row = store.query_one("SELECT status, wave_open FROM polls WHERE id = ?", (poll_id,))
    return row is not None and row["status"] == OPEN and bool(row["wave_open"])


def may_answer(person: Participant) -> bool:
    """Whether this person answers the questionnaire: participants only (experts, staff,
    observers and facilitators are not the panel), and only while on the list."""
    return person.active and person.role == "participant"


def open_polls(store: EventStore) -> list[Poll]:
    """The polls taking answers on phones now."""
    return [_poll(r) for r in store.query(
        "SELECT * FROM polls WHERE status = 'open' AND wave_open = 1 ORDER BY id")]


def responses(store: EventStore, poll_id: int) -> list[Response]:
    return [Response(int(r["wave"]), str(r["code"]), str(r["sample"]),
                     answers_from_json(str(r["answers"])), json.loads(str(r["groups"])))
            for r in store.query(
                "SELECT wave, code, sample, answers, groups FROM poll_responses "
                "WHERE poll_id = ? ORDER BY sample, wave, code", (poll_id,))]


def counts(store: EventStore, poll_id: int) -> dict[tuple[str, int], int]:
    """How many responses per (sample, wave)."""
    return {(str(r["sample"]), int(r["wave"])): int(r["n"]) for r in store.query(
        "SELECT sample, wave, count(*) AS n FROM poll_responses WHERE poll_id = ? "
        "GROUP BY sample, wave", (poll_id,))}


def pair_code(store: EventStore, poll_id: int, token: str) -> str:
    """The code pairing one badge's answers across the poll's waves: an HMAC of the badge
    token under the poll's key, which exists only while the poll is open."""
    row = store.query_one("SELECT key FROM poll_keys WHERE poll_id = ?", (poll_id,))
    if row is None:
        raise PollError.said(words.NO_KEY)
    return hmac.new(bytes(row["key"]), b"poll-pair:" + token.encode(), hashlib.sha256
                    ).hexdigest()[:24]


def own_response(store: EventStore, poll_id: int, wave: int, token: str) -> Response | None:
    """A badge's own answers at a wave, while the poll is open (phone page: "answered")."""
    code = pair_code(store, poll_id, token)
    row = store.query_one(
        "SELECT wave, code, sample, answers, groups FROM poll_responses WHERE poll_id = ? "
        "AND sample = ? AND wave = ? AND code = ?", (poll_id, PANEL, wave, code))
    if row is None:
        return None
    return Response(int(row["wave"]), str(row["code"]), str(row["sample"]),
                    answers_from_json(str(row["answers"])), json.loads(str(row["groups"])))


def analysis(store: EventStore, poll_id: int, *, before_wave: int = 1,
             after_wave: int | None = None, correction: str = "none", main_test: str = "t",
             group_columns: Sequence[str] | None = None) -> Analysis:
    """The poll's analysis (every figure shown anywhere comes from here). ``after_wave``
    defaults to the poll's last wave."""
    p = poll(store, poll_id)
    after = after_wave if after_wave is not None else max(2, p.questionnaire.waves)
    for wave in (before_wave, after):
        if not 1 <= wave <= p.questionnaire.waves:
            raise PollError(_("This poll has no wave {n}.").format(n=wave))
    return analyse(p.questionnaire, responses(store, poll_id), before_wave=before_wave,
                   after_wave=after, correction=correction, main_test=main_test,
                   group_columns=group_columns)


def paper_forms(store: EventStore, poll_id: int) -> list[str]:
    return [str(r["code"]) for r in store.query(
        "SELECT code FROM poll_forms WHERE poll_id = ? ORDER BY code", (poll_id,))]


def projection(store: EventStore) -> tuple[int, str] | None:
    """The poll on the projector and what it reveals, or None."""
    value = store.meta_json("poll_projection")
    if not isinstance(value, dict):
        return None
    poll_id, show = value.get("poll"), value.get("show")
    if not isinstance(poll_id, int) or not isinstance(show, str):
        return None
    if store.query_one("SELECT 1 FROM polls WHERE id = ?", (poll_id,)) is None:
        return None
    return poll_id, show


def form_page(store: EventStore, poll_id: int, scanned: str, *, replace: bool = False
              ) -> ScannedPage:
    """The page of a paper form whose QR code was scanned, ready to key: refused (a
    :class:`PollError` saying why) if it belongs to another poll, its wave was not given,
    its layout is not the questionnaire's, its packet was not printed for this poll, or it
    was keyed already (unless ``replace``: a correction, with the answers keyed before)."""
    page = parse_form_qr(scanned)
    p = poll(store, poll_id)
    if page.poll_id != poll_id:
        raise PollError(_("This page belongs to another poll (number {n}).").format(
            n=page.poll_id))
    if p.status != OPEN:
        raise PollError(_("Answers are keyed in while the poll is open."))
    if not 1 <= page.wave <= p.wave:
        raise PollError(_("Wave {n} has not been given yet.").format(n=page.wave))
    layout = form_pages(p.questionnaire, page.wave)
    if page.pages != len(layout) or not 1 <= page.page <= len(layout):
        raise PollError(_("This page does not match the questionnaire (page {p} of "
                          "{n}).").format(p=page.page, n=page.pages))
    if not is_ballot_code(page.code) or store.query_one(
            "SELECT 1 FROM poll_forms WHERE poll_id = ? AND code = ?",
            (poll_id, page.code)) is None:
        raise PollError(_("Form {code} was not printed for this poll.").format(
            code=pretty(page.code)))
    items = layout[page.page - 1]
    row = store.query_one("SELECT answers, pages FROM poll_responses WHERE poll_id = ? "
                          "AND sample = ? AND wave = ? AND code = ?",
                          (poll_id, PANEL, page.wave, PAPER_PREFIX + page.code))
    keyed: dict[str, Answer] | None = None
    if row is not None and page.page in json.loads(str(row["pages"] or "[]")):
        if not replace:
            raise PollError(_("Page {p} of form {code} (wave {w}) is keyed already.")
                            .format(p=page.page, code=pretty(page.code), w=page.wave))
        answers = answers_from_json(str(row["answers"]))
        keyed = {item.key: answers[item.key] for item in items if item.key in answers}
    return ScannedPage(p, page, items, keyed)


def reconcile_forms(store: EventStore, poll_id: int) -> Reconciliation:
    """Paper forms printed against the pages keyed: per wave, the forms complete, the forms
    with pages missing (which), and the packets not keyed at every wave given."""
    p = poll(store, poll_id)
    printed = paper_forms(store, poll_id)
    waves = range(1, p.wave + 1)
    keyed: dict[tuple[int, str], set[int]] = {}
    for r in store.query("SELECT wave, code, pages FROM poll_responses WHERE poll_id = ? "
                         "AND sample = ? AND channel = 'paper'", (poll_id, PANEL)):
        keyed[(int(r["wave"]), str(r["code"])[len(PAPER_PREFIX):])] = set(
            json.loads(str(r["pages"] or "[]")))
    complete = dict.fromkeys(waves, 0)
    incomplete: list[Incomplete] = []
    for wave in waves:
        count = len(form_pages(p.questionnaire, wave))
        for code in printed:
            pages = keyed.get((wave, code))
            if pages is None:
                continue
            missing = tuple(n for n in range(1, count + 1) if n not in pages)
            if missing:
                incomplete.append(Incomplete(code, wave, missing))
            else:
                complete[wave] += 1
    codes = {code for _wave, code in keyed}
    one_wave = sum(1 for code in codes if any((w, code) not in keyed for w in waves))
    return Reconciliation(len(printed), complete, tuple(incomplete), one_wave)
