"""Benchmark the headless core (issue 2, "Speed") and collect the other issues' benchmarks.

    python -m bench.run --out bench/RESULTS.md     # full run (make bench), well under a minute
    python -m bench.run --quick                    # tiny run, prints the report

Figures (issue 2):

* one simulation step of the needle/tissue model, a 1 ms ``push`` at haptic rate through skin,
  fat, cortex (including stalled pushes) and marrow: p99 <= 0.2 ms;
* one aspiration including the marrow-field update: p99 <= 1 ms;
* a headless run of a whole harvest (the expert reference script: >= 200 aspirations, >= 1
  simulated hour): <= 0.5 s beyond interpreter start, measured in-process (parse + run), and
  also as a subprocess minus a bare interpreter and minus an import-only baseline;
* the cost of a step does not grow with session length (steps before and after 500 aspirations);
* the headless runner never imports pygame (checked in a subprocess).

The other issues' benchmarks (``COLLEAGUES``) add their own sections; ``ui_bench`` reports the
trainer's frame times and its idle CPU per screen (the real loop, in-process, ~1 min). The idle
CPU of a real ``python -m sim`` window is checked apart: ``python -m bench.ui_idle_process``.

Each timed operation is the whole call a caller would make: building the command object and
``Attempt.apply`` (which also logs the command).  Timing uses ``time.perf_counter_ns`` around each
operation, after a warm-up; the garbage collector is left on, as it is in the trainer.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import importlib
import json
import os
import platform
import pstats
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.model.tissue import Tissue
from sim.run.actions import read_actions
from sim.run.attempt import Attempt
from sim.run.replay import replay
from sim.scenario import resolve_scenario
from sim.vocabulary.commands import Aspirate, Push, parse_command

ROOT = Path(__file__).resolve().parents[1]
EXPERT = ROOT / "tests" / "reference" / "adult-standard-expert.jsonl"
SCENARIO = "adult-standard"
COLLEAGUES = (
    "perf15",
    "scenarios_bench",
    "scoring_bench",
    "ui_bench",
    "draw_bench",
    "records_bench",
    "hands_bench",
)

STEP_P99_MS = 0.2
ASPIRATION_P99_MS = 1.0
HARVEST_S = 0.5
GROWTH_LIMIT = 1.25  # late / early median step cost: "does not grow" within timer noise

#: Aim angles (lateral, cranial) that reach marrow from a PSIS site without skiving.
ANGLES = ((24, 0), (14, 0), (20, 12), (26, 0), (17, 6), (23, 12), (20, 0), (14, 12))


@dataclass(frozen=True)
class Scale:
    """How much work each benchmark does."""

    step_passes: int  # needle passes skin -> marrow, ~2,500 timed 1 ms steps each
    aspirations: int
    harvest_repeats: int
    subprocess_repeats: int
    growth_aspirations: int
    growth_steps: int
    profile: bool
    colleagues: bool


FULL = Scale(
    step_passes=16,
    aspirations=3000,
    harvest_repeats=7,
    subprocess_repeats=5,
    growth_aspirations=500,
    growth_steps=3000,
    profile=True,
    colleagues=True,
)
QUICK = Scale(
    step_passes=1,
    aspirations=40,
    harvest_repeats=1,
    subprocess_repeats=0,
    growth_aspirations=20,
    growth_steps=100,
    profile=False,
    colleagues=False,
)


# ------------------------------------------------------------------------------ helpers
def stats_ms(ns: Sequence[int]) -> dict[str, float]:
    """Summary of a list of durations in nanoseconds, in milliseconds."""
    a = np.asarray(ns, dtype=np.float64) / 1e6
    if a.size == 0:
        return {"n": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {
        "n": int(a.size),
        "p50": float(np.percentile(a, 50)),
        "p99": float(np.percentile(a, 99)),
        "max": float(a.max()),
        "mean": float(a.mean()),
    }


class Timer:
    """Wall-clock and thread CPU time of each timed call.

    The CPU time leaves out time the process spent preempted: on a shared machine the wall-clock
    tail (p99) includes other processes' work, the CPU-time tail does not.
    """

    def __init__(self) -> None:
        self.wall: list[int] = []
        self.cpu: list[int] = []

    def call(self, fn: Callable[..., Any], *args: Any, keep: bool = True) -> Any:
        c0 = time.thread_time_ns()
        t0 = time.perf_counter_ns()
        out = fn(*args)
        t1 = time.perf_counter_ns()
        c1 = time.thread_time_ns()
        if keep:
            self.wall.append(t1 - t0)
            self.cpu.append(c1 - c0)
        return out

    def stats(self) -> dict[str, Any]:
        wall = stats_ms(self.wall)
        wall["cpu_p50"] = stats_ms(self.cpu)["p50"]
        wall["cpu_p99"] = stats_ms(self.cpu)["p99"]
        return wall


class Driver:
    """An attempt on the standard scenario, moved between timed operations by commands."""

    def __init__(self, seed: int = 1) -> None:
        self.attempt = Attempt(resolve_scenario(SCENARIO), seed)
        self.angle = 0

    @property
    def sim(self):
        """The simulation under the attempt."""
        return self.attempt.sim

    def do(self, **fields: Any) -> list[dict]:
        """Validate and apply one command given as fields (untimed set-up moves)."""
        return self.attempt.apply(parse_command(fields))

    def start(self, landmark: str = "left_psis") -> None:
        """Mark a site and insert the needle (tip just under the skin)."""
        self.do(do="mark_site", landmark=landmark)
        lat, cra = ANGLES[0]
        self.do(do="insert", site=len(self.sim.sites) - 1, lateral_deg=lat, cranial_deg=cra)

    def back_to_soft(self) -> None:
        """Stylet in, withdraw to 4 mm above the bone, aim at the next angle."""
        n = self.sim.needle
        if not n.stylet_in:
            self.do(do="replace_stylet")
        target = self.sim.anatomy.soft_mm - 4.0
        if n.depth_mm > target:
            self.do(do="withdraw", mm=round(n.depth_mm - target, 6))
        self.angle = (self.angle + 1) % len(ANGLES)
        lat, cra = ANGLES[self.angle]
        self.do(do="redirect", lateral_deg=lat, cranial_deg=cra)

    def into_marrow(self) -> None:
        """From soft tissue: a fresh bone penetration, stylet out, ready to aspirate."""
        for _ in range(len(ANGLES)):
            self.do(do="advance", mm=60, twist=True, stop_on="loss_of_resistance")
            if self.sim.needle.tissue == Tissue.MARROW:
                self.do(do="remove_stylet")
                return
            self.back_to_soft()
        raise RuntimeError("no angle reached the marrow")


# ------------------------------------------------------------------------------ step
#: (phase, force N, twist, until tissue, step cap)
PHASES = (
    ("soft tissue", 20.0, False, Tissue.OUTER_CORTEX, 4000),
    ("cortex, stalled", 150.0, False, None, 200),
    ("cortex", 400.0, True, Tissue.MARROW, 6000),
    ("marrow", 45.0, False, None, 600),
)


def bench_step(passes: int) -> dict[str, Any]:
    """1 ms ``push`` steps, each timed: fat, a stalled push on cortex, cortex, marrow."""
    d = Driver()
    d.start()
    timer = Timer()
    by_tissue: dict[str, Timer] = {}
    events_before = len(d.sim.events)

    def step(force: float, twist: bool) -> None:
        d.attempt.apply(Push(force_n=force, s=0.001, twist=twist))

    for k in range(passes + 1):  # pass 0 is the warm-up
        for _phase, force, twist, until, cap in PHASES:
            for _ in range(cap):
                tissue = d.sim.needle.tissue
                if until is not None and tissue == until:
                    break
                timer.call(step, force, twist, keep=bool(k))
                if k:
                    t = by_tissue.setdefault(tissue.value, Timer())
                    t.wall.append(timer.wall[-1])
                    t.cpu.append(timer.cpu[-1])
        d.back_to_soft()
    return {
        "all": timer.stats(),
        "by_tissue": {t: v.stats() for t, v in sorted(by_tissue.items())},
        "events_emitted": len(d.sim.events) - events_before,
        "simulated_s": d.sim.t_s,
    }


# ------------------------------------------------------------------------------ aspiration
def bench_aspiration(n: int, per_penetration: int = 8) -> dict[str, Any]:
    """1-mL aspirations in marrow (needle turned 40° between pulls, re-sited every 8)."""
    d = Driver()
    d.start()
    d.back_to_soft()
    d.into_marrow()
    d.attempt.apply(Aspirate(ml=1.0))  # creates the field (timed separately below)
    warm = max(10, n // 20)
    timer = Timer()

    def aspirate() -> None:
        d.attempt.apply(Aspirate(ml=1.0))

    for i in range(n + warm):
        if i and i % per_penetration == 0:
            d.back_to_soft()
            d.into_marrow()
        d.do(do="rotate", deg=40)
        _keep_collecting(d)
        timer.call(aspirate, keep=i >= warm)
    return {
        "steady": timer.stats(),
        "field_create_ms": _field_create_ms(),
        "aspirations": d.sim.aspirations,
        "bag_ml": d.sim.bag.volume_ml,
    }


def _keep_collecting(d: Driver) -> None:
    """Undo the anaesthetist's stop (a scenario rule, after about a litre): these figures time
    the model's aspiration over thousands of pulls, past any donor's limit."""
    d.attempt.engine.collection_stopped = None


def _field_create_ms(repeats: int = 5) -> float:
    """Median cost of the first aspiration on a side (it creates that ilium's marrow field)."""
    out = []
    for seed in range(repeats):
        d = Driver(seed + 1)
        d.start()
        d.back_to_soft()
        d.into_marrow()
        t0 = time.perf_counter_ns()
        d.attempt.apply(Aspirate(ml=1.0))
        out.append(time.perf_counter_ns() - t0)
    return float(np.median(out)) / 1e6


# ------------------------------------------------------------------------------ harvest
def run_expert_harvest() -> dict[str, Any]:
    """Parse and run the expert reference script in-process, as ``python -m sim run --json``."""
    attempt = Attempt(resolve_scenario(SCENARIO), 1)
    replay(attempt, read_actions(EXPERT), where=str(EXPERT))
    result = attempt.result()
    json.dumps(result, sort_keys=True)
    return result["metrics"]


def bench_harvest(repeats: int) -> dict[str, Any]:
    """Wall time of parse + run of the whole expert harvest (after one warm-up run)."""
    metrics = run_expert_harvest()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        run_expert_harvest()
        times.append(time.perf_counter_ns() - t0)
    s = stats_ms(times)
    return {
        "median_s": s["p50"] / 1e3,
        "max_s": s["max"] / 1e3,
        "repeats": repeats,
        "aspirations": metrics["aspirations"],
        "procedure_min": metrics["procedure_s"] / 60.0,
        "collected_ml": metrics["collected_ml"],
    }


def _time_process(argv: list[str]) -> float:
    """Wall time of one subprocess, in seconds."""
    t0 = time.perf_counter_ns()
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter_ns() - t0) / 1e9


def bench_subprocess(repeats: int) -> dict[str, Any]:
    """The runner as a process, against a bare interpreter and an import-only baseline."""
    py = sys.executable
    runs = {
        "run": [py, "-m", "sim", "run", "--scenario", SCENARIO, "--actions", str(EXPERT), "--json"],
        "bare": [py, "-c", "pass"],
        "imports": [py, "-c", "import sim.cli.main"],
    }
    for argv in runs.values():  # warm the OS file cache
        _time_process(argv)
    times: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(repeats):
        for k, argv in runs.items():
            times[k].append(_time_process(argv))
    # Best of N: other processes on the machine can only add time to a process's wall time.
    best = {k: min(v) for k, v in times.items()}
    return {
        "run_s": best["run"],
        "bare_s": best["bare"],
        "imports_s": best["imports"],
        "run_minus_bare_s": best["run"] - best["bare"],
        "run_minus_imports_s": best["run"] - best["imports"],
        "run_median_s": float(np.median(times["run"])),
        "repeats": repeats,
    }


def import_profile(top: int = 10) -> dict[str, list[tuple[str, float]]]:
    """Where importing the runner's CLI goes: self time (ms) by top-level package and module."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import sim.cli.main"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stderr
    modules = []
    for line in out.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            modules.append((parts[2].strip(), int(parts[0]) / 1e3))
    packages: dict[str, float] = {}
    for name, ms in modules:
        root = name.split(".")[0]
        key = ".".join(name.split(".")[:2]) if root == "sim" else root
        packages[key] = packages.get(key, 0.0) + ms
    return {
        "total_ms": [("all modules", sum(ms for _, ms in modules))],
        "packages": sorted(packages.items(), key=lambda r: -r[1])[:top],
        "modules": sorted(modules, key=lambda r: -r[1])[:top],
    }


def harvest_profile(top: int = 12) -> list[tuple[str, int, float, float]]:
    """cProfile of one in-process harvest: (function, calls, own ms, cumulative ms)."""
    prof = cProfile.Profile()
    prof.runcall(run_expert_harvest)
    st = pstats.Stats(prof)
    rows = []
    for (file, line, name), (_cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        where = f"{Path(file).name}:{line}({name})" if line else name
        rows.append((where, nc, tt * 1e3, ct * 1e3))
    return sorted(rows, key=lambda r: -r[2])[:top]


# ------------------------------------------------------------------------------ growth
def _marrow_steps(d: Driver, n: int) -> Timer:
    """Timed 1 ms pushes in marrow at a force that creeps (~0.6 um per step)."""
    timer = Timer()

    def step() -> None:
        d.attempt.apply(Push(force_n=35.0, s=0.001))

    for _ in range(n):
        timer.call(step)
    return timer


def bench_growth(aspirations: int, steps: int) -> dict[str, Any]:
    """Step and aspiration cost early in a session and after ``aspirations`` aspirations."""
    d = Driver()
    d.start()
    d.back_to_soft()
    d.into_marrow()
    _marrow_steps(d, max(50, steps // 10))  # warm-up
    early_steps = _marrow_steps(d, steps)
    asp = Timer()

    def aspirate() -> None:
        d.attempt.apply(Aspirate(ml=2.0))

    for i in range(aspirations):
        if i and i % 4 == 0:
            d.back_to_soft()
            d.into_marrow()
        d.do(do="rotate", deg=90)
        _keep_collecting(d)
        asp.call(aspirate)
    d.back_to_soft()
    d.into_marrow()
    late_steps = _marrow_steps(d, steps)
    k = max(1, min(100, aspirations // 5))
    asp_early, asp_late = Timer(), Timer()
    asp_early.wall, asp_early.cpu = asp.wall[1 : k + 1], asp.cpu[1 : k + 1]
    asp_late.wall, asp_late.cpu = asp.wall[-k:], asp.cpu[-k:]
    early, late = early_steps.stats(), late_steps.stats()
    a_early, a_late = asp_early.stats(), asp_late.stats()
    return {
        "aspirations": d.sim.aspirations,
        "events": len(d.sim.events),
        "log_entries": len(d.attempt.log),
        "step_early": early,
        "step_late": late,
        "step_ratio": late["cpu_p50"] / early["cpu_p50"],
        "aspiration_early": a_early,
        "aspiration_late": a_late,
        "aspiration_ratio": a_late["cpu_p50"] / a_early["cpu_p50"],
        "window": k,
    }


# ------------------------------------------------------------------------------ pygame
NO_PYGAME_PROBE = """
import contextlib, io, json, sys
from sim.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    rc = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('pygame', 'pygame_gui'))
print(json.dumps({"rc": rc, "pygame_modules": loaded}))
"""


def check_no_pygame() -> dict[str, Any]:
    """Run the headless runner in a fresh interpreter and list any pygame modules it loaded."""
    argv = [sys.executable, "-c", NO_PYGAME_PROBE, "run", "--scenario", SCENARIO]
    argv += ["--actions", str(EXPERT), "--json"]
    out = subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    probe = json.loads(out.strip().splitlines()[-1])
    return {"rc": probe["rc"], "pygame_modules": probe["pygame_modules"]}


# ------------------------------------------------------------------------------ colleagues
def collect_colleagues(
    names: Sequence[str] = COLLEAGUES, importer: Callable[[str], Any] = importlib.import_module
) -> dict[str, dict[str, Any]]:
    """Run ``bench.<name>.run()`` for each colleague benchmark that exists."""
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        module_name = f"bench.{name}"
        try:
            module = importer(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                out[name] = {"status": "not yet available"}
            else:
                out[name] = {"status": "error", "error": f"import failed: {exc}"}
            continue
        except Exception as exc:  # a colleague's module failing must not stop the report
            out[name] = {"status": "error", "error": f"import failed: {exc!r}"}
            continue
        t0 = time.perf_counter()
        try:
            result = module.run()
        except Exception as exc:
            out[name] = {"status": "error", "error": f"run() failed: {exc!r}"}
            continue
        out[name] = {"status": "ok", "result": result, "wall_s": time.perf_counter() - t0}
    return out


# ------------------------------------------------------------------------------ all
def machine() -> dict[str, Any]:
    """CPU model, cores, Python and numpy versions, load average."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    load = ""
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return {
        "load": load,
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
    }


def _latency(s: dict[str, Any], target_ms: float) -> tuple[str, bool]:
    """Measured text and pass for a p99 target: wall clock, with the CPU-time tail beside it."""
    text = (
        f"{s['p99']:.4f} ms wall (p50 {s['p50']:.4f}); CPU time p99 {s['cpu_p99']:.4f}; n {s['n']}"
    )
    ok = s["p99"] <= target_ms
    if not ok and s["cpu_p99"] <= target_ms:
        text += "; the wall-clock tail is preemption (CPU-time p99 is within target)"
    return text, ok


def figures(r: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue-2 table: figure, target, measured, pass."""
    step, asp, harv = r["step"], r["aspiration"], r["harvest"]
    step_text, step_ok = _latency(step["all"], STEP_P99_MS)
    asp_text, asp_ok = _latency(asp["steady"], ASPIRATION_P99_MS)
    rows = [
        {
            "figure": "needle/tissue step: one 1 ms `push` (build + Attempt.apply), p99",
            "target": f"≤ {STEP_P99_MS} ms",
            "measured": step_text,
            "pass": step_ok,
        },
        {
            "figure": "one aspiration incl. marrow-field update (build + Attempt.apply), p99",
            "target": f"≤ {ASPIRATION_P99_MS} ms",
            "measured": asp_text,
            "pass": asp_ok,
        },
        {
            "figure": "first aspiration on an ilium (creates its 2 mm marrow field; once per side)",
            "target": f"≤ {ASPIRATION_P99_MS} ms (reported)",
            "measured": f"{asp['field_create_ms']:.2f} ms (median)",
            "pass": asp["field_create_ms"] <= ASPIRATION_P99_MS,
        },
        {
            "figure": f"whole harvest in-process, parse + run ({harv['aspirations']} aspirations, "
            f"{harv['procedure_min']:.1f} simulated min), median of {harv['repeats']}",
            "target": f"≤ {HARVEST_S} s",
            "measured": f"{harv['median_s']:.3f} s (max {harv['max_s']:.3f})",
            "pass": harv["median_s"] <= HARVEST_S
            and harv["aspirations"] >= 200
            and harv["procedure_min"] >= 60.0,
        },
    ]
    sub = r.get("subprocess")
    if sub:
        rows.append(
            {
                "figure": "whole harvest as a process (`python -m sim run --json`) minus a bare "
                f"`python -c pass`, best of {sub['repeats']}",
                "target": f"≤ {HARVEST_S} s (reported)",
                "measured": f"{sub['run_minus_bare_s']:.3f} s (process {sub['run_s']:.3f}, "
                f"median {sub['run_median_s']:.3f}; bare {sub['bare_s']:.3f}; "
                f"import only {sub['imports_s']:.3f})",
                "pass": sub["run_minus_bare_s"] <= HARVEST_S,
            }
        )
        rows.append(
            {
                "figure": "whole harvest as a process minus `python -c 'import sim.cli.main'`, "
                f"best of {sub['repeats']}",
                "target": f"≤ {HARVEST_S} s",
                "measured": f"{sub['run_minus_imports_s']:.3f} s",
                "pass": sub["run_minus_imports_s"] <= HARVEST_S,
            }
        )
    g = r["growth"]
    rows.append(
        {
            "figure": f"step cost after {g['aspirations']} aspirations / at the start "
            "(CPU-time p50 ratio)",
            "target": f"≤ {GROWTH_LIMIT} (no growth)",
            "measured": f"{g['step_ratio']:.2f} (p50 {g['step_early']['cpu_p50']:.4f} → "
            f"{g['step_late']['cpu_p50']:.4f} ms; wall p99 {g['step_early']['p99']:.4f} → "
            f"{g['step_late']['p99']:.4f} ms)",
            "pass": g["step_ratio"] <= GROWTH_LIMIT,
        }
    )
    rows.append(
        {
            "figure": f"aspiration cost, last {g['window']} / first {g['window']} "
            "(CPU-time p50 ratio)",
            "target": f"≤ {GROWTH_LIMIT} (no growth)",
            "measured": f"{g['aspiration_ratio']:.2f} "
            f"({g['aspiration_early']['cpu_p50']:.4f} → {g['aspiration_late']['cpu_p50']:.4f} ms)",
            "pass": g["aspiration_ratio"] <= GROWTH_LIMIT,
        }
    )
    np_ = r["no_pygame"]
    rows.append(
        {
            "figure": "headless runner imports no pygame (fresh process, sys.modules)",
            "target": "no pygame module",
            "measured": "none" if not np_["pygame_modules"] else ", ".join(np_["pygame_modules"]),
            "pass": np_["rc"] == 0 and not np_["pygame_modules"],
        }
    )
    return rows


def run_all(scale: Scale = FULL) -> dict[str, Any]:
    """Every benchmark at the given scale; a dict ready for ``render``."""
    t0 = time.perf_counter()
    r: dict[str, Any] = {
        "machine": machine(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "step": bench_step(scale.step_passes),
        "aspiration": bench_aspiration(scale.aspirations),
        "harvest": bench_harvest(scale.harvest_repeats),
        "subprocess": bench_subprocess(scale.subprocess_repeats)
        if scale.subprocess_repeats
        else None,
        "growth": bench_growth(scale.growth_aspirations, scale.growth_steps),
        "no_pygame": check_no_pygame(),
    }
    if scale.profile:
        r["harvest_profile"] = harvest_profile()
        r["import_profile"] = import_profile()
    r["colleagues"] = collect_colleagues() if scale.colleagues else {}
    r["figures"] = figures(r)
    r["load_after"] = machine()["load"]
    r["wall_s"] = time.perf_counter() - t0
    return r


# ------------------------------------------------------------------------------ report
def _row(cells: Sequence[Any]) -> str:
    """One markdown table row."""
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def _pass(v: Any) -> str:
    """yes / NO / – for a pass flag."""
    return {True: "yes", False: "**NO**", None: "–"}.get(v, str(v))


def _colleague_lines(name: str, entry: dict[str, Any]) -> list[str]:
    """A colleague benchmark's section: its figures table, or its mapping as details."""
    lines = [f"### {name}", ""]
    if entry["status"] != "ok":
        return lines + [entry.get("error", entry["status"]), ""]
    result = entry["result"]
    if isinstance(result, dict) and isinstance(result.get("figures"), list):
        lines += [_row(("figure", "target", "measured", "pass")), "|---|---|---|---|"]
        for f in result["figures"]:
            lines.append(
                _row(
                    (
                        f.get("figure", ""),
                        f.get("target", ""),
                        f.get("measured", ""),
                        _pass(f.get("pass")),
                    )
                )
            )
        extra = {k: v for k, v in result.items() if k != "figures"}
    else:
        extra = result if isinstance(result, dict) else {"result": result}
    if extra:
        lines += ["", _row(("detail", "value")), "|---|---|"]
        lines += [_row((k, json.dumps(v, default=str))) for k, v in extra.items()]
    lines += ["", f"(run() took {entry['wall_s']:.2f} s)", ""]
    return lines


def render(r: dict[str, Any]) -> str:
    """bench/RESULTS.md."""
    m = r["machine"]
    lines = [
        "# Benchmark results",
        "",
        "Produced by `make bench` (`python -m bench.run --out bench/RESULTS.md`); see "
        "`bench/run.py` for what each figure times. Speed is measured here, not asserted in tests.",
        "",
        f"- date: {r['date']}",
        f"- machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), {m['platform']}",
        f"- Python {m['python']}, numpy {m['numpy']}",
        f"- load average (1/5/15 min) at the start: {m['load'] or 'unknown'}; after: "
        f"{r.get('load_after') or 'unknown'} (other processes on the machine lengthen the "
        "wall-clock tails; the CPU-time columns leave that out)",
        f"- whole benchmark: {r['wall_s']:.1f} s",
        *([f"- note: {r['note']}"] if r.get("note") else []),
        "",
        "Issue 15's figures come first (`bench/perf15.py`): verdicts on the median CPU time, "
        "wall time beside it, a warm-up and at least 5 repetitions with min / median / max, "
        "whole processes from a bare interpreter with their own CPU time and peak RSS "
        "(GNU `time`), growth as a fitted slope over 4 sizes, and the load average sampled at "
        "each part. The older sections below are kept as they were.",
        "",
        "## Headless core (issue 2)",
        "",
        _row(("figure", "target", "measured", "pass")),
        "|---|---|---|---|",
    ]
    lines += [
        _row((f["figure"], f["target"], f["measured"], _pass(f["pass"]))) for f in r["figures"]
    ]
    step = r["step"]
    lines += [
        "",
        "A whole harvest costs under 0.2 s once Marrowsim is imported (in-process row, and the "
        "process row measured against an import-only process). Measured from a bare "
        "interpreter, a process also pays for importing numpy and pydantic and building the "
        "command and scenario schemas (see 'Import time' below): that start-up cost is most "
        "of the process row's figure.",
        "",
        "### Needle step by tissue (1 ms `push`, ms)",
        "",
        f"{step['all']['n']} timed steps (skin is crossed by `insert`, so it is not among "
        f"them); {step['events_emitted']} events emitted.",
        "",
        _row(("tissue at step start", "n", "p50", "p99", "max", "CPU p99")),
        "|---|---|---|---|---|---|",
    ]
    for tissue, s in step["by_tissue"].items():
        lines.append(
            _row(
                (
                    tissue,
                    s["n"],
                    f"{s['p50']:.4f}",
                    f"{s['p99']:.4f}",
                    f"{s['max']:.3f}",
                    f"{s['cpu_p99']:.4f}",
                )
            )
        )
    asp, g = r["aspiration"], r["growth"]
    lines += [
        "",
        "### Aspiration and session length",
        "",
        f"- steady aspirations: n {asp['steady']['n']}, p50 {asp['steady']['p50']:.4f} ms, "
        f"p99 {asp['steady']['p99']:.4f} ms, max {asp['steady']['max']:.3f} ms, "
        f"CPU-time p99 {asp['steady']['cpu_p99']:.4f} ms "
        f"({asp['aspirations']} aspirations, {asp['bag_ml']:.0f} mL in the bag).",
        f"- first aspiration on a side (creates the 2 mm field for that ilium): "
        f"{asp['field_create_ms']:.2f} ms median; once per ilium, not in the p99.",
        f"- growth run: {g['aspirations']} aspirations, {g['events']} events and "
        f"{g['log_entries']} command-log entries by the end.",
    ]
    if r.get("harvest_profile"):
        lines += [
            "",
            "## Where the time goes",
            "",
            "One in-process expert harvest under cProfile (own time, so the hot spots show; "
            "cProfile inflates the total):",
            "",
            _row(("function", "calls", "own ms", "cumulative ms")),
            "|---|---|---|---|",
        ]
        lines += [
            _row((f"`{w}`", n, f"{own:.1f}", f"{cum:.1f}"))
            for w, n, own, cum in r["harvest_profile"]
        ]
        imp = r["import_profile"]
        lines += [
            "",
            f"Importing `sim.cli.main` (`python -X importtime`): {imp['total_ms'][0][1]:.0f} ms "
            "of module self time in all. By package (`sim.*` by subpackage) and the slowest "
            "modules, self ms:",
            "",
            _row(("package", "self ms", "module", "self ms")),
            "|---|---|---|---|",
        ]
        for (pkg, pms), (mod, mms) in zip(imp["packages"], imp["modules"], strict=False):
            lines.append(_row((f"`{pkg}`", f"{pms:.1f}", f"`{mod}`", f"{mms:.1f}")))
    lines += ["", "## Other issues' benchmarks", ""]
    colleagues = r.get("colleagues") or {}
    if not colleagues:
        lines += ["Not collected in this run.", ""]
    for name in COLLEAGUES:
        entry = colleagues.get(name)
        if entry is None:
            continue
        if entry["status"] == "not yet available":
            lines += [f"### {name}", "", f"`bench/{name}.py`: not yet available.", ""]
        else:
            lines += _colleague_lines(name, entry)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run the benchmarks and write (or print) the report."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--out", metavar="MD", help="write the report here (default: print it)")
    parser.add_argument("--quick", action="store_true", help="tiny run (smoke test)")
    args = parser.parse_args(argv)
    results = run_all(QUICK if args.quick else FULL)
    results["note"] = os.environ.get("BENCH_NOTE", "")
    text = render(results)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out} in {results['wall_s']:.1f} s", file=sys.stderr)
    else:
        sys.stdout.write(text)
    every = list(results["figures"])
    for entry in (results.get("colleagues") or {}).values():
        result = entry.get("result")
        if entry.get("status") == "ok" and isinstance(result, dict):
            every += [f for f in result.get("figures") or [] if isinstance(f, dict)]
    for f in every:  # every target with its verdict
        print(f"{_pass(f.get('pass')).strip('*'):4} {f.get('figure')}: {f.get('measured')}"
              f" (target {f.get('target')})")  # fmt: skip
    missed = [f["figure"] for f in every if f.get("pass") is False]
    for fig in missed:
        print(f"bench: target missed: {fig}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
