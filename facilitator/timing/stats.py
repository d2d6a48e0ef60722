"""Who is being heard: speaking time and turns per person and per group, against presence.

"Women: 46% present, 31% of speaking time." Shares are over participants (the people
the assembly is made of); experts, facilitators and staff are listed per person but do not
count in the group shares.

Pure: the figures come from the turns and the participant list given; reading those from
the event file is :func:`facilitator.timing.queries.speaking_stats`.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from facilitator import csvsafe
from facilitator.clock import Clock
from facilitator.i18n import _
from facilitator.people import Participant
from facilitator.timing.model import Turn


@dataclass(frozen=True)
class PersonStats:
    participant: Participant
    turns: int
    seconds: float


@dataclass(frozen=True)
class GroupStats:
    value: str
    present: int
    present_share: float
    turns: int
    turn_share: float
    seconds: float
    time_share: float

    def sentence(self) -> str:
        return _("{group}: {present:.0%} present, {time:.0%} of speaking time").format(
            group=self.value, present=self.present_share, time=self.time_share)


@dataclass(frozen=True)
class SpeakingStats:
    scope: str
    attribute: str | None
    people: list[PersonStats]
    groups: list[GroupStats]
    not_yet_spoken: list[Participant]
    total_turns: int
    total_seconds: float


def compute_stats(turns: Sequence[Turn], everyone: Sequence[Participant], clock: Clock, *,
                  scope: str, attribute: str | None = None) -> SpeakingStats:
    """Figures over ``turns`` (one session's or the whole event's: ``scope`` says which).

    ``everyone`` is the participant list (who is present). A turn still running counts with
    the time spoken so far.
    """
    per_person: dict[int, list[float]] = defaultdict(lambda: [0, 0.0])
    by_id: dict[int, Participant] = {}
    for turn in turns:
        seconds = turn.spoken if turn.spoken is not None else turn.countdown.elapsed(clock)
        record = per_person[turn.participant.id]
        record[0] += 1
        record[1] += seconds
        by_id[turn.participant.id] = turn.participant
    people = sorted(
        (PersonStats(by_id[pid], int(n), float(s)) for pid, (n, s) in per_person.items()),
        key=lambda p: (-p.seconds, p.participant.name))
    present = [p for p in everyone if p.present and p.role == "participant"]
    member_ids = {p.id for p in everyone if p.role == "participant"}
    groups: list[GroupStats] = []
    if attribute:
        blank = _("(blank)")
        present_by: dict[str, int] = defaultdict(int)
        for person in present:
            present_by[person.attributes.get(attribute, "") or blank] += 1
        turns_by: dict[str, int] = defaultdict(int)
        seconds_by: dict[str, float] = defaultdict(float)
        for stats in people:
            if stats.participant.id not in member_ids:
                continue
            value = stats.participant.attributes.get(attribute, "") or blank
            turns_by[value] += stats.turns
            seconds_by[value] += stats.seconds
        all_present = sum(present_by.values())
        all_turns = sum(turns_by.values())
        all_seconds = sum(seconds_by.values())
        for value in sorted(set(present_by) | set(turns_by),
                            key=lambda v: (-present_by.get(v, 0), v)):
            groups.append(GroupStats(
                value=value,
                present=present_by.get(value, 0),
                present_share=present_by.get(value, 0) / all_present if all_present else 0.0,
                turns=turns_by.get(value, 0),
                turn_share=turns_by.get(value, 0) / all_turns if all_turns else 0.0,
                seconds=seconds_by.get(value, 0.0),
                time_share=seconds_by.get(value, 0.0) / all_seconds if all_seconds else 0.0,
            ))
    spoke = set(per_person)
    return SpeakingStats(
        scope=scope,
        attribute=attribute,
        people=people,
        groups=groups,
        not_yet_spoken=sorted((p for p in present if p.id not in spoke), key=lambda p: p.name),
        total_turns=sum(p.turns for p in people),
        total_seconds=sum(p.seconds for p in people),
    )


def stats_csv(stats: SpeakingStats) -> str:
    """One row per person, then one per group: for a spreadsheet after the day."""
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(["kind", "id", "name", "group", "turns", "seconds", "present",
                     "present_share", "turn_share", "time_share"])
    for person in stats.people:
        group = person.participant.attributes.get(stats.attribute or "", "")
        writer.writerow(["person", person.participant.ext_id, person.participant.name, group,
                         person.turns, f"{person.seconds:.1f}", "", "", "", ""])
    for g in stats.groups:
        writer.writerow(["group", "", "", g.value, g.turns, f"{g.seconds:.1f}", g.present,
                         f"{g.present_share:.4f}", f"{g.turn_share:.4f}",
                         f"{g.time_share:.4f}"])
    for p in stats.not_yet_spoken:
        writer.writerow(["not_yet_spoken", p.ext_id, p.name,
                         p.attributes.get(stats.attribute or "", ""), 0, "0.0", "", "", "", ""])
    return out.getvalue()
