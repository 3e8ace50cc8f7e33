"""Paints a solved section (``section_geometry``) at its real pixel size.

Each cell is filled with its tissue's texture (``textures``), the skin as a graded dermis under a
darker epidermis, the cortex gets lamellar lines parallel to its surfaces, and every boundary
between two tissues is stroked with an anti-aliased line (periosteum, endosteum, fascia,
epidermis; danger zones edged in their own colour, thicker).  The result is one Surface: the
needle view blits it each frame and draws only the needle over it.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from sim.model.tissue import Tissue
from sim.ui import theme
from sim.ui.art import textures
from sim.ui.art.section_geometry import SectionGeometry

TISSUES = list(Tissue)

#: The texture of each tissue: a textures.tile kind, and for flat or hatched ones the colour.
TEXTURE: dict[Tissue, tuple[str, theme.Colour | None]] = {
    Tissue.AIR: ("air", None),
    Tissue.SKIN: ("flat", theme.TISSUE_COLOURS[Tissue.SKIN]),  # painted by depth below
    Tissue.FAT: ("fat", None),
    Tissue.MUSCLE: ("muscle", None),
    Tissue.OUTER_CORTEX: ("outer_cortex", None),
    Tissue.MARROW: ("marrow", None),
    Tissue.INNER_CORTEX: ("inner_cortex", None),
    Tissue.PELVIS: ("hatch\\", theme.TISSUE_COLOURS[Tissue.PELVIS]),
    Tissue.SI_JOINT: ("hatch/", theme.TISSUE_COLOURS[Tissue.SI_JOINT]),
    Tissue.SCIATIC_NOTCH: ("hatchx", theme.TISSUE_COLOURS[Tissue.SCIATIC_NOTCH]),
}

EPIDERMIS: theme.Colour = (150, 94, 76)
DERMIS_TOP: theme.Colour = (232, 184, 160)
DERMIS_DEEP: theme.Colour = (218, 156, 140)
PERIOSTEUM: theme.Colour = (120, 98, 74)
ENDOSTEUM: theme.Colour = (182, 150, 118)
LAMELLA: theme.Colour = (212, 200, 172)
FASCIA: theme.Colour = (240, 226, 206)


def _ppm_key(ppm: float) -> float:
    return round(ppm * 4) / 4  # textures are made per quarter pixel-per-mm


def stroke_style(a: Tissue, b: Tissue) -> tuple[theme.Colour, int] | None:
    """Colour and width (px) of the line between tissues ``a`` and ``b`` (None: no line)."""
    pair = {a, b}
    for danger in theme.HATCHED:
        if danger in pair:
            other = (pair - {danger}) or {danger}
            if other <= set(theme.HATCHED):
                return (20, 24, 30), 2
            return _darker(theme.TISSUE_COLOURS[danger], 0.6), 2
    if Tissue.AIR in pair:
        return EPIDERMIS, 1
    if pair & {Tissue.OUTER_CORTEX, Tissue.INNER_CORTEX} and pair & {
        Tissue.FAT,
        Tissue.MUSCLE,
        Tissue.SKIN,
    }:
        return PERIOSTEUM, 2
    if Tissue.MARROW in pair:
        return ENDOSTEUM, 1
    if pair == {Tissue.OUTER_CORTEX, Tissue.INNER_CORTEX}:
        return None
    if pair == {Tissue.SKIN, Tissue.FAT}:
        return (206, 150, 120), 1
    return FASCIA, 1


def _darker(c: theme.Colour, k: float) -> theme.Colour:
    return (round(c[0] * k), round(c[1] * k), round(c[2] * k))


class MmToPx:
    """Maps section millimetres to the surface's pixels (floats: anti-aliased lines)."""

    def __init__(self, view, ppm: float) -> None:
        self.s0, self.t0 = view[0], view[2]
        self.ppm = ppm

    def px(self, p) -> tuple[float, float]:
        return ((p[0] - self.s0) * self.ppm, (p[1] - self.t0) * self.ppm)


class Palette:
    """The colour every tissue has at any pixel: its texture tile, the skin graded by depth,
    the marrow darkened toward the endosteum."""

    def __init__(self, geom: SectionGeometry, m: MmToPx, skin_mm: float) -> None:
        key = _ppm_key(m.ppm)
        self.tiles = np.stack([textures.tile(TEXTURE[t][0], key, TEXTURE[t][1]) for t in TISSUES])
        self.m = m
        self.skin_mm = skin_mm
        self.marrow_lines = geom.marrow_lines

    def colours(self, tissue: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """RGB (float) of tissue indices ``tissue`` at pixels ``xs``, ``ys`` (same shapes)."""
        n = textures.TILE
        rgb = self.tiles[tissue, xs % n, ys % n].astype(np.float64)
        skin = tissue == TISSUES.index(Tissue.SKIN)
        if skin.any():
            rgb[skin] = self._skin(ys[skin])
        marrow = tissue == TISSUES.index(Tissue.MARROW)
        if marrow.any() and self.marrow_lines:
            rgb[marrow] *= self._marrow_shade(xs[marrow], ys[marrow])[:, None]
        return rgb

    def _skin(self, ys: np.ndarray) -> np.ndarray:
        m = self.m
        t = m.t0 + (ys + 0.5) / m.ppm  # depth below the skin surface
        f = np.clip(t / max(self.skin_mm, 1e-6), 0, 1)[:, None]
        top, deep, epi = (np.asarray(c, np.float64) for c in (DERMIS_TOP, DERMIS_DEEP, EPIDERMIS))
        rows = top + (deep - top) * f
        epi_k = np.clip(1.0 - t * m.ppm / max(1.5, 0.3 * m.ppm), 0, 1)[:, None]  # ~0.3 mm
        return rows + (epi - rows) * epi_k

    def _marrow_shade(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Marrow a little darker toward the cortex: the cavity reads as a hollow in the bone."""
        m = self.m
        s = m.s0 + (xs + 0.5) / m.ppm
        t = m.t0 + (ys + 0.5) / m.ppm
        depth = np.full(s.shape, np.inf)
        for ln in self.marrow_lines:
            depth = np.minimum(depth, -(ln.a * s + ln.b * t - ln.c) / np.hypot(ln.a, ln.b))
        return 0.72 + 0.28 * np.clip(depth / 3.0, 0, 1)  # within 3 mm of the endosteum


def paint_section(geom: SectionGeometry, size: tuple[int, int], ppm: float, skin_mm: float):
    """The section as a Surface of ``size`` pixels and its per-pixel tissue index (``[x, y]``)."""
    w, h = size
    m = MmToPx(geom.view, ppm)
    # Per-pixel tissue: the exact cells, filled at this resolution.
    label_surf = pygame.Surface((w, h))
    label_surf.fill((0, 0, 0))
    for cell in geom.cells:
        pygame.draw.polygon(
            label_surf, (TISSUES.index(cell.tissue), 0, 0), [m.px(p) for p in cell.polygon]
        )
    label = pygame.surfarray.array_red(label_surf)
    palette = Palette(geom, m, skin_mm)
    n = textures.TILE
    rgb = palette.tiles[label, (np.arange(w) % n)[:, None], (np.arange(h) % n)[None, :]]
    for tissue in (Tissue.SKIN, Tissue.MARROW):  # the tissues not drawn by their tile alone
        xs, ys = np.nonzero(label == TISSUES.index(tissue))
        if xs.size:
            idx = np.full(xs.shape, TISSUES.index(tissue))
            rgb[xs, ys] = np.clip(palette.colours(idx, xs, ys), 0, 255).astype(np.uint8)
    for b in geom.boundaries:
        _antialias(rgb, label, palette, m.px(b.a), m.px(b.b), b.inner, b.outer)
    surf = pygame.Surface((w, h))
    if pygame.display.get_surface() is not None:
        surf = surf.convert()
    pygame.surfarray.blit_array(surf, rgb)
    _lamellae(surf, geom, m)
    for b in geom.boundaries:
        style = stroke_style(b.inner, b.outer)
        if style is None:
            continue
        colour, width = style
        pygame.draw.aaline(surf, colour, m.px(b.a), m.px(b.b), width)
    return surf, label


def _antialias(rgb, label, palette: Palette, a, b, inner: Tissue, outer: Tissue) -> None:
    """Blend the two tissues' colours across the pixels within 2 px of the edge ``a``-``b`` by
    how much of each pixel lies on each side (the fill alone would show stair-steps)."""
    (ax, ay), (bx, by) = a, b
    length = math.hypot(bx - ax, by - ay)
    if length < 0.5:
        return
    w, h = label.shape
    steps = np.arange(0.0, length + 1.0)
    cx = ax + (bx - ax) * np.minimum(steps, length) / length
    cy = ay + (by - ay) * np.minimum(steps, length) / length
    band = np.arange(-2, 3)
    if abs(bx - ax) >= abs(by - ay):  # mostly horizontal: a band of rows at each column
        xs = np.floor(cx)[:, None] + 0 * band[None, :]
        ys = np.floor(cy)[:, None] + band[None, :]
    else:
        xs = np.floor(cx)[:, None] + band[None, :]
        ys = np.floor(cy)[:, None] + 0 * band[None, :]
    xs, ys = xs.ravel().astype(int), ys.ravel().astype(int)
    ok = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    xs, ys = xs[ok], ys[ok]
    key = np.unique(xs * h + ys)
    xs, ys = key // h, key % h
    i_in, i_out = TISSUES.index(inner), TISSUES.index(outer)
    lab = label[xs, ys]
    keep = (lab == i_in) | (lab == i_out)
    xs, ys = xs[keep], ys[keep]
    if xs.size == 0:
        return
    px, py = xs + 0.5, ys + 0.5
    ux, uy = (bx - ax) / length, (by - ay) / length
    along = (px - ax) * ux + (py - ay) * uy
    inside = (along > -0.5) & (along < length + 0.5)
    xs, ys, px, py = xs[inside], ys[inside], px[inside], py[inside]
    # Which side is the inner tissue's: sample the label a little off the edge's middle.
    sd = (px - ax) * (-uy) + (py - ay) * ux  # signed distance from the edge's line, px
    k = 0.5 - sd
    probe = _side_of(label, a, b, ux, uy, i_in)
    cover_in = np.clip(k if probe > 0 else 1.0 - k, 0.0, 1.0)
    c_in = palette.colours(np.full(xs.shape, i_in), xs, ys)
    c_out = palette.colours(np.full(xs.shape, i_out), xs, ys)
    rgb[xs, ys] = np.clip(c_out + (c_in - c_out) * cover_in[:, None], 0, 255).astype(np.uint8)


def _side_of(label, a, b, ux, uy, i_in) -> float:
    """+1 if the inner tissue lies on the negative-distance side of the edge, else -1."""
    w, h = label.shape
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    for off in (2.0, 3.0, 4.0):
        x, y = int(mx - uy * off), int(my + ux * off)  # positive side
        x2, y2 = int(mx + uy * off), int(my - ux * off)  # negative side
        if 0 <= x < w and 0 <= y < h and label[x, y] == i_in:
            return -1.0
        if 0 <= x2 < w and 0 <= y2 < h and label[x2, y2] == i_in:
            return 1.0
    return 1.0


def _lamellae(surf: pygame.Surface, geom: SectionGeometry, m: MmToPx) -> None:
    if len(geom.bone) < 3 or len(geom.marrow) < 3:
        return
    for poly in geom.lamellae:
        if len(poly) >= 3:
            pygame.draw.aalines(surf, LAMELLA, True, [m.px(p) for p in poly])
