"""Scenario benchmark (issue 3, "Speed"): validating all shipped scenarios, target <= 50 ms.

``run()`` times loading every file in ``scenarios/`` through ``ScenarioLibrary`` (read the
TOML, validate it into the typed model, keep broken files with their errors): what the
launcher, ``python -m sim scenarios list`` and ``validate`` do.
"""

from __future__ import annotations

import json
import time
from typing import Any

from sim.scenario import ScenarioLibrary

TARGET_MS = 50.0


def run(repeats: int = 50, warmup: int = 3) -> dict[str, Any]:
    for _ in range(warmup):
        ScenarioLibrary()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        lib = ScenarioLibrary()
        samples.append((time.perf_counter_ns() - t0) / 1e6)
    samples.sort()
    p50 = samples[len(samples) // 2]
    p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    return {
        "figures": [
            {
                "figure": f"validate all {len(lib.entries)} shipped scenarios (ScenarioLibrary)",
                "target": f"<= {TARGET_MS:g} ms",
                "measured": f"p50 {p50:.2f} ms, p99 {p99:.2f} ms",
                "pass": p99 <= TARGET_MS,
            }
        ],
        "p50_ms": round(p50, 3),
        "p99_ms": round(p99, 3),
        "scenarios": len(lib.entries),
        "broken": len(lib.broken()),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
