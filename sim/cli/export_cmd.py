"""``export``: xAPI statements for an attempt, and flushing the queue to the configured LRS."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from sim.cli import JSON_HELP
from sim.errors import InputError
from sim.i18n import N_, _, ngettext
from sim.records.access import instructor_access

NO_LRS = N_("no LRS configured (MARROWSIM_LRS_ENDPOINT or xapi.toml)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help=_("xAPI export and delivery to a Learning Record Store"))
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    x = s.add_parser("xapi", help=_("an attempt as xAPI 1.0.3 statements (JSON array)"))
    x.add_argument("--attempt", required=True, metavar="ID", help=_("attempt id"))
    x.add_argument("--out", required=True, metavar="FILE", help=_("output file ('-': stdout)"))
    x.add_argument("--send", action="store_true", help=_("also queue them for the LRS and flush"))
    x.set_defaults(handler=handle_xapi)
    f = s.add_parser("flush", help=_("send queued statements; exit 1 if some remain queued"))
    f.set_defaults(handler=handle_flush)
    q = s.add_parser("status", help=_("statements queued, sent and rejected, and the last error"))
    q.add_argument("--json", action="store_true", help=_(JSON_HELP))
    q.set_defaults(handler=handle_status)
    r = s.add_parser("requeue", help=_("put the statements the LRS rejected back in the queue"))
    r.set_defaults(handler=handle_requeue)


def _store():
    from sim.cli.records_cmd import open_store

    return open_store()


def _config(store):
    from sim.xapi import load_config

    return load_config(store.path.parent, os.environ)


def handle_xapi(args: argparse.Namespace) -> int:
    from sim.xapi import queue_attempt, statements_for

    with _store() as store:
        instructor_access(store, os.environ)
        config = _config(store)
        statements = statements_for(store, args.attempt, config)
        text = json.dumps(statements, indent=1, sort_keys=True) + "\n"
        if args.out == "-":
            print(text, end="")
        else:
            try:
                Path(args.out).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise InputError(
                    _("cannot write: {error}").format(error=exc), path=args.out
                ) from None
            n = len(statements)
            print(
                ngettext(
                    "wrote {n} statement to {file}", "wrote {n} statements to {file}", n
                ).format(n=n, file=args.out)
            )
        if args.send:
            if not config.configured:
                raise InputError(_(NO_LRS))
            if store.attempt(args.attempt)["status"] == "incomplete":
                raise InputError(_("an incomplete attempt is not sent to the LRS"))
            report = queue_attempt(store, args.attempt, config)
            print(f"xAPI: {report}")
            return 1 if report and report.remaining else 0
    return 0


def handle_flush(args: argparse.Namespace) -> int:
    from sim.xapi import flush

    with _store() as store:
        config = _config(store)
        if not config.configured:
            raise InputError(_(NO_LRS))
        report = flush(store, config)
    print(f"xAPI: {report}")
    return 1 if report.remaining else 0


def handle_status(args: argparse.Namespace) -> int:
    from sim.xapi import counts, last_error

    with _store() as store:
        c = counts(store)
        error = last_error(store)
        config = _config(store)
    if getattr(args, "json", False):
        out = dict(c, configured=config.configured, endpoint=config.endpoint)
        out["last_error"] = {"at": error[0], "error": error[1]} if error else None
        print(json.dumps(out, sort_keys=True))
        return 0
    where = _("LRS {endpoint}") if config.configured else _("LRS not configured")
    status = _("xAPI queue: {queued} queued, {sent} sent, {rejected} rejected ({where})")
    print(status.format(**c, where=where.format(endpoint=config.endpoint)))
    if error:
        print(_("last error ({at}): {error}").format(at=error[0], error=error[1]))
    if c["rejected"]:
        print(_("`python -m sim export requeue` puts the rejected statements back in the queue"))
    return 0


def handle_requeue(args: argparse.Namespace) -> int:
    from sim.xapi import requeue

    with _store() as store:
        instructor_access(store, os.environ)
        n = requeue(store)
    print(_("xAPI: {n} rejected statement(s) back in the queue").format(n=n))
    return 0
