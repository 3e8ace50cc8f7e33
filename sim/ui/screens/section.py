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
        d2 = (xs_ - xs_[k]) ** 2 + (ys_ - ys_[k]) ** 2
        near = np.argpartition(d2, 600)[:600] if d2.size > 600 else np.arange(d2.size)
        near = near[np.argsort(d2[near], kind="stable")]
        px = np.rint(rect.x + xs_[near] * step / scale).astype(int)
        py = np.rint(rect.y + ys_[near] * step / scale).astype(int)
        spots[t] = list(zip(px.tolist(), py.tolist(), strict=True))
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
