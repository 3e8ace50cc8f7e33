"""Marrow yield: a numpy field of accessible marrow per ilium, drawn from by each aspiration.

A pull of ``V`` mL at a spot holding ``A`` mL of accessible marrow brings
``m = A (1 - exp(-V / v0))`` mL of true marrow; the rest of the syringe is peripheral blood
(Batinic 1990, Muschler 1997, Hernigou 2013, Wikipedia 'bone marrow examination': clinical.md §2).

A pull draws through the needle's open tip and through its side holes (``tip_draw_share`` of it
through the tip).  Each pull drains the marrow around both (Muench 2019: repeated pulls through
one trocar add little), so:

* a second pull at the same spot falls off steeply;
* turning the needle moves only the side holes: part of the next pull still comes from the
  drained zone round the tip, and each further turn finds its side holes nearer to marrow an
  earlier turn drained, so rotation restores part of a spot, and less with each turn;
* advancing a few millimetres, or a new bone entry, moves the tip into marrow no pull has
  touched;
* beyond the spot, every pull draws down the **ilium's pool**: the marrow aspiration can reach
  in that posterior ilium is finite and proportional to body weight, and the sinusoids refill
  with peripheral blood, so the more of a donor's size is drawn the thinner every spot becomes
  (Wang: the share of the donor's blood volume accessed lowers TNC/mL).  The other crest has its
  own pool: a distant site restores most.

The field is a 2 mm grid over each ilium, created on first use from a seeded generator; an
aspiration touches only the voxels around its draw point, so its cost does not grow with the
length of the session.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np

from sim.model.anatomy import Vec3
from sim.model.donor import Donor
from sim.model.parameters import table

# Field extent in the PSIS-local frame (mm), relative to the bone surface depth for w.
U_RANGE = (-40.0, 100.0)
V_RANGE = (-80.0, 80.0)
W_RANGE = (-10.0, 120.0)
COARSE = 4  # coarse noise cell = 4 voxels


@dataclass(frozen=True)
class Sample:
    """What one pull put in the syringe."""

    volume_ml: float
    marrow_ml: float
    tnc: float
    cd34: float

    @property
    def blood_ml(self) -> float:
        return self.volume_ml - self.marrow_ml

    @property
    def tnc_per_ml(self) -> float:
        return self.tnc / self.volume_ml if self.volume_ml > 0 else 0.0


@dataclass(frozen=True)
class DryTapZone:
    """A poorly cellular zone of marrow, for the ``dry_tap_zone`` donor variation.

    Dry taps in healthy donors are mostly a matter of position (clinical.md §5: 2.7-10% of
    diagnostic aspirates, the fix is to advance, rotate or re-site), so the zone is placed where
    the trainee first draws marrow: within ``radius_mm`` of that spot the marrow holds
    ``cellularity`` of its normal content, recovering linearly to normal over the outer
    ``taper_mm``.  Rotating or advancing a few millimetres stays inside it; a new skin site
    (or the other side) gets out.  Deterministic: no random numbers are drawn.
    """

    radius_mm: float = 25.0
    cellularity: float = 0.1
    taper_mm: float = 8.0

    def multiplier(self, distance_mm: np.ndarray) -> np.ndarray:
        inner = self.radius_mm - self.taper_mm
        ramp = np.clip((distance_mm - inner) / self.taper_mm, 0.0, 1.0)
        return self.cellularity + (1.0 - self.cellularity) * ramp


def _kernel() -> np.ndarray:
    offsets = np.arange(-1, 2)
    du, dv, dw = np.meshgrid(offsets, offsets, offsets, indexing="ij")
    k = np.exp(-(du**2 + dv**2 + dw**2) / 2.0)
    return k / k.sum()


KERNEL = _kernel()


class MarrowField:
    """Accessible marrow, as a fraction of a fresh spot's, on a grid over one ilium."""

    def __init__(self, donor: Donor, bone_depth_mm: float, rng: np.random.Generator) -> None:
        p = table("marrow")
        self.voxel_mm = p.voxel_mm
        self.origin = np.array([U_RANGE[0], V_RANGE[0], W_RANGE[0] + bone_depth_mm])
        shape = tuple(
            int(math.ceil((hi - lo) / self.voxel_mm)) for lo, hi in (U_RANGE, V_RANGE, W_RANGE)
        )
        coarse_shape = tuple(-(-n // COARSE) for n in shape)
        noise = rng.normal(0.0, p.heterogeneity_sd, size=coarse_shape)
        fine = noise.repeat(COARSE, 0).repeat(COARSE, 1).repeat(COARSE, 2)
        fine = fine[: shape[0], : shape[1], : shape[2]]
        self.fresh = np.exp(fine - 0.5 * p.heterogeneity_sd**2)
        self.level = self.fresh.copy()
        self.shape = shape
        #: The ilium's pool: the marrow aspiration can reach in this posterior ilium (mL),
        #: proportional to body weight, and the true marrow drawn from it so far.
        self.pool_ml = p.ilium_marrow_ml_per_kg * donor.weight_kg
        self.drawn_ml = 0.0

    def impoverish(self, zone: DryTapZone, centre: Vec3) -> None:
        """Make the marrow around ``centre`` poor (a dry-tap zone); fresh and current alike."""
        lo = np.floor((np.asarray(centre) - zone.radius_mm - self.origin) / self.voxel_mm)
        hi = np.ceil((np.asarray(centre) + zone.radius_mm - self.origin) / self.voxel_mm) + 1
        lo = np.clip(lo.astype(int), 0, self.shape)
        hi = np.clip(hi.astype(int), 0, self.shape)
        box = tuple(slice(int(a), int(b)) for a, b in zip(lo, hi, strict=True))
        axes = [
            self.origin[i] + (np.arange(lo[i], hi[i]) + 0.5) * self.voxel_mm - centre[i]
            for i in range(3)
        ]
        du, dv, dw = np.meshgrid(*axes, indexing="ij")
        factor = zone.multiplier(np.sqrt(du**2 + dv**2 + dw**2))
        self._own_level()
        fresh = self.fresh.copy()  # never changed in place: copies of the field share it
        fresh[box] *= factor
        self.fresh = fresh
        self.level[box] *= factor

    #: True while ``level`` is shared with a copy (``__deepcopy__``): the first change to it
    #: copies it (copy on write).
    _level_shared = False

    def __deepcopy__(self, memo: dict) -> MarrowField:
        """A copy for a replay snapshot without copying the grids: the fresh grid is never
        changed in place (it is replaced), and the current level is copied by whichever of the
        two changes it first (copy on write), so taking a snapshot costs no grid copy."""
        new = copy.copy(self)
        memo[id(self)] = new
        new.origin = self.origin.copy()
        self._level_shared = new._level_shared = True
        return new

    def _own_level(self) -> None:
        """Before changing ``level`` in place: a level shared with a copy is copied first."""
        if self._level_shared:
            self.level = self.level.copy()
            self._level_shared = False

    def index(self, point: Vec3) -> tuple[int, int, int]:
        o, v, n = self.origin, self.voxel_mm, self.shape
        i, j, k = (min(max(math.floor((point[a] - o[a]) / v), 1), n[a] - 2) for a in range(3))
        return i, j, k

    def _window(self, point: Vec3) -> tuple[slice, slice, slice]:
        i, j, k = self.index(point)
        return (slice(i - 1, i + 2), slice(j - 1, j + 2), slice(k - 1, k + 2))

    def accessible(self, point: Vec3) -> float:
        """Kernel-weighted fraction of fresh marrow around a draw point."""
        return float((self.level[self._window(point)] * KERNEL).sum())

    def drain(self, point: Vec3, fraction: float, also: Vec3 | None = None) -> None:
        """Remove ``fraction`` of what is accessible around the draw point (and, once, around
        ``also``: voxels both windows share are drained once, not twice)."""
        first = self._window(point)
        self._own_level()
        if also is None:
            self.level[first] *= 1.0 - fraction
            return
        second = self._window(also)
        box = tuple(
            slice(min(a.start, b.start), max(a.stop, b.stop))
            for a, b in zip(first, second, strict=True)
        )
        mask = np.zeros(tuple(sl.stop - sl.start for sl in box), dtype=bool)
        for win in (first, second):
            inner = zip(win, box, strict=True)
            mask[tuple(slice(w.start - b.start, w.stop - b.start) for w, b in inner)] = True
        view = self.level[box]  # a view: writing through the mask changes the field
        view[mask] *= 1.0 - fraction

    def regional(self, point: Vec3 | None = None) -> float:
        """Share of the ilium's reachable marrow still in place (1 before the first pull)."""
        return math.exp(-self.drawn_ml / self.pool_ml) if self.pool_ml > 0 else 1.0

    def drain_region(self, point: Vec3 | None, marrow_ml: float) -> None:
        """A pull took ``marrow_ml`` of true marrow from this ilium's pool."""
        self.drawn_ml += marrow_ml

    def depletion(self) -> float:
        """Share of the ilium's marrow drawn so far (for the debrief)."""
        return float(1.0 - self.level.sum() / self.fresh.sum())


class YieldModel:
    """Turns a pull at a point into a sample, draining the field."""

    def __init__(self, donor: Donor) -> None:
        p = table("marrow")
        self.p = p
        self.donor = donor
        self.marrow_tnc_per_ml = p.marrow_tnc_per_ml * donor.marrow_richness
        self.blood_wbc_per_ml = donor.blood_wbc_per_ml
        self.cd34_marrow = donor.cd34_fraction_marrow

    def scale_richness(self, factor: float) -> None:
        """Scale the cell content of true marrow from now on (a scenario's ``yield_factor``)."""
        self.marrow_tnc_per_ml *= factor

    def marrow_fraction_drawn(self, volume_ml: float) -> float:
        """Share of the accessible marrow a pull of this size brings up."""
        return 1.0 - math.exp(-volume_ml / self.p.dilution_ml)

    def blood(self, volume_ml: float) -> Sample:
        """A pull that finds only peripheral blood (soft tissue, a drained track)."""
        tnc = volume_ml * self.blood_wbc_per_ml
        return Sample(volume_ml, 0.0, tnc, tnc * self.p.cd34_fraction_blood)

    def draw(
        self, field: MarrowField, point: Vec3, volume_ml: float, tip: Vec3 | None = None
    ) -> Sample:
        """Aspirate ``volume_ml`` with the side holes at ``point`` and the open tip at ``tip``
        (the same point when not given) in the marrow."""
        tip = point if tip is None else tip
        phi = self.p.tip_draw_share
        local = phi * field.accessible(tip) + (1.0 - phi) * field.accessible(point)
        available_ml = self.p.spot_marrow_ml * local * field.regional(tip)
        share = self.marrow_fraction_drawn(volume_ml)
        marrow_ml = available_ml * share
        field.drain(tip, self.p.depletion_efficiency * share, also=point)
        field.drain_region(tip, marrow_ml)
        blood_ml = volume_ml - marrow_ml
        tnc_marrow = marrow_ml * self.marrow_tnc_per_ml
        tnc_blood = blood_ml * self.blood_wbc_per_ml
        cd34 = tnc_marrow * self.cd34_marrow + tnc_blood * self.p.cd34_fraction_blood
        return Sample(volume_ml, marrow_ml, tnc_marrow + tnc_blood, cd34)


def side_hole_point(tip: Vec3, direction: Vec3, rotation_deg: float) -> Vec3:
    """Where the needle draws from: the tip, offset toward the side the bevel faces."""
    offset = table("marrow").side_hole_offset_mm
    dx, dy, dz = direction
    rx, ry, rz = (0.0, 1.0, 0.0) if abs(dy) < 0.9 else (1.0, 0.0, 0.0)
    e1 = (dy * rz - dz * ry, dz * rx - dx * rz, dx * ry - dy * rx)  # d x ref
    norm = math.sqrt(e1[0] * e1[0] + e1[1] * e1[1] + e1[2] * e1[2])
    e1 = (e1[0] / norm, e1[1] / norm, e1[2] / norm)
    e2 = (dy * e1[2] - dz * e1[1], dz * e1[0] - dx * e1[2], dx * e1[1] - dy * e1[0])  # d x e1
    a = math.radians(rotation_deg)
    ca, sa = math.cos(a), math.sin(a)
    return (
        tip[0] + offset * (ca * e1[0] + sa * e2[0]),
        tip[1] + offset * (ca * e1[1] + sa * e2[1]),
        tip[2] + offset * (ca * e1[2] + sa * e2[2]),
    )
