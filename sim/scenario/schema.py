"""The scenario schema: what an instructor can set in a scenario file, validated with pydantic.

``python -m sim scenarios schema`` publishes it as JSON Schema, so editors can check files as
they are typed.  Derived values (absolute target volume, seconds) are computed here, once.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sim.i18n import LANGUAGES, SOURCE_LANGUAGE, current_language
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
    "notify_anaesthetist",
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
#: The nursing rubric's criteria (sim/scoring/nursing.py; docs/scoring.md), scored instead of
#: ``CRITERIA`` in a ``kind = "nursing"`` scenario.
NURSING_CRITERIA = (
    "assessment",
    "safety_responses",
    "haemostasis_site_care",
    "teaching",
    "escalation",
    "timeliness",
)
#: Vital signs the bedside monitor shows, and the keys of a scenario's ``[monitor]`` limits.
MONITOR_KEYS = (
    "systolic_mmhg",
    "diastolic_mmhg",
    "heart_rate_bpm",
    "spo2_pct",
    "respiratory_rate_per_min",
    "temperature_c",
)
#: How a monitored vital is named and measured in what the nurse reads.
MONITOR_READINGS = {
    "systolic_mmhg": ("systolic BP", "mmHg"),
    "diastolic_mmhg": ("diastolic BP", "mmHg"),
    "heart_rate_bpm": ("heart rate", "/min"),
    "spo2_pct": ("SpO2", "%"),
    "respiratory_rate_per_min": ("respiratory rate", "/min"),
    "temperature_c": ("temperature", "°C"),
}
#: ``Simulation.metrics()``'s counts and totals: each starts at 0 and only grows.
SIMULATION_METRICS = (
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
)
#: Metrics a trigger can watch: ``Simulation.metrics()`` plus what the engine derives.
METRICS = SIMULATION_METRICS + (
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

    weights: dict[Literal[CRITERIA + NURSING_CRITERIA], Annotated[float, Field(ge=0, le=100)]] = (
        Field(
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
    #: ``at_s`` in simulated minutes (nursing scenarios schedule their events in minutes).
    at_min: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
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
        if self.at_min is not None:
            # (a stored scenario, read back from a log, carries both, equal)
            if self.at_s is not None and self.at_s != self.at_min * 60.0:
                raise FieldError("at_min", "give at_s or at_min, not both")
            object.__setattr__(self, "at_s", self.at_min * 60.0)
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


class Later(Effect):
    """An effect that holds ``after_min`` simulated minutes after its event fired ("fifteen
    minutes later"): applied at the end of the first command that ends at or after then."""

    after_min: Annotated[float, Field(gt=0, le=1440, allow_inf_nan=False)]


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
    #: A change that follows on its own, ``later.after_min`` minutes after the event fired.
    later: Later | None = None

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
    #: What theatre (or yesterday's notes) tell the nurse, read out by ``handover``.
    text: Annotated[str, Field(min_length=1)] = "The harvest is done; the sites are open."
    #: An adult to take the donor home (a discharge criterion).
    escort: bool = True
    #: Where the donor lies at the start: prone after a posterior-crest harvest.
    position: Literal["prone", "supine", "flat_legs_raised"] = "prone"
    #: Labels of the skin sites, in order (default: numbered).
    site_labels: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)


class Limit(_Model):
    """An alarm limit: below ``low`` or above ``high`` the monitor alarms."""

    low: Annotated[float, Field(allow_inf_nan=False)] | None = None
    high: Annotated[float, Field(allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _one(self) -> Limit:
        if self.low is None and self.high is None:
            raise ValueError("give low, high or both")
        if self.low is not None and self.high is not None and self.low >= self.high:
            raise FieldError("low", f"low ({self.low:g}) must be under high ({self.high:g})")
        return self


class Monitor(_Model):
    """The bedside monitor's alarm limits (nursing scenarios; each scenario sets its own)."""

    systolic_mmhg: Limit | None = None
    diastolic_mmhg: Limit | None = None
    heart_rate_bpm: Limit | None = None
    spo2_pct: Limit | None = None
    respiratory_rate_per_min: Limit | None = None
    temperature_c: Limit | None = None

    @model_validator(mode="after")
    def _some(self) -> Monitor:
        if not any(getattr(self, k) is not None for k in MONITOR_KEYS):
            raise ValueError("give at least one alarm limit")
        return self

    def limits(self) -> dict[str, Limit]:
        return {k: getattr(self, k) for k in MONITOR_KEYS if getattr(self, k) is not None}


class SiteState(_Model):
    """One puncture site as a variant sets it: bleeding, a haematoma, signs of infection."""

    site: Annotated[int, Field(ge=0, le=7)]
    bleeding: Literal["none", "ooze", "active"] = "none"
    haematoma: bool = False
    redness: bool = False
    swelling: bool = False
    discharge: bool = False
    tender: bool = False


#: What a next-day variant's finding is, for the decision and the critical error.
FINDINGS = ("none", "haematoma", "infection", "low_haemoglobin")


class Variant(_Model):
    """One form of a nursing scenario; the engine chooses one by the seed (weighted)."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
    title: Annotated[str, Field(min_length=1, max_length=120)]
    weight: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)] = 1.0
    #: What the variant is about: ``none`` (uneventful), or the finding the nurse must act on.
    finding: Literal[FINDINGS] = "none"
    #: The decision that is right for it (next-day visit), and others that are acceptable.
    expected_decision: Literal["reassure", "treat", "escalate"] | None = None
    acceptable_decisions: list[Literal["reassure", "treat", "escalate"]] = Field(
        default_factory=list
    )
    #: Changes to the donor's state at the start (vital signs, pain_score, ...).
    donor_state: dict[Annotated[str, Field(pattern=STATE_KEY)], StateValue] = Field(
        default_factory=dict
    )
    sites: list[SiteState] = Field(default_factory=list)
    #: What the donor says when asked (``ask_symptoms``).
    symptoms: Annotated[str, Field(min_length=1)] = "She feels well apart from some soreness."
    #: The blood results ``review_bloods`` shows (name -> value, units in the names).
    bloods: dict[Annotated[str, Field(pattern=STATE_KEY)], float] = Field(default_factory=dict)
    #: Why the finding matters, for the feedback.
    why: str = ""


class Care(_Model):
    """Post-procedure care: what discharge teaching must cover, the fever threshold of the
    local policy, the observation interval and the discharge criteria.

    No donor-specific fever threshold was found (clinical.md §3, Gaps): the threshold is the
    local policy the scenario sets (35-42 °C), and the teaching says so.
    """

    #: ``recovery`` (after the harvest) or ``next_day`` (the clinic visit).
    phase: Literal["recovery", "next_day"] = "recovery"
    fever_threshold_c: Annotated[float, Field(ge=35, le=42, allow_inf_nan=False)] = 38.0
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
    #: Observations are due every ``observation_interval_min``; after an abnormal set a repeat
    #: is due within ``repeat_abnormal_within_min`` (missing it is ``repeat_observations_missed``).
    observation_interval_min: Annotated[float, Field(gt=0, le=240, allow_inf_nan=False)] = 15.0
    repeat_abnormal_within_min: Annotated[float, Field(gt=0, le=240, allow_inf_nan=False)] = 15.0
    #: After hypotension, how soon the donor should lie flat with the legs raised.
    lie_flat_within_min: Annotated[float, Field(gt=0, le=60, allow_inf_nan=False)] = 2.0
    #: Direct pressure on each puncture before its Steri-Strip.
    pressure_min_s: Annotated[float, Field(ge=0, le=1800, allow_inf_nan=False)] = 120.0
    #: Discharge criteria: pain at or under this score is controlled; mobilising once this long
    #: after the start with no alarm on.
    pain_controlled_max: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] = 3.0
    mobilise_after_min: Annotated[float, Field(ge=0, le=600, allow_inf_nan=False)] = 30.0
    #: Analgesia: how long until it works and by how many points it lowers the pain score.
    analgesia_onset_min: Annotated[float, Field(ge=0, le=240, allow_inf_nan=False)] = 20.0
    analgesia_relief: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)] = 3.0
    #: The clock time the scenario starts at (for the screen's clock), HH:MM.
    start_hhmm: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] = "14:00"


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


#: the languages a scenario file may translate its text into (``[i18n.<code>]``)
TRANSLATED = tuple(code for code in LANGUAGES if code != SOURCE_LANGUAGE)


class EffectText(_Model):
    """An effect's message in another language (``[i18n.es.events.<id>.after_response]``)."""

    message: Annotated[str, Field(min_length=1)] | None = None


class EventText(_Model):
    """A scripted event's messages in another language (``[i18n.es.events.<id>]``)."""

    message: Annotated[str, Field(min_length=1)] | None = None
    after_response: EffectText | None = None
    after_miss: EffectText | None = None
    later: EffectText | None = None


class HandoverText(_Model):
    """The nursing handover in another language (``[i18n.es.handover]``)."""

    text: Annotated[str, Field(min_length=1)] | None = None
    site_labels: list[Annotated[str, Field(min_length=1)]] | None = None


class VariantText(_Model):
    """A variant's words in another language (``[i18n.es.variants.<id>]``)."""

    title: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    symptoms: Annotated[str, Field(min_length=1)] | None = None
    why: Annotated[str, Field(min_length=1)] | None = None


#: Where an event's effect is logged: its ``phase`` in a ``scenario_event`` (engine.py).
EFFECT_PHASES = {
    "fired": None,
    "resolved": "after_response",
    "missed": "after_miss",
    "later": "later",
}


class ScenarioText(_Model):
    """A scenario's words in another language (``[i18n.es]``): the title, objectives and
    briefing, the scripted events' messages (``[i18n.es.events.<id>]``), the handover
    (``[i18n.es.handover]``) and the variants (``[i18n.es.variants.<id>]``).  What is left out
    is shown in English."""

    title: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    objectives: Annotated[list[str], Field(min_length=1)] | None = None
    briefing: Annotated[str, Field(min_length=1)] | None = None
    events: dict[str, EventText] = Field(default_factory=dict)
    handover: HandoverText | None = None
    variants: dict[str, VariantText] = Field(default_factory=dict)

    @field_validator("objectives", "briefing")
    @classmethod
    def _technique_numbers(cls, value: str | list[str] | None) -> str | list[str] | None:
        if value is None:
            return None
        if isinstance(value, list):
            return [technique_text(v) for v in value]
        return technique_text(value)


def _same_placeholders(field: str, english: str, given: str) -> None:
    """A translation names the same ``{placeholders}`` as its English."""
    mine, theirs = sorted(_PLACEHOLDER.findall(given)), sorted(_PLACEHOLDER.findall(english))
    if mine != theirs:
        raise FieldError(
            field,
            f"the translation's {{placeholders}} ({', '.join(mine) or 'none'}) differ from "
            f"the English ({', '.join(theirs) or 'none'})",
        )


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
    #: Nursing scenarios: the bedside monitor's alarm limits, and the variants the seed
    #: chooses between (at least one).
    monitor: Monitor | None = None
    variants: list[Variant] = Field(default_factory=list)
    anaesthesia: Anaesthesia = Anaesthesia()
    #: the scenario's words in other languages, by language (``[i18n.es]``): what the trainer
    #: shows (the stored attempt, its events and the scores keep the English)
    i18n: dict[Literal[TRANSLATED], ScenarioText] = Field(default_factory=dict)

    def text(self, name: Literal["title", "objectives", "briefing"]):
        """The title, objectives or briefing in the current language (sim.i18n), falling back
        to the English of the file."""
        given = self.i18n.get(current_language())
        value = getattr(given, name) if given is not None else None
        return getattr(self, name) if value is None else value

    def event_text(self, event_id: str, phase: str = "fired") -> str | None:
        """A scripted event's message in the current language, falling back to the English:
        ``phase`` as the engine logs it (``fired``, ``resolved``, ``missed``, ``later``).
        None when the event (or that effect's message) does not exist."""
        ev = next((e for e in self.events if e.id == event_id), None)
        if ev is None or phase not in EFFECT_PHASES:
            return None
        part = EFFECT_PHASES[phase]
        effect = ev if part is None else getattr(ev, part)
        english = None if effect is None else effect.message
        if english is None:
            return None
        given = self.i18n.get(current_language())
        text = None if given is None else given.events.get(event_id)
        if text is not None and part is not None:
            text = getattr(text, part)
        value = None if text is None else text.message
        return english if value is None else value

    def handover_text(self, name: Literal["text", "site_labels"]):
        """The handover's text or site labels in the current language, falling back to the
        English (None without a handover)."""
        if self.handover is None:
            return None
        given = self.i18n.get(current_language())
        value = getattr(given.handover, name) if given and given.handover else None
        return getattr(self.handover, name) if value is None else value

    def variant_text(self, variant_id: str, name: Literal["title", "symptoms", "why"]):
        """A variant's title, symptoms or why in the current language, falling back to the
        English (None for an unknown variant)."""
        v = next((v for v in self.variants if v.id == variant_id), None)
        if v is None:
            return None
        given = self.i18n.get(current_language())
        t = given.variants.get(variant_id) if given is not None else None
        value = getattr(t, name) if t is not None else None
        return getattr(v, name) if value is None else value

    def words(self) -> dict[str, str]:
        """What the scenario says (an event's message, the handover, a site's label, a variant's
        symptoms...) from its English to the current language, for a screen that has only the
        English the core logged; empty in English or when nothing is translated."""
        given = self.i18n.get(current_language())
        out: dict[str, str] = {}
        if given is None:
            return out

        def put(english: str | None, text: str | None) -> None:
            if english and text and text != english:
                out[english] = text

        for ev in self.events:
            for phase, part in EFFECT_PHASES.items():
                effect = ev if part is None else getattr(ev, part)
                if effect is not None and effect.message is not None:
                    put(effect.message, self.event_text(ev.id, phase))
        if self.handover is not None:
            put(self.handover.text, self.handover_text("text"))
            for en, es in zip(
                self.handover.site_labels, self.handover_text("site_labels"), strict=False
            ):
                put(en, es)
        for v in self.variants:
            for name in ("title", "symptoms", "why"):
                put(getattr(v, name), self.variant_text(v.id, name))
        return out

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
        for lang, given in self.i18n.items():
            if given.objectives is not None and len(given.objectives) != len(self.objectives):
                raise FieldError(
                    f"i18n.{lang}.objectives",
                    f"{len(given.objectives)} objectives for {len(self.objectives)} in English",
                )
        if self.kind == "nursing":
            self._check_nursing()
        elif self.handover is not None:
            raise FieldError("handover", 'handover only applies to kind = "nursing"')
        elif self.variants or self.monitor is not None:
            raise FieldError(
                "variants" if self.variants else "monitor", 'only applies to kind = "nursing"'
            )
        for lang, given in self.i18n.items():  # after the parts they translate are checked
            self._check_translation(lang, given)
        return self

    def _check_translation(self, lang: str, given: ScenarioText) -> None:
        """Each translated text has its English: a scripted event, effect, handover or variant
        of this scenario, with the same {placeholders} (and one label per site)."""
        events = {e.id: e for e in self.events}
        for event_id, text in given.events.items():
            where = f"i18n.{lang}.events.{event_id}"
            ev = events.get(event_id)
            if ev is None:
                raise FieldError(
                    where,
                    f"no scripted event {event_id!r} in this scenario "
                    f"(its events: {', '.join(events) or 'none'})",
                )
            if text.message is not None:
                _same_placeholders(f"{where}.message", ev.message, text.message)
            for part in ("after_response", "after_miss", "later"):
                effect, translated = getattr(ev, part), getattr(text, part)
                if translated is None or translated.message is None:
                    continue
                if effect is None or effect.message is None:
                    raise FieldError(
                        f"{where}.{part}.message",
                        f"the event {event_id!r} has no {part} message to translate",
                    )
                _same_placeholders(f"{where}.{part}.message", effect.message, translated.message)
        if given.handover is not None:
            where = f"i18n.{lang}.handover"
            if self.handover is None:
                raise FieldError(where, "this scenario has no [handover] to translate")
            if given.handover.text is not None:
                _same_placeholders(f"{where}.text", self.handover.text, given.handover.text)
            labels = given.handover.site_labels
            if labels is not None and len(labels) != len(self.handover.site_labels):
                raise FieldError(
                    f"{where}.site_labels",
                    f"{len(labels)} site labels for {len(self.handover.site_labels)} in English",
                )
        variants = {v.id: v for v in self.variants}
        for variant_id, text in given.variants.items():
            where = f"i18n.{lang}.variants.{variant_id}"
            v = variants.get(variant_id)
            if v is None:
                raise FieldError(
                    where,
                    f"no variant {variant_id!r} in this scenario "
                    f"(its variants: {', '.join(variants) or 'none'})",
                )
            for name in ("title", "symptoms", "why"):
                value = getattr(text, name)
                if value is None:
                    continue
                if not getattr(v, name):
                    raise FieldError(f"{where}.{name}", f"the variant has no {name} to translate")
                _same_placeholders(f"{where}.{name}", getattr(v, name), value)

    def _check_nursing(self) -> None:
        if self.handover is None:
            raise FieldError("handover", "a nursing scenario needs a [handover] table")
        if self.monitor is None:
            raise FieldError(
                "monitor", "a nursing scenario needs a [monitor] table of alarm limits"
            )
        if not self.variants:
            raise FieldError("variants", "a nursing scenario needs at least one [[variants]]")
        ids = [v.id for v in self.variants]
        if len(ids) != len(set(ids)):
            raise FieldError("variants", "variant ids must be unique")
        for n, v in enumerate(self.variants):
            for k, site in enumerate(v.sites):
                if site.site >= self.handover.skin_sites:
                    raise FieldError(
                        f"variants.{n}.sites.{k}.site",
                        f"site {site.site} is not one of the "
                        f"{self.handover.skin_sites} handover sites",
                    )
        if self.handover.site_labels and len(self.handover.site_labels) != self.handover.skin_sites:
            raise FieldError("handover.site_labels", "give one label per skin site")
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
