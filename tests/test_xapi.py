"""xAPI: statement order and shape, export, and delivery through a queue to a local LRS that
checks each statement against the spec and goes down and comes back."""

from __future__ import annotations

import base64
import contextlib
import json
import re
import threading
import time
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from sim.records import RecordStore
from sim.vocabulary.commands import parse_command
from sim.xapi import LrsConfig, counts, flush, load_config, queue_attempt, statements_for
from sim.xapi.statements import iso_duration, statement_id
from tests.test_records_support import cli, fake_score, record, write_actions

DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
USER, PASSWORD = "station-key", "station-secret"
IRI_BASE = "https://centre.example.org/marrowsim"


# ------------------------------------------------------------------ spec checks (the LRS's)
def _iri(value: object) -> bool:
    return isinstance(value, str) and bool(urlparse(value).scheme) and " " not in value


def _uuid(value: object) -> bool:
    try:
        return str(uuid.UUID(str(value))) == value
    except ValueError:
        return False


def _timestamp(value: object) -> bool:
    try:
        return isinstance(value, str) and datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False


def statement_problems(s: dict) -> list[str]:
    """What is wrong with a statement by the xAPI 1.0.3 data rules this station uses."""
    p = []
    if not _uuid(s.get("id")):
        p.append("id must be a UUID")
    actor = s.get("actor") or {}
    ifis = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in actor]
    if len(ifis) != 1:
        p.append("actor needs exactly one identifier")
    if "account" in actor:
        acc = actor["account"]
        if not _iri(acc.get("homePage")) or not acc.get("name"):
            p.append("actor.account needs homePage (IRL) and name")
    verb = s.get("verb") or {}
    if not _iri(verb.get("id")):
        p.append("verb.id must be an IRI")
    if not isinstance(verb.get("display"), dict) or not verb["display"]:
        p.append("verb.display must be a language map")
    obj = s.get("object") or {}
    if not _iri(obj.get("id")) or obj.get("objectType", "Activity") != "Activity":
        p.append("object must be an Activity with an IRI id")
    result = s.get("result")
    if result is not None:
        score = result.get("score")
        if score is not None:
            if not -1 <= score.get("scaled", 0) <= 1:
                p.append("result.score.scaled must be in [-1, 1]")
            lo, hi = score.get("min", float("-inf")), score.get("max", float("inf"))
            if not lo <= score.get("raw", lo) <= hi or lo > hi:
                p.append("result.score.raw must be between min and max")
        for key in ("success", "completion"):
            if key in result and not isinstance(result[key], bool):
                p.append(f"result.{key} must be a boolean")
        if "duration" in result and not DURATION.match(result["duration"]):
            p.append("result.duration must be an ISO 8601 duration")
        if not all(_iri(k) for k in result.get("extensions", {})):
            p.append("extension keys must be IRIs")
    ctx = s.get("context")
    if ctx is not None:
        if "registration" in ctx and not _uuid(ctx["registration"]):
            p.append("context.registration must be a UUID")
        for kind, acts in ctx.get("contextActivities", {}).items():
            if kind not in ("parent", "grouping", "category", "other"):
                p.append(f"unknown contextActivities key {kind}")
            if not isinstance(acts, list) or not all(_iri(a.get("id")) for a in acts):
                p.append("contextActivities must hold activities with IRI ids")
        if not all(_iri(k) for k in ctx.get("extensions", {})):
            p.append("extension keys must be IRIs")
    if "timestamp" in s and not _timestamp(s["timestamp"]):
        p.append("timestamp must be ISO 8601")
    if not str(s.get("version", "1.0.3")).startswith("1.0"):
        p.append("version must be 1.0.x")
    return p


class FakeLRS:
    """A local LRS: validates each statement, stores by id (idempotent), can go down."""

    def __init__(self) -> None:
        self.statements: dict[str, dict] = {}
        self.received: list[str] = []
        self.requests = 0
        self.fail_next = 0
        self.reject: set[str] = set()
        #: answer 409 for any id already held, even with the same content (as Ralph does)
        self.conflict_on_known = False
        #: store the batch, then wait this long before answering (longer than the client waits)
        self.delay_next_s = 0.0
        #: a misbehaving server: 400 for every POST
        self.reject_all = False
        self.posts: list[int] = []  # batch sizes
        self.port = 0
        self.server: ThreadingHTTPServer | None = None
        self.lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xapi"

    def start(self) -> FakeLRS:
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def reply(self, code: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802 (http.server naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with lrs.lock:
                    lrs.requests += 1
                    if lrs.fail_next:
                        lrs.fail_next -= 1
                        return self.reply(503, {"error": "maintenance"})
                    answer = lrs.handle(self.path, self.headers, body)
                    delay, lrs.delay_next_s = lrs.delay_next_s, 0.0
                if delay:
                    time.sleep(delay)  # stored, but the answer comes after the client gave up
                with contextlib.suppress(OSError):
                    self.reply(*answer)

            def do_GET(self):  # noqa: N802
                with lrs.lock:
                    self.reply(*lrs.query(self.path))

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()
        self.server = None

    def query(self, path: str) -> tuple[int, object]:
        """GET /statements: ?statementId=, ?verb=, pages of ``limit`` with a ``more`` link."""
        url = urlparse(path)
        if url.path != "/xapi/statements":
            return 404, {"error": path}
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if "statementId" in q:
            s = self.statements.get(q["statementId"])
            return (200, s) if s else (404, {"error": "not found"})
        found = [self.statements[i] for i in self.received]
        if "verb" in q:
            found = [s for s in found if s["verb"]["id"] == q["verb"]]
        start, limit = int(q.get("start", 0)), int(q.get("limit", 3))
        page = {"statements": found[start : start + limit], "more": ""}
        if start + limit < len(found):
            rest = {**q, "start": str(start + limit), "limit": str(limit)}
            page["more"] = "/xapi/statements?" + urlencode(rest)
        return 200, page

    def handle(self, path: str, headers, body: bytes) -> tuple[int, object]:
        if path != "/xapi/statements":
            return 404, {"error": path}
        if headers.get("X-Experience-API-Version") != "1.0.3":
            return 400, {"error": "missing X-Experience-API-Version"}
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if headers.get("Authorization") != f"Basic {token}":
            return 401, {"error": "unauthorised"}
        statements = json.loads(body)
        statements = statements if isinstance(statements, list) else [statements]
        self.posts.append(len(statements))
        if self.reject_all:
            return 400, {"error": "bad request"}
        for s in statements:
            if self.conflict_on_known and s["id"] in self.statements:
                return 409, {"error": f"already held: {s['id']}"}
            problems = statement_problems(s)
            if problems or s["id"] in self.reject:
                return 400, {"error": problems or ["rejected"]}
            if s["id"] in self.statements and self.statements[s["id"]] != s:
                return 409, {"error": "conflict"}
        for s in statements:
            if s["id"] not in self.statements:
                self.statements[s["id"]] = s
                self.received.append(s["id"])
        return 200, [s["id"] for s in statements]


@pytest.fixture
def lrs():
    server = FakeLRS().start()
    yield server
    if server.server is not None:
        server.stop()


@pytest.fixture
def data(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(d))
    monkeypatch.delenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", raising=False)
    for var in ("ENDPOINT", "USERNAME", "PASSWORD"):
        monkeypatch.delenv(f"MARROWSIM_LRS_{var}", raising=False)
    monkeypatch.setenv("MARROWSIM_XAPI_IRI_BASE", IRI_BASE)  # delivery needs a real base
    monkeypatch.delenv("MARROWSIM_XAPI_HOMEPAGE", raising=False)
    return d


def _config(lrs: FakeLRS) -> LrsConfig:
    return LrsConfig(
        endpoint=lrs.endpoint,
        username=USER,
        password=PASSWORD,
        timeout_s=3,
        iri_base=IRI_BASE,
        homepage=IRI_BASE,
    )


def _verbs(statements: list[dict]) -> list[str]:
    return [s["verb"]["display"]["en-US"] for s in statements]


# ------------------------------------------------------------------ statements
def test_statements_follow_cmi5_order_and_the_spec(data):
    with RecordStore.open(data) as store:
        attempt_id = record(store, "t-042", score=fake_score(90))
        row = store.attempt(attempt_id)
        statements = statements_for(store, attempt_id, LrsConfig())
        again = statements_for(store, attempt_id, LrsConfig())
    verbs = _verbs(statements)
    assert verbs[0] == "initialized" and verbs[-1] == "terminated"
    assert verbs[-2] == "passed" and verbs.count("passed") + verbs.count("failed") == 1
    middle = statements[1:-2]
    assert len(middle) == row["metrics"]["bone_penetrations"]
    assert set(_verbs(middle)) <= {"attempted", "interacted"}
    for s in statements:
        assert statement_problems(s) == [], s
        assert s["actor"]["account"]["name"] == "t-042"
        assert s["context"]["registration"] == attempt_id
        assert s["verb"]["id"].startswith("http://adlnet.gov/expapi/verbs/")
    for s in middle:
        assert s["context"]["contextActivities"]["parent"][0]["id"].endswith("/adult-standard")
        ext = s["result"]["extensions"]
        assert any(k.endswith("/pull-ml") for k in ext) and any(k.endswith("/tnc") for k in ext)
        assert any(k.endswith("/depth-mm") for k in ext)
    score = statements[-2]["result"]["score"]
    assert score == {"scaled": 0.9, "raw": 90.0, "min": 0, "max": 100.0}
    assert statements[-2]["result"]["success"] is True
    assert [s["id"] for s in statements] == [statement_id(attempt_id, i) for i in range(len(verbs))]
    assert statements == again  # deterministic: resending is idempotent
    stamps = [s["timestamp"] for s in statements]
    assert stamps == sorted(stamps) and stamps[0] == row["started"]
    assert DURATION.match(statements[-1]["result"]["duration"])


def test_display_maps_in_english_and_spanish_and_the_trainees_language(data):
    """Verbs' displays and activities' names carry en-US and es; context.language is the
    chosen language's tag; the ids (uuid5 of attempt and index) and every other field are the
    same in either language, so a statement sent twice is still the same statement."""
    from sim.i18n import set_language

    with RecordStore.open(data) as store:
        attempt_id = record(store, "t-043", score=fake_score(40))
        english = statements_for(store, attempt_id, LrsConfig())
        try:
            set_language("es")
            spanish = statements_for(store, attempt_id, LrsConfig())
        finally:
            set_language("en")
    assert [s["id"] for s in spanish] == [s["id"] for s in english]
    assert {s["context"]["language"] for s in english} == {"en-US"}
    assert {s["context"]["language"] for s in spanish} == {"es"}
    for en, es in zip(english, spanish, strict=True):
        assert statement_problems(es) == []
        en["context"].pop("language"), es["context"].pop("language")
        assert en == es
    displays = {s["verb"]["display"]["en-US"]: s["verb"]["display"]["es"] for s in spanish}
    assert displays["initialized"] == "inició" and displays["failed"] == "suspendió"
    assert displays["terminated"] == "terminó"
    for s in spanish:
        assert set(s["verb"]["display"]) == {"en-US", "es"}
        name = s["object"]["definition"]["name"]
        assert "en-US" in name and all(re.fullmatch(r"[a-z]{2}(-[A-Z]{2})?", k) for k in name)
    pen = spanish[1]["object"]["definition"]["name"]
    assert pen["en-US"].startswith("Bone penetration 1 (")
    assert pen["es"].startswith("Penetración ósea 1 (") and "EIPS" in pen["es"]


def test_failed_unscored_and_incomplete_attempts(data):
    with RecordStore.open(data) as store:
        failed = record(store, score=fake_score(40))
        open_id = record(store, finish=False)
        from sim.records import Recorder
        from sim.run.attempt import Attempt
        from sim.scenario import resolve_scenario

        attempt = Attempt(resolve_scenario("adult-standard"), 2)
        rec = Recorder.start(store, attempt, trainee_id="t-9", mode="practice")
        attempt.apply(parse_command({"do": "end"}))
        rec.finish(auto_score=False)
        verbs = {k: _verbs(statements_for(store, k, LrsConfig())) for k in (failed, open_id)}
        unscored = _verbs(statements_for(store, rec.attempt_id, LrsConfig()))
    assert verbs[failed][-2] == "failed"
    assert verbs[open_id][0] == "initialized" and verbs[open_id][-1] == "terminated"
    assert not {"passed", "failed", "completed"} & set(verbs[open_id])
    assert unscored == ["initialized", "completed", "terminated"]


def test_iso_durations():
    assert iso_duration(0) == "PT0S"
    assert iso_duration(41) == "PT41S"
    assert iso_duration(3723.456) == "PT1H2M3.46S"


def test_export_xapi_cli_writes_a_json_array(data, tmp_path, monkeypatch):
    monkeypatch.delenv("MARROWSIM_XAPI_IRI_BASE")  # exporting a file needs no real base
    with RecordStore.open(data) as store:
        attempt_id = record(store, score=fake_score(85))
        expected = statements_for(store, attempt_id, LrsConfig())
    out = tmp_path / "statements.json"
    status, text, _ = cli("export", "xapi", "--attempt", attempt_id, "--out", str(out))
    assert status == 0 and f"wrote {len(expected)} statements" in text
    assert json.loads(out.read_text(encoding="utf-8")) == expected
    status, _, err = cli("export", "xapi", "--attempt", "nope", "--out", str(out))
    assert status == 2 and "no attempt" in err


def test_config_file_and_environment(data, monkeypatch):
    data.mkdir(parents=True)
    (data / "xapi.toml").write_text(
        '[lrs]\nendpoint = "https://lrs.example/data/xAPI"\nusername = "u"\npassword = "p"\n'
        '[xapi]\niri_base = "https://centre.example/sim"\n',
        encoding="utf-8",
    )
    config = load_config(data, {})
    assert config.configured and config.statements_url == "https://lrs.example/data/xAPI/statements"
    assert config.homepage == "https://centre.example/sim"
    config = load_config(data, {"MARROWSIM_LRS_ENDPOINT": "http://other/statements"})
    assert config.statements_url == "http://other/statements" and config.username == "u"
    (data / "xapi.toml").write_text("[lrs\nendpoint=", encoding="utf-8")
    status, _, err = cli("export", "flush")
    assert status == 2 and "xapi.toml" in err


# ------------------------------------------------------------------ delivery and the queue
def test_headless_run_delivers_to_the_lrs(data, lrs, monkeypatch, tmp_path):
    monkeypatch.setenv("MARROWSIM_LRS_ENDPOINT", lrs.endpoint)
    monkeypatch.setenv("MARROWSIM_LRS_USERNAME", USER)
    monkeypatch.setenv("MARROWSIM_LRS_PASSWORD", PASSWORD)
    actions = write_actions(tmp_path / "a.jsonl")
    status, out, err = cli("run", "--scenario", "adult-standard", "--actions", str(actions),
                           "--trainee", "t-1", "--json")  # fmt: skip
    assert status == 0, err
    attempt_id = json.loads(out)["attempt_id"]
    got = [lrs.statements[i] for i in lrs.received]
    assert got and all(s["context"]["registration"] == attempt_id for s in got)
    assert _verbs(got)[0] == "initialized" and _verbs(got)[-1] == "terminated"
    with RecordStore.open(data) as store:
        assert counts(store) == {"queued": 0, "sent": len(got), "rejected": 0}


def test_queue_retries_until_the_lrs_comes_back(data, lrs, monkeypatch):
    config = _config(lrs)
    lrs.stop()  # the LRS is down
    with RecordStore.open(data) as store:
        ids = [record(store, f"t-{i}", score=fake_score(80 + i)) for i in range(2)]
        reports = [queue_attempt(store, i, config) for i in ids]
        assert all(r.remaining and r.sent == 0 and "unreachable" in r.error for r in reports)
        total = counts(store)["queued"]
    monkeypatch.setenv("MARROWSIM_LRS_ENDPOINT", lrs.endpoint)
    monkeypatch.setenv("MARROWSIM_LRS_USERNAME", USER)
    monkeypatch.setenv("MARROWSIM_LRS_PASSWORD", PASSWORD)
    status, out, _ = cli("export", "flush")
    assert status == 1 and f"{total} still queued" in out

    lrs.start()  # back, on the same port
    lrs.fail_next = 1  # ...but busy for one more request
    status, out, _ = cli("export", "flush")
    assert status == 1 and "HTTP 503" in out
    status, out, _ = cli("export", "flush")
    assert status == 0 and f"sent {total}, 0 still queued" in out
    assert len(lrs.statements) == total
    for attempt_id in ids:  # each attempt arrives in cmi5 order
        got = [lrs.statements[i] for i in lrs.received]
        mine = [s for s in got if s["context"]["registration"] == attempt_id]
        assert _verbs(mine)[0] == "initialized" and _verbs(mine)[-1] == "terminated"

    with RecordStore.open(data) as store:  # resending is idempotent
        assert queue_attempt(store, ids[0], config).sent == 0
        from sim.xapi.lrs import post_statements

        post_statements(config, statements_for(store, ids[0], config))
    assert len(lrs.statements) == total


def test_a_statement_the_lrs_refuses_is_set_aside(data, lrs):
    config = _config(lrs)
    with RecordStore.open(data) as store:
        attempt_id = record(store, score=fake_score(85))
        statements = statements_for(store, attempt_id, config)
        lrs.reject.add(statements[2]["id"])
        report = queue_attempt(store, attempt_id, config)
        assert report.rejected == 1 and report.remaining == 0
        assert report.sent == len(statements) - 1
        assert counts(store)["rejected"] == 1
        assert flush(store, config).sent == 0


def test_wrong_credentials_stay_queued(data, lrs):
    config = LrsConfig(
        endpoint=lrs.endpoint, username=USER, password="wrong", timeout_s=3, iri_base=IRI_BASE
    )
    config = LrsConfig(**{**config.__dict__, "homepage": IRI_BASE})
    with RecordStore.open(data) as store:
        attempt_id = record(store, score=fake_score(85))
        report = queue_attempt(store, attempt_id, config)
        assert report.sent == 0 and report.remaining > 0 and "401" in report.error
        assert flush(store, _config(lrs)).remaining == 0


def test_the_result_duration_is_the_procedure_time_not_the_run_time(data):
    # A headless run of a simulated hour takes a fraction of a second of wall time.
    with RecordStore.open(data) as store:
        attempt_id = record(store, "t-043")
        row = store.attempt(attempt_id)
        statements = statements_for(store, attempt_id, LrsConfig())
    outcome = statements[-2]
    assert outcome["result"]["duration"] == iso_duration(row["metrics"]["procedure_s"])
    assert row["metrics"]["procedure_s"] > 60
