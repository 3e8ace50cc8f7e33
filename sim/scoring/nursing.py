"""The nursing rubric: how a ``kind = "nursing"`` attempt is scored (issue 11).

Six criteria, weighted by the scenario's ``rubric.weights`` (``NURSING_CRITERIA``):

* ``assessment``: the handover first; observations at the scenario's interval, each set
  complete; pain assessed before analgesia and again after it; next day: what the donor
  reports, the temperature, every site inspected with the dressing off, the blood results;
* ``safety_responses``: after hypotension, lying flat with the legs raised within
  ``care.lie_flat_within_min``, observations repeated within ``care.repeat_abnormal_within_min``
  of any abnormal set, fluids only as the anaesthetist prescribes; a discharge only once the
  criteria hold;
* ``haemostasis_site_care``: pressure on each puncture for ``care.pressure_min_s`` before its
  Steri-Strip, a strip on each, the pressure dressing over them, then the dressing checked for
  bleeding; next day: the dressing off and each site inspected, a haematoma pressed and
  re-dressed;
* ``teaching``: every item of ``care.teaching`` (one command per item or all in one: the union
  counts), the fever threshold of the local policy, after the discharge criteria were checked;
* ``escalation``: the anaesthetist told within the required time, the record written; next day:
  the right decision for the variant and the doctor called when escalating;
* ``timeliness``: the time against par and limit, and how fast required responses came.

It reads only the event log and the scenario (docs/scoring.md), so a live attempt, a recorded
one and a replay score the same.  The numbers it judges against are the scenario's (``[care]``,
``[monitor]``, the variant), read here and nowhere else.  Critical errors are the scenario's
``rubric.critical_errors`` among ``missed_required_response``, ``repeat_observations_missed``,
``unsafe_discharge`` and ``finding_missed``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sim.scenario.schema import NURSING_CRITERIA, Scenario
from sim.scoring.result import CriterionScore, Judgement, Score
from sim.scoring.text import clamp01, minutes, ramp, weighted
from sim.vocabulary.events import (
    CARE_DONE,
    DONOR_HYPOTENSION,
    ENDED,
    FINDING_MISSED,
    MISSED_REQUIRED_RESPONSE,
    MONITOR_ALARM,
    NURSING_CRITICAL_EVENTS,
    REPEAT_OBSERVATIONS_MISSED,
    RESPONSE_MADE,
    RESPONSE_REQUIRED,
    STEP_DONE,
    UNSAFE_DISCHARGE,
    VARIANT_CHOSEN,
)
from sim.vocabulary.technique import Thresholds

#: Default weights when a nursing scenario's rubric names none of the nursing criteria.
DEFAULT_WEIGHTS = {
    "assessment": 25,
    "safety_responses": 25,
    "haemostasis_site_care": 15,
    "teaching": 15,
    "escalation": 10,
    "timeliness": 10,
}
#: Lying flat later than the scenario's time: no credit at this multiple of it.
LIE_FLAT_ZERO_FACTOR = 3.0
#: Credit left for a step done but flawed (the wrong moment, the wrong count).
FLAWED_CREDIT = 0.5
#: Credit for an acceptable but not the best next-day decision.
ACCEPTABLE_DECISION_CREDIT = 0.6
#: Teaching the donor cannot do without to spot and report an infection.
SAFETY_TEACHING = ("signs_of_infection", "when_to_call", "fever_threshold")
#: Why each teaching item matters, for the feedback.
TEACHING_WHY = {
    "site_care": "how to keep the sites clean and dry",
    "signs_of_infection": "redness, swelling, discharge or worsening pain: the signs she must "
    "report",
    "fever_threshold": "the temperature at which to call, by your local policy",
    "when_to_call": "when and whom to call, day or night",
    "dressing_removal_next_day": "that the dressing comes off at the clinic tomorrow",
    "pain_relief": "pain relief for the next 3-4 days",
    "activity": "what to avoid until she is back to normal (1-7 days)",
}
CRITICAL_WORDS = {
    MISSED_REQUIRED_RESPONSE: "A required response was not made in time",
    REPEAT_OBSERVATIONS_MISSED: "Observations were not repeated after an abnormal set",
    UNSAFE_DISCHARGE: "The donor was discharged before it was safe",
    FINDING_MISSED: "The next-day finding was missed",
}


class Log:
    """The event log, read once into what the nursing criteria need."""

    def __init__(self, events: Iterable[Mapping[str, Any]], scenario: Scenario) -> None:
        self.events = [dict(e) for e in events]
        self.scenario = scenario
        self.care = scenario.care
        self.next_day = self.care.phase == "next_day"
        self.end_s = max((float(e["t_s"]) for e in self.events), default=0.0)
        ended = [e for e in self.events if e["type"] == ENDED]
        if ended:
            self.end_s = float(ended[0]["t_s"])
        self.care_done = [e for e in self.events if e["type"] == CARE_DONE]
        self.steps = [e for e in self.events if e["type"] == STEP_DONE]
        self.obs = [e for e in self.steps if e.get("step") == "recovery_observations"]
        self.variant_id = next((e["id"] for e in self.events if e["type"] == VARIANT_CHOSEN), None)
        self.variant = next((v for v in scenario.variants if v.id == self.variant_id), None) or (
            scenario.variants[0] if scenario.variants else None
        )
        hypo = [
            e["t_s"]
            for e in self.events
            if e["type"] == DONOR_HYPOTENSION
            or (
                e["type"] == MONITOR_ALARM
                and e.get("key") == "systolic_mmhg"
                and e.get("side") == "low"
            )
        ]
        self.hypotension_s: float | None = min(hypo) if hypo else None
        self.sites = scenario.handover.skin_sites if scenario.handover else 0

    def actions(self, action: str) -> list[dict[str, Any]]:
        return [e for e in self.care_done if e.get("action") == action]

    def step(self, step: str) -> list[dict[str, Any]]:
        return [e for e in self.steps if e.get("step") == step]

    def first_s(self, action: str) -> float | None:
        found = self.actions(action) or self.step(action)
        return min(float(e["t_s"]) for e in found) if found else None

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == kind]

    def start_s(self, e: Mapping[str, Any]) -> float:
        """When a care action began (events are stamped at its end)."""
        return float(e["t_s"]) - float(e.get("duration_s") or 0.0)


def _words(items: Iterable[str]) -> str:
    return ", ".join(str(x).replace("_", " ") for x in items)


# --------------------------------------------------------------------------- the criteria
def assessment(log: Log) -> Judgement:
    fb: list[str] = []
    parts: dict[str, tuple[float, float]] = {}
    care = log.care
    first_action = min((log.start_s(e) for e in log.care_done + log.steps), default=None)
    handovers = log.actions("handover")
    handover_s = min((log.start_s(e) for e in handovers), default=None)
    if handover_s is None:
        h = 0.0
        fb.append(
            "You did not take the handover: it tells you the sites, what was taken and "
            "what to watch for."
        )
    elif first_action is not None and handover_s > first_action + 1e-6:
        h = FLAWED_CREDIT
        fb.append("The handover came after you had started care: take it first.")
    else:
        h = 1.0
    parts["handover"] = (h, 1.0)

    # Observations: complete sets, and no gap longer than the interval.
    interval = 60.0 * care.observation_interval_min
    if not log.obs:
        parts["observations"] = (0.0, 2.0)
        fb.append(
            "No observations were taken: blood pressure, pulse, SpO2, temperature, "
            "breathing and pain show how she is recovering."
        )
    else:
        required = set(care.observations)
        complete = [
            clamp01(len(required & set(e.get("checks") or ())) / max(1, len(required)))
            for e in log.obs
        ]
        times = [log.start_s(e) for e in log.obs]
        stop = log.first_s("discharge")
        stop = log.end_s if stop is None else stop
        marks = [0.0, *times, stop]
        gaps = [b - a for a, b in zip(marks, marks[1:], strict=False)]
        late = [g for g in gaps if g > interval + 60.0]
        on_time = 1.0 - len(late) / max(1, len(gaps))
        parts["observations"] = (0.5 * sum(complete) / len(complete) + 0.5 * on_time, 2.0)
        if min(complete) < 1.0:
            fb.append("Some sets of observations were incomplete: take every check each time.")
        if late:
            fb.append(
                f"{len(late)} time(s) more than {care.observation_interval_min:g} minutes passed "
                f"without observations (the longest gap {minutes(max(late))}): the interval is "
                "set so a deterioration is caught early."
            )

    if not log.next_day:
        pain_s = sorted(
            [log.start_s(e) for e in log.actions("assess_pain")]
            + [log.start_s(e) for e in log.obs if "pain" in (e.get("checks") or ())]
        )
        analgesia = log.actions("give_analgesia")
        p = 0.0
        if pain_s:
            p = 0.5
            if analgesia:
                a_s = log.start_s(analgesia[0])
                before = any(t <= a_s for t in pain_s)
                after = any(t > a_s for t in pain_s)
                p = 0.5 * before + 0.5 * after
                if not before:
                    fb.append("Analgesia was given before the pain was assessed.")
                if not after:
                    fb.append(
                        "The pain was not reassessed after analgesia: you cannot tell "
                        "whether it worked, and 'pain controlled' is a discharge criterion."
                    )
            elif any(
                (e.get("pain_score") or 0) > care.pain_controlled_max
                for e in log.actions("assess_pain")
            ):
                p = 0.5
                fb.append("Her pain was over the discharge score and no analgesia was given.")
            else:
                p = 1.0
        else:
            fb.append(
                "Her pain was never assessed: collection-site pain is the commonest "
                "complaint after a harvest (clinical.md §3)."
            )
        parts["pain"] = (p, 1.0)
    else:
        checks = {
            "ask_symptoms": "You did not ask how she has been: fever, dizziness or bleeding at "
            "home are told, not seen.",
            "take_temperature": "You did not take her temperature: fever is the first sign of "
            "infection.",
            "review_bloods": "You did not review today's blood results: a low haemoglobin "
            "explains dizziness and a fast pulse.",
        }
        for action, why in checks.items():
            done = bool(log.actions(action)) or (
                action == "take_temperature"
                and any("temperature" in (e.get("checks") or ()) for e in log.obs)
            )
            parts[action] = (1.0 if done else 0.0, 1.0)
            if not done:
                fb.append(why)
        inspected = {e.get("site") for e in log.actions("inspect_site") if not e.get("covered")}
        share = len(inspected) / max(1, log.sites)
        parts["sites_inspected"] = (share, 2.0)
        if share < 1.0:
            missing = [str(i + 1) for i in range(log.sites) if i not in inspected]
            fb.append(
                "Site(s) " + ", ".join(missing) + " were not inspected with the dressing off: "
                "redness, swelling or discharge at one site is how an infection starts."
            )
    if not fb:
        fb.append(
            "Assessment complete: handover, observations on time"
            + (
                ", pain assessed and reassessed."
                if not log.next_day
                else ", symptoms, temperature, every site and the bloods."
            )
        )
    return Judgement(weighted(parts), fb, parts={k: v for k, (v, _) in parts.items()})


def safety_responses(log: Log) -> Judgement:
    fb: list[str] = []
    parts: dict[str, tuple[float, float]] = {}
    care = log.care
    if log.hypotension_s is not None:
        onset = log.hypotension_s
        flat = [
            log.start_s(e)
            for e in log.actions("position_donor")
            if e.get("position") == "flat_legs_raised"
        ]
        # Lying flat counts from the first alarm, even if done in anticipation just before.
        delay = min((t - onset for t in flat), key=abs, default=None)
        within = 60.0 * care.lie_flat_within_min
        if delay is None:
            parts["lie_flat"] = (0.0, 1.0)
            fb.append(
                "She was not laid flat with her legs raised when her blood pressure fell: "
                "it is the quickest way to bring blood back to the heart and brain."
            )
        else:
            credit = ramp(max(0.0, delay), within, LIE_FLAT_ZERO_FACTOR * within)
            parts["lie_flat"] = (credit, 1.0)
            if credit < 1.0:
                fb.append(
                    f"She was laid flat {delay / 60:.1f} min after her blood pressure fell "
                    f"(aim for {care.lie_flat_within_min:g} min)."
                )
        fluids = log.actions("give_fluids")
        if fluids:
            ok = all(e.get("prescribed") for e in fluids)
            parts["fluids"] = (1.0 if ok else FLAWED_CREDIT, 1.0)
            if not ok:
                fb.append("Fluids were given before the anaesthetist prescribed them.")
        else:
            parts["fluids"] = (0.0, 1.0)
            fb.append(
                "No fluids were given for the hypotension, although the anaesthetist "
                "prescribed them."
            )
        normal_after = any(log.start_s(e) > onset and not e.get("abnormal") for e in log.obs)
        parts["resolved"] = (1.0 if normal_after else 0.0, 1.0)
        if not normal_after:
            fb.append("No normal set of observations showed the hypotension had resolved.")
    missed = log.of_type(REPEAT_OBSERVATIONS_MISSED)
    parts["repeat_observations"] = (0.0 if missed or not log.obs else 1.0, 2.0)
    if not log.obs:
        fb.append("No observations were taken, so nothing abnormal could be acted on.")
    if missed:
        fb.append(
            f"After an abnormal set the observations were not repeated within "
            f"{care.repeat_abnormal_within_min:g} minutes: the next set is what shows whether "
            "she is recovering or getting worse."
        )
    if not log.next_day:
        unsafe = log.of_type(UNSAFE_DISCHARGE)
        discharged = log.actions("discharge")
        if unsafe:
            parts["discharge"] = (0.0, 2.0)
            fb.append(
                str(unsafe[0].get("message")) + " A donor sent home before she is stable "
                "can collapse on the way home, with no one to treat her."
            )
        elif not discharged:
            parts["discharge"] = (FLAWED_CREDIT, 2.0)
            fb.append("The care ended without a discharge.")
        else:
            parts["discharge"] = (1.0, 2.0)
    if not fb:
        fb.append(
            "Safe: every abnormal finding was acted on and followed up"
            + (", and she went home only once ready." if not log.next_day else ".")
        )
    return Judgement(weighted(parts), fb, parts={k: v for k, (v, _) in parts.items()})


def haemostasis_site_care(log: Log) -> Judgement:
    fb: list[str] = []
    parts: dict[str, tuple[float, float]] = {}
    care = log.care
    n = log.sites
    strips = log.step("steri_strips")
    dressing = log.step("pressure_dressing")
    if not log.next_day:
        pressed: dict[int, float] = {}
        for e in log.actions("apply_pressure"):
            if not e.get("strip_on"):
                pressed[int(e["site"])] = pressed.get(int(e["site"]), 0.0) + float(e["s"])
        enough = [i for i in range(n) if pressed.get(i, 0.0) >= care.pressure_min_s]
        parts["pressure"] = (len(enough) / max(1, n), 2.0)
        if len(enough) < n:
            fb.append(
                f"Direct pressure for {care.pressure_min_s:g} s before the Steri-Strip was "
                f"given on {len(enough)} of {n} punctures: a strip over a site still oozing "
                "lets it bleed under the dressing."
            )
        if not strips:
            parts["strips"] = (0.0, 1.0)
            fb.append("No Steri-Strips: one goes over each puncture.")
        else:
            ok = bool(strips[0].get("matches_sites", True))
            parts["strips"] = (1.0 if ok else FLAWED_CREDIT, 1.0)
            if not ok:
                fb.append(
                    f"You applied {strips[0].get('count')} Steri-Strips for {n} punctures: "
                    "one goes over each."
                )
        if not dressing:
            parts["dressing"] = (0.0, 1.0)
            fb.append(
                "No pressure dressing: it reduces swelling, bleeding and bruising (seed page)."
            )
        else:
            ok = bool(dressing[0].get("over_steri_strips", True))
            parts["dressing"] = (1.0 if ok else FLAWED_CREDIT, 1.0)
            if not ok:
                fb.append("The pressure dressing went on before the Steri-Strips.")
            d_s = float(dressing[0]["t_s"])
            checked = any(float(e["t_s"]) > d_s for e in log.actions("inspect_dressing")) or any(
                float(e["t_s"]) > d_s and "dressing" in (e.get("checks") or ()) for e in log.obs
            )
            parts["dressing_checked"] = (1.0 if checked else 0.0, 1.0)
            if not checked:
                fb.append(
                    "The dressing was not checked for bleeding or a haematoma after it "
                    "went on: bleeding is the commonest serious complication (clinical.md "
                    "§3)."
                )
    else:
        removed = bool(log.actions("remove_dressing"))
        parts["dressing_removed"] = (1.0 if removed else 0.0, 1.0)
        if not removed:
            fb.append(
                "The dressing was not removed: the sites cannot be seen under it, and it "
                "comes off the next day (stjude.org)."
            )
        v = log.variant
        if v is not None and v.finding == "haematoma":
            sites = {s.site for s in v.sites if s.haematoma}
            pressed = {int(e["site"]) for e in log.actions("apply_pressure")}
            redressed = any(
                float(e["t_s"]) > (log.first_s("remove_dressing") or 0.0) for e in dressing
            )
            ok = 0.5 * bool(sites & pressed) + 0.5 * redressed
            parts["haematoma"] = (ok, 2.0)
            if ok < 1.0:
                fb.append("The haematoma needed firm pressure and a fresh pressure dressing.")
    if not fb:
        fb.append(
            "Haemostasis and site care done properly."
            if not log.next_day
            else "The dressing off and the sites cared for."
        )
    return Judgement(weighted(parts), fb, parts={k: v for k, (v, _) in parts.items()})


def teaching(log: Log) -> Judgement:
    fb: list[str] = []
    care = log.care
    events = log.step("discharge_teaching")
    taught = list(dict.fromkeys(i for e in events for i in (e.get("items") or ())))
    missing = [i for i in care.teaching if i not in taught]
    coverage = (len(care.teaching) - len(missing)) / max(1, len(care.teaching))
    parts: dict[str, tuple[float, float]] = {"items": (coverage, 3.0)}
    if missing:
        fb.append("Teaching left out: " + "; ".join(TEACHING_WHY.get(i, i) for i in missing) + ".")
    fever = [e for e in events if "fever_threshold" in (e.get("items") or ())]
    if "fever_threshold" in care.teaching and fever:
        last = fever[-1]
        ok = bool(last.get("fever_threshold_correct"))
        parts["fever_threshold"] = (1.0 if ok else 0.0, 1.0)
        if not ok:
            fb.append(
                f"The fever threshold you taught ({last.get('fever_threshold_c')} °C) is not "
                f"your local policy's ({care.fever_threshold_c:g} °C): she would call too late "
                "or not at all."
            )
    if not log.next_day and events:
        ready = [float(e["t_s"]) for e in log.actions("discharge_readiness") if e.get("ready")]
        first_teach = min(log.start_s(e) for e in events)
        ok = bool(ready) and min(ready) <= first_teach
        parts["after_readiness"] = (1.0 if ok else FLAWED_CREDIT, 1.0)
        if not ok:
            fb.append(
                "You taught before checking she was ready for discharge: teaching given "
                "to a donor who is still unwell or in pain is not taken in."
            )
    if not fb:
        fb.append(
            f"All {len(care.teaching)} teaching items covered, with your local policy's "
            f"fever threshold ({care.fever_threshold_c:g} °C)."
        )
    return Judgement(weighted(parts), fb, parts={k: v for k, (v, _) in parts.items()})


def escalation(log: Log) -> Judgement:
    fb: list[str] = []
    parts: dict[str, tuple[float, float]] = {}
    required = log.of_type(RESPONSE_REQUIRED)
    if required:
        made = {e.get("for") for e in log.of_type(RESPONSE_MADE) if not e.get("late")}
        ok = [r for r in required if r.get("id") in made]
        parts["responses"] = (len(ok) / len(required), 2.0)
        for r in required:
            if r.get("id") not in made:
                who = (
                    "the anaesthetist"
                    if "anaesth" in str(r.get("response")) or "anesth" in str(r.get("response"))
                    else str(r.get("response")).replace("_", " ")
                )
                fb.append(
                    f"You did not tell {who} within {float(r.get('within_s', 0)) / 60:g} min of "
                    "the hypotension: fluids and treatment need the anaesthetist's review."
                )
    if log.next_day and log.variant is not None:
        v = log.variant
        decision = next((e for e in log.actions("next_day_decision")), None)
        if decision is None:
            parts["decision"] = (0.0, 3.0)
            fb.append("No decision was made: reassure, treat or escalate.")
        else:
            d = decision.get("decision")
            if v.expected_decision is None or d == v.expected_decision:
                credit = 1.0
            elif d in v.acceptable_decisions:
                credit = ACCEPTABLE_DECISION_CREDIT
                fb.append(
                    f"You chose to {d}; the better decision for {v.title.lower()} is to "
                    f"{v.expected_decision}."
                )
            else:
                credit = 0.0
                fb.append(
                    f"You chose to {d}, but {v.title.lower()} needs you to "
                    f"{v.expected_decision}: {v.why}"
                )
            parts["decision"] = (credit, 3.0)
            if d == "escalate":
                called = bool(log.actions("call_doctor"))
                parts["doctor_called"] = (1.0 if called else 0.0, 1.0)
                if not called:
                    fb.append("You decided to escalate but did not call the doctor.")
    documented = bool(log.actions("document"))
    parts["documented"] = (1.0 if documented else 0.0, 1.0)
    if not documented:
        fb.append("The care was not documented: the next nurse and the clinic rely on the record.")
    if not fb:
        fb.append("Escalated in time to the right person, and documented.")
    return Judgement(weighted(parts), fb, parts={k: v for k, (v, _) in parts.items()})


def timeliness(log: Log, thresholds: Thresholds, done: float = 1.0) -> Judgement:
    """Time against par and limit, scaled by ``done`` (the assessment's fraction: time credit
    is earned only for work done), and how fast required responses came."""
    t = log.scenario.time
    end = log.end_s
    if end <= t.par_s:
        credit = 1.0
    elif end > t.limit_s:
        credit = 0.0
    else:
        credit = 1.0 - (1.0 - thresholds.limit_time_credit) * (end - t.par_s) / max(
            1e-9, t.limit_s - t.par_s
        )
    parts: dict[str, tuple[float, float]] = {"time": (credit * clamp01(done), 3.0)}
    fb = [f"The care took {minutes(end)} (par {minutes(t.par_s)}, limit {minutes(t.limit_s)})."]
    if done < 1.0:
        fb.append(
            f"Only {round(100 * done)}% of the assessment was done, so time credit is scaled to it."
        )
    within = {e.get("id"): float(e.get("within_s") or 0.0) for e in log.of_type(RESPONSE_REQUIRED)}
    made = [e for e in log.of_type(RESPONSE_MADE) if e.get("for") is not None]
    if made:
        credits = []
        for e in made:
            delay = float(e.get("delay_s") or 0.0)
            limit = within.get(e.get("for"), 0.0)
            credits.append(
                0.0
                if e.get("late")
                else 1.0
                - (1.0 - thresholds.response_late_credit) * clamp01(delay / max(1e-9, limit))
            )
        parts["responses"] = (sum(credits) / len(credits), 1.0)
    if log.of_type(MISSED_REQUIRED_RESPONSE):
        parts["responses"] = (0.0, 1.0)
    return Judgement(weighted(parts), fb, parts={k: v for k, (v, _) in parts.items()})


def _failed_conditions(log: Log) -> list[str]:
    out: list[str] = []
    if not log.next_day:
        events = log.step("discharge_teaching")
        taught = {i for e in events for i in (e.get("items") or ())}
        left = [i for i in SAFETY_TEACHING if i in log.care.teaching and i not in taught]
        if left:
            out.append(
                "Discharge teaching left out "
                + _words(left)
                + ": the donor could not spot or report an infection."
            )
        dressing = log.step("pressure_dressing")
        if dressing and dressing[0].get("over_steri_strips") is False:
            out.append("The pressure dressing went on before the Steri-Strips over the harvest "
                       "sites: each puncture is closed first, then pressed under the dressing.")
        fever = [e for e in events if "fever_threshold" in (e.get("items") or ())]
        if fever and not fever[-1].get("fever_threshold_correct"):
            out.append(
                "The donor was taught a fever threshold that is not your local policy's, "
                "so would not call in time."
            )
    elif not log.actions("next_day_decision"):
        out.append("The visit ended without a decision (reassure, treat or escalate).")
    return out


def evaluate_nursing(
    events: Iterable[Mapping[str, Any]],
    scenario: Scenario,
    thresholds: Thresholds | None = None,
) -> Score:
    """Score a nursing attempt's event log against the nursing rubric."""
    th = thresholds or Thresholds()
    log = Log(events, scenario)
    assessed = assessment(log)
    found = {
        "assessment": assessed,
        "safety_responses": safety_responses(log),
        "haemostasis_site_care": haemostasis_site_care(log),
        "teaching": teaching(log),
        "escalation": escalation(log),
        "timeliness": timeliness(log, th, assessed.fraction),
    }
    weights = {k: float(v) for k, v in scenario.rubric.weights.items() if k in NURSING_CRITERIA}
    if not any(weights.values()):
        weights = {k: float(v) for k, v in DEFAULT_WEIGHTS.items()}
    active = {cid: weights.get(cid, 0.0) for cid in NURSING_CRITERIA if weights.get(cid, 0.0) > 0}
    total_weight = sum(active.values())
    criteria = []
    for cid in NURSING_CRITERIA:
        j = found[cid]
        top = 100.0 * active[cid] / total_weight if cid in active else 0.0
        criteria.append(
            CriterionScore(
                id=cid,
                score=round(top * clamp01(j.fraction), 1),
                max=round(top, 1),
                feedback=" ".join(j.feedback),
                assessed=cid in active,
                parts={k: round(v, 3) for k, v in j.parts.items()},
            )
        )
    total = round(clamp01(sum(c.score for c in criteria) / 100.0) * 100.0, 1)
    listed = set(scenario.rubric.critical_errors)
    critical: list[str] = []
    critical_feedback: list[str] = []
    for e in log.events:
        code = e["type"]
        nursing_code = code in (*NURSING_CRITICAL_EVENTS, MISSED_REQUIRED_RESPONSE)
        if code in listed and nursing_code and code not in critical:
            critical.append(code)
            detail = e.get("message")
            if code == MISSED_REQUIRED_RESPONSE:
                detail = (
                    f"{str(e.get('response', '')).replace('_', ' ')} was not made by "
                    f"{minutes(float(e.get('deadline_s', 0)))}."
                )
            critical_feedback.append(
                f"{CRITICAL_WORDS[code]} (at {minutes(float(e['t_s']))}): {detail}"
            )
    failed = _failed_conditions(log)
    return Score(
        total=total,
        passed=total >= scenario.rubric.minimum_passing and not critical and not failed,
        minimum_passing=scenario.rubric.minimum_passing,
        criteria=criteria,
        critical_errors=critical,
        critical_feedback=critical_feedback,
        failed_conditions=failed,
    )
