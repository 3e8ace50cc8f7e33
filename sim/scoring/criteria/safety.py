"""Safety limits: the donor volume limit, critical events and near misses.

Sources (clinical.md §2, §3): 'usually 15-20 mL/kg donor'; over 20 mL/kg is linked to
transfusion in paediatric donors (bmtclinic.com; Styczynski 2012); danger zones beyond the ilium
(pelvis and iliac vessels, SI joint and sacrum, greater sciatic notch: Hirahara; Reed 2018;
RSNA 2007); D'Souza: safe tracks stayed >= 1 cm from the notch.  Any critical event takes all of
this criterion's points; the rubric's list of critical errors decides whether it also fails the
attempt outright (rubric.py).
"""

from __future__ import annotations

from sim.scoring.context import ScoringContext
from sim.scoring.metrics import AttemptMetrics
from sim.scoring.result import Judgement
from sim.scoring.text import clock, ml, plural
from sim.vocabulary.events import (
    DANGER_ZONE_ASPIRATION,
    DONOR_VOLUME_LIMIT_EXCEEDED,
    INNER_TABLE_BREACH,
    MISSED_REQUIRED_RESPONSE,
    SCIATIC_NOTCH_ZONE,
    SI_JOINT_ENTRY,
)

CRITICAL_WORDS = {
    INNER_TABLE_BREACH: "the needle went through the inner table into the pelvis (risk of "
    "retroperitoneal bleeding and injury to the iliac vessels)",
    SI_JOINT_ENTRY: "the needle entered the sacroiliac joint / sacrum (a medial or "
    "perpendicular track)",
    SCIATIC_NOTCH_ZONE: "the needle entered the greater sciatic notch (superior gluteal "
    "vessels, sciatic nerve)",
    DANGER_ZONE_ASPIRATION: "a pull was taken with the tip outside the ilium (the SI joint or "
    "sacrum: nothing usable; the pelvis or the notch's vessels: blood, lost to the donor)",
    DONOR_VOLUME_LIMIT_EXCEEDED: "the collection passed the donor volume limit",
    MISSED_REQUIRED_RESPONSE: "a required response was not made in time",
}
NEAR_MISS_COST = 0.2
NEAR_MISS_FLOOR = 0.4


def describe_critical(events: list[dict]) -> str:
    """One plain sentence for the critical events of one code, with when they happened."""
    code = events[0]["code"]
    words = CRITICAL_WORDS.get(code, code.replace("_", " "))
    responses = sorted(
        {str(e["event"]["response"]) for e in events if e.get("event", {}).get("response")}
    )
    extra = f" ({', '.join(r.replace('_', ' ') for r in responses)})" if responses else ""
    when = f"at {clock(events[0]['t_s'])}"
    if len(events) > 1:
        when = f"{len(events)} times, first at {clock(events[0]['t_s'])}"
    return f"{words[0].upper()}{words[1:]}{extra}: {when}."


def by_code(critical: list[dict]) -> dict[str, list[dict]]:
    """Critical events grouped by code, in the order the codes first happened."""
    groups: dict[str, list[dict]] = {}
    for e in critical:
        groups.setdefault(e["code"], []).append(e)
    return groups


def judge(m: AttemptMetrics, ctx: ScoringContext) -> Judgement:
    if not ctx.needle_work and not ctx.responses_expected and not m.critical:
        return Judgement.not_assessed(
            "Not assessed: this scenario has no needle work and no required responses."
        )
    feedback: list[str] = []
    if ctx.needle_work:
        per_kg = m.collected_ml / ctx.donor_kg
        if m.collected_ml > ctx.donor_limit_ml:
            feedback.append(
                f"You collected {ml(m.collected_ml)} = {per_kg:.1f} mL/kg donor, over the "
                f"{ctx.donor_limit_ml_per_kg:g} mL/kg limit ({ml(ctx.donor_limit_ml)}): more "
                "than 20 mL/kg raises the donor's risk of needing a transfusion."
            )
        else:
            feedback.append(
                f"Volume {ml(m.collected_ml)} = {per_kg:.1f} mL/kg donor, within the "
                f"{ctx.donor_limit_ml_per_kg:g} mL/kg limit ({ml(ctx.donor_limit_ml)})."
            )
    for code, events in by_code(m.critical).items():
        if code != DONOR_VOLUME_LIMIT_EXCEEDED:
            feedback.append(describe_critical(events))
    if m.escalations:
        esc = m.escalations[0]
        line = (
            f"At {esc.get('collected_ml_per_kg_donor', 0):.1f} mL/kg the anaesthetist stopped the "
            f"harvest: {esc.get('blood_volume_drawn_pct', 0):.0f}% of the donor's blood volume "
            "had been drawn."
        )
        if m.continuations:
            cont = m.continuations[0]
            line += (
                " You went on because the count showed the dose short."
                if cont.get("justified")
                else " You went on although no count showed the dose short."
            )
        feedback.append(line)
    if m.critical:
        return Judgement(0.0, feedback, parts={"critical": 0.0})
    fraction = max(NEAR_MISS_FLOOR, 1.0 - NEAR_MISS_COST * m.near_notch) if m.near_notch else 1.0
    if m.near_notch:
        feedback.append(
            f"The tip came within 1 cm of the sciatic notch {plural(m.near_notch, 'time')}: keep "
            "tracks level or slightly cephalad and stop at the give."
        )
    else:
        feedback.append("No critical events and no near misses.")
    return Judgement(fraction, feedback, parts={"critical": 1.0, "near_misses": fraction})
