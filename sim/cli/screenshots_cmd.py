"""``screenshots DIR``: draw every trainer screen headless from a scripted attempt (PNG files)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("screenshots", help="save a PNG of every trainer screen (headless)")
    p.add_argument("dir", help="folder to write the PNG files to")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from sim.ui.screenshots import render_all  # imports pygame only for this command

    for path in render_all(args.dir, seed=args.seed):
        print(path)
    return 0
