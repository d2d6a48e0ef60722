"""The bundled demo event: a fictional assembly a newcomer can try every page on.

Also its sample ballot round (one question of every kind, seeded random papers keyed in),
which the tests and the benchmarks use too: :func:`sample_round`. It writes to the event
through the ballots' own ops, as a person at the keying desk would, so it lives here with
the other maker of demo data rather than in a package that only reads or counts.
"""

from __future__ import annotations

import random
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

from facilitator.ballots import (
    Answer,
    DecisionRule,
    Kind,
    Question,
    create_round,
    enter,
    issue_codes,
)
from facilitator.clock import Clock, FakeClock, SystemClock
from facilitator.i18n import _
from facilitator.paths import resource_path
from facilitator.people import check_in, import_people, list_participants, parse_people
from facilitator.store import EventStore
from facilitator.tally.pb import Project

DEMO_PEOPLE = resource_path("demo", "people.csv")
DEMO_NAME = "Riverside Citizens' Assembly on Climate and Transport (demo)"
DEMO_ACTOR = "demo"
"""Who the audit log names for what the demo event was made with."""


def create_demo_event(path: Path | str, clock: Clock | None = None, *,
                      with_votes: bool = False) -> EventStore:
    """Create the demo event at ``path``: the people imported, about two thirds arrived.

    ``with_votes`` adds a paper ballot round with one question of every kind and 48 papers
    keyed in, so the Voting and Results pages have something to show, and a closed
    deliberative poll (facilitator.polls.demo) for the Polls page (the app's demo does this;
    tests start from the plainer event).
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
            sample_round(store, papers=48, title=_("Morning vote (demo)"))
            from facilitator.polls.demo import add_demo_poll

            add_demo_poll(store)  # issue 16: a closed deliberative poll to print and explore
    except BaseException:
        store.close()
        raise
    return store


# -- the sample ballot round -------------------------------------------------------------------


def sample_questions() -> tuple[Question, ...]:
    return (
        Question.yes_no("Close the town centre to cars on Saturdays?",
                        rule=DecisionRule.supermajority("60%")),
        Question.scale("Do you support a congestion charge?"),
        Question.choose_one("Where should the next assembly meet?",
                            ["Town hall", "Library", "Secondary school"]),
        Question.approval("Which ideas go forward to the council?",
                          ["Free buses", "School streets", "Car-free Sundays", "Bike hire"],
                          max_choices=3, winners=2),
        Question.rank("Elect three members of the follow-up panel",
                      ["Amira", "Bogdan", "Chen", "Dolores", "Eamon", "Fatima"], seats=3),
        Question.rank("Which transport priority first?",
                      ["Buses", "Trams", "Cycle lanes", "Pavements"]),
        Question.score("Score each design for the square", ["Fountain", "Trees", "Market"],
                       score_max=5),
        Question.dot_vote("Where should the council look first?",
                          ["Housing", "Transport", "Energy", "Green space"], dots=5,
                          max_per_option=3),
        Question.pb_budget("Spend the neighbourhood budget", [
            Project("p1", Fraction(40000), "Playground"),
            Project("p2", Fraction(25000), "Street trees"),
            Project("p3", Fraction(60000), "Youth club"),
            Project("p4", Fraction(15000), "Benches"),
            Project("p5", Fraction(30000), "Bike parking")], 100000),
        Question.judgment("Grade each proposal", ["Free buses", "School streets",
                                                  "Car-free Sundays"]),
    )


def random_answer(question: Question, rng: random.Random) -> Answer:
    """A plausible valid answer (biased so the options differ)."""
    n = len(question.options)
    weights = [n - i + 1 for i in range(n)]
    kind = question.kind
    if kind in (Kind.YES_NO, Kind.SCALE, Kind.CHOOSE_ONE):
        return Answer.choose(question, rng.choices(range(n), weights)[0])
    if kind is Kind.APPROVAL:
        k = rng.randint(1, question.max_choices or n)
        return Answer.choose(question, *rng.sample(range(n), k))
    if kind is Kind.BUDGET:
        chosen: list[int] = []
        spent = Fraction(0)
        for i in rng.sample(range(n), n):
            cost = question.projects[i].cost
            if spent + cost <= (question.budget or 0) and rng.random() < 0.6:
                chosen.append(i)
                spent += cost
        return Answer.choose(question, *chosen)
    if kind is Kind.RANK:
        order = sorted(range(n), key=lambda i: rng.random() * weights[i] * -1)
        return Answer.ranking(question, order[:rng.randint(1, n)])
    if kind is Kind.SCORE:
        return Answer.values(question, {i: rng.randint(question.score_min + i % 2,
                                                      question.score_max) for i in range(n)})
    if kind is Kind.DOTS:
        left = question.dots
        values: dict[int, int] = {}
        while left:
            i = rng.choices(range(n), weights)[0]
            if values.get(i, 0) < (question.max_dots_per_option or question.dots):
                values[i] = values.get(i, 0) + 1
                left -= 1
        return Answer.values(question, values)
    grades = len(question.grades)
    return Answer.values(question, {i: rng.randint(1 + i // 2, grades) for i in range(n)})


def sample_round(store: EventStore, papers: int = 40, *, seed: int = 7,
                 questions: tuple[Question, ...] | None = None,
                 title: str = "Afternoon vote") -> int:
    """Create a round, print its papers' codes and key ``papers`` seeded random papers in
    (one spoiled, one blank, one with an over-marked first question); returns its id. Same
    seed, same ballots."""
    rng = random.Random(seed)
    qs = questions or sample_questions()
    round_id = create_round(store, title, qs, actor="sample").round.id
    codes = issue_codes(store, round_id, papers + 2, actor="sample").papers
    for number, paper in enumerate(codes[:papers]):
        if number == 3:
            enter(store, round_id, paper.code, [], actor="sample", spoiled=True)
            continue
        answers = [random_answer(q, rng) for q in qs]
        if number == 5:
            answers = [Answer.blank(q) for q in qs]
        if number == 8:
            answers[0] = Answer.choose(qs[0], 0, 1) if qs[0].kind is Kind.YES_NO else \
                answers[0]
        enter(store, round_id, paper.code, answers, actor="sample")
    return round_id
