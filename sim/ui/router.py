"""The screen router's table: every screen and overlay of the trainer, by name.

This is the only module that imports the screens.  Screens never import each other; they ask
the App to switch by name (``app.go("debrief", session=..., mode=...)``, ``app.restart
("launcher")``, ``app.open("confirm", title=..., detail=..., on_yes=...)``), and the App builds
the view from this table.  A view's name is its class's ``name`` (also what tests read from
``app.top.name``).
"""

from __future__ import annotations

from sim.ui.screens.base import View
from sim.ui.screens.briefing import BriefingView
from sim.ui.screens.debrief import DebriefView, ReplayView
from sim.ui.screens.instructor import InstructorHomeView
from sim.ui.screens.instructor_login import InstructorLoginView
from sim.ui.screens.launcher import LauncherView
from sim.ui.screens.nursing import NursingView
from sim.ui.screens.nursing_debrief import NursingDebriefView
from sim.ui.screens.overlays import ConfirmOverlay, HelpOverlay, PauseOverlay, StepsOverlay
from sim.ui.screens.procedure import ProcedureView
from sim.ui.screens.tutorial_summary import TutorialSummaryView

_ALL: tuple[type[View], ...] = (
    LauncherView,
    BriefingView,
    ProcedureView,
    NursingView,
    NursingDebriefView,
    TutorialSummaryView,
    DebriefView,
    ReplayView,
    InstructorLoginView,
    InstructorHomeView,
    HelpOverlay,
    PauseOverlay,
    ConfirmOverlay,
    StepsOverlay,
)

#: Screen and overlay classes by name.
VIEWS: dict[str, type[View]] = {cls.name: cls for cls in _ALL}
assert len(VIEWS) == len(_ALL), "two views share a name"


def build(app, name: str, /, **kwargs) -> View:
    """A new view ``name`` for ``app``, built with ``kwargs`` (its constructor's arguments)."""
    try:
        cls = VIEWS[name]
    except KeyError:
        raise KeyError(f"no screen named {name!r}; known: {', '.join(sorted(VIEWS))}") from None
    return cls(app, **kwargs)
