"""The 2D section through a skin site along the needle's aim, drawn from the anatomy's geometry.

The section plane contains the depth axis and the needle's horizontal aim, so the needle lies in
it.  The tissue regions are solved exactly in that plane (``sim.ui.art.section_geometry``: every
boundary of the model is a plane, so a straight line here) and painted at the rect's pixel size
with textures and anti-aliased boundaries (``sim.ui.art.section_art``).  The picture is cached
per site, aim and size, so a frame during a push only blits it and draws the needle.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pygame

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
    geometry: SectionGeometry | None = None


def section_scale(rect: pygame.Rect) -> float:
    """Pixels per millimetre of the section drawn in ``rect`` (its height spans T_RANGE_MM)."""
    return rect.height / (T_RANGE_MM[1] - T_RANGE_MM[0])


def render_section(
    anatomy: Anatomy,
    entry: tuple[float, float],
    lateral_deg: float,
    cranial_deg: float,
    rect: pygame.Rect,
) -> Section:
    """Draw the section for a skin site at ``entry`` (PSIS-local mm) and an aim, at the pixel
    size of ``rect``: exact tissue polygons, textured, with anti-aliased boundaries."""
    h = aim_axis(lateral_deg, cranial_deg)
    t0, t1 = T_RANGE_MM
    ppm = section_scale(rect)
    s0 = S_RANGE_MM[0]
    s1 = s0 + rect.width / ppm  # fill the width at the same scale (the needle is to scale)
    cam = MmCamera((rect.x - s0 * ppm, rect.y - t0 * ppm), ppm)
    geom = solve_section(anatomy, entry, h, (s0, s1), (t0, t1))
    surf, label = paint_section(geom, rect.size, ppm, anatomy.skin_mm)
    return Section(surf, cam, h, _label_spots(label, rect), geom)


def _label_spots(label: np.ndarray, rect: pygame.Rect) -> list[tuple[Tissue, tuple[int, int]]]:
    """For each tissue big enough to name, the pixel nearest its centroid (inside even a thin,
    curved band), sampled every few pixels."""
    step = max(4, round(rect.height / 90))
    coarse = label[::step, ::step]
    spots = []
    for i, t in enumerate(TISSUES):
        if t in (Tissue.AIR, Tissue.SKIN):
            continue
        xs_, ys_ = np.nonzero(coarse == i)
        if xs_.size * step * step < 900:
            continue
        cx, cy = xs_.mean(), ys_.mean()
        k = int(np.argmin((xs_ - cx) ** 2 + (ys_ - cy) ** 2))
        spots.append((t, (rect.x + int(xs_[k]) * step, rect.y + int(ys_[k]) * step)))
    return spots


class SectionCache:
    """Keeps the last few sections, so one is only drawn again when the site, aim or size is
    new (aiming back and forth reuses them)."""

    KEEP = 3

    def __init__(self) -> None:
        self._sections: OrderedDict[tuple, Section] = OrderedDict()

    def get(self, anatomy, entry, lateral_deg, cranial_deg, rect) -> Section:
        key = (id(anatomy), entry, round(lateral_deg, 3), round(cranial_deg, 3), tuple(rect))
        section = self._sections.get(key)
        if section is None:
            section = render_section(anatomy, entry, lateral_deg, cranial_deg, rect)
            self._sections[key] = section
            while len(self._sections) > self.KEEP:
                self._sections.popitem(last=False)
        else:
            self._sections.move_to_end(key)
        return section
