"""The give is perceived on the frame the tip enters the marrow: sound, message and the needle's
jolt all start on that very frame (the simulated trainee reacts to them)."""

from __future__ import annotations

import pygame

from tests.ui.driver import key, make_app, run


def test_every_give_cue_starts_on_the_frame_the_tip_enters_the_marrow():
    app = make_app()
    run(app, 2)
    key(app, pygame.K_RETURN)  # practice, first scenario
    key(app, pygame.K_RETURN)  # briefing -> procedure
    proc = app.top
    key(app, pygame.K_l)
    key(app, pygame.K_RETURN)
    key(app, pygame.K_TAB)
    for _ in range(12):
        key(app, pygame.K_RIGHT)
    key(app, pygame.K_RETURN)
    sim = proc.session.sim
    assert sim.needle.inserted
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE, mod=0, unicode=""))
    for _ in range(900):
        before = sim.bone_penetrations
        run(app)
        if sim.bone_penetrations > before:
            break
    assert sim.bone_penetrations == 1
    # The frame on which the give happened: every cue is already there.
    assert app.sounds.heard.get("give") == 1
    assert proc.effects.flash > 0
    assert any(t.startswith("Loss of resistance") for t in app.painter.texts())
    pygame.quit()
