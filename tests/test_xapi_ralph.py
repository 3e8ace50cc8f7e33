"""Delivery end to end against a real open-source LRS: Ralph (``ralph-malph`` 5.1.0, in the
test extras) with its filesystem backend, started on a free loopback port for the module
(tests/lrs/ralph_server.py says why its launcher makes the backend append).

Ralph validates every statement with its own xAPI models (an independent check of their shape:
it answers 400 for one it does not accept), answers 409 for an id it already holds, and is read
back with GET.  Skipped when Ralph is not installed.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sim.records import RecordStore
from sim.xapi import Deliverer, counts, load_config, queue_attempt, statements_for
from sim.xapi.lrs import get_statements, post_statements
from tests.test_records_support import cli, fake_score, record
from tests.test_xapi import IRI_BASE, PASSWORD, USER, statement_problems

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("ralph") is None, reason="ralph-malph (test extras) not installed"
)
LAUNCHER = Path(__file__).parent / "lrs" / "ralph_server.py"
START_S = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(url: str) -> bool:
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    request = urllib.request.Request(
        url + "/statements?limit=1",
        headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def ralph(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ralph")
    port = _free_port()
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, str(LAUNCHER), str(port), str(folder), USER, PASSWORD],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=folder,
    )
    endpoint = f"http://127.0.0.1:{port}/xAPI"
    try:
        deadline = time.monotonic() + START_S
        while not _ready(endpoint):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("Ralph did not start: " + (folder / "server.log").read_text()[-2000:])
            time.sleep(0.2)
        yield endpoint
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


@pytest.fixture
def station(tmp_path, monkeypatch, ralph):
    d = tmp_path / "data"
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(d))
    monkeypatch.delenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", raising=False)
    for var in ("LRS_ENDPOINT", "LRS_USERNAME", "XAPI_IRI_BASE", "XAPI_HOMEPAGE"):
        monkeypatch.delenv(f"MARROWSIM_{var}", raising=False)
    monkeypatch.setenv("MARROWSIM_LRS_PASSWORD", PASSWORD)
    status, _, err = cli("instructor", "lrs", "set", "--endpoint", ralph,
                         "--iri-base", IRI_BASE, "--user", USER)  # fmt: skip
    assert status == 0, err
    monkeypatch.delenv("MARROWSIM_LRS_PASSWORD")
    return d


def _held(config, attempt_id: str) -> list[dict]:
    return [
        s
        for s in get_statements(config, {"registration": attempt_id, "limit": "50"})
        if s.get("context", {}).get("registration") == attempt_id
    ]


def test_statements_reach_ralph_and_read_back_the_same(station):
    with RecordStore.open(station) as store:
        ids = [record(store, f"t-{i}", score=fake_score(60 + 20 * i)) for i in range(2)]
        config = load_config(station, {})
        expected = {a: statements_for(store, a, config) for a in ids}
        for a in ids:
            queue_attempt(store, a, config, send=False)
    status, out, err = cli("export", "flush")
    total = sum(len(v) for v in expected.values())
    assert status == 0, out + err
    assert f"sent {total}, 0 still queued" in out
    for attempt_id, mine in expected.items():
        for s in mine:
            assert statement_problems(s) == []
        held = {s["id"]: s for s in _held(config, attempt_id)}
        assert set(held) == {s["id"] for s in mine}
        for s in mine:  # Ralph adds stored/authority; everything sent comes back unchanged
            got = held[s["id"]]
            for key in ("actor", "verb", "object", "result", "context"):
                assert json.loads(json.dumps(got.get(key))) == json.loads(json.dumps(s.get(key)))

    # A resend of what Ralph holds gets 409, which counts as delivered, not rejected
    with RecordStore.open(station) as store:
        store.conn.execute("UPDATE xapi_queue SET status = 'queued'")
    status, out, _ = cli("export", "flush")
    assert status == 0 and "rejected" not in out
    with RecordStore.open(station) as store:
        assert counts(store) == {"queued": 0, "sent": total, "rejected": 0}

    # the LRS as a witness of the stored results
    status, out, err = cli("records", "verify", "--against-lrs")
    assert status == 0, out + err
    assert "2 result(s) match" in out


def test_ralph_refuses_a_bad_statement_and_the_rest_still_go(station):
    with RecordStore.open(station) as store:
        a = record(store, "t-9", score=fake_score(85))
        config = load_config(station, {})
        statements = statements_for(store, a, config)
        queue_attempt(store, a, config, send=False)
        bad = {k: v for k, v in statements[1].items() if k != "verb"}  # no verb: invalid
        store.conn.execute(
            "UPDATE xapi_queue SET body = ? WHERE statement_id = ?",
            (json.dumps(bad), bad["id"]),
        )
    status, out, _ = cli("export", "flush")
    assert "1 rejected" in out and status == 0
    assert {s["id"] for s in _held(config, a)} == {s["id"] for s in statements} - {bad["id"]}
    with pytest.raises(Exception, match="HTTP 4"):
        post_statements(config, [bad])


def test_the_deliverer_sends_to_ralph(station):
    with RecordStore.open(station) as store:
        a = record(store, "t-7", score=fake_score(75))
        config = load_config(station, {})
        queue_attempt(store, a, config, send=False)
    d = Deliverer(station, {}, poll_s=0.1).start()
    deadline = time.monotonic() + 20
    while "sent" not in d.state and time.monotonic() < deadline:
        time.sleep(0.05)
    assert d.stop(timeout=10)
    assert len(_held(config, a)) == len(statements_for(RecordStore.open(station), a, config))


def test_every_statement_shape_passes_ralphs_strict_model(tmp_path, monkeypatch):
    """Independent of the LRS server: Ralph's strict xAPI statement model (pydantic) accepts
    every kind of statement an attempt makes (passed, failed, unscored, incomplete)."""
    from ralph.models.xapi.base.statements import BaseXapiStatement

    from sim.records import Recorder
    from sim.run.attempt import Attempt
    from sim.scenario import resolve_scenario
    from sim.vocabulary.commands import parse_command
    from sim.xapi import LrsConfig

    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(tmp_path))
    config = LrsConfig(iri_base=IRI_BASE, homepage=IRI_BASE)
    verbs = set()
    with RecordStore.open(tmp_path) as store:
        ids = [
            record(store, "t-1", score=fake_score(90)),
            record(store, "t-2", score=fake_score(20)),
            record(store, "t-3", finish=False),
        ]
        attempt = Attempt(resolve_scenario("adult-standard"), 2)
        rec = Recorder.start(store, attempt, trainee_id="t-4", mode="practice")
        attempt.apply(parse_command({"do": "end"}))
        rec.finish(auto_score=False)
        ids.append(rec.attempt_id)
        for a in ids:
            for s in statements_for(store, a, config):
                BaseXapiStatement.model_validate(s)
                assert statement_problems(s) == []
                verbs.add(s["verb"]["display"]["en-US"])
    assert verbs >= {"initialized", "attempted", "passed", "failed", "completed", "terminated"}
