"""Tamper evidence: a hash chain over finished attempts.

When an attempt is finished, its canonical record (every stored field of the result, plus a
SHA-256 of its command log) is hashed together with the previous attempt's hash.  The latest
link is also kept in ``settings`` as the chain head.  ``verify`` recomputes the chain and names
every attempt whose stored result, command log or place in the chain no longer matches.

The chain detects edits made around the application (an SQLite tool, a hex editor).  Someone
who recomputes the whole chain is detected only against a copy of the head hash kept elsewhere
(``records verify`` prints it; the xAPI statements sent to an LRS carry the attempt's hash).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
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


@dataclass(frozen=True)
class Problem:
    """One finding of ``verify``: which attempt, and what is wrong with it."""

    attempt_id: str
    message: str

    def __str__(self) -> str:
        return f"attempt {self.attempt_id}: {self.message}"


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


def append(conn: sqlite3.Connection, row: dict) -> tuple[int, str, str]:
    """Link a finished attempt (inside the caller's transaction): (seq, prev hash, hash)."""
    seq, _, prev = head(conn)
    digest = link_hash(prev, canonical(row, commands_digest(conn, row["id"])))
    conn.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
        (HEAD_KEY, f"{seq + 1}:{row['id']}:{digest}"),
    )
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


def verify(conn: sqlite3.Connection) -> tuple[list[Problem], int, str]:
    """Check the whole chain: (problems, number of linked attempts, head hash).  The attempts
    are read one at a time (streamed), not held in memory at once."""
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    logs = _all_log_digests(conn)
    rows = (dict(r) for r in cur.execute("SELECT * FROM attempts ORDER BY seq, started"))
    problems: list[Problem] = []
    prev, expected_seq, last_id = GENESIS, 1, ""
    for row in rows:
        finished = row["status"] != "incomplete"
        if row["seq"] is None:
            if finished or row["record_hash"] is not None:
                problems.append(Problem(row["id"], "finished but not in the hash chain"))
            continue
        if not finished:
            problems.append(Problem(row["id"], "in the hash chain but marked incomplete"))
        if row["seq"] != expected_seq:
            problems.append(
                Problem(row["id"], f"chain position {row['seq']}, expected {expected_seq}")
            )
        if row["prev_hash"] != prev:
            problems.append(Problem(row["id"], "chain link broken (an earlier result changed?)"))
        text = canonical(row, logs.get(row["id"], logs[""]))
        if link_hash(row["prev_hash"] or "", text) != row["record_hash"]:
            problems.append(Problem(row["id"], "stored result or command log was changed"))
        prev, expected_seq, last_id = row["record_hash"], row["seq"] + 1, row["id"]
    head_seq, head_id, head_hash = head(conn)
    if (head_seq, head_hash) != (expected_seq - 1, prev):
        problems.append(
            Problem(head_id or last_id or "?", "chain head does not match (attempt removed?)")
        )
    return problems, expected_seq - 1, prev
