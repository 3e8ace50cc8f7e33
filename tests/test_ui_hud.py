"""HUD data: the donor's vitals from the scenario engine's donor_state events (no window)."""

from __future__ import annotations

from sim.ui.hud import donor_state, vitals_text
from tests.helpers import attempt, run
from tests.reference.generate import HERE


def test_hypotension_shows_on_the_monitor_line():
    a = attempt("anesthesia-event")
    import json

    for raw in (HERE / "anesthesia-event-expert.jsonl").read_text().splitlines():
        cmd = json.loads(raw)
        run(a, cmd)
        if any(e["type"] == "scenario_event" for e in a.sim.events):
            break
    text = vitals_text(donor_state(a.sim.events))
    # The model's hypotension (sim/model/circulation.py): the monitor shows the engine's state.
    state = a.engine.donor_state
    assert state["systolic_mmhg"] < 90
    bp = f"BP {state['systolic_mmhg']:.0f}/{state['diastolic_mmhg']:.0f} mmHg"
    assert bp in text and f"HR {state['heart_rate_bpm']:.0f}/min" in text


def test_no_vitals_before_the_engine_sets_any():
    assert vitals_text(donor_state([{"type": "aspirated", "t_s": 1.0}])) == ""


def test_long_text_is_shortened_to_fit():
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    from sim.ui.render import Fonts

    pygame.init()
    fonts = Fonts()
    title = "Anaesthesia event: hypotension during the harvest"
    short = fonts.fit(title, 22, 200, bold=True)
    assert short.endswith("...") and fonts.size(short, 22, True)[0] <= 200
    assert fonts.fit("Short", 22, 200) == "Short"
