"""Open data: a round's ballots, anonymised, as CSV and JSON; ranked ballots as BLT; budget
ballots as a Pabulib ``.pb`` file. Pure: text from a counted round, nothing read or written.

Anonymised means: no ballot code, no paper number, no entry time or operator, and the
ballots listed in an order that says nothing about when they were entered (sorted by the
SHA-256 of their code). Each ballot gets a plain number 1, 2, 3… in that order.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from facilitator import csvsafe
from facilitator.ballots import (
    Ballot,
    Kind,
    answer_json,
    assess,
    pb_election,
    ranked_election,
)
from facilitator.i18n import _
from facilitator.results.model import ResultsError, RoundResults
from facilitator.tally.blt import format_blt
from facilitator.tally.pb import format_pb


def _anonymous_order(results: RoundResults) -> list[Ballot]:
    return sorted(results.ballots,
                  key=lambda b: hashlib.sha256(f"{b.source}:{b.code}".encode()).hexdigest())


def ballots_csv(results: RoundResults) -> str:
    """One row per ballot, one column per question and option (the mark as keyed)."""
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    questions = results.round.questions
    header = ["ballot", "spoiled"]
    for qn, q in enumerate(questions, start=1):
        header.append(f"q{qn} status")
        header += [f"q{qn}: {option}" for option in q.options]
    writer.writerow(header)
    for number, ballot in enumerate(_anonymous_order(results), start=1):
        row: list[Any] = [number, "yes" if ballot.spoiled else "no"]
        for qn, q in enumerate(questions):
            if ballot.spoiled:
                row += [""] * (len(q.options) + 1)
                continue
            answer = ballot.answers[qn]
            if answer is None:  # a phone voter who did not vote on this question
                row += ["not voted"] + [""] * len(q.options)
                continue
            row.append(assess(q, answer).status.value)
            row += ["" if m is None else m for m in answer.marks]
        writer.writerow(row)
    return out.getvalue()


def ballots_json(results: RoundResults) -> str:
    """The round's questions and its ballots, with the fingerprint and the counts' seed."""
    data = {
        "event": results.event,
        "round": results.round.title,
        "counted_at": results.counted_at.isoformat(timespec="seconds"),
        "fingerprint_sha256": results.fingerprint,
        "seed": results.seed,
        "questions": [q.to_json() for q in results.round.questions],
        "ballots": [
            {"ballot": number, "spoiled": b.spoiled,
             "answers": [] if b.spoiled else [answer_json(a) for a in b.answers]}
            for number, b in enumerate(_anonymous_order(results), start=1)],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _answers(results: RoundResults, index: int) -> list[Any]:
    q = results.round.questions[index]
    return [assess(q, answer) for b in _anonymous_order(results)
            if not b.spoiled and (answer := b.answers[index]) is not None]


def question_blt(results: RoundResults, index: int) -> str:
    """A ranking question's valid ballots as BLT (identical rankings grouped)."""
    q = results.round.questions[index]
    if q.kind is not Kind.RANK:
        raise ResultsError(_("Only a ranking question can be saved as BLT."))
    return format_blt(ranked_election(q, _answers(results, index)))


def question_pb(results: RoundResults, index: int, rule: str = "greedy") -> str:
    """A budget question's valid ballots as a Pabulib file (META, PROJECTS, VOTES)."""
    q = results.round.questions[index]
    if q.kind is not Kind.BUDGET:
        raise ResultsError(_("Only a budget question can be saved as a Pabulib file."))
    election = pb_election(q, _answers(results, index))
    meta = dict(election.meta)
    meta.update({"country": "", "unit": results.event, "instance": results.round.title,
                 "rule": rule, "date_begin": results.counted_at.date().isoformat()})
    meta = {k: v for k, v in meta.items() if v}
    return format_pb(type(election)(meta, election.projects, election.votes))
