"""The harvest scoring feedback in Spanish (issue 14), translated at display time.

The core scores in English (records, digests and replays keep those bytes); the screens show
each sentence through ``sim.trainer.core_words.say``, which matches it against the scoring
modules' own templates (``sim.scoring.phrases``).  Here a broad set of attempts, good and
bad, real and built event by event, is scored, and every sentence of every feedback text must
come out translated in Spanish and unchanged in English.
"""

from __future__ import annotations

import contextlib
import json
import re
from functools import cache
from pathlib import Path

import pytest

from sim.i18n import set_language
from sim.run.attempt import Attempt
from sim.scenario import resolve_scenario
from sim.scenario.schema import PROCEDURE_STEPS, Rubric
from sim.scoring import evaluate, phrases
from sim.scoring.criteria.sites import ZONE_WORDS
from sim.trainer.core_words import _pattern, say
from sim.vocabulary.commands import parse_command
from tests.reference import generate
from tests.reference.nursing import NURSING_SCENARIOS
from tests.test_scoring import Log, good_harvest, unit_scenario

REFERENCE = Path(__file__).parent / "reference"
DATA = Path(__file__).parent / "data"
LEVELS = ("expert", "intermediate", "novice")


# ----------------------------------------------------------------------------- the attempts
def _reference_scores(scenarios: tuple[str, ...] = generate.SCENARIOS) -> dict[str, dict]:
    out = {}
    for sid in scenarios:
        for level in LEVELS:
            a = Attempt(resolve_scenario(sid), 1)
            for raw in (REFERENCE / f"{sid}-{level}.jsonl").read_text().splitlines():
                if raw.strip():
                    a.apply(parse_command(json.loads(raw)))
            out[f"{sid}-{level}"] = evaluate(a.sim.events, a.scenario).to_dict()
    return out


def _every_step_done_badly(log: Log) -> Log:
    """Each required step done, each with the flaw the rubric names."""
    log.step("time_out", before_first_puncture=False, checks=["site"])
    log.step("heparinise_syringes", before_first_aspiration=False)
    log.step("skin_prep", before_first_puncture=False, drape=False)
    log.step("local_anaesthetic", within_max_dose=False, mg_per_kg=9.5)
    log.step("heparin_iv", dose_as_protocol=False, units_per_kg=100, before_first_puncture=False)
    log.step("acd_in_bag", ratio_as_protocol=False, ml=20, expected_ml=100.0)
    log.step("acd_in_bag", before_first_aspiration=False)
    log.step("filter_product", after_collection=False)
    log.step("sample_and_label", missing=["donor_identity"])
    log.step(
        "product_disposition",
        matches_plan=False,
        decision="infuse_fresh",
        recipient_plan="cryopreserve",
    )
    log.step("sharps_count", matches=False, needles_counted=3, needles_opened=4)
    log.step("cell_count", bag_ml=100.0)
    log.step("stop_criteria", reason="target_volume_reached", justified=False)
    log.step("pressure_dressing", over_steri_strips=False)
    log.step("steri_strips", count=2, skin_sites=4)
    log.step("recovery_observations", missing=["blood_pressure", "pain"])
    log.step(
        "discharge_teaching",
        missing=["when_to_call"],
        fever_threshold_correct=False,
        fever_threshold_c=39.5,
        expected_fever_threshold_c=38.0,
    )
    return log


def _synthetic() -> list[tuple[str, list[dict], object]]:
    """Deliberately poor attempts, event by event (tests/test_scoring.py's ``Log``)."""
    adult = unit_scenario("adult-standard")
    every_step = adult.model_copy(update={"steps": list(PROCEDURE_STEPS)})
    cases = []
    cases.append(("good", good_harvest().end(3000), adult))
    cases.append(("big pulls", good_harvest(ml=12, per_site=8).end(3000), adult))
    cases.append(("thin", good_harvest(tnc_per_ml=8e6, per_site=10).end(9000), adult))
    # the same spot, turning alone, and back into one place
    log = Log().mark(0).mark(1, "right_psis").insert(0)
    for k in range(4):
        if k:
            log.out().redirect(24, 0)
        log.penetrate().pull(4, tnc_per_ml=24e6).pull(4, tnc_per_ml=10e6)
        log.pull(4, tnc_per_ml=9e6, turn_deg=120).pull(4, tnc_per_ml=8e6, turn_deg=120)
    cases.append(("same spot", log.out().remove().end(), adult))
    # one site, in a danger zone, too deep, through the inner table, faulty pulls
    log = Log().mark(0, zone="medial_si_joint", lat=-14, cr=-6).insert(0, -8, -12)
    log.ev("needle_skived", site=0)
    log.penetrate(overshoot_mm=14).ev("inner_cortex_contact", site=0, depth_mm=60)
    log.ev("needle_fully_inserted", site=0, depth_mm=70)
    log.ev("inner_table_breach", site=0, depth_mm=72)
    log.ev("near_sciatic_notch", site=0, depth_mm=50).ev("near_sciatic_notch", site=0)
    log.pull(20, tnc_per_ml=6e6).ev("syringe_clotted", site=0).dry(plugged=True)
    log.dry(plugged=False).pull(6, tissue="muscle", tnc_per_ml=5e6)
    log.ev("dry_tap", ml=5.0, reason="soft_tissue", site=0, depth_mm=20, tissue="fat")
    log.ev("danger_zone_aspiration", ml=5.0, site=0, depth_mm=80, tissue="pelvis")
    log.ev("si_joint_entry", site=0, depth_mm=80).ev("si_joint_entry", site=0, depth_mm=81)
    log.ev("sciatic_notch_zone", site=0, depth_mm=90)
    for k in range(5):
        log.out().redirect(2 * k, -20).penetrate(overshoot_mm=9).pull(5, tnc_per_ml=4e6)
    log.ev("donor_volume_limit_exceeded", bag_ml=1610.0, limit_ml=1600.0)
    cases.append(("dangerous", log.out().remove().end(9000), adult))
    # too many sites, close together, on one hip, in every unsafe zone
    log = Log()
    zones = ["caudal_sciatic_notch", "lateral_cluneal_nerves", "off_bone", "safe", "safe", "safe"]
    for i, zone in enumerate(zones):
        log.mark(i, "left_psis", lat=2 * i, cr=-3 * i, zone=zone)
    log.insert(0, 40, 30).penetrate().pull(3).pull(3, move_mm=6).out()
    log.insert(1, 26, -15).penetrate().pull(3).out()
    cases.append(("many sites", log.remove().end(400), adult))
    # one site only and a missed dose; every step done badly
    log = _every_step_done_badly(Log().mark(0).insert(0).penetrate().pull(4).out())
    cases.append(("every step badly", log.remove().end(), every_step))
    cases.append(("nothing", Log().end(), every_step))
    cases.append(("marked only", Log().mark(0).end(), adult))
    log = Log().mark(0).insert(0).redirect(20)
    cases.append(("never reached bone", log.remove().end(), adult))
    log = Log().mark(0).insert(0).ev("cortex_entered", site=0, depth_mm=30).dry()
    cases.append(("never broke through", log.remove().end(), adult))
    # an anaesthetist's escalation, the harvest continued, responses late and missed
    log = good_harvest(per_site=6)
    log.ev("response_required", id="r1", response="notify_anaesthetist", within_s=60)
    log.ev("response_made", dt=200, response="notify_anaesthetist")
    log.ev("response_required", id="r2", response="stop_harvest", within_s=60)
    log.ev("missed_required_response", id="r2", response="stop_harvest")
    log.ev("response_required", id="r3", response="request_cell_count", within_s=60)
    log.ev("response_made", dt=20, response="request_cell_count")
    log.ev("response_required", id="r4", response="give_fluids", within_s=60)
    log.ev("anaesthetist_escalation", collected_ml_per_kg_donor=18.2, blood_volume_drawn_pct=26)
    log.ev("continuation_justified", justified=False)
    rubric = Rubric(critical_errors=["missed_required_response", "inner_table_breach"])
    cases.append(("responses", log.end(4000), adult.model_copy(update={"rubric": rubric})))
    log = good_harvest(per_site=6)
    log.ev("anaesthetist_escalation", collected_ml_per_kg_donor=17.0, blood_volume_drawn_pct=21)
    log.ev("continuation_justified", justified=True)
    cases.append(("justified", log.end(4000), adult))
    # the anterior crest, off the wing's plane
    anterior = resolve_scenario("anterior-crest")
    log = Log().mark(0, "left_asis").insert(0, 30, 20).penetrate().pull(4).out()
    log.mark(1, "left_asis", zone="near_asis_nerve").insert(1, -25, 0).penetrate().pull(4)
    cases.append(("anterior", log.out().remove().end(), anterior))
    # a rubric that weighs nothing for one criterion; a nursing scenario's not-assessed texts
    rubric = Rubric(weights={**Rubric().weights, "timing": 0.0})
    cases.append(
        ("no weight", good_harvest().end(3000), adult.model_copy(update={"rubric": rubric}))
    )
    return cases


@cache
def corpus() -> dict[str, dict]:
    """Every harvest attempt's score (JSON), by name (the nursing scenarios have a rubric of
    their own, sim/scoring/nursing.py)."""
    out = _reference_scores(tuple(s for s in generate.SCENARIOS if s not in NURSING_SCENARIOS))
    for name, events, scenario in _synthetic():
        out[name] = evaluate(events, scenario).to_dict()
    return out


def _nursing_context_score() -> dict:
    """The harvest rubric run in a scenario without needle work (the not-assessed reasons and
    the unsafe discharge that fails a nursing attempt)."""
    from sim.scoring import score_metrics
    from sim.scoring.context import ScoringContext
    from sim.scoring.metrics import read_metrics

    care = resolve_scenario("post-procedure-care")
    care = care.model_copy(update={"steps": ["steri_strips", "discharge_teaching"]})
    log = Log().step("steri_strips", count=1, skin_sites=2)
    log.step("discharge_teaching", items=["site_care"])
    ctx = ScoringContext.from_scenario(care)
    return score_metrics(read_metrics(log.end()), ctx).to_dict()


def _texts(score: dict) -> list[str]:
    """Every text of a score the debrief can show: each criterion's feedback, the critical
    errors' and the failed conditions."""
    return [
        *(c["feedback"] for c in score["criteria"]),
        *score["critical_feedback"],
        *score["failed_conditions"],
    ]


@cache
def every_text() -> tuple[str, ...]:
    texts = [t for s in corpus().values() for t in _texts(s)]
    texts += _texts(_nursing_context_score())
    return tuple(dict.fromkeys(t for t in texts if t))


@pytest.fixture
def spanish():
    set_language("es")
    yield
    set_language("en")


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])(?<!St\.)\s+", text) if s]


#: English words that no Spanish sentence has: one left in a translation is a value or a
#: sentence the catalogue did not translate.
ENGLISH = re.compile(
    r"\b(the|of|was|were|with|and|or|your|you|pulls?|tracks?|sites?|into|over|under|"
    r"penetrations?|syringes?|left|right|not|all|at|on|in|for|but|that|this|from|"
    r"took|made|done|after|before|within|than|more|only)\b",
    re.IGNORECASE,
)
#: Words the Spanish writes as the English does.
SAME_IN_SPANISH = {"medial", "lateral", "caudal"}
#: English words the Spanish keeps (names, units and notation).
KEPT = re.compile(r"Steri-Strips?|alpfmedical\.info|St\. Jude|Hirahara|Bittencourt|ACD-A")


def test_the_corpus_reaches_most_feedback_sentences_the_rubric_can_say():
    """The attempts are broad: most of the scoring's templates and words are said by one of
    them (the rest, and every one of them, are translated by the next test but one)."""
    texts = " ".join(every_text()).lower()
    said = [
        s
        for s in phrases.SHAPES
        if re.search(_pattern(s).pattern.rstrip("$"), texts, re.IGNORECASE)
    ]
    said += [w for w in phrases.WORDS if w.lower() in texts]
    assert len(said) >= 0.7 * (len(phrases.SHAPES) + len(phrases.WORDS))


#: A value for each slot of the scoring's templates, as the criteria fill them.
SAMPLES = {
    "hip": "left",
    "lat_dir": "medial",
    "cra_dir": "caudal",
    "site": "Site 2 (right PSIS, 4 mm lateral, 12 mm cranial)",
    "zone": ZONE_WORDS["off_bone"],
    "tissue": "subcutaneous fat",
    "where": "pelvic cavity (beyond the inner table), sacroiliac joint / sacrum",
    "what": "A required response was not made in time (stop harvest, give fluids)",
    "responses": "stop harvest, transfuse",
    "response": "justify continuing",
    "items": "signs of infection, when to call",
    "steps": "the stop criteria, then the midway cell count",
    "decision": "cryopreserve",
    "plan": "same day infusion",
    "reason": "donor condition",
    "reference": "a typical harvest",
    "collected": "1,050 mL",
    "t": "12:05",
    "par": "60 min",
    "limit": "90 min",
}


def _sample(shape: str) -> str:
    values = {name: SAMPLES.get(name, "7") for name in re.findall(r"\{(\w+)\}", shape)}
    if "responses" in values:
        values["what"] = "a required response was not made in time"
    if "why" in values:
        values["why"] = (
            "the bag had not reached the target volume."
            if shape.startswith("You stopped")
            else "2 with the tip in cortex, not marrow; 1 because the open needle was plugged "
            "with bone: keep the stylet in while going through cortex"
        )
    return shape.format(**values)


@pytest.mark.parametrize("shape", phrases.SHAPES)
def test_every_feedback_template_filled_in_comes_out_in_spanish(spanish, shape):
    english = _sample(shape)
    shown = say(english)
    assert shown != english
    assert ENGLISH.findall(KEPT.sub("", shown)) == [], shown


def test_the_words_the_feedback_makes_of_identifiers_are_marked_for_the_catalogue():
    """The steps' reasons, items and decisions, the responses and the tissues reach the
    sentences as words made of identifiers: each must be a marked word of the scoring's."""
    from sim.model.tissue import Tissue
    from sim.scenario.schema import RESPONSES
    from sim.scoring.criteria.steps import COMMAND_WORDS
    from sim.vocabulary import commands as c

    plans = ("same_day_infusion", "cryopreserve")
    ids = (*c.STOP_REASONS, *c.LABEL_CHECKS, *c.DISPOSITIONS, *plans)
    ids += (*c.OBSERVATION_CHECKS, *c.TEACHING_ITEMS)
    assert {x.replace("_", " ") for x in ids} <= set(COMMAND_WORDS)
    said = {*phrases.WORDS}
    assert {r.replace("_", " ") for r in RESPONSES} <= said
    assert {t.label for t in Tissue} <= said


def test_every_feedback_word_is_in_the_spanish_catalogue(spanish):
    """The whole sentences and the values put into the templates (sites' zones, tissues,
    steps, critical errors, responses...) are each in the catalogue."""
    assert [w for w in phrases.WORDS if say(w) == w and w not in SAME_IN_SPANISH] == []


def test_every_scoring_sentence_is_translated_in_spanish(spanish):
    untranslated = []
    for text in every_text():
        shown = say(text)
        assert shown != text, text
        assert not re.search(r"\{\w+\}", shown), shown  # no slot left unfilled
        left = ENGLISH.findall(KEPT.sub("", shown))
        if left:
            untranslated.append((left, shown))
        english = {s for s in _sentences(text) if re.search(r"[A-Za-z]{3}", KEPT.sub("", s))}
        assert not english & set(_sentences(shown)), shown
    assert untranslated == []


def test_the_scoring_text_is_unchanged_in_english():
    set_language("en")
    for text in every_text():
        assert say(text) == text


def _feedback(score: dict) -> dict:
    return {
        "criteria": {c["id"]: c["feedback"] for c in score["criteria"]},
        "critical_feedback": score["critical_feedback"],
        "failed_conditions": score["failed_conditions"],
    }


def test_the_reference_attempts_feedback_is_the_english_it_was():
    """The feedback of every reference attempt, byte for byte as the rubric wrote it before its
    sentences became templates (tests/data/reference-feedback-en.json, made from that commit,
    875fa1d): the records, digests and replays keep the same English."""
    golden = json.loads((DATA / "reference-feedback-en.json").read_text(encoding="utf-8"))
    now = {k: _feedback(v) for k, v in _reference_scores().items()}
    assert now == golden


def test_translating_changes_no_score():
    """The core scores in English whatever the language: the same bytes either way."""
    set_language("es")
    try:
        spanish_scores = json.dumps(_reference_scores(), sort_keys=True)
    finally:
        set_language("en")
    assert spanish_scores == json.dumps(_reference_scores(), sort_keys=True)


# ----------------------------------------------------------------------------- the debrief
def test_the_debrief_draws_the_harvest_feedback_in_spanish(spanish):
    """A poor harvest (the adult novice's script) ended in the trainer: its debrief draws each
    criterion's feedback and the failed condition in Spanish, and none of their English."""
    import pygame

    from sim.errors import CommandRejected
    from sim.i18n.words import critical_name
    from tests.ui.driver import key, make_app, run

    app = make_app()
    try:
        run(app, 2)
        key(app, pygame.K_RETURN)
        key(app, pygame.K_RETURN)
        session = app.top.session
        assert session.attempt.scenario.id == "adult-standard"
        for raw in (REFERENCE / "adult-standard-novice.jsonl").read_text().splitlines():
            if raw.strip():
                with contextlib.suppress(CommandRejected):  # as the trainer shows it
                    session.submit(parse_command(json.loads(raw)))
        key(app, pygame.K_e)
        key(app, pygame.K_y, frames=2)
        assert app.top.name == "debrief"
        score = app.top.score
        assert score["failed_conditions"] and not score["passed"]
        app.invalidate()
        run(app, 1)
        drawn = " ".join(" ".join(app.painter.texts()).split())
        for cr in score["criteria"]:  # those with room for a line show at least its start
            assert cr["feedback"][:40] not in drawn, cr["feedback"]
        for code in score["critical_errors"]:
            assert f"Error crítico: {critical_name(code)}" in drawn
            assert code.replace("_", " ") not in drawn
        for reason in score["failed_conditions"]:  # drawn whole, over as many lines as it takes
            assert say(reason) in drawn and reason not in drawn
        selected = score["criteria"][app.top.selected]["feedback"]
        assert say(selected) in drawn  # the chosen criterion in full
    finally:
        app.records.close()
        pygame.quit()
