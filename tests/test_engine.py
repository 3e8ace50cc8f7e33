"""The scenario engine and the procedure steps: triggers, responses, pause/stop, steps, dry tap.

Scenarios here are the shipped adult-standard with scripted events added in code, so each test
states exactly the event it exercises.
"""

from __future__ import annotations

import json
from itertools import accumulate
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli.main import main
from sim.errors import CommandRejected
from sim.model.parameters import table
from sim.model.simulation import Simulation
from sim.run.attempt import Attempt
from sim.scenario import resolve_scenario
from sim.scenario.schema import METRICS, PROCEDURE_STEPS, RESPONSES, Scenario
from sim.vocabulary.commands import (
    COMMAND_NAMES,
    NEEDLE_NAMES,
    RESPONSE_NAMES,
    STEP_NAMES,
    parse_command,
)
from sim.vocabulary.events import EVENT_TYPES, SIM_EVENT_TYPES
from tests.helpers import run, types

DOCS = Path(__file__).resolve().parents[1] / "docs"
EXPERT = Path(__file__).parent / "reference" / "adult-standard-expert.jsonl"
TIMING = table("timing")

TO_MARROW = [
    {"do": "mark_site", "landmark": "left_psis"},
    {"do": "insert", "site": 0, "lateral_deg": 24, "cranial_deg": 0},
    {"do": "advance", "mm": 60, "twist": True, "stop_on": "loss_of_resistance"},
    {"do": "remove_stylet"},
    {"do": "heparinise_syringes"},  # syringes loaded with heparinised saline: no clots
]
PULL = {"do": "aspirate", "ml": 5}


def scenario(base: str = "adult-standard", **changes) -> Scenario:
    data = resolve_scenario(base).model_dump(mode="json")
    data.update(changes)
    return Scenario.model_validate(data)


def with_events(*events: dict, base: str = "adult-standard", **changes) -> Attempt:
    return Attempt(scenario(base, events=list(events), **changes), seed=1)


def event(id_: str = "ev", message: str = "something happens", **fields) -> dict:
    return {"id": id_, "message": message, **fields}


def of_type(events: list[dict], kind: str) -> list[dict]:
    return [e for e in events if e["type"] == kind]


def wait(s: float) -> dict:
    return {"do": "wait", "s": s}


def rejected(a: Attempt, cmd: dict) -> str:
    with pytest.raises(CommandRejected) as info:
        a.apply(parse_command(cmd))
    return str(info.value)


# ------------------------------------------------------------------ triggers
def test_at_s_fires_at_the_first_command_whose_end_passes_it():
    a = with_events(event(trigger={"at_s": 100}))
    assert of_type(run(a, wait(50)), "scenario_event") == []
    fired = of_type(run(a, wait(60)), "scenario_event")
    assert len(fired) == 1 and fired[0]["t_s"] == 110 and fired[0]["id"] == "ev"
    assert fired[0]["trigger"] == "at_s" and fired[0]["message"] == "something happens"
    assert of_type(run(a, wait(500), wait(500)), "scenario_event") == []


@settings(max_examples=60, deadline=None)
@given(
    waits=st.lists(st.floats(min_value=0, max_value=300), min_size=1, max_size=12),
    at_s=st.floats(min_value=0, max_value=2000),
)
def test_any_at_s_trigger_fires_once_at_the_first_command_passing_it(waits, at_s):
    a = with_events(event(trigger={"at_s": at_s}))
    fired_at = [i for i, s in enumerate(waits) if of_type(run(a, wait(s)), "scenario_event")]
    ends = list(accumulate(waits))
    expected = [next(i for i, t in enumerate(ends) if t >= at_s)] if ends[-1] >= at_s else []
    assert fired_at == expected


def test_collected_ml_fires_on_the_pull_that_brings_the_bag_to_it():
    a = with_events(event(trigger={"collected_ml": 8}))
    run(a, *TO_MARROW)
    assert of_type(run(a, PULL), "scenario_event") == []
    evs = run(a, PULL)
    assert types(evs).index("aspirated") < types(evs).index("scenario_event")
    assert (
        a.sim.bag.volume_ml == 10 and of_type(evs, "scenario_event")[0]["trigger"] == "collected_ml"
    )


def test_on_event_fires_in_the_command_that_caused_the_event():
    a = with_events(event(trigger={"on_event": "loss_of_resistance"}))
    run(a, *TO_MARROW[:2])
    evs = run(a, TO_MARROW[2])
    assert types(evs).index("loss_of_resistance") < types(evs).index("scenario_event")


def test_on_event_where_narrows_to_matching_fields():
    a = with_events(
        event(trigger={"on_event": "step_done", "where": {"step": "heparinise_syringes"}})
    )
    assert of_type(run(a, {"do": "time_out"}), "scenario_event") == []
    assert len(of_type(run(a, {"do": "heparinise_syringes"}), "scenario_event")) == 1


def test_metric_trigger_fires_when_the_threshold_is_crossed():
    a = with_events(event(trigger={"metric": "aspirations", "above": 1}))
    run(a, *TO_MARROW)
    assert of_type(run(a, PULL), "scenario_event") == []
    assert len(of_type(run(a, PULL), "scenario_event")) == 1


def test_metric_without_a_value_waits():
    # TNC/mL of an empty bag has no value: a 'below' trigger must not fire on the empty bag.
    a = with_events(event(trigger={"metric": "tnc_per_ml", "below": 1e9}))
    assert of_type(run(a, wait(10), *TO_MARROW), "scenario_event") == []
    assert len(of_type(run(a, PULL), "scenario_event")) == 1


def test_events_chain_within_one_command_through_donor_state():
    a = with_events(
        event("drop", trigger={"at_s": 5}, donor_state={"systolic_mmhg": 80}),
        event("alarm", trigger={"metric": "donor_state.systolic_mmhg", "below": 90}),
    )
    evs = run(a, wait(10))
    assert [e["id"] for e in of_type(evs, "scenario_event")] == ["drop", "alarm"]
    state = of_type(evs, "donor_state")[0]
    assert state["changes"] == {"systolic_mmhg": 80} and state["state"]["systolic_mmhg"] == 80
    assert a.engine.donor_state["systolic_mmhg"] == 80
    assert a.engine.donor_state["heart_rate_bpm"] == 72  # untouched values keep the baseline


def test_every_declared_metric_is_computed():
    a = Attempt(resolve_scenario("adult-standard"), 1)
    run(a, *TO_MARROW, PULL)
    metrics = a.engine.metrics()
    assert set(METRICS) <= metrics.keys()
    assert metrics["last_pull_ml"] == 5 and metrics["collected_ml_per_kg_donor"] == 5 / 80


def test_declared_event_types_cover_everything_a_full_attempt_emits():
    a = with_events(hypotension(), event("bp", trigger={"collected_ml": 300}, require=COUNT))
    cmds = [json.loads(line) for line in EXPERT.read_text().splitlines()]
    seen: set[str] = set()
    for cmd in cmds[:-1]:
        if cmd["do"] == "aspirate" and a.engine.paused:
            seen |= set(types(run(a, {"do": "resume_harvest"})))
        evs = run(a, cmd)
        seen |= set(types(evs))
        for req in of_type(evs, "response_required"):
            seen |= set(types(run(a, {"do": req["response"]})))
    seen |= set(types(run(a, {"do": "cell_count"}, {"do": "time_out"}, {"do": "end"})))
    assert {"response_required", "response_made", "donor_state", "cell_count"} <= seen
    assert seen <= set(EVENT_TYPES)


# ------------------------------------------------------------------ responses
COUNT = {"response": "request_cell_count", "within_s": 600}


def hypotension(**require_changes) -> dict:
    require = [
        {"response": "pause_harvest", "within_s": 60},
        {"response": "notify_anesthesia", "within_s": 60},
    ]
    return event(
        "hypo",
        trigger={"at_s": 10},
        donor_state={"systolic_mmhg": 78, "diastolic_mmhg": 44},
        require=require,
        after_response={"message": "stable again", "donor_state": {"systolic_mmhg": 108}},
        after_miss={"message": "anaesthetist takes over"},
        **require_changes,
    )


def test_required_responses_are_announced_with_their_deadline():
    a = with_events(hypotension())
    evs = run(a, wait(15))
    reqs = of_type(evs, "response_required")
    assert [r["id"] for r in reqs] == ["hypo.pause_harvest", "hypo.notify_anesthesia"]
    assert all(r["event"] == "hypo" and r["deadline_s"] == 75 for r in reqs)


def test_responses_in_time_are_made_with_their_delay():
    a = with_events(hypotension())
    run(a, wait(15), wait(20))  # fired at 15 s; now 35 s
    made = of_type(run(a, {"do": "pause_harvest"}), "response_made")
    assert made == [
        {
            "t_s": 35 + TIMING.pause_harvest_s,
            "type": "response_made",
            "response": "pause_harvest",
            "delay_s": 20.0,
            "late": False,
            "event": "hypo",
            "deadline_s": 75.0,
            "for": "hypo.pause_harvest",
        }
    ]
    evs = run(a, {"do": "notify_anesthesia"})
    assert of_type(evs, "response_made")[0]["delay_s"] == 20 + TIMING.pause_harvest_s
    resolved = [e for e in of_type(evs, "scenario_event") if e["phase"] == "resolved"]
    assert resolved[0]["message"] == "stable again"
    assert a.engine.donor_state["systolic_mmhg"] == 108
    assert of_type(run(a, wait(600)), "missed_required_response") == []
    assert a.sim.metrics()["critical_errors"] == []
    assert [r["status"] for r in a.engine.summary()["responses"]] == ["made", "made"]


def test_a_missed_deadline_is_an_event_and_a_critical_error():
    a = with_events(hypotension())
    run(a, wait(15))
    assert of_type(run(a, wait(60)), "missed_required_response") == []  # 75 s: not yet past
    evs = run(a, wait(1))
    missed = of_type(evs, "missed_required_response")
    assert [m["response"] for m in missed] == ["pause_harvest", "notify_anesthesia"]
    assert missed[0]["id"] == "hypo.pause_harvest" and missed[0]["deadline_s"] == 75
    assert "missed_required_response" in a.sim.metrics()["critical_errors"]
    phases = [e["phase"] for e in of_type(evs, "scenario_event")]
    assert phases == ["missed"]  # the miss effect applies once, not per requirement


def test_a_missed_response_is_not_critical_unless_the_rubric_lists_it():
    rubric = {"critical_errors": ["inner_table_breach"]}
    a = with_events(hypotension(), rubric=rubric)
    evs = run(a, wait(15), wait(100))
    assert len(of_type(evs, "missed_required_response")) == 2
    assert a.sim.metrics()["critical_errors"] == []


def test_a_late_response_is_recorded_as_late():
    a = with_events(hypotension())
    run(a, wait(15), wait(100))
    made = of_type(run(a, {"do": "notify_anesthesia"}), "response_made")
    assert made[0]["late"] is True and made[0]["delay_s"] == 100


def test_ending_with_a_response_outstanding_misses_it_before_the_end():
    a = with_events(hypotension())
    evs = run(a, wait(15), {"do": "pause_harvest"}, {"do": "end"})
    kinds = types(evs)
    assert kinds.index("missed_required_response") < kinds.index("ended")
    missed = of_type(evs, "missed_required_response")
    assert len(missed) == 1 and missed[0]["response"] == "notify_anesthesia"
    assert missed[0]["at_end"] is True


def test_an_unprompted_response_is_made_for_nothing():
    a = Attempt(resolve_scenario("adult-standard"), 1)
    made = of_type(run(a, {"do": "notify_anesthesia"}), "response_made")
    assert made[0]["for"] is None and made[0]["delay_s"] is None


def test_a_response_the_state_already_gives_counts_at_once():
    a = with_events(
        event(trigger={"at_s": 10}, require={"response": "pause_harvest", "within_s": 30})
    )
    evs = run(a, {"do": "pause_harvest"}, wait(20))
    made = of_type(evs, "response_made")[-1]
    assert made["for"] == "ev" and made["delay_s"] == 0 and made["already"] is True


@settings(max_examples=40, deadline=None)
@given(
    waits=st.lists(st.floats(min_value=1, max_value=120), min_size=2, max_size=8),
    respond_after=st.integers(min_value=0, max_value=7),
    within_s=st.floats(min_value=5, max_value=300),
)
def test_a_response_is_in_time_exactly_when_issued_by_the_deadline(waits, respond_after, within_s):
    a = with_events(
        event(trigger={"at_s": 0}, require={"response": "notify_anesthesia", "within_s": within_s})
    )
    evs = run(a, wait(waits[0]))
    fired_s = waits[0]
    deadline = fired_s + within_s
    for s in waits[1 : 1 + respond_after]:
        evs += run(a, wait(s))
    issued_s = a.sim.t_s
    evs += run(a, {"do": "notify_anesthesia"})
    made = of_type(evs, "response_made")[0]
    assert made["delay_s"] == pytest.approx(issued_s - fired_s, abs=1e-6)
    assert made["late"] is (issued_s > deadline)
    assert bool(of_type(evs, "missed_required_response")) is made["late"]


# ------------------------------------------------------------------ pause and stop
def test_pause_blocks_aspiration_until_resume():
    a = Attempt(resolve_scenario("adult-standard"), 1)
    run(a, *TO_MARROW, {"do": "pause_harvest"})
    assert "paused" in rejected(a, PULL)
    assert "already paused" in rejected(a, {"do": "pause_harvest"})
    run(a, wait(30))
    resumed = of_type(run(a, {"do": "resume_harvest"}), "response_made")[0]
    assert resumed["paused_s"] == 30 + TIMING.pause_harvest_s
    assert of_type(run(a, PULL), "aspirated")


def test_stop_harvest_ends_collection_but_not_the_attempt():
    a = Attempt(resolve_scenario("adult-standard"), 1)
    run(a, *TO_MARROW, PULL, {"do": "stop_harvest"})
    assert "collection has stopped" in rejected(a, PULL)
    assert "not paused" in rejected(a, {"do": "resume_harvest"})
    run(a, {"do": "replace_stylet"}, {"do": "remove_needle"}, {"do": "steri_strips", "count": 1})
    assert not a.ended
    run(a, {"do": "end"})
    assert a.ended and "has ended" in rejected(a, {"do": "time_out"})


# ------------------------------------------------------------------ procedure steps
STEP_COSTS = [
    ({"do": "time_out"}, TIMING.time_out_s),
    (
        {"do": "heparinise_syringes"},
        TIMING.heparinise_syringes_fixed_s + 6 * TIMING.heparinise_syringes_per_syringe_s,
    ),
    ({"do": "stop_criteria", "reason": "time_limit"}, TIMING.stop_criteria_s),
    ({"do": "pressure_dressing"}, TIMING.pressure_dressing_s),
    ({"do": "recovery_observations"}, TIMING.recovery_observations_s),
    (
        {"do": "discharge_teaching", "items": ["signs_of_infection", "when_to_call"]},
        TIMING.discharge_teaching_fixed_s + 2 * TIMING.discharge_teaching_per_item_s,
    ),
]


@pytest.mark.parametrize(("cmd", "cost_s"), STEP_COSTS, ids=[c["do"] for c, _ in STEP_COSTS])
def test_each_step_emits_step_done_and_costs_its_documented_time(cmd, cost_s):
    a = Attempt(resolve_scenario("adult-standard"), 1)
    run(a, wait(7))
    done = of_type(run(a, cmd), "step_done")
    assert len(done) == 1 and done[0]["step"] == cmd["do"] and done[0]["n"] == 1
    assert done[0]["duration_s"] == cost_s > 0
    assert a.sim.t_s == done[0]["t_s"] == 7 + cost_s


def test_steps_record_whether_they_came_in_time():
    a = Attempt(resolve_scenario("adult-standard"), 1)
    first = of_type(run(a, {"do": "time_out"}, {"do": "heparinise_syringes"}), "step_done")
    assert first[0]["before_first_puncture"] and first[1]["before_first_aspiration"]
    run(a, *TO_MARROW, PULL)
    late = of_type(run(a, {"do": "time_out"}, {"do": "heparinise_syringes"}), "step_done")
    assert not late[0]["before_first_puncture"] and not late[1]["before_first_aspiration"]
    assert late[0]["n"] == 2


def test_cell_count_reports_the_bags_tnc_per_ml_and_takes_time():
    a = Attempt(resolve_scenario("adult-standard"), 1)
    assert "bag is empty" in rejected(a, {"do": "cell_count"})
    run(a, *TO_MARROW, PULL, {"do": "rotate", "deg": 120}, PULL)
    bag = a.sim.bag
    t0 = a.sim.t_s
    evs = run(a, {"do": "cell_count"})
    count = of_type(evs, "cell_count")[0]
    assert count["bag_ml"] == 10 and count["tnc_per_ml"] == round(bag.tnc_per_ml)
    # Small pulls from fresh marrow: the harvest range 18-25e6/mL (clinical.md §2).
    assert 15e6 < count["tnc_per_ml"] < 30e6
    target = 3e8 * 70
    assert count["ml_to_target"] == pytest.approx((target - bag.tnc) / bag.tnc_per_ml, rel=1e-6)
    assert a.sim.t_s == t0 + TIMING.cell_count_s
    assert of_type(evs, "step_done")[0]["step"] == "cell_count"
    assert of_type(evs, "response_made") == []  # a step, not a response, when nothing asked


def test_a_count_answers_a_count_request_whichever_command_gives_it():
    req = {"response": "request_cell_count", "within_s": 300}
    for cmd in ("request_cell_count", "cell_count"):
        a = with_events(event(trigger={"collected_ml": 5}, require=req))
        run(a, *TO_MARROW, PULL)
        made = of_type(run(a, {"do": cmd}), "response_made")
        assert made[0]["for"] == "ev" and not made[0]["late"]


def test_steri_strip_count_is_checked_against_the_skin_sites():
    a = Attempt(resolve_scenario("adult-standard"), 1)
    assert "no skin has been punctured" in rejected(a, {"do": "steri_strips", "count": 2})
    run(a, *TO_MARROW, {"do": "replace_stylet"}, {"do": "remove_needle"})
    run(a, {"do": "mark_site", "landmark": "right_psis"}, {"do": "insert", "site": 1})
    assert "remove_needle first" in rejected(a, {"do": "steri_strips", "count": 2})
    run(a, {"do": "remove_needle"})
    short = of_type(run(a, {"do": "steri_strips", "count": 1}), "step_done")[0]
    assert short["skin_sites"] == 2 and short["matches_sites"] is False
    right = of_type(run(a, {"do": "steri_strips", "count": 2}), "step_done")[0]
    assert (
        right["matches_sites"] is True
        and right["duration_s"] == 2 * TIMING.steri_strips_per_strip_s
    )
    assert "already dressed" in rejected(a, {"do": "insert", "site": 0})


def test_pressure_dressing_knows_whether_the_strips_are_under_it():
    a = Attempt(resolve_scenario("post-procedure-care"), 1)
    wrong = of_type(run(a, {"do": "pressure_dressing"}), "step_done")[0]
    strips = of_type(run(a, {"do": "steri_strips", "count": 4}), "step_done")[0]
    assert wrong["over_steri_strips"] is False and strips["before_dressing"] is False


def test_stop_criteria_says_whether_the_stop_is_justified_and_stops_collection():
    a = Attempt(resolve_scenario("adult-standard"), 1)
    run(a, *TO_MARROW, PULL)
    done = of_type(run(a, {"do": "stop_criteria", "reason": "target_volume_reached"}), "step_done")
    assert done[0]["justified"] is False and done[0]["target_volume_ml"] == 1050
    assert "collection has stopped" in rejected(a, PULL)


def test_discharge_teaching_lists_what_was_left_out_and_checks_the_fever_threshold():
    a = Attempt(resolve_scenario("post-procedure-care"), 1)
    items = ["signs_of_infection", "fever_threshold", "when_to_call"]
    wrong = run(a, {"do": "discharge_teaching", "items": items, "fever_threshold_c": 39.0})
    done = of_type(wrong, "step_done")[0]
    assert done["missing"] == ["site_care", "dressing_removal_next_day", "pain_relief", "activity"]
    assert done["fever_threshold_correct"] is False and done["expected_fever_threshold_c"] == 38
    right = run(a, {"do": "discharge_teaching", "items": items, "fever_threshold_c": 38.0})
    assert of_type(right, "step_done")[0]["fever_threshold_correct"] is True


def test_recovery_observations_read_the_donor_state():
    a = Attempt(resolve_scenario("post-procedure-care"), 1)
    run(a, {"do": "steri_strips", "count": 4}, {"do": "pressure_dressing"})  # fires light-headed
    obs = of_type(run(a, {"do": "recovery_observations"}), "step_done")[0]["observed"]
    assert obs["systolic_mmhg"] == 84 and obs["heart_rate_bpm"] == 112
    assert obs["dressing"] == "dry_intact"
    partial = run(a, {"do": "recovery_observations", "checks": ["heart_rate"]})
    assert "blood_pressure" in of_type(partial, "step_done")[0]["missing"]


# ------------------------------------------------------------------ scenarios end to end
NURSING = [
    {"do": "handover"},
    {"do": "time_out"},
    *({"do": "apply_pressure", "site": k} for k in range(4)),
    {"do": "steri_strips", "count": 4},
    {"do": "pressure_dressing"},
    {"do": "position_donor", "position": "flat_legs_raised"},
    {"do": "recovery_observations"},
    {"do": "notify_anesthesia"},  # the old spelling: the same response as notify_anaesthetist
    {"do": "give_fluids", "ml": 500},
    {"do": "wait", "s": 600},
    {"do": "recovery_observations"},  # still low: the bolus needs fifteen minutes
    {"do": "wait", "s": 300},
    {"do": "recovery_observations"},
    {
        "do": "discharge_teaching",
        "items": [
            "site_care",
            "signs_of_infection",
            "fever_threshold",
            "when_to_call",
            "dressing_removal_next_day",
            "pain_relief",
            "activity",
        ],
        "fever_threshold_c": 38.0,
    },
    {"do": "end"},
]


def test_post_procedure_care_is_completable_headless(tmp_path, capsys):
    actions = tmp_path / "care.jsonl"
    actions.write_text("".join(json.dumps(c) + "\n" for c in NURSING))
    argv = ["run", "--scenario", "post-procedure-care", "--actions", str(actions), "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    steps = [e["step"] for e in out["events"] if e["type"] == "step_done"]
    assert set(steps) == set(resolve_scenario("post-procedure-care").steps)
    made = [e for e in out["events"] if e["type"] == "response_made"]
    assert made[0]["for"] == "light-headed" and not made[0]["late"]
    assert out["metrics"]["critical_errors"] == []
    assert out["scenario_state"]["donor_state"]["systolic_mmhg"] == 112
    assert out["events"][-1]["type"] == "ended"


def test_a_nursing_scenario_refuses_needle_work():
    a = Attempt(resolve_scenario("post-procedure-care"), 1)
    for cmd in ({"do": "mark_site", "landmark": "left_psis"}, PULL, {"do": "pause_harvest"}):
        assert "nursing scenario" in rejected(a, cmd)
    run(a, wait(5))  # waiting is still possible


def test_the_anesthesia_event_fires_when_the_models_pressure_falls():
    # The infusion has stopped: the event follows from what was drawn (tests/test_body.py).
    a = Attempt(resolve_scenario("anesthesia-event"), 1)
    run(a, *TO_MARROW)
    fired: list[dict] = []
    while not fired:
        assert a.sim.bag.volume_ml < 1500
        fired = of_type(run(a, PULL), "scenario_event")
        run(a, {"do": "advance", "mm": 1})
    assert fired[0]["id"] == "hypotension"
    assert a.engine.donor_state["systolic_mmhg"] < 90
    run(a, {"do": "pause_harvest"})
    assert "paused" in rejected(a, PULL)


def test_the_engine_leaves_needle_work_exactly_as_the_simulation_alone():
    s = resolve_scenario("adult-standard")
    lines = EXPERT.read_text().splitlines()[:300]
    cmds = [c for c in map(parse_command, map(json.loads, lines)) if c.do in NEEDLE_NAMES]
    a = Attempt(s, 3)
    for cmd in cmds:
        a.apply(cmd)
    sim = Simulation(
        s.donor.to_donor(),
        recipient_weight_kg=s.recipient.weight_kg,
        seed=3,
        donor_limit_ml_per_kg=s.targets.donor_limit_ml_per_kg,
    )
    for cmd in cmds:
        sim.apply(cmd)
    # The engine adds its own events (the donor's body on the monitor), never needle work.
    needle = [e for e in a.sim.events if e["type"] in SIM_EVENT_TYPES]
    assert needle == sim.events and a.sim.metrics() == sim.metrics()


def test_same_commands_and_seed_give_the_same_digest_with_scripted_events():
    cmds = [*TO_MARROW, PULL, wait(20), {"do": "pause_harvest"}, wait(200), {"do": "end"}]
    results = []
    for _ in range(2):
        a = with_events(hypotension(), event("late", trigger={"collected_ml": 5}, yield_factor=0.8))
        run(a, *cmds)
        results.append((a.sim.digest(), a.result()["events"]))
    assert results[0] == results[1]
    other = with_events(hypotension())
    run(other, *cmds)
    assert other.sim.digest() != results[0][0]  # the scripted events are part of the state


def test_record_and_replay_with_steps_and_responses(tmp_path, capsys):
    actions = tmp_path / "care.jsonl"
    actions.write_text("".join(json.dumps(c) + "\n" for c in NURSING))
    log = tmp_path / "log.jsonl"
    argv = ["run", "--scenario", "post-procedure-care", "--actions", str(actions), "--json"]
    assert main([*argv, "--record", str(log)]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["replay", str(log), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["digest"] == first["digest"]


# ------------------------------------------------------------------ marrow effects
def marrow_tnc(ev: dict, wbc_per_ml: float) -> float:
    """The nucleated cells an aspirate owes to true marrow (the rest is the donor's blood)."""
    return ev["tnc"] - (ev["ml"] - ev["marrow_ml"]) * wbc_per_ml


def test_yield_factor_scales_the_marrow_cell_content_from_the_event_on():
    plain = Attempt(resolve_scenario("adult-standard"), 1)
    scaled = with_events(event(trigger={"at_s": 0}, yield_factor=0.5))
    a = of_type(run(plain, *TO_MARROW, PULL), "aspirated")[0]
    b = of_type(run(scaled, *TO_MARROW, PULL), "aspirated")[0]
    assert b["marrow_ml"] == a["marrow_ml"]
    wbc = plain.sim.donor.blood_wbc_per_ml  # the donor drawn for seed 1, the same in both
    assert marrow_tnc(b, wbc) == pytest.approx(0.5 * marrow_tnc(a, wbc), rel=1e-5)


def site_pulls(a: Attempt, landmark: str, lateral_mm: float = 0, cranial_mm: float = 0) -> list:
    """Mark a site, enter the marrow and take three 5 mL pulls, rotating between them."""
    if not a.sim.anticoagulation["syringes"]:
        run(a, {"do": "heparinise_syringes"})
    site = len(a.sim.sites)
    evs = run(
        a,
        {
            "do": "mark_site",
            "landmark": landmark,
            "lateral_mm": lateral_mm,
            "cranial_mm": cranial_mm,
        },
        {"do": "insert", "site": site, "lateral_deg": 24},
        TO_MARROW[2],
        TO_MARROW[3],
        PULL,
        {"do": "rotate", "deg": 120},
        PULL,
        {"do": "advance", "mm": 4},
        PULL,
        {"do": "replace_stylet"},
        {"do": "remove_needle"},
    )
    return [e["tnc_per_ml"] for e in of_type(evs, "aspirated")]


def test_dry_tap_zone_is_poor_where_first_used_until_the_trainee_resites():
    a = Attempt(resolve_scenario("dry-tap"), 1)
    first = site_pulls(a, "left_psis")
    again = site_pulls(a, "left_psis", 5, 5)  # a few mm away: still the poor area
    elsewhere = site_pulls(a, "right_psis")
    control = site_pulls(Attempt(resolve_scenario("adult-standard"), 1), "left_psis")
    # Poor: mostly peripheral blood (6e6/mL) against the 18-25e6/mL of a normal harvest.
    assert max(first + again) < 10e6
    assert min(elsewhere) > 15e6 and min(control) > 15e6
    side, centre = a.sim.dry_tap_centre
    assert side == "left"
    assert a.sim.fields["right"].depletion() < 0.01  # the other side is untouched marrow


def test_dry_tap_zone_follows_whichever_side_is_used_first():
    a = Attempt(resolve_scenario("dry-tap"), 1)
    assert max(site_pulls(a, "right_psis")) < 10e6
    assert min(site_pulls(a, "left_psis")) > 15e6


def test_the_dry_tap_hint_fires_on_a_thin_aspirate():
    a = Attempt(resolve_scenario("dry-tap"), 1)
    run(a, *TO_MARROW)
    evs = run(a, PULL)
    assert of_type(evs, "aspirated")[0]["tnc_per_ml"] < 8e6
    assert of_type(evs, "scenario_event")[0]["id"] == "thin-aspirate"


# ------------------------------------------------------------------ vocabulary and docs
def test_step_and_response_commands_match_the_scenario_schema():
    assert set(STEP_NAMES) == set(PROCEDURE_STEPS)
    assert set(RESPONSE_NAMES) == set(RESPONSES)


def test_every_step_and_response_has_a_documented_time_cost():
    for name in STEP_NAMES + RESPONSE_NAMES:
        if name == "request_cell_count":
            name = "cell_count"
        keys = [k for k in TIMING if k.startswith(name)]
        assert keys, name
        for key in keys:
            entry = TIMING.entry(key)
            assert entry.value > 0 and entry.unit.startswith("s") and entry.source


def test_docs_list_every_command_and_event_type():
    commands_md = (DOCS / "commands.md").read_text()
    for name in COMMAND_NAMES:
        assert f"`{name}`" in commands_md, name
    for kind in EVENT_TYPES:
        assert f"`{kind}`" in commands_md, kind
    scenarios_md = (DOCS / "scenarios.md").read_text()
    assert "python -m sim scenarios schema" in scenarios_md
    for word in ("at_s", "collected_ml", "on_event", "metric", "within_s", "yield_factor"):
        assert word in scenarios_md


def test_an_effect_that_takes_time_runs_the_clock_on():
    # anesthesia-event: the anaesthetist treats for 5 minutes before "you may resume".
    import json
    from pathlib import Path

    from sim.run.attempt import Attempt
    from sim.scenario import resolve_scenario
    from sim.vocabulary.commands import parse_command

    ref = Path(__file__).parent / "reference" / "anesthesia-event-expert.jsonl"
    a = Attempt(resolve_scenario("anesthesia-event"), 1)
    for raw in ref.read_text().splitlines():
        a.apply(parse_command(json.loads(raw)))
    ev = a.sim.events
    last_response = max(e["t_s"] for e in ev if e["type"] == "response_made" and e.get("for"))
    resolved = next(e for e in ev if e["type"] == "scenario_event" and e["phase"] == "resolved")
    assert resolved["t_s"] - last_response == pytest.approx(300, abs=1e-6)
