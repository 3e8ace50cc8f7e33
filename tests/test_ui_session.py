"""The session's time and push coalescing (no window): the log stays small and replays exactly."""

from __future__ import annotations

from sim.run.attempt import Attempt
from sim.scenario import resolve_scenario
from sim.trainer.session import IDLE_FLUSH_S, Session
from sim.vocabulary import commands as c


def make_session() -> Session:
    s = Session(Attempt(resolve_scenario("adult-standard"), 5))
    s.submit(c.MarkSite(landmark="left_psis"))
    s.submit(c.Insert(site=0, lateral_deg=24))
    return s


def test_idle_time_becomes_coalesced_waits():
    s = make_session()
    t0 = s.sim.t_s
    for _ in range(int(IDLE_FLUSH_S * 60) + 30):
        s.idle(1 / 60)
    waits = [e for e in s.attempt.log if e["cmd"]["do"] == "wait"]
    assert len(waits) == 1
    assert abs(s.clock_s - t0 - (IDLE_FLUSH_S + 0.5)) < 1e-6


def test_steady_presses_merge_and_boundaries_flush():
    s = make_session()
    for _ in range(360):  # 6 s: through 30 mm of fat and the 3 mm outer table
        s.press(True, True, 1 / 60)  # Space held: advance firmly, twisting
    s.flush_push()
    presses = [e for e in s.attempt.log if e["cmd"]["do"] == "press"]
    assert 2 <= len(presses) < 40
    assert s.sim.bone_penetrations == 1
    types = [e["type"] for e in s.sim.events]
    assert "loss_of_resistance" in types


def test_rejected_command_becomes_a_message():
    s = make_session()
    assert s.submit(c.Aspirate(ml=5)) is None
    assert "stylet" in s.message
