"""The 2D section through a skin site along the needle's aim, drawn from the anatomy's geometry.

The section plane contains the depth axis and the needle's horizontal aim, so the needle lies in
it.  The tissue regions are solved exactly in that plane (``sim.ui.art.section_geometry``: every
boundary of the model is a plane, so a straight line here) and painted at the window's own pixel
size with textures and anti-aliased boundaries (``sim.ui.art.section_art``).  The picture is
cached per site, aim and pixel size, so a frame during a push only blits it and draws the needle.
The camera maps millimetres to layout units; the labels' places are found on the painted
picture's tissue map (sampled about every 6 units).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import pygame

from sim.i18n import _
from sim.model.anatomy import Anatomy, direction
from sim.model.tissue import Tissue
from sim.ui.art.section_art import paint_section
from sim.ui.art.section_geometry import SectionGeometry, solve_section
from sim.ui.camera import MmCamera

TISSUES = list(Tissue)
S_RANGE_MM = (-45.0, 105.0)  # along the aim, from the skin site
T_RANGE_MM = (-16.0, 106.0)  # depth below the skin


def aim_axis(lateral_deg: float, cranial_deg: float) -> tuple[float, float]:
    """Unit (lateral, cranial) direction of the needle's horizontal aim (lateral if vertical)."""
    d = direction(lateral_deg, cranial_deg)
    mag = math.hypot(d[0], d[1])
    if mag < 0.02:
        return (1.0, 0.0)
    return (d[0] / mag, d[1] / mag)


def describe_axis(h: tuple[float, float]) -> tuple[str, str]:
    """Plain names of the section's right and left ends (e.g. 'lateral', 'medial')."""

    def name(u: float, v: float) -> str:
        parts = []
        if abs(v) > 0.38:
            parts.append(_("cranial") if v > 0 else _("caudal"))
        if abs(u) > 0.38:
            parts.append(
                _("lateral (toward the ASIS)") if u > 0 else _("medial (toward the spine)")
            )
        return " & ".join(parts) or _("lateral")

    return name(*h), name(-h[0], -h[1])


@dataclass
class Section:
    """A rendered section and where its regions are, for labels."""

    surface: pygame.Surface
    camera: MmCamera
    axis: tuple[float, float]
    labels: list[tuple[Tissue, tuple[int, int]]]
    #: Other points of each labelled region (nearest the label's point first), where its label
    #: can go when the first point is taken.
    spots: dict[Tissue, list[tuple[int, int]]] = field(default_factory=dict)
    #: The tissue index (into ``TISSUES``) every ``grid_step`` units from ``grid_origin``.
    grid: np.ndarray | None = None
    grid_origin: tuple[float, float] = (0.0, 0.0)
    grid_step: float = 6.0
    #: The solved section (millimetres) the picture was painted from.
    geometry: SectionGeometry | None = None
    _candidates: dict = field(default_factory=dict, repr=False)

    def tissue_at(self, x: float, y: float) -> Tissue | None:
        """The tissue at a point (layout units), or None outside the section."""
        if self.grid is None:
            return None
        i = round((x - self.grid_origin[0]) / self.grid_step)
        j = round((y - self.grid_origin[1]) / self.grid_step)
        if 0 <= i < self.grid.shape[0] and 0 <= j < self.grid.shape[1]:
            return TISSUES[int(self.grid[i, j])]
        return None

    def covers(self, tissue: Tissue, rect: pygame.Rect) -> int:
        """How well ``rect`` (a label) lies in ``tissue``: 2 its middle and both ends do, 1 only
        its middle, 0 not even that."""
        y = rect.centery
        if self.tissue_at(rect.centerx, y) != tissue:
            return 0
        ends = (self.tissue_at(rect.x + 3, y), self.tissue_at(rect.right - 3, y))
        return 2 if ends == (tissue, tissue) else 1

    def label_places(self, tissue: Tissue, size: tuple[int, int]) -> list[pygame.Rect]:
        """Where a label of ``size`` for ``tissue`` can go, best first: centred on, starting
        at or ending at one of the region's spots, wholly in the region (its middle and both
        ends), then centred with only its middle in it (once per section and size)."""
        key = (tissue, size)
        found = self._candidates.get(key)
        if found is not None:
            return found
        found = []
        pts = np.array(self.spots.get(tissue, ()), dtype=float).reshape(-1, 2)
        if self.grid is not None and len(pts):
            w, h = size
            want = TISSUES.index(tissue)
            nx, ny = self.grid.shape

            def on(x: np.ndarray, y: np.ndarray) -> np.ndarray:
                i = np.rint((x - self.grid_origin[0]) / self.grid_step).astype(int)
                j = np.rint((y - self.grid_origin[1]) / self.grid_step).astype(int)
                inside = (i >= 0) & (i < nx) & (j >= 0) & (j < ny)
                hit = np.zeros(len(x), dtype=bool)
                hit[inside] = self.grid[i[inside], j[inside]] == want
                return hit

            sx, sy = pts[:, 0], pts[:, 1]
            top = np.rint(sy - h / 2)
            cy = top + h // 2
            full, middle = [], []
            for k, left in enumerate((sx - w / 2, sx - 4, sx + 4 - w)):
                x0 = np.rint(left)
                mid = on(x0 + w // 2, cy)
                ends = on(x0 + 3, cy) & on(x0 + w - 3, cy)
                fits = np.nonzero(mid & ends)[0]
                full += [(n, k) for n in fits]
                if k == 0:
                    middle = [n for n in np.nonzero(mid & ~ends)[0]]
            full.sort()  # nearest spot first, then its alignments
            found = [pygame.Rect(0, 0, w, h) for _ in range(len(full) + len(middle))]
            lefts = ((sx - w / 2), (sx - 4), (sx + 4 - w))
            for r, (n, k) in zip(found, full, strict=False):
                r.topleft = (round(lefts[k][n]), int(top[n]))
            for r, n in zip(found[len(full) :], middle, strict=True):
                r.topleft = (round(lefts[0][n]), int(top[n]))
        self._candidates[key] = found
        return found


def section_scale(rect: pygame.Rect) -> float:
    """Layout units per millimetre of the section drawn in ``rect`` (its height spans
    T_RANGE_MM); times the painter's scale, pixels per millimetre."""
    return rect.height / (T_RANGE_MM[1] - T_RANGE_MM[0])


def render_section(
    anatomy: Anatomy,
    entry: tuple[float, float],
    lateral_deg: float,
    cranial_deg: float,
    rect: pygame.Rect,
    scale: float = 1.0,
) -> Section:
    """Draw the section for a skin site at ``entry`` (PSIS-local mm) and an aim, to fill
    ``rect`` (layout units) at ``scale`` pixels per unit (the window's native resolution):
    exact tissue polygons, textured, with anti-aliased boundaries."""
    h = aim_axis(lateral_deg, cranial_deg)
    t0, t1 = T_RANGE_MM
    ppm = section_scale(rect)
    s0 = S_RANGE_MM[0]
    s1 = s0 + rect.width / ppm  # fill the width at the same scale (the needle is to scale)
    cam = MmCamera((rect.x - s0 * ppm, rect.y - t0 * ppm), ppm)
    w, hgt = round(rect.width * scale), round(rect.height * scale)  # the picture, in pixels
    geom = solve_section(anatomy, entry, h, (s0, s1), (t0, t1))
    surf, label = paint_section(geom, (w, hgt), ppm * scale, anatomy.skin_mm)
    labels = []
    spots: dict[Tissue, list[tuple[int, int]]] = {}
    step = max(1, round(6 * scale))  # about 6 layout units
    coarse = label[::step, ::step]
    for i, t in enumerate(TISSUES):
        if t in (Tissue.AIR, Tissue.SKIN):
            continue
        xs_, ys_ = np.nonzero(coarse == i)
        if xs_.size < 25:
            continue
        # The region's pixel nearest its centroid (inside even a thin, curved band).
        cx, cy = xs_.mean(), ys_.mean()
        k = int(np.argmin((xs_ - cx) ** 2 + (ys_ - cy) ** 2))
        at = (rect.x + int(xs_[k]) * step / scale, rect.y + int(ys_[k]) * step / scale)
        labels.append((t, (round(at[0]), round(at[1]))))
        d2 = (xs_ - xs_[k]) ** 2 + (ys_ - ys_[k]) ** 2
        near = np.argpartition(d2, 600)[:600] if d2.size > 600 else np.arange(d2.size)
        near = near[np.argsort(d2[near], kind="stable")]
        px = np.rint(rect.x + xs_[near] * step / scale).astype(int)
        py = np.rint(rect.y + ys_[near] * step / scale).astype(int)
        spots[t] = list(zip(px.tolist(), py.tolist(), strict=True))
    return Section(surf, cam, h, labels, spots, coarse.copy(), (rect.x, rect.y), step / scale, geom)


class SectionCache:
    """Keeps the last few sections, so one is only drawn again when the site, aim or pixel
    size is new (aiming back and forth reuses them)."""

    KEEP = 3

    def __init__(self) -> None:
        self._sections: OrderedDict[tuple, Section] = OrderedDict()

    def get(self, anatomy, entry, lateral_deg, cranial_deg, rect, scale: float = 1.0) -> Section:
        key = (id(anatomy), entry, round(lateral_deg, 3), round(cranial_deg, 3), tuple(rect), scale)
        section = self._sections.get(key)
        if section is None:
            section = render_section(anatomy, entry, lateral_deg, cranial_deg, rect, scale)
            self._sections[key] = section
            while len(self._sections) > self.KEEP:
                self._sections.popitem(last=False)
        else:
            self._sections.move_to_end(key)
        return section
