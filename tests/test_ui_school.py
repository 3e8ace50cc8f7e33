"""School scenarios in the trainer (issue 14): the launcher marks them, the instructor's
assessment set-up lists them beside the shipped ones marked "school-made", and an empty
library stops the trainer with one line before any window opens."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from sim.cli.main import main
from sim.scenario import loader
from tests.test_ui_instructor import PASSPHRASE, open_login, seed_records
from tests.ui.driver import key, make_app, run

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def school_station(tmp_path, monkeypatch):
    """A data folder with one school scenario in its scenarios/."""
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MARROWSIM_SCENARIO_PATH", raising=False)
    text = (ROOT / "scenarios" / "older-donor.toml").read_text(encoding="utf-8")
    text = text.replace('id = "older-donor"', 'id = "ward-7"')
    text = text.replace('title = "Older donor: thin cortex, fewer cells"', 'title = "Ward 7 case"')
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "ward-7.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_assessment_set_up_lists_school_scenarios_marked_school_made(school_station):
    seed_records(school_station)
    app = make_app(data_dir=school_station)
    try:
        launcher = app.top
        assert [e.origin for e in launcher.all_entries if e.stem == "ward-7"] == ["school"]
        launcher.selected = [e.stem for e in launcher.entries].index("ward-7")
        launcher._keep_visible()  # scrolled to, as Up/Down would
        app.invalidate()
        run(app, 2)
        drawn = app.painter.texts()
        assert "Ward 7 case  (school)" in drawn  # the list's row
        assert "Difficulty: core  ·  school-made" in drawn  # the details panel
        login = open_login(app)
        login.entries[0].set_text(PASSPHRASE)
        login.submit()
        run(app)
        assert app.top.name == "instructor"
        key(app, pygame.K_3)
        setup = app.top.setup
        assert "ward-7" in [s.id for s in setup.scenarios] and setup.school == {"ward-7"}
        setup.row = [s.id for s in setup.scenarios].index("ward-7")
        app.invalidate()
        run(app, 2)
        drawn = app.painter.texts()
        assert any(t.startswith("school-made") for t in drawn), drawn
        assert any("Ward 7 case" in t for t in drawn)
    finally:
        app.records.close()
        pygame.quit()


def test_the_trainer_with_an_empty_library_exits_2_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(loader, "SCENARIO_DIR", tmp_path / "empty")
    (tmp_path / "empty").mkdir()
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no scenarios found" in err
    assert not pygame.display.get_init()  # no window was opened
