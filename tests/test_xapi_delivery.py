"""Issue 13, results that reach the LRS by themselves: 409 and 400 handling, requeue, status,
malformed endpoints and the IRI base, the background deliverer (and the window running it),
and ``records verify --against-lrs`` catching a deleted result behind a rebuilt chain."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from sim.records import RecordStore
from sim.xapi import Deliverer, LrsConfig, counts, flush, queue_attempt, statements_for
from sim.xapi.lrs import save_config
from tests.test_records_attacks import _rebuild_chain
from tests.test_records_support import cli, fake_score, record, write_actions
from tests.test_xapi import IRI_BASE, PASSWORD, USER, FakeLRS, _config, statement_problems

# the fixtures of test_xapi
from tests.test_xapi import data, lrs  # noqa: F401  isort: skip


def _env(monkeypatch, server: FakeLRS) -> None:
    monkeypatch.setenv("MARROWSIM_LRS_ENDPOINT", server.endpoint)
    monkeypatch.setenv("MARROWSIM_LRS_USERNAME", USER)
    monkeypatch.setenv("MARROWSIM_LRS_PASSWORD", PASSWORD)


# ------------------------------------------------------------------ 409 and 400
def test_a_batch_stored_but_answered_late_then_409_is_delivered(data, lrs):  # noqa: F811
    """The LRS stores the batch but answers after the timeout; the resend gets 409 for ids it
    holds (xAPI allows it): every statement is delivered, none rejected."""
    lrs.conflict_on_known = True
    config = LrsConfig(**{**_config(lrs).__dict__, "timeout_s": 0.3})
    with RecordStore.open(data) as store:
        attempt_id = record(store, score=fake_score(85))
        n = len(statements_for(store, attempt_id, config))
        lrs.delay_next_s = 1.0
        first = queue_attempt(store, attempt_id, config)
        assert first.sent == 0 and first.remaining == n  # timed out: still queued
        assert len(lrs.statements) == n  # ...though the LRS stored them all
        time.sleep(0.8)
        second = flush(store, config)
        assert second.rejected == 0 and second.sent == n and second.already == n
        assert counts(store) == {"queued": 0, "sent": n, "rejected": 0}


def test_a_400_finds_the_one_bad_statement_by_bisection(data, lrs):  # noqa: F811
    config = _config(lrs)
    with RecordStore.open(data) as store:
        ids = [record(store, f"t-{i}", score=fake_score(85)) for i in range(1)]
        statements = statements_for(store, ids[0], config)
        bad = statements[len(statements) // 2]["id"]
        lrs.reject.add(bad)
        report = queue_attempt(store, ids[0], config)
        assert report.rejected == 1 and report.sent == len(statements) - 1
        rejected = [
            r[0]
            for r in store.conn.execute(
                "SELECT statement_id FROM xapi_queue WHERE status = 'rejected'"
            )
        ]
    assert rejected == [bad]
    # halves, not one request per statement
    assert len(lrs.posts) <= 2 * max(1, len(statements).bit_length()) + 1


def test_a_server_that_400s_everything_sets_them_aside_and_requeue_brings_them_back(
    data, lrs, monkeypatch  # noqa: F811
):
    _env(monkeypatch, lrs)
    config = _config(lrs)
    lrs.reject_all = True
    with RecordStore.open(data) as store:
        attempt_id = record(store, score=fake_score(85))
        n = len(statements_for(store, attempt_id, config))
        report = queue_attempt(store, attempt_id, config)
        assert report.rejected == n and counts(store)["rejected"] == n
    status, out, _ = cli("export", "status")
    assert status == 0 and f"0 queued, 0 sent, {n} rejected" in out
    assert "last error" in out and "HTTP 400" in out and "requeue" in out
    status, out, err = cli("export", "requeue")
    assert status == 0, err
    assert f"{n} rejected statement(s) back in the queue" in out
    lrs.reject_all = False  # the server is fixed
    status, out, _ = cli("export", "flush")
    assert status == 0 and f"sent {n}, 0 still queued" in out
    status, out, _ = cli("export", "status", "--json")
    got = json.loads(out)
    assert (got["queued"], got["sent"], got["rejected"], got["last_error"]) == (0, n, 0, None)


# ------------------------------------------------------------------ endpoint and IRI base
@pytest.mark.parametrize("endpoint", ["not a url", "http://[::1", "ftp://lrs.example/x", "http://"])
def test_a_malformed_endpoint_is_one_line_before_anything_is_stored(
    data, monkeypatch, tmp_path, endpoint  # noqa: F811
):
    monkeypatch.setenv("MARROWSIM_LRS_ENDPOINT", endpoint)
    actions = write_actions(tmp_path / "a.jsonl")
    status, out, err = cli("run", "--scenario", "adult-standard", "--actions", str(actions),
                           "--trainee", "t-1", "--json")  # fmt: skip
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "endpoint" in err and "Traceback" not in err
    if (data / "marrowsim.db").exists():
        with RecordStore.open(data) as store:
            assert store.attempts() == []


def test_the_placeholder_iri_base_is_refused_for_delivery(data, lrs, monkeypatch, tmp_path):  # noqa: F811
    _env(monkeypatch, lrs)
    monkeypatch.delenv("MARROWSIM_XAPI_IRI_BASE")
    actions = write_actions(tmp_path / "a.jsonl")
    status, _, err = cli("run", "--scenario", "adult-standard", "--actions", str(actions),
                         "--trainee", "t-1")  # fmt: skip
    assert status == 2 and "iri_base" in err and "placeholder" in err
    assert len(err.strip().splitlines()) == 1
    assert lrs.requests == 0
    status, _, err = cli("export", "flush")
    assert status == 2 and "placeholder" in err


def test_instructor_lrs_set_writes_the_settings_and_keeps_the_identity(data, lrs, monkeypatch):  # noqa: F811
    monkeypatch.delenv("MARROWSIM_XAPI_IRI_BASE")
    monkeypatch.setenv("MARROWSIM_LRS_PASSWORD", PASSWORD)
    status, _, err = cli("instructor", "lrs", "set", "--endpoint", "http://[::1",
                         "--iri-base", IRI_BASE, "--user", USER)  # fmt: skip
    assert status == 2 and "endpoint" in err and not (data / "xapi.toml").exists()
    status, _, err = cli("instructor", "lrs", "set", "--endpoint", lrs.endpoint,
                         "--iri-base", "https://marrowsim.invalid", "--user", USER)  # fmt: skip
    assert status == 2 and "placeholder" in err
    status, out, err = cli("instructor", "lrs", "set", "--endpoint", lrs.endpoint,
                           "--iri-base", IRI_BASE, "--user", USER)  # fmt: skip
    assert status == 0, err
    monkeypatch.delenv("MARROWSIM_LRS_PASSWORD")
    lrs.stop()  # statements wait in the queue
    with RecordStore.open(data) as store:
        attempt_id = record(store, score=fake_score(85))
        from sim.xapi import load_config

        config = load_config(data, {})
        assert (config.username, config.password, config.iri_base) == (USER, PASSWORD, IRI_BASE)
        report = queue_attempt(store, attempt_id, config)
        assert report.remaining > 0
    other = "https://other.example.org/sim"
    status, _, err = cli("instructor", "lrs", "set", "--endpoint", lrs.endpoint,
                         "--iri-base", other, "--change-identity")  # fmt: skip
    assert status == 2 and "queued" in err
    lrs.start()
    assert cli("export", "flush")[0] == 0
    status, _, err = cli("instructor", "lrs", "set", "--endpoint", lrs.endpoint,
                         "--iri-base", other)  # fmt: skip
    assert status == 2 and "--change-identity" in err
    status, _, err = cli("instructor", "lrs", "set", "--endpoint", lrs.endpoint,
                         "--iri-base", other, "--change-identity")  # fmt: skip
    assert status == 0, err
    assert load_config(data, {}).homepage == other


# ------------------------------------------------------------------ the background deliverer
def test_the_deliverer_backs_off_then_delivers_and_flushes_at_exit(data, lrs):  # noqa: F811
    config = _config(lrs)
    save_config(data, config)
    lrs.stop()
    with RecordStore.open(data) as store:
        first = record(store, "t-1", score=fake_score(85))
        queue_attempt(store, first, config, send=False)
    d = Deliverer(data, {}, poll_s=0.05, first_retry_s=0.1, max_retry_s=0.4).start()
    deadline = time.monotonic() + 5
    while d.failures < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert d.failures >= 3 and "unreachable" in d.state
    idle = Deliverer(data, {}, poll_s=0.05, first_retry_s=0.1, max_retry_s=0.4)  # not started
    waits = []
    for idle.failures in (1, 2, 3, 4, 9):
        waits.append(idle.next_wait(False))
    assert waits == [0.1, 0.2, 0.4, 0.4, 0.4] and idle.next_wait(True) == 0.05
    lrs.start()  # back: delivered on the next retry
    deadline = time.monotonic() + 5
    while lrs.received == [] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert lrs.received and all(statement_problems(s) == [] for s in lrs.statements.values())
    d.poll_s = 60  # no more looks: only stop() will deliver the next one
    time.sleep(0.2)
    with RecordStore.open(data) as store:
        second = record(store, "t-2", score=fake_score(70))
        queue_attempt(store, second, config, send=False)
    assert d.stop(timeout=5)
    with RecordStore.open(data) as store:
        assert counts(store)["queued"] == 0
    assert {s["context"]["registration"] for s in lrs.statements.values()} == {first, second}


def test_the_window_delivers_on_its_own_without_holding_up_frames(data, lrs):  # noqa: F811
    """The trainer sends what is queued at start-up, in a thread: with an LRS that takes a
    two seconds to answer, no frame waits for it."""
    pytest.importorskip("pygame")
    from tests.ui.driver import make_app

    config = _config(lrs)
    save_config(data, config)
    with RecordStore.open(data) as store:
        attempt_id = record(store, "t-1", score=fake_score(85))
        queue_attempt(store, attempt_id, config, send=False)
    lrs.delay_next_s = 2.0
    app = make_app(data_dir=data)
    stamps: list[float] = []
    app.after_frame.append(lambda _app: stamps.append(time.perf_counter()))
    app.run(max_frames=60)  # about 2 s at the idle frame rate
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    assert max(gaps) < 1.0, max(gaps)  # the loop never waited on the 2 s answer
    assert {s["context"]["registration"] for s in lrs.statements.values()} == {attempt_id}
    with RecordStore.open(data) as store:
        assert counts(store)["queued"] == 0  # sent (or answered 409 on the retry at exit)


# ------------------------------------------------------------------ the LRS as a witness
def test_verify_against_the_lrs_catches_a_deleted_result_behind_a_rebuilt_chain(
    data, lrs, monkeypatch  # noqa: F811
):
    _env(monkeypatch, lrs)
    config = _config(lrs)
    with RecordStore.open(data) as store:
        kept = record(store, "t-1", score=fake_score(90))
        failed = record(store, "t-1", score=fake_score(30))
        for a in (kept, failed):
            assert queue_attempt(store, a, config).remaining == 0
    status, out, err = cli("records", "verify", "--against-lrs")
    assert status == 0, out + err
    assert "2 result(s) match" in out

    _rebuild_chain(data, failed)  # what a trainee who read the source can do
    status, out, _ = cli("records", "verify")
    assert status == 0  # the rebuilt chain fools the local check...
    status, out, err = cli("records", "verify", "--against-lrs")
    assert status == 1  # ...but not the LRS
    assert f"attempt {failed}: the LRS holds a result" in out and "deleted" in out
    status, out, _ = cli("records", "verify", "--against-lrs", "--json")
    got = json.loads(out)
    assert status == 1 and got["ok"] is False and got["against_lrs"]["matched"] == 1
    assert "deleted" in got["against_lrs"]["problems"][0]


def test_verify_against_the_lrs_catches_a_changed_result(data, lrs, monkeypatch):  # noqa: F811
    _env(monkeypatch, lrs)
    with RecordStore.open(data) as store:
        a = record(store, "t-1", score=fake_score(40))
        queue_attempt(store, a, _config(lrs))
        path = store.path
    conn = sqlite3.connect(path)
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE attempts SET score_total = 95, passed = 1 WHERE id = ?", (a,))
    for _, sql in triggers:
        conn.execute(sql)
    conn.commit()
    conn.close()
    status, out, _ = cli("records", "verify", "--against-lrs")
    assert status == 1 and f"attempt {a}: stored result differs" in out


def test_verify_against_an_unreachable_lrs_is_one_line(data, lrs, monkeypatch):  # noqa: F811
    _env(monkeypatch, lrs)
    lrs.stop()
    status, _, err = cli("records", "verify", "--against-lrs")
    assert status == 2 and "cannot read the LRS" in err and len(err.strip().splitlines()) == 1
