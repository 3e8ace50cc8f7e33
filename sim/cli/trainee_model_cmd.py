"""``trainee-model``: a simulated trainee drives the real trainer window and measures the give.

It reacts to what the window shows and plays (sim/ui/trainee_model.py), lets go ``--reaction-ms``
after the give, and prints each pass's overshoot past the loss of resistance, the inputs it used
and the real seconds it took, with their summary.  It records into a temporary folder, never the
station's records.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import tempfile
from pathlib import Path

from sim.cli import columns
from sim.errors import InputError
from sim.i18n import N_, _, pgettext

INPUTS = (N_("keyboard"), N_("mouse"))
#: the scenario kinds, shown as ``_(kind)``
KINDS = (N_("harvest"), N_("nursing"))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "trainee-model", help=_("a simulated trainee makes needle passes in the trainer window")
    )
    p.add_argument("--scenario", default="adult-standard", help=_("harvest scenario id"))
    p.add_argument("--passes", default="10", help=_("bone penetrations to make (default 10)"))
    p.add_argument(
        "--until-target",
        action="store_true",
        help=_("pass on until the scenario's target volume is collected (a full harvest)"),
    )
    p.add_argument("--reaction-ms", default="250", help=_("let go this long after the give"))
    p.add_argument("--input", default="keyboard", help=_("keyboard (Space) or mouse (button)"))
    p.add_argument("--seed", default="1", help=_("random seed (default 1)"))
    p.add_argument("--length", default="full", help=_("full (default) or skills-lab"))
    p.add_argument("--json", action="store_true", help=_("print the result as one JSON object"))
    p.set_defaults(handler=handle)


def _number(text: str, field: str, *, integer: bool = False) -> float:
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        kind = (
            _("must be a whole number, got {text!r}")
            if integer
            else _("must be a number, got {text!r}")
        )
        raise InputError(kind.format(text=text), field=field) from None
    if not math.isfinite(value):
        raise InputError(_("must be finite, got {text!r}").format(text=text), field=field)
    return value


@contextlib.contextmanager
def _station_apart(tmp: str):
    """The data folder moved to ``tmp`` (never the station's records), the station's school
    scenarios still in the library (through MARROWSIM_SCENARIO_PATH); both restored after."""
    from sim.paths import DATA_DIR_ENV, SCENARIO_PATH_ENV, school_scenario_dir

    saved = {key: os.environ.get(key) for key in (DATA_DIR_ENV, SCENARIO_PATH_ENV)}
    school = school_scenario_dir()
    if school.is_dir():
        extra = [str(school), *filter(None, [saved[SCENARIO_PATH_ENV]])]
        os.environ[SCENARIO_PATH_ENV] = os.pathsep.join(extra)
    os.environ[DATA_DIR_ENV] = tmp
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def handle(args: argparse.Namespace) -> int:
    if args.input not in INPUTS:
        message = _("unknown input {input!r} (expected one of: {choices})")
        raise InputError(message.format(input=args.input, choices=", ".join(INPUTS)), field="input")
    reaction = _number(args.reaction_ms, "reaction-ms")
    if reaction < 0:
        message = _("must be >= 0 ms, got {value}").format(value=args.reaction_ms)
        raise InputError(message, field="reaction-ms")
    passes = int(_number(args.passes, "passes", integer=True))
    if passes < 1:
        message = _("must be at least 1, got {value}").format(value=args.passes)
        raise InputError(message, field="passes")
    seed = int(_number(args.seed, "seed", integer=True))
    from sim.scenario import resolve_scenario
    from sim.scenario.length import parse_length

    length = parse_length(args.length)
    scenario = resolve_scenario(args.scenario)
    if scenario.kind != "harvest":
        message = _("scenario {id!r} has no needle work (a {kind} scenario)")
        raise InputError(message.format(id=scenario.id, kind=_(scenario.kind)), field="scenario")
    with tempfile.TemporaryDirectory(prefix="marrowsim-trainee-") as tmp, _station_apart(tmp):
        from sim.ui.trainee_model import SimulatedTrainee  # imports pygame only here

        trainee = SimulatedTrainee(
            scenario.id,
            reaction_ms=reaction,
            input_kind=args.input,
            seed=seed,
            length=length,
            data_dir=Path(tmp),
        )
        run = trainee.harvest(None if args.until_target else passes)
    if args.json:
        sys.stdout.write(json.dumps(run.to_dict(), sort_keys=True) + "\n")
        return 0
    head = _("{title}: {input}, let go {reaction:g} ms after the give (seed {seed})")
    title = scenario.text("title")
    print(head.format(title=title, input=_(args.input), reaction=reaction, seed=seed))
    words = (
        pgettext("needle pass", "pass"), _("site"), _("overshoot mm"), _("inner table"),
        _("inputs"), _("real s"),
    )  # fmt: skip
    row = columns(" {:>4}  {:>4}  {:>12}  {:>11}  {:>6}  {:>6}", words)
    print(row.format(*words))
    for p in run.passes:
        over = _("no give") if p.overshoot_mm is None else f"{p.overshoot_mm:.1f}"
        table = _("REACHED") if p.inner_table else "-"
        print(row.format(p.index + 1, p.site + 1, over, table, p.inputs, f"{p.real_s:.1f}"))
    s = run.summary()
    share = s["within_limit_share"] * 100
    gives = _(
        "{gives} gives: {share:.0f}% within {limit:g} mm (median {median}, p90 {p90},"
        " max {max} mm); {inner} reached the inner table"
    )
    print(
        gives.format(
            gives=s["gives"],
            share=share,
            limit=s["overshoot_limit_mm"],
            median=s["overshoot_median_mm"],
            p90=s["overshoot_p90_mm"],
            max=s["overshoot_max_mm"],
            inner=s["inner_table_passes"],
        )
    )
    inputs = _("{inputs} inputs, {min} min of real time; collected {ml:g} of {target:g} mL")
    print(
        inputs.format(
            inputs=s["inputs"], min=s["real_min"], ml=s["collected_ml"], target=s["target_ml"]
        )
    )
    return 0
