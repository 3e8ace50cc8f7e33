"""Scenarios: typed models of the scenario files and the library that loads them (shipped and
school scenarios, see ``loader``)."""

from sim.scenario.loader import (
    ScenarioLibrary,
    add_school_scenario,
    load_scenario,
    resolve_scenario,
)
from sim.scenario.schema import Scenario

__all__ = [
    "Scenario",
    "ScenarioLibrary",
    "add_school_scenario",
    "load_scenario",
    "resolve_scenario",
]
