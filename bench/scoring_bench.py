"""Scoring benchmark (issue 3, "Speed"): scoring a full-harvest log, target <= 50 ms.

``run()`` replays the expert reference harvest once (not timed), then times
``sim.scoring.score_events(events, scenario)`` on its event log: reading the metrics from
every event, judging the eight criteria and building the JSON, the whole call the debrief,
the records store and ``python -m sim run --json`` make.  Timing uses CPU time
(``time.process_time_ns``) after a warm-up, with the garbage collector on.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from sim.run.actions import read_actions
from sim.run.attempt import Attempt
from sim.run.replay import replay
from sim.scenario import resolve_scenario
from sim.scoring import score_events

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "reference" / "adult-standard-expert.jsonl"
SCENARIO = "adult-standard"
TARGET_MS = 50.0


def _percentile(sorted_ms: list[float], q: float) -> float:
    i = min(len(sorted_ms) - 1, max(0, round(q * (len(sorted_ms) - 1))))
    return sorted_ms[i]


def full_harvest() -> Attempt:
    """The expert reference harvest, replayed (its events are what gets scored)."""
    attempt = Attempt(resolve_scenario(SCENARIO), 1)
    return replay(attempt, read_actions(SCRIPT), where=str(SCRIPT))


def run(repeats: int = 200, warmup: int = 10) -> dict[str, Any]:
    """Time scoring the full-harvest log; p50/p99 in ms, with the figure for the report."""
    attempt = full_harvest()
    events, scenario = attempt.sim.events, attempt.scenario
    for _ in range(warmup):
        score_events(events, scenario)
    samples = []
    for _ in range(repeats):
        t0 = time.process_time_ns()  # CPU time: on a shared machine wall time includes waiting
        score_events(events, scenario)
        samples.append((time.process_time_ns() - t0) / 1e6)
    samples.sort()
    p50, p99 = _percentile(samples, 0.5), _percentile(samples, 0.99)
    aspirations = sum(1 for e in events if e["type"] == "aspirated")
    return {
        "figures": [
            {
                "figure": "score a full-harvest log (score_events), CPU time",
                "target": f"<= {TARGET_MS:g} ms",
                "measured": f"p50 {p50:.2f} ms, p99 {p99:.2f} ms",
                "pass": p99 <= TARGET_MS,
            }
        ],
        "p50_ms": round(p50, 3),
        "p99_ms": round(p99, 3),
        "max_ms": round(samples[-1], 3),
        "repeats": repeats,
        "events": len(events),
        "aspirations": aspirations,
        "log": str(SCRIPT.relative_to(ROOT)),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
