"""Glue between the records and the LRS: statements for a stored attempt, queue and send."""

from __future__ import annotations

from sim.records.store import RecordStore
from sim.xapi.lrs import LrsConfig
from sim.xapi.queue import FlushReport, enqueue, flush
from sim.xapi.statements import attempt_statements


def statements_for(store: RecordStore, attempt_id: str, config: LrsConfig) -> list[dict]:
    """The xAPI statements of a stored attempt, with the configured IRIs."""
    return attempt_statements(store, attempt_id, iri_base=config.iri_base, homepage=config.homepage)


def queue_attempt(
    store: RecordStore, attempt_id: str, config: LrsConfig, *, send: bool = True
) -> FlushReport | None:
    """Queue a finished attempt's statements and (with ``send``) try to deliver the queue.

    Does nothing without a configured LRS; refuses (InputError) a malformed endpoint or the
    placeholder IRI base.  An unreachable LRS leaves everything queued.
    """
    if not config.configured:
        return None
    config.check_deliverable()
    enqueue(store, attempt_id, statements_for(store, attempt_id, config))
    return flush(store, config) if send else None
