"""Idle costs nothing: a frame draws only when something changed (no timing asserted here).

The CPU figures are measured in bench/ui_bench.py; these tests check the behaviour behind them:
idle frames on a screen at rest draw nothing, input draws once, a push draws every frame, the
needle view at rest draws once per displayed second, and the run loop polls slowly while idle
yet keeps the simulated clock on the wall clock.
"""

from __future__ import annotations

import pygame

from sim.ui import app as app_module
from sim.vocabulary import commands as c
from tests.ui.driver import key, make_app, run


def to_needle_view(app):
    """Launcher → briefing → procedure; one site marked; the needle view, needle out."""
    run(app, 2)
    key(app, pygame.K_RETURN)
    key(app, pygame.K_RETURN)
    proc = app.top
    assert proc.name == "procedure"
    proc.session.submit(c.MarkSite(landmark="left_psis"))
    key(app, pygame.K_TAB)
    assert proc.sub == "needle"
    return proc


def test_idle_launcher_draws_once_and_a_key_press_draws_once_more():
    app = make_app()
    run(app)
    assert app.redraws == 1
    run(app, 120)  # two seconds of nothing
    assert app.redraws == 1 and app.frames == 121
    key(app, pygame.K_DOWN)
    assert app.redraws == 2
    assert any(t[0] == "text" for t in app.painter.transcript)  # the picture is still there
    run(app, 60)
    assert app.redraws == 2
    key(app, pygame.K_RIGHT)  # another mode: drawn
    assert app.redraws == 3
    pygame.quit()


def test_briefing_and_debrief_at_rest_draw_nothing():
    app = make_app()
    run(app, 2)
    key(app, pygame.K_RETURN)
    assert app.top.name == "briefing"
    before = app.redraws
    run(app, 90)
    assert app.redraws == before
    key(app, pygame.K_RETURN)
    key(app, pygame.K_e)
    key(app, pygame.K_y, frames=2)
    assert app.top.name == "debrief"
    before = app.redraws
    run(app, 90)
    assert app.redraws == before
    pygame.quit()


def test_needle_view_at_rest_draws_once_a_second_and_the_clock_keeps_time():
    app = make_app()
    proc = to_needle_view(app)
    run(app, 2)
    t0, before = proc.session.clock_s, app.redraws
    run(app, 180)  # three seconds at rest: the clock shows three new seconds
    assert 2 <= app.redraws - before <= 3  # (the third may fall just after the run)
    assert abs(proc.session.clock_s - t0 - 3.0) < 1e-6
    assert any(e["cmd"]["do"] == "wait" for e in proc.session.attempt.log)  # idle recorded
    pygame.quit()


def test_a_push_draws_every_frame_and_stops_once_the_hand_lets_go():
    app = make_app()
    proc = to_needle_view(app)
    key(app, pygame.K_RETURN)  # insert
    assert proc.session.sim.needle.inserted
    run(app, 2)
    before = app.redraws
    key(app, pygame.K_SPACE)
    run(app, 29)
    assert app.redraws - before == 30  # every frame while pushing
    assert proc.session.sim.needle.depth_mm > 0
    key(app, pygame.K_SPACE, up=True)
    run(app, 120)  # the force eases off, then nothing moves
    assert proc.hand.force_n == 0
    settled = app.redraws
    run(app, 50)
    assert app.redraws - settled <= 1  # at most the clock's next second
    pygame.quit()


def test_an_overlay_over_a_pushing_hand_does_not_keep_drawing():
    app = make_app()
    proc = to_needle_view(app)
    key(app, pygame.K_RETURN)
    key(app, pygame.K_SPACE, frames=10)
    assert proc.hand.force_n > 0
    key(app, pygame.K_ESCAPE)  # pause: the procedure is frozen under it
    assert app.top.name == "pause"
    before = app.redraws
    run(app, 60)
    assert app.redraws == before
    pygame.quit()


def test_invalidate_draws_the_next_frame():
    app = make_app()
    run(app, 2)
    before = app.redraws
    app.invalidate()
    run(app, 3)
    assert app.redraws == before + 1
    pygame.quit()


class FakeClock:
    """pygame.time.Clock with a wall clock of its own: each tick waits 1/fps seconds."""

    def __init__(self) -> None:
        self.now = 100.0
        self.rates: list[int] = []

    def tick(self, fps: int) -> int:
        self.rates.append(fps)
        self.now += 1.0 / fps
        return round(1000 / fps)

    def wall(self) -> float:
        return self.now


def test_run_loop_polls_slowly_when_idle_and_keeps_the_simulated_clock_on_the_wall_clock():
    app = make_app()
    proc = to_needle_view(app)
    run(app, 2)
    clock = FakeClock()
    t0, frames0, redraws0 = proc.session.clock_s, app.frames, app.redraws
    app.loop(max_s=10.0, clock=clock, wall=clock.wall)
    wall_s = clock.now - 100.0
    assert abs(proc.session.clock_s - t0 - wall_s) < 0.05  # the clock followed the wall
    idle = clock.rates.count(app_module.IDLE_FPS)
    assert idle > 0.9 * (app.frames - frames0)  # mostly slow polling
    assert app.redraws - redraws0 <= 2 * 10 + 1  # each new second, and the frame after it
    # Holding Space: every frame draws, and the loop runs at full rate.
    key(app, pygame.K_RETURN)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE, mod=0, unicode=""))
    clock.rates.clear()
    app.loop(max_frames=app.frames + 60, clock=clock, wall=clock.wall)
    assert clock.rates[2:].count(app_module.FPS) == len(clock.rates) - 2
    pygame.quit()


def test_the_idle_benchmark_reports_every_screen_and_the_push():
    from bench import ui_bench

    got = ui_bench.idle_screens(seconds=0.2, repeats=1, push_s=0.3)
    names = [r["screen"] for r in got["screens"]]
    assert names[0] == "launcher" and names[1] == "briefing" and names[-1] == "debrief"
    assert any(n.startswith("needle view at rest") for n in names)
    rows = ui_bench.idle_figures(got)
    assert len(rows) == len(names) + 1
    for row in rows:
        assert set(row) == {"figure", "target", "measured", "pass"}
    assert got["push"]["redraws"] >= got["push"]["frames"] - 1  # every push frame drew


def test_a_clock_second_at_rest_updates_only_the_top_bar(monkeypatch):
    """At rest in the needle view the clock's new second is shown by updating the top bar, not
    by flipping the whole window (the costliest part of an idle second at 1920x1080)."""
    app = make_app()
    proc = to_needle_view(app)
    run(app, 2)
    updates: list = []
    monkeypatch.setattr(pygame.display, "update", lambda rect=None: updates.append(rect))
    monkeypatch.setattr(pygame.display, "flip", lambda: updates.append("flip"))
    run(app, 130)  # two new seconds at rest
    assert updates and "flip" not in updates
    hud = app.viewport.to_px(proc.lay.hud.bottomright)
    assert all(r.bottom <= hud[1] + 2 for r in updates)
    pygame.quit()
