"""A demo legislative-theatre session, so a newcomer sees every screen filled.

A play of three scenes about young people looking for work, ~15 forum interventions, ~40
idea cards (typed, scanned from paper cards, sent from phones), six proposals voted on
phones, on paper and by a show of hands, and the policymakers' commitments. Written through
the session's own ops (and the ballots' and phones' ops for the votes), as the desk would;
seeded, so the same seed gives the same session. The benchmark builds bigger ones.
"""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

from facilitator.ballots import Answer, DecisionRule, enter, hand_out, issue_codes
from facilitator.clock import Clock, FakeClock
from facilitator.lan import ops as lan_ops
from facilitator.people import add_walk_in, list_participants
from facilitator.store import EventStore
from facilitator.theatre import ops, queries

ACTOR = "demo"

SCENES = (
    ("The job centre", ("Jay", "Advisor", "Security guard"),
     "Jay, 19, is sanctioned for missing an appointment he was never told about."),
    ("The interview", ("Jay", "Manager", "Receptionist"),
     "No bus before 7 am: Jay arrives late and the manager will not listen."),
    ("At home", ("Jay", "Mum", "Younger sister"),
     "Mum works two jobs; the family cannot afford the course Jay needs."),
)

TRIES = (
    ("asks for the appointment letter in writing", "the advisor checks the system: it "
     "was never sent"),
    ("brings a youth worker along", "the advisor slows down and explains the rules"),
    ("asks to speak to a manager", "the guard lets Jay wait; the manager reverses the "
     "sanction"),
    ("explains the bus timetable before the interview starts", "the manager offers a later "
     "start"),
    ("asks for a trial shift instead", "the manager agrees to a trial"),
    ("phones ahead to warn she will be late", "the receptionist passes the message on"),
    ("asks the college about a bursary", "Mum learns the bursary exists"),
    ("asks the sister to help find free courses", "they find an online course"),
)

IDEAS = (
    "Every young person gets a named advisor they can text",
    "Appointment letters by text message as well as post",
    "No sanctions without a conversation first",
    "Youth workers allowed in job centre appointments",
    "Free bus travel for job seekers under 25",
    "Early buses on routes to the industrial estates",
    "Employers pay travel for interviews",
    "Trial shifts paid at the real living wage",
    "Bursaries explained at school, not only at college",
    "A one-stop website for free courses",
    "Council apprenticeships ring-fenced for local young people",
    "Interview clothes bank at the library",
    "Job centre staff trained by young people",
    "A youth panel that checks new employment rules",
    "Free wifi and laptops at youth centres",
    "Mentoring from people who left school without qualifications",
)

PROPOSALS = (
    ("Every young person on benefits has a named advisor they can text, and no sanction "
     "is applied without a conversation first.", "Employment support", "Jobcentre Plus",
     (0, 1, 2, 3, 12)),
    ("Free bus travel for job seekers under 25, and early buses on routes to the "
     "industrial estates.", "Transport", "Combined Authority transport committee",
     (4, 5, 6)),
    ("Trial shifts and interviews are paid, at the real living wage.", "Fair work",
     "City Council economy scrutiny", (6, 7)),
    ("Bursaries and free courses are explained at school, on one website.", "Education",
     "Skills and education board", (8, 9, 14)),
    ("Council apprenticeships are ring-fenced for local young people, with mentors who "
     "have been there.", "Employment support", "City Council", (10, 15)),
    ("A youth panel checks every new local employment rule before it starts.",
     "Youth voice", "City Council", (13, 11)),
)

COMMITMENTS = (
    (0, "Cllr Priya Shah", "Cabinet member for jobs", "City Council",
     "Ask Jobcentre Plus for a named-advisor pilot in two centres", "2027-03-31", None),
    (0, "Dan Morris", "District manager", "Jobcentre Plus", "",
     None, "sanction rules are set nationally; I will pass the proposal to the department"),
    (1, "Helen Obi", "Head of bus network", "Combined Authority",
     "Bring an early-bus trial on two routes to the transport committee", "2027-01-15",
     None),
    (1, "Cllr Tom Reed", "Transport portfolio", "Combined Authority",
     "Cost free travel for job seekers under 25 and publish it", "2027-02-28", None),
    (2, "Cllr Priya Shah", "Cabinet member for jobs", "City Council",
     "Make paid trial shifts a condition of the council's employer charter", "2027-06-30",
     None),
    (3, "Sam Adeyemi", "Skills officer", "Skills and education board",
     "Launch one website for bursaries and free courses", "2026-12-20", None),
    (4, "Cllr Tom Reed", "Deputy leader", "City Council",
     "Ring-fence 20 apprenticeships for local young people next year", "2027-04-01", None),
)


def _answer(choice: int) -> Answer:
    """A yes/no/abstain answer: box ``choice`` marked."""
    return Answer(tuple(1 if i == choice else None for i in range(3)))


def _present(store: EventStore) -> int:
    return sum(1 for p in list_participants(store)
               if p.present and p.active and p.role == "participant")


def _voters(store: EventStore, voters: int) -> list[int]:
    """``voters`` participants present (walk-ins added if the event has too few)."""
    present = [p.id for p in list_participants(store)
               if p.present and p.active and p.role == "participant"]
    number = len(present)
    while len(present) < voters:
        number += 1
        present.append(add_walk_in(store, f"Audience member {number}", actor=ACTOR)
                       .participant.id)
    return present[:voters]


def build_session(store: EventStore, *, seed: int = 15, voters: int | None = None,
                  cards: int = 40, interventions: int = 15, close_last: bool = True,
                  clock: FakeClock | None = None) -> list[int]:
    """Fill ``store`` with a whole session; returns the proposals' ids. ``voters`` people
    vote (default: every participant present), ``cards`` idea cards. With ``close_last``
    False, the last proposal's vote is left open (the benchmark closes it)."""
    rng = random.Random(seed)
    tick = clock.advance if clock is not None else (lambda _s: None)
    ops.start_session(store, "Nothing about us without us", company="Northside Youth Theatre",
                      contact="legislative.desk@example.org, 0121 496 0000", actor=ACTOR)
    scene_ids = [ops.add_scene(store, t, c, p, actor=ACTOR).scene_id for t, c, p in SCENES]
    people = _voters(store, voters if voters is not None else max(_present(store), 30))
    ops.set_step(store, 1, actor=ACTOR)
    iids: list[int] = []
    for n in range(interventions):
        scene = n * len(SCENES) // max(interventions, 1)
        _title, characters, _problem = SCENES[scene]
        who = people[rng.randrange(len(people))] if rng.random() < 0.6 else None
        tried, outcome = TRIES[n % len(TRIES)]
        iid = ops.start_intervention(store, scene_ids[scene], characters[0] if n % 3 else
                                     characters[1], participant_id=who, tried=tried,
                                     seconds=180, actor=ACTOR).intervention_id
        tick(60 + rng.randrange(120))
        ops.end_intervention(store, iid, outcome=outcome, actor=ACTOR)
        iids.append(iid)
    card_ids: list[int] = []
    by_idea: dict[int, list[int]] = {}
    for n in range(cards):
        idea = n % len(IDEAS)
        source = ("typed", "card", "phone")[n % 3]
        prompted = iids[rng.randrange(len(iids))] if iids and rng.random() < 0.8 else None
        text = IDEAS[idea] if n < len(IDEAS) else f"{IDEAS[idea]} ({n // len(IDEAS) + 1})"
        cid = ops.add_card(store, text, source=source, intervention_id=prompted,
                           scene_id=None if prompted else scene_ids[n % len(scene_ids)],
                           participant_id=people[n % len(people)] if source == "phone"
                           else None, actor=ACTOR).card_id
        card_ids.append(cid)
        by_idea.setdefault(idea, []).append(cid)
    ops.set_step(store, 2, actor=ACTOR)
    proposal_ids: list[int] = []
    for text, area, body, ideas in PROPOSALS:
        linked = [c for i in ideas for c in by_idea.get(i, [])]
        pid = ops.add_proposal(store, text.split(",")[0] + ".", policy_area=area, body=body,
                               card_ids=linked, actor=ACTOR).proposal_id
        ops.reword(store, pid, text, actor=ACTOR)
        proposal_ids.append(pid)
    ops.set_step(store, 4, actor=ACTOR)
    # Six votes: phones (simple majority), paper (two thirds), hands, phones...
    methods = ("phones", "paper", "hands", "phones", "both", "phones")
    support = (0.82, 0.74, 0.7, 0.66, 0.58, 0.38)
    for index, pid in enumerate(proposal_ids):
        method = methods[index % len(methods)]
        rule = DecisionRule.supermajority(Fraction(2, 3)) if index == 1 else None
        round_id = ops.define_vote(store, pid, method=method, rule=rule,
                                   actor=ACTOR).round_id
        share = support[index % len(support)]
        choices = [0 if rng.random() < share else (1 if rng.random() < 0.85 else 2)
                   for _p in people]
        if method == "hands":
            ops.record_hands(store, pid, choices.count(0), choices.count(1), choices.count(2),
                             note="hands, counted by Amira and Joe", actor=ACTOR)
        elif round_id is not None:
            on_paper = len(people) if method == "paper" else (
                len(people) // 4 if method == "both" else 0)
            if method != "paper":
                lan_ops.open_question(store, round_id, 0, actor=ACTOR)
            if on_paper:
                papers = issue_codes(store, round_id, on_paper, actor=ACTOR).papers
                paper_people = people[:on_paper]
                for person, paper, choice in zip(paper_people, papers, choices, strict=False):
                    if method == "both":
                        hand_out(store, round_id, person, actor=ACTOR)
                    enter(store, round_id, paper.code, [_answer(choice)], actor=ACTOR)
            for person, choice in list(zip(people, choices, strict=True))[on_paper:]:
                lan_ops.cast_vote(store, person, round_id, 0, _answer(choice), actor="phone")
        if close_last or index + 1 < len(proposal_ids):
            ops.close_vote(store, pid, note=_CLOSE_NOTE, actor=ACTOR)
    ops.set_step(store, 5, actor=ACTOR)
    for index, name, role, body, action, due, cannot in COMMITMENTS:
        if index >= len(proposal_ids):
            continue
        pid = proposal_ids[index]
        result = queries.outcome(store, pid)
        if result is None or result.passed is not True or not result.closed:
            continue
        cid = ops.add_commitment(store, pid, name, role=role, body=body, action=action,
                                 due=due, cannot_reason=cannot, actor=ACTOR).commitment_id
        ops.confirm_commitment(store, cid, actor=ACTOR)
    if proposal_ids:
        ops.project(store, proposal_ids[0], show_results=True, actor=ACTOR)
    return proposal_ids


_CLOSE_NOTE = "paper ballots counted at the desk; hand-outs not counted at the door"


def create_theatre_demo(path: Path | str, clock: Clock | None = None) -> EventStore:
    """The demo event (people imported, most arrived) with a whole legislative-theatre
    session in it."""
    from facilitator.demo import create_demo_event

    store = create_demo_event(path, clock)
    try:
        build_session(store)
    except BaseException:
        store.close()
        raise
    return store
