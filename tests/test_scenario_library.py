"""The scenario library (issue 14): shipped scenarios from the package, school scenarios from the
data folder and MARROWSIM_SCENARIO_PATH, id clashes, the empty library and ``scenarios add``."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.errors import InputError
from sim.scenario import ScenarioLibrary, add_school_scenario, loader, resolve_scenario

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_IDS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))
EXPERT = ROOT / "tests" / "reference" / "adult-standard-expert.jsonl"


def school_file(folder: Path, sid: str, base: str = "dry-tap") -> Path:
    """A valid scenario with id ``sid`` (a shipped one, renamed)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "scenarios" / f"{base}.toml").read_text(encoding="utf-8")
    path = folder / f"{sid}.toml"
    path.write_text(text.replace(f'id = "{base}"', f'id = "{sid}"'), encoding="utf-8")
    return path


@pytest.fixture
def data_dir() -> Path:
    return Path(os.environ["MARROWSIM_DATA_DIR"])  # the test's own (conftest)


# ------------------------------------------------------------------ where the shipped ones are
def test_a_checkout_reads_the_top_level_scenarios_folder():
    # No sim/scenario/shipped/ in a checkout or an editable install: the build makes it.
    assert not (ROOT / "sim" / "scenario" / loader.PACKAGED).exists()
    assert Path(str(loader.shipped_dir())) == ROOT / "scenarios"


def test_an_installed_package_reads_its_own_copy(tmp_path, monkeypatch):
    # As in a wheel: sim/scenario/shipped/ exists and wins over any scenarios/ folder.
    packaged = tmp_path / "site" / "sim" / "scenario"
    (packaged / loader.PACKAGED).mkdir(parents=True)
    monkeypatch.setattr(loader.resources, "files", lambda pkg: packaged)
    assert loader.shipped_dir() == packaged / loader.PACKAGED


def test_shipped_scenarios_are_read_through_importlib_resources_traversables(tmp_path, monkeypatch):
    # Any Traversable works (here a zip file, as a zipped package would be), not only a Path.
    archive = tmp_path / "sim.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for sid in SHIPPED_IDS[:3]:
            z.write(ROOT / "scenarios" / f"{sid}.toml", f"sim/scenario/shipped/{sid}.toml")
    shipped = zipfile.Path(archive, "sim/scenario/shipped/")
    monkeypatch.setattr(loader, "SCENARIO_DIR", shipped)
    lib = ScenarioLibrary()
    assert [s.id for s in lib.scenarios()] == SHIPPED_IDS[:3]
    assert {e.origin for e in lib.entries} == {"shipped"}
    assert resolve_scenario(SHIPPED_IDS[0]).id == SHIPPED_IDS[0]


def test_params_and_report_templates_are_package_data():
    import importlib

    from jinja2 import PackageLoader

    from sim.model import parameters

    render = importlib.import_module("sim.report.render")  # the package exports a function

    assert parameters.PARAMS_DIR.is_dir() and parameters.table("needle")
    assert isinstance(render.environment().loader, PackageLoader)
    assert render.environment().get_template("report.html.j2")


# ------------------------------------------------------------------ school scenarios
def test_school_scenarios_come_from_the_data_folder_and_the_scenario_path(
    tmp_path, data_dir, monkeypatch
):
    school_file(data_dir / "scenarios", "school-a")
    school_file(tmp_path / "one", "school-b")
    school_file(tmp_path / "two", "school-c")
    paths = os.pathsep.join([str(tmp_path / "one"), "", str(tmp_path / "two")])
    monkeypatch.setenv("MARROWSIM_SCENARIO_PATH", paths)
    lib = ScenarioLibrary()
    assert lib.broken() == []
    ids = [e.scenario.id for e in lib.entries]
    assert ids == [*SHIPPED_IDS, "school-a", "school-b", "school-c"]  # shipped first
    assert [e.origin for e in lib.entries].count("school") == 3
    assert resolve_scenario("school-c").id == "school-c"


def test_a_missing_folder_on_the_scenario_path_is_reported_but_a_missing_data_folder_is_not(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("MARROWSIM_SCENARIO_PATH", str(tmp_path / "nowhere"))
    lib = ScenarioLibrary()
    assert len(lib.scenarios()) == len(SHIPPED_IDS)  # the data folder has no scenarios/: fine
    (broken,) = lib.broken()
    assert "scenario folder not found" in str(broken.error) and "nowhere" in str(broken.error)


def test_the_launcher_api_still_reads_one_given_folder(tmp_path):
    school_file(tmp_path, "only-this")
    lib = ScenarioLibrary(tmp_path)
    assert [s.id for s in lib.scenarios()] == ["only-this"]
    assert lib.entries[0].origin == "folder"


# ------------------------------------------------------------------ clashes
def test_an_id_clash_between_shipped_and_school_is_an_error_naming_both_files(data_dir, capsys):
    mine = school_file(data_dir / "scenarios", "adult-standard", base="adult-standard")
    lib = ScenarioLibrary()
    clashing = [e for e in lib.entries if e.stem == "adult-standard"]
    assert len(clashing) == 2 and all(e.scenario is None for e in clashing)
    message = str(clashing[0].error)
    assert str(mine) in message and str(ROOT / "scenarios" / "adult-standard.toml") in message
    with pytest.raises(InputError, match="used by two files"):
        resolve_scenario("adult-standard")

    assert main(["run", "--scenario", "adult-standard", "--actions", str(EXPERT)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(mine) in err and "shipped" in err
    assert main(["scenarios", "list"]) == 0  # the others are still there
    out = capsys.readouterr().out
    assert out.count("BROKEN") == 1 and "dry-tap" in out


def test_an_id_clash_between_two_school_folders_is_an_error_too(tmp_path, data_dir, monkeypatch):
    a = school_file(data_dir / "scenarios", "ours")
    b = school_file(tmp_path / "shared", "ours")
    monkeypatch.setenv("MARROWSIM_SCENARIO_PATH", str(tmp_path / "shared"))
    with pytest.raises(InputError) as info:
        ScenarioLibrary().get("ours")
    assert str(a) in str(info.value) and str(b) in str(info.value)


def test_a_folder_named_twice_is_read_once(data_dir, monkeypatch):
    school_file(data_dir / "scenarios", "ours")
    monkeypatch.setenv("MARROWSIM_SCENARIO_PATH", str(data_dir / "scenarios"))
    assert resolve_scenario("ours").id == "ours"
    assert ScenarioLibrary().broken() == []


# ------------------------------------------------------------------ the empty library
def test_an_empty_library_is_an_error_with_exit_status_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(loader, "SCENARIO_DIR", tmp_path / "empty")
    (tmp_path / "empty").mkdir()
    assert main(["scenarios", "list"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no scenarios found" in err and "empty" in err
    assert main(["scenarios", "list", "--json"]) == 2
    assert json.loads(capsys.readouterr().out) == []
    assert main(["run", "--scenario", "adult-standard", "--actions", str(EXPERT)]) == 2
    assert "no scenarios found" in capsys.readouterr().err


def test_a_library_of_broken_files_only_is_empty_too(tmp_path, monkeypatch, capsys):
    (tmp_path / "bad.toml").write_text('id = "bad"\n')
    monkeypatch.setattr(loader, "SCENARIO_DIR", tmp_path)
    assert main(["scenarios", "list"]) == 2
    out, err = capsys.readouterr()
    assert out.startswith("BROKEN") and "1 broken file" in err


# ------------------------------------------------------------------ scenarios add
def test_scenarios_add_validates_and_copies_into_the_data_folder(tmp_path, data_dir, capsys):
    source = school_file(tmp_path / "from-the-school", "ward-7-harvest")
    renamed = source.rename(source.with_name("any name.toml"))  # the id names the copy
    assert main(["scenarios", "add", str(renamed)]) == 0
    dest = data_dir / "scenarios" / "ward-7-harvest.toml"
    assert str(dest) in capsys.readouterr().out
    assert dest.read_bytes() == renamed.read_bytes()
    assert main(["scenarios", "list"]) == 0
    assert "ward-7-harvest" in capsys.readouterr().out.splitlines()[-1]  # after the shipped
    assert resolve_scenario("ward-7-harvest").title == resolve_scenario("dry-tap").title


def test_scenarios_add_never_silently_replaces(tmp_path, data_dir, capsys):
    source = school_file(tmp_path, "ours")
    add_school_scenario(source)
    dest = data_dir / "scenarios" / "ours.toml"
    dest.write_text(dest.read_text() + "# the school's edit\n")
    before = dest.read_bytes()
    assert main(["scenarios", "add", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err and "--replace" in err
    assert dest.read_bytes() == before
    assert main(["scenarios", "add", "--replace", str(source)]) == 0
    assert dest.read_bytes() == source.read_bytes()
    assert [p.name for p in dest.parent.iterdir()] == ["ours.toml"]  # no temporary left


@pytest.mark.parametrize(
    "problem, words",
    [
        ("invalid", "field 'donor.weight_kg'"),
        ("shipped id", "already used by"),
        ("missing", "cannot read scenario file"),
        ("on the scenario path", "already used by"),
    ],
)
def test_scenarios_add_refuses_in_one_line_and_writes_nothing(
    problem, words, tmp_path, data_dir, monkeypatch, capsys
):
    if problem == "invalid":
        source = school_file(tmp_path, "broken-one")
        source.write_text(source.read_text().replace("weight_kg = ", "weight_kg = -", 1))
    elif problem == "shipped id":
        source = school_file(tmp_path, "adult-standard", base="adult-standard")
    elif problem == "missing":
        source = tmp_path / "nothing.toml"
    else:
        school_file(tmp_path / "shared", "ours")
        monkeypatch.setenv("MARROWSIM_SCENARIO_PATH", str(tmp_path / "shared"))
        source = school_file(tmp_path / "new", "ours")
    assert main(["scenarios", "add", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and str(source) in err
    if problem == "shipped id":  # both files named
        assert str(ROOT / "scenarios" / "adult-standard.toml") in err
    assert not (data_dir / "scenarios").exists()


def test_scenarios_add_to_an_unusable_data_folder_is_one_line(tmp_path, monkeypatch, capsys):
    source = school_file(tmp_path / "src", "ours")
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(tmp_path / "a-file"))
    assert main(["scenarios", "add", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write to the school scenario folder" in err
