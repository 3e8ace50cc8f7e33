"""Scenarios: typed models of the TOML files in ``scenarios/`` and the code that loads them."""

from sim.scenario.loader import ScenarioLibrary, load_scenario, resolve_scenario
from sim.scenario.schema import Scenario

__all__ = ["Scenario", "ScenarioLibrary", "load_scenario", "resolve_scenario"]
