"""Starting a new recorded attempt from the window (briefing, retry, practise after a tutorial)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.errors import InputError
from sim.i18n import _
from sim.run.attempt import Attempt
from sim.scenario.schema import Scenario
from sim.trainer.guide import Guide
from sim.trainer.modes import Mode
from sim.trainer.session import Session
from sim.trainer.station import GUEST_ID, Recording, one_line

if TYPE_CHECKING:
    from sim.ui.app import App


def debrief_screen(scenario: Scenario) -> str:
    """The debrief for an attempt at ``scenario``: the nursing debrief for nursing care."""
    return "nursing_debrief" if scenario.kind == "nursing" else "debrief"


def begin_attempt(
    app: App, scenario: Scenario, trainee: str, mode: Mode, assessment: dict | None = None
) -> str:
    """Open a new recorded attempt in the procedure screen (the nursing screen for a nursing
    scenario) (in place of the current screen);
    returns '' or the reason it cannot start (an assessment needs the records: attempts left,
    the trainee's id), in which case nothing changes."""
    attempt = Attempt(scenario, app.new_seed())
    nursing = scenario.kind == "nursing"
    guide = Guide() if mode.guided and not nursing else None
    session = Session(attempt, trainee or GUEST_ID, mode.id, guide=guide)
    notice = ""
    try:
        session.recording = Recording.start(
            app.records, attempt, session.trainee, mode.id, assessment
        )
    except InputError as exc:
        if mode.assessed:
            return one_line(exc)
        notice = _("Not recorded: {problem}").format(problem=one_line(exc))
    app.go("nursing" if nursing else "procedure", session=session, mode=mode, notice=notice)
    return ""
