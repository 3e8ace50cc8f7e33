"""The procedure around the needle: skin prep and drapes, local anaesthetic, IV heparin at
induction, ACD-A in the bag, mixing and filtering, sampling and labelling, the infuse-or-freeze
decision by the recipient's plan, and the needle and sharps count; each a command with an event,
a model consequence where there is one, and the scoring's judgement in words (issue: the
procedure around the needle)."""

from __future__ import annotations

import pytest

from sim.errors import CommandRejected
from sim.model.parameters import table
from sim.scoring import evaluate
from sim.scoring.context import ScoringContext
from sim.scoring.criteria.steps import step_quality
from sim.scoring.metrics import read_metrics
from sim.vocabulary.commands import COMMAND_NAMES
from tests.helpers import attempt, run

INTO_MARROW = (
    {"do": "mark_site", "landmark": "left_psis"},
    {"do": "insert", "site": 0, "lateral_deg": 24},
    {"do": "advance", "mm": 60, "twist": True, "stop_on": "loss_of_resistance"},
    {"do": "remove_stylet"},
)
NEW_STEPS = (
    "skin_prep",
    "local_anaesthetic",
    "heparin_iv",
    "acd_in_bag",
    "filter_product",
    "sample_and_label",
    "product_disposition",
    "sharps_count",
)


def done(events: list[dict], step: str) -> dict:
    return next(e for e in events if e["type"] == "step_done" and e["step"] == step)


def quality(a, step: str) -> tuple[float, list[str]]:
    ev = next(e for e in a.sim.events if e["type"] == "step_done" and e["step"] == step)
    ctx = ScoringContext.from_scenario(a.scenario)
    return step_quality(step, ev, read_metrics(a.sim.events), ctx)


def harvest(a, pulls: int = 20) -> None:
    run(a, *INTO_MARROW)
    for _ in range(pulls):
        run(a, {"do": "aspirate", "ml": 3}, {"do": "advance", "mm": 0.5})
    run(a, {"do": "replace_stylet"}, {"do": "remove_needle"})


@pytest.mark.parametrize("step", NEW_STEPS)
def test_each_step_is_a_command_with_a_documented_time(step):
    assert step in COMMAND_NAMES
    entry = table("timing").entry(f"{step}_s")
    assert entry.value > 0 and entry.source
    for scenario in ("adult-standard", "anterior-crest", "pediatric-donor"):
        assert step in attempt(scenario).scenario.steps


def test_skin_prep_before_the_first_puncture_and_again_after_turning():
    a = attempt("anterior-crest")
    run(a, {"do": "reposition", "position": "supine"})
    ev = done(run(a, {"do": "skin_prep"}), "skin_prep")
    assert ev["antiseptic"] == "chlorhexidine_2pct" and ev["drape"] is True
    assert ev["before_first_puncture"] and ev["position"] == "supine"
    late = attempt()
    run(late, *INTO_MARROW[:2], {"do": "remove_needle"}, {"do": "skin_prep", "drape": False})
    q, notes = quality(late, "skin_prep")
    assert q == 0.5 and any("after the first puncture" in n for n in notes)


def test_local_anaesthetic_is_judged_against_the_maximum_dose():
    a = attempt("pediatric-donor")  # 20 kg: lidocaine 2% max 4.5 mg/kg = 4.5 mL
    run(a, {"do": "local_anaesthetic", "ml": 10})
    q, notes = quality(a, "local_anaesthetic")
    assert q == 0.25 and "over the maximum" in notes[0]
    ok = attempt("pediatric-donor")
    run(ok, {"do": "local_anaesthetic", "ml": 4})
    assert quality(ok, "local_anaesthetic")[0] == 1.0


def test_heparin_at_induction_is_50_units_per_kg_and_halves_clotting():
    a = attempt()
    ev = done(run(a, {"do": "heparin_iv"}), "heparin_iv")
    assert ev["units_per_kg"] == table("physiology").heparin_iv_u_per_kg
    assert ev["units"] == round(50 * a.scenario.donor.weight_kg) and ev["dose_as_protocol"]
    p = table("physiology")
    assert a.sim.clot_probability() == pytest.approx(
        p.syringe_clot_probability * p.iv_heparin_clot_factor
    )
    wrong = attempt()
    run(wrong, {"do": "heparin_iv", "units_per_kg": 100})
    assert quality(wrong, "heparin_iv")[0] == 0.5


def test_acd_goes_into_the_bag_at_one_tenth_of_the_expected_volume():
    a = attempt()
    ev = done(run(a, {"do": "acd_in_bag"}), "acd_in_bag")
    assert ev["ml"] == round(0.1 * a.scenario.target_volume_ml) and ev["ratio_as_protocol"]
    assert a.sim.anticoagulation["acd"]
    short = attempt()
    run(short, {"do": "acd_in_bag", "ml": 20})
    q, notes = quality(short, "acd_in_bag")
    assert q == 0.5 and "1:10" in notes[0]


def test_without_acd_the_bag_clots_and_filtering_loses_cells():
    plain, with_acd = attempt(), attempt()
    run(with_acd, {"do": "acd_in_bag"})
    for a in (plain, with_acd):
        run(a, {"do": "heparinise_syringes"})
        harvest(a)
    tnc = plain.sim.bag.tnc
    ev = done(run(plain, {"do": "filter_product"}), "filter_product")
    assert ev["clotted"] and "ACD-A" in ev["message"]
    assert plain.sim.bag.tnc == pytest.approx(tnc * (1 - table("physiology").bag_clot_loss))
    ok = done(run(with_acd, {"do": "filter_product"}), "filter_product")
    assert not ok["clotted"] and ok["tnc_lost"] == 0
    # Filtering ends collection: no more aspiration.
    assert plain.engine.collection_stopped == "filter_product"


def test_the_product_is_labelled_with_the_donors_identity():
    a = attempt()
    run(a, {"do": "heparinise_syringes"})
    harvest(a, 5)
    with pytest.raises(CommandRejected):
        run(attempt(), {"do": "sample_and_label"})  # nothing to label yet
    run(a, {"do": "filter_product"}, {"do": "sample_and_label", "checks": ["product", "volume"]})
    q, notes = quality(a, "sample_and_label")
    assert q == 0.25 and "donor's identity" in notes[0]


@pytest.mark.parametrize(
    ("scenario", "right", "wrong"),
    [
        ("adult-standard", "infuse_fresh", "cryopreserve"),
        ("dry-tap", "cryopreserve", "infuse_fresh"),
    ],
)
def test_infuse_or_freeze_follows_the_recipients_plan(scenario, right, wrong):
    for decision, expected in ((right, 1.0), (wrong, 0.0)):
        a = attempt(scenario)
        run(a, {"do": "heparinise_syringes"})
        harvest(a, 5)
        ev = done(
            run(a, {"do": "product_disposition", "decision": decision}), "product_disposition"
        )
        assert ev["matches_plan"] == (decision == right)
        assert quality(a, "product_disposition")[0] == expected


def test_the_sharps_count_must_match_the_needles_opened():
    a = attempt()
    run(a, {"do": "choose_needle", "needle": "long"})
    with pytest.raises(CommandRejected):
        run(a, *INTO_MARROW[:2], {"do": "sharps_count"})  # the needle is still in
    run(a, {"do": "remove_needle"})
    ev = done(run(a, {"do": "sharps_count", "needles": 1}), "sharps_count")
    assert ev["needles_opened"] == 2 and not ev["matches"] and "missing" in ev["message"]
    assert quality(a, "sharps_count")[0] == 0.25
    b = attempt()
    assert done(run(b, {"do": "sharps_count"}), "sharps_count")["matches"]


def test_steps_left_out_are_named_in_the_debrief():
    a = attempt()
    run(a, {"do": "time_out"}, {"do": "heparinise_syringes"})
    harvest(a, 10)
    run(a, {"do": "end"})
    fb = evaluate(a.sim.events, a.scenario).criterion("procedure_steps").feedback
    for words in (
        "skin prep",
        "local anaesthetic",
        "IV heparin",
        "ACD-A",
        "filtering",
        "labelling",
        "infusion or freezing",
        "sharps count",
    ):
        assert words in fb, words
