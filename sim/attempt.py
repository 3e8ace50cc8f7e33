"""An attempt: one trainee working one scenario, from the first command to ``end``.

The attempt owns the simulation built from the scenario, keeps the command log that replays it,
and tells observers (the records store, the UI) about each command as it is applied.  Scripts,
the headless runner, replays and the UI all drive an attempt the same way: ``apply(command)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.commands import command_to_dict
from sim.scenario.model import Scenario
from sim.simulation import Event, Simulation

CommandObserver = Callable[[dict, list[Event]], None]


class Attempt:
    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.scenario = scenario
        self.seed = seed
        self.sim = Simulation(
            scenario.donor.to_donor(),
            recipient_weight_kg=scenario.recipient.weight_kg,
            seed=seed,
            donor_limit_ml_per_kg=scenario.targets.donor_limit_ml_per_kg,
        )
        self.log: list[dict] = []
        self.observers: list[CommandObserver] = []

    @property
    def ended(self) -> bool:
        return self.sim.ended

    def apply(self, cmd: Any) -> list[Event]:
        """Apply one validated command; raises CommandRejected when it is impossible now."""
        t_before = self.sim.t_s
        events = self.sim.apply(cmd)
        entry = {"t_s": round(t_before, 6), "cmd": command_to_dict(cmd)}
        self.log.append(entry)
        for observer in self.observers:
            observer(entry, events)
        return events

    def result(self) -> dict[str, Any]:
        """The attempt as JSON: metrics, events and the digest of the final state."""
        return {
            "scenario": {"id": self.scenario.id, "version": self.scenario.version},
            "seed": self.seed,
            "metrics": self.sim.metrics(),
            "events": list(self.sim.events),
            "digest": self.sim.digest(),
        }
