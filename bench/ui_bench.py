"""UI benchmark: frame time in the busiest view, launch time, memory, and drift over a session.

``run()`` returns a dict of figures (software rendering, 1280x720, dummy SDL drivers):

* ``frame_p99_ms`` / ``frame_mean_ms``: the needle view while pushing through cortex (section,
  needle, gauges, warnings, HUD) - target p99 <= 8 ms;
* ``launch_s``: constructing the App to the first drawn launcher frame - target <= 1 s;
* ``rss_mb``: resident memory after a full session (expert reference run through the UI session,
  then the debrief and replay drawn) - target <= 200 MB;
* ``frame_after_500_pulls_ratio``: needle-view frame time after 500 aspirations over the first
  - target within 10% (<= 1.10).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

STEP = 1.0 / 60.0
REFERENCE = Path(__file__).resolve().parents[1] / "tests" / "reference"


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def _frame_times(app, n: int, pushing: bool) -> list[float]:
    import pygame

    proc = app.top
    times = []
    for _ in range(n):
        if pushing:
            proc.push_key = True
        t = time.perf_counter()
        app.frame(STEP)
        times.append((time.perf_counter() - t) * 1000.0)
        pygame.event.pump()
    proc.push_key = False
    return times


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def run() -> dict:
    t0 = time.perf_counter()
    import pygame

    from sim.run.actions import read_actions
    from sim.ui.app import App
    from sim.vocabulary import commands as c

    app = App(seed=1, sound=False, data_dir=Path(tempfile.mkdtemp(prefix="marrowsim-bench-")))
    app.frame(STEP)
    launch_s = time.perf_counter() - t0

    def key(k, mod=0):
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=""))
        app.frame(STEP)

    key(pygame.K_RETURN)
    key(pygame.K_RETURN)
    proc = app.top
    s = proc.session
    s.submit(c.MarkSite(landmark="left_psis"))
    s.submit(c.MarkSite(landmark="right_psis"))
    key(pygame.K_TAB)
    proc.hand.lateral_deg = 24.0
    key(pygame.K_RETURN)
    proc.shift = True
    for _ in range(5):
        app.frame(STEP)
    # Busiest view: pushing in the needle view (force ramps, needle and gauges change).
    busy = _frame_times(app, 400, pushing=True)
    s.submit(c.Withdraw(mm=5.0)) if s.sim.needle.depth_mm > 40 else None
    if s.sim.needle.stylet_in:
        s.submit(c.RemoveStylet())
    first = _frame_times(app, 200, pushing=False)
    for i in range(500):
        s.submit(c.Aspirate(ml=1.0))
        if i % 2:
            s.submit(c.Rotate(deg=90))
    after = _frame_times(app, 200, pushing=False)
    # A full session: the expert reference through a fresh UI session, then debrief and replay.
    key(pygame.K_e)
    key(pygame.K_y)
    key(pygame.K_RETURN)
    key(pygame.K_RETURN)
    key(pygame.K_RETURN)
    proc = app.top
    for _line, cmd in read_actions(REFERENCE / "adult-standard-expert.jsonl"):
        if cmd.do == "end":
            break
        proc.session.submit(cmd)
    proc.end()
    app.frame(STEP)
    key(pygame.K_p)
    app.top.player.faster(+2)
    for _ in range(120):
        app.frame(STEP)
    rss = _rss_mb()
    pygame.quit()
    mean_first = sum(first) / len(first)
    mean_after = sum(after) / len(after)
    return {
        "frame_p99_ms": round(_pct(busy, 0.99), 3),
        "frame_mean_ms": round(sum(busy) / len(busy), 3),
        "launch_s": round(launch_s, 3),
        "rss_mb": round(rss, 1),
        "frame_first_ms": round(mean_first, 3),
        "frame_after_500_pulls_ms": round(mean_after, 3),
        "frame_after_500_pulls_ratio": round(mean_after / mean_first, 3),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
