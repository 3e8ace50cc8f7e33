"""The prone donor under sterile drapes, as the operator standing at the side sees the back.

``paint_back`` renders, once per size and donor, a height field of the lower back (the body's
rounded cross-section, the lumbar furrow between the paraspinal muscles, the spinous processes,
the flat sacrum, the dimples over the posterior superior iliac spines, the iliac crests as low
ridges, the buttocks and the start of the gluteal cleft), lit from the upper left, with the skin
showing through a fenestrated drape window around both posterior crests.  The drape follows the
body's bulk and falls in folds beside it.  Nothing is outlined: the crests and dimples are found
by their shading, as by eye and finger.  ``draw_overview`` is the whole patient on the table
(head up, arms forward on arm boards, legs under the drape) with the part shown framed; the
dressings and Steri-Strips are drawn over the skin where and when they are applied.

All sizes are in millimetres of the dorsal map (``x`` to the donor's right, ``y`` cranial from
the PSIS line) mapped by the caller's origin and scale, so a larger area has finer detail.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from sim.i18n import _
from sim.model.anatomy import Anatomy
from sim.ui import theme
from sim.ui.art.textures import fbm, value_noise
from sim.ui.render import Painter

SKIN: tuple[float, float, float] = (214.0, 168.0, 134.0)
SKIN_SHADOW: tuple[float, float, float] = (150.0, 92.0, 80.0)  # warm, blood under the skin
DRAPE: tuple[float, float, float] = (46.0, 112.0, 132.0)
DRAPE_DARK: tuple[float, float, float] = (20.0, 50.0, 64.0)
LIGHT = np.array([-0.42, 0.55, 0.72])
LIGHT = LIGHT / np.linalg.norm(LIGHT)

#: The drape's window: centre and half sizes (mm, scaled with the pelvis), corner radius.
WINDOW = ((0.0, -10.0), (145.0, 122.0), 34.0)
STRIP: theme.Colour = (246, 244, 236)
STRIP_EDGE: theme.Colour = (196, 192, 180)
DRESSING: theme.Colour = (250, 250, 246)
DRESSING_PAD: theme.Colour = (236, 234, 226)
DRESSING_EDGE: theme.Colour = (206, 204, 194)
PUNCTURE: theme.Colour = (120, 30, 34)


def body_scale(anatomy: Anatomy) -> float:
    """How broad the donor is against a lean adult: the pelvis's size and the soft tissue."""
    return anatomy.scale * (1.0 + 0.012 * (anatomy.soft_mm - 20.0))


_HW_Y = (-320.0, -240.0, -180.0, -120.0, -60.0, 0.0, 40.0, 80.0, 120.0, 200.0, 280.0)
_HW = (165.0, 178.0, 190.0, 196.0, 192.0, 178.0, 162.0, 152.0, 154.0, 166.0, 172.0)
_FINE_Y = np.arange(-500.0, 501.0)
_KERNEL = np.exp(-0.5 * (np.arange(-90.0, 91.0) / 30.0) ** 2)
_FINE_HW = np.convolve(
    np.interp(_FINE_Y, _HW_Y, _HW), _KERNEL / _KERNEL.sum(), mode="same"
)  # smoothed: a kinked outline would shade as bands across the back
_FINE_HW[:90] = _FINE_HW[90]
_FINE_HW[-90:] = _FINE_HW[-91]


def half_width(y: np.ndarray, k: float) -> np.ndarray:
    """The body's half width (mm) at each cranial level ``y``: waist, hips, buttocks."""
    return np.interp(y, _FINE_Y, _FINE_HW) * k


def window_distance(x: np.ndarray, y: np.ndarray, s: float) -> np.ndarray:
    """Signed distance (mm) from the drape window's edge, negative inside."""
    (cx, cy), (hx, hy), r = WINDOW
    qx = np.abs(x - cx * s) - (hx * s - r)
    qy = np.abs(y - cy * s) - (hy * s - r)
    out = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0))
    return out + np.minimum(np.maximum(qx, qy), 0) - r


def _smoothstep(v: np.ndarray) -> np.ndarray:
    v = np.clip(v, 0.0, 1.0)
    return v * v * (3.0 - 2.0 * v)


def _gauss(d2: np.ndarray, sigma: float) -> np.ndarray:
    return np.exp(-d2 / (2.0 * sigma * sigma))


def _polyline_distance(x: np.ndarray, y: np.ndarray, pts) -> np.ndarray:
    best = np.full(x.shape, np.inf)
    for (ax, ay), (bx, by) in zip(pts, pts[1:], strict=False):
        dx, dy = bx - ax, by - ay
        k = np.clip(((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
        best = np.minimum(best, np.hypot(x - ax - k * dx, y - ay - k * dy))
    return best


def back_height(anatomy: Anatomy, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(skin, drape) heights in mm above the table at dorsal-map points ``x``, ``y``."""
    m = anatomy.dorsal_map()
    s = anatomy.scale
    k = body_scale(anatomy)
    hw = half_width(y, k)
    u = np.abs(x) / hw
    thick = 190.0 * k
    # A rounded (elliptic) section, its edge eased so the flank's shading turns over smoothly.
    body = thick * np.sqrt(0.05 * np.logaddexp(0.0, (1.0 - u * u) / 0.05))
    # Buttocks: two broad mounds below the PSIS line.
    glute = sum(
        _gauss((x - sx * 84.0 * k) ** 2 + ((y + 175.0 * s) * 1.1) ** 2, 62.0 * k) for sx in (-1, 1)
    )
    body = body + 46.0 * k * glute * np.exp(-(u**8))
    drape = body.copy()
    # What the drape bridges over: the grooves, the processes, the dimples and the crests.
    lumbar = _smoothstep((y - 10.0 * s) / (80.0 * s))
    furrow = -7.0 * k * _gauss(x * x, 11.0 * k) * lumbar
    paraspinal = 5.0 * k * _gauss((np.abs(x) - 34.0 * k) ** 2, 16.0 * k) * lumbar
    processes = sum(
        2.2 * _gauss(x * x + (y - py * s) ** 2, 6.0 * s) for py in (48.0, 88.0, 128.0, 168.0)
    )
    cleft_on = _smoothstep((-90.0 * s - y) / (55.0 * s))
    cleft = -14.0 * k * _gauss(x * x, 6.0 * k) * cleft_on
    dimples = sum(
        -6.0 * s * _gauss((x - px) ** 2 + (y - py) ** 2, 10.0 * s) for px, py in m.psis.values()
    )
    crests = sum(
        3.2 * s * _gauss(_polyline_distance(x, y, pts[:11]) ** 2, 10.0 * s)
        for pts in m.crest.values()
    )
    skin = body + furrow + paraspinal + processes + cleft + dimples + crests
    return skin, drape


def _shade(z: np.ndarray, ppm: float) -> tuple[np.ndarray, np.ndarray]:
    """Diffuse and specular light of a height field sampled at ``ppm`` px per mm (x right,
    rows down the screen, i.e. toward the feet)."""
    dzdx = np.gradient(z, axis=0) * ppm
    dzdy = -np.gradient(z, axis=1) * ppm  # rows run caudally; y (cranial) runs up
    norm = np.sqrt(dzdx * dzdx + dzdy * dzdy + 1.0)
    nx, ny, nz = -dzdx / norm, -dzdy / norm, 1.0 / norm
    diffuse = np.clip(nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2], 0.0, 1.0)
    half = LIGHT + np.array([0.0, 0.0, 1.0])
    half = half / np.linalg.norm(half)
    spec = np.clip(nx * half[0] + ny * half[1] + nz * half[2], 0.0, 1.0) ** 40
    return diffuse, spec


def _upsample(a: np.ndarray, w: int, h: int) -> np.ndarray:
    """Bilinear: a half-resolution field (pixel centres of 2x2 blocks; any trailing axes) to
    ``w`` x ``h``."""
    hw_, hh = a.shape[:2]

    def axis(n: int, m: int):
        c = np.clip((np.arange(n) + 0.5) / 2.0 - 0.5, 0.0, m - 1.0)
        i0 = np.minimum(np.floor(c).astype(int), max(0, m - 2))
        f = (c - i0).astype(np.float32)
        return i0, np.minimum(i0 + 1, m - 1), f

    ix0, ix1, fx = axis(w, hw_)
    iy0, iy1, fy = axis(h, hh)
    extra = (None,) * (a.ndim - 2)
    fy = fy[(None, slice(None), *extra)]
    fx = fx[(slice(None), None, *extra)]
    rows0, rows1 = a[ix0], a[ix1]
    top = rows0[:, iy0] * (1 - fy) + rows0[:, iy1] * fy
    bot = rows1[:, iy0] * (1 - fy) + rows1[:, iy1] * fy
    return top * (1 - fx) + bot * fx


def _grid_mm(w: int, h: int, origin, ppm: float, step: int):
    px = (np.arange(0, w, step, dtype=np.float32) + step / 2)[:, None]
    py = (np.arange(0, h, step, dtype=np.float32) + step / 2)[None, :]
    shape = (px.shape[0], py.shape[1])
    return (
        np.broadcast_to((px - origin[0]) / ppm, shape),
        np.broadcast_to(-(py - origin[1]) / ppm, shape),
    )


def _px(p, origin, ppm: float) -> tuple[int, int]:
    return (int(origin[0] + p[0] * ppm), int(origin[1] - p[1] * ppm))


def paint_back(
    anatomy: Anatomy, size: tuple[int, int], origin: tuple[float, float], ppm: float
) -> pygame.Surface:
    """The draped back as a Surface of ``size`` px; dorsal-map (0, 0) at pixel ``origin``.

    The smooth fields (heights and their light) are made at half resolution and interpolated;
    the window's edge, the skin's grain and the drape's weave at full resolution."""
    w, h = size
    s = anatomy.scale
    # Half resolution: the body, the drape's folds and creases, and how both catch the light.
    x2, y2 = _grid_mm(w, h, origin, ppm, 2)
    skin_z, drape_z = back_height(anatomy, x2, y2)
    hw = half_width(y2, body_scale(anatomy))
    beside = np.clip((np.abs(x2) - hw) / 90.0, 0.0, 1.0)
    rng = np.random.default_rng(7)
    tile = 512
    n2w, n2h = x2.shape
    warp = value_noise(tile, 3, rng)[np.arange(n2w) * 2 % tile][:, np.arange(n2h) * 2 % tile]
    ripple = np.sin(2 * np.pi * (y2 / 75.0 + 0.8 * warp))
    creases = sum(_gauss((x2 - cx) ** 2, 2.5) for cx in (-260.0, 260.0)) + sum(
        _gauss((y2 - cy) ** 2, 2.5) for cy in (-190.0, 170.0)
    )
    drape_z = drape_z + 3.0 + (0.6 + 5.0 * beside) * ripple - 1.2 * creases
    drape_z = drape_z - 50.0 * beside  # it hangs down toward the table's edge
    d_diff, _ = _shade(drape_z, ppm / 2)
    s_diff, s_spec = _shade(skin_z, ppm / 2)
    light = _upsample(np.stack((d_diff, s_diff, s_spec), axis=-1).astype(np.float32), w, h)
    # Full resolution: colours, the weave and grain, the window's edge.
    noise = fbm(tile, 40, rng, octaves=2).astype(np.float32)
    noise = noise[np.arange(w) % tile][:, np.arange(h) % tile]
    drape = (
        np.asarray(DRAPE, np.float32)
        * ((0.45 + 0.7 * light[..., 0]) * (0.97 + 0.05 * noise))[..., None]
    )
    # The skin, only around the window: lit, warm in shadow, a faint sheen and grain, the
    # antiseptic's light tint; the drape's cut edge raised and casting a soft shadow on it.
    (cx, cy), (hx, hy), _r = WINDOW
    x0, y0 = _px(((cx - hx) * s - 12, (cy + hy) * s + 12), origin, ppm)
    x1, y1 = _px(((cx + hx) * s + 12, (cy - hy) * s - 12), origin, ppm)
    box = (slice(max(0, x0), min(w, x1)), slice(max(0, y0), min(h, y1)))
    x, y = _grid_mm(w, h, origin, ppm, 1)
    x, y = x[box], y[box]
    t = np.clip(light[box][..., 1], 0.0, 1.0)[..., None]
    base = np.asarray(SKIN, np.float32) * 1.06 * np.asarray((1.0, 0.98, 0.96), np.float32)
    shadow = np.asarray(SKIN_SHADOW, np.float32)
    skin = (shadow + (base - shadow) * t) * (0.97 + 0.05 * noise[box])[..., None]
    skin += (40.0 * light[box][..., 2])[..., None]
    d = window_distance(x, y, s)
    lx, ly = -LIGHT[0] * 5.0, -LIGHT[1] * 5.0  # the edge's shadow falls away from the light
    d_shadow = window_distance(x - lx, y - ly, s)
    skin *= (1.0 - 0.45 * np.clip(1.0 + d_shadow / 7.0, 0.0, 1.0) * (d < 0))[..., None]
    lip = (0.35 * np.clip(1.0 - np.abs(d - 2.5) / 2.5, 0.0, 1.0) * (d > 0))[..., None]
    near = drape[box]
    near += (np.asarray((196.0, 220.0, 226.0), np.float32) - near) * lip
    cover = np.clip(0.5 - d * ppm, 0.0, 1.0)[..., None]
    drape[box] = near + (skin - near) * cover
    rgb = drape
    surf = pygame.Surface((w, h))
    if pygame.display.get_surface() is not None:
        surf = surf.convert()
    pygame.surfarray.blit_array(surf, np.clip(rgb, 0, 255).astype(np.uint8))
    return surf


# ----------------------------------------------------------------------------- applied care
def draw_puncture(p: Painter, centre: tuple[float, float], ppm: float) -> None:
    """A needle's skin puncture: a small dark-red point with a faint bruise."""
    p.translucent(PUNCTURE, 60, _circle(centre, max(3.0, 3.0 * ppm)), "bruise")
    p.aacircle(PUNCTURE, centre, max(1.5, 0.9 * ppm))


def draw_strip(p: Painter, centre: tuple[float, float], ppm: float, angle_deg: float) -> None:
    """A Steri-Strip (6 x 50 mm) across a puncture: off-white, reinforced lengthwise."""
    a = math.radians(angle_deg)
    ux, uy = math.cos(a), -math.sin(a)
    nx, ny = -uy, ux
    half_l, half_w = 25.0 * ppm, 3.0 * ppm
    cx, cy = centre

    def q(t: float, r: float) -> tuple[float, float]:
        return (cx + ux * t + nx * r, cy + uy * t + ny * r)

    shadow = [
        (x + 1.5, y + 1.5) for x, y in (q(-half_l, -half_w), q(half_l, -half_w), q(half_l, half_w))
    ] + [(q(-half_l, half_w)[0] + 1.5, q(-half_l, half_w)[1] + 1.5)]
    p.translucent((60, 40, 30), 50, shadow, "strip shadow")
    body = [q(-half_l, -half_w), q(half_l, -half_w), q(half_l, half_w), q(-half_l, half_w)]
    p.aapolygon(STRIP, body, "steri-strip")
    for r in (-0.5, 0.5):
        p.aaline(STRIP_EDGE, q(-half_l + 2, r * half_w), q(half_l - 2, r * half_w))
    p.aalines(STRIP_EDGE, body, closed=True)


def draw_dressing(p: Painter, rect: pygame.FRect | pygame.Rect, ppm: float) -> None:
    """The large pressure dressing over the lower back: adhesive border, padded centre."""
    r = pygame.Rect(rect)
    p.translucent((40, 30, 24), 70, _rounded(r.move(3, 4), 10 * ppm), "dressing shadow")
    p.aapolygon(DRESSING, _rounded(r, 10 * ppm), "pressure dressing")
    pad = r.inflate(-round(24 * ppm), -round(24 * ppm))
    for i, k in enumerate((0.0, 0.25, 0.5)):
        inner = pad.inflate(-round(k * pad.width * 0.4), -round(k * pad.height * 0.4))
        c = tuple(round(DRESSING_PAD[j] + (255 - DRESSING_PAD[j]) * 0.35 * i) for j in range(3))
        p.aapolygon(c, _rounded(inner, 6 * ppm), "dressing pad")
    p.aalines(DRESSING_EDGE, _rounded(pad, 6 * ppm), closed=True)
    p.aalines(DRESSING_EDGE, _rounded(r, 10 * ppm), closed=True)


def _circle(c: tuple[float, float], r: float, n: int = 20) -> list[tuple[float, float]]:
    return [
        (c[0] + r * math.cos(2 * math.pi * i / n), c[1] + r * math.sin(2 * math.pi * i / n))
        for i in range(n)
    ]


def _rounded(r: pygame.Rect, radius: float, n: int = 6) -> list[tuple[float, float]]:
    radius = min(radius, r.width / 2, r.height / 2)
    pts: list[tuple[float, float]] = []
    corners = (
        (r.right - radius, r.top + radius, -90.0),
        (r.right - radius, r.bottom - radius, 0.0),
        (r.left + radius, r.bottom - radius, 90.0),
        (r.left + radius, r.top + radius, 180.0),
    )
    for cx, cy, start in corners:
        for i in range(n + 1):
            a = math.radians(start + 90.0 * i / n)
            pts.append((cx + radius * math.cos(a), cy + radius * math.sin(a)))
    return pts


# ----------------------------------------------------------------------------- overview
def draw_overview(p: Painter, box: pygame.Rect, view_mm: tuple[float, float, float, float]):
    """The whole prone patient on the table, head up, under the drape; the sterile window on
    the lower back and ``view_mm`` (x0, y0, x1, y1 of the main view, dorsal-map mm) framed."""
    p.rect((18, 22, 28), box, radius=6)
    p.rect(theme.PANEL_EDGE, box, 1, radius=6)
    caption = [_("prone, head up")]
    if p.fonts.size(caption[0], theme.SMALL)[0] > box.width - 8:  # a narrow inset: two lines
        caption = [_("prone,"), _("head up")]
    line_h = p.fonts.line_height(theme.SMALL) + 2
    inner = box.inflate(-12, -30)
    inner.height -= (len(caption) - 1) * line_h
    # Patient frame: 1900 mm from the top of the head to the feet fits the box's height.
    ppm = inner.height / 1900.0
    cx = inner.centerx
    top = inner.y
    psis_y = top + 1020.0 * ppm  # PSIS line about 1.0 m below the crown

    def at(xm: float, ym: float) -> tuple[float, float]:
        """Dorsal-map mm (cranial up) to the inset's pixels."""
        return (cx + xm * ppm, psis_y - ym * ppm)

    table = pygame.Rect(0, 0, round(560 * ppm), inner.height + 8)
    table.midtop = (cx, inner.y - 4)
    p.rect((70, 76, 86), table, radius=3)
    # Arm boards, the headrest ring, then the draped body.
    for sx in (-1, 1):
        board = [at(sx * 180, 820), at(sx * 560, 820), at(sx * 560, 700), at(sx * 180, 700)]
        p.aapolygon((84, 90, 100), board, "arm board")
    p.aacircle((96, 100, 110), at(0, 900), 120 * ppm)
    p.aacircle((60, 64, 72), at(0, 900), 75 * ppm)
    drape = (46, 112, 132)
    drape_hi = (74, 146, 166)
    # Arms forward on the boards: upper arm out, forearm up toward the head.
    for sx in (-1, 1):
        p.aapolygon(drape, _limb(at(sx * 170, 700), at(sx * 430, 760), 45 * ppm), "arm")
        p.aapolygon(drape, _limb(at(sx * 430, 760), at(sx * 400, 980), 38 * ppm), "forearm")
        p.aacircle(theme.SKIN_TONE, at(sx * 398, 1010), 32 * ppm)  # hand
    # Torso, hips and legs as one rounded outline.
    right = [
        (150, 760),
        (205, 640),
        (190, 420),
        (160, 130),
        (185, 20),
        (200, -120),
        (190, -260),
        (150, -420),
        (130, -700),
        (110, -860),
    ]
    outline = [at(x, y) for x, y in right] + [at(-x, y) for x, y in reversed(right)]
    p.aapolygon(drape, outline, "patient under the drape")
    p.aaline(drape_hi, at(0, 700), at(0, -80), 1)
    p.aaline((30, 80, 96), at(0, -300), at(0, -860), 1)  # between the legs
    # The head, face down in the ring: the back of the head and hair.
    p.aacircle((80, 56, 40), at(0, 905), 92 * ppm)
    p.aacircle((104, 74, 54), at(-20, 930), 50 * ppm)
    # The sterile window, then the frame of the main view.
    (wx, wy), (hx, hy), _r = WINDOW
    win = [at(wx - hx, wy + hy), at(wx + hx, wy + hy), at(wx + hx, wy - hy), at(wx - hx, wy - hy)]
    p.aapolygon(theme.SKIN_TONE, win, "sterile window")
    x0, y0, x1, y1 = view_mm
    a, b = at(x0, y1), at(x1, y0)
    frame = pygame.Rect(round(a[0]), round(a[1]), round(b[0] - a[0]), round(b[1] - a[1]))
    p.rect(theme.YELLOW, frame, 1)
    for i, line in enumerate(reversed(caption)):
        at = (box.centerx, box.bottom - 4 - i * line_h)
        p.text(line, at, theme.SMALL, theme.TEXT, anchor="midbottom")


def _limb(a, b, half_w: float) -> list[tuple[float, float]]:
    """A rounded limb from ``a`` to ``b`` (pixels), ``half_w`` px thick."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    nx, ny = -uy, ux
    pts = []
    for i in range(7):
        t = math.pi / 2 + math.pi * i / 6
        pts.append(
            (
                b[0] + half_w * (ux * math.cos(t - math.pi) + nx * math.sin(t - math.pi)),
                b[1] + half_w * (uy * math.cos(t - math.pi) + ny * math.sin(t - math.pi)),
            )
        )
    for i in range(7):
        t = math.pi / 2 + math.pi * i / 6
        pts.append(
            (
                a[0] + half_w * (ux * math.cos(t) + nx * math.sin(t)),
                a[1] + half_w * (uy * math.cos(t) + ny * math.sin(t)),
            )
        )
    return pts
