"""Scoring: each criterion on small synthetic event logs, the rubric's arithmetic and pass rule,
properties over random logs, the headless runner's ``score``, and the reference performances
(expert > intermediate > novice for every scenario, with feedback that names the cause)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli.main import main
from sim.run.attempt import Attempt
from sim.scenario import ScenarioLibrary, resolve_scenario
from sim.scenario.schema import CRITERIA, NURSING_CRITERIA, Rubric, Scenario
from sim.scoring import Score, evaluate, read_metrics, score_attempt, score_events
from sim.scoring.context import ScoringContext
from sim.scoring.criteria import (
    aspiration,
    depth,
    safety,
    sites,
    steps,
    timing,
    trajectory,
    yield_dose,
)
from sim.vocabulary.commands import parse_command
from sim.vocabulary.technique import Thresholds, documented
from tests.reference import generate
from tests.reference.nursing import NURSING_SCENARIOS

REFERENCE = Path(__file__).parent / "reference"
LEVELS = ("expert", "intermediate", "novice")
NEEDLE_SCENARIOS = tuple(s for s in generate.SCENARIOS if s not in NURSING_SCENARIOS)


# ----------------------------------------------------------------------------- synthetic logs
class Log:
    """Builds event logs shaped like the simulation's (docs/architecture.md,
    sim/scenario/steps.py)."""

    def __init__(self) -> None:
        self.t = 0.0
        self.events: list[dict] = []
        self.pen = 0
        self.depth = 0.0
        self.rot = 0.0
        self.site = 0
        self.punctured: set[int] = set()

    def ev(self, type_: str, dt: float = 1.0, **fields) -> Log:
        self.t += dt
        self.events.append({"t_s": round(self.t, 6), "type": type_, **fields})
        return self

    def mark(self, idx: int, landmark="left_psis", lat=0.0, cr=0.0, zone="safe") -> Log:
        side = -1 if landmark.startswith("left") else 1
        x = side * (47.0 + lat)
        return self.ev(
            "site_marked",
            30,
            site=idx,
            landmark=landmark,
            lateral_mm=lat,
            cranial_mm=cr,
            x_mm=x,
            y_mm=cr,
            zone=zone,
        )

    def insert(self, site: int, lat=24.0, cr=0.0) -> Log:
        self.site, self.depth, self.rot = site, 3.0, 0.0
        kind = "needle_reinserted" if site in self.punctured else "skin_punctured"
        self.punctured.add(site)
        return self.ev(kind, 4, site=site, depth_mm=3.0, lateral_deg=lat, cranial_deg=cr)

    def redirect(self, lat: float, cr: float = 0.0) -> Log:
        return self.ev(
            "redirected",
            2,
            lateral_deg=lat,
            cranial_deg=cr,
            site=self.site,
            depth_mm=22.0,
            tissue="fat",
        )

    def penetrate(self, lor_mm: float = 35.0, overshoot_mm: float = 2.2) -> Log:
        self.pen += 1
        self.ev("cortex_entered", 1, site=self.site, depth_mm=lor_mm - 3)
        self.ev("loss_of_resistance", 3, penetration=self.pen, site=self.site, depth_mm=lor_mm)
        self.depth = lor_mm + overshoot_mm
        return self.ev(
            "advanced", 0.1, site=self.site, depth_mm=self.depth, tissue="marrow", twist=True
        )

    def pull(self, ml: float, tnc_per_ml: float = 22e6, move_mm=0.0, turn_deg=0.0, tissue="marrow"):
        self.depth += move_mm
        self.rot = (self.rot + turn_deg) % 360
        return self.ev(
            "aspirated",
            4 + 0.5 * ml,
            ml=ml,
            marrow_ml=0.3,
            tnc=round(ml * tnc_per_ml),
            cd34=round(ml * tnc_per_ml * 0.01),
            tnc_per_ml=round(tnc_per_ml),
            penetration=self.pen,
            rotation_deg=self.rot,
            bag_ml=0.0,
            site=self.site,
            depth_mm=self.depth,
            tissue=tissue,
        )

    def dry(self, ml: float = 5.0, plugged: bool = True) -> Log:
        return self.ev(
            "dry_tap",
            4,
            ml=ml,
            plugged=plugged,
            site=self.site,
            depth_mm=self.depth,
            tissue="outer_cortex",
        )

    def out(self) -> Log:
        self.ev("withdrawn_from_bone", 2, site=self.site, depth_mm=22.0, tissue="fat")
        return self.ev("withdrawn", 0, site=self.site, depth_mm=22.0, tissue="fat", mm=15.0)

    def remove(self) -> Log:
        return self.ev("needle_removed", 3, site=self.site, depth_mm=22.0)

    def step(self, step: str, dt: float = 10.0, **fields) -> Log:
        return self.ev("step_done", dt, step=step, **fields)

    def end(self, at_s: float | None = None) -> list[dict]:
        if at_s is not None:
            self.t = at_s - 0.0
        self.ev("ended", 0)
        return self.events


def good_harvest(log: Log | None = None, per_site: int = 25, ml: float = 5.0, **pull) -> Log:
    """Four safe sites, tracks near 24 deg spread in angle, stop at the give, two pulls of
    ``ml`` per penetration with a move between: about 1,000 mL at 22x10^6/mL."""
    log = log or Log()
    marks = [
        ("left_psis", 0, 0),
        ("left_psis", 10, 12),
        ("right_psis", 0, 0),
        ("right_psis", 10, 12),
    ]
    for i, (lm, lat, cr) in enumerate(marks):
        log.mark(i, lm, lat, cr)
    log.step("time_out").step("heparinise_syringes")
    for i in range(4):
        log.insert(i, 24, 0)
        for k in range(per_site):
            if k:
                log.redirect(18 + (k % 5) * 3, (k // 5) * 5)
            log.penetrate()
            log.pull(ml, **pull)
            log.pull(ml, move_mm=6, **pull)
            log.out()
        log.remove()
        if i == 1:
            log.ev("cell_count", 180, tnc_per_ml=22e6, bag_ml=500.0)
            log.step("cell_count", 0, bag_ml=500.0)
    log.step("stop_criteria", reason="target_cell_dose_reached", justified=True)
    return log


@cache
def scenario(name: str = "adult-standard") -> Scenario:
    return resolve_scenario(name)


#: The unit tests' fixed frame for adult-standard: the classic four steps and an hour's par
#: (the shipped scenario adds the steps around the needle and the CD34+ dose's longer harvest).
UNIT_STEPS = ["time_out", "heparinise_syringes", "cell_count", "stop_criteria"]


@cache
def unit_scenario(name: str) -> Scenario:
    s = scenario(name)
    if name != "adult-standard":
        return s
    time = s.time.model_copy(update={"par_s": 3600.0, "limit_s": 5400.0})
    return s.model_copy(update={"steps": UNIT_STEPS, "time": time})


def ctx_for(name: str = "adult-standard", **update) -> ScoringContext:
    s = unit_scenario(name)
    return ScoringContext.from_scenario(s.model_copy(update=update) if update else s)


def judge(module, events: list[dict], name: str = "adult-standard", **update):
    return module.judge(read_metrics(events), ctx_for(name, **update))


# ----------------------------------------------------------------------------- site selection
def test_four_safe_bilateral_sites_get_full_site_marks():
    j = judge(sites, good_harvest().end())
    assert j.fraction == pytest.approx(1.0)
    assert "safe zone" in j.feedback[0]


def test_a_site_over_the_si_joint_is_named_and_costs_points():
    log = Log().mark(0, "left_psis", 0, 0).mark(1, "left_psis", -14, 0, zone="medial_si_joint")
    log.mark(2, "right_psis", 0, 0)
    for i in range(3):
        log.insert(i).penetrate().pull(5).out().remove()
    j = judge(sites, log.end())
    assert j.parts["zone"] == pytest.approx(0.5)
    assert any("Site 2" in f and "SI joint" in f for f in j.feedback)


def test_too_many_sites_and_one_hip_only_lose_points():
    log = Log()
    for i in range(6):
        log.mark(i, "left_psis", 12 * i - 6, 0)
        log.insert(i).penetrate().pull(5).out().remove()
    j = judge(sites, log.end())
    assert j.parts["count"] < 1.0 and j.parts["spacing"] < 1.0
    assert any("6 skin sites" in f for f in j.feedback)
    assert any("one hip" in f for f in j.feedback)


def test_no_puncture_scores_no_site_points():
    assert judge(sites, Log().mark(0).end()).fraction == 0.0


# ----------------------------------------------------------------------------- trajectory
def track_log(lat: float, cr: float = 0.0) -> list[dict]:
    return Log().mark(0).insert(0, lat, cr).penetrate().pull(4).out().remove().end()


def test_tracks_toward_the_asis_get_full_trajectory_marks():
    j = judge(trajectory, track_log(24, 10))
    assert j.fraction == 1.0 and "within 7 deg" in j.feedback[-1]


@pytest.mark.parametrize(
    ("lat", "cr", "words"),
    [(0, 0, "perpendicular"), (-10, 0, "medially"), (24, -15, "caudally"), (40, 0, "gluteal")],
)
def test_poor_tracks_lose_points_and_say_why(lat, cr, words):
    j = judge(trajectory, track_log(lat, cr))
    assert j.fraction < 0.5
    assert any(words in f for f in j.feedback)


def test_trajectory_credit_falls_as_the_track_turns_from_the_ideal():
    t = Thresholds()
    credits = [trajectory.lateral_credit(lat, t) for lat in (24, 17, 14, 10, 7, 0, -10)]
    assert credits == sorted(credits, reverse=True)
    assert credits[0] == 1.0 and credits[-1] == 0.0


def test_a_skidding_track_gets_half_credit():
    log = Log().mark(0).insert(0, 24, 0)
    log.ev("cortex_entered", site=0, depth_mm=30).ev("needle_skived", site=0, depth_mm=31)
    j = judge(trajectory, log.end())
    assert j.fraction == pytest.approx(0.5)
    assert any("skidded" in f for f in j.feedback)


# ----------------------------------------------------------------------------- depth control
@pytest.mark.parametrize(("overshoot", "expected"), [(2.2, 1.0), (12.5, 0.5), (25, 0.0)])
def test_overshoot_past_the_give_costs_depth_points(overshoot, expected):
    log = Log().mark(0).insert(0).penetrate(overshoot_mm=overshoot).pull(4).out().remove()
    j = judge(depth, log.end())
    assert j.fraction == pytest.approx(expected)
    if overshoot > 5:
        assert any("past the loss of resistance" in f for f in j.feedback)


def test_touching_the_inner_table_is_a_near_miss_and_a_breach_scores_nothing():
    log = Log().mark(0).insert(0).penetrate(overshoot_mm=3)
    log.ev("inner_cortex_contact", site=0, depth_mm=60).pull(4).out()
    contact = judge(depth, log.end())
    assert contact.fraction == pytest.approx(Thresholds().inner_contact_credit)
    assert any("inner table" in f for f in contact.feedback)
    log = Log().mark(0).insert(0).penetrate(overshoot_mm=3)
    log.ev("inner_cortex_contact", site=0, depth_mm=60).ev(
        "inner_table_breach", site=0, depth_mm=62
    )
    breach = judge(depth, log.end())
    assert breach.fraction == 0.0
    assert any("into the pelvis" in f for f in breach.feedback)


# ----------------------------------------------------------------------------- aspiration
def pulls_log(sizes: list[float], **pull) -> list[dict]:
    log = Log().mark(0).mark(1, "right_psis").insert(0)
    for k, ml in enumerate(sizes):
        if k:
            log.out().redirect(18 + 3 * (k % 5), 6 * (k // 5))
        log.penetrate().pull(ml, **pull)
    return log.out().remove().end()


def test_small_pulls_get_full_pull_size_marks():
    assert judge(aspiration, pulls_log([4, 5, 3])).parts["pull_size"] == 1.0


def test_large_pulls_lose_points_and_the_feedback_gives_the_dilution():
    log = Log().mark(0).insert(0)
    for k, (ml, q) in enumerate([(4, 24e6), (4, 23e6), (20, 8e6), (12, 10e6), (4, 22e6)]):
        if k:
            log.out().redirect(18 + 3 * k, 5 * k)
        log.penetrate().pull(ml, tnc_per_ml=q)
    j = judge(aspiration, log.out().remove().end())
    assert j.parts["pull_size"] == pytest.approx(3 / 5)
    text = " ".join(j.feedback)
    assert "2 of 5 pulls were over 5 mL" in text and "TNC/mL fell" in text and "%" in text


def test_more_than_10_ml_from_one_penetration_is_named():
    log = Log().mark(0).insert(0).penetrate()
    log.pull(5).pull(5, move_mm=5).pull(5, move_mm=5).pull(5, move_mm=5)
    j = judge(aspiration, log.out().remove().end())
    assert j.parts["per_penetration"] == pytest.approx(0.0)
    assert any("more than 10 mL" in f for f in j.feedback)


@pytest.mark.parametrize(
    ("move", "turn", "fresh"),
    [(0, 0, 0.0), (0, 45, 0.0), (0, 120, Thresholds().rotation_credit[0]), (5, 0, 1.0)],
)
def test_repeat_pulls_need_a_turn_or_a_move_to_reach_fresh_marrow(move, turn, fresh):
    log = Log().mark(0).insert(0).penetrate().pull(4, tnc_per_ml=24e6)
    log.pull(4, tnc_per_ml=12e6, move_mm=move, turn_deg=turn)
    j = judge(aspiration, log.out().remove().end())
    assert j.parts["fresh_marrow"] == fresh
    if not fresh:
        assert any("same spot" in f and "fell 50%" in f for f in j.feedback)


def test_dry_taps_and_pulls_outside_the_marrow_are_faults_with_reasons():
    log = Log().mark(0).insert(0).penetrate().pull(4).dry(plugged=True)
    log.pull(4, tissue="muscle", tnc_per_ml=6e6)
    j = judge(aspiration, log.out().remove().end())
    assert j.parts["faulty_pulls"] == 0.0  # 2 of 3 pulls faulty, beyond the 20% allowance
    text = " ".join(j.feedback)
    assert "plugged with bone" in text and "outside the marrow" in text


def test_staying_where_the_syringes_come_back_thin_is_a_fault():
    log = Log().mark(0).insert(0)
    for k in range(6):
        if k:
            log.out().redirect(18 + 2 * k)
        log.penetrate().pull(4, tnc_per_ml=5e6)
    j = judge(aspiration, log.out().remove().end())
    assert j.parts["faulty_pulls"] < 1.0
    assert any("re-site" in f for f in j.feedback)


def test_penetrations_that_reuse_an_earlier_spot_lose_spread():
    log = Log().mark(0).insert(0)
    for k in range(4):
        if k:
            log.out().redirect(24, 0)  # the same track again and again
        log.penetrate().pull(4)
    j = judge(aspiration, log.out().remove().end())
    assert j.parts["spread"] == pytest.approx(0.25)
    assert any("within 4 mm of an earlier pull" in f for f in j.feedback)


# ----------------------------------------------------------------------------- yield
def test_reaching_the_dose_gets_full_yield_marks_and_a_short_dose_says_so():
    full = judge(yield_dose, good_harvest().end())
    assert full.parts["dose"] == 1.0 and full.parts["quality"] == 1.0
    half = judge(yield_dose, good_harvest(per_site=12).end())
    assert half.parts["dose"] < 0.55 and half.fraction < full.fraction
    assert any("short of the target" in f for f in half.feedback)


def test_thin_marrow_is_judged_against_what_this_donor_can_give():
    adult, older = ctx_for("adult-standard"), ctx_for("older-donor")
    assert older.reference_tnc_per_ml < adult.reference_tnc_per_ml
    log = good_harvest(tnc_per_ml=10e6).end()
    j = judge(yield_dose, log)
    assert j.parts["quality"] < 0.5
    assert any("diluted with blood" in f for f in j.feedback)


# ----------------------------------------------------------------------------- safety
def test_exceeding_the_donor_limit_takes_the_safety_points_and_fails_the_attempt():
    log = good_harvest()
    log.ev("donor_volume_limit_exceeded", bag_ml=1610.0, limit_ml=1600.0)
    events = log.end(3500)
    score = evaluate(events, scenario())
    assert score.criterion("safety_limits").score == 0.0
    assert score.total >= score.minimum_passing  # the points alone would pass...
    assert not score.passed and score.critical_errors == ["donor_volume_limit_exceeded"]
    assert "donor volume limit" in score.critical_feedback[0]


def test_a_critical_error_the_rubric_does_not_list_costs_points_but_does_not_fail():
    log = good_harvest()
    log.ev("si_joint_entry", site=0, depth_mm=60)
    s = scenario().model_copy(update={"rubric": Rubric(critical_errors=["inner_table_breach"])})
    score = evaluate(log.end(3500), s)
    assert score.criterion("safety_limits").score == 0.0
    assert score.critical_errors == [] and score.passed


def test_near_misses_at_the_notch_cost_safety_points():
    log = Log().mark(0).insert(0, 24, -10).penetrate()
    log.ev("near_sciatic_notch", site=0, depth_mm=50, tissue="marrow").pull(4).out()
    j = judge(safety, log.end())
    assert j.fraction == pytest.approx(0.8)
    assert any("sciatic notch" in f for f in j.feedback)


# ----------------------------------------------------------------------------- timing
@pytest.mark.parametrize(("end_s", "expected"), [(3000, 1.0), (4500, 0.65), (6000, 0.0)])
def test_procedure_time_against_par_and_limit(end_s, expected):
    j = judge(timing, good_harvest().end(end_s))
    assert j.parts["procedure_time"] == pytest.approx(expected)
    if end_s > 5400:
        assert any("over the time limit" in f for f in j.feedback)


def test_stopping_early_is_not_rewarded_as_speed():
    j = judge(timing, good_harvest(per_site=5).end(1200))
    assert j.parts["procedure_time"] < 0.3
    assert any("scaled" in f for f in j.feedback)


def test_response_times_are_scored_and_a_missed_response_gets_nothing():
    def log_with(delay: float | None) -> list[dict]:
        log = good_harvest()
        log.ev(
            "response_required",
            id="bp",
            response="pause_harvest",
            deadline_s=log.t + 60,
            within_s=60,
        )
        if delay is None:
            log.ev("missed_required_response", 61, id="bp", response="pause_harvest")
        else:
            log.ev("response_made", delay, response="pause_harvest", delay_s=delay, **{"for": "bp"})
        return log.end(3500)

    fast, slow, missed = (judge(timing, log_with(d)).parts["responses"] for d in (0, 60, None))
    assert fast == 1.0 and slow == pytest.approx(0.5) and missed == 0.0


# ----------------------------------------------------------------------------- steps
def test_steps_done_properly_in_order_get_full_marks():
    j = judge(steps, good_harvest().end())
    assert j.fraction == pytest.approx(1.0)


def test_missing_and_out_of_order_steps_are_named():
    log = Log().mark(0).insert(0).penetrate().pull(4).out().remove()
    log.step("heparinise_syringes", before_first_aspiration=False).step("time_out")
    j = judge(steps, log.end())
    text = " ".join(j.feedback)
    assert "Not done: the midway cell count, the stop criteria" in text
    assert "Out of order" in text and "after the first pull" in text
    assert j.fraction < 0.4


def test_steri_strip_count_must_match_the_sites_and_teaching_must_be_complete():
    log = Log().step("time_out", checks=["identity"])
    log.step("steri_strips", count=3, skin_sites=4, matches_sites=False)
    log.step("pressure_dressing").step("recovery_observations", missing=[])
    log.step(
        "discharge_teaching",
        items=["site_care"],
        missing=["signs_of_infection", "fever_threshold"],
        fever_threshold_c=39.0,
        expected_fever_threshold_c=38.0,
        fever_threshold_correct=False,
    )
    j = judge(steps, log.end(), "post-procedure-care")
    text = " ".join(j.feedback)
    assert "3 Steri-Strips for 4 skin sites" in text
    assert "signs of infection" in text and "fever threshold" in text
    assert j.parts["steps"] < 0.8


def test_steps_are_not_assessed_when_the_scenario_requires_none():
    score = evaluate(good_harvest().end(3500), scenario().model_copy(update={"steps": []}))
    c = score.criterion("procedure_steps")
    assert c.max == 0 and not c.assessed and "Not assessed" in c.feedback
    assert sum(c.max for c in score.criteria) == pytest.approx(100, abs=0.2)


# ----------------------------------------------------------------------------- rubric
def test_criterion_maxima_follow_the_rubric_weights_and_add_up_to_100():
    score = evaluate(good_harvest().end(3500), scenario())
    assert [c.id for c in score.criteria] == list(CRITERIA)
    weights = scenario().rubric.weights
    for c in score.criteria:
        assert c.max == pytest.approx(100 * weights[c.id] / sum(weights.values()), abs=0.05)
    assert sum(c.max for c in score.criteria) == pytest.approx(100, abs=0.2)
    assert score.total == pytest.approx(sum(c.score for c in score.criteria), abs=0.05)
    assert score.passed and score.total >= 85


def test_a_nursing_scenario_scores_only_nursing_criteria():
    log = Log().step("time_out", checks=["identity"]).step("steri_strips", count=4, skin_sites=4)
    log.step("pressure_dressing").step("recovery_observations", missing=[])
    log.step("discharge_teaching", items=["site_care"], missing=[])
    score = evaluate(log.end(900), scenario("post-procedure-care"))
    assert [c.id for c in score.criteria] == list(NURSING_CRITERIA)
    assert not set(CRITERIA) & {c.id for c in score.criteria}
    assert sum(c.max for c in score.criteria) == pytest.approx(100, abs=0.2)
    text = json.dumps(score.to_dict())
    for harvest_word in ("trajectory", "depth", "yield", "Collected", "pulls"):
        assert harvest_word not in text, harvest_word
    assert not score.passed  # no handover, no pressure, no discharge: far from the standard


def test_score_attempt_and_score_events_return_the_json_the_runner_prints():
    a = Attempt(scenario(), 1)
    for cmd in generate.careful_harvest(60, 4.0, 2, sites=2):
        if cmd.get("mm") == generate.TO_SOFT:
            cmd = {
                "do": "withdraw",
                "mm": round(a.sim.needle.depth_mm - a.sim.anatomy.soft_mm + 4, 2),
            }
        a.apply(parse_command(cmd))
    out = score_attempt(a)
    assert out == score_events(a.sim.events, a.scenario)
    assert {"total", "passed", "minimum_passing", "criteria", "critical_errors"} <= out.keys()
    for c in out["criteria"]:
        assert {"id", "score", "max", "feedback"} <= c.keys() and isinstance(c["feedback"], str)
    json.dumps(out)
    assert not out["passed"]  # 60 mL is far from the target


def test_thresholds_are_documented_with_units_and_sources():
    rows = documented()
    assert len(rows) >= 20
    for name, _value, unit, source in rows:
        assert unit and len(source) > 20, name
    doc = (Path(__file__).resolve().parents[1] / "docs" / "scoring.md").read_text()
    for name, *_ in rows:
        assert f"`{name}`" in doc, f"docs/scoring.md does not list {name}"


# ----------------------------------------------------------------------------- properties
penetration = st.fixed_dictionaries(
    {
        "lat": st.floats(-20, 50),
        "cr": st.floats(-30, 45),
        "overshoot": st.floats(0, 40),
        "pulls": st.lists(
            st.tuples(st.floats(0.5, 30), st.floats(0, 8), st.floats(0, 180), st.floats(2e6, 3e7)),
            min_size=1,
            max_size=4,
        ),
        "event": st.sampled_from(
            [
                None,
                None,
                None,
                "inner_cortex_contact",
                "inner_table_breach",
                "si_joint_entry",
                "near_sciatic_notch",
                "dry_tap",
            ]
        ),
    }
)
STEP_NAMES = ("time_out", "heparinise_syringes", "cell_count", "stop_criteria")


def random_log(pens: list[dict], end_s: float, step_names: list[str]) -> list[dict]:
    log = Log().mark(0).mark(1, "right_psis", 5, 8)
    for name in step_names:
        log.step(name)
    for k, p in enumerate(pens):
        site = k % 2
        log.insert(site, p["lat"], p["cr"]).penetrate(overshoot_mm=p["overshoot"])
        if p["event"] == "dry_tap":
            log.dry()
        elif p["event"]:
            log.ev(p["event"], site=site, depth_mm=60, tissue="marrow")
        for ml, move, turn, q in p["pulls"]:
            log.pull(ml, tnc_per_ml=q, move_mm=move, turn_deg=turn)
        log.out().remove()
    return log.end(max(end_s, log.t))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pens=st.lists(penetration, max_size=12),
    end_s=st.floats(0, 8000),
    step_names=st.lists(st.sampled_from(STEP_NAMES), unique=True),
)
def test_total_is_within_0_100_and_any_listed_critical_error_fails(pens, end_s, step_names):
    score = evaluate(random_log(pens, end_s, step_names), scenario())
    assert 0.0 <= score.total <= 100.0
    for c in score.criteria:
        assert 0.0 <= c.score <= c.max + 1e-9
    if score.critical_errors:
        assert not score.passed
    assert score.passed == (score.total >= score.minimum_passing and not score.critical_errors)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.floats(0.5, 30), min_size=1, max_size=10),
    which=st.integers(0, 9),
    extra=st.floats(0.1, 20),
    moves=st.lists(st.floats(0, 8), min_size=10, max_size=10),
)
def test_a_larger_pull_never_scores_higher_on_aspiration_technique(sizes, which, extra, moves):
    which %= len(sizes)
    bigger = list(sizes)
    bigger[which] += extra

    def fraction(ml_list: list[float]) -> float:
        log = Log().mark(0).insert(0).penetrate()
        for k, ml in enumerate(ml_list):
            if k % 3 == 0 and k:
                log.out().redirect(18 + k, k).penetrate()
            log.pull(ml, move_mm=moves[k])
        return judge(aspiration, log.out().remove().end()).fraction

    assert fraction(bigger) <= fraction(sizes) + 1e-12


# ----------------------------------------------------------------------------- the runner
def test_headless_run_json_has_the_score(capsys):
    script = REFERENCE / "pediatric-donor-expert.jsonl"
    rc = main(["run", "--scenario", "pediatric-donor", "--actions", str(script), "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    score = out["score"]
    assert score["passed"] is True and score["total"] >= 85
    assert [c["id"] for c in score["criteria"]] == list(CRITERIA)
    rc = main(["run", "--scenario", "pediatric-donor", "--actions", str(script)])
    text = capsys.readouterr().out
    assert rc == 0 and "Score " in text and "PASS" in text and "aspiration technique:" in text


# ----------------------------------------------------------------------------- references
@pytest.fixture(scope="module")
def references() -> dict[tuple[str, str], Score]:
    """Every committed reference script, replayed once and scored."""
    out = {}
    for sid in generate.SCENARIOS:
        for level in LEVELS:
            attempt = Attempt(scenario(sid), 1)
            for raw in (REFERENCE / f"{sid}-{level}.jsonl").read_text().splitlines():
                if raw.strip():
                    attempt.apply(parse_command(json.loads(raw)))
            out[sid, level] = evaluate(attempt.sim.events, attempt.scenario)
    return out


@pytest.mark.parametrize("sid", generate.SCENARIOS)
def test_the_expert_passes_high_and_the_novice_fails(references, sid):
    expert, novice = references[sid, "expert"], references[sid, "novice"]
    assert expert.passed and expert.total >= 85 and not expert.critical_errors
    assert not novice.passed


@pytest.mark.parametrize("sid", generate.SCENARIOS)
def test_scores_order_expert_over_intermediate_over_novice(references, sid):
    e, i, n = (references[sid, level] for level in LEVELS)
    assert e.total > i.total > n.total
    assert e.total - n.total >= 40
    # The reference performances stay at least 20 points apart, level from level.
    assert e.total - i.total >= 20 and i.total - n.total >= 20


@pytest.mark.parametrize("sid", NEEDLE_SCENARIOS)
def test_needle_criteria_order_the_levels_with_named_causes(references, sid):
    e, i, n = (references[sid, level] for level in LEVELS)
    for cid in ("trajectory", "depth_control", "aspiration_technique", "yield"):
        assert e.criterion(cid).score > i.criterion(cid).score > n.criterion(cid).score, cid
    assert e.criterion("safety_limits").score > n.criterion("safety_limits").score
    assert e.criterion("procedure_steps").score > n.criterion("procedure_steps").score
    # the intermediate's pulls are too big, and taken at one spot
    asp = i.criterion("aspiration_technique").feedback
    assert "pulls were over 5 mL" in asp and "TNC/mL fell" in asp and "same spot" in asp
    if sid == "anterior-crest":  # its own aim and dangers: down the wing, the iliac fossa
        assert "off it" in i.criterion("trajectory").feedback
        assert "medially toward the iliac fossa" in n.criterion("trajectory").feedback
        assert "inner_table_breach" in n.critical_errors
        assert "Not done" in n.criterion("procedure_steps").feedback
        return
    assert "nearly perpendicular" in i.criterion("trajectory").feedback
    assert "past the loss of resistance" in i.criterion("depth_control").feedback
    # the novice's tracks are perpendicular or medial, and they push through the give
    traj = n.criterion("trajectory").feedback
    assert "perpendicular" in traj and "medially" in traj
    assert "past the loss of resistance" in n.criterion("depth_control").feedback
    assert "si_joint_entry" in n.critical_errors
    assert "sacroiliac joint" in " ".join(n.critical_feedback)
    assert "Not done" in n.criterion("procedure_steps").feedback


def test_the_adult_expert_reaches_the_cell_dose(references):
    y = references["adult-standard", "expert"].criterion("yield")
    assert y.parts["dose"] == 1.0 and y.parts["quality"] == 1.0


def test_the_dry_tap_expert_re_sites_and_the_intermediate_is_told_to(references):
    expert = references["dry-tap", "expert"].criterion("aspiration_technique")
    inter = references["dry-tap", "intermediate"].criterion("aspiration_technique")
    assert expert.parts["faulty_pulls"] == 1.0
    assert "re-site" in inter.feedback and inter.parts["faulty_pulls"] < 0.5


@pytest.mark.parametrize("sid", ["anesthesia-event", "weight-mismatch"])
def test_required_responses_are_timed_and_a_missed_one_fails(references, sid):
    e, i, n = (references[sid, level].criterion("timing").parts["responses"] for level in LEVELS)
    assert e >= 0.9 and e > i > n == 0.0
    assert "missed_required_response" in references[sid, "novice"].critical_errors


def test_the_nursing_intermediate_is_told_what_was_wrong(references):
    i = references["post-procedure-care", "intermediate"]
    safety = i.criterion("safety_responses").feedback
    assert "not laid flat with her legs raised" in safety
    site = i.criterion("haemostasis_site_care").feedback
    assert "2 of 4 punctures" in site and "not checked for bleeding" in site
    teach = i.criterion("teaching").feedback
    assert "not your local policy's" in teach and "before checking she was ready" in teach
    assert not i.passed and "local policy" in i.failed_conditions[0]


def test_the_nursing_novice_misses_the_required_response_and_is_told_why(references):
    n = references["post-procedure-care", "novice"]
    assert n.criterion("timeliness").parts["responses"] == 0.0
    assert {"missed_required_response", "repeat_observations_missed", "unsafe_discharge"} <= set(
        n.critical_errors
    )
    assert any("not repeated" in f for f in n.critical_feedback)
    e = references["post-procedure-care", "expert"]
    assert e.criterion("timeliness").parts["responses"] >= 0.7


def test_every_scenario_has_its_three_reference_scripts():
    for sid in generate.SCENARIOS:
        for level in LEVELS:
            assert (REFERENCE / f"{sid}-{level}.jsonl").exists(), f"{sid}-{level}"
    shipped = {s.id for s in ScenarioLibrary().scenarios()}
    assert set(generate.SCENARIOS) == shipped


def test_a_harvest_stopped_far_short_of_the_dose_fails_whatever_the_points():
    # Mastery learning: points elsewhere do not buy back a missed clinical goal.
    lines = (REFERENCE / "adult-standard-expert.jsonl").read_text().splitlines()[:278]
    cmds = [json.loads(x) for x in lines] + [
        {"do": "cell_count"},
        {"do": "stop_criteria", "reason": "donor_condition"},
        {"do": "end"},
    ]
    a = Attempt(resolve_scenario("adult-standard"), 1)
    for c in cmds:
        a.apply(parse_command(c))
    s = score_attempt(a)
    assert s["total"] >= s["minimum_passing"]  # enough points ...
    assert not s["passed"]  # ... but the dose was missed
    assert "cell dose reached only" in s["failed_conditions"][0]


def _score_of(scenario: str, cmds: list[dict]) -> dict:
    a = Attempt(resolve_scenario(scenario), 1)
    for c in cmds:
        a.apply(parse_command(c))
    return score_attempt(a)


def test_run_on_during_a_held_push_is_measured_even_if_the_next_move_is_a_withdrawal():
    s = _score_of(
        "adult-standard",
        [
            {"do": "mark_site", "landmark": "left_psis"},
            {"do": "insert", "site": 0, "lateral_deg": 24},
            {"do": "push", "force_n": 500, "s": 2.5, "twist": True},  # runs ~27 mm past the give
            {"do": "withdraw", "mm": 20},
            {"do": "end"},
        ],
    )
    depth = next(c for c in s["criteria"] if c["id"] == "depth_control")
    assert depth["score"] == 0.0 and "worst 2" in depth["feedback"]


def test_turning_back_to_a_drained_spot_is_not_fresh_marrow():
    base = [
        {"do": "mark_site", "landmark": "left_psis"},
        {"do": "insert", "site": 0, "lateral_deg": 24},
        {"do": "advance", "mm": 60, "twist": True, "stop_on": "loss_of_resistance"},
        {"do": "remove_stylet"},
        {"do": "aspirate", "ml": 3},
        {"do": "rotate", "deg": 180},
        {"do": "aspirate", "ml": 3},
    ]
    back = _score_of(
        "adult-standard",
        base + [{"do": "rotate", "deg": 180}, {"do": "aspirate", "ml": 3}, {"do": "end"}],
    )
    on = _score_of(
        "adult-standard",
        base + [{"do": "rotate", "deg": 90}, {"do": "aspirate", "ml": 3}, {"do": "end"}],
    )
    asp = {
        k: next(c for c in s["criteria"] if c["id"] == "aspiration_technique")
        for k, s in (("back", back), ("on", on))
    }
    assert "1 of 2 repeat pulls were taken at the same spot" in asp["back"]["feedback"]
    assert asp["back"]["score"] < asp["on"]["score"]


def test_a_late_response_is_reported_as_late_not_as_never_made():
    cmds = [
        json.loads(x)
        for x in (REFERENCE / "anesthesia-event-expert.jsonl").read_text().splitlines()
    ]
    i = next(k for k, c in enumerate(cmds) if c["do"] == "pause_harvest")
    cmds.insert(i, {"do": "wait", "s": 70})
    s = _score_of("anesthesia-event", cmds)
    timing_fb = next(c for c in s["criteria"] if c["id"] == "timing")["feedback"]
    assert "pause harvest came after" in timing_fb and "never made" not in timing_fb


def test_an_unjustified_stop_names_its_own_reason():
    lines = (REFERENCE / "adult-standard-expert.jsonl").read_text().splitlines()[:278]
    cmds = [json.loads(x) for x in lines] + [
        {"do": "stop_criteria", "reason": "donor_condition"},
        {"do": "end"},
    ]
    fb = next(
        c for c in _score_of("adult-standard", cmds)["criteria"] if c["id"] == "procedure_steps"
    )["feedback"]
    assert "no change in the donor's condition" in fb and "bag" not in fb


def test_nursing_dressing_before_the_strips_fails_the_attempt():
    cmds = [
        json.loads(x)
        for x in (REFERENCE / "post-procedure-care-expert.jsonl").read_text().splitlines()
    ]
    i = next(k for k, c in enumerate(cmds) if c["do"] == "steri_strips")
    j = next(k for k, c in enumerate(cmds) if c["do"] == "pressure_dressing")
    cmds[i], cmds[j] = cmds[j], cmds[i]  # the dressing first, the strips on top of it
    s = _score_of("post-procedure-care", cmds)
    assert not s["passed"]
    assert any("before the Steri-Strips" in f for f in s["failed_conditions"])
    site_fb = next(c for c in s["criteria"] if c["id"] == "haemostasis_site_care")["feedback"]
    assert "before the Steri-Strips" in site_fb


def documented_reference_totals() -> dict[tuple[str, str], tuple[float, bool]]:
    """The reference score table of docs/scoring.md: (scenario, level) -> (total, passed)."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "scoring.md").read_text()
    out = {}
    for line in doc.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 4 and cells[0] in generate.SCENARIOS and cells[1] in LEVELS:
            out[cells[0], cells[1]] = (float(cells[2]), cells[3] == "pass")
        elif len(cells) > 5 and cells[0] in NURSING_SCENARIOS and cells[2] in LEVELS:
            out[cells[0], cells[2]] = (float(cells[3]), cells[4] == "pass")  # + the variant
    return out


def test_the_documented_reference_scores_are_what_the_scripts_score(references):
    """docs/scoring.md's reference table is the scoring's own output, to 0.1 point."""
    documented = documented_reference_totals()
    assert set(documented) == set(references)
    for key, (total, passed) in documented.items():
        assert references[key].total == pytest.approx(total, abs=0.051), key
        assert references[key].passed == passed, key


@pytest.mark.parametrize("sid", generate.SCENARIOS)
def test_the_reference_levels_are_at_least_20_points_apart(references, sid):
    """Expert, intermediate and novice stay clearly apart (the hands issue's guard: no change to
    the trainer's guidance or the model may blur what the score tells)."""
    e, i, n = (references[sid, level].total for level in LEVELS)
    assert e - i >= 20 and i - n >= 20
