"""The 2D section through a skin site along the needle's aim: tissue bands from the anatomy.

The section plane contains the depth axis and the needle's horizontal aim, so the needle lies in
it.  Each 1.5 mm column is a vertical track profile from the anatomy model (exact tissue
boundaries in depth); the columns are rasterised with numpy and cached per site and aim.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pygame

from sim.model.anatomy import Anatomy, direction
from sim.model.tissue import Tissue
from sim.ui import theme
from sim.ui.camera import MmCamera

TISSUES = list(Tissue)
S_RANGE_MM = (-45.0, 105.0)  # along the aim, from the skin site
T_RANGE_MM = (-16.0, 106.0)  # depth below the skin
COLUMN_MM = 1.5


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
            parts.append("cranial" if v > 0 else "caudal")
        if abs(u) > 0.38:
            parts.append("lateral (toward the ASIS)" if u > 0 else "medial (toward the spine)")
        return " & ".join(parts) or "lateral"

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


def render_section(
    anatomy: Anatomy,
    entry: tuple[float, float],
    lateral_deg: float,
    cranial_deg: float,
    rect: pygame.Rect,
    scale: float = 1.0,
) -> Section:
    """Rasterise the section for a skin site at ``entry`` (PSIS-local mm) and an aim, to fill
    ``rect`` (layout units) at ``scale`` pixels per unit (the window's native resolution)."""
    h = aim_axis(lateral_deg, cranial_deg)
    t0, t1 = T_RANGE_MM
    ppm = rect.height / (t1 - t0)
    s0 = S_RANGE_MM[0]
    s1 = s0 + rect.width / ppm  # fill the width at the same scale (the needle is to scale)
    cam = MmCamera((rect.x - s0 * ppm, rect.y - t0 * ppm), ppm)
    w, hgt = round(rect.width * scale), round(rect.height * scale)  # the raster, in pixels
    ppm = hgt / (t1 - t0)  # raster pixels per mm
    grid = np.zeros((w, hgt), dtype=np.uint8)  # index into TISSUES; 0 is air
    y_skin = round(-t0 * ppm)
    n_cols = math.ceil((s1 - s0) / COLUMN_MM)
    for k in range(n_cols):
        s = s0 + (k + 0.5) * COLUMN_MM
        x0 = max(0, round((s - COLUMN_MM / 2 - s0) * ppm))
        x1 = min(w, round((s + COLUMN_MM / 2 - s0) * ppm))
        if x1 <= x0:
            continue
        origin = (entry[0] + s * h[0], entry[1] + s * h[1], 0.0)
        prof = anatomy.profile(origin, (0.0, 0.0, 1.0), t1)
        for seg in prof.segments:
            y0 = y_skin + round(seg.start_mm * ppm)
            y1 = min(hgt, y_skin + round(seg.end_mm * ppm))
            grid[x0:x1, y0:y1] = TISSUES.index(seg.tissue)
    lut = np.array([theme.TISSUE_COLOURS[t] for t in TISSUES], dtype=np.uint8)
    rgb = lut[grid]
    xs = np.arange(w)[:, None]
    ys = np.arange(hgt)[None, :]
    stripes = ((xs + ys) % max(4, round(12 * scale))) < max(1, round(3 * scale))
    danger = np.isin(grid, [TISSUES.index(t) for t in theme.HATCHED])
    rgb[danger & stripes] = (rgb[danger & stripes] * 0.55).astype(np.uint8)
    surf = (
        pygame.Surface((w, hgt)).convert()
        if pygame.display.get_surface()
        else pygame.Surface((w, hgt))
    )
    pygame.surfarray.blit_array(surf, rgb)
    labels = []
    spots: dict[Tissue, list[tuple[int, int]]] = {}
    step = max(1, round(6 * scale))  # about 6 layout units
    coarse = grid[::step, ::step]
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
        order = np.argsort((xs_ - xs_[k]) ** 2 + (ys_ - ys_[k]) ** 2)[:600]
        spots[t] = [
            (round(rect.x + xs_[j] * step / scale), round(rect.y + ys_[j] * step / scale))
            for j in order
        ]
    return Section(surf, cam, h, labels, spots, coarse, (rect.x, rect.y), step / scale)


class SectionCache:
    """Keeps the last section so it is only re-rasterised when the site or aim changes."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._section: Section | None = None

    def get(self, anatomy, entry, lateral_deg, cranial_deg, rect, scale: float = 1.0) -> Section:
        key = (id(anatomy), entry, round(lateral_deg, 3), round(cranial_deg, 3), tuple(rect), scale)
        if key != self._key or self._section is None:
            self._section = render_section(anatomy, entry, lateral_deg, cranial_deg, rect, scale)
            self._key = key
        return self._section
