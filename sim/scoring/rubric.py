"""The rubric engine: judge every criterion, weight by the scenario's rubric, decide pass/fail.

Points: each assessed criterion with a weight > 0 gets ``max = 100 * weight / sum(weights of
assessed criteria)``, and scores ``max * fraction``.  A criterion that does not apply to the
scenario (needle technique in a nursing scenario; procedure steps when none are required) gets
``max = 0`` and the others are renormalised, so a total is always out of 100.  The attempt
passes when the total reaches the rubric's ``minimum_passing``, no critical error listed in
the rubric happened, and no criterion found the clinical goal missed (a harvest stopped well
short of the cell dose): any of these fails the attempt whatever the points (the
mastery-learning convention, simulators-and-standards.md §6).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sim.i18n import N_
from sim.scenario.schema import CRITERIA, Scenario
from sim.scoring.context import ScoringContext
from sim.scoring.criteria import (
    aspiration,
    depth,
    safety,
    sites,
    steps,
    timing,
    trajectory,
    yield_dose,
)
from sim.scoring.metrics import AttemptMetrics, read_metrics
from sim.scoring.nursing import evaluate_nursing
from sim.scoring.result import CriterionScore, Judgement, Score
from sim.vocabulary.technique import Thresholds

Judge = Callable[[AttemptMetrics, ScoringContext], Judgement]
#: Said before the feedback of a criterion the scenario's rubric weighs at nothing.
NOT_COUNTED = N_("Not counted: this scenario's rubric gives it no weight.")
PHRASES = (NOT_COUNTED,)


#: The module that judges each criterion id in ``CRITERIA`` (its ``judge``, and the sentences
#: it says: ``PHRASES``, and ``TERMS`` where it has words to put into them).
CRITERION_MODULES = {
    "site_selection": sites,
    "trajectory": trajectory,
    "depth_control": depth,
    "aspiration_technique": aspiration,
    "yield": yield_dose,
    "safety_limits": safety,
    "timing": timing,
    "procedure_steps": steps,
}


def judges() -> dict[str, Judge]:
    """The judge for each criterion id in ``CRITERIA``."""
    return {cid: module.judge for cid, module in CRITERION_MODULES.items()}


def score_metrics(m: AttemptMetrics, ctx: ScoringContext) -> Score:
    """Weight the criteria's judgements into a Score."""
    found = {cid: judge(m, ctx) for cid, judge in judges().items()}
    active = {
        cid: ctx.weights.get(cid, 0.0)
        for cid in CRITERIA
        if found[cid].assessed and ctx.weights.get(cid, 0.0) > 0
    }
    total_weight = sum(active.values())
    criteria = []
    for cid in CRITERIA:
        j = found[cid]
        if cid in active:
            top = 100.0 * active[cid] / total_weight
            feedback = " ".join(j.feedback)
        else:
            top = 0.0
            feedback = (
                " ".join(j.feedback) if not j.assessed else " ".join([NOT_COUNTED, *j.feedback])
            )
        criteria.append(
            CriterionScore(
                id=cid,
                score=round(top * min(1.0, max(0.0, j.fraction)), 1),
                max=round(top, 1),
                feedback=feedback,
                assessed=cid in active,
                parts={k: round(v, 3) for k, v in j.parts.items()},
            )
        )
    total = round(min(100.0, max(0.0, sum(c.score for c in criteria))), 1)
    critical = [code for code in m.critical_codes if code in ctx.critical_errors]
    critical_feedback = [
        safety.describe_critical(events)
        for code, events in safety.by_code(m.critical).items()
        if code in ctx.critical_errors
    ]
    failed_conditions = [
        found[cid].fails_attempt for cid in CRITERIA if found[cid].fails_attempt and cid in active
    ]
    return Score(
        total=total,
        passed=total >= ctx.minimum_passing and not critical and not failed_conditions,
        minimum_passing=ctx.minimum_passing,
        criteria=criteria,
        critical_errors=critical,
        critical_feedback=critical_feedback,
        failed_conditions=failed_conditions,
    )


def evaluate(
    events: Iterable[Mapping[str, Any]],
    scenario: Scenario,
    *,
    thresholds: Thresholds | None = None,
) -> Score:
    """Score an event log (``Simulation.events`` or a result's ``events``) for a scenario."""
    if scenario.kind == "nursing":  # the nurse's rubric (issue 11): no harvest criteria
        return evaluate_nursing(events, scenario, thresholds)
    ctx = ScoringContext.from_scenario(scenario, thresholds)
    return score_metrics(read_metrics(events, ctx.thresholds), ctx)


def score_events(
    events: Iterable[Mapping[str, Any]],
    scenario: Scenario,
    *,
    thresholds: Thresholds | None = None,
) -> dict[str, Any]:
    """The score of an event log as JSON: ``{total, passed, minimum_passing, criteria,
    critical_errors, ...}`` (``evaluate(...).to_dict()``)."""
    return evaluate(events, scenario, thresholds=thresholds).to_dict()


def score_attempt(attempt: Any, *, thresholds: Thresholds | None = None) -> dict[str, Any]:
    """The score of an ``Attempt`` (live or finished) as JSON, from its scenario and events."""
    return score_events(attempt.sim.events, attempt.scenario, thresholds=thresholds)
