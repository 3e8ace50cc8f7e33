"""Scenarios: typed models of the scenario files and the library that loads them (shipped and
school scenarios, see ``loader``)."""

from sim.scenario.loader import (
    ScenarioLibrary,
    add_school_scenario,
    load_scenario,
    resolve_scenario,
)

__all__ = [
    "Scenario",
    "ScenarioLibrary",
    "add_school_scenario",
    "load_scenario",
    "resolve_scenario",
]


def __getattr__(name: str):  # ``Scenario``, imported on first use (it imports pydantic)
    if name == "Scenario":
        from sim.scenario.schema import Scenario

        return Scenario
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
