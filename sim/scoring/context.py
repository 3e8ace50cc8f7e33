"""What the rubric needs to know about the scenario, resolved once into plain numbers."""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario.schema import Scenario
from sim.vocabulary.technique import Thresholds


@dataclass(frozen=True)
class ScoringContext:
    """Scenario targets and limits, the rubric and the thresholds used to judge an attempt."""

    kind: str
    sites_min: int
    sites_max: int
    target_volume_ml: float
    target_tnc_per_kg: float
    target_cd34_per_kg: float | None
    recipient_kg: float
    donor_kg: float
    donor_limit_ml: float
    donor_limit_ml_per_kg: float
    par_s: float
    limit_s: float
    steps: tuple[str, ...]
    weights: dict[str, float]
    minimum_passing: float
    critical_errors: tuple[str, ...]
    marrow_richness: float
    thresholds: Thresholds
    #: Nursing scenarios: skin sites the harvest left (Steri-Strips to apply).
    handover_skin_sites: int | None = None
    #: Discharge-teaching items and recovery-observation checks the scenario requires.
    teaching_items: tuple[str, ...] = ()
    observation_checks: tuple[str, ...] = ()
    #: Whether any scripted event requires a response.
    responses_expected: bool = False

    @classmethod
    def from_scenario(
        cls, scenario: Scenario, thresholds: Thresholds | None = None
    ) -> ScoringContext:
        t = scenario.targets
        handover = getattr(scenario, "handover", None)
        care = getattr(scenario, "care", None)
        return cls(
            kind=scenario.kind,
            sites_min=scenario.sites.min,
            sites_max=scenario.sites.max,
            target_volume_ml=scenario.target_volume_ml,
            target_tnc_per_kg=t.tnc_per_kg_recipient,
            target_cd34_per_kg=t.cd34_per_kg_recipient,
            recipient_kg=scenario.recipient.weight_kg,
            donor_kg=scenario.donor.weight_kg,
            donor_limit_ml=scenario.donor_limit_ml,
            donor_limit_ml_per_kg=t.donor_limit_ml_per_kg,
            par_s=scenario.time.par_s,
            limit_s=scenario.time.limit_s,
            steps=tuple(scenario.steps),
            weights=dict(scenario.rubric.weights),
            minimum_passing=scenario.rubric.minimum_passing,
            critical_errors=tuple(scenario.rubric.critical_errors),
            marrow_richness=scenario.donor.to_donor().marrow_richness,
            thresholds=thresholds or Thresholds(),
            handover_skin_sites=handover.skin_sites if handover is not None else None,
            teaching_items=tuple(getattr(care, "teaching", ()) or ()),
            observation_checks=tuple(getattr(care, "observations", ()) or ()),
            responses_expected=any(bool(e.require) for e in scenario.events),
        )

    @property
    def needle_work(self) -> bool:
        """Whether the scenario asks for a harvest (False for nursing-only scenarios)."""
        return self.kind != "nursing"

    @property
    def target_tnc(self) -> float:
        return self.target_tnc_per_kg * self.recipient_kg

    @property
    def reference_tnc_per_ml(self) -> float:
        """The harvest quality expected from this donor's marrow with good technique."""
        return self.thresholds.reference_tnc_per_ml * self.marrow_richness
