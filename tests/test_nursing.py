"""The nurse's station, headless (issue 11; docs/nursing.md).

The expert passes both nursing scenarios (every next-day variant) in practice and in
assessment; teaching one item per command or all in one scores the same; skipping the repeat
observations after hypotension, discharging before readiness and missing the infection each fail
with feedback that says why; "fifteen minutes later" is 900 simulated seconds; bad input is one
line naming file, line and field (exit 2); the variant is the seed's, deterministically.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli.main import main
from sim.run.attempt import Attempt
from sim.scenario import resolve_scenario
from sim.scenario.nursing import choose_variant
from sim.scoring import score_attempt
from sim.trainer.session import Session
from sim.vocabulary.commands import NURSING_ACCEPTS, NURSING_GROUPS, parse_command
from tests.reference import nursing

REFERENCE = Path(__file__).parent / "reference"
SCENARIOS = nursing.NURSING_SCENARIOS


def reference(sid: str, level: str) -> list[dict]:
    text = (REFERENCE / f"{sid}-{level}.jsonl").read_text(encoding="utf-8")
    return [json.loads(x) for x in text.splitlines() if x.strip()]


def run(sid: str, cmds: list[dict], seed: int = 1) -> Attempt:
    a = Attempt(resolve_scenario(sid), seed)
    for cmd in cmds:
        a.apply(parse_command(cmd))
    return a


def seed_for(variant: str) -> int:
    s = resolve_scenario("next-day-visit")
    return next(seed for seed in range(1, 200) if choose_variant(s, seed).id == variant)


# ----------------------------------------------------------------------------- the expert
@pytest.mark.parametrize("mode", ["practice", "assessment"])
@pytest.mark.parametrize("sid", SCENARIOS)
def test_the_expert_passes_both_nursing_scenarios_in_practice_and_assessment(sid, mode):
    session = Session(Attempt(resolve_scenario(sid), 1), mode=mode)
    for cmd in reference(sid, "expert"):
        assert session.submit(parse_command(cmd)) is not None, (cmd, session.message)
    score = score_attempt(session.attempt)
    assert score["passed"] and score["total"] >= 85 and not score["critical_errors"]
    assert [c["id"] for c in score["criteria"]] == [
        "assessment",
        "safety_responses",
        "haemostasis_site_care",
        "teaching",
        "escalation",
        "timeliness",
    ]


@pytest.mark.parametrize(
    "variant", ["uneventful", "haematoma", "early-infection", "low-haemoglobin"]
)
def test_the_expert_passes_every_next_day_variant_and_the_novice_does_not(variant):
    seed = seed_for(variant)
    expert = run("next-day-visit", nursing.perform("next-day-visit", "expert", seed), seed)
    assert expert.nursing is not None and expert.nursing.variant.id == variant
    s = score_attempt(expert)
    assert s["passed"] and not s["critical_errors"], s
    novice = run("next-day-visit", nursing.perform("next-day-visit", "novice", seed), seed)
    assert not score_attempt(novice)["passed"]


def test_the_nursing_debrief_has_no_harvest_criteria():
    from sim.trainer.debrief import analyse

    d = analyse(run("post-procedure-care", reference("post-procedure-care", "expert")))
    text = json.dumps({"score": d.score, "metrics": d.metrics})
    for word in ("trajectory", "depth", "yield", "Collected", "collected_ml", "pulls"):
        assert word not in text, word
    assert d.metrics["discharged"] and not d.trace and not d.pulls


# ----------------------------------------------------------------------------- teaching
ITEMS = list(resolve_scenario("post-procedure-care").care.teaching)
EXPERT = reference("post-procedure-care", "expert")
BEFORE = [c for c in EXPERT if c["do"] != "discharge_teaching"]
AT = next(k for k, c in enumerate(EXPERT) if c["do"] == "discharge_teaching")


def with_teaching(groups: list[list[str]]) -> list[dict]:
    teach = []
    for items in groups:
        cmd: dict = {"do": "discharge_teaching", "items": items}
        if "fever_threshold" in items:
            cmd["fever_threshold_c"] = 38.0
        teach.append(cmd)
    return BEFORE[:AT] + teach + BEFORE[AT:]


@st.composite
def splits(draw) -> list[list[str]]:
    order = draw(st.permutations(ITEMS))
    cuts = sorted(draw(st.sets(st.integers(1, len(order) - 1), max_size=len(order) - 1)))
    bounds = [0, *cuts, len(order)]
    return [list(order[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


ALL_IN_ONE = run("post-procedure-care", with_teaching([ITEMS]))
ALL_IN_ONE_SCORE = score_attempt(ALL_IN_ONE)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups=splits())
def test_teaching_one_item_per_command_or_combined_scores_the_same(groups):
    a = run("post-procedure-care", with_teaching(groups))
    s = score_attempt(a)
    assert s["total"] == ALL_IN_ONE_SCORE["total"] and s["passed"] == ALL_IN_ONE_SCORE["passed"]
    assert s["criteria"] == ALL_IN_ONE_SCORE["criteria"]
    assert a.sim.t_s == pytest.approx(ALL_IN_ONE.sim.t_s)  # the same time, whatever the split


def test_a_teaching_item_costs_its_own_time_not_the_introduction_again():
    one = run("post-procedure-care", [{"do": "discharge_teaching", "items": ["site_care"]}])
    two = run(
        "post-procedure-care",
        [
            {"do": "discharge_teaching", "items": ["site_care"]},
            {"do": "discharge_teaching", "items": ["activity"]},
        ],
    )
    t = one.sim.timing
    assert one.sim.t_s == pytest.approx(
        t.discharge_teaching_fixed_s + t.discharge_teaching_per_item_s
    )
    assert two.sim.t_s - one.sim.t_s == pytest.approx(t.discharge_teaching_per_item_s)


# ----------------------------------------------------------------------------- failures say why
def until(cmds: list[dict], do: str) -> list[dict]:
    k = next(i for i, c in enumerate(cmds) if c["do"] == do)
    return cmds[: k + 1]


def test_skipping_the_repeat_observations_after_hypotension_fails_and_says_why():
    cmds = (
        until(EXPERT, "give_fluids")
        + [
            {"do": "wait", "s": 1800},  # no observations for 30 minutes after an abnormal set
            *EXPERT[len(until(EXPERT, "give_fluids")) :],
        ]
    )
    s = score_attempt(run("post-procedure-care", cmds))
    assert not s["passed"] and "repeat_observations_missed" in s["critical_errors"]
    text = " ".join(s["critical_feedback"])
    assert "not repeated within 15 minutes" in text and "getting worse" in text
    safety = next(c for c in s["criteria"] if c["id"] == "safety_responses")["feedback"]
    assert "not repeated" in safety


def test_discharging_before_readiness_fails_and_says_why():
    cmds = until(EXPERT, "give_fluids")
    cmds += [c for c in EXPERT if c["do"] == "discharge_teaching"]
    cmds += [{"do": "discharge"}, {"do": "end"}]
    a = run("post-procedure-care", cmds)
    s = score_attempt(a)
    assert not s["passed"] and "unsafe_discharge" in s["critical_errors"]
    unsafe = [e for e in a.sim.events if e["type"] == "unsafe_discharge"][0]
    assert "readiness_not_checked" in unsafe["reasons"]
    assert "unresolved_hypotension" in unsafe["reasons"]
    text = " ".join(s["critical_feedback"])
    assert "discharge criteria were not checked" in text and "hypotension" in text


@pytest.mark.parametrize("level", ["novice", "reassured"])
def test_missing_the_infection_variant_fails_and_says_why(level):
    seed = seed_for("early-infection")
    cmds = nursing.perform("next-day-visit", "novice" if level == "novice" else "expert", seed)
    if level == "reassured":  # looked at everything, then sent her home reassured
        cmds = [c for c in cmds if c["do"] != "call_doctor"]
        for c in cmds:
            if c["do"] == "next_day_decision":
                c["decision"] = "reassure"
    s = score_attempt(run("next-day-visit", cmds, seed))
    assert not s["passed"] and "finding_missed" in s["critical_errors"]
    text = " ".join(s["critical_feedback"])
    assert "infection was missed" in text and "antibiotics" in text


# ----------------------------------------------------------------------------- time
def test_fifteen_minutes_later_is_fifteen_simulated_minutes():
    cmds = until(EXPERT, "give_fluids")
    a = run("post-procedure-care", cmds)
    fired = [e for e in a.sim.events if e["type"] == "scenario_event" and e["id"] == "bolus"]
    t_fired = fired[0]["t_s"]
    a.apply(parse_command({"do": "wait", "s": 900}))
    later = [e for e in a.sim.events if e["type"] == "scenario_event" and e["phase"] == "later"]
    assert later and later[0]["message"].startswith("Fifteen minutes")
    assert later[0]["t_s"] - t_fired == pytest.approx(900.0)
    assert a.sim.t_s - t_fired == pytest.approx(900.0)
    assert a.engine.donor_state["systolic_mmhg"] == 112


# ----------------------------------------------------------------------------- bad input
BAD = [
    ("post-procedure-care", {"do": "discharge_teaching", "items": ["bogus"]}, "items.0"),
    (
        "next-day-visit",  # a real item, but not one this scenario teaches
        {"do": "discharge_teaching", "items": ["dressing_removal_next_day"]},
        "items.0",
    ),
    (
        "post-procedure-care",
        {"do": "discharge_teaching", "items": ["fever_threshold"], "fever_threshold_c": 34.0},
        "fever_threshold_c",
    ),
    (
        "post-procedure-care",
        {"do": "discharge_teaching", "items": ["fever_threshold"], "fever_threshold_c": 43},
        "fever_threshold_c",
    ),
    (
        "post-procedure-care",
        {"do": "discharge_teaching", "items": ["fever_threshold"]},
        "fever_threshold_c",
    ),
    ("post-procedure-care", {"do": "recovery_observations", "checks": ["mood"]}, "checks.0"),
    ("post-procedure-care", {"do": "mark_site", "landmark": "left_psis"}, "do"),
    ("next-day-visit", {"do": "aspirate", "ml": 5}, "do"),
    ("adult-standard", {"do": "discharge_readiness"}, "do"),
]


@pytest.mark.parametrize(("sid", "cmd", "field"), BAD)
def test_bad_nursing_input_is_one_line_with_file_line_and_field(tmp_path, capsys, sid, cmd, field):
    actions = tmp_path / "bad.jsonl"
    actions.write_text(json.dumps({"do": "wait", "s": 1}) + "\n" + json.dumps(cmd) + "\n")
    rc = main(["run", "--scenario", sid, "--actions", str(actions)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1, err
    assert "bad.jsonl:2" in err[0] and f"field '{field}'" in err[0], err[0]
    assert "Traceback" not in err[0]


@pytest.mark.parametrize(
    ("drop", "field"),
    [("[handover]", "handover"), ("[monitor]", "monitor"), ("[[variants]]", "variants")],
)
def test_a_nursing_scenario_without_handover_monitor_or_variants_is_rejected(
    tmp_path, capsys, drop, field
):
    text = (Path(__file__).parents[1] / "scenarios" / "next-day-visit.toml").read_text()
    lines, out, skipping = text.splitlines(), [], False
    for line in lines:
        if line.strip().startswith("["):
            skipping = line.split("#")[0].strip() == drop
        if not skipping:
            out.append(line)
    path = tmp_path / "next-day-visit.toml"
    path.write_text("\n".join(out) + "\n")
    rc = main(["scenarios", "validate", str(path)])
    err = capsys.readouterr()
    line = (err.err + err.out).strip().splitlines()[-1]
    assert rc == 2 and f"'{field}'" in line, line


# ----------------------------------------------------------------------------- variants
def test_the_variant_is_chosen_by_the_seed_deterministically():
    s = resolve_scenario("next-day-visit")
    first = [Attempt(s, seed).nursing.variant.id for seed in range(1, 41)]
    again = [Attempt(s, seed).nursing.variant.id for seed in range(1, 41)]
    assert first == again
    assert set(first) == {v.id for v in s.variants}
    chosen = [e for e in Attempt(s, 3).sim.events if e["type"] == "variant_chosen"]
    assert chosen[0]["id"] == choose_variant(s, 3).id


def test_a_recorded_nursing_attempt_replays_to_the_same_digest(tmp_path, capsys):
    actions = tmp_path / "care.jsonl"
    actions.write_text((REFERENCE / "next-day-visit-expert.jsonl").read_text())
    log = tmp_path / "log.jsonl"
    argv = ["run", "--scenario", "next-day-visit", "--actions", str(actions), "--json"]
    assert main([*argv, "--seed", "3", "--record", str(log)]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["replay", str(log), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["digest"] == first["digest"]


# ----------------------------------------------------------------------------- the contract
def test_the_state_the_screen_reads_follows_the_contract():
    a = Attempt(resolve_scenario("post-procedure-care"), 1)
    assert a.nursing is not None
    state = a.nursing.state()
    for key in (
        "phase",
        "variant",
        "clock",
        "position",
        "handover",
        "sites",
        "dressing",
        "monitor",
        "observations",
        "pain",
        "teaching",
        "readiness",
        "escalations",
        "documented",
        "discharged",
        "decision",
        "bloods",
        "prompts",
        "messages",
    ):
        assert key in state, key
    assert len(state["sites"]) == 4 and state["sites"][0]["bleeding"] == "ooze"
    assert state["monitor"]["limits"]["systolic_mmhg"] == {"low": 90.0, "high": 180.0}
    assert state["prompts"][0]["field"] == "fever_threshold_c"
    assert "local policy" in state["prompts"][0]["question"]
    json.dumps(state)
    for cmd in until(EXPERT, "pressure_dressing"):
        a.apply(parse_command(cmd))
    state = a.nursing.state()
    assert all(s["strip"] and s["pressure_done"] for s in state["sites"])
    assert state["dressing"]["on"] and state["monitor"]["alarm"]
    assert state["monitor"]["alarms"]["systolic_mmhg"] == "low"


def test_every_nursing_command_is_documented_and_grouped():
    doc = (Path(__file__).parents[1] / "docs" / "commands.md").read_text()
    contract = (Path(__file__).parents[1] / "docs" / "nursing.md").read_text()
    for name in NURSING_ACCEPTS:
        assert f"`{name}`" in doc and f"`{name}`" in contract, name
    grouped = {n for g in NURSING_GROUPS.values() for n in g}
    assert grouped <= NURSING_ACCEPTS


def test_the_fever_wording_says_local_policy_not_a_donor_threshold():
    cmds = [{"do": "discharge_teaching", "items": ["fever_threshold"], "fever_threshold_c": 38.5}]
    s = score_attempt(run("post-procedure-care", cmds))
    text = json.dumps(s)
    assert "local policy" in text and "this donor's" not in text


def test_practice_coaching_uses_the_scenario_values_the_score_uses():
    from sim.trainer.coaching import nursing_warnings

    a = Attempt(resolve_scenario("post-procedure-care"), 1)
    assert any("handover" in w for w in nursing_warnings(a))
    for cmd in until(EXPERT, "pressure_dressing"):
        a.apply(parse_command(cmd))
    warned = " ".join(nursing_warnings(a))
    assert "lie her flat" in warned
    a.apply(parse_command({"do": "recovery_observations"}))
    assert "15 min after an abnormal set" in " ".join(nursing_warnings(a))
    assert nursing_warnings(Attempt(resolve_scenario("adult-standard"), 1)) == []
