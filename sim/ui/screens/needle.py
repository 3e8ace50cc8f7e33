"""The needle view: a section along the needle, the needle to scale, gauges and the syringe."""

from __future__ import annotations

import math

import pygame

from sim.model.anatomy import direction
from sim.model.needle import NeedleState
from sim.model.tissue import Tissue
from sim.ui import theme
from sim.ui.input import FORCE_MAX_N, PULL_CHOICES_ML
from sim.ui.layout import along, place_label, track_boxes
from sim.ui.render import Painter
from sim.ui.screens.section import SectionCache, describe_axis
from sim.vocabulary.technique import Thresholds

AREA = pygame.Rect(10, 78, 880, 522)  # defaults; the screen sets its own (set_rects)
SIDE = pygame.Rect(900, 78, 370, 522)
NEEDLE_OD_MM = 3.05  # 11 G outer diameter
SYRINGE_MAX_ML = 20.0
GHOST_DEPTH_MM = 75.0  # the ghost needle's length below the skin
GHOST = theme.SKY_BLUE


class NeedlePanel:
    """Draws the section for the current site and aim, with the needle and its readouts."""

    def __init__(self, anatomy, shows_hints: bool, length_mm: float) -> None:
        self.anatomy = anatomy
        self.shows_hints = shows_hints
        self.length_mm = length_mm
        self.cache = SectionCache()
        self.area, self.side = AREA, SIDE

    def set_rects(self, area: pygame.Rect, side: pygame.Rect) -> None:
        """Draw the section in ``area`` and the readouts in ``side`` (layout units)."""
        self.area, self.side = pygame.Rect(area), pygame.Rect(side)

    def section_for(self, site, lateral_deg: float, cranial_deg: float, scale: float = 1.0):
        """The section for a site and aim, rasterised at ``scale`` pixels per layout unit."""
        entry = (site.lateral_mm, site.cranial_mm)
        return self.cache.get(self.anatomy, entry, lateral_deg, cranial_deg, self.area, scale)

    # ---------------------------------------------------------------- main area
    def draw_section(
        self,
        p: Painter,
        site,
        needle: NeedleState,
        aim: tuple[float, float],
        shake: tuple[int, int],
        flash: float,
        ghost: tuple[float, float] | None = None,
        avoid: list[pygame.Rect] | tuple = (),
    ) -> None:
        """The section, the needle and, in the tutorial, the ``ghost`` (lateral, cranial) track.
        The tissue labels keep off the needle, the ghost, the other labels and ``avoid``."""
        area = self.area
        if site is None:
            p.rect(theme.PANEL, area, radius=6)
            p.text(
                "Mark a skin site on the back first (D or Tab for the dorsal view)",
                area.center,
                theme.BODY,
                theme.TEXT_DIM,
                anchor="center",
                max_width=area.width - 20,
            )
            return
        lat, cra = (needle.lateral_deg, needle.cranial_deg) if needle.inserted else aim
        sec = self.section_for(site, lat, cra, p.scale)
        clip = p.get_clip()
        p.set_clip(area)
        p.blit(sec.surface, (area.x + shake[0], area.y + shake[1]), "section")
        cam = sec.camera

        def at(s_mm: float, t_mm: float) -> tuple[float, float]:
            x, y = cam.to_px(s_mm, t_mm)
            return (x + shake[0], y + shake[1])

        # The needle in the plane: along (horizontal, depth) components of its direction.
        d = needle.direction if needle.inserted else None
        if d is None:
            d = direction(lat, cra)
        horiz = math.hypot(d[0], d[1])
        axis = (horiz, d[2])
        depth = needle.depth_mm if needle.inserted else 0.0
        # Labels never overlap each other (``taken``) and keep off the needle, its tip and the
        # ghost where they can (``track``).
        taken = [self._draw_scale(p, cam), *avoid]
        far = max(depth, 80.0 if not needle.inserted and self.shows_hints else 0.0)
        taken += track_boxes([at(axis[0] * depth, axis[1] * depth)], 12)  # the tip
        track = track_boxes(
            along(at(-axis[0] * 30, -axis[1] * 30), at(axis[0] * far, axis[1] * far))
        )
        if not needle.inserted and self.shows_hints:
            p.dashed(theme.YELLOW, at(0, 0), at(axis[0] * 80, axis[1] * 80), 6, 2)
        ghost_tip = None
        if ghost is not None:
            ghost_tip, ghost_track = self._draw_ghost(p, at, sec.axis, ghost)
            track += track_boxes(ghost_track, 10)
        self._draw_needle(p, at, axis, depth, needle)
        taken += self._draw_axis_names(p, sec.axis)
        if ghost_tip is not None:
            taken.append(self._draw_ghost_label(p, ghost_tip, taken, track))
        for tissue, pos in sec.labels:
            size = p.fonts.size(tissue.label, theme.SMALL)
            size = (size[0] + 10, size[1] + 4)
            anchor = (pos[0] + shake[0], pos[1] + shake[1])
            places = sec.label_places(tissue, size)
            if shake != (0, 0):
                places = [r.move(shake) for r in places]
            pill = place_label(size, anchor, area, taken, track, places=places)
            taken.append(pill)
            if not sec.covers(tissue, pill.move(-shake[0], -shake[1])):
                # off its region: a leader line to it
                p.line((24, 26, 32), anchor, _nearest_edge(pill, anchor), 1)
                p.circle((24, 26, 32), anchor, 3)
            p.rect((24, 26, 32), pill, radius=4)
            p.text(tissue.label, pill.center, theme.SMALL, theme.TEXT, anchor="center")
        if flash > 0:
            p.shade((255, 255, 255), int(110 * flash), area)
        p.set_clip(clip)
        p.rect(theme.PANEL_EDGE, area, 1, radius=6)

    def _draw_axis_names(self, p: Painter, axis) -> list[pygame.Rect]:
        """The names of the section's two ends along its top, on dark pills over the needle's
        shaft (one under the other when the section is too narrow for both on one line)."""
        area = self.area
        right, left = describe_axis(axis)
        texts = ("<  " + left, right + "  >")
        (w1, h), (w2, _h) = (p.fonts.size(t, theme.SMALL) for t in texts)
        y2 = area.y + 8 if area.x + 10 + w1 + 24 + w2 <= area.right - 10 else area.y + 14 + h
        placed = []
        for text, w, pos, anchor in (
            (texts[0], w1, (area.x + 10, area.y + 8), "topleft"),
            (texts[1], w2, (area.right - 10, y2), "topright"),
        ):
            pill = pygame.Rect(0, 0, w + 8, h + 2)
            setattr(pill, anchor, (pos[0] + (-4 if anchor == "topleft" else 4), pos[1] - 1))
            p.rect((24, 26, 32), pill, radius=4)
            p.text(text, pos, theme.SMALL, theme.TEXT, anchor=anchor)
            placed.append(pill.inflate(4, 4))
        return placed

    def _draw_scale(self, p: Painter, cam) -> pygame.Rect:
        area = self.area
        x0, y0 = area.x + 16, area.bottom - 20
        px = 10 * cam.px_per_mm
        p.line(theme.TEXT, (x0, y0), (x0 + px, y0), 3)
        r = p.text("10 mm", (x0 + px + 8, y0), theme.SMALL, theme.TEXT, anchor="midleft")
        return pygame.Rect(x0 - 4, r.y - 4, r.right - x0 + 8, r.height + 8)

    def _draw_ghost(self, p: Painter, at, plane: tuple[float, float], ghost):
        """The ideal track, projected into the section plane, as a dashed outline; returns its
        tip and points along it."""
        g = direction(*ghost)
        u = (g[0] * plane[0] + g[1] * plane[1], g[2])
        norm = math.hypot(*u) or 1.0
        ux, uy = u[0] / norm, u[1] / norm
        nx, ny = -uy, ux
        half = NEEDLE_OD_MM / 2 + 0.6
        end = GHOST_DEPTH_MM
        for side in (-1, 1):
            a = at(nx * half * side, ny * half * side)
            b = at(ux * end + nx * half * side, uy * end + ny * half * side)
            p.dashed(GHOST, a, b, 8, 3)
        tip = at(ux * end, uy * end)
        p.circle(GHOST, tip, 6, 3)
        return tip, along(at(0, 0), tip)

    def _draw_ghost_label(self, p: Painter, tip, taken, track) -> pygame.Rect:
        label = "ghost needle: the ideal track"
        size = p.fonts.size(label, theme.SMALL, bold=True)
        pill = place_label(
            (size[0] + 10, size[1] + 4), tip, self.area, taken, track, prefer="right"
        )
        p.rect((18, 22, 30), pill, radius=4)
        p.rect(GHOST, pill, 1, radius=4)
        p.text(label, pill.center, theme.SMALL, GHOST, bold=True, anchor="center")
        return pill

    def _draw_needle(self, p: Painter, at, axis, depth: float, needle: NeedleState) -> None:
        ux, uy = axis
        nx, ny = -uy, ux  # normal in (s, t)
        half = NEEDLE_OD_MM / 2
        tip = (ux * depth, uy * depth)
        hub_d = depth - self.length_mm
        hub = (ux * hub_d, uy * hub_d)
        bevel = 2.5
        body = [
            at(hub[0] + nx * half, hub[1] + ny * half),
            at(tip[0] - ux * bevel + nx * half, tip[1] - uy * bevel + ny * half),
            at(tip[0] - nx * half, tip[1] - ny * half),
            at(hub[0] - nx * half, hub[1] - ny * half),
        ]
        p.polygon((190, 198, 210), body)
        p.polygon((40, 44, 52), body, 2)
        lumen_end = depth - (0.5 if needle.stylet_in else 1.5)
        lumen_colour = (90, 96, 110) if needle.stylet_in else (120, 20, 40)
        p.line(lumen_colour, at(hub[0], hub[1]), at(ux * lumen_end, uy * lumen_end), 3)
        # The T-handle sits on the hub (off screen while the needle is shallow).
        hx, hy = at(*hub)
        p.line((60, 66, 80), (hx - nx * 40, hy - ny * 40), (hx + nx * 40, hy + ny * 40), 10)
        if needle.inserted:
            tx, ty = at(*tip)
            p.circle(theme.YELLOW, (tx, ty), 7, 2)

    # ---------------------------------------------------------------- side panel
    def draw_side(
        self,
        p: Painter,
        *,
        site,
        needle: NeedleState,
        aim: tuple[float, float],
        force_n: float,
        resistance_n: float | None,
        speed_mm_s: float,
        pull_ml: float,
        last_pull: dict | None,
        twist: bool,
    ) -> None:
        side = self.side
        with p.panel(side, name="needle readouts"):
            self._draw_side(
                p,
                side,
                site,
                needle,
                aim,
                force_n,
                resistance_n,
                speed_mm_s,
                pull_ml,
                last_pull,
                twist,
            )

    def _draw_side(
        self,
        p,
        side,
        site,
        needle,
        aim,
        force_n,
        resistance_n,
        speed_mm_s,
        pull_ml,
        last_pull,
        twist,
    ) -> None:
        x, y = side.x + 14, side.y + 10
        if site is None:
            p.text("No site marked", (x, y), theme.BODY, theme.TEXT_DIM)
            return
        side_name = site.side
        p.text(f"Site {site.index + 1}: {side_name} PSIS", (x, y), theme.BODY, bold=True)
        y += 28
        p.text(
            f"{site.lateral_mm:+.0f} mm lateral, {site.cranial_mm:+.0f} mm cranial",
            (x, y),
            theme.SMALL,
            theme.TEXT_DIM,
        )
        y += 26
        lat, cra = (needle.lateral_deg, needle.cranial_deg) if needle.inserted else aim
        p.text(f"Aim  {lat:+.0f}° lateral  {cra:+.0f}° cranial", (x, y), theme.BODY)
        y += 26
        if self.shows_hints:
            p.text(
                f"ideal: about {Thresholds().ideal_lateral_deg:+.0f}° lateral (toward the ASIS)",
                (x, y),
                theme.SMALL,
                theme.TEXT_DIM,
            )
        y += 30
        # Tip.
        if needle.inserted:
            tissue = needle.tissue
            colour = (
                theme.VERMILLION
                if tissue in (Tissue.PELVIS, Tissue.SI_JOINT, Tissue.SCIATIC_NOTCH)
                else theme.TEXT
            )
            p.text("Tip in", (x, y), theme.SMALL, theme.TEXT_DIM)
            p.text(tissue.label, (x + 60, y - 2), theme.BODY, colour, bold=True)
            y += 26
            p.text(
                f"depth {needle.depth_mm:.1f} mm   stylet {'in' if needle.stylet_in else 'OUT'}"
                f"   turned {needle.rotation_deg:.0f}°",
                (x, y),
                theme.SMALL,
                theme.TEXT,
            )
        else:
            p.text("Needle out: Enter inserts here", (x, y), theme.BODY, theme.YELLOW)
            y += 26
            p.text("1-4 choose site   arrows aim", (x, y), theme.SMALL, theme.TEXT_DIM)
        y += 34
        # Force gauge with the layer's resistance marked.
        p.text(
            f"Hand force {force_n:.0f} N" + ("  + twist" if twist else ""),
            (x, y),
            theme.SMALL,
            theme.TEXT,
        )
        y += 22
        gauge = pygame.Rect(x, y, side.width - 28, 22)
        over = resistance_n is not None and force_n > resistance_n
        colour = theme.GOOD if over else theme.ORANGE
        marker = resistance_n / FORCE_MAX_N if resistance_n is not None else None
        p.bar(gauge, force_n / FORCE_MAX_N, colour, marker=marker)
        y += 28
        if resistance_n is not None and needle.inserted:
            move = f"moving {speed_mm_s:.1f} mm/s" if speed_mm_s > 0.05 else "not moving"
            p.text(f"resistance {resistance_n:.0f} N · {move}", (x, y), theme.SMALL, theme.TEXT_DIM)
        y += 30
        self._draw_syringe(p, pygame.Rect(x, y, side.width - 28, 120), pull_ml, last_pull)

    def _draw_syringe(self, p: Painter, box: pygame.Rect, pull_ml: float, last: dict | None):
        p.text(
            f"Syringe pull: {pull_ml:g} mL   ( [ ] or wheel )",
            (box.x, box.y),
            theme.SMALL,
            theme.TEXT,
        )
        barrel = pygame.Rect(box.x, box.y + 26, box.width - 20, 30)
        p.rect((220, 226, 232), barrel)
        frac = pull_ml / SYRINGE_MAX_ML
        fill = pygame.Rect(barrel.x, barrel.y, round(barrel.width * frac), barrel.height)
        p.rect(theme.REDDISH_PURPLE, fill)
        p.rect((40, 44, 52), barrel, 2)
        for ml in range(0, int(SYRINGE_MAX_ML) + 1):
            tx = barrel.x + round(barrel.width * ml / SYRINGE_MAX_ML)
            h = 10 if ml % 5 == 0 else 5
            p.line((40, 44, 52), (tx, barrel.bottom - h), (tx, barrel.bottom), 1)
            if ml % 5 == 0:
                p.text(
                    str(ml), (tx, barrel.bottom + 2), theme.SMALL, theme.TEXT_DIM, anchor="midtop"
                )
        # Plunger handle at the pull mark.
        px = fill.right
        p.rect((60, 66, 80), pygame.Rect(px, barrel.y + 8, 16, barrel.height - 16))
        p.text("mL", (barrel.right + 4, barrel.y + 6), theme.SMALL, theme.TEXT_DIM)
        y = barrel.bottom + 26
        if last is not None:
            if last.get("dry"):
                p.text(
                    "Last pull: dry tap (nothing came back)", (box.x, y), theme.SMALL, theme.ORANGE
                )
            else:
                p.text(
                    f"Last pull {last['ml']:g} mL: {last['marrow_ml']:.1f} mL marrow,",
                    (box.x, y),
                    theme.SMALL,
                    theme.TEXT,
                )
                p.text(
                    f"{last['tnc_per_ml'] / 1e6:.1f} x10^6 cells/mL",
                    (box.x, y + 22),
                    theme.SMALL,
                    theme.TEXT,
                )

    @staticmethod
    def pull_choices() -> tuple[float, ...]:
        return PULL_CHOICES_ML


def _nearest_edge(rect: pygame.Rect, pt) -> tuple[float, float]:
    """The point of ``rect``'s outline nearest ``pt`` (where a leader line meets a label)."""
    return (min(max(pt[0], rect.left), rect.right), min(max(pt[1], rect.top), rect.bottom))
