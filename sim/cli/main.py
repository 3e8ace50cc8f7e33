"""Entry point: parse the command line and dispatch to a command module.

With no arguments the interactive trainer opens.  Every command turns bad input into one line on
stderr naming the file, line and field, and exit status 2, never a traceback: a usage error is
one line too (``--help`` gives the usage), a file that cannot be read or written is one line
with exit status 2, and anything unforeseen is one line asking for a report, with exit status 1
(``MARROWSIM_DEBUG=1`` shows its traceback instead).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from sim import __version__
from sim.errors import InputError
from sim.i18n import N_, _, use_chosen_language

#: Every command, its module and its one-line help, in the order ``--help`` lists them.  A
#: command's module is imported only when that command runs (or a full parser is asked for):
#: ``--help``, ``--version`` and the other commands never pay for its imports.
COMMANDS: list[tuple[str, str, str]] = [
    ("run", "run_cmd", N_("run an attempt headless from an action file")),
    ("replay", "replay_cmd", N_("replay a recorded JSONL log and verify its digest")),
    ("scenarios", "scenarios_cmd", N_("list, show, validate or add scenarios")),
    ("screenshots", "screenshots_cmd", N_("save a PNG of every trainer screen (headless)")),
    ("records", "records_cmd", N_("trainee records: list, verify, export, import")),
    ("report", "report_cmd", N_("HTML report with charts for a trainee or a cohort")),
    ("export", "export_cmd", N_("xAPI export and delivery to a Learning Record Store")),
    ("instructor", "instructor_cmd", N_("instructor actions (passphrase protected)")),
    (
        "trainee-model",
        "trainee_model_cmd",
        N_("a simulated trainee makes needle passes in the trainer window"),
    ),
]
DEBUG_ENV = "MARROWSIM_DEBUG"
#: argparse's own words (usage, its errors), translated through Marrowsim's catalogue.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("invalid %(type)s value: %(value)r"),
)


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line (and exit status 2) instead of the usage text."""

    def error(self, message: str):  # type: ignore[override]
        text = _("{prog}: error: {message} (see {prog} --help)").format(
            prog=self.prog, message=message
        )
        self.exit(2, text + "\n")


def _requested(argv: list[str]) -> str | None:
    """The command an argv names (its first word that is not an option), if any."""
    for word in argv:
        if not word.startswith("-"):
            return word
        if word == "--":
            return None
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser.  With ``argv``, only the command it names is built in full (its module
    imported); the others are listed by name and help.  Without, every command is built."""
    parser = Parser(
        prog="marrowsim",
        description=_("Bone marrow harvest trainer. With no command, opens the trainer window."),
    )
    parser.add_argument("--version", action="version", version=f"marrowsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = _requested(argv) if argv is not None else None
    for name, module, summary in COMMANDS:
        if argv is None or name == wanted:
            importlib.import_module(f"sim.cli.{module}").register(sub)
        else:
            sub.add_parser(name, help=_(summary), add_help=False)
    return parser


def _trainer() -> int:
    from sim.ui.app import run_app  # the only path that imports pygame

    try:
        return run_app()
    except Exception as exc:
        # pygame.error (no display, no video driver, ...), told apart without importing pygame
        # here: only sim.ui imports it.
        if type(exc).__module__.split(".")[0] == "pygame":
            driver = os.environ.get("SDL_VIDEODRIVER")
            hint = _("SDL_VIDEODRIVER is {driver!r}") if driver else _("is there a display?")
            failed = _("the trainer window failed: {error} ({hint})")
            raise InputError(failed.format(error=exc, hint=hint.format(driver=driver))) from None
        raise


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # stdout is the command's output
    # The model's arrays are small: OpenBLAS's worker threads never speed a step up, and
    # starting them costs about 50 ms of CPU in numpy's import (bench/RESULTS.md).  Set
    # before numpy is imported; a setting of the user's own is kept.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    use_chosen_language()  # MARROWSIM_LANG, the station's setting, the system's language
    argparse._ = _  # argparse's own words (ARGPARSE_WORDS) in that language too
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return _trainer()
        return int(args.handler(args) or 0)
    except InputError as exc:
        print(f"marrowsim: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("marrowsim: " + _("interrupted"), file=sys.stderr)
        return 130
    except OSError as exc:  # a file or folder the command could not use
        if os.environ.get(DEBUG_ENV):
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"marrowsim: {where}{exc.strerror or exc}".replace("\n", " "), file=sys.stderr)
        return 2
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
        message = _("internal error: {error} (please report it; {debug}=1 shows the details)")
        print("marrowsim: " + message.format(error=text, debug=DEBUG_ENV), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
