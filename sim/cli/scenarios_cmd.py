"""``scenarios``: list, show, validate and add scenario files, and publish their schema.

The library is the shipped scenarios plus the school ones (the data folder's ``scenarios/`` and
``MARROWSIM_SCENARIO_PATH``); ``add`` validates a school's file and copies it there.
"""

from __future__ import annotations

import argparse
import json
import sys

from sim.cli import JSON_HELP
from sim.errors import InputError
from sim.i18n import _
from sim.scenario.loader import (
    ScenarioLibrary,
    add_school_scenario,
    load_scenario,
    resolve_scenario,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scenarios", help=_("list, show, validate or add scenarios"))
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = s.add_parser("list", help=_("the library: shipped and school scenarios"))
    ls.add_argument("--json", action="store_true", help=_(JSON_HELP))
    ls.set_defaults(handler=handle_list)
    add = s.add_parser(
        "add", help=_("validate a school's scenario file and add it to the library (data folder)")
    )
    add.add_argument("file", help=_("the scenario file (.toml)"))
    add.add_argument(
        "--replace", action="store_true", help=_("replace the school scenario with the same id")
    )
    add.set_defaults(handler=handle_add)
    show = s.add_parser("show", help=_("one scenario, validated, with derived values"))
    show.add_argument("id", help=_("scenario id or path to a .toml file"))
    show.add_argument("--json", action="store_true", help=_(JSON_HELP))
    show.set_defaults(handler=handle_show)
    val = s.add_parser("validate", help=_("check scenario files; exit 0 if all are valid"))
    val.add_argument("paths", nargs="+", help=_("scenario files (.toml)"))
    val.set_defaults(handler=handle_validate)
    sch = s.add_parser("schema", help=_("print the JSON Schema of scenario files"))
    sch.set_defaults(handler=handle_schema)


def handle_list(args: argparse.Namespace) -> int:
    """The usable scenarios, then one ``BROKEN`` line per broken file; exit 2 when none is
    usable (an empty library).  Files already seen to validate are listed from the index
    (sim/scenario/loader.py ``ListingIndex``), without pydantic."""
    lib = ScenarioLibrary(listing=True)
    rows = [
        {
            "id": e.scenario.id,
            "title": e.scenario.title,
            "difficulty": e.scenario.difficulty,
            "kind": e.scenario.kind,
            "version": e.scenario.version,
            "objectives": e.scenario.objectives,
            "origin": e.origin,
            "path": str(e.path),
            "local_title": e.scenario.text("title"),
        }
        for e in lib.entries
        if e.scenario is not None
    ]
    broken = [{"path": str(e.path), "error": str(e.error)} for e in lib.broken()]
    if args.json:
        rows = [{k: v for k, v in r.items() if k != "local_title"} for r in rows]
        json.dump(rows + [{"broken": b} for b in broken] if broken else rows, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        for r in rows:
            school = "  " + _("(school)") if r["origin"] == "school" else ""
            print(f"{r['id']:<22} {_(r['difficulty']):<13} {r['local_title']}{school}")
        for error in dict.fromkeys(b["error"] for b in broken):  # a clash once, not per file
            print(_("BROKEN {error}").format(error=error))
    sys.stdout.flush()
    lib.check_not_empty()
    return 0


def handle_add(args: argparse.Namespace) -> int:
    dest = add_school_scenario(args.file, replace=args.replace)
    scenario = load_scenario(dest)
    text = _("added school scenario {id!r} ({title}): {file}")
    print(text.format(id=scenario.id, title=scenario.text("title"), file=dest))
    return 0


def handle_show(args: argparse.Namespace) -> int:
    scenario = resolve_scenario(args.id)
    data = scenario.resolved()
    if args.json:
        json.dump(data, sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
    else:
        title, difficulty = scenario.text("title"), _(scenario.difficulty)
        print(f"{title} [{scenario.id} v{scenario.version}, {difficulty}]")
        print(scenario.text("briefing").strip())
        target = _(
            "Target: {ml:.0f} mL, {dose:.2g} TNC/kg recipient; par {par:.0f} min,"
            " limit {limit:.0f} min"
        )
        print(
            target.format(
                ml=data["targets"]["volume_ml"],
                dose=scenario.targets.tnc_per_kg_recipient,
                par=scenario.time.par_s / 60,
                limit=scenario.time.limit_s / 60,
            )
        )
    return 0


def handle_validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.paths:
        try:
            load_scenario(path)
            print(_("{file}: ok").format(file=path))
        except InputError as exc:
            print(f"marrowsim: {exc}", file=sys.stderr)
            failed += 1
    return 2 if failed else 0


def handle_schema(args: argparse.Namespace) -> int:
    from sim.scenario.schema import Scenario

    json.dump(Scenario.model_json_schema(), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0
