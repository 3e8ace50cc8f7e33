"""``run``: a whole attempt, headless, from a scenario and an action file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sim.errors import InputError
from sim.i18n import _
from sim.run.actions import check_actions, read_actions
from sim.run.attempt import Attempt
from sim.run.replay import replay
from sim.run.runlog import LogWriter
from sim.scenario import resolve_scenario
from sim.scenario.length import at_length, parse_length
from sim.scoring import score_attempt


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help=_("run an attempt headless from an action file"))
    p.add_argument("--scenario", required=True, help=_("scenario id or path to a .toml file"))
    p.add_argument("--actions", required=True, help=_("JSON Lines file of commands"))
    p.add_argument("--seed", type=int, default=1, help=_("random seed (default 1)"))
    p.add_argument(
        "--length",
        default="full",
        help=_("full (default) or skills-lab: the same case at a proportionally smaller target"),
    )
    p.add_argument("--json", action="store_true", help=_("print the result as one JSON object"))
    p.add_argument("--record", metavar="LOG", help=_("also write a replayable JSONL log"))
    p.add_argument("--trainee", metavar="ID", help=_("store the attempt in this trainee's records"))
    p.add_argument("--mode", choices=("practice", "assessment"), help=_("recorded mode (practice)"))
    p.add_argument("--assessment", metavar="ID", help=_("assessment the attempt belongs to"))
    p.set_defaults(handler=handle)


def run_attempt(
    scenario_ref: str,
    actions_path: str,
    seed: int,
    record: str | None = None,
    on_start=None,
    length: str = "full",
):
    scenario = at_length(resolve_scenario(scenario_ref), parse_length(length))
    check_actions(actions_path)  # the whole file is checked before running, and not kept
    commands = read_actions(actions_path)  # then read again, line by line, as it runs
    attempt = Attempt(scenario, seed)
    if on_start is not None:  # e.g. the records store starts recording here
        on_start(attempt)
    writer = None
    if record:
        try:
            stream = Path(record).open("w", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write log: {exc}", path=record) from None
        writer = LogWriter(stream, attempt)
    try:
        replay(attempt, commands, where=actions_path)
        if writer:
            writer.close(attempt)
    finally:
        if writer:
            writer.stream.close()
    return attempt


def handle(args: argparse.Namespace) -> int:
    from sim.records.headless import start_recording

    recording = start_recording(args)  # None without --trainee
    hook = recording.attach if recording else None
    attempt = run_attempt(
        args.scenario, args.actions, args.seed, args.record, on_start=hook, length=args.length
    )
    result = attempt.result()
    result["score"] = score_attempt(attempt)
    if recording:
        result["attempt_id"] = recording.finish(attempt, result["score"])["id"]
    if args.json:
        sys.stdout.write(json.dumps(result, sort_keys=True) + "\n")  # C encoder: fast
    else:
        m = result["metrics"]
        print(f"{attempt.scenario.title} (seed {args.seed})")
        if attempt.nursing is not None:  # the nurse's station: the care, not a harvest
            n = result["nursing"]
            print(
                f"  variant {n['variant']['id']}, {n['observations']['sets']} sets of "
                f"observations, {len(n['teaching']['taught'])} of "
                f"{len(n['teaching']['required'])} teaching items, {m['procedure_s'] / 60:.1f} min"
                + (", discharged" if n["discharged"] else "")
                + (f", decision: {n['decision']}" if n["decision"] else "")
            )
            print_score(result["score"])
            if recording:
                print(f"Recorded as attempt {result['attempt_id']} for {args.trainee}")
            return 0
        print(
            f"  collected {m['collected_ml']:.0f} mL, TNC {m['tnc_per_ml'] / 1e6:.1f} x10^6/mL,"
            f" {m['tnc_per_kg_recipient'] / 1e8:.2f} x10^8/kg recipient"
        )
        print(
            f"  {m['skin_sites']} skin sites, {m['bone_penetrations']} bone penetrations,"
            f" {m['aspirations']} aspirations, {m['procedure_s'] / 60:.1f} min"
        )
        if m["critical_errors"]:
            print(f"  critical errors: {', '.join(m['critical_errors'])}")
        print_score(result["score"])
        if recording:
            print(f"Recorded as attempt {result['attempt_id']} for {args.trainee}")
    return 0


def print_score(score: dict) -> None:
    """The score as a trainee reads it: total, pass/fail, then each criterion's feedback."""
    verdict = "PASS" if score["passed"] else "FAIL"
    print(
        f"Score {score['total']:.1f}/100: {verdict} (minimum passing {score['minimum_passing']:g})"
    )
    if score["critical_errors"]:
        print("  Critical errors (fail whatever the points):")
        for line in score.get("critical_feedback") or score["critical_errors"]:
            print(f"    - {line}")
    for c in score["criteria"]:
        name = c["id"].replace("_", " ")
        points = f"{c['score']:4.1f}/{c['max']:4.1f}" if c.get("assessed", True) else "  --  "
        print(f"  {points}  {name}: {c['feedback']}")
