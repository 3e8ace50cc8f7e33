"""The numbers behind a report: one trainee's or one cohort's finished attempts, summarised.

Everything here is plain Python and numpy over stored results (scores, criteria, the pull
pulls kept with each attempt); nothing is replayed, so a cohort report stays fast.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.i18n import _


def pct(row: dict) -> float | None:
    """An attempt's score as a percentage (None when unscored)."""
    if row.get("score_total") is None:
        return None
    return 100.0 * row["score_total"] / (row.get("score_max") or 100.0)


@dataclass
class ReportData:
    """What the charts and tables of one report need."""

    title: str
    scope: str  # "trainee" or "cohort"
    name: str
    trainees: list[dict]
    attempts: list[dict]  # finished attempts, oldest first
    incomplete: int
    series: dict[str, list[tuple[int, float, bool | None]]] = field(default_factory=dict)
    criteria: dict[str, list[float]] = field(default_factory=dict)
    pull_ml: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pull_tnc_per_ml: np.ndarray = field(default_factory=lambda: np.zeros(0))
    dose_per_kg: np.ndarray = field(default_factory=lambda: np.zeros(0))
    collected_ml: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pass_rates: list[dict] = field(default_factory=list)
    critical: dict[str, int] = field(default_factory=dict)
    minimum_passing: float | None = None
    rows: list[dict] = field(default_factory=list)  # every attempt, incomplete ones too

    @property
    def scored(self) -> list[dict]:
        """The attempts that have a score."""
        return [a for a in self.attempts if a.get("score_total") is not None]

    def overview(self) -> dict[str, Any]:
        """The summary table: counts, mean score, pass rate."""
        scores = [pct(a) for a in self.scored]
        judged = [a for a in self.attempts if a.get("passed") is not None]
        return {
            "trainees": len(self.trainees),
            "attempts": len(self.attempts),
            "incomplete": self.incomplete,
            "mean_score": round(float(np.mean(scores)), 1) if scores else None,
            "pass_rate": round(100.0 * sum(a["passed"] for a in judged) / len(judged), 1)
            if judged
            else None,
            "critical_attempts": sum(1 for a in self.attempts if a.get("critical_errors")),
            "pulls": int(self.pull_ml.size),
        }


def _collect(data: ReportData, pulls: np.ndarray) -> None:
    """Fill the per-chart fields from ``data.attempts`` and the (mL, TNC/mL) pulls."""
    counters: dict[str, int] = defaultdict(int)
    passes: dict[tuple[str, bool, str], list[int]] = defaultdict(lambda: [0, 0])
    minimums = []
    for a in data.attempts:
        tid = a["trainee_id"]
        counters[tid] += 1
        score = pct(a)
        if score is not None:
            data.series.setdefault(tid, []).append((counters[tid], score, a.get("passed")))
        if a.get("minimum_passing") is not None:
            minimums.append(a["minimum_passing"])
        for c in a.get("criteria") or []:
            if c.get("max"):
                data.criteria.setdefault(c["id"], []).append(100.0 * c["score"] / c["max"])
        if a.get("passed") is not None:
            key = (a["scenario_id"], a.get("length") == "skills_lab", a["mode"])
            passes[key][0] += int(bool(a["passed"]))
            passes[key][1] += 1
        for code in a.get("critical_errors") or []:
            data.critical[code] = data.critical.get(code, 0) + 1
    metrics = [a.get("metrics") or {} for a in data.attempts]
    data.dose_per_kg = np.array([m.get("tnc_per_kg_recipient", 0) / 1e8 for m in metrics])
    data.collected_ml = np.array([m.get("collected_ml", 0.0) for m in metrics])
    data.pull_ml = pulls[:, 0]
    data.pull_tnc_per_ml = pulls[:, 1] / 1e6
    data.pass_rates = [
        {
            "scenario": s,
            "skills_lab": lab,  # shown as "(skills-lab length)" in the report's language
            "mode": m,
            "passed": p,
            "judged": n,
            "rate": round(100.0 * p / n, 1),
        }
        for (s, lab, m), (p, n) in sorted(passes.items())
    ]
    data.minimum_passing = float(np.median(minimums)) if minimums else None


def trainee_report_data(store: Any, trainee_id: str) -> ReportData:
    """One trainee's finished attempts."""
    trainee = store.trainee(trainee_id)
    rows = store.attempts(trainee_id=trainee_id)
    finished = [r for r in rows if r["status"] != "incomplete"]
    label = trainee["name"] or trainee_id
    data = ReportData(
        title=_("Trainee report: {name}").format(name=label),
        scope="trainee",
        name=trainee_id,
        trainees=[trainee],
        attempts=finished,
        incomplete=len(rows) - len(finished),
    )
    _collect(data, store.pulls(trainee_id=trainee_id))
    return data


def cohort_report_data(store: Any, cohort: str) -> ReportData:
    """Every trainee in a cohort and their finished attempts."""
    trainees = store.trainees(cohort)
    if not trainees:
        known = ", ".join(store.cohorts()) or _("none yet")
        message = _("no trainees in cohort {cohort!r} (cohorts: {known})")
        raise InputError(message.format(cohort=cohort, known=known), field="cohort")
    rows = store.attempts(cohort=cohort)
    finished = [r for r in rows if r["status"] != "incomplete"]
    data = ReportData(
        title=_("Cohort report: {cohort}").format(cohort=cohort),
        scope="cohort",
        name=cohort,
        trainees=trainees,
        attempts=finished,
        incomplete=len(rows) - len(finished),
        rows=rows,
    )
    _collect(data, store.pulls(cohort=cohort))
    return data
