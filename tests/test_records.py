"""Records: storing attempts, schema and migrations, access rules, damaged databases, CLI."""

from __future__ import annotations

import base64
import csv
import json
import sqlite3

import pytest

from sim.errors import InputError
from sim.records import (
    DamagedDatabase,
    PassphraseRefused,
    RecordStore,
    db_path,
    default_data_dir,
    instructor_records,
    replay_stored_attempt,
    trainee_records,
)
from sim.records.passphrase import check_passphrase, hash_passphrase
from sim.records.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from tests.test_records_support import cli, fake_score, record, write_actions


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(d))
    monkeypatch.delenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", raising=False)
    for var in ("MARROWSIM_LRS_ENDPOINT", "MARROWSIM_LRS_USERNAME", "MARROWSIM_LRS_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    return d


@pytest.fixture
def store(data_dir):
    with RecordStore.open(data_dir) as s:
        yield s


# ------------------------------------------------------------------ location and schema
def test_data_dir_override_and_default(tmp_path):
    assert default_data_dir({"MARROWSIM_DATA_DIR": str(tmp_path)}) == tmp_path
    assert "marrowsim" in str(default_data_dir({})).lower()


def test_new_database_is_wal_versioned_and_identified(store):
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"trainees", "attempts", "attempt_commands", "assessments", "settings"} <= tables


def test_old_schema_is_migrated_with_a_backup(tmp_path):
    path = tmp_path / "marrowsim.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("INSERT INTO trainees (id, created) VALUES ('old', '2024-01-01T00:00:00Z')")
    conn.close()
    with RecordStore(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [t["id"] for t in s.trainees()] == ["old"]
        s.conn.execute("SELECT count(*) FROM xapi_queue").fetchone()
    assert (tmp_path / "marrowsim.db.v1.bak").exists()


# ------------------------------------------------------------------ recording
def test_attempt_is_stored_scored_locked_and_replays(store):
    attempt_id = record(store, score=fake_score(85))
    row = store.attempt(attempt_id)
    assert row["status"] == "complete" and row["passed"] is True
    assert row["score_total"] == 85 and row["criteria"][0]["id"] == "trajectory"
    assert row["scenario_id"] == "adult-standard" and row["scenario_version"] >= 1
    assert row["seed"] == 1 and row["mode"] == "practice"
    assert row["started"] <= row["ended"]
    assert row["n_commands"] == len(store.commands(attempt_id)) == 61
    assert len(row["summary"]["penetrations"]) == row["metrics"]["bone_penetrations"] > 0
    assert replay_stored_attempt(store, attempt_id).sim.digest() == row["digest"]


def test_assessment_results_are_locked_and_cannot_be_changed(store):
    attempt_id = record(store, mode="assessment", score=fake_score(90))
    assert store.attempt(attempt_id)["status"] == "locked"
    with pytest.raises(sqlite3.IntegrityError, match="locked"):
        store.conn.execute("UPDATE attempts SET score_total = 100 WHERE id = ?", (attempt_id,))
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("DELETE FROM attempt_commands WHERE attempt_id = ?", (attempt_id,))
    with pytest.raises(InputError, match="locked"):
        store.append_command(attempt_id, 999, 0.0, {"do": "end"})
    with pytest.raises(InputError, match="already finished"):
        store.finish_attempt(attempt_id, replay_stored_attempt(store, attempt_id), fake_score(100))


def test_assessment_passing_standard_and_attempt_limit(store):
    a = store.create_assessment(["adult-standard"], passing=95, attempts_allowed=1)
    attempt_id = record(store, "t-9", mode="assessment", score=fake_score(90, passed=True))
    row = store.attempt(attempt_id)
    assert row["assessment_id"] == a["id"]
    assert row["minimum_passing"] == 95 and row["passed"] is False  # the instructor's standard
    assert trainee_records(store, "t-9").open_assessments()[0]["left"] == {"adult-standard": 0}
    with pytest.raises(InputError, match="no attempts left"):
        record(store, "t-9", mode="assessment", score=fake_score(99))
    assert len(store.attempts(trainee_id="t-9")) == 1


def test_trainee_records_see_only_own_attempts(store):
    mine = record(store, "alice", score=fake_score(70))
    theirs = record(store, "bob", score=fake_score(90))
    alice = trainee_records(store, "alice")
    assert [a["id"] for a in alice.attempts()] == [mine]
    with pytest.raises(InputError, match="no attempt"):
        alice.attempt(theirs)
    with pytest.raises(InputError, match="no attempt"):
        alice.replay(theirs)
    assert alice.replay(mine).sim.digest() == store.attempt(mine)["digest"]


def test_bad_input_is_refused(store):
    with pytest.raises(InputError, match="trainee id"):
        store.ensure_trainee("no spaces please")
    with pytest.raises(InputError, match="mode"):
        record(store, mode="exam")
    with pytest.raises(InputError, match="passing"):
        store.create_assessment(["adult-standard"], passing=120)
    assert store.attempts() == []


# ------------------------------------------------------------------ instructor passphrase
def test_passphrase_is_salted_scrypt():
    a, b = hash_passphrase("open sesame"), hash_passphrase("open sesame")
    scheme, n, r, p, salt, key = a.split("$")
    assert scheme == "scrypt" and int(n) >= 2**14 and int(r) == 8 and int(p) == 1
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(key)) == 32
    assert a != b  # a fresh salt each time
    assert check_passphrase("open sesame", a) and not check_passphrase("open sesamE", a)
    with pytest.raises(InputError):
        hash_passphrase("short")


def test_wrong_passphrase_is_refused_without_a_hint(store):
    store.set_passphrase("correct horse")
    assert store.setting("instructor_passphrase") is None  # nothing in the data folder
    assert "correct horse" not in store.key_path.read_text()
    assert instructor_records(store, "correct horse").cohort_table() == []
    with pytest.raises(PassphraseRefused) as exc:
        instructor_records(store, "correct hors")
    assert str(exc.value) == "instructor passphrase refused"
    with pytest.raises(PassphraseRefused):
        store.set_passphrase("new passphrase", current="guess")
    store.set_passphrase("new passphrase", current="correct horse")
    instructor_records(store, "new passphrase")


def test_cli_passphrase_and_instructor_actions(data_dir, monkeypatch):
    monkeypatch.setenv("MARROWSIM_NEW_INSTRUCTOR_PASSPHRASE", "s3cret-phrase")
    assert cli("instructor", "set-passphrase")[0] == 0
    monkeypatch.setenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", "not-the-phrase")
    status, out, err = cli("instructor", "cohort")
    assert status == 2 and err.strip() == "marrowsim: instructor passphrase refused" and not out
    monkeypatch.setenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", "s3cret-phrase")
    status, out, _ = cli(
        "instructor", "assessment", "create", "--scenarios", "adult-standard", "--passing",
        "85", "--attempts", "2", "--json",
    )  # fmt: skip
    assert status == 0 and json.loads(out)["attempts_allowed"] == 2
    assert (
        cli("instructor", "assessment", "create", "--scenarios", "nope", "--passing", "85")[0] == 2
    )
    assert cli("instructor", "trainee", "t-1", "--cohort", "spring")[0] == 0
    status, out, _ = cli("instructor", "cohort", "--json")
    assert status == 0 and json.loads(out)[0]["cohort"] == "spring"


# ------------------------------------------------------------------ headless run and CLI
def test_headless_run_records_and_lists(data_dir, tmp_path):
    actions = write_actions(tmp_path / "a.jsonl")
    status, out, _ = cli(
        "run", "--scenario", "adult-standard", "--actions", str(actions), "--seed", "3",
        "--trainee", "t-042", "--mode", "practice", "--json",
    )  # fmt: skip
    assert status == 0
    result = json.loads(out)
    attempt_id = result["attempt_id"]
    status, out, err = cli("records", "list", "--json")
    rows = json.loads(out)
    assert status == 0 and [r["id"] for r in rows] == [attempt_id]
    assert rows[0]["trainee_id"] == "t-042" and rows[0]["seed"] == 3
    assert rows[0]["digest"] == result["digest"]
    assert rows[0]["score_total"] == result["score"]["total"]
    assert "no instructor passphrase" in err
    status, out, _ = cli("records", "replay", attempt_id)
    assert status == 0 and "replay matches" in out
    log = tmp_path / "replayed.jsonl"
    assert cli("records", "replay", attempt_id, "--log", str(log))[0] == 0
    assert cli("replay", str(log))[0] == 0
    status, out, _ = cli("records", "show", attempt_id)
    assert status == 0 and "t-042" in out


def test_headless_run_bad_options(data_dir, tmp_path):
    actions = write_actions(tmp_path / "a.jsonl")
    base = ("run", "--scenario", "adult-standard", "--actions", str(actions))
    status, _, err = cli(*base, "--mode", "assessment")
    assert status == 2 and "--trainee" in err
    status, _, err = cli(*base, "--trainee", "bad id")
    assert status == 2 and "trainee id" in err
    assert not db_path(data_dir).exists() or RecordStore.open(data_dir).attempts() == []


def test_csv_export(store, data_dir, tmp_path):
    record(store, "t-1", score=fake_score(82))
    record(store, "t-2", score=fake_score(60), finish=False)
    out = tmp_path / "attempts.csv"
    status, text, _ = cli("records", "export", "--csv", str(out))
    assert status == 0 and "2 attempts" in text
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["trainee_id"] for r in rows] == ["t-1", "t-2"]
    assert rows[0]["score_pct"] == "82.0" and rows[0]["passed"] == "yes"
    assert rows[0]["criterion:trajectory"] == "41.0"
    assert rows[1]["status"] == "incomplete" and rows[1]["score_total"] == ""


# ------------------------------------------------------------------ damaged or foreign files
def _bytes_of(path):
    return path.read_bytes()


def test_garbage_database_gets_message_and_backup(data_dir):
    data_dir.mkdir(parents=True)
    path = db_path(data_dir)
    path.write_bytes(b"this is not a database at all" * 100)
    before = _bytes_of(path)
    status, _, err = cli("records", "list")
    assert status == 2
    assert "damaged or not a Marrowsim database" in err and "a copy is at" in err
    backups = list(data_dir.glob("marrowsim.db.damaged-*.bak"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    assert _bytes_of(path) == before  # never reset
    with pytest.raises(DamagedDatabase):
        RecordStore(path)
    assert len(list(data_dir.glob("*.bak"))) == 1  # one copy per distinct content


def test_foreign_sqlite_database_is_not_touched(data_dir, tmp_path):
    data_dir.mkdir(parents=True)
    path = db_path(data_dir)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('bread')")
    conn.commit()
    conn.close()
    before = _bytes_of(path)
    status, _, err = cli("run", "--scenario", "adult-standard", "--actions",
                         str(write_actions(tmp_path / "a.jsonl")), "--trainee", "t")  # fmt: skip
    assert status == 2 and "different application" in err
    assert _bytes_of(path) == before
    assert list(data_dir.glob("marrowsim.db.damaged-*.bak"))


def test_corrupted_pages_are_reported(store, data_dir):
    for i in range(3):
        record(store, f"t-{i}", score=fake_score(80))
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    path = db_path(data_dir)
    raw = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(raw), page):
        raw[offset : offset + 64] = b"\xff" * 64  # smash every b-tree page header
    path.write_bytes(bytes(raw))
    before = path.read_bytes()
    status, _, err = cli("records", "verify")
    assert status == 2 and "damaged" in err and "it was moved to" in err
    assert not path.exists()  # moved aside whole, never written to (issue 13)
    backups = list(data_dir.glob("marrowsim.db.damaged-*.bak"))
    assert len(backups) == 1 and backups[0].read_bytes() == before


def test_newer_schema_is_refused(data_dir):
    data_dir.mkdir(parents=True)
    conn = sqlite3.connect(db_path(data_dir))
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.execute("CREATE TABLE future (x)")
    conn.close()
    status, _, err = cli("records", "list")
    assert status == 2 and "newer than this Marrowsim" in err


def test_a_failed_save_stops_recording_and_reports_instead_of_raising(store):
    from sim.records.recorder import Recorder
    from tests.helpers import attempt as new_attempt
    from tests.helpers import run

    a = new_attempt()
    rec = Recorder.start(store, a, trainee_id="t-err", mode="practice")
    errors = []
    rec.on_error = errors.append
    run(a, {"do": "mark_site", "landmark": "left_psis"})
    store.close()  # the database goes away mid-attempt
    run(a, {"do": "mark_site", "landmark": "right_psis"})  # the attempt carries on
    run(a, {"do": "wait", "s": 1})
    assert len(errors) == 1 and rec.failed
