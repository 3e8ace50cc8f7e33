"""The section through a skin site along the needle's aim, solved exactly from the anatomy.

Every boundary of :meth:`Anatomy.classify` is a plane: the ilium's faces, the same faces moved in
by the cortex (``marrow_planes``), the skin surface and the few axis-aligned cuts of
:meth:`Anatomy.axis_cuts`.  The section plane (depth and the needle's horizontal aim) meets each
plane in a straight line, so cutting the view by all those lines leaves convex cells, each wholly
one tissue (classified at its centre by the model itself).  The drawing fills the cells and strokes
the edges between cells of different tissues, so boundaries are exact at any pixel size: no raster
grid, no staircase.  Nothing here imports pygame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.model.anatomy import Anatomy, Plane
from sim.model.tissue import Tissue

Pt = tuple[float, float]
EPS = 1e-9


@dataclass(frozen=True)
class Line:
    """Half-plane ``a*s + b*t <= c`` of the section plane."""

    a: float
    b: float
    c: float

    def value(self, p: Pt) -> float:
        return self.a * p[0] + self.b * p[1] - self.c

    def distance(self, p: Pt) -> float:
        """Signed distance (mm) from the line; positive outside the half-plane."""
        return self.value(p) / math.hypot(self.a, self.b)


def split(poly: list[Pt], line: Line) -> tuple[list[Pt], list[Pt]]:
    """The parts of a convex polygon inside and outside ``line`` (either may be empty)."""
    vals = [line.value(p) for p in poly]
    if all(v <= EPS for v in vals):
        return poly, []
    if all(v >= -EPS for v in vals):
        return [], poly
    inside: list[Pt] = []
    outside: list[Pt] = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        vp, vq = vals[i], vals[(i + 1) % n]
        if vp <= EPS:
            inside.append(p)
        if vp >= -EPS:
            outside.append(p)
        if (vp < -EPS and vq > EPS) or (vp > EPS and vq < -EPS):
            k = vp / (vp - vq)
            x = (p[0] + k * (q[0] - p[0]), p[1] + k * (q[1] - p[1]))
            inside.append(x)
            outside.append(x)
    return inside, outside


def clip(poly: list[Pt], lines) -> list[Pt]:
    """A convex polygon cut down to the intersection of the half-planes ``lines``."""
    for line in lines:
        poly, _ = split(poly, line)
        if len(poly) < 3:
            return []
    return poly


def area(poly) -> float:
    return 0.5 * sum(
        poly[i][0] * poly[(i + 1) % len(poly)][1] - poly[(i + 1) % len(poly)][0] * poly[i][1]
        for i in range(len(poly))
    )


def centre(poly) -> Pt:
    n = len(poly)
    return (sum(p[0] for p in poly) / n, sum(p[1] for p in poly) / n)


@dataclass(frozen=True)
class Cell:
    """A convex piece of the section that is one tissue."""

    tissue: Tissue
    polygon: tuple[Pt, ...]


@dataclass(frozen=True)
class Boundary:
    """An edge between two tissues; ``inner`` is the tissue on the side the edge was found from."""

    inner: Tissue
    outer: Tissue
    a: Pt
    b: Pt


@dataclass
class SectionGeometry:
    """The solved section in millimetres: ``s`` along the aim, ``t`` depth below the skin."""

    view: tuple[float, float, float, float]  # s0, s1, t0, t1
    cells: list[Cell]
    boundaries: list[Boundary]
    bone: list[Pt]  # the ilium's outer surface (unclipped by the view)
    marrow: list[Pt]  # the marrow cavity (the cortex's inner surface)
    lamellae: list[list[Pt]] = field(default_factory=list)  # lines within the cortex
    marrow_lines: list[Line] = field(default_factory=list)

    def tissues(self) -> set[Tissue]:
        return {c.tissue for c in self.cells}

    def max_gap_mm(self) -> float:
        """The longest step between consecutive points along any boundary (0 for straight
        edges solved exactly; a traced raster would show its grid here)."""
        return max((math.dist(b.a, b.b) for b in self.boundaries), default=0.0)


class SectionPlane:
    """Maps section coordinates to the anatomy's PSIS-local frame for one site and aim."""

    def __init__(self, anatomy: Anatomy, entry: tuple[float, float], axis: tuple[float, float]):
        self.anatomy = anatomy
        self.entry = entry
        self.axis = axis

    def point(self, s: float, t: float) -> tuple[float, float, float]:
        (eu, ev), (hu, hv) = self.entry, self.axis
        return (eu + s * hu, ev + s * hv, t)

    def tissue_at(self, s: float, t: float) -> Tissue:
        return self.anatomy.classify(self.point(s, t))

    def line(self, plane: Plane, c: float | None = None) -> Line | None:
        """Where ``plane`` (or the same face moved to ``c``) meets the section."""
        (eu, ev), (hu, hv) = self.entry, self.axis
        a0, a1, a2 = plane.a
        a, b = a0 * hu + a1 * hv, a2
        if abs(a) + abs(b) < 1e-12:
            return None
        return Line(a, b, (plane.c if c is None else c) - a0 * eu - a1 * ev)

    def axis_line(self, axis: int, level: float) -> Line | None:
        (eu, ev), (hu, hv) = self.entry, self.axis
        if axis == 2:
            return Line(0.0, 1.0, level)
        base, slope = (eu, hu) if axis == 0 else (ev, hv)
        if abs(slope) < 1e-12:
            return None
        return Line(slope, 0.0, level - base)


def _box(s0: float, s1: float, t0: float, t1: float) -> list[Pt]:
    return [(s0, t0), (s1, t0), (s1, t1), (s0, t1)]


LAMELLAE = (0.3, 0.6)  # fractions of the cortex's thickness where lamellar lines are drawn
FAR_MM = 1000.0


def solve_section(
    anatomy: Anatomy,
    entry: tuple[float, float],
    axis: tuple[float, float],
    s_range: tuple[float, float],
    t_range: tuple[float, float],
) -> SectionGeometry:
    """Cells, boundaries and bone outlines of the section within the view ranges (mm)."""
    plane = SectionPlane(anatomy, entry, axis)
    lines = [plane.line(p) for p in anatomy.planes + anatomy.marrow_planes]
    lines += [plane.axis_line(ax, lv) for ax, lv in ((2, 0.0), *anatomy.axis_cuts())]
    s0, s1 = s_range
    t0, t1 = t_range
    cells = [_box(s0, s1, t0, t1)]
    for line in lines:
        if line is None:
            continue
        nxt = []
        for poly in cells:
            inside, outside = split(poly, line)
            nxt += [q for q in (inside, outside) if len(q) >= 3 and abs(area(q)) > 1e-9]
        cells = nxt
    solved = [Cell(plane.tissue_at(*centre(p)), tuple(p)) for p in cells]
    return SectionGeometry(
        view=(s0, s1, t0, t1),
        cells=solved,
        boundaries=_boundaries(plane, solved, (s0, s1, t0, t1)),
        bone=_solid(plane, anatomy.planes),
        marrow=_solid(plane, anatomy.marrow_planes),
        lamellae=[
            _solid(
                plane,
                anatomy.planes,
                [
                    p.c + f * (m.c - p.c)
                    for p, m in zip(anatomy.planes, anatomy.marrow_planes, strict=True)
                ],
            )
            for f in LAMELLAE
        ],
        marrow_lines=[ln for ln in (plane.line(p) for p in anatomy.marrow_planes) if ln],
    )


def _solid(plane: SectionPlane, planes, cs=None) -> list[Pt]:
    lines = [plane.line(p, None if cs is None else cs[i]) for i, p in enumerate(planes)]
    return clip(_box(-FAR_MM, FAR_MM, -FAR_MM, FAR_MM), [ln for ln in lines if ln is not None])


def _on_view_edge(p: Pt, q: Pt, view) -> bool:
    s0, s1, t0, t1 = view
    for k, lim in ((0, s0), (0, s1), (1, t0), (1, t1)):
        if abs(p[k] - lim) < 1e-6 and abs(q[k] - lim) < 1e-6:
            return True
    return False


def _boundaries(plane: SectionPlane, cells: list[Cell], view) -> list[Boundary]:
    """Edges between cells of different tissues, each once."""
    seen: set[tuple] = set()
    out: list[Boundary] = []
    for cell in cells:
        poly = cell.polygon
        sign = 1.0 if area(poly) > 0 else -1.0
        n = len(poly)
        for i in range(n):
            p, q = poly[i], poly[(i + 1) % n]
            length = math.dist(p, q)
            if length < 1e-6 or _on_view_edge(p, q, view):
                continue
            key = tuple(sorted((_rounded(p), _rounded(q))))
            if key in seen:
                continue
            # Outward normal of a counter-clockwise (s, t) polygon edge is (dt, -ds).
            nx, ny = sign * (q[1] - p[1]) / length, -sign * (q[0] - p[0]) / length
            mid = ((p[0] + q[0]) / 2 + nx * 1e-4, (p[1] + q[1]) / 2 + ny * 1e-4)
            other = plane.tissue_at(*mid)
            if other != cell.tissue:
                seen.add(key)
                out.append(Boundary(cell.tissue, other, p, q))
    return out


def _rounded(p: Pt) -> Pt:
    return (round(p[0], 5), round(p[1], 5))
