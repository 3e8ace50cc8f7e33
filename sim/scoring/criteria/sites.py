"""Site selection: how many skin sites, where they lie against the posterior crest, and spacing.

Sources (clinical.md §1, §3): 2-4 skin punctures (St. Jude; the scenario's ``sites`` range);
the PSIS and posterior crest are the preferred, safe zone; medial of the PSIS lie the SI joint
and sacrum, inferolateral the greater sciatic notch (5.3 cm), laterally along the crest the
superior cluneal nerves; punctures 'on each rear hipbone' (Cleveland Clinic), 'as distant as
possible' (Batinic 1990).
"""

from __future__ import annotations

import math

from sim.scoring.context import ScoringContext
from sim.scoring.metrics import AttemptMetrics, SiteMark
from sim.scoring.result import Judgement
from sim.scoring.text import clamp01, plural, weighted

ZONE_WORDS = {
    "medial_si_joint": "medial of the PSIS, over the SI joint and sacrum",
    "caudal_sciatic_notch": "too far caudal, toward the greater sciatic notch (5.3 cm below the "
    "PSIS: gluteal vessels, sciatic nerve)",
    "lateral_cluneal_nerves": "too far out along the crest, over the superior cluneal nerves",
    "off_bone": "where no reasonable aim reaches the marrow of the ilium (lateral of the "
    "posterior crest): move toward the PSIS",
    "near_asis_nerve": "within 2 cm of the ASIS, where the lateral femoral cutaneous nerve runs: "
    "puncture the crest 2-3 cm behind the ASIS",
    "off_crest": "off the line of the anterior crest, where the needle misses the thin wing",
}


def describe(site: SiteMark) -> str:
    side = site.hip
    lat = f"{abs(site.lateral_mm):g} mm {'lateral' if site.lateral_mm >= 0 else 'medial'}"
    if site.anterior:
        return f"site {site.index + 1} ({side} ASIS, {site.cranial_mm:g} mm back along the crest)"
    cra = f"{abs(site.cranial_mm):g} mm {'cranial' if site.cranial_mm >= 0 else 'caudal'}"
    return f"site {site.index + 1} ({side} PSIS, {lat}, {cra})"


def _count_part(n: int, ctx: ScoringContext) -> float:
    if ctx.sites_min <= n <= ctx.sites_max:
        return 1.0
    if n < ctx.sites_min:
        return n / ctx.sites_min
    return clamp01(1.0 - 0.25 * (n - ctx.sites_max))


def judge(m: AttemptMetrics, ctx: ScoringContext) -> Judgement:
    if not ctx.needle_work:
        return Judgement.not_assessed("Not assessed: this scenario has no needle work.")
    sites = m.punctured_sites
    n = len(sites)
    if n == 0:
        return Judgement(0.0, ["No skin site was punctured, so no marrow could be collected."])
    feedback: list[str] = []
    count = _count_part(n, ctx)
    if count < 1.0:
        feedback.append(
            f"You used {plural(n, 'skin site')}; this scenario allows "
            f"{ctx.sites_min}-{ctx.sites_max}. "
            + (
                "Each extra puncture is another wound and infection risk."
                if n > ctx.sites_max
                else "Too few sites means re-entering the same bone over and over."
            )
        )
    unsafe = [s for s in sites if s.zone != "safe"]
    zone = clamp01(1.0 - 0.5 * len(unsafe))
    for s in unsafe:
        text = describe(s)
        feedback.append(f"{text[0].upper()}{text[1:]} lies {ZONE_WORDS.get(s.zone, s.zone)}.")
    spacing_faults = 0.0
    close = []
    for i, a in enumerate(sites):
        for b in sites[i + 1 :]:
            if a.side == b.side:
                d = math.hypot(a.x_mm - b.x_mm, a.y_mm - b.y_mm)
                if d < ctx.thresholds.site_min_spacing_mm:
                    close.append((a, b, d))
    if close:
        spacing_faults += 0.5 * len(close)
        a, b, d = close[0]
        feedback.append(
            f"{plural(len(close), 'pair')} of sites on one hip lay under "
            f"{ctx.thresholds.site_min_spacing_mm:g} mm apart (sites {a.index + 1} and "
            f"{b.index + 1}: {d:.0f} mm): they draw on the same bone; spread them out."
        )
    sides = {s.hip for s in sites}
    if n >= 2 and len(sides) == 1:
        spacing_faults += 0.5
        feedback.append(
            "All sites were on one hip; use both crests to spread the draw "
            "(one or more sites on each side)."
        )
    spacing = clamp01(1.0 - spacing_faults)
    fraction = weighted({"count": (count, 0.3), "zone": (zone, 0.5), "spacing": (spacing, 0.2)})
    if not feedback:
        crests = "anterior" if all(s.anterior for s in sites) else "posterior"
        where = f" on both {crests} crests" if len(sides) == 2 else ""
        near = "2-3 cm behind the ASIS" if crests == "anterior" else "near the PSIS"
        feedback.append(
            f"{plural(n, 'skin site')}{where}, all in the safe zone {near} and well spaced."
        )
    return Judgement(fraction, feedback, parts={"count": count, "zone": zone, "spacing": spacing})
