"""xAPI: attempts as xAPI 1.0.3 statements, an offline queue, and delivery to an LRS."""

from sim.xapi.deliver import queue_attempt, statements_for
from sim.xapi.deliverer import Deliverer
from sim.xapi.lrs import LrsConfig, load_config
from sim.xapi.queue import FlushReport, counts, flush, last_error, requeue
from sim.xapi.statements import XAPI_VERSION, StatementBuilder, statement_id

__all__ = [
    "XAPI_VERSION",
    "Deliverer",
    "FlushReport",
    "LrsConfig",
    "StatementBuilder",
    "counts",
    "flush",
    "last_error",
    "load_config",
    "queue_attempt",
    "requeue",
    "statement_id",
    "statements_for",
]
