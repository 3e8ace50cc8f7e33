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
from sim.scenario.model import Scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
_TOML_LINE = re.compile(r"line (\d+)")


def _field_line(text: str, loc: tuple) -> int | None:
    """Best-effort line of a field path (``("donor", "weight_kg")``) in TOML text."""
    keys = [k for k in loc if isinstance(k, str)]
    if not keys:
        return None
    table, key = keys[:-1], keys[-1]
    current: list[str] = []
    fallback = None
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = re.match(r"^\[\[?([^\]]+)\]\]?", line)
        if header:
            current = [p.strip().strip('"') for p in header.group(1).split(".")]
            if current == keys:
                fallback = fallback or n
            continue
        m = re.match(r'^"?([A-Za-z0-9_-]+)"?\s*=', line)
        if m and m.group(1) == key:
            if current == table or (not table and not current):
                return n
            if fallback is None and current[: len(table)] == table:
                fallback = n
        if m and table and current == table[:-1] and m.group(1) == table[-1]:
            fallback = fallback or n  # inline table: key = { ... }
    return fallback


def _describe(err: dict) -> str:
    msg = err["msg"]
    if err["type"] == "missing":
        return "missing required field"
    if err["type"] == "extra_forbidden":
        return "unknown field"
    return msg.removeprefix("Value error, ")


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
        loc = tuple(err["loc"])
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

    def __init__(self, folder: Path = SCENARIO_DIR) -> None:
        self.folder = folder
        self.entries: list[LibraryEntry] = []
        for path in sorted(folder.glob("*.toml")):
            try:
                self.entries.append(LibraryEntry(path, load_scenario(path), None))
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
