"""The scenario schema: what an instructor can set in a scenario file, validated with pydantic.

``python -m sim scenarios schema`` publishes it as JSON Schema, so editors can check files as
they are typed.  Derived values (absolute target volume, seconds) are computed here, once.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sim.vocabulary.commands import OBSERVATION_CHECKS, TEACHING_ITEMS
from sim.vocabulary.events import CRITICAL_EVENTS, EVENT_TYPES
from sim.vocabulary.technique import Thresholds

if TYPE_CHECKING:  # imported where used: the scenario files validate without numpy
    from sim.model.donor import Donor
    from sim.model.marrow import DryTapZone

PROCEDURE_STEPS = (
    "time_out",
    "skin_prep",
    "local_anaesthetic",
    "heparin_iv",
    "heparinise_syringes",
    "acd_in_bag",
    "cell_count",
    "stop_criteria",
    "filter_product",
    "sample_and_label",
    "product_disposition",
    "sharps_count",
    "pressure_dressing",
    "steri_strips",
    "recovery_observations",
    "discharge_teaching",
)
#: Steps that only make sense while marrow is being collected (not in nursing scenarios).
HARVEST_STEPS = (
    "skin_prep",
    "local_anaesthetic",
    "heparin_iv",
    "heparinise_syringes",
    "acd_in_bag",
    "cell_count",
    "stop_criteria",
    "filter_product",
    "sample_and_label",
    "product_disposition",
    "sharps_count",
)
RESPONSES = (
    "pause_harvest",
    "resume_harvest",
    "request_cell_count",
    "notify_anesthesia",
    "stop_harvest",
    "give_fluids",
    "transfuse",
    "justify_continuing",
)
#: Responses about the collection itself (not in nursing scenarios).
HARVEST_RESPONSES = (
    "pause_harvest",
    "resume_harvest",
    "request_cell_count",
    "stop_harvest",
    "justify_continuing",
)
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
#: Metrics a trigger can watch: ``Simulation.metrics()`` plus what the engine derives.
METRICS = (
    "collected_ml",
    "tnc_total",
    "tnc_per_ml",
    "tnc_per_kg_recipient",
    "cd34_total",
    "cd34_per_kg_recipient",
    "marrow_ml",
    "skin_sites",
    "bone_penetrations",
    "aspirations",
    "max_pull_ml",
    "procedure_s",
    "donor_limit_ml",
    "collected_ml_per_kg_donor",
    "critical_error_count",
    "last_pull_ml",
    "last_pull_tnc_per_ml",
    "blood_volume_drawn_pct",
    "donor_hb_g_l",
    "fluids_ml",
    "units_transfused",
)
DONOR_STATE_METRIC = re.compile(r"^donor_state\.[a-z][a-z0-9_]*$")
STATE_KEY = r"^[a-z][a-z0-9_]*$"


class FieldError(ValueError):
    """A consistency error about one field; the loader adds ``field`` to the error's path."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
StateValue = float | str


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built on first use


class Vitals(_Model):
    """The donor's observations at the start (typical healthy adult values; gap: no source
    needed for normal ranges).  Scripted events change them; ``recovery_observations`` reads
    them back."""

    systolic_mmhg: Annotated[float, Field(ge=40, le=250, allow_inf_nan=False)] = 120.0
    diastolic_mmhg: Annotated[float, Field(ge=20, le=150, allow_inf_nan=False)] = 75.0
    heart_rate_bpm: Annotated[float, Field(ge=20, le=250, allow_inf_nan=False)] = 72.0
    spo2_pct: Annotated[float, Field(ge=50, le=100, allow_inf_nan=False)] = 98.0
    temperature_c: Annotated[float, Field(ge=33, le=42, allow_inf_nan=False)] = 36.8
    respiratory_rate_per_min: Annotated[float, Field(ge=4, le=60, allow_inf_nan=False)] = 14.0
    pain_score: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] = 0.0

    @model_validator(mode="after")
    def _pressures(self) -> Vitals:
        if self.diastolic_mmhg >= self.systolic_mmhg:
            raise FieldError(
                "diastolic_mmhg",
                f"diastolic_mmhg ({self.diastolic_mmhg:g}) must be under "
                f"systolic_mmhg ({self.systolic_mmhg:g})",
            )
        return self


class DonorSpec(_Model):
    """The donor.  Give ``height_cm`` or ``bmi`` (height is then derived from weight and BMI).

    ``variation`` names the anatomical variant the scenario teaches.  The numbers behind it come
    from the donor's measures (BMI sets the soft-tissue depth, age thins the cortex and lowers
    cellularity: sim/model/donor.py) and the ``cellularity`` / ``cortex`` multipliers.  Only
    ``dry_tap_zone`` adds a mechanism of its own: a poorly cellular zone of marrow,
    ``dry_tap_radius_mm`` around the first spot marrow is drawn from, holding
    ``dry_tap_cellularity`` of normal (sim/model/marrow.py ``DryTapZone``).
    """

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
    haematocrit: Annotated[float, Field(ge=0.2, le=0.6, allow_inf_nan=False)] | None = None
    #: Each seed draws its own donor (marrow cellularity, WBC, haematocrit: donor.toml);
    #: false gives the population's typical donor whatever the seed.
    draw: bool = True
    dry_tap_radius_mm: Annotated[float, Field(ge=5, le=80, allow_inf_nan=False)] | None = None
    dry_tap_cellularity: Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)] | None = None
    vitals: Vitals = Vitals()

    @model_validator(mode="after")
    def _consistent(self) -> DonorSpec:
        if (self.height_cm is None) == (self.bmi is None):
            raise ValueError("give exactly one of height_cm or bmi")
        for name in ("dry_tap_radius_mm", "dry_tap_cellularity"):
            if getattr(self, name) is not None and self.variation != "dry_tap_zone":
                raise FieldError(name, f'{name} only applies with variation = "dry_tap_zone"')
        return self

    @property
    def resolved_height_cm(self) -> float:
        if self.height_cm is not None:
            return self.height_cm
        return 100.0 * (self.weight_kg / self.bmi) ** 0.5  # type: ignore[operator]

    def to_donor(self) -> Donor:
        from sim.model.donor import Donor

        return Donor(
            sex=self.sex,
            age_years=self.age_years,
            weight_kg=self.weight_kg,
            height_cm=self.resolved_height_cm,
            cellularity=self.cellularity,
            cortex=self.cortex,
            wbc_per_ml=self.wbc_per_ml,
            haematocrit=self.haematocrit,
        )

    def dry_tap_zone(self) -> DryTapZone | None:
        """The poor zone of a ``dry_tap_zone`` donor (None for every other variation)."""
        if self.variation != "dry_tap_zone":
            return None
        from sim.model.marrow import DryTapZone

        zone = DryTapZone()
        return DryTapZone(
            radius_mm=self.dry_tap_radius_mm or zone.radius_mm,
            cellularity=(
                self.dry_tap_cellularity
                if self.dry_tap_cellularity is not None
                else zone.cellularity
            ),
        )


class RecipientSpec(_Model):
    """The recipient: the weight sets the targets; ``plan`` what becomes of the product (the
    transplant today, so infused fresh, or later, so frozen: the seed's 'same-day infusion or
    freezing')."""

    weight_kg: Annotated[float, Field(ge=2, le=250, allow_inf_nan=False)]
    plan: Literal["same_day_infusion", "cryopreserve"] = "same_day_infusion"


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
            raise FieldError("par_s", f"par_s ({self.par_s:g}) is over limit_s ({self.limit_s:g})")
        return self


class SitesSpec(_Model):
    """How many skin sites are allowed (2-4 by default, clinical.md §1)."""

    min: Annotated[int, Field(ge=1, le=4)] = 2
    max: Annotated[int, Field(ge=1, le=4)] = 4

    @model_validator(mode="after")
    def _order(self) -> SitesSpec:
        if self.min > self.max:
            raise FieldError("min", f"min ({self.min}) is over max ({self.max})")
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
    critical_errors: list[Literal[CRITICAL_EVENTS]] = Field(
        default_factory=lambda: list(CRITICAL_EVENTS)
    )

    @model_validator(mode="after")
    def _weights(self) -> Rubric:
        if sum(self.weights.values()) <= 0:
            raise FieldError("weights", "the criterion weights must add up to more than 0")
        return self


class Trigger(_Model):
    """When a scripted event fires: give exactly one condition.

    * ``at_s``: the simulated clock reaches this time;
    * ``collected_ml``: the bag holds at least this volume;
    * ``on_event``: a command caused an event of this type (``where`` narrows it: every field
      named there must be equal, e.g. ``{step = "recovery_observations"}``);
    * ``metric`` with ``above`` or ``below``: a metric (``METRICS``, or ``donor_state.<key>``)
      is beyond the threshold.  Metrics without a value yet (TNC/mL of an empty bag) wait.
    """

    at_s: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    collected_ml: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    on_event: Literal[EVENT_TYPES] | None = None
    where: dict[Annotated[str, Field(pattern=STATE_KEY)], float | bool | str] = Field(
        default_factory=dict
    )
    metric: str | None = None
    above: Annotated[float, Field(allow_inf_nan=False)] | None = None
    below: Annotated[float, Field(allow_inf_nan=False)] | None = None

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, value: str | None) -> str | None:
        if value is not None and value not in METRICS and not DONOR_STATE_METRIC.match(value):
            raise ValueError(
                f"unknown metric {value!r} (use donor_state.<key> or one of: {', '.join(METRICS)})"
            )
        return value

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
        if self.metric is None and (self.above is not None or self.below is not None):
            raise FieldError("above" if self.above is not None else "below", "needs a metric")
        if self.where and self.on_event is None:
            raise FieldError("where", "where only applies to an on_event trigger")
        return self

    @property
    def kind(self) -> str:
        for name in ("at_s", "collected_ml", "on_event", "metric"):
            if getattr(self, name) is not None:
                return name
        raise AssertionError("validated trigger has a kind")


class Requirement(_Model):
    """A response the trainee must make, and how long they have."""

    response: Literal[RESPONSES]
    within_s: Positive


class Effect(_Model):
    """What happens when the requirements of a scripted event are met, or missed."""

    message: Annotated[str, Field(min_length=1)] | None = None
    donor_state: dict[Annotated[str, Field(pattern=STATE_KEY)], StateValue] = Field(
        default_factory=dict
    )
    #: How long the effect takes before its state holds (e.g. the anaesthetist treating
    #: hypotension for 5 minutes); the procedure clock runs on by this much.
    takes_s: Annotated[float, Field(ge=0, le=3600, allow_inf_nan=False)] = 0.0
    #: A bolus the anaesthetist gives (into the model's circulation), and of what.
    fluids_ml: Annotated[float, Field(ge=0, le=2000, allow_inf_nan=False)] = 0.0
    fluid: Literal["crystalloid", "colloid"] = "crystalloid"
    #: Restart (true) or stop (false) the anaesthetist's replacement of the harvested volume.
    fluid_replacement: bool | None = None


class ScriptedEvent(_Model):
    """A scripted event: when ``trigger`` holds, show ``message``, change the donor's state,
    scale the marrow's cell content by ``yield_factor`` and require responses.

    ``require`` is a list of tables (``[[events.require]]``); a single table is accepted too.
    ``after_response`` applies once every requirement has been answered (in time or late),
    ``after_miss`` once the first requirement is missed.
    """

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
    trigger: Trigger
    message: Annotated[str, Field(min_length=1)]
    donor_state: dict[Annotated[str, Field(pattern=STATE_KEY)], StateValue] = Field(
        default_factory=dict
    )
    require: list[Requirement] = Field(default_factory=list)
    yield_factor: Annotated[float, Field(gt=0, le=2, allow_inf_nan=False)] | None = None
    after_response: Effect | None = None
    after_miss: Effect | None = None

    @field_validator("require", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, dict) else value

    @model_validator(mode="after")
    def _consistent(self) -> ScriptedEvent:
        responses = [r.response for r in self.require]
        if len(responses) != len(set(responses)):
            raise FieldError("require", "each response may be required once per event")
        for name in ("after_response", "after_miss"):
            if getattr(self, name) is not None and not self.require:
                raise FieldError(name, f"{name} needs a require")
        return self

    def requirement_id(self, response: str) -> str:
        """The id a requirement goes by in events: the event's id, qualified by the response
        when the event requires several."""
        return self.id if len(self.require) == 1 else f"{self.id}.{response}"


class Anaesthesia(_Model):
    """What the anaesthetist does for the donor's circulation (sim/model/circulation.py).

    By default the anaesthetist replaces the harvested volume with crystalloid as it is drawn
    (physiology.toml ``replacement_ratio``).  ``fluid_replacement = false`` has the infusion
    stopped (unnoticed) from the start.  Units: the donor's own, collected before the harvest
    (CIBMTR: 60% of donors received autologous units), and cross-matched units on standby (Royal
    Marsden 21.2: two, 'only in exceptional circumstances').
    """

    fluid_replacement: bool = True
    autologous_units: Annotated[int, Field(ge=0, le=4)] = 0
    crossmatched_units: Annotated[int, Field(ge=0, le=4)] = 2


class Handover(_Model):
    """For a nursing scenario: what the harvest (already done) left for the nurse."""

    skin_sites: Annotated[int, Field(ge=1, le=8)]
    collected_ml: Annotated[float, Field(ge=0, le=3000, allow_inf_nan=False)] = 0.0


class Care(_Model):
    """Post-procedure care: what discharge teaching must cover, and the fever threshold.

    No donor-specific fever threshold was found (clinical.md §3, Gaps); the default 38.0 °C is
    the Cleveland Clinic autologous-recipient threshold (100.5 °F).  Set it per scenario.
    """

    fever_threshold_c: Annotated[float, Field(ge=37.5, le=39.5, allow_inf_nan=False)] = 38.0
    teaching: Annotated[list[Literal[TEACHING_ITEMS]], Field(min_length=1)] = Field(
        default_factory=lambda: [
            "signs_of_infection",
            "fever_threshold",
            "when_to_call",
            "dressing_removal_next_day",
            "pain_relief",
        ]
    )
    observations: Annotated[list[Literal[OBSERVATION_CHECKS]], Field(min_length=1)] = Field(
        default_factory=lambda: list(OBSERVATION_CHECKS)
    )


#: How much of a harvest an attempt does: the whole case, or its skills-lab length.
LENGTHS = ("full", "skills_lab")

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def technique_text(text: str) -> str:
    """``text`` with each ``{name}`` replaced by that technique-table value (``:g``)."""
    table = Thresholds()

    def number(m: re.Match) -> str:
        name = m.group(1)
        value = getattr(table, name, None)
        if not isinstance(value, int | float):
            raise ValueError(f"unknown technique number {{{name}}} (see docs/scoring.md)")
        return f"{value:g}"

    return _PLACEHOLDER.sub(number, text)


class Scenario(_Model):
    """One training scenario."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]
    title: Annotated[str, Field(min_length=1, max_length=120)]
    version: Annotated[int, Field(ge=1)]
    difficulty: Literal["introductory", "core", "advanced"]
    kind: Literal["harvest", "nursing"] = "harvest"
    #: ``skills_lab``: the same case at a proportionally smaller target (sim/scenario/length.py);
    #: set by the trainer or the instructor, not in scenario files.
    length: Literal[LENGTHS] = "full"
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
    handover: Handover | None = None
    care: Care = Care()
    anaesthesia: Anaesthesia = Anaesthesia()

    @field_validator("objectives", "briefing")
    @classmethod
    def _technique_numbers(cls, value: str | list[str]) -> str | list[str]:
        """``{name}`` in an objective or the briefing is the technique table's number (e.g.
        ``{pull_good_ml}``), so what a briefing asks for is what the scoring judges."""
        if isinstance(value, list):
            return [technique_text(v) for v in value]
        return technique_text(value)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        ids = [e.id for e in self.events]
        if len(ids) != len(set(ids)):
            raise FieldError("events", "scripted event ids must be unique")
        if len(self.steps) != len(set(self.steps)):
            raise FieldError("steps", "a step is listed twice")
        if self.kind == "nursing":
            self._check_nursing()
        elif self.handover is not None:
            raise FieldError("handover", 'handover only applies to kind = "nursing"')
        return self

    def _check_nursing(self) -> None:
        if self.handover is None:
            raise FieldError("handover", "a nursing scenario needs a [handover] table")
        if not self.sites.min <= self.handover.skin_sites <= self.sites.max:
            raise FieldError(
                "handover.skin_sites",
                f"{self.handover.skin_sites} skin sites is outside the allowed "
                f"{self.sites.min}-{self.sites.max}",
            )
        for step in self.steps:
            if step in HARVEST_STEPS:
                raise FieldError("steps", f"{step} is a harvest step; not in a nursing scenario")
        for n, ev in enumerate(self.events):
            if ev.trigger.collected_ml is not None:
                raise FieldError(
                    f"events.{n}.trigger.collected_ml", "nothing is collected in a nursing scenario"
                )
            for k, req in enumerate(ev.require):
                if req.response in HARVEST_RESPONSES:
                    raise FieldError(
                        f"events.{n}.require.{k}.response",
                        f"{req.response} is a harvest response; not in a nursing scenario",
                    )

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
        data["targets"]["volume_ml_per_kg_recipient"] = round(
            self.target_volume_ml / self.recipient.weight_kg, 3
        )
        data["targets"]["tnc_total"] = round(
            self.targets.tnc_per_kg_recipient * self.recipient.weight_kg
        )
        zone = self.donor.dry_tap_zone()
        if zone is not None:
            data["donor"]["dry_tap_radius_mm"] = zone.radius_mm
            data["donor"]["dry_tap_cellularity"] = zone.cellularity
        return data
