"""The donor: body measures and the values the anatomy and marrow models derive from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sim.model.parameters import table


@dataclass(frozen=True)
class Donor:
    """A donor as a scenario describes them.

    ``cellularity`` and ``cortex`` are multipliers a scenario may set for variants (older or
    osteoporotic bone, a dry tap); 1.0 means "as the literature's typical adult".
    """

    sex: Literal["female", "male"] = "male"
    age_years: float = 35.0
    weight_kg: float = 75.0
    height_cm: float = 175.0
    cellularity: float = 1.0
    cortex: float = 1.0
    wbc_per_ml: float | None = None

    @property
    def bmi(self) -> float:
        return self.weight_kg / (self.height_cm / 100.0) ** 2

    @property
    def soft_tissue_mm(self) -> float:
        """Skin-to-bone depth over the PSIS (lumbar MRI proxy, linear in BMI)."""
        a = table("anatomy")
        depth = a.soft_tissue_at_bmi22_mm + a.soft_tissue_per_bmi_mm * (self.bmi - 22.0)
        if self.height_cm < a.reference_height_cm:
            depth *= self.height_cm / a.reference_height_cm
        return max(a.soft_tissue_min_mm, depth)

    @property
    def geometry_scale(self) -> float:
        """Size of this donor's ilium against the mixed-sex adult mean (Hirahara)."""
        a = table("anatomy")
        scale = a.male_scale if self.sex == "male" else a.female_scale
        if self.height_cm < a.reference_height_cm:
            scale *= self.height_cm / a.reference_height_cm
        return scale

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

    @property
    def marrow_richness(self) -> float:
        """Nucleated-cell richness of true marrow against a 30-year-old (SCI cohort)."""
        m = table("marrow")
        drop = m.age_cellularity_drop
        return _age_level(self.age_years, drop) / _age_level(m.reference_age_years, drop) * (
            self.cellularity
        )

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
        return table("marrow").blood_volume_ml_per_kg * self.weight_kg

    def volume_limit_ml(self, ml_per_kg: float | None = None) -> float:
        """The most marrow that may be taken from this donor (default 20 mL/kg)."""
        per_kg = ml_per_kg if ml_per_kg is not None else table("marrow").donor_limit_ml_per_kg
        return per_kg * self.weight_kg


def _age_level(age_years: float, drop: float) -> float:
    """Share left of a marrow quantity that falls by ``drop`` between ages 10 and 70 (SCI)."""
    x = min(1.0, max(0.0, (age_years - 10.0) / 60.0))
    return 1.0 - drop * x
