"""Aspiration technique: pull size, volume per bone penetration, fresh marrow for every pull,
spread of bone entries, and pulls that found no marrow.

Sources (clinical.md §1, §2): small pulls (1-4 mL historic, Hernigou 2013; four 1-mL pulls give
about twice one 4-mL pull, Muschler 1997; harvest TNC 3-fold below the first 1 mL, Batinic 1990);
'5-10 mL maximum from each penetration' (alpfmedical.info); repeat pulls at one spot give little
(Muench 2019), so rotate or move the needle ('rotate the needle and reapply suction'); put 'the
point of the needle in different places' (Thomas), 'as distant as possible' (Batinic 1990); dry
taps are mostly technique (Donald & Kakkar 2021).
"""

from __future__ import annotations

import math

from sim.i18n import N_
from sim.model.tissue import Tissue
from sim.scoring.context import ScoringContext
from sim.scoring.metrics import AttemptMetrics, Pull
from sim.scoring.result import Judgement
from sim.scoring.text import (
    NO_NEEDLE_WORK,
    clamp01,
    e6,
    ml,
    one_or_many,
    pct_drop,
    ramp,
    weighted,
)
from sim.vocabulary.technique import Thresholds

# The feedback, one template per sentence (sim/scoring/phrases.py shows them translated).
NO_ASPIRATION = N_("No aspiration was made.")
BIG_PULLS = N_(
    "{k} of {n} pulls were over {good} mL (largest {largest}); large pulls dilute marrow with "
    "blood. Pull {good} mL or less at a time."
)
BIG_PULLS_DILUTED = N_(
    "{k} of {n} pulls were over {good} mL (largest {largest}); large pulls dilute marrow with "
    "blood: TNC/mL fell {drop}% ({big} against {ref} in {reference}). Pull {good} mL or less "
    "at a time."
)
#: What the large pulls' TNC/mL is compared with.
REFERENCE_SMALL = N_("your pulls of {good} mL or less")
REFERENCE_TYPICAL = N_("a typical harvest")
HEAVY_PENETRATIONS = N_(
    "{k} of {n} bone penetrations gave more than {ok} mL (up to {most}): take at most {ok} mL "
    "from each, then enter the bone somewhere new."
)
TURNED_ONLY = N_(
    "{k} of {n} repeat pulls relied on turning the needle alone: a quarter turn reaches only "
    "about {credit} of a fresh spot's marrow, and less with each further turn at the same "
    "depth. Advance {move} mm or enter the bone somewhere new between pulls."
)
SAME_SPOT = N_(
    "{k} of {n} repeat pulls were taken at the same spot, without rotating the needle {deg} deg "
    "or moving it {move} mm."
)
SAME_SPOT_DRAINED = N_(
    "{k} of {n} repeat pulls were taken at the same spot, without rotating the needle {deg} deg "
    "or moving it {move} mm: that marrow was already drained, and TNC/mL fell {drop}%."
)
SPREAD_NOTED = N_(
    "{fresh} of {n} bone penetrations drew on fresh marrow; {k} came within {mm} mm of an "
    "earlier pull."
)
SPREAD_POOR = N_(
    "{k} of {n} bone penetrations drew within {mm} mm of an earlier pull: aim each one at fresh "
    "bone, as far from the others as you can."
)
CLOTTED = (
    N_("{n} syringe clotted: heparinise the syringes before pulling."),
    N_("{n} syringes clotted: heparinise the syringes before pulling."),
)
DRY = (
    N_("{n} pull put no marrow in the bag ({why})."),
    N_("{n} pulls put no marrow in the bag ({why})."),
)
#: Why dry pulls gave nothing (joined with '; ' into DRY's ``why``).
DRY_PLUGGED = N_(
    "{n} because the open needle was plugged with bone: keep the stylet in while going through "
    "cortex"
)
DRY_SOFT = N_("{n} with the tip in {tissue}, short of the bone: only tissue fluid comes back there")
DRY_DANGER = N_("{n} with the tip outside the ilium ({where}): no marrow, and harm to the donor")
DRY_CORTEX = N_("{n} with the tip in cortex, not marrow")
OUTSIDE = (
    N_("{n} pull was taken outside the marrow ({where}): they drew only blood."),
    N_("{n} pulls were taken outside the marrow ({where}): they drew only blood."),
)
PERSISTED_THIN = (
    N_(
        "After {run} thin syringes in a row (under {thin}x10^6/mL, mostly blood) you took {n} "
        "more thin pull at the same skin site: when rotating or moving the needle does not "
        "help, the area is poor; re-site."
    ),
    N_(
        "After {run} thin syringes in a row (under {thin}x10^6/mL, mostly blood) you took {n} "
        "more thin pulls at the same skin site: when rotating or moving the needle does not "
        "help, the area is poor; re-site."
    ),
)
ALL_GOOD = N_(
    "All {n} pulls were {good} mL or less, no penetration gave more than {ok} mL, and each pull "
    "drew on fresh marrow."
)
PHRASES = (
    NO_ASPIRATION,
    BIG_PULLS,
    BIG_PULLS_DILUTED,
    REFERENCE_SMALL,
    REFERENCE_TYPICAL,
    HEAVY_PENETRATIONS,
    TURNED_ONLY,
    SAME_SPOT,
    SAME_SPOT_DRAINED,
    SPREAD_NOTED,
    SPREAD_POOR,
    *CLOTTED,
    *DRY,
    DRY_PLUGGED,
    DRY_SOFT,
    DRY_DANGER,
    DRY_CORTEX,
    *OUTSIDE,
    *PERSISTED_THIN,
    ALL_GOOD,
)
#: The values said in those sentences: the tissues' names (sim/model/tissue.py).
TERMS = tuple(t.label for t in Tissue)

#: Above this share of bone entries on fresh marrow, the few that were not are only noted.
SPREAD_NOTE_ONLY = 0.8
PART_WEIGHTS = {
    "pull_size": 0.35,
    "per_penetration": 0.2,
    "fresh_marrow": 0.2,
    "spread": 0.1,
    "faulty_pulls": 0.15,
}


def _tissue_label(tissue: str) -> str:
    try:
        return Tissue(tissue).label
    except ValueError:
        return tissue.replace("_", " ")


def _tnc_per_ml(pulls: list[Pull]) -> float:
    vol = sum(p.ml for p in pulls)
    return sum(p.tnc for p in pulls) / vol if vol > 0 else 0.0


def freshness(pull: Pull, t: Thresholds) -> float:
    """How much fresh marrow a repeat pull in one penetration reached, as the model has it:
    1 when the tip moved ``fresh_move_mm`` from every earlier pull of the penetration; when the
    needle was only turned ``fresh_rotation_deg`` from them, the technique table's
    ``rotation_credit`` for that many turns at this depth; 0 at the same spot (turning 180 deg
    and back to a drained spot counts as the same spot).  A first pull is 1 (its spread from
    other entries is judged apart)."""
    if pull.moved_mm is None:
        return 1.0
    moved, turned = pull.nearest_earlier or (pull.moved_mm or 0.0, pull.turned_deg or 0.0)
    if moved >= t.fresh_move_mm:
        return 1.0
    if turned >= t.fresh_rotation_deg:
        credits = t.rotation_credit
        return credits[min(max(1, pull.same_depth_pulls), len(credits)) - 1]
    return 0.0


def is_fresh(pull: Pull, t: Thresholds) -> bool:
    """Whether a repeat pull reached any fresh marrow (moved or turned far enough)."""
    return freshness(pull, t) > 0.0


def reused_entries(pulls: list[Pull], radius_mm: float) -> tuple[int, int]:
    """(penetrations whose first pull lies within ``radius_mm`` of an earlier pull, all with
    pulls), in linear time however the pulls lie, with two grid hashes per ilium:

    * cells of half the radius, only whether each holds a pull: any two points of one such cell
      lie within 0.87 radius of each other, so a first pull in an occupied cell is a reuse with
      no distance to compare;
    * cells of the radius, with the distinct tips in each: a first pull in an empty small cell
      is compared with the tips of the 27 cells around it.  That happens at most once per small
      cell (the pull then occupies it), and a spot drawn from a thousand times is one tip, so
      the comparisons stay linear in the pulls.
    """
    grid: dict[tuple[str, int, int, int], dict[tuple[float, float, float], None]] = {}
    occupied: set[tuple[str, int, int, int]] = set()
    half = radius_mm / 2.0
    seen_pen: set[int] = set()
    reused = firsts = 0
    near_cells = [(du, dv, dw) for du in (-1, 0, 1) for dv in (-1, 0, 1) for dw in (-1, 0, 1)]
    for p in pulls:
        if p.tip is None or p.side is None:
            continue
        tip = p.tip
        i, j, k = (math.floor(c / radius_mm) for c in tip)
        small = (p.side, *(math.floor(c / half) for c in tip))
        if p.penetration not in seen_pen:
            seen_pen.add(p.penetration)
            firsts += 1
            reused += small in occupied or any(
                math.dist(q, tip) < radius_mm
                for du, dv, dw in near_cells
                for q in grid.get((p.side, i + du, j + dv, k + dw), ())
            )
        grid.setdefault((p.side, i, j, k), {})[tip] = None
        occupied.add(small)
    return reused, firsts


def persisted_thin(pulls: list[Pull], t: Thresholds) -> list[Pull]:
    """Thin pulls taken after ``thin_run_allowed`` thin ones in a row at the same skin site."""
    run: dict[int | None, int] = {}
    out = []
    for p in pulls:
        if not p.in_marrow or p.clotted:  # a clotted syringe is thin for another reason
            continue
        if p.tnc_per_ml < t.thin_tnc_per_ml:
            run[p.site] = run.get(p.site, 0) + 1
            if run[p.site] > t.thin_run_allowed:
                out.append(p)
        else:
            run[p.site] = 0
    return out


def judge(m: AttemptMetrics, ctx: ScoringContext) -> Judgement:
    if not ctx.needle_work:
        return Judgement.not_assessed(NO_NEEDLE_WORK)
    t = ctx.thresholds
    pulls = m.pulls
    if not pulls:
        return Judgement(0.0, [NO_ASPIRATION])
    n = len(pulls)
    feedback: list[str] = []
    marrow = m.marrow_pulls
    good = f"{t.pull_good_ml:g}"

    # pull size
    size = sum(ramp(p.ml, t.pull_good_ml, t.pull_bad_ml) for p in pulls) / n
    big = [p for p in pulls if p.ml > t.pull_good_ml]
    if big:
        largest = ml(max(p.ml for p in big))
        big_q = _tnc_per_ml([p for p in marrow if p.ml > t.pull_good_ml])
        small = [p for p in marrow if p.ml <= t.pull_good_ml]
        ref, ref_name = (
            (_tnc_per_ml(small), REFERENCE_SMALL.format(good=good))
            if small
            else (ctx.reference_tnc_per_ml, REFERENCE_TYPICAL)
        )
        drop = pct_drop(big_q, ref)
        if big_q > 0 and drop > 0:
            feedback.append(
                BIG_PULLS_DILUTED.format(
                    k=len(big),
                    n=n,
                    good=good,
                    largest=largest,
                    drop=drop,
                    big=e6(big_q),
                    ref=e6(ref),
                    reference=ref_name,
                )
            )
        else:
            feedback.append(BIG_PULLS.format(k=len(big), n=n, good=good, largest=largest))

    # volume per penetration: the mean credit of the penetrations that gave marrow (a mean,
    # not volume-weighted, so a larger pull can never raise it)
    pens = [p for p in m.penetrations.values() if p.ml > 0]
    per_pen = (
        sum(ramp(p.ml, t.penetration_ok_ml, t.penetration_zero_ml) for p in pens) / len(pens)
        if pens
        else 0.0
    )
    heavy = [p for p in pens if p.ml > t.penetration_ok_ml]
    if heavy:
        feedback.append(
            HEAVY_PENETRATIONS.format(
                k=len(heavy),
                n=len(pens),
                ok=f"{t.penetration_ok_ml:g}",
                most=ml(max(p.ml for p in heavy)),
            )
        )

    # fresh marrow for repeat pulls within one penetration
    repeats = [p for p in marrow if p.moved_mm is not None]
    credit = [freshness(p, t) for p in repeats]
    stale = [p for p, c in zip(repeats, credit, strict=True) if c == 0.0]
    turned = [p for p, c in zip(repeats, credit, strict=True) if 0.0 < c < 1.0]
    fresh = sum(credit) / len(repeats) if repeats else 1.0
    if turned:
        feedback.append(
            TURNED_ONLY.format(
                k=len(turned),
                n=len(repeats),
                credit=f"{t.rotation_credit[0]:.0%}",
                move=f"{t.fresh_move_mm:g}",
            )
        )
    if stale:
        first_q = _tnc_per_ml([p for p in marrow if p.moved_mm is None])
        stale_q = _tnc_per_ml(stale)
        drop = pct_drop(stale_q, first_q)
        feedback.append(
            (SAME_SPOT_DRAINED if drop > 0 else SAME_SPOT).format(
                k=len(stale),
                n=len(repeats),
                deg=f"{t.fresh_rotation_deg:g}",
                move=f"{t.fresh_move_mm:g}",
                drop=drop,
            )
        )

    # spread of bone entries
    reused, firsts = reused_entries(marrow, t.spread_min_mm)
    spread = 1.0 - reused / firsts if firsts else 0.0
    if reused and spread >= SPREAD_NOTE_ONLY:
        feedback.append(
            SPREAD_NOTED.format(
                fresh=firsts - reused, n=firsts, k=reused, mm=f"{t.spread_min_mm:g}"
            )
        )
    elif reused:
        feedback.append(SPREAD_POOR.format(k=reused, n=firsts, mm=f"{t.spread_min_mm:g}"))

    # pulls that found no marrow
    dry = [p for p in pulls if p.dry]
    outside = [p for p in pulls if not p.dry and p.tissue != "marrow"]
    persisted = persisted_thin(pulls, t)
    clotted = [p for p in pulls if p.clotted]
    n_faulty = len(dry) + len(outside) + len(persisted) + len(clotted)
    faulty = clamp01(1.0 - n_faulty / n / t.faulty_pull_zero_share)
    if clotted:
        feedback.append(one_or_many(len(clotted), CLOTTED).format(n=len(clotted)))
    if dry:
        why = []
        plugged = sum(p.plugged or p.reason == "plugged" for p in dry)
        if plugged:
            why.append(DRY_PLUGGED.format(n=plugged))
        soft = [p for p in dry if p.reason == "soft_tissue"]
        if soft:
            why.append(DRY_SOFT.format(n=len(soft), tissue=_tissue_label(soft[0].tissue)))
        danger = [p for p in dry if p.reason == "danger_zone"]
        if danger:
            where = sorted({_tissue_label(p.tissue) for p in danger})
            why.append(DRY_DANGER.format(n=len(danger), where=", ".join(where)))
        cortex = len(dry) - plugged - len(soft) - len(danger)
        if cortex:
            why.append(DRY_CORTEX.format(n=cortex))
        feedback.append(one_or_many(len(dry), DRY).format(n=len(dry), why="; ".join(why)))
    if outside:
        where = sorted({_tissue_label(p.tissue) for p in outside})
        feedback.append(
            one_or_many(len(outside), OUTSIDE).format(n=len(outside), where=", ".join(where))
        )

    if persisted:
        feedback.append(
            one_or_many(len(persisted), PERSISTED_THIN).format(
                run=f"{t.thin_run_allowed:g}",
                thin=f"{t.thin_tnc_per_ml / 1e6:g}",
                n=len(persisted),
            )
        )
    parts = {
        "pull_size": size,
        "per_penetration": per_pen,
        "fresh_marrow": fresh,
        "spread": spread,
        "faulty_pulls": faulty,
    }
    fraction = weighted({k: (v, PART_WEIGHTS[k]) for k, v in parts.items()})
    if not feedback:
        feedback.append(ALL_GOOD.format(n=n, good=good, ok=f"{t.penetration_ok_ml:g}"))
    return Judgement(fraction, feedback, parts=parts)
