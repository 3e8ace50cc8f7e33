"""Headless screenshots of every screen, from a scripted attempt (``python -m sim screenshots``).

The script drives the real App with posted key events, exactly as a trainee at the keyboard
would, and saves the window (drawn at its own size, 1920x1080 unless told) after each step: a
practice attempt (01-13), the
instructor setting a passphrase and an assessment (14-16), an assessment attempt (17-19), the
tutorial (20-23), the instructor's cohort table, attempt list and an attempt's debrief
(24-26), and the nurse's station: post-procedure care (27-29), its nursing debrief (30) and the
next-day visit (31).  The records go to a fresh temporary folder unless ``data_dir`` is given.
"""

from __future__ import annotations

import os
from pathlib import Path

from sim import i18n
from sim.vocabulary.technique import Thresholds

STEP = 1.0 / 60.0
DEFAULT_SIZE = (1920, 1080)


def _post(pygame, key: int, mod: int = 0, up: bool = False) -> None:
    kind = pygame.KEYUP if up else pygame.KEYDOWN
    pygame.event.post(pygame.event.Event(kind, key=key, mod=mod, unicode=""))


PASSPHRASE = "screenshot-pass"


def parse_size(text: str) -> tuple[int, int]:
    """'1920x1080' as (1920, 1080)."""
    w, _x, h = text.lower().partition("x")
    try:
        size = (int(w), int(h))
    except ValueError:
        message = i18n._("a size is WIDTHxHEIGHT, such as 1920x1080, not {text!r}")
        raise ValueError(message.format(text=text)) from None
    if size[0] < 320 or size[1] < 240:
        raise ValueError(i18n._("{text!r} is too small a window").format(text=text))
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
    proc.session.submit(c.HepariniseSyringes())  # the kit is prepared before the first pull
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
    session.submit(c.HepariniseSyringes())
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
    session.submit(c.HepariniseSyringes())
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
    # The nurse's station: the recovery bay, the fever threshold asked, the nursing debrief,
    # the next-day visit (an early infection), all sent as a nurse presses the keys.
    app.seed = seed
    _nursing(app, pygame, key, shot, frames)
    app.records.close()
    pygame.quit()
    return written


#: Good post-procedure care for seed 1 (as tests/reference/post-procedure-care-expert.jsonl):
#: the screenshots send it through the care panel's keys, as a nurse would.
RECOVERY_CARE: tuple[dict, ...] = (
    {"do": "handover"},
    {"do": "time_out"},
    {"do": "recovery_observations"},
    *({"do": "apply_pressure", "site": i, "s": 120.0} for i in range(4)),
    {"do": "steri_strips", "count": 4},
    {"do": "pressure_dressing"},
    {"do": "position_donor", "position": "flat_legs_raised"},
    {"do": "recovery_observations"},
    {"do": "notify_anaesthetist"},
    {"do": "give_fluids"},
    {"do": "inspect_dressing"},
    {"do": "assess_pain"},
    {"do": "give_analgesia", "drug": "paracetamol"},
    {"do": "wait", "s": 515.0},
    {"do": "recovery_observations"},
    {"do": "wait", "s": 660.0},
    {"do": "recovery_observations"},
    {"do": "assess_pain"},
    {"do": "position_donor", "position": "supine"},
    {"do": "discharge_readiness"},
    *(
        {"do": "discharge_teaching", "items": [item]}
        for item in ("site_care", "signs_of_infection")
    ),
    {"do": "discharge_teaching", "items": ["fever_threshold"], "fever_threshold_c": 38.0},
    *(
        {"do": "discharge_teaching", "items": [item]}
        for item in ("when_to_call", "dressing_removal_next_day", "pain_relief", "activity")
    ),
    {"do": "document"},
    {"do": "discharge"},
)
#: The next-day visit (seed 3: early infection) up to the sites seen.
VISIT_CARE: tuple[dict, ...] = (
    {"do": "handover"},
    {"do": "ask_symptoms"},
    {"do": "recovery_observations"},
    {"do": "take_temperature"},
    {"do": "remove_dressing"},
    *({"do": "inspect_site", "site": i} for i in range(4)),
)


def _nursing(app, pygame, key, shot, frames) -> None:
    """27-31: the nursing screen and its debrief, driven by the care panel's keys."""
    digits = {str(i): getattr(pygame, f"K_{i}") for i in range(10)} | {".": pygame.K_PERIOD}

    def typed(value: float) -> None:
        for ch in f"{value:g}":
            key(digits[ch])
        key(pygame.K_RETURN)

    def send(view, cmd: dict, *, stop_at_value: bool = False) -> bool:
        if cmd["do"] == "wait":
            key(pygame.K_w)
            typed(round(cmd["s"] / 60.0, 1))
            return True
        group, action, option, value = view.menu.inputs_for(cmd)
        key(digits[str(group)])
        key(digits[str(action)])
        if option is not None:
            key(digits[str(option)])
        if value is not None:
            if stop_at_value:
                return False
            typed(value)
        return True

    def open_scenario(scenario_id: str):
        app.restart("launcher")
        frames(2)
        app.top.name_entry.set_text("nurse.kim")
        frames(1)
        ids = [e.scenario.id if e.scenario else None for e in app.top.entries]
        app.top.selected = ids.index(scenario_id)
        key(pygame.K_RETURN)
        key(pygame.K_RETURN)
        return app.top

    view = open_scenario("post-procedure-care")
    for i, cmd in enumerate(RECOVERY_CARE):
        if i == 5:  # two punctures pressed and strip-free, one under the gauze
            shot("27-nursing-haemostasis")
        if cmd["do"] == "notify_anaesthetist":
            frames(40)
            shot("28-nursing-hypotension")
        if not send(view, cmd, stop_at_value=cmd.get("fever_threshold_c") is not None):
            for ch in "38":
                key(digits[ch])
            shot("29-nursing-fever-threshold")
            key(pygame.K_PERIOD)
            key(digits["0"])
            key(pygame.K_RETURN)
    key(digits["5"])
    key(digits[str(len(view.menu.groups["document"]))])
    key(pygame.K_y, n=3)
    shot("30-nursing-debrief")
    app.seed = 3
    view = open_scenario("next-day-visit")
    for cmd in VISIT_CARE:
        send(view, cmd)
    frames(20)
    shot("31-nursing-next-day")


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
