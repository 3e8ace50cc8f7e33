"""Trajectory: each track's angle against the ideal aim toward the ASIS (the technique table).

Sources (clinical.md §1): Hirahara (24 deg lateral, SD 5.57; 7.14 cm of bone before the inner
wall against 3.2 cm perpendicular); Reed 2018 (7 deg converts the ASIS technique into the
perpendicular one; the perpendicular fallback penetrated the sacrum); D'Souza (~25 deg cephalad
stayed 1 cm clear of the notch; the traditional track crossed it); Hirahara (cephalad angulation
skives out of the crest).  A track that entered the SI joint, pelvis or notch scores nothing.
"""

from __future__ import annotations

from sim.i18n import N_
from sim.scoring.context import ScoringContext
from sim.scoring.metrics import AttemptMetrics, Track
from sim.scoring.result import Judgement
from sim.scoring.text import NO_NEEDLE_WORK, one_or_many, ramp
from sim.vocabulary.technique import Thresholds

# The feedback, one template per sentence (sim/scoring/phrases.py shows them translated).
NO_TRACK = N_("No needle track reached the bone.")
MEAN = (
    N_(
        "Your {n} track into bone averaged {mean} deg lateral (ideal about {ideal} deg, aimed at "
        "the ASIS)."
    ),
    N_(
        "Your {n} tracks into bone averaged {mean} deg lateral (ideal about {ideal} deg, aimed "
        "at the ASIS)."
    ),
)
PERPENDICULAR = N_(
    "{k} of {n} were nearly perpendicular (under {lo} deg lateral): a perpendicular track meets "
    "the SI joint after about 3.2 cm of bone instead of 7.1 cm toward the ASIS."
)
MEDIAL = N_("{k} of {n} pointed medially (to {worst} deg), toward the SI joint and sacrum.")
TOO_LATERAL = N_(
    "{k} of {n} were angled over {hi} deg lateral and risk leaving the bone through its outer "
    "(gluteal) surface."
)
CAUDAL = N_(
    "{k} of {n} were angled caudally (to {worst} deg), toward the greater sciatic notch 5.3 cm "
    "below the PSIS."
)
CEPHALAD = N_("{k} of {n} were angled over {tol} deg cephalad and may skive up out of the crest.")
SKIDDED = (
    N_(
        "The needle skidded along the bone on {n} track: it met the cortex too obliquely to bite "
        "(Hirahara warns of skiving); aim more directly at it."
    ),
    N_(
        "The needle skidded along the bone on {n} tracks: it met the cortex too obliquely to "
        "bite (Hirahara warns of skiving); aim more directly at it."
    ),
)
DANGER = (
    N_("{n} track left the ilium into a danger zone."),
    N_("{n} tracks left the ilium into a danger zone."),
)
ALL_WITHIN = N_("All were within {tol} deg of it.")
ANTERIOR_MEAN = (
    N_(
        "Your {n} track into the anterior crest averaged {mean} deg off the wing's plane (ideal: "
        "straight down it, between the tables)."
    ),
    N_(
        "Your {n} tracks into the anterior crest averaged {mean} deg off the wing's plane "
        "(ideal: straight down it, between the tables)."
    ),
)
ANTERIOR_OFF = N_(
    "{k} of {n} were more than {tol} deg off it: the wing is thin, and such a track leaves it "
    "through a table."
)
ANTERIOR_OFF_MEDIAL = N_(
    "{k} of {n} were more than {tol} deg off it, {m} medially toward the iliac fossa: the wing "
    "is thin, and such a track leaves it through a table."
)
PHRASES = (
    NO_TRACK,
    *MEAN,
    PERPENDICULAR,
    MEDIAL,
    TOO_LATERAL,
    CAUDAL,
    CEPHALAD,
    *SKIDDED,
    *DANGER,
    ALL_WITHIN,
    *ANTERIOR_MEAN,
    ANTERIOR_OFF,
    ANTERIOR_OFF_MEDIAL,
)


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
        return Judgement.not_assessed(NO_NEEDLE_WORK)
    t = ctx.thresholds
    tracks = [tr for tr in m.tracks if tr.reached_bone]
    if not tracks:
        return Judgement(0.0, [NO_TRACK])
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
        one_or_many(n, MEAN).format(n=n, mean=f"{mean_lat:.0f}", ideal=f"{t.ideal_lateral_deg:g}")
    ]
    if perpendicular:
        feedback.append(PERPENDICULAR.format(k=len(perpendicular), n=n, lo=f"{lo:g}"))
    if medial:
        worst = min(tr.lateral_deg for tr in medial)
        feedback.append(MEDIAL.format(k=len(medial), n=n, worst=f"{worst:.0f}"))
    if too_lateral:
        feedback.append(TOO_LATERAL.format(k=len(too_lateral), n=n, hi=f"{hi:g}"))
    if caudal:
        worst = min(tr.cranial_deg for tr in caudal)
        feedback.append(CAUDAL.format(k=len(caudal), n=n, worst=f"{worst:.0f}"))
    if cephalad:
        feedback.append(CEPHALAD.format(k=len(cephalad), n=n, tol=f"{t.cephalad_tolerance_deg:g}"))
    if skidded:
        feedback.append(one_or_many(len(skidded), SKIDDED).format(n=len(skidded)))
    if critical:
        feedback.append(one_or_many(len(critical), DANGER).format(n=len(critical)))
    if len(feedback) == 1:
        feedback.append(ALL_WITHIN.format(tol=f"{t.lateral_tolerance_deg:g}"))
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
    mean = sum(tr.lateral_deg for tr in tracks) / n
    feedback = [one_or_many(n, ANTERIOR_MEAN).format(n=n, mean=f"{mean:.0f}")]
    tol = f"{t.anterior_tolerance_deg:g}"
    if off:
        feedback.append(
            ANTERIOR_OFF_MEDIAL.format(k=len(off), n=n, tol=tol, m=len(medial))
            if medial
            else ANTERIOR_OFF.format(k=len(off), n=n, tol=tol)
        )
    critical = [tr for tr in tracks if tr.critical]
    if critical:
        feedback.append(one_or_many(len(critical), DANGER).format(n=len(critical)))
    if len(feedback) == 1:
        feedback.append(ALL_WITHIN.format(tol=tol))
    return Judgement(fraction, feedback, parts={"tracks": fraction})
