"""Entry point: parse the command line and dispatch to a command module.

With no arguments the interactive trainer opens.  Every command turns bad input into one line on
stderr naming the file, line and field, and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from sim import __version__
from sim.cli import (
    export_cmd,
    instructor_cmd,
    records_cmd,
    replay_cmd,
    report_cmd,
    run_cmd,
    scenarios_cmd,
    screenshots_cmd,
    trainee_model_cmd,
)
from sim.errors import InputError

COMMAND_MODULES = [run_cmd, replay_cmd, scenarios_cmd, screenshots_cmd]
COMMAND_MODULES += [records_cmd, report_cmd, export_cmd, instructor_cmd, trainee_model_cmd]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marrowsim",
        description="Bone marrow harvest trainer. With no command, opens the trainer window.",
    )
    parser.add_argument("--version", action="version", version=f"marrowsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from sim.ui.app import run_app  # the only path that imports pygame

        return run_app()
    try:
        return int(args.handler(args) or 0)
    except InputError as exc:
        print(f"marrowsim: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
