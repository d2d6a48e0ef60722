"""The demo poll: a 12-item questionnaire answered at arrival and at the end by 120 people.

Written through the poll's own ops, as phones would, with seeded answers whose shifts look
like a real assembly's: support for traffic-calming rises clearly, the climate items barely
move, knowledge goes up a lot, and the gap between age groups narrows. Some answer "don't
know"; a few leave before the end. A control sample of 40 is keyed in at the end.
"""

from __future__ import annotations

import random

from facilitator.i18n import _
from facilitator.people import add_walk_in, list_participants
from facilitator.polls import ops
from facilitator.polls.model import (
    CHOICE,
    DONT_KNOW,
    KNOWLEDGE,
    LIKERT_5,
    SCALE_10,
    YES_NO,
    Index,
    Item,
    Questionnaire,
)
from facilitator.store import EventStore

DEMO_ACTOR = "demo"
PANEL_SIZE = 120
CONTROL_SIZE = 40
EXTRA_NAMES = [
    "Anwen Price", "Bilal Rahman", "Carys Lloyd", "Dmitri Ivanov", "Efua Mensah", "Finn Byrne",
    "Gwen Hughes", "Hamza Ali", "Ines Duarte", "Jac Evans", "Kiri Walker", "Lowri Pugh",
    "Marek Nowak", "Nia Roberts", "Oisin Kelly", "Priya Nair", "Quentin Ross", "Rhys Morgan",
    "Sana Iqbal", "Tomos Rees", "Uma Patel", "Vera Novak", "Wil Jenkins", "Yara Haddad",
]


def demo_questionnaire() -> Questionnaire:
    return Questionnaire(
        _("Views on transport in Riverside"),
        (
            Item("streets", _("Residential streets should be closed to through traffic."),
                 SCALE_10, low_label=_("strongly disagree"), high_label=_("strongly agree")),
            Item("buses", _("The council should fund more buses even if council tax rises."),
                 SCALE_10, low_label=_("strongly disagree"), high_label=_("strongly agree")),
            Item("drivers", _("Drivers should be free to use any street they like."),
                 SCALE_10, low_label=_("strongly disagree"), high_label=_("strongly agree")),
            Item("affects", _("Climate change will affect Riverside in my lifetime."),
                 LIKERT_5),
            Item("travel", _("I would change how I travel to cut emissions."), LIKERT_5),
            Item("carfree", _("Should the centre be car-free on Saturdays?"), YES_NO),
            Item("charge", _("Should Riverside bring in a congestion charge?"), YES_NO),
            Item("budget", _("Best use of the next transport budget"), CHOICE,
                 (_("Buses"), _("Cycle lanes"), _("Road repairs"), _("A tram line"))),
            Item("k_trips", _("What share of trips in Riverside are under 5 km?"), KNOWLEDGE,
                 (_("About a fifth"), _("About half"), _("About two thirds")), correct=2),
            Item("k_air", _("Which pollutant from traffic is monitored on the high street?"),
                 KNOWLEDGE, (_("Nitrogen dioxide"), _("Ozone"), _("Radon")), correct=0),
            Item("k_bus", _("Who sets bus routes in Riverside?"), KNOWLEDGE,
                 (_("The council"), _("The bus companies"), _("The government")), correct=1),
            Item("k_cost", _("What does a new bus cost, roughly?"), KNOWLEDGE,
                 (_("£30,000"), _("£300,000"), _("£3 million")), correct=1),
        ),
        (
            Index("calming", _("Support for traffic calming"),
                  (("streets", False), ("buses", False), ("drivers", True))),
            Index("climate", _("Concern about climate"), (("affects", False), ("travel", False))),
            Index("knowledge", _("Knowledge index (share correct)"),
                  (("k_trips", False), ("k_air", False), ("k_bus", False), ("k_cost", False))),
        ),
        # No wave names of its own: Arrival and End are then said in each reader's language.
        waves=2, group_columns=("Age band",))


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _answers(rng: random.Random, young: bool, after: bool, learn: float, base: float
             ) -> dict[str, object]:
    lean = base + rng.gauss(0, 0.6)
    if after:
        lean += 1.6 if not young else 0.6  # older people move more: the gap narrows
    answers: dict[str, object] = {
        "streets": _clamp(lean + rng.gauss(0, 1.3), 0, 10),
        "buses": _clamp(lean - 0.5 + rng.gauss(0, 1.5), 0, 10),
        "drivers": _clamp(10 - lean + rng.gauss(0, 1.6), 0, 10),
        "affects": _clamp(3.6 + rng.gauss(0, 0.9) + (0.05 if after else 0), 1, 5),
        "travel": _clamp(3.0 + rng.gauss(0, 1.0) + (0.25 if after else 0), 1, 5),
        "carfree": int(rng.random() < (0.55 if after else 0.40)),
        "charge": int(rng.random() < 0.33),
        "budget": rng.choices(range(4), weights=(4, 3 if after else 2, 4 if not after else 3, 2)
                              )[0],
    }
    for key in ("k_trips", "k_air", "k_bus", "k_cost"):
        p_correct = 0.42 + (learn if after else 0.0)
        if rng.random() < (0.06 if after else 0.18):
            answers[key] = DONT_KNOW
        else:
            correct = {"k_trips": 2, "k_air": 0, "k_bus": 1, "k_cost": 1}[key]
            answers[key] = correct if rng.random() < p_correct else (correct + 1) % 3
    if rng.random() < 0.08:
        answers["travel"] = DONT_KNOW
    return answers


def add_demo_poll(store: EventStore, *, seed: int = 16, close: bool = True) -> int:
    """Add the demo poll to an event (adding walk-ins up to 120 participants); its id.

    One transaction around the ops (they nest), so the app's demo starts fast; closing the
    poll, which rebuilds the file, comes after it."""
    with store.transaction():
        poll_id = _fill_demo_poll(store, random.Random(seed))
    if close:
        ops.close_poll(store, poll_id, actor=DEMO_ACTOR)
    return poll_id


def _fill_demo_poll(store: EventStore, rng: random.Random) -> int:
    people = [p for p in list_participants(store) if p.role == "participant" and p.active]
    for name in EXTRA_NAMES[:max(0, PANEL_SIZE - len(people))]:
        band = rng.choice(["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"])
        add_walk_in(store, name, {"Age band": band, "Gender": rng.choice(["Woman", "Man"])},
                    actor=DEMO_ACTOR)
    people = [p for p in list_participants(store) if p.role == "participant" and p.active]
    people = people[:PANEL_SIZE]
    poll_id = ops.create_poll(store, demo_questionnaire(), actor=DEMO_ACTOR).poll_id
    profiles = {}
    for p in people:
        young = str(p.attributes.get("Age band", "")) in ("16-24", "25-34", "35-44")
        # The age gap on traffic calming, and how much each person learns.
        profiles[p.id] = (young, rng.uniform(0.1, 0.4), rng.gauss(6.2 if young else 3.8, 1.8))
    for wave in (1, 2):
        ops.open_wave(store, poll_id, actor=DEMO_ACTOR)
        for person in people:
            if wave == 2 and rng.random() < 0.06:
                continue  # left before the end
            young, learn, base = profiles[person.id]
            ops.answer(store, poll_id, person.id, _answers(rng, young, wave == 2, learn, base),
                       actor="phone")
        if wave == 2:
            for _n in range(CONTROL_SIZE):
                young = rng.random() < 0.45
                ops.key_control(store, poll_id, 2, _answers(
                    rng, young, False, 0.0, rng.gauss(6.2 if young else 3.8, 1.8)),
                    actor=DEMO_ACTOR)
        ops.close_wave(store, poll_id, actor=DEMO_ACTOR)
    return poll_id
