"""The bundled demo event: a fictional assembly a newcomer can try every page on."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from facilitator.clock import Clock, FakeClock, SystemClock
from facilitator.i18n import _
from facilitator.paths import resource_path
from facilitator.people import check_in, import_people, list_participants, parse_people
from facilitator.store import EventStore

DEMO_PEOPLE = resource_path("demo", "people.csv")
DEMO_NAME = "Riverside Citizens' Assembly on Climate and Transport (demo)"
DEMO_ACTOR = "demo"
"""Who the audit log names for what the demo event was made with."""


def create_demo_event(path: Path | str, clock: Clock | None = None, *,
                      with_votes: bool = False) -> EventStore:
    """Create the demo event at ``path``: the people imported, about two thirds arrived.

    ``with_votes`` adds a paper ballot round with one question of every kind and 48 papers
    keyed in, so the Voting and Results pages have something to show (the app's demo does
    this; tests start from the plainer event).
    """
    clock = clock or SystemClock()
    store = EventStore.create(path, _(DEMO_NAME), clock)
    try:
        import_people(store, parse_people(DEMO_PEOPLE), actor=DEMO_ACTOR)
        # Arrivals are spread over the last hour so the check-in times look like a real morning.
        start = clock.now() - timedelta(hours=1)
        arrivals = FakeClock(start)
        real_clock, store.clock = store.clock, arrivals
        try:
            for index, person in enumerate(list_participants(store)):
                if index % 3 != 2 or person.role != "participant":
                    arrivals.advance(35)
                    check_in(store, person.id, via="demo", actor=DEMO_ACTOR)
        finally:
            store.clock = real_clock
        if with_votes:
            from facilitator.tally.sample import sample_round

            sample_round(store, papers=48, title=_("Morning vote (demo)"))
    except BaseException:
        store.close()
        raise
    return store
