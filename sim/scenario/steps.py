"""Procedure steps beyond the needle: time-out, heparinised syringes, the midway cell count,
stop criteria, and the post-procedure care (pressure dressing, Steri-Strips, recovery
observations, discharge teaching).

Each step costs simulated time from ``sim/model/params/timing.toml`` and emits
``{"type": "step_done", "step": <name>, "duration_s", "n", ...}`` (``n`` counts how often the step
has been done) with what a scorer or debrief needs to judge it.  Steps are not forced into an
order; the facts that make an order right or wrong (``before_first_puncture``,
``over_steri_strips``...) are in the event.  Post-procedure steps need the needle out and come
*before* ``end``: ``end`` closes the whole attempt.  Once Steri-Strips or the pressure dressing are
on, collection is over and no new puncture can be made.  ``request_cell_count`` (a response) is
the same count as ``cell_count`` and both answer a pending count requirement.
"""

from __future__ import annotations

from typing import Any

from sim.errors import CommandRejected
from sim.model.simulation import Simulation
from sim.scenario.engine import ScenarioEngine
from sim.scenario.schema import Scenario
from sim.vocabulary import commands as c
from sim.vocabulary.events import (
    ANAESTHETIST_ESCALATION,
    DONOR_HYPOTENSION,
    TRANSFUSION_INDICATED,
)

#: The donor's body's alarms: each is a change in the donor's condition.
BODY_ALARMS = (DONOR_HYPOTENSION, ANAESTHETIST_ESCALATION, TRANSFUSION_INDICATED)

#: Donor-state keys each recovery observation reads.
OBSERVATION_KEYS = {
    "blood_pressure": ("systolic_mmhg", "diastolic_mmhg"),
    "heart_rate": ("heart_rate_bpm",),
    "spo2": ("spo2_pct",),
    "temperature": ("temperature_c",),
    "respiratory_rate": ("respiratory_rate_per_min",),
    "pain": ("pain_score",),
    "dressing": ("dressing",),
}
#: How close a taught fever threshold must be to the scenario's (°C).
FEVER_TOLERANCE_C = 0.1
#: Share of a target or limit that makes a declared stop criterion justified.
STOP_SHARE = {"target_volume_reached": 0.95, "donor_volume_limit": 0.9, "time_limit": 0.9}


class ProcedureSteps:
    """Carries out step commands for one attempt."""

    def __init__(self, scenario: Scenario, sim: Simulation, engine: ScenarioEngine) -> None:
        self.scenario = scenario
        self.sim = sim
        self.engine = engine
        self.timing = sim.timing

    def apply(self, cmd: Any) -> None:
        getattr(self, "_do_" + cmd.do)(cmd)

    # ------------------------------------------------------------------ helpers
    def _done(self, step: str, duration_s: float, **fields: Any) -> None:
        self.sim.spend(duration_s)
        self.engine.steps_done.append(step)
        n = self.engine.steps_done.count(step)
        self.sim.emit("step_done", step=step, duration_s=duration_s, n=n, **fields)

    def _needle_out(self, step: str) -> None:
        if self.sim.needle.inserted:
            raise CommandRejected(f"cannot do {step} with the needle in; remove_needle first")

    # ------------------------------------------------------------------ before / during
    def _do_time_out(self, cmd: c.TimeOut) -> None:
        self._done(
            "time_out",
            self.timing.time_out_s,
            checks=list(cmd.checks),
            before_first_puncture=not self.sim.punctured,
        )

    def _do_heparinise_syringes(self, cmd: c.HepariniseSyringes) -> None:
        self.sim.anticoagulation["syringes"] = True
        t = self.timing
        self._done(
            "heparinise_syringes",
            t.heparinise_syringes_fixed_s + t.heparinise_syringes_per_syringe_s * cmd.syringes,
            syringes=cmd.syringes,
            before_first_aspiration=self.sim.aspirations == 0,
        )

    def _count(self, response: bool) -> None:
        bag = self.sim.bag
        if bag.volume_ml <= 0:
            raise CommandRejected("cannot count cells: the bag is empty")
        issued_s = self.sim.t_s
        targets, recipient_kg = self.scenario.targets, self.scenario.recipient.weight_kg
        target = targets.tnc_per_kg_recipient * recipient_kg
        per_ml = bag.tnc_per_ml
        counted = {
            "tnc_per_ml": round(per_ml),
            "bag_ml": bag.volume_ml,
            "tnc_total": round(bag.tnc),
            "tnc_per_kg_recipient": round(bag.tnc_per_kg_recipient),
            "target_tnc_per_kg_recipient": targets.tnc_per_kg_recipient,
            "ml_to_target": max(0.0, (target - bag.tnc) / per_ml) if per_ml > 0 else None,
            "ml_to_donor_limit": self.sim.donor_limit_ml - bag.volume_ml,
            "cd34_per_ml": round(bag.cd34 / bag.volume_ml),
            "cd34_per_kg_recipient": round(bag.cd34_per_kg_recipient),
        }
        if targets.cd34_per_kg_recipient is not None:
            cd34_target = targets.cd34_per_kg_recipient * recipient_kg
            cd34_per_ml = bag.cd34 / bag.volume_ml
            counted["target_cd34_per_kg_recipient"] = targets.cd34_per_kg_recipient
            counted["ml_to_cd34_target"] = (
                max(0.0, (cd34_target - bag.cd34) / cd34_per_ml) if cd34_per_ml > 0 else None
            )
        self.sim.spend(self.timing.cell_count_s)
        self.sim.emit("cell_count", **counted)
        self.engine.steps_done.append("cell_count")
        self.sim.emit(
            "step_done",
            step="cell_count",
            duration_s=self.timing.cell_count_s,
            n=self.engine.steps_done.count("cell_count"),
            bag_ml=counted["bag_ml"],
            tnc_per_ml=counted["tnc_per_ml"],
        )
        self.engine.answer("request_cell_count", issued_s, unprompted=response)

    def _do_cell_count(self, cmd: c.CellCount) -> None:
        self._count(response=False)

    def _do_request_cell_count(self, cmd: c.RequestCellCount) -> None:
        self._count(response=True)

    def _do_stop_criteria(self, cmd: c.StopCriteria) -> None:
        s = self.scenario
        bag = self.sim.bag
        if cmd.reason == "target_volume_reached":
            justified = bag.volume_ml >= STOP_SHARE[cmd.reason] * s.target_volume_ml
        elif cmd.reason == "target_cell_dose_reached":
            justified = bag.tnc_per_kg_recipient >= s.targets.tnc_per_kg_recipient
        elif cmd.reason == "donor_volume_limit":
            justified = bag.volume_ml >= STOP_SHARE[cmd.reason] * self.sim.donor_limit_ml
        elif cmd.reason == "time_limit":
            justified = self.sim.t_s >= STOP_SHARE[cmd.reason] * s.time.limit_s
        else:  # donor_condition: a scripted event or the donor's body changed the state
            justified = any(
                (ev["type"] == "donor_state" and ev.get("id") != "circulation")
                or ev["type"] in BODY_ALARMS
                for ev in self.sim.events
            )
        self.engine.stop_collection("stop_criteria")
        self._done(
            "stop_criteria",
            self.timing.stop_criteria_s,
            reason=cmd.reason,
            justified=justified,
            collected_ml=bag.volume_ml,
            target_volume_ml=s.target_volume_ml,
            tnc_per_kg_recipient=round(bag.tnc_per_kg_recipient),
            target_tnc_per_kg_recipient=s.targets.tnc_per_kg_recipient,
            donor_limit_ml=self.sim.donor_limit_ml,
        )

    # ------------------------------------------------------------------ after the needle work
    def _close_sites(self, step: str) -> None:
        self.engine.stop_collection(step)
        if self.engine.sites_closed is None:
            self.engine.sites_closed = step

    def _do_steri_strips(self, cmd: c.SteriStrips) -> None:
        self._needle_out("steri_strips")
        sites = self.engine.skin_sites()
        if sites == 0:
            raise CommandRejected("cannot place Steri-Strips: no skin has been punctured")
        self._close_sites("steri_strips")
        self._done(
            "steri_strips",
            self.timing.steri_strips_per_strip_s * cmd.count,
            count=cmd.count,
            skin_sites=sites,
            matches_sites=cmd.count == sites,
            before_dressing="pressure_dressing" not in self.engine.steps_done,
        )

    def _do_pressure_dressing(self, cmd: c.PressureDressing) -> None:
        self._needle_out("pressure_dressing")
        self._close_sites("pressure_dressing")
        self._done(
            "pressure_dressing",
            self.timing.pressure_dressing_s,
            over_steri_strips="steri_strips" in self.engine.steps_done,
        )

    def _do_recovery_observations(self, cmd: c.RecoveryObservations) -> None:
        self._needle_out("recovery_observations")
        state = self.engine.donor_state
        dressed = "pressure_dressing" in self.engine.steps_done
        observed: dict[str, float | str] = {}
        for check in cmd.checks:
            for key in OBSERVATION_KEYS[check]:
                if key == "dressing":
                    observed[key] = state.get(key, "dry_intact" if dressed else "no_dressing")
                else:
                    observed[key] = state[key]
        temperature = state.get("temperature_c")
        febrile = (
            isinstance(temperature, int | float)
            and temperature >= self.scenario.care.fever_threshold_c
        )
        self._done(
            "recovery_observations",
            self.timing.recovery_observations_s,
            checks=list(cmd.checks),
            missing=[k for k in self.scenario.care.observations if k not in cmd.checks],
            observed=observed,
            febrile=bool(febrile) if "temperature" in cmd.checks else None,
        )

    def _do_discharge_teaching(self, cmd: c.DischargeTeaching) -> None:
        self._needle_out("discharge_teaching")
        care = self.scenario.care
        t = self.timing
        correct = None
        if "fever_threshold" in cmd.items:
            correct = (
                cmd.fever_threshold_c is not None
                and abs(cmd.fever_threshold_c - care.fever_threshold_c) <= FEVER_TOLERANCE_C
            )
        self._done(
            "discharge_teaching",
            t.discharge_teaching_fixed_s + t.discharge_teaching_per_item_s * len(cmd.items),
            items=list(cmd.items),
            missing=[k for k in care.teaching if k not in cmd.items],
            fever_threshold_c=cmd.fever_threshold_c,
            expected_fever_threshold_c=care.fever_threshold_c,
            fever_threshold_correct=correct,
        )
