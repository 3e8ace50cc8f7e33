"""Marrowsim installed as a school's IT staff would install it (issue 14).

The sdist and the wheel are built with ``python -m build`` (the wheel from the sdist, as a
package index would), the wheel is installed non-editable into a fresh virtual environment,
and the ``marrowsim`` command is run from a folder outside the repository: the shipped
scenarios are there, a school scenario added with ``scenarios add`` appears beside them, a
headless run is recorded, and ``report`` and ``screenshots`` work.  The unpacked sdist has
every tracked file the tests need, and a part of the suite runs from it.

Slow (it creates virtual environments and installs the dependencies; pip's cache makes a second
run quicker), so ``-m "not slow"`` skips it; CI runs it.  Set ``MARROWSIM_INSTALL_TIMINGS=1`` to
print how long each phase took.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from tests.test_cli_failures import CASES, in_processes, make_bad_files

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_IDS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))
EXPERT = ROOT / "tests" / "reference" / "adult-standard-expert.jsonl"
TIMINGS: dict[str, float] = {}
#: The scenario ids the trainer's launcher offers, one a line.
LAUNCHER_IDS = """
from sim.ui.app import App
app = App(sound=False)
app.frame(1 / 60)
print("\\n".join(e.scenario.id for e in app.top.entries if e.scenario))
"""


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


def _timed(phase: str, cmd: list, **kwargs) -> subprocess.CompletedProcess:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    TIMINGS[phase] = TIMINGS.get(phase, 0.0) + time.perf_counter() - t0
    assert proc.returncode == 0, f"{phase} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything pointing into the checkout or another venv."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "MARROWSIM_SCENARIO_PATH")
    }
    env.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYTHONDONTWRITEBYTECODE="1")
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv, dist folder): the wheel built from the sdist, installed into a fresh venv."""
    work = tmp_path_factory.mktemp("install")
    venv, dist = work / "venv", work / "dist"
    env = _clean_env()
    _timed("create venv", [sys.executable, "-m", "venv", str(venv)], env=env)
    python = str(_bin(venv, "python"))
    pip = [python, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    _timed("install build", [*pip, "install", "build"], env=env)
    # sdist first, then the wheel from the unpacked sdist (python -m build's default)
    build = [python, "-m", "build", "--outdir", str(dist), str(ROOT)]
    _timed("build sdist + wheel", build, env=env)
    wheels = sorted(dist.glob("marrowsim-*.whl"))
    assert len(wheels) == 1, wheels
    _timed("pip install wheel", [*pip, "install", str(wheels[0])], env=env)
    yield venv, dist
    if os.environ.get("MARROWSIM_INSTALL_TIMINGS"):
        print("\n" + "\n".join(f"{k:24} {v:6.1f} s" for k, v in TIMINGS.items()))


@pytest.fixture
def outside(tmp_path):
    """A working folder outside the repository, with its own data folder."""
    here = tmp_path / "school"
    here.mkdir()
    assert ROOT not in here.resolve().parents
    return here


def marrowsim(venv: Path, cwd: Path, *args: str, phase: str = "marrowsim", ok: bool = True):
    env = _clean_env(MARROWSIM_DATA_DIR=str(cwd / "data"))
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(_bin(venv, "marrowsim")), *args], capture_output=True, text=True, cwd=cwd, env=env
    )
    TIMINGS[phase] = TIMINGS.get(phase, 0.0) + time.perf_counter() - t0
    assert "Traceback" not in proc.stderr, proc.stderr
    if ok:
        assert proc.returncode == 0, f"{args}: {proc.stderr}"
    return proc


def test_the_wheel_carries_the_scenarios_and_runs_them_from_outside_the_repo(installed, outside):
    venv, _dist = installed
    where = subprocess.run(
        [str(_bin(venv, "python")), "-c", "import sim; print(sim.__file__)"],
        capture_output=True,
        text=True,
        cwd=outside,
        env=_clean_env(),
    ).stdout.strip()
    assert Path(where).is_relative_to(venv), where  # the installed copy, not the checkout

    rows = json.loads(marrowsim(venv, outside, "scenarios", "list", "--json").stdout)
    assert sorted(r["id"] for r in rows) == SHIPPED_IDS
    assert all(r["origin"] == "shipped" for r in rows)
    assert all(Path(r["path"]).is_relative_to(venv) for r in rows)  # package data
    assert marrowsim(venv, outside, "scenarios", "show", "dry-tap").stdout.startswith("Dry tap")

    # the translations: compiled to .mo by the build (never committed), and used
    mos = sorted(venv.rglob("sim/i18n/locale/es/LC_MESSAGES/marrowsim.mo"))
    assert len(mos) == 1 and mos[0].stat().st_size > 1000
    env = _clean_env(MARROWSIM_DATA_DIR=str(outside / "data"), MARROWSIM_LANG="es")
    spanish = subprocess.run(
        [str(_bin(venv, "marrowsim")), "--help"], capture_output=True, text=True, cwd=outside,
        env=env,
    )  # fmt: skip
    assert spanish.returncode == 0 and spanish.stdout.startswith("uso: marrowsim")

    # a headless run, recorded for a trainee, and that trainee's report
    shutil.copy(EXPERT, outside / "expert.jsonl")
    run = marrowsim(
        venv, outside, "run", "--scenario", "adult-standard", "--actions", "expert.jsonl",
        "--trainee", "t-001", "--json", phase="run",
    )  # fmt: skip
    result = json.loads(run.stdout)
    assert result["score"]["passed"] and result["attempt_id"]
    marrowsim(venv, outside, "report", "--trainee", "t-001", "--out", "report.html", phase="report")
    html = (outside / "report.html").read_text(encoding="utf-8")
    assert "t-001" in html and "<svg" in html

    # every trainer screen, headless
    shots = marrowsim(venv, outside, "screenshots", "shots", phase="screenshots")
    pngs = sorted((outside / "shots").glob("*.png"))
    assert len(pngs) >= 26 and shots.stdout.split() == [f"shots/{p.name}" for p in pngs]
    assert (outside / "shots" / "01-launcher.png").stat().st_size > 10_000


def test_a_school_scenario_added_to_the_installed_app_appears_beside_the_shipped(
    installed, outside
):
    venv, _dist = installed
    text = (ROOT / "scenarios" / "older-donor.toml").read_text(encoding="utf-8")
    school = text.replace('id = "older-donor"', 'id = "school-older-donor"')
    (outside / "ours.toml").write_text(school, encoding="utf-8")
    added = marrowsim(venv, outside, "scenarios", "add", "ours.toml")
    assert "school-older-donor" in added.stdout
    assert (outside / "data" / "scenarios" / "school-older-donor.toml").read_text() == school
    rows = json.loads(marrowsim(venv, outside, "scenarios", "list", "--json").stdout)
    assert sorted(r["id"] for r in rows) == sorted([*SHIPPED_IDS, "school-older-donor"])
    assert {r["id"]: r["origin"] for r in rows}["school-older-donor"] == "school"
    # ... and the trainer's launcher lists it after the shipped ones
    launcher = subprocess.run(
        [str(_bin(venv, "python")), "-c", LAUNCHER_IDS],
        capture_output=True,
        text=True,
        cwd=outside,
        env=_clean_env(MARROWSIM_DATA_DIR=str(outside / "data"), PYGAME_HIDE_SUPPORT_PROMPT="1"),
    )
    assert launcher.stdout.split() == [*SHIPPED_IDS, "school-older-donor"], launcher.stderr

    # the shipped id again: refused, naming both files, nothing written
    (outside / "clash.toml").write_text(text, encoding="utf-8")
    clash = marrowsim(venv, outside, "scenarios", "add", "clash.toml", ok=False)
    assert clash.returncode == 2 and clash.stderr.count("\n") == 1
    assert "clash.toml" in clash.stderr and "shipped/older-donor.toml" in clash.stderr
    assert not (outside / "data" / "scenarios" / "older-donor.toml").exists()


def test_every_command_of_the_installed_app_fails_in_one_line(installed, tmp_path):
    # Issue 14, item 5: every case of tests/test_cli_failures.py, from the non-editable install.
    venv, _dist = installed
    files = make_bad_files(tmp_path / "bad-input")
    t0 = time.perf_counter()
    python = str(_bin(venv, "python"))
    problems = in_processes(list(range(len(CASES))), files, tmp_path, python=python, checkout=False)
    TIMINGS["bad-input cases"] = time.perf_counter() - t0
    assert problems == []


def test_the_sdist_is_complete_and_its_tests_run(installed, tmp_path):
    venv, dist = installed
    (sdist,) = dist.glob("marrowsim-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
        tar.extractall(tmp_path, filter="data")
    tracked = subprocess.run(
        ["git", "ls-files"], capture_output=True, text=True, cwd=ROOT
    ).stdout.split()
    if not tracked:  # not a git checkout (e.g. this test run from an unpacked sdist)
        pytest.skip("no git checkout to compare with")
    missing = [f for f in tracked if not f.startswith((".ci/", ".git")) and f not in names]
    assert missing == []
    assert {"LICENSE", "setup.py", "MANIFEST.in"} <= names
    assert not [n for n in names if "__pycache__" in n or n.startswith("sim/scenario/shipped")]

    # A part of the suite, from the unpacked sdist (its own sim/ and scenarios/, as in a
    # checkout), with the test tools installed beside the wheel.
    python = str(_bin(venv, "python"))
    env = _clean_env()
    _timed(
        "install test tools",
        [python, "-m", "pip", "--disable-pip-version-check", "-q", "install", "pytest",
         "hypothesis"],
        env=env,
    )  # fmt: skip
    unpacked = tmp_path / sdist.name.removesuffix(".tar.gz")
    _timed(
        "tests from the sdist",
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_scenarios.py",
         "tests/test_scenario_library.py", "tests/test_core_headless.py"],
        cwd=unpacked,
        env=env,
    )  # fmt: skip
