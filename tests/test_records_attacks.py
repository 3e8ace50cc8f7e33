"""Issue 13: the attacks a trainee with an SQLite shell on a shared station would make.

The trainee can edit every file in the data folder but has neither the instructor's
passphrase nor admin rights: the instructor key file (``MARROWSIM_INSTRUCTOR_KEY``, set by
tests/conftest.py to a folder outside the data folder) is out of their reach.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sim.errors import InputError
from sim.records import RecordStore, chain, db_path, instructor_records, trainee_records
from sim.records.authority import PassphraseRefused, PassphraseThrottled, throttle_delay
from sim.records.passphrase import hash_passphrase
from sim.records.schema import MIGRATIONS, SCHEMA_VERSION
from tests.test_records_support import cli, fake_score, record, write_actions

ROOT = Path(__file__).resolve().parents[1]
PASS = "the instructor's own passphrase"
TRAINEE_PASS = "trainee takes over"


@pytest.fixture
def data(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(d))
    monkeypatch.delenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", raising=False)
    for var in ("MARROWSIM_LRS_ENDPOINT", "MARROWSIM_LRS_USERNAME", "MARROWSIM_LRS_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    return d


@pytest.fixture
def station(data):
    """A station with an instructor key and one open assessment (one attempt allowed)."""
    with RecordStore.open(data) as store:
        store.set_passphrase(PASS)
        inst = instructor_records(store, PASS)
        inst.create_assessment(["adult-standard"], passing=95, attempts_allowed=1)
    return data


def shell(data: Path, *statements: str | tuple[str, tuple]) -> None:
    """What the trainee does with an SQLite shell: drop the triggers, change rows, recreate
    the triggers exactly as they were."""
    conn = sqlite3.connect(db_path(data), isolation_level=None)
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    for s in statements:
        sql, args = (s, ()) if isinstance(s, str) else s
        conn.execute(sql, args)
    for _, sql in triggers:
        conn.execute(sql)
    conn.close()


def _assessment_run(data: Path, tmp_path: Path, monkeypatch) -> tuple[int, str]:
    monkeypatch.setenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", PASS)
    actions = write_actions(tmp_path / "a.jsonl", 20)
    status, _, err = cli(
        "run", "--scenario", "adult-standard", "--actions", str(actions),
        "--trainee", "t-1", "--mode", "assessment", "--json",
    )  # fmt: skip
    monkeypatch.delenv("MARROWSIM_INSTRUCTOR_PASSPHRASE")
    return status, err


# ------------------------------------------------------------------ 1. instructor authority
def test_replacing_the_passphrase_hash_gives_no_instructor_authority(station, monkeypatch):
    """The trainee writes their own passphrase hash (and a made-up key record) into the
    database: their passphrase is still refused, and `records verify` shows both changes."""
    shell(
        station,
        ("INSERT OR REPLACE INTO settings VALUES ('instructor_passphrase', ?)",
         (hash_passphrase(TRAINEE_PASS),)),
        "UPDATE settings SET value = 'feedfacefeedface' WHERE key = 'instructor_key'",
    )  # fmt: skip
    monkeypatch.setenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", TRAINEE_PASS)
    status, out, err = cli("instructor", "cohort")
    assert status == 2 and err.strip() == "marrowsim: instructor passphrase refused" and not out
    status, _, err = cli("instructor", "assessment", "create", "--scenarios", "adult-standard",
                         "--passing", "10", "--attempts", "99")  # fmt: skip
    assert status == 2 and "refused" in err
    status, out, _ = cli("records", "verify")
    assert status == 1
    assert "instructor key" in out and "replaced" in out
    assert "passphrase hash was put into the records database" in out
    monkeypatch.setenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", PASS)  # the instructor still can
    assert cli("instructor", "cohort")[0] == 0


def test_deleting_the_passphrase_hash_gives_no_instructor_authority(station, monkeypatch):
    """Deleting every instructor row does not open the instructor commands, and is reported."""
    shell(station, "DELETE FROM settings WHERE key IN ('instructor_key', 'instructor_passphrase')")
    status, out, err = cli("instructor", "cohort")  # no passphrase, no terminal
    assert status == 2 and "passphrase needed" in err and "note:" not in err and not out
    monkeypatch.setenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", TRAINEE_PASS)
    assert cli("instructor", "cohort")[0] == 2
    monkeypatch.delenv("MARROWSIM_INSTRUCTOR_PASSPHRASE")
    status, out, _ = cli("records", "verify")
    assert status == 1 and "instructor key" in out and "removed" in out
    monkeypatch.setenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", PASS)
    assert cli("instructor", "init")[0] == 0  # the instructor records the key again
    assert cli("records", "verify")[0] == 0


def test_a_forged_assessment_is_refused_and_reported(station):
    """A trainee's own assessment row (99 attempts, pass at 10 %) has no instructor signature:
    verify names it, and no assessment attempt starts until the instructor has looked."""
    shell(station, (
        "INSERT INTO assessments (id, name, scenarios, passing, attempts_allowed, created,"
        " active, length) VALUES ('forged', 'easy', '[\"adult-standard\"]', 10, 99,"
        " '2999-01-01T00:00:00.000Z', 1, 'full')", ()))  # fmt: skip
    with RecordStore.open(station) as store:
        problems = [str(p) for p in store.verify()[0]]
        assert problems == [
            "assessment forged: open assessment not signed by the instructor key (made or"
            " changed outside Marrowsim)"
        ]
        assert store.assessment_for("adult-standard")["id"] != "forged"  # never chosen
        offered = trainee_records(store, "t-1").open_assessments()
        assert "forged" not in [a["id"] for a in offered] and len(offered) == 1
        for chosen in ("forged", None):
            with pytest.raises(InputError, match="the records fail verification"):
                record(store, "t-1", n=5, mode="assessment", assessment_id=chosen)
        assert store.attempts() == []
        monkey = store.assessment("forged")
        assert not store.signed_by_instructor(monkey)


def test_wrong_passphrases_are_throttled_more_each_time(data):
    """Three free tries, then 1, 2, 4, 8 s during which no passphrase (not even the right one)
    is checked; the count survives a restart; a right passphrase after the delay resets it."""
    now = [datetime(2026, 1, 1, tzinfo=UTC)]

    def clock() -> datetime:
        return now[0]

    with RecordStore.open(data, clock=clock) as store:
        store.set_passphrase(PASS)
        for _ in range(3):
            with pytest.raises(PassphraseRefused) as exc:
                store.check_passphrase("a wrong guess")
            assert not isinstance(exc.value, PassphraseThrottled)
    waits = []
    for _ in range(4):
        with RecordStore.open(data, clock=clock) as store:  # a new process each time
            with pytest.raises(PassphraseThrottled) as exc:
                store.check_passphrase(PASS)
            assert "try again in" in str(exc.value)
            waits.append(exc.value.wait_s)
            now[0] += timedelta(seconds=exc.value.wait_s)  # the delay is over ...
            with pytest.raises(PassphraseRefused) as exc:
                store.check_passphrase("another wrong guess")  # ... and wasted
            assert not isinstance(exc.value, PassphraseThrottled)
    assert waits == [1.0, 2.0, 4.0, 8.0]
    assert throttle_delay(100) == 900  # at most 15 minutes
    now[0] += timedelta(seconds=16)
    with RecordStore.open(data, clock=clock) as store:
        instructor_records(store, PASS)  # accepted, and the count reset
        for _ in range(3):
            with pytest.raises(PassphraseRefused) as exc:
                store.check_passphrase("wrong again")
            assert not isinstance(exc.value, PassphraseThrottled)


def test_an_edited_throttle_delays_at_most_the_longest_delay(data):
    """A count set to a huge number with a time far in the future (by a trainee, or a clock
    set back) delays the instructor by at most 15 minutes, not for ever."""
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    with RecordStore.open(data, clock=lambda: now[0]) as store:
        store.set_passphrase(PASS)
        store.conn.execute(
            "INSERT OR REPLACE INTO settings VALUES ('instructor_throttle', ?)",
            (json.dumps({"failures": 10**6, "last": 1e15}),),
        )
        with pytest.raises(PassphraseThrottled) as exc:
            store.check_passphrase(PASS)
        assert exc.value.wait_s == 900
        now[0] += timedelta(seconds=900)
        instructor_records(store, PASS)


def test_the_key_cannot_be_kept_in_the_data_folder(data, monkeypatch):
    monkeypatch.setenv("MARROWSIM_INSTRUCTOR_KEY", str(data / "instructor-key.json"))
    monkeypatch.setenv("MARROWSIM_NEW_INSTRUCTOR_PASSPHRASE", PASS)
    status, _, err = cli("instructor", "init")
    assert status == 2 and "must not be inside the data folder" in err
    assert len(err.strip().splitlines()) == 1


# ------------------------------------------------------------------ 2. a chain without gaps
def test_deleting_an_incomplete_attempt_is_caught_and_no_retry(station):
    with RecordStore.open(station) as store:
        started = record(store, "t-1", n=5, mode="assessment", finish=False)
        record(store, "t-2", n=5)  # someone else's practice after it
    shell(
        station,
        ("DELETE FROM attempt_commands WHERE attempt_id = ?", (started,)),
        ("DELETE FROM attempts WHERE id = ?", (started,)),
    )
    status, out, _ = cli("records", "verify")
    assert status == 1 and "removed" in out
    with RecordStore.open(station) as store:
        with pytest.raises(InputError, match="the records fail verification"):
            record(store, "t-1", n=5, mode="assessment")
        assert [a["trainee_id"] for a in store.attempts()] == ["t-2"]  # nothing new stored


def test_deleting_the_newest_incomplete_attempt_is_caught(station):
    with RecordStore.open(station) as store:
        started = record(store, "t-1", n=5, mode="assessment", finish=False)
    shell(station, ("DELETE FROM attempts WHERE id = ?", (started,)))
    status, out, _ = cli("records", "verify")
    assert status == 1 and "chain head does not match" in out


def test_deleting_a_failed_attempt_then_retry_is_refused(station, tmp_path, monkeypatch):
    with RecordStore.open(station) as store:
        failed = record(store, "t-1", n=20, mode="assessment")
        assert store.attempt(failed)["passed"] is False  # 95 % needed
    shell(
        station,
        ("DELETE FROM attempt_commands WHERE attempt_id = ?", (failed,)),
        ("DELETE FROM attempts WHERE id = ?", (failed,)),
    )
    assert cli("records", "verify")[0] == 1
    status, err = _assessment_run(station, tmp_path, monkeypatch)
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert "the records fail verification" in err and "records verify" in err
    with RecordStore.open(station) as store:
        assert store.attempts() == []


def _rebuild_chain(data: Path, deleted: str) -> None:
    """The ~15 lines a trainee who read the source would write: delete an attempt, then
    recompute every link after it and the head."""
    conn = sqlite3.connect(db_path(data), isolation_level=None)
    conn.row_factory = sqlite3.Row
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DELETE FROM attempt_commands WHERE attempt_id = ?", (deleted,))
    conn.execute("DELETE FROM attempts WHERE id = ?", (deleted,))
    rows = [dict(r) for r in conn.execute("SELECT * FROM attempts")]
    links = [(r["start_seq"], "start", r) for r in rows]
    links = sorted(links + [(r["seq"], "finish", r) for r in rows if r["seq"]], key=lambda x: x[0])
    prev = "0" * 64
    for seq, (_, kind, row) in enumerate(links, start=1):
        if kind == "start":
            digest = chain.link_hash(prev, chain.canonical_start(row))
            sql = "UPDATE attempts SET start_seq = ?, start_prev = ?, start_hash = ? WHERE id = ?"
        else:
            digest = chain.link_hash(
                prev, chain.canonical(row, chain.commands_digest(conn, row["id"]))
            )
            sql = "UPDATE attempts SET seq = ?, prev_hash = ?, record_hash = ? WHERE id = ?"
        conn.execute(sql, (-seq, prev, digest, row["id"]))  # negative first: seq is UNIQUE
        prev = digest
    conn.execute("UPDATE attempts SET start_seq = -start_seq WHERE start_seq < 0")
    conn.execute("UPDATE attempts SET seq = -seq WHERE seq < 0")
    conn.execute("UPDATE settings SET value = ? WHERE key = 'chain_head'",
                 (f"{len(links)}:{links[-1][2]['id']}:{prev}",))  # fmt: skip
    conn.close()


def test_a_rebuilt_chain_is_caught_by_a_signed_head(station, tmp_path, monkeypatch):
    with RecordStore.open(station) as store:
        record(store, "t-0", n=5)
        failed = record(store, "t-1", n=20, mode="assessment")
        record(store, "t-2", n=5)
    monkeypatch.setenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", PASS)
    head_file = tmp_path / "away" / "head.json"  # the instructor keeps it off the station
    head_file.parent.mkdir()
    status, out, _ = cli("instructor", "export-head", "--out", str(head_file))
    assert status == 0 and "signed head 6" in out
    monkeypatch.delenv("MARROWSIM_INSTRUCTOR_PASSPHRASE")
    assert cli("records", "verify", "--head", str(head_file))[0] == 0

    _rebuild_chain(station, failed)
    # the chain alone cannot tell (this is what the signed head and the LRS are for) ...
    status, out, _ = cli("records", "verify")
    assert status == 0, out
    # ... the head the instructor signed can
    status, out, _ = cli("records", "verify", "--head", str(head_file))
    assert status == 1 and "signed head 6" in out and "chain was rebuilt" in out
    # a head the trainee signs with a key of their own does not check
    forged = json.loads(head_file.read_text()) | {"seq": 4}
    forged_file = tmp_path / "forged.json"
    forged_file.write_text(json.dumps(forged))
    status, out, _ = cli("records", "verify", "--head", str(forged_file))
    assert status == 1 and "signature does not check" in out


def test_result_hashes_for_an_external_witness(station):
    """``RecordStore.result_hashes`` gives what `verify --against-lrs` compares: the hash each
    finished attempt's xAPI outcome statement carries."""
    with RecordStore.open(station) as store:
        done = [record(store, f"t-{i}", n=5) for i in range(2)]
        record(store, "t-9", n=5, finish=False)
        pairs = store.result_hashes()
        assert pairs == [(a, store.result_hash(a)) for a in done]
        from sim.xapi.statements import attempt_statements

        body = attempt_statements(store, done[0], iri_base="https://x.invalid", homepage="h")
        assert pairs[0][1] in json.dumps(body[-2])


def _downgrade_to_v3(path: Path) -> None:
    """Make a schema-3 database of a v4 one: no start links, a finish-only chain, the
    passphrase hash in the settings (as Marrowsim wrote them before issue 13)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("DROP TRIGGER attempts_start_fixed")
    conn.execute("DROP TRIGGER attempts_locked")
    conn.execute("DROP INDEX attempts_start_seq")
    conn.execute("DROP INDEX attempts_started")  # schema 5
    conn.execute("DROP INDEX attempts_seq")
    conn.execute("DROP TABLE chain_checkpoints")  # schema 6
    conn.execute("DROP INDEX attempts_chain_start")
    conn.execute("DROP INDEX attempts_chain_finish")
    for column in ("start_seq", "start_prev", "start_hash"):
        conn.execute(f"ALTER TABLE attempts DROP COLUMN {column}")
    conn.execute("ALTER TABLE assessments DROP COLUMN signature")
    prev, seq, last = chain.GENESIS, 0, ""
    for row in [dict(r) for r in conn.execute("SELECT * FROM attempts WHERE seq IS NOT NULL"
                                              " ORDER BY seq")]:  # fmt: skip
        seq += 1
        digest = chain.link_hash(prev, chain.canonical(row, chain.commands_digest(conn, row["id"])))
        conn.execute("UPDATE attempts SET seq = ?, prev_hash = ?, record_hash = ? WHERE id = ?",
                     (-seq, prev, digest, row["id"]))  # fmt: skip
        prev, last = digest, row["id"]
    conn.execute("UPDATE attempts SET seq = -seq WHERE seq < 0")
    conn.execute(
        "UPDATE settings SET value = ? WHERE key = 'chain_head'", (f"{seq}:{last}:{prev}",)
    )
    conn.execute("DELETE FROM settings WHERE key IN ('instructor_key', 'instructor_throttle')")
    conn.execute(
        "INSERT INTO settings VALUES ('instructor_passphrase', ?)", (hash_passphrase(PASS),)
    )
    conn.execute(MIGRATIONS[0][7])
    conn.execute("PRAGMA user_version = 3")
    conn.close()


def test_an_old_store_is_migrated_into_the_new_chain(tmp_path, monkeypatch):
    """A schema-3 database (passphrase hash inside it, incomplete attempts outside the chain)
    opens as schema 4 with every attempt linked, verifies, and the instructor's first sign-in
    moves the passphrase out of the data folder into the instructor key."""
    path = tmp_path / "old" / "marrowsim.db"
    key = Path(os.environ["MARROWSIM_INSTRUCTOR_KEY"])
    with RecordStore(path) as store:
        done = record(store, "t-1", n=5, score=fake_score(90))
        record(store, "t-2", n=5, finish=False)
        record(store, "t-3", n=5, score=fake_score(60))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = store.result_hash(done)
    _downgrade_to_v3(path)
    with RecordStore(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.verify()[0] == []
        assert all(a["start_seq"] > 2 for a in map(dict, store.conn.execute(
            "SELECT start_seq FROM attempts")))  # fmt: skip
        assert store.result_hash(done) == before
        assert store.instructor_state() == "legacy" and not key.exists()
        with pytest.raises(PassphraseRefused):
            instructor_records(store, TRAINEE_PASS)
        instructor_records(store, PASS)  # moves the station to an instructor key
        assert store.instructor_state() == "keyed" and key.exists()
        assert store.setting("instructor_passphrase") is None
        assert store.verify()[0] == []
    assert (path.parent / "marrowsim.db.v3.bak").exists()


# ------------------------------------------------------------------ 3. damage is noticed
def _flip_data_pages(path: Path, n: int = 200, seed: int = 1) -> bytes:
    raw = bytearray(path.read_bytes())
    rng = random.Random(seed)
    for i in rng.sample(range(len(raw) // 2, len(raw)), n):  # the later pages: data
        raw[i] ^= 0xFF
    path.write_bytes(bytes(raw))
    return bytes(raw)


def test_flipped_bytes_move_the_database_aside_and_nothing_is_written(data, tmp_path):
    with RecordStore.open(data) as store:
        for i in range(3):
            record(store, f"t-{i}", n=20)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = db_path(data)
    damaged = _flip_data_pages(path)
    actions = write_actions(tmp_path / "a.jsonl", 20)
    status, out, err = cli("run", "--scenario", "adult-standard", "--actions", str(actions),
                           "--trainee", "t-9")  # fmt: skip
    assert status == 2 and not out
    assert len(err.strip().splitlines()) == 1
    assert "records database is damaged" in err and "it was moved to" in err
    backups = list(data.glob("marrowsim.db.damaged-*.bak"))
    assert len(backups) == 1 and backups[0].read_bytes() == damaged  # never written to
    assert not path.exists()


def _counting_quick_check(monkeypatch) -> list[int]:
    from sim.records import db

    calls: list[int] = []
    real = db._quick_check

    def counted(conn):
        calls.append(1)
        return real(conn)

    monkeypatch.setattr(db, "_quick_check", counted)
    return calls


def test_a_reading_command_puts_the_quick_check_off_to_the_first_write(data, monkeypatch):
    """``records list`` at a programme's size must not read the whole file first; a store
    opened that way runs the check once, before its first write, and not again."""
    with RecordStore.open(data) as store:
        record(store, "t-1", n=5)
    calls = _counting_quick_check(monkeypatch)
    status, out, _ = cli("records", "list")
    assert status == 0 and "t-1" in out and calls == []
    with RecordStore.open(data, quick_check=False) as store:
        assert [a["trainee_id"] for a in store.attempts()] == ["t-1"] and calls == []
        record(store, "t-2", n=5)  # the first write runs the check
        assert calls == [1]
        record(store, "t-3", n=5)
        assert calls == [1]
    with RecordStore.open(data) as store:  # a writing command still checks at open
        assert calls == [1, 1] and len(store.attempts()) == 3


def test_a_write_after_a_deferred_check_never_reaches_a_damaged_file(data):
    with RecordStore.open(data) as store:
        for i in range(3):
            record(store, f"t-{i}", n=20)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = db_path(data)
    store = RecordStore.open(data, quick_check=False)  # opens a sound file, reads only
    assert len(store.attempts()) == 3
    damaged = _flip_data_pages(path)  # damaged while it is open
    with pytest.raises(InputError, match="damaged") as refused:
        store.ensure_trainee("t-new")
    message = str(refused.value)
    assert "quick_check" in message and "it was moved to" in message
    assert len(message.splitlines()) == 1
    store.close()
    backups = list(data.glob("marrowsim.db.damaged-*.bak"))
    assert len(backups) == 1 and backups[0].read_bytes() == damaged  # never written to
    assert not path.exists()


def test_an_emptied_database_is_moved_aside_not_started_afresh(data):
    with RecordStore.open(data) as store:
        record(store, "t-1", n=5)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = db_path(data)
    path.write_bytes(b"")
    for side in ("-wal", "-shm"):
        path.with_name(path.name + side).unlink(missing_ok=True)
    status, _, err = cli("records", "verify")
    assert status == 2 and len(err.strip().splitlines()) == 1
    assert "the file is empty (0 bytes)" in err and "it was moved to" in err
    backups = list(data.glob("marrowsim.db.damaged-*.bak"))
    assert len(backups) == 1 and backups[0].stat().st_size == 0
    with pytest.raises(InputError, match="damaged"):  # in code too, e.g. the trainer window
        path.write_bytes(b"")
        RecordStore.open(data)


def test_a_truncated_database_is_moved_aside(data):
    with RecordStore.open(data) as store:
        record(store, "t-1", n=5)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = db_path(data)
    path.write_bytes(path.read_bytes()[:5000])
    status, _, err = cli("records", "list")
    assert status == 2 and "truncated" in err and "moved to" in err


#: A trainee finishing short attempts as fast as the database lets them, until told to stop.
WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sim.records import RecordStore
    from tests.test_records_support import record
    stop = Path(sys.argv[2])
    with RecordStore.open(sys.argv[1]) as store:
        i = 0
        while not stop.exists():
            record(store, f"w{sys.argv[3]}-{i}", n=3, finish=i % 4 != 3)
            i += 1
            if i == 1:
                print("ready", flush=True)
        print(i, flush=True)
    """
)


def test_concurrent_verify_gives_no_false_alarm(data, tmp_path):
    with RecordStore.open(data) as store:  # enough that each verify takes a while
        for i in range(30):
            record(store, f"t-{i}", n=60)
    stop = tmp_path / "stop"
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data), str(stop), str(k)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for k in range(2)
    ]
    try:
        for w in writers:  # each has stored an attempt: they are under way
            assert w.stdout is not None and w.stdout.readline().strip() == "ready"

        def one(_: int) -> list[str]:
            with RecordStore.open(data) as store:
                return [str(p) for p in store.verify()[0]]

        with ThreadPoolExecutor(4) as pool:
            found = [p for problems in pool.map(one, range(50)) for p in problems]
    finally:
        stop.touch()
        written = [int(w.communicate(timeout=60)[0].split()[-1]) for w in writers]
    assert found == []
    assert sum(written) > 0  # attempts were finished while verify ran
    status, out, _ = cli("records", "verify")
    assert status == 0, out


def test_verify_reads_one_snapshot():
    """The chain, the command logs and the head come from one read transaction."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    for step in MIGRATIONS:
        for s in step:
            s(conn) if callable(s) else conn.execute(s)
    seen = []
    conn.set_trace_callback(seen.append)
    chain.verify(conn)
    assert seen[0] == "BEGIN" and seen[-1] == "COMMIT"


def test_changing_the_passphrase_keeps_assessments_and_old_heads_valid(station, tmp_path):
    with RecordStore.open(station) as store:
        record(store, "t-0", n=5)
        inst = instructor_records(store, PASS)
        old_head = inst.export_head()
        inst.change_passphrase(PASS, "a brand new passphrase")
        with pytest.raises(PassphraseRefused):
            instructor_records(store, PASS)
        new = instructor_records(store, "a brand new passphrase")
        assert store.verify([old_head, new.export_head()])[0] == []  # the old key is retired
        record(store, "t-1", n=5, mode="assessment", finish=False)  # still signed: it starts
        assert store.attempts(trainee_id="t-1")[0]["assessment_id"] is not None
        assert store.verify()[0] == []


def test_the_trainer_window_gets_the_damage_message(data):
    """The launcher shows ``StationRecords.error``: the same one line, nothing written."""
    from sim.trainer.station import StationRecords

    data.mkdir(parents=True)
    db_path(data).write_bytes(b"")
    station = StationRecords(data)
    assert station.store is None
    assert station.error.startswith("Records unavailable: ")
    assert "the file is empty (0 bytes)" in station.error and "moved to" in station.error
    assert "\n" not in station.error
    assert len(list(data.glob("marrowsim.db.damaged-*.bak"))) == 1
