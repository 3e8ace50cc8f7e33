"""The donor's circulation: what the harvest takes, what the anaesthetist gives back.

Every millilitre the needle draws (marrow and blood into the bag, or blood lost where it should
not be) leaves the circulation, with its red cells.  The anaesthetist replaces the loss with
crystalloid (``replacement_ratio``, of which ``crystalloid_retention`` stays in the vessels)
unless a scenario has the infusion stopped, and the trainee can ask for fluids or for autologous
or cross-matched units.  From the circulating volume and red-cell volume follow the haemoglobin
and the vital signs: a deficit beyond what the anaesthetised donor compensates lowers the
systolic pressure and raises the heart rate.  All numbers are in
``sim/model/params/physiology.toml``; most are textbook estimates (gap).  Deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sim.model.donor import Donor
from sim.model.parameters import table

Fluid = Literal["crystalloid", "colloid"]
UnitSource = Literal["autologous", "crossmatched"]


@dataclass
class Circulation:
    """Blood volume and red-cell volume of one donor (mL), and what changed them."""

    blood_volume_0_ml: float
    red_cells_0_ml: float
    volume_ml: float
    red_cells_ml: float
    mchc_g_l: float
    replacement: bool = True
    drawn_ml: float = 0.0
    fluids_ml: float = 0.0
    units: int = 0

    @classmethod
    def of(cls, donor: Donor, replacement: bool = True) -> Circulation:
        v0 = donor.blood_volume_ml
        rc = v0 * donor.hct
        return cls(v0, rc, v0, rc, table("donor").mchc_g_l, replacement)

    # ------------------------------------------------------------------ changes
    def draw(self, ml: float) -> None:
        """``ml`` of blood (or marrow, of the same haematocrit) leaves the donor."""
        if ml <= 0:
            return
        self.red_cells_ml -= ml * self.haematocrit
        self.volume_ml -= ml
        self.drawn_ml += ml
        if self.replacement:
            self.infuse(ml * table("physiology").replacement_ratio, "crystalloid")

    def infuse(self, ml: float, fluid: Fluid = "crystalloid") -> None:
        p = table("physiology")
        stays = p.crystalloid_retention if fluid == "crystalloid" else p.colloid_retention
        self.volume_ml += ml * stays
        self.fluids_ml += ml

    def transfuse(self, units: int) -> None:
        p = table("physiology")
        self.volume_ml += units * p.unit_ml
        self.red_cells_ml += units * p.unit_ml * p.unit_haematocrit
        self.units += units

    # ------------------------------------------------------------------ state
    @property
    def haematocrit(self) -> float:
        return self.red_cells_ml / self.volume_ml if self.volume_ml > 0 else 0.0

    @property
    def hb_g_l(self) -> float:
        return self.haematocrit * self.mchc_g_l

    @property
    def hb_0_g_l(self) -> float:
        return self.red_cells_0_ml / self.blood_volume_0_ml * self.mchc_g_l

    @property
    def deficit_pct(self) -> float:
        """Circulating volume below the donor's own, as % of it (0 when not below)."""
        return max(0.0, 100.0 * (1.0 - self.volume_ml / self.blood_volume_0_ml))

    @property
    def drawn_pct(self) -> float:
        """What the harvest took from the donor, as % of the blood volume."""
        return 100.0 * self.drawn_ml / self.blood_volume_0_ml

    def vital_changes(self) -> dict[str, float]:
        """How far the deficit moves the vital signs from the donor's baseline."""
        p = table("physiology")
        beyond = max(0.0, self.deficit_pct - p.compensated_deficit_pct)
        fall = p.systolic_per_deficit_pct * beyond
        return {
            "systolic_mmhg": -fall,
            "diastolic_mmhg": -0.6 * fall,
            "heart_rate_bpm": p.heart_rate_per_deficit_pct * self.deficit_pct,
        }

    def summary(self) -> dict[str, float]:
        return {
            "blood_volume_drawn_pct": round(self.drawn_pct, 6),
            "donor_hb_g_l": round(self.hb_g_l, 6),
            "fluids_ml": round(self.fluids_ml, 6),
            "units_transfused": self.units,
        }
