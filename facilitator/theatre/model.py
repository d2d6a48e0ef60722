"""The legislative-theatre model: the play, the forum, the cards, the proposals, the votes and
the commitments. Pure values and rules.

A session (one per event) has the play's scenes and a running order (play, forum rounds,
proposal drafting, debate, vote, commitments). In the forum, spect-actors replace a character
and try something else: each *intervention* is logged with its countdown. The audience's
ideas arrive as *cards* (typed at the desk, scanned from a printed idea card, or sent from a
phone), each linked to the scene or intervention that prompted it. The desk gathers cards
into *proposals* (a card keeps its own link whatever proposal it is in; merging two
proposals keeps each card where it was, so un-merging gives both back as they were), and
rewords them (every wording kept). The *vote* on a proposal is a question of the ballot
machinery, its decision rule fixed when the vote is defined; policymakers then state
*commitments* (or that they cannot commit, and why).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from facilitator.ballots import DecisionRule, Question
from facilitator.changes import Changes
from facilitator.errors import UserError
from facilitator.i18n import N_, _, ngettext
from facilitator.people import Participant
from facilitator.timing.countdown import Countdown

THEATRE = Changes(theatre=True)
THEATRE_AND_BALLOTS = Changes(theatre=True, ballots=True, phones=True)

SOURCES = ("typed", "card", "phone")
METHODS = ("phones", "paper", "both", "hands")
BALLOT_METHODS = ("phones", "paper", "both")
STATUSES = ("open", "in_progress", "done", "dropped")
DEFAULT_INTERVENTION_SECONDS = 240
STEPS = ("play", "forum", "drafting", "debate", "vote", "commitments")
DEFAULT_ORDER = STEPS
MAX_TEXT = 2000
CARD_CODE_PREFIX = "IDEA "
"""What a printed idea card's QR names (through the Q&A card code): "IDEA S2" (scene 2)."""


class TheatreError(UserError):
    """A legislative-theatre change refused: one sentence saying why (nothing changed)."""


def step_name(step: str) -> str:
    return _({"play": N_("The play"), "forum": N_("Forum rounds"),
              "drafting": N_("Proposal drafting"), "debate": N_("Debate"),
              "vote": N_("The vote"), "commitments": N_("Commitments")}.get(step, step))


def source_name(source: str) -> str:
    return _({"typed": N_("typed at the desk"), "card": N_("paper card"),
              "phone": N_("phone")}.get(source, source))


def method_name(method: str) -> str:
    return _({"phones": N_("phones"), "paper": N_("paper ballots"),
              "both": N_("phones and paper ballots"),
              "hands": N_("show of hands")}.get(method, method))


def status_name(status: str) -> str:
    return _({"open": N_("open"), "in_progress": N_("in progress"), "done": N_("done"),
              "dropped": N_("dropped")}.get(status, status))


def counts_text(proposals: int, cards: int, interventions: int) -> str:
    """"6 proposals, 40 idea cards, 15 interventions" (each in its plural form)."""
    return ", ".join((
        ngettext("{n} proposal", "{n} proposals", proposals).format(n=proposals),
        ngettext("{n} idea card", "{n} idea cards", cards).format(n=cards),
        ngettext("{n} intervention", "{n} interventions", interventions).format(
            n=interventions)))


def cards_text(n: int) -> str:
    return ngettext("{n} idea card", "{n} idea cards", n).format(n=n)


def clean(text: str, what: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """``text`` with its spaces tidied; refused empty (if ``required``) or too long."""
    text = " ".join(text.split())
    if required and not text:
        raise TheatreError(_("{what} is empty.").format(what=what))
    if len(text) > limit:
        raise TheatreError(_("{what} is longer than {n} characters.").format(what=what,
                                                                               n=limit))
    return text


def parse_due(text: str | None) -> date | None:
    """A commitment's date, typed as YYYY-MM-DD (None or "" for none)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise TheatreError(_("“{text}” is not a date; type it as YYYY-MM-DD.").format(
            text=text)) from exc


def parse_counters(note: str) -> tuple[str, ...]:
    """Who counted a show of hands, from the note "hands, counted by X and Y"."""
    text = " ".join(note.split())
    low = text.lower()
    marker = "counted by"
    if marker not in low:
        return ()
    rest = text[low.index(marker) + len(marker):]
    names = [n.strip(" .;") for part in rest.replace(" and ", ",").replace(" & ", ",")
             .split(",") for n in [part] if n.strip(" .;")]
    return tuple(names)


def card_scan_code(scene_position: int) -> str:
    """The label a printed idea card's QR carries for a scene (read back by
    :func:`scene_from_card_label`)."""
    return f"{CARD_CODE_PREFIX}S{scene_position}"


def scene_from_card_label(label: str) -> int | None:
    """The scene position named by an idea card's label ("IDEA S2" -> 2), or None."""
    text = label.strip().upper()
    if not text.startswith(CARD_CODE_PREFIX.strip()):
        return None
    rest = text[len(CARD_CODE_PREFIX.strip()):].strip()
    if rest.startswith("S") and rest[1:].isdigit():
        return int(rest[1:])
    return None


# -- values ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    title: str
    company: str
    contact: str
    running_order: tuple[str, ...]
    step: int
    projected: int | None
    show_results: bool
    created_at: datetime

    @property
    def current_step(self) -> str:
        return self.running_order[self.step] if self.running_order else ""


@dataclass(frozen=True)
class Scene:
    id: int
    position: int
    title: str
    characters: tuple[str, ...]
    problem: str

    @property
    def label(self) -> str:
        return _("Scene {n}: {title}").format(n=self.position, title=self.title)


@dataclass(frozen=True)
class Intervention:
    id: int
    scene_id: int
    scene_position: int
    character: str
    participant: Participant | None
    tried: str
    outcome: str
    timer: Countdown
    started_at: datetime
    ended_at: datetime | None

    @property
    def who(self) -> str:
        """Who stepped in: the participant's name, or "audience member" when unknown."""
        return self.participant.name if self.participant else _("audience member")

    @property
    def number(self) -> str:
        return f"S{self.scene_position}-I{self.id}"


@dataclass(frozen=True)
class Card:
    id: int
    text: str
    source: str
    scene_id: int | None
    intervention_id: int | None
    participant_id: int | None
    proposal_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class Version:
    at: datetime
    text: str
    actor: str | None


@dataclass(frozen=True)
class Outcome:
    """The result of the vote on a proposal: the one function every place shows it from
    is :func:`facilitator.theatre.queries.outcome`."""

    method: str
    rule_text: str
    favour: int
    against: int
    abstain: int
    present: int
    passed: bool | None
    verdict: str
    closed: bool
    note: str = ""
    round_id: int | None = None

    @property
    def voted(self) -> int:
        return self.favour + self.against + self.abstain

    @property
    def counts_text(self) -> str:
        return _("{f} for, {a} against, {b} abstaining").format(
            f=self.favour, a=self.against, b=self.abstain)


@dataclass(frozen=True)
class Vote:
    proposal_id: int
    method: str
    round_id: int | None
    question: Question
    defined_at: datetime
    hands: tuple[int, int, int] | None
    hands_note: str
    closed_at: datetime | None

    @property
    def rule(self) -> DecisionRule:
        return self.question.rule

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True)
class Commitment:
    id: int
    proposal_id: int
    participant_id: int | None
    name: str
    role: str
    body: str
    action: str
    due: date | None
    cannot_reason: str | None
    status: str
    confirmed_at: datetime | None
    created_at: datetime

    @property
    def committed(self) -> bool:
        return self.cannot_reason is None

    @property
    def text(self) -> str:
        """The commitment as read back: "will …, by …", or "cannot commit, because …"."""
        if self.cannot_reason is not None:
            return _("Cannot commit, because {reason}").format(reason=self.cannot_reason)
        if self.due is not None:
            return _("{action} (by {due})").format(action=self.action,
                                                   due=self.due.isoformat())
        return self.action


@dataclass(frozen=True)
class Proposal:
    id: int
    text: str
    original_text: str
    policy_area: str
    body: str
    merged_into: int | None
    merged: tuple[int, ...]
    """The proposals merged into this one (their cards count behind it)."""
    cards: tuple[Card, ...]
    """Every card behind the proposal: its own and those of the proposals merged into it."""
    created_at: datetime
    versions: int

    @property
    def edited(self) -> bool:
        return self.text != self.original_text

    @property
    def number(self) -> str:
        return f"P{self.id}"


@dataclass(frozen=True)
class ProposalAdded:
    changes: Changes
    proposal_id: int


@dataclass(frozen=True)
class CardAdded:
    changes: Changes
    card_id: int


@dataclass(frozen=True)
class InterventionAdded:
    changes: Changes
    intervention_id: int


@dataclass(frozen=True)
class SceneAdded:
    changes: Changes
    scene_id: int


@dataclass(frozen=True)
class VoteDefined:
    changes: Changes
    round_id: int | None


@dataclass(frozen=True)
class CommitmentAdded:
    changes: Changes
    commitment_id: int
