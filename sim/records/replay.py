"""Replaying a stored attempt: the same state as a headless run of the same commands."""

from __future__ import annotations

from typing import IO

from sim.records.results import outcome, pulls_array, pulls_blob, summarize
from sim.records.store import RecordStore, dumps
from sim.run.attempt import Attempt
from sim.run.replay import fresh_attempt, replay
from sim.run.runlog import LogWriter
from sim.scoring import score_attempt


def replay_stored(row: dict, commands: list[dict], stream: IO[str] | None = None) -> Attempt:
    """Re-run a stored attempt (``RecordStore.attempt`` + ``.commands``) from the start.

    With ``stream``, also write it as a run log (``sim/run/runlog.py``) that
    ``python -m sim replay``
    accepts; the digest line is written only for a finished attempt.
    """
    where = f"attempt {row['id']}"
    attempt = fresh_attempt(row["scenario"], row["seed"], where=where)
    writer = LogWriter(stream, attempt) if stream is not None else None
    replay(attempt, ((entry["n"] + 1, entry["cmd"]) for entry in commands), where=where)
    if writer is not None and row["status"] != "incomplete":
        writer.close(attempt)
    return attempt


def replay_stored_attempt(store: RecordStore, attempt_id: str) -> Attempt:
    """Re-run an attempt (finished or not) from its stored commands; returns the Attempt.

    No check against the stored outcome here: ``InstructorRecords.replay`` (``roles.py``) adds
    it, and ``replay_mismatches`` says what does not match.
    """
    return replay_stored(store.attempt(attempt_id), store.commands(attempt_id))


def replay_mismatches(row: dict, attempt: Attempt, passing: float | None = None) -> list[str]:
    """What a replayed finished attempt does not reproduce of its stored (decoded) row.

    Checks the digest, the command count and every derived column: score fields and pass/fail
    (re-scored with ``sim.scoring``; ``passing`` is the assessment's standard, None when the
    attempt belongs to no assessment), metrics, summary and pulls.  [] when all match.
    """
    result = attempt.result()
    found = []
    if row.get("digest") != result["digest"]:
        found.append("digest")
    if row.get("n_commands") != len(attempt.log):
        found.append("n_commands")
    scored = row.get("score_total") is not None
    out = outcome(score_attempt(attempt) if scored else None, result["metrics"], passing)
    expected = {
        "score_total": out.total,
        "score_max": out.maximum,
        "minimum_passing": out.minimum_passing,
        "passed": out.passed,
        "criteria": out.criteria,
        "critical_errors": out.critical_errors,
        "metrics": result["metrics"],
    }
    summary = summarize(result["events"])
    expected["summary"] = summary
    expected["pulls"] = pulls_array(pulls_blob(summary)).tolist()
    for key, value in expected.items():
        if dumps(row.get(key)) != dumps(value):
            found.append("score" if key in ("score_total", "passed") else key)
    return list(dict.fromkeys(found))
