"""The poll's words a phone shows: wave names and the refusals a phone can meet. Pure.

The phone pages translate per request (``facilitator.lan.text``), not with the app's
language, so these are marked ``N_`` and said with the ``gettext`` given: the desk's ``_``,
or a phone page's ``t``. This module is a phone source of ``tools/i18n.py``: every string
here must be translated for the phones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from facilitator.i18n import N_, _

Gettext = Callable[[str], str]

ARRIVAL = N_("Arrival")
END = N_("End")
WAVE_N = N_("Wave {n}")

NOT_OPEN_NOW = N_("This questionnaire is not open now.")
NOT_A_PARTICIPANT = N_("{name} is not a participant of this poll.")
NOT_AN_ANSWER = N_("“{answer}” is not an answer to item {key}.")
NOT_ASKED = N_("Item {key} is not asked at this wave.")
NO_KEY = N_("This poll is not open: it takes no answers.")


def wave_name(names: Sequence[str], wave: int, gettext: Gettext = _) -> str:
    """The wave's own name if the questionnaire gives one (as written), else Arrival, End,
    Wave 3… in the language of ``gettext``."""
    if 0 < wave <= len(names) and names[wave - 1]:
        return names[wave - 1]
    if wave in (1, 2):
        return gettext(ARRIVAL if wave == 1 else END)
    return gettext(WAVE_N).format(n=wave)


def in_language(msgid: str, fields: Mapping[str, object], gettext: Gettext) -> str:
    """A refusal (one of the messages above, with its fields) in the language of
    ``gettext``."""
    return gettext(msgid).format(**fields)
