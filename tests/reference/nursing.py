"""Reference performances of the nursing scenarios (issue 11): expert, intermediate, novice.

Like the needle scripts (generate.py), each performance drives a live attempt and reacts to what
it sees: the monitor's alarms, the variant the seed chose (next-day visit), whether the
abnormal observations have recovered.  The commands it sends are written out as plain JSONL,
so replaying a script needs nothing from this module.

* **expert** (post-procedure-care): the handover first; observations at once; pressure on each
  puncture for the scenario's time before its Steri-Strip, then the pressure dressing; when she
  is light-headed: flat with the legs raised, observations, the anaesthetist told, fluids as
  prescribed; the dressing checked; pain assessed, analgesia, reassessed; observations repeated
  until normal and at every interval; discharge criteria checked, then the teaching one item
  per command (as the window sends it), documented, discharged.  (next-day-visit): the notes,
  symptoms, observations and temperature, the dressing off and every site inspected, the bloods,
  the decision the findings call for (the doctor called when escalating), teaching, documented.
* **intermediate**: starts before the handover, presses on two sites only, does not check the
  dressing; tells the anaesthetist late and does not lie her flat; teaches everything in one
  command but before checking readiness, with a fever threshold off the local policy; next day:
  inspects two sites and skips the bloods, but reaches the right decision late.
* **novice**: no handover, strips without pressure, never repeats the abnormal observations,
  never tells the anaesthetist, teaches half the list and sends her home unready; next day:
  leaves the dressing on, takes a temperature and reassures.
"""

from __future__ import annotations

from typing import Any

from sim.run.attempt import Attempt
from sim.scenario import resolve_scenario
from sim.vocabulary.commands import parse_command

SEED = 1


class Nurse:
    """One performance: sends commands to a live attempt and keeps them."""

    def __init__(self, scenario_id: str, seed: int = SEED) -> None:
        self.attempt = Attempt(resolve_scenario(scenario_id), seed)
        self.care = self.attempt.scenario.care
        self.cmds: list[dict] = []

    @property
    def state(self) -> dict[str, Any]:
        assert self.attempt.nursing is not None
        return self.attempt.nursing.state()

    def do(self, **cmd: Any) -> list[dict]:
        self.cmds.append(cmd)
        return self.attempt.apply(parse_command(cmd))

    def obs(self) -> bool:
        """A set of observations; whether it was abnormal."""
        self.do(do="recovery_observations")
        return bool(self.state["observations"]["last_abnormal"])

    def wait_until(self, t_s: float) -> None:
        now = self.attempt.sim.t_s
        if t_s > now:
            self.do(do="wait", s=round(t_s - now, 3))

    def obs_due_s(self) -> float:
        return float(self.state["observations"]["next_due_s"])


def teach_all(n: Nurse, *, one_per_command: bool, fever_c: float, share: float = 1.0) -> None:
    items = list(n.care.teaching)
    items = items[: max(1, round(share * len(items)))]
    if one_per_command:
        for item in items:
            cmd: dict[str, Any] = {"do": "discharge_teaching", "items": [item]}
            if item == "fever_threshold":
                cmd["fever_threshold_c"] = fever_c
            n.do(**cmd)
    else:
        cmd = {"do": "discharge_teaching", "items": items}
        if "fever_threshold" in items:
            cmd["fever_threshold_c"] = fever_c
        n.do(**cmd)


# --------------------------------------------------------------------------- post-procedure care
def recovery_expert(seed: int = SEED) -> list[dict]:
    n = Nurse("post-procedure-care", seed)
    n.do(do="handover")
    n.do(do="time_out")
    n.obs()
    for site in range(len(n.state["sites"])):
        n.do(do="apply_pressure", site=site, s=n.care.pressure_min_s)
    n.do(do="steri_strips", count=len(n.state["sites"]))
    n.do(do="pressure_dressing")
    if n.state["monitor"]["alarm"]:
        n.do(do="position_donor", position="flat_legs_raised")
        n.obs()
        n.do(do="notify_anaesthetist")
        n.do(do="give_fluids", ml=500)
    n.do(do="inspect_dressing")
    n.do(do="assess_pain")
    if n.state["pain"]["score"] > n.care.pain_controlled_max:
        n.do(do="give_analgesia", drug="paracetamol")
    # Observations at every interval (sooner after an abnormal set) until she is stable and
    # the analgesia has worked.
    for _ in range(12):
        n.wait_until(n.obs_due_s() - 120.0)
        abnormal = n.obs()
        if not abnormal and n.state["pain"]["score"] <= n.care.pain_controlled_max:
            break
    n.do(do="assess_pain")
    n.do(do="position_donor", position="supine")
    mobile_s = 60.0 * n.care.mobilise_after_min
    if n.attempt.sim.t_s < mobile_s:
        n.wait_until(mobile_s)
        n.obs()
    n.do(do="discharge_readiness")
    teach_all(n, one_per_command=True, fever_c=n.care.fever_threshold_c)
    n.do(do="document")
    n.do(do="discharge")
    n.do(do="end")
    return n.cmds


def recovery_intermediate(seed: int = SEED) -> list[dict]:
    n = Nurse("post-procedure-care", seed)
    vitals = ["blood_pressure", "heart_rate", "spo2"]
    n.do(do="time_out")
    n.do(do="handover")
    n.do(do="recovery_observations", checks=vitals)
    for site in (0, 1):
        n.do(do="apply_pressure", site=site, s=n.care.pressure_min_s)
    n.do(do="steri_strips", count=len(n.state["sites"]))
    n.do(do="pressure_dressing")
    n.do(do="wait", s=240)
    n.do(do="notify_anaesthetist")
    n.do(do="give_fluids", ml=500)
    n.do(do="recovery_observations", checks=vitals)
    n.do(do="give_analgesia", drug="paracetamol")
    for _ in range(6):
        n.wait_until(n.obs_due_s() - 60.0)
        n.do(do="recovery_observations", checks=vitals)
        if not n.state["observations"]["last_abnormal"]:
            break
    teach_all(n, one_per_command=False, fever_c=n.care.fever_threshold_c + 0.5)
    n.do(do="assess_pain")
    n.do(do="discharge_readiness")
    n.do(do="discharge")
    n.do(do="end")
    return n.cmds


def recovery_novice(seed: int = SEED) -> list[dict]:
    n = Nurse("post-procedure-care", seed)
    n.do(do="steri_strips", count=2)
    n.do(do="pressure_dressing")
    n.obs()
    n.do(do="wait", s=1200)
    teach_all(n, one_per_command=False, fever_c=37.0, share=0.5)
    n.do(do="discharge")
    n.do(do="end")
    return n.cmds


# --------------------------------------------------------------------------- next-day visit
def _inspect_all(n: Nurse, sites: range | tuple[int, ...]) -> list[dict]:
    found = []
    for site in sites:
        n.do(do="inspect_site", site=site)
        found.append(n.state["sites"][site])
    return found


def _decide(n: Nurse, sites: list[dict]) -> str:
    """What the findings call for: a haematoma is treated; fever, an infected-looking site or a
    low haemoglobin with symptoms is escalated; otherwise reassure."""
    temp = n.state["monitor"]["vitals"].get("temperature_c", 36.8)
    infected = any(
        (s.get("findings") or {}).get("redness") and (s.get("findings") or {}).get("discharge")
        for s in sites
    )
    hb = (n.state["bloods"] or {}).get("hb_g_l", 120.0)
    if infected or temp >= n.care.fever_threshold_c or hb < 80.0 or n.state["monitor"]["alarm"]:
        return "escalate"
    if any(s.get("haematoma") for s in sites):
        return "treat"
    return "reassure"


def visit_expert(seed: int = SEED) -> list[dict]:
    n = Nurse("next-day-visit", seed)
    n.do(do="handover")
    n.do(do="ask_symptoms")
    abnormal = n.obs()
    n.do(do="take_temperature")
    n.do(do="remove_dressing")
    sites = _inspect_all(n, range(len(n.state["sites"])))
    n.do(do="review_bloods")
    if abnormal:
        n.do(do="position_donor", position="flat_legs_raised")
    decision = _decide(n, sites)
    if decision == "treat":
        for s in sites:
            if s["haematoma"]:
                n.do(do="apply_pressure", site=s["index"], s=600)
        n.do(do="pressure_dressing")
    if decision == "escalate":
        n.do(do="call_doctor")
    n.do(do="next_day_decision", decision=decision)
    if abnormal:
        n.obs()
    teach_all(n, one_per_command=False, fever_c=n.care.fever_threshold_c)
    n.do(do="document")
    n.do(do="end")
    return n.cmds


def visit_intermediate(seed: int = SEED) -> list[dict]:
    n = Nurse("next-day-visit", seed)
    n.do(do="handover")
    abnormal = n.obs()
    n.do(do="remove_dressing")
    sites = _inspect_all(n, (0, 1))
    n.do(do="take_temperature")
    n.do(do="ask_symptoms")
    n.do(do="wait", s=900)
    decision = _decide(n, sites)
    if n.attempt.nursing is not None and n.attempt.nursing.variant.finding != "none":
        decision = n.attempt.nursing.variant.expected_decision or decision
    n.do(do="next_day_decision", decision=decision)
    if abnormal:
        n.do(do="wait", s=600)
        n.obs()
    teach_all(n, one_per_command=False, fever_c=n.care.fever_threshold_c, share=0.5)
    n.do(do="end")
    return n.cmds


def visit_novice(seed: int = SEED) -> list[dict]:
    n = Nurse("next-day-visit", seed)
    n.do(do="take_temperature")
    n.do(do="inspect_site", site=0)
    n.do(do="next_day_decision", decision="reassure")
    n.do(do="end")
    return n.cmds


SCRIPTS = {
    ("post-procedure-care", "expert"): recovery_expert,
    ("post-procedure-care", "intermediate"): recovery_intermediate,
    ("post-procedure-care", "novice"): recovery_novice,
    ("next-day-visit", "expert"): visit_expert,
    ("next-day-visit", "intermediate"): visit_intermediate,
    ("next-day-visit", "novice"): visit_novice,
}
NURSING_SCENARIOS = ("post-procedure-care", "next-day-visit")


def perform(scenario_id: str, level: str, seed: int = SEED) -> list[dict]:
    return SCRIPTS[scenario_id, level](seed)
