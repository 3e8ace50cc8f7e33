"""Action files: JSON Lines of commands, read with errors that name the file, line and field."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from sim.errors import InputError
from sim.vocabulary.commands import (
    COMMAND_NAMES,
    FEVER_THRESHOLD_RANGE_C,
    Command,
    parse_command,
)


def _reject_constants(token: str) -> float:
    raise ValueError(f"{token} is not a number")


def command_from_obj(obj: object, *, path: str, line: int) -> Command:
    """Validate one decoded JSON value as a command, or raise a located InputError."""
    if not isinstance(obj, dict):
        raise InputError("a command must be a JSON object", path=path, line=line)
    if "do" not in obj:
        raise InputError("missing required field", path=path, line=line, field="do")
    if obj["do"] not in COMMAND_NAMES:
        raise InputError(
            f"unknown command {obj['do']!r} (expected one of: {', '.join(COMMAND_NAMES)})",
            path=path,
            line=line,
            field="do",
        )
    for key, value in obj.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError("must be a finite number", path=path, line=line, field=key)
    try:
        return parse_command(obj)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"][1:]] or [str(p) for p in err["loc"]]
        msg = {"missing": "missing required field", "extra_forbidden": "unknown field"}.get(
            err["type"], err["msg"]
        )
        if err["type"] == "literal_error" and isinstance(err.get("input"), str):
            msg = f"unknown value {err['input']!r}: {msg}"  # e.g. an observation kind
        if loc and loc[-1] == "fever_threshold_c":
            lo, hi = FEVER_THRESHOLD_RANGE_C
            msg += f" (the fever threshold taught, by your local policy, is {lo:g}-{hi:g} °C)"
        raise InputError(msg, path=path, line=line, field=".".join(loc)) from None


def read_actions(path: Path | str) -> Iterator[tuple[int, Command]]:
    """Yield (line number, command) for each non-blank line of an action file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read action file: {exc}", path=str(path)) from None
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw, parse_constant=_reject_constants)
        except (json.JSONDecodeError, ValueError) as exc:
            raise InputError(f"invalid JSON: {exc}", path=str(path), line=n) from None
        yield n, command_from_obj(obj, path=str(path), line=n)
