"""The offline queue: statements wait in the records database until an LRS accepts them.

Statements are queued per attempt in order and sent in batches; an unreachable LRS (or a
server error) leaves them queued for the next ``flush``.  A batch the LRS refuses (400, 409,
413, 422) is split until the statement it objects to is alone; that one is set aside as
``rejected`` with the LRS's reason (``requeue`` brings it back), except that a 409 for a single
statement means the LRS already holds it: delivered.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from sim.i18n import _
from sim.records.store import RecordStore, dumps
from sim.xapi.lrs import CONFLICT, DeliveryError, LrsConfig, post_statements

Poster = Callable[[LrsConfig, list[dict]], None]


@dataclass
class FlushReport:
    """What one flush did, and what is left."""

    sent: int = 0
    #: of ``sent``: answered 409, the LRS already held them
    already: int = 0
    rejected: int = 0
    remaining: int = 0
    error: str | None = None

    def __str__(self) -> str:
        text = _("sent {sent}, {remaining} still queued").format(
            sent=self.sent, remaining=self.remaining
        )
        if self.rejected:
            text += _(", {n} rejected by the LRS").format(n=self.rejected)
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
    """Send one batch; False when the LRS is unreachable or failing (stop flushing).

    A batch the LRS refuses as a whole (400, 409, 413, 422) is split in halves until the statement
    it objects to is alone, so one bad statement costs about log2(batch) extra requests and
    the others still go.  A single statement answered with 409 is one the LRS already holds
    (ids are uuid5 of attempt and index, made only here: an earlier send whose answer was lost),
    so it counts as delivered.
    """
    ids = [row[0] for row in batch]
    try:
        post(config, [json.loads(row[1]) for row in batch])
    except DeliveryError as exc:
        report.error = str(exc)
        if not exc.permanent:
            _mark(store, ids, "queued", str(exc))
            return False
        if len(batch) > 1:
            half = len(batch) // 2
            return _send(store, config, batch[:half], post, report) and _send(
                store, config, batch[half:], post, report
            )
        if exc.status == CONFLICT:
            _mark(store, ids, "sent", f"the LRS already held it ({exc})")
            report.sent += 1
            report.already += 1
            return True
        _mark(store, ids, "rejected", str(exc))
        report.rejected += 1
        return True
    _mark(store, ids, "sent", None)
    report.sent += len(ids)
    return True


def requeue(store: RecordStore) -> int:
    """Put every rejected statement back in the queue; how many."""
    with store.transaction() as conn:
        cur = conn.execute("UPDATE xapi_queue SET status = 'queued' WHERE status = 'rejected'")
        return cur.rowcount


def last_error(store: RecordStore) -> tuple[str, str] | None:
    """(when, what) of the most recent failed try of a statement still queued or rejected."""
    with store.guard():
        row = store.conn.execute(
            "SELECT last_try, last_error FROM xapi_queue WHERE last_error IS NOT NULL"
            " AND status != 'sent' ORDER BY last_try DESC, rowid DESC LIMIT 1"
        ).fetchone()
    return (row[0], row[1]) if row else None


def flush(
    store: RecordStore, config: LrsConfig, *, batch_size: int = 100, post: Poster = post_statements
) -> FlushReport:
    """Send every queued statement, oldest first, until done or the LRS is unreachable.

    Raises InputError (one line) when the configuration cannot deliver: a malformed endpoint
    or the placeholder IRI base.
    """
    config.check_deliverable()
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
