"""``replay``: re-run a recorded log and check it reproduces the recorded digest."""

from __future__ import annotations

import argparse
import json
import sys

from sim.i18n import _
from sim.run.runlog import replay


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replay", help=_("replay a recorded JSONL log and verify its digest"))
    p.add_argument("log", help=_("the run log (JSON Lines) to replay"))
    p.add_argument("--json", action="store_true", help=_("print the replayed result as JSON"))
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    attempt, recorded = replay(args.log)
    digest = attempt.sim.digest()
    if args.json:
        sys.stdout.write(json.dumps(attempt.result(), sort_keys=True) + "\n")
    if recorded is None:
        text = _("{log}: replayed {n} commands (log has no digest: incomplete attempt)")
        print(text.format(log=args.log, n=len(attempt.log)), file=sys.stderr)
        return 0
    if digest != recorded:
        text = _("{log}: digest mismatch: replay gave {digest}…, log has {recorded}…")
        print(
            text.format(log=args.log, digest=digest[:16], recorded=recorded[:16]), file=sys.stderr
        )
        return 1
    if not args.json:
        text = _("{log}: replay matches ({n} commands, digest {digest}…)")
        print(text.format(log=args.log, n=len(attempt.log), digest=digest[:16]))
    return 0
