"""Merging another station's database: no duplicates; a bad file merges nothing."""

from __future__ import annotations

import sqlite3

import pytest

from sim.errors import InputError
from sim.records import RecordStore, db_path, replay_stored_attempt
from sim.records.exchange import backup, import_database
from tests.test_records_support import cli, record


@pytest.fixture
def stations(tmp_path, monkeypatch):
    """Station A (the local one, 1 attempt) and station B (3 attempts, 1 incomplete)."""
    a, b = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(a))
    monkeypatch.delenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", raising=False)
    with RecordStore.open(a) as store:
        record(store, "local", n=20)
    with RecordStore.open(b) as store:
        store.set_trainee("remote-1", cohort="spring")
        store.create_assessment(["adult-standard"], 85)
        record(store, "remote-1", n=20, mode="assessment")
        record(store, "remote-2", n=20, seed=2)
        record(store, "remote-2", n=20, finish=False)
    return a, b


def _snapshot(data):
    with RecordStore.open(data) as store:
        rows = store.attempts()
        return sorted((r["id"], r["status"], r["score_total"]) for r in rows), store.trainees()


def test_import_merges_without_duplicates(stations):
    a, b = stations
    status, out, _ = cli("records", "import", str(db_path(b)))
    assert status == 0 and "imported 3 attempts" in out
    with RecordStore.open(a) as store:
        rows = store.attempts()
        assert len(rows) == 4
        assert {r["trainee_id"] for r in rows} == {"local", "remote-1", "remote-2"}
        assert store.trainee("remote-1")["cohort"] == "spring"
        assert len(store.assessments()) == 1
        assert store.verify()[0] == []
        remote = next(r for r in rows if r["trainee_id"] == "remote-1")
        assert remote["status"] == "locked"
        assert replay_stored_attempt(store, remote["id"]).sim.digest() == remote["digest"]
    status, out, _ = cli("records", "import", str(db_path(b)))  # again: nothing new
    assert status == 0 and "imported 0 attempts" in out and "3 already here" in out
    assert len(_snapshot(a)[0]) == 4


def test_incomplete_attempt_finished_later_is_completed_on_import(stations, tmp_path):
    a, b = stations
    with RecordStore.open(a) as store:
        import_database(store, db_path(b))
    with RecordStore.open(b) as store:  # station B finishes a new attempt after the import
        new_id = record(store, "remote-2", n=30)
        expected = store.attempt(new_id)["score_total"]
    with RecordStore.open(a) as store:
        counts = import_database(store, db_path(b))
        assert counts["added"] == 1 and counts["duplicate"] == 3
        assert store.attempt(new_id)["score_total"] == expected is not None
        assert store.verify()[0] == []


def test_import_of_a_backup_file(stations, tmp_path):
    a, b = stations
    copy = tmp_path / "b-backup.db"
    with RecordStore.open(b) as store:
        backup(store, copy)
    with RecordStore.open(a) as store:
        assert import_database(store, copy)["added"] == 3


@pytest.mark.parametrize("kind", ["text", "truncated", "foreign", "tampered", "bad-row"])
def test_malformed_import_merges_nothing(stations, tmp_path, kind):
    a, b = stations
    bad = tmp_path / "bad.db"
    source = db_path(b)
    if kind == "text":
        bad.write_text("trainee,score\nx,100\n", encoding="utf-8")
    elif kind == "truncated":
        with RecordStore.open(b) as store:
            backup(store, bad)
        bad.write_bytes(bad.read_bytes()[:5000])
    elif kind == "foreign":
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE attempts (id TEXT)")
        conn.commit()
        conn.close()
    else:
        with RecordStore.open(b) as store:
            backup(store, bad)
        conn = sqlite3.connect(bad)
        conn.execute("DROP TRIGGER attempts_locked")
        if kind == "tampered":
            conn.execute("UPDATE attempts SET score_total = 100 WHERE status != 'incomplete'")
        else:  # valid rows first, then one that is not: the whole merge must roll back
            conn.execute("UPDATE attempts SET metrics = '{oops' WHERE status = 'incomplete'")
        conn.commit()
        conn.close()
    assert source.exists()
    before = _snapshot(a)
    status, _, err = cli("records", "import", str(bad))
    assert status == 2 and err.startswith("marrowsim: ")
    assert _snapshot(a) == before
    with RecordStore.open(a) as store, pytest.raises(InputError):
        import_database(store, bad)
