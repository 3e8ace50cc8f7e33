"""Procedure steps beyond the needle: time-out, skin prep and drapes, local anaesthetic, IV
heparin at induction, heparinised syringes, ACD-A in the bag, the midway cell count, stop
criteria, mixing and filtering the product, sampling and labelling it, the decision between
same-day infusion and freezing, the needle and sharps count, and the post-procedure care
(pressure dressing, Steri-Strips, recovery observations, discharge teaching).

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
from sim.i18n import N_
from sim.model.parameters import table
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


#: Why a step is refused, with a value (the screens translate it: sim/trainer/core_words.py).
NEEDLE_IN = N_("cannot do {step} with the needle in; remove_needle first")
MESSAGE_SHAPES = (NEEDLE_IN,)


class ProcedureSteps:
    """Carries out step commands for one attempt."""

    def __init__(self, scenario: Scenario, sim: Simulation, engine: ScenarioEngine) -> None:
        self.scenario = scenario
        self.sim = sim
        self.engine = engine
        self.timing = sim.timing
        self.prepped: str | None = None

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
            raise CommandRejected(NEEDLE_IN.format(step=step))

    # ------------------------------------------------------------------ before / during
    def _do_time_out(self, cmd: c.TimeOut) -> None:
        self._done(
            "time_out",
            self.timing.time_out_s,
            checks=list(cmd.checks),
            before_first_puncture=not self.sim.punctured,
        )

    # ------------------------------------------------------------------ before the needle
    def _first_puncture_in_position(self) -> bool:
        """No skin has been punctured since the donor took the present position."""
        since = 0
        for i, ev in enumerate(self.sim.events):
            if ev["type"] == "repositioned":
                since = i
        return not any(ev["type"] == "skin_punctured" for ev in self.sim.events[since:])

    def _do_skin_prep(self, cmd: c.SkinPrep) -> None:
        self._needle_out("skin_prep")
        self.prepped = self.sim.position
        self._done(
            "skin_prep",
            self.timing.skin_prep_s,
            antiseptic=cmd.antiseptic,
            drape=cmd.drape,
            position=self.sim.position,
            before_first_puncture=self._first_puncture_in_position(),
        )

    def _do_local_anaesthetic(self, cmd: c.LocalAnaesthetic) -> None:
        mg_per_kg = cmd.ml * 20.0 / self.scenario.donor.weight_kg  # lidocaine 2%: 20 mg/mL
        self._done(
            "local_anaesthetic",
            self.timing.local_anaesthetic_s,
            ml=cmd.ml,
            drug="lidocaine_2pct",
            mg_per_kg=round(mg_per_kg, 3),
            within_max_dose=mg_per_kg <= table("physiology").lidocaine_max_mg_per_kg,
            before_first_puncture=not self.sim.punctured,
        )

    def _do_heparin_iv(self, cmd: c.HeparinIv) -> None:
        self.sim.anticoagulation["iv_heparin"] = True
        self._done(
            "heparin_iv",
            self.timing.heparin_iv_s,
            units_per_kg=cmd.units_per_kg,
            units=round(cmd.units_per_kg * self.scenario.donor.weight_kg),
            dose_as_protocol=abs(cmd.units_per_kg / table("physiology").heparin_iv_u_per_kg - 1)
            <= 0.2,
            before_first_puncture=not self.sim.punctured,
        )

    def _do_acd_in_bag(self, cmd: c.AcdInBag) -> None:
        expected = table("physiology").acd_ratio * self.scenario.target_volume_ml
        ml = cmd.ml if cmd.ml is not None else round(expected)
        self.sim.anticoagulation["acd"] = True
        self.sim.bag_acd_ml += ml
        self._done(
            "acd_in_bag",
            self.timing.acd_in_bag_s,
            ml=ml,
            expected_ml=round(expected, 1),
            ratio_as_protocol=abs(ml / expected - 1) <= 0.25,
            before_first_aspiration=self.sim.bag.volume_ml == 0,
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
            raise CommandRejected(N_("cannot count cells: the bag is empty"))
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

    # ------------------------------------------------------------------ the product
    def _do_filter_product(self, cmd: c.FilterProduct) -> None:
        bag = self.sim.bag
        if bag.volume_ml <= 0:
            raise CommandRejected(N_("cannot filter the product: the bag is empty"))
        collecting = self.engine.collection_stopped is None
        self.engine.stop_collection("filter_product")
        clotted = not self.sim.anticoagulation["acd"]
        lost = table("physiology").bag_clot_loss if clotted else 0.0
        tnc_lost, cd34_lost = bag.tnc * lost, bag.cd34 * lost
        bag.tnc -= tnc_lost
        bag.cd34 -= cd34_lost
        fields: dict[str, Any] = {}
        if clotted:
            fields["message"] = (
                "There was no ACD-A in the bag: the marrow has clotted, and the filters hold the "
                f"clots back with {lost:.0%} of the nucleated cells."
            )
        self._done(
            "filter_product",
            self.timing.filter_product_s,
            bag_ml=bag.volume_ml,
            clotted=clotted,
            tnc_lost=round(tnc_lost),
            tnc_per_kg_recipient=round(bag.tnc_per_kg_recipient),
            cd34_per_kg_recipient=round(bag.cd34_per_kg_recipient),
            after_collection=not collecting,
            **fields,
        )

    def _do_sample_and_label(self, cmd: c.SampleAndLabel) -> None:
        if self.sim.bag.volume_ml <= 0:
            raise CommandRejected(N_("cannot label the product: the bag is empty"))
        self._done(
            "sample_and_label",
            self.timing.sample_and_label_s,
            checks=list(cmd.checks),
            missing=[k for k in c.LABEL_CHECKS if k not in cmd.checks],
            after_filtering="filter_product" in self.engine.steps_done,
        )

    def _do_product_disposition(self, cmd: c.ProductDisposition) -> None:
        if self.sim.bag.volume_ml <= 0:
            raise CommandRejected(N_("there is no product to send"))
        plan = self.scenario.recipient.plan
        expected = "infuse_fresh" if plan == "same_day_infusion" else "cryopreserve"
        self._done(
            "product_disposition",
            self.timing.product_disposition_s,
            decision=cmd.decision,
            recipient_plan=plan,
            matches_plan=cmd.decision == expected,
            labelled="sample_and_label" in self.engine.steps_done,
        )

    def _do_sharps_count(self, cmd: c.SharpsCount) -> None:
        self._needle_out("sharps_count")
        opened = self.sim.needles_opened
        counted = opened if cmd.needles is None else cmd.needles
        fields: dict[str, Any] = {}
        if counted != opened:
            fields["message"] = (
                f"The count is {counted} needles, but {opened} were opened: find the missing "
                "needle before the donor leaves theatre."
            )
        self._done(
            "sharps_count",
            self.timing.sharps_count_s,
            needles_counted=counted,
            needles_opened=opened,
            matches=counted == opened,
            **fields,
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
            raise CommandRejected(N_("cannot place Steri-Strips: no skin has been punctured"))
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
        """One teaching command: one item or several.  What has been taught adds up over the
        commands (``taught``, and ``missing`` against it), and the introduction
        (``discharge_teaching_fixed_s``) is paid once, so one item per command and all items in
        one command take the same time and score the same."""
        self._needle_out("discharge_teaching")
        care = self.scenario.care
        t = self.timing
        correct = None
        if "fever_threshold" in cmd.items:
            correct = (
                cmd.fever_threshold_c is not None
                and abs(cmd.fever_threshold_c - care.fever_threshold_c) <= FEVER_TOLERANCE_C
            )
        before = [
            item
            for ev in self.sim.events
            if ev["type"] == "step_done" and ev.get("step") == "discharge_teaching"
            for item in ev.get("items", ())
        ]
        first = "discharge_teaching" not in self.engine.steps_done
        taught = list(dict.fromkeys([*before, *cmd.items]))
        self._done(
            "discharge_teaching",
            (t.discharge_teaching_fixed_s if first else 0.0)
            + t.discharge_teaching_per_item_s * len(cmd.items),
            items=list(cmd.items),
            taught=taught,
            missing=[k for k in care.teaching if k not in taught],
            fever_threshold_c=cmd.fever_threshold_c,
            expected_fever_threshold_c=care.fever_threshold_c,
            fever_threshold_correct=correct,
        )
