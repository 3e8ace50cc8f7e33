"""The command line in Spanish (issue 14): with ``MARROWSIM_LANG=es`` every command's
``--help`` has no English help text left, and every bad input of tests/test_cli_failures.py
still fails in one line, exit status 2, no traceback, in Spanish.

The English strings looked for are the ones the parser really shows (each action's help and
each command's summary and description, read from the parser built in English); one that
Spanish writes the same way (a name, an acronym) is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import pytest

from sim.cli.main import build_parser
from sim.i18n import set_language, translate
from tests.test_cli_failures import (
    CASES,
    ROOT,
    _argv,
    make_bad_files,
    parser_commands,
    run_in_process,
    station,
)

#: ``python -m sim <command> --help`` for each command path, in one process (each through
#: ``main``, as the command line runs it), the outputs as one JSON object.
HELPS = """
import contextlib, io, json, sys
from sim.cli.main import main
out = {}
for words in json.loads(sys.argv[1]):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            main([*words, "--help"])
        except SystemExit:
            pass
    out[" ".join(words)] = buf.getvalue()
print(json.dumps(out))
"""

#: argparse's own words, shown by every --help
ARGPARSE = ("usage:", "show this help message and exit", "options:", "positional arguments:")


def _norm(text: str) -> str:
    return " ".join(text.split())


def english_help_strings() -> set[str]:
    """Every help, summary and description the parser shows, in English."""
    set_language("en")
    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser) -> None:
        if parser.description:
            found.add(parser.description)
        for action in parser._actions:
            if action.help and action.help != argparse.SUPPRESS:
                found.add(action.help)
            if isinstance(action, argparse._SubParsersAction):
                found.update(c.help for c in action._choices_actions if c.help)
                for sub in action.choices.values():
                    walk(sub)

    walk(build_parser())
    return {_norm(s) for s in found if "%(" not in s}


def spanish_helps() -> dict[str, str]:
    commands = sorted(c for c in parser_commands() if c)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARROWSIM_")}
    env.update(MARROWSIM_LANG="es", PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-c", HELPS, json.dumps([list(c) for c in commands])],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_every_commands_help_is_in_spanish():
    english = english_help_strings()
    untranslated = {s for s in english if translate(s, "es") != s}
    assert len(untranslated) > 60
    helps = spanish_helps()
    assert len(helps) == len([c for c in parser_commands() if c]) > 30
    left = []
    for command, text in sorted(helps.items()):
        assert text.startswith("uso: marrowsim"), command
        flat = _norm(text)
        left += [f"{command}: {s!r}" for s in untranslated if s in flat]
        left += [f"{command}: {w!r}" for w in ARGPARSE if w in text]
    assert left == []


@pytest.fixture
def english_after():
    yield
    set_language("en")


def test_every_bad_input_fails_in_one_spanish_line(tmp_path, monkeypatch, capsys, english_after):
    files = make_bad_files(tmp_path / "F")
    problems, english_lines = [], []
    for i, (argv, kind, _words) in enumerate(CASES):
        if kind == "nodisplay":
            continue  # pygame's state is per process (tests/test_cli_failures.py runs it)
        lines = {}
        for lang in ("en", "es"):
            case_dir = tmp_path / f"case-{i:02d}-{lang}"
            case_dir.mkdir()
            env = station(kind, case_dir, files) | {"MARROWSIM_LANG": lang}
            status, err = run_in_process(_argv(argv, files), env, case_dir, monkeypatch, capsys)
            set_language("en")
            name = " ".join(argv) + (f" [{kind}]" if kind else "") + f" ({lang})"
            shown = [ln for ln in err.splitlines() if not ln.startswith("marrowsim: note:")]
            if "Traceback" in err or status != 2 or len(shown) != 1:
                problems.append(f"{name}: exit {status}, stderr {err!r}")
                continue
            lines[lang] = shown[0].replace(str(case_dir), "D").replace(str(files), "F")
        if len(lines) == 2 and lines["en"] == lines["es"]:  # nothing of it translated
            english_lines.append(lines["es"])
    assert problems == []
    assert english_lines == [], "\n".join(english_lines)
