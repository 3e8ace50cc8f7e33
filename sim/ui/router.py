"""The screen router's table: every screen and overlay of the trainer, by name.

This is the only module that imports the screens.  Screens never import each other; they ask
the App to switch by name (``app.go("debrief", session=..., mode=...)``, ``app.restart
("launcher")``, ``app.open("confirm", title=..., detail=..., on_yes=...)``), and the App builds
the view from this table.  A view's name is its class's ``name`` (also what tests read from
``app.top.name``).

A screen's module is imported when the screen is first built (or ``warm_one`` imports it while
the trainer is idle): the launcher's first frame does not wait for the simulation, the scoring
and the records that the other screens import (issue 15).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from sim.ui.screens.base import View

#: Each view's name, module (under ``sim.ui.screens``) and class, the launcher first.
_WHERE: dict[str, tuple[str, str]] = {
    "launcher": ("launcher", "LauncherView"),
    "briefing": ("briefing", "BriefingView"),
    "procedure": ("procedure", "ProcedureView"),
    "nursing": ("nursing", "NursingView"),
    "nursing_debrief": ("nursing_debrief", "NursingDebriefView"),
    "tutorial_summary": ("tutorial_summary", "TutorialSummaryView"),
    "debrief": ("debrief", "DebriefView"),
    "replay": ("debrief", "ReplayView"),
    "instructor_login": ("instructor_login", "InstructorLoginView"),
    "instructor": ("instructor", "InstructorHomeView"),
    "help": ("overlays", "HelpOverlay"),
    "pause": ("overlays", "PauseOverlay"),
    "confirm": ("overlays", "ConfirmOverlay"),
    "steps": ("overlays", "StepsOverlay"),
}


class _Views(Mapping[str, type[View]]):
    """Screen and overlay classes by name, each imported on first use."""

    def __init__(self) -> None:
        self._loaded: dict[str, type[View]] = {}

    def __getitem__(self, name: str) -> type[View]:
        cls = self._loaded.get(name)
        if cls is None:
            module, attr = _WHERE[name]
            cls = getattr(importlib.import_module(f"sim.ui.screens.{module}"), attr)
            assert cls.name == name, (cls, name)
            self._loaded[name] = cls
        return cls

    def __iter__(self) -> Iterator[str]:
        return iter(_WHERE)

    def __len__(self) -> int:
        return len(_WHERE)

    def pending(self) -> list[str]:
        return [name for name in _WHERE if name not in self._loaded]


#: Screen and overlay classes by name.
VIEWS = _Views()


def warm_one() -> bool:
    """Import one screen not yet imported (the App calls it on idle frames); False when all
    are."""
    pending = VIEWS.pending()
    if pending:
        VIEWS[pending[0]]
    return len(pending) > 1


def build(app, name: str, /, **kwargs) -> View:
    """A new view ``name`` for ``app``, built with ``kwargs`` (its constructor's arguments)."""
    try:
        cls = VIEWS[name]
    except KeyError:
        raise KeyError(f"no screen named {name!r}; known: {', '.join(sorted(VIEWS))}") from None
    return cls(app, **kwargs)
