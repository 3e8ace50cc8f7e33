"""The LRS as an external witness of the records (``records verify --against-lrs``).

Every passed/failed/completed statement carries its attempt's result hash
(``<base>/xapi/ext/result-sha256``) with the attempt id as ``context.registration`` and the
recording station (``<base>/xapi/ext/station``).  Someone who deletes a result and rebuilds the
hash chain cannot change what the LRS already holds, so comparing the two catches:

* a stored result whose hash differs from the one delivered (changed after delivery);
* a result recorded at this station that the LRS holds but the records lack (deleted);
* a result marked delivered that the LRS does not hold.

Results not delivered yet (still queued, or finished before an LRS was configured) are counted,
not reported as problems.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sim.errors import InputError
from sim.i18n import _
from sim.xapi.lrs import DeliveryError, LrsConfig, get_statements
from sim.xapi.statements import ADL_VERBS

OUTCOME_VERBS = ("passed", "failed", "completed")


@dataclass
class WitnessReport:
    """What the comparison found."""

    problems: list[str] = field(default_factory=list)
    matched: int = 0
    undelivered: int = 0
    lrs_results: int = 0

    def summary(self) -> str:
        text = _(
            "against the LRS: {matched} result(s) match, {undelivered} not delivered yet,"
            " {n} problem(s)"
        )
        return text.format(matched=self.matched, undelivered=self.undelivered, n=len(self.problems))


def stored_results(store) -> Iterator[tuple[str, str]]:
    """(attempt id, result hash) of every finished attempt in the records: the store's own
    ``result_hashes()`` (one read transaction) where it has it, else its attempt list."""
    own = getattr(store, "result_hashes", None)
    if own is not None:
        yield from own()
        return
    for row in store.attempts(status="finished"):
        yield row["id"], store.result_hash(row["id"])


def lrs_results(
    config: LrsConfig, reader: Callable[..., Iterable[dict]] = get_statements
) -> dict[str, tuple[str, str | None]]:
    """attempt id -> (result hash, recording station) of every outcome statement on the LRS
    that carries a result hash under this configuration's IRI base."""
    base = config.iri_base.rstrip("/")
    hash_key, station_key = f"{base}/xapi/ext/result-sha256", f"{base}/xapi/ext/station"
    verbs = {ADL_VERBS + name for name in OUTCOME_VERBS}
    found: dict[str, tuple[str, str | None]] = {}
    # Every statement is read and filtered here: LRSs differ in the filters they honour
    # (Ralph 5.1.0's filesystem backend matches no ``verb`` at all).
    for s in reader(config, {}):
        if (s.get("verb") or {}).get("id") not in verbs:
            continue
        ctx = s.get("context") or {}
        ext = ctx.get("extensions") or {}
        reg = ctx.get("registration")
        if reg and hash_key in ext:
            found[str(reg)] = (str(ext[hash_key]), ext.get(station_key))
    return found


def compare(store, config: LrsConfig, reader=get_statements) -> WitnessReport:
    """Compare every stored result with the statements the LRS holds."""
    report = WitnessReport()
    held = lrs_results(config, reader)
    report.lrs_results = len(held)
    with store.guard():
        sent = {
            row[0]
            for row in store.conn.execute(
                "SELECT DISTINCT attempt_id FROM xapi_queue WHERE status = 'sent'"
            )
        }
    stored = dict(stored_results(store))
    for attempt_id, digest in stored.items():
        if attempt_id in held:
            if held[attempt_id][0] != digest:
                report.problems.append(
                    f"attempt {attempt_id}: stored result differs from the one the LRS holds"
                    " (changed after delivery?)"
                )
            else:
                report.matched += 1
        elif attempt_id in sent:
            report.problems.append(
                f"attempt {attempt_id}: marked delivered but the LRS holds no result for it"
            )
        else:
            report.undelivered += 1
    for attempt_id, (_digest, station) in sorted(held.items()):
        if attempt_id not in stored and station == store.station:
            report.problems.append(
                f"attempt {attempt_id}: the LRS holds a result recorded at this station that"
                " the records lack (deleted?)"
            )
    return report


def against_lrs(store, config: LrsConfig) -> WitnessReport:
    """``records verify --against-lrs``: InputError (one line, exit 2) without a usable LRS."""
    if not config.configured:
        raise InputError(_("no LRS configured (python -m sim instructor lrs set)"))
    config.check_deliverable()
    try:
        return compare(store, config)
    except DeliveryError as exc:
        raise InputError(_("cannot read the LRS: {error}").format(error=exc)) from None
