"""Training modes in the window: tutorial gating and ghost, assessment rules, practice records."""

from __future__ import annotations

import pygame
import pytest

from sim.records import RecordStore
from sim.vocabulary import commands as c
from tests.ui.driver import key, make_app, run


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(tmp_path))
    return tmp_path


def start(app, mode_steps: int, trainee: str = "t-1", scenario: str | None = None):
    """Launcher → briefing → procedure in the mode ``mode_steps`` to the right of Practice."""
    run(app, 2)
    app.top.name_entry.set_text(trainee)
    for _ in range(mode_steps):
        key(app, pygame.K_RIGHT)
    if scenario is not None:
        ids = [e.scenario.id if e.scenario else None for e in app.top.entries]
        app.top.selected = ids.index(scenario)
    key(app, pygame.K_RETURN)
    assert app.top.name == "briefing", app.top.notice
    key(app, pygame.K_RETURN)
    assert app.top.name == "procedure"
    return app.top


def test_tutorial_refuses_out_of_step_commands_and_draws_the_ghost(data_dir):
    app = make_app(data_dir=data_dir)
    proc = start(app, 1)
    guide = proc.session.guide
    sim = proc.session.sim
    assert guide.current.id == "time_out"
    assert "Time-out" in app.painter.texts()
    key(app, pygame.K_l)
    key(app, pygame.K_RETURN)  # marking a site before the time-out: refused, nothing applied
    assert sim.sites == [] and guide.current.id == "time_out"
    assert any("Not yet: Start with the time-out." in t for t in app.painter.texts())
    key(app, pygame.K_t)  # the steps list; its first action is the time-out
    assert app.top.name == "steps"
    key(app, pygame.K_RETURN)
    assert guide.current.id == "mark_left"
    key(app, pygame.K_l)
    key(app, pygame.K_RETURN, frames=2)
    assert len(sim.sites) == 1 and guide.current.id == "mark_right"
    assert any(t.startswith("Done: Find the left PSIS") for t in app.painter.texts())
    key(app, pygame.K_TAB)
    key(app, pygame.K_RETURN)  # insert before the second site: refused with the hint
    assert not sim.needle.inserted
    assert any("Mark the second site over the right PSIS" in t for t in app.painter.texts())
    texts = app.painter.texts()
    assert "ghost needle: the ideal track" in texts and "Aim guide" in texts
    ghost_dashes = [
        t for t in app.painter.transcript if t[0] == "dashed" and t[1] == pygame.Color(86, 180, 233)
    ]
    assert len(ghost_dashes) >= 2
    pygame.quit()


def test_tutorial_finish_offers_practice(data_dir):
    app = make_app(data_dir=data_dir)
    proc = start(app, 1)
    s = proc.session
    for cmd in (
        c.TimeOut(),
        c.MarkSite(landmark="left_psis"),
        c.MarkSite(landmark="right_psis", lateral_mm=3),
        c.Insert(site=0, lateral_deg=24, cranial_deg=10),
        c.Advance(mm=60, twist=True, stop_on="loss_of_resistance"),
        c.RemoveStylet(),
        c.Aspirate(ml=3),
        c.Rotate(deg=90),
        c.Aspirate(ml=3),
        c.ReplaceStylet(),
        c.Withdraw(mm=18),
        c.Redirect(lateral_deg=20, cranial_deg=4),
        c.Advance(mm=60, twist=True, stop_on="loss_of_resistance"),
        c.RemoveNeedle(),
        c.SteriStrips(count=2),
        c.PressureDressing(),
    ):
        assert s.submit(cmd) is not None, (cmd, s.message)
    assert s.guide.current.id == "finish"
    key(app, pygame.K_e)
    key(app, pygame.K_y, frames=2)
    assert app.top.name == "tutorial_summary"
    assert any("All 11 steps done" in t for t in app.painter.texts())
    key(app, pygame.K_RETURN)
    assert app.top.name == "procedure" and app.top.mode.id == "practice"
    pygame.quit()


def test_assessment_only_its_scenarios_no_hints_one_attempt_locked(data_dir):
    with RecordStore.open(data_dir) as store:
        store.create_assessment(["obese-donor"], 90.0, 1, name="Spring check")
    app = make_app(data_dir=data_dir)
    run(app, 2)
    key(app, pygame.K_RIGHT)
    key(app, pygame.K_RIGHT)
    assert [e.scenario.id for e in app.top.entries] == ["obese-donor"]
    proc = start(app, 0)
    assert proc.mode.id == "assessment" and proc.session.recording is not None
    key(app, pygame.K_l)
    key(app, pygame.K_RETURN)
    texts = app.painter.texts()
    assert "safe zone" not in texts and "sciatic notch" not in texts  # no danger overlays
    key(app, pygame.K_TAB)
    run(app, 2)  # aimed straight down: practice would warn, assessment says nothing
    assert not any("Aim more laterally" in t for t in app.painter.texts())
    assert "ghost needle: the ideal track" not in app.painter.texts()
    key(app, pygame.K_e)
    key(app, pygame.K_y, frames=2)
    assert app.top.name == "debrief"
    stored = app.top.stored
    assert stored["status"] == "locked" and stored["minimum_passing"] == 90.0
    assert any("stored and locked" in t for t in app.painter.texts())
    assert not app.top.retry_btn.enabled
    key(app, pygame.K_RETURN)  # back to the launcher: no attempts left
    assert app.top.name == "launcher"
    app.top.name_entry.set_text("t-1")
    key(app, pygame.K_RIGHT)
    key(app, pygame.K_RIGHT)
    key(app, pygame.K_RETURN)
    assert app.top.name == "launcher" and "No attempts left" in app.top.notice
    app.records.close()
    with RecordStore.open(data_dir) as store:
        rows = store.attempts(trainee_id="t-1")
    assert [(r["mode"], r["status"]) for r in rows] == [("assessment", "locked")]
    pygame.quit()


def test_practice_records_as_it_goes_and_offers_retry(data_dir):
    app = make_app(data_dir=data_dir)
    proc = start(app, 0, trainee="nurse kim")
    key(app, pygame.K_l)
    key(app, pygame.K_RETURN)
    attempt_id = proc.session.recording.attempt_id
    with RecordStore.open(data_dir) as other:  # what a killed window would leave behind
        row = other.attempt(attempt_id)
        assert row["status"] == "incomplete" and row["trainee_id"] == "nurse-kim"
        assert len(other.commands(attempt_id)) == len(proc.session.attempt.log) >= 1
    key(app, pygame.K_e)
    key(app, pygame.K_y, frames=2)
    assert app.top.stored["status"] == "complete" and app.top.stored["mode"] == "practice"
    key(app, pygame.K_r)
    assert app.top.name == "procedure" and app.top.session.recording.attempt_id != attempt_id
    pygame.quit()


def test_debrief_expands_the_chosen_criterion_in_full(data_dir):
    app = make_app(data_dir=data_dir)
    start(app, 0)
    key(app, pygame.K_e)
    key(app, pygame.K_y, frames=2)
    view = app.top
    longest = max(range(len(view.criteria)), key=lambda i: len(view.criteria[i]["feedback"]))
    while view.selected != longest:
        key(app, pygame.K_DOWN)
    run(app)
    words = " ".join(view.criteria[longest]["feedback"].split())
    drawn = " ".join(app.painter.texts())
    assert words in drawn
    pygame.quit()


def test_damaged_records_database_is_one_line_in_the_launcher(tmp_path):
    (tmp_path / "marrowsim.db").write_bytes(b"this is not a database" * 100)
    app = make_app(data_dir=tmp_path)
    run(app, 2)
    key(app, pygame.K_RIGHT)
    key(app, pygame.K_RIGHT)  # assessment needs the records
    assert app.records.error.startswith("Records unavailable:")
    assert app.top.name == "launcher"
    pygame.quit()
