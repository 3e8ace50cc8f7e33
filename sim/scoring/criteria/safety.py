"""Safety limits: the donor volume limit, critical events and near misses.

Sources (clinical.md §2, §3): 'usually 15-20 mL/kg donor'; over 20 mL/kg is linked to
transfusion in paediatric donors (bmtclinic.com; Styczynski 2012); danger zones beyond the ilium
(pelvis and iliac vessels, SI joint and sacrum, greater sciatic notch: Hirahara; Reed 2018;
RSNA 2007); D'Souza: safe tracks stayed >= 1 cm from the notch.  Any critical event takes all of
this criterion's points; the rubric's list of critical errors decides whether it also fails the
attempt outright (rubric.py).
"""

from __future__ import annotations

from sim.i18n import N_
from sim.scenario.schema import RESPONSES
from sim.scoring.context import ScoringContext
from sim.scoring.metrics import AttemptMetrics
from sim.scoring.result import Judgement
from sim.scoring.text import clock, ml, one_or_many, words
from sim.vocabulary.events import (
    DANGER_ZONE_ASPIRATION,
    DONOR_VOLUME_LIMIT_EXCEEDED,
    INNER_TABLE_BREACH,
    MISSED_REQUIRED_RESPONSE,
    SCIATIC_NOTCH_ZONE,
    SI_JOINT_ENTRY,
)

CRITICAL_WORDS = {
    INNER_TABLE_BREACH: N_(
        "the needle went through the inner table into the pelvis (risk of retroperitoneal "
        "bleeding and injury to the iliac vessels)"
    ),
    SI_JOINT_ENTRY: N_(
        "the needle entered the sacroiliac joint / sacrum (a medial or perpendicular track)"
    ),
    SCIATIC_NOTCH_ZONE: N_(
        "the needle entered the greater sciatic notch (superior gluteal vessels, sciatic nerve)"
    ),
    DANGER_ZONE_ASPIRATION: N_(
        "a pull was taken with the tip outside the ilium (the SI joint or sacrum: nothing "
        "usable; the pelvis or the notch's vessels: blood, lost to the donor)"
    ),
    DONOR_VOLUME_LIMIT_EXCEEDED: N_("the collection passed the donor volume limit"),
    MISSED_REQUIRED_RESPONSE: N_("a required response was not made in time"),
}
# The feedback, one template per sentence (sim/scoring/phrases.py shows them translated).
#: A critical error: what happened (CRITICAL_WORDS, capitalised) and when.
CRITICAL_ONCE = N_("{what}: at {t}.")
CRITICAL_REPEATED = N_("{what}: {n} times, first at {t}.")
#: What happened, with the responses it concerned.
CRITICAL_RESPONSES = N_("{what} ({responses})")
NOT_ASSESSED = N_("Not assessed: this scenario has no needle work and no required responses.")
OVER_LIMIT = N_(
    "You collected {collected} = {per_kg} mL/kg donor, over the {limit_per_kg} mL/kg limit "
    "({limit}): more than 20 mL/kg raises the donor's risk of needing a transfusion."
)
WITHIN_LIMIT = N_(
    "Volume {collected} = {per_kg} mL/kg donor, within the {limit_per_kg} mL/kg limit ({limit})."
)
ESCALATION = N_(
    "At {per_kg} mL/kg the anaesthetist stopped the harvest: {pct} of the donor's blood "
    "volume had been drawn."
)
WENT_ON_JUSTIFIED = N_("You went on because the count showed the dose short.")
WENT_ON_UNJUSTIFIED = N_("You went on although no count showed the dose short.")
NEAR_NOTCH = (
    N_(
        "The tip came within 1 cm of the sciatic notch {n} time: keep tracks level or slightly "
        "cephalad and stop at the give."
    ),
    N_(
        "The tip came within 1 cm of the sciatic notch {n} times: keep tracks level or slightly "
        "cephalad and stop at the give."
    ),
)
NO_CRITICAL = N_("No critical events and no near misses.")
PHRASES = (
    CRITICAL_ONCE,
    CRITICAL_REPEATED,
    CRITICAL_RESPONSES,
    NOT_ASSESSED,
    OVER_LIMIT,
    WITHIN_LIMIT,
    ESCALATION,
    WENT_ON_JUSTIFIED,
    WENT_ON_UNJUSTIFIED,
    *NEAR_NOTCH,
    NO_CRITICAL,
)
#: The values said in those sentences: the critical errors and the responses (as words).
TERMS = (*CRITICAL_WORDS.values(), *(words(r) for r in RESPONSES))
NEAR_MISS_COST = 0.2
NEAR_MISS_FLOOR = 0.4


def describe_critical(events: list[dict]) -> str:
    """One plain sentence for the critical events of one code, with when they happened."""
    code = events[0]["code"]
    what = CRITICAL_WORDS.get(code, words(code))
    responses = sorted(
        {str(e["event"]["response"]) for e in events if e.get("event", {}).get("response")}
    )
    if responses:
        what = CRITICAL_RESPONSES.format(
            what=what, responses=", ".join(words(r) for r in responses)
        )
    what = what[0].upper() + what[1:]
    t = clock(events[0]["t_s"])
    if len(events) > 1:
        return CRITICAL_REPEATED.format(what=what, n=len(events), t=t)
    return CRITICAL_ONCE.format(what=what, t=t)


def by_code(critical: list[dict]) -> dict[str, list[dict]]:
    """Critical events grouped by code, in the order the codes first happened."""
    groups: dict[str, list[dict]] = {}
    for e in critical:
        groups.setdefault(e["code"], []).append(e)
    return groups


def judge(m: AttemptMetrics, ctx: ScoringContext) -> Judgement:
    if not ctx.needle_work and not ctx.responses_expected and not m.critical:
        return Judgement.not_assessed(NOT_ASSESSED)
    feedback: list[str] = []
    if ctx.needle_work:
        volume = {
            "collected": ml(m.collected_ml),
            "per_kg": f"{m.collected_ml / ctx.donor_kg:.1f}",
            "limit_per_kg": f"{ctx.donor_limit_ml_per_kg:g}",
            "limit": ml(ctx.donor_limit_ml),
        }
        over = m.collected_ml > ctx.donor_limit_ml
        feedback.append((OVER_LIMIT if over else WITHIN_LIMIT).format(**volume))
    for code, events in by_code(m.critical).items():
        if code != DONOR_VOLUME_LIMIT_EXCEEDED:
            feedback.append(describe_critical(events))
    if m.escalations:
        esc = m.escalations[0]
        line = ESCALATION.format(
            per_kg=f"{esc.get('collected_ml_per_kg_donor', 0):.1f}",
            pct=f"{esc.get('blood_volume_drawn_pct', 0):.0f}%",
        )
        if m.continuations:
            cont = m.continuations[0]
            line += " " + (WENT_ON_JUSTIFIED if cont.get("justified") else WENT_ON_UNJUSTIFIED)
        feedback.append(line)
    if m.critical:
        return Judgement(0.0, feedback, parts={"critical": 0.0})
    fraction = max(NEAR_MISS_FLOOR, 1.0 - NEAR_MISS_COST * m.near_notch) if m.near_notch else 1.0
    if m.near_notch:
        feedback.append(one_or_many(m.near_notch, NEAR_NOTCH).format(n=m.near_notch))
    else:
        feedback.append(NO_CRITICAL)
    return Judgement(fraction, feedback, parts={"critical": 1.0, "near_misses": fraction})
