"""The instructor view in the window: passphrase, cohort table, an attempt's debrief."""

from __future__ import annotations

import pygame

from sim.records import Recorder, RecordStore
from sim.run.attempt import Attempt
from sim.scenario import ScenarioLibrary
from sim.vocabulary import commands as c
from tests.ui.driver import key, make_app, run

PASSPHRASE = "correct horse battery"


def seed_records(data_dir) -> str:
    """A station with a passphrase and one finished practice attempt by t-9."""
    scenario = next(e.scenario for e in ScenarioLibrary().entries if e.scenario)
    with RecordStore.open(data_dir) as store:
        store.set_passphrase(PASSPHRASE)
        attempt = Attempt(scenario, 5)
        rec = Recorder.start(store, attempt, trainee_id="t-9", mode="practice")
        for cmd in (
            c.MarkSite(landmark="left_psis"),
            c.Insert(site=0, lateral_deg=24, cranial_deg=10),
            c.Advance(mm=60, twist=True, stop_on="loss_of_resistance"),
            c.RemoveStylet(),
            c.Aspirate(ml=4),
            c.End(),
        ):
            attempt.apply(cmd)
        return rec.finish()["id"]


def open_login(app):
    run(app, 2)
    key(app, pygame.K_F2)
    assert app.top.name == "instructor_login"
    return app.top


def test_wrong_passphrase_is_refused_without_a_hint(tmp_path):
    seed_records(tmp_path)
    app = make_app(data_dir=tmp_path)
    login = open_login(app)
    assert len(login.entries) == 1 and login.entries[0].is_text_hidden
    login.entries[0].set_text("not it at all")
    login.submit()
    run(app)
    assert app.top is login and login.notice == "Passphrase refused."
    assert login.entries[0].get_text() == ""
    pygame.quit()


def test_right_passphrase_opens_the_cohort_table_and_an_attempts_debrief(tmp_path):
    attempt_id = seed_records(tmp_path)
    app = make_app(data_dir=tmp_path)
    login = open_login(app)
    login.entries[0].set_text(PASSPHRASE)
    login.submit()
    run(app)
    home = app.top
    assert home.name == "instructor"
    texts = app.painter.texts()
    assert "t-9" in texts and "Pass rate" in texts
    key(app, pygame.K_RETURN)  # the selected trainee's attempts
    assert home.tab == 1 and [a["id"] for a in home.attempts] == [attempt_id]
    key(app, pygame.K_RETURN)
    debrief = app.top
    assert debrief.name == "debrief" and debrief.stored["id"] == attempt_id
    assert debrief.session.attempt.ended and "Needle depth over time" in app.painter.texts()
    key(app, pygame.K_p)
    assert app.top.name == "replay"
    key(app, pygame.K_ESCAPE)
    key(app, pygame.K_ESCAPE)
    assert app.top is home
    key(app, pygame.K_3)
    setup = home.setup
    setup.toggle(0)
    setup.row = setup.n_rows - 1
    key(app, pygame.K_RETURN)
    active = [a for a in home.inst.assessments() if a["active"]]
    assert len(active) == 1 and active[0]["passing"] == 90.0
    pygame.quit()


def test_new_station_sets_its_passphrase_in_the_window(tmp_path):
    app = make_app(data_dir=tmp_path)
    login = open_login(app)
    assert login.setting_up and len(login.entries) == 2
    login.entries[0].set_text("first choice")
    login.entries[1].set_text("second choice")
    login.submit()
    assert app.top is login and "differ" in login.notice
    for e in login.entries:
        e.set_text("a good passphrase")
    login.submit()
    run(app)
    assert app.top.name == "instructor"
    app.records.close()
    with RecordStore.open(tmp_path) as store:
        assert store.has_passphrase()
    pygame.quit()


def test_trainee_sees_only_their_own_recent_attempts(tmp_path):
    seed_records(tmp_path)
    app = make_app(data_dir=tmp_path)
    run(app, 2)
    app.top.name_entry.set_text("t-1")
    run(app, 2)
    assert app.top.history == [] and "None yet." in app.painter.texts()
    app.top.name_entry.set_text("t-9")
    run(app, 2)
    assert [r["trainee_id"] for r in app.top.history] == ["t-9"]
    pygame.quit()
