"""The donor: body measures, the individual's draw, and what the models derive from them.

A scenario describes a donor (sex, age, weight, height and the multipliers of a variant); each
attempt's donor is that description with what it leaves open drawn from the seed
(:meth:`Donor.individual`): the marrow's cellularity, the peripheral WBC and the haematocrit,
from the distributions in ``sim/model/params/donor.toml``.  So donors differ from seed to seed
as real donors do, while a scenario can still pin a value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from sim.model.parameters import table


@dataclass(frozen=True)
class Donor:
    """A donor as a scenario describes them, and (after :meth:`individual`) as drawn.

    ``cellularity`` and ``cortex`` are multipliers a scenario may set for variants (older or
    osteoporotic bone, a dry tap); 1.0 means "as the literature's typical adult".
    ``marrow_draw`` is this individual's marrow cellularity against the population's (mean 1).
    """

    sex: Literal["female", "male"] = "male"
    age_years: float = 35.0
    weight_kg: float = 75.0
    height_cm: float = 175.0
    cellularity: float = 1.0
    cortex: float = 1.0
    wbc_per_ml: float | None = None
    haematocrit: float | None = None
    marrow_draw: float = 1.0

    # ------------------------------------------------------------------ the individual
    def individual(self, rng: np.random.Generator) -> Donor:
        """This donor with the values the scenario left open drawn from the population.

        Three standard normals are always drawn, in the same order, so pinning one value does
        not change the others."""
        d, m = table("donor"), table("marrow")
        z_wbc, z_marrow, z_hct = (float(z) for z in rng.standard_normal(3))
        wbc = self.wbc_per_ml
        if wbc is None:
            wbc = m.blood_wbc_per_ml * math.exp(d.wbc_log_sd * z_wbc)
        sd = d.cellularity_log_sd
        draw = math.exp(sd * z_marrow - 0.5 * sd * sd)
        hct = self.haematocrit
        if hct is None:
            hct = min(0.55, max(0.28, self.typical_haematocrit + d.haematocrit_sd * z_hct))
        return replace(self, wbc_per_ml=wbc, marrow_draw=draw, haematocrit=hct)

    @property
    def child(self) -> bool:
        return self.age_years < table("donor").adult_age_years

    @property
    def typical_haematocrit(self) -> float:
        d = table("donor")
        if self.child:
            return d.haematocrit_child
        return d.haematocrit_male if self.sex == "male" else d.haematocrit_female

    @property
    def hct(self) -> float:
        """The haematocrit: drawn or pinned, else the typical one for sex and age."""
        return self.haematocrit if self.haematocrit is not None else self.typical_haematocrit

    @property
    def hb_g_l(self) -> float:
        """Haemoglobin before the harvest (haematocrit x MCHC)."""
        return self.hct * table("donor").mchc_g_l

    # ------------------------------------------------------------------ body
    @property
    def bmi(self) -> float:
        return self.weight_kg / (self.height_cm / 100.0) ** 2

    @property
    def _child_height_factor(self) -> float:
        """A child's pelvis and soft tissue scale with height below the reference stature."""
        if not self.child:
            return 1.0
        return min(1.0, self.height_cm / table("anatomy").reference_height_cm)

    @property
    def soft_tissue_mm(self) -> float:
        """Skin-to-bone depth over the PSIS (lumbar MRI proxy, linear in BMI)."""
        a = table("anatomy")
        depth = a.soft_tissue_at_bmi22_mm + a.soft_tissue_per_bmi_mm * (self.bmi - 22.0)
        return max(a.soft_tissue_min_mm, depth * self._child_height_factor)

    @property
    def geometry_scale(self) -> float:
        """Size of this donor's ilium against the mixed-sex adult mean (Hirahara).

        The sex sets the mean (male 7.53 / female 6.74 cm of bone along the ideal track); an
        adult's ilium scales isometrically with height against that sex's typical height, a
        child's with height against the reference stature.  Height derived from a BMI never
        makes an adult a child."""
        a, d = table("anatomy"), table("donor")
        scale = a.male_scale if self.sex == "male" else a.female_scale
        if self.child:
            return scale * self._child_height_factor
        typical = d.male_height_cm if self.sex == "male" else d.female_height_cm
        return scale * self.height_cm / typical

    @property
    def cortex_factor(self) -> float:
        """Cortical thickness and strength against a 30-year-old (thins with age)."""
        a = table("anatomy")
        age_loss = a.cortex_loss_per_year * max(0.0, self.age_years - 30.0)
        return max(a.cortex_min_factor, 1.0 - age_loss) * self.cortex

    @property
    def outer_cortex_mm(self) -> float:
        return table("anatomy").outer_cortex_mm * self.cortex_factor * min(1.0, self.geometry_scale)

    @property
    def inner_cortex_mm(self) -> float:
        return table("anatomy").inner_cortex_mm * self.cortex_factor * min(1.0, self.geometry_scale)

    # ------------------------------------------------------------------ marrow and blood
    @property
    def marrow_richness(self) -> float:
        """Nucleated-cell richness of true marrow against a typical 30-year-old: age (SCI
        cohort), the scenario's multiplier, the individual's draw and its WBC (Vox Sang 2016)."""
        m, d = table("marrow"), table("donor")
        drop = m.age_cellularity_drop
        age = _age_level(self.age_years, drop) / _age_level(m.reference_age_years, drop)
        wbc = (self.blood_wbc_per_ml / m.blood_wbc_per_ml) ** d.wbc_marrow_exponent
        return age * self.cellularity * self.marrow_draw * wbc

    @property
    def cd34_fraction_marrow(self) -> float:
        m = table("marrow")
        drop = m.age_cd34_fraction_drop
        return m.cd34_fraction_marrow * (
            _age_level(self.age_years, drop) / _age_level(m.reference_age_years, drop)
        )

    @property
    def blood_wbc_per_ml(self) -> float:
        return self.wbc_per_ml if self.wbc_per_ml is not None else table("marrow").blood_wbc_per_ml

    @property
    def blood_volume_ml(self) -> float:
        per_kg = (
            table("donor").child_blood_volume_ml_per_kg
            if self.child
            else table("marrow").blood_volume_ml_per_kg
        )
        return per_kg * self.weight_kg

    def volume_limit_ml(self, ml_per_kg: float | None = None) -> float:
        """The most marrow that may be taken from this donor (default 20 mL/kg)."""
        per_kg = ml_per_kg if ml_per_kg is not None else table("marrow").donor_limit_ml_per_kg
        return per_kg * self.weight_kg


def _age_level(age_years: float, drop: float) -> float:
    """Share left of a marrow quantity that falls by ``drop`` between ages 10 and 70 (SCI)."""
    x = min(1.0, max(0.0, (age_years - 10.0) / 60.0))
    return 1.0 - drop * x
