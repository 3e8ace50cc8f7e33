"""The trainer driven headless with posted events: launcher to debrief, screens drawn."""

from __future__ import annotations

import pygame
import pytest

from sim.run.actions import command_from_obj
from sim.run.attempt import Attempt
from tests.ui.driver import click, key, make_app, run


@pytest.fixture
def app():
    a = make_app()
    yield a
    pygame.quit()


def drive_to_procedure(app):
    run(app, 2)
    assert app.top.name == "launcher"
    assert "Standard adult harvest" in app.painter.texts()
    key(app, pygame.K_RETURN)
    assert app.top.name == "briefing"
    assert any("1050 mL" in t for t in app.painter.texts())
    key(app, pygame.K_RETURN)
    assert app.top.name == "procedure"
    return app.top


def test_full_session_with_keyboard(app):
    proc = drive_to_procedure(app)
    sim = proc.session.sim
    # Mark two sites: keyboard cursor on the left PSIS, then a click over the right one.
    key(app, pygame.K_l)
    key(app, pygame.K_RETURN)
    pos = proc.dorsal.camera.to_px(*proc.dorsal.map.psis["right"])
    pygame.event.post(
        pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
    )
    run(app)
    assert any("Bony prominence felt" in t for t in app.painter.texts())
    click(app, pos)
    assert [s.landmark for s in sim.sites] == ["left_psis", "right_psis"]
    assert all(e["zone"] == "safe" for e in sim.events if e["type"] == "site_marked")
    # Needle view: aim 24 degrees lateral and insert at site 1.
    key(app, pygame.K_1)
    key(app, pygame.K_TAB)
    assert proc.sub == "needle"
    for _ in range(12):
        key(app, pygame.K_RIGHT)
    key(app, pygame.K_RETURN)
    assert sim.needle.inserted and sim.needle.lateral_deg == 24.0
    # Push with twist until the give, then let go.
    key(app, pygame.K_LSHIFT)
    key(app, pygame.K_SPACE)
    for _ in range(900):
        run(app)
        if sim.bone_penetrations:
            break
    assert sim.bone_penetrations == 1
    assert proc.effects.flash > 0  # the visible 'give'
    key(app, pygame.K_SPACE, up=True)
    key(app, pygame.K_LSHIFT, up=True, frames=20)
    assert sim.needle.tissue.value == "marrow"
    assert "marrow cavity" in app.painter.texts()
    # Stylet out, two pulls with a rotation between.
    key(app, pygame.K_s)
    key(app, pygame.K_a)
    key(app, pygame.K_a, up=True)
    key(app, pygame.K_r)
    key(app, pygame.K_a)
    key(app, pygame.K_a, up=True)
    assert sim.aspirations == 2 and sim.bag.volume_ml == 10.0
    # Section drawn: the main area is not blank.
    area = app.painter.px_rect(proc.lay.area)
    px = pygame.surfarray.array3d(app.window)[area.left : area.right, area.top : area.bottom]
    assert px.std() > 20
    # Help and pause freeze the clock.
    key(app, pygame.K_F1)
    assert app.top.name == "help"
    t = proc.session.clock_s
    run(app, 30)
    assert proc.session.clock_s == t
    key(app, pygame.K_ESCAPE)
    key(app, pygame.K_ESCAPE)
    assert app.top.name == "pause"
    key(app, pygame.K_ESCAPE)
    # End, confirm, debrief.
    key(app, pygame.K_e)
    assert app.top.name == "confirm"
    key(app, pygame.K_y, frames=2)
    assert app.top.name == "debrief"
    assert proc.session.ended
    texts = app.painter.texts()
    assert "Needle depth over time" in texts
    # Replay from the command log.
    key(app, pygame.K_p)
    assert app.top.name == "replay"
    app.top.player.faster(+2)
    run(app, 200)
    key(app, pygame.K_ESCAPE)
    assert app.top.name == "debrief"


def test_ui_log_replays_headless_to_the_same_digest_and_score(app):
    proc = drive_to_procedure(app)
    key(app, pygame.K_l)
    key(app, pygame.K_RETURN)
    key(app, pygame.K_TAB)
    for _ in range(12):
        key(app, pygame.K_RIGHT)
    key(app, pygame.K_RETURN)
    key(app, pygame.K_SPACE, mod=pygame.KMOD_SHIFT)
    for _ in range(900):
        run(app)
        if proc.session.sim.bone_penetrations:
            break
    key(app, pygame.K_SPACE, up=True, frames=30)
    key(app, pygame.K_s)
    key(app, pygame.K_a)
    key(app, pygame.K_e)
    key(app, pygame.K_y, frames=2)
    live = proc.session.attempt
    again = Attempt(live.scenario, live.seed)
    for entry in live.log:
        again.apply(command_from_obj(entry["cmd"], path="ui", line=0))
    assert again.sim.digest() == live.sim.digest()
    assert again.result()["metrics"] == live.result()["metrics"]
    try:
        from sim.scoring import score_attempt
    except ImportError:
        return
    assert score_attempt(again) == score_attempt(live)


def test_ctrl_q_asks_only_during_an_attempt(app):
    run(app)
    key(app, pygame.K_q, mod=pygame.KMOD_CTRL)
    assert not app.running
    other = make_app()
    drive_to_procedure(other)
    key(other, pygame.K_q, mod=pygame.KMOD_CTRL)
    assert other.running and other.top.name == "confirm"
    key(other, pygame.K_n)
    assert other.top.name == "procedure"


def test_window_resize_relayouts_at_native_size_and_maps_the_mouse(app):
    run(app)
    launcher = app.top
    app.resize((1920, 1080))
    run(app)
    assert app.window.get_size() == (1920, 1080) and app.painter.scale == 1.5
    assert app.canvas_size == (1280, 720)  # 720 units tall, as wide as the aspect
    # pygame_gui's elements follow, in window pixels.
    assert launcher.name_entry.get_abs_rect() == app.painter.px_rect(launcher.name_rect)
    # A click in window pixels reaches the view in layout units.
    centre = app.painter.px(launcher.mode_buttons[1].rect.center)
    click(app, centre)
    assert launcher.mode.id == "tutorial"
    # A wider aspect widens the canvas and the panels reflow; a narrow one keeps 720 units.
    app.resize((2560, 1080))
    run(app)
    assert app.canvas_size[0] > 1700 and launcher.details.right == app.canvas_size[0] - 40
    app.resize((1024, 600))
    run(app)
    assert app.canvas_size == (1228, 720)


def test_f11_returns_to_the_previous_window_size(app):
    run(app)
    app.resize((1500, 900))
    key(app, pygame.K_F11)
    assert app.fullscreen
    key(app, pygame.K_F11)
    assert not app.fullscreen and app.window.get_size() == (1500, 900)
    assert app.painter.scale == 900 / 720


def test_broken_scenario_is_listed_with_its_error(tmp_path):
    (tmp_path / "good.toml").write_text(
        (
            __import__("sim.scenario.loader", fromlist=["x"]).SCENARIO_DIR / "adult-standard.toml"
        ).read_text()
    )
    (tmp_path / "broken.toml").write_text('id = "broken"\ntitle = 3\n')
    a = make_app(scenario_dir=tmp_path)
    run(a, 2)
    texts = a.painter.texts()
    assert any("broken.toml" in t for t in texts)
    key(a, pygame.K_UP)
    key(a, pygame.K_RETURN)
    assert a.top.name == "launcher"
    pygame.quit()
