"""The command vocabulary: everything a trainee, a script or a replay can ask of the simulation.

Commands are data (JSON objects with a ``do`` field), validated into frozen pydantic models.  The
UI, the headless runner and replay all produce the same commands; docs/commands.md lists them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

#: The steepest aim (deg, either way, lateral and cranial) a command or the trainer's hand accepts.
AIM_LIMIT_DEG = 60.0
AimDeg = Annotated[float, Field(ge=-AIM_LIMIT_DEG, le=AIM_LIMIT_DEG, allow_inf_nan=False)]


class _Command(BaseModel):
    # "60" is not 60; the validators are built on first use, not at import (start-up time)
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class MarkSite(_Command):
    """Choose a skin puncture site relative to a palpable landmark."""

    do: Literal["mark_site"] = "mark_site"
    #: A PSIS (the donor prone) or, for the anterior crest, an ASIS (the donor supine): then
    #: ``cranial_mm`` is how far back along the crest from the ASIS, ``lateral_mm`` off its line.
    landmark: Literal["left_psis", "right_psis", "left_asis", "right_asis"]
    lateral_mm: Annotated[float, Field(ge=-100, le=100, allow_inf_nan=False)] = 0.0
    cranial_mm: Annotated[float, Field(ge=-100, le=100, allow_inf_nan=False)] = 0.0


class Insert(_Command):
    """Pierce the skin at a marked site, stylet in, aimed off the perpendicular."""

    do: Literal["insert"] = "insert"
    site: Annotated[int, Field(ge=0, le=7)]
    lateral_deg: AimDeg = 0.0
    cranial_deg: AimDeg = 0.0


class Advance(_Command):
    """Push up to ``mm`` along the needle (scripted, controlled hand)."""

    do: Literal["advance"] = "advance"
    mm: Annotated[float, Field(gt=0, le=150, allow_inf_nan=False)]
    twist: bool = False
    stop_on: Literal["loss_of_resistance"] | None = None


class Push(_Command):
    """Hold a constant force on the needle for ``s`` seconds (the interactive control)."""

    do: Literal["push"] = "push"
    force_n: Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]
    s: Annotated[float, Field(gt=0, le=60, allow_inf_nan=False)]
    twist: bool = False


class Press(_Command):
    """The trainee's hand pressing the needle on for ``s`` seconds: "advance, firmly".

    The hand's force follows the resistance it meets, and eases off by itself only over the
    hand's own time after a give (sim/model/hand.py); the trainer sends it while Space or the
    mouse button is held.  Consecutive presses continue one motion; any other command means the
    hand let go.
    """

    do: Literal["press"] = "press"
    s: Annotated[float, Field(gt=0, le=60, allow_inf_nan=False)]
    twist: bool = True


class Withdraw(_Command):
    do: Literal["withdraw"] = "withdraw"
    mm: Annotated[float, Field(gt=0, le=150, allow_inf_nan=False)]


class Redirect(_Command):
    do: Literal["redirect"] = "redirect"
    lateral_deg: AimDeg
    cranial_deg: AimDeg


class Rotate(_Command):
    do: Literal["rotate"] = "rotate"
    deg: Annotated[float, Field(ge=-720, le=720, allow_inf_nan=False)]


class RemoveStylet(_Command):
    do: Literal["remove_stylet"] = "remove_stylet"


class ReplaceStylet(_Command):
    do: Literal["replace_stylet"] = "replace_stylet"


class Aspirate(_Command):
    """Pull the plunger by ``ml``; the syringe then empties into the collection bag."""

    do: Literal["aspirate"] = "aspirate"
    ml: Annotated[float, Field(gt=0, le=60, allow_inf_nan=False)]


#: The kit's needles: the standard 11 G harvest needle and a longer one for deep soft tissue.
NEEDLES = ("standard", "long")


class ChooseNeedle(_Command):
    """Take the kit's standard or long needle for the next insertion (the needle must be out)."""

    do: Literal["choose_needle"] = "choose_needle"
    needle: Literal[NEEDLES]


class Reposition(_Command):
    """Turn the donor: prone for the posterior crests, supine for the anterior ones."""

    do: Literal["reposition"] = "reposition"
    position: Literal["prone", "supine"]


class RemoveNeedle(_Command):
    do: Literal["remove_needle"] = "remove_needle"


class Wait(_Command):
    do: Literal["wait"] = "wait"
    s: Annotated[float, Field(ge=0, le=7200, allow_inf_nan=False)]


class End(_Command):
    do: Literal["end"] = "end"


NEEDLE_COMMANDS = (
    MarkSite,
    Insert,
    Advance,
    Push,
    Press,
    Withdraw,
    Redirect,
    Rotate,
    RemoveStylet,
    ReplaceStylet,
    Aspirate,
    RemoveNeedle,
    Wait,
    End,
)


#: Setting up between insertions: the donor's position and the kit's needle.  The simulation
#: carries them out; the trainer offers them beside the procedure steps.
SETUP_COMMANDS = (Reposition, ChooseNeedle)


# --------------------------------------------------------------------------- procedure steps
# The steps around the needle work (issue 3 §4).  Post-procedure steps (dressing, Steri-Strips,
# recovery observations, discharge teaching) come *before* ``end``: ``end`` closes the whole
# attempt, needle work and nursing care alike.  sim/scenario/steps.py carries them out.

TIME_OUT_CHECKS = ("identity", "consent", "procedure", "allergies", "anticoagulation")
OBSERVATION_CHECKS = (
    "blood_pressure",
    "heart_rate",
    "spo2",
    "temperature",
    "respiratory_rate",
    "pain",
    "dressing",
)
TEACHING_ITEMS = (
    "signs_of_infection",
    "fever_threshold",
    "when_to_call",
    "dressing_removal_next_day",
    "pain_relief",
    "site_care",
    "activity",
)
STOP_REASONS = (
    "target_volume_reached",
    "target_cell_dose_reached",
    "donor_volume_limit",
    "time_limit",
    "donor_condition",
)


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(values)) != len(values):
        raise ValueError("items must not repeat")
    return values


class TimeOut(_Command):
    """Surgical time-out: confirm the donor's identity, consent and the planned procedure."""

    do: Literal["time_out"] = "time_out"
    checks: Annotated[tuple[Literal[TIME_OUT_CHECKS], ...], Field(min_length=1, strict=False)] = (
        "identity",
        "consent",
        "procedure",
        "allergies",
    )

    _no_repeats = field_validator("checks")(_unique)


class HepariniseSyringes(_Command):
    """Flush the needles and load each syringe with 1 mL heparinised saline (Royal Marsden)."""

    do: Literal["heparinise_syringes"] = "heparinise_syringes"
    syringes: Annotated[int, Field(ge=1, le=20)] = 6


class CellCount(_Command):
    """Send a sample of the bag for a nucleated-cell count; reports TNC/mL."""

    do: Literal["cell_count"] = "cell_count"


class StopCriteria(_Command):
    """Declare that collection stops, and why.  Collection ends (no more aspiration)."""

    do: Literal["stop_criteria"] = "stop_criteria"
    reason: Literal[STOP_REASONS]


class PressureDressing(_Command):
    """Put the large pressure dressing on the lower back (over the Steri-Strips)."""

    do: Literal["pressure_dressing"] = "pressure_dressing"


class SteriStrips(_Command):
    """Close each skin puncture with a Steri-Strip: ``count`` should equal the skin sites."""

    do: Literal["steri_strips"] = "steri_strips"
    count: Annotated[int, Field(ge=1, le=8)]


class RecoveryObservations(_Command):
    """One set of recovery observations; reports the donor's current state."""

    do: Literal["recovery_observations"] = "recovery_observations"
    checks: Annotated[
        tuple[Literal[OBSERVATION_CHECKS], ...], Field(min_length=1, strict=False)
    ] = OBSERVATION_CHECKS

    _no_repeats = field_validator("checks")(_unique)


#: The range a taught fever threshold must lie in (°C).  The threshold itself is the local
#: policy the scenario sets (``[care] fever_threshold_c``): no donor-specific one was found
#: (clinical.md §3, Gaps).
FEVER_THRESHOLD_RANGE_C = (35.0, 42.0)


class DischargeTeaching(_Command):
    """Teach the donor before discharge: one item per command or several in one; the scoring
    treats both the same.  ``fever_threshold_c`` is the temperature taught with the
    ``fever_threshold`` item (your local policy's threshold), 35-42 °C."""

    do: Literal["discharge_teaching"] = "discharge_teaching"
    items: Annotated[tuple[Literal[TEACHING_ITEMS], ...], Field(min_length=1, strict=False)]
    fever_threshold_c: (
        Annotated[
            float,
            Field(
                ge=FEVER_THRESHOLD_RANGE_C[0], le=FEVER_THRESHOLD_RANGE_C[1], allow_inf_nan=False
            ),
        ]
        | None
    ) = None

    _no_repeats = field_validator("items")(_unique)


class SkinPrep(_Command):
    """Prepare the skin over the field and drape it (before any puncture in this position)."""

    do: Literal["skin_prep"] = "skin_prep"
    antiseptic: Literal["chlorhexidine_2pct", "povidone_iodine"] = "chlorhexidine_2pct"
    drape: bool = True


class LocalAnaesthetic(_Command):
    """Infiltrate lidocaine 2% at the puncture sites (Royal Marsden 21.2)."""

    do: Literal["local_anaesthetic"] = "local_anaesthetic"
    ml: Annotated[float, Field(gt=0, le=50, allow_inf_nan=False)] = 10.0


class HeparinIv(_Command):
    """Ask for the donor's IV heparin at induction (50 U/kg, alpfmedical.info)."""

    do: Literal["heparin_iv"] = "heparin_iv"
    units_per_kg: Annotated[float, Field(gt=0, le=200, allow_inf_nan=False)] = 50.0


class AcdInBag(_Command):
    """Put ACD-A in the collection bag: 1:10 of the expected volume (alpfmedical.info); ``ml``
    None puts in a tenth of the scenario's target volume."""

    do: Literal["acd_in_bag"] = "acd_in_bag"
    ml: Annotated[float, Field(gt=0, le=500, allow_inf_nan=False)] | None = None


class FilterProduct(_Command):
    """Mix the bag and pass the product through the 500 and 200 um filters (Royal Marsden)."""

    do: Literal["filter_product"] = "filter_product"


LABEL_CHECKS = ("donor_identity", "recipient_identity", "product", "volume", "time", "samples")


class SampleAndLabel(_Command):
    """Take the product's samples and label the bag with the donor's identity (chain of
    custody)."""

    do: Literal["sample_and_label"] = "sample_and_label"
    checks: Annotated[tuple[Literal[LABEL_CHECKS], ...], Field(min_length=1, strict=False)] = (
        LABEL_CHECKS
    )

    _no_repeats = field_validator("checks")(_unique)


#: What happens to the product: infused today, or frozen (the scenario's recipient plan).
DISPOSITIONS = ("infuse_fresh", "cryopreserve")


class ProductDisposition(_Command):
    """Send the product for same-day infusion or for freezing, by the recipient's plan."""

    do: Literal["product_disposition"] = "product_disposition"
    decision: Literal[DISPOSITIONS]


class SharpsCount(_Command):
    """Count the needles and sharps at the end; ``needles`` None counts them all."""

    do: Literal["sharps_count"] = "sharps_count"
    needles: Annotated[int, Field(ge=0, le=10)] | None = None


#: The steps, in the order they belong in a harvest (the trainer lists them so).
STEP_COMMANDS = (
    TimeOut,
    HeparinIv,
    SkinPrep,
    LocalAnaesthetic,
    HepariniseSyringes,
    AcdInBag,
    CellCount,
    StopCriteria,
    FilterProduct,
    SampleAndLabel,
    ProductDisposition,
    SharpsCount,
    SteriStrips,
    PressureDressing,
    RecoveryObservations,
    DischargeTeaching,
)


# --------------------------------------------------------------------------- responses
# What a scripted event can require (sim/scenario/engine.py).  Each emits ``response_made``.


class PauseHarvest(_Command):
    """Stop aspirating until ``resume_harvest`` (e.g. the donor is unstable)."""

    do: Literal["pause_harvest"] = "pause_harvest"


class ResumeHarvest(_Command):
    do: Literal["resume_harvest"] = "resume_harvest"


class RequestCellCount(_Command):
    """A bag count asked for by the scenario; the same count as ``cell_count``."""

    do: Literal["request_cell_count"] = "request_cell_count"


class NotifyAnesthesia(_Command):
    """Tell the anaesthetist about the donor's condition."""

    do: Literal["notify_anesthesia"] = "notify_anesthesia"


class StopHarvest(_Command):
    """End collection now (no more aspiration); the needle still has to come out."""

    do: Literal["stop_harvest"] = "stop_harvest"


class GiveFluids(_Command):
    """Ask the anaesthetist for a fluid bolus (crystalloid or colloid)."""

    do: Literal["give_fluids"] = "give_fluids"
    ml: Annotated[float, Field(ge=50, le=2000, allow_inf_nan=False)] = 500.0
    fluid: Literal["crystalloid", "colloid"] = "crystalloid"


class Transfuse(_Command):
    """Ask for red-cell units: the donor's own (collected before the harvest) or cross-matched."""

    do: Literal["transfuse"] = "transfuse"
    units: Annotated[int, Field(ge=1, le=4)] = 1
    source: Literal["autologous", "crossmatched"] = "autologous"


#: Why a harvest stopped by the anaesthetist at the donor limit may go on.
CONTINUE_REASONS = ("cell_dose_not_reached",)


class JustifyContinuing(_Command):
    """After the anaesthetist stopped the harvest at the donor limit, say why it must go on."""

    do: Literal["justify_continuing"] = "justify_continuing"
    reason: Literal[CONTINUE_REASONS]


class NotifyAnaesthetist(_Command):
    """Tell the anaesthetist about the donor's condition (the same response as the old spelling
    ``notify_anesthesia``, which stays accepted for older logs and harvest scenarios)."""

    do: Literal["notify_anaesthetist"] = "notify_anaesthetist"


#: Old spellings of a response, accepted as the same response: alias -> canonical name.
RESPONSE_ALIASES = {"notify_anesthesia": "notify_anaesthetist"}


def canonical_response(name: str) -> str:
    """A response's canonical name (``notify_anesthesia`` -> ``notify_anaesthetist``)."""
    return RESPONSE_ALIASES.get(name, name)


RESPONSE_COMMANDS = (
    PauseHarvest,
    ResumeHarvest,
    RequestCellCount,
    NotifyAnesthesia,
    StopHarvest,
    GiveFluids,
    Transfuse,
    JustifyContinuing,
    NotifyAnaesthetist,
)


# --------------------------------------------------------------------------- nursing care
# The nurse's station (issue 11; docs/nursing.md): recovery after the harvest, discharge and the
# next-day visit.  sim/scenario/nursing.py carries them out in ``kind = "nursing"`` scenarios.
# Besides these, a nursing scenario takes ``steri_strips``, ``pressure_dressing``,
# ``recovery_observations``, ``discharge_teaching``, ``time_out``, ``notify_anaesthetist``
# (``notify_anesthesia``), ``give_fluids``, ``wait`` and ``end``.

#: How the donor lies: prone (as after the harvest), supine, or flat with the legs raised (the
#: first response to hypotension).
NURSING_POSITIONS = ("prone", "supine", "flat_legs_raised")
#: Analgesia a recovery nurse gives as prescribed (stjude.org: oral pain medicine for 3-4 days).
ANALGESICS = ("paracetamol", "ibuprofen", "oral_opioid")
#: The next-day decision after the visit.
NEXT_DAY_DECISIONS = ("reassure", "treat", "escalate")


class TakeHandover(_Command):
    """Take the handover from theatre: sites, volume collected, anaesthetic, what to watch."""

    do: Literal["handover"] = "handover"


class AssessPain(_Command):
    """Ask the donor to score the pain (0-10) and where it is."""

    do: Literal["assess_pain"] = "assess_pain"


class InspectDressing(_Command):
    """Look at the pressure dressing (or the bare sites) for bleeding, ooze or a haematoma."""

    do: Literal["inspect_dressing"] = "inspect_dressing"


class InspectSite(_Command):
    """Inspect one puncture site with the dressing off: redness, swelling, discharge, bleeding,
    tenderness.  ``site`` is the handover's site index (0-based)."""

    do: Literal["inspect_site"] = "inspect_site"
    site: Annotated[int, Field(ge=0, le=7)]


class TakeTemperature(_Command):
    """Take the temperature (°C) on its own."""

    do: Literal["take_temperature"] = "take_temperature"


class AskSymptoms(_Command):
    """Ask the donor how they feel: dizziness, breathlessness, fever, pain, bleeding at home."""

    do: Literal["ask_symptoms"] = "ask_symptoms"


class ReviewBloods(_Command):
    """Review the blood results the scenario gives (haemoglobin, white cells, CRP...)."""

    do: Literal["review_bloods"] = "review_bloods"


class PositionDonor(_Command):
    """Move the donor: prone, supine, or lying flat with the legs raised."""

    do: Literal["position_donor"] = "position_donor"
    position: Literal[NURSING_POSITIONS]


class ApplyPressure(_Command):
    """Firm direct pressure on one puncture site (before its Steri-Strip) for ``s`` seconds."""

    do: Literal["apply_pressure"] = "apply_pressure"
    site: Annotated[int, Field(ge=0, le=7)]
    s: Annotated[float, Field(ge=10, le=1800, allow_inf_nan=False)] = 120.0


class GiveAnalgesia(_Command):
    """Give the prescribed analgesia."""

    do: Literal["give_analgesia"] = "give_analgesia"
    drug: Literal[ANALGESICS] = "paracetamol"


class RemoveDressing(_Command):
    """Take the pressure dressing off (the next day, at the clinic)."""

    do: Literal["remove_dressing"] = "remove_dressing"


class CallDoctor(_Command):
    """Escalate to the doctor (the harvest team or the on-call doctor)."""

    do: Literal["call_doctor"] = "call_doctor"


class Document(_Command):
    """Write up the care given, the observations and the teaching in the donor's record."""

    do: Literal["document"] = "document"


class DischargeReadiness(_Command):
    """Check the discharge criteria: stable observations, pain controlled, mobilising, an escort
    home.  Reports each one and whether the donor is ready."""

    do: Literal["discharge_readiness"] = "discharge_readiness"


class Discharge(_Command):
    """Send the donor home."""

    do: Literal["discharge"] = "discharge"


class NextDayDecision(_Command):
    """The decision after the next-day visit: reassure, treat (e.g. a site infection) or
    escalate to the doctor."""

    do: Literal["next_day_decision"] = "next_day_decision"
    decision: Literal[NEXT_DAY_DECISIONS]


NURSING_COMMANDS = (
    TakeHandover,
    AssessPain,
    InspectDressing,
    InspectSite,
    TakeTemperature,
    AskSymptoms,
    ReviewBloods,
    PositionDonor,
    ApplyPressure,
    GiveAnalgesia,
    RemoveDressing,
    CallDoctor,
    Document,
    DischargeReadiness,
    Discharge,
    NextDayDecision,
)

#: The care panel's groups (docs/nursing.md): every command a nursing scenario takes, by what
#: it is for.  ``wait`` and ``end`` are the clock and the close.
NURSING_GROUPS: dict[str, tuple[str, ...]] = {
    "assess": (
        "handover",
        "recovery_observations",
        "assess_pain",
        "inspect_dressing",
        "inspect_site",
        "take_temperature",
        "ask_symptoms",
        "review_bloods",
    ),
    "intervene": (
        "position_donor",
        "apply_pressure",
        "steri_strips",
        "pressure_dressing",
        "give_fluids",
        "give_analgesia",
        "remove_dressing",
    ),
    "teach": ("discharge_teaching",),
    "escalate": ("notify_anaesthetist", "call_doctor"),
    "document": (
        "document",
        "discharge_readiness",
        "discharge",
        "next_day_decision",
    ),
}
#: Everything a nursing scenario accepts: the groups, the time-out, the clock and the close
#: (and the old spelling of notify_anaesthetist).
NURSING_ACCEPTS = frozenset(
    {name for group in NURSING_GROUPS.values() for name in group}
    | {"time_out", "wait", "end", "notify_anesthesia"}
)


Command = Annotated[
    Reposition
    | ChooseNeedle
    | MarkSite
    | Insert
    | Advance
    | Push
    | Press
    | Withdraw
    | Redirect
    | Rotate
    | RemoveStylet
    | ReplaceStylet
    | Aspirate
    | RemoveNeedle
    | Wait
    | End
    | TimeOut
    | HepariniseSyringes
    | CellCount
    | StopCriteria
    | PressureDressing
    | SteriStrips
    | RecoveryObservations
    | DischargeTeaching
    | SkinPrep
    | LocalAnaesthetic
    | HeparinIv
    | AcdInBag
    | FilterProduct
    | SampleAndLabel
    | ProductDisposition
    | SharpsCount
    | PauseHarvest
    | ResumeHarvest
    | RequestCellCount
    | NotifyAnesthesia
    | StopHarvest
    | GiveFluids
    | Transfuse
    | JustifyContinuing
    | NotifyAnaesthetist
    | TakeHandover
    | AssessPain
    | InspectDressing
    | InspectSite
    | TakeTemperature
    | AskSymptoms
    | ReviewBloods
    | PositionDonor
    | ApplyPressure
    | GiveAnalgesia
    | RemoveDressing
    | CallDoctor
    | Document
    | DischargeReadiness
    | Discharge
    | NextDayDecision,
    Field(discriminator="do"),
]

_ADAPTER: list[TypeAdapter] = []


def command_adapter() -> TypeAdapter[Command]:
    """The validator of any command, built on first use (it is most of this module's import
    time, and ``--help`` or ``scenarios list`` never parse a command)."""
    if not _ADAPTER:
        _ADAPTER.append(TypeAdapter(Command))
    return _ADAPTER[0]


def __getattr__(name: str):  # ``COMMAND_ADAPTER``, as before, built when first asked for
    if name == "COMMAND_ADAPTER":
        return command_adapter()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _names(models: tuple[type[_Command], ...]) -> tuple[str, ...]:
    return tuple(m.model_fields["do"].default for m in models)


NEEDLE_NAMES = _names(NEEDLE_COMMANDS)
SETUP_NAMES = _names(SETUP_COMMANDS)
STEP_NAMES = _names(STEP_COMMANDS)
RESPONSE_NAMES = _names(RESPONSE_COMMANDS)
NURSING_NAMES = _names(NURSING_COMMANDS)
COMMAND_NAMES = NEEDLE_NAMES + SETUP_NAMES + STEP_NAMES + RESPONSE_NAMES + NURSING_NAMES


def parse_command(obj: object) -> Command:
    """Validate one command object (raises pydantic.ValidationError)."""
    return command_adapter().validate_python(obj)


def command_to_dict(cmd: _Command) -> dict:
    """The JSON form of a command for logs: every field but unset optional ones.

    Defaults are kept on purpose: ``-0.0 == 0.0``, so dropping "default" values would lose the
    sign of a zero and a replay would differ from the live run.
    """
    data = cmd.model_dump(mode="json", exclude_none=True)
    data["do"] = cmd.do
    return {"do": data.pop("do"), **data}
