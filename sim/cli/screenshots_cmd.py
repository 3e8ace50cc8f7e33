"""``screenshots DIR``: draw every trainer screen headless from a scripted attempt (PNG files)."""

from __future__ import annotations

import argparse

from sim.i18n import _


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("screenshots", help=_("save a PNG of every trainer screen (headless)"))
    p.add_argument("dir", help=_("folder to write the PNG files to"))
    p.add_argument("--seed", type=int, default=1, help=_("random seed (default 1)"))
    p.add_argument(
        "--size",
        default="1920x1080",
        metavar="WxH",
        help=_("window size in pixels, drawn at that resolution (default 1920x1080)"),
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sim.errors import InputError
    from sim.scenario import ScenarioLibrary
    from sim.ui.screenshots import parse_size, render_all  # imports pygame only for this command

    try:
        size = parse_size(args.size)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    ScenarioLibrary().check_not_empty()  # the screens are drawn from the first scenario
    try:
        Path(args.dir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        message = _("cannot create folder: {error}").format(error=exc.strerror or exc)
        raise InputError(message, path=args.dir) from None
    for path in render_all(args.dir, seed=args.seed, size=size):
        print(path)
    return 0
