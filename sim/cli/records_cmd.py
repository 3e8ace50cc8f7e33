"""``records``: list, show, replay, verify, export, import and back up the trainee records.

Reading other trainees' results needs the instructor passphrase (``MARROWSIM_INSTRUCTOR_
PASSPHRASE`` or a prompt) once one is set; ``verify`` and ``info`` show no results.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from sim.cli import JSON_HELP, columns
from sim.errors import InputError
from sim.i18n import N_, _
from sim.records.access import instructor_access
from sim.records.paths import default_data_dir
from sim.records.store import RecordStore

#: The stored modes and statuses, shown as ``_(word)`` (records list)
MODES = (N_("practice"), N_("assessment"), N_("tutorial"))
STATUSES = (N_("incomplete"), N_("complete"), N_("locked"), N_("finished"))
LENGTHS = (N_("full"), N_("skills-lab"))
# The export, import and replay code (and with the replay the simulation) is imported by the
# actions that use it: ``records list`` starts without them.


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("records", help=_("trainee records: list, verify, export, import"))
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    info = s.add_parser("info", help=_("where the records are and what they hold"))
    info.add_argument("--json", action="store_true", help=_(JSON_HELP))
    info.set_defaults(handler=handle_info)
    ls = s.add_parser("list", help=_("attempts, oldest first (instructor)"))
    ls.add_argument("--trainee", metavar="ID", help=_("only this trainee's attempts"))
    ls.add_argument("--cohort", metavar="NAME", help=_("only this cohort's attempts"))
    ls.add_argument(
        "--status",
        choices=("incomplete", "complete", "locked", "finished"),
        help=_("only attempts in this state (finished: complete or locked)"),
    )
    ls.add_argument("--limit", type=int, metavar="N", help=_("at most N attempts (a page)"))
    ls.add_argument("--offset", type=int, default=0, metavar="N", help=_("skip the first N"))
    ls.add_argument("--json", action="store_true", help=_(JSON_HELP))
    ls.set_defaults(handler=handle_list)
    show = s.add_parser("show", help=_("one attempt with its score and feedback (instructor)"))
    show.add_argument("attempt", help=_("attempt id"))
    show.add_argument("--json", action="store_true", help=_(JSON_HELP))
    show.add_argument("--commands", action="store_true", help=_("include the command log"))
    show.set_defaults(handler=handle_show)
    rp = s.add_parser("replay", help=_("re-run a stored attempt from its commands (instructor)"))
    rp.add_argument("attempt", help=_("attempt id"))
    rp.add_argument("--json", action="store_true", help=_("print the replayed result"))
    rp.add_argument("--log", metavar="FILE", help=_("also write it as a run log for `sim replay`"))
    rp.set_defaults(handler=handle_replay)
    ver = s.add_parser("verify", help=_("check the hash chain; exit 1 naming changed attempts"))
    ver.add_argument("--json", action="store_true", help=_(JSON_HELP))
    ver.add_argument(
        "--head",
        action="append",
        default=[],
        metavar="FILE",
        help=_("a head exported with `instructor export-head`: the chain must still hold it"),
    )
    ver.add_argument(
        "--full",
        action="store_true",
        help=_("re-hash every link, not only those after the instructor's latest checkpoint"),
    )
    ver.add_argument(
        "--against-lrs",
        action="store_true",
        help=_("also compare every stored result with the statements the LRS holds"),
    )
    ver.set_defaults(handler=handle_verify_all)
    ex = s.add_parser("export", help=_("attempts as CSV (instructor)"))
    ex.add_argument("--csv", required=True, metavar="FILE", help=_("output file ('-': stdout)"))
    ex.add_argument("--trainee", metavar="ID", help=_("only this trainee's attempts"))
    ex.add_argument("--cohort", metavar="NAME", help=_("only this cohort's attempts"))
    ex.set_defaults(handler=handle_export)
    im = s.add_parser("import", help=_("merge another station's database (instructor)"))
    im.add_argument("file", help=_("the other station's records database (marrowsim.db)"))
    im.add_argument("--json", action="store_true", help=_(JSON_HELP))
    im.set_defaults(handler=handle_import)
    bk = s.add_parser("backup", help=_("a consistent copy of the database (instructor)"))
    bk.add_argument(
        "--out", required=True, metavar="FILE", help=_("the copy to write (a new file)")
    )
    bk.set_defaults(handler=handle_backup)


def open_store(*, quick_check: bool = True) -> RecordStore:
    """The station's store (``MARROWSIM_DATA_DIR`` or the platform data directory).

    A command that only reads passes ``quick_check=False``: the whole-file check is then put
    off to the first write (sim.records.db.WriteGate), so nothing is written to a damaged file
    and reading a programme's records does not first read all of its gigabytes."""
    return RecordStore.open(default_data_dir(os.environ), quick_check=quick_check)


def _print_json(value: object) -> None:
    json.dump(value, sys.stdout, sort_keys=True, indent=1)
    sys.stdout.write("\n")


def _pct(row: dict) -> str:
    if row.get("score_total") is None:
        return "-"
    return f"{100.0 * row['score_total'] / (row.get('score_max') or 100.0):.1f}"


def _verdict(row: dict) -> str:
    return {True: _("pass"), False: _("FAIL"), None: "-"}[row.get("passed")]


def handle_info(args: argparse.Namespace) -> int:
    from sim.records.schema import SCHEMA_VERSION
    from sim.xapi import counts, load_config

    with open_store(quick_check=False) as store:  # reads only
        data = {
            "data_dir": str(store.path.parent),
            "database": str(store.path),
            "schema_version": SCHEMA_VERSION,
            "station": store.station,
            "trainees": len(store.trainees()),
            "attempts": len(store.attempts()),
            "instructor_passphrase_set": store.has_passphrase(),
            "instructor_key": str(store.key_path),
            "instructor_state": store.instructor_state(),
            "lrs_configured": load_config(store.path.parent, os.environ).configured,
            "xapi_queue": counts(store),
        }
    if args.json:
        _print_json(data)
    else:
        for key, value in data.items():
            print(f"{key:26} {value}")
    return 0


def handle_list(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0 or args.offset < 0:
        raise InputError(_("--limit and --offset take a number of attempts, 0 or more"))
    page = {"limit": args.limit, "offset": args.offset}
    filters = {"trainee_id": args.trainee, "cohort": args.cohort, "status": args.status}
    with open_store(quick_check=False) as store:  # reads only
        instructor_access(store, os.environ)
        if args.json:
            _print_json(store.attempts(**filters, **page))
            return 0
        head = (_("attempt"), _("trainee"), _("scenario"), _("length"), _("mode"), _("status"),
                _("score"), _("result"), _("started"))  # fmt: skip
        row = columns("{:36}  {:14} {:18} {:10} {:10} {:10} {:>5}  {:6}  {}", head)
        print(row.format(*head))
        words = {w: _(w) for w in (*LENGTHS, *MODES, *STATUSES)}
        for r in store.iter_attempts(**filters, **page):  # streamed: a programme's records
            length = words["skills-lab" if r.get("length") == "skills_lab" else "full"]
            mode, status = words.get(r["mode"], r["mode"]), words.get(r["status"], r["status"])
            print(
                row.format(r["id"], r["trainee_id"][:14], r["scenario_id"][:18], length, mode,
                           status, _pct(r), _verdict(r), r["started"])
            )  # fmt: skip
    return 0


def handle_show(args: argparse.Namespace) -> int:
    with open_store(quick_check=False) as store:  # reads only
        inst = instructor_access(store, os.environ)
        row = inst.attempt(args.attempt)
        row["length"] = (row.pop("scenario", None) or {}).get("length", "full")
        if args.commands:
            row["commands"] = inst.commands(args.attempt)
    if args.json:
        _print_json(row)
        return 0
    from sim.i18n.words import critical_name
    from sim.scenario.length import LABELS
    from sim.trainer.core_words import say  # the scoring's English, translated (no pygame)

    head = _("attempt {id}  trainee {trainee}  {mode}  {status}")
    print(head.format(id=row["id"], trainee=row["trainee_id"], mode=_(row["mode"]),
                      status=_(row["status"])))  # fmt: skip
    length = _(LABELS.get(row["length"], row["length"]))
    scenario = _("  scenario {id} v{version} ({length}), seed {seed}")
    print(scenario.format(id=row["scenario_id"], version=row["scenario_version"], length=length,
                          seed=row["seed"]))  # fmt: skip
    when = _("  started {started}, ended {ended}")
    print(when.format(started=row["started"], ended=row["ended"] or "-"))
    score = _("  score {score} ({verdict}, minimum {minimum})")
    print(score.format(score=_pct(row), verdict=_verdict(row),
                       minimum=row["minimum_passing"] or "-"))  # fmt: skip
    if row["critical_errors"]:
        names = ", ".join(critical_name(code) for code in row["critical_errors"])
        print(_("  critical errors: {errors}").format(errors=names))
    for c in row.get("criteria") or []:
        feedback = say(" ".join(str(c.get("feedback") or "").split()))
        name = _(c["id"].replace("_", " "))
        print(f"  {c.get('score', 0):5.1f}/{c.get('max', 0):5.1f}  {name}: {feedback}")
    for c in row.get("commands", []):
        print(f"  [{c['n']:4}] t={c['t_s']:9.2f}s  {json.dumps(c['cmd'])}")
    return 0


def handle_replay(args: argparse.Namespace) -> int:
    from sim.records.replay import replay_stored, replay_stored_attempt

    with open_store(quick_check=False) as store:  # reads only
        inst = instructor_access(store, os.environ)
        row = inst.attempt(args.attempt)
        if args.log:
            try:
                with Path(args.log).open("w", encoding="utf-8") as stream:
                    attempt = replay_stored(row, inst.commands(args.attempt), stream)
            except OSError as exc:
                message = _("cannot write log: {error}").format(error=exc)
                raise InputError(message, path=args.log) from None
        else:
            attempt = replay_stored_attempt(store, args.attempt)
        found = inst.mismatches(args.attempt, attempt)
    if args.json:
        _print_json(attempt.result() | {"attempt_id": row["id"], "status": row["status"]})
    if row["status"] == "incomplete":
        text = _("attempt {id}: replayed {n} commands (incomplete attempt)")
        print(text.format(id=row["id"], n=len(attempt.log)), file=sys.stderr)
        return 0
    if found:
        text = _("attempt {id}: replay does not reproduce the stored {fields}")
        print(text.format(id=row["id"], fields=", ".join(found)), file=sys.stderr)
        return 1
    if not args.json:
        text = _("attempt {id}: replay matches ({n} commands)")
        print(text.format(id=row["id"], n=len(attempt.log)))
    return 0


def _read_head(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as exc:
        message = _("cannot read the signed head: {error}").format(error=exc.strerror)
        raise InputError(message, path=path) from None
    except ValueError as exc:
        message = _("not a signed head (invalid JSON: {error})").format(error=exc)
        raise InputError(message, path=path) from None
    if not isinstance(data, dict) or not isinstance(data.get("seq"), int):
        raise InputError(_("not a signed head"), path=path, field="seq")
    return data


def handle_verify(args: argparse.Namespace) -> int:
    heads = [_read_head(p) for p in args.head]
    with open_store(quick_check=False) as store:  # integrity_check is the full check
        damage = store.integrity_check()
        problems, linked, head = store.verify(heads, full=getattr(args, "full", False))
    if args.json:
        _print_json(
            {
                "ok": not problems and not damage,
                "linked": linked,
                "head": head,
                "integrity": damage or ["ok"],
                "problems": [
                    {"attempt_id": p.attempt_id, "subject": p.subject, "problem": p.message}
                    for p in problems
                ],
            }
        )
    else:
        for line in damage:
            print(_("database integrity: {problem}").format(problem=line))
        for p in problems:
            print(str(p))
        if not problems and not damage:
            text = _("records intact: {n} finished attempts in the hash chain, head {head}")
            print(text.format(n=linked, head=head))
        else:
            text = _("records NOT intact: {n} problem(s)").format(n=len(problems))
            print(text, file=sys.stderr)
    return 0 if not problems and not damage else 1


def handle_verify_all(args: argparse.Namespace) -> int:
    """``verify``, then with ``--against-lrs`` the LRS as a witness (sim.xapi.witness); with
    ``--json`` one object, the witness's findings under ``against_lrs``."""
    if not getattr(args, "against_lrs", False):
        return handle_verify(args)
    import contextlib
    import io

    from sim.xapi import load_config
    from sim.xapi.witness import against_lrs

    local = io.StringIO()
    with contextlib.redirect_stdout(local if args.json else sys.stdout):
        status = handle_verify(args)
    with open_store() as store:
        report = against_lrs(store, load_config(store.path.parent, os.environ))
    if args.json:
        out = json.loads(local.getvalue())
        out["against_lrs"] = {
            "ok": not report.problems,
            "matched": report.matched,
            "undelivered": report.undelivered,
            "lrs_results": report.lrs_results,
            "problems": report.problems,
        }
        out["ok"] = out.get("ok", True) and not report.problems
        _print_json(out)
    else:
        for line in report.problems:
            print(line)
        print(report.summary(), file=sys.stderr if report.problems else sys.stdout)
    return max(status, 1 if report.problems else 0)


def handle_export(args: argparse.Namespace) -> int:
    from sim.records.exchange import write_csv

    with open_store(quick_check=False) as store:  # reads only
        inst = instructor_access(store, os.environ)
        rows = inst.attempts(trainee_id=args.trainee, cohort=args.cohort)
    if args.csv == "-":
        write_csv(rows, sys.stdout)
        return 0
    try:
        with Path(args.csv).open("w", encoding="utf-8", newline="") as stream:
            n = write_csv(rows, stream)
    except OSError as exc:
        raise InputError(_("cannot write CSV: {error}").format(error=exc), path=args.csv) from None
    print(_("wrote {n} attempts to {file}").format(n=n, file=args.csv))
    return 0


def handle_import(args: argparse.Namespace) -> int:
    from sim.records.exchange import import_database

    with open_store() as store:
        instructor_access(store, os.environ)
        counts = import_database(store, args.file)
    if args.json:
        _print_json(counts)
    else:
        text = _(
            "imported {added} attempts ({completed} completed, {duplicate} already here),"
            " {trainees} new trainees, {assessments} new assessments"
        )
        print(text.format(**counts))
    return 0


def handle_backup(args: argparse.Namespace) -> int:
    from sim.records.exchange import backup

    with open_store(quick_check=False) as store:  # reads only
        instructor_access(store, os.environ)
        out = backup(store, args.out)
    print(_("backed up {database} to {file}").format(database=store.path, file=out))
    return 0
