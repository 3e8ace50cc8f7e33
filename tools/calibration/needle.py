"""Section "Needle": the 11 G needle, skin puncture force and the force on the cortex.

Forces are found by bisection on 1 ms ``NeedleMotion`` pushes, and the expert's peak thrust is
read from the expert reference harvest's events.
"""

from __future__ import annotations

from sim.model.anatomy import Anatomy, direction
from sim.model.needle import NeedleMotion, NeedleState
from sim.model.parameters import table
from sim.model.simulation import Simulation
from sim.model.tissue import Tissue
from tools.calibration.drivers import Operator, adult
from tools.calibration.table import FITTED, Row, within_rel


def threshold_force_n(anatomy: Anatomy, motion: NeedleMotion, tissue: Tissue, twist: bool) -> float:
    """Least constant force that moves the tip through ``tissue`` in a 1 ms push (bisection).

    The tip is placed in the middle of that tissue on the perpendicular track over the PSIS.
    """
    origin = (0.0, 0.0, 0.0)
    d = direction(0.0, 0.0)
    profile = anatomy.profile(origin, d, motion.length_mm)
    seg = profile.first(tissue)
    if seg is None:
        raise RuntimeError(f"no {tissue} on the calibration track")
    lo, hi = 0.0, 2000.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        needle = NeedleState(site=0, side="left", entry=origin, direction=d, profile=profile)
        needle.depth_mm = 0.5 * (seg.start_mm + seg.end_mm)
        res = motion.push(needle, mid, twist, 0.001, lambda *_a: None)
        if res.moved_mm > 0.0:
            hi = mid
        else:
            lo = mid
    return hi


def needle_rows(expert: Operator) -> list[Row]:
    """The 11 G needle, skin puncture force, and the force clinicians use on the cortex."""
    sec = "Needle"
    sim = Simulation(adult("male"), recipient_weight_kg=70.0, seed=1)
    rows = [
        Row(
            "needle_gauge",
            sec,
            "Harvest needle gauge",
            "11 G",
            "Royal Marsden Manual §21.2 (clinical.md §1)",
            table("needle").gauge,
            f"{table('needle').gauge:g} G",
            "exact",
            11.0,
            11.0,
            "the needle table the simulation is built from (the bore does not enter the yield)",
            fit=FITTED,
            basis="`gauge` is this number",
        )
    ]
    skin = threshold_force_n(sim.anatomy, sim.motion, Tissue.SKIN, twist=False)
    lo, hi, tol = within_rel(1.22, 0.25, "a survey median")
    rows.append(
        Row(
            "skin_puncture_force",
            sec,
            "Force to puncture the skin",
            "median 1.22 N",
            "van Gerwen et al. 2012 review (simulators-and-standards.md §5)",
            skin,
            f"{skin:.2f} N",
            tol,
            lo,
            hi,
            "least constant force that moves the tip in skin in a 1 ms push (bisection)",
            fit=FITTED,
            basis="`skin_resistance_n` is this force",
        )
    )
    cortex = threshold_force_n(sim.anatomy, sim.motion, Tissue.OUTER_CORTEX, twist=False)
    rows.append(
        Row(
            "cortex_force_axial",
            sec,
            "Axial force to advance through the outer cortex (no twisting)",
            "400–600 N",
            "IEEE 8579919, clinician forward force in bone biopsy (simulators-and-standards.md §5)",
            cortex,
            f"{cortex:.0f} N",
            "range",
            400.0,
            600.0,
            "least constant force that moves the tip in the outer cortex in a 1 ms push",
            fit=FITTED,
            basis="`cortex_resistance_n` was set inside this range",
        )
    )
    peak = max(
        e["peak_force_n"]
        for e in expert.sim.events
        if e["type"] == "advanced" and e.get("twist") and e["from_mm"] < e["depth_mm"]
    )
    rows.append(
        Row(
            "cortex_force_expert",
            sec,
            "Peak thrust of the expert (twisting) through the cortex",
            "400–600 N, plus lateral and twisting motion",
            "IEEE 8579919 (simulators-and-standards.md §5)",
            peak,
            f"{peak:.0f} N",
            "range",
            400.0,
            600.0,
            "largest peak_force_n of the twisting advances in the expert reference harvest",
            fit=FITTED,
            basis="`twist_factor` was calibrated to put this thrust in the range",
        )
    )
    return rows
