"""Friction in the launcher and the instructor view, driven with pygame events as a trainee or
instructor would: typing a name, Enter, Tab, Space, coming back to the launcher."""

from __future__ import annotations

import pygame
import pytest

from sim.records import RecordStore
from sim.ui import theme
from tests.ui.driver import click, key, make_app, run

PASSPHRASE = "correct horse battery"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(tmp_path))
    return tmp_path


def type_text(app, text: str) -> None:
    """Keystrokes as SDL sends them: a key-down, then the text it typed."""
    for ch in text:
        k = pygame.K_SPACE if ch == " " else pygame.key.key_code(ch)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=ch))
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
        run(app)
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=0, unicode=ch))
        run(app)


def click_name_field(app) -> None:
    click(app, app.top.name_entry.rect.center, frames=2)
    assert app.top.focus == "name"


def trainee_ids(app) -> list[str]:
    return [t["id"] for t in app.records.store.trainees()]


def focus_rings(app) -> list[pygame.Rect]:
    return [
        pygame.Rect(t[2])
        for t in app.painter.transcript
        if t[0] == "rect" and t[1] == theme.FOCUS and t[3] == 2
    ]


def sign_in(app):
    """Launcher → instructor view (a passphrase set on a new station)."""
    key(app, pygame.K_F2)
    login = app.top
    for e in login.entries:
        e.set_text(PASSPHRASE)
    login.submit()
    run(app)
    assert app.top.name == "instructor"
    return app.top


def test_typing_a_name_creates_no_trainee_and_the_cohort_agrees_with_the_attempts(data_dir):
    with RecordStore.open(data_dir) as store:
        store.ensure_trainee("nu")  # a leftover of typing, from before this was fixed
    app = make_app(data_dir=data_dir)
    run(app, 2)
    click_name_field(app)
    type_text(app, "nurse kim")  # the space is a space, not Start
    assert app.top.name == "launcher"
    assert app.top.name_entry.get_text() == "nurse kim"
    assert "Your recent attempts (nurse-kim)" in app.painter.texts()
    assert trainee_ids(app) == ["nu"]  # nothing for "n", "nur", "nurse"...
    key(app, pygame.K_RETURN, frames=2)
    key(app, pygame.K_RETURN)  # begin: the attempt starts, and with it the trainee
    assert app.top.name == "procedure"
    assert trainee_ids(app) == ["nu", "nurse-kim"]
    key(app, pygame.K_ESCAPE)
    key(app, pygame.K_DOWN)
    key(app, pygame.K_DOWN)
    key(app, pygame.K_RETURN)  # quit to launcher, yes
    key(app, pygame.K_y)
    assert app.top.name == "launcher"
    home = sign_in(app)
    cohort = {r["trainee_id"] for r in home.cohort}
    key(app, pygame.K_2)
    attempts = {a["trainee_id"] for a in home.attempts}
    assert cohort == attempts == {"nurse-kim"}
    pygame.quit()


def test_enter_in_the_name_field_starts_the_selected_scenario(data_dir):
    app = make_app(data_dir=data_dir)
    run(app, 2)
    key(app, pygame.K_DOWN)
    chosen = app.top.entry.scenario
    click_name_field(app)
    type_text(app, "t-7")
    key(app, pygame.K_RETURN, frames=2)
    assert app.top.name == "briefing"
    assert app.top.scenario.id == chosen.id and app.top.trainee == "t-7"
    pygame.quit()


def test_up_down_still_choose_the_scenario_while_typing(data_dir):
    app = make_app(data_dir=data_dir)
    run(app, 2)
    click_name_field(app)
    first = app.top.selected
    key(app, pygame.K_DOWN)
    assert app.top.selected == first + 1 and app.top.focus == "name"
    pygame.quit()


def test_the_name_is_kept_when_the_trainee_comes_back_to_the_launcher(data_dir):
    app = make_app(data_dir=data_dir)
    run(app, 2)
    click_name_field(app)
    type_text(app, "t-8")
    key(app, pygame.K_RETURN, frames=2)
    key(app, pygame.K_BACKSPACE)  # back from the briefing
    assert app.top.name == "launcher"
    assert app.top.name_entry.get_text() == "t-8"
    key(app, pygame.K_RETURN)  # list focused: start
    key(app, pygame.K_RETURN)
    key(app, pygame.K_e)
    key(app, pygame.K_y, frames=2)
    assert app.top.name == "debrief"
    key(app, pygame.K_RETURN)  # to the launcher
    assert app.top.name == "launcher" and app.top.name_entry.get_text() == "t-8"
    run(app)
    assert "Your recent attempts (t-8)" in app.painter.texts()
    pygame.quit()


def test_every_tab_stop_in_the_launcher_shows_its_focus(data_dir):
    app = make_app(data_dir=data_dir)
    run(app, 2)
    launcher = app.top
    seen = []
    for _ in range(4):  # list (at the start), then start, name, mode
        rings = focus_rings(app)
        seen.append(launcher.focus)
        assert rings, f"no focus ring on {launcher.focus}"
        if launcher.focus == "start":
            assert any(r.contains(launcher.start_button.rect) for r in rings)
        if launcher.focus == "name":
            assert any(r.contains(launcher.name_entry.rect) for r in rings)
        key(app, pygame.K_TAB)
    assert seen == ["list", "start", "name", "mode"]
    key(app, pygame.K_TAB, mod=pygame.KMOD_SHIFT)  # Shift+Tab: back to mode
    assert launcher.focus == "mode" and focus_rings(app)
    pygame.quit()


def test_instructor_login_shows_which_field_has_focus(data_dir):
    app = make_app(data_dir=data_dir)
    run(app, 2)
    key(app, pygame.K_F2)
    login = app.top
    run(app)
    assert any(r.contains(login.entries[0].rect) for r in focus_rings(app))
    key(app, pygame.K_TAB)
    assert any(r.contains(login.entries[1].rect) for r in focus_rings(app))
    assert not any(r.contains(login.entries[0].rect) for r in focus_rings(app))
    pygame.quit()


def test_assessment_setup_space_ticks_enter_creates_and_says_so(data_dir):
    app = make_app(data_dir=data_dir)
    run(app, 2)
    home = sign_in(app)
    key(app, pygame.K_3)
    setup = home.setup
    key(app, pygame.K_RETURN)  # nothing ticked: nothing created, and it says why
    assert not setup.active()
    assert any(t.startswith("Nothing created") for t in app.painter.texts())
    key(app, pygame.K_SPACE)  # first row: tick it
    key(app, pygame.K_DOWN)
    key(app, pygame.K_SPACE)
    assert len(setup.ticked) == 2
    key(app, pygame.K_RETURN)  # on a scenario row: creates, does not un-tick
    active = setup.active()
    assert len(active) == 1 and len(active[0]["scenarios"]) == 2
    assert any(t.startswith("Created and open: 2 scenarios") for t in app.painter.texts())
    pygame.quit()


def test_each_mode_shows_only_its_own_messages(data_dir, tmp_path):
    empty = tmp_path / "no-scenarios"
    empty.mkdir()
    app = make_app(data_dir=data_dir, scenario_dir=empty)
    run(app, 2)

    def assessment_words() -> list[str]:
        return [t for t in app.painter.texts() if "assessment" in t.lower() and t != "Assessment"]

    assert assessment_words() == []
    assert "No scenario files found." in app.painter.texts()
    key(app, pygame.K_RIGHT)  # tutorial
    assert assessment_words() == []
    key(app, pygame.K_RIGHT)  # assessment
    assert assessment_words()
    key(app, pygame.K_LEFT)
    key(app, pygame.K_LEFT)  # practice again
    assert assessment_words() == []
    pygame.quit()


def test_the_instructor_sees_scenario_titles_not_ids(data_dir):
    app = make_app(data_dir=data_dir)
    run(app, 2)
    title = app.top.entry.scenario.title
    sid = app.top.entry.scenario.id
    key(app, pygame.K_RETURN)
    key(app, pygame.K_RETURN)
    key(app, pygame.K_e)
    key(app, pygame.K_y, frames=2)
    key(app, pygame.K_RETURN)
    assert app.top.name == "launcher"
    home = sign_in(app)
    for tab in (pygame.K_1, pygame.K_2):
        key(app, tab)
        texts = app.painter.texts()
        assert sid not in texts
    assert title in app.painter.texts()  # the attempts tab
    key(app, pygame.K_3)
    key(app, pygame.K_SPACE)
    key(app, pygame.K_RETURN)
    drawn = " ".join(app.painter.texts())
    assert home.setup.scenarios[0].title in drawn
    assert home.setup.scenarios[0].id not in drawn.replace(home.setup.scenarios[0].title, "")
    pygame.quit()
