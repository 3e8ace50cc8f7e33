"""The dorsal view: the prone donor's lower back, palpation on hover, and marking skin sites.

Everything is drawn from :meth:`Anatomy.dorsal_map` (millimetres, cranial up, the donor's right
on the right of the screen, as the operator standing behind sees it).  Positions are layout
units; the draped back is painted at the window's pixel size (``sim.ui.art.patient``) and kept
per donor build and pixel size.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import pygame

from sim.i18n import N_, _
from sim.model.anatomy import Anatomy
from sim.ui import theme
from sim.ui.art import patient
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
OVERVIEW_ASPECT = 0.56  # the whole patient's inset, width over height

ZONE_TEXT = {
    "safe": (N_("Over the PSIS and posterior crest: a good site"), theme.GOOD),
    "medial_si_joint": (
        N_("Too medial: the sacroiliac joint and sacrum lie beneath"),
        theme.ORANGE,
    ),
    "caudal_sciatic_notch": (
        N_("Too caudal: toward the greater sciatic notch (sciatic nerve, gluteal vessels)"),
        theme.VERMILLION,
    ),
    "lateral_cluneal_nerves": (
        N_("Far lateral along the crest: superior cluneal nerves"),
        theme.REDDISH_PURPLE,
    ),
    "off_bone": (N_("No bone under this spot at a good angle: move toward the PSIS"), theme.ORANGE),
}


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
        # What the attempt's events have put on the skin so far.
        self._seen = 0
        self.punctures: set[int] = set()
        self.strips = 0
        self.strip_sites = 0
        self.dressed = False

    def set_area(self, area: pygame.Rect) -> None:
        """Draw the back in ``area`` (layout units), as large as fits up to ``PX_PER_MM``."""
        self.area = pygame.Rect(area)
        ppm = min(PX_PER_MM, area.width / FIT_MM[0], area.height / FIT_MM[1])
        self.camera = MmCamera((area.centerx, area.centery + 8 * ppm / PX_PER_MM), ppm, flip_y=True)

    # ---------------------------------------------------------------- palpation
    def palpate(self, x_mm: float, y_mm: float) -> str:
        """What a gloved finger feels at a point of the back."""
        m = self.map
        psis = {
            "left": _("Bony prominence felt: left posterior superior iliac spine (PSIS)"),
            "right": _("Bony prominence felt: right posterior superior iliac spine (PSIS)"),
        }
        for side in ("left", "right"):
            if math.dist((x_mm, y_mm), m.psis[side]) < PALPATE_PSIS_MM:
                return psis[side]
        crest = {
            "left": _("Firm bony ridge: the left posterior iliac crest"),
            "right": _("Firm bony ridge: the right posterior iliac crest"),
        }
        for side in ("left", "right"):
            pts = m.crest[side]
            if min(math.dist((x_mm, y_mm), p) for p in pts) < PALPATE_CREST_MM:
                return crest[side]
        if self._in_polygon((x_mm, y_mm), m.sacrum):
            return _("Flat bone in the midline: the sacrum")
        if abs(x_mm) < 8 and y_mm > 20:
            return _("Spinous processes of the lumbar spine (midline)")
        return _("Soft tissue: no bone felt close under the skin")

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

    # ---------------------------------------------------------------- care on the skin
    def read_events(self, events) -> None:
        """Take in new events: skin punctures, Steri-Strips and the pressure dressing."""
        if events is None:
            return
        if len(events) < self._seen:  # another attempt's events
            self._seen = 0
        for ev in events[self._seen :]:
            t = ev["type"]
            if t == "skin_punctured":
                self.punctures.add(ev["site"])
            elif t == "step_done" and ev.get("step") == "steri_strips":
                self.strips = int(ev.get("count", 1))
                self.strip_sites = int(ev.get("skin_sites", self.strips))
            elif t == "step_done" and ev.get("step") == "pressure_dressing":
                self.dressed = True
        self._seen = len(events)

    def strip_positions(self, sites) -> list[tuple[float, float, str]]:
        """Where the Steri-Strips go (dorsal mm and side): over each punctured site, then over
        the handover's puncture sites (two over each crest) when no site was marked here."""
        spots = [(st.x_mm, st.y_mm, st.side) for st in sites if st.index in self.punctures]
        spots += [(st.x_mm, st.y_mm, st.side) for st in sites if st.index not in self.punctures]
        s = self.anatomy.scale
        defaults = [
            ("left", 2.0, 4.0),
            ("right", 2.0, 4.0),
            ("left", 20.0, 16.0),
            ("right", 20.0, 16.0),
        ]
        for side, lat, cra in defaults:
            if len(spots) >= self.strips:
                break
            x, y = self.anatomy.to_dorsal(side, lat * s, cra * s)
            spots.append((x, y, side))
        return spots[: self.strips]

    # ---------------------------------------------------------------- draw
    def _background(self, p: Painter) -> pygame.Surface:
        """The draped back painted at the area's size in window pixels."""
        cam, s = self.camera, p.scale
        size = p.px_rect(self.area).size
        origin = ((cam.origin_px[0] - self.area.x) * s, (cam.origin_px[1] - self.area.y) * s)
        return _painted_back(self.anatomy, size, origin, cam.px_per_mm * s)

    def view_mm(self) -> tuple[float, float, float, float]:
        """The dorsal-map rectangle the area shows (x0, y0, x1, y1)."""
        x0, y1 = self.camera.to_mm(self.area.left, self.area.top)
        x1, y0 = self.camera.to_mm(self.area.right, self.area.bottom)
        return (x0, y0, x1, y1)

    def draw(self, p: Painter, sites, selected: int, entries, events=None) -> None:
        cam, area = self.camera, self.area
        self.read_events(events)
        clip = p.get_clip()
        p.set_clip(area)
        p.blit(self._background(p), area.topleft, "draped back")
        ppm = cam.px_per_mm
        for site in sites:
            if site.index in self.punctures:
                patient.draw_puncture(p, self._px(site.x_mm, site.y_mm), ppm)
        for x, y, side in self.strip_positions(sites):
            if not sites:  # the handover's punctures, closed by these strips
                patient.draw_puncture(p, self._px(x, y), ppm)
            patient.draw_strip(p, self._px(x, y), ppm, 28.0 if side == "left" else -28.0)
        # What the movable labels keep off: the inset, the corner texts, the dressing's name.
        taken = []
        if self.dressed:
            taken.append(self._draw_dressing(p))
        overview = self.overview_rect()
        patient.draw_overview(p, overview, self.view_mm())
        taken.append(overview.inflate(8, 8))
        taken.append(
            p.text(_("donor's left"), (area.x + 12, area.bottom - 28), theme.SMALL, theme.TEXT)
        )
        taken.append(
            p.text(
                _("donor's right"),
                (area.right - 12, area.bottom - 28),
                theme.SMALL,
                theme.TEXT,
                anchor="topright",
            )
        )
        if self.shows_hints:
            self._draw_hints(p, sites, taken)
        for site in sites:
            self._draw_site(p, site, site.index == selected, entries.get(site.index, 0))
        self._draw_cursor(p, len(sites))
        p.set_clip(clip)
        p.rect(theme.PANEL_EDGE, area, 1, radius=6)

    def overview_rect(self) -> pygame.Rect:
        """The whole patient's inset at the area's top left, clear of the left crest, PSIS and
        cluneal region (where the trainee palpates and the hints are): beside it where the area
        is wide, above it where it is narrow, whichever leaves the inset larger."""
        area, m = self.area, self.map
        ppm = self.camera.px_per_mm
        pts = [self._px(x, y) for x, y in m.crest["left"][:11]]
        pts += self._zone_outline("left")
        cx, cy = self._px(*m.cluneal["left"])
        r = 14 * ppm
        pts += [(cx - r, cy - r), (cx + r, cy + r)]
        left = min(x for x, _y in pts)
        top = min(y for _x, y in pts)
        tall = round(area.height * 0.42)
        room_w = left - 12 - (area.x + 10)  # beside the region
        room_h = top - 12 - (area.y + 10)  # above it
        beside = min(tall, room_w / OVERVIEW_ASPECT)
        above = min(tall, room_h, area.width * 0.3 / OVERVIEW_ASPECT)
        box_h = max(60, round(max(beside, above)))
        return pygame.Rect(area.x + 10, area.y + 10, round(box_h * OVERVIEW_ASPECT), box_h)

    def _px(self, x_mm: float, y_mm: float) -> tuple[float, float]:
        """Dorsal mm to layout units without rounding (anti-aliased shapes)."""
        cam = self.camera
        return (cam.origin_px[0] + x_mm * cam.px_per_mm, cam.origin_px[1] - y_mm * cam.px_per_mm)

    def _draw_dressing(self, p: Painter) -> pygame.Rect:
        s = self.anatomy.scale
        a = self._px(-125 * s, 70 * s)
        b = self._px(125 * s, -80 * s)
        rect = pygame.Rect(round(a[0]), round(a[1]), round(b[0] - a[0]), round(b[1] - a[1]))
        patient.draw_dressing(p, rect, self.camera.px_per_mm)
        return p.text(
            _("pressure dressing"),
            (rect.centerx, rect.bottom - 10),
            theme.SMALL,
            (120, 116, 104),
            bold=True,
            anchor="midbottom",
        )

    def _zone_outline(self, side: str):
        a = self.anatomy
        s = a.scale
        corners = ((-8 * s, -15 * s), (35 * s, -15 * s), (35 * s, 30 * s), (-8 * s, 30 * s))
        return [self._px(*a.to_dorsal(side, u, v)) for u, v in corners]

    def _draw_hints(self, p: Painter, sites=(), taken=None) -> None:
        cam, m = self.camera, self.map
        ppm = cam.px_per_mm
        # The sites' numbers and the labels so far: the movable labels keep off them.
        taken = list(taken or [])
        for site in sites:
            w, h = p.fonts.size(str(site.index + 1), theme.BODY, bold=True)
            x, y = self.camera.to_px(site.x_mm, site.y_mm)
            taken.append(pygame.Rect(round(x - w / 2), round(y - 24 - h / 2), w, h))
        circles = []  # the danger circles: the movable labels keep off them where they can
        for side in ("left", "right"):
            for centre, r in ((m.notch[side], 16 * ppm), (m.cluneal[side], 14 * ppm)):
                x, y = self._px(*centre)
                circles.append(pygame.Rect(round(x - r), round(y - r), round(2 * r), round(2 * r)))
            zone = self._zone_outline(side)
            for a, b in zip(zone, zone[1:] + zone[:1], strict=True):
                p.aaline(theme.GOOD, a, b, 2)
            crest = [self._px(x, y) for x, y in m.crest[side][:11]]
            for a, b in zip(crest, crest[1:], strict=False):
                p.dashed((120, 84, 60), a, b, 4, 1)
            a, b = m.si_joint[side]
            p.aaline(theme.ORANGE, self._px(*a), self._px(*b), 5)
            centre = self._px(*m.notch[side])
            r = 16 * ppm
            _hatched_disc(p, theme.VERMILLION, centre, r, 6.0)
            p.aacircle(theme.VERMILLION, centre, r, 3)
            p.aacircle(theme.REDDISH_PURPLE, self._px(*m.cluneal[side]), 14 * ppm, 3)
            px, py = cam.to_px(*m.psis[side])
            anchor = "midright" if side == "left" else "midleft"
            dx = -14 if side == "left" else 14
            r = p.text(
                _("PSIS"), (px + dx, py + 2), theme.SMALL, theme.BLACK, bold=True, anchor=anchor
            )
            taken.append(r)
        lx, ly = cam.to_px(*m.notch["right"])
        r = 16 * ppm
        taken.append(
            self._danger_label(
                p, _("sciatic notch"), (lx + 28, ly), theme.VERMILLION, (lx, ly, r), taken
            )
        )
        cx, cy = cam.to_px(*m.cluneal["right"])
        taken.append(
            self._danger_label(
                p,
                _("cluneal nerves"),
                (cx + 24, cy - 6),
                theme.REDDISH_PURPLE,
                (cx, cy, 14 * ppm),
                taken,
            )
        )
        a, _b = m.si_joint["left"]
        ax, ay = cam.to_px(*a)
        si_joint = _("SI joint")
        size = p.fonts.size(si_joint, theme.SMALL, bold=True)
        taken.append(
            self._danger_label(p, si_joint, (ax + 3, ay + 24 + size[1] // 2), theme.ORANGE)
        )
        zx, zy = self._zone_outline("left")[3]
        kx, ky = cam.to_px(*m.crest["left"][7])
        safe_zone = _("safe zone")
        sw, sh = p.fonts.size(safe_zone, theme.SMALL, bold=True)
        bone = (110, 70, 40)
        for text, centre, colour in (
            (_("sacrum"), cam.to_px(0, -62), bone),
            # above the zone's medial top corner, ending past it
            (safe_zone, (zx - 50 + sw / 2, zy - 20 + sh / 2), (0, 100, 70)),
            (_("iliac crest"), (kx, ky - 22), bone),
        ):
            w, h = p.fonts.size(text, theme.SMALL, bold=True)
            r = place_label((w + 6, h + 2), centre, self.area, taken, circles)
            p.text(text, r.center, theme.SMALL, colour, bold=True, anchor="center")
            taken.append(r)

    def _danger_label(
        self, p: Painter, text: str, midleft, colour, circle=None, taken=()
    ) -> pygame.Rect:
        """A danger region's name: light text on a dark pill edged in the region's colour
        (as the needle view's section labels), readable on skin of any tone.  Beside the region
        (``circle``: x, y, radius) on the right, or, where the area's edge is too close, away
        from the PSIS line (above a region above it, below one below), then the other way, then
        on its left, whichever is clear of ``taken``."""
        w, h = p.fonts.size(text, theme.SMALL, bold=True)
        pill = pygame.Rect(0, 0, w + 12, h + 4)
        pill.midleft = midleft
        if circle is not None and not self.area.contains(pill):
            x, y, r = circle
            above, below = ("midbottom", (x, y - r - 4)), ("midtop", (x, y + r + 4))
            first = (below, above) if y > self.camera.origin_px[1] else (above, below)
            for attr, pos in (*first, ("midright", (x - r - 4, y))):
                trial = pill.copy()
                setattr(trial, attr, (round(pos[0]), round(pos[1])))
                if self.area.contains(trial) and trial.collidelist(list(taken)) < 0:
                    pill = trial
                    break
        pill.clamp_ip(self.area)
        p.rect((24, 26, 32), pill, radius=4)
        p.rect(colour, pill, 2, radius=4)
        p.text(text, pill.center, theme.SMALL, theme.TEXT, bold=True, anchor="center")
        return pill

    def _draw_site(self, p: Painter, site, selected: bool, entries: int) -> None:
        x, y = self._px(site.x_mm, site.y_mm)
        colour = theme.BLUE if not selected else theme.YELLOW
        p.aacircle(theme.BLACK, (x, y), 12, 4)
        p.aacircle(colour, (x, y), 10, 3)
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


_BACKS: OrderedDict[tuple, pygame.Surface] = OrderedDict()


def _painted_back(anatomy: Anatomy, size, origin, ppm: float) -> pygame.Surface:
    """The draped back for this donor's build and this size, made once (a retry, the replay and
    the debrief reuse it)."""
    key = (round(anatomy.scale, 6), round(anatomy.soft_mm, 6), tuple(size), origin, ppm)
    surf = _BACKS.get(key)
    if surf is None:
        surf = _BACKS[key] = patient.paint_back(anatomy, size, origin, ppm)
        while len(_BACKS) > 2:
            _BACKS.popitem(last=False)
    return surf


def _hatched_disc(p: Painter, colour, centre, radius: float, spacing: float) -> None:
    """Anti-aliased diagonal hatching inside a circle (a danger zone without relying on colour)."""
    cx, cy = centre
    k = -radius
    while k < radius:
        half = math.sqrt(max(0.0, radius * radius - k * k)) - 1.0
        if half > 0:
            # A chord at distance k from the centre, along the (1, -1) diagonal.
            mx, my = cx + k * 0.7071, cy + k * 0.7071
            p.aaline(
                colour,
                (mx - half * 0.7071, my + half * 0.7071),
                (mx + half * 0.7071, my - half * 0.7071),
            )
        k += spacing
