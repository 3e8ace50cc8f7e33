"""Issue 15: the debrief's charts (sites map, depth trace, pulls) are drawn once per pixel size
and blitted after that, not drawn again every frame."""

from __future__ import annotations

import pygame

from sim.ui.screens.debrief import DebriefView
from tests.ui.driver import key, make_app, run


def test_the_charts_are_drawn_once_per_size_and_their_texts_stay(monkeypatch):
    calls: list[str] = []
    for name in ("_draw_map_in", "_draw_trace_in", "_draw_pulls_in"):
        original = getattr(DebriefView, name)

        def counted(self, p, d, box, _original=original, _name=name):
            calls.append(_name)
            return _original(self, p, d, box)

        monkeypatch.setattr(DebriefView, name, counted)
    app = make_app()
    run(app, 2)
    key(app, pygame.K_RETURN)
    key(app, pygame.K_RETURN)
    key(app, pygame.K_e)
    key(app, pygame.K_y, frames=2)
    assert app.top.name == "debrief"
    app.invalidate()
    run(app, 1)
    first = sorted(calls)
    texts = app.painter.texts()
    assert first == ["_draw_map_in", "_draw_pulls_in", "_draw_trace_in"]
    for _ in range(5):  # full redraws: the charts are blitted, not drawn again
        app.invalidate()
        run(app, 1)
    assert sorted(calls) == first
    assert app.painter.texts() == texts  # the cached charts' texts are still in the transcript
    pygame.quit()
