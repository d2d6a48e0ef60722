"""Phone voting over the venue's local network (the server, its pages, the votes).

For the counts: :func:`phone_ballots` gives the phone ballots of a round (one per vote on
one question), which :func:`facilitator.results.round_ballots` adds to the papers of
:func:`facilitator.ballots.counted_papers` (a person is on paper or on a phone for a round,
never both). Every figure shown about them (turnout, ballots counted, per-option figures)
comes from :mod:`facilitator.results`, never from here.
"""

from facilitator.lan.votes import (
    PHONES,
    Hand,
    LanError,
    LanSettings,
    PhoneQuestion,
    PhoneVote,
    VoteResult,
    approve_hand,
    cast_vote,
    close_question,
    dismiss_hand,
    hands,
    has_voted,
    join,
    my_vote,
    open_question,
    phone_answers,
    phone_ballots,
    phone_question,
    phone_questions,
    phone_receipts,
    raise_hand,
    reissue,
    revoke,
    save_settings,
    settings,
    vote_from_phone,
)

__all__ = [
    "PHONES",
    "Hand",
    "LanError",
    "LanSettings",
    "PhoneQuestion",
    "PhoneVote",
    "VoteResult",
    "approve_hand",
    "cast_vote",
    "close_question",
    "dismiss_hand",
    "hands",
    "has_voted",
    "join",
    "my_vote",
    "open_question",
    "phone_answers",
    "phone_ballots",
    "phone_question",
    "phone_questions",
    "phone_receipts",
    "raise_hand",
    "reissue",
    "revoke",
    "save_settings",
    "settings",
    "vote_from_phone",
]
