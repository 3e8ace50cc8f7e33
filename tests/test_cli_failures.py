"""Clear failures (issue 14): every command, given bad or missing input, fails in one line.

Every command and action the parser knows (``python -m sim --help`` and below), and the trainer
itself, has at least one case here; every command the documentation names must exist.  Each case
runs from a folder outside the repository, and must end with exit status 2 and exactly one error
line on stderr (a ``note:`` warning aside): never a traceback, never the ``internal error``
safety net of ``sim.cli.main``.  The cases run through ``main()`` in this process (quick), and
a sample of them, the trainer included, in real processes.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sim.cli.main import build_parser
from sim.records import RecordStore

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BAD_SCENARIO = ROOT / "tests" / "data" / "bad_scenarios" / "unknown-field.toml"
EXPERT = ROOT / "tests" / "reference" / "adult-standard-expert.jsonl"

#: ``python -m sim``, except that ``TEST_SHIPPED_DIR`` stands in for the shipped scenarios (to
#: make an empty library without touching the package).
RUNNER = """
import os, sys
from pathlib import Path
if os.environ.get("TEST_SHIPPED_DIR"):
    from sim.scenario import loader
    loader.SCENARIO_DIR = Path(os.environ["TEST_SHIPPED_DIR"])
from sim.cli.main import main
sys.exit(main(sys.argv[1:]))
"""

# (argv, station, expected words in the error line).  Paths: F/ is the folder of bad files.
# station: "" a fresh data folder; "file" a data folder that is a file; "damaged" a records
# database that is not one; "empty" no shipped scenarios; "clash" a school folder with a
# scenario of a shipped id; "locked" a passphrase set and a wrong one given; "badxapi" a broken
# xapi.toml; "nodisplay" no video driver.
CASES: list[tuple[list[str], str, str]] = [
    ([], "nodisplay", "the trainer window failed"),
    ([], "empty", "no scenarios found"),  # the trainer: one line, before any window
    (["bogus"], "", "invalid choice: 'bogus'"),
    (["run", "--scenario", "nope", "--actions", "F/bad.jsonl"], "", "unknown scenario 'nope'"),
    (["run", "--scenario", "adult-standard", "--actions", "F/bad.jsonl"], "", "bad.jsonl:1"),
    (["run", "--scenario", "adult-standard", "--actions", "gone.jsonl"], "", "cannot read"),
    (["run", "--scenario", "adult-standard"], "", "required: --actions"),
    (["run", "--scenario", "adult-standard", "--actions", "E", "--seed", "x"], "", "invalid int"),
    (["run", "--scenario", "adult-standard", "--actions", "E", "--trainee", "t"], "file", "data"),
    (["run", "--scenario", "adult-standard", "--actions", "E"], "empty", "no scenarios found"),
    (["run", "--scenario", "adult-standard", "--actions", "E"], "clash", "used by two files"),
    (["replay", "gone.jsonl"], "", "cannot read log"),
    (["replay", "F/notjson.jsonl"], "", "invalid JSON"),
    (["scenarios"], "", "required: ACTION"),
    (["scenarios", "list"], "empty", "no scenarios found"),
    (["scenarios", "show", "nope"], "", "unknown scenario 'nope'"),
    (["scenarios", "show", "adult-standard"], "clash", "F/clash/adult-standard.toml"),
    (["scenarios", "validate", "F/unknown-field.toml"], "", "field 'donor.shoe_size'"),
    (["scenarios", "validate"], "", "required: paths"),
    (["scenarios", "schema", "extra"], "", "unrecognized arguments: extra"),
    (["scenarios", "add", "gone.toml"], "", "cannot read scenario file"),
    (["scenarios", "add", "F/unknown-field.toml"], "", "unknown field"),
    (["scenarios", "add", "F/clash/adult-standard.toml"], "", "already used by"),
    (["scenarios", "add", "F/school-one.toml"], "file", "cannot write to the school scenario"),
    (["screenshots", "F/a-file"], "", "cannot create folder"),
    (["screenshots", "shots", "--size", "0x0"], "", "too small"),
    (["screenshots", "shots"], "empty", "no scenarios found"),
    (["records", "info"], "file", "cannot create the data folder"),
    (["records", "list", "--status", "odd"], "", "invalid choice: 'odd'"),
    (["records", "list"], "damaged", "damaged or not a Marrowsim database"),
    (["records", "show", "nope"], "", "no attempt 'nope'"),
    (["records", "replay", "nope"], "", "no attempt 'nope'"),
    (["records", "verify"], "damaged", "damaged or not a Marrowsim database"),
    (["records", "verify", "--head", "gone.json"], "", "cannot read the signed head"),
    (["records", "verify", "--head", "F/notjson.jsonl"], "", "not a signed head"),
    (["records", "export", "--csv", "F/a-file/x.csv"], "", "cannot write CSV"),
    (["records", "import", "gone.db"], "", "no such file"),
    (["records", "import", "F/junk.db"], "", "not a Marrowsim records database"),
    (["records", "backup", "--out", "F/a-file/x.db"], "", "cannot write backup"),
    (["report", "--trainee", "nobody", "--out", "r.html"], "", "no trainee 'nobody'"),
    (["report", "--trainee", "nobody"], "", "required: --out"),
    (["export", "xapi", "--attempt", "nope", "--out", "-"], "", "no attempt 'nope'"),
    (["export", "flush"], "", "no LRS configured"),
    (["export", "status"], "badxapi", "cannot read xAPI configuration"),
    (["export", "requeue"], "locked", "passphrase refused"),
    (["instructor", "lrs", "set", "--endpoint", "http://[::1", "--iri-base", "https://a.example"],
     "", "not an http(s) URL"),
    (["instructor", "lrs", "set", "--endpoint", "https://lrs.example/x", "--iri-base",
      "https://marrowsim.invalid"], "", "placeholder"),
    (["instructor", "lrs", "show"], "locked", "passphrase refused"),
    (["instructor", "set-passphrase"], "", "new passphrase needed"),
    (["instructor", "init"], "", "new passphrase needed"),
    (["instructor", "init"], "locked", "passphrase refused"),
    (["instructor", "export-head"], "locked", "passphrase refused"),
    (["instructor", "export-head"], "", "no instructor key yet"),
    (["instructor", "checkpoint"], "locked", "passphrase refused"),
    (["instructor", "checkpoint"], "", "no instructor key yet"),
    (["instructor", "set-passphrase"], "locked", "passphrase refused"),
    (["instructor", "assessment", "create", "--scenarios", "nope", "--passing", "80"], "", "nope"),
    (
        ["instructor", "assessment", "create", "--scenarios", "dry-tap", "--passing", "800"],
        "",
        "passing standard",
    ),  # fmt: skip
    (["instructor", "assessment", "list"], "locked", "passphrase refused"),
    (["instructor", "assessment", "close", "nope"], "", "no assessment 'nope'"),
    (["instructor", "trainee", "bad id!"], "", "invalid trainee id"),
    (["instructor", "cohort"], "locked", "passphrase refused"),
    (["trainee-model", "--passes", "0"], "", "at least 1"),
    (["trainee-model", "--scenario", "post-procedure-care"], "", "no needle work"),
    (["trainee-model", "--scenario", "nope"], "", "unknown scenario 'nope'"),
]


def parser_commands() -> set[tuple[str, ...]]:
    """Every runnable command path: (), ("run",), ("scenarios", "list"), ..."""
    found: set[tuple[str, ...]] = {()}  # no command: the trainer

    def walk(parser: argparse.ArgumentParser, prefix: tuple[str, ...]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            found.add(prefix)
            return
        for name, sub in subs[0].choices.items():
            walk(sub, (*prefix, name))

    walk(build_parser(), ())
    return found


def command_of(argv: list[str]) -> tuple[str, ...]:
    """The command path an argv runs: the longest prefix of it that is a command."""
    known = parser_commands()
    best: tuple[str, ...] = ()
    for n in range(1, len(argv) + 1):
        if tuple(argv[:n]) in known:
            best = tuple(argv[:n])
    return best


def test_every_command_has_a_bad_input_case():
    covered = {command_of(argv) for argv, _, _ in CASES}
    assert sorted(parser_commands() - covered) == []


def test_every_documented_command_exists():
    groups = {p[:k] for p in parser_commands() for k in range(len(p) + 1)}
    pattern = re.compile(r"(?:python -m sim|marrowsim)((?: [a-z][a-z-]*)*)")
    unknown = []
    for doc in DOCS:
        for m in pattern.finditer(doc.read_text(encoding="utf-8")):
            words = tuple(m.group(1).split())
            # a command path, possibly followed by lower-case arguments (ids, file names)
            if not any(words[:k] in groups for k in range(len(words), 0, -1)) and words:
                unknown.append(f"{doc.name}: {m.group(0)}")
    assert unknown == []


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory) -> Path:
    return make_bad_files(tmp_path_factory.mktemp("bad-input"))


def make_bad_files(f: Path) -> Path:
    """The folder F/ of the cases: bad files, a clash, an empty library, a file for a folder."""
    f.mkdir(parents=True, exist_ok=True)
    (f / "bad.jsonl").write_text('{"do": "fly"}\n')
    (f / "notjson.jsonl").write_text("not json\n")
    shutil.copy(BAD_SCENARIO, f)
    (f / "clash").mkdir()
    shutil.copy(ROOT / "scenarios" / "adult-standard.toml", f / "clash")
    school = (
        (ROOT / "scenarios" / "dry-tap.toml")
        .read_text()
        .replace('id = "dry-tap"', 'id = "school-one"')
    )
    (f / "school-one.toml").write_text(school)
    (f / "empty").mkdir()
    (f / "a-file").write_text("not a folder\n")
    (f / "junk.db").write_text("junk\n")
    return f


def station(kind: str, case_dir: Path, files: Path) -> dict[str, str]:
    """The environment of a case (and its data folder made ready)."""
    data = case_dir / "data"
    key = case_dir / "instructor" / "instructor-key.json"  # outside the data folder
    env = {"MARROWSIM_DATA_DIR": str(data), "MARROWSIM_INSTRUCTOR_KEY": str(key)}
    if kind == "file":
        env["MARROWSIM_DATA_DIR"] = str(files / "a-file")
    elif kind == "damaged":
        data.mkdir()
        (data / "marrowsim.db").write_text("not a database\n")
    elif kind == "empty":
        env["TEST_SHIPPED_DIR"] = str(files / "empty")
    elif kind == "clash":
        env["MARROWSIM_SCENARIO_PATH"] = str(files / "clash")
    elif kind == "locked":
        with RecordStore.open(data, key_path=key) as store:
            store.set_passphrase("the right passphrase")
        env["MARROWSIM_INSTRUCTOR_PASSPHRASE"] = "a wrong one"
        env["MARROWSIM_NEW_INSTRUCTOR_PASSPHRASE"] = "a new one"
    elif kind == "badxapi":
        data.mkdir()
        (data / "xapi.toml").write_text("endpoint = [\n")
    elif kind == "nodisplay":
        env["SDL_VIDEODRIVER"] = "no-such-driver"
    return env


def _argv(argv: list[str], files: Path) -> list[str]:
    argv = [a.replace("F/", f"{files}/") for a in argv]
    return [str(EXPERT) if a == "E" else a for a in argv]


def run_in_process(argv, env: dict[str, str], case_dir: Path, monkeypatch, capsys):
    """(exit status, stderr) of ``main(argv)`` in this process."""
    from sim.cli.main import main
    from sim.scenario import loader

    capsys.readouterr()
    with monkeypatch.context() as m:
        for key in [k for k in os.environ if k.startswith("MARROWSIM_")]:
            m.delenv(key)
        for key, value in env.items():
            if key == "TEST_SHIPPED_DIR":
                m.setattr(loader, "SCENARIO_DIR", Path(value))
            else:
                m.setenv(key, value)
        m.chdir(case_dir)
        m.setattr(sys, "stdin", io.StringIO())  # no terminal
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse: a usage error
            status = exc.code
    return status, capsys.readouterr().err


def run_in_a_process(
    argv, env: dict[str, str], case_dir: Path, python: str = sys.executable, checkout: bool = True
) -> tuple[int, str]:
    """(exit status, stderr) of ``python -m sim argv`` in a process of its own, with the
    checkout's ``sim`` or (``checkout=False``) the one installed for ``python``."""
    full = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MARROWSIM_") and k not in ("PYTHONPATH", "SDL_VIDEODRIVER")
    }
    full.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    if checkout:
        full["PYTHONPATH"] = str(ROOT)
    full.update(MARROWSIM_MAX_FRAMES="5")  # should the trainer open after all, it stops
    full.update(env)
    proc = subprocess.run(
        [python, "-c", RUNNER, *argv],
        capture_output=True,
        text=True,
        cwd=case_dir,
        env=full,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    return proc.returncode, proc.stderr


def judge(case: tuple[list[str], str, str], status: int, err: str, files: Path) -> str | None:
    """What is wrong with a case's outcome, or None."""
    argv, kind, words = case
    name = " ".join(argv) + (f" [{kind}]" if kind else "")
    lines = [ln for ln in err.splitlines() if not ln.startswith("marrowsim: note:")]
    if "Traceback" in err or "internal error" in err:
        return f"{name}: {err.strip().splitlines()[-1]}"
    if status != 2 or len(lines) != 1:
        return f"{name}: exit {status}, stderr {err!r}"
    if not lines[0].startswith("marrowsim") or words not in lines[0].replace(str(files), "F"):
        return f"{name}: {lines[0]!r} lacks {words!r}"
    return None


#: Run in a real process as well: the trainer (pygame) and the first case of each command.
IN_A_PROCESS = sorted(
    {(c[0] or ["trainer"])[0]: i for i, c in reversed(list(enumerate(CASES)))}.values()
)


def test_every_bad_input_fails_in_one_line_with_exit_status_2(
    bad_files, tmp_path, monkeypatch, capsys
):
    problems = []
    for i, case in enumerate(CASES):
        argv, kind, _words = case
        if kind == "nodisplay":
            continue  # pygame's state is per process: only in a process of its own
        case_dir = tmp_path / f"case-{i:02d}"
        case_dir.mkdir()
        env = station(kind, case_dir, bad_files)
        status, err = run_in_process(_argv(argv, bad_files), env, case_dir, monkeypatch, capsys)
        problems.append(judge(case, status, err, bad_files))
    assert [p for p in problems if p] == []


def in_processes(cases: list[int], files: Path, base: Path, **how) -> list[str]:
    """Run the cases in processes of their own (``run_in_a_process``); what went wrong."""

    def one(i: int) -> str | None:
        argv, kind, _words = CASES[i]
        case_dir = base / f"case-{i:02d}"
        case_dir.mkdir()
        env = station(kind, case_dir, files)
        status, err = run_in_a_process(_argv(argv, files), env, case_dir, **how)
        return judge(CASES[i], status, err, files)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return [p for p in pool.map(one, cases) if p]


def test_bad_input_fails_in_one_line_in_a_real_process(bad_files, tmp_path):
    assert in_processes(IN_A_PROCESS, bad_files, tmp_path) == []


def test_the_safety_net_turns_an_unforeseen_error_into_one_line(monkeypatch, capsys):
    from sim.cli import scenarios_cmd
    from sim.cli.main import main

    def boom(args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(scenarios_cmd, "handle_schema", boom)
    assert main(["scenarios", "schema"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: ZeroDivisionError" in err
    monkeypatch.setenv("MARROWSIM_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["scenarios", "schema"])
