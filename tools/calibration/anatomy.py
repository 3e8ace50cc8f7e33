"""Section "Anatomy and trajectories": Hirahara tracks, SI joint, sciatic notch, soft tissue.

The rows come from ``Anatomy`` profiles along needle tracks from the PSIS bone point for typical
male and female donors.
"""

from __future__ import annotations

import math

from sim.model.anatomy import Anatomy, Vec3, direction
from sim.model.tissue import Tissue
from tools.calibration.drivers import IDEAL_LATERAL_DEG, adult
from tools.calibration.table import FITTED, PREDICTED, Row, within_rel, within_sd


def bone_stretch(anatomy: Anatomy, lateral_deg: float, cranial_deg: float) -> tuple[Vec3, Vec3]:
    """First and last point in bone of a track from the PSIS bone point."""
    o, d = anatomy.psis_bone_point, direction(lateral_deg, cranial_deg)
    prof = anatomy.profile(o, d, 200.0)
    bone = [s for s in prof.segments if s.tissue.is_bone]
    t0, t1 = bone[0].start_mm, bone[-1].end_mm
    return (
        tuple(o[i] + t0 * d[i] for i in range(3)),
        tuple(o[i] + t1 * d[i] for i in range(3)),
    )


def min_notch_mm(anatomy: Anatomy, lateral_deg: float, cranial_deg: float) -> float:
    """Closest approach of a track's in-bone part to the notch border (linear along a line)."""
    return min(
        anatomy.notch_distance_mm(p) for p in bone_stretch(anatomy, lateral_deg, cranial_deg)
    )


def exit_tissue(anatomy: Anatomy, lateral_deg: float, cranial_deg: float) -> Tissue:
    """What lies beyond the bone on a track from the PSIS bone point."""
    prof = anatomy.profile(anatomy.psis_bone_point, direction(lateral_deg, cranial_deg), 200.0)
    seen_bone = False
    for seg in prof.segments:
        if seg.tissue.is_bone:
            seen_bone = True
        elif seen_bone:
            return seg.tissue
    return Tissue.AIR


def anatomy_rows() -> list[Row]:
    """Hirahara tracks, the SI joint, the sciatic notch (J Oral Maxillofac Surg, D'Souza)."""
    sec = "Anatomy and trajectories"
    male, female = Anatomy(adult("male")), Anatomy(adult("female"))
    rows = []
    travel = {
        name: a.profile(
            a.psis_bone_point, direction(IDEAL_LATERAL_DEG, 0.0), 200.0
        ).bone_travel_mm()
        for name, a in (("male", male), ("female", female))
    }
    travel["mean"] = 0.5 * (travel["male"] + travel["female"])
    for key, lit in (("mean", 71.4), ("male", 75.3), ("female", 67.4)):
        lo, hi, tol = within_rel(lit, 0.10, "measured mean, no SD")
        rows.append(
            Row(
                key=f"travel_24deg_{key}",
                section=sec,
                quantity=f"In-bone travel at 24° lateral from the PSIS ({key})",
                literature=f"{lit / 10:.2f} cm",
                source="Hirahara et al., MRI of 26 pelves (clinical.md §1)",
                value=travel[key],
                model=f"{travel[key] / 10:.2f} cm",
                tolerance=tol,
                lo=lo,
                hi=hi,
                method=(
                    "Anatomy.profile from psis_bone_point along direction(24, 0); "
                    "TrackProfile.bone_travel_mm (outer cortex + marrow, up to the inner table)"
                    + ("; mean of the male and female donors" if key == "mean" else "")
                ),
                fit=FITTED,
                basis=(
                    "the inner-table plane is placed through this exit point (`lateral_travel_mm`)"
                    if key == "mean"
                    else "`male_scale` / `female_scale` are this travel over the mean"
                ),
            )
        )
    perp = 0.5 * sum(
        a.profile(a.psis_bone_point, direction(0.0, 0.0), 200.0).bone_travel_mm()
        for a in (male, female)
    )
    lo, hi, tol = within_rel(32.0, 0.10, "measured mean, no SD")
    rows.append(
        Row(
            "travel_perpendicular",
            sec,
            "In-bone travel, perpendicular entry, before the SI joint",
            "3.20 cm",
            "Hirahara (clinical.md §1)",
            perp,
            f"{perp / 10:.2f} cm",
            tol,
            lo,
            hi,
            "as above along direction(0, 0); mean of the male and female donors",
            fit=FITTED,
            basis="the inner-table plane passes through this exit (`perpendicular_travel_mm`)",
        )
    )
    for key, label, lat, fit, basis in (
        (
            "perpendicular_enters_si",
            "Perpendicular track ends in the SI joint",
            0.0,
            FITTED,
            "`si_joint_lateral_limit_mm` was placed so that this exit is the SI joint",
        ),
        (
            "medial_enters_si",
            "10° medial track ends in the SI joint",
            -10.0,
            PREDICTED,
            "the inner-table plane and the SI line fitted to the two Hirahara tracks",
        ),
    ):
        exits = {exit_tissue(a, lat, 0.0) for a in (male, female)}
        hit = float(exits == {Tissue.SI_JOINT})
        rows.append(
            Row(
                key,
                sec,
                label,
                "SI joint / sacrum",
                "Hirahara; Reed et al. 2018 (12% sacral penetration); RSNA 2007 (14/77 tracks)",
                hit,
                ", ".join(sorted(t.value for t in exits)),
                "must be si_joint",
                1.0,
                1.0,
                "tissue beyond the bone on the track from psis_bone_point (male and female)",
                fit=fit,
                basis=basis,
            )
        )
    exits24 = {exit_tissue(a, IDEAL_LATERAL_DEG, 0.0) for a in (male, female)}
    rows.append(
        Row(
            "lateral_24_exits_inner_table",
            sec,
            "24° lateral track ends at the inner table (not the SI joint)",
            "anterior (inner) wall of the ilium",
            "Hirahara; Konda et al. 2014 (lateral approach avoids the SI joint)",
            float(exits24 == {Tissue.PELVIS}),
            ", ".join(sorted(t.value for t in exits24)),
            "must be pelvis (beyond the inner table)",
            1.0,
            1.0,
            "tissue beyond the bone on the 24° track (male and female)",
            fit=FITTED,
            basis="`si_joint_lateral_limit_mm` was placed medial of this exit",
        )
    )
    notch = 0.5 * sum(a.notch_distance_mm(a.psis_bone_point) for a in (male, female))
    lo, hi, tol = within_sd(53.0, 7.1, "0.71 cm")
    rows.append(
        Row(
            "psis_to_notch",
            sec,
            "PSIS to greater sciatic notch",
            "5.3 ± 0.71 cm",
            "J Oral Maxillofac Surg 2013;71:1777 (clinical.md §1, §3)",
            notch,
            f"{notch / 10:.2f} cm",
            tol,
            lo,
            hi,
            "Anatomy.notch_distance_mm(psis_bone_point); mean of the male and female donors",
            fit=FITTED,
            basis="`notch_distance_mm` is this distance",
        )
    )
    for key, label, lat, cra, src in (
        (
            "dsouza_notch_clearance",
            "25° cephalad, 24.6° lateral track: closest approach to the notch",
            24.6,
            25.0,
            "D'Souza et al., 3D CT of 260 patients (clinical.md §1)",
        ),
        (
            "hirahara_notch_clearance",
            "24° lateral track (no cephalad tilt): closest approach to the notch",
            IDEAL_LATERAL_DEG,
            0.0,
            "D'Souza margin applied to the Hirahara track",
        ),
    ):
        clear = min(min_notch_mm(a, lat, cra) for a in (male, female))
        rows.append(
            Row(
                key,
                sec,
                label,
                "≥ 1 cm in every scan",
                src,
                clear,
                f"{clear / 10:.2f} cm",
                "≥ 1.0 cm",
                10.0,
                math.inf,
                "least Anatomy.notch_distance_mm over the in-bone part of the track "
                "(its two ends: distance is linear along a line); the smaller donor",
                fit=PREDICTED,
                basis="the notch plane (53 mm, gap slopes) and the Hirahara-fitted ilium",
            )
        )
    depths = {bmi: Anatomy(adult("male", bmi=bmi)).soft_mm for bmi in (22.0, 30.0)}
    for bmi, depth in depths.items():
        rows.append(
            Row(
                f"soft_tissue_bmi{bmi:.0f}",
                sec,
                f"Skin-to-bone depth over the PSIS at BMI {bmi:.0f}",
                "22.8–36.7 mm (lumbar proxy, rises with BMI)",
                "Kawchuk et al., lumbar MRI skin to spinous process (proxy; clinical.md §1, §5)",
                depth,
                f"{depth:.1f} mm",
                "range 22.8–36.7 mm (the proxy's own range)",
                22.8,
                36.7,
                "Anatomy(donor).soft_mm for a 175 cm man of that BMI",
                fit=FITTED,
                basis=(
                    "`soft_tissue_at_bmi22_mm` and `soft_tissue_per_bmi_mm` were set in this range"
                ),
            )
        )
    slope = (depths[30.0] - depths[22.0]) / 8.0
    rows.append(
        Row(
            "soft_tissue_slope",
            sec,
            "Soft-tissue depth against BMI",
            "positive, linear",
            "Kawchuk et al. (proxy; clinical.md §1)",
            slope,
            f"+{slope:.2f} mm per kg/m²",
            "> 0",
            1e-9,
            math.inf,
            "difference of the two depths above over 8 kg/m²",
            fit=FITTED,
            basis="`soft_tissue_per_bmi_mm` is this slope",
        )
    )
    return rows
