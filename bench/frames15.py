"""Frame CPU time of every trainer view at 1920x1080 (issue 15), in a process of its own.

``python -m bench.frames15`` prints one JSON object.  SDL dummy drivers; the real App at
1920x1080.  Each view is reached the way a user reaches it (keys posted to the App) and timed
for ``FRAMES`` frames after ``WARMUP`` frames: every frame is a full redraw (``invalidate``:
the worst case; at rest the App draws nothing), timed with ``time.process_time`` (CPU) and
``perf_counter`` (wall).  Views: launcher, briefing, dorsal (marking sites), needle view during
a held push, debrief of the expert harvest, replay at 16x and 256x, and the instructor's cohort
table of 200 trainees (a generated store of 2,000 attempts).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

STEP = 1.0 / 60.0
FRAMES, WARMUP = 240, 20
SIZE = (1920, 1080)
PASSPHRASE = "bench passphrase 15"
ROOT = Path(__file__).resolve().parents[1]
EXPERT = ROOT / "tests" / "reference" / "adult-standard-expert.jsonl"


def _stats(values: list[float]) -> dict:
    s = sorted(values)
    n = len(s)
    return {
        "n": n,
        "min": round(s[0], 3),
        "median": round(s[n // 2], 3),
        "p99": round(s[min(n - 1, int(0.99 * n))], 3),
        "max": round(s[-1], 3),
    }


def time_view(app, frames: int = FRAMES, warmup: int = WARMUP, before=None) -> dict:
    import pygame

    cpu, wall = [], []
    for i in range(warmup + frames):
        if before is not None:
            before()
        app.invalidate()
        c0, w0 = time.process_time(), time.perf_counter()
        app.frame(STEP)
        c1, w1 = time.process_time(), time.perf_counter()
        pygame.event.pump()
        if i >= warmup:
            cpu.append((c1 - c0) * 1000.0)
            wall.append((w1 - w0) * 1000.0)
    return {"cpu_ms": _stats(cpu), "wall_ms": _stats(wall), "view": app.top.name}


def _cohort_store(data: Path) -> None:
    from bench.records_scale import generate
    from sim.records.store import RecordStore

    generate(data, attempts=2_000)  # 200 trainees x 10 attempts, all in cohort-000
    with RecordStore.open(data) as store:
        store.set_passphrase(PASSPHRASE)


def run() -> dict:
    import pygame

    from sim.run.actions import read_actions
    from sim.ui.app import App

    out: dict = {}
    data = Path(tempfile.mkdtemp(prefix="marrowsim-frames-"))
    # the instructor key of this throw-away station, not the site-wide one (outside the data)
    key_dir = Path(tempfile.mkdtemp(prefix="marrowsim-frames-key-"))
    os.environ["MARROWSIM_INSTRUCTOR_KEY"] = str(key_dir / "instructor-key.json")
    t0 = time.perf_counter()
    _cohort_store(data)
    out["cohort_store_s"] = round(time.perf_counter() - t0, 1)
    app = App(seed=1, sound=False, window_size=SIZE, data_dir=data)

    def key(k, frames=2, mod=0):
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=""))
        for _ in range(frames):
            app.frame(STEP)
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=mod, unicode=""))
        app.frame(STEP)

    views = {}
    views["launcher"] = time_view(app)
    key(pygame.K_RETURN)
    views["briefing"] = time_view(app)
    key(pygame.K_RETURN)
    proc = app.top
    views["dorsal (marking sites)"] = time_view(app)
    from sim.vocabulary import commands as c

    proc.session.submit(c.MarkSite(landmark="left_psis"))
    proc.session.submit(c.MarkSite(landmark="right_psis"))
    key(pygame.K_TAB)
    proc.hand.lateral_deg = 24.0
    key(pygame.K_RETURN)  # insert

    def push():
        proc.shift = True
        proc.push_key = True

    views["needle view, held push"] = time_view(app, before=push)
    proc.push_key = proc.shift = False
    # The expert harvest through a fresh session, then its debrief and replay.
    key(pygame.K_e)
    key(pygame.K_y)
    key(pygame.K_RETURN)
    key(pygame.K_RETURN)
    key(pygame.K_RETURN)
    proc = app.top
    for _line, cmd in read_actions(EXPERT):
        if cmd.do == "end":
            break
        proc.session.submit(cmd)
    proc.end()
    for _ in range(3):
        app.frame(STEP)
    views["debrief (expert harvest)"] = time_view(app)
    key(pygame.K_p)
    player = app.top.player
    for speed in (16.0, 256.0):
        player.speed_index = player.SPEEDS.index(speed)
        if getattr(player, "paused", False):
            player.paused = False
        views[f"replay at {speed:g}x"] = time_view(app)
    key(pygame.K_ESCAPE)
    key(pygame.K_ESCAPE)
    # The instructor's cohort table: F2, the passphrase, 200 trainees.
    for _ in range(3):
        if app.top.name == "launcher":
            break
        key(pygame.K_ESCAPE)
    app.go("instructor_login")
    app.frame(STEP)
    login = app.top
    login.entries[0].set_text(PASSPHRASE)
    login.submit()
    for _ in range(3):
        app.frame(STEP)
    name = app.top.name
    if name == "instructor":
        views["instructor cohort table (200 trainees)"] = time_view(app)
    else:
        out["instructor_error"] = f"could not open the instructor view (at {name})"
    out["views"] = views
    out["size"] = list(app.viewport.window_size)
    app.records.close()
    pygame.quit()
    return out


if __name__ == "__main__":
    json.dump(run(), sys.stdout)
    sys.stdout.write("\n")
