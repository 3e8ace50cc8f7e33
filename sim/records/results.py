"""What is stored about a finished attempt besides its commands: outcome and a pull summary.

The summary (one entry per bone penetration, each pull with its volume and yield) is what the
reports and the xAPI statements need; it is derived from the event log once, when the attempt
is finished, so a cohort report never has to replay thousands of attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.vocabulary.events import PENETRATION_FLAG_EVENTS

#: Events attributed to the penetration in progress (listed in the summary as flags).
FLAG_EVENTS = PENETRATION_FLAG_EVENTS


def summarize(events: list[dict]) -> dict[str, Any]:
    """Penetrations and pulls from an event log.

    ``penetrations``: ``{n, site, landmark, t_s, depth_mm, pulls, flags}`` where each pull is
    ``[ml, tnc, marrow_ml, depth_mm, t_s]``.  ``other_pulls``: pulls outside a penetration
    (blood from soft tissue) in the same form; ``dry_taps``: pull volumes that gave nothing.
    """
    landmarks: dict[int, str] = {}
    pens: dict[int, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    other: list[list[float]] = []
    dry: list[float] = []
    for ev in events:
        kind = ev["type"]
        if kind == "site_marked":
            landmarks[ev["site"]] = ev["landmark"]
        elif kind == "loss_of_resistance":
            n = ev.get("penetration") or 0
            if n not in pens:
                pens[n] = {
                    "n": n,
                    "site": ev.get("site"),
                    "landmark": landmarks.get(ev.get("site"), "unknown"),
                    "t_s": ev["t_s"],
                    "depth_mm": ev.get("depth_mm"),
                    "pulls": [],
                    "flags": [],
                }
            current = pens[n]
        elif kind == "aspirated":
            pull = [ev["ml"], ev["tnc"], ev["marrow_ml"], ev.get("depth_mm"), ev["t_s"]]
            target = pens.get(ev.get("penetration") or 0)
            if target is not None and ev.get("tissue") == "marrow":
                target["pulls"].append(pull)
            else:
                other.append(pull)
        elif kind in FLAG_EVENTS:
            if kind == "dry_tap":
                dry.append(ev["ml"])
            if current is not None and kind not in current["flags"]:
                current["flags"].append(kind)
        elif kind in ("withdrawn_from_bone", "needle_removed", "bone_exited"):
            current = None
    return {
        "penetrations": [pens[k] for k in sorted(pens)],
        "other_pulls": other,
        "dry_taps": dry,
    }


def pulls_blob(summary: dict[str, Any]) -> bytes:
    """Every pull as float64 pairs (mL, TNC per mL; 0 for a dry tap), little-endian.

    Stored beside the summary so a cohort report loads 100,000s of pulls with one query and
    ``numpy.frombuffer`` instead of parsing every summary.
    """
    pairs = [
        (p[0], p[1] / p[0] if p[0] else 0.0)
        for pulls in [pen["pulls"] for pen in summary["penetrations"]] + [summary["other_pulls"]]
        for p in pulls
    ]
    pairs += [(ml, 0.0) for ml in summary["dry_taps"]]
    return np.asarray(pairs, dtype="<f8").reshape(-1, 2).tobytes()


def pulls_array(blob: bytes | None) -> np.ndarray:
    """The (n, 2) array of a stored pulls blob (mL, TNC per mL)."""
    return np.frombuffer(blob or b"", dtype="<f8").reshape(-1, 2)


@dataclass(frozen=True)
class Outcome:
    """The stored result: score fields and pass/fail under the applicable standard."""

    total: float | None
    maximum: float | None
    minimum_passing: float | None
    passed: bool | None
    criteria: list[dict]
    critical_errors: list[str]


def outcome(score: dict | None, metrics: dict, passing: float | None = None) -> Outcome:
    """Combine a ``score_attempt`` result with an assessment's passing standard (percent).

    Without a score (scoring unavailable) the pass/fail is unknown (None).  Under an assessment
    the instructor's standard replaces the scenario's; a critical error always fails.
    """
    critical = list(metrics.get("critical_errors", []))
    if score is None:
        return Outcome(None, None, passing, None, [], critical)
    criteria = list(score.get("criteria", []))
    critical = list(score.get("critical_errors", critical))
    total = float(score["total"])
    maximum = float(score.get("max", 100.0))  # sim.scoring totals are out of 100
    if passing is None:
        minimum = score.get("minimum_passing")
        passed = bool(score.get("passed"))
    else:
        minimum = passing
        passed = 100.0 * total / maximum >= passing and not critical
    return Outcome(
        total,
        maximum,
        None if minimum is None else float(minimum),
        passed,
        criteria,
        critical,
    )
