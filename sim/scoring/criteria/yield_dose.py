"""Yield: the cell dose (TNC per kg recipient), the volume, and the marrow's quality (TNC/mL).

Sources (clinical.md §2): TNC >= 3x10^8/kg recipient for allograft, 10-20 mL/kg recipient
(Barrett & Treleaven; alpfmedical.info); CD34 >= 3x10^6/kg (Bittencourt 2002); harvest TNC
median 18.2x10^6/mL, range 18-25 (Anthias 2014; Wang).  The quality reference is scaled by the
donor's marrow richness (age, cellularity), so an older donor's thinner marrow is not blamed on
the trainee.  When the dose target is met, a smaller volume is not penalised: the volume target
is only the usual way to reach the dose.
"""

from __future__ import annotations

from sim.i18n import N_
from sim.scoring.context import ScoringContext
from sim.scoring.metrics import AttemptMetrics
from sim.scoring.result import Judgement
from sim.scoring.text import clamp01, e6, e8, ml, pct_drop, weighted

# The feedback, one template per sentence (sim/scoring/phrases.py shows them translated).
NOT_ASSESSED = N_("Not assessed: this scenario has no collection.")
NO_MARROW = N_("No marrow was collected.")
COLLECTED = N_(
    "You collected {collected} (target {target}) at {quality}: {dose} recipient (target "
    "{target_dose})."
)
SHORT_VOLUME = N_("The cell dose was {short} short of the target: the volume was too small.")
SHORT_MARROW = N_("The cell dose was {short} short of the target: more, richer marrow was needed.")
DILUTED = N_(
    "TNC/mL was {drop}% below the {ref} expected from this donor with good technique (median of "
    "real harvests 18.2x10^6/mL): the marrow was diluted with blood."
)
CD34 = N_("CD34+ cells: {cd34}x10^6/kg (target {target}x10^6/kg).")
#: The attempt fails (Judgement.fails_attempt): the dose missed.
DOSE_MISSED = N_(
    "The cell dose reached only {pct} of the target ({dose} of {target}): a harvest has to "
    "reach at least {least} of it to pass, unless the donor's volume limit stops it first."
)
CD34_MISSED = N_(
    "The CD34+ dose reached only {cd34}x10^6/kg of the {target}x10^6/kg this scenario sets: "
    "below it, recovery and survival are worse (Bittencourt 2002), so the harvest has to reach "
    "it to pass, unless the donor's volume limit stops it first."
)
PHRASES = (
    NOT_ASSESSED,
    NO_MARROW,
    COLLECTED,
    SHORT_VOLUME,
    SHORT_MARROW,
    DILUTED,
    CD34,
    DOSE_MISSED,
    CD34_MISSED,
)


def judge(m: AttemptMetrics, ctx: ScoringContext) -> Judgement:
    if not ctx.needle_work:
        return Judgement.not_assessed(NOT_ASSESSED)
    t = ctx.thresholds
    if m.collected_ml <= 0:
        return Judgement(0.0, [NO_MARROW])
    tnc_per_kg = m.tnc / ctx.recipient_kg
    dose = clamp01(tnc_per_kg / ctx.target_tnc_per_kg)
    volume = 1.0 if dose >= 1.0 else clamp01(m.collected_ml / ctx.target_volume_ml)
    ref = ctx.reference_tnc_per_ml
    if m.donor is not None and m.donor.get("marrow_richness") is not None:
        # the donor as drawn for this attempt: a poor donor's marrow is not the trainee's fault
        ref = t.reference_tnc_per_ml * float(m.donor["marrow_richness"])
    quality = clamp01((m.tnc_per_ml - t.blood_tnc_per_ml) / max(1.0, ref - t.blood_tnc_per_ml))
    feedback = [
        COLLECTED.format(
            collected=ml(m.collected_ml),
            target=ml(ctx.target_volume_ml),
            quality=e6(m.tnc_per_ml),
            dose=e8(tnc_per_kg),
            target_dose=e8(ctx.target_tnc_per_kg),
        )
    ]
    if dose < 1.0:
        too_small = m.collected_ml < ctx.target_volume_ml and quality >= 1.0
        feedback.append(
            (SHORT_VOLUME if too_small else SHORT_MARROW).format(
                short=f"{round(100 * (1 - dose))}%"
            )
        )
    drop = pct_drop(m.tnc_per_ml, ref)
    if drop >= 10:
        feedback.append(DILUTED.format(drop=drop, ref=e6(ref)))
    parts = {"dose": (dose, 0.5), "volume": (volume, 0.2), "quality": (quality, 0.3)}
    cd34 = None
    if ctx.target_cd34_per_kg:
        cd34_per_kg = m.cd34 / ctx.recipient_kg
        cd34 = clamp01(cd34_per_kg / ctx.target_cd34_per_kg)
        parts = {
            "dose": (dose, 0.45),
            "volume": (volume, 0.15),
            "quality": (quality, 0.25),
            "cd34": (cd34, 0.15),
        }
        feedback.append(
            CD34.format(
                cd34=f"{cd34_per_kg / 1e6:.1f}", target=f"{ctx.target_cd34_per_kg / 1e6:.1f}"
            )
        )
    fails = None
    stopped_by_limit = m.collected_ml >= t.pass_limit_reached_fraction * ctx.donor_limit_ml
    if dose < t.pass_min_dose_fraction and not stopped_by_limit:
        fails = DOSE_MISSED.format(
            pct=f"{round(100 * dose)}%",
            dose=e8(tnc_per_kg),
            target=e8(ctx.target_tnc_per_kg),
            least=f"{round(100 * t.pass_min_dose_fraction)}%",
        )
    elif cd34 is not None and cd34 < t.pass_min_cd34_fraction - 1e-9 and not stopped_by_limit:
        fails = CD34_MISSED.format(
            cd34=f"{m.cd34 / ctx.recipient_kg / 1e6:.1f}",
            target=f"{ctx.target_cd34_per_kg / 1e6:.1f}",
        )
    return Judgement(
        weighted(parts), feedback, parts={k: v for k, (v, _) in parts.items()}, fails_attempt=fails
    )
