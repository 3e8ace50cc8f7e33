"""Small helpers for driving an attempt from tests."""

from __future__ import annotations

from sim.run.attempt import Attempt
from sim.scenario import resolve_scenario
from sim.vocabulary.commands import parse_command


def attempt(scenario: str = "adult-standard", seed: int = 1) -> Attempt:
    return Attempt(resolve_scenario(scenario), seed)


def run(a: Attempt, *cmds: dict) -> list[dict]:
    """Apply commands; return all events they caused."""
    events: list[dict] = []
    for c in cmds:
        events.extend(a.apply(parse_command(c)))
    return events


def types(events: list[dict]) -> list[str]:
    return [e["type"] for e in events]


def at_psis(a: Attempt, lateral_deg: float = 24, cranial_deg: float = 0, side: str = "left"):
    """Mark a site over a PSIS and insert the needle there."""
    return run(
        a,
        {"do": "mark_site", "landmark": f"{side}_psis"},
        {
            "do": "insert",
            "site": len(a.sim.sites),
            "lateral_deg": lateral_deg,
            "cranial_deg": cranial_deg,
        },
    )
