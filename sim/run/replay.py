"""Replaying a command log: the one place that re-runs recorded commands on an attempt.

Every face that re-runs an attempt uses this module: ``python -m sim run`` (commands read from an
action file), ``python -m sim replay`` (a run log), stored attempts in the records, the
debrief's depth trace and the replay player.  Each entry is ``(line, command)``: the line is the
position reported when the command is bad or impossible, and the command is a validated
``Command`` or a decoded JSON object still to be validated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sim.errors import InputError
from sim.i18n import _
from sim.model.simulation import Event
from sim.run.actions import command_from_obj
from sim.run.attempt import Attempt
from sim.scenario.schema import Scenario

Entry = tuple[int, Any]
#: Called after each command with the attempt and the events that command caused.
OnCommand = Callable[[Attempt, list[Event]], None]


def apply_entry(attempt: Attempt, line: int, cmd: Any, *, where: str) -> list[Event]:
    """Apply one log entry; a bad or impossible command raises InputError at ``where:line``."""
    if isinstance(cmd, dict):
        cmd = command_from_obj(cmd, path=where, line=line)
    try:
        return attempt.apply(cmd)
    except InputError as exc:
        raise exc.located(path=where, line=line) from None


def replay(
    attempt: Attempt,
    entries: Iterable[Entry],
    *,
    where: str = "log",
    on_command: OnCommand | None = None,
) -> Attempt:
    """Apply every entry to ``attempt`` in order and return it."""
    for line, cmd in entries:
        events = apply_entry(attempt, line, cmd, where=where)
        if on_command is not None:
            on_command(attempt, events)
    return attempt


def fresh_attempt(scenario: Scenario | dict, seed: int, *, where: str = "log") -> Attempt:
    """A new attempt at the same scenario and seed (a stored scenario is validated first)."""
    if isinstance(scenario, dict):
        try:
            scenario = Scenario.model_validate(scenario)
        except Exception as exc:  # pydantic error or missing key: not usable
            raise InputError(
                _("{where}: stored scenario is invalid: {error}")
                .format(where=where, error=exc)
                .splitlines()[0]
            ) from None
    return Attempt(scenario, int(seed))


def replay_attempt(
    attempt: Attempt,
    *,
    on_command: OnCommand | None = None,
    on_start: Callable[[Attempt], None] | None = None,
) -> Attempt:
    """Re-run an attempt's own command log on a fresh attempt of the same scenario and seed.

    ``on_start`` sees the fresh attempt before its first command (e.g. to listen to its
    simulation's events as they happen).
    """
    fresh = Attempt(attempt.scenario, attempt.seed)
    if on_start is not None:
        on_start(fresh)
    entries = ((n, entry["cmd"]) for n, entry in enumerate(attempt.log, start=1))
    return replay(fresh, entries, where="log", on_command=on_command)
