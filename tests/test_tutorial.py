"""Tutorial mode: each step must be done before moving on; the guided path completes."""

from __future__ import annotations

from sim.trainer.tutorial import Tutorial
from sim.vocabulary.commands import parse_command
from tests.helpers import attempt

GUIDED = [
    {"do": "mark_site", "landmark": "left_psis"},
    {"do": "mark_site", "landmark": "right_psis", "lateral_mm": 3},
    {"do": "insert", "site": 0, "lateral_deg": 24, "cranial_deg": 10},
    {"do": "advance", "mm": 60, "twist": True, "stop_on": "loss_of_resistance"},
    {"do": "remove_stylet"},
    {"do": "aspirate", "ml": 3},
    {"do": "rotate", "deg": 90},
    {"do": "aspirate", "ml": 3},
    {"do": "replace_stylet"},
    {"do": "withdraw", "mm": 18},
    {"do": "redirect", "lateral_deg": 20, "cranial_deg": 4},
    {"do": "advance", "mm": 60, "twist": True, "stop_on": "loss_of_resistance"},
    {"do": "end"},
]


def drive(tut: Tutorial, a, cmds):
    for raw in cmds:
        cmd = parse_command(raw)
        gate = tut.gate(cmd)
        if not gate.allowed:
            return gate
        tut.observe(cmd, a.apply(cmd), a.sim)
    return None


def needle_steps(tut: Tutorial) -> list[str]:
    return [s.id for s in tut.steps]


def test_guided_path_completes_every_needle_step():
    tut, a = Tutorial(), attempt()
    tut.steps = [s for s in tut.steps if s.id not in ("time_out", "dressing")]
    assert drive(tut, a, GUIDED) is None
    assert tut.finished


def test_a_step_must_be_done_before_moving_on():
    tut, a = Tutorial(), attempt()
    tut.steps = [s for s in tut.steps if s.id != "time_out"]
    gate = drive(tut, a, [{"do": "insert", "site": 0}])
    assert gate is not None and not gate.allowed
    assert "PSIS" in gate.hint
    assert tut.current.id == "mark_left"


def test_wrong_aim_does_not_complete_the_aiming_step():
    tut, a = Tutorial(), attempt()
    tut.steps = [s for s in tut.steps if s.id != "time_out"]
    drive(tut, a, GUIDED[:2] + [{"do": "insert", "site": 0, "lateral_deg": 0}])
    assert tut.current.id == "aim"
    assert tut.gate(parse_command({"do": "advance", "mm": 5})).allowed is False


def test_large_pull_does_not_pass_the_small_pull_step():
    tut, a = Tutorial(), attempt()
    tut.steps = [s for s in tut.steps if s.id != "time_out"]
    drive(tut, a, GUIDED[:5] + [{"do": "aspirate", "ml": 15}])
    assert tut.current.id == "small_pull"


def test_every_step_explains_why_with_a_source():
    for step in Tutorial().steps:
        assert step.instruction and step.why
        assert any(ch.isdigit() for ch in step.why) or "(" in step.why


def test_ghost_needle_points_toward_the_asis():
    lateral, cranial = Tutorial.ideal_track()
    assert 20 <= lateral <= 28 and 0 <= cranial <= 25


def test_pulling_again_from_the_same_spot_does_not_count_as_fresh_marrow():
    tut, a = Tutorial(), attempt()
    tut.steps = [s for s in tut.steps if s.id != "time_out"]
    drive(tut, a, GUIDED[:6] + [{"do": "aspirate", "ml": 3}])  # no rotate between pulls
    assert tut.current.id == "fresh_spot"
    drive(tut, a, [{"do": "rotate", "deg": 90}, {"do": "aspirate", "ml": 3}])
    assert tut.current.id == "repenetrate"


def test_a_wrong_first_aim_can_be_put_right_by_redirecting():
    tut, a = Tutorial(), attempt()
    tut.steps = [s for s in tut.steps if s.id != "time_out"]
    drive(tut, a, GUIDED[:2] + [{"do": "insert", "site": 0, "lateral_deg": 0}])
    assert tut.current.id == "aim"
    assert drive(tut, a, [{"do": "redirect", "lateral_deg": 24, "cranial_deg": 8}]) is None
    assert tut.current.id == "penetrate"


def tutorial_session():
    from sim.trainer.guide import Guide
    from sim.trainer.session import Session
    from sim.vocabulary import commands as c

    s = Session(attempt(), guide=Guide())
    for cmd in (
        c.TimeOut(checks=list(c.TIME_OUT_CHECKS)),
        c.MarkSite(landmark="left_psis"),
        c.MarkSite(landmark="right_psis"),
        c.Insert(site=0, lateral_deg=24, cranial_deg=10),
    ):
        s.submit(cmd)
    assert s.guide.current.id == "penetrate"
    return s


def press_past_the_give(s, after_s: float) -> float:
    """Hold the push in the window's fixed steps, ``after_s`` past the give; the give's depth."""
    lor, held_after = None, 0.0
    for _ in range(3000):
        s.press(True, True, 1 / 60)
        lor = lor or next(
            (e["depth_mm"] for e in s.sim.events if e["type"] == "loss_of_resistance"), None
        )
        if lor is not None:
            held_after += 1 / 60
            if held_after >= after_s:
                break
    s.press(False, True, 1 / 60)
    return lor


def test_the_tutorial_never_stops_the_needle_for_the_trainee():
    """Pressing on after the give runs on as in practice (the tutorial teaches letting go)."""
    s = tutorial_session()
    lor = press_past_the_give(s, 1.0)
    assert s.sim.needle.depth_mm - lor > 5.0  # a second late: well past the limit
    s.idle(3.0)  # the hand has let go: the pass is over and the window says how it went
    assert s.guide.current.id == "stylet_out"
    assert "mm past the give: more than 5 mm. Let go sooner." in s.message


def test_the_tutorial_praises_a_timely_let_go_with_the_distance():
    s = tutorial_session()
    lor = press_past_the_give(s, 0.2)
    over = s.sim.needle.depth_mm - lor
    assert over <= 5.0
    s.idle(3.0)
    assert f"You let go {over:.1f} mm past the give: within the 5 mm allowed." == s.message
