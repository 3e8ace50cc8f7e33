"""Drawing benchmark: the needle view's push frame at 1280x720 and 1920x1080, and the cached
pictures' first draws.

    python -m bench.draw_bench

The needle panel is drawn at each size with its rects scaled from the 1280x720 layout (as a
native-resolution window gives it more pixels), while a live session pushes the needle with
twist from the skin through the cortex to the give and on into the marrow, one 1/60 s step a
frame, the gauge, trace and jolt animating.  Per frame it times the section's blit, the needle
(supersampled), the labels, the side panel and the push itself, in CPU time (``process_time``)
and wall time.  Target: p99 <= 8 ms at 1920x1080.  Also timed: the first section (textures
made), a section for a new aim (textures cached) and the draped back (software rendering,
dummy SDL drivers).
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

STEP = 1.0 / 60.0
SIZES = ((1280, 720), (1920, 1080))


def _stats(ms: list[float]) -> dict[str, float]:
    s = sorted(ms)
    return {
        "n": len(s),
        "min": round(s[0], 3),
        "median": round(statistics.median(s), 3),
        "p99": round(s[min(len(s) - 1, int(0.99 * len(s)))], 3),
        "max": round(s[-1], 3),
    }


def _scaled(rect, k: float):
    import pygame

    return pygame.Rect(round(rect.x * k), round(rect.y * k), round(rect.w * k), round(rect.h * k))


def push_frames(size: tuple[int, int], frames: int = 900) -> dict:
    import pygame

    from sim.run.attempt import Attempt
    from sim.scenario import resolve_scenario
    from sim.trainer.session import Session
    from sim.ui import theme
    from sim.ui.render import Fonts, Painter
    from sim.ui.screens import dorsal, needle
    from sim.vocabulary import commands as c

    k = size[0] / 1280.0
    screen = pygame.display.set_mode(size)
    surf = pygame.Surface(size).convert()
    p = Painter(surf, Fonts())
    session = Session(Attempt(resolve_scenario("adult-standard"), 1))
    sim = session.sim
    panel = needle.NeedlePanel(
        sim.anatomy,
        True,
        sim.motion.length_mm,
        area=_scaled(needle.AREA, k),
        side=_scaled(needle.SIDE, k),
    )
    session.listeners.append(panel.on_events)
    session.submit(c.MarkSite(landmark="left_psis"))
    site = sim.sites[0]
    t = time.process_time()
    panel.section_for(site, 24.0, 0.0)
    first_section = (time.process_time() - t) * 1000
    t = time.process_time()
    panel.section_for(site, 26.0, 0.0)
    new_aim = (time.process_time() - t) * 1000
    session.submit(c.Insert(site=0, lateral_deg=24.0))
    back = dorsal.DorsalPanel(sim.anatomy, 4, True, area=_scaled(dorsal.AREA, k))
    t = time.process_time()
    back.draw(p, sim.sites, 0, {}, events=sim.events)
    first_back = (time.process_time() - t) * 1000
    cpu: list[float] = []
    wall: list[float] = []
    force = 0.0
    gave_at = None
    for i in range(frames):
        n = session.needle
        if gave_at is None and any(e["type"] == "loss_of_resistance" for e in sim.events):
            gave_at = i
        pushing = gave_at is None or i - gave_at < 20  # let go a third of a second after
        force = min(450.0, force + 200.0 * STEP) if pushing else max(0.0, force - 900 * STEP)
        c0, w0 = time.process_time(), time.perf_counter()
        panel.tick(STEP)
        session.push(force, True, STEP)
        n = session.needle
        layer = sim.mechanics.layer(n.tissue, True)
        p.fill(theme.BG)
        panel.draw_section(p, site, n, (24.0, 0.0), (0, 0), 0.0)
        panel.draw_side(
            p,
            site=site,
            needle=n,
            aim=(24.0, 0.0),
            force_n=force,
            resistance_n=layer.resistance_n,
            speed_mm_s=layer.speed_mm_s(force),
            pull_ml=5.0,
            last_pull=None,
            twist=True,
        )
        screen.blit(surf, (0, 0))
        pygame.display.flip()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
        pygame.event.pump()
    return {
        "size": f"{size[0]}x{size[1]}",
        "section_px": list(panel.area.size),
        "gave_at_frame": gave_at,
        "tip_tissue_at_end": session.needle.tissue.value,
        "push_frame_cpu_ms": _stats(cpu[30:]),
        "push_frame_wall_ms": _stats(wall[30:]),
        "first_section_ms": round(first_section, 1),
        "new_aim_section_ms": round(new_aim, 1),
        "first_back_ms": round(first_back, 1),
    }


def run() -> dict:
    import pygame

    pygame.init()
    try:
        return {f"{w}x{h}": push_frames((w, h)) for w, h in SIZES}
    finally:
        pygame.quit()


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
