"""Translation (issue 14, item 4): the Spanish catalogue is complete, the language is chosen
as documented, and switching it changes what the trainer and the command line show.

The layout test (tests/test_layout.py) draws every screen at every window size in each
language, so a longer Spanish string that no longer fits fails there.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from sim.i18n import (
    LANGUAGES,
    _,
    chosen_language,
    current_language,
    save_station_language,
    set_language,
    station_language,
)
from sim.i18n.po import parse_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "sim" / "i18n" / "locale"
SPANISH = LOCALE / "es" / "LC_MESSAGES" / "marrowsim.po"
MARKERS = {"_": 1, "N_": 1, "ngettext": 2}


def marked_strings() -> set[str]:
    """Every literal passed to _(), N_() or ngettext() in sim/ (what Babel extracts)."""
    found: set[str] = set()
    for path in sorted((ROOT / "sim").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            for arg in node.args[: MARKERS.get(name, 0)]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found | template_strings()


def marked_in_context() -> set[tuple[str, str]]:
    """Every (context, literal) passed to NP_() or pgettext() in sim/ (Babel: NP_:1c,2)."""
    found: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "sim").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(getattr(node, "func", None), "id", None) or getattr(
                getattr(node, "func", None), "attr", None
            )
            if not isinstance(node, ast.Call) or name not in ("NP_", "pgettext"):
                continue
            args = node.args[:2]
            if len(args) == 2 and all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args
            ):
                found.add((args[0].value, args[1].value))
    return found


def test_every_string_marked_in_a_context_is_in_the_spanish_catalogue():
    entries = parse_po(SPANISH.read_text(encoding="utf-8"))
    ids = {(e.msgctxt, e.msgid) for e in entries if e.msgctxt is not None}
    found = marked_in_context()
    assert ("xAPI verb", "passed") in found
    assert sorted(found - ids) == []


def test_a_message_in_another_language_without_switching():
    from sim.i18n import language_map, language_tag, translate

    set_language("en")
    assert translate("Summary", "es") == "Resumen" and translate("Summary", "en") == "Summary"
    assert translate("passed", "es", "xAPI verb") == "aprobó"  # the verb, not the count
    assert translate("passed", "es") == "aprobados"
    assert language_map("failed", "xAPI verb") == {"en-US": "failed", "es": "suspendió"}
    assert current_language() == "en" and language_tag() == "en-US"
    assert language_tag("es") == "es"


def template_strings() -> set[str]:
    """Every string the report's Jinja2 templates translate ({% trans %} blocks, _() calls),
    as babel.cfg extracts them (trimmed)."""
    from sim.report.render import environment

    env = environment()
    found: set[str] = set()
    for path in sorted((ROOT / "sim" / "report" / "templates").rglob("*.j2")):
        source = path.read_text(encoding="utf-8")
        for _line, _func, message in env.extract_translations(source):
            messages = message if isinstance(message, tuple) else (message,)
            found.update(m for m in messages if isinstance(m, str))
    return found


def test_the_report_templates_strings_are_marked_and_babel_reads_them():
    found = template_strings()
    assert "Summary" in found and "%(count)s finished attempt" in found
    assert "%(count)s finished attempts" in found  # the plural, trimmed
    mapping = (ROOT / "babel.cfg").read_text(encoding="utf-8")
    assert "[jinja2: sim/report/templates/**.j2]" in mapping and "trimmed = true" in mapping
    assert "-F babel.cfg" in (ROOT / "Makefile").read_text(encoding="utf-8")


@pytest.fixture
def spanish():
    set_language("es")
    yield
    set_language("en")


def test_the_spanish_catalogue_has_no_untranslated_or_fuzzy_entry():
    entries = [e for e in parse_po(SPANISH.read_text(encoding="utf-8")) if e.msgid]
    assert len(entries) > 200
    assert [e.msgid for e in entries if not e.translated] == []
    assert [e.msgid for e in entries if e.fuzzy] == []
    assert [e.msgid for e in entries if e.obsolete] == []


def test_every_marked_string_is_in_the_spanish_catalogue():
    entries = parse_po(SPANISH.read_text(encoding="utf-8"))
    ids = {e.msgid for e in entries} | {e.msgid_plural for e in entries if e.msgid_plural}
    assert sorted(marked_strings() - ids) == []  # run `make i18n` and translate the new ones


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{[^{}]*\}|%\(\w+\)\w|%\w", text))


def test_each_translation_keeps_the_placeholders_of_its_english():
    for e in parse_po(SPANISH.read_text(encoding="utf-8")):
        if not e.msgid:
            continue
        for text in e.msgstr:
            english = e.msgid_plural if e.msgid_plural and text is not e.msgstr[0] else e.msgid
            assert _placeholders(text) == _placeholders(english), (e.msgid, text)


def test_a_school_scenario_file_may_carry_spanish_text_checked_by_the_schema(tmp_path, spanish):
    from sim.errors import InputError
    from sim.scenario import load_scenario

    text = (ROOT / "scenarios" / "older-donor.toml").read_text(encoding="utf-8")
    text = text.split("\n[i18n.es]")[0]  # its own translation off, to write others
    path = tmp_path / "older-donor.toml"  # a file holds the id of its name
    path.write_text(text + '\n[i18n.es]\ntitle = "Donante mayor"\n', encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.text("title") == "Donante mayor"
    assert scenario.text("briefing") == scenario.briefing  # not translated: the English
    set_language("en")
    assert scenario.text("title") == scenario.title
    path.write_text(text + '\n[i18n.fr]\ntitle = "Donneur âgé"\n', encoding="utf-8")
    with pytest.raises(InputError, match="i18n"):
        load_scenario(path)
    path.write_text(text + '\n[i18n.es]\nobjectives = ["uno"]\n', encoding="utf-8")
    with pytest.raises(InputError, match="objectives"):
        load_scenario(path)


def test_the_language_is_chosen_by_env_then_station_then_system(tmp_path):
    env = {"MARROWSIM_DATA_DIR": str(tmp_path)}
    assert chosen_language(env) == "en"
    assert chosen_language({**env, "LANG": "es_MX.UTF-8"}) == "es"
    assert chosen_language({**env, "LANG": "de_DE.UTF-8"}) == "en"  # not offered
    save_station_language("es", env)
    assert station_language(env) == "es"
    assert chosen_language({**env, "LANG": "en_GB.UTF-8"}) == "es"  # the station's setting
    assert chosen_language({**env, "MARROWSIM_LANG": "en"}) == "en"  # the override
    assert json.loads((tmp_path / "settings.json").read_text())["language"] == "es"
    assert set(LANGUAGES) == {"en", "es"}


def test_the_command_line_speaks_spanish(tmp_path):
    env = {"MARROWSIM_DATA_DIR": str(tmp_path), "MARROWSIM_LANG": "es", "PATH": "/usr/bin:/bin"}
    env["PYTHONPATH"] = str(ROOT)
    out = subprocess.run(
        [sys.executable, "-m", "sim", "--help"], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0
    assert "uso: marrowsim" in out.stdout and "muestra este mensaje de ayuda" in out.stdout
    assert "ejecutar un intento sin ventana" in out.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "sim", "run"], capture_output=True, text=True, env=env
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "se requieren los siguientes argumentos" in bad.stderr
    unknown = subprocess.run(
        [sys.executable, "-m", "sim", "scenarios", "show", "nope"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1
    assert "escenario desconocido 'nope'" in unknown.stderr


def _drawn(app) -> list[str]:
    from tests.ui.driver import run

    app.invalidate()
    run(app, 2)
    return app.painter.texts()


def test_switching_the_language_in_the_launcher_changes_the_text_drawn(tmp_path, monkeypatch):
    from tests.ui.driver import key, make_app

    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(tmp_path))
    set_language("en")
    app = make_app(data_dir=tmp_path)
    try:
        english = _drawn(app)
        assert "Trainee name or ID" in english and "Objectives" in english
        app.top.name_entry.set_text("t-7")
        key(app, pygame.K_F3)  # the language button's key
        assert current_language() == "es"
        spanish = _drawn(app)
        assert "Nombre o ID del alumno" in spanish and "Objetivos" in spanish
        assert "Trainee name or ID" not in spanish
        assert app.top.name_entry.get_text() == "t-7"  # what was typed is kept
        assert pygame.display.get_caption()[0] == _("Marrowsim - bone marrow harvest trainer")
        assert station_language() == "es"  # stored for this station
        key(app, pygame.K_F3)
        assert current_language() == "en" and "Trainee name or ID" in _drawn(app)
    finally:
        app.records.close()
        pygame.quit()
        set_language("en")


def test_every_shipped_scenario_has_its_title_objectives_and_briefing_in_spanish(spanish):
    from sim.scenario import ScenarioLibrary

    scenarios = ScenarioLibrary(ROOT / "scenarios").scenarios()
    assert scenarios
    for s in scenarios:
        es = s.i18n.get("es")
        assert es is not None and es.title and es.objectives and es.briefing, s.id
        assert s.text("title") == es.title != s.title
        assert len(s.text("objectives")) == len(s.objectives)


def _nursing_attempt():
    from sim.run.attempt import Attempt
    from sim.scenario import resolve_scenario
    from sim.vocabulary.commands import parse_command
    from tests.reference.nursing import perform

    attempt = Attempt(resolve_scenario("post-procedure-care"), 1)
    for cmd in perform("post-procedure-care", "intermediate", 1):
        attempt.apply(parse_command(dict(cmd)))
    return attempt


def test_the_nurses_station_speaks_spanish_but_the_core_keeps_its_english():
    """The nursing screen's text is translated where it is shown: the event log, the replay
    digest and the stored score of an attempt are the same in either language."""
    from sim.run.attempt import Attempt
    from sim.trainer.care import care_menu
    from sim.trainer.care_log import care_log
    from sim.trainer.coaching import nursing_warnings
    from sim.trainer.core_words import say
    from sim.trainer.debrief import score

    set_language("en")
    english = _nursing_attempt()
    en_log = [e.text for e in care_log(english.sim.events)]
    en_score = score(english)[0]
    try:
        set_language("es")
        spanish = _nursing_attempt()
        assert spanish.sim.digest() == english.sim.digest()
        assert spanish.sim.events == english.sim.events
        assert score(spanish)[0] == en_score  # the stored record's words stay English
        es_log = [e.text for e in care_log(spanish.sim.events)]
        assert len(es_log) == len(en_log) and es_log != en_log
        assert any(t.startswith("Constantes: TA ") for t in es_log)
        menu = care_menu(spanish.scenario)
        assert _("Assess") == "Valorar" and menu.groups["assess"][0].label == "Recibir el relevo"
        assert say("She lies on her back.") == "Está boca arriba."
        assert say("Temperature 38.2 °C.") == "Temperatura 38.2 °C."
        assert say("Not a sentence the catalogue has.") == "Not a sentence the catalogue has."
        fresh = Attempt(spanish.scenario, 1)
        assert "Reciba primero el relevo" in nursing_warnings(fresh)[0]
    finally:
        set_language("en")
    assert say("She lies on her back.") == "She lies on her back."


def test_every_event_type_and_critical_error_has_a_name_in_spanish(spanish):
    """The replay's "last event" and the debriefs' critical errors name the core's codes in
    words: every type of sim/vocabulary/events.py has one, and it is translated."""
    from sim.i18n.words import critical_name, event_name
    from sim.vocabulary.events import CRITICAL_EVENTS, EVENT_TYPES

    for code in EVENT_TYPES:
        shown = event_name(code)
        assert "_" not in shown and shown != code.replace("_", " "), code
    for code in CRITICAL_EVENTS:
        assert critical_name(code) == event_name(code)


def test_the_spanish_catalogue_has_each_message_once():
    """A message twice in the .po: msgfmt refuses it, and one of the two is never shown."""
    keys = [(e.msgctxt, e.msgid) for e in parse_po(SPANISH.read_text(encoding="utf-8"))]
    assert sorted(k for k in set(keys) if keys.count(k) > 1) == []
