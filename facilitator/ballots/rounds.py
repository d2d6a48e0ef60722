"""Ballot rounds in the event file: questions, printed codes, hand-outs, counts, closing.

A round goes draft → open (its first papers printed; the questions are frozen from then on,
since they are on paper) → closed (reconciled; no more entries). Every command is one
transaction with its audit entry, returns what changed, and a refused command raises a
:class:`BallotError` and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from facilitator.ballots import codes as ballot_codes
from facilitator.ballots.errors import BallotError, QuestionError, RoundStateError
from facilitator.ballots.questions import Question
from facilitator.changes import Changes
from facilitator.clock import from_iso, to_iso
from facilitator.i18n import _
from facilitator.store import EventStore

BALLOTS = Changes(ballots=True)
MAX_BATCH = 10_000
STATUSES = ("draft", "open", "closed")


@dataclass(frozen=True)
class BallotRound:
    id: int
    title: str
    instructions: str
    language: str | None
    double_entry: bool
    status: str
    questions: tuple[Question, ...]
    printed: int
    issued: int | None
    returned: int | None
    created_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None
    close_note: str | None
    present_at_close: int | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"

    def spec(self) -> dict[str, Any]:
        """The round as a JSON-able definition (what ``ballots new`` reads)."""
        return round_spec(self.title, self.questions, instructions=self.instructions,
                          language=self.language, double_entry=self.double_entry)


@dataclass(frozen=True)
class PaperCode:
    """One printed paper: its code, its number in the round, the print batch."""

    code: str
    serial: int
    batch: int

    @property
    def pretty(self) -> str:
        return ballot_codes.pretty(self.code)


@dataclass(frozen=True)
class RoundResult:
    changes: Changes
    round: BallotRound


@dataclass(frozen=True)
class PrintResult:
    changes: Changes
    round: BallotRound
    batch: int
    papers: tuple[PaperCode, ...]


@dataclass(frozen=True)
class HandOut:
    id: int
    round_id: int
    participant_id: int
    at: datetime
    operator: str | None


def round_spec(title: str, questions: Sequence[Question], *, instructions: str = "",
               language: str | None = None, double_entry: bool = False) -> dict[str, Any]:
    return {"title": title, "instructions": instructions, "language": language,
            "double_entry": double_entry, "questions": [q.to_json() for q in questions]}


def parse_round_spec(data: Any) -> tuple[str, tuple[Question, ...], dict[str, Any]]:
    """Read a round definition (JSON): title, questions, and the keyword options."""
    if not isinstance(data, dict):
        raise QuestionError(_("A ballot round must be a JSON object with a title and "
                              "questions."))
    questions_data = data.get("questions")
    if not isinstance(questions_data, list) or not questions_data:
        raise QuestionError(_("A ballot round needs a list of questions."))
    questions: list[Question] = []
    for number, item in enumerate(questions_data, start=1):
        try:
            questions.append(Question.from_json(item))
        except QuestionError as exc:
            raise QuestionError(_("Question {n}: {problem}").format(
                n=number, problem=exc.message)) from exc
    options = {"instructions": str(data.get("instructions") or ""),
               "language": data.get("language") or None,
               "double_entry": bool(data.get("double_entry", False))}
    return str(data.get("title") or ""), tuple(questions), options


# -- reading ------------------------------------------------------------------------------------


def _from_row(store: EventStore, row: Any) -> BallotRound:
    questions = tuple(
        Question.from_json(json.loads(q["spec"])) for q in store.query(
            "SELECT spec FROM ballot_questions WHERE round_id = ? ORDER BY position",
            (row["id"],)))
    printed = store.query_one("SELECT count(*) AS n FROM ballot_codes WHERE round_id = ?",
                              (row["id"],))
    return BallotRound(
        id=row["id"], title=row["title"], instructions=row["instructions"],
        language=row["language"], double_entry=bool(row["double_entry"]),
        status=row["status"], questions=questions, printed=int(printed["n"]) if printed else 0,
        issued=row["issued"], returned=row["returned"],
        created_at=from_iso(row["created_at"]),
        opened_at=from_iso(row["opened_at"]) if row["opened_at"] else None,
        closed_at=from_iso(row["closed_at"]) if row["closed_at"] else None,
        close_note=row["close_note"], present_at_close=row["present_at_close"],
    )


def get_round(store: EventStore, round_id: int) -> BallotRound:
    row = store.query_one("SELECT * FROM ballot_rounds WHERE id = ?", (round_id,))
    if row is None:
        raise BallotError(_("There is no ballot round number {id}.").format(id=round_id))
    return _from_row(store, row)


def list_rounds(store: EventStore) -> list[BallotRound]:
    return [_from_row(store, r) for r in store.query("SELECT * FROM ballot_rounds ORDER BY id")]


def find_round(store: EventStore, ref: str) -> BallotRound:
    """A round by number or by (the start of) its title, for the command line."""
    text = ref.strip()
    if text.isdigit():
        return get_round(store, int(text))
    matches = [r for r in list_rounds(store) if r.title.casefold().startswith(text.casefold())]
    if len(matches) != 1:
        raise BallotError(
            _("No ballot round is called '{ref}'.").format(ref=ref) if not matches else
            _("Several ballot rounds start with '{ref}'; give the number.").format(ref=ref))
    return matches[0]


def paper_codes(store: EventStore, round_id: int, batch: int | None = None) -> list[PaperCode]:
    """The papers printed for a round (one batch, or all), in paper order."""
    sql = "SELECT code, serial, batch FROM ballot_codes WHERE round_id = ?"
    params: list[Any] = [round_id]
    if batch is not None:
        sql += " AND batch = ?"
        params.append(batch)
    return [PaperCode(r["code"], r["serial"], r["batch"])
            for r in store.query(sql + " ORDER BY serial", params)]


def _require(store: EventStore, round_id: int, *allowed: str) -> BallotRound:
    ballot_round = get_round(store, round_id)
    if ballot_round.status not in allowed:
        if ballot_round.is_closed:
            raise RoundStateError(_("The round “{title}” was closed at {time}; reopen it first."
                                    ).format(title=ballot_round.title,
                                             time=_local(ballot_round.closed_at)))
        if ballot_round.status == "draft":
            raise RoundStateError(_("The round “{title}” has no papers printed yet.").format(
                title=ballot_round.title))
        raise RoundStateError(_("Papers of the round “{title}” are printed already, so its "
                                "questions can no longer change.").format(
                                    title=ballot_round.title))
    return ballot_round


def _local(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%H:%M:%S") if moment else "?"


def _operator(name: str | None) -> str:
    text = " ".join((name or "").split())
    return text[:80] if text else _("desk")


# -- defining rounds --------------------------------------------------------------------------


def _check_round(title: str, questions: Sequence[Question], language: str | None) -> str:
    title = " ".join(title.split())
    if not title:
        raise QuestionError(_("The ballot round needs a title."))
    if not questions:
        raise QuestionError(_("The ballot round needs at least one question."))
    if len(questions) > 30:
        raise QuestionError(_("A ballot round can hold at most 30 questions."))
    if language is not None and (not language.strip() or len(language) > 20):
        raise QuestionError(_("The language should be a short code such as 'en' or 'cy'."))
    return title


def create_round(
    store: EventStore, title: str, questions: Sequence[Question], *, instructions: str = "",
    language: str | None = None, double_entry: bool = False, operator: str | None = None,
) -> RoundResult:
    title = _check_round(title, questions, language)
    with store.transaction():
        cursor = store.execute(
            "INSERT INTO ballot_rounds (title, instructions, language, double_entry, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (title, instructions.strip(), language, int(double_entry),
             to_iso(store.clock.now())))
        round_id = int(cursor.lastrowid or 0)
        _write_questions(store, round_id, questions)
        store.audit("ballot_round_create", "ballot_round", round_id, None,
                    round_spec(title, questions, instructions=instructions.strip(),
                               language=language, double_entry=double_entry),
                    actor=operator)
        return RoundResult(BALLOTS, get_round(store, round_id))


def _write_questions(store: EventStore, round_id: int, questions: Sequence[Question]) -> None:
    store.execute("DELETE FROM ballot_questions WHERE round_id = ?", (round_id,))
    store.executemany(
        "INSERT INTO ballot_questions (round_id, position, spec) VALUES (?, ?, ?)",
        [(round_id, i, json.dumps(q.to_json(), ensure_ascii=False))
         for i, q in enumerate(questions)])


def update_round(
    store: EventStore, round_id: int, title: str, questions: Sequence[Question], *,
    instructions: str = "", language: str | None = None, double_entry: bool = False,
    operator: str | None = None,
) -> RoundResult:
    """Change a round before any paper is printed."""
    title = _check_round(title, questions, language)
    with store.transaction():
        old = _require(store, round_id, "draft")
        store.execute(
            "UPDATE ballot_rounds SET title = ?, instructions = ?, language = ?, "
            "double_entry = ? WHERE id = ?",
            (title, instructions.strip(), language, int(double_entry), round_id))
        _write_questions(store, round_id, questions)
        new = get_round(store, round_id)
        store.audit("ballot_round_update", "ballot_round", round_id, old.spec(), new.spec(),
                    actor=operator)
        return RoundResult(BALLOTS, new)


def delete_round(store: EventStore, round_id: int, *, operator: str | None = None) -> Changes:
    """Remove a draft round (nothing printed, so nothing on paper refers to it)."""
    with store.transaction():
        old = _require(store, round_id, "draft")
        store.execute("DELETE FROM ballot_questions WHERE round_id = ?", (round_id,))
        store.execute("DELETE FROM ballot_rounds WHERE id = ?", (round_id,))
        store.audit("ballot_round_delete", "ballot_round", round_id, old.spec(), None,
                    actor=operator)
    return BALLOTS


def set_double_entry(store: EventStore, round_id: int, on: bool, *,
                     operator: str | None = None) -> RoundResult:
    with store.transaction():
        old = _require(store, round_id, "draft", "open")
        if old.double_entry and not on:
            second = store.query_one(
                "SELECT count(*) AS n FROM ballot_entries WHERE round_id = ? AND pass > 1 "
                "AND undone_at IS NULL", (round_id,))
            if second and second["n"]:
                raise RoundStateError(_("Papers of this round were keyed a second time "
                                        "already; double entry stays on."))
        store.execute("UPDATE ballot_rounds SET double_entry = ? WHERE id = ?",
                      (int(on), round_id))
        store.audit("ballot_round_double_entry", "ballot_round", round_id,
                    {"double_entry": old.double_entry}, {"double_entry": on}, actor=operator)
        return RoundResult(BALLOTS, get_round(store, round_id))


# -- printing -------------------------------------------------------------------------------------


def issue_codes(store: EventStore, round_id: int, count: int, *,
                operator: str | None = None) -> PrintResult:
    """Make ``count`` new papers (random unique codes) for a round, as one print batch.

    The codes are in the event file before the PDF is written, so every printed paper is
    known; printing the same batch again (a paper jam) uses :func:`paper_codes`.
    """
    if not 1 <= count <= MAX_BATCH:
        raise BallotError(_("Print between 1 and {max} papers at a time, not {n}.").format(
            max=MAX_BATCH, n=count))
    with store.transaction():
        ballot_round = _require(store, round_id, "draft", "open")
        taken = {r["code"] for r in store.query("SELECT code FROM ballot_codes")}
        row = store.query_one(
            "SELECT coalesce(max(serial), 0) AS serial, coalesce(max(batch), 0) AS batch "
            "FROM ballot_codes WHERE round_id = ?", (round_id,))
        first = int(row["serial"]) + 1 if row else 1
        batch = int(row["batch"]) + 1 if row else 1
        now = to_iso(store.clock.now())
        papers = tuple(PaperCode(code, first + i, batch) for i, code in
                       enumerate(ballot_codes.new_unique_codes(count, taken)))
        store.executemany(
            "INSERT INTO ballot_codes (code, round_id, serial, batch, created_at) "
            "VALUES (?, ?, ?, ?, ?)", [(p.code, round_id, p.serial, batch, now) for p in papers])
        if ballot_round.status == "draft":
            store.execute("UPDATE ballot_rounds SET status = 'open', opened_at = ? WHERE id = ?",
                          (now, round_id))
        store.audit("ballot_codes_issue", "ballot_round", round_id, None,
                    {"batch": batch, "count": count, "first": first,
                     "last": first + count - 1, "codes": [p.code for p in papers]},
                    actor=operator)
        return PrintResult(BALLOTS, get_round(store, round_id), batch, papers)


# -- handing out ------------------------------------------------------------------------------


def hand_out(store: EventStore, round_id: int, participant_id: int, *,
             operator: str | None = None) -> Changes:
    """Record that a person was handed a paper for this round (not which one: votes stay
    secret). A second paper for the same person is refused; phone voting can check this
    so that no one votes both on paper and on a phone."""
    from facilitator.people import get

    with store.transaction():
        ballot_round = _require(store, round_id, "open")
        person = get(store, participant_id)
        if not person.active:
            raise BallotError(_("{name} was removed from the participant list.").format(
                name=person.name))
        earlier = handed_out_to(store, round_id, participant_id)
        if earlier is not None:
            raise BallotError(_("{name} was already handed a paper for “{title}” at {time} "
                                "(by {operator}).").format(
                name=person.name, title=ballot_round.title, time=_local(earlier.at),
                operator=earlier.operator or _("desk")))
        store.execute("INSERT INTO ballot_handouts (round_id, participant_id, at, operator) "
                      "VALUES (?, ?, ?, ?)",
                      (round_id, participant_id, to_iso(store.clock.now()), _operator(operator)))
        store.audit("ballot_hand_out", "participant", participant_id, None,
                    {"round": round_id}, actor=_operator(operator))
    return BALLOTS


def undo_hand_out(store: EventStore, round_id: int, participant_id: int, *,
                  operator: str | None = None) -> Changes:
    with store.transaction():
        _require(store, round_id, "open")
        earlier = handed_out_to(store, round_id, participant_id)
        if earlier is None:
            raise BallotError(_("No paper of this round was handed to this person."))
        store.execute("UPDATE ballot_handouts SET undone_at = ? WHERE id = ?",
                      (to_iso(store.clock.now()), earlier.id))
        store.audit("ballot_undo_hand_out", "participant", participant_id,
                    {"round": round_id}, None, actor=_operator(operator))
    return BALLOTS


def handed_out_to(store: EventStore, round_id: int, participant_id: int) -> HandOut | None:
    row = store.query_one(
        "SELECT id, round_id, participant_id, at, operator FROM ballot_handouts "
        "WHERE round_id = ? AND participant_id = ? AND undone_at IS NULL",
        (round_id, participant_id))
    if row is None:
        return None
    return HandOut(row["id"], row["round_id"], row["participant_id"], from_iso(row["at"]),
                   row["operator"])


def handout_count(store: EventStore, round_id: int) -> int:
    row = store.query_one("SELECT count(*) AS n FROM ballot_handouts WHERE round_id = ? "
                          "AND undone_at IS NULL", (round_id,))
    return int(row["n"]) if row else 0


# -- counts by hand ---------------------------------------------------------------------------


def record_counts(store: EventStore, round_id: int, *, issued: int | None = None,
                  returned: int | None = None, operator: str | None = None) -> RoundResult:
    """Record the papers handed out and the papers found in the ballot box (counted by
    hand); None leaves a figure as it is."""
    for value in (issued, returned):
        if value is not None and not 0 <= value <= 1_000_000:
            raise BallotError(_("A count of papers must be a whole number, 0 or more."))
    with store.transaction():
        old = _require(store, round_id, "open")
        new_issued = old.issued if issued is None else issued
        new_returned = old.returned if returned is None else returned
        if new_issued is not None and new_issued > old.printed:
            raise BallotError(_("{issued} papers cannot have been handed out: only {printed} "
                                "were printed for this round.").format(
                                    issued=new_issued, printed=old.printed))
        store.execute("UPDATE ballot_rounds SET issued = ?, returned = ? WHERE id = ?",
                      (new_issued, new_returned, round_id))
        store.audit("ballot_counts", "ballot_round", round_id,
                    {"issued": old.issued, "returned": old.returned},
                    {"issued": new_issued, "returned": new_returned}, actor=_operator(operator))
        return RoundResult(BALLOTS, get_round(store, round_id))
