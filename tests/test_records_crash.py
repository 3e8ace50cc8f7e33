"""A process killed mid-attempt: the attempt stays incomplete, keeps its commands, replays."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sim.records import RecordStore, replay_stored_attempt
from sim.vocabulary.commands import command_to_dict, parse_command
from tests.test_records_support import EXPERT, cli, expert_lines

ROOT = Path(__file__).resolve().parents[1]

#: A trainee working through the expert script, one command every few milliseconds; it prints
#: how many commands it has applied after each one (so each printed count is already saved).
WORKER = textwrap.dedent(
    """
    import sys, time
    from sim.run.actions import read_actions
    from sim.run.attempt import Attempt
    from sim.records import Recorder, RecordStore
    from sim.scenario import resolve_scenario

    store = RecordStore.open(sys.argv[1])
    attempt = Attempt(resolve_scenario("adult-standard"), 7)
    rec = Recorder.start(store, attempt, trainee_id="crash-test", mode="assessment")
    print(rec.attempt_id, flush=True)
    for i, (_, cmd) in enumerate(read_actions(sys.argv[2])):
        attempt.apply(cmd)
        print(i + 1, flush=True)
        time.sleep(0.003)
    print("finished", flush=True)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_process_leaves_an_incomplete_replayable_attempt(tmp_path, monkeypatch):
    data = tmp_path / "data"
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, str(script), str(data), str(EXPERT)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        attempt_id = proc.stdout.readline().strip()
        applied = 0
        while applied < 40:
            line = proc.stdout.readline()
            assert line and line.strip() != "finished", "the worker ended before it was killed"
            applied = int(line)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()

    with RecordStore.open(data) as store:
        row = store.attempt(attempt_id)
        commands = store.commands(attempt_id)
        assert row["status"] == "incomplete" and row["ended"] is None
        # every command reported as applied was saved; at most the one in flight is missing
        assert applied <= len(commands) < len(expert_lines())
        assert [c["n"] for c in commands] == list(range(len(commands)))
        expected = [command_to_dict(parse_command(json.loads(x))) for x in expert_lines()]
        assert [c["cmd"] for c in commands] == expected[: len(commands)]
        replayed = replay_stored_attempt(store, attempt_id)
        assert store.verify()[0] == []

    # the same state as a headless run of the same commands
    actions = tmp_path / "same.jsonl"
    actions.write_text("\n".join(expert_lines(len(commands))) + "\n", encoding="utf-8")
    from sim.cli.run_cmd import run_attempt

    headless = run_attempt("adult-standard", str(actions), 7)
    assert replayed.sim.digest() == headless.sim.digest()
    assert replayed.log == headless.log

    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(data))
    status, _, err = cli("records", "replay", attempt_id)
    assert status == 0 and "incomplete" in err
