"""Depth control: stopping at the loss of resistance, and never reaching or breaching the inner
table.

Sources (clinical.md §1, §3): entering the marrow 'is usually accompanied by a sudden increase in
the ease of advancing the needle'; without marrow, 'advance the needle a few millimetres'
(studiopescatore.ge.it; cld.bz).  The anterior (inner) cortex was interrupted in 21% of MSCT
biopsy tracks (RSNA 2007); through it lie the retroperitoneum and iliac vessels (Hirahara;
Luoni 1994).  Overshoot is measured in the motion that crossed into the marrow: from the give to
where the tip next came to rest.
"""

from __future__ import annotations

from sim.i18n import N_
from sim.scoring.context import ScoringContext
from sim.scoring.metrics import AttemptMetrics, Penetration
from sim.scoring.result import Judgement
from sim.scoring.text import NO_NEEDLE_WORK, one_or_many, ramp
from sim.vocabulary.events import INNER_TABLE_BREACH
from sim.vocabulary.technique import Thresholds

# The feedback, one template per sentence (sim/scoring/phrases.py shows them translated).
NEVER_THROUGH = N_("The needle never broke through the outer table into the marrow.")
NO_PENETRATION = N_("No bone penetration was made.")
OVERSHOOT = N_(
    "{k} of {n} penetrations ran on more than {ok} mm past the loss of resistance (worst "
    "{worst} mm): when the needle gives, stop; you are in the marrow."
)
STOPPED = N_("You stopped within {ok} mm of the give on all {n} penetrations (mean {mean} mm).")
INNER_CONTACT = (
    N_(
        "The tip reached the inner table on {n} penetration: beyond it lie the pelvis and the "
        "iliac vessels."
    ),
    N_(
        "The tip reached the inner table on {n} penetrations: beyond it lie the pelvis and the "
        "iliac vessels."
    ),
)
BREACH = (
    N_(
        "The needle went through the inner table into the pelvis on {n} penetration (risk of "
        "retroperitoneal bleeding)."
    ),
    N_(
        "The needle went through the inner table into the pelvis on {n} penetrations (risk of "
        "retroperitoneal bleeding)."
    ),
)
HUBBED = (
    N_("The needle was pushed in to the hub on {n} penetration."),
    N_("The needle was pushed in to the hub on {n} penetrations."),
)
PHRASES = (NEVER_THROUGH, NO_PENETRATION, OVERSHOOT, STOPPED, *INNER_CONTACT, *BREACH, *HUBBED)


def overshoot_mm(pen: Penetration) -> float:
    if pen.stop_depth_mm is None:
        return 0.0
    return max(0.0, pen.stop_depth_mm - pen.lor_depth_mm)


def penetration_credit(pen: Penetration, t: Thresholds) -> float:
    if INNER_TABLE_BREACH in pen.critical:
        return 0.0
    credit = ramp(overshoot_mm(pen), t.overshoot_ok_mm, t.overshoot_zero_mm)
    if pen.inner_contacts:
        credit = min(credit, t.inner_contact_credit)
    if pen.fully_inserted:
        credit = min(credit, 0.5)
    return credit


def judge(m: AttemptMetrics, ctx: ScoringContext) -> Judgement:
    if not ctx.needle_work:
        return Judgement.not_assessed(NO_NEEDLE_WORK)
    t = ctx.thresholds
    pens = list(m.penetrations.values())
    if not pens:
        reached = any(tr.reached_bone for tr in m.tracks)
        return Judgement(0.0, [NEVER_THROUGH if reached else NO_PENETRATION])
    n = len(pens)
    credits = [penetration_credit(p, t) for p in pens]
    fraction = sum(credits) / n
    shoots = [overshoot_mm(p) for p in pens]
    over = [s for s in shoots if s > t.overshoot_ok_mm]
    contacts = [p for p in pens if p.inner_contacts]
    breaches = [p for p in pens if INNER_TABLE_BREACH in p.critical]
    hubbed = [p for p in pens if p.fully_inserted]
    feedback: list[str] = []
    ok = f"{t.overshoot_ok_mm:g}"
    if over:
        feedback.append(OVERSHOOT.format(k=len(over), n=n, ok=ok, worst=f"{max(over):.0f}"))
    else:
        feedback.append(STOPPED.format(ok=ok, n=n, mean=f"{sum(shoots) / n:.1f}"))
    if contacts:
        feedback.append(one_or_many(len(contacts), INNER_CONTACT).format(n=len(contacts)))
    if breaches:
        feedback.append(one_or_many(len(breaches), BREACH).format(n=len(breaches)))
    if hubbed:
        feedback.append(one_or_many(len(hubbed), HUBBED).format(n=len(hubbed)))
    return Judgement(fraction, feedback, parts={"penetrations": fraction})
