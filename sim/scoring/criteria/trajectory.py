"""Trajectory: each track's angle against the ideal aim toward the ASIS (the technique table).

Sources (clinical.md §1): Hirahara (24 deg lateral, SD 5.57; 7.14 cm of bone before the inner
wall against 3.2 cm perpendicular); Reed 2018 (7 deg converts the ASIS technique into the
perpendicular one; the perpendicular fallback penetrated the sacrum); D'Souza (~25 deg cephalad
stayed 1 cm clear of the notch; the traditional track crossed it); Hirahara (cephalad angulation
skives out of the crest).  A track that entered the SI joint, pelvis or notch scores nothing.
"""

from __future__ import annotations

from sim.scoring.context import ScoringContext
from sim.scoring.metrics import AttemptMetrics, Track
from sim.scoring.result import Judgement
from sim.scoring.text import plural, ramp
from sim.vocabulary.technique import Thresholds


def lateral_credit(lateral_deg: float, t: Thresholds) -> float:
    lo, hi = t.lateral_band_deg
    if lateral_deg < lo:
        return ramp(-lateral_deg, -lo, -t.perpendicular_deg)
    return ramp(lateral_deg, hi, t.too_lateral_deg)


def cranial_credit(cranial_deg: float, t: Thresholds) -> float:
    if cranial_deg < t.cranial_band_deg[0]:
        return ramp(-cranial_deg, -t.caudal_tolerance_deg, -t.caudal_zero_deg)
    return ramp(cranial_deg, t.cephalad_tolerance_deg, t.cephalad_zero_deg)


SKID_CREDIT = 0.5


def anterior_credit(track: Track, t: Thresholds) -> float:
    """At the anterior crest: full within the tolerance of the wing's plane (either way)."""
    off = abs(track.lateral_deg - t.anterior_ideal_lateral_deg)
    along = abs(track.cranial_deg)
    return ramp(off, t.anterior_tolerance_deg, t.anterior_zero_deg) * ramp(
        along, t.cephalad_tolerance_deg, t.cephalad_zero_deg
    )


def track_credit(track: Track, t: Thresholds) -> float:
    """Angle credit of one track; nothing if it entered a danger zone, half if it skidded."""
    if track.critical:
        return 0.0
    if track.anterior:
        credit = anterior_credit(track, t)
    else:
        credit = lateral_credit(track.lateral_deg, t) * cranial_credit(track.cranial_deg, t)
    return credit * SKID_CREDIT if track.skidded else credit


def judge(m: AttemptMetrics, ctx: ScoringContext) -> Judgement:
    if not ctx.needle_work:
        return Judgement.not_assessed("Not assessed: this scenario has no needle work.")
    t = ctx.thresholds
    tracks = [tr for tr in m.tracks if tr.reached_bone]
    if not tracks:
        return Judgement(0.0, ["No needle track reached the bone."])
    n = len(tracks)
    credits = [track_credit(tr, t) for tr in tracks]
    fraction = sum(credits) / n
    if all(tr.anterior for tr in tracks):
        return _judge_anterior(tracks, fraction, t)
    mean_lat = sum(tr.lateral_deg for tr in tracks) / n
    lo, hi = t.lateral_band_deg
    medial = [tr for tr in tracks if tr.lateral_deg < 0]
    perpendicular = [tr for tr in tracks if 0 <= tr.lateral_deg < lo]
    too_lateral = [tr for tr in tracks if tr.lateral_deg > hi]
    caudal = [tr for tr in tracks if tr.cranial_deg < t.caudal_tolerance_deg]
    cephalad = [tr for tr in tracks if tr.cranial_deg > t.cephalad_tolerance_deg]
    critical = [tr for tr in tracks if tr.critical]
    skidded = [tr for tr in tracks if tr.skidded]
    feedback = [
        f"Your {plural(n, 'track')} into bone averaged {mean_lat:.0f} deg lateral "
        f"(ideal about {t.ideal_lateral_deg:g} deg, aimed at the ASIS)."
    ]
    if perpendicular:
        feedback.append(
            f"{len(perpendicular)} of {n} were nearly perpendicular (under {lo:g} deg lateral): "
            "a perpendicular track meets the SI joint after about 3.2 cm of bone instead of "
            "7.1 cm toward the ASIS."
        )
    if medial:
        worst = min(tr.lateral_deg for tr in medial)
        feedback.append(
            f"{len(medial)} of {n} pointed medially (to {worst:.0f} deg), toward the SI joint "
            "and sacrum."
        )
    if too_lateral:
        feedback.append(
            f"{len(too_lateral)} of {n} were angled over {hi:g} deg lateral and risk leaving the "
            "bone through its outer (gluteal) surface."
        )
    if caudal:
        worst = min(tr.cranial_deg for tr in caudal)
        feedback.append(
            f"{len(caudal)} of {n} were angled caudally (to {worst:.0f} deg), toward the "
            "greater sciatic notch 5.3 cm below the PSIS."
        )
    if cephalad:
        feedback.append(
            f"{len(cephalad)} of {n} were angled over {t.cephalad_tolerance_deg:g} deg cephalad "
            "and may skive up out of the crest."
        )
    if skidded:
        feedback.append(
            f"The needle skidded along the bone on {plural(len(skidded), 'track')}: it met the "
            "cortex too obliquely to bite (Hirahara warns of skiving); aim more directly at it."
        )
    if critical:
        feedback.append(f"{plural(len(critical), 'track')} left the ilium into a danger zone.")
    if len(feedback) == 1:
        feedback.append(f"All were within {t.lateral_tolerance_deg:g} deg of it.")
    return Judgement(fraction, feedback, parts={"tracks": fraction})


def _judge_anterior(tracks: list[Track], fraction: float, t: Thresholds) -> Judgement:
    """Tracks down the anterior iliac wing: off its plane they leave through a table (medially
    into the iliac fossa)."""
    n = len(tracks)
    off = [
        tr
        for tr in tracks
        if abs(tr.lateral_deg - t.anterior_ideal_lateral_deg) > (t.anterior_tolerance_deg)
    ]
    medial = [tr for tr in off if tr.lateral_deg < t.anterior_ideal_lateral_deg]
    feedback = [
        f"Your {plural(n, 'track')} into the anterior crest averaged "
        f"{sum(tr.lateral_deg for tr in tracks) / n:.0f} deg off the wing's plane (ideal: "
        "straight down it, between the tables)."
    ]
    if off:
        feedback.append(
            f"{len(off)} of {n} were more than {t.anterior_tolerance_deg:g} deg off it"
            + (f", {len(medial)} medially toward the iliac fossa" if medial else "")
            + ": the wing is thin, and such a track leaves it through a table."
        )
    critical = [tr for tr in tracks if tr.critical]
    if critical:
        feedback.append(f"{plural(len(critical), 'track')} left the ilium into a danger zone.")
    if len(feedback) == 1:
        feedback.append(f"All were within {t.anterior_tolerance_deg:g} deg of it.")
    return Judgement(fraction, feedback, parts={"tracks": fraction})
