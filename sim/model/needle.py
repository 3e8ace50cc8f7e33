"""The 11 G harvest needle: where it is, and how it moves through tissue under a hand's force.

A quasi-static model (simulators-and-standards.md §5): the tip moves at
``(hand force - layer resistance) / layer damping`` mm/s, and not at all while the force is below
the layer's resistance.  Within one layer that speed is constant, so motion is integrated exactly
from one tissue boundary to the next: a 1 ms haptic step and a 10 s scripted push use the same
arithmetic, and the cost of a push depends only on the boundaries it crosses.

Cortex needs firm pressure; twisting halves the thrust it needs.  When the tip breaks into the
marrow the resistance collapses while the hand is still pushing hard: that is the 'give'.  The
scripted hand (the ``advance`` command) takes ``reaction_s`` to ease off, so it runs on a few mm
(more without twisting), and with no ``stop_on`` it keeps pushing to its target, through the
marrow and, if the target is deep enough, through the inner table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from sim.i18n import N_
from sim.model.anatomy import Side, TrackProfile, Vec3
from sim.model.hand import HandModel
from sim.model.parameters import table
from sim.model.tissue import Tissue

#: The refusal, in English (the screens translate it: sim/trainer/core_words.py).
NO_REDIRECT = N_("cannot redirect with the tip in the {tissue}; withdraw into soft tissue first")

EPS_MM = 1e-9
#: Integration step while the hand eases off after a give (its force changes continuously).
PRESS_STEP_S = 0.001


@dataclass
class NeedleState:
    """The needle as the operator holds it.  ``depth_mm`` is the tip's distance from the skin."""

    site: int | None = None
    side: Side | None = None
    #: The approach: the posterior crest (PSIS) or the anterior crest (ASIS).
    region: str = "posterior"
    entry: Vec3 = (0.0, 0.0, 0.0)
    lateral_deg: float = 0.0
    cranial_deg: float = 0.0
    direction: Vec3 = (0.0, 0.0, 1.0)
    depth_mm: float = 0.0
    rotation_deg: float = 0.0
    stylet_in: bool = True
    plugged: bool = False
    profile: TrackProfile | None = None
    penetration: int = 0
    since_soft: bool = True
    notch_warned: bool = False
    skive_reported: bool = False
    force_n: float = 0.0
    #: The pressing hand (``press``): seconds since the cortex gave under it, while its force
    #: is still easing off (None otherwise), and the force it had at that moment.
    hand_since_give_s: float | None = None
    hand_give_force_n: float = 0.0

    @property
    def inserted(self) -> bool:
        return self.site is not None

    @property
    def tissue(self) -> Tissue:
        if self.profile is None:
            return Tissue.AIR
        return self.profile.tissue_at(self.depth_mm)

    def redirect_refusal(self) -> str | None:
        """Why the needle cannot be re-aimed now, or None: only soft tissue lets it turn."""
        if self.inserted and not self.tissue.is_soft:
            return NO_REDIRECT.format(tissue=self.tissue.label)
        return None

    def tip(self) -> Vec3:
        d, e, t = self.direction, self.entry, self.depth_mm
        return (e[0] + t * d[0], e[1] + t * d[1], e[2] + t * d[2])


@dataclass(frozen=True)
class LayerMechanics:
    """Resistance (N) and damping (N s/mm) of one tissue, for a given donor's bone."""

    resistance_n: float
    damping: float

    def speed_mm_s(self, force_n: float) -> float:
        return max(0.0, force_n - self.resistance_n) / self.damping


class TissueMechanics:
    """Per-tissue resistance, from the documented table and the donor's cortex strength."""

    def __init__(self, cortex_factor: float) -> None:
        p = table("needle")
        self.params = p
        cortex = LayerMechanics(p.cortex_resistance_n * cortex_factor, p.cortex_damping)
        beyond = LayerMechanics(p.beyond_resistance_n, p.beyond_damping)
        fat = LayerMechanics(p.fat_resistance_n, p.fat_damping)
        self._layers = {
            Tissue.AIR: fat,
            Tissue.SKIN: LayerMechanics(p.skin_resistance_n, p.skin_damping),
            Tissue.FAT: fat,
            Tissue.MUSCLE: fat,
            Tissue.OUTER_CORTEX: cortex,
            Tissue.INNER_CORTEX: cortex,
            Tissue.MARROW: LayerMechanics(p.marrow_resistance_n, p.marrow_damping),
            Tissue.PELVIS: beyond,
            Tissue.SI_JOINT: cortex,
            Tissue.SCIATIC_NOTCH: beyond,
        }

    def layer(self, tissue: Tissue, twist: bool) -> LayerMechanics:
        m = self._layers[tissue]
        if twist and tissue.is_cortex or twist and tissue == Tissue.SI_JOINT:
            return LayerMechanics(m.resistance_n * self.params.twist_factor, m.damping)
        return m

    def scripted_force_n(self, tissue: Tissue, twist: bool) -> float:
        """The force a controlled operator applies: a margin over the layer's resistance; in
        marrow, what moves the tip at the pressing hand's firm speed (``hand_marrow_speed_mm_s``,
        the same speed sim/model/hand.py gives a trainee who keeps pressing)."""
        p = self.params
        layer = self.layer(tissue, twist)
        if tissue == Tissue.MARROW:
            return layer.resistance_n + p.hand_marrow_speed_mm_s * layer.damping
        return min(p.hand_max_force_n, p.hand_margin * layer.resistance_n + p.hand_min_force_n)


#: Called when the tip crosses from one tissue into the next: (old, new, depth_mm, elapsed_s).
BoundaryHook = Callable[[Tissue, Tissue, float, float], None]


@dataclass
class MoveResult:
    moved_mm: float = 0.0
    elapsed_s: float = 0.0
    stalled: bool = False
    skived: bool = False
    stopped_at_lor: bool = False
    hub_at_skin: bool = False
    peak_force_n: float = 0.0


class NeedleMotion:
    """Moves a needle along its track: the constant-force push and the scripted advance."""

    def __init__(
        self, mechanics: TissueMechanics, length_mm: float, skive_limit_mm: float = math.inf
    ) -> None:
        self.mechanics = mechanics
        self.length_mm = length_mm
        self.skive_limit_mm = skive_limit_mm

    def skids(self, profile: TrackProfile, depth_mm: float) -> bool:
        """Whether the tip rests on outer cortex it meets too obliquely to bite into."""
        seg = profile.segment_at(depth_mm)
        if seg.tissue != Tissue.OUTER_CORTEX or seg.end_mm - seg.start_mm <= self.skive_limit_mm:
            return False
        before = profile.segment_at(max(0.0, seg.start_mm - EPS_MM))
        return before.tissue.is_soft

    def _run(
        self,
        needle: NeedleState,
        *,
        force_for: Callable[[Tissue], float],
        twist: bool,
        max_s: float,
        target_mm: float,
        stop_on_lor: bool,
        on_boundary: BoundaryHook,
    ) -> MoveResult:
        """Integrate motion until time, distance or a stop condition runs out.

        ``force_for(tissue)`` gives the hand's force in a tissue.  After a loss of resistance the
        hand keeps the cortex force for the lurch time (half the reaction time: the mean of a
        force eased off linearly) before adapting.
        """
        assert needle.profile is not None
        prof = needle.profile
        p = self.mechanics.params
        res = MoveResult()
        lurch_s, lurch_force = 0.0, 0.0
        for _ in range(10_000):
            if res.elapsed_s >= max_s - 1e-12:
                break
            if lurch_s <= 0.0 and (res.moved_mm >= target_mm - EPS_MM or res.stopped_at_lor):
                break
            seg = prof.segment_at(needle.depth_mm + EPS_MM)
            tissue = seg.tissue
            force = lurch_force if lurch_s > 0.0 else force_for(tissue)
            res.peak_force_n = max(res.peak_force_n, force)
            needle.force_n = force
            speed = min(self.mechanics.layer(tissue, twist).speed_mm_s(force), p.max_tip_speed_mm_s)
            if speed > 0.0 and self.skids(prof, needle.depth_mm + EPS_MM):
                speed, res.skived = 0.0, True
            room = self.length_mm - needle.depth_mm
            if room <= EPS_MM:
                res.hub_at_skin = True
                res.elapsed_s = max_s if math.isfinite(max_s) else res.elapsed_s
                break
            if speed <= 0.0:
                res.stalled = True
                res.elapsed_s = max_s if math.isfinite(max_s) else res.elapsed_s
                break
            step = min(seg.end_mm - needle.depth_mm, room)
            if lurch_s > 0.0:
                step = min(step, speed * lurch_s)
            else:
                step = min(step, target_mm - res.moved_mm)
            step = min(step, speed * (max_s - res.elapsed_s))
            step = max(step, 0.0)
            dt = step / speed
            needle.depth_mm += step
            res.moved_mm += step
            res.elapsed_s += dt
            if lurch_s > 0.0:
                lurch_s -= dt
                if lurch_s <= 1e-12:
                    lurch_s = 0.0
            new_tissue = prof.tissue_at(needle.depth_mm + EPS_MM)
            if new_tissue != tissue and step > 0.0:
                on_boundary(tissue, new_tissue, needle.depth_mm, res.elapsed_s)
                if tissue.is_cortex and not new_tissue.is_cortex:
                    lurch_s, lurch_force = p.reaction_s / 2.0, force
                if stop_on_lor and tissue == Tissue.OUTER_CORTEX and new_tissue == Tissue.MARROW:
                    res.stopped_at_lor = True
        return res

    def push(
        self, needle: NeedleState, force_n: float, twist: bool, s: float, on_boundary: BoundaryHook
    ) -> MoveResult:
        """Hold a constant force for ``s`` seconds (the interactive, haptic-rate control)."""
        return (
            self._run(
                needle,
                force_for=lambda _t: force_n,
                twist=twist,
                max_s=s,
                target_mm=math.inf,
                stop_on_lor=False,
                on_boundary=on_boundary,
            )
            if force_n > 0
            else MoveResult(elapsed_s=s)
        )

    def press(
        self,
        needle: NeedleState,
        hand: HandModel,
        twist: bool,
        s: float,
        on_boundary: BoundaryHook,
    ) -> MoveResult:
        """The trainee's hand pressing on for ``s`` seconds (sim/model/hand.py).

        Motion is integrated exactly from boundary to boundary while the hand's force is steady;
        while it eases off after a give, in steps of at most ``PRESS_STEP_S``.  The hand's state
        (time since the give) stays on the needle, so consecutive presses continue one motion.
        """
        assert needle.profile is not None
        prof = needle.profile
        p = self.mechanics.params
        res = MoveResult()
        for _ in range(100_000):
            if res.elapsed_s >= s - 1e-12:
                break
            seg = prof.segment_at(needle.depth_mm + EPS_MM)
            tissue = seg.tissue
            since = needle.hand_since_give_s
            force = hand.force_n(tissue, twist, since, needle.hand_give_force_n)
            res.peak_force_n = max(res.peak_force_n, force)
            needle.force_n = force
            speed = min(self.mechanics.layer(tissue, twist).speed_mm_s(force), p.max_tip_speed_mm_s)
            if speed > 0.0 and self.skids(prof, needle.depth_mm + EPS_MM):
                speed, res.skived = 0.0, True
            room = self.length_mm - needle.depth_mm
            if room <= EPS_MM:
                res.hub_at_skin = True
                speed = 0.0
            left_s = s - res.elapsed_s
            if speed <= 0.0:
                res.stalled = res.stalled or not res.hub_at_skin
                if hand.decaying(since):  # the hand is still easing off: let that time pass
                    dt = min(left_s, PRESS_STEP_S)
                    needle.hand_since_give_s = since + dt
                    res.elapsed_s += dt
                    continue
                res.elapsed_s = s
                break
            dt = min(left_s, PRESS_STEP_S) if hand.decaying(since) else left_s
            step = min(seg.end_mm - needle.depth_mm, room, speed * dt)
            step = max(step, 0.0)
            dt = step / speed if step < speed * dt else dt
            needle.depth_mm += step
            res.moved_mm += step
            res.elapsed_s += dt
            if since is not None:
                needle.hand_since_give_s = since + dt
                if not hand.decaying(needle.hand_since_give_s):
                    needle.hand_since_give_s = None
            new_tissue = prof.tissue_at(needle.depth_mm + EPS_MM)
            if new_tissue != tissue and step > 0.0:
                on_boundary(tissue, new_tissue, needle.depth_mm, res.elapsed_s)
                if tissue.is_cortex and not new_tissue.is_cortex:
                    needle.hand_since_give_s, needle.hand_give_force_n = 0.0, force
        return res

    def advance(
        self,
        needle: NeedleState,
        mm: float,
        twist: bool,
        stop_on_lor: bool,
        on_boundary: BoundaryHook,
    ) -> MoveResult:
        """The scripted hand: push about ``mm`` further, easing off only after a 'give'."""
        return self._run(
            needle,
            force_for=lambda t: self.mechanics.scripted_force_n(t, twist),
            twist=twist,
            max_s=math.inf,
            target_mm=mm,
            stop_on_lor=stop_on_lor,
            on_boundary=on_boundary,
        )
