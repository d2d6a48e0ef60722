"""Ballot rounds in the event file: questions, printed codes, hand-outs, counts, closing.

A round goes draft → open (its first papers printed, or a question opened to phones; the
questions, their rules, the channel and who may vote are frozen from then on) → closed
(reconciled; nothing about its count can change until someone reopens it, with a note).
Every command is one transaction with its audit entry, returns what changed, and a refused
command raises a :class:`BallotError` and changes nothing.

**Channel.** A round is voted on paper only, on phones only, or on both. A new round's
channel may be left open: the first use fixes it (printing papers makes it a paper round,
opening a question to phones a phone round), so nobody can vote both ways unless the
organiser chose "both". In a "both" round each paper is handed out at the desk with the
person's badge scanned (a paper is keyed only within the hand-outs recorded), a hand-out
is refused to someone who voted by phone and a phone vote to someone handed a paper.

**Who may vote.** Participants, unless the round names other roles
(:func:`voting_refusal` is the one rule, for phones and for the hand-out desk;
:func:`entitled_present` the one count of those present who may vote).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from facilitator.ballots import codes as ballot_codes
from facilitator.ballots.errors import BallotError, QuestionError, RoundStateError
from facilitator.ballots.questions import Question
from facilitator.changes import Changes
from facilitator.clock import from_iso, to_iso
from facilitator.i18n import N_, _
from facilitator.people import Participant, get
from facilitator.people.importer import ROLES
from facilitator.store import EventStore

BALLOTS = Changes(ballots=True)
MAX_BATCH = 10_000
STATUSES = ("draft", "open", "closed")
PAPER, PHONES, BOTH = "paper", "phones", "both"
CHANNELS = (PAPER, PHONES, BOTH)
CHANNEL_NAMES = {None: N_("Paper or phones: the first one used"), PAPER: N_("Paper only"),
                 PHONES: N_("Phones only"),
                 BOTH: N_("Paper and phones (hand-outs recorded at the desk)")}
VOTER_ROLES = ("participant",)
"""Who may vote in a round unless the organiser chose otherwise."""
ROLE_NAMES = {"participant": N_("participants"), "facilitator": N_("facilitators"),
              "expert": N_("experts"), "staff": N_("staff"), "observer": N_("observers")}


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
    channel: str | None = None
    """"paper", "phones" or "both"; None until the first use fixes it."""
    voters: tuple[str, ...] = VOTER_ROLES
    """The roles that may vote (participants unless the organiser chose otherwise)."""
    fingerprint: str | None = None
    """The ballot set's fingerprint, sealed when the round was closed (None while open)."""

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_closed(self) -> bool:
        return self.status == "closed"

    @property
    def allows_paper(self) -> bool:
        return self.channel != PHONES

    @property
    def allows_phones(self) -> bool:
        return self.channel != PAPER

    def channel_text(self) -> str:
        return _(CHANNEL_NAMES[self.channel])

    def voters_text(self) -> str:
        return voters_text(self.voters)

    def spec(self) -> dict[str, Any]:
        """The round as a JSON-able definition (what ``ballots new`` reads)."""
        return round_spec(self.title, self.questions, instructions=self.instructions,
                          language=self.language, double_entry=self.double_entry,
                          channel=self.channel, voters=self.voters)


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


def voters_text(voters: Sequence[str]) -> str:
    """Who may vote, in words: "participants", "participants and observers"."""
    names = [_(ROLE_NAMES[r]) for r in ROLES if r in voters]
    if len(names) <= 1:
        return "".join(names)
    return _("{some} and {last}").format(some=", ".join(names[:-1]), last=names[-1])


def check_channel(channel: Any) -> str | None:
    if channel is None or channel == "":
        return None
    if channel not in CHANNELS:
        raise QuestionError(_("The channel must be one of: {channels} (or left out, to be "
                              "fixed by the first use).").format(channels=", ".join(CHANNELS)))
    return str(channel)


def check_voters(voters: Any) -> tuple[str, ...]:
    """The roles that may vote, in the roster's order; refused if empty or unknown."""
    if voters is None:
        return VOTER_ROLES
    if isinstance(voters, str) or not isinstance(voters, Sequence):
        raise QuestionError(_("Who may vote must be a list of roles, e.g. [\"participant\"]."))
    unknown = sorted({str(v) for v in voters} - set(ROLES))
    if unknown:
        raise QuestionError(_("Unknown role(s) {names}; use: {roles}.").format(
            names=", ".join(unknown), roles=", ".join(ROLES)))
    chosen = tuple(r for r in ROLES if r in voters)
    if not chosen:
        raise QuestionError(_("At least one role must be allowed to vote."))
    return chosen


def round_spec(title: str, questions: Sequence[Question], *, instructions: str = "",
               language: str | None = None, double_entry: bool = False,
               channel: str | None = None, voters: Sequence[str] = VOTER_ROLES
               ) -> dict[str, Any]:
    return {"title": title, "instructions": instructions, "language": language,
            "double_entry": double_entry, "channel": channel, "voters": list(voters),
            "questions": [q.to_json() for q in questions]}


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
               "double_entry": bool(data.get("double_entry", False)),
               "channel": check_channel(data.get("channel")),
               "voters": check_voters(data.get("voters"))}
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
        channel=row["channel"], voters=tuple(json.loads(row["voters"])),
        fingerprint=row["fingerprint"],
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
        raise RoundStateError(_("The round “{title}” is open (papers printed or a question "
                                "opened to phones), so its questions, rules, channel and "
                                "voters can no longer change.").format(
                                    title=ballot_round.title))
    return ballot_round


def _local(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%H:%M:%S") if moment else "?"


def _operator(name: str | None) -> str:
    text = " ".join((name or "").split())
    return text[:80] if text else _("desk")


# -- channel and who may vote --------------------------------------------------------------


def use_channel(store: EventStore, ballot_round: BallotRound, channel: str,
                *, operator: str | None = None) -> None:
    """Inside a transaction: refuse ``channel`` ("paper" or "phones") if the round does not
    allow it; a round whose channel was left open is fixed to it (audited)."""
    if ballot_round.channel is None:
        store.execute("UPDATE ballot_rounds SET channel = ? WHERE id = ? AND channel IS NULL",
                      (channel, ballot_round.id))
        store.audit("ballot_round_channel", "ballot_round", ballot_round.id,
                    {"channel": None}, {"channel": channel}, actor=operator)
        return
    if channel == PAPER and not ballot_round.allows_paper:
        raise RoundStateError(_("The round “{title}” is voted on phones only: it has no "
                                "paper ballots.").format(title=ballot_round.title))
    if channel == PHONES and not ballot_round.allows_phones:
        raise RoundStateError(_("The round “{title}” is voted on paper only: its questions "
                                "cannot be opened to phones (a round on paper and phones "
                                "must be defined so).").format(title=ballot_round.title))


def voting_refusal(store: EventStore, ballot_round: BallotRound, person: Participant
                   ) -> str | None:
    """Why ``person`` may not vote in this round (by phone or on paper), or None.

    The one rule, for the phones and the hand-out desk: an active person, checked in,
    whose role the round lets vote (participants unless the organiser chose otherwise)."""
    if not person.active:
        return _("{name} was removed from the participant list.").format(name=person.name)
    if person.role not in ballot_round.voters:
        return _("{name} is not entitled to vote in “{title}”: only {voters} vote in this "
                 "round.").format(name=person.name, title=ballot_round.title,
                                  voters=ballot_round.voters_text())
    if not person.present:
        return _("{name} is not checked in.").format(name=person.name)
    return None


def entitled_present(store: EventStore, ballot_round: BallotRound | int) -> int:
    """The people present who may vote in the round: checked in, active, of a voting role.

    The "present" of every turnout and reconciliation figure of the round."""
    if isinstance(ballot_round, int):
        ballot_round = get_round(store, ballot_round)
    marks = ", ".join("?" for _role in ballot_round.voters)
    row = store.query_one(
        "SELECT count(*) AS n FROM participants WHERE active = 1 AND status = 'checked_in' "
        f"AND role IN ({marks})", ballot_round.voters)
    return int(row["n"]) if row else 0


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
    language: str | None = None, double_entry: bool = False, channel: str | None = None,
    voters: Sequence[str] = VOTER_ROLES, operator: str | None = None,
) -> RoundResult:
    """Define a round. ``channel`` None leaves it to the first use (papers printed or a
    question opened to phones); ``voters`` are the roles that may vote."""
    title = _check_round(title, questions, language)
    channel, voters = check_channel(channel), check_voters(voters)
    with store.transaction():
        cursor = store.execute(
            "INSERT INTO ballot_rounds (title, instructions, language, double_entry, "
            "created_at, channel, voters) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (title, instructions.strip(), language, int(double_entry),
             to_iso(store.clock.now()), channel, json.dumps(list(voters))))
        round_id = int(cursor.lastrowid or 0)
        _write_questions(store, round_id, questions)
        store.audit("ballot_round_create", "ballot_round", round_id, None,
                    round_spec(title, questions, instructions=instructions.strip(),
                               language=language, double_entry=double_entry,
                               channel=channel, voters=voters),
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
    channel: str | None = None, voters: Sequence[str] = VOTER_ROLES,
    operator: str | None = None,
) -> RoundResult:
    """Change a round before any paper is printed or any question opened to phones: its
    questions and their rules, channel and voters are frozen from then on."""
    title = _check_round(title, questions, language)
    channel, voters = check_channel(channel), check_voters(voters)
    with store.transaction():
        old = _require(store, round_id, "draft")
        store.execute(
            "UPDATE ballot_rounds SET title = ?, instructions = ?, language = ?, "
            "double_entry = ?, channel = ?, voters = ? WHERE id = ?",
            (title, instructions.strip(), language, int(double_entry), channel,
             json.dumps(list(voters)), round_id))
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
        use_channel(store, ballot_round, PAPER, operator=operator)
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
    secret). Refused for someone not entitled to vote, a second paper for the same person,
    and someone who voted by phone in the round (checked here, in the same transaction,
    and by a trigger in the event file whatever code path tries)."""
    from facilitator.lan.votes import paper_refusal  # phone voting builds on the ballots

    with store.transaction():
        ballot_round = _require(store, round_id, "open")
        use_channel(store, ballot_round, PAPER, operator=operator)
        person = get(store, participant_id)
        refusal = voting_refusal(store, ballot_round, person)
        if refusal is not None:
            raise BallotError(refusal)
        earlier = handed_out_to(store, round_id, participant_id)
        if earlier is not None:
            raise BallotError(_("{name} was already handed a paper for “{title}” at {time} "
                                "(by {operator}).").format(
                name=person.name, title=ballot_round.title, time=_local(earlier.at),
                operator=earlier.operator or _("desk")))
        refusal = paper_refusal(store, round_id, participant_id)
        if refusal is not None:
            raise BallotError(refusal)
        try:
            store.execute("INSERT INTO ballot_handouts (round_id, participant_id, at, operator) "
                          "VALUES (?, ?, ?, ?)", (round_id, participant_id,
                                                  to_iso(store.clock.now()), _operator(operator)))
        except sqlite3.IntegrityError as exc:  # the event file's own check (a phone vote)
            if "phone" not in str(exc):
                raise
            raise BallotError(_("{name} already voted by phone in “{title}”; no paper ballot "
                                "for them.").format(name=person.name,
                                                    title=ballot_round.title)) from exc
        store.audit("ballot_hand_out", "participant", participant_id, None,
                    {"round": round_id}, actor=_operator(operator))
    return BALLOTS


def undo_hand_out(store: EventStore, round_id: int, participant_id: int, *,
                  operator: str | None = None) -> Changes:
    with store.transaction():
        ballot_round = _require(store, round_id, "open")
        earlier = handed_out_to(store, round_id, participant_id)
        if earlier is None:
            raise BallotError(_("No paper of this round was handed to this person."))
        if ballot_round.channel == BOTH and \
                keyed_ballots(store, round_id) >= handout_count(store, round_id):
            # Every hand-out stands for a paper keyed: taking one back would let that
            # person vote by phone as well.
            raise RoundStateError(_("As many papers of “{title}” are keyed as were handed "
                                    "out, so this hand-out cannot be taken back.").format(
                                        title=ballot_round.title))
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


def keyed_ballots(store: EventStore, round_id: int) -> int:
    """Papers of the round keyed a first time as ballots (spoiled ones aside)."""
    row = store.query_one("SELECT count(*) AS n FROM ballot_entries WHERE round_id = ? "
                          "AND pass = 1 AND spoiled = 0 AND undone_at IS NULL", (round_id,))
    return int(row["n"]) if row else 0


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
        use_channel(store, old, PAPER, operator=operator)
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
