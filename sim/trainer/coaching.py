"""Practice-mode warnings: what an instructor at the trainee's shoulder would say (no pygame).

They are computed from the simulation state only and never change it; assessment mode hides them.
Every warning about technique uses the scoring's own rules: the technique table's bands for the
aim and the pull, and, as each pull or procedure step happens, the scoring's own judgement of it
(``event_feedback``: the penetration's volume, whether the pull reached fresh marrow, a step done
too early or wrongly), so practice warns about exactly what the debrief will take points for.
"""

from __future__ import annotations

from sim.i18n import _
from sim.model.tissue import Tissue
from sim.scoring.context import ScoringContext
from sim.scoring.criteria.aspiration import freshness
from sim.scoring.criteria.steps import step_quality
from sim.scoring.metrics import follow_metrics
from sim.trainer.core_words import say
from sim.trainer.session import Session
from sim.vocabulary.events import ASPIRATED, STEP_DONE
from sim.vocabulary.technique import Thresholds

INNER_TABLE_WARN_MM = 8.0
DANGER = (Tissue.INNER_CORTEX, Tissue.PELVIS, Tissue.SI_JOINT, Tissue.SCIATIC_NOTCH)


def distance_to_danger_mm(needle) -> tuple[float, Tissue] | None:
    """How far ahead along the track the next inner table or danger zone starts."""
    if needle.profile is None:
        return None
    for seg in needle.profile.segments:
        if seg.end_mm > needle.depth_mm and seg.tissue in DANGER:
            return max(0.0, seg.start_mm - needle.depth_mm), seg.tissue
    return None


def pulls_at_this_spot(session: Session) -> int:
    """Aspirations since the needle last moved or turned (repeat pulls at one spot dilute)."""
    n = 0
    for ev in reversed(session.sim.events):
        t = ev["type"]
        if t in ("aspirated", "dry_tap"):
            n += 1
        elif t in (
            "loss_of_resistance",
            "rotated",
            "withdrawn",
            "advanced",
            "needle_removed",
            "redirected",
            "skin_punctured",
            "needle_reinserted",
        ):
            break
    return n


def warnings(
    session: Session,
    lateral_deg: float,
    cranial_deg: float,
    pull_ml: float,
    force_n: float = 0.0,
    thresholds: Thresholds | None = None,
) -> list:
    """(text, severity) pairs, most urgent first; severity is 'danger' or 'warn'.

    Every aim and pull warning uses the scoring's own bands (the technique table), so a warning
    appears exactly where the score starts to take credit away.
    """
    t = thresholds or Thresholds()
    out: list[tuple[str, str]] = []
    n = session.needle
    sim = session.sim
    if n.inserted:
        tissue = n.tissue
        if tissue in (Tissue.PELVIS, Tissue.SI_JOINT, Tissue.SCIATIC_NOTCH):
            out.append(
                (_("Tip in the {tissue}: withdraw now").format(tissue=_(tissue.label)), "danger")
            )
        elif tissue == Tissue.INNER_CORTEX:
            out.append((_("On the inner table: stop and withdraw a few mm"), "danger"))
        ahead = distance_to_danger_mm(n)
        if tissue == Tissue.MARROW and ahead and ahead[0] < INNER_TABLE_WARN_MM:
            out.append(
                (
                    _("{tissue} {mm:.0f} mm ahead: stop advancing").format(
                        tissue=_(ahead[1].label), mm=ahead[0]
                    ),
                    "danger",
                )
            )
        if tissue == Tissue.MARROW and force_n > 60:
            out.append((_("Through the cortex: ease off now (let go of Space)"), "danger"))
        if tissue == Tissue.MARROW and n.stylet_in:
            out.append((_("In the marrow: take the stylet out (S) before pulling"), "warn"))
        if pulls_at_this_spot(session) >= 2:
            out.append(
                (_("Repeated pulls at one spot bring blood: advance (or rotate, R)"), "warn")
            )
        if n.plugged and not n.stylet_in:
            out.append((_("Needle may be plugged with bone: replace the stylet (S)"), "warn"))
    aim_lat = n.lateral_deg if n.inserted else lateral_deg
    aim_cra = n.cranial_deg if n.inserted else cranial_deg
    lat_lo, lat_hi = t.lateral_band_deg
    cra_lo, cra_hi = t.cranial_band_deg
    if aim_cra < cra_lo:
        out.append((_("Aiming caudally: toward the sciatic notch"), "danger"))
    if aim_lat < lat_lo:
        out.append(
            (
                _("Aim more laterally, toward the ASIS (about {deg:g} degrees)").format(
                    deg=t.ideal_lateral_deg
                ),
                "warn",
            )
        )
    elif aim_lat > lat_hi:
        out.append(
            (
                _(
                    "Aim less laterally: past {deg:g} degrees the track can leave through the "
                    "outer table"
                ).format(deg=lat_hi),
                "warn",
            )
        )
    if aim_cra > cra_hi:
        out.append((_("Steep cranial aim may skive off the crest"), "warn"))
    if pull_ml > t.pull_good_ml:
        out.append(
            (
                _("A {ml:g} mL pull dilutes marrow with blood: {good:g} mL or less").format(
                    ml=pull_ml, good=t.pull_good_ml
                ),
                "warn",
            )
        )
    if sim.bag.volume_ml > 0.9 * sim.donor_limit_ml:
        out.append((_("Close to the donor volume limit"), "danger"))
    return out


def event_feedback(
    session: Session, events: list, thresholds: Thresholds | None = None
) -> list[tuple[str, str]]:
    """What the score will take off for what ``events`` just did, said as it happens: (text,
    severity) pairs.  Reads the scoring's metrics and rules, never its own copy of them."""
    kinds = {ev["type"] for ev in events}
    if not kinds & {ASPIRATED, STEP_DONE}:
        return []
    t = thresholds or Thresholds()
    m = follow_metrics(session.sim.events, t).metrics  # incremental
    out: list[tuple[str, str]] = []
    if ASPIRATED in kinds and m.pulls:
        pull = m.pulls[-1]
        pen = m.penetrations.get(pull.penetration)
        if pen is not None and pen.ml > t.penetration_ok_ml:
            out.append(
                (
                    _(
                        "{ml:g} mL from this bone entry: more than {ok:g} mL from one "
                        "penetration is mostly blood. Back out (B) and enter somewhere new."
                    ).format(ml=pen.ml, ok=t.penetration_ok_ml),
                    "warn",
                )
            )
        fresh = freshness(pull, t) if pull.in_marrow and pull.moved_mm is not None else 1.0
        if fresh == 0.0:
            out.append(
                (
                    _(
                        "Same spot: advance {mm:g} mm (or turn {deg:g} degrees) before the next "
                        "pull (this one was mostly blood)."
                    ).format(mm=t.fresh_move_mm, deg=t.fresh_rotation_deg),
                    "warn",
                )
            )
        elif fresh < 1.0:
            out.append(
                (
                    _(
                        "A turn alone reaches only part of fresh marrow (about {share} of a "
                        "fresh pull): advance {mm:g} mm or enter the bone somewhere new."
                    ).format(share=f"{fresh:.0%}", mm=t.fresh_move_mm),
                    "warn",
                )
            )
    for ev in events:
        if ev["type"] == STEP_DONE:
            ctx = ScoringContext.from_scenario(session.attempt.scenario, t)
            quality, notes = step_quality(str(ev.get("step")), ev, m, ctx)
            if quality < 1.0 and notes:
                out.append((say(" ".join(notes)), "warn"))  # the rubric's English, shown
    return out


def nursing_warnings(attempt) -> list[str]:
    """Practice-mode reminders at the nurse's station (docs/nursing.md), from the same state and
    the same scenario values (``[care]``, ``[monitor]``) the nursing rubric judges by, so the
    coaching cannot contradict the debrief.  Empty outside a nursing attempt."""
    care_state = getattr(attempt, "nursing", None)
    if care_state is None or attempt.ended:
        return []
    state = care_state.state()
    care = attempt.scenario.care
    out: list[str] = []
    if not state["handover"]["received"]:
        out.append(_("Take the handover first: it tells you the sites and what to watch for."))
    obs = state["observations"]
    if obs["repeat_due_s"] is not None:
        left_min = (obs["repeat_due_s"] - state["clock"]["t_s"]) / 60.0
        out.append(
            _(
                "The last reading was abnormal: repeat the observations within {left:.0f} min "
                "({within:g} min after an abnormal set)."
            ).format(left=left_min, within=care.repeat_abnormal_within_min)
        )
    elif obs["overdue"]:
        out.append(
            _("Observations are due (every {n:g} min).").format(n=care.observation_interval_min)
        )
    if (
        state["monitor"]["alarms"].get("systolic_mmhg") == "low"
        and state["position"] != "flat_legs_raised"
    ):
        out.append(_("Her blood pressure is low: lie her flat with her legs raised."))
    if any(not s["pressure_done"] and not s["strip"] for s in state["sites"]) and any(
        s["strip"] for s in state["sites"]
    ):
        out.append(
            _("Press on each puncture for {s:g} s before its Steri-Strip.").format(
                s=care.pressure_min_s
            )
        )
    readiness = state["readiness"]
    if state["teaching"]["taught"] and care.phase == "recovery" and not readiness["ready"]:
        out.append(
            _("Check the discharge criteria before teaching: she must be ready to take it in.")
        )
    return out
