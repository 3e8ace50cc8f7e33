"""Score types: a criterion's judgement, its weighted score, and the whole attempt's score."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Judgement:
    """What one criterion found, before weighting: a fraction 0..1 and the reasons, in words.

    ``assessed`` is False when the criterion does not apply to the scenario (e.g. needle
    technique in a nursing scenario); it then carries no points and the others are renormalised.
    ``parts`` holds the sub-scores (0..1) the fraction was made of, for tests and the debrief.
    """

    fraction: float
    feedback: list[str]
    assessed: bool = True
    parts: dict[str, float] = field(default_factory=dict)
    #: A reason this attempt cannot pass whatever its points (the clinical goal was not met).
    fails_attempt: str | None = None

    @classmethod
    def not_assessed(cls, reason: str) -> Judgement:
        return cls(0.0, [reason], assessed=False)


@dataclass(frozen=True)
class CriterionScore:
    id: str
    score: float
    max: float
    feedback: str
    assessed: bool
    parts: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.score,
            "max": self.max,
            "feedback": self.feedback,
            "assessed": self.assessed,
            "parts": self.parts,
        }


@dataclass(frozen=True)
class Score:
    """The scored attempt: total 0-100, pass/fail and per-criterion feedback."""

    total: float
    passed: bool
    minimum_passing: float
    criteria: list[CriterionScore]
    critical_errors: list[str]
    critical_feedback: list[str]
    #: Reasons the attempt failed apart from points and critical errors (e.g. the dose missed).
    failed_conditions: list[str] = field(default_factory=list)

    def criterion(self, criterion_id: str) -> CriterionScore:
        return next(c for c in self.criteria if c.id == criterion_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "passed": self.passed,
            "minimum_passing": self.minimum_passing,
            "criteria": [c.to_dict() for c in self.criteria],
            "critical_errors": list(self.critical_errors),
            "critical_feedback": list(self.critical_feedback),
            "failed_conditions": list(self.failed_conditions),
        }
