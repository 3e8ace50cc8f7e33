"""The scenario schema: what an instructor can set in a scenario file, validated with pydantic.

``python -m sim scenarios schema`` publishes it as JSON Schema, so editors can check files as
they are typed.  Derived values (absolute target volume, seconds) are computed here, once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.donor import Donor

CRITICAL_CODES = (
    "inner_table_breach",
    "si_joint_entry",
    "sciatic_notch_zone",
    "donor_volume_limit_exceeded",
    "missed_required_response",
)
PROCEDURE_STEPS = (
    "time_out",
    "heparinise_syringes",
    "cell_count",
    "stop_criteria",
    "pressure_dressing",
    "steri_strips",
    "recovery_observations",
    "discharge_teaching",
)
RESPONSES = ("pause_harvest", "request_cell_count", "notify_anesthesia", "stop_harvest")
CRITERIA = (
    "site_selection",
    "trajectory",
    "depth_control",
    "aspiration_technique",
    "yield",
    "safety_limits",
    "timing",
    "procedure_steps",
)

Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DonorSpec(_Model):
    """The donor.  Give ``height_cm`` or ``bmi`` (height is then derived from weight and BMI)."""

    sex: Literal["female", "male"]
    age_years: Annotated[float, Field(ge=1, le=90, allow_inf_nan=False)]
    weight_kg: Annotated[float, Field(ge=8, le=250, allow_inf_nan=False)]
    height_cm: Annotated[float, Field(ge=70, le=230, allow_inf_nan=False)] | None = None
    bmi: Annotated[float, Field(ge=10, le=70, allow_inf_nan=False)] | None = None
    variation: Literal[
        "none", "obese", "paediatric", "thin_cortex", "low_cellularity", "dry_tap_zone"
    ] = "none"
    cellularity: Annotated[float, Field(gt=0, le=3, allow_inf_nan=False)] = 1.0
    cortex: Annotated[float, Field(gt=0, le=3, allow_inf_nan=False)] = 1.0
    wbc_per_ml: Annotated[float, Field(ge=1e6, le=5e7, allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _height_or_bmi(self) -> DonorSpec:
        if (self.height_cm is None) == (self.bmi is None):
            raise ValueError("give exactly one of height_cm or bmi")
        return self

    @property
    def resolved_height_cm(self) -> float:
        if self.height_cm is not None:
            return self.height_cm
        return 100.0 * (self.weight_kg / self.bmi) ** 0.5  # type: ignore[operator]

    def to_donor(self) -> Donor:
        return Donor(
            sex=self.sex,
            age_years=self.age_years,
            weight_kg=self.weight_kg,
            height_cm=self.resolved_height_cm,
            cellularity=self.cellularity,
            cortex=self.cortex,
            wbc_per_ml=self.wbc_per_ml,
        )


class RecipientSpec(_Model):
    weight_kg: Annotated[float, Field(ge=2, le=250, allow_inf_nan=False)]


class Targets(_Model):
    """Collection targets.  Give ``volume_ml`` or ``volume_ml_per_kg_recipient``."""

    volume_ml: Positive | None = None
    volume_ml_per_kg_recipient: Annotated[float, Field(gt=0, le=40, allow_inf_nan=False)] | None = (
        None
    )
    tnc_per_kg_recipient: Annotated[float, Field(gt=0, le=2e9, allow_inf_nan=False)] = 3.0e8
    cd34_per_kg_recipient: Annotated[float, Field(gt=0, le=1e8, allow_inf_nan=False)] | None = None
    donor_limit_ml_per_kg: Annotated[float, Field(gt=0, le=30, allow_inf_nan=False)] = 20.0

    @model_validator(mode="after")
    def _one_volume(self) -> Targets:
        if (self.volume_ml is None) == (self.volume_ml_per_kg_recipient is None):
            raise ValueError("give exactly one of volume_ml or volume_ml_per_kg_recipient")
        return self


class TimeSpec(_Model):
    par_s: Positive
    limit_s: Positive

    @model_validator(mode="after")
    def _par_within_limit(self) -> TimeSpec:
        if self.par_s > self.limit_s:
            raise ValueError(f"par_s ({self.par_s:g}) is over limit_s ({self.limit_s:g})")
        return self


class SitesSpec(_Model):
    """How many skin sites are allowed (2-4 by default, clinical.md §1)."""

    min: Annotated[int, Field(ge=1, le=4)] = 2
    max: Annotated[int, Field(ge=1, le=4)] = 4

    @model_validator(mode="after")
    def _order(self) -> SitesSpec:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is over max ({self.max})")
        return self


class Rubric(_Model):
    """Criterion weights (points), the minimum passing standard and the critical errors."""

    weights: dict[Literal[CRITERIA], Annotated[float, Field(ge=0, le=100)]] = Field(
        default_factory=lambda: {
            "site_selection": 10,
            "trajectory": 15,
            "depth_control": 15,
            "aspiration_technique": 20,
            "yield": 15,
            "safety_limits": 10,
            "timing": 10,
            "procedure_steps": 5,
        }
    )
    minimum_passing: Annotated[float, Field(ge=0, le=100)] = 80.0
    critical_errors: list[Literal[CRITICAL_CODES]] = Field(
        default_factory=lambda: list(CRITICAL_CODES)
    )

    @model_validator(mode="after")
    def _weights(self) -> Rubric:
        if sum(self.weights.values()) <= 0:
            raise ValueError("the criterion weights must add up to more than 0")
        return self


class Trigger(_Model):
    """When a scripted event fires: give exactly one condition."""

    at_s: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    collected_ml: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    on_event: str | None = None
    metric: str | None = None
    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        kinds = [
            self.at_s is not None,
            self.collected_ml is not None,
            self.on_event is not None,
            self.metric is not None,
        ]
        if sum(kinds) != 1:
            raise ValueError("give exactly one of at_s, collected_ml, on_event or metric")
        if self.metric is not None and (self.above is None) == (self.below is None):
            raise ValueError("a metric trigger needs exactly one of above or below")
        return self


class Requirement(_Model):
    """A response the trainee must make, and how long they have."""

    response: Literal[RESPONSES]
    within_s: Positive


class ScriptedEvent(_Model):
    id: Annotated[str, Field(min_length=1, max_length=64)]
    trigger: Trigger
    message: Annotated[str, Field(min_length=1)]
    donor_state: dict[str, float | str] = Field(default_factory=dict)
    require: Requirement | None = None
    yield_factor: Annotated[float, Field(gt=0, le=2, allow_inf_nan=False)] | None = None


class Scenario(_Model):
    """One training scenario."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]
    title: Annotated[str, Field(min_length=1, max_length=120)]
    version: Annotated[int, Field(ge=1)]
    difficulty: Literal["introductory", "core", "advanced"]
    kind: Literal["harvest", "nursing"] = "harvest"
    objectives: Annotated[list[str], Field(min_length=1)]
    briefing: Annotated[str, Field(min_length=1)]
    sources: list[str] = Field(default_factory=list)
    donor: DonorSpec
    recipient: RecipientSpec
    targets: Targets
    time: TimeSpec
    sites: SitesSpec = SitesSpec()
    steps: list[Literal[PROCEDURE_STEPS]] = Field(default_factory=list)
    rubric: Rubric = Rubric()
    events: list[ScriptedEvent] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        ids = [e.id for e in self.events]
        if len(ids) != len(set(ids)):
            raise ValueError("scripted event ids must be unique")
        return self

    @property
    def target_volume_ml(self) -> float:
        if self.targets.volume_ml is not None:
            return self.targets.volume_ml
        return self.targets.volume_ml_per_kg_recipient * self.recipient.weight_kg  # type: ignore[operator]

    @property
    def donor_limit_ml(self) -> float:
        return self.targets.donor_limit_ml_per_kg * self.donor.weight_kg

    def resolved(self) -> dict:
        """The scenario as JSON, with derived values filled in."""
        data = self.model_dump(mode="json")
        data["donor"]["height_cm"] = round(self.donor.resolved_height_cm, 3)
        donor = self.donor.to_donor()
        data["donor"]["bmi"] = round(donor.bmi, 3)
        data["donor"]["soft_tissue_mm"] = round(donor.soft_tissue_mm, 3)
        data["donor"]["limit_ml"] = round(self.donor_limit_ml, 3)
        data["targets"]["volume_ml"] = round(self.target_volume_ml, 3)
        data["targets"]["tnc_total"] = round(
            self.targets.tnc_per_kg_recipient * self.recipient.weight_kg
        )
        return data
