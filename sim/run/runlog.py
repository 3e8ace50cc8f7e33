"""Run logs: an attempt written as JSON Lines, and replayed to the same digest.

Line 1 is a header (format, versions, the full scenario, the seed); then one line per command
(``{"t_s": ..., "cmd": {...}}``); the last line carries the digest of the final state.  Replay
needs only the header and the commands; the digest proves it reproduced the attempt exactly.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import IO, Any

import numpy as np

from sim import __version__
from sim.errors import InputError
from sim.i18n import _
from sim.run.attempt import Attempt
from sim.run.replay import replay as replay_log
from sim.scenario.schema import Scenario

FORMAT = "marrowsim-log"
FORMAT_VERSION = 1


def header(attempt: Attempt) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "marrowsim": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scenario": attempt.scenario.model_dump(mode="json"),
        "seed": attempt.seed,
    }


class LogWriter:
    """Writes a log as the attempt goes: each command is flushed when it is applied."""

    def __init__(self, stream: IO[str], attempt: Attempt) -> None:
        self.stream = stream
        self._write(header(attempt))
        attempt.observers.append(lambda entry, _events: self._write(entry))

    def _write(self, obj: dict) -> None:
        self.stream.write(json.dumps(obj, sort_keys=True) + "\n")
        self.stream.flush()

    def close(self, attempt: Attempt) -> None:
        self._write({"digest": attempt.sim.digest(), "t_s": round(attempt.sim.t_s, 6)})


def read_log(path: Path | str) -> tuple[dict, list[tuple[int, dict]], str | None]:
    """Header, (line, command) pairs and the recorded digest (None if the log was cut short)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(_("cannot read log: {error}").format(error=exc), path=str(path)) from None
    if not lines:
        raise InputError(_("empty log"), path=str(path), line=1)
    records = []
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            records.append((n, json.loads(raw)))
        except json.JSONDecodeError as exc:
            if n == len(lines) and records:  # a torn last line from a killed process
                break
            raise InputError(
                _("invalid JSON: {error}").format(error=exc), path=str(path), line=n
            ) from None
    if not records:
        raise InputError(_("empty log"), path=str(path), line=1)
    n0, head = records[0]
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        message = _("not a {format} file").format(format=FORMAT)
        raise InputError(message, path=str(path), line=n0, field="format")
    if head.get("format_version") != FORMAT_VERSION:
        raise InputError(
            _("unsupported format_version {version!r}").format(version=head.get("format_version")),
            path=str(path),
            line=n0,
            field="format_version",
        )
    commands, digest = [], None
    for n, rec in records[1:]:
        if isinstance(rec, dict) and "digest" in rec:
            digest = rec["digest"]
        elif isinstance(rec, dict) and "cmd" in rec:
            commands.append((n, rec["cmd"]))
        else:
            raise InputError(_("expected a command or digest line"), path=str(path), line=n)
    return head, commands, digest


def replay(path: Path | str) -> tuple[Attempt, str | None]:
    """Re-run a log; returns the attempt and the digest the log recorded."""
    head, commands, digest = read_log(path)
    try:
        scenario = Scenario.model_validate(head["scenario"])
    except Exception as exc:  # pydantic error or missing key: the header is not usable
        raise InputError(
            _("bad scenario in header: {error}").format(error=exc).splitlines()[0],
            path=str(path),
            line=1,
            field="scenario",
        ) from None
    try:
        seed = int(head["seed"])
    except (KeyError, TypeError, ValueError):
        raise InputError(
            _("bad seed in header: {seed!r}").format(seed=head.get("seed")),
            path=str(path),
            line=1,
            field="seed",
        ) from None
    attempt = replay_log(Attempt(scenario, seed), commands, where=str(path))
    return attempt, digest
