"""Scoring: turn an attempt's event log into criterion scores with plain-language feedback.

Pure Python (no pygame).  ``score_attempt(attempt)`` and ``score_events(events, scenario)``
return the JSON the headless runner prints under ``score`` (and the records store keeps):
``{total, passed, minimum_passing, criteria: [{id, score, max, feedback, assessed, parts}],
critical_errors, critical_feedback}``.  ``evaluate(events, scenario)`` returns the same as a
``Score`` object.  docs/scoring.md documents the rubric and its sources.
"""

from sim.scoring.metrics import AttemptMetrics, read_metrics
from sim.scoring.result import CriterionScore, Judgement, Score
from sim.scoring.rubric import evaluate, score_attempt, score_events, score_metrics
from sim.vocabulary.technique import Thresholds

__all__ = [
    "AttemptMetrics",
    "CriterionScore",
    "Judgement",
    "Score",
    "Thresholds",
    "evaluate",
    "read_metrics",
    "score_attempt",
    "score_events",
    "score_metrics",
]
