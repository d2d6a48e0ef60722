"""Reading ballot rounds from the event file: rounds, papers, entries, what counts, the
reconciliation figures, who may vote. Never writes.

What counts (:func:`counted_papers`) is, per paper: the adjudication if there is one; else
the first keying, unless its second keying differs (then nothing until someone decides).
Each paper counts once, ever: the ops refuse a re-scanned paper, and a unique index in the
event file makes a second live entry impossible even if a caller skipped the check.

**The ballot box is one, whatever the channel.** :func:`round_ballots` is the only place
that reads what was voted in a round: the papers as they count, then the phone ballots
(:func:`phone_ballots`, one per vote on one question; a person is on paper or on a phone for
a round, never both). The phone server (:mod:`facilitator.lan`) writes them; the counts,
turnout, fingerprint, exports and result sheets (:mod:`facilitator.results`) read them here.
Who voted by phone is kept apart from what was voted (``lan_voter_lists`` and its view
``lan_voted`` vs ``lan_ballots``; see ``_V_PHONE_SECRECY`` in
:mod:`facilitator.store.migrations`): nothing here pairs a voter with a ballot.
"""

from __future__ import annotations

import json
from typing import Any

from facilitator import codes as badge_codes
from facilitator.ballots import codes as ballot_codes
from facilitator.ballots.errors import (
    AlreadyEnteredError,
    BallotError,
    CodeError,
    RoundStateError,
)
from facilitator.ballots.marks import Answer, assess
from facilitator.ballots.model import (
    BOTH,
    DECISION,
    FIRST,
    PHONES,
    SECOND,
    Ballot,
    BallotRound,
    CountedPaper,
    Entry,
    HandOut,
    Mismatch,
    Paper,
    PaperCode,
    PhoneVote,
    Reconciliation,
    desk_name,
    differences,
    local_time,
)
from facilitator.ballots.questions import Question
from facilitator.clock import from_iso
from facilitator.i18n import _, ngettext
from facilitator.i18n import language as ui_language
from facilitator.people import Participant, get
from facilitator.store import EventStore

_ENTRY_COLUMNS = ("e.id, e.round_id, e.code, c.serial, e.pass, e.spoiled, e.answers, e.operator, "
                  "e.via, e.note, e.entered_at, e.undone_at, e.undone_by")


# -- rounds ---------------------------------------------------------------------------------------


def _round(store: EventStore, row: Any) -> BallotRound:
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
    return _round(store, row)


def list_rounds(store: EventStore) -> list[BallotRound]:
    return [_round(store, r) for r in store.query("SELECT * FROM ballot_rounds ORDER BY id")]


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


def require_round(store: EventStore, round_id: int, *allowed: str) -> BallotRound:
    """The round, if its status is one of ``allowed``; else a refusal saying why not."""
    ballot_round = get_round(store, round_id)
    if ballot_round.status not in allowed:
        if ballot_round.is_closed:
            raise RoundStateError(_("The round “{title}” was closed at {time}; reopen it first."
                                    ).format(title=ballot_round.title,
                                             time=local_time(ballot_round.closed_at)))
        if ballot_round.status == "draft":
            raise RoundStateError(_("The round “{title}” has no papers printed yet.").format(
                title=ballot_round.title))
        raise RoundStateError(_("The round “{title}” is open (papers printed or a question "
                                "opened to phones), so its questions, rules, channel and "
                                "voters can no longer change.").format(
                                    title=ballot_round.title))
    return ballot_round


def paper_codes(store: EventStore, round_id: int, batch: int | None = None) -> list[PaperCode]:
    """The papers printed for a round (one batch, or all), in paper order."""
    sql = "SELECT code, serial, batch, language FROM ballot_codes WHERE round_id = ?"
    params: list[Any] = [round_id]
    if batch is not None:
        sql += " AND batch = ?"
        params.append(batch)
    return [PaperCode(r["code"], r["serial"], r["batch"], r["language"])
            for r in store.query(sql + " ORDER BY serial", params)]


def papers_language(store: EventStore, ballot_round: BallotRound) -> str:
    """The language the round's next papers are laid out in: the round's own; else the
    one its papers were first printed in (a batch printed again, or spare papers for
    spoiled ones, look like the first ones); else, for its first papers, the app's now."""
    if ballot_round.language:
        return ballot_round.language
    row = store.query_one("SELECT language FROM ballot_codes WHERE round_id = ? AND "
                          "language IS NOT NULL ORDER BY batch, serial LIMIT 1",
                          (ballot_round.id,))
    return str(row["language"]) if row is not None else ui_language()


def code_language(store: EventStore, code: str) -> str | None:
    """The language the paper with ``code`` was printed in; None when it is not known
    (issued before event files recorded it, in a round without a language) or no such
    paper was printed."""
    row = store.query_one("SELECT language FROM ballot_codes WHERE code = ?", (code,))
    return None if row is None or not row["language"] else str(row["language"])


# -- who may vote ---------------------------------------------------------------------------------


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


def keyed_ballots(store: EventStore, round_id: int) -> int:
    """Papers of the round keyed a first time as ballots (spoiled ones aside)."""
    row = store.query_one("SELECT count(*) AS n FROM ballot_entries WHERE round_id = ? "
                          "AND pass = 1 AND spoiled = 0 AND undone_at IS NULL", (round_id,))
    return int(row["n"]) if row else 0


def phone_voters(store: EventStore, round_id: int) -> set[int]:
    """Who voted by phone on any question of the round (never what): the phone channel's
    list of voters, which the phone server writes with each vote."""
    return {int(r["participant_id"]) for r in store.query(
        "SELECT DISTINCT participant_id FROM lan_voted WHERE round_id = ?", (round_id,))}


def question_phone_voters(store: EventStore, round_id: int, index: int) -> list[int]:
    """Who voted by phone on one question (0-based), sorted (never what): the one row the
    phone server rewrites with each vote."""
    row = store.query_one("SELECT participants FROM lan_voter_lists WHERE round_id = ? AND "
                          "question_index = ?", (round_id, index))
    return [] if row is None else [int(p) for p in json.loads(row["participants"])]


def paper_refusal(store: EventStore, round_id: int, participant_id: int) -> str | None:
    """Why this person may not be handed a paper for the round (they voted by phone), or
    None. The hand-out desk shows it; the event file refuses the hand-out anyway. (No time:
    the file does not keep when anyone voted.)"""
    if participant_id not in phone_voters(store, round_id):
        return None
    person = get(store, participant_id)
    return _("{name} already voted by phone in this round; no paper ballot for them.").format(
        name=person.name)


# -- entries --------------------------------------------------------------------------------------


def _entry(row: Any) -> Entry:
    return Entry(
        id=row["id"], round_id=row["round_id"], code=row["code"], serial=row["serial"],
        pass_=row["pass"], spoiled=bool(row["spoiled"]),
        answers=tuple(Answer.from_json(a) for a in json.loads(row["answers"])),
        operator=row["operator"], via=row["via"], note=row["note"],
        entered_at=from_iso(row["entered_at"]),
        undone_at=from_iso(row["undone_at"]) if row["undone_at"] else None,
        undone_by=row["undone_by"],
    )


def live_entry(store: EventStore, code: str, pass_: int) -> Entry | None:
    row = store.query_one(
        f"SELECT {_ENTRY_COLUMNS} FROM ballot_entries e JOIN ballot_codes c USING (code) "
        "WHERE e.code = ? AND e.pass = ? AND e.undone_at IS NULL", (code, pass_))
    return None if row is None else _entry(row)


def get_entry(store: EventStore, entry_id: int) -> Entry:
    row = store.query_one(
        f"SELECT {_ENTRY_COLUMNS} FROM ballot_entries e JOIN ballot_codes c USING (code) "
        "WHERE e.id = ?", (entry_id,))
    if row is None:
        raise BallotError(_("There is no ballot entry number {id}.").format(id=entry_id))
    return _entry(row)


def entries(store: EventStore, round_id: int, *, pass_: int | None = None,
            include_undone: bool = False, limit: int | None = None) -> list[Entry]:
    """Entries of a round, newest first."""
    sql = (f"SELECT {_ENTRY_COLUMNS} FROM ballot_entries e JOIN ballot_codes c USING (code) "
           "WHERE e.round_id = ?")
    params: list[Any] = [round_id]
    if pass_ is not None:
        sql += " AND e.pass = ?"
        params.append(pass_)
    if not include_undone:
        sql += " AND e.undone_at IS NULL"
    sql += " ORDER BY e.id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_entry(r) for r in store.query(sql, params)]


def later_pass(store: EventStore, entry: Entry) -> int | None:
    """The pass of a live later keying of the same paper (undo that one first), or None."""
    row = store.query_one(
        "SELECT pass FROM ballot_entries WHERE code = ? AND pass > ? AND undone_at IS NULL",
        (entry.code, entry.pass_))
    return None if row is None else int(row["pass"])


def rejected_counts(store: EventStore, round_id: int) -> dict[str, int]:
    """Refused scans of a round by kind ("duplicate", "unknown", "closed")."""
    counts: dict[str, int] = {}
    for row in store.query("SELECT new FROM audit_log WHERE action = 'ballot_rejected' "
                           "AND object_type = 'ballot_round' AND object_id = ?",
                           (str(round_id),)):
        kind = json.loads(row["new"]).get("kind", "unknown")
        counts[kind] = counts.get(kind, 0) + 1
    return counts


# -- scanning -------------------------------------------------------------------------------------


def scan(store: EventStore, round_id: int, scanned: str, *, pass_: int = FIRST,
         actor: str | None = None) -> Paper:
    """The paper whose code was scanned or typed, ready to key in ``pass_`` by ``actor``;
    or a refusal.

    Refused, with a message naming what is wrong: not a ballot code (a typo: the check
    character catches it), a code no paper of this event has, a paper of another round, a
    paper already entered in this pass (when and by whom), a second keying by the person
    who keyed it first, a closed round.
    """
    ballot_round = get_round(store, round_id)
    if ballot_round.is_closed:
        raise RoundStateError(_("The round “{title}” was closed at {time}; reopen it to enter "
                                "more papers.").format(title=ballot_round.title,
                                                       time=local_time(ballot_round.closed_at)))
    text = scanned.strip()
    if not text:
        raise CodeError(_("Nothing was scanned."))
    code = ballot_codes.normalise(text)
    if not ballot_codes.is_ballot_code(code):
        if len(code) == ballot_codes.LENGTH and all(ch in badge_codes.ALPHABET for ch in code):
            raise CodeError(_("‘{text}’ is not a valid ballot code: a character is misread or "
                              "mistyped (its check character does not match).").format(
                                  text=text[:40]))
        if "/v/" in text or badge_codes.looks_like_badge(code):
            raise CodeError(_("That is a participant's badge, not a ballot paper."))
        raise CodeError(_("‘{text}’ is not a ballot code.").format(text=text[:40]))
    row = store.query_one(
        "SELECT c.serial, c.round_id, r.title FROM ballot_codes c "
        "JOIN ballot_rounds r ON r.id = c.round_id WHERE c.code = ?", (code,))
    pretty = ballot_codes.pretty(code)
    if row is None:
        raise CodeError(_("No paper with the code {code} was printed for this event.").format(
            code=pretty))
    if row["round_id"] != round_id:
        raise CodeError(_("Paper {code} belongs to the round “{other}” (paper {serial}), not "
                          "to “{title}”.").format(code=pretty, other=row["title"],
                                                   serial=row["serial"],
                                                   title=ballot_round.title))
    first = live_entry(store, code, FIRST)
    if pass_ == FIRST:
        if first is not None:
            raise AlreadyEnteredError(
                _("Paper {code} was already entered at {time} by {operator}.").format(
                    code=pretty, time=local_time(first.entered_at), operator=first.operator),
                first.entered_at, first.operator)
    elif pass_ == SECOND:
        if not ballot_round.double_entry:
            raise RoundStateError(_("Double entry is off for the round “{title}”.").format(
                title=ballot_round.title))
        if first is None:
            raise CodeError(_("Paper {code} has not been keyed a first time yet: key it in "
                              "first-entry mode.").format(code=pretty))
        second = live_entry(store, code, SECOND)
        if second is not None:
            raise AlreadyEnteredError(
                _("Paper {code} was already keyed a second time at {time} by {operator}."
                  ).format(code=pretty, time=local_time(second.entered_at),
                           operator=second.operator),
                second.entered_at, second.operator)
        if actor is not None and desk_name(actor) == first.operator:
            raise BallotError(_("{operator} keyed paper {code} the first time; the second "
                                "keying must be done by someone else.").format(
                                    operator=first.operator, code=pretty))
    elif pass_ == DECISION:
        second = live_entry(store, code, SECOND)
        if first is None or second is None or first.same_marks(second):
            raise BallotError(_("Paper {code} is not on the adjudication list.").format(
                code=pretty))
        decided = live_entry(store, code, DECISION)
        if decided is not None:
            raise AlreadyEnteredError(
                _("Paper {code} was already decided at {time} by {operator}.").format(
                    code=pretty, time=local_time(decided.entered_at),
                    operator=decided.operator),
                decided.entered_at, decided.operator)
    else:
        raise ValueError(f"no such pass: {pass_}")
    return Paper(ballot_round, code, int(row["serial"]), pass_)


# -- double entry, and what counts ----------------------------------------------------------------


def _by_code(store: EventStore, round_id: int) -> dict[str, dict[int, Entry]]:
    """The live entries of a round, paper by paper and pass by pass."""
    by_code: dict[str, dict[int, Entry]] = {}
    for entry in entries(store, round_id):
        by_code.setdefault(entry.code, {})[entry.pass_] = entry
    return by_code


def mismatches(store: EventStore, round_id: int, *, include_decided: bool = False
               ) -> list[Mismatch]:
    """Papers whose two keyings differ: the adjudication list, in paper order."""
    ballot_round = get_round(store, round_id)
    found = []
    for code, passes in _by_code(store, round_id).items():
        first, second = passes.get(FIRST), passes.get(SECOND)
        if first is None or second is None or first.same_marks(second):
            continue
        decision = passes.get(DECISION)
        if decision is not None and not include_decided:
            continue
        found.append(Mismatch(code, first.serial, first, second, decision,
                              differences(ballot_round.questions, first, second)))
    return sorted(found, key=lambda m: m.serial)


def counted_papers(store: EventStore, round_id: int) -> list[CountedPaper]:
    """The papers as they count, one per paper, in paper order (nothing twice, ever)."""
    ballot_round = get_round(store, round_id)
    papers = []
    for passes in _by_code(store, round_id).values():
        first = passes.get(FIRST)
        if first is None:
            continue
        second, decision = passes.get(SECOND), passes.get(DECISION)
        if decision is not None:
            chosen, verified = decision, True
        elif second is not None:
            if not first.same_marks(second):
                continue  # waits for a person to decide
            chosen, verified = first, True
        else:
            chosen, verified = first, not ballot_round.double_entry
        assessments = () if chosen.spoiled else tuple(
            assess(q, a) for q, a in zip(ballot_round.questions, chosen.answers, strict=True))
        papers.append(CountedPaper(chosen.code, chosen.serial, chosen.spoiled, chosen.answers,
                                   assessments, chosen.id, chosen.pass_, verified))
    return sorted(papers, key=lambda p: p.serial)


# -- the ballot box: paper and phone --------------------------------------------------------------


def _phone_vote(row: Any) -> PhoneVote:
    return PhoneVote(int(row["round_id"]), int(row["question_index"]),
                     Answer.from_json(json.loads(row["answer"])), str(row["receipt"]))


def phone_ballots(store: EventStore, round_id: int) -> list[PhoneVote]:
    """Every phone ballot of the round, one per vote on one question, sorted by receipt.

    A phone ballot answers one question: grouping a person's answers to several questions
    would need a link between them kept until the round closes, after their first question
    has closed. The receipt is random, so the order says nothing about who voted or when."""
    return [_phone_vote(r) for r in store.query(
        "SELECT * FROM lan_ballots WHERE round_id = ? ORDER BY receipt", (round_id,))]


def phone_ballot(store: EventStore, receipt: str) -> PhoneVote | None:
    """The phone ballot with this receipt, if it is in the ballot box."""
    row = store.query_one("SELECT * FROM lan_ballots WHERE receipt = ?", (receipt,))
    return None if row is None else _phone_vote(row)


def phone_answers(store: EventStore, round_id: int, question_index: int) -> list[Answer]:
    """Every phone vote on a question (one per person; blank ones included), as the counts
    take them: the same :class:`Answer` a keyed paper gives. Ordered by receipt."""
    return [v.answer for v in phone_ballots(store, round_id) if v.index == question_index]


def phone_receipts(store: EventStore, round_id: int, question_index: int) -> list[str]:
    """The receipts of the ballots, sorted: a voter can check theirs is counted."""
    return [v.receipt for v in phone_ballots(store, round_id) if v.index == question_index]


def round_ballots(store: EventStore, round_id: int) -> list[Ballot]:
    """Every ballot of the round that counts, once: papers, then phone votes.

    Nobody is in both: a phone vote is refused to someone handed a paper, and a paper is
    refused to someone who voted by phone (the event file enforces it too).
    """
    ballots = [Ballot("paper", p.code, p.spoiled, tuple(p.answers))
               for p in counted_papers(store, round_id)]
    questions = len(get_round(store, round_id).questions)
    ballots += [Ballot("phone", vote.receipt, False,
                       tuple(vote.answer if i == vote.index else None for i in range(questions)))
                for vote in phone_ballots(store, round_id)]
    return ballots


# -- reconciliation -------------------------------------------------------------------------------


def reconcile(store: EventStore, round_id: int) -> Reconciliation:
    """The round's figures and what does not add up, in plain words.

    As at a polling station's closure (Decidim's polling officers, VotingWorks' batches): the
    figures must agree, or the person closing the round writes down why they do not. Papers
    on the adjudication list must be decided before closing; nothing else blocks, but every
    discrepancy needs the note."""
    ballot_round = get_round(store, round_id)
    rows = store.query(
        "SELECT pass, spoiled, count(*) AS n FROM ballot_entries WHERE round_id = ? "
        "AND undone_at IS NULL GROUP BY pass, spoiled", (round_id,))
    by = {(r["pass"], bool(r["spoiled"])): int(r["n"]) for r in rows}
    entered, spoiled = by.get((FIRST, False), 0), by.get((FIRST, True), 0)
    second = by.get((SECOND, False), 0) + by.get((SECOND, True), 0)
    open_list = mismatches(store, round_id)
    decided = [m for m in mismatches(store, round_id, include_decided=True)
               if m.decision is not None]
    papers = counted_papers(store, round_id)
    counted = sum(1 for p in papers if not p.spoiled)
    blank = sum(1 for p in papers if p.blank)
    present = (ballot_round.present_at_close if ballot_round.is_closed
               and ballot_round.present_at_close is not None
               else entitled_present(store, ballot_round))
    handed = handout_count(store, round_id)
    issued, returned = ballot_round.issued, ballot_round.returned
    keyed = entered + spoiled
    phone = len(phone_voters(store, round_id))
    paper = ballot_round.channel != PHONES

    problems: list[str] = []
    if paper and issued is None:
        problems.append(_("The number of papers handed out is not recorded."))
    if paper and returned is None:
        problems.append(_("The number of papers returned is not recorded."))
    if ballot_round.channel == BOTH and entered > handed:
        problems.append(_("{entered} papers are keyed but only {handed} hand-outs were "
                          "recorded at the desk.").format(entered=entered, handed=handed))
    if issued is not None and handed and issued != handed:
        problems.append(_("{issued} papers counted as handed out, but {handed} badges were "
                          "scanned at the desk.").format(issued=issued, handed=handed))
    if issued is not None and returned is not None:
        if returned > issued:
            problems.append(_("More papers came back ({returned}) than were handed out "
                              "({issued}).").format(returned=returned, issued=issued))
        elif returned < issued:
            problems.append(ngettext("{n} paper handed out did not come back.",
                                     "{n} papers handed out did not come back.",
                                     issued - returned).format(n=issued - returned))
    if returned is not None and keyed != returned:
        if keyed < returned:
            problems.append(ngettext("{n} returned paper is not keyed in yet.",
                                     "{n} returned papers are not keyed in yet.",
                                     returned - keyed).format(n=returned - keyed))
        else:
            problems.append(ngettext("{n} more paper keyed than returned.",
                                     "{n} more papers keyed than returned.",
                                     keyed - returned).format(n=keyed - returned))
    if ballot_round.double_entry and second < keyed:
        problems.append(ngettext("{n} paper is not keyed a second time.",
                                 "{n} papers are not keyed a second time.",
                                 keyed - second).format(n=keyed - second))
    if present and entered + phone > present:
        if phone:
            problems.append(_("More people voted ({entered} on paper, {phone} by phone) than "
                              "people entitled to vote are present ({present}).").format(
                                  entered=entered, phone=phone, present=present))
        else:
            problems.append(_("More ballots keyed ({entered}) than people entitled to vote "
                              "present ({present}).").format(entered=entered, present=present))
    blocking: list[str] = []
    if open_list:
        blocking.append(ngettext(
            "{n} paper on the adjudication list must be decided first.",
            "{n} papers on the adjudication list must be decided first.",
            len(open_list)).format(n=len(open_list)))
    if ballot_round.status == "draft":
        blocking.append(_("No papers are printed for this round yet."))
    return Reconciliation(
        round_id=round_id, title=ballot_round.title, status=ballot_round.status,
        double_entry=ballot_round.double_entry, printed=ballot_round.printed, issued=issued,
        handed_out=handed, returned=returned, entered=entered, spoiled=spoiled,
        counted=counted, blank=blank, second_keyed=second, pending=len(open_list),
        adjudicated=len(decided), rejected=rejected_counts(store, round_id), present=present,
        discrepancies=tuple(problems), blocking=tuple(blocking), channel=ballot_round.channel,
        phone_voters=phone)


def pending_count(store: EventStore, ballot_round: BallotRound) -> int:
    """Papers waiting for adjudication (0 without double entry), for a tab's title."""
    return len(mismatches(store, ballot_round.id)) if ballot_round.double_entry else 0

