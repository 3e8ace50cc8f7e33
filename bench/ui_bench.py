"""UI benchmark: frame time in the busiest view, launch time, memory, and drift over a session.

``run()`` returns a dict of figures (software rendering, 1280x720, dummy SDL drivers):

* ``frame_p99_ms`` / ``frame_mean_ms``: the needle view while pushing through cortex (section,
  needle, gauges, warnings, HUD) - target p99 <= 8 ms;
* ``launch_s``: constructing the App to the first drawn launcher frame - target <= 1 s;
* ``rss_mb``: resident memory after a full session (expert reference run through the UI session,
  then the debrief and replay drawn) - target <= 200 MB;
* ``frame_after_500_pulls_ratio``: needle-view frame time after 500 aspirations over the first
  - target within 10% (<= 1.10);
* ``figures``: idle CPU, the process CPU time (``time.process_time``, all threads) over the wall
  time while the App's real loop (``App.loop``: sleeping between polls, drawing only on change)
  runs on a screen at rest - the launcher, the briefing, the needle view (needle in the bone,
  hand off) and the debrief - ``IDLE_S`` seconds, ``IDLE_REPEATS`` times, min/median/max
  - target <= 2 % of a core; and the frame rate while Space is held in the needle view
  - target: every frame drawn, at the 60 Hz tick (>= 55 a second measured).

A real window is checked by ``bench/ui_idle_process.py`` (Xvfb, ``python -m sim``, /proc).
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
IDLE_S = 5.0  # seconds of the real loop per measurement
IDLE_REPEATS = 3
IDLE_TARGET_PCT = 2.0
PUSH_S = 2.0
PUSH_TARGET_HZ = 55.0  # the 60 Hz tick less scheduling jitter on a shared machine


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
        app.invalidate()  # a full frame even at rest (idle frames draw nothing: idle_screens)
        t = time.perf_counter()
        app.frame(STEP)
        times.append((time.perf_counter() - t) * 1000.0)
        pygame.event.pump()
    proc.push_key = False
    return times


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def _median(values: list[float]) -> float:
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def _loop_cpu(app, seconds: float) -> dict:
    """Run the App's real loop for ``seconds``: process CPU and wall time, frames, redraws."""
    import pygame

    pygame.event.clear()
    f0, r0 = app.frames, app.redraws
    c0, w0 = time.process_time(), time.perf_counter()
    app.loop(max_s=seconds)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    return {
        "cpu_s": cpu,
        "wall_s": wall,
        "pct": 100.0 * cpu / wall,
        "frames": app.frames - f0,
        "redraws": app.redraws - r0,
    }


def idle_screens(
    seconds: float = IDLE_S, repeats: int = IDLE_REPEATS, push_s: float = PUSH_S
) -> dict:
    """Idle CPU on each screen at rest, and the frame rate of a held push (the real loop)."""
    import pygame

    from sim.ui.app import App
    from sim.vocabulary import commands as c

    app = App(seed=1, sound=False, data_dir=Path(tempfile.mkdtemp(prefix="marrowsim-idle-")))

    def key(k, frames=2):
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=""))
        for _ in range(frames):
            app.frame(STEP)

    def settle():
        """Frames until the screen stops changing (the force eases off, effects end)."""
        for _ in range(600):
            app.frame(STEP)
            if not app.drew:
                break

    def measure(name: str) -> dict:
        settle()
        runs = [_loop_cpu(app, seconds) for _ in range(repeats)]
        pcts = [r["pct"] for r in runs]
        return {
            "screen": name,
            "pct_min": min(pcts),
            "pct_median": _median(pcts),
            "pct_max": max(pcts),
            "cpu_s_median": _median([r["cpu_s"] for r in runs]),
            "wall_s_median": _median([r["wall_s"] for r in runs]),
            "frames_per_s": _median([r["frames"] / r["wall_s"] for r in runs]),
            "redraws_per_s": _median([r["redraws"] / r["wall_s"] for r in runs]),
        }

    out = [measure("launcher")]
    key(pygame.K_RETURN)
    out.append(measure("briefing"))
    key(pygame.K_RETURN)
    proc = app.top
    proc.session.submit(c.MarkSite(landmark="left_psis"))
    key(pygame.K_TAB)
    proc.hand.lateral_deg = 24.0
    key(pygame.K_RETURN)  # insert
    proc.shift = True
    proc.push_key = True
    for _ in range(240):  # push into the bone, then let go
        app.frame(STEP)
    proc.push_key = proc.shift = False
    out.append(measure("needle view at rest (needle in the bone)"))
    proc.push_key = True
    push = _loop_cpu(app, push_s)
    proc.push_key = False
    push["frames_per_s"] = push["frames"] / push["wall_s"]
    push["redraws_per_s"] = push["redraws"] / push["wall_s"]
    key(pygame.K_e)
    key(pygame.K_y, frames=3)
    assert app.top.name == "debrief", app.top.name
    out.append(measure("debrief"))
    app.records.close()
    pygame.quit()
    return {"screens": out, "push": push}


def idle_figures(idle: dict) -> list[dict]:
    """The idle-CPU and push rows of the RESULTS.md table."""
    rows = []
    for r in idle["screens"]:
        rows.append(
            {
                "figure": f"idle CPU, {r['screen']}: process CPU / wall over "
                f"{r['wall_s_median']:.1f} s of the real loop (min / median / max)",
                "target": f"≤ {IDLE_TARGET_PCT:g} % of a core",
                "measured": f"{r['pct_min']:.2f} / {r['pct_median']:.2f} / {r['pct_max']:.2f} % "
                f"({r['cpu_s_median'] * 1000:.0f} ms CPU in {r['wall_s_median']:.2f} s wall; "
                f"{r['frames_per_s']:.0f} polls/s, {r['redraws_per_s']:.1f} redraws/s)",
                "pass": r["pct_max"] <= IDLE_TARGET_PCT,
            }
        )
    p = idle["push"]
    rows.append(
        {
            "figure": f"frames while Space is held in the needle view ({p['wall_s']:.1f} s, "
            "real loop)",
            "target": f"every frame drawn at the 60 Hz tick (≥ {PUSH_TARGET_HZ:g}/s)",
            "measured": f"{p['redraws_per_s']:.1f} drawn/s of {p['frames_per_s']:.1f} frames/s; "
            f"CPU {p['pct']:.0f} % of a core",
            "pass": p["redraws_per_s"] >= PUSH_TARGET_HZ and p["redraws"] >= p["frames"] - 1,
        }
    )
    return rows


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
    app.records.close()
    pygame.quit()
    mean_first = sum(first) / len(first)
    mean_after = sum(after) / len(after)
    idle = idle_screens()
    return {
        "figures": idle_figures(idle),
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
