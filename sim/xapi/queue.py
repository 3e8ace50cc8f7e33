"""The offline queue: statements wait in the records database until an LRS accepts them.

Statements are queued per attempt in order and sent in batches; an unreachable LRS (or a
server error) leaves them queued for the next ``flush``.  A statement the LRS refuses outright
(400, 409, 413, sent alone) is set aside as ``rejected`` with the LRS's reason, so one bad
statement cannot block the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from sim.records.store import RecordStore, dumps
from sim.xapi.lrs import DeliveryError, LrsConfig, post_statements

Poster = Callable[[LrsConfig, list[dict]], None]


@dataclass
class FlushReport:
    """What one flush did, and what is left."""

    sent: int = 0
    rejected: int = 0
    remaining: int = 0
    error: str | None = None

    def __str__(self) -> str:
        text = f"sent {self.sent}, {self.remaining} still queued"
        if self.rejected:
            text += f", {self.rejected} rejected by the LRS"
        return text + (f" ({self.error})" if self.error else "")


def enqueue(store: RecordStore, attempt_id: str, statements: list[dict]) -> int:
    """Queue an attempt's statements (ids already queued are left alone); number added."""
    added = 0
    with store.transaction() as conn:
        for index, statement in enumerate(statements):
            cur = conn.execute(
                "INSERT OR IGNORE INTO xapi_queue (statement_id, attempt_id, idx, body, queued)"
                " VALUES (?, ?, ?, ?, ?)",
                (statement["id"], attempt_id, index, dumps(statement), store.now()),
            )
            added += cur.rowcount
    return added


def counts(store: RecordStore) -> dict[str, int]:
    """Statements in the queue by status (queued, sent, rejected)."""
    out = {"queued": 0, "sent": 0, "rejected": 0}
    with store.guard():
        for status, n in store.conn.execute(
            "SELECT status, count(*) FROM xapi_queue GROUP BY status"
        ):
            out[status] = n
    return out


def _mark(store: RecordStore, ids: list[str], status: str, error: str | None) -> None:
    now = store.now()
    with store.transaction() as conn:
        conn.executemany(
            "UPDATE xapi_queue SET status = ?, tries = tries + 1, last_try = ?, last_error = ?,"
            " sent = CASE WHEN ? = 'sent' THEN ? ELSE sent END WHERE statement_id = ?",
            [(status, now, error, status, now, i) for i in ids],
        )


def _send(store: RecordStore, config: LrsConfig, batch: list, post: Poster, report) -> bool:
    """Send one batch; False when the LRS is unreachable (stop flushing)."""
    ids = [row[0] for row in batch]
    try:
        post(config, [json.loads(row[1]) for row in batch])
    except DeliveryError as exc:
        if not exc.permanent:
            _mark(store, ids, "queued", str(exc))
            report.error = str(exc)
            return False
        if len(batch) > 1:  # find the statement(s) the LRS objects to
            return all(_send(store, config, [row], post, report) for row in batch)
        _mark(store, ids, "rejected", str(exc))
        report.rejected += 1
        return True
    _mark(store, ids, "sent", None)
    report.sent += len(ids)
    return True


def flush(
    store: RecordStore, config: LrsConfig, *, batch_size: int = 100, post: Poster = post_statements
) -> FlushReport:
    """Send every queued statement, oldest first, until done or the LRS is unreachable."""
    report = FlushReport()
    with store.guard():
        rows = store.conn.execute(
            "SELECT statement_id, body, attempt_id FROM xapi_queue WHERE status = 'queued'"
            " ORDER BY rowid"
        ).fetchall()
    i = 0
    while i < len(rows):
        attempt = rows[i][2]
        j = i
        while j < len(rows) and j - i < batch_size and rows[j][2] == attempt:
            j += 1
        if not _send(store, config, rows[i:j], post, report):
            break
        i = j
    report.remaining = counts(store)["queued"]
    return report
