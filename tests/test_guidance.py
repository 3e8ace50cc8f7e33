"""One truth for guidance: the practice coaching, the tutorial's gates and notes, and the scoring
agree at every band edge of the technique table (sim/vocabulary/technique.py), and for all values
between them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.run.attempt import Attempt
from sim.scenario import resolve_scenario
from sim.scoring.criteria.aspiration import is_fresh
from sim.scoring.criteria.depth import penetration_credit
from sim.scoring.criteria.trajectory import cranial_credit, lateral_credit
from sim.scoring.metrics import Penetration, read_metrics
from sim.scoring.text import ramp
from sim.trainer import coaching, tutorial
from sim.trainer.guide import overshoot_note
from sim.trainer.session import Session
from sim.vocabulary import commands as c
from sim.vocabulary.technique import Thresholds

T = Thresholds()
LAT_LO, LAT_HI = T.lateral_band_deg
CRA_LO, CRA_HI = T.cranial_band_deg


def edges(*values: float) -> list[float]:
    return sorted({v + d for v in values for d in (-0.5, -1e-6, 0.0, 1e-6, 0.5)})


def session() -> Session:
    return Session(Attempt(resolve_scenario("adult-standard"), 1))


def aim_warnings(lat: float, cra: float) -> list[str]:
    return [
        text
        for text, _ in coaching.warnings(session(), lat, cra, pull_ml=T.pull_good_ml)
        if "Aim" in text or "aim" in text
    ]


def tutorial_accepts_aim(lat: float, cra: float) -> bool:
    return tutorial._aimed(c.Insert(site=0, lateral_deg=lat, cranial_deg=cra), [], None)


@pytest.mark.parametrize("lat", edges(LAT_LO, LAT_HI))
def test_lateral_band_edges_agree(lat):
    full = lateral_credit(lat, T) == 1.0
    assert (not aim_warnings(lat, T.ideal_cranial_deg)) == full
    assert tutorial_accepts_aim(lat, T.ideal_cranial_deg) == full


@pytest.mark.parametrize("cra", edges(CRA_LO, CRA_HI))
def test_cranial_band_edges_agree(cra):
    full = cranial_credit(cra, T) == 1.0
    assert (not aim_warnings(T.ideal_lateral_deg, cra)) == full
    assert tutorial_accepts_aim(T.ideal_lateral_deg, cra) == full


@settings(max_examples=60, deadline=None)
@given(st.floats(-20, 55), st.floats(-30, 45))
def test_any_aim_is_warned_about_exactly_when_the_score_takes_credit(lat, cra):
    full = lateral_credit(lat, T) == 1.0 and cranial_credit(cra, T) == 1.0
    assert (not aim_warnings(lat, cra)) == full
    assert tutorial_accepts_aim(lat, cra) == full


def pull_warned(ml: float) -> bool:
    texts = coaching.warnings(session(), T.ideal_lateral_deg, 0.0, pull_ml=ml)
    return any("pull dilutes" in text for text, _ in texts)


@pytest.mark.parametrize("ml", edges(T.pull_good_ml))
def test_pull_size_edges_agree(ml):
    full = ramp(ml, T.pull_good_ml, T.pull_bad_ml) == 1.0
    assert (not pull_warned(ml)) == full
    cmd = c.Aspirate(ml=ml)
    events = [{"type": "aspirated", "tissue": "marrow", "ml": ml}]
    assert tutorial._small_pull(cmd, events, None) == full


def marrow_session() -> Session:
    s = session()
    for cmd in (
        c.MarkSite(landmark="left_psis"),
        c.Insert(site=0, lateral_deg=T.ideal_lateral_deg),
        c.Advance(mm=60, twist=True, stop_on="loss_of_resistance"),
        c.RemoveStylet(),
    ):
        s.submit(cmd)
    return s


def feedback(s: Session, cmd) -> list[str]:
    return [text for text, _ in coaching.event_feedback(s, s.submit(cmd))]


def test_volume_per_penetration_is_warned_about_exactly_past_the_scorings_limit():
    s = marrow_session()
    taken = 0.0
    while taken <= T.penetration_ok_ml + T.pull_good_ml:
        said = feedback(s, c.Aspirate(ml=2.0))
        s.submit(c.Rotate(deg=T.fresh_rotation_deg))
        taken += 2.0
        pen = read_metrics(s.sim.events).penetrations[1]
        full = ramp(pen.ml, T.penetration_ok_ml, T.penetration_zero_ml) == 1.0
        assert (not any("from this bone entry" in x for x in said)) == full


@pytest.mark.parametrize("turn", edges(T.fresh_rotation_deg / 2, T.fresh_rotation_deg))
def test_fresh_marrow_edges_agree(turn):
    s = marrow_session()
    s.submit(c.Aspirate(ml=2.0))
    s.submit(c.Rotate(deg=turn))
    cmd = c.Aspirate(ml=2.0)
    events = s.submit(cmd)
    said = [text for text, _ in coaching.event_feedback(s, events)]
    pull = read_metrics(s.sim.events).marrow_pulls[-1]
    fresh = is_fresh(pull, T)
    assert (not any("Same spot" in x for x in said)) == fresh
    assert tutorial._fresh_spot_pull(cmd, events, s.sim) == fresh


@pytest.mark.parametrize("over", edges(T.overshoot_ok_mm))
def test_overshoot_note_agrees_with_the_depth_score(over):
    s = marrow_session()
    lor = next(e for e in s.sim.events if e["type"] == "loss_of_resistance")
    s.sim.needle.depth_mm = lor["depth_mm"] + over
    note, ok = overshoot_note(s.sim)
    pen = Penetration(1, 0, lor["t_s"], lor["depth_mm"], stop_depth_mm=lor["depth_mm"] + over)
    assert ok == (penetration_credit(pen, T) == 1.0)
    assert ("within" in note) == ok


def test_a_step_claimed_too_early_is_marked_at_once_with_the_debriefs_words():
    """Stop criteria claimed at 6 of 1,050 mL: accepted, and practice says at once what the
    debrief will (the scoring's own step judgement), not only afterwards."""
    s = marrow_session()
    s.submit(c.Aspirate(ml=3.0))
    said = feedback(s, c.StopCriteria(reason="target_volume_reached"))
    assert said and "the bag had not reached the target volume" in said[0]
    from sim.scoring import score_attempt

    s.submit(c.End())
    steps = next(x for x in score_attempt(s.attempt)["criteria"] if x["id"] == "procedure_steps")
    assert said[0] in steps["feedback"]


TECHNIQUE_PHRASES = {
    r"(\d+(?:\.\d+)?) degrees lateral": T.ideal_lateral_deg,
    r"(\d+(?:\.\d+)?) mL or less": T.pull_good_ml,
    r"at most (\d+(?:\.\d+)?) mL from each bone entry": T.penetration_ok_ml,
}


@pytest.mark.parametrize(
    "sid",
    [
        e.scenario.id
        for e in __import__("sim.scenario", fromlist=["x"]).ScenarioLibrary().entries
        if e.scenario
    ],
)
def test_briefings_and_objectives_quote_the_technique_table(sid):
    import re

    s = resolve_scenario(sid)
    text = " ".join([s.briefing, *s.objectives])
    for phrase, value in TECHNIQUE_PHRASES.items():
        for found in re.findall(phrase, text):
            assert float(found) == value, (sid, phrase, found)


def test_an_unknown_technique_number_in_a_scenario_is_refused():
    from pydantic import ValidationError

    s = resolve_scenario("adult-standard").model_dump(mode="json")
    s["objectives"] = ["Pull {pull_perfect_ml} mL"]
    with pytest.raises(ValidationError, match="unknown technique number"):
        type(resolve_scenario("adult-standard")).model_validate(s)
