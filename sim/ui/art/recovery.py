"""The donor in recovery: the whole body on the trolley seen from the side, and the lower back
close up with the puncture sites and what the nurse has put on them.

``draw_bedside`` draws the donor from the side on a recovery trolley, head to the left: prone
(face turned on the pillow, the back up, the dressing on the lower back when it is on), supine
(on her back, a pillow under the head, a blanket over the legs) or lying flat with the legs
raised on the trolley's tilted foot.  The body is one outline made from two smooth profiles (the
front and the back of an adult, in millimetres along the body), so the head, the chest, the
lumbar curve, the buttocks, the knees and the heels are where they belong in any position.

``paint_bare_back`` is the lower back without drapes (``patient.back_height`` lit as in the
harvest), and ``draw_sites`` puts each puncture on it with its state: a gloved hand's gauze
pressing it, a Steri-Strip, the pressure dressing over them (see-through edges, so the strips
show where they lie), blood oozing through, a haematoma's swelling, the redness of an infection.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import pygame

from sim.model.anatomy import Anatomy
from sim.ui import theme
from sim.ui.art import patient
from sim.ui.art.patient import (
    SKIN,
    SKIN_SHADOW,
    _grid_mm,
    _shade,
    _upsample,
    back_height,
    body_scale,
    half_width,
)
from sim.ui.render import Painter

Point = tuple[float, float]

# Profiles of an adult (mm): distance along the body from the crown, and the front's and the
# back's distance from the body's mid-plane.  Smoothed with Catmull-Rom between the points.
_FRONT = (
    (0, 0), (18, 55), (55, 92), (92, 104), (112, 98), (128, 122), (140, 104), (152, 108),
    (170, 100), (192, 92), (212, 56), (250, 50), (292, 76), (350, 104), (430, 122), (500, 98),
    (590, 104), (690, 96), (770, 74), (830, 80), (1000, 70), (1150, 56), (1210, 56), (1320, 46),
    (1500, 36), (1555, 42), (1590, 118), (1630, 104), (1648, 30), (1650, 0),
)  # fmt: skip
_BACK = (
    (0, 0), (18, 60), (60, 96), (110, 100), (160, 84), (200, 56), (250, 50), (300, 80),
    (400, 106), (520, 96), (625, 80), (700, 102), (780, 128), (860, 100), (1000, 80), (1150, 56),
    (1250, 72), (1360, 66), (1500, 36), (1575, 42), (1620, 36), (1650, 0),
)  # fmt: skip
BODY_MM = 1650.0
HIP_MM = 790.0  # where the legs hinge when raised
GOWN = (150, 182, 204)
GOWN_DARK = (104, 134, 156)
BLANKET = (176, 132, 92)
BLANKET_DARK = (130, 94, 64)
HAIR = (74, 50, 36)
SHEET = (222, 226, 230)
PILLOW = (236, 238, 242)
TROLLEY = (96, 104, 116)
TROLLEY_DARK = (58, 64, 74)
BLOOD = (150, 18, 26)
BRUISE = (92, 52, 110)
REDNESS = (214, 74, 60)
GLOVE = (150, 190, 226)
GAUZE = (248, 248, 244)


def _catmull(points: Sequence[tuple[float, float]], per: int = 6) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    pts = [points[0], *points, points[-1]]
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for k in range(per):
            t = k / per
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(
                    0.5
                    * (
                        2 * p1[j]
                        + (-p0[j] + p2[j]) * t
                        + (2 * p0[j] - 5 * p1[j] + 4 * p2[j] - p3[j]) * t2
                        + (-p0[j] + 3 * p1[j] - 3 * p2[j] + p3[j]) * t3
                    )
                    for j in range(2)
                )
            )
    out.append(tuple(points[-1]))
    return out


_FRONT_FINE = _catmull(_FRONT)
_BACK_FINE = _catmull(_BACK)


def _profile_at(fine: list[tuple[float, float]], x: float) -> float:
    xs = [p[0] for p in fine]
    return float(np.interp(x, xs, [p[1] for p in fine]))


def body_outline(position: str) -> tuple[list[Point], list[Point]]:
    """(upper, lower) contours in mm (x along the body from the crown, y up from the mattress),
    for ``position``: the side toward the mattress rests on it, the flesh flattened there."""
    xs = np.linspace(0.0, BODY_MM, 160)
    front = np.array([_profile_at(_FRONT_FINE, x) for x in xs])
    back = np.array([_profile_at(_BACK_FINE, x) for x in xs])
    if position == "prone":
        mid = 86.0
        upper, lower = mid + back, np.maximum(0.0, mid - front)
    else:
        mid = 88.0
        upper, lower = mid + front, np.maximum(0.0, mid - back)
    up = list(zip(xs.tolist(), upper.tolist(), strict=True))
    lo = list(zip(xs.tolist(), lower.tolist(), strict=True))
    if position == "flat_legs_raised":
        up, lo = _raise_legs(up), _raise_legs(lo)
    return up, lo


LEGS_RAISED_DEG = 22.0


def _raise_legs(points: list[Point]) -> list[Point]:
    a = math.radians(LEGS_RAISED_DEG)
    out = []
    for x, y in points:
        if x <= HIP_MM:
            out.append((x, y))
            continue
        dx = x - HIP_MM
        out.append((HIP_MM + dx * math.cos(a) - y * math.sin(a) * 0.2, y + dx * math.sin(a)))
    return out


def _shade_colour(c, k: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, round(v * k))) for v in c)


def draw_bedside(
    p: Painter, box: pygame.Rect, position: str, *, dressing: bool, bleeding: bool
) -> pygame.Rect:
    """The donor on the trolley seen from her left side, head to the left, filling ``box``
    (layout units); returns the rect of the lower back (where the close-up is)."""
    ppm = min(box.width / (BODY_MM + 260), box.height / 760.0)
    x0 = box.x + (box.width - (BODY_MM + 200) * ppm) / 2 + 100 * ppm
    mattress_y = box.bottom - 230 * ppm
    tilt = position == "flat_legs_raised"

    def at(x: float, y: float) -> Point:
        return (x0 + x * ppm, mattress_y - y * ppm)

    # The trolley: frame, wheels, mattress (its foot tilted up for raised legs).
    foot_rise = math.tan(math.radians(LEGS_RAISED_DEG)) * (BODY_MM + 60 - HIP_MM) if tilt else 0
    base_y = box.bottom - 60 * ppm
    p.aaline(TROLLEY_DARK, at(120, -150), at(1500, -150), max(1.0, 10 * ppm))
    for wx in (160, 1460):
        p.aaline(TROLLEY, at(wx, -40), (at(wx, 0)[0], base_y), max(1.0, 14 * ppm))
        p.aacircle(TROLLEY_DARK, (at(wx, 0)[0], base_y + 20 * ppm), 26 * ppm)
        p.aacircle((140, 146, 156), (at(wx, 0)[0], base_y + 20 * ppm), 10 * ppm)
    top = [at(-90, 0), at(HIP_MM, 0), at(BODY_MM + 60, foot_rise)]
    bottom = [at(BODY_MM + 60, foot_rise - 70), at(HIP_MM, -70), at(-90, -70)]
    p.aapolygon(SHEET, top + bottom, "mattress")
    p.aapolygon(
        _shade_colour(SHEET, 0.82),
        [at(-90, -40), at(HIP_MM, -40), at(BODY_MM + 60, foot_rise - 40), *bottom],
        "mattress side",
    )
    p.aaline(TROLLEY_DARK, at(-90, -72), at(HIP_MM, -72), max(1.0, 4 * ppm))
    p.aaline(TROLLEY_DARK, at(HIP_MM, -72), at(BODY_MM + 60, foot_rise - 72), max(1.0, 4 * ppm))
    # A pillow under the head (supine) or the turned face (prone); none when lying flat.
    if position != "flat_legs_raised":
        pillow = [at(-60 + 330 * t, 0 + 62 * math.sin(math.pi * t)) for t in np.linspace(0, 1, 16)]
        pillow += [at(270 - 330 * t, -2) for t in np.linspace(0, 1, 4)]
        p.aapolygon(PILLOW, pillow, "pillow")
        lift = 52.0
    else:
        lift = 0.0
    up, lo = body_outline(position)

    def lifted(pts: list[Point]) -> list[Point]:
        out = []
        for x, y in pts:
            k = max(0.0, min(1.0, (320 - x) / 120)) if lift else 0.0  # the head on the pillow
            out.append(at(x, y + lift * k))
        return out

    upper, lower = lifted(up), lifted(lo)
    outline = upper + lower[::-1]
    p.aapolygon(theme.SKIN_TONE, outline, "donor")
    # Light from above: a lit band along the upper contour, the shadowed underside.
    p.translucent((255, 236, 214), 70, upper + [(x, y + 10 * ppm) for x, y in upper[::-1]], "lit")
    p.translucent(SKIN_SHADOW, 90, lower + [(x, y - 14 * ppm) for x, y in lower[::-1]], "shadow")
    # The gown over the trunk (neck to mid-thigh), the blanket over the legs when supine.
    _band(p, upper, lower, 250 / BODY_MM, 930 / BODY_MM, GOWN, GOWN_DARK, "gown")
    if position != "prone":
        _band(p, upper, lower, 960 / BODY_MM, 1.0, BLANKET, BLANKET_DARK, "blanket", puff=10 * ppm)
    # The head: hair over the crown and the back of the head, an ear, the closed eye.
    head = [(0.0, 0.0)] + [(x, 0.0) for x in (60, 120, 190)]
    _ = head
    hair = upper[:22] if position == "prone" else upper[:9]
    hair_lo = lower[:22] if position != "prone" else lower[:8]
    _hair(p, position, upper, lower, hair, hair_lo, ppm)
    ear_x = 118.0
    ey = _y_at(upper, lower, ear_x, 0.5, at, lift)
    p.aacircle(_shade_colour(theme.SKIN_TONE, 0.82), (at(ear_x, 0)[0], ey), 16 * ppm)
    p.aacircle(_shade_colour(theme.SKIN_TONE, 0.65), (at(ear_x, 0)[0], ey), 7 * ppm)
    if position != "prone":  # the closed eye and brow on the face, which looks up
        ex = at(112, 0)[0]
        eye_y = _y_at(upper, lower, 112, 0.1, at, lift)
        p.aaline((90, 60, 50), (ex - 9 * ppm, eye_y), (ex + 9 * ppm, eye_y + 2 * ppm), 1.5)
    # The arm along the side, in the gown's short sleeve.
    sh = (300.0, 0.5)
    el = (560.0, 0.45)
    hand = (760.0, 0.42)
    pts = [(at(x, 0)[0], _y_at(upper, lower, x, f, at, lift)) for x, f in (sh, el, hand)]
    p.aapolygon(_shade_colour(theme.SKIN_TONE, 0.92), patient._limb(pts[1], pts[2], 24 * ppm))
    p.aapolygon(_shade_colour(theme.SKIN_TONE, 0.95), patient._limb(pts[0], pts[1], 30 * ppm))
    p.aapolygon(GOWN, patient._limb(pts[0], _mix(pts[0], pts[1], 0.45), 36 * ppm), "sleeve")
    p.aacircle(_shade_colour(theme.SKIN_TONE, 0.9), pts[2], 26 * ppm)
    # The lower back: where the dressing is (prone: on top; otherwise under her).
    lb0, lb1 = 600.0, 760.0
    if position == "prone" and dressing:
        band = _slice(upper, lb0, lb1, at)
        pad = band + [(x, y + 10 * ppm) for x, y in band[::-1]]
        p.aapolygon(patient.DRESSING, pad, "dressing on the back")
        if bleeding:
            mid = band[len(band) // 2]
            p.aacircle(BLOOD, (mid[0], mid[1] + 4 * ppm), 9 * ppm)
    a, b = at(lb0, 0), at(lb1, 0)
    yb = _y_at(upper, lower, (lb0 + lb1) / 2, 0.0 if position == "prone" else 1.0, at, lift)
    return pygame.Rect(round(a[0]), round(yb - 20 * ppm), round(b[0] - a[0]), round(40 * ppm))


def _mix(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _y_at(upper, lower, x_mm: float, frac: float, at, lift) -> float:
    """The screen y a fraction ``frac`` of the way down from the upper to the lower contour."""
    xs = [q[0] for q in upper]
    x = at(x_mm, 0)[0]
    yu = float(np.interp(x, xs, [q[1] for q in upper]))
    yl = float(np.interp(x, [q[0] for q in lower], [q[1] for q in lower]))
    return yu + (yl - yu) * frac


def _slice(contour: list[Point], x0_mm: float, x1_mm: float, at) -> list[Point]:
    a, b = at(x0_mm, 0)[0], at(x1_mm, 0)[0]
    return [q for q in contour if a <= q[0] <= b]


def _band(p, upper, lower, f0: float, f1: float, colour, dark, tag: str, puff: float = 4.0):
    """Clothing over the body between fractions ``f0`` and ``f1`` of its length, standing a
    little off the skin, with folds."""
    n = len(upper)
    i0, i1 = int(f0 * (n - 1)), int(f1 * (n - 1)) + 1
    top = [(x, y - puff) for x, y in upper[i0:i1]]
    bot = [(x, y + 1) for x, y in lower[i0:i1]]
    if len(top) < 2:
        return
    p.aapolygon(colour, top + bot[::-1], tag)
    p.translucent(dark, 120, bot + [(x, y - 8) for x, y in bot[::-1]], tag + " shade")
    for k in range(i0 + 6, i1 - 3, 9):  # folds
        j = k - i0
        if j < len(top) and j < len(bot):
            a, b = top[j], bot[j]
            p.aaline(dark, _mix(a, b, 0.15), _mix(a, b, 0.7), 1)


def _hair(p, position, upper, lower, hair_up, hair_lo, ppm) -> None:
    """Hair over the back of the head: the crown and, prone, the upper contour of the head."""
    if position == "prone":
        pts = hair_up[:14] + [(x, y + 22 * ppm) for x, y in hair_up[:14][::-1]]
    else:
        pts = hair_lo[:14] + [(x, y - 24 * ppm) for x, y in hair_lo[:14][::-1]]
    cap = upper[:4] + lower[:4][::-1]
    p.aapolygon(HAIR, cap, "hair")
    p.aapolygon(HAIR, pts, "hair")


# ----------------------------------------------------------------------------- the back close up
_BARE: OrderedDict[tuple, pygame.Surface] = OrderedDict()


def paint_bare_back(
    anatomy: Anatomy, size: tuple[int, int], origin: tuple[float, float], ppm: float
) -> pygame.Surface:
    """The lower back without drapes, lit from the upper left, on the sheet: ``size`` px,
    dorsal-map (0, 0) at pixel ``origin``, ``ppm`` px per mm.  Made once per size."""
    key = (round(anatomy.scale, 6), round(anatomy.soft_mm, 6), tuple(size), origin, ppm)
    surf = _BARE.get(key)
    if surf is not None:
        return surf
    w, h = size
    x2, y2 = _grid_mm(w, h, origin, ppm, 2)
    skin_z, _drape = back_height(anatomy, x2, y2)
    hw = half_width(y2, body_scale(anatomy))
    inside = np.clip((hw - np.abs(x2)) / 6.0, 0.0, 1.0)
    diff, spec = _shade(skin_z, ppm / 2)
    light = _upsample(np.stack((diff, spec, inside), axis=-1).astype(np.float32), w, h)
    t = np.clip(light[..., 0], 0.0, 1.0)[..., None]
    base = np.asarray(SKIN, np.float32) * 1.04
    shadow = np.asarray(SKIN_SHADOW, np.float32)
    skin = shadow + (base - shadow) * t + (30.0 * light[..., 1])[..., None]
    sheet = np.asarray(SHEET, np.float32) * 0.78
    k = light[..., 2][..., None]
    rgb = sheet + (skin - sheet) * k
    surf = pygame.Surface((w, h))
    if pygame.display.get_surface() is not None:
        surf = surf.convert()
    pygame.surfarray.blit_array(surf, np.clip(rgb, 0, 255).astype(np.uint8))
    _BARE[key] = surf
    while len(_BARE) > 3:
        _BARE.popitem(last=False)
    return surf


def site_spots(anatomy: Anatomy, sites: list[tuple[str, str]]) -> list[tuple[float, float]]:
    """Where the handover's punctures lie (dorsal mm), from each one's side and label: over
    that posterior crest, the first ("upper") a little cranial and lateral of the PSIS, the
    next ("lower") near it."""
    s = anatomy.scale
    spots = ((24.0, 30.0), (6.0, 4.0), (12.0, 52.0), (32.0, 10.0))
    out = []
    seen = {"left": 0, "right": 0}
    for side, label in sites:
        j = seen[side]
        seen[side] += 1
        if "upper" in label:
            lat, cra = spots[0]
        elif "lower" in label:
            lat, cra = spots[1]
        else:
            lat, cra = spots[j % len(spots)]
        out.append(anatomy.to_dorsal(side, lat * s, cra * s))
    return out


def draw_gauze_press(p: Painter, centre: Point, ppm: float) -> None:
    """A folded gauze square held down by a gloved finger and thumb: direct pressure."""
    cx, cy = centre
    r = 11 * ppm
    sq = [
        (cx - r, cy - r),
        (cx + r, cy - r * 0.9),
        (cx + r * 0.95, cy + r),
        (cx - r, cy + r * 0.95),
    ]
    p.translucent((40, 30, 24), 60, [(x + 2, y + 3) for x, y in sq], "gauze shadow")
    p.aapolygon(GAUZE, sq, "gauze")
    p.aaline((220, 220, 212), (cx - r, cy), (cx + r, cy))
    p.aaline((220, 220, 212), (cx, cy - r), (cx, cy + r))
    # Two gloved fingertips pressing from above.
    for dx in (-5.0, 5.0):
        a = (cx + dx * ppm, cy - 2 * ppm)
        b = (cx + dx * ppm * 1.6, cy - 40 * ppm)
        p.aapolygon(GLOVE, patient._limb(a, b, 6.5 * ppm), "gloved finger")
        p.aacircle(_shade_colour(GLOVE, 0.85), a, 6.5 * ppm, 1)


def draw_haematoma(p: Painter, centre: Point, ppm: float) -> None:
    """A haematoma: a raised purple-blue swelling with a yellow-green rim."""
    cx, cy = centre
    for r, colour, alpha in ((30, (150, 150, 60), 50), (22, BRUISE, 110), (13, (70, 36, 90), 120)):
        pts = [
            (
                cx + r * ppm * math.cos(a) * (1 + 0.12 * math.sin(3 * a)),
                cy + r * ppm * 0.8 * math.sin(a),
            )
            for a in np.linspace(0, 2 * math.pi, 28, endpoint=False)
        ]
        p.translucent(colour, alpha, pts, "haematoma")
    p.translucent((255, 255, 255), 40, patient._circle((cx - 6 * ppm, cy - 5 * ppm), 6 * ppm), "")


def draw_redness(
    p: Painter, centre: Point, ppm: float, discharge: bool, swelling: bool = False
) -> None:
    """Infection: spreading redness around the puncture (wider and shinier when swollen), and a
    bead of pus when it discharges."""
    cx, cy = centre
    k = 1.4 if swelling else 1.0
    if swelling:
        p.translucent((255, 230, 220), 50, patient._circle((cx - 5 * ppm, cy - 5 * ppm), 9 * ppm))
    for r0, alpha in ((26, 50), (16, 80), (8, 90)):
        r = r0 * k
        p.translucent(REDNESS, alpha, patient._circle((cx, cy), r * ppm, 24), "redness")
    if discharge:
        p.aacircle((226, 210, 140), (cx + 1 * ppm, cy + 1 * ppm), 2.5 * ppm)


def draw_ooze(p: Painter, centre: Point, ppm: float, through: bool, heavy: bool = False) -> None:
    """Blood: a bead at an open puncture (a trickle when it bleeds), or a stain through the
    dressing (spreading wide when it is soaked)."""
    cx, cy = centre
    if through and heavy:
        pts = [
            (
                cx + 30 * ppm * math.cos(a) * (1 + 0.25 * math.sin(4 * a)),
                cy + 26 * ppm * math.sin(a),
            )
            for a in np.linspace(0, 2 * math.pi, 36, endpoint=False)
        ]
        p.translucent(BLOOD, 150, pts, "blood soaking the dressing")
    if through:
        pts = [
            (cx + 16 * ppm * math.cos(a) * (1 + 0.2 * math.sin(5 * a)), cy + 13 * ppm * math.sin(a))
            for a in np.linspace(0, 2 * math.pi, 30, endpoint=False)
        ]
        p.translucent(BLOOD, 120, pts, "blood through the dressing")
        p.translucent((120, 10, 20), 140, patient._circle((cx, cy), 6 * ppm), "blood")
    else:
        p.aacircle(BLOOD, (cx, cy + 2 * ppm), 3.5 * ppm)
        trickle = 30 if heavy else 12
        p.aaline(BLOOD, (cx, cy + 2 * ppm), (cx + 1 * ppm, cy + trickle * ppm), max(1.0, 2 * ppm))
        if heavy:
            p.aacircle(BLOOD, (cx + 1 * ppm, cy + trickle * ppm), 3 * ppm)
