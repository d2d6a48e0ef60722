"""Every change to a poll: one transaction each, its audit entry naming the actor.

Secrecy: a person's answers are stored under :func:`~facilitator.polls.queries.pair_code`,
an HMAC of their badge token under the poll's random key. The key lives in ``poll_keys``
only while the poll is open; :func:`close_poll` deletes it (a trigger does, whatever code
closes the poll; ``secure_delete`` zeroes it), drops group values too rare to hide in, and
rebuilds the file and clears its write-ahead log (:meth:`EventStore.scrub`), so that no
copy of the key, no order of arrival and no earlier version of a page is left. After that
the file holds answers under codes that nobody can tie to a badge. The audit log says that
an answer arrived, never whose.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from facilitator.ballots.codes import new_unique_codes
from facilitator.changes import Changes
from facilitator.clock import to_iso
from facilitator.i18n import _
from facilitator.people import get
from facilitator.polls import queries, words
from facilitator.polls.model import (
    CLOSED,
    CONTROL,
    DRAFT,
    MAX_FORMS,
    MIN_GROUP,
    OPEN,
    PANEL,
    PAPER_PREFIX,
    POLLS,
    PROJECTIONS,
    FormsPrinted,
    PollError,
    Questionnaire,
    ResponseResult,
    answers_from_json,
    answers_to_json,
    to_json,
    validate,
)
from facilitator.store import EventStore


@dataclass(frozen=True)
class PollCreated:
    poll_id: int
    changes: Changes


def create_poll(store: EventStore, questionnaire: Questionnaire, *, actor: str) -> PollCreated:
    validate(questionnaire)
    with store.transaction():
        for column in questionnaire.group_columns:
            if not store.query_one("SELECT 1 FROM participants WHERE json_extract(attributes, "
                                   "'$.' || json_quote(?)) IS NOT NULL LIMIT 1", (column,)):
                raise PollError(_("No participant has a “{column}” column to group by.").format(
                    column=column))
        cursor = store.execute("INSERT INTO polls (definition, created_at) VALUES (?, ?)",
                               (to_json(questionnaire), to_iso(store.clock.now())))
        poll_id = int(cursor.lastrowid or 0)
        store.audit("create_poll", "poll", poll_id, None,
                    {"title": questionnaire.title, "items": len(questionnaire.items)},
                    actor=actor)
    return PollCreated(poll_id, POLLS)


def update_questionnaire(store: EventStore, poll_id: int, questionnaire: Questionnaire, *,
                         actor: str) -> Changes:
    """A draft's questionnaire replaced; once answered, only extended: the items already
    asked stay as they are and new items start at a wave not yet opened."""
    validate(questionnaire)
    with store.transaction():
        poll = queries.poll(store, poll_id)
        if poll.status == CLOSED:
            raise PollError(_("This poll is closed."))
        if poll.status != DRAFT:
            old = {i.key: i for i in poll.questionnaire.items}
            new = {i.key: i for i in questionnaire.items}
            if any(new.get(key) != item for key, item in old.items()):
                raise PollError(_("Items already asked cannot change; add new items instead."))
            if any(item.first_wave <= poll.wave for key, item in new.items() if key not in old):
                raise PollError(_("A new item must start at a wave not yet opened."))
            if questionnaire.waves < poll.wave:
                raise PollError(_("The poll already reached wave {n}.").format(n=poll.wave))
            if questionnaire.group_columns != poll.questionnaire.group_columns:
                raise PollError(_("The group columns cannot change once answers came in."))
        store.execute("UPDATE polls SET definition = ? WHERE id = ?",
                      (to_json(questionnaire), poll_id))
        store.audit("update_poll", "poll", poll_id, {"items": len(poll.questionnaire.items)},
                    {"items": len(questionnaire.items)}, actor=actor)
    return POLLS


def open_wave(store: EventStore, poll_id: int, *, actor: str) -> Changes:
    """Open the next wave to answers (the first one also opens the poll and makes its key)."""
    with store.transaction():
        poll = queries.poll(store, poll_id)
        if poll.status == CLOSED:
            raise PollError(_("This poll is closed."))
        if queries.wave_open(store, poll_id):
            raise PollError(_("Wave {n} is open already.").format(n=poll.wave))
        if poll.wave >= poll.questionnaire.waves:
            raise PollError(_("Every wave of this poll has been given; close the poll."))
        store.execute("UPDATE polls SET status = 'open', wave = wave + 1, wave_open = 1 "
                      "WHERE id = ?", (poll_id,))
        if poll.status == DRAFT:
            store.execute("INSERT INTO poll_keys (poll_id, key) VALUES (?, ?)",
                          (poll_id, secrets.token_bytes(32)))
        store.audit("open_poll_wave", "poll", poll_id, None, {"wave": poll.wave + 1},
                    actor=actor)
    return POLLS


def close_wave(store: EventStore, poll_id: int, *, actor: str) -> Changes:
    with store.transaction():
        poll = queries.poll(store, poll_id)
        if not queries.wave_open(store, poll_id):
            raise PollError(_("No wave of this poll is open."))
        store.execute("UPDATE polls SET wave_open = 0 WHERE id = ?", (poll_id,))
        store.audit("close_poll_wave", "poll", poll_id, None, {"wave": poll.wave}, actor=actor)
    return POLLS


def close_poll(store: EventStore, poll_id: int, *, actor: str) -> Changes:
    """Close the poll for good: its key goes, and with it any way to tell whose answers
    are whose. Group values held by fewer than MIN_GROUP people are dropped first."""
    with store.transaction():
        poll = queries.poll(store, poll_id)
        if poll.status == CLOSED:
            raise PollError(_("This poll is closed already."))
        dropped = _drop_rare_groups(store, poll_id, poll.questionnaire.group_columns)
        store.execute("UPDATE polls SET status = 'closed', wave_open = 0, closed_at = ? "
                      "WHERE id = ?", (to_iso(store.clock.now()), poll_id))
        store.audit("close_poll", "poll", poll_id, None,
                    {"wave": poll.wave, "rare_groups_dropped": dropped}, actor=actor)
    store.scrub()  # the deleted key's old page leaves the WAL; rows are rewritten in order
    return POLLS


def _drop_rare_groups(store: EventStore, poll_id: int, columns: tuple[str, ...]) -> int:
    rows = store.query("SELECT sample, wave, code, groups FROM poll_responses "
                       "WHERE poll_id = ? AND groups != '{}'", (poll_id,))
    held: dict[str, Counter[str]] = {c: Counter() for c in columns}
    seen: dict[str, set[tuple[str, str]]] = {c: set() for c in columns}
    for r in rows:
        for column, value in json.loads(str(r["groups"])).items():
            if column in held and (r["code"], value) not in seen[column]:
                seen[column].add((r["code"], value))
                held[column][value] += 1
    dropped = 0
    for r in rows:
        groups = json.loads(str(r["groups"]))
        kept = {c: v for c, v in groups.items() if c in held and held[c][v] >= MIN_GROUP}
        if kept != groups:
            dropped += 1
            store.execute("UPDATE poll_responses SET groups = ? WHERE poll_id = ? AND sample = ? "
                          "AND wave = ? AND code = ?",
                          (json.dumps(kept, sort_keys=True), poll_id, r["sample"], r["wave"],
                           r["code"]))
    return dropped


def answer(store: EventStore, poll_id: int, participant_id: int, answers: Mapping[str, Any],
           *, channel: str = "phone", actor: str) -> ResponseResult:
    """A participant's answers at the wave open now (sent again: replaced while the wave is
    open). ``actor`` names the channel, never the person."""
    with store.transaction():
        poll = queries.poll(store, poll_id)
        if not queries.wave_open(store, poll_id):
            raise PollError.said(words.NOT_OPEN_NOW)
        person = get(store, participant_id)
        if not queries.may_answer(person):
            raise PollError.said(words.NOT_A_PARTICIPANT, name=person.name)
        checked = poll.questionnaire.check_answers(poll.wave, answers)
        code = queries.pair_code(store, poll_id, person.token)
        groups = {c: str(person.attributes[c]) for c in poll.questionnaire.group_columns
                  if str(person.attributes.get(c, "")).strip()}
        replaced = _put(store, poll_id, PANEL, poll.wave, code, channel, checked, groups)
        store.audit("poll_answer", "poll", poll_id, None,
                    {"wave": poll.wave, "channel": channel}, actor=actor)
    return ResponseResult(poll.wave, replaced, POLLS)


def key_control(store: EventStore, poll_id: int, wave: int, answers: Mapping[str, Any], *,
                actor: str) -> ResponseResult:
    """One questionnaire from the control sample (people who did not deliberate), keyed in
    from paper: unpaired, compared with the panel at the same wave."""
    with store.transaction():
        poll = queries.poll(store, poll_id)
        if poll.status != OPEN:
            raise PollError(_("Answers are keyed in while the poll is open."))
        if not 1 <= wave <= poll.wave:
            raise PollError(_("Wave {n} has not been given yet.").format(n=wave))
        checked = poll.questionnaire.check_answers(wave, answers)
        if not checked:
            raise PollError(_("Key at least one answer: an empty form is not kept."))
        _put(store, poll_id, CONTROL, wave, "C" + secrets.token_hex(8), "keyed", checked, {})
        store.audit("poll_control_answer", "poll", poll_id, None, {"wave": wave}, actor=actor)
    return ResponseResult(wave, False, POLLS)


def _put(store: EventStore, poll_id: int, sample: str, wave: int, code: str, channel: str,
         answers: Mapping[str, Any], groups: Mapping[str, str],
         pages: list[int] | None = None) -> bool:
    old = store.query_one("SELECT 1 FROM poll_responses WHERE poll_id = ? AND sample = ? "
                          "AND wave = ? AND code = ?", (poll_id, sample, wave, code))
    store.execute(
        "INSERT INTO poll_responses (poll_id, sample, wave, code, channel, answers, groups, "
        "pages) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (poll_id, sample, wave, code) DO "
        "UPDATE SET answers = excluded.answers, groups = excluded.groups, "
        "pages = excluded.pages, channel = excluded.channel",
        (poll_id, sample, wave, code, channel, answers_to_json(answers),
         json.dumps(dict(groups), sort_keys=True),
         None if pages is None else json.dumps(sorted(pages))))
    return old is not None


def project(store: EventStore, poll_id: int | None, show: str = "indices", *,
            actor: str) -> Changes:
    """Put a poll's results on the projector (None: take them off). ``show`` is what to
    reveal (:data:`~facilitator.polls.model.PROJECTIONS`, or one index's key)."""
    with store.transaction():
        old = store.meta_json("poll_projection")
        if poll_id is None:
            new = None
            store.execute("DELETE FROM meta WHERE key = 'poll_projection'")
        else:
            poll = queries.poll(store, poll_id)
            keys = {x.key for x in poll.questionnaire.indices}
            if show not in PROJECTIONS and show not in keys:
                raise PollError(_("There is no “{show}” to show.").format(show=show))
            new = {"poll": poll_id, "show": show}
            store.set_meta_json("poll_projection", new)
        store.audit("project_poll", "poll", poll_id, old, new, actor=actor)
    return POLLS


# -- paper forms ----------------------------------------------------------------------------------


def print_forms(store: EventStore, poll_id: int, count: int, *, actor: str) -> FormsPrinted:
    """Codes for ``count`` more paper packets: each packet holds the form of every wave under
    one random code (the ballots' codes), and is handed out from a pile, to nobody by name."""
    if not 1 <= count <= MAX_FORMS:
        raise PollError(_("Print 1 to {n} forms at a time.").format(n=MAX_FORMS))
    with store.transaction():
        poll = queries.poll(store, poll_id)
        if poll.status == CLOSED:
            raise PollError(_("This poll is closed."))
        taken = {r["code"] for r in store.query("SELECT code FROM poll_forms")}
        fresh = new_unique_codes(count, taken)
        store.executemany("INSERT INTO poll_forms (poll_id, code) VALUES (?, ?)",
                          [(poll_id, code) for code in sorted(fresh)])
        store.audit("print_poll_forms", "poll", poll_id, None, {"count": count}, actor=actor)
    return FormsPrinted(tuple(fresh), POLLS)


def key_form_page(store: EventStore, poll_id: int, scanned: str, answers: Mapping[str, Any],
                  *, replace: bool = False, actor: str) -> ResponseResult:
    """The answers on one page of a paper form, keyed in after its QR code was scanned.
    A page keyed twice is refused unless ``replace`` (a correction)."""
    with store.transaction():
        scan = queries.form_page(store, poll_id, scanned, replace=replace)
        page = scan.page
        on_page = {item.key for item in scan.items}
        stray = sorted(set(answers) - on_page)
        if stray:
            raise PollError(_("Item {key} is not on this page.").format(key=stray[0]))
        checked = scan.poll.questionnaire.check_answers(page.wave, answers)
        code = PAPER_PREFIX + page.code
        row = store.query_one("SELECT answers, pages FROM poll_responses WHERE poll_id = ? "
                              "AND sample = ? AND wave = ? AND code = ?",
                              (poll_id, PANEL, page.wave, code))
        merged: dict[str, Any] = {}
        pages: set[int] = set()
        if row is not None:
            merged = dict(answers_from_json(str(row["answers"])))
            pages = set(json.loads(str(row["pages"] or "[]")))
        merged = {k: v for k, v in merged.items() if k not in on_page} | checked
        _put(store, poll_id, PANEL, page.wave, code, "paper", merged, {},
             sorted(pages | {page.page}))
        store.audit("key_poll_page", "poll", poll_id, None,
                    {"wave": page.wave, "page": page.page, "replaced": page.page in pages},
                    actor=actor)
    return ResponseResult(page.wave, page.page in pages, POLLS)
