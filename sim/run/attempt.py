"""An attempt: one trainee working one scenario, from the first command to ``end``.

The attempt owns the simulation built from the scenario, the scenario engine beside it
(sim/scenario/engine.py: scripted events, donor state, required responses) and the procedure steps
(sim/scenario/steps.py), keeps the command log that replays it, and tells observers (the records
store, the UI) about each command as it is applied.  Scripts, the headless runner, replays and
the UI all drive an attempt the same way: ``apply(command)``.

Routing: needle commands go to the simulation, procedure steps and ``request_cell_count`` to
the procedure steps, the other responses to the engine.  Every command first passes the
engine's gate (e.g. no aspiration while paused) and is followed by its deadline and trigger
checks, so scripted events land in the same event log as the needle's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.model.simulation import Event, Simulation
from sim.scenario.engine import ScenarioEngine
from sim.scenario.nursing import NursingCare
from sim.scenario.schema import Scenario
from sim.scenario.steps import ProcedureSteps
from sim.vocabulary.commands import (
    NURSING_ACCEPTS,
    RESPONSE_NAMES,
    STEP_NAMES,
    command_to_dict,
)

CommandObserver = Callable[[dict, list[Event]], None]
#: Commands the procedure steps carry out (the count is both a step and a response).
PROCEDURE_ROUTE = frozenset(STEP_NAMES) | {"request_cell_count"}
ENGINE_ROUTE = frozenset(RESPONSE_NAMES) - PROCEDURE_ROUTE
#: In a nursing scenario, the nursing care carries out everything but the clock and the close.
NURSING_ROUTE = NURSING_ACCEPTS - {"wait", "end"}


class Attempt:
    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.scenario = scenario
        self.seed = seed
        self.sim = Simulation(
            scenario.donor.to_donor(),
            recipient_weight_kg=scenario.recipient.weight_kg,
            seed=seed,
            donor_limit_ml_per_kg=scenario.targets.donor_limit_ml_per_kg,
            dry_tap=scenario.donor.dry_tap_zone(),
            draw_donor=scenario.donor.draw,
            fluid_replacement=scenario.anaesthesia.fluid_replacement,
        )
        self.engine = ScenarioEngine(scenario, self.sim)
        self.steps = ProcedureSteps(scenario, self.sim, self.engine)
        #: The nurse's station (docs/nursing.md); None in a harvest scenario.
        self.nursing: NursingCare | None = None
        if scenario.kind == "nursing":
            self.nursing = NursingCare(scenario, self.sim, self.engine, self.steps)
        self.log: list[dict] = []
        self.observers: list[CommandObserver] = []

    @property
    def ended(self) -> bool:
        return self.sim.ended

    def apply(self, cmd: Any) -> list[Event]:
        """Apply one validated command; raises CommandRejected when it is impossible now."""
        self.engine.admit(cmd)
        t_before = self.sim.t_s
        start = len(self.sim.events)
        if self.nursing is not None and cmd.do in NURSING_ROUTE:
            self.nursing.apply(cmd)
        elif cmd.do in PROCEDURE_ROUTE:
            self.steps.apply(cmd)
        elif cmd.do in ENGINE_ROUTE:
            self.engine.respond(cmd)
        else:
            if cmd.do == "end":
                self.engine.close()
                if self.nursing is not None:
                    self.nursing.close()
            self.sim.apply(cmd)
        self.engine.after_command(start)
        if self.nursing is not None:
            self.nursing.after_command(start)
        events = self.sim.events[start:]
        entry = {"t_s": round(t_before, 6), "cmd": command_to_dict(cmd)}
        self.log.append(entry)
        for observer in self.observers:
            observer(entry, events)
        return events

    def result(self) -> dict[str, Any]:
        """The attempt as JSON: metrics, events, the scenario engine's state and the digest."""
        return {
            "scenario": {"id": self.scenario.id, "version": self.scenario.version},
            "seed": self.seed,
            "metrics": self.sim.metrics(),
            "scenario_state": self.engine.summary(),
            **({"nursing": self.nursing.state()} if self.nursing is not None else {}),
            "events": list(self.sim.events),
            "digest": self.sim.digest(),
        }
