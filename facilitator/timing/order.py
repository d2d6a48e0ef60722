"""Who speaks next: the queue put in the order of a policy, with the reason for each place.

Pure: the same entries and history give the same order, so the facilitator can be told why
someone is next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from facilitator.i18n import _
from facilitator.people import Participant
from facilitator.timing.model import QueueEntry, QueuePolicy

Spoken = Mapping[int, tuple[int, float]]
"""Per participant id: turns taken and seconds spoken in the session."""


def ordered_queue(
    entries: Sequence[QueueEntry],
    policy: QueuePolicy,
    spoken: Spoken,
    *,
    progressive_by: str = "turns",
    attribute: str | None = None,
    last_group: str | None = None,
) -> list[QueueEntry]:
    """The order in which people will be called, with the reason for each place.

    Direct replies always come first, in the order they were raised.
    """
    replies = [e.because(_("direct reply")) for e in entries if e.is_reply]
    rest = [e for e in entries if not e.is_reply]
    if policy is QueuePolicy.PROGRESSIVE:
        index = 1 if progressive_by == "seconds" else 0

        def key(e: QueueEntry) -> tuple[float, float]:
            return (spoken.get(e.participant.id, (0, 0.0))[index], e.position)

        ordered = [
            e.because(_spoken_reason(spoken.get(e.participant.id, (0, 0.0)), progressive_by))
            for e in sorted(rest, key=key)
        ]
    elif policy is QueuePolicy.ALTERNATE and attribute:
        ordered = []
        pool = list(rest)
        group = last_group
        while pool:
            pick = next((e for e in pool if group_of(e.participant, attribute) != group),
                        pool[0])
            pool.remove(pick)
            mine = group_of(pick.participant, attribute)
            ordered.append(pick.because(_("{attribute}: {value}").format(
                attribute=attribute, value=mine or _("(blank)"))
                + ("" if mine != group else " · " + _("no one else waiting"))))
            group = mine
    else:
        ordered = [e.because(_("asked at {time}").format(
            time=e.added_at.astimezone().strftime("%H:%M:%S"))) for e in rest]
    return replies + ordered


def group_of(person: Participant, attribute: str) -> str:
    """The person's value of ``attribute`` ("" when blank): the group they alternate in."""
    return person.attributes.get(attribute, "")


def _spoken_reason(spoken: tuple[int, float], by: str) -> str:
    turns, seconds = spoken
    if not turns:
        return _("has not spoken yet")
    if by == "seconds":
        return _("has spoken {m}:{s:02d} so far").format(m=int(seconds) // 60, s=int(seconds) % 60)
    return _("has spoken {n} time(s)").format(n=turns)
