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

from sim.model.tissue import Tissue
from sim.scoring.context import ScoringContext
from sim.scoring.metrics import AttemptMetrics, Pull
from sim.scoring.result import Judgement
from sim.scoring.text import clamp01, e6, ml, pct_drop, plural, ramp, weighted
from sim.vocabulary.technique import Thresholds

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
        return Judgement.not_assessed("Not assessed: this scenario has no needle work.")
    t = ctx.thresholds
    pulls = m.pulls
    if not pulls:
        return Judgement(0.0, ["No aspiration was made."])
    n = len(pulls)
    feedback: list[str] = []
    marrow = m.marrow_pulls

    # pull size
    size = sum(ramp(p.ml, t.pull_good_ml, t.pull_bad_ml) for p in pulls) / n
    big = [p for p in pulls if p.ml > t.pull_good_ml]
    if big:
        line = (
            f"{len(big)} of {n} pulls were over {t.pull_good_ml:g} mL (largest "
            f"{ml(max(p.ml for p in big))}); large pulls dilute marrow with blood"
        )
        big_q = _tnc_per_ml([p for p in marrow if p.ml > t.pull_good_ml])
        small = [p for p in marrow if p.ml <= t.pull_good_ml]
        ref, ref_name = (
            (_tnc_per_ml(small), f"your pulls of {t.pull_good_ml:g} mL or less")
            if small
            else (ctx.reference_tnc_per_ml, "a typical harvest")
        )
        drop = pct_drop(big_q, ref)
        if big_q > 0 and drop > 0:
            line += f": TNC/mL fell {drop}% ({e6(big_q)} against {e6(ref)} in {ref_name})"
        feedback.append(line + f". Pull {t.pull_good_ml:g} mL or less at a time.")

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
            f"{len(heavy)} of {len(pens)} bone penetrations gave more than "
            f"{t.penetration_ok_ml:g} mL (up to {ml(max(p.ml for p in heavy))}): take at most "
            f"{t.penetration_ok_ml:g} mL from each, then enter the bone somewhere new."
        )

    # fresh marrow for repeat pulls within one penetration
    repeats = [p for p in marrow if p.moved_mm is not None]
    credit = [freshness(p, t) for p in repeats]
    stale = [p for p, c in zip(repeats, credit, strict=True) if c == 0.0]
    turned = [p for p, c in zip(repeats, credit, strict=True) if 0.0 < c < 1.0]
    fresh = sum(credit) / len(repeats) if repeats else 1.0
    if turned:
        feedback.append(
            f"{len(turned)} of {len(repeats)} repeat pulls relied on turning the needle alone: "
            f"a quarter turn reaches only about {t.rotation_credit[0]:.0%} of a fresh spot's "
            f"marrow, and less with each further turn at the same depth. Advance "
            f"{t.fresh_move_mm:g} mm or enter the bone somewhere new between pulls."
        )
    if stale:
        first_q = _tnc_per_ml([p for p in marrow if p.moved_mm is None])
        stale_q = _tnc_per_ml(stale)
        line = (
            f"{len(stale)} of {len(repeats)} repeat pulls were taken at the same spot, without "
            f"rotating the needle {t.fresh_rotation_deg:g} deg or moving it "
            f"{t.fresh_move_mm:g} mm"
        )
        drop = pct_drop(stale_q, first_q)
        if drop > 0:
            line += f": that marrow was already drained, and TNC/mL fell {drop}%"
        feedback.append(line + ".")

    # spread of bone entries
    reused, firsts = reused_entries(marrow, t.spread_min_mm)
    spread = 1.0 - reused / firsts if firsts else 0.0
    if reused and spread >= SPREAD_NOTE_ONLY:
        feedback.append(
            f"{firsts - reused} of {firsts} bone penetrations drew on fresh marrow; {reused} "
            f"came within {t.spread_min_mm:g} mm of an earlier pull."
        )
    elif reused:
        feedback.append(
            f"{reused} of {firsts} bone penetrations drew within {t.spread_min_mm:g} mm of an "
            "earlier pull: aim each one at fresh bone, as far from the others as you can."
        )

    # pulls that found no marrow
    dry = [p for p in pulls if p.dry]
    outside = [p for p in pulls if not p.dry and p.tissue != "marrow"]
    persisted = persisted_thin(pulls, t)
    clotted = [p for p in pulls if p.clotted]
    n_faulty = len(dry) + len(outside) + len(persisted) + len(clotted)
    faulty = clamp01(1.0 - n_faulty / n / t.faulty_pull_zero_share)
    if clotted:
        feedback.append(
            f"{plural(len(clotted), 'syringe')} clotted: heparinise the syringes before pulling."
        )
    if dry:
        why = []
        plugged = sum(p.plugged or p.reason == "plugged" for p in dry)
        if plugged:
            why.append(
                f"{plugged} because the open needle was plugged with bone: keep the stylet in "
                "while going through cortex"
            )
        soft = [p for p in dry if p.reason == "soft_tissue"]
        if soft:
            why.append(
                f"{len(soft)} with the tip in {_tissue_label(soft[0].tissue)}, short of the "
                "bone: only tissue fluid comes back there"
            )
        danger = [p for p in dry if p.reason == "danger_zone"]
        if danger:
            where = sorted({_tissue_label(p.tissue) for p in danger})
            why.append(
                f"{len(danger)} with the tip outside the ilium ({', '.join(where)}): no marrow, "
                "and harm to the donor"
            )
        cortex = len(dry) - plugged - len(soft) - len(danger)
        if cortex:
            why.append(f"{cortex} with the tip in cortex, not marrow")
        feedback.append(f"{plural(len(dry), 'pull')} put no marrow in the bag ({'; '.join(why)}).")
    if outside:
        where = sorted({_tissue_label(p.tissue) for p in outside})
        feedback.append(
            f"{plural(len(outside), 'pull')} {'was' if len(outside) == 1 else 'were'} taken "
            f"outside the marrow ({', '.join(where)}): they drew only blood."
        )

    if persisted:
        feedback.append(
            f"After {t.thin_run_allowed:g} thin syringes in a row (under "
            f"{t.thin_tnc_per_ml / 1e6:g}x10^6/mL, mostly blood) you took "
            f"{plural(len(persisted), 'more thin pull')} at the same skin site: when rotating or "
            "moving the needle does not help, the area is poor; re-site."
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
        feedback.append(
            f"All {n} pulls were {t.pull_good_ml:g} mL or less, no penetration gave more than "
            f"{t.penetration_ok_ml:g} mL, and each pull drew on fresh marrow."
        )
    return Judgement(fraction, feedback, parts=parts)
