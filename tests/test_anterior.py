"""Obese donors: the kit's long needle, and the anterior crest when the posterior approach fails
(issue: obese, older and paediatric donors)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.errors import CommandRejected
from sim.model.anatomy import AnteriorAnatomy, direction
from sim.model.parameters import table
from sim.model.tissue import Tissue
from sim.run.attempt import Attempt
from sim.scenario import resolve_scenario
from sim.scoring import evaluate
from sim.vocabulary.commands import parse_command
from tests.helpers import run

REFERENCE = Path(__file__).parent / "reference"


def obese(bmi: float) -> Attempt:
    base = resolve_scenario("obese-donor")
    donor = base.donor.model_copy(update={"bmi": bmi, "draw": False})
    return Attempt(base.model_copy(update={"donor": donor}), 1)


def to_bone(a: Attempt, lateral_deg: float, needle: str = "standard") -> list[dict]:
    if needle != "standard":
        run(a, {"do": "choose_needle", "needle": needle})
    run(a, {"do": "mark_site", "landmark": "left_psis"})
    run(a, {"do": "insert", "site": 0, "lateral_deg": lateral_deg})
    return run(a, {"do": "advance", "mm": 150, "twist": True, "stop_on": "loss_of_resistance"})


# ------------------------------------------------------------------ the long needle
def test_the_standard_needle_goes_to_the_hub_in_fat_and_says_so():
    # BMI 51: the taught 24 deg track runs lateral of the bone through 7 cm of fat.
    a = obese(51)
    events = to_bone(a, 24)
    hub = next(e for e in events if e["type"] == "needle_fully_inserted")
    assert hub["before_bone"] is True and hub["length_mm"] == table("needle").length_mm
    assert "too short" in hub["message"] and "long needle" in hub["message"]
    assert a.sim.needle.tissue.is_soft


def test_the_long_needle_leaves_room_in_the_marrow():
    short, long_ = obese(51), obese(51)
    for a, needle in ((short, "standard"), (long_, "long")):
        events = to_bone(a, 17, needle)
        assert any(e["type"] == "loss_of_resistance" for e in events)
    room = {}
    for name, a in (("standard", short), ("long", long_)):
        n = a.sim.needle
        room[name] = min(a.sim.motion.length_mm, n.profile.segment_at(n.depth_mm).end_mm) - (
            n.depth_mm
        )
    assert room["standard"] < 15 and room["long"] > 40
    chosen = next(e for e in long_.sim.events if e["type"] == "needle_chosen")
    assert chosen["length_mm"] == table("needle").long_length_mm


def test_the_needle_is_changed_only_when_it_is_out():
    a = obese(40)
    to_bone(a, 17)
    with pytest.raises(CommandRejected, match="remove_needle"):
        run(a, {"do": "choose_needle", "needle": "long"})


# ------------------------------------------------------------------ the anterior crest
def test_the_psis_cannot_be_felt_so_the_posterior_approach_fails():
    a = Attempt(resolve_scenario("anterior-crest"), 1)
    assert a.sim.anatomy.soft_mm > table("anatomy").psis_palpable_max_mm
    with pytest.raises(CommandRejected, match="cannot be felt"):
        run(a, {"do": "mark_site", "landmark": "left_psis"})


def test_the_anterior_crest_needs_the_donor_supine_and_back():
    a = Attempt(resolve_scenario("anterior-crest"), 1)
    with pytest.raises(CommandRejected, match="supine"):
        run(a, {"do": "mark_site", "landmark": "left_asis", "cranial_mm": 25})
    t0 = a.sim.t_s
    events = run(a, {"do": "reposition", "position": "supine"})
    assert events[-1]["type"] == "repositioned" and a.sim.t_s - t0 == pytest.approx(
        table("timing").reposition_s
    )
    run(a, {"do": "mark_site", "landmark": "left_asis", "cranial_mm": 25})
    with pytest.raises(CommandRejected, match="prone"):
        run(a, {"do": "mark_site", "landmark": "right_psis"})


def wing(lateral_deg: float, cranial_mm: float = 25.0) -> list[str]:
    a = Attempt(resolve_scenario("anterior-crest"), 1)
    run(
        a,
        {"do": "reposition", "position": "supine"},
        {"do": "choose_needle", "needle": "long"},
        {"do": "mark_site", "landmark": "left_asis", "cranial_mm": cranial_mm},
        {"do": "insert", "site": 0, "lateral_deg": lateral_deg},
    )
    events = run(a, {"do": "advance", "mm": 100, "twist": True})
    return [e["type"] for e in events] + [a.sim.needle.tissue.value]


def test_the_anterior_crest_has_a_thick_cortex_over_a_thin_wing():
    donor = resolve_scenario("anterior-crest").donor.to_donor()
    front = AnteriorAnatomy(donor)
    # 'the crest's thick cortical bone' (patient-help.com): thicker than the posterior table.
    assert front.outer_cortex_mm > donor.outer_cortex_mm
    # The anterior crest is felt under less fat than the PSIS (the fallback in obese donors).
    assert front.soft_mm < donor.soft_tissue_mm
    straight = front.profile((0.0, 25.0, 0.0), direction(0, 0), 150)
    marrow = straight.first(Tissue.MARROW)
    assert marrow is not None and marrow.end_mm - marrow.start_mm > 40


def test_its_own_dangers_through_the_inner_table_and_near_the_asis():
    # Tilted medially the track leaves the thin wing through the inner table: the iliac fossa.
    medial = wing(-8)
    assert "inner_table_breach" in medial
    # Tilted laterally it leaves through the outer table into the gluteal muscles (not critical).
    lateral = wing(5)
    assert "inner_table_breach" not in lateral and lateral[-1] == Tissue.MUSCLE.value
    # Straight down the wing, a long needle pushed 10 cm stays in bone.
    assert wing(0)[-1] in (Tissue.MARROW.value, Tissue.INNER_CORTEX.value)
    a = Attempt(resolve_scenario("anterior-crest"), 1)
    run(a, {"do": "reposition", "position": "supine"})
    near = run(a, {"do": "mark_site", "landmark": "right_asis", "cranial_mm": 8})[0]
    assert near["zone"] == "near_asis_nerve"


def replay(level: str):
    a = Attempt(resolve_scenario("anterior-crest"), 1)
    for raw in (REFERENCE / f"anterior-crest-{level}.jsonl").read_text().splitlines():
        a.apply(parse_command(json.loads(raw)))
    return evaluate(a.sim.events, a.scenario)


def test_the_anterior_crest_reference_scripts_separate_the_levels():
    expert, intermediate, novice = replay("expert"), replay("intermediate"), replay("novice")
    assert expert.passed and not expert.critical_errors
    assert "anterior crests" in expert.criterion("site_selection").feedback
    assert "inner_table_breach" in novice.critical_errors
    assert expert.total - intermediate.total >= 20 and intermediate.total - novice.total >= 20
