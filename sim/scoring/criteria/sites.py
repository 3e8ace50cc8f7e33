"""Site selection: how many skin sites, where they lie against the posterior crest, and spacing.

Sources (clinical.md §1, §3): 2-4 skin punctures (St. Jude; the scenario's ``sites`` range);
the PSIS and posterior crest are the preferred, safe zone; medial of the PSIS lie the SI joint
and sacrum, inferolateral the greater sciatic notch (5.3 cm), laterally along the crest the
superior cluneal nerves; punctures 'on each rear hipbone' (Cleveland Clinic), 'as distant as
possible' (Batinic 1990).
"""

from __future__ import annotations

import math

from sim.i18n import N_
from sim.scoring.context import ScoringContext
from sim.scoring.metrics import AttemptMetrics, SiteMark
from sim.scoring.result import Judgement
from sim.scoring.text import NO_NEEDLE_WORK, clamp01, one_or_many, weighted

ZONE_WORDS = {
    "medial_si_joint": N_("medial of the PSIS, over the SI joint and sacrum"),
    "caudal_sciatic_notch": N_(
        "too far caudal, toward the greater sciatic notch (5.3 cm below the PSIS: gluteal "
        "vessels, sciatic nerve)"
    ),
    "lateral_cluneal_nerves": N_("too far out along the crest, over the superior cluneal nerves"),
    "off_bone": N_(
        "where no reasonable aim reaches the marrow of the ilium (lateral of the posterior "
        "crest): move toward the PSIS"
    ),
    "near_asis_nerve": N_(
        "within 2 cm of the ASIS, where the lateral femoral cutaneous nerve runs: puncture the "
        "crest 2-3 cm behind the ASIS"
    ),
    "off_crest": N_("off the line of the anterior crest, where the needle misses the thin wing"),
}
# The feedback, one template per sentence (sim/scoring/phrases.py shows them translated).
#: A skin site, where it lies (``hip`` left or right; the directions as DIRECTIONS has them).
SITE_POSTERIOR = N_("site {n} ({hip} PSIS, {lat} mm {lat_dir}, {cra} mm {cra_dir})")
SITE_ANTERIOR = N_("site {n} ({hip} ASIS, {mm} mm back along the crest)")
DIRECTIONS = (N_("left"), N_("right"), N_("lateral"), N_("medial"), N_("cranial"), N_("caudal"))
NO_SITE = N_("No skin site was punctured, so no marrow could be collected.")
USED_SITES = (
    N_("You used {n} skin site; this scenario allows {lo}-{hi}."),
    N_("You used {n} skin sites; this scenario allows {lo}-{hi}."),
)
TOO_MANY = N_("Each extra puncture is another wound and infection risk.")
TOO_FEW = N_("Too few sites means re-entering the same bone over and over.")
#: An unsafe site (SITE_..., capitalised) and where it lies (ZONE_WORDS).
UNSAFE = N_("{site} lies {zone}.")
CLOSE = (
    N_(
        "{n} pair of sites on one hip lay under {mm} mm apart (sites {a} and {b}: {d} mm): they "
        "draw on the same bone; spread them out."
    ),
    N_(
        "{n} pairs of sites on one hip lay under {mm} mm apart (sites {a} and {b}: {d} mm): they "
        "draw on the same bone; spread them out."
    ),
)
ONE_HIP = N_(
    "All sites were on one hip; use both crests to spread the draw (one or more sites on each "
    "side)."
)
#: All well: on one side or both, at the posterior or the anterior crests.
GOOD = {
    ("posterior", False): (
        N_("{n} skin site, all in the safe zone near the PSIS and well spaced."),
        N_("{n} skin sites, all in the safe zone near the PSIS and well spaced."),
    ),
    ("posterior", True): (
        N_(
            "{n} skin site on both posterior crests, all in the safe zone near the PSIS "
            "and well spaced."
        ),
        N_(
            "{n} skin sites on both posterior crests, all in the safe zone near the PSIS "
            "and well spaced."
        ),
    ),
    ("anterior", False): (
        N_("{n} skin site, all in the safe zone 2-3 cm behind the ASIS and well spaced."),
        N_("{n} skin sites, all in the safe zone 2-3 cm behind the ASIS and well spaced."),
    ),
    ("anterior", True): (
        N_(
            "{n} skin site on both anterior crests, all in the safe zone 2-3 cm behind the ASIS "
            "and well spaced."
        ),
        N_(
            "{n} skin sites on both anterior crests, all in the safe zone 2-3 cm behind the ASIS "
            "and well spaced."
        ),
    ),
}
PHRASES = (
    SITE_POSTERIOR,
    SITE_ANTERIOR,
    NO_SITE,
    *USED_SITES,
    TOO_MANY,
    TOO_FEW,
    UNSAFE,
    *CLOSE,
    ONE_HIP,
    *(template for forms in GOOD.values() for template in forms),
)
TERMS = (*ZONE_WORDS.values(), *DIRECTIONS)


def describe(site: SiteMark) -> str:
    if site.anterior:
        return SITE_ANTERIOR.format(n=site.index + 1, hip=site.hip, mm=f"{site.cranial_mm:g}")
    return SITE_POSTERIOR.format(
        n=site.index + 1,
        hip=site.hip,
        lat=f"{abs(site.lateral_mm):g}",
        lat_dir="lateral" if site.lateral_mm >= 0 else "medial",
        cra=f"{abs(site.cranial_mm):g}",
        cra_dir="cranial" if site.cranial_mm >= 0 else "caudal",
    )


def _count_part(n: int, ctx: ScoringContext) -> float:
    if ctx.sites_min <= n <= ctx.sites_max:
        return 1.0
    if n < ctx.sites_min:
        return n / ctx.sites_min
    return clamp01(1.0 - 0.25 * (n - ctx.sites_max))


def judge(m: AttemptMetrics, ctx: ScoringContext) -> Judgement:
    if not ctx.needle_work:
        return Judgement.not_assessed(NO_NEEDLE_WORK)
    sites = m.punctured_sites
    n = len(sites)
    if n == 0:
        return Judgement(0.0, [NO_SITE])
    feedback: list[str] = []
    count = _count_part(n, ctx)
    if count < 1.0:
        used = one_or_many(n, USED_SITES).format(n=n, lo=ctx.sites_min, hi=ctx.sites_max)
        feedback.append(used + " " + (TOO_MANY if n > ctx.sites_max else TOO_FEW))
    unsafe = [s for s in sites if s.zone != "safe"]
    zone = clamp01(1.0 - 0.5 * len(unsafe))
    for s in unsafe:
        text = describe(s)
        feedback.append(
            UNSAFE.format(site=text[0].upper() + text[1:], zone=ZONE_WORDS.get(s.zone, s.zone))
        )
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
            one_or_many(len(close), CLOSE).format(
                n=len(close),
                mm=f"{ctx.thresholds.site_min_spacing_mm:g}",
                a=a.index + 1,
                b=b.index + 1,
                d=f"{d:.0f}",
            )
        )
    sides = {s.hip for s in sites}
    if n >= 2 and len(sides) == 1:
        spacing_faults += 0.5
        feedback.append(ONE_HIP)
    spacing = clamp01(1.0 - spacing_faults)
    fraction = weighted({"count": (count, 0.3), "zone": (zone, 0.5), "spacing": (spacing, 0.2)})
    if not feedback:
        crests = "anterior" if all(s.anterior for s in sites) else "posterior"
        feedback.append(one_or_many(n, GOOD[crests, len(sides) == 2]).format(n=n))
    return Judgement(fraction, feedback, parts={"count": count, "zone": zone, "spacing": spacing})
