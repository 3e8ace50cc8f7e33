"""Loading scenario files: TOML in, a validated Scenario out, or a one-line error.

Scenario files are data only: they are parsed with ``tomllib`` and validated, never executed.
A broken file is reported with its path, the field path and, where it can be found, the line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from sim.errors import InputError
from sim.scenario.schema import FieldError, Scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
_TOML_LINE = re.compile(r"line (\d+)")


def _key_path(raw: str) -> list[str]:
    """``a."b c".d`` -> ``["a", "b c", "d"]`` (TOML dotted key, bare or quoted parts)."""
    return [part.strip().strip('"').strip("'") for part in raw.split(".")]


def _field_line(text: str, loc: tuple) -> int | None:
    """The line of a field path such as ``("events", 1, "trigger", "at_s")`` in TOML text.

    Tables, arrays of tables (counted, so ``[[events]]`` number 1 is index 1), dotted and inline
    keys are followed.  When the field itself is not in the file (a missing field), the line of
    the nearest enclosing table or key is given; when nothing encloses it, None.
    """
    loc = tuple(int(k) if isinstance(k, str) and k.isdigit() else k for k in loc)
    arrays: dict[tuple, int] = {}
    current: tuple = ()
    best_line, best_len = None, 0
    in_string = False

    def consider(path: tuple, n: int) -> None:
        nonlocal best_line, best_len
        if len(path) > best_len and loc[: len(path)] == path:
            best_line, best_len = n, len(path)

    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if in_string:
            in_string = line.count('"""') % 2 == 0
            continue
        if not line or line.startswith("#"):
            continue
        header = re.match(r"^(\[\[?)\s*([^\]]+?)\s*\]\]?", line)
        if header:
            is_array = header.group(1) == "[["
            path: list = []
            names = _key_path(header.group(2))
            for i, name in enumerate(names):
                path.append(name)
                key = tuple(path)
                if is_array and i == len(names) - 1:
                    arrays[key] = arrays.get(key, -1) + 1
                if key in arrays:
                    path.append(arrays[key])
            current = tuple(path)
            consider(current, n)
            continue
        m = re.match(
            r'^((?:"[^"]*"|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|[A-Za-z0-9_-]+))*)\s*=', line
        )
        if m:
            consider(current + tuple(_key_path(m.group(1))), n)
            if line.count('"""') % 2 == 1:
                in_string = True
    return best_line


def _located(err: dict) -> tuple:
    """The error's field path, extended by the field a consistency check names."""
    loc = tuple(err["loc"])
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, FieldError):
        loc += tuple(int(k) if k.isdigit() else k for k in cause.field.split("."))
    return loc


def _describe(err: dict) -> str:
    msg = err["msg"]
    if err["type"] == "missing":
        return "missing required field"
    if err["type"] == "extra_forbidden":
        return "unknown field"
    msg = msg.removeprefix("Value error, ")
    value = err.get("input")
    if err["type"] != "value_error" and isinstance(value, int | float | str | bool):
        msg += f" (got {value!r})"
    return msg


def parse_scenario(text: str, path: str) -> Scenario:
    """Validate TOML text as a scenario (raises InputError)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE.search(str(exc))
        raise InputError(
            f"TOML syntax error: {exc}", path=path, line=int(m.group(1)) if m else None
        ) from None
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = _located(err)
        field = ".".join(str(p) for p in loc) or None
        more = len(exc.errors()) - 1
        suffix = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
        raise InputError(
            _describe(err) + suffix, path=path, line=_field_line(text, loc), field=field
        ) from None


def load_scenario(path: Path | str) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read scenario file: {exc}", path=str(path)) from None
    return parse_scenario(text, str(path))


@dataclass(frozen=True)
class LibraryEntry:
    path: Path
    scenario: Scenario | None
    error: InputError | None


class ScenarioLibrary:
    """All scenario files in a folder; a broken one is kept with its error, not dropped."""

    def __init__(self, folder: Path | None = None) -> None:
        folder = SCENARIO_DIR if folder is None else Path(folder)
        self.folder = folder
        self.entries: list[LibraryEntry] = []
        for path in sorted(folder.glob("*.toml")):
            try:
                scenario = load_scenario(path)
                if scenario.id != path.stem:
                    raise InputError(
                        f"id {scenario.id!r} does not match the file name (expected {path.stem!r})",
                        path=str(path),
                        line=_field_line(path.read_text(encoding="utf-8"), ("id",)),
                        field="id",
                    )
                self.entries.append(LibraryEntry(path, scenario, None))
            except InputError as exc:
                self.entries.append(LibraryEntry(path, None, exc))

    def scenarios(self) -> list[Scenario]:
        return [e.scenario for e in self.entries if e.scenario is not None]

    def broken(self) -> list[LibraryEntry]:
        return [e for e in self.entries if e.error is not None]

    def get(self, scenario_id: str) -> Scenario:
        for e in self.entries:
            if e.scenario is not None and e.scenario.id == scenario_id:
                return e.scenario
        for e in self.entries:
            if e.error is not None and e.path.stem == scenario_id:
                raise e.error
        known = ", ".join(s.id for s in self.scenarios())
        raise InputError(f"unknown scenario {scenario_id!r} (known: {known})")


def resolve_scenario(ref: str) -> Scenario:
    """A scenario by id from the shipped library, or by path to a TOML file."""
    if ref.endswith(".toml") or "/" in ref or "\\" in ref:
        return load_scenario(ref)
    path = SCENARIO_DIR / f"{ref}.toml"
    if path.exists():
        return load_scenario(path)
    return ScenarioLibrary().get(ref)
