"""The event-file tables of phone voting (created by the ``_v_lan`` migration).

Released schema: never edit these statements; add a new migration for any change.
Phone votes live in their own table, apart from paper entries: the counts join them
(:func:`facilitator.lan.votes.phone_answers`). Each person votes on a question at most
once (a partial unique index), and a person who voted by phone in a round cannot also be
handed a paper for it (a trigger), whatever code path tries.
"""

LAN_SCHEMA = [
    # Which questions are open to phones: a question is votable between opened_at and
    # closed_at; reopening clears closed_at (audited).
    """CREATE TABLE lan_questions (
        round_id INTEGER NOT NULL REFERENCES ballot_rounds (id),
        question_index INTEGER NOT NULL CHECK (question_index >= 0),
        status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
        opened_at TEXT NOT NULL,
        closed_at TEXT,
        PRIMARY KEY (round_id, question_index)
    )""",
    # One row per vote sent; a changed vote keeps the old row, marked replaced.
    """CREATE TABLE lan_votes (
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES ballot_rounds (id),
        question_index INTEGER NOT NULL,
        participant_id INTEGER NOT NULL REFERENCES participants (id),
        answer TEXT NOT NULL,
        receipt TEXT NOT NULL UNIQUE,
        cast_at TEXT NOT NULL,
        replaced_at TEXT
    )""",
    "CREATE UNIQUE INDEX lan_votes_once ON lan_votes (round_id, question_index, "
    "participant_id) WHERE replaced_at IS NULL",
    # Per person: a revoked badge (lost) and the language chosen on the phone.
    """CREATE TABLE lan_access (
        participant_id INTEGER PRIMARY KEY REFERENCES participants (id),
        revoked_at TEXT,
        language TEXT
    )""",
    # "Raise hand" from a phone: waits for the facilitator to approve (then the speaker
    # queue) or dismiss it.
    """CREATE TABLE lan_hands (
        id INTEGER PRIMARY KEY,
        participant_id INTEGER NOT NULL REFERENCES participants (id),
        at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'waiting'
            CHECK (status IN ('waiting', 'approved', 'dismissed', 'withdrawn')),
        decided_at TEXT
    )""",
    "CREATE UNIQUE INDEX lan_hands_once ON lan_hands (participant_id) "
    "WHERE status = 'waiting'",
    """CREATE TRIGGER lan_no_paper_after_phone BEFORE INSERT ON ballot_handouts
       WHEN EXISTS (SELECT 1 FROM lan_votes WHERE round_id = NEW.round_id
                    AND participant_id = NEW.participant_id AND replaced_at IS NULL)
       BEGIN SELECT RAISE(ABORT, 'this person already voted by phone in this round'); END""",
]
