"""Helpers shared by the records, xAPI and report tests (this module holds no tests)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from sim.cli.main import main
from sim.records import Recorder, RecordStore
from sim.run.actions import read_actions
from sim.run.attempt import Attempt
from sim.scenario import resolve_scenario

EXPERT = Path(__file__).parent / "reference" / "adult-standard-expert.jsonl"
#: The first commands of the expert script: 4 sites, 7 bone penetrations, 14 pulls.
SHORT = 60


def expert_lines(n: int | None = None) -> list[str]:
    """The first ``n`` lines of the expert action script."""
    lines = [x for x in EXPERT.read_text(encoding="utf-8").splitlines() if x.strip()]
    return lines if n is None else lines[:n]


def write_actions(path: Path, n: int = SHORT, *, end: bool = True) -> Path:
    """An action file: the first ``n`` expert commands, then ``end``."""
    lines = expert_lines(n) + ([json.dumps({"do": "end"})] if end else [])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fake_score(total: float, passed: bool | None = None, critical: list | None = None) -> dict:
    """A score in the shape ``sim.scoring.score_attempt`` returns."""
    return {
        "total": total,
        "passed": total >= 80 if passed is None else passed,
        "minimum_passing": 80,
        "criteria": [
            {"id": "trajectory", "score": total * 0.5, "max": 50, "feedback": "aim"},
            {"id": "yield", "score": total * 0.5, "max": 50, "feedback": "cells"},
        ],
        "critical_errors": critical or [],
    }


def record(
    store: RecordStore,
    trainee: str = "t-001",
    *,
    n: int = SHORT,
    seed: int = 1,
    mode: str = "practice",
    score: dict | None = None,
    finish: bool = True,
    assessment_id: str | None = None,
) -> str:
    """Record an attempt of the first ``n`` expert commands (+ end); returns its id.

    Without ``score`` the Recorder scores it (the trainee-facing path); a given ``score`` (a
    test fixture such as ``fake_score``) is stored through the low-level
    ``RecordStore.finish_attempt``, since the Recorder never stores a caller's score.
    """
    attempt = Attempt(resolve_scenario("adult-standard"), seed)
    rec = Recorder.start(store, attempt, trainee_id=trainee, mode=mode, assessment_id=assessment_id)
    for _, cmd in list(read_actions(EXPERT))[:n]:
        attempt.apply(cmd)
    if finish:
        from sim.vocabulary.commands import parse_command

        attempt.apply(parse_command({"do": "end"}))
        if score is None:
            rec.finish()
        else:
            store.finish_attempt(rec.attempt_id, attempt, score)
    return rec.attempt_id


def cli(*argv: str) -> tuple[int, str, str]:
    """Run ``python -m sim`` in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()
