"""Changing who sees results: live results for a round, a question on the projector.

Each op is one transaction with its audit entry naming the actor, and returns what changed
(the ballots: every view of a result reads them). A refusal raises :class:`ResultsError`
and changes nothing.
"""

from __future__ import annotations

from typing import Any

from facilitator.ballots import BALLOTS, get_round
from facilitator.changes import Changes
from facilitator.i18n import _
from facilitator.results import queries
from facilitator.results.model import ResultsError
from facilitator.store import EventStore


def _save(store: EventStore, data: dict[str, Any], action: str, new: dict[str, Any], *,
          actor: str) -> None:
    store.set_meta_json(queries.DISPLAY_KEY, data)
    store.audit(action, "event", queries.DISPLAY_KEY, None, new, actor=actor)


def set_live(store: EventStore, round_id: int, live: bool, *, actor: str) -> Changes:
    """Show a round's results as ballots arrive (True), or only once it is closed."""
    with store.transaction():
        get_round(store, round_id)
        data = queries.display_settings(store)
        rounds = set(data.get("live", []))
        (rounds.add if live else rounds.discard)(str(round_id))
        data["live"] = sorted(rounds)
        _save(store, data, "results_live", {"round": round_id, "live": live}, actor=actor)
    return BALLOTS


def set_projected(store: EventStore, target: tuple[int, int] | None, *,
                  actor: str) -> Changes:
    """Put a question's result on the projector (None: take it off). Refused while the
    round's results are hidden."""
    with store.transaction():
        data = queries.display_settings(store)
        if target is not None:
            ballot_round = get_round(store, target[0])
            if not queries.results_visible(store, ballot_round):
                raise ResultsError(_("The results of “{title}” are hidden until the round is "
                                     "closed; turn on live results to show them now.").format(
                                         title=ballot_round.title))
            data["projector"] = list(target)
        else:
            data.pop("projector", None)
        _save(store, data, "results_projector",
              {"projector": list(target) if target else None}, actor=actor)
    return BALLOTS
