"""Results can only be what the attempt earned: forged scores, headless assessments, imports."""

from __future__ import annotations

import json
import sqlite3

import pytest

from sim.errors import InputError
from sim.records import RecordStore, chain, db_path, instructor_records, trainee_records
from sim.records.exchange import import_database
from sim.records.passphrase import PassphraseRefused
from sim.run.attempt import Attempt
from sim.scenario import resolve_scenario
from sim.scoring import score_attempt
from sim.vocabulary.commands import parse_command
from tests.test_records_support import cli, expert_lines, fake_score, record, write_actions

PASS = "correct horse battery"


@pytest.fixture
def data(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(d))
    monkeypatch.delenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", raising=False)
    for var in ("MARROWSIM_LRS_ENDPOINT", "MARROWSIM_LRS_USERNAME", "MARROWSIM_LRS_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    return d


def _short_attempt(seed: int = 1) -> Attempt:
    return Attempt(resolve_scenario("adult-standard"), seed)


def _apply(attempt: Attempt, n: int = 20) -> None:
    for line in expert_lines(n):
        attempt.apply(parse_command(json.loads(line)))
    attempt.apply(parse_command({"do": "end"}))


# ------------------------------------------------------------------ 1. forged scores
def test_trainee_cannot_store_a_made_up_assessment_score(data):
    with RecordStore.open(data) as store:
        store.create_assessment(["adult-standard"], passing=85)
        attempt = _short_attempt()
        rec = trainee_records(store, "t-1").start(attempt, mode="assessment")
        _apply(attempt)
        earned = score_attempt(attempt)
        assert earned["total"] < 99
        row = rec.finish(fake_score(100, passed=True))
        assert row["status"] == "locked"
        assert row["score_total"] == earned["total"]
        assert row["criteria"] == json.loads(json.dumps(earned["criteria"]))
        assert row["passed"] is (100 * earned["total"] / 100 >= 85 and not row["critical_errors"])
        assert store.verify()[0] == []


def test_assessment_cannot_be_stored_unscored(data):
    with RecordStore.open(data) as store:
        attempt = _short_attempt()
        rec = trainee_records(store, "t-1").start(attempt, mode="assessment")
        _apply(attempt)
        with pytest.raises(InputError, match="always scored"):
            rec.finish(auto_score=False)
        assert store.attempt(rec.attempt_id)["status"] == "incomplete"


# ------------------------------------------------------------------ 2. headless assessments
def test_headless_assessment_needs_the_instructor(data, tmp_path, monkeypatch):
    with RecordStore.open(data) as store:
        store.set_passphrase(PASS)
        instructor_records(store, PASS).create_assessment(["adult-standard"], passing=85)
    actions = write_actions(tmp_path / "a.jsonl", 20)
    run = ("run", "--scenario", "adult-standard", "--actions", str(actions), "--json")
    status, _, err = cli(*run, "--trainee", "t-1", "--mode", "assessment")
    assert status == 2 and "passphrase" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", "wrong passphrase")
    status, _, err = cli(*run, "--trainee", "t-1", "--mode", "assessment")
    assert status == 2 and "instructor passphrase refused" in err
    with RecordStore.open(data) as store:
        assert store.attempts() == []  # nothing created, nothing used up
    monkeypatch.delenv("MARROWSIM_INSTRUCTOR_PASSPHRASE")
    assert cli(*run, "--trainee", "t-1")[0] == 0  # practice needs no instructor
    monkeypatch.setenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", PASS)
    status, out, _ = cli(*run, "--trainee", "t-1", "--mode", "assessment")
    assert status == 0
    with RecordStore.open(data) as store:
        row = store.attempt(json.loads(out)["attempt_id"])
        assert row["status"] == "locked" and row["mode"] == "assessment"


# ------------------------------------------------------------------ 3. import checks
@pytest.fixture
def two_stations(tmp_path, data):
    """Station A (local, one honest attempt) and the path of station B's data dir."""
    with RecordStore.open(data) as store:
        record(store, "local", n=20)
    return data, tmp_path / "b"


def _snapshot(data):
    with RecordStore.open(data) as store:
        rows = sorted((r["id"], r["status"], r["score_total"]) for r in store.attempts())
        return rows, store.trainees(), store.assessments()


def _forge(b, kind: str) -> None:
    """Station B: one honest attempt, then one whose stored row its commands do not earn."""
    with RecordStore.open(b) as store:
        record(store, "honest", n=20)
        if kind == "score":  # a sound hash chain over a made-up score
            record(store, "forger", n=20, mode="assessment", score=fake_score(100, passed=True))
        elif kind == "criteria":
            bad = fake_score(50) | {"criteria": ["not a criterion"]}
            record(store, "forger", n=20, score=bad)
        elif kind == "critical":
            record(store, "forger", n=20, score=fake_score(50) | {"critical_errors": [1, 2]})
        else:  # an incomplete row (outside the chain) with a malformed column
            attempt_id = record(store, "forger", n=20, finish=False)
            value = {"pulls": b"\x00" * 20, "metrics": "[1, 2]", "seed": "abc"}[kind]
            store.conn.execute(f"UPDATE attempts SET {kind} = ? WHERE id = ?", (value, attempt_id))
            if kind in chain.START_FIELDS:  # the forger rebuilds the start link it covers
                row = dict(store._row(attempt_id))
                digest = chain.link_hash(row["start_prev"], chain.canonical_start(row))
                store.conn.execute("DROP TRIGGER attempts_start_fixed")
                store.conn.execute(
                    "UPDATE attempts SET start_hash = ? WHERE id = ?", (digest, attempt_id)
                )
                store.conn.execute(
                    "UPDATE settings SET value = ? WHERE key = 'chain_head'",
                    (f"{row['start_seq']}:{attempt_id}:{digest}",),
                )
        assert store.verify()[0] == []


@pytest.mark.parametrize("kind", ["score", "criteria", "critical", "pulls", "metrics", "seed"])
def test_import_refuses_forged_or_malformed_attempts(two_stations, kind):
    a, b = two_stations
    _forge(b, kind)
    before = _snapshot(a)
    status, _, err = cli("records", "import", str(db_path(b)))
    assert status == 2 and "nothing was merged" in err.strip().splitlines()[-1]
    assert _snapshot(a) == before
    with RecordStore.open(a) as store, pytest.raises(InputError, match="nothing was merged"):
        import_database(store, db_path(b))


def test_import_refuses_a_rewritten_command_log(two_stations):
    """Commands swapped after finishing, chain recomputed: the replayed digest differs."""
    a, b = two_stations
    with RecordStore.open(b) as store:
        attempt_id = record(store, "remote", n=20)
    conn = sqlite3.connect(db_path(b), isolation_level=None)
    conn.row_factory = sqlite3.Row
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
    for name in names:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DELETE FROM attempt_commands WHERE attempt_id = ? AND n = 5", (attempt_id,))
    conn.execute(
        "UPDATE attempt_commands SET n = n - 1 WHERE attempt_id = ? AND n > 5", (attempt_id,)
    )
    conn.execute("UPDATE attempts SET n_commands = n_commands - 1 WHERE id = ?", (attempt_id,))
    row = dict(conn.execute("SELECT * FROM attempts WHERE id = ?", (attempt_id,)).fetchone())
    conn.execute(  # back to the link before the finish, then the forged finish appended
        "UPDATE settings SET value = ? WHERE key = 'chain_head'",
        (f"{row['start_seq']}:{attempt_id}:{row['start_hash']}",),
    )
    seq, prev, digest = chain.append(conn, row)
    conn.execute(
        "UPDATE attempts SET seq = ?, prev_hash = ?, record_hash = ? WHERE id = ?",
        (seq, prev, digest, attempt_id),
    )
    assert chain.verify(conn)[0] == []
    conn.close()
    before = _snapshot(a)
    with RecordStore.open(a) as store, pytest.raises(InputError, match="replay does not"):
        import_database(store, db_path(b))
    assert _snapshot(a) == before


# ------------------------------------------------------------------ 4. imported assessments
def test_imported_assessments_arrive_closed(two_stations):
    a, b = two_stations
    with RecordStore.open(a) as store:
        mine = store.create_assessment(["adult-standard"], passing=80)
    with RecordStore.open(b) as store:
        theirs = store.create_assessment(["adult-standard"], passing=70)
        record(store, "remote", n=20, mode="assessment")
    with RecordStore.open(a) as store:
        assert import_database(store, db_path(b))["assessments"] == 1
        active = {x["id"]: x["active"] for x in store.assessments()}
        assert active == {mine["id"]: True, theirs["id"]: False}
        assert store.assessment_for("adult-standard")["id"] == mine["id"]
        assert store.verify()[0] == []


# ------------------------------------------------------------------ replay compares the score
def test_replay_compares_the_stored_score(data, monkeypatch):
    with RecordStore.open(data) as store:
        store.set_passphrase(PASS)
        honest = record(store, "t-1", n=20)
        forged = record(store, "t-2", n=20, score=fake_score(100, passed=True))
        view = instructor_records(store, PASS)
        view.replay(honest)
        with pytest.raises(InputError, match="stored score"):
            view.replay(forged)
        with pytest.raises(PassphraseRefused):
            instructor_records(store, "nope nope")
    monkeypatch.setenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", PASS)
    assert cli("records", "replay", honest)[0] == 0
    status, _, err = cli("records", "replay", forged)
    assert status == 1 and "score" in err
