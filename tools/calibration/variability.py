"""Section "Donors that differ": the expert technique on many donors drawn from the seed.

Each seed draws its own donor (marrow cellularity, WBC and haematocrit: sim/model/params/
donor.toml).  The study harvests, with the expert reference technique (tests/reference/
generate.py, driven live), three donor cohorts for the same 72 kg recipient, ``STUDY_SEEDS``
each: a donor lighter than the recipient (the weight-mismatch donor, 52 kg), a heavier one
(90 kg) and an obese one (100 kg, BMI 32).  The protocol aims at 4x10^8 TNC/kg recipient with
at most 20 mL/kg recipient (Barrett & Treleaven: 10-20 mL/kg; Anthias counted harvests
reaching > 4x10^8/kg) and at most 95% of the donor's 20 mL/kg limit; the expert counts the bag
midway and plans the rest from it.  The rows compare the cohorts with Anthias (lighter against
heavier donors), Wang (TNC/mL against the share of the donor's blood volume accessed) and Vox
Sang 2016 (BMI >= 30, WBC >= 8e3/mm3, first-bag density predicting the final).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from sim.scenario import resolve_scenario
from sim.scenario.schema import Scenario
from tests.reference.generate import expert, perform_hand
from tools.calibration.table import FITTED, PREDICTED, Row

#: Seeds per cohort (the issue asks for at least 100).
STUDY_SEEDS = tuple(range(1, 121))
RECIPIENT_KG = 72.0
DOSE_PER_KG = 4.0e8
#: (sex, age, weight kg, height cm) of each Anthias cohort's donor, for the 72 kg recipient.
COHORTS = {
    "lighter": ("female", 29.0, 52.0, 160.0),
    "heavier": ("male", 34.0, 90.0, 180.0),
}
#: Two donors who differ only in weight (same sex, age and height; BMI 25 and 35), harvested
#: to the same protocol volume (15 mL/kg of the 72 kg recipient): Vox Sang's BMI comparison
#: with everything else held equal.
BMI_COHORTS = {
    "bmi25": ("male", 34.0, 80.0, 178.0),
    "bmi35": ("male", 34.0, 111.0, 178.0),
}
#: The study population: each seed draws a donor and a recipient (study design, not model
#: parameters): sex 1:1; height N(176, 7) cm men, N(163, 6) cm women; BMI log-normal, median 27,
#: log-SD 0.15 (about a quarter at BMI >= 30); age 20-55; recipient 40-100 kg; 15 mL/kg
#: recipient collected (at most 95% of the donor limit).
POPULATION = "population"
SECTION = "Donors that differ (expert technique, many seeds)"


@dataclass(frozen=True)
class Harvest:
    """What one study harvest gave."""

    cohort: str
    seed: int
    collected_ml: float
    tnc_per_ml: float
    tnc_per_kg: float
    first_count_tnc_per_ml: float | None
    blood_volume_pct: float
    bmi: float
    wbc_per_ml: float
    hb_fall_g_l: float

    @property
    def reached(self) -> bool:
        return self.tnc_per_kg >= DOSE_PER_KG


def population_draw(seed: int) -> tuple[tuple[str, float, float, float], float]:
    """The study population's donor (sex, age, weight, height) and recipient weight."""
    rng = np.random.default_rng([seed, 20260712])
    male = rng.random() < 0.5
    height = float(rng.normal(176.0, 7.0) if male else rng.normal(163.0, 6.0))
    bmi = float(27.0 * math.exp(0.15 * rng.standard_normal()))
    age = float(rng.uniform(20.0, 55.0))
    recipient = float(rng.uniform(40.0, 100.0))
    weight = bmi * (height / 100.0) ** 2
    return ("male" if male else "female", round(age), round(weight, 1), round(height, 1)), round(
        recipient, 1
    )


def study_scenario(cohort: str, seed: int = 1) -> Scenario:
    """The weight-mismatch case with the cohort's donor and the study's protocol."""
    base = resolve_scenario("weight-mismatch")
    if cohort == POPULATION:
        (sex, age, weight, height), recipient_kg = population_draw(seed)
    else:
        (sex, age, weight, height), recipient_kg = (
            {**COHORTS, **BMI_COHORTS}[cohort],
            RECIPIENT_KG,
        )
    donor = base.donor.model_copy(
        update={"sex": sex, "age_years": age, "weight_kg": weight, "height_cm": height}
    )
    population = cohort == POPULATION or cohort in BMI_COHORTS
    targets = base.targets.model_copy(
        update={
            "volume_ml": None,
            "volume_ml_per_kg_recipient": 15.0 if population else 20.0,
            "tnc_per_kg_recipient": 3.0e8 if population else DOSE_PER_KG,
        }
    )
    time = base.time.model_copy(update={"par_s": 7200.0, "limit_s": 14400.0})
    recipient = base.recipient.model_copy(update={"weight_kg": recipient_kg})
    return base.model_copy(
        update={
            "donor": donor,
            "targets": targets,
            "time": time,
            "recipient": recipient,
            "events": [],
        }
    )


def harvest(cohort: str, seed: int) -> Harvest:
    """One expert harvest of a cohort's donor drawn from ``seed``."""
    if cohort == POPULATION or cohort in BMI_COHORTS:  # the protocol's 15 mL/kg recipient
        technique = expert(dose_margin=None)
    else:  # as much as the 4x10^8/kg dose needs, up to 20 mL/kg recipient
        technique = expert()
    hand = perform_hand(study_scenario(cohort, seed), technique, seed)
    sim = hand.sim
    bag = sim.bag
    return Harvest(
        cohort=cohort,
        seed=seed,
        collected_ml=bag.volume_ml,
        tnc_per_ml=bag.tnc_per_ml,
        tnc_per_kg=bag.tnc_per_kg_recipient,
        first_count_tnc_per_ml=float(hand.counts[0]["tnc_per_ml"]) if hand.counts else None,
        blood_volume_pct=100.0 * bag.volume_ml / sim.donor.blood_volume_ml,
        bmi=sim.donor.bmi,
        wbc_per_ml=sim.donor.blood_wbc_per_ml,
        hb_fall_g_l=sim.circulation.hb_g_l - sim.circulation.hb_0_g_l,
    )


@cache
def study() -> tuple[Harvest, ...]:
    """Every study harvest (deterministic; computed once per process)."""
    cohorts = (*COHORTS, *BMI_COHORTS, POPULATION)
    return tuple(harvest(c, s) for c in cohorts for s in STUDY_SEEDS)


def _share(harvests: list[Harvest]) -> float:
    return sum(h.reached for h in harvests) / len(harvests)


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def variability_rows() -> list[Row]:
    """Anthias, Wang and Vox Sang 2016 against the study."""
    harvests = study()
    by = {c: [h for h in harvests if h.cohort == c] for c in (*COHORTS, *BMI_COHORTS, POPULATION)}
    n = len(STUDY_SEEDS)
    rows = []
    for cohort, lit, label in (("lighter", 0.14, "lighter"), ("heavier", 0.56, "heavier")):
        share = _share(by[cohort])
        conc = [h.tnc_per_ml / 1e6 for h in by[cohort]]
        vol = _mean([h.collected_ml for h in by[cohort]])
        rows.append(
            Row(
                f"anthias_{cohort}_reach_4e8",
                SECTION,
                f"Harvests reaching > 4x10^8 TNC/kg, donor {label} than the recipient "
                f"({COHORTS[cohort][2]:.0f} kg donor, {RECIPIENT_KG:.0f} kg recipient)",
                f"{lit:.0%}",
                "Anthias, Transfusion 2016 (clinical.md §5)",
                share,
                f"{share:.0%} of {n} (TNC/mL {_mean(conc):.1f} ± {np.std(conc):.1f} x10^6, "
                f"{vol:.0f} mL on average)",
                "±15 points",
                lit - 0.15,
                lit + 0.15,
                f"expert technique, seeds {STUDY_SEEDS[0]}–{STUDY_SEEDS[-1]}: share with TNC/kg "
                "recipient >= 4x10^8 (as much as the midway count says the dose needs, up to 95% "
                "of the donor limit)",
                fit=FITTED,
                basis="`cellularity_log_sd` (donor-to-donor spread) was set from these two shares",
            )
        )
    pooled = by[POPULATION]
    r = float(
        np.corrcoef([h.blood_volume_pct for h in pooled], [h.tnc_per_ml for h in pooled])[0, 1]
    )
    rows.append(
        Row(
            "wang_blood_volume_share",
            SECTION,
            "Correlation of TNC/mL with the % of the donor's blood volume accessed",
            "r = −0.57",
            "Wang et al.; 481 harvests (clinical.md §2)",
            r,
            f"r = {r:.2f} ({len(pooled)} harvests of the study population)",
            "−0.7 to −0.4",
            -0.7,
            -0.4,
            "Pearson r over the study population's harvests (donor and recipient drawn per "
            "seed): bag TNC/mL against collected mL / the drawn donor's blood volume",
            fit=FITTED,
            basis="`ilium_marrow_ml_per_kg` (the marrow pool scales with body weight)",
        )
    )
    obese = [h.tnc_per_ml / 1e6 for h in by["bmi35"]]
    lean = [h.tnc_per_ml / 1e6 for h in by["bmi25"]]
    ratio = _mean(obese) / _mean(lean)
    rows.append(
        Row(
            "voxsang_bmi30_denser",
            SECTION,
            "TNC/mL, donors with BMI ≥ 30 / BMI < 30",
            "denser (mean 25.8 x10^6/mL at BMI ≥ 30)",
            "Vox Sang 2016, 65 haplo donors (clinical.md §2)",
            ratio,
            f"{ratio:.2f}x ({_mean(obese):.1f} vs {_mean(lean):.1f} x10^6/mL, {len(obese)} "
            "harvests each)",
            "> 1",
            1.0 + 1e-9,
            math.inf,
            "mean bag TNC/mL of a 111 kg (BMI 35) over an 80 kg (BMI 25) donor of the same "
            "height, age and sex, 15 mL/kg of the 72 kg recipient each",
            fit=PREDICTED,
            basis="the marrow pool that scales with body weight (fitted to Wang's r)",
        )
    )
    high = [h.tnc_per_ml / 1e6 for h in pooled if h.bmi < 30 and h.wbc_per_ml >= 8e6]
    low = [h.tnc_per_ml / 1e6 for h in pooled if h.bmi < 30 and h.wbc_per_ml < 8e6]
    wbc_ratio = _mean(high) / _mean(low)
    lit_ratio = 23.1 / 18.4
    rows.append(
        Row(
            "voxsang_wbc8_denser",
            SECTION,
            "TNC/mL, WBC ≥ 8x10^3/mm³ / below (BMI < 30)",
            "23.1 / 18.4 = 1.26",
            "Vox Sang 2016 (clinical.md §2)",
            wbc_ratio,
            f"{wbc_ratio:.2f}x ({_mean(high):.1f} vs {_mean(low):.1f} x10^6/mL; "
            f"{len(high)} of {len(high) + len(low)} donors at WBC ≥ 8)",
            "±15% (two means, no spread reported)",
            lit_ratio * 0.85,
            lit_ratio * 1.15,
            "mean bag TNC/mL of the study population's BMI < 30 donors drawn with WBC >= 8e6/mL "
            "over the rest",
            fit=FITTED,
            basis="`wbc_marrow_exponent` was set from this ratio",
        )
    )
    adults = by["lighter"] + by["heavier"]
    falls = [h.hb_fall_g_l for h in adults]
    median = float(np.median(falls))
    vols = [h.collected_ml for h in adults]
    rows.append(
        Row(
            "lysak_hb_fall",
            SECTION,
            "Haemoglobin fall after a harvest (median)",
            "median −23 g/L (1300 mL in men, 1100 mL in women)",
            "Lysák, J Clin Med 2021 (clinical.md §2)",
            median,
            f"{median:.1f} g/L (IQR {np.percentile(falls, 25):.1f} to "
            f"{np.percentile(falls, 75):.1f}; {np.median(vols):.0f} mL median)",
            "±25% (a median, no spread reported)",
            -23.0 * 1.25,
            -23.0 * 0.75,
            "end-of-harvest Hb minus the donor's drawn Hb, lighter and heavier cohorts (52 kg "
            "woman, 90 kg man): what was drawn leaves with its red cells, the anaesthetist "
            "replaces the volume with crystalloid",
            fit=PREDICTED,
            basis="the drawn haematocrit, the blood volume (70 mL/kg) and textbook fluid "
            "replacement (physiology.toml, gaps); no parameter was set from Lysák",
        )
    )
    counted = [h for h in pooled if h.first_count_tnc_per_ml is not None]
    x = np.array([h.first_count_tnc_per_ml for h in counted])
    y = np.array([h.tnc_per_ml for h in counted])
    r2 = float(np.corrcoef(x, y)[0, 1] ** 2)
    rows.append(
        Row(
            "voxsang_first_bag_r2",
            SECTION,
            "First-bag (midway count) TNC/mL predicting the final: R²",
            "R² = 0.69 (target: at least 0.5)",
            "Vox Sang 2016 (clinical.md §2)",
            r2,
            f"R² = {r2:.2f} ({len(counted)} harvests)",
            "≥ 0.5",
            0.5,
            1.0,
            "squared Pearson r of the midway count's TNC/mL and the final bag's, study population",
            fit=PREDICTED,
            basis="the donor draws, the ilium's pool and the expert's technique",
        )
    )
    return rows
