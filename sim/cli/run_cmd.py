"""``run``: a whole attempt, headless, from a scenario and an action file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sim.errors import InputError
from sim.i18n import _
from sim.i18n.words import critical_name
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
            raise InputError(
                _("cannot write log: {error}").format(error=exc), path=record
            ) from None
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
        title = attempt.scenario.text("title")
        print(_("{title} (seed {seed})").format(title=title, seed=args.seed))
        recorded = _("Recorded as attempt {id} for {trainee}")
        if attempt.nursing is not None:  # the nurse's station: the care, not a harvest
            n = result["nursing"]
            care = _(
                "  variant {variant}, {sets} sets of observations, {taught} of {required}"
                " teaching items, {min:.1f} min"
            ).format(
                variant=n["variant"]["id"],
                sets=n["observations"]["sets"],
                taught=len(n["teaching"]["taught"]),
                required=len(n["teaching"]["required"]),
                min=m["procedure_s"] / 60,
            )
            if n["discharged"]:
                care += _(", discharged")
            if n["decision"]:
                care += _(", decision: {decision}").format(decision=_(n["decision"]))
            print(care)
            print_score(result["score"])
            if recording:
                print(recorded.format(id=result["attempt_id"], trainee=args.trainee))
            return 0
        collected = _(
            "  collected {ml:.0f} mL, TNC {per_ml:.1f} x10^6/mL, {dose:.2f} x10^8/kg recipient"
        )
        print(
            collected.format(
                ml=m["collected_ml"],
                per_ml=m["tnc_per_ml"] / 1e6,
                dose=m["tnc_per_kg_recipient"] / 1e8,
            )
        )
        done = _(
            "  {sites} skin sites, {penetrations} bone penetrations, {aspirations} aspirations,"
            " {min:.1f} min"
        )
        print(
            done.format(
                sites=m["skin_sites"],
                penetrations=m["bone_penetrations"],
                aspirations=m["aspirations"],
                min=m["procedure_s"] / 60,
            )
        )
        if m["critical_errors"]:
            names = ", ".join(critical_name(code) for code in m["critical_errors"])
            print(_("  critical errors: {errors}").format(errors=names))
        print_score(result["score"])
        if recording:
            print(recorded.format(id=result["attempt_id"], trainee=args.trainee))
    return 0


def print_score(score: dict) -> None:
    """The score as a trainee reads it: total, pass/fail, then each criterion's feedback."""
    from sim.trainer.core_words import say  # the scoring's English, translated (no pygame)

    verdict = _("PASS") if score["passed"] else _("FAIL")
    line = _("Score {total:.1f}/100: {verdict} (minimum passing {minimum:g})")
    print(line.format(total=score["total"], verdict=verdict, minimum=score["minimum_passing"]))
    if score["critical_errors"]:
        print(_("  Critical errors (fail whatever the points):"))
        for line in score.get("critical_feedback") or score["critical_errors"]:
            print(f"    - {say(line)}")
    for c in score["criteria"]:
        name = _(c["id"].replace("_", " "))
        points = f"{c['score']:4.1f}/{c['max']:4.1f}" if c.get("assessed", True) else "  --  "
        print(f"  {points}  {name}: {say(' '.join(str(c['feedback']).split()))}")
