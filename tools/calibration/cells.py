"""Section "Cell content and donor age": CD34+ shares, and how age changes marrow and cortex.

The rows come from ``YieldModel`` draws on a fresh ``MarrowField`` and from ``Anatomy`` profiles
of donors who differ only in age.
"""

from __future__ import annotations

import numpy as np

from sim.model.anatomy import Anatomy, direction
from sim.model.donor import Donor
from sim.model.marrow import MarrowField, Sample, YieldModel, side_hole_point
from sim.model.parameters import table
from sim.model.tissue import Tissue
from tools.calibration.drivers import adult
from tools.calibration.table import FITTED, Row, within_rel


def cell_rows() -> list[Row]:
    """CD34+ shares and the age effect, from YieldModel draws on a fresh field."""
    sec = "Cell content and donor age"
    rows = []

    def fresh_draw(donor: Donor, ml: float = 1.0) -> tuple[YieldModel, Sample]:
        model = YieldModel(donor)
        field = MarrowField(donor, donor.soft_tissue_mm, np.random.default_rng(0))
        point = side_hole_point((10.0, 0.0, donor.soft_tissue_mm + 20.0), direction(24, 0), 0.0)
        return model, model.draw(field, point, ml)

    def marrow_part(model: YieldModel, s: Sample) -> tuple[float, float]:
        blood = model.blood(s.blood_ml)
        return s.tnc - blood.tnc, s.cd34 - blood.cd34

    model, s = fresh_draw(adult("male", age_years=table("marrow").reference_age_years))
    tnc_m, cd34_m = marrow_part(model, s)
    frac = cd34_m / tnc_m
    lo, hi, tol = within_rel(0.011, 0.10, "point value")
    rows.append(
        Row(
            "cd34_share_marrow",
            sec,
            "CD34+ share of nucleated cells in marrow",
            "~1.1%",
            "clicktocurecancer.info; Ince et al. (1 per 100) (clinical.md §2)",
            frac,
            f"{frac:.2%}",
            tol,
            lo,
            hi,
            "marrow part of a fresh 1-mL draw (draw minus YieldModel.blood of its blood volume)",
            fit=FITTED,
            basis="`cd34_fraction_marrow` is this share",
        )
    )
    blood = model.blood(5.0)
    bfrac = blood.cd34 / blood.tnc
    lo, hi, tol = within_rel(0.0006, 0.10, "point value")
    rows.append(
        Row(
            "cd34_share_blood",
            sec,
            "CD34+ share of nucleated cells in steady-state blood",
            "~0.06%",
            "clicktocurecancer.info (clinical.md §2)",
            bfrac,
            f"{bfrac:.3%}",
            tol,
            lo,
            hi,
            "YieldModel.blood: a pull that finds only peripheral blood",
            fit=FITTED,
            basis="`cd34_fraction_blood` is this share",
        )
    )
    young_model, young = fresh_draw(adult("male", age_years=10.0))
    old_model, old = fresh_draw(adult("male", age_years=70.0))
    (ty, cy), (to, co) = marrow_part(young_model, young), marrow_part(old_model, old)
    cell_ratio = (to / old.marrow_ml) / (ty / young.marrow_ml)
    lo, hi, tol = within_rel(3.02 / 4.71, 0.10, "cohort means")
    rows.append(
        Row(
            "age_cellularity",
            sec,
            "Marrow cells per mL, age 61–80 / age 0–20",
            "3.02 / 4.71 = 0.64",
            "SCI cohort, PMC3398573 (clinical.md §2)",
            cell_ratio,
            f"{cell_ratio:.3f}",
            tol,
            lo,
            hi,
            "marrow TNC per mL of true marrow, same fresh spot, donors aged 70 and 10 "
            "(adult-sized, so only age differs)",
            fit=FITTED,
            basis="`age_cellularity_drop` was set from this ratio",
        )
    )
    cd34_ratio = (co / to) / (cy / ty)
    lo, hi, tol = within_rel(0.93 / 1.05, 0.10, "cohort means")
    rows.append(
        Row(
            "age_cd34_share",
            sec,
            "CD34+ share, age 61–80 / age 0–20",
            "0.93% / 1.05% = 0.89",
            "SCI cohort, PMC3398573 (clinical.md §2)",
            cd34_ratio,
            f"{cd34_ratio:.3f}",
            tol,
            lo,
            hi,
            "CD34+/TNC of the marrow part, as above",
            fit=FITTED,
            basis="`age_cd34_fraction_drop` was set from this ratio",
        )
    )

    def cortex_mm(age: float) -> float:
        a = Anatomy(adult("male", age_years=age))
        prof = a.profile(a.psis_bone_point, direction(0.0, 0.0), 100.0)
        seg = prof.first(Tissue.OUTER_CORTEX)
        assert seg is not None
        return seg.end_mm - seg.start_mm

    c30, c75 = cortex_mm(30.0), cortex_mm(75.0)
    rows.append(
        Row(
            "age_cortex",
            sec,
            "Outer cortex at the PSIS, age 75 / age 30",
            "cortical width decreases with age (18–90 y)",
            "PMC3089747, 54 subjects (clinical.md §1, §5)",
            c75 / c30,
            f"{c75 / c30:.2f} ({c30:.2f} → {c75:.2f} mm)",
            "< 1",
            0.0,
            1.0 - 1e-9,
            "outer-cortex segment on the perpendicular track from the PSIS bone point",
            fit=FITTED,
            basis="`cortex_loss_per_year` gives the direction (its slope is a gap)",
        )
    )
    return rows
