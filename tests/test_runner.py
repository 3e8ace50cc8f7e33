"""The headless runner: JSON output, determinism, record/replay, and bad input handling."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli.main import main

EXPERT = Path(__file__).parent / "reference" / "adult-standard-expert.jsonl"
SHORT = [
    {"do": "mark_site", "landmark": "left_psis", "lateral_mm": 0, "cranial_mm": 0},
    {"do": "mark_site", "landmark": "right_psis", "lateral_mm": 5, "cranial_mm": 5},
    {"do": "insert", "site": 0, "lateral_deg": 24, "cranial_deg": 0},
    {"do": "advance", "mm": 60, "twist": True, "stop_on": "loss_of_resistance"},
    {"do": "remove_stylet"},
    {"do": "aspirate", "ml": 4},
    {"do": "rotate", "deg": 90},
    {"do": "aspirate", "ml": 4},
    {"do": "replace_stylet"},
    {"do": "remove_needle"},
    {"do": "end"},
]


def write_actions(tmp_path: Path, lines: list, name: str = "a.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join((ln if isinstance(ln, str) else json.dumps(ln)) + "\n" for ln in lines))
    return path


def run_json(capsys, *args: str) -> dict:
    assert main(["run", "--scenario", "adult-standard", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_output_has_metrics_events_and_digest(tmp_path, capsys):
    out = run_json(capsys, "--actions", str(write_actions(tmp_path, SHORT)))
    m = out["metrics"]
    for key in (
        "collected_ml",
        "tnc_total",
        "tnc_per_ml",
        "tnc_per_kg_recipient",
        "cd34_total",
        "skin_sites",
        "bone_penetrations",
        "aspirations",
        "max_pull_ml",
        "procedure_s",
        "critical_errors",
    ):
        assert key in m
    assert m["collected_ml"] == 8 and m["aspirations"] == 2 and m["skin_sites"] == 1
    assert m["bone_penetrations"] == 1 and m["max_pull_ml"] == 4
    assert isinstance(m["tnc_total"], int) and m["tnc_total"] > 1e8  # plain cells, not x10^6
    kinds = [e["type"] for e in out["events"]]
    for kind in ("skin_punctured", "cortex_entered", "loss_of_resistance", "aspirated"):
        assert kind in kinds
    asp = next(e for e in out["events"] if e["type"] == "aspirated")
    assert {"t_s", "ml", "tnc", "cd34", "depth_mm"} <= asp.keys()
    assert len(out["digest"]) == 64


def test_same_inputs_give_byte_identical_json():
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "run",
        "--scenario",
        "adult-standard",
        "--actions",
        str(EXPERT),
        "--seed",
        "7",
        "--json",
    ]
    first = subprocess.run(cmd, capture_output=True, check=True).stdout
    second = subprocess.run(cmd, capture_output=True, check=True).stdout
    assert first == second and len(first) > 10_000


def test_seed_changes_the_marrow_and_the_digest(tmp_path, capsys):
    actions = str(write_actions(tmp_path, SHORT))
    a = run_json(capsys, "--actions", actions, "--seed", "1")
    b = run_json(capsys, "--actions", actions, "--seed", "2")
    assert a["digest"] != b["digest"]
    assert a["metrics"]["tnc_total"] != b["metrics"]["tnc_total"]


def test_record_and_replay_reproduce_the_digest(tmp_path, capsys):
    log = tmp_path / "attempt.jsonl"
    out = run_json(capsys, "--actions", str(EXPERT), "--record", str(log))
    header = json.loads(log.read_text().splitlines()[0])
    assert header["format"] == "marrowsim-log" and header["seed"] == 1
    assert {"marrowsim", "python", "numpy", "scenario"} <= header.keys()
    assert main(["replay", str(log), "--json"]) == 0
    replayed = json.loads(capsys.readouterr().out)
    assert replayed["digest"] == out["digest"]
    assert replayed["metrics"] == out["metrics"]


def test_replay_detects_a_changed_log(tmp_path, capsys):
    log = tmp_path / "attempt.jsonl"
    run_json(capsys, "--actions", str(write_actions(tmp_path, SHORT)), "--record", str(log))
    text = log.read_text().replace('"ml": 4.0', '"ml": 5.0', 1)
    log.write_text(text)
    assert main(["replay", str(log)]) == 1
    assert "digest mismatch" in capsys.readouterr().err


def test_a_cut_short_log_still_replays(tmp_path, capsys):
    log = tmp_path / "attempt.jsonl"
    run_json(capsys, "--actions", str(write_actions(tmp_path, SHORT)), "--record", str(log))
    lines = log.read_text().splitlines()
    log.write_text("\n".join(lines[:6]) + "\n" + lines[6][:10])  # torn last line
    assert main(["replay", str(log)]) == 0
    assert "incomplete" in capsys.readouterr().err


BAD = [
    ("{not json", None, "invalid JSON"),
    ('{"do": "fly"}', "do", "unknown command"),
    ('{"mm": 3}', "do", "missing"),
    ('{"do": "advance"}', "mm", "missing"),
    ('{"do": "advance", "mm": "far"}', "mm", "number"),
    ('{"do": "advance", "mm": NaN}', None, "not a number"),
    ('{"do": "advance", "mm": -4}', "mm", "greater than"),
    ('{"do": "aspirate", "ml": 500}', "ml", "less than"),
    ('{"do": "mark_site", "landmark": "left_knee"}', "landmark", "left_psis"),
    ('{"do": "insert", "site": 3}', "site", "unknown site"),
    ('{"do": "advance", "mm": 5, "speed": 9}', "speed", "unknown field"),
    ("[1, 2]", None, "JSON object"),
]


@pytest.mark.parametrize(("line", "field", "words"), BAD)
def test_bad_action_line_is_one_located_line_and_exit_2(tmp_path, capsys, line, field, words):
    path = write_actions(tmp_path, [SHORT[0], line])
    assert main(["run", "--scenario", "adult-standard", "--actions", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert f"{path}:2:" in err
    if field:
        assert f"field '{field}'" in err
    assert words.lower() in err.lower()


def test_impossible_command_names_its_line(tmp_path, capsys):
    path = write_actions(tmp_path, SHORT[:4] + [{"do": "aspirate", "ml": 3}])
    assert main(["run", "--scenario", "adult-standard", "--actions", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:5:" in err and "stylet" in err


def test_clinically_wrong_commands_are_events_not_errors(tmp_path, capsys):
    # Aspirating in fat and a 20 mL pull are valid commands the scoring will see: the pull
    # brings back no marrow and puts nothing in the bag.
    lines = SHORT[:3] + [{"do": "remove_stylet"}, {"do": "aspirate", "ml": 20}, {"do": "end"}]
    out = run_json(capsys, "--actions", str(write_actions(tmp_path, lines)))
    dry = next(e for e in out["events"] if e["type"] == "dry_tap")
    assert dry["tissue"] == "fat" and dry["reason"] == "soft_tissue"
    assert out["metrics"]["max_pull_ml"] == 20 and out["metrics"]["collected_ml"] == 0


def test_bad_input_has_no_traceback_in_a_real_process(tmp_path):
    path = write_actions(tmp_path, ['{"do": "advance", "mm": Infinity}'])
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "run",
            "--scenario",
            "adult-standard",
            "--actions",
            str(path),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert f"{path}:1:" in proc.stderr


def test_missing_files_are_clear_errors(tmp_path, capsys):
    assert (
        main(["run", "--scenario", "adult-standard", "--actions", str(tmp_path / "none.jsonl")])
        == 2
    )
    assert "cannot read action file" in capsys.readouterr().err
    assert main(["run", "--scenario", "no-such-scenario", "--actions", str(EXPERT)]) == 2
    assert "unknown scenario" in capsys.readouterr().err


def test_a_command_after_end_is_refused_not_dropped(tmp_path, capsys):
    path = write_actions(tmp_path, [SHORT[0], {"do": "end"}, {"do": "aspirate", "ml": 5}])
    assert main(["run", "--scenario", "adult-standard", "--actions", str(path)]) == 2
    assert f"{path}:3:" in capsys.readouterr().err
