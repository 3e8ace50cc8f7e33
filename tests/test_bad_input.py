"""Issue 13, bad input answered cleanly: nesting limits, streamed action files, a BOM,
duplicate keys, impossible scenario files (each rejected with its field named), an id that
differs from its file name, CSV injection, and control characters in names.

Every refusal is exit status 2 and one line naming the file, the line and the field; never a
traceback."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.records import RecordStore
from sim.records.exchange import write_csv
from tests.test_records_support import cli, fake_score, record, write_actions

ROOT = Path(__file__).resolve().parents[1]
ADULT = (ROOT / "scenarios" / "adult-standard.toml").read_text(encoding="utf-8")


@pytest.fixture
def data(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(d))
    monkeypatch.delenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", raising=False)
    for var in ("LRS_ENDPOINT", "XAPI_IRI_BASE"):
        monkeypatch.delenv(f"MARROWSIM_{var}", raising=False)
    return d


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def run_actions(path: Path) -> tuple[int, str, str]:
    return cli("run", "--scenario", "adult-standard", "--actions", str(path))


# ------------------------------------------------------------------ action files
def test_json_nested_1000_deep_in_an_action_file(tmp_path):
    path = tmp_path / "deep.jsonl"
    deep = "[" * 1000 + "]" * 1000
    path.write_text('{"do": "wait", "s": 1}\n{"do": "wait", "s": ' + deep + "}\n")
    status, _, err = run_actions(path)
    line = one_line(err)
    assert status == 2 and f"{path}:2:" in line and "nested" in line


def test_duplicate_json_keys_are_rejected(tmp_path):
    path = tmp_path / "dup.jsonl"
    path.write_text('{"do": "wait", "s": 1}\n{"do": "wait", "s": 1, "s": 7200}\n')
    status, _, err = run_actions(path)
    line = one_line(err)
    assert status == 2 and f"{path}:2:" in line and "field 's'" in line and "duplicate" in line


def test_an_action_file_with_a_utf8_bom_is_accepted(tmp_path):
    path = write_actions(tmp_path / "bom.jsonl")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as Windows Notepad saves it
    status, out, err = run_actions(path)
    assert status == 0, err


def test_a_long_line_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "long.jsonl"
    path.write_text('{"do": "wait", "s": 1, "x": "' + "a" * 200_000 + '"}\n')
    status, _, err = run_actions(path)
    assert status == 2 and f"{path}:1:" in one_line(err) and "longer than" in err


def test_a_million_line_action_file_is_streamed(tmp_path):
    """Memory stays flat in the file's length and the bad last line is reported at once
    (the whole file is checked before anything runs, but never held)."""
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i in range(999_999):
            f.write(f'{{"do": "wait", "s": {i % 97}}}\n')
        f.write('{"do": "wait", "s": 1,}\n')  # the bad one: line 1,000,000
    # The child reports its own peak (VmHWM, reset at exec): a fork's rusage would count the
    # pytest parent it was copied from.
    hwm = tmp_path / "hwm.txt"
    child = (
        "import atexit, sys\n"
        "def peak():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM:'):\n"
        f"            open({str(hwm)!r}, 'w').write(line.split()[1])\n"
        "atexit.register(peak)\n"
        "from sim.cli.main import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", child, "run", "--scenario", "adult-standard",
         "--actions", str(path)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    took = time.monotonic() - start
    assert proc.returncode == 2, proc.stderr
    assert f"{path}:1000000:" in one_line(proc.stderr) and "invalid JSON" in proc.stderr
    rss_mb = int(hwm.read_text()) / 1024  # kB
    assert rss_mb < 100, f"{rss_mb:.0f} MB"
    assert took < 60


# ------------------------------------------------------------------ TOML
def test_toml_nested_100000_deep_in_a_scenario(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    status, _, err = cli("scenarios", "validate", str(path))
    line = one_line(err)
    assert status == 2 and str(path) in line and "nested too deeply" in line


def test_toml_nested_100000_deep_in_the_xapi_settings(data):
    data.mkdir(parents=True)
    (data / "xapi.toml").write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    status, _, err = cli("export", "status")
    assert status == 2 and "xapi.toml" in one_line(err) and "nested too deeply" in err


def test_a_scenario_with_a_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "adult-standard.toml"
    path.write_bytes(b"\xef\xbb\xbf" + ADULT.encode("utf-8"))
    status, out, err = cli("scenarios", "validate", str(path))
    assert status == 0, err


def test_a_scenario_id_different_from_its_file_name(tmp_path):
    path = tmp_path / "my-case.toml"
    path.write_text(ADULT)
    status, _, err = cli("scenarios", "validate", str(path))
    line = one_line(err)
    assert status == 2 and f"{path}:2:" in line and "field 'id'" in line
    status, _, err = cli("run", "--scenario", str(path), "--actions", str(path))
    assert status == 2 and "field 'id'" in one_line(err)


# ------------------------------------------------------------------ impossible scenarios
EVENT = (
    '\n[[events]]\nid = "x"\nmessage = "Something happens."\n{extra}[events.trigger]\n{trigger}\n'
)


def event(trigger: str, extra: str = "", after: str = "") -> str:
    return ADULT + EVENT.format(trigger=trigger, extra=extra) + after


#: name -> (scenario text, field named, a word of the message)
IMPOSSIBLE = {
    "trigger-at-1e308-s": (event("at_s = 1e308"), "events.0.trigger.at_s", "never fires"),
    "trigger-after-the-limit": (event("at_s = 7000"), "events.0.trigger.at_s", "never fires"),
    "trigger-collected-1e12-ml": (
        event("collected_ml = 1e12"), "events.0.trigger.collected_ml", "never fires"),
    "trigger-unknown-metric": (
        event('metric = "pulse"\nabove = 120'), "events.0.trigger.metric", "unknown metric"),
    "trigger-unset-donor-state": (
        event('metric = "donor_state.mood"\nabove = 1'), "events.0.trigger.metric", "never fires"),
    "trigger-more-sites-than-allowed": (
        event('metric = "skin_sites"\nabove = 4'), "events.0.trigger.above", "never fires"),
    "trigger-collected-below-zero": (
        event('metric = "collected_ml"\nbelow = 0'), "events.0.trigger.below", "never fires"),
    "systolic-300": (
        ADULT + "\n[donor.vitals]\nsystolic_mmhg = 300\n", "donor.vitals.systolic_mmhg", "250"),
    "diastolic-above-systolic": (
        ADULT + "\n[donor.vitals]\nsystolic_mmhg = 100\ndiastolic_mmhg = 120\n",
        "donor.vitals.diastolic_mmhg", "under"),
    "temperature-nan": (
        ADULT + "\n[donor.vitals]\ntemperature_c = nan\n", "donor.vitals.temperature_c", "finite"),
    "event-sets-systolic-300": (
        event("at_s = 60", extra="donor_state = {systolic_mmhg = 300}\n"),
        "events.0.donor_state.systolic_mmhg", "between"),
    "event-sets-temperature-nan": (
        event("at_s = 60", extra="donor_state = {temperature_c = nan}\n"),
        "events.0.donor_state.temperature_c", "finite"),
    "donor-limit-0.1-ml-per-kg": (
        ADULT.replace("donor_limit_ml_per_kg = 20", "donor_limit_ml_per_kg = 0.1"),
        "targets.donor_limit_ml_per_kg", "cannot be done"),
    "time-limit-1e308-s": (
        ADULT.replace("limit_s = 6600", "limit_s = 1e308"), "time.limit_s", "at most"),
    "par-a-millisecond": (ADULT.replace("par_s = 4800", "par_s = 0.001"), "time.par_s", "at least"),
    "response-window-longer-than-the-limit": (
        event("at_s = 60", after='[[events.require]]\nresponse = "pause_harvest"\n'
              "within_s = 1e308\n"),
        "events.0.require.0.within_s", "longer than"),
    "control-character-in-title": (
        ADULT.replace('title = "Standard adult harvest"', 'title = "Standard\\u001b[2J harvest"'),
        "title", "control characters"),
    "blank-objective": (ADULT.replace("objectives = [", 'objectives = [" ",'), "objectives.0",
                        "blank"),
    "version-beyond-an-integer-column": (
        ADULT.replace("version = 1", "version = 100000000000000000000"), "version", "at most"),
    "bmi-510": (
        ADULT.replace("weight_kg = 80", "weight_kg = 250").replace("height_cm = 178",
                                                                   "height_cm = 70"),
        "donor.height_cm", "BMI"),
    "where-nan": (
        event('on_event = "donor_hypotension"\nwhere = {level = nan}'),
        "events.0.trigger.where.level", "finite"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(IMPOSSIBLE))
def test_an_impossible_scenario_is_rejected_with_its_field(tmp_path, name):
    text, field, words = IMPOSSIBLE[name]
    path = tmp_path / "adult-standard.toml"
    path.write_text(text, encoding="utf-8")
    status, _, err = cli("scenarios", "validate", str(path))
    line = one_line(err)
    assert status == 2, line
    assert f"field '{field}'" in line and words in line, line
    assert re.search(rf"{re.escape(str(path))}:\d+: ", line), line  # the line is named


def test_the_impossible_cases_are_at_least_seventeen():
    assert len(IMPOSSIBLE) >= 17


# ------------------------------------------------------------------ CSV and names
def test_csv_cells_that_look_like_formulas_are_neutralised_and_every_field_quoted(data, tmp_path):
    with RecordStore.open(data) as store:
        record(store, "t-1", score=fake_score(82))
        store.set_trainee("t-1", name="@SUM(1+1)", cohort='=HYPERLINK("http://evil","x")')
    out = tmp_path / "attempts.csv"
    status, _, err = cli("records", "export", "--csv", str(out))
    assert status == 0, err
    text = out.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["cohort"] == "'" + '=HYPERLINK("http://evil","x")'
    for line in text.splitlines():
        assert line.startswith('"') and line.endswith('"')  # every field quoted
    assert ',"=' not in text and ',"@' not in text


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_start_is_neutralised_and_a_cr_is_quoted(start):
    attempt = {
        "id": "a-1", "trainee_id": "t-1", "cohort": start + "cmd|' /C calc'!A0\rrest",
        "criteria": [], "critical_errors": [], "metrics": {}, "score_total": -5.0,
    }  # fmt: skip
    stream = io.StringIO()
    write_csv([attempt], stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert rows[0]["cohort"] == "'" + attempt["cohort"]
    assert rows[0]["score_total"] == "-5.0"  # numbers are numbers
    assert '"' + "'" + start in stream.getvalue()


@pytest.mark.parametrize(
    "args",
    [
        ("instructor", "trainee", "t-1", "--name", "Eve\x1b[2J"),
        ("instructor", "trainee", "t-1", "--cohort", "spring\r\n=1+1"),
        ("instructor", "trainee", "t-1", "--name", "a\u202eb"),  # right-to-left override
        ("instructor", "assessment", "create", "--scenarios", "adult-standard", "--passing",
         "80", "--name", "final\x07"),
    ],
)  # fmt: skip
def test_control_characters_in_names_are_refused(data, monkeypatch, args):
    monkeypatch.setenv("MARROWSIM_NEW_INSTRUCTOR_PASSPHRASE", "correct horse battery")
    assert cli("instructor", "set-passphrase")[0] == 0
    monkeypatch.setenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", "correct horse battery")
    status, _, err = cli(*args)
    assert status == 2 and "control characters" in one_line(err)
    with RecordStore.open(data) as store:
        assert store.trainees() == [] and store.assessments() == []


def test_names_without_control_characters_are_fine(data):
    status, out, err = cli("instructor", "trainee", "t-1", "--name", "Zoë O'Brien-Ōta",
                           "--cohort", "spring 2025")  # fmt: skip
    assert status == 0, err
    assert json.loads(json.dumps(out))


def test_an_import_with_control_characters_in_a_name_merges_nothing(data, tmp_path):
    import sqlite3

    from sim.records.paths import db_path

    other = tmp_path / "other"
    with RecordStore.open(other) as store:
        record(store, "remote-1", n=20)
    conn = sqlite3.connect(db_path(other))  # the other station's file, edited by hand
    conn.execute("UPDATE trainees SET name = ? WHERE id = 'remote-1'", ("Eve\x1b]0;pwned\x07",))
    conn.commit()
    conn.close()
    status, _, err = cli("records", "import", str(db_path(other)))
    assert "Traceback" not in err
    line = err.strip().splitlines()[-1]  # after the no-passphrase note, if any
    assert status == 2 and "remote-1" in line and "control characters" in line
    with RecordStore.open(data) as store:
        assert store.attempts() == [] and store.trainees() == []
