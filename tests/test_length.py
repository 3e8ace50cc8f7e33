"""The skills-lab length: the same case at a proportionally smaller harvest, judged by the same
rubric, stored with the attempt and shown wherever attempts are listed."""

from __future__ import annotations

import json

import pytest

from sim.cli.main import main
from sim.errors import InputError
from sim.records import RecordStore
from sim.run.attempt import Attempt
from sim.scenario import resolve_scenario
from sim.scenario.length import SKILLS_LAB_FRACTION, at_length
from sim.scoring.context import ScoringContext

F = SKILLS_LAB_FRACTION
REFERENCE = "tests/reference/adult-standard-expert.jsonl"


def test_skills_lab_scales_the_work_and_nothing_that_is_judged():
    full = resolve_scenario("anesthesia-event")
    short = at_length(full, "skills_lab")
    assert short.length == "skills_lab" and full.length == "full"
    assert short.target_volume_ml == pytest.approx(F * full.target_volume_ml)
    assert short.targets.tnc_per_kg_recipient == pytest.approx(
        F * full.targets.tnc_per_kg_recipient
    )
    assert short.time.par_s == pytest.approx(F * full.time.par_s)
    assert short.time.limit_s == pytest.approx(F * full.time.limit_s)
    # The anaesthesia event is the model's (the donor's body): nothing to scale; a scripted
    # volume trigger scales with the length.
    assert short.events[0].trigger == full.events[0].trigger
    wm = resolve_scenario("weight-mismatch")
    assert at_length(wm, "skills_lab").events[0].trigger.collected_ml == pytest.approx(
        F * wm.events[0].trigger.collected_ml
    )
    # The same donor, limit, sites, steps and rubric: technique is judged exactly the same.
    for part in ("donor", "recipient", "sites", "steps", "rubric"):
        assert getattr(short, part) == getattr(full, part)
    assert short.donor_limit_ml == full.donor_limit_ml
    a, b = ScoringContext.from_scenario(full), ScoringContext.from_scenario(short)
    assert a.thresholds == b.thresholds and a.weights == b.weights
    assert short.briefing.startswith("Skills-lab length")
    assert at_length(full, "full") is full


def test_a_nursing_scenario_has_no_harvest_to_shorten():
    with pytest.raises(InputError, match="no harvest to shorten"):
        at_length(resolve_scenario("post-procedure-care"), "skills_lab")


def test_the_stored_scenario_keeps_its_length_and_replays():
    short = at_length(resolve_scenario("adult-standard"), "skills_lab")
    again = type(short).model_validate(short.model_dump(mode="json"))
    assert again == short and again.length == "skills_lab"
    Attempt(again, 1)


def test_run_takes_a_length_and_reports_bad_ones_in_one_line(capsys):
    assert main(["run", "--scenario", "adult-standard", "--actions", REFERENCE, "--json",
                 "--length", "skills-lab"]) == 0  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert out["score"]["passed"]  # the expert over-collects a skills-lab target: still passes
    assert main(["run", "--scenario", "adult-standard", "--actions", REFERENCE,
                 "--length", "half"]) == 2  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "field 'length'" in err[0]


def test_an_assessment_is_set_at_a_length_and_only_takes_attempts_at_it(tmp_path):
    with RecordStore.open(tmp_path) as store:
        a = store.create_assessment(["adult-standard"], passing=80, length="skills_lab")
        assert a["length"] == "skills_lab"
        full = resolve_scenario("adult-standard")
        with pytest.raises(InputError, match="skills-lab length"):
            store.start_attempt("t-1", full, 1, "assessment", assessment_id=a["id"])
        short = at_length(full, "skills_lab")
        attempt_id = store.start_attempt("t-1", short, 1, "assessment")
        assert store.attempt(attempt_id)["assessment_id"] == a["id"]
        assert [r["length"] for r in store.attempts(trainee_id="t-1")] == ["skills_lab"]
        with pytest.raises(InputError, match="unknown length"):
            store.create_assessment(["adult-standard"], passing=80, length="half")


def test_the_launcher_chooses_the_length_and_an_assessment_sets_its_own(tmp_path):
    import pygame

    from tests.ui.driver import key, make_app, run

    with RecordStore.open(tmp_path) as store:
        store.create_assessment(["adult-standard"], passing=80, length="skills_lab")
    app = make_app(data_dir=tmp_path)
    run(app, 2)
    launcher = app.top
    assert launcher.shown_length(launcher.entry.scenario) == "full"
    key(app, pygame.K_l)
    assert launcher.shown_length(launcher.entry.scenario) == "skills_lab"
    assert "Skills-lab length" in app.painter.texts()
    key(app, pygame.K_RETURN)
    assert app.top.name == "briefing" and app.top.scenario.length == "skills_lab"
    key(app, pygame.K_ESCAPE)
    # Assessment mode: the instructor's length, which the trainee cannot change.
    launcher = app.top
    launcher.name_entry.set_text("t-1")
    key(app, pygame.K_RIGHT)
    key(app, pygame.K_RIGHT)
    assert launcher.mode.assessed and launcher.shown_length(launcher.entry.scenario) == "skills_lab"
    launcher.length = "full"
    assert launcher.shown_length(launcher.entry.scenario) == "skills_lab"
    key(app, pygame.K_l)
    assert "instructor sets" in launcher.notice
    pygame.quit()


def test_the_briefing_and_the_debrief_say_the_length():
    import pygame

    from sim.trainer.modes import mode_by_id
    from sim.trainer.session import Session
    from tests.ui.driver import make_app, run

    app = make_app()
    run(app, 2)
    short = at_length(resolve_scenario("adult-standard"), "skills_lab")
    app.go("briefing", scenario=short, trainee="t-2", mode=mode_by_id("practice"))
    run(app)
    assert "skills lab: 40% of the full harvest" in app.painter.texts()
    session = Session(Attempt(short, 1), "t-2", "practice")
    app.go("debrief", session=session, mode=mode_by_id("practice"))
    run(app)
    assert "Standard adult harvest (skills-lab length)" in app.painter.texts()
    pygame.quit()


def test_the_instructors_set_up_chooses_the_length(tmp_path):
    import pygame

    from sim.records.roles import InstructorRecords
    from sim.scenario import ScenarioLibrary
    from sim.ui.screens.assessment_setup import AssessmentSetup

    def press(setup, k):
        setup.key(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0))

    scenarios = [e.scenario for e in ScenarioLibrary().entries if e.scenario]
    with RecordStore.open(tmp_path) as store:
        setup = AssessmentSetup(InstructorRecords(store), scenarios)
        adult = [s.id for s in scenarios].index("adult-standard")
        setup.row = adult
        press(setup, pygame.K_SPACE)  # tick it
        setup.row = len(scenarios) + 2  # the length row
        press(setup, pygame.K_RIGHT)
        assert setup.length == "skills_lab"
        press(setup, pygame.K_RETURN)
        assert setup.notice_ok and "skills-lab length" in setup.notice
        assert store.assessments(active_only=True)[-1]["length"] == "skills_lab"
        # A nursing case has no harvest to shorten: nothing is created, and it says why.
        setup.row = [s.id for s in scenarios].index("post-procedure-care")
        press(setup, pygame.K_SPACE)
        press(setup, pygame.K_RETURN)
        assert not setup.notice_ok and "no harvest to shorten" in setup.notice
