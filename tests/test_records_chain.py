"""Tamper evidence: `records verify` names every attempt whose stored result was changed."""

from __future__ import annotations

import json
import sqlite3

import pytest

from sim.records import RecordStore, db_path
from tests.test_records_support import cli, fake_score, record


@pytest.fixture
def setup(tmp_path, monkeypatch):
    """Three finished attempts and one incomplete; returns (data dir, [ids])."""
    data = tmp_path / "data"
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(data))
    monkeypatch.delenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", raising=False)
    with RecordStore.open(data) as store:
        ids = [record(store, f"t-{i}", n=20, score=fake_score(70 + i)) for i in range(3)]
        ids.append(record(store, "t-3", n=20, finish=False))
    return data, ids


def _tamper(data, *statements):
    """Change the database the way someone with an SQLite tool would (triggers dropped)."""
    conn = sqlite3.connect(db_path(data))
    for name in ("attempts_locked", "attempts_kept", "commands_unchanged", "commands_kept"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql, args in statements:
        conn.execute(sql, args)
    conn.commit()
    conn.close()


def test_intact_records_verify(setup):
    status, out, _ = cli("records", "verify")
    assert status == 0 and "records intact: 3 finished attempts" in out
    status, out, _ = cli("records", "verify", "--json")
    report = json.loads(out)
    assert status == 0 and report["ok"] and report["linked"] == 3


def test_changed_score_is_detected_and_named(setup):
    data, ids = setup
    _tamper(data, ("UPDATE attempts SET score_total = 99, passed = 1 WHERE id = ?", (ids[1],)))
    status, out, _ = cli("records", "verify")
    assert status == 1
    assert ids[1] in out and "changed" in out
    assert ids[0] not in out and ids[2] not in out


def test_changed_command_log_is_detected(setup):
    data, ids = setup
    _tamper(
        data,
        ("UPDATE attempt_commands SET cmd = ? WHERE attempt_id = ? AND n = 5",
         ('{"do":"wait","s":1}', ids[0])),
    )  # fmt: skip
    status, out, _ = cli("records", "verify")
    assert status == 1 and ids[0] in out


def test_removed_attempts_are_detected(setup):
    data, ids = setup
    _tamper(data, ("DELETE FROM attempts WHERE id = ?", (ids[2],)))
    status, out, _ = cli("records", "verify")
    # the link after the gap (the next attempt's start) is named; the removed one is gone
    assert status == 1 and ids[3] in out and "removed" in out
    _tamper(data, ("DELETE FROM attempts WHERE id = ?", (ids[0],)))
    status, out, _ = cli("records", "verify")
    assert status == 1 and ids[1] in out  # the next link no longer fits


def test_result_marked_incomplete_or_unlinked_is_detected(setup):
    data, ids = setup
    _tamper(data, ("UPDATE attempts SET status = 'incomplete' WHERE id = ?", (ids[0],)))
    status, out, _ = cli("records", "verify")
    assert status == 1 and ids[0] in out
