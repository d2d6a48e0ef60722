"""Reconciliation: printed vs handed out vs returned vs keyed vs spoiled, phone voters vs
people present, and closing a round.

As at a polling station's closure (Decidim's polling officers, VotingWorks' batches): the
figures must agree, or the person closing the round writes down why they do not. Papers on
the adjudication list must be decided before closing; nothing else blocks, but every
discrepancy needs the note.

Closing seals the round: the fingerprint of its ballot set is stored with it (every result
sheet prints that one, and says so loudly if a recount of the file ever differs), and no
command can change its count (papers, phones, counts, settings) until it is reopened, with
a note, which releases the fingerprint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from facilitator.ballots.entry import FIRST, SECOND, counted_papers, mismatches, rejected_counts
from facilitator.ballots.errors import ReconciliationError, RoundStateError
from facilitator.ballots.rounds import (
    BALLOTS,
    BOTH,
    PHONES,
    RoundResult,
    _operator,
    _require,
    entitled_present,
    get_round,
    handout_count,
)
from facilitator.clock import to_iso
from facilitator.i18n import _, ngettext
from facilitator.store import EventStore


@dataclass(frozen=True)
class Reconciliation:
    round_id: int
    title: str
    status: str
    double_entry: bool
    printed: int
    issued: int | None
    """Handed out, as counted by hand (None: not recorded yet)."""
    handed_out: int
    """Handed out to a person whose badge was scanned at the desk."""
    returned: int | None
    """Papers back from the ballot box (and spoiled at the desk), counted by hand."""
    entered: int
    """Papers keyed (first keying) as ballots, blank ones included."""
    spoiled: int
    """Papers keyed as spoiled."""
    counted: int
    """Ballots that count now (entered, minus those waiting for adjudication)."""
    blank: int
    second_keyed: int
    pending: int
    """Papers on the adjudication list, not yet decided."""
    adjudicated: int
    rejected: dict[str, int]
    present: int
    """People present who may vote in the round (frozen at close)."""
    discrepancies: tuple[str, ...]
    blocking: tuple[str, ...]
    channel: str | None = None
    phone_voters: int = 0
    """People who voted by phone on at least one question of the round."""

    @property
    def voters(self) -> int:
        """Paper ballots keyed (spoiled aside) plus people who voted by phone."""
        return self.entered + self.phone_voters

    @property
    def keyed(self) -> int:
        return self.entered + self.spoiled

    @property
    def balanced(self) -> bool:
        return not self.discrepancies

    def lines(self) -> list[tuple[str, str]]:
        """(label, figure) pairs, for the page, the command line and printed sheets."""
        unknown = _("not recorded")
        rows: list[tuple[str, str]] = []
        if self.channel != PHONES:
            rows += [
                (_("Printed"), str(self.printed)),
                (_("Handed out"), unknown if self.issued is None else str(self.issued)),
            ]
            if self.handed_out or self.channel == BOTH:
                rows.append((_("Handed out (badges scanned)"), str(self.handed_out)))
            rows += [
                (_("Returned"), unknown if self.returned is None else str(self.returned)),
                (_("Keyed as ballots"), str(self.entered)),
                (_("Spoiled"), str(self.spoiled)),
                (_("Blank papers"), str(self.blank)),
            ]
            if self.double_entry:
                rows += [(_("Keyed a second time"), str(self.second_keyed)),
                         (_("Waiting for adjudication"), str(self.pending)),
                         (_("Adjudicated"), str(self.adjudicated))]
            rows += [(_("Counted"), str(self.counted)),
                     (_("Re-scans refused"), str(self.rejected.get("duplicate", 0)))]
        if self.channel in (PHONES, BOTH) or self.phone_voters:
            rows.append((_("Voted by phone (people)"), str(self.phone_voters)))
        rows.append((_("People present"), str(self.present)))
        return rows

    def to_json(self) -> dict[str, Any]:
        return {
            "printed": self.printed, "issued": self.issued, "handed_out": self.handed_out,
            "returned": self.returned, "entered": self.entered, "spoiled": self.spoiled,
            "counted": self.counted, "blank": self.blank, "second_keyed": self.second_keyed,
            "pending": self.pending, "adjudicated": self.adjudicated,
            "rejected": dict(self.rejected), "present": self.present,
            "channel": self.channel, "phone_voters": self.phone_voters,
            "discrepancies": list(self.discrepancies), "blocking": list(self.blocking),
        }


def reconcile(store: EventStore, round_id: int) -> Reconciliation:
    """The round's figures and what does not add up, in plain words."""
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
    phone = _phone_voters(store, round_id)
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


def _phone_voters(store: EventStore, round_id: int) -> int:
    from facilitator.lan.votes import phone_voters  # phone voting builds on the ballots

    return len(phone_voters(store, round_id))


def close_round(store: EventStore, round_id: int, *, operator: str | None = None,
                note: str = "") -> RoundResult:
    """Close the round: nothing about its count changes any more (papers, phone votes,
    counts, settings), and its fingerprint is sealed. Refused while papers await
    adjudication, and refused without a note when the figures do not agree. Once committed,
    the file's write-ahead log is cleared (:meth:`EventStore.scrub`) so no history of the
    phone votes stays behind."""
    from facilitator.tally.results import ballots_fingerprint, round_ballots

    note = note.strip()
    with store.transaction():
        ballot_round = _require(store, round_id, "open")
        figures = reconcile(store, round_id)
        if figures.blocking:
            raise ReconciliationError(_("The round “{title}” cannot be closed yet: {why}").format(
                title=ballot_round.title, why=" ".join(figures.blocking)))
        if figures.discrepancies and not note:
            raise ReconciliationError(
                _("The figures of “{title}” do not agree, so closing it needs a note saying "
                  "why: {why}").format(title=ballot_round.title,
                                       why=" ".join(figures.discrepancies)))
        now = to_iso(store.clock.now())
        store.execute(
            "UPDATE ballot_rounds SET status = 'closed', closed_at = ?, close_note = ?, "
            "present_at_close = ? WHERE id = ?", (now, note or None, figures.present, round_id))
        # Sealed after the status change, so whatever closing does to the phone questions
        # (the event file closes them) is what the fingerprint covers.
        sealed = ballots_fingerprint(round_ballots(store, round_id))
        store.execute("UPDATE ballot_rounds SET fingerprint = ? WHERE id = ?",
                      (sealed, round_id))
        store.audit("ballot_round_close", "ballot_round", round_id, None,
                    {"note": note or None, "figures": figures.to_json(),
                     "fingerprint": sealed}, actor=_operator(operator))
        closed = get_round(store, round_id)
    store.scrub()
    return RoundResult(BALLOTS, closed)


def reopen_round(store: EventStore, round_id: int, *, operator: str | None = None,
                 note: str = "") -> RoundResult:
    """Reopen a closed round (a paper turned up late); the reason is kept in the log.

    This releases the sealed fingerprint: a result sheet printed at close no longer holds
    until the round is closed again (and sealed anew)."""
    note = note.strip()
    if not note:
        raise ReconciliationError(_("Reopening a closed round needs a note saying why."))
    with store.transaction():
        ballot_round = get_round(store, round_id)
        if not ballot_round.is_closed:
            raise RoundStateError(_("The round “{title}” is not closed.").format(
                title=ballot_round.title))
        store.execute("UPDATE ballot_rounds SET status = 'open', closed_at = NULL, "
                      "close_note = NULL, present_at_close = NULL, fingerprint = NULL "
                      "WHERE id = ?", (round_id,))
        store.audit("ballot_round_reopen", "ballot_round", round_id,
                    {"closed_at": to_iso(ballot_round.closed_at) if ballot_round.closed_at
                     else None, "note": ballot_round.close_note,
                     "fingerprint": ballot_round.fingerprint},
                    {"note": note, "fingerprint_released": ballot_round.fingerprint},
                    actor=_operator(operator))
        return RoundResult(BALLOTS, get_round(store, round_id))
