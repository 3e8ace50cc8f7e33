"""Review fixes: held inputs let go under overlays, steps hit-testing, quit over a confirm,
the unrecorded warning, the stored verdict in the debrief, full text, labels, xAPI queueing."""

from __future__ import annotations

import pygame
import pytest

from sim.records import RecordStore
from tests.ui.driver import key, make_app, run

WORDS = (
    "The cell dose of total nucleated cells per kilogram of recipient weight was below the "
    "minimum the scenario sets for this donor, so the harvest did not meet its stop criteria "
    "even though the collected volume reached the target; count cells midway next time and "
    "keep pulls small (up to 5 mL) so the marrow is less diluted with peripheral blood."
)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(tmp_path))
    for var in ("MARROWSIM_LRS_ENDPOINT", "MARROWSIM_LRS_USERNAME", "MARROWSIM_LRS_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


@pytest.fixture
def app(data_dir):
    a = make_app(data_dir=data_dir)
    yield a
    pygame.quit()


def to_procedure(app):
    run(app, 2)
    key(app, pygame.K_RETURN)
    key(app, pygame.K_RETURN)
    assert app.top.name == "procedure"
    return app.top


def needle_inserted(app):
    proc = to_procedure(app)
    key(app, pygame.K_l)
    key(app, pygame.K_RETURN)
    key(app, pygame.K_TAB)
    for _ in range(12):
        key(app, pygame.K_RIGHT)
    key(app, pygame.K_RETURN)
    assert proc.session.sim.needle.inserted
    return proc


def mouse(app, kind, pos, button=1):
    pygame.event.post(pygame.event.Event(kind, pos=pos, button=button))


def assert_needle_still(app, proc):
    run(app, 30)  # the force eases off
    depth = proc.session.sim.needle.depth_mm
    run(app, 60)
    assert proc.session.sim.needle.depth_mm == depth
    assert not (proc.push_key or proc.mouse_push or proc.shift or proc.rmb_twist)


# open key, modifier, close key
COVERS = [
    (pygame.K_F1, 0, pygame.K_ESCAPE),
    (pygame.K_ESCAPE, 0, pygame.K_ESCAPE),
    (pygame.K_t, 0, pygame.K_ESCAPE),
    (pygame.K_e, 0, pygame.K_n),
    (pygame.K_q, pygame.KMOD_CTRL, pygame.K_n),
]


@pytest.mark.parametrize(("opener", "mod", "closer"), COVERS)
def test_push_key_is_let_go_under_an_overlay(app, opener, mod, closer):
    proc = needle_inserted(app)
    key(app, pygame.K_LSHIFT)
    key(app, pygame.K_SPACE, frames=10)
    assert proc.push_key and proc.hand.force_n > 0
    key(app, opener, mod=mod)
    assert app.top.overlay
    key(app, pygame.K_SPACE, up=True)  # the key-up goes to the overlay
    key(app, pygame.K_LSHIFT, up=True)
    key(app, closer)
    assert app.top is proc
    assert_needle_still(app, proc)


def test_mouse_push_drag_and_twist_are_let_go_under_an_overlay(app):
    proc = needle_inserted(app)
    push = next(b for b in proc.needle_buttons if b.label == "Push")
    mouse(app, pygame.MOUSEBUTTONDOWN, push.rect.center)
    mouse(app, pygame.MOUSEBUTTONDOWN, (400, 300), button=3)
    run(app, 10)
    assert proc.mouse_push and proc.rmb_twist
    key(app, pygame.K_t)
    mouse(app, pygame.MOUSEBUTTONUP, push.rect.center)
    mouse(app, pygame.MOUSEBUTTONUP, (400, 300), button=3)
    run(app)
    key(app, pygame.K_ESCAPE)
    assert app.top is proc
    assert_needle_still(app, proc)
    # The mouse held on the section, then the window loses focus before the button comes up.
    mouse(app, pygame.MOUSEBUTTONDOWN, (400, 300))
    run(app, 5)
    assert proc.mouse_push
    pygame.event.post(pygame.event.Event(pygame.WINDOWFOCUSLOST))
    assert_needle_still(app, proc)


def test_focus_lost_lets_go_of_space(app):
    proc = needle_inserted(app)
    key(app, pygame.K_SPACE, frames=10)
    pygame.event.post(pygame.event.Event(pygame.WINDOWFOCUSLOST))
    assert_needle_still(app, proc)


def test_steps_click_runs_the_visible_row_under_the_mouse(app):
    to_procedure(app)
    key(app, pygame.K_t)
    steps = app.top
    assert steps.name == "steps" and len(steps.actions) > 14
    for _ in range(14):
        key(app, pygame.K_DOWN)  # scrolls: rows 3.. are in view
    ran = []
    steps._run = ran.append
    (first, rect), *_ = steps.visible_rows()
    assert first == 3
    run(app)  # drawn scrolled: rows 0-2 are out of view
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=rect.center, button=1))
    run(app)
    assert ran == [3]
    assert steps.actions[3].label in app.painter.texts()


def test_ctrl_q_over_a_confirm_asks_to_quit(app):
    to_procedure(app)
    key(app, pygame.K_e)
    assert app.top.title == "End the procedure?"
    key(app, pygame.K_q, mod=pygame.KMOD_CTRL)
    assert app.top.title == "Quit Marrowsim?"
    assert sum(v.name == "confirm" for v in app.stack) == 1
    key(app, pygame.K_q, mod=pygame.KMOD_CTRL)  # asking already: nothing more
    assert sum(v.name == "confirm" for v in app.stack) == 1
    key(app, pygame.K_y)
    assert not app.running


def test_unrecorded_practice_keeps_its_warning(tmp_path):
    (tmp_path / "marrowsim.db").write_bytes(b"this is not a database" * 100)
    app = make_app(data_dir=tmp_path)
    proc = to_procedure(app)
    assert proc.session.recording is None
    run(app)
    assert proc.session.message.startswith("Not recorded:")
    assert any(t.startswith("Not recorded:") for t in app.painter.texts())
    key(app, pygame.K_l)
    key(app, pygame.K_RETURN)  # a new message; the warning stays on its own line
    assert proc.session.message.startswith("Site 1 marked")
    assert any(t.startswith("Not recorded:") for t in app.painter.texts())
    pygame.quit()


def finished_debrief(app):
    to_procedure(app)
    key(app, pygame.K_e)
    key(app, pygame.K_y, frames=2)
    assert app.top.name == "debrief" and app.top.stored is not None
    return app.top


def test_debrief_shows_the_stored_score_not_a_fresh_one(app):
    live = finished_debrief(app)
    stored = dict(
        live.stored,
        score_total=42.0,
        criteria=[{"id": "stored_one", "score": 1.0, "max": 2.0, "feedback": "From the row."}],
    )
    app.go("debrief", session=live.session, mode=live.mode, stored=stored)
    run(app)
    texts = app.painter.texts()
    assert "42 / 100" in texts and "From the row." in texts
    assert f"{live.data.score['total']:.0f} / 100" not in texts or live.data.score["total"] == 42
    unfinished = dict(live.stored, status="incomplete", score_total=None, passed=None)
    app.go("debrief", session=live.session, mode=live.mode, stored=unfinished)
    run(app)
    texts = app.painter.texts()
    assert "Unfinished, not scored" in texts
    assert not any(t.endswith("/ 100") for t in texts)
    assert not any(t in ("PASS", "NOT YET PASSED") for t in texts)


def test_failed_condition_is_drawn_in_full(app):
    view = finished_debrief(app)
    view.score["failed_conditions"] = [WORDS]
    app.invalidate()  # changed behind the view's back: no input to redraw it
    run(app)
    assert WORDS in " ".join(app.painter.texts())


def test_launcher_records_error_is_drawn_in_full(app):
    run(app)
    app.records.error = "Records unavailable: " + WORDS
    run(app)
    assert app.records.error in " ".join(app.painter.texts())


def test_danger_labels_on_the_back_are_light_on_a_dark_pill(app):
    to_procedure(app)
    run(app)
    tr = app.painter.transcript
    pills = [t[2] for t in tr if t[0] == "rect" and t[1] == (24, 26, 32)]
    for label in ("sciatic notch", "SI joint", "cluneal nerves"):
        x, y = next(t[2] for t in tr if t[0] == "text" and t[1] == label)
        assert any(pygame.Rect(r).collidepoint(x + 2, y + 2) for r in pills), label


def test_stored_attempt_queues_xapi_and_the_frame_never_sends(app, data_dir, monkeypatch):
    """Storing queues the statements; sending is the background deliverer's (started by
    App.run, tests/test_xapi_delivery.py), never the frame's."""
    import urllib.request

    import sim.xapi.deliver

    def no_network(*_a, **_k):
        raise AssertionError("the frame must not send")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(sim.xapi.deliver, "flush", no_network)
    monkeypatch.setenv("MARROWSIM_LRS_ENDPOINT", "http://127.0.0.1:9/xAPI")
    monkeypatch.setenv("MARROWSIM_XAPI_IRI_BASE", "https://training.example.org/marrowsim")
    view = finished_debrief(app)
    rec = view.session.recording
    assert rec.xapi_queued and not rec.xapi_error
    from sim.xapi import counts

    with RecordStore.open(data_dir) as store:
        assert counts(store)["queued"] > 0


def test_no_lrs_configured_queues_nothing(app, data_dir):
    view = finished_debrief(app)
    rec = view.session.recording
    assert not rec.xapi_queued and not rec.xapi_error and not rec.error
    from sim.xapi import counts

    with RecordStore.open(data_dir) as store:
        assert counts(store)["queued"] == 0
