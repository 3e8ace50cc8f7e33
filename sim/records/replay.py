"""Replaying a stored attempt: the same state as a headless run of the same commands."""

from __future__ import annotations

from typing import IO

from sim.actions import command_from_obj
from sim.attempt import Attempt
from sim.errors import InputError
from sim.runlog import LogWriter
from sim.scenario.model import Scenario


def _fresh_attempt(row: dict) -> Attempt:
    try:
        scenario = Scenario.model_validate(row["scenario"])
    except Exception as exc:  # pydantic error: the stored scenario is not usable
        raise InputError(
            f"attempt {row['id']}: stored scenario is invalid: {exc}".splitlines()[0]
        ) from None
    return Attempt(scenario, int(row["seed"]))


def replay_stored(row: dict, commands: list[dict], stream: IO[str] | None = None) -> Attempt:
    """Re-run a stored attempt (``RecordStore.attempt`` + ``.commands``) from the start.

    With ``stream``, also write it as a run log (``sim/runlog.py``) that ``python -m sim replay``
    accepts; the digest line is written only for a finished attempt.
    """
    attempt = _fresh_attempt(row)
    writer = LogWriter(stream, attempt) if stream is not None else None
    where = f"attempt {row['id']}"
    for entry in commands:
        cmd = command_from_obj(entry["cmd"], path=where, line=entry["n"] + 1)
        try:
            attempt.apply(cmd)
        except InputError as exc:
            raise exc.located(path=where, line=entry["n"] + 1) from None
    if writer is not None and row["status"] != "incomplete":
        writer.close(attempt)
    return attempt
