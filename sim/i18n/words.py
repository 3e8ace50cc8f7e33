"""The core's codes (critical errors) as words in the current language, for the report and
the command line; the core keeps its codes (records, statements, digests)."""

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
