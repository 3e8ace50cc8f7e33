"""Friction in the launcher and the instructor view, driven with pygame events as a trainee or
instructor would: typing a name, Enter, Tab, Space, coming back to the launcher."""

from __future__ import annotations

import pygame
import pytest

from tests.ui.driver import click, key, make_app, run


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
