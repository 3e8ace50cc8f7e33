"""The model reproduces the literature, and the committed calibration docs are up to date.

The expected values below are typed in from ``../shared/reference/clinical.md`` (and
``simulators-and-standards.md`` §5), with the tolerance rule of ``tools/calibration/``: a mean
with an SD within 1 SD, a range within the range, a measured point value within 10%, an
approximate statement within 25%, an inequality as stated.  They are not copied from the
generator's output, so a model change that drifts away from the literature fails here.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from sim.model.parameters import TABLES, table
from tools import calibration
from tools.calibration import cli

ROOT = Path(__file__).resolve().parents[1]
INF = math.inf


def rel(value: float, fraction: float) -> tuple[float, float]:
    return value * (1 - fraction), value * (1 + fraction)


#: key -> (low, high) accepted model value, from the literature.
LITERATURE: dict[str, tuple[float, float]] = {
    # Hirahara: 24 deg lateral 7.14 cm (M 7.53, F 6.74); perpendicular 3.20 cm (mm here).
    "travel_24deg_mean": rel(71.4, 0.10),
    "travel_24deg_male": rel(75.3, 0.10),
    "travel_24deg_female": rel(67.4, 0.10),
    "travel_perpendicular": rel(32.0, 0.10),
    # Perpendicular / medial tracks end in the SI joint; the lateral one at the inner wall.
    "perpendicular_enters_si": (1.0, 1.0),
    "medial_enters_si": (1.0, 1.0),
    "lateral_24_exits_inner_table": (1.0, 1.0),
    # PSIS to greater sciatic notch 5.3 +/- 0.71 cm.
    "psis_to_notch": (53.0 - 7.1, 53.0 + 7.1),
    # D'Souza: the safe trajectory stays >= 1 cm from the notch.
    "dsouza_notch_clearance": (10.0, INF),
    "hirahara_notch_clearance": (10.0, INF),
    # Kawchuk lumbar proxy 22.8-36.7 mm (its own range, not widened); rises with BMI.
    "soft_tissue_bmi22": (22.8, 36.7),
    "soft_tissue_bmi30": (22.8, 36.7),
    "soft_tissue_slope": (1e-9, INF),
    # 11 G needle; skin puncture median 1.22 N; clinician forward force 400-600 N.
    "needle_gauge": (11.0, 11.0),
    "skin_puncture_force": rel(1.22, 0.25),
    "cortex_force_axial": (400.0, 600.0),
    "cortex_force_expert": (400.0, 600.0),
    # Batinic: first 1 mL 8.0 +/- 5.2% blood cells; harvest 3-fold lower; harvest 20.8 +/- 8.5%.
    "batinic_first_ml_contamination": (0.080 - 0.052, 0.080 + 0.052),
    "batinic_first_ml_to_harvest": rel(3.0, 0.25),
    "batinic_harvest_contamination": (0.208 - 0.085, 0.208 + 0.085),
    # Anthias median 18.2e6/mL, 18-25e6/mL across studies.
    "harvest_tnc_per_ml": (18.0, 25.0),
    # Muschler almost 2x; Hernigou 300% higher (4x); Wikipedia ~0.3 mL; Muench ~1.
    "muschler_four_small_vs_one_large": (1.5, 2.0),
    "hernigou_10_vs_50_ml": rel(4.0, 0.25),
    "wikipedia_20_ml_true_marrow": rel(0.30, 0.25),
    "muench_cfu": rel(1.0, 0.25),
    "muench_cells": rel(1.0, 0.25),
    # CD34+ 1.1% of marrow NC, 0.06% of blood NC.
    "cd34_share_marrow": rel(0.011, 0.10),
    "cd34_share_blood": rel(0.0006, 0.10),
    # SCI cohort: 4.71 -> 3.02e6/mL and CD34% 1.05 -> 0.93 from age 0-20 to 61-80.
    "age_cellularity": rel(3.02 / 4.71, 0.10),
    "age_cd34_share": rel(0.93 / 1.05, 0.10),
    # Cortical width decreases with age.
    "age_cortex": (0.0, 1.0 - 1e-9),
    # 10-20 mL/kg recipient reaches 3e8 TNC/kg.
    "ml_per_kg_for_tnc_target": (10.0, 20.0),
    # Donor limit 20 mL/kg: the error fires on the first 1-mL pull over it (80 kg donor).
    "donor_limit": (20.0 + 1e-9, 20.0 + 1.0 / 80.0),
    # About 1 hour; >100 aspirations; 2-4 skin punctures; 5-10 mL max per penetration.
    "harvest_duration": rel(60.0, 0.25),
    "harvest_aspirations": (101.0, INF),
    "harvest_skin_sites": (2.0, 4.0),
    "harvest_ml_per_penetration": (0.0, 10.0),
    "same_spot_exhaustion": (5.0, 10.0),
    # Anthias: > 4e8/kg in 14% (lighter donor) vs 56% (heavier donor), each +-15 points.
    "anthias_lighter_reach_4e8": (0.14 - 0.15, 0.14 + 0.15),
    "anthias_heavier_reach_4e8": (0.56 - 0.15, 0.56 + 0.15),
    # Wang: TNC/mL against the % of blood volume accessed, r = -0.57 (target -0.7 to -0.4).
    "wang_blood_volume_share": (-0.7, -0.4),
    # Vox Sang 2016: BMI >= 30 denser; WBC >= 8 gave 23.1 vs 18.4; first bag R2 0.69 (>= 0.5).
    "voxsang_bmi30_denser": (1.0 + 1e-9, INF),
    "voxsang_wbc8_denser": (23.1 / 18.4 * 0.85, 23.1 / 18.4 * 1.15),
    "voxsang_first_bag_r2": (0.5, 1.0),
    # Lysák 2021: Hb fall after harvest, median -23 g/L (no spread reported: +-25%).
    "lysak_hb_fall": (-23.0 * 1.25, -23.0 * 0.75),
}

#: Rows where the model is known to miss the literature, reported to the lead with the reason
#: given in docs/calibration.md.  Strict: a row that comes back into tolerance fails here, so
#: it is taken off this list.
KNOWN_OFF = {
    "same_spot_exhaustion": "a fresh 5-mL pull is rich enough to stay above the median for 15 mL",
    "muench_cells": "mostly-blood aliquots 2-4 carry more nucleated cells than the first",
}


@pytest.fixture(scope="module")
def cal() -> calibration.Calibration:
    return calibration.calibrate()


def test_every_row_has_a_literature_expectation(cal):
    assert {r.key for r in cal.rows} == set(LITERATURE)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(k, marks=pytest.mark.xfail(reason=KNOWN_OFF[k], strict=True))
        if k in KNOWN_OFF
        else k
        for k in LITERATURE
    ],
)
def test_model_reproduces_the_literature(cal, key):
    lo, hi = LITERATURE[key]
    row = cal.row(key)
    assert math.isfinite(row.value)
    assert lo - 1e-9 <= row.value <= hi + 1e-9, f"{key}: model {row.model}, lit {row.literature}"


#: Rows the model produces from other numbers (the validation); every other row is fitted.
PREDICTED = {
    "medial_enters_si",
    "batinic_first_ml_to_harvest",
    "dsouza_notch_clearance",
    "hirahara_notch_clearance",
    "batinic_harvest_contamination",
    "muschler_four_small_vs_one_large",
    "hernigou_10_vs_50_ml",
    "muench_cells",
    "ml_per_kg_for_tnc_target",
    "harvest_aspirations",
    "same_spot_exhaustion",
    "voxsang_bmi30_denser",
    "voxsang_first_bag_r2",
    "lysak_hb_fall",
}


def test_every_row_says_whether_it_is_fitted_or_predicted(cal):
    assert {r.key for r in cal.predicted} == PREDICTED
    assert {r.key for r in cal.fitted} == set(LITERATURE) - PREDICTED
    for r in cal.rows:
        assert r.basis, r.key


def test_the_page_reports_predicted_rows_apart_from_fitted_ones(cal):
    page = calibration.render_calibration(cal)
    validation = page.index("## Validation: predicted rows")
    fitted = page.index("## Fitted rows")
    assert validation < fitted
    for r in cal.rows:
        at = page.index(f"`{r.key}`:")
        assert (validation < at < fitted) == (r.fit == "predicted"), r.key


def test_predicted_rows_carry_the_literatures_own_tolerance(cal):
    # No predicted row is accepted through a band wider than its source allows.
    for r in cal.predicted:
        lo, hi = LITERATURE[r.key]
        assert (r.lo, r.hi) == pytest.approx((lo, hi)), r.key


def test_generator_status_agrees_with_the_literature_check(cal):
    for row in cal.rows:
        lo, hi = LITERATURE[row.key]
        assert row.ok == (lo - 1e-9 <= row.value <= hi + 1e-9), row.key


def test_calibration_doc_is_up_to_date(cal):
    committed = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    assert committed == calibration.render_calibration(cal), (
        f"docs/calibration.md is stale: run {calibration.REGENERATE}"
    )


def test_model_doc_parameter_tables_are_up_to_date():
    committed = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert calibration.MODEL_DOC_BEGIN in committed
    assert committed == calibration.update_model_doc(committed), (
        f"the parameter tables in docs/model.md are stale: run {calibration.REGENERATE}"
    )


def test_generated_docs_cover_every_parameter():
    text = calibration.render_parameter_tables()
    for name in TABLES:
        for p in table(name).entries():
            assert f"`{p.name}`" in text


def test_cli_check_mode_reports_stale_files(cal, tmp_path, monkeypatch, capsys):
    # The committed doc was written by an earlier process, so the up-to-date test above also
    # shows the output is deterministic; here the CLI reuses this run's figures.
    monkeypatch.setattr(cli, "calibrate", lambda: cal)
    stale = tmp_path / "calibration.md"
    stale.write_text("old\n", encoding="utf-8")
    assert cli.main(["--out", str(stale), "--check"]) == 1
    assert stale.read_text(encoding="utf-8") == "old\n"
    assert cli.main(["--out", str(stale)]) == 0
    assert cli.main(["--out", str(stale), "--check"]) == 0


def test_module_entry_point_runs_from_the_repo_root():
    # ``python -m tools.calibration`` (what ``make calibration`` runs); --help stops before the
    # model is run, so this only checks that the entry point imports and parses.
    done = subprocess.run(
        [sys.executable, "-m", "tools.calibration", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "--model-doc" in done.stdout
