"""Issue 14, "the trainer runs completely in Spanish": a scenario's own texts (its scripted
events' messages, the nursing handover, the variants) and the harvest core's messages are shown
in the trainer's language, while the core keeps writing English into the events, the replays
and the records.

A scenario file translates its texts in ``[i18n.<lang>]`` (docs/scenarios.md); the core's
messages are N_-marked where they are written and translated at display time
(sim/trainer/core_words.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from sim.i18n import set_language
from sim.run.attempt import Attempt
from sim.scenario import ScenarioLibrary, load_scenario, resolve_scenario
from sim.vocabulary.commands import parse_command

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference"

#: Free text in the scenario model that the trainer does not show (so is not translated).
NOT_SHOWN = {
    "Scenario.sources": "the evidence behind the numbers, for instructors and the docs",
    "Trigger.metric": "the name of a metric, not words",
}


@pytest.fixture
def spanish():
    set_language("es")
    yield
    set_language("en")


def _is_free_text(model: type[BaseModel], name: str) -> bool:
    """A field holding words: a str (or list of str) that is not a Literal or a pattern."""
    fld = model.model_fields[name]
    shape = repr(fld.annotation) + repr(fld.metadata)
    if "str" not in shape or "Literal" in shape or "pattern" in shape:
        return False
    return typing.get_origin(fld.annotation) is not dict


def shown_texts(model: BaseModel, path: str = "") -> typing.Iterator[tuple[str, str, str]]:
    """Every free text in a scenario, walked generically: (where, Class.field, English)."""
    cls = type(model)
    for name in cls.model_fields:
        if name == "i18n":
            continue
        value = getattr(model, name)
        where = f"{path}{name}"
        items = value if isinstance(value, list) else [value]
        for n, item in enumerate(items):
            at = f"{where}.{n}" if isinstance(value, list) else where
            if isinstance(item, BaseModel):
                yield from shown_texts(item, at + ".")
            elif isinstance(item, str) and item.strip() and _is_free_text(cls, name):
                key = f"{cls.__name__}.{name}"
                if key not in NOT_SHOWN:
                    yield at, key, item


def _shipped():
    return ScenarioLibrary(ROOT / "scenarios").scenarios()


def test_every_text_a_shipped_scenario_shows_is_in_spanish(spanish):
    """A new text field in the schema, or a new event in a shipped file, without its Spanish
    fails here."""
    scenarios = _shipped()
    assert len(scenarios) >= 8
    kinds: set[str] = set()
    missing = []
    for s in scenarios:
        words = s.words()
        for where, key, english in shown_texts(s):
            kinds.add(key)
            top = where.split(".")[0]
            if top in ("title", "objectives", "briefing"):
                shown = s.text(top)
                shown = shown[int(where.split(".")[1])] if top == "objectives" else shown
            else:
                shown = words.get(english, english)
            if shown == english:
                missing.append(f"{s.id}: {where}")
    assert missing == []
    # the walk saw every kind of text the trainer shows (so it walks the model)
    assert {
        "Scenario.title",
        "Scenario.objectives",
        "Scenario.briefing",
        "ScriptedEvent.message",
        "Effect.message",
        "Later.message",
        "Handover.text",
        "Handover.site_labels",
        "Variant.title",
        "Variant.symptoms",
        "Variant.why",
    } <= kinds


def test_the_accessors_give_the_current_language_falling_back_to_english(spanish):
    s = resolve_scenario("anesthesia-event")
    assert s.event_text("hypotension").startswith("La donante está hipotensa")
    assert s.event_text("hypotension", "resolved").startswith("El anestesista reinicia")
    assert s.event_text("hypotension", "missed").startswith("La tensión arterial sigue")
    assert s.event_text("hypotension", "later") is None  # it has no later effect
    assert s.event_text("no-such-event") is None
    care = resolve_scenario("post-procedure-care")
    assert care.handover_text("text").startswith("Relevo de quirófano")
    assert care.handover_text("site_labels")[0] == "cresta izquierda, superior"
    visit = resolve_scenario("next-day-visit")
    assert visit.variant_text("haematoma", "title") == "Un hematoma en una punción"
    set_language("en")
    assert s.event_text("hypotension") == s.events[0].message
    assert care.handover_text("text") == care.handover.text
    assert visit.variant_text("haematoma", "why") == visit.variants[1].why
    assert s.words() == {}


def _with_spanish(tmp_path: Path, sid: str, extra: str) -> Path:
    """A school copy of a shipped scenario with ``extra`` appended to its [i18n.es]."""
    text = (ROOT / "scenarios" / f"{sid}.toml").read_text(encoding="utf-8")
    path = tmp_path / f"{sid}.toml"  # a file holds the id of its name
    path.write_text(text + "\n" + extra, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("sid", "extra", "field"),
    [
        ("dry-tap", '[i18n.es.events.no-such-event]\nmessage = "Nada"\n',
         "i18n.es.events.no-such-event"),
        ("dry-tap", '[i18n.es.events.thin-aspirate.after_miss]\nmessage = "Nada"\n',
         "i18n.es.events.thin-aspirate.after_miss.message"),
        ("weight-mismatch", '[i18n.es.events.midway-count.later]\ncolour = "rojo"\n',
         "i18n.es.events.midway-count.later.colour"),
        ("dry-tap", '[i18n.es.handover]\ntext = "Relevo"\n', "i18n.es.handover"),
        ("next-day-visit", '[i18n.es.variants.gout]\ntitle = "Gota"\n',
         "i18n.es.variants.gout"),
    ],
)  # fmt: skip
def test_a_school_scenario_with_a_bad_translation_is_refused_naming_the_field(
    tmp_path, sid, extra, field
):
    from sim.errors import InputError

    path = _with_spanish(tmp_path, sid, extra)
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert field in str(err.value)


def test_a_translation_keeps_its_englishs_placeholders(tmp_path):
    from sim.errors import InputError

    text = (ROOT / "scenarios" / "pediatric-donor.toml").read_text(encoding="utf-8")
    text = text.replace(
        'message = "The bag is at 18 mL/kg', 'message = "The bag ({ml} mL) is at 18 mL/kg'
    )
    path = tmp_path / "pediatric-donor.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"i18n\.es\.events\.near-limit\.message.*placeholders"):
        load_scenario(path)


def test_a_translation_has_no_control_characters(tmp_path):
    from sim.errors import InputError

    text = (ROOT / "scenarios" / "dry-tap.toml").read_text(encoding="utf-8")
    text = text.replace("No ha salido nada", "No ha salido\\u0007 nada")
    path = tmp_path / "dry-tap.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"i18n\.es\.events\.nothing-back\.message.*control"):
        load_scenario(path)


def test_the_command_line_refuses_a_bad_translation_in_one_line(tmp_path):
    path = _with_spanish(tmp_path, "dry-tap", '[i18n.es.events.nothing-bak]\nmessage = "Nada"\n')
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "scenarios", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "i18n.es.events.nothing-bak" in lines[0] and "nothing-back" in lines[0]


# ------------------------------------------------------------------ on screen, in Spanish
def _commands(name: str) -> list[dict]:
    return [json.loads(line) for line in (REFERENCE / f"{name}.jsonl").read_text().splitlines()
            if line.strip()]  # fmt: skip


def _near_limit(sid: str, pulls: int):
    """The expert's harvest, pulling on at its last spot until the bag passes 18 mL/kg of the
    donor (the scripted 'near-limit' event; no reference run gets there)."""

    def commands() -> list[dict]:
        cmds = _commands(f"{sid}-expert")
        last = max(i for i, cmd in enumerate(cmds) if cmd["do"] == "aspirate")
        return cmds[: last + 1] + [{"do": "aspirate", "ml": 5}] * pulls + [{"do": "end"}]

    return commands


def _dry_tap_commands() -> list[dict]:
    """The dry-tap expert's harvest with one pull while the needle is still in soft tissue
    first: nothing comes back (a dry tap, its scripted 'nothing-back' event)."""
    cmds = _commands("dry-tap-expert")
    first = next(i for i, cmd in enumerate(cmds) if cmd["do"] == "insert") + 1
    dry = [{"do": "remove_stylet"}, {"do": "aspirate", "ml": 2}, {"do": "replace_stylet"}]
    return cmds[:first] + dry + cmds[first:]


#: Harvest runs that fire every scripted event of the shipped harvest scenarios, and the
#: core's own messages (a clotted syringe, the anaesthetist's hypotension alarm).
HARVEST_RUNS = {
    "anesthesia-event": lambda: _commands("anesthesia-event-novice"),
    "dry-tap": _dry_tap_commands,
    "weight-mismatch": _near_limit("weight-mismatch", 74),
    "pediatric-donor": _near_limit("pediatric-donor", 33),
}


def _run(sid: str, cmds: list[dict]) -> Attempt:
    attempt = Attempt(resolve_scenario(sid), 1)
    for cmd in cmds:
        if attempt.ended:
            break
        attempt.apply(parse_command(dict(cmd)))
    return attempt


def _words_in(texts: list[str]) -> str:
    return " ".join(" ".join(texts).split())


def _start(message: str, n: int = 6) -> str:
    return " ".join(message.split()[:n])


def test_every_scripted_event_of_the_shipped_harvests_fires_in_these_runs():
    for sid, cmds in HARVEST_RUNS.items():
        attempt = _run(sid, cmds())
        fired = {ev["id"] for ev in attempt.sim.events if ev["type"] == "scenario_event"}
        assert fired == {e.id for e in attempt.scenario.events}, sid


def test_the_harvest_screens_show_the_scenarios_and_the_cores_words_in_spanish(spanish):
    """The procedure screen (its banner and message line) and the debrief show each scripted
    event's Spanish and the core's messages in Spanish; the events stay the core's English."""
    from sim.trainer.debrief import analyse
    from sim.trainer.modes import mode_by_id
    from sim.trainer.session import Session
    from tests.ui.driver import make_app, run

    app = make_app()
    try:
        run(app, 1)
        for sid, cmds in HARVEST_RUNS.items():
            session = Session(Attempt(resolve_scenario(sid), 1), "t-1", "assessment")
            view = app.open("procedure", session=session, mode=mode_by_id("assessment"))
            assert app.top is view
            shown: dict[tuple, str] = {}
            for cmd in cmds():
                if session.ended:
                    break
                events = session.submit(parse_command(dict(cmd))) or []
                said = [ev for ev in events if "message" in ev]
                if said:  # draw the moment a message arrives (the last one is on show)
                    app.invalidate()
                    run(app, 1)
                    ev = said[-1]
                    shown[(ev["type"], ev.get("id"), ev.get("phase"))] = _words_in(
                        app.painter.texts()
                    )
            scenario = session.attempt.scenario
            for (t, event_id, phase), drawn in shown.items():
                if t != "scenario_event":
                    continue
                english = next(
                    ev["message"]
                    for ev in session.sim.events
                    if ev.get("id") == event_id and ev.get("phase") == phase
                )
                spanish_text = scenario.event_text(event_id, phase)
                assert spanish_text != english
                assert _start(spanish_text) in drawn, (sid, event_id, phase)
                assert _start(english) not in drawn, (sid, event_id, phase)
            fired = {k[1] for k in shown if k[0] == "scenario_event"}
            assert fired == {e.id for e in scenario.events}, sid
            # the core's own messages, in Spanish on the screen
            if ("syringe_clotted", None, None) in shown:
                assert "La médula se ha coagulado en la jeringa" in shown[
                    ("syringe_clotted", None, None)]  # fmt: skip
            # the debrief: every message in Spanish, the scenario's events line on screen
            app.pop()
            data = analyse(session.attempt)
            assert data.messages and not any(m.startswith("The ") for m in data.messages)
            core = [ev["type"] for ev in session.sim.events if "message" in ev]
            if "donor_hypotension" in core:
                assert any(m.startswith("Alarma del monitor del anestesista: TA ")
                           for m in data.messages)  # fmt: skip
            if "syringe_clotted" in core:
                assert any(m.startswith("La médula se ha coagulado") for m in data.messages)
            debrief = app.open("debrief", session=session, mode=mode_by_id("assessment"))
            app.invalidate()
            run(app, 1)
            drawn = _words_in(app.painter.texts())
            assert "Incidencias del escenario" in drawn
            last = data.messages[-1]
            assert _start(last, 4) in drawn, (sid, last)
            assert app.top is debrief
            app.pop()
        assert {"anesthesia-event", "dry-tap"} <= set(HARVEST_RUNS)
    finally:
        app.records.close()
        import pygame

        pygame.quit()


def test_the_core_writes_the_same_english_in_either_language():
    """Events, messages and digests of every shipped harvest run are the same whatever the
    trainer's language: the translation is only in what the screens draw."""
    set_language("en")
    english = {sid: _run(sid, cmds()) for sid, cmds in HARVEST_RUNS.items()}
    try:
        set_language("es")
        for sid, cmds in HARVEST_RUNS.items():
            spanish = _run(sid, cmds())
            assert spanish.sim.events == english[sid].sim.events, sid
            assert spanish.sim.digest() == english[sid].sim.digest(), sid
            scripted = {e.id: e.message for e in spanish.scenario.events}
            for ev in spanish.sim.events:
                if ev["type"] == "scenario_event" and ev["phase"] == "fired":
                    assert ev["message"] == scripted[ev["id"]]  # the file's English
                if ev["type"] == "syringe_clotted":
                    assert ev["message"].startswith("The marrow clotted in the syringe")
    finally:
        set_language("en")


def test_the_nurses_screens_show_the_handover_symptoms_and_why_in_spanish(spanish):
    """The nurse's event log: the scenario's events, the handover, the donor's words and the
    missed finding's why, in Spanish; the core's events the same English."""
    from sim.trainer.care import care_menu
    from sim.trainer.care_log import care_log

    care = _run("post-procedure-care", _commands("post-procedure-care-intermediate"))
    log = " ".join(e.text for e in care_log(care.sim.events, care.scenario.words()))
    assert "Relevo de quirófano" in log and "Handover from theatre" not in log
    assert "Al girarse boca arriba" in log and "As she turns onto her back" not in log
    assert "Quince minutos después del bolo" in log and "Fifteen minutes after" not in log
    assert "Alarma del monitor de cabecera" in log
    menu = care_menu(care.scenario)
    labels = [ch.label for a in menu.groups["assess"] for ch in a.choices]
    assert "cresta derecha, inferior" in labels
    visit = _run("next-day-visit", _commands("next-day-visit-expert"))
    log = " ".join(e.text for e in care_log(visit.sim.events, visit.scenario.words()))
    variant = next(ev for ev in visit.sim.events if ev["type"] == "variant_chosen")
    assert any(ev.get("action") == "ask_symptoms" for ev in visit.sim.events)
    assert visit.scenario.variant_text(variant["id"], "symptoms") in log
    assert "Ayer: extracción de médula" in log and "Yesterday:" not in log
    missed = _run("next-day-visit", _commands("next-day-visit-novice"))
    log = " ".join(e.text for e in care_log(missed.sim.events, missed.scenario.words()))
    variant = next(ev for ev in missed.sim.events if ev["type"] == "variant_chosen")
    finding = [ev for ev in missed.sim.events if ev["type"] == "finding_missed"]
    assert finding and finding[0]["message"].startswith("The ")  # the core's English
    assert "pasó inadvertid" in log
    assert missed.scenario.variant_text(variant["id"], "why") in log


def test_the_harvest_hud_shows_the_vitals_as_a_spanish_monitor(spanish):
    from sim.ui.hud import vitals_text

    state = {"systolic_mmhg": 90, "diastolic_mmhg": 53, "heart_rate_bpm": 102,
             "spo2_pct": 98, "temperature_c": 36.8}  # fmt: skip
    assert vitals_text(state) == "TA 90/53 mmHg  FC 102/min  SpO2 98%  Tª 36.8 °C"
    set_language("en")
    assert vitals_text(state) == "BP 90/53 mmHg  HR 102/min  SpO2 98%  T 36.8 C"


def test_a_refused_command_is_explained_in_spanish(spanish):
    """The core refuses in English (CommandRejected); the message line says it in Spanish."""
    from sim.errors import CommandRejected
    from sim.trainer.session import Session

    mark = {"do": "mark_site", "landmark": "left_psis", "lateral_mm": 0, "cranial_mm": 0}
    session = Session(Attempt(resolve_scenario("adult-standard"), 1), "t-1", "practice")
    assert session.submit(parse_command(mark)) is not None
    assert session.submit(parse_command(mark)) is None  # the same spot again: refused
    assert session.message.startswith("el punto 0 ya está marcado aquí")
    assert session.submit(parse_command({"do": "aspirate", "ml": 5})) is None
    assert session.message == (
        "no se puede aspirate: no hay ninguna aguja en la piel; insértela antes"
    )
    raw = Attempt(resolve_scenario("adult-standard"), 1)
    raw.apply(parse_command(mark))
    with pytest.raises(CommandRejected) as refused:
        raw.apply(parse_command(mark))
    assert refused.value.message.startswith("site 0 is already marked here")  # the core's English
