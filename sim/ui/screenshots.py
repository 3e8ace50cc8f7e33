"""Headless screenshots of every screen, from a scripted attempt (``python -m sim screenshots``).

The script drives the real App with posted key events, exactly as a trainee at the keyboard
would, and saves the window (drawn at its own size, 1920x1080 unless told) after each step: a
practice attempt (01-13), the
instructor setting a passphrase and an assessment (14-16), an assessment attempt (17-19), the
tutorial (20-23) and the instructor's cohort table, attempt list and an attempt's debrief
(24-26).  The records go to a fresh temporary folder unless ``data_dir`` is given.
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.vocabulary.technique import Thresholds

STEP = 1.0 / 60.0
DEFAULT_SIZE = (1920, 1080)


def _post(pygame, key: int, mod: int = 0, up: bool = False) -> None:
    kind = pygame.KEYUP if up else pygame.KEYDOWN
    pygame.event.post(pygame.event.Event(kind, key=key, mod=mod, unicode=""))


PASSPHRASE = "screenshot-pass"


def parse_size(text: str) -> tuple[int, int]:
    """'1920x1080' as (1920, 1080)."""
    w, _, h = text.lower().partition("x")
    try:
        size = (int(w), int(h))
    except ValueError:
        raise ValueError(f"a size is WIDTHxHEIGHT, such as 1920x1080, not {text!r}") from None
    if size[0] < 320 or size[1] < 240:
        raise ValueError(f"{text!r} is too small a window")
    return size


def render_all(
    out_dir: Path | str,
    seed: int = 1,
    data_dir: Path | None = None,
    size: tuple[int, int] = DEFAULT_SIZE,
) -> list[Path]:
    """Render each screen to ``out_dir`` in a window of ``size`` pixels; returns the files
    written."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import tempfile

    import pygame

    from sim.model.tissue import Tissue
    from sim.ui.app import App
    from sim.vocabulary import commands as c

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    records = data_dir or Path(tempfile.mkdtemp(prefix="marrowsim-shots-"))
    if data_dir is None:  # the demo instructor's key goes beside the throwaway records, never
        # into the machine's site configuration (authority.key_path)
        key_dir = Path(tempfile.mkdtemp(prefix="marrowsim-shots-key-"))
        os.environ["MARROWSIM_INSTRUCTOR_KEY"] = str(key_dir / "instructor-key.json")
    app = App(window_size=size, seed=seed, sound=False, data_dir=records)
    written: list[Path] = []

    def frames(n: int = 1) -> None:
        for _ in range(n):
            app.frame(STEP)

    def shot(name: str) -> None:
        app.invalidate()  # the script sets some state directly, not through input
        frames(1)
        path = out / f"{name}.png"
        pygame.image.save(app.window, str(path))
        written.append(path)

    def key(k: int, mod: int = 0, n: int = 1) -> None:
        _post(pygame, k, mod)
        frames(n)

    def tap(k: int, n: int = 1) -> None:
        """Press and let go (a held pull key repeats pulls, as a practised hand does)."""
        _post(pygame, k)
        frames(1)
        _post(pygame, k, up=True)
        frames(n)

    frames(2)
    app.top.name_entry.set_text("nurse.kim")
    frames(1)
    shot("01-launcher")
    key(pygame.K_RETURN)
    shot("02-briefing")
    key(pygame.K_RETURN)
    proc = app.top
    d = proc.dorsal
    for side, lat, cra in (("left", 2.0, 4.0), ("right", 4.0, 6.0)):
        d.cursor_mm = d.anatomy.to_dorsal(side, lat, cra)
        key(pygame.K_RETURN)
    d.cursor_mm = d.anatomy.to_dorsal("left", 30.0, -30.0)
    pygame.event.post(
        pygame.event.Event(
            pygame.MOUSEMOTION,
            pos=app.painter.px(d.camera.to_px(*d.map.psis["right"])),
            rel=(0, 0),
            buttons=(0, 0, 0),
        )
    )
    shot("03-dorsal-view")
    key(pygame.K_1)
    key(pygame.K_TAB)
    for _ in range(12):
        key(pygame.K_RIGHT)
    shot("04-needle-aim")
    key(pygame.K_RETURN)
    _post(pygame, pygame.K_SPACE)
    session = proc.session
    for _ in range(600):
        frames(1)
        if session.needle.tissue.is_cortex and proc.hand.force_n > 150:
            break
    _post(pygame, pygame.K_LSHIFT)
    frames(20)
    shot("05-needle-cortex")
    for _ in range(600):
        frames(1)
        if session.sim.bone_penetrations:
            break
    _post(pygame, pygame.K_SPACE, up=True)
    frames(2)
    shot("06-needle-loss-of-resistance")
    _post(pygame, pygame.K_LSHIFT, up=True)
    frames(30)
    key(pygame.K_s)
    tap(pygame.K_a, n=10)
    key(pygame.K_r)
    key(pygame.K_RIGHTBRACKET, n=1)
    key(pygame.K_RIGHTBRACKET, n=1)
    tap(pygame.K_a, n=50)  # the syringe fills over the pull
    shot("07-needle-aspiration")
    key(pygame.K_F1)
    shot("08-help")
    key(pygame.K_ESCAPE)
    key(pygame.K_ESCAPE)
    shot("09-pause")
    key(pygame.K_ESCAPE)
    # A longer harvest, scripted through the same session (as the hand would do it).
    key(pygame.K_LEFTBRACKET)
    key(pygame.K_LEFTBRACKET)
    harvest(session, c, Tissue, frames)
    key(pygame.K_e)
    shot("10-confirm-end")
    key(pygame.K_y, n=2)
    shot("11-debrief")
    key(pygame.K_p)
    app.top.player.clock_s = session.sim.t_s * 0.4
    frames(2)
    shot("12-replay")
    key(pygame.K_ESCAPE)
    key(pygame.K_DOWN)
    key(pygame.K_DOWN)
    shot("13-debrief-criterion")
    # The instructor: a passphrase for the new station, then an assessment.
    key(pygame.K_RETURN)
    key(pygame.K_F2)
    for entry in app.top.entries:
        entry.set_text(PASSPHRASE)
    shot("14-instructor-set-passphrase")
    app.top.submit()
    key(pygame.K_3)
    setup = app.top.setup
    for i, sc in enumerate(setup.scenarios):
        if sc.id in ("adult-standard", "obese-donor", "older-donor"):
            setup.toggle(i)
    setup.row = len(setup.scenarios) + 2
    key(pygame.K_RETURN)
    shot("15-instructor-assessment")
    key(pygame.K_ESCAPE)
    key(pygame.K_F2)
    app.top.entries[0].set_text("not-the-passphrase")
    app.top.submit()
    shot("16-instructor-login-refused")
    key(pygame.K_ESCAPE)
    # An assessment attempt: only the assessment's scenarios, no hints.
    app.top.name_entry.set_text("nurse.kim")
    key(pygame.K_RIGHT)
    key(pygame.K_RIGHT)
    shot("17-assessment-launcher")
    key(pygame.K_RETURN)
    key(pygame.K_RETURN)
    proc = app.top
    session = proc.session
    d = proc.dorsal
    for side, lat, cra in (("left", 2.0, 4.0), ("right", 4.0, 6.0)):
        d.cursor_mm = d.anatomy.to_dorsal(side, lat, cra)
        key(pygame.K_RETURN)
    key(pygame.K_1)
    key(pygame.K_TAB)
    for _ in range(10):
        key(pygame.K_RIGHT)
    key(pygame.K_RETURN)
    session.submit(c.Advance(mm=60, twist=True, stop_on="loss_of_resistance"))
    key(pygame.K_s)
    tap(pygame.K_a, n=10)
    tap(pygame.K_a, n=50)
    shot("18-assessment-needle")
    harvest(session, c, Tissue, frames, passes=6)
    key(pygame.K_e)
    key(pygame.K_y, n=2)
    shot("19-assessment-debrief")
    # The tutorial.
    key(pygame.K_RETURN)
    app.top.name_entry.set_text("nurse.kim")
    key(pygame.K_RIGHT)
    key(pygame.K_RETURN)
    key(pygame.K_RETURN)
    proc = app.top
    session = proc.session
    session.submit(c.TimeOut())
    frames(2)
    key(pygame.K_l)
    key(pygame.K_RETURN)
    shot("20-tutorial-step")
    key(pygame.K_TAB)
    key(pygame.K_RETURN)  # insert before the second site is marked: refused with the hint
    shot("21-tutorial-refused")
    key(pygame.K_d)
    key(pygame.K_r)
    key(pygame.K_RETURN)
    key(pygame.K_1)
    key(pygame.K_TAB)
    for _ in range(8):
        key(pygame.K_RIGHT)
    for _ in range(3):
        key(pygame.K_UP)
    frames(200)
    shot("22-tutorial-ghost")
    for _ in range(4):
        key(pygame.K_RIGHT)
    for _ in range(2):
        key(pygame.K_UP)
    key(pygame.K_RETURN)
    for cmd in (
        c.Advance(mm=60, twist=True, stop_on="loss_of_resistance"),
        c.RemoveStylet(),
        c.Aspirate(ml=4.0),
        c.Rotate(deg=90),
        c.Aspirate(ml=4.0),
        c.ReplaceStylet(),
        c.Withdraw(mm=18.0),
        c.Redirect(lateral_deg=20.0, cranial_deg=4.0),
        c.Advance(mm=60, twist=True, stop_on="loss_of_resistance"),
        c.RemoveNeedle(),
        c.SteriStrips(count=2),
        c.PressureDressing(),
    ):
        session.submit(cmd)
    key(pygame.K_e)
    key(pygame.K_y, n=2)
    shot("23-tutorial-summary")
    # The instructor again: the cohort, every attempt, one attempt's debrief.
    key(pygame.K_ESCAPE)
    key(pygame.K_F2)
    app.top.entries[0].set_text(PASSPHRASE)
    app.top.submit()
    frames(1)
    shot("24-instructor-cohort")
    key(pygame.K_2)
    shot("25-instructor-attempts")
    key(pygame.K_DOWN)
    key(pygame.K_RETURN)
    shot("26-instructor-debrief")
    app.records.close()
    pygame.quit()
    return written


def harvest(session, c, Tissue, frames, passes: int = 12) -> None:  # noqa: N803
    """Many passes at both sites, scripted through the session as the hand would do them."""
    for site in (0, 1):
        if session.sim.needle.inserted:
            session.submit(c.RemoveNeedle())
        ideal = Thresholds().ideal_lateral_deg
        session.submit(c.Insert(site=site, lateral_deg=ideal))
        for k in range(passes):
            lat = (ideal - 6.0, ideal, ideal + 6.0)[k % 3]
            n = session.sim.needle
            if k:
                if not n.stylet_in:
                    session.submit(c.ReplaceStylet())
                cortex = n.profile.first(Tissue.OUTER_CORTEX)
                back = n.depth_mm - (cortex.start_mm - 3.0 if cortex else 20.0)
                if back > 0:
                    session.submit(c.Withdraw(mm=round(back, 2)))
                session.submit(c.Redirect(lateral_deg=lat, cranial_deg=(k % 4) * 2.0))
                session.submit(c.Advance(mm=60, twist=True, stop_on="loss_of_resistance"))
                session.submit(c.RemoveStylet())
            for _pull in range(2):
                session.submit(c.Aspirate(ml=5.0 if k % 5 else 10.0))
                session.submit(c.Rotate(deg=90))
            frames(1)
