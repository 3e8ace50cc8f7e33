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

from sim.scoring.context import ScoringContext
from sim.scoring.metrics import AttemptMetrics, Penetration
from sim.scoring.result import Judgement
from sim.scoring.text import plural, ramp
from sim.vocabulary.events import INNER_TABLE_BREACH
from sim.vocabulary.technique import Thresholds


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
        return Judgement.not_assessed("Not assessed: this scenario has no needle work.")
    t = ctx.thresholds
    pens = list(m.penetrations.values())
    if not pens:
        reached = any(tr.reached_bone for tr in m.tracks)
        return Judgement(
            0.0,
            [
                "The needle never broke through the outer table into the marrow."
                if reached
                else "No bone penetration was made."
            ],
        )
    n = len(pens)
    credits = [penetration_credit(p, t) for p in pens]
    fraction = sum(credits) / n
    shoots = [overshoot_mm(p) for p in pens]
    over = [s for s in shoots if s > t.overshoot_ok_mm]
    contacts = [p for p in pens if p.inner_contacts]
    breaches = [p for p in pens if INNER_TABLE_BREACH in p.critical]
    hubbed = [p for p in pens if p.fully_inserted]
    feedback: list[str] = []
    if over:
        feedback.append(
            f"{len(over)} of {n} penetrations ran on more than {t.overshoot_ok_mm:g} mm past the "
            f"loss of resistance (worst {max(over):.0f} mm): when the needle gives, stop; you "
            "are in the marrow."
        )
    else:
        feedback.append(
            f"You stopped within {t.overshoot_ok_mm:g} mm of the give on all {n} penetrations "
            f"(mean {sum(shoots) / n:.1f} mm)."
        )
    if contacts:
        feedback.append(
            f"The tip reached the inner table on {plural(len(contacts), 'penetration')}: beyond "
            "it lie the pelvis and the iliac vessels."
        )
    if breaches:
        feedback.append(
            f"The needle went through the inner table into the pelvis on "
            f"{plural(len(breaches), 'penetration')} (risk of retroperitoneal bleeding)."
        )
    if hubbed:
        feedback.append(
            f"The needle was pushed in to the hub on {plural(len(hubbed), 'penetration')}."
        )
    return Judgement(fraction, feedback, parts={"penetrations": fraction})
