"""Phone voting over the venue's local network: the server, its pages, the votes.

The rooms (ARCHITECTURE.md): ``model`` (settings, a question open to phones, what the ops
hand back, the refusals, pure rules), ``queries`` (reads: the settings, the questions open
to phones, who may use the phone pages, a voter's own vote while they may change it, raised
hands, the language; never writes), ``ops`` (every change, with its actor: ``"phone"`` for
what a person does on their own phone). The web layer sits on top: ``app`` (the WSGI
application), ``pages`` (the HTML), ``text`` (the phone pages' languages), ``security``
(tokens, rate limits, form keys) and ``server`` (waitress in its own thread).

The ballot box is the ballots subsystem's, whatever the channel: the phone ballots and who
voted by phone are read by :mod:`facilitator.ballots.queries` (``phone_ballots``,
``round_ballots``, ``phone_voters`` …), and every figure shown about them (turnout, ballots
counted, per-option figures) comes from :mod:`facilitator.results`.

The public names of the model, queries and ops are re-exported here so that
``from facilitator.lan import cast_vote`` works; code inside the package imports from the
rooms.
"""

from facilitator.lan.model import (
    PHONE,
    PHONES,
    BadgeReissued,
    Hand,
    LanError,
    LanSettings,
    PhoneQuestion,
    VoteResult,
)
from facilitator.lan.ops import (
    approve_hand,
    cast_vote,
    close_question,
    dismiss_hand,
    lower_hand,
    open_question,
    raise_hand,
    reissue,
    revoke,
    save_settings,
    set_language,
    vote_from_phone,
)
from facilitator.lan.queries import (
    hand,
    hands,
    has_voted,
    is_revoked,
    join,
    language_of,
    my_vote,
    phone_question,
    phone_questions,
    settings,
    voter,
    waiting_hand,
)

__all__ = [
    "PHONE",
    "PHONES",
    "BadgeReissued",
    "Hand",
    "LanError",
    "LanSettings",
    "PhoneQuestion",
    "VoteResult",
    "approve_hand",
    "cast_vote",
    "close_question",
    "dismiss_hand",
    "hand",
    "hands",
    "has_voted",
    "is_revoked",
    "join",
    "language_of",
    "lower_hand",
    "my_vote",
    "open_question",
    "phone_question",
    "phone_questions",
    "raise_hand",
    "reissue",
    "revoke",
    "save_settings",
    "set_language",
    "settings",
    "vote_from_phone",
    "voter",
    "waiting_hand",
]
