"""The records schema, as a list of migrations (``PRAGMA user_version`` counts those applied).

``MIGRATIONS[i]`` takes a database from version ``i`` to ``i + 1``.  Never edit a released step;
append a new one.  Finished results are locked by triggers (the hash chain in ``chain.py``
detects edits made by going around them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sim.records.chain as chain

#: PRAGMA application_id of a Marrowsim records database ("MBHS" in ASCII).
APPLICATION_ID = 0x4D424853

V1 = [
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    """CREATE TABLE trainees (
        id TEXT PRIMARY KEY,
        name TEXT,
        cohort TEXT,
        created TEXT NOT NULL
    )""",
    "CREATE INDEX trainees_cohort ON trainees(cohort)",
    """CREATE TABLE assessments (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scenarios TEXT NOT NULL,
        passing REAL NOT NULL CHECK (passing > 0 AND passing <= 100),
        attempts_allowed INTEGER NOT NULL CHECK (attempts_allowed >= 1),
        created TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1
    )""",
    """CREATE TABLE attempts (
        id TEXT PRIMARY KEY,
        trainee_id TEXT NOT NULL REFERENCES trainees(id),
        station TEXT NOT NULL,
        scenario_id TEXT NOT NULL,
        scenario_version INTEGER NOT NULL,
        scenario TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('tutorial', 'practice', 'assessment')),
        assessment_id TEXT REFERENCES assessments(id),
        seed INTEGER NOT NULL,
        started TEXT NOT NULL,
        ended TEXT,
        status TEXT NOT NULL DEFAULT 'incomplete'
            CHECK (status IN ('incomplete', 'complete', 'locked')),
        score_total REAL,
        score_max REAL,
        minimum_passing REAL,
        passed INTEGER,
        criteria TEXT,
        critical_errors TEXT,
        metrics TEXT,
        summary TEXT,
        pulls BLOB,
        digest TEXT,
        n_commands INTEGER,
        seq INTEGER UNIQUE,
        prev_hash TEXT,
        record_hash TEXT
    )""",
    "CREATE INDEX attempts_trainee ON attempts(trainee_id, started)",
    """CREATE TABLE attempt_commands (
        attempt_id TEXT NOT NULL REFERENCES attempts(id),
        n INTEGER NOT NULL,
        t_s REAL NOT NULL,
        wall TEXT NOT NULL,
        cmd TEXT NOT NULL,
        PRIMARY KEY (attempt_id, n)
    ) WITHOUT ROWID""",
    """CREATE TRIGGER attempts_locked BEFORE UPDATE ON attempts
        WHEN OLD.status != 'incomplete'
        BEGIN SELECT RAISE(ABORT, 'stored results are locked'); END""",
    """CREATE TRIGGER attempts_kept BEFORE DELETE ON attempts
        BEGIN SELECT RAISE(ABORT, 'stored attempts cannot be deleted'); END""",
    """CREATE TRIGGER commands_append_only BEFORE INSERT ON attempt_commands
        WHEN (SELECT status FROM attempts WHERE id = NEW.attempt_id) != 'incomplete'
        BEGIN SELECT RAISE(ABORT, 'the attempt is finished and locked'); END""",
    """CREATE TRIGGER commands_unchanged BEFORE UPDATE ON attempt_commands
        BEGIN SELECT RAISE(ABORT, 'stored commands are locked'); END""",
    """CREATE TRIGGER commands_kept BEFORE DELETE ON attempt_commands
        BEGIN SELECT RAISE(ABORT, 'stored commands cannot be deleted'); END""",
]

V2 = [
    """CREATE TABLE xapi_queue (
        statement_id TEXT PRIMARY KEY,
        attempt_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'rejected')),
        queued TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        last_try TEXT,
        last_error TEXT,
        sent TEXT
    )""",
    "CREATE INDEX xapi_queue_status ON xapi_queue(status, attempt_id, idx)",
]

#: Version 3: an assessment is set at a length (the whole case or its skills-lab length,
#: sim/scenario/length.py); assessments made before it are full-length.
V3 = [
    "ALTER TABLE assessments ADD COLUMN length TEXT NOT NULL DEFAULT 'full'"
    " CHECK (length IN ('full', 'skills_lab'))",
]


def link_existing_starts(conn: sqlite3.Connection) -> None:
    """Give every attempt already stored a start link (appended after the existing chain, in
    the order the attempts started), so that from now on no attempt sits outside the chain."""
    conn.execute("DROP TRIGGER attempts_locked")  # finished rows get their start link too
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    rows = [dict(r) for r in cur.execute("SELECT * FROM attempts ORDER BY started, id")]
    for row in rows:
        seq, prev, digest = chain.append_start(conn, row)
        conn.execute(
            "UPDATE attempts SET start_seq = ?, start_prev = ?, start_hash = ? WHERE id = ?",
            (seq, prev, digest, row["id"]),
        )
    conn.execute(V1[7])  # the attempts_locked trigger again


#: Version 4: every attempt joins the hash chain when it starts (start_seq, start_prev,
#: start_hash); assessment definitions carry the instructor's signature (authority.py).
V4: list[str | Callable[[sqlite3.Connection], None]] = [
    "ALTER TABLE attempts ADD COLUMN start_seq INTEGER",
    "ALTER TABLE attempts ADD COLUMN start_prev TEXT",
    "ALTER TABLE attempts ADD COLUMN start_hash TEXT",
    "CREATE UNIQUE INDEX attempts_start_seq ON attempts(start_seq)",
    "ALTER TABLE assessments ADD COLUMN signature TEXT",
    link_existing_starts,
    """CREATE TRIGGER attempts_start_fixed BEFORE UPDATE ON attempts
        WHEN OLD.start_seq IS NOT NULL AND (NEW.start_seq IS NOT OLD.start_seq
            OR NEW.start_prev IS NOT OLD.start_prev OR NEW.start_hash IS NOT OLD.start_hash)
        BEGIN SELECT RAISE(ABORT, 'the start of an attempt is locked'); END""",
]

#: Version 5 (issue 15): the listing's order (oldest first) and the chain's order have their
#: own indexes, so ``records list --limit 50`` reads 50 rows, not the whole table, and
#: ``verify`` reads the chain in order without sorting every stored result first.
V5: list[str | Callable[[sqlite3.Connection], None]] = [
    # IF NOT EXISTS: stores made by issue 15's branch before it followed issue 13's schema 4
    "CREATE INDEX IF NOT EXISTS attempts_started ON attempts(started, id)",
    "CREATE INDEX IF NOT EXISTS attempts_seq ON attempts(seq, started)",
]

#: Version 6 (issue 15): checkpoints of the chain, each signed with the instructor key after a
#: full verification found the chain intact up to it (``chain.Checkpoint``); ``verify`` re-hashes
#: only the links after the latest one that checks (``records verify --full`` re-hashes all).
V6: list[str | Callable[[sqlite3.Connection], None]] = [
    "CREATE TABLE chain_checkpoints (seq INTEGER PRIMARY KEY, signed TEXT NOT NULL)",
    # The links in chain order with what verify checks of them, read from the index alone (an
    # attempt row is ~40 kB with its scenario; the link columns come after it)
    "CREATE INDEX attempts_chain_start ON attempts(start_seq, id, start_prev, start_hash)",
    "CREATE INDEX attempts_chain_finish ON attempts(seq, id, prev_hash, record_hash, status)",
]

MIGRATIONS: list[list] = [V1, V2, V3, V4, V5, V6]
SCHEMA_VERSION = len(MIGRATIONS)
