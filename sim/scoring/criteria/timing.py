"""Timing: procedure time against the scenario's par and limit, time per bone penetration, and
how fast required responses were made.

Sources (clinical.md §2): a harvest takes about an hour (St. Jude; Cleveland Clinic; Thomas);
harvests over 30 min were less likely to reach the TNC target (ASH 2014); '5-10 mL maximum from
each penetration' (alpfmedical.info) sets the par time per penetration.  Time credit is earned
only for work done: it is scaled by the share of the harvest (or of the required steps) done, so
stopping early is not rewarded as speed.
"""

from __future__ import annotations

from sim.i18n import N_
from sim.scoring.context import ScoringContext
from sim.scoring.metrics import AttemptMetrics
from sim.scoring.result import Judgement
from sim.scoring.text import clamp01, minutes, one_or_many, ramp, weighted, words

PART_WEIGHTS = {"procedure_time": 0.6, "per_penetration": 0.2, "responses": 0.2}
PER_PENETRATION_OK = 1.5
PER_PENETRATION_ZERO = 3.0

# The feedback, one template per sentence (sim/scoring/phrases.py shows them translated).
TOOK = N_("The procedure took {t} (par {par}, limit {limit}).")
OVER_LIMIT = N_("That is over the time limit: a long procedure means more anaesthesia.")
SCALED = N_("Only {p} of the task was done, so time credit is scaled to it.")
PER_PENETRATION = N_(
    "Each bone penetration took {s} s on average (aim for about {par} s): fewer, slower "
    "penetrations leave less time for fresh bone."
)
MADE = (
    N_("{n} required response made, on average {s} s after the call."),
    N_("{n} required responses made, on average {s} s after the call."),
)
#: The late or missing responses (joined with '; ' into LATE's ``items``).
LATE = N_("Late or missing: {items}.")
NEVER_MADE = N_("{response} was never made")
LATE_OVER_LIMIT = N_("{response} came after {s} s (limit {limit} s)")
LATE_AFTER = N_("{response} came after {s} s")
PHRASES = (
    TOOK,
    OVER_LIMIT,
    SCALED,
    PER_PENETRATION,
    *MADE,
    LATE,
    NEVER_MADE,
    LATE_OVER_LIMIT,
    LATE_AFTER,
)


def progress(m: AttemptMetrics, ctx: ScoringContext) -> float:
    """Share of the task done: the harvest (volume or dose), or the required steps."""
    if ctx.needle_work:
        return clamp01(max(m.collected_ml / ctx.target_volume_ml, m.tnc / max(1.0, ctx.target_tnc)))
    if ctx.steps:
        done = {s.get("step") for s in m.steps}
        return sum(s in done for s in ctx.steps) / len(ctx.steps)
    return 1.0


def time_credit(t_s: float, ctx: ScoringContext) -> float:
    if t_s <= ctx.par_s:
        return 1.0
    if t_s > ctx.limit_s:
        return 0.0
    span = max(1e-9, ctx.limit_s - ctx.par_s)
    return 1.0 - (1.0 - ctx.thresholds.limit_time_credit) * (t_s - ctx.par_s) / span


def judge(m: AttemptMetrics, ctx: ScoringContext) -> Judgement:
    t = ctx.thresholds
    feedback: list[str] = []
    done = progress(m, ctx)
    total_s = m.end_s
    proc = time_credit(total_s, ctx) * done
    line = TOOK.format(t=minutes(total_s), par=minutes(ctx.par_s), limit=minutes(ctx.limit_s))
    if total_s > ctx.limit_s:
        line += " " + OVER_LIMIT
    if done < 1.0:
        line += " " + SCALED.format(p=f"{round(100 * done)}%")
    feedback.append(line)
    parts: dict[str, tuple[float, float]] = {
        "procedure_time": (proc, PART_WEIGHTS["procedure_time"])
    }

    if ctx.needle_work:
        n = len(m.penetrations)
        par_pen = ctx.par_s * t.ml_per_penetration_plan / ctx.target_volume_ml
        if n and m.first_puncture_s is not None:
            needle_s = (m.last_needle_s or total_s) - m.first_puncture_s
            per = needle_s / n
            per_pen = ramp(per, PER_PENETRATION_OK * par_pen, PER_PENETRATION_ZERO * par_pen)
            if per > PER_PENETRATION_OK * par_pen:
                feedback.append(PER_PENETRATION.format(s=f"{per:.0f}", par=f"{par_pen:.0f}"))
        else:
            per_pen = 0.0
        parts["per_penetration"] = (per_pen, PART_WEIGHTS["per_penetration"])

    if m.responses:
        credits = []
        late = []
        for r in m.responses.values():
            if r.delay_s is None:
                credits.append(0.0)
                late.append(NEVER_MADE.format(response=words(r.response)))
            elif r.missed:
                credits.append(0.0)
                late.append(
                    LATE_OVER_LIMIT.format(
                        response=words(r.response), s=f"{r.delay_s:.0f}", limit=f"{r.within_s:.0f}"
                    )
                )
            elif r.within_s > 0 and r.delay_s > r.within_s:
                credits.append(0.0)
                late.append(LATE_AFTER.format(response=words(r.response), s=f"{r.delay_s:.0f}"))
            else:
                frac = r.delay_s / r.within_s if r.within_s > 0 else 0.0
                credits.append(1.0 - (1.0 - t.response_late_credit) * frac)
        resp = sum(credits) / len(credits)
        parts["responses"] = (resp, PART_WEIGHTS["responses"])
        made = [r for r in m.responses.values() if r.delay_s is not None and not r.missed]
        if made:
            mean = sum(r.delay_s for r in made) / len(made)
            feedback.append(one_or_many(len(made), MADE).format(n=len(made), s=f"{mean:.0f}"))
        if late:
            feedback.append(LATE.format(items="; ".join(late)))
    return Judgement(weighted(parts), feedback, parts={k: v for k, (v, _) in parts.items()})
