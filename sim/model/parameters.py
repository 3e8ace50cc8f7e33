"""Model parameter tables: documented, tunable numbers loaded from ``sim/model/params/*.toml``.

Each entry in a table has a ``value``, a ``unit`` and a ``source`` (the literature it comes
from, or ``gap:`` when it is an assumption).  The anatomy, needle, marrow and timing models take
their numbers from here, and ``docs/model.md`` is generated from the same files, so code and
documentation cannot drift apart.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType

#: The tables, read through importlib.resources from the installed package (package data).
PARAMS_DIR: Traversable = resources.files("sim.model") / "params"
TABLES = ("anatomy", "needle", "marrow", "donor", "physiology", "timing")


@dataclass(frozen=True)
class Parameter:
    """One documented model number."""

    name: str
    value: float
    unit: str
    source: str


class ParameterTable(Mapping[str, float]):
    """A read-only mapping name -> value, with each parameter's documentation at hand."""

    def __init__(self, name: str, entries: dict[str, Parameter]) -> None:
        self.name = name
        self._entries = MappingProxyType(entries)

    def __getitem__(self, key: str) -> float:
        return self._entries[key].value

    def __iter__(self):
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __getattr__(self, key: str) -> float:
        try:
            return self._entries[key].value
        except KeyError:
            raise AttributeError(f"{self.name} has no parameter {key!r}") from None

    def __deepcopy__(self, memo: dict) -> ParameterTable:
        return self  # read-only: a copied simulation shares its tables

    def entry(self, key: str) -> Parameter:
        return self._entries[key]

    def entries(self) -> list[Parameter]:
        return list(self._entries.values())


@cache
def table(name: str) -> ParameterTable:
    """Load one parameter table (cached; tables are read-only)."""
    if name not in TABLES:
        raise KeyError(f"unknown parameter table {name!r}")
    path = PARAMS_DIR / f"{name}.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = {}
    for key, body in raw.items():
        entries[key] = Parameter(
            name=key, value=float(body["value"]), unit=str(body["unit"]), source=str(body["source"])
        )
    return ParameterTable(name, entries)
