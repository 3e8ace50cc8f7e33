"""Tamper evidence: one hash chain over every attempt, from the moment it starts.

Each attempt makes two links.  When it **starts**, its start record (who, which scenario,
mode, assessment, seed, time) is hashed together with the previous link's hash
(``start_seq``, ``start_prev``, ``start_hash`` on the attempt row); when it **finishes**, its
canonical result (every stored field of the result, plus a SHA-256 of its command log) makes the
second link (``seq``, ``prev_hash``, ``record_hash``).  Both kinds share one sequence, so an
attempt removed from the database (finished or not) leaves a gap the next link no longer fits,
or a head that does not match.  The latest link is also kept in ``settings`` as the chain head.
``verify`` recomputes the chain in one read transaction, streaming rows, and names every attempt
whose stored start, result, command log or place in the chain no longer matches.  It re-hashes
only the links after the latest **checkpoint** the instructor signed (``instructor checkpoint``,
``scan``); ``records verify --full`` re-hashes every link.

The chain detects edits made around the application (an SQLite tool, a hex editor).  Someone
who recomputes the whole chain is caught only against something kept elsewhere: a head the
instructor exported and signed (``instructor export-head``, checked by ``records verify --head``)
or the result hashes an LRS holds (``result_hashes``).
"""

from __future__ import annotations

import hashlib
import heapq
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HEAD_KEY = "chain_head"

#: The attempt columns that make up a finished result, in a fixed order.
RECORD_FIELDS = (
    "id",
    "trainee_id",
    "station",
    "scenario_id",
    "scenario_version",
    "scenario",
    "mode",
    "assessment_id",
    "seed",
    "started",
    "ended",
    "status",
    "score_total",
    "score_max",
    "minimum_passing",
    "passed",
    "criteria",
    "critical_errors",
    "metrics",
    "summary",
    "pulls",
    "digest",
    "n_commands",
)

#: The attempt columns fixed when it starts (its start link covers them).
START_FIELDS = RECORD_FIELDS[: RECORD_FIELDS.index("started") + 1]


@dataclass(frozen=True)
class Problem:
    """One finding of ``verify``: which attempt (or other thing), and what is wrong with it."""

    attempt_id: str
    message: str
    subject: str = "attempt"

    def __str__(self) -> str:
        return f"{self.subject} {self.attempt_id}: {self.message}"


def command_line(n: int, t_s: float, wall: str, cmd: str) -> bytes:
    """One command row as hashed into the command-log digest."""
    return f"{n}\t{t_s!r}\t{wall}\t{cmd}\n".encode()


def commands_digest(conn: sqlite3.Connection, attempt_id: str) -> str:
    """SHA-256 of one attempt's stored command log, in command order."""
    h = hashlib.sha256()
    rows = conn.execute(
        "SELECT n, t_s, wall, cmd FROM attempt_commands WHERE attempt_id = ? ORDER BY n",
        (attempt_id,),
    )
    for row in rows:
        h.update(command_line(*row))
    return h.hexdigest()


def canonical(row: dict, log_digest: str) -> str:
    """The canonical JSON text of a finished attempt (stable key order, no whitespace)."""
    record = {name: row[name] for name in RECORD_FIELDS}
    if isinstance(record["pulls"], bytes):
        record["pulls"] = record["pulls"].hex()
    record["commands_sha256"] = log_digest
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def canonical_start(row: dict) -> str:
    """The canonical JSON text of an attempt's start record."""
    record: dict[str, Any] = {name: row[name] for name in START_FIELDS}
    record["link"] = "start"
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def link_hash(prev_hash: str, record_text: str) -> str:
    """The hash of one link: the previous hash, a newline, the canonical record."""
    return hashlib.sha256(f"{prev_hash}\n{record_text}".encode()).hexdigest()


def head(conn: sqlite3.Connection) -> tuple[int, str, str]:
    """The chain head as (seq, attempt id, hash); (0, "", GENESIS) for an empty chain."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (HEAD_KEY,)).fetchone()
    if row is None:
        return 0, "", GENESIS
    seq, attempt_id, digest = row[0].split(":")
    return int(seq), attempt_id, digest


def _set_head(conn: sqlite3.Connection, seq: int, attempt_id: str, digest: str) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
        (HEAD_KEY, f"{seq}:{attempt_id}:{digest}"),
    )


def append(conn: sqlite3.Connection, row: dict) -> tuple[int, str, str]:
    """Link a finished attempt (inside the caller's transaction): (seq, prev hash, hash)."""
    seq, _, prev = head(conn)
    digest = link_hash(prev, canonical(row, commands_digest(conn, row["id"])))
    _set_head(conn, seq + 1, row["id"], digest)
    return seq + 1, prev, digest


def append_start(conn: sqlite3.Connection, row: dict) -> tuple[int, str, str]:
    """Link a starting attempt (inside the caller's transaction): (seq, prev hash, hash)."""
    seq, _, prev = head(conn)
    digest = link_hash(prev, canonical_start(row))
    _set_head(conn, seq + 1, row["id"], digest)
    return seq + 1, prev, digest


def _all_log_digests(conn: sqlite3.Connection) -> dict[str, str]:
    digests: dict[str, Any] = {}
    for attempt_id, n, t_s, wall, cmd in conn.execute(
        "SELECT attempt_id, n, t_s, wall, cmd FROM attempt_commands ORDER BY attempt_id, n"
    ):
        h = digests.get(attempt_id)
        if h is None:
            h = digests[attempt_id] = hashlib.sha256()
        h.update(command_line(n, t_s, wall, cmd))
    empty = hashlib.sha256().hexdigest()
    return {k: v.hexdigest() for k, v in digests.items()} | {"": empty}


@dataclass
class Snapshot:
    """Everything ``verify`` looks at, read in one transaction."""

    rows: list[dict]
    logs: dict[str, str]
    head: tuple[int, str, str]


def _has_start_columns(conn: sqlite3.Connection) -> bool:
    return any(r[1] == "start_seq" for r in conn.execute("PRAGMA table_info(attempts)"))


def read_snapshot(conn: sqlite3.Connection) -> Snapshot:
    """Read the attempts, the command-log digests and the head as one consistent snapshot
    (one read transaction, unless the caller already holds one), so writers elsewhere cannot
    make a half-old, half-new picture."""
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        cur = conn.cursor()
        cur.row_factory = sqlite3.Row
        rows = [dict(r) for r in cur.execute("SELECT * FROM attempts ORDER BY started, id")]
        logs = _all_log_digests(conn)
        top = head(conn)
    finally:
        if own:
            conn.execute("COMMIT")
    return Snapshot(rows, logs, top)


def verify(conn: sqlite3.Connection) -> tuple[list[Problem], int, str]:
    """Check the whole chain in one read transaction: (problems, finished attempts linked,
    head hash)."""
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        found = scan(conn)
    finally:
        if own:
            conn.execute("COMMIT")
    return found.problems, found.linked, found.head_hash


@dataclass(frozen=True)
class Checkpoint:
    """A point of the chain an instructor's full verification vouched for (signed with the
    instructor key, kept in ``chain_checkpoints``): links 1..``seq`` were intact then, link
    ``seq`` hashed to ``hash``, and ``linked`` of them were finished attempts."""

    seq: int
    hash: str
    linked: int


@dataclass
class Scan:
    """What ``scan`` found, and how much work it did (rows read in full, links hashed)."""

    problems: list[Problem]
    linked: int
    head_hash: str
    hashes: dict[int, str]
    links: int = 0
    rows_read: int = 0
    links_hashed: int = 0


#: Command logs whose attempt is gone: each attempt id in the log table visited once by a seek
#: (a skip-scan of its primary key), not every stored command read.
ORPHAN_LOGS = """
WITH RECURSIVE ids(id) AS (
    SELECT min(attempt_id) FROM attempt_commands
    UNION ALL
    SELECT (SELECT attempt_id FROM attempt_commands WHERE attempt_id > ids.id
            ORDER BY attempt_id LIMIT 1)
    FROM ids WHERE ids.id IS NOT NULL
)
SELECT id FROM ids WHERE id IS NOT NULL AND id NOT IN (SELECT id FROM attempts)
"""


def _link_stream(conn: sqlite3.Connection, kind: str) -> Iterator[tuple]:
    """(seq, kind order, id, prev, hash, status) of one kind of link, in chain order, streamed
    from the covering indexes ``attempts_chain_start`` / ``attempts_chain_finish``."""
    if kind == "start":
        sql = "SELECT start_seq, 0, id, start_prev, start_hash, '' FROM attempts"
        sql += " WHERE start_seq IS NOT NULL ORDER BY start_seq"
    else:
        sql = "SELECT seq, 1, id, prev_hash, record_hash, status FROM attempts"
        sql += " WHERE seq IS NOT NULL ORDER BY seq"
    cur = conn.cursor()
    cur.row_factory = None  # plain tuples, which order
    yield from cur.execute(sql)


def scan(
    conn: sqlite3.Connection,
    checkpoint: Checkpoint | None = None,
    wanted: frozenset[int] | set[int] = frozenset(),
) -> Scan:
    """Check the chain (inside the caller's read transaction), streaming rows.

    Without a ``checkpoint`` every link is re-hashed from its stored row (and every finished
    attempt's command log).  With one, the links up to ``checkpoint.seq`` are checked for their
    place only: numbered without a gap, each pointing at the stored hash of the one before, the
    last one's hash the checkpoint's; the links after it are re-hashed in full.  ``wanted``:
    the seqs whose link hashes to return (signed heads to check)."""
    cp = checkpoint or Checkpoint(0, GENESIS, 0)
    problems: list[Problem] = []
    with_starts = _has_start_columns(conn)
    # 1. every attempt in the chain as its status says (from the indexes; see also below)
    plain = conn.cursor()
    plain.row_factory = None
    if with_starts:
        for (attempt_id,) in plain.execute("SELECT id FROM attempts WHERE start_seq IS NULL"):
            problems.append(
                Problem(attempt_id, "not in the hash chain (added around the application?)")
            )
    for (attempt_id,) in plain.execute(
        "SELECT id FROM attempts WHERE seq IS NULL"
        " AND (status != 'incomplete' OR record_hash IS NOT NULL)"
    ):
        problems.append(Problem(attempt_id, "finished but not in the hash chain"))
    for (orphan,) in plain.execute(ORPHAN_LOGS):
        problems.append(Problem(orphan, "commands stored for an attempt that is gone (deleted?)"))
    # 2. the links in chain order
    streams = [_link_stream(conn, "finish")]
    if with_starts:
        streams.insert(0, _link_stream(conn, "start"))
    found = Scan(problems, 0, GENESIS, {})
    prev, expected_seq, last_id = GENESIS, 1, ""
    row_cur = conn.cursor()
    row_cur.row_factory = sqlite3.Row
    for seq, order, attempt_id, link_prev, link_digest, status in heapq.merge(*streams):
        found.links += 1
        if order == 1:
            found.linked += 1
            if status == "incomplete":
                problems.append(Problem(attempt_id, "in the hash chain but marked incomplete"))
        if seq != expected_seq:
            problems.append(
                Problem(
                    attempt_id,
                    f"chain position {seq}, expected {expected_seq}"
                    " (an entry before it was removed?)",
                )
            )
        if link_prev != prev:
            problems.append(
                Problem(attempt_id, "chain link broken (an earlier entry changed or removed?)")
            )
        if seq == cp.seq and cp.seq and link_digest != cp.hash:
            problems.append(
                Problem(
                    attempt_id,
                    f"chain entry {seq} differs from the instructor's signed checkpoint"
                    " (the chain was rebuilt?)",
                )
            )
        if seq > cp.seq:
            row = row_cur.execute("SELECT * FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
            found.rows_read += 1
            found.links_hashed += 1
            if order == 0:
                text = canonical_start(dict(row))
                changed = "start record was changed (who, scenario, mode, assessment, seed or time)"
            else:
                text = canonical(dict(row), commands_digest(conn, attempt_id))
                changed = "stored result or command log was changed"
            if link_hash(link_prev or "", text) != link_digest:
                problems.append(Problem(attempt_id, changed))
        if seq in wanted:
            found.hashes[seq] = link_digest
        prev, expected_seq, last_id = link_digest, seq + 1, attempt_id
    if cp.seq and expected_seq - 1 < cp.seq:
        problems.append(
            Problem(
                last_id or "?",
                f"the chain ends at {expected_seq - 1}, before the instructor's signed"
                f" checkpoint at {cp.seq} (entries removed?)",
            )
        )
    head_seq, head_id, head_hash = head(conn)
    if (head_seq, head_hash) != (expected_seq - 1, prev):
        problems.append(
            Problem(head_id or last_id or "?", "chain head does not match (attempt removed?)")
        )
    found.head_hash = prev
    return found


def result_hash(row: dict, log_digest: str) -> str:
    """SHA-256 of a finished attempt's canonical record (independent of its chain position, so
    the same at every station holding it; xAPI statements carry it as ``result-sha256``)."""
    return hashlib.sha256(canonical(row, log_digest).encode()).hexdigest()


def result_hashes(conn: sqlite3.Connection) -> Iterator[tuple[str, str]]:
    """(attempt id, result hash) of every finished attempt, oldest first, from one snapshot:
    what an external witness (an LRS's ``result-sha256``) is compared against."""
    snapshot = read_snapshot(conn)
    for row in snapshot.rows:
        if row["status"] != "incomplete":
            yield row["id"], result_hash(row, snapshot.logs.get(row["id"], snapshot.logs[""]))
