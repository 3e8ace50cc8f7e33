"""``report``: an HTML report for one trainee or one cohort (instructor)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sim.errors import InputError
from sim.i18n import _
from sim.records.access import instructor_access


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help=_("HTML report with charts for a trainee or a cohort"))
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--trainee", metavar="ID", help=_("one trainee's attempts"))
    who.add_argument("--cohort", metavar="NAME", help=_("every trainee in a cohort"))
    p.add_argument("--out", required=True, metavar="FILE.html", help=_("the HTML file to write"))
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from sim.cli.records_cmd import open_store
    from sim.report import build_report

    with open_store(quick_check=False) as store:  # reads only
        instructor_access(store, os.environ)
        html = build_report(
            store, generated=store.clock(), trainee=args.trainee, cohort=args.cohort
        )
    try:
        Path(args.out).write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            _("cannot write report: {error}").format(error=exc), path=args.out
        ) from None
    print(_("wrote {file}").format(file=args.out))
    return 0
