"""Records benchmark: saving a command during an attempt, and a cohort report.

``run()`` returns ``{"figures": [...], ...details}``:

* ``command save``: the observer call ``Recorder`` makes for each applied command
  (``RecordStore.append_command``: one INSERT, committed, WAL mode, synchronous=NORMAL), timed
  around each call while the expert reference script is recorded three times (2,600+ saves)
  into a database on the default temp directory's disk - target p99 <= 1 ms;
* ``cohort report``: ``python -m sim report --cohort NAME --out FILE.html`` as a subprocess
  (interpreter start, imports, queries, five charts, template) for 200 trainees x 10 finished
  attempts, each with a full-length pull summary (216 pulls, ~100 penetrations) - target <= 5 s.
  The in-process time of ``build_report`` is given too.

The 2,000 attempts are built from four real recorded attempts (expert script, seeds 1-4), copied
with new ids, trainees, times and scores, and sealed into the hash chain like real ones.  To keep
the set-up short each copy stores only the first ``COPIED_COMMANDS`` commands of its log; the
report never reads command logs, so this does not change the figure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EXPERT = ROOT / "tests" / "reference" / "adult-standard-expert.jsonl"
SAVE_P99_MS = 1.0
REPORT_S = 5.0
TRAINEES, ATTEMPTS = 200, 10
COPIED_COMMANDS = 60


def _record_expert(store, seed: int, trainee: str, samples: list[float]) -> str:
    """Record the expert script, timing each command save; returns the attempt id."""
    from sim.records import Recorder
    from sim.run.actions import read_actions
    from sim.run.attempt import Attempt
    from sim.scenario import resolve_scenario

    attempt = Attempt(resolve_scenario("adult-standard"), seed)
    rec = Recorder.start(store, attempt, trainee_id=trainee, mode="practice")
    save = rec._on_command

    def timed(entry, events):
        t0 = time.perf_counter_ns()
        save(entry, events)
        samples.append((time.perf_counter_ns() - t0) / 1e6)

    attempt.observers[attempt.observers.index(save)] = timed
    for _, cmd in read_actions(EXPERT):
        attempt.apply(cmd)
        if attempt.ended:
            break
    attempt.observers.remove(timed)
    rec.finish()
    return rec.attempt_id


def _fill_cohort(store, templates: list[str], cohort: str, rng: np.random.Generator) -> None:
    """200 trainees x 10 finished attempts, copied from the template attempts."""
    rows = [dict(store._row(t)) for t in templates]
    logs = {
        t: store.conn.execute(
            "SELECT n, t_s, wall, cmd FROM attempt_commands WHERE attempt_id = ? AND n < ?"
            " ORDER BY n",
            (t, COPIED_COMMANDS),
        ).fetchall()
        for t in templates
    }
    start = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
    with store.transaction() as conn:
        for i in range(TRAINEES):
            trainee = f"bench-{i:03d}"
            conn.execute(
                "INSERT INTO trainees (id, cohort, created) VALUES (?, ?, ?)",
                (trainee, cohort, start.isoformat()),
            )
            skill = rng.uniform(55, 85)
            for k in range(ATTEMPTS):
                src = rows[(i + k) % len(rows)]
                total = float(np.clip(skill + 2.0 * k + rng.normal(0, 4), 0, 100))
                when = start + timedelta(days=k, minutes=i)
                row = dict(src)
                row.update(
                    id=str(uuid.uuid4()),
                    trainee_id=trainee,
                    started=when.isoformat().replace("+00:00", "Z"),
                    ended=(when + timedelta(minutes=70)).isoformat().replace("+00:00", "Z"),
                    score_total=round(total, 1),
                    passed=int(total >= 80),
                    n_commands=len(logs[src["id"]]),
                )
                store.insert_started(row)  # with its start link
                conn.executemany(
                    "INSERT INTO attempt_commands (attempt_id, n, t_s, wall, cmd)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [(row["id"], *c) for c in logs[src["id"]]],
                )
                store.seal_attempt(row["id"], "complete")


def run() -> dict:
    """Both figures, with details (percentiles, sizes, setup time)."""
    from sim.records import RecordStore
    from sim.report import build_report

    rng = np.random.default_rng(20250106)
    with tempfile.TemporaryDirectory(prefix="marrowsim-bench-") as tmp:
        data = Path(tmp) / "data"
        samples: list[float] = []
        t0 = time.perf_counter()
        with RecordStore.open(data) as store:
            templates = [_record_expert(store, s, "template", samples) for s in (1, 2, 3, 4)]
            _fill_cohort(store, templates, "bench", rng)
            setup_s = time.perf_counter() - t0
            t1 = time.perf_counter()
            html = build_report(store, generated=datetime.now(UTC), cohort="bench")
            inproc_s = time.perf_counter() - t1
            problems, linked, _ = store.verify()
        out = Path(tmp) / "cohort.html"
        env = dict(os.environ, MARROWSIM_DATA_DIR=str(data), PYTHONPATH=str(ROOT))
        env.pop("MARROWSIM_INSTRUCTOR_PASSPHRASE", None)
        t3 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "sim", "report", "--cohort", "bench", "--out", str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        cli_s = time.perf_counter() - t3
        db_mb = (data / "marrowsim.db").stat().st_size / 2**20
        html_kb = out.stat().st_size / 1024 if out.exists() else 0.0
    saves = np.asarray(samples)
    p50, p99 = np.percentile(saves, [50, 99])
    return {
        "figures": [
            {
                "figure": "saving a command during an attempt (p99)",
                "target": f"<= {SAVE_P99_MS} ms",
                "measured": f"{p99:.3f} ms",
                "pass": bool(p99 <= SAVE_P99_MS),
            },
            {
                "figure": f"cohort report, {TRAINEES} trainees x {ATTEMPTS} attempts (CLI)",
                "target": f"<= {REPORT_S} s",
                "measured": f"{cli_s:.2f} s" if proc.returncode == 0 else f"failed: {proc.stderr}",
                "pass": bool(proc.returncode == 0 and cli_s <= REPORT_S),
            },
        ],
        "command_saves": int(saves.size),
        "save_p50_ms": round(float(p50), 4),
        "save_p99_ms": round(float(p99), 4),
        "save_max_ms": round(float(saves.max()), 3),
        "report_in_process_s": round(inproc_s, 2),
        "report_cli_s": round(cli_s, 2),
        "report_html_kb": round(html_kb, 1),
        "report_html_in_process_kb": round(len(html) / 1024, 1),
        "verify_ok": not problems and linked == TRAINEES * ATTEMPTS + 4,
        "database_mb": round(db_mb, 1),
        "setup_s": round(setup_s, 1),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=1))
