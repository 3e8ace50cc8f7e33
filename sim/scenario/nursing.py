"""The nurse's station: recovery after the harvest, discharge and the next-day visit.

A ``kind = "nursing"`` scenario routes every command through :class:`NursingCare`
(sim/run/attempt.py).  It keeps what the nursing screen draws (docs/nursing.md: the donor's
position, each puncture site's pressure, strip, bleeding and findings, the dressing, the bedside
monitor against the scenario's alarm limits, the observation schedule, the pain, the teaching,
the discharge criteria) and emits the events the nursing rubric scores (``care_done``,
``monitor_alarm``, and the critical ``repeat_observations_missed``, ``unsafe_discharge`` and
``finding_missed``).  The procedure steps it shares with the harvest (Steri-Strips, the
pressure dressing, recovery observations, discharge teaching, the time-out) are carried out by
sim/scenario/steps.py; notifying the anaesthetist and fluids by the scenario engine.

The variant comes from the seed (:func:`choose_variant`), from a generator of its own, so it is
the same on every replay and draws nothing from the simulation's generators.  Nothing here
reads the wall clock.
"""

from __future__ import annotations

import random
from typing import Any

from sim.errors import CommandRejected
from sim.i18n import N_
from sim.model.simulation import Simulation
from sim.scenario.engine import ScenarioEngine
from sim.scenario.schema import MONITOR_KEYS, MONITOR_READINGS, Scenario, Variant
from sim.scenario.steps import ProcedureSteps
from sim.vocabulary import commands as c
from sim.vocabulary.events import (
    CARE_DONE,
    DONOR_HYPOTENSION,
    FINDING_MISSED,
    MONITOR_ALARM,
    REPEAT_OBSERVATIONS_MISSED,
    STEP_DONE,
    UNSAFE_DISCHARGE,
    VARIANT_CHOSEN,
)

#: The fever-threshold teaching item asks for a value: the prompt the window shows.
FEVER_PROMPT = {
    "do": "discharge_teaching",
    "item": "fever_threshold",
    "field": "fever_threshold_c",
    "unit": "°C",
    "min": c.FEVER_THRESHOLD_RANGE_C[0],
    "max": c.FEVER_THRESHOLD_RANGE_C[1],
    "question": "Temperature at which to call, by your local policy (°C)",
}
#: What each discharge criterion means, in words (readiness messages and feedback).
READINESS_WORDS = {
    "stable_observations": N_("stable observations (the last set normal, no alarm)"),
    "pain_controlled": N_("pain controlled (assessed, at or under the scenario's score)"),
    "mobilising": N_("mobilising (walking without light-headedness)"),
    "escort": N_("an adult escort home"),
}
#: Discharge problems beyond the criteria.
DISCHARGE_WORDS = {
    "readiness_not_checked": N_("the discharge criteria were not checked first"),
    "unresolved_hypotension": N_(
        "the hypotension had not been shown resolved by a normal set of observations"
    ),
    "teaching_incomplete": N_("the discharge teaching was not complete"),
    **READINESS_WORDS,
}
#: The core's messages with values, in English in the events; the screens translate them
#: (sim/trainer/core_words.py), each ``{name}`` a value (a list of the words above).
NOT_READY = N_("Not ready for discharge: {unmet}.")
HOME_BUT = N_("She goes home, but {reasons}.")
UNSAFE = N_("Unsafe discharge: {reasons}.")
#: A next-day finding missed: what it was, then the variant's why (the scenario's words).
MISSED = {
    "haematoma": N_("The haematoma was missed: {why}"),
    "infection": N_("The infection was missed: {why}"),
    "low_haemoglobin": N_("The low haemoglobin was missed: {why}"),
}
NO_CARE = N_("the donor went home without the care it needs.")
MESSAGE_SHAPES = (NOT_READY, HOME_BUT, UNSAFE, *MISSED.values())
#: Step commands a nursing scenario shares with the harvest.
SHARED_STEPS = (
    "time_out",
    "steri_strips",
    "pressure_dressing",
    "recovery_observations",
    "discharge_teaching",
)
#: Responses the scenario engine carries out.
ENGINE_RESPONSES = ("notify_anaesthetist", "notify_anesthesia", "give_fluids")


def choose_variant(scenario: Scenario, seed: int) -> Variant:
    """The variant for this seed: weighted, deterministic, from its own generator."""
    variants = scenario.variants
    if len(variants) == 1:
        return variants[0]
    rng = random.Random(f"{scenario.id}:variant:{seed}")
    return rng.choices(variants, weights=[v.weight for v in variants], k=1)[0]


def _hhmm(start: str, t_s: float) -> str:
    h, m = (int(x) for x in start.split(":"))
    total = h * 60 + m + int(t_s // 60)
    return f"{(total // 60) % 24:02d}:{total % 60:02d}"


class NursingCare:
    """The nursing state of one attempt and the nursing commands."""

    def __init__(
        self,
        scenario: Scenario,
        sim: Simulation,
        engine: ScenarioEngine,
        steps: ProcedureSteps,
    ) -> None:
        assert scenario.handover is not None and scenario.monitor is not None
        self.scenario = scenario
        self.sim = sim
        self.engine = engine
        self.steps = steps
        self.care = scenario.care
        self.handover = scenario.handover
        self.limits = scenario.monitor.limits()
        self.variant = choose_variant(scenario, sim.seed)
        self.next_day = self.care.phase == "next_day"
        self.position = self.handover.position
        self.handover_received = False
        n = self.handover.skin_sites
        labels = self.handover.site_labels or [f"site {i + 1}" for i in range(n)]
        self.sites: list[dict[str, Any]] = [
            {
                "index": i,
                "label": labels[i],
                "pressure_s": 0.0,
                "pressure_done": self.next_day,
                "strip": self.next_day,
                "bleeding": "none",
                "haematoma": False,
                "findings": None,
                "inspected": False,
            }
            for i in range(n)
        ]
        self._hidden: dict[int, dict[str, bool]] = {
            i: {"redness": False, "swelling": False, "discharge": False, "tender": False}
            for i in range(n)
        }
        for s in self.variant.sites:
            self.sites[s.site]["bleeding"] = s.bleeding
            self.sites[s.site]["haematoma"] = s.haematoma
            self._hidden[s.site] = {
                "redness": s.redness,
                "swelling": s.swelling,
                "discharge": s.discharge,
                "tender": s.tender,
            }
        self.dressing_on = self.next_day
        self.dressing_removed = False
        self.dressing_checked_s: float | None = None
        #: Observation sets: {"t_s", "abnormal", "alarms"}.
        self.obs_sets: list[dict[str, Any]] = []
        self.repeat_due_s: float | None = None
        self._repeat_from_s: float | None = None
        self.pain_assessed_s: float | None = None
        self.analgesia: list[dict[str, Any]] = []
        self.taught: list[str] = []
        self.fever_taught_c: float | None = None
        self.readiness: dict[str, Any] | None = None
        self.escalations: list[dict[str, Any]] = []
        self.documented = False
        self.discharged = False
        self.decision: str | None = None
        self.bloods: dict[str, float] | None = None
        self.alarms_on: dict[str, str] = {}
        self._closed = False
        self.sim.emit(
            VARIANT_CHOSEN,
            id=self.variant.id,
            title=self.variant.title,
            finding=self.variant.finding,
        )
        if self.variant.donor_state:
            engine._change_state(f"variant:{self.variant.id}", self.variant.donor_state)
        self._check_alarms()

    # ------------------------------------------------------------------ reading the donor
    def vitals(self) -> dict[str, float]:
        state = self.engine.donor_state
        return {k: float(state[k]) for k in MONITOR_KEYS if isinstance(state.get(k), int | float)}

    def alarms(self) -> dict[str, str | None]:
        """Each monitored vital: "low" or "high" against the scenario's limits, else None."""
        vit = self.vitals()
        out: dict[str, str | None] = {}
        for key in MONITOR_KEYS:
            lim = self.limits.get(key)
            value = vit.get(key)
            side = None
            if lim is not None and value is not None:
                if lim.low is not None and value < lim.low:
                    side = "low"
                elif lim.high is not None and value > lim.high:
                    side = "high"
            out[key] = side
        return out

    def pain_score(self) -> float:
        value = self.engine.donor_state.get("pain_score", 0.0)
        return float(value) if isinstance(value, int | float) else 0.0

    def dressing_state(self) -> str:
        if self.dressing_removed:
            return "removed"
        if not self.dressing_on:
            return "none"
        bleeding = {s["bleeding"] for s in self.sites}
        if "active" in bleeding:
            return "soaked"
        if "ooze" in bleeding or any(s["haematoma"] for s in self.sites):
            return "ooze"
        return "dry_intact"

    def criteria(self) -> dict[str, bool]:
        """The discharge criteria as they stand now."""
        alarm = any(self.alarms().values())
        last = self.obs_sets[-1] if self.obs_sets else None
        return {
            "stable_observations": last is not None
            and not last["abnormal"]
            and not alarm
            and self.repeat_due_s is None,
            "pain_controlled": self.pain_assessed_s is not None
            and self.pain_score() <= self.care.pain_controlled_max,
            "mobilising": self.sim.t_s >= 60.0 * self.care.mobilise_after_min
            and not alarm
            and not self.engine.hypotensive,
            "escort": self.handover.escort,
        }

    def unresolved_hypotension(self) -> bool:
        """A hypotensive episode with no normal set of observations after it."""
        last_hypo = None
        for ev in self.sim.events:
            if ev["type"] == DONOR_HYPOTENSION:
                last_hypo = ev["t_s"]
        if last_hypo is None:
            return False
        return not any(s["t_s"] >= last_hypo and not s["abnormal"] for s in self.obs_sets)

    # ------------------------------------------------------------------ the state for the screen
    def state(self) -> dict[str, Any]:
        t = self.sim.t_s
        interval_s = 60.0 * self.care.observation_interval_min
        last_s = self.obs_sets[-1]["t_s"] if self.obs_sets else None
        next_due = (last_s if last_s is not None else 0.0) + interval_s
        if self.repeat_due_s is not None:
            next_due = min(next_due, self.repeat_due_s)
        alarms = self.alarms()
        prompts = []
        if "fever_threshold" in self.care.teaching and "fever_threshold" not in self.taught:
            prompts.append(dict(FEVER_PROMPT))
        messages = [
            {"t_s": ev["t_s"], "text": ev["message"]}
            for ev in self.sim.events
            if isinstance(ev.get("message"), str)
        ][-30:]
        return {
            "phase": self.care.phase,
            "variant": {"id": self.variant.id, "title": self.variant.title},
            "clock": {
                "t_s": t,
                "start_hhmm": self.care.start_hhmm,
                "now_hhmm": _hhmm(self.care.start_hhmm, t),
            },
            "position": self.position,
            "handover": {
                "received": self.handover_received,
                "skin_sites": self.handover.skin_sites,
                "collected_ml": self.handover.collected_ml,
                "escort": self.handover.escort,
                "text": self.handover.text,
            },
            "sites": [
                dict(s, findings=None if s["findings"] is None else dict(s["findings"]))
                for s in self.sites
            ],
            "dressing": {
                "on": self.dressing_on,
                "removed": self.dressing_removed,
                "state": self.dressing_state(),
                "checked_s": self.dressing_checked_s,
            },
            "monitor": {
                "vitals": self.vitals(),
                "limits": {k: {"low": v.low, "high": v.high} for k, v in self.limits.items()},
                "alarms": alarms,
                "alarm": any(alarms.values()),
            },
            "observations": {
                "sets": len(self.obs_sets),
                "last_s": last_s,
                "interval_s": interval_s,
                "next_due_s": next_due,
                "overdue": t > next_due,
                "last_abnormal": bool(self.obs_sets and self.obs_sets[-1]["abnormal"]),
                "repeat_due_s": self.repeat_due_s,
            },
            "pain": {
                "score": self.pain_score(),
                "assessed_s": self.pain_assessed_s,
                "analgesia": [a["drug"] for a in self.analgesia],
            },
            "teaching": {
                "required": list(self.care.teaching),
                "taught": list(self.taught),
                "fever_threshold_c": self.fever_taught_c,
            },
            "readiness": {
                "checked": self.readiness is not None,
                "ready": None if self.readiness is None else self.readiness["ready"],
                "criteria": None if self.readiness is None else dict(self.readiness["criteria"]),
            },
            "escalations": [dict(e) for e in self.escalations],
            "documented": self.documented,
            "discharged": self.discharged,
            "decision": self.decision,
            "bloods": None if self.bloods is None else dict(self.bloods),
            "prompts": prompts,
            "messages": messages,
        }

    # ------------------------------------------------------------------ commands
    def apply(self, cmd: Any) -> None:
        do = cmd.do
        if do in SHARED_STEPS:
            getattr(self, "_step_" + do)(cmd)
        elif do in ENGINE_RESPONSES:
            self._response(cmd)
        else:
            getattr(self, "_do_" + do)(cmd)

    def _care(self, action: str, duration_s: float, message: str, **fields: Any) -> None:
        self.sim.spend(duration_s)
        self.sim.emit(CARE_DONE, action=action, duration_s=duration_s, message=message, **fields)

    def _timing(self, do: str) -> float:
        return float(self.sim.timing[f"{do}_s"])

    # --- assess
    def _do_handover(self, cmd: c.TakeHandover) -> None:
        self.handover_received = True
        self._care(
            "handover",
            self._timing("handover"),
            self.handover.text,
            skin_sites=self.handover.skin_sites,
            collected_ml=self.handover.collected_ml,
            escort=self.handover.escort,
        )

    def _step_recovery_observations(self, cmd: c.RecoveryObservations) -> None:
        vit = self.vitals()
        alarms = {k: v for k, v in self.alarms().items() if v is not None}
        read = {
            key
            for check in cmd.checks
            for key in {
                "blood_pressure": ("systolic_mmhg", "diastolic_mmhg"),
                "heart_rate": ("heart_rate_bpm",),
                "spo2": ("spo2_pct",),
                "temperature": ("temperature_c",),
                "respiratory_rate": ("respiratory_rate_per_min",),
            }.get(check, ())
        }
        seen = {k: side for k, side in alarms.items() if k in read}
        abnormal = bool(seen)
        t0 = self.sim.t_s
        self.steps.apply(cmd)
        if "pain" in cmd.checks:
            self.pain_assessed_s = t0
        if "dressing" in cmd.checks:
            self.dressing_checked_s = t0
        self.obs_sets.append({"t_s": t0, "abnormal": abnormal, "alarms": seen})
        if abnormal:
            self.repeat_due_s = t0 + 60.0 * self.care.repeat_abnormal_within_min
            self._repeat_from_s = t0
        else:
            self.repeat_due_s = None
            self._repeat_from_s = None
        parts = [
            f"{MONITOR_READINGS[k][0]} {vit[k]:g} {MONITOR_READINGS[k][1]} ({side})"
            for k, side in seen.items()
        ]
        self._annotate_last_step(
            abnormal=abnormal,
            alarms=seen,
            message=(
                "Abnormal: " + ", ".join(parts) + ". Repeat the observations within "
                f"{self.care.repeat_abnormal_within_min:g} minutes."
                if abnormal
                else "Observations within the alarm limits."
            ),
        )

    def _annotate_last_step(self, **fields: Any) -> None:
        for ev in reversed(self.sim.events):
            if ev["type"] == STEP_DONE:
                ev.update(fields)
                return

    def _do_assess_pain(self, cmd: c.AssessPain) -> None:
        self.pain_assessed_s = self.sim.t_s
        score = self.pain_score()
        controlled = score <= self.care.pain_controlled_max
        self._care(
            "assess_pain",
            self._timing("assess_pain"),
            f"She scores the pain {score:g}/10 over the harvest sites"
            + ("." if controlled else ": that is not controlled; give analgesia as prescribed."),
            pain_score=score,
            controlled=controlled,
        )

    def _do_inspect_dressing(self, cmd: c.InspectDressing) -> None:
        self.dressing_checked_s = self.sim.t_s
        state = self.dressing_state()
        bleeding = [s["index"] for s in self.sites if s["bleeding"] != "none"]
        haematoma = [s["index"] for s in self.sites if s["haematoma"]]
        words = {
            "none": "No dressing yet: the sites are bare",
            "dry_intact": "The dressing is dry and intact",
            "ooze": "There is fresh blood on the dressing",
            "soaked": "The dressing is soaked with blood",
            "removed": "The dressing is off",
        }[state]
        extra = ""
        if bleeding:
            extra += " Bleeding at site " + ", ".join(str(i + 1) for i in bleeding) + "."
        if haematoma:
            extra += (
                " A swelling (haematoma) at site " + ", ".join(str(i + 1) for i in haematoma) + "."
            )
        self._care(
            "inspect_dressing",
            self._timing("inspect_dressing"),
            words + "." + extra,
            dressing=state,
            dressing_on=self.dressing_on,
            bleeding_sites=bleeding,
            haematoma_sites=haematoma,
        )

    def _site(self, index: int, field: str = "site") -> dict[str, Any]:
        if index >= len(self.sites):
            raise CommandRejected(
                f"there are {len(self.sites)} puncture sites (0-{len(self.sites) - 1})",
                field=field,
            )
        return self.sites[index]

    def _do_inspect_site(self, cmd: c.InspectSite) -> None:
        site = self._site(cmd.site)
        covered = self.dressing_on and not self.dressing_removed
        if covered:
            site["inspected"] = False
            findings = None
            message = f"The dressing covers {site['label']}: remove it to inspect the site."
        else:
            site["inspected"] = True
            findings = dict(self._hidden[cmd.site])
            site["findings"] = findings
            seen = [k for k, v in findings.items() if v]
            if site["haematoma"]:
                seen.append("a haematoma")
            if site["bleeding"] != "none":
                seen.append(f"bleeding ({site['bleeding']})")
            message = (
                f"{site['label'].capitalize()}: "
                + (", ".join(seen) if seen else "clean and dry, no redness, swelling or discharge")
                + "."
            )
        self._care(
            "inspect_site",
            self._timing("inspect_site"),
            message,
            site=cmd.site,
            covered=covered,
            findings=findings,
            haematoma=site["haematoma"],
            bleeding=site["bleeding"],
        )

    def _do_take_temperature(self, cmd: c.TakeTemperature) -> None:
        temp = float(self.engine.donor_state.get("temperature_c", 36.8))
        febrile = temp >= self.care.fever_threshold_c
        self._care(
            "take_temperature",
            self._timing("take_temperature"),
            f"Temperature {temp:.1f} °C"
            + (
                f": at or over your local policy's threshold ({self.care.fever_threshold_c:g} °C)."
                if febrile
                else "."
            ),
            temperature_c=temp,
            febrile=febrile,
            threshold_c=self.care.fever_threshold_c,
        )

    def _do_ask_symptoms(self, cmd: c.AskSymptoms) -> None:
        self._care("ask_symptoms", self._timing("ask_symptoms"), self.variant.symptoms)

    def _do_review_bloods(self, cmd: c.ReviewBloods) -> None:
        bloods = dict(self.variant.bloods)
        if not bloods:
            hb = self.engine.donor_state.get("hb_g_l")
            if isinstance(hb, int | float):
                bloods = {"hb_g_l": float(hb)}
        # Sorted: a replay reads the scenario back from a log written with sorted keys.
        bloods = dict(sorted(bloods.items()))
        self.bloods = bloods
        text = ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in bloods.items())
        self._care(
            "review_bloods",
            self._timing("review_bloods"),
            f"Blood results: {text}." if text else "No blood results for today.",
            bloods=bloods,
        )

    # --- intervene
    def _do_position_donor(self, cmd: c.PositionDonor) -> None:
        before = self.position
        self.position = cmd.position
        words = {
            "prone": "She lies prone.",
            "supine": "She lies on her back.",
            "flat_legs_raised": "She lies flat with her legs raised.",
        }
        self._care(
            "position_donor",
            self._timing("position_donor"),
            words[cmd.position],
            position=cmd.position,
            previous=before,
            hypotensive=self.engine.hypotensive,
        )

    def _do_apply_pressure(self, cmd: c.ApplyPressure) -> None:
        site = self._site(cmd.site)
        site["pressure_s"] += cmd.s
        stopped = False
        if site["pressure_s"] >= self.care.pressure_min_s:
            site["pressure_done"] = True
            if site["bleeding"] != "none":
                site["bleeding"] = "none"
                stopped = True
        self._care(
            "apply_pressure",
            cmd.s,
            f"Pressure on {site['label']} for {cmd.s:g} s"
            + (": the bleeding has stopped." if stopped else "."),
            site=cmd.site,
            s=cmd.s,
            pressure_s=site["pressure_s"],
            pressure_done=site["pressure_done"],
            strip_on=site["strip"],
        )

    def _step_steri_strips(self, cmd: c.SteriStrips) -> None:
        pressed = [s["index"] for s in self.sites[: cmd.count] if s["pressure_done"]]
        unpressed = [s["index"] for s in self.sites[: cmd.count] if not s["pressure_done"]]
        self.steps.apply(cmd)
        for s in self.sites[: cmd.count]:
            s["strip"] = True
        self._annotate_last_step(sites_pressed=pressed, sites_without_pressure=unpressed)

    def _step_pressure_dressing(self, cmd: c.PressureDressing) -> None:
        bleeding = [s["index"] for s in self.sites if s["bleeding"] != "none"]
        self.steps.apply(cmd)
        self.dressing_on = True
        self.dressing_removed = False
        self._annotate_last_step(bleeding_under=bleeding, position=self.position)

    def _do_give_analgesia(self, cmd: c.GiveAnalgesia) -> None:
        due = self.sim.t_s + 60.0 * self.care.analgesia_onset_min
        self.analgesia.append({"drug": cmd.drug, "t_s": self.sim.t_s, "due_s": due, "done": False})
        self._care(
            "give_analgesia",
            self._timing("give_analgesia"),
            f"{cmd.drug.replace('_', ' ').capitalize()} given as prescribed; it should work in "
            f"about {self.care.analgesia_onset_min:g} minutes.",
            drug=cmd.drug,
            pain_assessed=self.pain_assessed_s is not None,
            pain_score=self.pain_score(),
        )

    def _do_remove_dressing(self, cmd: c.RemoveDressing) -> None:
        if not self.dressing_on or self.dressing_removed:
            raise CommandRejected(N_("there is no dressing on to remove"))
        self.dressing_removed = True
        self.dressing_on = False
        self._care(
            "remove_dressing",
            self._timing("remove_dressing"),
            "The pressure dressing is off; the Steri-Strips stay on the sites.",
            next_day=self.next_day,
        )

    # --- escalate
    def _response(self, cmd: Any) -> None:
        do = c.canonical_response(cmd.do)
        notified = any(e["to"] == "anaesthetist" for e in self.escalations)
        t0 = self.sim.t_s
        self.engine.respond(cmd)
        if do == "notify_anaesthetist":
            self.escalations.append({"to": "anaesthetist", "t_s": t0})
            self.sim.emit(
                CARE_DONE,
                action="notify_anaesthetist",
                duration_s=self.sim.t_s - t0,
                message="You tell the anaesthetist: " + self._sbar(),
                hypotensive=self.engine.hypotensive,
            )
        else:
            self.sim.emit(
                CARE_DONE,
                action="give_fluids",
                duration_s=self.sim.t_s - t0,
                message=f"{cmd.ml:g} mL {cmd.fluid} running"
                + (
                    " as the anaesthetist prescribed."
                    if notified
                    else ": fluids need the anaesthetist's prescription."
                ),
                ml=cmd.ml,
                prescribed=notified,
            )

    def _sbar(self) -> str:
        vit = self.vitals()
        return (
            f"BP {vit.get('systolic_mmhg', 0):.0f}/{vit.get('diastolic_mmhg', 0):.0f} mmHg, "
            f"heart rate {vit.get('heart_rate_bpm', 0):.0f}, SpO2 {vit.get('spo2_pct', 0):.0f}%."
        )

    def _do_call_doctor(self, cmd: c.CallDoctor) -> None:
        self.escalations.append({"to": "doctor", "t_s": self.sim.t_s})
        self._care(
            "call_doctor",
            self._timing("call_doctor"),
            "You call the doctor and summarise: " + self._sbar(),
        )

    # --- teach
    def _step_discharge_teaching(self, cmd: c.DischargeTeaching) -> None:
        for n, item in enumerate(cmd.items):
            if item not in self.care.teaching:
                raise CommandRejected(
                    f"{item!r} is not a teaching item of this scenario (expected one of: "
                    f"{', '.join(self.care.teaching)})",
                    field=f"items.{n}",
                )
        if "fever_threshold" in cmd.items and cmd.fever_threshold_c is None:
            raise CommandRejected(
                N_(
                    "the fever_threshold item needs the temperature taught (your local policy's "
                    "threshold, 35-42 °C)"
                ),
                field="fever_threshold_c",
            )
        self.steps.apply(cmd)
        for item in cmd.items:
            if item not in self.taught:
                self.taught.append(item)
        if cmd.fever_threshold_c is not None and "fever_threshold" in cmd.items:
            self.fever_taught_c = cmd.fever_threshold_c
        self._annotate_last_step(
            after_readiness=bool(self.readiness and self.readiness["ready"]),
        )

    def _step_time_out(self, cmd: c.TimeOut) -> None:
        self.steps.apply(cmd)

    # --- document, discharge, decide
    def _do_document(self, cmd: c.Document) -> None:
        self.documented = True
        self._care(
            "document",
            self._timing("document"),
            "You write up the care, the observations and the teaching.",
        )

    def _do_discharge_readiness(self, cmd: c.DischargeReadiness) -> None:
        crit = self.criteria()
        ready = all(crit.values())
        self.readiness = {"t_s": self.sim.t_s, "criteria": crit, "ready": ready}
        unmet = [READINESS_WORDS[k] for k, ok in crit.items() if not ok]
        self._care(
            "discharge_readiness",
            self._timing("discharge_readiness"),
            "Ready for discharge: every criterion holds."
            if ready
            else NOT_READY.format(unmet="; ".join(unmet)),
            criteria=crit,
            ready=ready,
        )

    def _do_discharge(self, cmd: c.Discharge) -> None:
        if self.discharged:
            raise CommandRejected(N_("the donor has already gone home"))
        crit = self.criteria()
        reasons = [k for k, ok in crit.items() if not ok]
        if self.readiness is None or not self.readiness["ready"]:
            reasons.insert(0, "readiness_not_checked")
        if self.unresolved_hypotension():
            reasons.append("unresolved_hypotension")
        missing = [i for i in self.care.teaching if i not in self.taught]
        if missing:
            reasons.append("teaching_incomplete")
        self.discharged = True
        t0 = self.sim.t_s
        self._care(
            "discharge",
            self._timing("discharge"),
            "She goes home with her escort."
            if not reasons
            else HOME_BUT.format(reasons="; ".join(DISCHARGE_WORDS[r] for r in reasons)),
            safe=not reasons,
            reasons=reasons,
            teaching_missing=missing,
        )
        if reasons:
            self.sim.emit(
                UNSAFE_DISCHARGE,
                reasons=reasons,
                at_s=t0,
                message=UNSAFE.format(reasons="; ".join(DISCHARGE_WORDS[r] for r in reasons)),
            )
            self._critical(UNSAFE_DISCHARGE)

    def _do_next_day_decision(self, cmd: c.NextDayDecision) -> None:
        self.decision = cmd.decision
        v = self.variant
        right = cmd.decision == v.expected_decision or cmd.decision in v.acceptable_decisions
        if v.expected_decision is None:
            right = True
        self._care(
            "next_day_decision",
            self._timing("next_day_decision"),
            f"Decision: {cmd.decision}.",
            decision=cmd.decision,
            expected=v.expected_decision,
            acceptable=[v.expected_decision, *v.acceptable_decisions]
            if v.expected_decision
            else [],
            right=right,
            finding=v.finding,
        )

    # ------------------------------------------------------------------ after each command
    def _critical(self, code: str) -> None:
        if code in self.scenario.rubric.critical_errors:
            self.sim.add_critical(code)

    def _check_alarms(self) -> None:
        now = {k: v for k, v in self.alarms().items() if v is not None}
        vit = self.vitals()
        for key, side in now.items():
            if self.alarms_on.get(key) != side:
                lim = self.limits[key]
                self.sim.emit(
                    MONITOR_ALARM,
                    key=key,
                    value=vit[key],
                    side=side,
                    limit=lim.low if side == "low" else lim.high,
                    message=f"Monitor alarm: {key.replace('_', ' ')} {vit[key]:g} ({side}).",
                )
        self.alarms_on = now

    def after_command(self, start: int) -> None:
        """Analgesia taking effect, the monitor's alarms, the repeat-observation deadline."""
        if self.sim.ended:
            return
        now = self.sim.t_s
        for dose in self.analgesia:
            if not dose["done"] and now >= dose["due_s"]:
                dose["done"] = True
                pain = max(0.0, self.pain_score() - self.care.analgesia_relief)
                self.engine._change_state("analgesia", {"pain_score": pain})
        for ev in self.sim.events[start:]:
            if ev["type"] == DONOR_HYPOTENSION and self.repeat_due_s is None:
                # The monitor's reading is abnormal: a set of observations is due.
                self.repeat_due_s = ev["t_s"] + 60.0 * self.care.repeat_abnormal_within_min
                self._repeat_from_s = ev["t_s"]
        self._check_alarms()
        self._check_repeat(now, at_end=False)

    def _check_repeat(self, now: float, *, at_end: bool) -> None:
        # At the end only an overdue repeat is missed: care handed on within the interval is
        # not (the next nurse or the doctor takes the next set).
        if self.repeat_due_s is not None and now > self.repeat_due_s:
            self.sim.emit(
                REPEAT_OBSERVATIONS_MISSED,
                abnormal_s=self._repeat_from_s,
                due_s=self.repeat_due_s,
                at_end=at_end,
                message=(
                    "The abnormal observations were not repeated within "
                    f"{self.care.repeat_abnormal_within_min:g} minutes: after hypotension the "
                    "next set shows whether she is recovering or getting worse."
                ),
            )
            self._critical(REPEAT_OBSERVATIONS_MISSED)
            self.repeat_due_s = None
            self._repeat_from_s = None

    def close(self) -> None:
        """The attempt ended: a finding the visit did not act on is missed."""
        if self._closed:
            return
        self._closed = True
        self._check_repeat(self.sim.t_s, at_end=True)
        v = self.variant
        if self.next_day and v.finding != "none" and self.decision in (None, "reassure"):
            self.sim.emit(
                FINDING_MISSED,
                finding=v.finding,
                decision=self.decision,
                expected=v.expected_decision,
                message=MISSED[v.finding].format(why=v.why or NO_CARE),
            )
            self._critical(FINDING_MISSED)
