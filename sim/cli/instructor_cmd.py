"""``instructor``: the passphrase, assessments, trainees and cohorts, and the cohort table.

Every action needs the instructor passphrase once one is set: ``MARROWSIM_INSTRUCTOR_
PASSPHRASE`` or a no-echo prompt.  A wrong passphrase is refused with no hint (exit 2).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from sim.errors import InputError
from sim.records.access import instructor_access, read_new_passphrase, read_passphrase


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("instructor", help="instructor actions (passphrase protected)")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    sp = s.add_parser("set-passphrase", help="set or change the instructor passphrase")
    sp.set_defaults(handler=handle_set_passphrase)

    a = s.add_parser("assessment", help="create, list or close assessments")
    sa = a.add_subparsers(dest="assessment_action", metavar="ACTION", required=True)
    create = sa.add_parser("create", help="a new assessment")
    create.add_argument("--scenarios", required=True, help="comma-separated scenario ids")
    create.add_argument("--passing", type=float, required=True, help="passing standard, percent")
    create.add_argument("--attempts", type=int, default=1, help="attempts allowed (default 1)")
    create.add_argument("--name", help="a name for the cohort table and reports")
    create.add_argument(
        "--length",
        default="full",
        help="full (default) or skills-lab: the same cases at a proportionally smaller target",
    )
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=handle_assessment_create)
    ls = sa.add_parser("list", help="all assessments")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=handle_assessment_list)
    close = sa.add_parser("close", help="close an assessment to new attempts")
    close.add_argument("id")
    close.set_defaults(handler=handle_assessment_close)

    t = s.add_parser("trainee", help="add a trainee or set a trainee's name and cohort")
    t.add_argument("id")
    t.add_argument("--name")
    t.add_argument("--cohort", help="cohort name ('' removes the trainee from a cohort)")
    t.set_defaults(handler=handle_trainee)

    c = s.add_parser("cohort", help="the cohort table: one row per trainee")
    c.add_argument("--cohort", metavar="NAME", help="only this cohort")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=handle_cohort)


def _store():
    from sim.cli.records_cmd import open_store

    return open_store()


def handle_set_passphrase(args: argparse.Namespace) -> int:
    with _store() as store:
        current = read_passphrase(os.environ) if store.has_passphrase() else None
        if current is not None:
            store.check_passphrase(current)  # refuse before asking for the new one
        store.set_passphrase(read_new_passphrase(os.environ), current=current)
    print("instructor passphrase set")
    return 0


def handle_assessment_create(args: argparse.Namespace) -> int:
    from sim.scenario import resolve_scenario
    from sim.scenario.length import LABELS, at_length, parse_length

    ids = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    if not ids:
        raise InputError("give at least one scenario id", field="scenarios")
    ids = [resolve_scenario(ref).id for ref in ids]  # unknown ids are refused here
    length = parse_length(args.length)
    if length != "full":  # every scenario must have a harvest to shorten
        for ref in ids:
            at_length(resolve_scenario(ref), length)
    with _store() as store:
        inst = instructor_access(store, os.environ)
        a = inst.create_assessment(ids, args.passing, args.attempts, args.name, length)
    if args.json:
        json.dump(a, sys.stdout, sort_keys=True)
        sys.stdout.write("\n")
    else:
        print(
            f"assessment {a['id']}: {', '.join(a['scenarios'])}; pass at {a['passing']:g}%,"
            f" {a['attempts_allowed']} attempt(s) per scenario, {LABELS[a['length']]}"
        )
    return 0


def handle_assessment_list(args: argparse.Namespace) -> int:
    from sim.scenario.length import LABELS

    with _store() as store:
        rows = instructor_access(store, os.environ).assessments()
    if args.json:
        json.dump(rows, sys.stdout, sort_keys=True)
        sys.stdout.write("\n")
        return 0
    for a in rows:
        state = "open" if a["active"] else "closed"
        print(
            f"{a['id']}  {state:6} pass {a['passing']:g}%  attempts {a['attempts_allowed']}"
            f"  {LABELS[a['length']]}"
            f"  {', '.join(a['scenarios'])}  ({a['name']})"
        )
    return 0


def handle_assessment_close(args: argparse.Namespace) -> int:
    with _store() as store:
        a = instructor_access(store, os.environ).close_assessment(args.id)
    print(f"assessment {a['id']} closed")
    return 0


def handle_trainee(args: argparse.Namespace) -> int:
    with _store() as store:
        t = instructor_access(store, os.environ).set_trainee(
            args.id, name=args.name, cohort=args.cohort
        )
    print(f"trainee {t['id']}: name {t['name'] or '-'}, cohort {t['cohort'] or '-'}")
    return 0


def handle_cohort(args: argparse.Namespace) -> int:
    with _store() as store:
        rows = instructor_access(store, os.environ).cohort_table(args.cohort)
    if args.json:
        json.dump(rows, sys.stdout, sort_keys=True)
        sys.stdout.write("\n")
        return 0

    def num(v: object) -> str:
        return "-" if v is None else f"{v}"

    print(f"{'trainee':16} {'cohort':12} {'done':>4} {'open':>4} {'last':>6} {'best':>6}"
          f" {'mean':>6} {'pass':>4} {'fail':>4} {'crit':>4}  last attempt")  # fmt: skip
    for r in rows:
        print(
            f"{r['trainee_id'][:16]:16} {(r['cohort'] or '-')[:12]:12} {r['attempts']:>4}"
            f" {r['incomplete']:>4} {num(r['last_score']):>6} {num(r['best_score']):>6}"
            f" {num(r['mean_score']):>6} {r['passed']:>4} {r['failed']:>4}"
            f" {r['critical_errors']:>4}  {r['last_attempt'] or '-'}"
        )
    return 0
