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
from sim.trainer.recovery import RecoveryPicture
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
GOWN = (146, 178, 200)
GOWN_DARK = (92, 120, 142)
BLANKET = (214, 220, 228)  # a pale cellular blanket
BLANKET_DARK = (150, 160, 174)
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
    p: Painter,
    box: pygame.Rect,
    position: str,
    *,
    dressing: bool,
    bleeding: bool,
    drip: bool = False,
) -> None:
    """The donor on the trolley seen from her left side, head to the left, filling ``box``
    (layout units); ``drip``: fluids running from a bag on a stand into the back of her hand."""
    tilt = position == "flat_legs_raised"
    # Height in view: the trolley under the mattress (150 mm), the body with its pillow, and
    # with the legs raised their rise and the feet (about 700 mm in all).
    ppm = min(box.width / (BODY_MM + 240), box.height / (720.0 if tilt else 600.0))
    x0 = box.x + (box.width - (BODY_MM + 160) * ppm) / 2 + 90 * ppm
    mattress_y = box.bottom - 150 * ppm

    def at(x: float, y: float) -> Point:
        return (x0 + x * ppm, mattress_y - y * ppm)

    if drip:  # the stand behind the trolley, drawn first
        pole_x = 380.0
        p.aaline((150, 156, 166), at(pole_x, -150), at(pole_x, 440), max(1.0, 6 * ppm))
        p.aaline((150, 156, 166), at(pole_x - 40, 440), at(pole_x + 40, 440), max(1.0, 4 * ppm))
    _trolley(p, at, ppm, tilt, box.bottom)
    # A pillow under the head (supine) or the turned face (prone); none when lying flat.
    lift = 0.0
    if position != "flat_legs_raised":
        pillow = [
            at(-70 + 340 * t, 66 * math.sin(math.pi * t) ** 0.7) for t in np.linspace(0, 1, 18)
        ]
        p.aapolygon(PILLOW, pillow, "pillow")
        p.translucent((150, 156, 170), 90, pillow[9:] + [at(-70, 0)], "pillow shade")
        lift = 50.0
    up, lo = body_outline(position)

    def lifted(pts: list[Point]) -> list[Point]:
        out = []
        for x, y in pts:
            k = max(0.0, min(1.0, (330 - x) / 110)) if lift else 0.0  # the head on the pillow
            out.append(at(x, y + lift * k))
        return out

    upper, lower = lifted(up), lifted(lo)
    outline = upper + lower[::-1]
    skin = theme.SKIN_TONE
    p.aapolygon(_shade_colour(skin, 0.72), outline, "donor")
    # Rounded: lighter towards the lit upper side in bands, the underside in shadow.
    for k, frac in ((0.82, 0.78), (0.92, 0.55), (1.0, 0.32)):
        band = upper + [_mix(u, lw, frac) for u, lw in zip(upper[::-1], lower[::-1], strict=True)]
        p.aapolygon(_shade_colour(skin, k), band, "donor shading")
    p.translucent((255, 240, 222), 60, upper + [(x, y + 5 * ppm) for x, y in upper[::-1]], "lit")
    # The gown over the trunk, the blanket over the legs.  Prone, the gown is open over the
    # lower back (where the punctures and the dressing are) and the blanket starts below it.
    gown_end, blanket = (
        (600.0, (770.0, 1450.0)) if position == "prone" else (930.0, (900.0, BODY_MM))
    )
    _band(p, upper, lower, 262 / BODY_MM, gown_end / BODY_MM, GOWN, GOWN_DARK, "gown", ppm=ppm)
    _band(p, upper, lower, blanket[0] / BODY_MM, blanket[1] / BODY_MM, BLANKET, BLANKET_DARK,
          "blanket", ppm=ppm, puff=12, hang=34)  # fmt: skip
    _head(p, position, upper, lower, ppm, at, lift)
    hand = _arm(p, upper, lower, ppm, at, lift)
    if drip:
        _drip(p, at, ppm, hand)
    # The lower back: the pressure dressing shows on top when she is prone.
    if position == "prone" and dressing:
        band = _slice(upper, 615.0, 760.0, at)
        if len(band) > 1:
            pad = [(x, y - 3 * ppm) for x, y in band] + [(x, y + 7 * ppm) for x, y in band[::-1]]
            p.aapolygon(patient.DRESSING, pad, "dressing on the back")
            p.aalines(patient.DRESSING_EDGE, pad, closed=True)
            if bleeding:
                mid = band[len(band) // 2]
                p.aacircle(BLOOD, (mid[0], mid[1] + 3 * ppm), 8 * ppm)


def _trolley(p: Painter, at, ppm: float, tilt: bool, floor_y: float) -> None:
    """The recovery trolley: wheels, frame, the mattress (its leg section raised when tilted)."""
    foot_rise = math.tan(math.radians(LEGS_RAISED_DEG)) * (BODY_MM + 60 - HIP_MM) if tilt else 0
    wheel_y = floor_y - 16 * ppm
    for wx in (140, 1480):
        p.aaline(TROLLEY, at(wx, -80), (at(wx, 0)[0], wheel_y), max(1.0, 12 * ppm))
        p.aacircle(TROLLEY_DARK, (at(wx, 0)[0], wheel_y), 18 * ppm)
        p.aacircle((150, 156, 166), (at(wx, 0)[0], wheel_y), 7 * ppm)
    p.aaline(TROLLEY_DARK, at(80, -104), at(1540, -104), max(1.0, 9 * ppm))
    mattress = [at(-90, 0), at(HIP_MM, 0), at(BODY_MM + 60, foot_rise)]
    base = [at(BODY_MM + 60, foot_rise - 70), at(HIP_MM, -70), at(-90, -70)]
    p.aapolygon(SHEET, mattress + base, "mattress")
    side = [at(-90, -30), at(HIP_MM, -30), at(BODY_MM + 60, foot_rise - 30), *base]
    p.aapolygon(_shade_colour(SHEET, 0.8), side, "mattress side")
    w = max(1.0, 5 * ppm)
    p.aaline(TROLLEY_DARK, at(-90, -74), at(HIP_MM, -74), w)
    p.aaline(TROLLEY_DARK, at(HIP_MM, -74), at(BODY_MM + 60, foot_rise - 74), w)
    # The side rail, lowered.
    p.aaline((170, 176, 186), at(180, -40), at(1100, -40), max(1.0, 4 * ppm))


def _drip(p: Painter, at, ppm: float, hand: Point) -> None:
    """A 500 mL bag of crystalloid on the stand, the drip chamber, the line down to a cannula in
    the back of her hand (taped)."""
    bag_top = at(380.0, 430)
    w, h = 70 * ppm, 120 * ppm
    bag = [
        (bag_top[0] - w / 2, bag_top[1]),
        (bag_top[0] + w / 2, bag_top[1]),
        (bag_top[0] + w / 2 * 0.9, bag_top[1] + h),
        (bag_top[0] - w / 2 * 0.9, bag_top[1] + h),
    ]
    p.translucent((230, 236, 244), 200, bag, "fluid bag")
    fluid = [(x, max(y, bag_top[1] + h * 0.35)) for x, y in bag]
    p.translucent((190, 214, 236), 200, fluid, "crystalloid")
    p.aalines((160, 170, 186), bag, closed=True)
    chamber_y = bag_top[1] + h + 22 * ppm
    p.aaline(
        (200, 206, 216), (bag_top[0], bag_top[1] + h), (bag_top[0], chamber_y), max(1.0, 7 * ppm)
    )
    hx, hy = hand
    mid = ((bag_top[0] + hx) / 2, max(chamber_y, hy) + 40 * ppm)
    line = [(bag_top[0], chamber_y)]
    for i in range(1, 13):
        t = i / 12
        a = ((1 - t) ** 2, 2 * (1 - t) * t, t * t)
        line.append(
            (
                a[0] * bag_top[0] + a[1] * mid[0] + a[2] * (hx + 6 * ppm),
                a[0] * chamber_y + a[1] * mid[1] + a[2] * (hy - 6 * ppm),
            )
        )
    p.aalines((226, 230, 236), line)
    tape = pygame.Rect(0, 0, round(18 * ppm) + 1, round(10 * ppm) + 1)
    tape.center = (round(hx + 6 * ppm), round(hy - 6 * ppm))
    p.rect((240, 240, 232), tape)


def _head(p: Painter, position: str, upper, lower, ppm: float, at, lift: float) -> None:
    """Hair over the crown and the back of the head, the ear, the closed eye and the brow."""
    n = len(upper)
    head_n = max(4, int(230 / BODY_MM * (n - 1)))
    if position == "prone":  # the back of the head up: hair over the top, down to the nape
        hair = upper[: head_n - 2] + [_mix(u, lw, 0.35) for u, lw in
                                     zip(upper[: head_n - 2][::-1], lower[: head_n - 2][::-1],
                                         strict=True)]  # fmt: skip
    else:  # supine: the hair on the pillow behind the crown and under the head
        hair = lower[: head_n - 3] + [_mix(lw, u, 0.3) for u, lw in
                                     zip(upper[: head_n - 3][::-1], lower[: head_n - 3][::-1],
                                         strict=True)]  # fmt: skip
        hair = [upper[0], upper[1], *hair]
    p.aapolygon(HAIR, hair, "hair")
    p.translucent((120, 86, 60), 110, hair[: len(hair) // 2] + [hair[0]], "hair sheen")
    ex = 122.0
    ey = _y_at(upper, lower, ex, 0.5, at, lift)
    cx = at(ex, 0)[0]
    p.aapolygon(_shade_colour(theme.SKIN_TONE, 0.86), patient._circle((cx, ey), 15 * ppm, 16))
    p.aacircle(_shade_colour(theme.SKIN_TONE, 0.62), (cx + 2 * ppm, ey), 6 * ppm)
    if position != "prone":  # the closed eye and brow on the face, which looks up
        fx = at(112, 0)[0]
        fy = _y_at(upper, lower, 112, 0.12, at, lift)
        p.aaline((96, 62, 52), (fx - 10 * ppm, fy), (fx + 8 * ppm, fy + 2 * ppm), 1.5)
        p.aaline(HAIR, (fx - 12 * ppm, fy - 9 * ppm), (fx + 9 * ppm, fy - 8 * ppm), 2)


def _arm(p: Painter, upper, lower, ppm: float, at, lift: float) -> Point:
    """The near arm along her side, in the gown's short sleeve, the hand by the thigh."""
    sh = (300.0, 0.48)
    el = (560.0, 0.44)
    hand = (770.0, 0.42)
    pts = [(at(x, 0)[0], _y_at(upper, lower, x, f, at, lift)) for x, f in (sh, el, hand)]
    edge = _shade_colour(theme.SKIN_TONE, 0.7)
    fore = patient._limb(pts[1], pts[2], 22 * ppm)
    p.aapolygon(edge, fore)
    p.aapolygon(_shade_colour(theme.SKIN_TONE, 0.97), patient._limb(pts[1], pts[2], 19 * ppm))
    upper_arm = patient._limb(pts[0], pts[1], 27 * ppm)
    p.aapolygon(edge, upper_arm)
    p.aapolygon(_shade_colour(theme.SKIN_TONE, 1.02), patient._limb(pts[0], pts[1], 24 * ppm))
    sleeve = patient._limb(pts[0], _mix(pts[0], pts[1], 0.5), 33 * ppm)
    p.aapolygon(GOWN, sleeve, "sleeve")
    p.aalines(GOWN_DARK, sleeve, closed=True)
    hx, hy = pts[2]
    p.aapolygon(
        _shade_colour(theme.SKIN_TONE, 0.95), patient._circle((hx + 14 * ppm, hy), 22 * ppm, 14)
    )
    for k in range(3):  # the fingers' creases
        p.aaline(
            edge, (hx + (18 + 7 * k) * ppm, hy - 10 * ppm), (hx + (18 + 7 * k) * ppm, hy + 8 * ppm)
        )
    return (hx, hy)


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


def _band(p, upper, lower, f0, f1, colour, dark, tag, *, ppm, puff=4.0, hang=0.0) -> None:
    """Cloth over the body between fractions ``f0`` and ``f1`` of its length: standing a little
    off the skin (``puff`` mm), hanging ``hang`` mm below the body over the mattress's edge, with
    soft folds and its shadowed underside."""
    n = len(upper)
    i0, i1 = int(f0 * (n - 1)), int(f1 * (n - 1)) + 1
    top = [(x, y - puff * ppm) for x, y in upper[i0:i1]]
    bot = [(x, y + hang * ppm) for x, y in lower[i0:i1]]
    if len(top) < 2:
        return
    shape = top + bot[::-1]
    p.aapolygon(colour, shape, tag)
    lit = _shade_colour(colour, 1.12)
    p.aapolygon(lit, top + [_mix(t, b, 0.3) for t, b in zip(top[::-1], bot[::-1], strict=True)])
    under = bot + [_mix(b, t, 0.3) for t, b in zip(top[::-1], bot[::-1], strict=True)]
    p.translucent(dark, 110, under, tag + " shade")
    for k in range(5, len(top) - 3, 7):  # folds: soft creases from the top down
        a, b = top[k], bot[k]
        p.aaline(dark, _mix(a, b, 0.2), _mix(a, b, 0.85), 1)
    p.aalines(dark, shape, closed=True)


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
    r = 14 * ppm
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
    for dx in (-7.0, 0.0, 7.0):
        a = (cx + dx * ppm, cy - 2 * ppm)
        b = (cx + dx * ppm * 1.8, cy - 46 * ppm)
        p.aapolygon(_shade_colour(GLOVE, 0.8), patient._limb(a, b, 7.5 * ppm), "gloved finger")
        p.aapolygon(GLOVE, patient._limb(a, b, 6.0 * ppm), "gloved finger")


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


def draw_back_closeup(
    p: Painter,
    inner: pygame.Rect,
    origin: Point,
    ppm: float,
    anatomy: Anatomy,
    pic: RecoveryPicture,
    pressing: int | None,
) -> list[Point]:
    """The lower back in ``inner`` (dorsal-map (0, 0) at ``origin``, ``ppm`` units per mm) with
    each puncture as the picture has it: an infection's redness, a haematoma, the puncture, its
    Steri-Strip, blood oozing from it; the pressure dressing over them with blood through it;
    the gloved gauze on the puncture being pressed (``pressing``).  Returns the punctures'
    centres (layout units), in the picture's order."""
    s = anatomy.scale
    sc = p.scale
    size = p.px_rect(inner).size
    o_px = ((origin[0] - inner.x) * sc, (origin[1] - inner.y) * sc)
    p.blit(paint_bare_back(anatomy, size, o_px, ppm * sc), inner.topleft)

    def at(x: float, y: float) -> Point:
        return (origin[0] + x * ppm, origin[1] - y * ppm)

    spots = site_spots(anatomy, [(st.side, st.label) for st in pic.sites])
    centres = [at(x, y) for x, y in spots]
    for site, c in zip(pic.sites, centres, strict=True):
        if site.redness:  # infection (a haematoma's swelling is drawn as one)
            draw_redness(p, c, ppm, site.discharge, site.swelling)
        if site.haematoma:
            draw_haematoma(p, c, ppm)
        patient.draw_puncture(p, c, ppm)
        if site.strip:
            patient.draw_strip(p, c, ppm, 28.0 if site.side == "left" else -28.0)
        if site.bleeding != "none" and not pic.dressing_on:
            draw_ooze(p, c, ppm, through=False, heavy=site.bleeding == "active")
    if pic.dressing_on:
        a, b = at(-125 * s, 75 * s), at(125 * s, -80 * s)
        rect = pygame.Rect(round(a[0]), round(a[1]), round(b[0] - a[0]), round(b[1] - a[1]))
        patient.draw_dressing(p, rect, ppm)
        if pic.dressing_state in ("ooze", "soaked"):
            # The stain over the sites that bleed (or swell), else over the middle.
            heavy = pic.dressing_state == "soaked"
            marked = [
                centres[i]
                for i, st in enumerate(pic.sites)
                if st.bleeding != "none" or st.haematoma
            ]
            for c in marked or [at(0.0, -10.0 * s)]:
                draw_ooze(p, c, ppm, through=True, heavy=heavy)
    for site, c in zip(pic.sites, centres, strict=True):
        if site.index == pressing and not pic.dressing_on:
            draw_gauze_press(p, c, ppm)
    return centres
