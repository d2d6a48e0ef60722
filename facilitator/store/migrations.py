"""Ordered schema migrations. Never edit a released step; append a new one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def _statements(statements: list[str]) -> Migration:
    """A migration step that runs ``statements`` in order (inside the migration's transaction)."""
    def step(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return step


_V1 = [
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE participants (
        id INTEGER PRIMARY KEY,
        ext_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        role TEXT NOT NULL DEFAULT 'participant'
            CHECK (role IN ('participant', 'facilitator', 'expert', 'staff', 'observer')),
        attributes TEXT NOT NULL DEFAULT '{}',
        source TEXT NOT NULL CHECK (source IN ('import', 'walk_in')),
        status TEXT NOT NULL DEFAULT 'expected'
            CHECK (status IN ('expected', 'checked_in', 'no_show')),
        status_at TEXT,
        checked_in_at TEXT,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        badge_code TEXT NOT NULL UNIQUE,
        token TEXT NOT NULL UNIQUE,
        search_key TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX participants_status ON participants (active, status)",
    """CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        id_column TEXT,
        name_columns TEXT NOT NULL,
        added INTEGER NOT NULL,
        changed INTEGER NOT NULL,
        removed INTEGER NOT NULL,
        unchanged INTEGER NOT NULL
    )""",
    """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        object_type TEXT NOT NULL,
        object_id TEXT,
        old TEXT,
        new TEXT,
        actor TEXT
    )""",
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]


_V2 = [
    """CREATE TABLE plenary_sessions (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT
    )""",
    """CREATE TABLE agenda_items (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES plenary_sessions (id),
        title TEXT NOT NULL CHECK (length(trim(title)) > 0),
        planned REAL NOT NULL CHECK (planned > 0),
        position REAL NOT NULL,
        elapsed_before REAL NOT NULL DEFAULT 0,
        running_since_mono REAL,
        running_since_wall TEXT,
        started_at TEXT,
        ended_at TEXT
    )""",
    """CREATE TABLE speaker_queue (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES plenary_sessions (id),
        participant_id INTEGER NOT NULL REFERENCES participants (id),
        kind TEXT NOT NULL CHECK (kind IN ('normal', 'reply')),
        position REAL NOT NULL,
        added_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'called', 'removed')),
        via TEXT
    )""",
    "CREATE INDEX speaker_queue_waiting ON speaker_queue (session_id, status)",
    """CREATE TABLE turns (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES plenary_sessions (id),
        agenda_item_id INTEGER REFERENCES agenda_items (id),
        participant_id INTEGER NOT NULL REFERENCES participants (id),
        queue_id INTEGER REFERENCES speaker_queue (id),
        kind TEXT NOT NULL CHECK (kind IN ('normal', 'reply')),
        planned REAL NOT NULL CHECK (planned > 0),
        added REAL NOT NULL DEFAULT 0,
        elapsed_before REAL NOT NULL DEFAULT 0,
        running_since_mono REAL,
        running_since_wall TEXT,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        spoken REAL
    )""",
    "CREATE UNIQUE INDEX turns_one_open ON turns (session_id) WHERE ended_at IS NULL",
    "CREATE INDEX turns_participant ON turns (participant_id)",
]


_QA = [
    """CREATE TABLE qa_panels (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL CHECK (length(trim(title)) > 0),
        session_title TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        order_mode TEXT NOT NULL DEFAULT 'round_robin'
            CHECK (order_mode IN ('votes', 'arrival', 'round_robin', 'manual'))
    )""",
    """CREATE TABLE qa_panel_experts (
        panel_id INTEGER NOT NULL REFERENCES qa_panels (id),
        participant_id INTEGER NOT NULL REFERENCES participants (id),
        PRIMARY KEY (panel_id, participant_id)
    )""",
    """CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        panel_id INTEGER NOT NULL REFERENCES qa_panels (id),
        table_label TEXT NOT NULL,
        asker_id INTEGER REFERENCES participants (id),
        anonymous INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
        text TEXT NOT NULL CHECK (length(trim(text)) > 0),
        original_text TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT 'typed' CHECK (source IN ('typed', 'card', 'phone')),
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN (
            'pending', 'approved', 'hidden', 'now', 'answered', 'deferred', 'declined',
            'merged')),
        status_before_merge TEXT,
        merged_into INTEGER REFERENCES questions (id),
        manual_votes INTEGER NOT NULL DEFAULT 0 CHECK (manual_votes >= 0),
        manual_position REAL,
        labels TEXT NOT NULL DEFAULT '[]',
        outcome_reason TEXT,
        arrived_at TEXT NOT NULL,
        asked_at TEXT,
        closed_at TEXT,
        planned REAL,
        added REAL NOT NULL DEFAULT 0,
        elapsed_before REAL NOT NULL DEFAULT 0,
        running_since_mono REAL,
        running_since_wall TEXT
    )""",
    "CREATE INDEX questions_panel ON questions (panel_id, status)",
    "CREATE UNIQUE INDEX questions_one_now ON questions (panel_id) WHERE status = 'now'",
    """CREATE TABLE question_experts (
        question_id INTEGER NOT NULL REFERENCES questions (id),
        participant_id INTEGER NOT NULL REFERENCES participants (id),
        PRIMARY KEY (question_id, participant_id)
    )""",
    """CREATE TABLE question_edits (
        id INTEGER PRIMARY KEY,
        question_id INTEGER NOT NULL REFERENCES questions (id),
        at TEXT NOT NULL,
        old_text TEXT NOT NULL,
        new_text TEXT NOT NULL
    )""",
    """CREATE TABLE question_votes (
        question_id INTEGER NOT NULL REFERENCES questions (id),
        participant_id INTEGER NOT NULL REFERENCES participants (id),
        at TEXT NOT NULL,
        PRIMARY KEY (question_id, participant_id)
    )""",
    """CREATE TABLE written_answers (
        id INTEGER PRIMARY KEY,
        question_id INTEGER NOT NULL REFERENCES questions (id),
        expert_id INTEGER REFERENCES participants (id),
        received_at TEXT NOT NULL,
        text TEXT NOT NULL CHECK (length(trim(text)) > 0)
    )""",
]


_V_TABLES = [
    # One row per plan the allocator (or a re-balance) made; hand edits change its seats.
    """CREATE TABLE table_plans (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('allocate', 'rebalance')),
        parent_id INTEGER REFERENCES table_plans (id),
        rounds INTEGER NOT NULL CHECK (rounds >= 1),
        tables INTEGER NOT NULL CHECK (tables >= 1),
        settings TEXT NOT NULL,
        quality TEXT NOT NULL,
        result TEXT NOT NULL DEFAULT '{}',
        edits INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE table_seats (
        plan_id INTEGER NOT NULL REFERENCES table_plans (id),
        round INTEGER NOT NULL CHECK (round >= 0),
        participant_id INTEGER NOT NULL REFERENCES participants (id),
        table_index INTEGER NOT NULL CHECK (table_index >= 0),
        locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
        PRIMARY KEY (plan_id, round, participant_id)
    )""",
    "CREATE INDEX table_seats_by_table ON table_seats (plan_id, round, table_index)",
]


_V_BALLOTS = [
    # A round of paper ballots: its questions are frozen once papers are printed.
    """CREATE TABLE ballot_rounds (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL CHECK (length(trim(title)) > 0),
        instructions TEXT NOT NULL DEFAULT '',
        language TEXT,
        double_entry INTEGER NOT NULL DEFAULT 0 CHECK (double_entry IN (0, 1)),
        status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
        issued INTEGER CHECK (issued >= 0),
        returned INTEGER CHECK (returned >= 0),
        created_at TEXT NOT NULL,
        opened_at TEXT,
        closed_at TEXT,
        close_note TEXT,
        present_at_close INTEGER
    )""",
    """CREATE TABLE ballot_questions (
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES ballot_rounds (id),
        position INTEGER NOT NULL,
        spec TEXT NOT NULL,
        UNIQUE (round_id, position)
    )""",
    # Every code printed, as issued: a code is a paper, and belongs to one round only.
    """CREATE TABLE ballot_codes (
        code TEXT PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES ballot_rounds (id),
        serial INTEGER NOT NULL CHECK (serial > 0),
        batch INTEGER NOT NULL CHECK (batch > 0),
        created_at TEXT NOT NULL,
        UNIQUE (round_id, serial)
    )""",
    # pass 1: first keying; 2: second keying (double entry); 3: a person's adjudication.
    # An undo keeps the row (undone_at set); the partial unique index makes a second live
    # entry of one paper in one pass impossible, whatever the code above it does.
    """CREATE TABLE ballot_entries (
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES ballot_rounds (id),
        code TEXT NOT NULL REFERENCES ballot_codes (code),
        pass INTEGER NOT NULL CHECK (pass IN (1, 2, 3)),
        spoiled INTEGER NOT NULL DEFAULT 0 CHECK (spoiled IN (0, 1)),
        answers TEXT NOT NULL,
        operator TEXT NOT NULL,
        via TEXT,
        note TEXT,
        entered_at TEXT NOT NULL,
        undone_at TEXT,
        undone_by TEXT
    )""",
    "CREATE UNIQUE INDEX ballot_entries_once ON ballot_entries (code, pass) "
    "WHERE undone_at IS NULL",
    "CREATE INDEX ballot_entries_round ON ballot_entries (round_id, pass)",
    # Who was handed a paper (never which paper: the vote stays secret).
    """CREATE TABLE ballot_handouts (
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES ballot_rounds (id),
        participant_id INTEGER NOT NULL REFERENCES participants (id),
        at TEXT NOT NULL,
        operator TEXT,
        undone_at TEXT
    )""",
    "CREATE UNIQUE INDEX ballot_handouts_once ON ballot_handouts (round_id, participant_id) "
    "WHERE undone_at IS NULL",
]


# Phone voting (facilitator.lan): which questions are open to phones, the votes, badge access,
# raised hands. Phone votes live in their own table, apart from paper entries. Each person
# votes on a question at most once (a partial unique index), and a person who voted by phone
# in a round cannot also be handed a paper for it (a trigger), whatever code path tries.
# (These statements were facilitator/lan/schema.py's LAN_SCHEMA, moved here unchanged so the
# store imports nothing above it; lan_votes and its trigger were replaced by
# _V_PHONE_SECRECY.)
_V_LAN: list[str] = [
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


# Issue 11 ("trust on the day"), part 2: round rules fixed at definition, who may vote,
# paper/phone channels, the fingerprint frozen at close.
_V_ROUND_RULES: list[str] = [
    # How a round is voted: 'paper', 'phones' or 'both'; NULL until the first use fixes it
    # (papers printed: paper; a question opened to phones: phones).
    "ALTER TABLE ballot_rounds ADD COLUMN channel TEXT "
    "CHECK (channel IN ('paper', 'phones', 'both'))",
    # The roles that may vote (a JSON list), participants unless the organiser chose others.
    "ALTER TABLE ballot_rounds ADD COLUMN voters TEXT NOT NULL DEFAULT '[\"participant\"]'",
    # The ballot set's fingerprint, sealed at close (NULL while open, and for rounds closed
    # before this step: there was nothing sealed to copy).
    "ALTER TABLE ballot_rounds ADD COLUMN fingerprint TEXT",
    # Rounds already in use keep what they did: paper if never opened to phones, phones if
    # no paper was printed, both otherwise (then hand-outs are checked from now on). A draft
    # round is left to its first use, like a new one.
    """UPDATE ballot_rounds SET channel = CASE
        WHEN NOT EXISTS (SELECT 1 FROM lan_questions q WHERE q.round_id = ballot_rounds.id)
            THEN 'paper'
        WHEN NOT EXISTS (SELECT 1 FROM ballot_codes c WHERE c.round_id = ballot_rounds.id)
            THEN 'phones'
        ELSE 'both' END
       WHERE status != 'draft'""",
    # A budget question's funding rule was a Results-page setting (meta results_display,
    # "pb_rules": {"round:question": rule}); it is now part of the question's definition.
    """UPDATE ballot_questions SET spec = json_set(spec, '$.pb_rule', (
            SELECT json_extract(m.value, '$.pb_rules."' || ballot_questions.round_id || ':'
                                || ballot_questions.position || '"')
            FROM meta m WHERE m.key = 'results_display'))
       WHERE json_extract(spec, '$.kind') = 'budget' AND (
            SELECT json_extract(m.value, '$.pb_rules."' || ballot_questions.round_id || ':'
                                || ballot_questions.position || '"')
            FROM meta m WHERE m.key = 'results_display' AND json_valid(m.value)) IN (
            'greedy', 'greedy-no-skip', 'equalshares/add1')""",
    "UPDATE meta SET value = json_remove(value, '$.pb_rules') "
    "WHERE key = 'results_display' AND json_valid(value)",
]

# Issue 11, part 3: who voted by phone stored apart from what was voted.
#
# A phone vote was one lan_votes row: participant, answer, receipt, time, and every replaced
# vote kept. Now three tables, none with a time or a rowid:
#   lan_voter_lists  who has voted on a question: one row per question holding the sorted
#                    list of participant ids. One row, rewritten on each vote, because a row
#                    per voter would betray the order of arrival: SQLite fills a page's cells
#                    from its end towards its start, so the byte offsets of the cells on a
#                    page give the order they were inserted in, and the same order among the
#                    ballots' cells would pair each voter with their ballot. The view
#                    lan_voted gives the same list as rows.
#   lan_ballots      what was voted: the random receipt (the key), the question, the answer.
#   lan_links        voter -> receipt, only while the question is open and changing votes is
#                    allowed (the only time the code needs it); deleted when the question or
#                    its round closes (triggers below, whatever code closes them) and when
#                    changing votes is switched off. secure_delete zeroes what is deleted.
# Live votes move over (a replaced vote is dropped); lan_votes goes, zeroed with its pages.
_V_PHONE_SECRECY: list[str] = [
    """CREATE TABLE lan_voter_lists (
        round_id INTEGER NOT NULL REFERENCES ballot_rounds (id),
        question_index INTEGER NOT NULL CHECK (question_index >= 0),
        participants TEXT NOT NULL DEFAULT '[]' CHECK (json_type(participants) = 'array'),
        PRIMARY KEY (round_id, question_index)
    ) WITHOUT ROWID""",
    """CREATE VIEW lan_voted (round_id, question_index, participant_id) AS
       SELECT l.round_id, l.question_index, CAST(j.value AS INTEGER)
       FROM lan_voter_lists l, json_each(l.participants) j""",
    """CREATE TABLE lan_ballots (
        receipt TEXT NOT NULL PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES ballot_rounds (id),
        question_index INTEGER NOT NULL CHECK (question_index >= 0),
        answer TEXT NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE lan_links (
        round_id INTEGER NOT NULL,
        question_index INTEGER NOT NULL,
        participant_id INTEGER NOT NULL REFERENCES participants (id),
        receipt TEXT NOT NULL,
        PRIMARY KEY (round_id, question_index, participant_id)
    ) WITHOUT ROWID""",
    # Phone questions a closed round left open (before issue 11 nothing closed them).
    """UPDATE lan_questions SET status = 'closed', closed_at = coalesce(
           (SELECT r.closed_at FROM ballot_rounds r WHERE r.id = lan_questions.round_id),
           strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'))
       WHERE status = 'open' AND round_id IN (SELECT id FROM ballot_rounds
                                              WHERE status = 'closed')""",
    """INSERT INTO lan_voter_lists (round_id, question_index, participants)
       SELECT round_id, question_index, json_group_array(participant_id) FROM (
           SELECT round_id, question_index, participant_id FROM lan_votes
           WHERE replaced_at IS NULL ORDER BY round_id, question_index, participant_id)
       GROUP BY round_id, question_index""",
    """INSERT INTO lan_ballots (receipt, round_id, question_index, answer)
       SELECT receipt, round_id, question_index, answer FROM lan_votes
       WHERE replaced_at IS NULL ORDER BY receipt""",
    """INSERT INTO lan_links (round_id, question_index, participant_id, receipt)
       SELECT v.round_id, v.question_index, v.participant_id, v.receipt FROM lan_votes v
       JOIN lan_questions q ON q.round_id = v.round_id AND q.question_index = v.question_index
       WHERE v.replaced_at IS NULL AND q.status = 'open'
         AND coalesce((SELECT json_extract(m.value, '$.allow_change') FROM meta m
                       WHERE m.key = 'lan_settings' AND json_valid(m.value)), 0)
       ORDER BY v.round_id, v.question_index, v.participant_id""",
    "DROP TRIGGER lan_no_paper_after_phone",
    "DROP TABLE lan_votes",
    """CREATE TRIGGER lan_no_paper_after_phone BEFORE INSERT ON ballot_handouts
       WHEN EXISTS (SELECT 1 FROM lan_voted WHERE round_id = NEW.round_id
                    AND participant_id = NEW.participant_id)
       BEGIN SELECT RAISE(ABORT, 'this person already voted by phone in this round'); END""",
    # Nothing is cast on a question that is not open to phones, whatever code tries.
    """CREATE TRIGGER lan_ballots_only_open BEFORE INSERT ON lan_ballots
       WHEN NOT EXISTS (SELECT 1 FROM lan_questions q JOIN ballot_rounds r ON r.id = q.round_id
                        WHERE q.round_id = NEW.round_id AND q.question_index = NEW.question_index
                          AND q.status = 'open' AND r.status = 'open')
       BEGIN SELECT RAISE(ABORT, 'this question is not open to phones'); END""",
    # A voter's link to their ballot exists only while it may be used: the question open
    # and changing votes allowed.
    """CREATE TRIGGER lan_links_only_while_changeable BEFORE INSERT ON lan_links
       WHEN NOT EXISTS (SELECT 1 FROM lan_questions q
                        WHERE q.round_id = NEW.round_id AND q.question_index = NEW.question_index
                          AND q.status = 'open')
         OR NOT coalesce((SELECT json_extract(m.value, '$.allow_change') FROM meta m
                          WHERE m.key = 'lan_settings' AND json_valid(m.value)), 0)
       BEGIN SELECT RAISE(ABORT, 'no link between a voter and a ballot may be kept now'); END""",
    """CREATE TRIGGER lan_question_closed AFTER UPDATE OF status ON lan_questions
       WHEN NEW.status = 'closed'
       BEGIN
           DELETE FROM lan_links WHERE round_id = NEW.round_id
                                   AND question_index = NEW.question_index;
       END""",
    # However a round closes (H5: ballots.close_round), its phone questions close with it,
    # in the same transaction, and every link of the round goes.
    """CREATE TRIGGER lan_round_closed AFTER UPDATE OF status ON ballot_rounds
       WHEN NEW.status = 'closed'
       BEGIN
           UPDATE lan_questions SET status = 'closed',
               closed_at = coalesce(NEW.closed_at, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'))
           WHERE round_id = NEW.id AND status = 'open';
           DELETE FROM lan_links WHERE round_id = NEW.id;
       END""",
]


# Issue 15: legislative-theatre sessions (facilitator.theatre). One session per event (id 1):
# the play's scenes, the running order, forum interventions (each with its countdown), idea
# cards (typed, scanned from a paper card, or from a phone) linked to the scene/intervention
# that prompted them, proposals with every wording kept, the vote on each proposal (a ballot
# round's question, or a show of hands keyed in with who counted), and commitments.
_V_THEATRE: list[str] = [
    """CREATE TABLE theatre_sessions (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        title TEXT NOT NULL CHECK (length(trim(title)) > 0),
        company TEXT NOT NULL DEFAULT '',
        contact TEXT NOT NULL DEFAULT '',
        running_order TEXT NOT NULL,
        step INTEGER NOT NULL DEFAULT 0,
        projected INTEGER,
        show_results INTEGER NOT NULL DEFAULT 0 CHECK (show_results IN (0, 1)),
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE theatre_scenes (
        id INTEGER PRIMARY KEY,
        position INTEGER NOT NULL,
        title TEXT NOT NULL CHECK (length(trim(title)) > 0),
        characters TEXT NOT NULL DEFAULT '[]',
        problem TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE theatre_interventions (
        id INTEGER PRIMARY KEY,
        scene_id INTEGER NOT NULL REFERENCES theatre_scenes (id),
        character TEXT NOT NULL,
        participant_id INTEGER REFERENCES participants (id),
        tried TEXT NOT NULL DEFAULT '',
        outcome TEXT NOT NULL DEFAULT '',
        planned REAL NOT NULL,
        added REAL NOT NULL DEFAULT 0,
        elapsed_before REAL NOT NULL DEFAULT 0,
        running_since_mono REAL,
        running_since_wall TEXT,
        started_at TEXT NOT NULL,
        ended_at TEXT
    )""",
    """CREATE TABLE theatre_proposals (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL CHECK (length(trim(text)) > 0),
        policy_area TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        merged_into INTEGER REFERENCES theatre_proposals (id),
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE theatre_proposal_versions (
        id INTEGER PRIMARY KEY,
        proposal_id INTEGER NOT NULL REFERENCES theatre_proposals (id),
        at TEXT NOT NULL,
        text TEXT NOT NULL,
        actor TEXT
    )""",
    """CREATE TABLE theatre_cards (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL CHECK (length(trim(text)) > 0),
        source TEXT NOT NULL CHECK (source IN ('typed', 'card', 'phone')),
        scene_id INTEGER REFERENCES theatre_scenes (id),
        intervention_id INTEGER REFERENCES theatre_interventions (id),
        participant_id INTEGER REFERENCES participants (id),
        proposal_id INTEGER REFERENCES theatre_proposals (id),
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX theatre_cards_proposal ON theatre_cards (proposal_id)",
    # The vote on a proposal: its question (and so its rule) is stored when the vote is
    # defined and never changed; a ballot round carries it for phones and paper, the
    # hands_* columns for a show of hands.
    """CREATE TABLE theatre_votes (
        proposal_id INTEGER PRIMARY KEY REFERENCES theatre_proposals (id),
        method TEXT NOT NULL CHECK (method IN ('phones', 'paper', 'both', 'hands')),
        round_id INTEGER REFERENCES ballot_rounds (id),
        question TEXT NOT NULL,
        defined_at TEXT NOT NULL,
        hands_favour INTEGER,
        hands_against INTEGER,
        hands_abstain INTEGER,
        hands_note TEXT,
        closed_at TEXT
    )""",
    """CREATE TABLE theatre_commitments (
        id INTEGER PRIMARY KEY,
        proposal_id INTEGER NOT NULL REFERENCES theatre_proposals (id),
        participant_id INTEGER REFERENCES participants (id),
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        role TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        action TEXT NOT NULL DEFAULT '',
        due TEXT,
        cannot_reason TEXT,
        status TEXT NOT NULL DEFAULT 'open'
            CHECK (status IN ('open', 'in_progress', 'done', 'dropped')),
        confirmed_at TEXT,
        created_at TEXT NOT NULL,
        CHECK ((cannot_reason IS NULL) != (length(trim(action)) = 0))
    )""",
]


# Issue 16: deliberative polls (facilitator.polls). A poll's answers are paired across its
# waves by a code that names nobody: HMAC(key, badge token) with the poll's own random key,
# kept in poll_keys only while the poll is open and deleted by a trigger when it closes
# (secure_delete zeroes it; polls.ops then rebuilds the file and clears its WAL), after which
# nothing in the file can tell whose answers a code holds. Responses carry no time and sit
# in a WITHOUT ROWID table in code order.
_V_POLLS: list[str] = [
    """CREATE TABLE polls (
        id INTEGER PRIMARY KEY,
        definition TEXT NOT NULL CHECK (json_valid(definition)),
        status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
        wave INTEGER NOT NULL DEFAULT 0 CHECK (wave >= 0),
        wave_open INTEGER NOT NULL DEFAULT 0 CHECK (wave_open IN (0, 1)),
        created_at TEXT NOT NULL,
        closed_at TEXT
    )""",
    """CREATE TABLE poll_keys (
        poll_id INTEGER PRIMARY KEY REFERENCES polls (id),
        key BLOB NOT NULL CHECK (length(key) = 32)
    )""",
    """CREATE TABLE poll_responses (
        poll_id INTEGER NOT NULL REFERENCES polls (id),
        sample TEXT NOT NULL CHECK (sample IN ('panel', 'control')),
        wave INTEGER NOT NULL CHECK (wave >= 1),
        code TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('phone', 'paper', 'keyed')),
        answers TEXT NOT NULL CHECK (json_valid(answers)),
        groups TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(groups)),
        pages TEXT,
        PRIMARY KEY (poll_id, sample, wave, code)
    ) WITHOUT ROWID""",
    # The paper form packets printed: one code per packet, on every page of every wave.
    """CREATE TABLE poll_forms (
        poll_id INTEGER NOT NULL REFERENCES polls (id),
        code TEXT NOT NULL,
        PRIMARY KEY (poll_id, code)
    ) WITHOUT ROWID""",
    """CREATE TRIGGER poll_closed AFTER UPDATE OF status ON polls
       WHEN NEW.status = 'closed'
       BEGIN DELETE FROM poll_keys WHERE poll_id = NEW.id; END""",
    """CREATE TRIGGER poll_stays_closed BEFORE UPDATE OF status ON polls
       WHEN OLD.status = 'closed' AND NEW.status != 'closed'
       BEGIN SELECT RAISE(ABORT, 'a closed poll cannot be opened again'); END""",
    """CREATE TRIGGER poll_keys_only_open BEFORE INSERT ON poll_keys
       WHEN NOT EXISTS (SELECT 1 FROM polls WHERE id = NEW.poll_id AND status = 'open')
       BEGIN SELECT RAISE(ABORT, 'a poll key is kept only while the poll is open'); END""",
    """CREATE TRIGGER poll_answers_only_open BEFORE INSERT ON poll_responses
       WHEN NOT EXISTS (SELECT 1 FROM polls WHERE id = NEW.poll_id AND status = 'open'
                        AND wave >= NEW.wave)
       BEGIN SELECT RAISE(ABORT, 'this poll does not take answers for this wave'); END""",
    """CREATE TRIGGER poll_answers_stay_closed BEFORE UPDATE ON poll_responses
       WHEN NOT EXISTS (SELECT 1 FROM polls WHERE id = OLD.poll_id AND status = 'open')
       BEGIN SELECT RAISE(ABORT, 'the answers of a closed poll cannot change'); END""",
]


# Stations (issue 18): other laptops that check people in, key papers and capture Q&A
# questions for this event. A station is offered (a one-time pairing secret, stored hashed),
# then paired (its own secret, stored hashed), and may be revoked. Each item a station sends
# is decided once: applied (in the same transaction as its op) or refused with the reason.
_V_STATIONS = [
    """CREATE TABLE stations (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        may TEXT NOT NULL,
        pairing_hash TEXT UNIQUE,
        offer_expires_at TEXT NOT NULL,
        token_hash TEXT,
        offered_at TEXT NOT NULL,
        paired_at TEXT,
        revoked_at TEXT,
        person TEXT,
        last_seen_at TEXT
    )""",
    """CREATE TABLE station_items (
        station_id INTEGER NOT NULL REFERENCES stations (id),
        item_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        person TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'refused')),
        reason TEXT,
        result TEXT,
        decided_at TEXT NOT NULL,
        PRIMARY KEY (station_id, item_id)
    ) WITHOUT ROWID""",
]

# Reading marked papers (issue 17): each page read from a photo or a scan, what was read,
# why it waits for a person, and who confirmed or corrected it. The images are files in the
# event's scans folder (the columns hold their paths), never in the database.
_V_PAPER_READS = [
    """CREATE TABLE paper_reads (
        id INTEGER PRIMARY KEY,
        round_id INTEGER REFERENCES ballot_rounds (id),
        code TEXT,
        page INTEGER,
        source TEXT NOT NULL,
        image TEXT,
        status TEXT NOT NULL CHECK (status IN ('counted', 'waiting', 'review', 'confirmed',
                                               'refused', 'dismissed')),
        read TEXT NOT NULL CHECK (json_valid(read)),
        reasons TEXT NOT NULL CHECK (json_valid(reasons)),
        crops TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(crops)),
        message TEXT,
        read_at TEXT NOT NULL,
        read_by TEXT NOT NULL,
        decided_at TEXT,
        decided_by TEXT
    )""",
    "CREATE INDEX paper_reads_code ON paper_reads (code, page)",
    "CREATE INDEX paper_reads_status ON paper_reads (status)",
]

# The language each paper was laid out in (issue 17: where its boxes are depends on it),
# recorded when its code is issued; the reader and every reprint use it, never the app's
# language of the moment. Papers printed before: a round with its own language was printed
# in it; one without was printed in the app's language of the day, which nobody recorded
# (NULL: the reader sends such a paper to review).
_V_PAPER_LANGUAGE = [
    "ALTER TABLE ballot_codes ADD COLUMN language TEXT",
    """UPDATE ballot_codes SET language = (SELECT nullif(r.language, '')
        FROM ballot_rounds r WHERE r.id = ballot_codes.round_id)""",
]


MIGRATIONS: list[Migration] = [
    _statements(_V1),  # participants, imports, audit log
    _statements(_V2),  # plenary
    _statements(_QA),
    _statements(_V_TABLES),
    _statements(_V_BALLOTS),
    _statements(_V_LAN),  # phone voting
    _statements(_V_ROUND_RULES),
    _statements(_V_PHONE_SECRECY),
    _statements(_V_THEATRE),  # legislative theatre
    _statements(_V_POLLS),  # deliberative polls
    _statements(_V_STATIONS),  # check-in, keying and Q&A stations
    _statements(_V_PAPER_READS),  # papers read from photos and scans
    _statements(_V_PAPER_LANGUAGE),  # the language each ballot paper was printed in
]
"""MIGRATIONS[i] takes a file from user_version i to i + 1."""

SCHEMA_VERSION = len(MIGRATIONS)
