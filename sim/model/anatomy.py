"""Anatomy of the posterior pelvis of a prone donor, in millimetres.

Two frames are used:

* the **dorsal map** (what the operator sees and palpates): ``x_mm`` to the donor's right of the
  midline, ``y_mm`` cranial of the line through both PSIS;
* a **PSIS-local frame** per side: ``u`` lateral (away from the midline), ``v`` cranial and ``w``
  depth below the skin.  The ilium near each PSIS is modelled as a convex solid (an intersection
  of half-spaces); its cortex is the outer shell, ``cortex_mm`` thick, and marrow fills the rest.

The solid is calibrated to the numbers in ``clinical.md`` §1: from the PSIS a track 24° lateral
(toward the ASIS) travels 71.4 mm in bone before the inner table (scaled by sex), a perpendicular
one 32 mm before the SI joint, and the greater sciatic notch lies 53 mm from the PSIS.  Every
coefficient is in ``sim/model/params/anatomy.toml`` with its source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from sim.model.donor import Donor
from sim.model.parameters import table
from sim.model.tissue import Tissue
from sim.vocabulary.technique import Thresholds

Side = Literal["left", "right"]
Vec3 = tuple[float, float, float]

LANDMARKS = ("left_psis", "right_psis", "left_asis", "right_asis")
Region = Literal["posterior", "anterior"]


def landmark_region(landmark: str) -> Region:
    """Which approach a landmark belongs to: the PSIS (prone) or the ASIS (supine)."""
    return "anterior" if landmark.endswith("_asis") else "posterior"


def landmark_side(landmark: str) -> Side:
    return "left" if landmark.startswith("left") else "right"


def direction(lateral_deg: float, cranial_deg: float) -> Vec3:
    """Unit vector (lateral, cranial, depth) for a needle aimed off the perpendicular."""
    lat, cra = math.radians(lateral_deg), math.radians(cranial_deg)
    return (math.cos(cra) * math.sin(lat), math.sin(cra), math.cos(cra) * math.cos(lat))


class Face(StrEnum):
    """The faces of the ilium solid; what lies beyond each one differs."""

    LATERAL_SURFACE = "lateral_surface"
    MEDIAL_SURFACE = "medial_surface"
    CAUDAL_SURFACE = "caudal_surface"
    INNER_TABLE = "inner_table"
    OUTER_TABLE = "outer_table"
    CREST = "crest"
    NOTCH = "notch"
    ANTERIOR_CREST = "anterior_crest"
    ASIS_END = "asis_end"


POSTERIOR_FACES = (Face.LATERAL_SURFACE, Face.MEDIAL_SURFACE, Face.CAUDAL_SURFACE)
INNER_FACES = (Face.INNER_TABLE, Face.NOTCH)


#: Distinct tracks an Anatomy keeps profiled (a harvest uses a few dozen).
PROFILE_CACHE = 512


@dataclass(frozen=True)
class Plane:
    """Half-space ``a . p <= c`` (inside the bone)."""

    face: Face
    a: Vec3
    c: float

    def value(self, p: Vec3) -> float:
        """Signed excess: positive outside the half-space."""
        return self.a[0] * p[0] + self.a[1] * p[1] + self.a[2] * p[2] - self.c

    def norm(self) -> float:
        return math.sqrt(self.a[0] ** 2 + self.a[1] ** 2 + self.a[2] ** 2)

    def shifted(self, inset_mm: float) -> Plane:
        """The same face moved ``inset_mm`` into the solid."""
        return Plane(self.face, self.a, self.c - inset_mm * self.norm())


@dataclass(frozen=True)
class Segment:
    """A stretch of needle track (``start_mm`` to ``end_mm`` from the skin) in one tissue."""

    start_mm: float
    end_mm: float
    tissue: Tissue


@dataclass(frozen=True)
class TrackProfile:
    """The tissues along a straight track from the skin, in order."""

    segments: tuple[Segment, ...]

    def tissue_at(self, depth_mm: float) -> Tissue:
        return self.segment_at(depth_mm).tissue

    def segment_at(self, depth_mm: float) -> Segment:
        for seg in self.segments:
            if depth_mm < seg.end_mm:
                return seg
        return self.segments[-1]

    def first(self, tissue: Tissue) -> Segment | None:
        return next((s for s in self.segments if s.tissue == tissue), None)

    def bone_travel_mm(self) -> float:
        """Length of the first continuous stretch of bone (cortex and marrow) on the track."""
        total, started = 0.0, False
        for seg in self.segments:
            if seg.tissue.is_bone and seg.tissue != Tissue.INNER_CORTEX:
                total += seg.end_mm - seg.start_mm
                started = True
            elif started:
                break
        return total


@dataclass(frozen=True)
class DorsalMap:
    """What the operator sees and palpates on the prone donor's back (dorsal map, mm)."""

    psis: dict[str, tuple[float, float]]
    crest: dict[str, tuple[tuple[float, float], ...]]
    sacrum: tuple[tuple[float, float], ...]
    si_joint: dict[str, tuple[tuple[float, float], tuple[float, float]]]
    notch: dict[str, tuple[float, float]]
    cluneal: dict[str, tuple[float, float]]
    midline: tuple[tuple[float, float], tuple[float, float]]


class Anatomy:
    """The posterior pelvis of one donor."""

    def __init__(self, donor: Donor) -> None:
        self.donor = donor
        a = table("anatomy")
        self.scale = donor.geometry_scale
        self.soft_mm = donor.soft_tissue_mm
        self.skin_mm = a.skin_mm
        self.outer_cortex_mm = donor.outer_cortex_mm
        self.inner_cortex_mm = donor.inner_cortex_mm
        self.planes = self._build_planes()
        self.marrow_planes = tuple(
            p.shifted(self.inner_cortex_mm if p.face in INNER_FACES else self.outer_cortex_mm)
            for p in self.planes
        )
        self._notch = next(p for p in self.planes if p.face == Face.NOTCH)

    # ----------------------------------------------------------------- geometry
    def _build_planes(self) -> tuple[Plane, ...]:
        a, s, b0 = table("anatomy"), self.scale, self.soft_mm
        # Hirahara measured the bone along the ideal track (the technique table's ideal aim).
        phi = math.radians(Thresholds().ideal_lateral_deg)
        travel, perp = a.lateral_travel_mm * s, a.perpendicular_travel_mm * s
        # The marrow side of the inner table passes through the perpendicular exit (0, b0+perp)
        # and the ideal track's exit; the table itself lies inner_cortex_mm beyond.
        k = (travel * math.cos(phi) - perp) / (travel * math.sin(phi))
        inner_c = b0 + perp + self.inner_cortex_mm * math.sqrt(1.0 + k * k)
        nd, nl = a.notch_depth_slope, a.notch_lateral_slope
        notch_c = a.notch_distance_mm * s * math.sqrt(1.0 + nd * nd + nl * nl)
        return (
            Plane(Face.LATERAL_SURFACE, (a.lateral_surface_slope, 0.0, -1.0), -b0),
            Plane(Face.MEDIAL_SURFACE, (-a.medial_surface_slope, 0.0, -1.0), -b0),
            Plane(
                Face.CAUDAL_SURFACE,
                (0.0, -a.caudal_surface_slope, -1.0),
                -b0 + a.caudal_surface_slope * 10.0 * s,
            ),
            Plane(Face.INNER_TABLE, (-k, 0.0, 1.0), inner_c),
            Plane(
                Face.OUTER_TABLE,
                (1.0, -a.outer_table_rise_per_cranial, -a.outer_table_slope),
                a.outer_table_offset_mm * s - a.outer_table_slope * b0,
            ),
            Plane(
                Face.CREST,
                (-a.crest_rise_per_lateral, 1.0, -a.crest_rise_per_depth),
                a.crest_height_mm * s - a.crest_rise_per_depth * b0,
            ),
            Plane(Face.NOTCH, (nl, -1.0, nd), notch_c + nd * b0),
        )

    @property
    def psis_bone_point(self) -> Vec3:
        """The bone surface at the PSIS, in the PSIS-local frame."""
        return (0.0, 0.0, self.soft_mm)

    def classify(self, p: Vec3) -> Tissue:
        """The tissue at a point of the PSIS-local frame."""
        a = table("anatomy")
        u, _, w = p
        if w < 0.0:
            return Tissue.AIR
        if w < self.skin_mm:
            return Tissue.SKIN
        outside = [pl.face for pl in self.planes if pl.value(p) > 0.0]
        if not outside:
            inset = [pl.face for pl in self.marrow_planes if pl.value(p) > 0.0]
            if not inset:
                return Tissue.MARROW
            if any(f in INNER_FACES for f in inset):
                return Tissue.INNER_CORTEX
            return Tissue.OUTER_CORTEX
        in_front = any(f in POSTERIOR_FACES for f in outside)
        sacrum_depth = self.soft_mm + a.sacrum_depth_mm * self.scale
        if in_front and w < sacrum_depth:
            return Tissue.FAT
        if u < -a.sacrum_medial_mm * self.scale and w >= sacrum_depth:
            return Tissue.SI_JOINT
        if Face.INNER_TABLE in outside:
            if u < a.si_joint_lateral_limit_mm * self.scale:
                return Tissue.SI_JOINT
            return Tissue.PELVIS
        if Face.NOTCH in outside:
            return Tissue.SCIATIC_NOTCH
        if in_front:
            return Tissue.FAT
        return Tissue.MUSCLE

    def notch_distance_mm(self, p: Vec3) -> float:
        """Distance from a point inside the ilium to the sciatic-notch border (negative beyond)."""
        return -self._notch.value(p) / self._notch.norm()

    def axis_cuts(self) -> tuple[tuple[int, float], ...]:
        """Where :meth:`classify` changes besides the faces and their cortex insets: each is
        ``(axis, level)``, the plane where coordinate ``axis`` (0 lateral, 2 depth) equals
        ``level`` (the skin's underside, the sacrum's depth, the SI line, the sacrum's edge).
        Together with the faces they bound every region of one tissue (the section view draws
        them)."""
        a = table("anatomy")
        return (
            (2, self.skin_mm),
            (2, self.soft_mm + a.sacrum_depth_mm * self.scale),
            (0, a.si_joint_lateral_limit_mm * self.scale),
            (0, -a.sacrum_medial_mm * self.scale),
        )

    def profile(self, origin: Vec3, d: Vec3, length_mm: float) -> TrackProfile:
        """Tissues along the track ``origin + t d`` for ``0 <= t <= length_mm``.

        Breakpoints are where the track crosses a face, a cortex inset, the skin or the SI
        line; each stretch between them is classified at its midpoint, and equal neighbours merge.
        """
        # A track's profile is a pure function of its geometry, and a harvest re-profiles the
        # same few dozen tracks hundreds of times as the needle goes back to them: those
        # already profiled are kept (bounded, cleared when full; every anatomy has its own).
        cache: dict[tuple[Vec3, Vec3, float], TrackProfile] = self.__dict__.setdefault(
            "_profiles", {}
        )
        key = (tuple(origin), tuple(d), float(length_mm))
        known = cache.get(key)
        if known is None:
            if len(cache) >= PROFILE_CACHE:
                cache.clear()
            known = cache[key] = self._profile(origin, d, length_mm)
        return known

    def _profile(self, origin: Vec3, d: Vec3, length_mm: float) -> TrackProfile:
        cuts = {0.0, length_mm}
        for plane in self.planes + self.marrow_planes:
            denom = sum(plane.a[i] * d[i] for i in range(3))
            if abs(denom) > 1e-12:
                t = (plane.c - sum(plane.a[i] * origin[i] for i in range(3))) / denom
                if 0.0 < t < length_mm:
                    cuts.add(t)
        for axis, level in self.axis_cuts():
            if abs(d[axis]) > 1e-12:
                t = (level - origin[axis]) / d[axis]
                if 0.0 < t < length_mm:
                    cuts.add(t)
        points = sorted(cuts)
        segments: list[Segment] = []
        for t0, t1 in zip(points, points[1:], strict=False):
            if t1 - t0 < 1e-9:
                continue
            tm = 0.5 * (t0 + t1)
            tissue = self.classify(tuple(origin[i] + tm * d[i] for i in range(3)))
            if segments and segments[-1].tissue == tissue:
                segments[-1] = Segment(segments[-1].start_mm, t1, tissue)
            else:
                segments.append(Segment(t0, t1, tissue))
        return TrackProfile(tuple(segments))

    # ----------------------------------------------------------------- dorsal map
    @property
    def psis_half_separation_mm(self) -> float:
        return table("anatomy").psis_separation_mm * self.scale / 2.0

    def psis_xy(self, side: Side) -> tuple[float, float]:
        half = self.psis_half_separation_mm
        return (-half, 0.0) if side == "left" else (half, 0.0)

    def to_local(self, side: Side, x_mm: float, y_mm: float) -> tuple[float, float]:
        """Dorsal-map point to (lateral, cranial) of that side's PSIS."""
        px, py = self.psis_xy(side)
        sign = -1.0 if side == "left" else 1.0
        return ((x_mm - px) * sign, y_mm - py)

    def to_dorsal(self, side: Side, lateral_mm: float, cranial_mm: float) -> tuple[float, float]:
        px, py = self.psis_xy(side)
        sign = -1.0 if side == "left" else 1.0
        return (px + sign * lateral_mm, py + cranial_mm)

    def nearest_side(self, x_mm: float) -> Side:
        return "left" if x_mm < 0 else "right"

    def dorsal_map(self) -> DorsalMap:
        """Landmarks for drawing and palpation."""
        s = self.scale
        crest, si, notch, cluneal, psis = {}, {}, {}, {}, {}
        for side in ("left", "right"):
            psis[side] = self.psis_xy(side)
            # The crest curves from the PSIS laterally and cranially toward its summit.
            pts = []
            for i in range(13):
                lat = i * 12.0 * s
                cra = 55.0 * s * math.sin(min(1.0, lat / (120.0 * s)) * math.pi / 2) ** 1.3
                pts.append(self.to_dorsal(side, lat, cra))
            crest[side] = tuple(pts)
            si[side] = (
                self.to_dorsal(side, -6.0 * s, -4.0 * s),
                self.to_dorsal(side, -16.0 * s, -60.0 * s),
            )
            notch[side] = self.to_dorsal(side, 22.0 * s, -48.0 * s)
            cluneal[side] = self.to_dorsal(side, 55.0 * s, 40.0 * s)
        half = self.psis_half_separation_mm
        sacrum = (
            (-half + 8 * s, 25 * s),
            (half - 8 * s, 25 * s),
            (half - 14 * s, -40 * s),
            (half * 0.35, -95 * s),
            (-half * 0.35, -95 * s),
            (-half + 14 * s, -40 * s),
        )
        return DorsalMap(
            psis=psis,
            crest=crest,
            sacrum=sacrum,
            si_joint=si,
            notch=notch,
            cluneal=cluneal,
            midline=((0.0, 160.0 * s), (0.0, -140.0 * s)),
        )

    def site_zone(self, lateral_mm: float, cranial_mm: float, length_mm: float = 100.0) -> str:
        """Where a skin site lies against the posterior crest: ``safe`` or the hazard it is near.

        The safe zone is the PSIS table and the posterior crest within ~3 cm of it; medial of
        the PSIS lies the SI joint and sacrum, inferolateral the sciatic notch (5.3 cm), and far
        lateral along the crest the superior cluneal nerves (~6 cm lateral of the SI joint).
        """
        s = self.scale
        if lateral_mm < -8.0 * s:
            return "medial_si_joint"
        if cranial_mm < -15.0 * s:
            return "caudal_sciatic_notch"
        if lateral_mm > 35.0 * s or cranial_mm > 30.0 * s:
            return "lateral_cluneal_nerves"
        if not self.reaches_marrow(lateral_mm, cranial_mm, length_mm):
            return "off_bone"
        return "safe"

    #: Aims a trainee could reasonably use from a posterior-crest site, as (lateral, cranial)
    #: offsets in degrees from the ideal lateral aim (the technique table) and from level.
    REASONABLE_AIM_OFFSETS = ((0.0, 10.0), (0.0, 0.0), (-6.0, 5.0), (-12.0, 0.0), (6.0, 10.0))

    @classmethod
    def reasonable_aims(cls) -> list[tuple[float, float]]:
        """(lateral, cranial) aims around the ideal track that a site should reach marrow by."""
        ideal = Thresholds().ideal_lateral_deg
        return [(ideal + lat, cra) for lat, cra in cls.REASONABLE_AIM_OFFSETS]

    def reaches_marrow(self, lateral_mm: float, cranial_mm: float, length_mm: float = 100.0):
        """Whether some reasonable aim from this skin site meets marrow within the needle."""
        entry = (lateral_mm, cranial_mm, 0.0)
        return any(
            self.profile(entry, direction(lat, cra), length_mm).first(Tissue.MARROW) is not None
            for lat, cra in self.reasonable_aims()
        )


class AnteriorAnatomy(Anatomy):
    """The anterior iliac crest of a supine donor: the backup site (clinical.md §1, §5).

    The frame is ASIS-local, on the skin over the crest at the ASIS: ``u`` lateral (across the
    wing), ``v`` back along the crest away from the ASIS, ``w`` depth below the skin into the
    wing.  A skin site is marked ``cranial_mm`` back along the crest from the ASIS and
    ``lateral_mm`` off the crest line; an aim's ``lateral_deg`` tilts the needle across the
    wing (toward the outer table), its ``cranial_deg`` along the crest.

    The wing is a slab between its inner (pelvic) and outer (gluteal) tables,
    ``anterior_wing_half_mm`` either side of the crest line and thinning with depth, under a
    thick cortical cap (``anterior_crest_cortex_mm``: 'the crest's thick cortical bone').
    Through the inner table lies the iliac fossa (the pelvis: critical); through the outer
    table the gluteal muscles.  The ideal track runs straight down the wing (0 deg either way,
    the technique table's anterior aim).  Every number is in anatomy.toml.
    """

    region = "anterior"

    def __init__(self, donor: Donor) -> None:
        a = table("anatomy")
        self.donor = donor
        self.scale = donor.geometry_scale
        depth = donor.soft_tissue_mm * a.anterior_soft_tissue_ratio
        self.soft_mm = max(a.soft_tissue_min_mm, depth)
        self.skin_mm = a.skin_mm
        thin = donor.cortex_factor * min(1.0, self.scale)
        self.outer_cortex_mm = a.anterior_crest_cortex_mm * thin
        self.inner_cortex_mm = a.anterior_table_cortex_mm * thin
        self.planes = self._build_planes()
        self.marrow_planes = tuple(
            p.shifted(
                self.outer_cortex_mm if p.face == Face.ANTERIOR_CREST else self.inner_cortex_mm
            )
            for p in self.planes
        )

    def _build_planes(self) -> tuple[Plane, ...]:
        a, b0 = table("anatomy"), self.soft_mm
        h, k = a.anterior_wing_half_mm * self.scale, a.anterior_wing_taper
        return (
            Plane(Face.ANTERIOR_CREST, (0.0, 0.0, -1.0), -b0),
            Plane(Face.INNER_TABLE, (-1.0, 0.0, k), h + k * b0),
            Plane(Face.OUTER_TABLE, (1.0, 0.0, k), h + k * b0),
            Plane(Face.ASIS_END, (0.0, -1.0, 0.0), 5.0 * self.scale),
        )

    @property
    def psis_bone_point(self) -> Vec3:
        return (0.0, 0.0, self.soft_mm)

    def classify(self, p: Vec3) -> Tissue:
        if p[2] < 0.0:
            return Tissue.AIR
        if p[2] < self.skin_mm:
            return Tissue.SKIN
        outside = {pl.face for pl in self.planes if pl.value(p) > 0.0}
        if not outside:
            inset = {pl.face for pl in self.marrow_planes if pl.value(p) > 0.0}
            if not inset:
                return Tissue.MARROW
            if Face.INNER_TABLE in inset:
                return Tissue.INNER_CORTEX
            return Tissue.OUTER_CORTEX
        if Face.ANTERIOR_CREST in outside or Face.ASIS_END in outside:
            return Tissue.FAT
        if Face.INNER_TABLE in outside:
            return Tissue.PELVIS
        return Tissue.MUSCLE

    def notch_distance_mm(self, p: Vec3) -> float:
        return math.inf  # the sciatic notch is far from the anterior crest

    def axis_cuts(self) -> tuple[tuple[int, float], ...]:
        return ((2, self.skin_mm),)

    @property
    def half_separation_mm(self) -> float:
        return table("anatomy").asis_separation_mm * self.scale / 2.0

    def to_dorsal(self, side: Side, lateral_mm: float, cranial_mm: float) -> tuple[float, float]:
        """A point of the front map (mm): ``x`` to the donor's right, ``y`` cranial."""
        sign = -1.0 if side == "left" else 1.0
        return (sign * (self.half_separation_mm + lateral_mm + 0.5 * cranial_mm), cranial_mm)

    def site_zone(self, lateral_mm: float, cranial_mm: float, length_mm: float = 100.0) -> str:
        """``safe`` 2-3 cm or more behind the ASIS on the crest; else what the site risks."""
        a = table("anatomy")
        if cranial_mm < a.anterior_site_min_mm * self.scale:
            return "near_asis_nerve"
        if abs(lateral_mm) > a.anterior_wing_half_mm * self.scale:
            return "off_crest"
        if not self.reaches_marrow(lateral_mm, cranial_mm, length_mm):
            return "off_bone"
        return "safe"

    REASONABLE_AIM_OFFSETS = ((0.0, 0.0), (0.0, 10.0), (0.0, -10.0), (5.0, 0.0), (-5.0, 0.0))

    @classmethod
    def reasonable_aims(cls) -> list[tuple[float, float]]:
        ideal = Thresholds().anterior_ideal_lateral_deg
        return [(ideal + lat, cra) for lat, cra in cls.REASONABLE_AIM_OFFSETS]
