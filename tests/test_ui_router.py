"""The screen router: every screen by name, and screens that never import each other."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pygame
import pytest

from sim.ui import router
from sim.ui.screens.base import View
from tests.ui.driver import key, make_app, run

SCREENS = Path(router.__file__).parent / "screens"
#: Drawing helpers and panels shared by screens (not screens; they import no screen).
PANELS = {"base", "dorsal", "needle", "section", "tutorial_panel", "assessment_setup"}


@pytest.fixture
def app(tmp_path):
    a = make_app(data_dir=tmp_path)
    yield a
    pygame.quit()


def _imports(path: Path) -> set[str]:
    """Modules imported anywhere in ``path`` (inside functions too), not under TYPE_CHECKING."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and getattr(child.test, "id", "") == "TYPE_CHECKING":
                for stmt in child.orelse:
                    visit(stmt)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module:
                found.add(child.module)
                found.update(f"{child.module}.{a.name}" for a in child.names)
            visit(child)

    visit(ast.parse(path.read_text()))
    return found


def test_every_screen_and_overlay_is_routed_by_its_name():
    for path in SCREENS.glob("*.py"):
        module = __import__(f"sim.ui.screens.{path.stem}", fromlist=["_"])
        for _, cls in inspect.getmembers(module, inspect.isclass):
            own = cls.__module__ == module.__name__ and "name" in vars(cls)
            if own and issubclass(cls, View) and cls is not View:
                assert router.VIEWS.get(cls.name) is cls, cls
    assert set(router.VIEWS) >= {"launcher", "briefing", "procedure", "debrief", "confirm"}


def test_screens_import_no_screen_nor_the_app():
    screens = {p.stem for p in SCREENS.glob("*.py")} - {"__init__"} - PANELS
    for path in SCREENS.glob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("sim.ui.app", "sim.ui.router")), (path.name, name)
            if name.startswith("sim.ui.screens."):
                target = name.split(".")[3]
                assert target not in screens, f"{path.name} imports the screen {target}"


def test_go_restart_and_open_switch_by_name(app):
    run(app)
    assert [v.name for v in app.stack] == ["launcher"]
    app.go("instructor_login")
    assert [v.name for v in app.stack] == ["instructor_login"]
    app.open("help")
    assert [v.name for v in app.stack] == ["instructor_login", "help"]
    app.go("launcher")  # the screen and the overlay over it give way
    assert [v.name for v in app.stack] == ["launcher"]
    key(app, pygame.K_RETURN)
    key(app, pygame.K_RETURN)
    app.open("pause")
    app.open("confirm", title="Sure?", detail="", on_yes=lambda: None)
    assert [v.name for v in app.stack] == ["procedure", "pause", "confirm"]
    app.restart("launcher")
    assert [v.name for v in app.stack] == ["launcher"]
    with pytest.raises(KeyError, match="no screen named 'nowhere'"):
        app.go("nowhere")
