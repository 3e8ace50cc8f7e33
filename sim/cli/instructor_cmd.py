"""``instructor``: the passphrase, assessments, trainees and cohorts, and the cohort table.

Every action needs the instructor passphrase once one is set: ``MARROWSIM_INSTRUCTOR_
PASSPHRASE`` or a no-echo prompt.  A wrong passphrase is refused with no hint (exit 2).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from sim.cli import JSON_HELP, columns
from sim.errors import InputError
from sim.i18n import _
from sim.records.access import instructor_access, read_new_passphrase, read_passphrase


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("instructor", help=_("instructor actions (passphrase protected)"))
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = s.add_parser(
        "init",
        help=_("set up the instructor key (outside the data folder) from a passphrase"),
    )
    init.set_defaults(handler=handle_init)
    sp = s.add_parser("set-passphrase", help=_("set or change the instructor passphrase"))
    sp.set_defaults(handler=handle_set_passphrase)
    eh = s.add_parser("export-head", help=_("the chain head signed with the instructor key"))
    eh.add_argument("--out", metavar="FILE", help=_("write it here (default: stdout)"))
    eh.set_defaults(handler=handle_export_head)
    cp = s.add_parser(
        "checkpoint",
        help=_("verify the whole chain and sign a checkpoint at its head (faster records verify)"),
    )
    cp.set_defaults(handler=handle_checkpoint)

    a = s.add_parser("assessment", help=_("create, list or close assessments"))
    sa = a.add_subparsers(dest="assessment_action", metavar="ACTION", required=True)
    create = sa.add_parser("create", help=_("a new assessment"))
    create.add_argument("--scenarios", required=True, help=_("comma-separated scenario ids"))
    create.add_argument("--passing", type=float, required=True, help=_("passing standard, percent"))
    create.add_argument("--attempts", type=int, default=1, help=_("attempts allowed (default 1)"))
    create.add_argument("--name", help=_("a name for the cohort table and reports"))
    create.add_argument(
        "--length",
        default="full",
        help=_("full (default) or skills-lab: the same cases at a proportionally smaller target"),
    )
    create.add_argument("--json", action="store_true", help=_(JSON_HELP))
    create.set_defaults(handler=handle_assessment_create)
    ls = sa.add_parser("list", help=_("all assessments"))
    ls.add_argument("--json", action="store_true", help=_(JSON_HELP))
    ls.set_defaults(handler=handle_assessment_list)
    close = sa.add_parser("close", help=_("close an assessment to new attempts"))
    close.add_argument("id", help=_("assessment id"))
    close.set_defaults(handler=handle_assessment_close)

    t = s.add_parser("trainee", help=_("add a trainee or set a trainee's name and cohort"))
    t.add_argument("id", help=_("trainee id"))
    t.add_argument("--name", help=_("the trainee's name"))
    t.add_argument("--cohort", help=_("cohort name ('' removes the trainee from a cohort)"))
    t.set_defaults(handler=handle_trainee)

    lrs = s.add_parser("lrs", help=_("the Learning Record Store the results are delivered to"))
    sl = lrs.add_subparsers(dest="lrs_action", metavar="ACTION", required=True)
    ls_set = sl.add_parser("set", help=_("set the LRS endpoint, the IRI base and the user"))
    ls_set.add_argument("--endpoint", required=True, help=_("the LRS's xAPI endpoint (http/https)"))
    ls_set.add_argument(
        "--iri-base", required=True, help=_("the centre's IRI base (its own domain)")
    )
    ls_set.add_argument("--user", help=_("Basic auth user (password: MARROWSIM_LRS_PASSWORD)"))
    ls_set.add_argument(
        "--homepage", help=_("the agents' account homePage (default: the IRI base)")
    )
    ls_set.add_argument("--timeout", type=float, default=5.0, help=_("seconds per request (5)"))
    ls_set.add_argument(
        "--change-identity",
        action="store_true",
        help=_("allow a new IRI base or homepage once one is set (trainees become new agents)"),
    )
    ls_set.set_defaults(handler=handle_lrs_set)
    ls_show = sl.add_parser("show", help=_("the LRS settings (no password)"))
    ls_show.set_defaults(handler=handle_lrs_show)

    c = s.add_parser("cohort", help=_("the cohort table: one row per trainee"))
    c.add_argument("--cohort", metavar="NAME", help=_("only this cohort"))
    c.add_argument("--json", action="store_true", help=_(JSON_HELP))
    c.set_defaults(handler=handle_cohort)


def _store():
    from sim.cli.records_cmd import open_store

    return open_store()


def handle_set_passphrase(args: argparse.Namespace, store: Any = None) -> int:
    with store if store is not None else _store() as store:
        current = read_passphrase(os.environ) if store.has_passphrase() else None
        if current is not None and store.instructor_state() != "legacy":
            store.check_passphrase(current)  # refuse before asking for the new one
        store.set_passphrase(read_new_passphrase(os.environ), current=current)
        key = store.instructor_key()
    assert key is not None
    text = _("instructor passphrase set: instructor key {fingerprint} at {path}")
    print(text.format(fingerprint=key.fingerprint, path=key.path))
    return 0


def handle_init(args: argparse.Namespace) -> int:
    with _store() as store:
        if store.instructor_state() == "keyed":  # set up already: record it in this database
            store.record_instructor_key(store.unlock(read_passphrase(os.environ)))
        else:
            return handle_set_passphrase(args, store)
        key = store.instructor_key()
    assert key is not None
    text = _("instructor key {fingerprint} at {path} is recorded in {database}")
    print(text.format(fingerprint=key.fingerprint, path=key.path, database=store.path))
    return 0


def handle_checkpoint(args: argparse.Namespace) -> int:
    with _store() as store:
        signed = instructor_access(store, os.environ).checkpoint()
    if signed is None:
        print(_("no checkpoint: the records are empty or fail `records verify --full`"))
        return 1
    text = _("checkpoint signed at chain entry {seq} ({linked} finished attempts)")
    print(text.format(seq=signed["seq"], linked=signed["linked"]))
    return 0


def handle_export_head(args: argparse.Namespace) -> int:
    with _store() as store:
        signed = instructor_access(store, os.environ).export_head()
    text = json.dumps(signed, sort_keys=True, indent=1) + "\n"
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.out, "x", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        message = _("cannot write the signed head: {error}").format(error=exc.strerror)
        raise InputError(message, path=args.out) from None
    text = _("signed head {seq} ({head}…) written to {file}")
    print(text.format(seq=signed["seq"], head=signed["head"][:16], file=args.out))
    return 0


def handle_assessment_create(args: argparse.Namespace) -> int:
    from sim.scenario import resolve_scenario
    from sim.scenario.length import LABELS, at_length, parse_length

    ids = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    if not ids:
        raise InputError(_("give at least one scenario id"), field="scenarios")
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
        text = _(
            "assessment {id}: {scenarios}; pass at {passing:g}%, {n} attempt(s) per scenario,"
            " {length}"
        )
        print(
            text.format(
                id=a["id"],
                scenarios=", ".join(a["scenarios"]),
                passing=a["passing"],
                n=a["attempts_allowed"],
                length=_(LABELS[a["length"]]),
            )
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
    text = _("{id}  {state} pass {passing:g}%  attempts {n}  {length}  {scenarios}  ({name})")
    for a in rows:
        state = _("open") if a["active"] else _("closed")
        print(
            text.format(
                id=a["id"],
                state=f"{state:6}",
                passing=a["passing"],
                n=a["attempts_allowed"],
                length=_(LABELS[a["length"]]),
                scenarios=", ".join(a["scenarios"]),
                name=a["name"],
            )
        )
    return 0


def handle_assessment_close(args: argparse.Namespace) -> int:
    with _store() as store:
        a = instructor_access(store, os.environ).close_assessment(args.id)
    print(_("assessment {id} closed").format(id=a["id"]))
    return 0


def handle_trainee(args: argparse.Namespace) -> int:
    with _store() as store:
        t = instructor_access(store, os.environ).set_trainee(
            args.id, name=args.name, cohort=args.cohort
        )
    text = _("trainee {id}: name {name}, cohort {cohort}")
    print(text.format(id=t["id"], name=t["name"] or "-", cohort=t["cohort"] or "-"))
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

    words = (_("trainee"), _("cohort"), _("done"), _("open"), _("last"), _("best"), _("mean"),
             _("pass"), _("fail"), _("crit"), _("last attempt"))  # fmt: skip
    row = columns("{:16} {:12} {:>4} {:>4} {:>6} {:>6} {:>6} {:>4} {:>4} {:>4}  {}", words)
    print(row.format(*words))
    for r in rows:
        print(
            row.format(
                r["trainee_id"][:16], (r["cohort"] or "-")[:12], r["attempts"], r["incomplete"],
                num(r["last_score"]), num(r["best_score"]), num(r["mean_score"]), r["passed"],
                r["failed"], r["critical_errors"], r["last_attempt"] or "-",
            )
        )  # fmt: skip
    return 0


def handle_lrs_set(args: argparse.Namespace) -> int:
    """Write ``xapi.toml``; everything is checked before anything is written.

    The agent identity (IRI base and homepage) is stable once set: a change needs
    ``--change-identity`` and is refused while statements are queued (they carry the old one).
    """
    from sim.xapi import counts
    from sim.xapi.lrs import (
        DEFAULT_BASE,
        LrsConfig,
        check_endpoint,
        check_iri_base,
        load_config,
        save_config,
    )

    check_endpoint(args.endpoint)
    check_iri_base(args.iri_base, field="iri-base")
    homepage = args.homepage or args.iri_base
    check_iri_base(homepage, field="homepage")
    if args.timeout <= 0 or args.timeout != args.timeout:
        raise InputError(_("must be a positive number of seconds"), field="timeout")
    with _store() as store:
        instructor_access(store, os.environ)
        data_dir = store.path.parent
        old = load_config(data_dir, {})
        changed = (old.iri_base, old.homepage) != (args.iri_base, homepage)
        if changed and old.iri_base != DEFAULT_BASE:
            queued = counts(store)["queued"]
            if queued:
                message = _(
                    "the IRI base or homepage cannot change while {n} statement(s) are queued"
                    " with the old one: deliver them first (export flush)"
                )
                raise InputError(message.format(n=queued), field="iri-base")
            if not args.change_identity:
                message = _(
                    "the agent identity is set ({iri_base}, homepage {homepage}): changing it"
                    " makes every trainee a new agent at the LRS; add --change-identity if"
                    " that is meant"
                )
                message = message.format(iri_base=old.iri_base, homepage=old.homepage)
                raise InputError(message, field="iri-base")
        password = os.environ.get("MARROWSIM_LRS_PASSWORD") or old.password
        config = LrsConfig(
            endpoint=args.endpoint,
            username=args.user if args.user is not None else old.username,
            password=password,
            iri_base=args.iri_base,
            homepage=homepage,
            timeout_s=args.timeout,
        )
        path = save_config(data_dir, config)
    text = _("LRS set in {path}: {endpoint}, IRI base {iri_base}")
    print(text.format(path=path, endpoint=config.endpoint, iri_base=config.iri_base))
    return 0


def handle_lrs_show(args: argparse.Namespace) -> int:
    from sim.xapi import load_config

    with _store() as store:
        instructor_access(store, os.environ)
        config = load_config(store.path.parent, os.environ)
    print(f"endpoint  {config.endpoint or '-'}")
    print(f"user      {config.username or '-'}")
    print(f"iri_base  {config.iri_base}")
    print(f"homepage  {config.homepage}")
    print(f"timeout_s {config.timeout_s:g}")
    return 0
