"""The nursing scenario in the window: a care task, not a harvest."""

from __future__ import annotations

import pygame

from tests.ui.driver import key, make_app, run  # sets the dummy SDL drivers first


def start_nursing(app) -> None:
    run(app, 2)
    app.top.name_entry.set_text("nurse.kim")
    run(app, 1)
    for _ in range(12):
        entry = app.top.entries[app.top.selected]
        if entry.scenario is not None and entry.scenario.id == "post-procedure-care":
            break
        key(app, pygame.K_DOWN)
    key(app, pygame.K_RETURN)
    key(app, pygame.K_RETURN, frames=3)


def test_the_care_steps_open_at_once_and_strips_match_the_handover():
    app = make_app()
    start_nursing(app)
    overlay = app.top
    assert type(overlay).__name__ == "StepsOverlay"  # the care list is the task
    strips = next(i for i, a in enumerate(overlay.actions) if a.command["do"] == "steri_strips")
    overlay.index = strips
    key(app, pygame.K_RETURN, frames=2)
    done = [e for e in app.top.session.sim.events if e.get("step") == "steri_strips"]
    assert done and done[0]["count"] == 4  # the handover's four puncture sites
    run(app, 1)
    assert "Handover from theatre" in app.painter.texts()
    assert not any(t.startswith("Collected ") for t in app.painter.texts())
