"""The 11 G harvest needle drawn as an instrument, in the section (cut away) and whole.

In the section the cannula is drawn cut along its axis, as an illustrator shows a needle in
tissue: two steel walls ending in the bevel, and between them either the stylet (flush with the
bevel, its cap on the hub) or the open lumen (dark, or red once marrow fills it).  The hub and
T-handle sit at the outer end; depth marks ring the cannula every centimetre from the tip.
``stylet_out_mm`` is how far the stylet has been drawn back (0 seated, ``None`` out of the
needle), so sliding it out or in is a few frames of a growing or shrinking offset.

Positions are millimetres along the needle (``d``, from the skin entry; the tip at ``depth``)
and across it (``r``), mapped to the painter's layout units by the caller's function (floats, so
anti-aliased edges keep their sub-pixel place), so the needle is to scale at any size.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from sim.model.tissue import Tissue
from sim.ui import theme
from sim.ui.art.section_geometry import Line, clip
from sim.ui.render import Painter

OD_MM = 3.05  # 11 G outer diameter
ID_MM = 2.39  # 11 G thin wall inner diameter
BEVEL_MM = 2.6
HUB_MM = 9.0  # the hub between the cannula and the handle
HANDLE_MM = (30.0, 9.0)  # T-handle crossbar: half span, thickness
CAP_MM = (7.0, 6.0)  # stylet cap: half width, height

STEEL = (160, 168, 182)
STEEL_LIGHT = (228, 232, 240)
STEEL_DARK = (98, 106, 120)
OUTLINE = (30, 34, 42)
STYLET = (216, 224, 238)
STYLET_CORE = (168, 180, 200)
SEAM = (58, 62, 72)
LUMEN_OPEN = (64, 68, 80)  # the inside of an empty steel tube
LUMEN_MARROW = (104, 16, 30)
HANDLE = (56, 64, 82)
HANDLE_LIGHT = (104, 114, 136)
CAP = (44, 112, 168)
CAP_LIGHT = (120, 180, 224)
MARK = (60, 64, 74)

ToPx = Callable[[float, float], tuple[float, float]]


class NeedleFrame:
    """Millimetres along (``d``) and across (``r``) the needle to the painter's units."""

    def __init__(self, to_px: ToPx, axis: tuple[float, float], k: int = 1) -> None:
        self.to_px = to_px
        self.ux, self.uy = axis
        self.nx, self.ny = -self.uy, self.ux
        self.k = k  # line widths are multiplied by this (a painter in finer units)

    def w(self, px: float) -> int:
        return max(1, round(px * self.k))

    def at(self, d: float, r: float) -> tuple[float, float]:
        return self.to_px(self.ux * d + self.nx * r, self.uy * d + self.ny * r)


def bevel_end(depth: float, r: float) -> float:
    """Where the cannula ends at ``r`` across it: the tip (``r = -OD/2``) is the bevel's point."""
    half = OD_MM / 2
    return depth - BEVEL_MM * (r + half) / OD_MM


def _strip(f: NeedleFrame, d0: float, depth: float, r0: float, r1: float, bevelled=True):
    """The polygon of a band ``r0..r1`` across the needle from ``d0`` to the bevel (or depth)."""
    e0 = bevel_end(depth, r0) if bevelled else depth
    e1 = bevel_end(depth, r1) if bevelled else depth
    return [f.at(d0, r0), f.at(e0, r0), f.at(e1, r1), f.at(d0, r1)]


def draw_needle(
    p: Painter,
    f: NeedleFrame,
    depth: float,
    length: float,
    stylet_out_mm: float | None,
    fill: tuple[theme.Colour, float] | None = None,
    marks: bool = True,
) -> None:
    """The cannula cut away along its axis, the stylet or open lumen, hub, handle and cap.

    ``fill`` is what has come up the open lumen: a colour and how far from the tip (mm)."""
    hub = depth - length
    ro, ri = OD_MM / 2, ID_MM / 2
    # Lumen first (with what fills it), then whatever of the stylet is inside the cannula.
    p.aapolygon(LUMEN_OPEN, _strip(f, hub, depth, -ri, ri), "lumen")
    if fill is not None and stylet_out_mm is None:
        colour, reach = fill
        p.aapolygon(colour, _strip(f, max(hub, depth - reach), depth, -ri, ri), "lumen fill")
    if stylet_out_mm is not None:  # the stylet runs from its cap to its tip, ``off`` back
        off = max(0.0, stylet_out_mm)
        top = hub - HUB_MM - HANDLE_MM[1] - off
        p.aapolygon(STYLET, _strip(f, top, depth - off, -ri, ri), "stylet")
        p.aapolygon(STYLET_CORE, _strip(f, top, depth - off - 0.5, -ri * 0.3, ri * 0.1), "stylet")
    # The walls: the upper catches the light, the lower is in shade.
    p.aapolygon(STEEL, _strip(f, hub, depth, ri, ro), "cannula")
    p.aapolygon(STEEL_DARK, _strip(f, hub, depth, -ro, -ri), "cannula")
    p.aapolygon(STEEL_LIGHT, _strip(f, hub, depth, ri + 0.12, ri + 0.34), "cannula")
    if stylet_out_mm is not None and stylet_out_mm < length:  # the seam between rod and tube
        tip = depth - max(0.0, stylet_out_mm)
        for r in (ri, -ri):
            end = min(bevel_end(depth, r), bevel_end(tip, r))
            p.aaline(SEAM, f.at(hub, r), f.at(end, r), f.w(1))
    outline = [
        f.at(hub, ro),
        f.at(bevel_end(depth, ro), ro),
        f.at(depth, -ro),
        f.at(hub, -ro),
    ]
    for a, b in zip(outline, outline[1:] + outline[:1], strict=True):
        p.aaline(OUTLINE, a, b, f.w(1))
    p.aaline(STEEL_LIGHT, f.at(bevel_end(depth, ro), ro), f.at(depth, -ro), f.w(1))  # bevel face
    if marks:
        for cm in range(1, int(length // 10)):
            d = depth - 10.0 * cm
            if d <= hub + 2:
                break
            w = f.w(2 if cm % 5 == 0 else 1)
            p.aaline(MARK, f.at(d, ro), f.at(d, ri), w)
            p.aaline(MARK, f.at(d, -ri), f.at(d, -ro), w)
    draw_hub(p, f, hub)
    if stylet_out_mm is not None:
        draw_cap(p, f, hub - HUB_MM - HANDLE_MM[1] - max(0.0, stylet_out_mm))


def draw_hub(p: Painter, f: NeedleFrame, hub: float) -> None:
    """The hub (a short taper) and the T-handle across the needle's outer end."""
    ro = OD_MM / 2
    p.aapolygon(
        HANDLE,
        [
            f.at(hub, ro + 0.4),
            f.at(hub - HUB_MM, 4.0),
            f.at(hub - HUB_MM, -4.0),
            f.at(hub, -ro - 0.4),
        ],
        "hub",
    )
    span, thick = HANDLE_MM
    d0, d1 = hub - HUB_MM, hub - HUB_MM - thick
    bar = []
    for k in range(9):  # rounded ends
        a = math.pi / 2 - math.pi * k / 8
        bar.append(f.at((d0 + d1) / 2 + thick / 2 * math.sin(a), span + thick / 2 * math.cos(a)))
    for k in range(9):
        a = -math.pi / 2 - math.pi * k / 8
        bar.append(f.at((d0 + d1) / 2 + thick / 2 * math.sin(a), -span + thick / 2 * math.cos(a)))
    p.aapolygon(HANDLE, bar, "handle")
    p.aaline(HANDLE_LIGHT, f.at(d1 + 1.2, span - 1), f.at(d1 + 1.2, -span + 1), f.w(2))
    p.aalines(OUTLINE, bar, closed=True)


def draw_cap(p: Painter, f: NeedleFrame, d: float) -> None:
    """The stylet's cap, seated on the handle at ``d`` (drawn further out while it slides)."""
    w, h = CAP_MM
    dome = [f.at(d, w)]
    for k in range(1, 12):
        a = math.pi * k / 12
        dome.append(f.at(d - h * math.sin(a), w * math.cos(a)))
    dome.append(f.at(d, -w))
    p.aapolygon(CAP, dome, "stylet cap")
    p.aaline(CAP_LIGHT, f.at(d - h * 0.55, w * 0.55), f.at(d - h * 0.8, 0.0), f.w(2))
    p.aalines(OUTLINE, dome, closed=True)


def footprint(
    f: NeedleFrame, depth: float, length: float, stylet_out_mm: float | None, within
) -> tuple[float, float, float, float] | None:
    """Pixel bounds (x0, y0, x1, y1) of the parts of the needle inside the rect ``within``
    (so a supersampled drawing covers only what shows), or None."""
    hub = depth - length
    handle = hub - HUB_MM - HANDLE_MM[1]
    top = handle - CAP_MM[1] - max(0.0, stylet_out_mm or 0.0)
    span = HANDLE_MM[0] + HANDLE_MM[1]
    parts = (
        (hub, depth + 0.5, OD_MM / 2 + 0.5),
        (handle - 0.5, hub, span),
        (top - 0.5, handle, CAP_MM[0] + 0.5),
    )
    box = [
        Line(-1.0, 0.0, -within.left),
        Line(1.0, 0.0, within.right),
        Line(0.0, -1.0, -within.top),
        Line(0.0, 1.0, within.bottom),
    ]
    xs: list[float] = []
    ys: list[float] = []
    for d0, d1, half in parts:
        quad = [f.at(d0, -half), f.at(d1, -half), f.at(d1, half), f.at(d0, half)]
        for x, y in clip(quad, box):
            xs.append(x)
            ys.append(y)
    if not xs:
        return None
    return (min(xs), min(ys), max(xs), max(ys))


def draw_whole(
    p: Painter,
    box,
    depth: float,
    length: float,
    stylet_out_mm: float | None,
    k: int = 1,
) -> None:
    """The whole needle as held, from the side (the T-handle seen end-on), lying left to right
    with the skin as a line and the body beyond it: hub, handle and the stylet's cap always in
    view, however deep the tip.  ``box`` is in the painter's units; ``k`` scales line widths
    (a painter in finer units)."""
    span = length + HUB_MM + HANDLE_MM[1] + CAP_MM[1] + 14.0
    scale = box.width / span
    cy = box.y + box.height * 0.5
    hub = depth - length
    left = hub - HUB_MM - HANDLE_MM[1] - CAP_MM[1] - 4.0
    skin_x = box.x + (0.0 - left) * scale

    def to_px(d: float, r: float) -> tuple[float, float]:
        return (box.x + (d - left) * scale, cy + r * scale)

    f = NeedleFrame(to_px, (1.0, 0.0), k)  # along +x; across (r) is up the screen
    # The body beyond the skin.
    body = [(skin_x, box.y), (box.right, box.y), (box.right, box.bottom), (skin_x, box.bottom)]
    if skin_x < box.right:
        p.aapolygon((150, 112, 84), body, "body")
        p.aaline(theme.TISSUE_COLOURS[Tissue.SKIN], (skin_x, box.y), (skin_x, box.bottom), 2 * k)
    ro, ri = OD_MM / 2, ID_MM / 2
    p.aapolygon(LUMEN_OPEN, _strip(f, hub, depth, -ri, ri), "lumen")
    if stylet_out_mm is not None:
        off = max(0.0, stylet_out_mm)
        top = hub - HUB_MM - HANDLE_MM[1] - off
        p.aapolygon(STYLET, _strip(f, max(top, left - 200), depth - off, -ri, ri), "stylet")
    p.aapolygon(STEEL, _strip(f, hub, depth, 0.0, ro), "cannula")
    p.aapolygon(STEEL_DARK, _strip(f, hub, depth, -ro, 0.0), "cannula")
    p.aapolygon(STEEL_LIGHT, _strip(f, hub, depth, ro * 0.35, ro * 0.7), "cannula")
    outline = [f.at(hub, ro), f.at(bevel_end(depth, ro), ro), f.at(depth, -ro), f.at(hub, -ro)]
    for a, b in zip(outline, outline[1:] + outline[:1], strict=True):
        p.aaline(OUTLINE, a, b, k)
    for cm in range(1, int(length // 10)):
        d = depth - 10.0 * cm
        p.aaline(STEEL_DARK, f.at(d, ro * 0.2), f.at(d, -ro), k * (2 if cm % 5 == 0 else 1))
    # Hub and the handle end-on (a rounded block across the needle).
    p.aapolygon(
        HANDLE,
        [
            f.at(hub, ro + 0.3),
            f.at(hub - HUB_MM, 3.5),
            f.at(hub - HUB_MM, -3.5),
            f.at(hub, -ro - 0.3),
        ],
        "hub",
    )
    d0, d1 = hub - HUB_MM, hub - HUB_MM - HANDLE_MM[1]
    block = _round_box(f, d1, d0, -8.0, 8.0, 2.5)
    p.aapolygon(HANDLE, block, "handle")
    p.aaline(HANDLE_LIGHT, f.at(d1 + 1.5, -6.5), f.at(d0 - 1.5, -6.5), 2 * k)
    if stylet_out_mm is not None:
        draw_cap(p, f, d1 - max(0.0, stylet_out_mm))


def _round_box(f: NeedleFrame, d0: float, d1: float, r0: float, r1: float, rad: float):
    pts = []
    for cd, cr, a0 in (
        (d1 - rad, r1 - rad, 0.0),
        (d0 + rad, r1 - rad, 90.0),
        (d0 + rad, r0 + rad, 180.0),
        (d1 - rad, r0 + rad, 270.0),
    ):
        for i in range(5):
            a = math.radians(a0 + 90.0 * i / 4)
            pts.append(f.at(cd + rad * math.cos(a), cr + rad * math.sin(a)))
    return pts
