"""Drivers shared by the sections: a command-driven operator, the expert harvest, typical donors.

Every model value in the calibration comes out of the model itself; these helpers run it the way
a script or the trainer would.  The expert reference harvest replays
``tests/reference/adult-standard-expert.jsonl`` from the repository root, which is why the
calibration lives in ``tools/`` and not in the installed package.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sim.model.donor import Donor
from sim.model.simulation import Event, Simulation
from sim.model.tissue import Tissue
from sim.run.attempt import Attempt
from sim.scenario.schema import Scenario
from sim.vocabulary.commands import parse_command
from sim.vocabulary.technique import Thresholds

#: Hirahara measured along the ideal track; the technique table defines it once.
IDEAL_LATERAL_DEG = Thresholds().ideal_lateral_deg

ROOT = Path(__file__).resolve().parents[2]
EXPERT_SCRIPT = ROOT / "tests" / "reference" / "adult-standard-expert.jsonl"
SCENARIO_ID = "adult-standard"
EXPERT_SEED = 1
#: Seeds pooled for fresh-spot yield figures (the marrow field's spot-to-spot variation).
YIELD_SEEDS = tuple(range(1, 25))


class Operator:
    """Drives an attempt with commands, the way a script or the trainer would."""

    def __init__(self, scenario: Scenario, seed: int, heparinise: bool = True) -> None:
        self.attempt = Attempt(scenario, seed)
        if heparinise:  # syringes loaded with heparinised saline, as every harvest starts
            self.do(do="heparinise_syringes")

    @property
    def sim(self) -> Simulation:
        """The simulation under the attempt."""
        return self.attempt.sim

    def do(self, **fields: Any) -> list[Event]:
        """Validate and apply one command given as fields; the events it caused."""
        return self.attempt.apply(parse_command(fields))

    def enter_marrow(
        self,
        landmark: str = "left_psis",
        lateral_deg: float | None = None,
        cranial_deg: float = 0.0,
    ) -> None:
        """Mark a site over the PSIS, go in at the given angles (default: the technique table's
        ideal lateral aim), stop at the give, stylet out."""
        if lateral_deg is None:
            lateral_deg = IDEAL_LATERAL_DEG
        self.do(do="mark_site", landmark=landmark, lateral_mm=0.0, cranial_mm=0.0)
        site = len(self.sim.sites) - 1
        self.do(do="insert", site=site, lateral_deg=lateral_deg, cranial_deg=cranial_deg)
        self.do(do="advance", mm=60.0, twist=True, stop_on="loss_of_resistance")
        if self.sim.needle.tissue != Tissue.MARROW:
            raise RuntimeError(f"calibration track did not reach marrow: {self.sim.needle.tissue}")
        self.do(do="remove_stylet")

    def pull(self, ml: float) -> Event:
        """Aspirate ``ml``; the ``aspirated`` event."""
        events = self.do(do="aspirate", ml=ml)
        return next(e for e in events if e["type"] == "aspirated")

    def pulls(self, plan: Iterable[float | str]) -> list[Event]:
        """Run a plan of pulls (mL) and ``"rotate90"`` steps; the aspirated events."""
        out = []
        for step in plan:
            if step == "rotate90":
                self.do(do="rotate", deg=90.0)
            else:
                out.append(self.pull(float(step)))
        return out


def fresh_pulls(scenario: Scenario, plan: Sequence[float | str]) -> list[list[Event]]:
    """The same plan at the first penetration (fresh marrow), once per seed in YIELD_SEEDS."""
    runs = []
    for seed in YIELD_SEEDS:
        op = Operator(scenario, seed)
        op.enter_marrow()
        runs.append(op.pulls(plan))
    return runs


def expert_harvest(scenario: Scenario) -> Operator:
    """Replay the committed expert reference script (a careful ~1 L harvest)."""
    if not EXPERT_SCRIPT.exists():
        raise RuntimeError(f"calibration needs a source checkout: {EXPERT_SCRIPT} not found")
    op = Operator(scenario, EXPERT_SEED, heparinise=False)  # the script does it
    for raw in EXPERT_SCRIPT.read_text(encoding="utf-8").splitlines():
        if raw.strip():
            op.attempt.apply(parse_command(json.loads(raw)))
    return op


def typical(scenario: Scenario) -> Scenario:
    """The scenario with the population's typical donor (no individual draw): the fitted and
    predicted rows compare the model's typical donor with the literature's typical values."""
    donor = scenario.donor.model_copy(update={"draw": False})
    return scenario.model_copy(update={"donor": donor})


def adult(sex: str, age_years: float = 30.0, bmi: float = 24.0) -> Donor:
    """A typical adult donor (175 cm man or 163 cm woman) of the given age and BMI."""
    height = 175.0 if sex == "male" else 163.0
    return Donor(
        sex=sex,  # type: ignore[arg-type]
        age_years=age_years,
        weight_kg=bmi * (height / 100.0) ** 2,
        height_cm=height,
    )
