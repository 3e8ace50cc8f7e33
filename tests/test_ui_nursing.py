"""The nursing mode in the window, driven by pygame events: its own screen, the care panel
within three inputs, typed values, a nurse who passes both nursing scenarios, the monitor's
redraw confined to its corner."""

from __future__ import annotations

import pygame
import pytest

from sim.records import RecordStore
from sim.scenario.loader import resolve_scenario
from sim.trainer.care import GROUPS, MAX_PER_GROUP, care_menu
from sim.ui.art.monitor import SWEEP_HZ, waves_rect
from tests.reference.nursing import perform
from tests.ui.driver import click, key, make_app, run  # sets the dummy SDL drivers first

NURSING = ("post-procedure-care", "next-day-visit")
DIGITS = {str(i): getattr(pygame, f"K_{i}") for i in range(10)} | {".": pygame.K_PERIOD}


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(tmp_path))
    return tmp_path


def start(app, scenario: str, assessment: bool = False):
    """Launcher → briefing → the nursing screen for ``scenario``."""
    run(app, 2)
    app.top.name_entry.set_text("nurse.kim")
    run(app)
    if assessment:
        key(app, pygame.K_RIGHT)
        key(app, pygame.K_RIGHT)
    ids = [e.scenario.id if e.scenario else None for e in app.top.entries]
    app.top.selected = ids.index(scenario)
    key(app, pygame.K_RETURN)
    assert app.top.name == "briefing", getattr(app.top, "notice", "")
    key(app, pygame.K_RETURN)
    assert app.top.name == "nursing"
    return app.top


def sent_commands(view) -> list[dict]:
    """Record every command the screen sends (then applied as usual)."""
    sent: list[dict] = []
    submit = view.session.submit

    def recording(cmd):
        sent.append(cmd.model_dump(exclude_defaults=True) | {"do": cmd.do})
        return submit(cmd)

    view.session.submit = recording
    return sent


def type_number(app, value: float) -> int:
    text = f"{value:g}"
    for ch in text:
        key(app, DIGITS[ch])
    key(app, pygame.K_RETURN)
    return len(text) + 1


def send(app, view, cmd: dict) -> None:
    """What a nurse presses for ``cmd``: group, action, option; a typed value; W for time."""
    if cmd["do"] == "wait":
        key(app, pygame.K_w)
        type_number(app, max(0.1, round(cmd["s"] / 60.0 - 0.05, 1)))
        return
    try:
        group, action, option, value = view.menu.inputs_for(cmd)
    except LookupError:
        if cmd["do"] != "discharge_teaching":
            raise
        for item in cmd["items"]:  # a part of the list: taught one item at a time
            one = {"do": "discharge_teaching", "items": [item]}
            if item == "fever_threshold":
                one["fever_threshold_c"] = cmd["fever_threshold_c"]
            send(app, view, one)
        return
    key(app, DIGITS[str(group)])
    key(app, DIGITS[str(action)])
    if option is not None:
        key(app, DIGITS[str(option)])
    if value is not None:
        type_number(app, value)
    if cmd["do"] == "end":
        assert app.top.name == "confirm"
        key(app, pygame.K_y, frames=3)


# ------------------------------------------------------------------------------- the screen
def test_a_nursing_scenario_opens_the_nursing_screen_not_the_harvest(data_dir):
    app = make_app(data_dir=data_dir)
    view = start(app, "post-procedure-care")
    app.invalidate()
    run(app)
    texts = app.painter.texts()
    assert "Care" in texts and "Assess" in texts and "Document" in texts
    assert "HR" in texts and "NIBP" in texts and "SpO2" in texts and "RR" in texts
    assert not any(t.startswith(("Collected ", "Skin sites", "Palpation")) for t in texts)
    assert view.session.attempt.nursing is not None
    key(app, pygame.K_F1)  # the help lists the nursing screen's own controls
    assert app.top.name == "help" and "Care panel" in app.painter.texts()
    assert "Needle view" not in app.painter.texts()
    pygame.quit()


def test_every_care_action_is_reachable_in_at_most_three_inputs():
    """The panel's shape, headless: five groups, at most nine actions and nine options each."""
    for scenario_id in NURSING:
        menu = care_menu(resolve_scenario(scenario_id))
        assert list(menu.groups) == list(GROUPS)
        for group, actions in menu.groups.items():
            assert actions, group
            assert len(actions) <= MAX_PER_GROUP
            for action in actions:
                assert len(action.choices) <= 9
                assert action.command["do"] not in ("insert", "aspirate", "mark_site")


@pytest.mark.parametrize("device", ["keyboard", "mouse"])
def test_each_care_action_is_sent_within_three_inputs_from_the_window(data_dir, device):
    """Every action (and each of its options) from a resting screen: the command it sends after
    at most 3 inputs (a value to type, such as the fever threshold, opens on the 2nd)."""
    app = make_app(data_dir=data_dir)
    view = start(app, "next-day-visit")
    sent = sent_commands(view)
    for action in view.menu.actions():
        options = range(len(action.choices)) if action.choices else [None]
        for option in options:
            before = len(sent)
            g, n = view.menu.keys_for(action)
            inputs = 0
            if device == "keyboard":
                key(app, DIGITS[str(g)])
                key(app, DIGITS[str(n)])
                inputs = 2
                if option is not None:
                    key(app, DIGITS[str(option + 1)])
                    inputs += 1
            else:
                click(app, view.tabs[g - 1].rect.center)
                click(app, view.rows[n - 1].rect.center)
                inputs = 2
                if option is not None:
                    click(app, view.rows[option].rect.center)
                    inputs += 1
            assert inputs <= 3
            if action.value is not None:
                assert view.prompt is action.value  # the number field is open
                type_number(app, 38.0)
            if action.command["do"] == "end":
                assert app.top.name == "confirm"
                key(app, pygame.K_n)
                continue
            expected = action.build(38.0 if action.value else None, option)
            assert len(sent) == before + 1, (action.label, option)
            assert sent[-1]["do"] == expected["do"]
            for k, v in expected.items():
                got = sent[-1].get(k, v)
                assert (list(got) if isinstance(got, tuple) else got) == v, (action.label, k)
    pygame.quit()


def test_the_fever_threshold_is_asked_for_and_checked_in_the_window(data_dir):
    app = make_app(data_dir=data_dir)
    view = start(app, "post-procedure-care")
    sent = sent_commands(view)
    fever = next(a for a in view.menu.actions() if a.value is not None)
    g, n = view.menu.keys_for(fever)
    key(app, DIGITS[str(g)])
    key(app, DIGITS[str(n)])
    assert view.prompt is not None and not sent
    app.invalidate()  # the whole screen (at rest only the monitor's corner is drawn)
    run(app)
    assert any("Fever threshold" in t or "fever threshold" in t for t in app.painter.texts())
    type_number(app, 45)  # outside 35-42: refused in the window, nothing sent
    assert not sent and "35-42" in view.session.message
    key(app, pygame.K_BACKSPACE)
    key(app, pygame.K_BACKSPACE)
    type_number(app, 38.5)
    assert sent[-1]["items"] == ("fever_threshold",) or list(sent[-1]["items"]) == [
        "fever_threshold"
    ]
    assert sent[-1]["fever_threshold_c"] == 38.5
    pygame.quit()


def test_letting_fifteen_minutes_pass_moves_the_sim_clock_fifteen_minutes(data_dir):
    app = make_app(data_dir=data_dir)
    view = start(app, "post-procedure-care")
    t0 = view.session.clock_s
    key(app, pygame.K_w)
    type_number(app, 15)
    app.invalidate()
    run(app)
    assert view.session.clock_s - t0 == pytest.approx(900.0, abs=2.0)
    assert any(t.startswith("+15:") for t in app.painter.texts())
    pygame.quit()


# ------------------------------------------------------------------------------- a whole attempt
@pytest.mark.parametrize("scenario_id", NURSING)
@pytest.mark.parametrize("mode", ["practice", "assessment"])
def test_a_nurse_doing_every_step_right_passes_from_the_window(data_dir, scenario_id, mode):
    """The expert's care (tests/reference/nursing.py, for this attempt's seed), sent as a nurse
    at the keyboard sends it; the nursing debrief shows the nursing rubric and a pass."""
    seed = 3
    if mode == "assessment":
        with RecordStore.open(data_dir) as store:
            store.create_assessment([scenario_id], 80.0, 1, name="Nursing check")
    app = make_app(data_dir=data_dir, seed=seed)
    view = start(app, scenario_id, assessment=mode == "assessment")
    assert view.mode.id == mode
    for cmd in perform(scenario_id, "expert", seed):
        send(app, view, cmd)
    app.invalidate()
    run(app)
    debrief = app.top
    assert debrief.name == "nursing_debrief"
    assert debrief.score is not None and debrief.score["passed"], debrief.score
    ids = {cr["id"] for cr in debrief.criteria}
    assert {"assessment", "safety_responses", "teaching"} <= ids
    assert not ids & {"trajectory", "depth_control", "yield"}
    texts = app.painter.texts()
    assert "PASS" in texts
    assert not any(t.startswith("Collected ") or "No pulls" in t for t in texts)
    if mode == "assessment":
        assert debrief.stored["status"] == "locked" and debrief.stored["passed"]
    app.records.close()
    pygame.quit()


# ------------------------------------------------------------------------------- idle redraw
def test_at_rest_only_the_monitor_redraws_a_few_times_a_second(data_dir):
    app = make_app(data_dir=data_dir)
    view = start(app, "post-procedure-care")
    run(app, 5)
    strips = []
    app.present = lambda pixels=None: strips.append(pixels)
    before = app.redraws
    for _ in range(120):  # two seconds at rest
        app.frame(1 / 60)
    drawn = app.redraws - before
    assert not view.animating()
    assert 0 < drawn <= 2 * (SWEEP_HZ + 2)  # the sweep a few times a second, not 60
    whole = [s for s in strips if s is None]
    assert len(whole) <= 2  # the idle wait commands' events: at most a full draw per second
    lay = view.lay
    corner = app._pixel_rect(lay.clock.union(lay.monitor))  # the clock's second
    traces = app._pixel_rect(waves_rect(lay.monitor))  # the sweep between seconds
    parts = [s for s in strips if s is not None]
    assert parts and all(s in (corner, traces) for s in parts)
    assert sum(s == traces for s in parts) > sum(s == corner for s in parts)
    pygame.quit()


@pytest.mark.parametrize("scenario_id", NURSING)
def test_a_novice_from_the_window_fails_and_the_debrief_says_why(data_dir, scenario_id):
    seed = 3
    app = make_app(data_dir=data_dir, seed=seed)
    view = start(app, scenario_id)
    for cmd in perform(scenario_id, "novice", seed):
        send(app, view, cmd)
    app.invalidate()
    run(app)
    debrief = app.top
    assert debrief.name == "nursing_debrief"
    assert not debrief.score["passed"]
    texts = app.painter.texts()
    assert "NOT YET PASSED" in texts
    said = " ".join(texts)
    assert "Critical error" in said or any(
        float(cr["score"]) < float(cr["max"]) for cr in debrief.criteria
    )
    pygame.quit()


def drawn_tags(app) -> set[str]:
    """The named shapes of the last full drawing (the Painter's transcript)."""
    app.invalidate()
    run(app)
    return {
        str(item[-1]) for item in app.painter.transcript if item[0] in ("aapolygon", "translucent")
    }


def test_the_picture_follows_the_care_and_the_monitor_alarms(data_dir):
    """Pressure shows the gloved gauze on that puncture; the strips, the dressing, lying flat
    with the legs raised and the drip appear as the nurse gives them; the monitor's alarm is
    heard and named when her pressure falls."""
    app = make_app(data_dir=data_dir, seed=3)
    view = start(app, "post-procedure-care")
    assert "gloved finger" not in drawn_tags(app)
    send(app, view, {"do": "handover"})
    send(app, view, {"do": "apply_pressure", "site": 0, "s": 120.0})
    assert "gloved finger" in drawn_tags(app)
    assert view.picture().sites[0].pressure
    send(app, view, {"do": "steri_strips", "count": 4})
    assert "steri-strip" in drawn_tags(app) and all(s.strip for s in view.picture().sites)
    heard = app.sounds.heard.get("alarm", 0)
    send(app, view, {"do": "pressure_dressing"})  # she turns, light-headed: hypotension
    run(app, 3)
    tags = drawn_tags(app)
    assert "pressure dressing" in tags
    # three punctures were strapped without pressure: they ooze through the dressing
    assert "blood through the dressing" in tags
    assert app.sounds.heard.get("alarm", 0) > heard
    assert view.picture().alarms.get("systolic_mmhg") == "low"
    assert "LOW" in app.painter.texts()
    send(app, view, {"do": "position_donor", "position": "flat_legs_raised"})
    assert view.picture().position == "flat_legs_raised"
    assert any("legs raised" in t for t in app.painter.texts())
    send(app, view, {"do": "notify_anaesthetist"})
    send(app, view, {"do": "give_fluids"})
    assert "fluid bag" in drawn_tags(app)
    pygame.quit()
