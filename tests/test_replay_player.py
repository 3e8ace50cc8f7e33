"""The replay player: smooth motion between commands and a timeline the instructor can scrub."""

from __future__ import annotations

from sim.run.actions import read_actions
from sim.run.replay import replay
from sim.trainer.debrief import ReplayPlayer
from tests.helpers import attempt

EXPERT = "tests/reference/adult-standard-expert.jsonl"


def expert_attempt():
    return replay(attempt(), read_actions(EXPERT), where=EXPERT)


def test_seeking_anywhere_gives_the_state_a_straight_replay_reaches():
    src = expert_attempt()
    player = ReplayPlayer(src)
    times = [src.log[k]["t_s"] + 0.001 for k in (900, 10, 450, 1000, 3, 700)]
    for t in times:
        player.seek(t)
        straight = ReplayPlayer(src)
        straight.seek(t)
        assert player.index == straight.index
        assert player.attempt.sim.digest() == straight.attempt.sim.digest()
    player.seek(player.duration_s)
    assert player.done and player.attempt.sim.digest() == src.sim.digest()


def test_the_needle_moves_smoothly_through_a_command_instead_of_jumping():
    src = expert_attempt()
    player = ReplayPlayer(src)
    # The first needle advance: find it and watch the depth during its duration.
    k = next(i for i, e in enumerate(src.log) if e["cmd"]["do"] == "advance")
    t0 = src.log[k]["t_s"]
    player.seek(t0)
    depths = []
    for _ in range(30):
        player.tick(0.05 / player.speed)  # 50 ms of simulated time
        depths.append(player.display_needle().depth_mm)
    assert depths == sorted(depths)
    assert len({round(d, 3) for d in depths}) > 10  # many in-between positions, not one jump


def test_the_instructor_scrubs_the_replay_timeline_with_the_mouse_and_keys():
    import pygame

    from sim.trainer.session import Session
    from tests.ui.driver import make_app, run

    app = make_app()
    run(app, 2)
    src = expert_attempt()
    view = app.open("replay", session=Session(src, "t-1", "practice"))
    run(app, 2)
    assert any(t.endswith(f"of {int(src.sim.t_s) // 60}:{int(src.sim.t_s) % 60:02d}")
               for t in app.painter.texts())  # fmt: skip
    bar = view.timeline
    middle = app.viewport.to_px((bar.x + bar.width // 2, bar.centery))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=middle, button=1))
    run(app)
    assert app.top is view  # a click on the timeline scrubs; it does not close the replay
    assert abs(view.player.clock_s - src.sim.t_s / 2) < src.sim.t_s * 0.02
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=middle, button=1))
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_HOME, mod=0, unicode=""))
    run(app)
    assert view.player.clock_s < 1.0  # back at the start (and playing on)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_END, mod=0, unicode=""))
    run(app)
    assert view.player.done
    assert view.view_session.sim.digest() == src.sim.digest()
    pygame.quit()


def test_a_frame_applies_a_bounded_slice_of_commands_and_the_clock_waits_for_the_rest():
    """Issue 15: no frame re-simulates much; a long frame at 256x applies at most
    MAX_STEPS_PER_TICK commands and the replay catches up over the next frames."""
    src = expert_attempt()
    player = ReplayPlayer(src)
    player.speed_index = len(player.SPEEDS) - 1
    player.tick(60.0)  # a minute-long frame: 256 simulated minutes, hundreds of commands due
    assert player.last_tick_steps == player.MAX_STEPS_PER_TICK == player.index
    assert player.clock_s == src.log[player.index]["t_s"]  # it waits at the next command
    steps = []
    while not player.done:
        player.tick(1 / 60)
        steps.append(player.last_tick_steps)
    assert max(steps) <= player.MAX_STEPS_PER_TICK
    assert player.attempt.sim.digest() == src.sim.digest()


def test_a_snapshot_shares_what_never_changes_and_copies_the_rest():
    src = expert_attempt()
    player = ReplayPlayer(src)
    player.seek(src.log[player.SNAPSHOT_EVERY * 2]["t_s"])
    snap = player._snapshots[player.SNAPSHOT_EVERY * 2]
    live = player.attempt
    assert snap is not live and snap.sim is not live.sim
    assert snap.sim.events is not live.sim.events and snap.sim.events[0] is live.sim.events[0]
    assert snap.log is not live.log and snap.log[0] is live.log[0]
    for side, field in live.sim.fields.items():
        assert snap.sim.fields[side].fresh is field.fresh  # replaced, never changed in place
        # the level is shared until one of them changes it (copy on write)
        assert snap.sim.fields[side]._level_shared
    before = snap.sim.digest()
    player.seek(player.duration_s)  # the live replay goes on; the snapshot stays as it was
    assert snap.sim.digest() == before


def test_a_fast_replay_shows_the_back_and_paints_no_sections_until_paused():
    """Issue 15: at 64x and 256x the aim changes every few frames and a section costs tens of
    ms to paint, so a playing fast replay shows the back; paused, the section is painted."""
    import pygame

    from sim.trainer.session import Session
    from tests.ui.driver import make_app, run

    app = make_app()
    run(app, 2)
    src = expert_attempt()
    view = app.open("replay", session=Session(src, "t-1", "practice"))
    k = next(i for i, e in enumerate(src.log) if e["cmd"]["do"] == "advance")
    view.player.seek(src.log[k + 40]["t_s"])
    assert view.player.attempt.sim.needle.inserted
    view.player.speed_index = view.player.SPEEDS.index(256.0)
    painted = view.needle.cache._sections
    painted.clear()
    for _ in range(60):
        app.invalidate()
        run(app, 1)
    assert view.player.index > k + 40 and not painted  # played on; no section painted
    view.player.paused = True
    app.invalidate()
    run(app, 1)
    if view.player.attempt.sim.needle.inserted:
        assert len(painted) == 1
    pygame.quit()
