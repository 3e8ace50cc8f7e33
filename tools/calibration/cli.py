"""Command line of the calibration generator: write or check the generated docs.

``python -m tools.calibration --out docs/calibration.md --model-doc docs/model.md`` writes both
pages; with ``--check`` it writes nothing and exits 1 if either is out of date.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tools.calibration.model_doc import update_model_doc
from tools.calibration.page import calibrate, render_calibration
from tools.calibration.table import REGENERATE


def summary_lines(cal) -> list[str]:
    """What ``make calibration`` prints: predicted and fitted rows apart."""
    lines = []
    for title, rows in (("predicted (validation)", cal.predicted), ("fitted", cal.fitted)):
        ok = sum(r.ok for r in rows)
        lines.append(f"calibration: {title}: {ok} of {len(rows)} within tolerance")
        for r in rows:
            lines.append(
                f"  {'ok ' if r.ok else 'OFF'} {r.key}: model {r.model}; literature "
                f"{r.literature} ({r.tolerance})"
            )
    return lines


def main(argv: Sequence[str] | None = None, *, out: Callable[[str], Any] = print) -> int:
    """Command line: write or check docs/calibration.md and the tables of docs/model.md."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.calibration",
        description="Generate docs/calibration.md and the parameter tables of docs/model.md.",
    )
    parser.add_argument("--out", metavar="MD", help="write the calibration table here")
    parser.add_argument(
        "--model-doc", metavar="MD", help="refresh the generated parameter tables in this file"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a file is out of date"
    )
    args = parser.parse_args(argv)
    stale = []
    cal = calibrate()
    text = render_calibration(cal)
    if args.out:
        path = Path(args.out)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(str(path))
            if not args.check:
                path.write_text(text, encoding="utf-8")
    elif not args.model_doc:
        out(text)
    if args.model_doc:
        path = Path(args.model_doc)
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        updated = update_model_doc(current)
        if updated != current:
            stale.append(str(path))
            if not args.check:
                path.write_text(updated, encoding="utf-8")
    if args.out or args.model_doc:
        for line in summary_lines(cal):
            out(line)
    for r in cal.off:
        print(
            f"calibration: OFF {r.key} ({r.fit}): model {r.model}, literature {r.literature}",
            file=sys.stderr,
        )
    if args.check and stale:
        print(f"calibration: out of date: {', '.join(stale)}; run {REGENERATE}", file=sys.stderr)
        return 1
    return 0
