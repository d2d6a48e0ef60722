"""Every change to a legislative-theatre session: one transaction each, with its audit entry
naming the actor, returning what changed (:data:`THEATRE`, or a result with ``.changes``).
A refusal raises :class:`TheatreError` (or the ballots' own refusal) and changes nothing.

The vote on a proposal is a ballot round of one yes/no question (phones, paper or both,
through :mod:`facilitator.ballots` and the phone server), or a show of hands whose counts
are keyed in with who counted them. Its decision rule is chosen when the vote is defined and
stored with it then; no op changes it afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from facilitator.ballots import (
    DecisionRule,
    Question,
    close_round_within,
    create_round,
    get_round,
)
from facilitator.changes import Changes
from facilitator.clock import to_iso
from facilitator.i18n import _
from facilitator.people import get
from facilitator.store import EventStore
from facilitator.theatre import queries
from facilitator.theatre.model import (
    BALLOT_METHODS,
    DEFAULT_INTERVENTION_SECONDS,
    DEFAULT_ORDER,
    METHODS,
    SOURCES,
    STATUSES,
    STEPS,
    THEATRE,
    THEATRE_AND_BALLOTS,
    CardAdded,
    CommitmentAdded,
    InterventionAdded,
    ProposalAdded,
    SceneAdded,
    TheatreError,
    VoteDefined,
    clean,
    parse_counters,
    parse_due,
)
from facilitator.timing.countdown import Countdown

# -- the session -------------------------------------------------------------------------------


def start_session(store: EventStore, title: str, *, company: str = "", contact: str = "",
                  running_order: Sequence[str] = DEFAULT_ORDER, actor: str) -> Changes:
    """Make this event a legislative-theatre session (once), with its running order."""
    title = clean(title, _("The play's title"), limit=200)
    order = list(running_order)
    if not order or any(step not in STEPS for step in order):
        raise TheatreError(_("A running order is made of: {steps}.").format(
            steps=", ".join(STEPS)))
    with store.transaction():
        if queries.session(store) is not None:
            raise TheatreError(_("This event already has a legislative-theatre session."))
        store.execute("INSERT INTO theatre_sessions (id, title, company, contact, "
                      "running_order, created_at) VALUES (1, ?, ?, ?, ?, ?)",
                      (title, clean(company, "", required=False, limit=200),
                       clean(contact, "", required=False, limit=300), json.dumps(order),
                       to_iso(store.clock.now())))
        store.audit("theatre_start", "theatre_session", 1, None,
                    {"title": title, "running_order": order}, actor=actor)
    return THEATRE


def edit_session(store: EventStore, *, title: str | None = None, company: str | None = None,
                 contact: str | None = None, actor: str) -> Changes:
    with store.transaction():
        old = queries.require_session(store)
        new = {"title": old.title if title is None else clean(title, _("The play's title"),
                                                                limit=200),
               "company": old.company if company is None else clean(company, "",
                                                                    required=False, limit=200),
               "contact": old.contact if contact is None else clean(contact, "",
                                                                    required=False, limit=300)}
        store.execute("UPDATE theatre_sessions SET title = ?, company = ?, contact = ? "
                      "WHERE id = 1", (new["title"], new["company"], new["contact"]))
        store.audit("theatre_edit_session", "theatre_session", 1,
                    {"title": old.title, "company": old.company, "contact": old.contact},
                    new, actor=actor)
    return THEATRE


def set_step(store: EventStore, step: int, *, actor: str) -> Changes:
    """Move the running order to its ``step``-th item (0-based)."""
    with store.transaction():
        current = queries.require_session(store)
        if not 0 <= step < len(current.running_order):
            raise TheatreError(_("The running order has {n} steps.").format(
                n=len(current.running_order)))
        store.execute("UPDATE theatre_sessions SET step = ? WHERE id = 1", (step,))
        store.audit("theatre_step", "theatre_session", 1, {"step": current.step},
                    {"step": step}, actor=actor)
    return THEATRE


# -- scenes ------------------------------------------------------------------------------------


def add_scene(store: EventStore, title: str, characters: Sequence[str] = (),
              problem: str = "", *, actor: str) -> SceneAdded:
    title = clean(title, _("The scene's title"), limit=200)
    names = list(dict.fromkeys(clean(c, "", required=False, limit=100) for c in characters))
    names = [n for n in names if n]
    problem = clean(problem, "", required=False)
    with store.transaction():
        queries.require_session(store)
        row = store.query_one("SELECT coalesce(max(position), 0) AS n FROM theatre_scenes")
        position = int(row["n"]) + 1 if row else 1
        cursor = store.execute("INSERT INTO theatre_scenes (position, title, characters, "
                               "problem) VALUES (?, ?, ?, ?)",
                               (position, title, json.dumps(names, ensure_ascii=False),
                                problem))
        sid = int(cursor.lastrowid or 0)
        store.audit("theatre_add_scene", "theatre_scene", sid, None,
                    {"position": position, "title": title, "characters": names,
                     "problem": problem}, actor=actor)
    return SceneAdded(THEATRE, sid)


# -- interventions -----------------------------------------------------------------------------


def _stop_timer(store: EventStore, row: object) -> None:
    timer = queries.timer_of(row)  # type: ignore[arg-type]
    if timer.running:
        paused = timer.pause(store.clock)
        store.execute("UPDATE theatre_interventions SET elapsed_before = ?, "
                      "running_since_mono = NULL, running_since_wall = NULL WHERE id = ?",
                      (paused.elapsed_before, row["id"]))  # type: ignore[index]


def start_intervention(store: EventStore, scene_id: int, character: str, *,
                       participant_id: int | None = None, tried: str = "",
                       seconds: int = DEFAULT_INTERVENTION_SECONDS,
                       actor: str) -> InterventionAdded:
    """A spect-actor replaces ``character`` in a scene: log it and start its countdown (the
    intervention on stage before it, if any, ends)."""
    character = clean(character, _("The character replaced"), limit=100)
    tried = clean(tried, "", required=False)
    if not 10 <= seconds <= 3600:
        raise TheatreError(_("An intervention lasts between 10 seconds and an hour."))
    with store.transaction():
        scene = queries.scene(store, scene_id)
        if scene.characters and character not in scene.characters:
            raise TheatreError(_("“{character}” is not a character of {scene} ({names}).")
                               .format(character=character, scene=scene.label,
                                       names=", ".join(scene.characters)))
        if participant_id is not None:
            get(store, participant_id)
        running = queries.running_intervention(store)
        if running is not None:
            end_intervention(store, running.id, actor=actor)
        timer = Countdown.new(seconds).start(store.clock)
        now = to_iso(store.clock.now())
        cursor = store.execute(
            "INSERT INTO theatre_interventions (scene_id, character, participant_id, tried, "
            "planned, running_since_mono, running_since_wall, started_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (scene_id, character, participant_id, tried, float(seconds),
             timer.running_since_mono,
             to_iso(timer.running_since_wall) if timer.running_since_wall else None, now))
        iid = int(cursor.lastrowid or 0)
        store.audit("theatre_intervention", "theatre_intervention", iid, None,
                    {"scene": scene_id, "character": character,
                     "participant_id": participant_id, "tried": tried}, actor=actor)
    return InterventionAdded(THEATRE, iid)


def note_intervention(store: EventStore, intervention_id: int, *, tried: str | None = None,
                      outcome: str | None = None, actor: str) -> Changes:
    """What the spect-actor tried, and the outcome the joker notes."""
    with store.transaction():
        row = queries.intervention_row(store, intervention_id)
        new = {"tried": str(row["tried"]) if tried is None else clean(tried, "",
                                                                      required=False),
               "outcome": str(row["outcome"]) if outcome is None else clean(outcome, "",
                                                                            required=False)}
        store.execute("UPDATE theatre_interventions SET tried = ?, outcome = ? WHERE id = ?",
                      (new["tried"], new["outcome"], intervention_id))
        store.audit("theatre_note_intervention", "theatre_intervention", intervention_id,
                    {"tried": row["tried"], "outcome": row["outcome"]}, new, actor=actor)
    return THEATRE


def end_intervention(store: EventStore, intervention_id: int, *, outcome: str | None = None,
                     actor: str) -> Changes:
    with store.transaction():
        row = queries.intervention_row(store, intervention_id)
        if row["ended_at"] is not None:
            raise TheatreError(_("Intervention {id} has already ended.").format(
                id=intervention_id))
        _stop_timer(store, row)
        store.execute("UPDATE theatre_interventions SET ended_at = ? WHERE id = ?",
                      (to_iso(store.clock.now()), intervention_id))
        if outcome is not None:
            note_intervention(store, intervention_id, outcome=outcome, actor=actor)
        store.audit("theatre_end_intervention", "theatre_intervention", intervention_id,
                    None, None, actor=actor)
    return THEATRE


def toggle_timer(store: EventStore, intervention_id: int, *, actor: str) -> Changes:
    """Pause or resume an intervention's countdown."""
    with store.transaction():
        row = queries.intervention_row(store, intervention_id)
        if row["ended_at"] is not None:
            raise TheatreError(_("Intervention {id} has already ended.").format(
                id=intervention_id))
        timer = queries.timer_of(row)
        new = timer.pause(store.clock) if timer.running else timer.start(store.clock)
        store.execute(
            "UPDATE theatre_interventions SET elapsed_before = ?, running_since_mono = ?, "
            "running_since_wall = ? WHERE id = ?",
            (new.elapsed_before, new.running_since_mono,
             to_iso(new.running_since_wall) if new.running_since_wall else None,
             intervention_id))
        store.audit("theatre_pause_timer" if timer.running else "theatre_resume_timer",
                    "theatre_intervention", intervention_id, None, None, actor=actor)
    return THEATRE


# -- idea cards --------------------------------------------------------------------------------


def add_card(store: EventStore, text: str, *, source: str = "typed",
             scene_id: int | None = None, intervention_id: int | None = None,
             participant_id: int | None = None, proposal_id: int | None = None,
             actor: str) -> CardAdded:
    """An idea from the audience, linked to the scene and/or intervention that prompted it
    (an intervention's scene is filled in from it)."""
    text = clean(text, _("The idea card"))
    if source not in SOURCES:
        raise TheatreError(_("Unknown source: {source}.").format(source=source))
    with store.transaction():
        if intervention_id is not None:
            row = queries.intervention_row(store, intervention_id)
            if scene_id is not None and scene_id != int(row["scene_id"]):
                raise TheatreError(_("Intervention {id} was in another scene.").format(
                    id=intervention_id))
            scene_id = int(row["scene_id"])
        if scene_id is not None:
            queries.scene(store, scene_id)
        if participant_id is not None:
            get(store, participant_id)
        if proposal_id is not None:
            _live_proposal(store, proposal_id)
        cursor = store.execute(
            "INSERT INTO theatre_cards (text, source, scene_id, intervention_id, "
            "participant_id, proposal_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (text, source, scene_id, intervention_id, participant_id, proposal_id,
             to_iso(store.clock.now())))
        cid = int(cursor.lastrowid or 0)
        store.audit("theatre_add_card", "theatre_card", cid, None,
                    {"text": text, "source": source, "scene": scene_id,
                     "intervention": intervention_id, "proposal": proposal_id},
                    actor=actor)
    return CardAdded(THEATRE, cid)


def link_card(store: EventStore, card_id: int, *, scene_id: int | None,
              intervention_id: int | None, actor: str) -> Changes:
    """Correct which scene/intervention prompted a card."""
    with store.transaction():
        old = queries.card(store, card_id)
        if intervention_id is not None:
            scene_id = int(queries.intervention_row(store, intervention_id)["scene_id"])
        if scene_id is not None:
            queries.scene(store, scene_id)
        store.execute("UPDATE theatre_cards SET scene_id = ?, intervention_id = ? WHERE id = ?",
                      (scene_id, intervention_id, card_id))
        store.audit("theatre_link_card", "theatre_card", card_id,
                    {"scene": old.scene_id, "intervention": old.intervention_id},
                    {"scene": scene_id, "intervention": intervention_id}, actor=actor)
    return THEATRE


# -- proposals ---------------------------------------------------------------------------------


def _live_proposal(store: EventStore, proposal_id: int) -> None:
    row = queries.proposal_row(store, proposal_id)
    if row["merged_into"] is not None:
        raise TheatreError(_("Proposal {id} is merged into proposal {target}; use that one.")
                           .format(id=proposal_id, target=row["merged_into"]))


def _vote_defined(store: EventStore, proposal_id: int, doing: str) -> None:
    """Refuse to change the cards behind a proposal (or behind the one it is merged into)
    once its vote is defined: the audience votes on what it was shown."""
    row = queries.proposal_row(store, proposal_id)
    while row["merged_into"] is not None:
        if queries.vote(store, int(row["id"])) is not None:
            break
        row = queries.proposal_row(store, int(row["merged_into"]))
    proposal_id = int(row["id"])
    if queries.vote(store, proposal_id) is not None:
        raise TheatreError(_("The vote on proposal {id} is defined; it cannot be {doing} "
                             "now.").format(id=proposal_id, doing=doing))


def add_proposal(store: EventStore, text: str, *, policy_area: str = "", body: str = "",
                 card_ids: Sequence[int] = (), actor: str) -> ProposalAdded:
    """A proposal drafted by the desk (with the cards it starts from)."""
    text = clean(text, _("The proposal"))
    with store.transaction():
        queries.require_session(store)
        now = to_iso(store.clock.now())
        cursor = store.execute(
            "INSERT INTO theatre_proposals (text, policy_area, body, created_at) "
            "VALUES (?, ?, ?, ?)", (text, clean(policy_area, "", required=False, limit=100),
                                    clean(body, "", required=False, limit=200), now))
        pid = int(cursor.lastrowid or 0)
        store.execute("INSERT INTO theatre_proposal_versions (proposal_id, at, text, actor) "
                      "VALUES (?, ?, ?, ?)", (pid, now, text, actor))
        store.audit("theatre_add_proposal", "theatre_proposal", pid, None,
                    {"text": text, "policy_area": policy_area, "body": body}, actor=actor)
        if card_ids:
            attach_cards(store, pid, card_ids, actor=actor)
    return ProposalAdded(THEATRE, pid)


def reword(store: EventStore, proposal_id: int, text: str, *, actor: str) -> Changes:
    """A new wording; every earlier one is kept (refused once its vote is defined: the
    audience votes on the words it saw)."""
    text = clean(text, _("The proposal"))
    with store.transaction():
        row = queries.proposal_row(store, proposal_id)
        _vote_defined(store, proposal_id, _("reworded"))
        if row["text"] == text:
            return Changes()
        store.execute("UPDATE theatre_proposals SET text = ? WHERE id = ?", (text, proposal_id))
        store.execute("INSERT INTO theatre_proposal_versions (proposal_id, at, text, actor) "
                      "VALUES (?, ?, ?, ?)", (proposal_id, to_iso(store.clock.now()), text,
                                              actor))
        store.audit("theatre_reword", "theatre_proposal", proposal_id, {"text": row["text"]},
                    {"text": text}, actor=actor)
    return THEATRE


def tag(store: EventStore, proposal_id: int, *, policy_area: str | None = None,
        body: str | None = None, actor: str) -> Changes:
    """The policy area and the body responsible."""
    with store.transaction():
        row = queries.proposal_row(store, proposal_id)
        new = {"policy_area": str(row["policy_area"]) if policy_area is None else
               clean(policy_area, "", required=False, limit=100),
               "body": str(row["body"]) if body is None else clean(body, "", required=False,
                                                                   limit=200)}
        store.execute("UPDATE theatre_proposals SET policy_area = ?, body = ? WHERE id = ?",
                      (new["policy_area"], new["body"], proposal_id))
        store.audit("theatre_tag", "theatre_proposal", proposal_id,
                    {"policy_area": row["policy_area"], "body": row["body"]}, new, actor=actor)
    return THEATRE


def attach_cards(store: EventStore, proposal_id: int, card_ids: Sequence[int], *,
                 actor: str) -> Changes:
    """Put cards behind a proposal (a card dragged onto it); a card in another proposal
    moves. Each card keeps its own scene/intervention link."""
    ids = list(dict.fromkeys(card_ids))
    if not ids:
        raise TheatreError(_("Choose at least one card."))
    with store.transaction():
        _live_proposal(store, proposal_id)
        _vote_defined(store, proposal_id, _("changed"))
        old = {cid: queries.card(store, cid).proposal_id for cid in ids}
        for was in old.values():
            if was is not None and was != proposal_id:
                _vote_defined(store, was, _("changed"))
        store.executemany("UPDATE theatre_cards SET proposal_id = ? WHERE id = ?",
                          [(proposal_id, cid) for cid in ids])
        store.audit("theatre_attach_cards", "theatre_proposal", proposal_id,
                    {str(k): v for k, v in old.items()}, {"cards": ids}, actor=actor)
    return THEATRE


def detach_card(store: EventStore, card_id: int, *, actor: str) -> Changes:
    """Take a card out of its proposal (back to the unsorted cards)."""
    with store.transaction():
        current = queries.card(store, card_id)
        if current.proposal_id is None:
            raise TheatreError(_("Card {id} is in no proposal.").format(id=card_id))
        _vote_defined(store, current.proposal_id, _("changed"))
        store.execute("UPDATE theatre_cards SET proposal_id = NULL WHERE id = ?", (card_id,))
        store.audit("theatre_detach_card", "theatre_card", card_id,
                    {"proposal": current.proposal_id}, {"proposal": None}, actor=actor)
    return THEATRE


def merge(store: EventStore, target_id: int, source_ids: Sequence[int], *,
          actor: str) -> Changes:
    """Fold proposals into ``target_id``: their cards count behind it, each still linked to
    its own proposal, so :func:`unmerge` gives them back as they were."""
    sources = [s for s in dict.fromkeys(source_ids) if s != target_id]
    if not sources:
        raise TheatreError(_("Choose at least two proposals to merge."))
    with store.transaction():
        _live_proposal(store, target_id)
        _vote_defined(store, target_id, _("merged"))
        for source in sources:
            _live_proposal(store, source)
            _vote_defined(store, source, _("merged"))
            store.execute("UPDATE theatre_proposals SET merged_into = ? WHERE id = ?",
                          (target_id, source))
            store.audit("theatre_merge", "theatre_proposal", source, {"merged_into": None},
                        {"merged_into": target_id}, actor=actor)
    return THEATRE


def unmerge(store: EventStore, source_id: int, *, actor: str) -> Changes:
    with store.transaction():
        row = queries.proposal_row(store, source_id)
        if row["merged_into"] is None:
            raise TheatreError(_("Proposal {id} is not merged into another.").format(
                id=source_id))
        _vote_defined(store, int(row["merged_into"]), _("un-merged"))
        store.execute("UPDATE theatre_proposals SET merged_into = NULL WHERE id = ?",
                      (source_id,))
        store.audit("theatre_unmerge", "theatre_proposal", source_id,
                    {"merged_into": row["merged_into"]}, {"merged_into": None}, actor=actor)
    return THEATRE


# -- the vote ----------------------------------------------------------------------------------


def define_vote(store: EventStore, proposal_id: int, *, method: str = "phones",
                rule: DecisionRule | None = None, actor: str) -> VoteDefined:
    """Put a proposal to the audience: a yes/no question with its decision rule (simple
    majority unless another is given), locked from now on. Phones and paper go through a
    ballot round of its own; a show of hands is keyed in with :func:`record_hands`."""
    if method not in METHODS:
        raise TheatreError(_("Unknown way of voting: {method}.").format(method=method))
    rule = rule or DecisionRule.simple_majority()
    with store.transaction():
        _live_proposal(store, proposal_id)
        if queries.vote(store, proposal_id) is not None:
            raise TheatreError(_("The vote on proposal {id} is already defined; its rule is "
                                 "locked.").format(id=proposal_id))
        item = queries.proposal(store, proposal_id)
        question = Question.yes_no(item.text, rule=rule)
        round_id: int | None = None
        if method in BALLOT_METHODS:
            created = create_round(
                store, _("Proposal {id}").format(id=proposal_id)[:200], [question],
                channel=method, actor=actor)
            round_id = created.round.id
        store.execute(
            "INSERT INTO theatre_votes (proposal_id, method, round_id, question, defined_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (proposal_id, method, round_id, json.dumps(question.to_json(), ensure_ascii=False),
             to_iso(store.clock.now())))
        store.audit("theatre_define_vote", "theatre_proposal", proposal_id, None,
                    {"method": method, "round": round_id, "rule": rule.to_json()},
                    actor=actor)
    return VoteDefined(THEATRE_AND_BALLOTS if round_id else THEATRE, round_id)


def record_hands(store: EventStore, proposal_id: int, favour: int, against: int,
                 abstain: int = 0, *, note: str, actor: str) -> Changes:
    """The counts of a show of hands, with who counted: "hands, counted by X and Y"."""
    note = clean(note, _("The note"), limit=300)
    if len(parse_counters(note)) < 2:
        raise TheatreError(_("Say who counted the hands, two people: “hands, counted by X "
                             "and Y”."))
    for value in (favour, against, abstain):
        if not 0 <= value <= 100_000:
            raise TheatreError(_("A count of hands is a whole number, 0 or more."))
    with store.transaction():
        current = queries.vote(store, proposal_id)
        if current is None or current.method != "hands":
            raise TheatreError(_("Proposal {id} is not put to a show of hands.").format(
                id=proposal_id))
        if current.closed:
            raise TheatreError(_("The vote on proposal {id} is closed.").format(
                id=proposal_id))
        present = queries.present_voters(store)
        if present and favour + against + abstain > present:
            raise TheatreError(_("{n} hands counted, but only {present} people are present.")
                               .format(n=favour + against + abstain, present=present))
        store.execute("UPDATE theatre_votes SET hands_favour = ?, hands_against = ?, "
                      "hands_abstain = ?, hands_note = ? WHERE proposal_id = ?",
                      (favour, against, abstain, note, proposal_id))
        store.audit("theatre_hands", "theatre_proposal", proposal_id,
                    {"hands": list(current.hands) if current.hands else None},
                    {"hands": [favour, against, abstain], "note": note}, actor=actor)
    return THEATRE


def close_vote(store: EventStore, proposal_id: int, *, note: str = "",
               actor: str) -> Changes:
    """Close the vote on a proposal, in one transaction: for phones and paper its ballot
    round is closed and sealed (by the ballots' own rules, :func:`close_round_within`) and
    the vote is marked closed, both or neither. Once committed, the file's history of the
    phone votes is cleared, as closing a round on the Voting page does. A round already
    closed there is taken as it is."""
    sealed = False
    with store.transaction():
        current = queries.vote(store, proposal_id)
        if current is None:
            raise TheatreError(_("Proposal {id} has no vote defined.").format(id=proposal_id))
        if current.closed:
            raise TheatreError(_("The vote on proposal {id} is already closed.").format(
                id=proposal_id))
        if current.method == "hands" and current.hands is None:
            raise TheatreError(_("Key in the counted hands before closing the vote."))
        if current.round_id is not None and not get_round(store, current.round_id).is_closed:
            close_round_within(store, current.round_id, note=note, actor=actor)
            sealed = True
        store.execute("UPDATE theatre_votes SET closed_at = ? WHERE proposal_id = ?",
                      (to_iso(store.clock.now()), proposal_id))
        store.audit("theatre_close_vote", "theatre_proposal", proposal_id, None,
                    {"note": note or None}, actor=actor)
    if sealed:
        store.scrub()
    return THEATRE_AND_BALLOTS


# -- the projector -----------------------------------------------------------------------------


def project(store: EventStore, proposal_id: int | None, *, show_results: bool = False,
            actor: str) -> Changes:
    """Show a proposal with its cards on the projector (None: nothing); results hidden
    until ``show_results``."""
    with store.transaction():
        current = queries.require_session(store)
        if proposal_id is not None:
            queries.proposal_row(store, proposal_id)
        store.execute("UPDATE theatre_sessions SET projected = ?, show_results = ? "
                      "WHERE id = 1", (proposal_id, int(show_results)))
        store.audit("theatre_project", "theatre_session", 1,
                    {"projected": current.projected, "show_results": current.show_results},
                    {"projected": proposal_id, "show_results": show_results}, actor=actor)
    return THEATRE


# -- commitments -------------------------------------------------------------------------------


def add_commitment(store: EventStore, proposal_id: int, name: str, *, role: str = "",
                   body: str = "", action: str = "", due: str | None = None,
                   cannot_reason: str | None = None, participant_id: int | None = None,
                   actor: str) -> CommitmentAdded:
    """A policymaker's commitment on an accepted proposal: an action (and a date), or an
    explicit "cannot commit, because …"."""
    action = clean(action, "", required=False)
    reason = clean(cannot_reason or "", "", required=False) or None
    if bool(action) == bool(reason):
        raise TheatreError(_("Record either what they will do, or why they cannot commit."))
    due_date = parse_due(due)
    if reason and due_date:
        raise TheatreError(_("A “cannot commit” has no date."))
    with store.transaction():
        if participant_id is not None:
            person = get(store, participant_id)
            name = name or person.name
        name = clean(name, _("The name of who commits"), limit=200)
        _live_proposal(store, proposal_id)
        result = queries.outcome(store, proposal_id)
        if result is None or not result.closed or result.passed is not True:
            raise TheatreError(_("Proposal {id} was not accepted by the audience; commitments "
                                 "are recorded on accepted proposals.").format(id=proposal_id))
        cursor = store.execute(
            "INSERT INTO theatre_commitments (proposal_id, participant_id, name, role, body, "
            "action, due, cannot_reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (proposal_id, participant_id, name, clean(role, "", required=False, limit=200),
             clean(body, "", required=False, limit=200), action,
             due_date.isoformat() if due_date else None, reason,
             to_iso(store.clock.now())))
        cid = int(cursor.lastrowid or 0)
        store.audit("theatre_commit", "theatre_commitment", cid, None,
                    {"proposal": proposal_id, "name": name, "action": action,
                     "due": due_date.isoformat() if due_date else None, "cannot": reason},
                    actor=actor)
    return CommitmentAdded(THEATRE, cid)


def confirm_commitment(store: EventStore, commitment_id: int, *, actor: str) -> Changes:
    """Read back on the projector and confirmed by the policymaker."""
    with store.transaction():
        current = queries.commitment(store, commitment_id)
        if current.confirmed_at is not None:
            raise TheatreError(_("Commitment {id} is already confirmed.").format(
                id=commitment_id))
        store.execute("UPDATE theatre_commitments SET confirmed_at = ? WHERE id = ?",
                      (to_iso(store.clock.now()), commitment_id))
        store.audit("theatre_confirm", "theatre_commitment", commitment_id, None, None,
                    actor=actor)
    return THEATRE


def set_commitment_status(store: EventStore, commitment_id: int, status: str, *,
                          actor: str) -> Changes:
    """Follow-up ("you said, we did"): open, in progress, done, dropped."""
    if status not in STATUSES:
        raise TheatreError(_("A commitment's status is one of: {names}.").format(
            names=", ".join(STATUSES)))
    with store.transaction():
        current = queries.commitment(store, commitment_id)
        store.execute("UPDATE theatre_commitments SET status = ? WHERE id = ?",
                      (status, commitment_id))
        store.audit("theatre_commitment_status", "theatre_commitment", commitment_id,
                    {"status": current.status}, {"status": status}, actor=actor)
    return THEATRE
