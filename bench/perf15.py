"""Issue 15's targets, measured honestly: start-up, scoring, memory, frames, records at scale.

How each figure is measured:

* **Whole processes** (start-up, records at scale) are separate ``python`` processes started
  from a bare interpreter (``subprocess``, ``PYTHONPATH`` set, nothing imported first); CPU time
  (user + system) and peak RSS are the child's own, from GNU ``time``.  One warm-up run, then
  ``REPEATS`` runs; min / median / max.
* **In-process figures** (scoring) run in a child process of their own
  (``python -m bench.perf15 scoring``), with ``time.process_time`` around each call after a
  warm-up; min / median / max over ``REPEATS`` or more.
* **Verdicts use the median CPU time**; wall time is printed beside it (on a shared machine the
  wall time includes waiting for a core).
* **Growth** is the slope of log(CPU time) on log(size) fitted over 4 sizes; "O(n log n) or
  better" passes at a slope <= 1.2 (n log n over a 4x range fits to about 1.1; a quadratic
  scan to 2), so noise of a few percent per point cannot flip it.
* **Memory**: the soak (``bench/soak.py``) and the frames (``bench/frames15.py``) run in child
  processes, so their RSS is theirs alone.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPERT = ROOT / "tests" / "reference" / "adult-standard-expert.jsonl"
REPEATS = 5
TIME = "/usr/bin/time"

HELP_S, LIST_S, RUN_S, FIRST_FRAME_S = 0.15, 0.3, 0.5, 1.0
SCORE_10K_MS, SCORE_EXPERT_MS = 50.0, 10.0
SLOPE_MAX = 1.2
SOAK_GROWTH_MIB, SOAK_PEAK_MIB = 5.0, 200.0
FRAME_P99_MS = 8.0


# ------------------------------------------------------------------------------ children
def child(cmd: list[str], env: dict[str, str], cwd: Path = ROOT, stdin=None) -> dict:
    """One child process: its own CPU (user + system, ``wait4``) and peak RSS, and the wall
    time from start to exit.  The command runs under GNU ``time`` (``/usr/bin/time``), which
    reports its peak RSS: the ru_maxrss this benchmark would read for its own child survives
    fork and exec and so includes this benchmark's memory; ``time``'s child starts small."""
    full = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    full.update({k: v for k, v in os.environ.items() if k.startswith(("SDL_", "HOME", "TMP"))})
    full.update(env)
    with (
        tempfile.NamedTemporaryFile("r", suffix=".time") as report,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        w0 = time.perf_counter()
        proc = subprocess.Popen(
            [TIME, "-q", "-f", "%M", "-o", report.name, *cmd],
            cwd=cwd,
            env=full,
            stdout=out,
            stderr=err,
            stdin=stdin,
        )
        # CPU from wait4: ``time``'s own (a few ms) and, as it waited for it, the command's.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - w0
        proc.returncode = os.waitstatus_to_exitcode(status)
        kib = int(report.read().split()[-1])
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return {
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "wall_s": wall,
        "rss_mib": kib / 1024.0,
        "rc": proc.returncode,
        "stdout": stdout.decode(errors="replace"),
        "stderr": stderr.decode(errors="replace")[-400:],
    }


def summary(values: list[float]) -> dict:
    return {
        "min": min(values),
        "median": statistics.median(values),
        "max": max(values),
    }


def child_figure(
    cmd: list[str],
    env: dict[str, str],
    repeats: int = REPEATS,
    warmup: int = 1,
    budget_s: float = 150.0,
) -> dict:
    """``cmd`` run ``warmup`` + ``repeats`` times: CPU, wall and RSS min / median / max.  A
    command so slow that ``repeats`` runs would take more than ``budget_s`` of wall time is run
    fewer times (at least once after the warm-up); the row says how many."""
    warm = None
    for _ in range(warmup):
        warm = child(cmd, env)
    if warm is not None and warm["wall_s"] * repeats > budget_s:
        repeats = max(1, int(budget_s // max(warm["wall_s"], 1e-9)))
    runs = [child(cmd, env) for _ in range(repeats)]
    return {
        "cpu_s": summary([r["cpu_s"] for r in runs]),
        "wall_s": summary([r["wall_s"] for r in runs]),
        "rss_mib": summary([r["rss_mib"] for r in runs]),
        "rc": sorted({r["rc"] for r in runs}),
        "stderr": next((r["stderr"] for r in runs if r["rc"]), ""),
        "repeats": repeats,
    }


def verdict_row(
    name: str, m: dict, cpu_target_s: float | None, mib_target: float | None = None
) -> dict:
    """One figure's row; without a CPU target it is reported for information (passes if the
    command succeeded)."""
    cpu, wall, rss = m["cpu_s"], m["wall_s"], m["rss_mib"]
    ok = m["rc"] == [0] and (cpu_target_s is None or cpu["median"] <= cpu_target_s)
    target = "-" if cpu_target_s is None else f"CPU ≤ {cpu_target_s:g} s"
    if mib_target is not None:
        ok = ok and rss["max"] <= mib_target
        target += f", RSS ≤ {mib_target:g} MiB"
    measured = (
        f"CPU {cpu['min']:.3f} / {cpu['median']:.3f} / {cpu['max']:.3f} s "
        f"(wall {wall['min']:.3f} / {wall['median']:.3f} / {wall['max']:.3f} s; "
        f"RSS max {rss['max']:.0f} MiB; {m['repeats']} runs after a warm-up)"
    )
    if m["rc"] != [0]:
        measured += f"; exit {m['rc']}: {m['stderr'][-200:]}"
    return {"figure": name, "target": target, "measured": measured, "pass": bool(ok)}


def loglog_slope(sizes: list[float], values: list[float]) -> float:
    xs = [math.log(n) for n in sizes]
    ys = [math.log(max(v, 1e-12)) for v in values]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


# ------------------------------------------------------------------------------ start-up
def startup(repeats: int = REPEATS) -> tuple[list[dict], dict]:
    py = sys.executable
    data = tempfile.mkdtemp(prefix="marrowsim-startup-")
    env = {"MARROWSIM_DATA_DIR": data}
    trainer_env = {
        **env,
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "MARROWSIM_MAX_FRAMES": "1",
    }
    cold = child([py, "-m", "sim", "scenarios", "list"], env)  # fills the listing index
    cases = [
        ("`python -m sim --help`", [py, "-m", "sim", "--help"], env, HELP_S),
        ("`python -m sim --version`", [py, "-m", "sim", "--version"], env, HELP_S),
        ("`python -m sim scenarios list`", [py, "-m", "sim", "scenarios", "list"], env, LIST_S),
        (
            "headless adult harvest incl. scoring (`run --scenario adult-standard "
            "--actions expert --json`)",
            [
                py,
                "-m",
                "sim",
                "run",
                "--scenario",
                "adult-standard",
                "--actions",
                str(EXPERT),
                "--json",
            ],  # fmt: skip
            env,
            RUN_S,
        ),
        (
            "trainer to its first frame and out (`python -m sim`, MARROWSIM_MAX_FRAMES=1, "
            "SDL dummy)",
            [py, "-m", "sim"],
            trainer_env,
            FIRST_FRAME_S,
        ),
    ]
    rows, details = [], {"scenarios list, first run (validates every file)": cold["cpu_s"]}
    for name, cmd, e, target in cases:
        m = child_figure(cmd, e, repeats=repeats)
        rows.append(verdict_row(f"whole process: {name}", m, target))
        details[name] = {k: v for k, v in m.items() if k != "stderr"}
    bare = child_figure([py, "-c", "pass"], {}, repeats=repeats)
    details["bare interpreter `python -c pass`"] = bare["cpu_s"]
    return rows, details


# ------------------------------------------------------------------------------ scoring
def long_attempt(commands: int):
    """An adult-standard attempt of ``commands`` commands: the expert's set-up, then its needle
    work over and over (0.5 mL pulls), then its closing steps."""
    from sim.run.actions import command_from_obj
    from sim.run.attempt import Attempt
    from sim.scenario import resolve_scenario

    lines = [json.loads(line) for line in EXPERT.read_text().splitlines() if line.strip()]
    first = next(i for i, c in enumerate(lines) if c["do"] == "insert")
    last = max(i for i, c in enumerate(lines) if c["do"] == "remove_needle")
    pre, body, post = lines[:first], lines[first : last + 1], lines[last + 1 :]
    attempt = Attempt(resolve_scenario("adult-standard"), 1)
    n = 0

    def apply(cmd: dict) -> None:
        nonlocal n
        try:
            attempt.apply(command_from_obj(cmd, path="generated", line=n))
        except Exception:  # an impossible command is skipped, as a trainee's would be refused
            return
        n += 1

    for cmd in pre:
        apply(cmd)
    while n < commands - len(post):
        for cmd in body:
            apply({**cmd, "ml": 0.5} if cmd["do"] == "aspirate" else cmd)
            if n >= commands - len(post):
                break
    for cmd in post:
        apply(cmd)
    return attempt


def _time_scoring(attempt, repeats: int) -> list[float]:
    from sim.scoring import score_events

    events, scenario = attempt.sim.events, attempt.scenario
    for _ in range(3):
        score_events(events, scenario)
    out = []
    for _ in range(repeats):
        t0 = time.process_time()
        score_events(events, scenario)
        out.append((time.process_time() - t0) * 1000.0)
    return out


def scoring_child() -> dict:
    """Run in a child: scoring CPU times for the expert, 10,000 commands, and 4 sizes."""
    from bench.scoring_bench import full_harvest

    expert = full_harvest()
    res = {"expert": _time_scoring(expert, 15), "expert_commands": len(expert.log)}
    sizes = [2_500, 5_000, 7_500, 10_000]
    res["sizes"], res["by_size"] = [], []
    for size in sizes:
        attempt = long_attempt(size)
        res["sizes"].append(len(attempt.log))
        res["by_size"].append(_time_scoring(attempt, 9))
        if size == 10_000:
            res["events_10k"] = len(attempt.sim.events)
            res["pulls_10k"] = sum(1 for e in attempt.sim.events if e["type"] == "aspirated")
    return res


def scoring() -> tuple[list[dict], dict]:
    r = child([sys.executable, "-m", "bench.perf15", "scoring"], {})
    if r["rc"] != 0:
        return [{"figure": "scoring", "target": "-", "measured": r["stderr"], "pass": False}], {}
    d = json.loads(r["stdout"].strip().splitlines()[-1])
    rows = []
    e = summary(d["expert"])
    rows.append(
        {
            "figure": f"score the expert harvest ({d['expert_commands']} commands), CPU",
            "target": f"≤ {SCORE_EXPERT_MS:g} ms",
            "measured": f"{e['min']:.2f} / {e['median']:.2f} / {e['max']:.2f} ms (min / median "
            f"/ max of {len(d['expert'])} after 3 warm-up)",
            "pass": e["median"] <= SCORE_EXPERT_MS,
        }
    )
    big = summary(d["by_size"][-1])
    rows.append(
        {
            "figure": f"score a {d['sizes'][-1]:,}-command attempt ({d['pulls_10k']:,} pulls, "
            f"{d['events_10k']:,} events), CPU",
            "target": f"≤ {SCORE_10K_MS:g} ms",
            "measured": f"{big['min']:.2f} / {big['median']:.2f} / {big['max']:.2f} ms",
            "pass": big["median"] <= SCORE_10K_MS,
        }
    )
    medians = [statistics.median(v) for v in d["by_size"]]
    slope = loglog_slope(d["sizes"], medians)
    rows.append(
        {
            "figure": "scoring growth: slope of log CPU on log commands over "
            + ", ".join(f"{s:,}" for s in d["sizes"]),
            "target": f"≤ {SLOPE_MAX:g} (O(n log n) or better)",
            "measured": f"{slope:.2f} (medians " + ", ".join(f"{m:.1f}" for m in medians) + " ms)",
            "pass": slope <= SLOPE_MAX,
        }
    )
    return rows, {"scoring_ms": d}


# ------------------------------------------------------------------------------ memory, frames
def soak() -> tuple[list[dict], dict]:
    r = child([sys.executable, "-m", "bench.soak"], {"SDL_VIDEODRIVER": "dummy"})
    if r["rc"] != 0:
        return [{"figure": "soak", "target": "-", "measured": r["stderr"], "pass": False}], {}
    d = json.loads(r["stdout"].strip().splitlines()[-1])
    growth, peak = d["growth_after_first_min_mib"], d["peak_mib"]
    return [
        {
            "figure": f"trainer memory over {d['simulated_min']:.0f} simulated minutes of needle "
            f"work (simulated trainee, {d['passes']} passes, {d['window'][0]}x"
            f"{d['window'][1]}): RSS growth after the first minute",
            "target": f"≤ {SOAK_GROWTH_MIB:g} MiB",
            "measured": f"{growth:.1f} MiB ({d['rss_after_first_min_mib']:.1f} → "
            f"{d['rss_end_mib']:.1f} MiB; {d['cpu_s']:.0f} s CPU)",
            "pass": growth <= SOAK_GROWTH_MIB and d["simulated_min"] >= 29.9,
        },
        {
            "figure": "trainer memory in the soak: peak RSS (VmHWM)",
            "target": f"≤ {SOAK_PEAK_MIB:g} MiB",
            "measured": f"{peak:.1f} MiB",
            "pass": peak <= SOAK_PEAK_MIB,
        },
    ], {"soak": d}


def frames() -> tuple[list[dict], dict]:
    r = child([sys.executable, "-m", "bench.frames15"], {"SDL_VIDEODRIVER": "dummy"})
    if r["rc"] != 0:
        return [{"figure": "frames", "target": "-", "measured": r["stderr"], "pass": False}], {}
    d = json.loads(r["stdout"].strip().splitlines()[-1])
    rows = []
    for name, v in d["views"].items():
        c, w = v["cpu_ms"], v["wall_ms"]
        rows.append(
            {
                "figure": f"frame CPU, {name}, {d['size'][0]}x{d['size'][1]} (full redraw "
                "each frame)",
                "target": f"p99 ≤ {FRAME_P99_MS:g} ms",
                "measured": f"p99 {c['p99']:.2f} ms (min {c['min']:.2f}, median "
                f"{c['median']:.2f}, max {c['max']:.2f}; wall p99 {w['p99']:.1f}; "
                f"n {c['n']})",
                "pass": c["p99"] <= FRAME_P99_MS,
            }
        )
    if "instructor_error" in d:
        rows.append(
            {
                "figure": "instructor cohort",
                "target": "-",
                "measured": d["instructor_error"],
                "pass": False,
            }  # fmt: skip
        )
    return rows, {"frames": d}


def run(only: list[str] | None = None) -> dict:
    """Every issue-15 figure (or the parts named in ``only``: start-up, scoring, memory soak,
    frames, records), with the machine load sampled around each part."""
    from bench import records_scale

    figures, details, load = [], {}, []
    parts = [
        ("start-up", startup),
        ("scoring", scoring),
        ("memory soak", soak),
        ("frames", frames),
        ("records at 100,000 attempts", lambda: _records(records_scale)),
    ]
    for name, part in parts:
        if only and not any(name.startswith(o) for o in only):
            continue
        load.append((name, os.getloadavg()))
        t0 = time.perf_counter()
        rows, more = part()
        for row in rows:
            row["figure"] = f"[{name}] {row['figure']}"
        figures += rows
        details.update(more)
        details[f"{name} took"] = f"{time.perf_counter() - t0:.0f} s"
    load.append(("end", os.getloadavg()))
    details["load average (1/5/15 min) at each part"] = "; ".join(
        f"{n}: {a:.2f} {b:.2f} {c:.2f}" for n, (a, b, c) in load
    )
    return {"figures": figures, **details}


def _records(module) -> tuple[list[dict], dict]:
    r = module.run()
    figures = r.pop("figures")
    return figures, {"records_scale": r}


if __name__ == "__main__":
    if sys.argv[1:] == ["scoring"]:
        json.dump(scoring_child(), sys.stdout)
        sys.stdout.write("\n")
    elif sys.argv[1:2] in (["-h"], ["--help"]):
        print("usage: python -m bench.perf15 [PART ...]  (start-up, scoring, memory soak,")
        print("       frames, records; default: all), JSON on stdout")
    else:
        print(json.dumps(run(sys.argv[1:] or None), indent=1, default=str))
