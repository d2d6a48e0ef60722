"""Open data of a poll: the paired answers, anonymised, as CSV and JSON. Pure.

Anonymised: no pairing code (each pair gets a plain number 1, 2, 3… in the order of the
SHA-256 of its code, which says nothing about who or when), no channel, no time. The group
columns kept are those the poll was defined with, after rare values were dropped at close.
The summary figures are :func:`~facilitator.polls.analysis.analyse`'s, nothing recomputed.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from facilitator import csvsafe
from facilitator.polls.analysis import Analysis
from facilitator.polls.model import (
    CONTROL,
    DONT_KNOW,
    PANEL,
    Answer,
    Questionnaire,
    Response,
    to_json,
)
from facilitator.polls.stats import p_of


def _order(codes: Iterable[str]) -> list[str]:
    return sorted(codes, key=lambda c: hashlib.sha256(c.encode()).hexdigest())


def _cell(answer: Answer | None) -> Any:
    if answer is None:
        return ""
    if answer == DONT_KNOW:
        return "dk"
    if isinstance(answer, tuple):
        return " ".join(str(x + 1) for x in answer)
    return answer


def _paired(responses: Sequence[Response], before: int, after: int
            ) -> list[tuple[Response, Response]]:
    first = {r.code: r for r in responses if r.sample == PANEL and r.wave == before}
    second = {r.code: r for r in responses if r.sample == PANEL and r.wave == after}
    return [(first[c], second[c]) for c in _order(first.keys() & second.keys())]


def pairs_csv(q: Questionnaire, responses: Sequence[Response], before: int = 1,
              after: int = 2) -> str:
    """One row per pair (then the control sample): group columns, then each item's answer
    at both waves. ``dk`` is don't know; empty is no answer; a ranking lists option numbers
    best first."""
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    header: list[Any] = ["pair", "sample", *q.group_columns]
    for item in q.items:
        header += [f"{item.key} w{before}", f"{item.key} w{after}"]
    writer.writerow(header)
    for number, (b, a) in enumerate(_paired(responses, before, after), start=1):
        row: list[Any] = [number, PANEL, *(b.groups.get(c) or a.groups.get(c) or ""
                                          for c in q.group_columns)]
        for item in q.items:
            row += [_cell(b.answers.get(item.key)), _cell(a.answers.get(item.key))]
        writer.writerow(row)
    control = [r for r in responses if r.sample == CONTROL and r.wave == after]
    for number, r in enumerate(sorted(control, key=lambda r: hashlib.sha256(
            r.code.encode()).hexdigest()), start=1):
        row = [f"c{number}", CONTROL, *([""] * len(q.group_columns))]
        for item in q.items:
            row += ["", _cell(r.answers.get(item.key))]
        writer.writerow(row)
    return out.getvalue()


def poll_json(analysis: Analysis, responses: Sequence[Response]) -> str:
    """The definition, the summary figures and the paired answers."""
    q = analysis.questionnaire
    before, after = analysis.before_wave, analysis.after_wave

    def answers(r: Response) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in sorted(r.answers.items())}

    data = {
        "questionnaire": json.loads(to_json(q)),
        "waves": [before, after],
        "correction": analysis.correction,
        "test": analysis.main_test,
        "respondents": {"before": analysis.n_before, "after": analysis.n_after,
                        "pairs": analysis.n_pairs},
        "summary": [{
            "variable": r.variable.key, "label": r.variable.label, "n": r.n,
            "before": r.before, "after": r.after, "change": r.change,
            "before_01": r.before01, "after_01": r.after01, "change_01": r.change01,
            "test": getattr(r.test, "method", None), "p": p_of(r.test),
            "p_adjusted": r.p_adjusted, "stars": r.stars, "not_enough_data": r.reason or None,
            "bins": [b.label for b in r.variable.bins],
            "distribution_before": list(r.dist_before), "distribution_after": list(r.dist_after),
            "dont_know_before": r.dk_before, "dont_know_after": r.dk_after,
        } for r in analysis.rows],
        "pairs": [{"pair": n, "groups": dict(b.groups or a.groups),
                   "before": answers(b), "after": answers(a)}
                  for n, (b, a) in enumerate(_paired(responses, before, after), start=1)],
        "control": [answers(r) for r in sorted(
            (r for r in responses if r.sample == CONTROL and r.wave == after),
            key=lambda r: hashlib.sha256(r.code.encode()).hexdigest())],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
