"""Memory soak (issue 15): the simulated trainee drives the needle view for 30 simulated minutes.

Run as its own process (``python -m bench.soak``; ``bench.perf15`` starts it), so the RSS is the
trainer's alone: SDL dummy drivers, the real App at 1920x1080, the simulated trainee of
``sim/ui/trainee_model.py`` making needle passes (aim, push to the give, pulls, back out, the
other hip...).  Frames advance ``DT`` of simulated time each (4/60 s: the trainee's reaction is
counted in frames, so its passes are coarser than a person's, which does not matter here).  RSS
(``/proc/self/status``) is read at each simulated minute; ``--trace`` also compares tracemalloc
snapshots taken after the first minute and at the end, and prints the lines that grew most.

Prints one JSON object: RSS per simulated minute, the growth after the first minute, the peak
(``VmHWM``), frames, passes, simulated and CPU seconds.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

DT = 4.0 / 60.0
MINUTES = 30.0


def _status(key: str) -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def soak(minutes: float = MINUTES, trace: bool = False, size=(1920, 1080)) -> dict:
    import tempfile
    from pathlib import Path

    import pygame

    from sim.ui import trainee_model as tm
    from sim.vocabulary.technique import Thresholds

    class Trainee(tm.SimulatedTrainee):
        def _frame(self) -> None:
            self.app.frame(DT)
            self.frames += 1

        def wait(self, s: float) -> None:
            for _ in range(max(1, round(s / DT))):
                self._frame()

    if trace:
        import tracemalloc

        tracemalloc.start(12)
    cpu0 = time.process_time()
    folder = Path(tempfile.mkdtemp(prefix="marrowsim-soak-"))
    tm.App = functools.partial(tm.App, window_size=size)  # the trainee's window, at this size
    trainee = Trainee("adult-standard", data_dir=folder, deliberate_s=0.3)
    trainee.mark_sites()
    th = Thresholds()
    aims = tm._aims(th, obese=False)
    pulls = max(1, int(th.penetration_ok_ml // tm.PULL_ML))
    trainee.to_needle(0)
    trainee.set_pull(1.0)  # small pulls: the donor's limit is not reached within the soak
    rss: list[dict] = [{"minute": 0.0, "rss_mib": round(_status("VmRSS"), 1)}]
    next_minute, site, index = 1.0, 0, 0
    first_snapshot = None
    while trainee.sim.t_s < minutes * 60.0:
        if trainee.sim.ended:
            break
        if index and index % len(aims) == 0:
            trainee.tap(pygame.K_x)
            site = 1 - site
            trainee.to_needle(site)
        lateral, cranial = aims[index % len(aims)]
        trainee.one_pass(index, site, lateral, cranial, pulls)
        index += 1
        while trainee.sim.t_s >= next_minute * 60.0:
            sample = {"minute": next_minute, "rss_mib": round(_status("VmRSS"), 1)}
            if os.environ.get("SOAK_SURFACES"):
                import gc

                surfaces = [o for o in gc.get_objects() if isinstance(o, pygame.Surface)]
                sample["surfaces"] = len(surfaces)
                sample["surface_mib"] = round(
                    sum(x.get_bytesize() * x.get_width() * x.get_height() for x in surfaces)
                    / 2**20,
                    1,
                )
            if os.environ.get("SOAK_TRIM"):
                import ctypes

                ctypes.CDLL("libc.so.6").malloc_trim(0)
                sample["trimmed_mib"] = round(_status("VmRSS"), 1)
            rss.append(sample)
            if trace and next_minute == 1.0:
                first_snapshot = tracemalloc.take_snapshot()
            next_minute += 1.0
    out = {
        "simulated_min": round(trainee.sim.t_s / 60.0, 1),
        "ended_early": bool(trainee.sim.ended),
        "passes": index,
        "frames": trainee.frames,
        "events": len(trainee.sim.events),
        "commands": len(trainee.proc.session.attempt.log),
        "bag_ml": round(trainee.sim.bag.volume_ml, 1),
        "cpu_s": round(time.process_time() - cpu0, 1),
        "rss": rss,
        "rss_after_first_min_mib": rss[1]["rss_mib"] if len(rss) > 1 else None,
        "rss_end_mib": round(_status("VmRSS"), 1),
        "peak_mib": round(_status("VmHWM"), 1),
        "window": list(trainee.app.viewport.window_size),
    }
    base = out["rss_after_first_min_mib"] or rss[0]["rss_mib"]
    out["growth_after_first_min_mib"] = round(max(r["rss_mib"] for r in rss) - base, 1)
    if trace and first_snapshot is not None:
        end = tracemalloc.take_snapshot()
        stats = end.compare_to(first_snapshot, "traceback")[:8]
        out["grew"] = [
            {
                "kib": round(s.size_diff / 1024, 1),
                "count": s.count_diff,
                "where": [f"{f.filename.split('/sim/')[-1]}:{f.lineno}" for f in s.traceback][-6:],
            }
            for s in stats
        ]
    trainee.app.records.close()
    pygame.quit()
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=MINUTES)
    ap.add_argument("--trace", action="store_true")
    args = ap.parse_args()
    json.dump(soak(args.minutes, args.trace), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
