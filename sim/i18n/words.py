"""The core's codes (critical errors, event types) as words in the current language, for the
screens, the report and the command line; the core keeps its codes (records, statements,
digests)."""

from __future__ import annotations

from sim.i18n import N_, _

#: The critical errors a record can hold (sim/vocabulary/events.py), by code, as shown.
CRITICAL_NAMES = {
    "inner_table_breach": N_("inner table breach"),
    "si_joint_entry": N_("sacroiliac joint entry"),
    "sciatic_notch_zone": N_("sciatic notch zone"),
    "danger_zone_aspiration": N_("aspiration outside the ilium"),
    "donor_volume_limit_exceeded": N_("donor volume limit exceeded"),
    "missed_required_response": N_("required response missed"),
    "repeat_observations_missed": N_("repeat observations missed"),
    "unsafe_discharge": N_("unsafe discharge"),
    "finding_missed": N_("finding missed"),
}


def critical_name(code: str) -> str:
    """A critical error's code as words in the current language."""
    name = CRITICAL_NAMES.get(code)
    return _(name) if name else code.replace("_", " ")


#: The other event types (sim/vocabulary/events.py EVENT_TYPES), as shown (e.g. the replay's
#: "last event"); a critical error's event is named by CRITICAL_NAMES.
EVENT_NAMES = {
    **CRITICAL_NAMES,
    "donor_profile": N_("donor profile"),
    "needle_chosen": N_("needle chosen"),
    "repositioned": N_("repositioned"),
    "site_marked": N_("site marked"),
    "skin_punctured": N_("skin punctured"),
    "needle_reinserted": N_("needle reinserted"),
    "cortex_entered": N_("cortex entered"),
    "loss_of_resistance": N_("loss of resistance"),
    "inner_cortex_contact": N_("inner cortex contact"),
    "near_sciatic_notch": N_("near the sciatic notch"),
    "bone_exited": N_("out of the bone"),
    "advanced": N_("needle advanced"),
    "withdrawn": N_("withdrawn"),
    "withdrawn_from_bone": N_("withdrawn from the bone"),
    "redirected": N_("redirected"),
    "rotated": N_("rotated"),
    "stylet_removed": N_("stylet removed"),
    "stylet_replaced": N_("stylet replaced"),
    "aspirated": N_("aspirated"),
    "dry_tap": N_("dry tap"),
    "syringe_clotted": N_("syringe clotted"),
    "needle_stalled": N_("needle stalled"),
    "needle_skived": N_("needle skived off the bone"),
    "needle_fully_inserted": N_("needle fully inserted"),
    "needle_removed": N_("needle removed"),
    "ended": N_("ended"),
    "scenario_event": N_("scenario event"),
    "donor_state": N_("donor state"),
    "response_required": N_("response required"),
    "response_made": N_("response made"),
    "step_done": N_("procedure step done"),
    "cell_count": N_("cell count"),
    "donor_hypotension": N_("donor hypotension"),
    "anaesthetist_escalation": N_("the anaesthetist stopped the harvest"),
    "transfusion_indicated": N_("transfusion indicated"),
    "fluids_given": N_("fluids given"),
    "units_transfused": N_("units transfused"),
    "continuation_justified": N_("continuation justified"),
    "variant_chosen": N_("variant chosen"),
    "care_done": N_("care done"),
    "monitor_alarm": N_("monitor alarm"),
}


def event_name(event_type: str) -> str:
    """An event's type as words in the current language."""
    name = EVENT_NAMES.get(event_type)
    return _(name) if name else event_type.replace("_", " ")
