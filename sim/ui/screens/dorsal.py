"""The dorsal view: the prone donor's lower back, palpation on hover, and marking skin sites.

Everything is drawn from :meth:`Anatomy.dorsal_map` (millimetres, cranial up, the donor's right
on the right of the screen, as the operator standing behind sees it).
"""

from __future__ import annotations

import math

import pygame

from sim.model.anatomy import Anatomy
from sim.ui import theme
from sim.ui.camera import MmCamera
from sim.ui.layout import place_label
from sim.ui.render import Painter
from sim.vocabulary import commands as c

AREA = pygame.Rect(10, 78, 880, 522)  # the default area; the screen sets its own (set_area)
PX_PER_MM = 1.3  # the back's scale where the area allows (layout units per mm)
FIT_MM = (440.0, 384.0)  # the back's width and height with a margin, for smaller areas
PALPATE_PSIS_MM = 14.0
PALPATE_CREST_MM = 10.0
CURSOR_STEP_MM = 2.0
CURSOR_STEP_FAST_MM = 10.0

ZONE_TEXT = {
    "safe": ("Over the PSIS and posterior crest: a good site", theme.GOOD),
    "medial_si_joint": ("Too medial: the sacroiliac joint and sacrum lie beneath", theme.ORANGE),
    "caudal_sciatic_notch": (
        "Too caudal: toward the greater sciatic notch (sciatic nerve, gluteal vessels)",
        theme.VERMILLION,
    ),
    "lateral_cluneal_nerves": (
        "Far lateral along the crest: superior cluneal nerves",
        theme.REDDISH_PURPLE,
    ),
    "off_bone": ("No bone under this spot at a good angle: move toward the PSIS", theme.ORANGE),
}

# Half-outline of the lower back and buttocks (donor's right; mirrored for the left), in mm.
SILHOUETTE_RIGHT = (
    (0, 190),
    (150, 190),
    (158, 150),
    (170, 110),
    (188, 70),
    (204, 30),
    (214, -10),
    (220, -50),
    (218, -90),
    (208, -125),
    (190, -152),
    (162, -172),
    (120, -182),
    (70, -180),
    (30, -172),
    (0, -160),
)


def _mirror(points):
    return [(-x, y) for x, y in points]


class DorsalPanel:
    """Draws the back and turns clicks or the keyboard cursor into mark_site commands."""

    def __init__(self, anatomy: Anatomy, max_sites: int, shows_hints: bool) -> None:
        self.anatomy = anatomy
        self.map = anatomy.dorsal_map()
        self.max_sites = max_sites
        self.shows_hints = shows_hints
        self.set_area(AREA)
        self.cursor_mm = self.map.psis["left"]
        self.hover_mm: tuple[float, float] | None = None

    def set_area(self, area: pygame.Rect) -> None:
        """Draw the back in ``area`` (layout units), as large as fits up to ``PX_PER_MM``."""
        self.area = pygame.Rect(area)
        ppm = min(PX_PER_MM, area.width / FIT_MM[0], area.height / FIT_MM[1])
        self.camera = MmCamera((area.centerx, area.centery + 8 * ppm / PX_PER_MM), ppm, flip_y=True)

    # ---------------------------------------------------------------- palpation
    def palpate(self, x_mm: float, y_mm: float) -> str:
        """What a gloved finger feels at a point of the back."""
        m = self.map
        for side in ("left", "right"):
            if math.dist((x_mm, y_mm), m.psis[side]) < PALPATE_PSIS_MM:
                return f"Bony prominence felt: {side} posterior superior iliac spine (PSIS)"
        for side in ("left", "right"):
            pts = m.crest[side]
            if min(math.dist((x_mm, y_mm), p) for p in pts) < PALPATE_CREST_MM:
                return f"Firm bony ridge: the {side} posterior iliac crest"
        if self._in_polygon((x_mm, y_mm), m.sacrum):
            return "Flat bone in the midline: the sacrum"
        if abs(x_mm) < 8 and y_mm > 20:
            return "Spinous processes of the lumbar spine (midline)"
        return "Soft tissue: no bone felt close under the skin"

    @staticmethod
    def _in_polygon(pt, poly) -> bool:
        x, y = pt
        inside = False
        for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1], strict=False):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        return inside

    def local(self, x_mm: float, y_mm: float) -> tuple[str, float, float]:
        """(landmark, lateral_mm, cranial_mm) of a dorsal point from the nearer PSIS."""
        side = self.anatomy.nearest_side(x_mm)
        lat, cra = self.anatomy.to_local(side, x_mm, y_mm)
        return f"{side}_psis", lat, cra

    def mark_command(self, x_mm: float, y_mm: float) -> c.MarkSite | None:
        landmark, lat, cra = self.local(x_mm, y_mm)
        if abs(lat) > 100 or abs(cra) > 100:
            return None
        # "+ 0.0" turns -0.0 into 0.0: the log drops default-valued fields, so a -0.0 would not
        # survive a replay (the digest would differ).
        return c.MarkSite(
            landmark=landmark, lateral_mm=round(lat, 1) + 0.0, cranial_mm=round(cra, 1) + 0.0
        )

    def move_cursor(self, dx: float, dy: float) -> None:
        x, y = self.cursor_mm
        self.cursor_mm = (max(-200.0, min(200.0, x + dx)), max(-160.0, min(170.0, y + dy)))

    # ---------------------------------------------------------------- draw
    def draw(self, p: Painter, sites, selected: int, entries) -> None:
        cam, m = self.camera, self.map
        area = self.area
        p.rect(theme.DRAPE, area, radius=6)
        right = list(SILHOUETTE_RIGHT)
        outline = right + _mirror(right)[::-1]
        p.polygon(theme.SKIN_SHADE, [cam.to_px(x, y) for x, y in outline])
        inner = [cam.to_px(x * 0.9, y * 0.96 + 4) for x, y in outline]
        p.polygon(theme.SKIN_TONE, inner)  # lighter centre: the back curves away at the flanks
        p.text("Dorsal view: donor prone,", (area.x + 12, area.y + 8), theme.SMALL, theme.TEXT)
        p.text("head at the top", (area.x + 12, area.y + 30), theme.SMALL, theme.TEXT)
        p.text("donor's left", (area.x + 12, area.bottom - 28), theme.SMALL, theme.TEXT)
        p.text(
            "donor's right",
            (area.right - 12, area.bottom - 28),
            theme.SMALL,
            theme.TEXT,
            anchor="topright",
        )
        for sign in (-1, 1):
            fold = [
                cam.to_px(sign * x, y)
                for x, y in ((8, -104), (40, -128), (90, -150), (140, -160), (175, -158))
            ]
            p.lines(theme.SKIN_SHADE, fold, 2)
        # Midline: spinous processes above the sacrum, then the gluteal cleft below it.
        p.line(theme.SKIN_SHADE, cam.to_px(0, 185), cam.to_px(0, 30), 2)
        for y in (48, 88, 128, 168):
            x0, y0 = cam.to_px(-5, y + 6)
            p.ellipse(
                (196, 150, 118),
                pygame.Rect(x0, y0, round(10 * cam.px_per_mm), round(12 * cam.px_per_mm)),
            )
        p.line((150, 104, 80), cam.to_px(0, -95), cam.to_px(0, -168), 4)
        # Sacrum: a flat triangle between the PSIS.
        sac = [cam.to_px(x, y) for x, y in m.sacrum]
        p.polygon((204, 160, 126), sac)
        p.lines(theme.SKIN_SHADE, sac, 2, closed=True)
        # Iliac crests: firm ridges curving up and out from each PSIS.
        for side in ("left", "right"):
            crest = [cam.to_px(x, y) for x, y in m.crest[side][:11]]
            p.lines((170, 122, 92), crest, 7)
            p.lines((232, 196, 164), crest, 2)
            px, py = cam.to_px(*m.psis[side])
            p.ellipse((150, 100, 74), pygame.Rect(px - 9, py - 7, 18, 14))  # dimple
        if self.shows_hints:
            self._draw_hints(p, sites)
        for site in sites:
            self._draw_site(p, site, site.index == selected, entries.get(site.index, 0))
        self._draw_cursor(p, len(sites))

    def _zone_outline(self, side: str):
        a = self.anatomy
        s = a.scale
        corners = ((-8 * s, -15 * s), (35 * s, -15 * s), (35 * s, 30 * s), (-8 * s, 30 * s))
        return [self.camera.to_px(*a.to_dorsal(side, u, v)) for u, v in corners]

    def _draw_hints(self, p: Painter, sites=()) -> None:
        cam, m = self.camera, self.map
        taken = []  # the sites' numbers and the labels so far: the movable labels keep off them
        for site in sites:
            w, h = p.fonts.size(str(site.index + 1), theme.BODY, bold=True)
            x, y = self.camera.to_px(site.x_mm, site.y_mm)
            taken.append(pygame.Rect(round(x - w / 2), round(y - 24 - h / 2), w, h))
        for side in ("left", "right"):
            zone = self._zone_outline(side)
            p.lines(theme.GOOD, zone, 2, closed=True)
            a, b = m.si_joint[side]
            p.line(theme.ORANGE, cam.to_px(*a), cam.to_px(*b), 5)
            nx, ny = cam.to_px(*m.notch[side])
            r = round(16 * cam.px_per_mm)
            p.circle(theme.VERMILLION, (nx, ny), r, 3)
            p.hatch(theme.VERMILLION, pygame.Rect(nx - r // 2, ny - r // 2, r, r), 6)
            cx, cy = cam.to_px(*m.cluneal[side])
            p.circle(theme.REDDISH_PURPLE, (cx, cy), round(14 * cam.px_per_mm), 3)
            px, py = cam.to_px(*m.psis[side])
            anchor = "midright" if side == "left" else "midleft"
            dx = -14 if side == "left" else 14
            r = p.text(
                "PSIS", (px + dx, py + 2), theme.SMALL, theme.BLACK, bold=True, anchor=anchor
            )
            taken.append(r)
        lx, ly = cam.to_px(*m.notch["right"])
        taken.append(self._danger_label(p, "sciatic notch", (lx + 28, ly), theme.VERMILLION))
        cx, cy = cam.to_px(*m.cluneal["right"])
        taken.append(
            self._danger_label(p, "cluneal nerves", (cx + 24, cy - 6), theme.REDDISH_PURPLE)
        )
        a, _b = m.si_joint["left"]
        ax, ay = cam.to_px(*a)
        size = p.fonts.size("SI joint", theme.SMALL, bold=True)
        taken.append(
            self._danger_label(p, "SI joint", (ax + 3, ay + 24 + size[1] // 2), theme.ORANGE)
        )
        zx, zy = self._zone_outline("left")[3]
        kx, ky = cam.to_px(*m.crest["left"][7])
        sw, sh = p.fonts.size("safe zone", theme.SMALL, bold=True)
        bone = (110, 70, 40)
        for text, centre, colour in (
            ("sacrum", cam.to_px(0, -62), bone),
            # above the zone's medial top corner, ending past it
            ("safe zone", (zx - 50 + sw / 2, zy - 20 + sh / 2), (0, 100, 70)),
            ("iliac crest", (kx, ky - 22), bone),
        ):
            w, h = p.fonts.size(text, theme.SMALL, bold=True)
            r = place_label((w + 6, h + 2), centre, self.area, taken)
            p.text(text, r.center, theme.SMALL, colour, bold=True, anchor="center")
            taken.append(r)

    def _danger_label(self, p: Painter, text: str, midleft, colour) -> pygame.Rect:
        """A danger region's name: light text on a dark pill edged in the region's colour
        (as the needle view's section labels), readable on skin of any tone."""
        w, h = p.fonts.size(text, theme.SMALL, bold=True)
        pill = pygame.Rect(0, 0, w + 12, h + 4)
        pill.midleft = midleft
        pill.clamp_ip(self.area)
        p.rect((24, 26, 32), pill, radius=4)
        p.rect(colour, pill, 2, radius=4)
        p.text(text, pill.center, theme.SMALL, theme.TEXT, bold=True, anchor="center")
        return pill

    def _draw_site(self, p: Painter, site, selected: bool, entries: int) -> None:
        x, y = self.camera.to_px(site.x_mm, site.y_mm)
        colour = theme.BLUE if not selected else theme.YELLOW
        p.circle(theme.BLACK, (x, y), 12)
        p.circle(colour, (x, y), 10, 3)
        p.text(
            str(site.index + 1), (x, y - 24), theme.BODY, theme.BLACK, bold=True, anchor="center"
        )
        if entries:
            p.text(f"{entries}", (x + 14, y + 4), theme.SMALL, theme.BLACK, anchor="midleft")

    def _draw_cursor(self, p: Painter, n_sites: int) -> None:
        pos = self.hover_mm or self.cursor_mm
        x, y = self.camera.to_px(*pos)
        col = theme.YELLOW if n_sites < self.max_sites else theme.TEXT_DIM
        p.line(col, (x - 14, y), (x - 4, y), 2)
        p.line(col, (x + 4, y), (x + 14, y), 2)
        p.line(col, (x, y - 14), (x, y - 4), 2)
        p.line(col, (x, y + 4), (x, y + 14), 2)

    def in_area(self, pos) -> bool:
        return self.area.collidepoint(pos)
