"""Action files: JSON Lines of commands, read with errors that name the file, line and field."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from sim.errors import InputError
from sim.i18n import N_, _
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
        raise InputError(_("a command must be a JSON object"), path=path, line=line)
    if "do" not in obj:
        raise InputError(_("missing required field"), path=path, line=line, field="do")
    if obj["do"] not in COMMAND_NAMES:
        raise InputError(
            _("unknown command {name!r} (expected one of: {choices})").format(
                name=obj["do"], choices=", ".join(COMMAND_NAMES)
            ),
            path=path,
            line=line,
            field="do",
        )
    for key, value in obj.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(_("must be a finite number"), path=path, line=line, field=key)
    try:
        return parse_command(obj)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"][1:]] or [str(p) for p in err["loc"]]
        # pydantic's own words (err["msg"]) stay English: they quote the schema's types
        msg = {"missing": _("missing required field"), "extra_forbidden": _("unknown field")}.get(
            err["type"], err["msg"]
        )
        if err["type"] == "literal_error" and isinstance(err.get("input"), str):
            msg = _("unknown value {value!r}: {message}").format(value=err["input"], message=msg)
        if loc and loc[-1] == "fever_threshold_c":
            lo, hi = FEVER_THRESHOLD_RANGE_C
            msg += _(
                " (the fever threshold taught, by your local policy, is {lo:g}-{hi:g} °C)"
            ).format(lo=lo, hi=hi)
        raise InputError(msg, path=path, line=line, field=".".join(loc)) from None


LINE_TOO_LONG = N_("line longer than {n} characters")
CANNOT_READ = N_("cannot read action file: {error}")
#: Deepest nesting of arrays and objects accepted in one action line (commands need 2).
MAX_DEPTH = 32
#: Longest action line accepted (a command is well under 1 KB).
MAX_LINE = 65536
#: Distinct valid lines remembered while checking a file (a bounded cache: memory stays flat).
_CACHE = 4096


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


class _Duplicate(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _depth(raw: str) -> int:
    """The deepest nesting of [ and { in a JSON text (brackets inside strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in raw:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_line(raw: str, *, path: str, line: int) -> Command:
    """One action line as a command, or a located InputError (never a RecursionError)."""
    if len(raw) > MAX_LINE:
        raise InputError(_(LINE_TOO_LONG).format(n=MAX_LINE), path=path, line=line)
    if raw.count("[") + raw.count("{") > MAX_DEPTH and _depth(raw) > MAX_DEPTH:
        message = _("nested deeper than {n} levels").format(n=MAX_DEPTH)
        raise InputError(message, path=path, line=line)
    try:
        obj = json.loads(raw, parse_constant=_reject_constants, object_pairs_hook=_no_duplicates)
    except _Duplicate as exc:
        raise InputError(_("duplicate key"), path=path, line=line, field=exc.key) from None
    except RecursionError:
        raise InputError(_("nested too deeply"), path=path, line=line) from None
    except (json.JSONDecodeError, ValueError) as exc:
        raise InputError(
            _("invalid JSON: {error}").format(error=exc), path=path, line=line
        ) from None
    return command_from_obj(obj, path=path, line=line)


def _lines(path: Path | str) -> Iterator[tuple[int, str]]:
    """(line number, text) of each non-blank line, read one at a time: UTF-8, a byte-order
    mark accepted, lines longer than ``MAX_LINE`` refused without reading them whole."""
    where = str(path)
    try:
        stream = Path(path).open("r", encoding="utf-8-sig", newline=None)
    except OSError as exc:
        raise InputError(_(CANNOT_READ).format(error=exc), path=where) from None
    with stream:
        n = 0
        while True:
            try:
                raw = stream.readline(MAX_LINE + 1)
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(_(CANNOT_READ).format(error=exc), path=where, line=n + 1) from None
            if not raw:
                return
            n += 1
            if len(raw) > MAX_LINE and not raw.endswith("\n"):
                raise InputError(_(LINE_TOO_LONG).format(n=MAX_LINE), path=where, line=n)
            if raw.strip():
                yield n, raw


def read_actions(path: Path | str) -> Iterator[tuple[int, Command]]:
    """Yield (line number, command) for each non-blank line of an action file.

    The file is read line by line (memory does not grow with its length); the first bad line
    raises a located InputError when it is reached.
    """
    for n, raw in _lines(path):
        yield n, parse_line(raw, path=str(path), line=n)


def check_actions(path: Path | str) -> int:
    """Read the whole action file once without keeping it: the number of commands, or the
    first bad line's InputError.  Repeated lines are checked once (a bounded cache)."""
    seen: dict[str, None] = {}
    count = 0
    for n, raw in _lines(path):
        count += 1
        if raw in seen:
            continue
        parse_line(raw, path=str(path), line=n)
        if len(seen) >= _CACHE:
            seen.pop(next(iter(seen)))
        seen[raw] = None
    return count
