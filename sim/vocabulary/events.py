"""The event vocabulary: every event type the core emits, and which of them matter how.

An event is a dict ``{t_s, type, ...}`` in ``Simulation.events`` (docs/architecture.md).  Each type
is named here once; the simulation, the scenario engine and schema, scoring, the records, xAPI
and the trainer import the names and groups from this module instead of typing the strings.
"""

from __future__ import annotations

# --- needle and site events (sim/model/simulation.py) ------------------------------------------
#: The donor as drawn for this attempt (the first event of every log).
DONOR_PROFILE = "donor_profile"
NEEDLE_CHOSEN = "needle_chosen"
REPOSITIONED = "repositioned"
SITE_MARKED = "site_marked"
SKIN_PUNCTURED = "skin_punctured"
NEEDLE_REINSERTED = "needle_reinserted"
CORTEX_ENTERED = "cortex_entered"
LOSS_OF_RESISTANCE = "loss_of_resistance"
INNER_CORTEX_CONTACT = "inner_cortex_contact"
INNER_TABLE_BREACH = "inner_table_breach"
SI_JOINT_ENTRY = "si_joint_entry"
SCIATIC_NOTCH_ZONE = "sciatic_notch_zone"
NEAR_SCIATIC_NOTCH = "near_sciatic_notch"
BONE_EXITED = "bone_exited"
ADVANCED = "advanced"
WITHDRAWN = "withdrawn"
WITHDRAWN_FROM_BONE = "withdrawn_from_bone"
REDIRECTED = "redirected"
ROTATED = "rotated"
STYLET_REMOVED = "stylet_removed"
STYLET_REPLACED = "stylet_replaced"
ASPIRATED = "aspirated"
DRY_TAP = "dry_tap"
#: A pull with the tip in the SI joint / sacrum, the pelvis or the sciatic notch (critical).
DANGER_ZONE_ASPIRATION = "danger_zone_aspiration"
#: Without heparinised syringes the marrow in one clotted: lost to the bag and the donor.
SYRINGE_CLOTTED = "syringe_clotted"
NEEDLE_STALLED = "needle_stalled"
NEEDLE_SKIVED = "needle_skived"
NEEDLE_FULLY_INSERTED = "needle_fully_inserted"
NEEDLE_REMOVED = "needle_removed"
DONOR_VOLUME_LIMIT_EXCEEDED = "donor_volume_limit_exceeded"
ENDED = "ended"

# --- scenario engine and procedure steps (sim/scenario/engine.py, sim/scenario/steps.py) ------
SCENARIO_EVENT = "scenario_event"
DONOR_STATE = "donor_state"
RESPONSE_REQUIRED = "response_required"
RESPONSE_MADE = "response_made"
MISSED_REQUIRED_RESPONSE = "missed_required_response"
STEP_DONE = "step_done"
CELL_COUNT = "cell_count"
#: The donor's body (sim/model/circulation.py) as the engine reads it after each command.
DONOR_HYPOTENSION = "donor_hypotension"
ANAESTHETIST_ESCALATION = "anaesthetist_escalation"
TRANSFUSION_INDICATED = "transfusion_indicated"
FLUIDS_GIVEN = "fluids_given"
UNITS_TRANSFUSED = "units_transfused"
CONTINUATION_JUSTIFIED = "continuation_justified"

# --- the nurse's station (sim/scenario/nursing.py; docs/nursing.md) ---------------------------
#: The scenario variant the seed chose (a nursing scenario's first event after the profile).
VARIANT_CHOSEN = "variant_chosen"
#: A nursing command was carried out (``action`` = its ``do``; what was found, in ``message``).
CARE_DONE = "care_done"
#: A monitor value crossed one of the scenario's alarm limits (``key``, ``value``, ``side``).
MONITOR_ALARM = "monitor_alarm"
#: An abnormal set of observations was not repeated within the scenario's interval (critical).
REPEAT_OBSERVATIONS_MISSED = "repeat_observations_missed"
#: The donor went home before the discharge criteria held (``reasons``) (critical).
UNSAFE_DISCHARGE = "unsafe_discharge"
#: The next-day visit ended without acting on the variant's finding (``finding``) (critical).
FINDING_MISSED = "finding_missed"

#: Event types the simulation emits.
SIM_EVENT_TYPES = (
    DONOR_PROFILE,
    NEEDLE_CHOSEN,
    REPOSITIONED,
    SITE_MARKED,
    SKIN_PUNCTURED,
    NEEDLE_REINSERTED,
    CORTEX_ENTERED,
    LOSS_OF_RESISTANCE,
    INNER_CORTEX_CONTACT,
    INNER_TABLE_BREACH,
    SI_JOINT_ENTRY,
    SCIATIC_NOTCH_ZONE,
    NEAR_SCIATIC_NOTCH,
    BONE_EXITED,
    ADVANCED,
    WITHDRAWN,
    WITHDRAWN_FROM_BONE,
    REDIRECTED,
    ROTATED,
    STYLET_REMOVED,
    STYLET_REPLACED,
    ASPIRATED,
    DRY_TAP,
    DANGER_ZONE_ASPIRATION,
    SYRINGE_CLOTTED,
    NEEDLE_STALLED,
    NEEDLE_SKIVED,
    NEEDLE_FULLY_INSERTED,
    NEEDLE_REMOVED,
    DONOR_VOLUME_LIMIT_EXCEEDED,
    ENDED,
)
#: Event types the scenario engine and the procedure steps emit.
ENGINE_EVENT_TYPES = (
    SCENARIO_EVENT,
    DONOR_STATE,
    RESPONSE_REQUIRED,
    RESPONSE_MADE,
    MISSED_REQUIRED_RESPONSE,
    STEP_DONE,
    CELL_COUNT,
    DONOR_HYPOTENSION,
    ANAESTHETIST_ESCALATION,
    TRANSFUSION_INDICATED,
    FLUIDS_GIVEN,
    UNITS_TRANSFUSED,
    CONTINUATION_JUSTIFIED,
)
#: Event types the nursing care emits.
NURSING_EVENT_TYPES = (
    VARIANT_CHOSEN,
    CARE_DONE,
    MONITOR_ALARM,
    REPEAT_OBSERVATIONS_MISSED,
    UNSAFE_DISCHARGE,
    FINDING_MISSED,
)
EVENT_TYPES = SIM_EVENT_TYPES + ENGINE_EVENT_TYPES + NURSING_EVENT_TYPES

#: The tip entered tissue where it harms the donor: the needle's critical errors.
NEEDLE_DANGER_EVENTS = (INNER_TABLE_BREACH, SI_JOINT_ENTRY, SCIATIC_NOTCH_ZONE)
#: Critical errors the simulation itself records (``Simulation.critical``).
SIM_CRITICAL_EVENTS = NEEDLE_DANGER_EVENTS + (DANGER_ZONE_ASPIRATION, DONOR_VOLUME_LIMIT_EXCEEDED)
#: Every critical error a scenario's rubric can list; any one fails the attempt.
#: The nursing care's critical errors (a scenario lists the ones it holds to).
NURSING_CRITICAL_EVENTS = (REPEAT_OBSERVATIONS_MISSED, UNSAFE_DISCHARGE, FINDING_MISSED)
CRITICAL_EVENTS = SIM_CRITICAL_EVENTS + (MISSED_REQUIRED_RESPONSE,) + NURSING_CRITICAL_EVENTS

#: Emitted while the needle is still moving, at a tissue boundary (they do not tell where the
#: tip came to rest).
TISSUE_BOUNDARY_EVENTS = frozenset(
    {
        CORTEX_ENTERED,
        LOSS_OF_RESISTANCE,
        INNER_CORTEX_CONTACT,
        BONE_EXITED,
        *NEEDLE_DANGER_EVENTS,
    }
)
#: Events that move the tip back: they report where it had come to rest (``from_mm``).
WITHDRAWAL_EVENTS = frozenset({WITHDRAWN, WITHDRAWN_FROM_BONE})
#: Events that start a new needle track (a new skin entry or a new direction).
TRACK_EVENTS = (SKIN_PUNCTURED, NEEDLE_REINSERTED, REDIRECTED)
#: Events attributed to the penetration in progress and listed as its flags in the records.
PENETRATION_FLAG_EVENTS = NEEDLE_DANGER_EVENTS + (
    DANGER_ZONE_ASPIRATION,
    NEAR_SCIATIC_NOTCH,
    DRY_TAP,
    NEEDLE_STALLED,
)
