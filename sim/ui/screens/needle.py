"""The needle view: a section along the needle, the needle to scale, gauges and the syringe.

The panel keeps a little animation state of its own (:class:`NeedleMotion`), fed by the attempt's
events and the screen's fixed steps: the stylet slides out or back over a few hundred ms, the
needle jolts forward at the give and the gauge shows the give, the syringe fills over the pull
with the colour of what came back, and the bag's level rises as the syringe empties into it.
Views that do not feed it (the replay) simply draw the needle as it is.
"""

from __future__ import annotations

import math
from collections import deque

import pygame

from sim.i18n import N_, _
from sim.model.anatomy import direction
from sim.model.needle import NeedleState
from sim.model.tissue import Tissue
from sim.ui import theme
from sim.ui.art import gauges, instrument
from sim.ui.input import FORCE_MAX_N, PULL_CHOICES_ML
from sim.ui.layout import along, place_label, track_boxes
from sim.ui.render import Painter
from sim.ui.screens.section import SectionCache, aim_axis, describe_axis, section_scale
from sim.vocabulary.technique import Thresholds

AREA = pygame.Rect(10, 78, 880, 522)  # defaults; the screen sets its own (set_rects)
SIDE = pygame.Rect(900, 78, 370, 522)
NEEDLE_OD_MM = instrument.OD_MM  # 11 G outer diameter
SYRINGE_MAX_ML = 20.0
GHOST_DEPTH_MM = 75.0  # the ghost needle's length below the skin
GHOST = theme.SKY_BLUE

GIVE_CUE_S = 1.2  # the gauge says "GIVE - let go" this long after the give (tip in marrow)
JOLT_S = 0.25  # the needle's lurch at the give
JOLT_MM = 2.2
STYLET_SLIDE_S = 0.45
ANIMATION_TAIL_S = 0.1  # an animation keeps the window drawing this long after it ends
FILL_S = 0.7  # the syringe fills over the pull
HOLD_S = 1.4  # then shows what came back
DRAIN_S = 0.5  # then empties into the bag
TRACE_S = 3.0  # felt force shown over the last seconds
TRACE_HZ = 30
#: Commands after which the give cue stops (the hand has let go and is doing the next thing).
LET_GO = ("stylet_removed", "aspirated", "dry_tap", "rotated", "withdrawn", "redirected")
INSET_BG = (18, 22, 30)
#: Layers too thin to hold their name: it stands beside them, with a leader line.
THIN_LAYERS = (Tissue.OUTER_CORTEX, Tissue.INNER_CORTEX)
LEADERS = ((40, -36), (46, 0), (40, 36), (-40, 36), (-46, 0), (-40, -36))  # units
LABEL_BG = (24, 26, 32)
DANGER = (Tissue.PELVIS, Tissue.SI_JOINT, Tissue.SCIATIC_NOTCH)


def _ease(k: float) -> float:
    k = min(1.0, max(0.0, k))
    return k * k * (3 - 2 * k)


#: sim.model.tissue's labels and the sides of a site, shown as ``_(label)``
TISSUE_WORDS = (
    N_("outside the body"),
    N_("skin"),
    N_("subcutaneous fat"),
    N_("muscle (outside the bone)"),
    N_("outer cortical table"),
    N_("marrow cavity"),
    N_("inner cortical table"),
    N_("pelvic cavity (beyond the inner table)"),
    N_("sacroiliac joint / sacrum"),
    N_("greater sciatic notch (gluteal vessels, sciatic nerve)"),
    N_("left"),
    N_("right"),
)


class NeedleMotion:
    """Animation state of the needle view, on its own clock (advanced by ``tick``)."""

    def __init__(self) -> None:
        self.clock = 0.0
        self.give_at: float | None = None
        self.give_over = False
        self.stylet: tuple[float, bool] | None = None  # (started, going in)
        self.pull: tuple[float, float, theme.Colour | None] | None = None  # (start, ml, colour)
        self.bag = (0.0, 0.0, 0.0)  # (from mL, to mL, when the rise starts)
        self.bag_fluid: theme.Colour = theme.MARROW_FLUID

    def tick(self, dt_s: float) -> None:
        self.clock += dt_s

    def animating(self) -> bool:
        """Whether something is still moving (the give's cue and jolt, the stylet's slide, the
        syringe filling and draining, the bag rising): the window must redraw every frame."""
        c = self.clock - ANIMATION_TAIL_S  # and a frame or two after, to draw the end state
        if self.give_at is not None and not self.give_over and c - self.give_at <= GIVE_CUE_S:
            return True
        if self.stylet is not None and c - self.stylet[0] < STYLET_SLIDE_S:
            return True
        if self.pull is not None and c - self.pull[0] < FILL_S + HOLD_S + DRAIN_S:
            return True
        old, new, rise_at = self.bag
        return new != old and c < rise_at + DRAIN_S

    def on_events(self, events: list[dict]) -> None:
        for ev in events:
            t = ev["type"]
            if t == "loss_of_resistance":
                self.give_at, self.give_over = self.clock, False
            elif t == "stylet_removed":
                self.stylet = (self.clock, False)
            elif t == "stylet_replaced":
                self.stylet = (self.clock, True)
            elif t in ("skin_punctured", "needle_reinserted", "needle_removed"):
                self.stylet = None
                self.give_at = None
            elif t == "aspirated":
                colour = gauges.pull_colour(ev["ml"], ev["marrow_ml"])
                self.pull = (self.clock, float(ev["ml"]), colour)
                self.bag = (self.bag_ml(), float(ev["bag_ml"]), self.clock + FILL_S + HOLD_S)
                self.bag_fluid = colour if self.bag[0] <= 0 else self._bag_mix(colour, ev)
            elif t == "dry_tap":
                self.pull = (self.clock, 0.0, None)
            if t in LET_GO:  # the hand has let go and moved on: the give cue has done its work
                self.give_over = True

    def _bag_mix(self, colour: theme.Colour, ev: dict) -> theme.Colour:
        old, new = self.bag[0], float(ev["ml"])
        k = new / max(1e-6, old + new)
        return tuple(
            round(self.bag_fluid[i] + (colour[i] - self.bag_fluid[i]) * k) for i in range(3)
        )  # type: ignore[return-value]

    # ------------------------------------------------------------------ what to draw now
    def give_active(self, needle: NeedleState) -> bool:
        return (
            self.give_at is not None
            and not self.give_over
            and needle.inserted
            and needle.tissue == Tissue.MARROW
            and self.clock - self.give_at <= GIVE_CUE_S
        )

    def jolt_mm(self) -> tuple[float, float]:
        """(along, across) offset of the needle in its lurch at the give."""
        if self.give_at is None:
            return (0.0, 0.0)
        k = (self.clock - self.give_at) / JOLT_S
        if not 0.0 <= k < 1.0:
            return (0.0, 0.0)
        decay = (1.0 - k) ** 2  # forward at once by JOLT_MM, then a damped shudder back
        return (JOLT_MM * decay * math.cos(k * 20.0), 0.5 * decay * math.sin(k * 38.0 + 1.0))

    def stylet_out_mm(self, needle: NeedleState, travel_mm: float) -> float | None:
        """How far back the stylet is: 0 seated, None out of the needle."""
        if self.stylet is not None:
            start, going_in = self.stylet
            k = (self.clock - start) / STYLET_SLIDE_S
            if 0.0 <= k < 1.0:
                e = _ease(k)
                return travel_mm * (1.0 - e) if going_in else travel_mm * e
        return 0.0 if needle.stylet_in else None

    def syringe(self) -> tuple[float, theme.Colour | None]:
        """(mL in the barrel, its colour) now."""
        if self.pull is None:
            return (0.0, None)
        start, ml, colour = self.pull
        age = self.clock - start
        if age < FILL_S:
            return (ml * _ease(age / FILL_S), colour)
        if age < FILL_S + HOLD_S:
            return (ml, colour)
        if age < FILL_S + HOLD_S + DRAIN_S:
            return (ml * (1.0 - _ease((age - FILL_S - HOLD_S) / DRAIN_S)), colour)
        return (0.0, None)

    def lumen_fill(
        self, needle: NeedleState, length_mm: float
    ) -> tuple[theme.Colour, float] | None:
        """What fills the open lumen: the last pull's colour all the way up while the syringe
        holds it; marrow a few mm into the bevel while the open tip sits in marrow."""
        if needle.stylet_in or not needle.inserted:
            return None
        fluid_ml, colour = self.syringe()
        if colour is not None and fluid_ml > 0:
            return (colour, length_mm)
        if needle.tissue == Tissue.MARROW:
            return (instrument.LUMEN_MARROW, 7.0)
        return None

    def bag_ml(self) -> float:
        old, new, at = self.bag
        return old + (new - old) * _ease((self.clock - at) / DRAIN_S)


class NeedlePanel:
    """Draws the section for the current site and aim, with the needle and its readouts."""

    def __init__(
        self,
        anatomy,
        shows_hints: bool,
        length_mm: float,
        *,
        target_ml: float = 1000.0,
        limit_ml: float = 1400.0,
    ) -> None:
        self.anatomy = anatomy
        self.shows_hints = shows_hints
        self.length_mm = length_mm
        self.target_ml = target_ml
        self.limit_ml = limit_ml
        self.cache = SectionCache()
        self.area, self.side = AREA, SIDE
        self.motion = NeedleMotion()
        self.trace: deque[tuple[float, str]] = deque(maxlen=round(TRACE_S * TRACE_HZ))
        self._traced_at = -1.0
        self._whole: tuple[tuple, pygame.Surface] | None = None
        self.syringe_barrel: pygame.Rect | None = None  # where the syringe was drawn (tests)

    def set_rects(self, area: pygame.Rect, side: pygame.Rect) -> None:
        """Draw the section in ``area`` and the readouts in ``side`` (layout units)."""
        self.area, self.side = pygame.Rect(area), pygame.Rect(side)

    # ---------------------------------------------------------------- feeding the animation
    def tick(self, dt_s: float) -> None:
        self.motion.tick(dt_s)

    def animating(self) -> bool:
        return self.motion.animating()

    def on_events(self, events: list[dict]) -> None:
        self.motion.on_events(events)

    def section_for(self, site, lateral_deg: float, cranial_deg: float, scale: float = 1.0):
        """The section for a site and aim, painted at ``scale`` pixels per layout unit."""
        entry = (site.lateral_mm, site.cranial_mm)
        return self.cache.get(self.anatomy, entry, lateral_deg, cranial_deg, self.area, scale)

    def px_per_mm(self, p: Painter) -> float:
        """Window pixels per millimetre of the section in this panel's area."""
        return section_scale(self.area) * p.scale

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
        The tissue labels keep off the needle, the ghost, the whole-needle inset, the other
        labels and ``avoid``."""
        area = self.area
        if site is None:
            p.rect(theme.PANEL, area, radius=6)
            p.text(
                _("Mark a skin site on the back first (D or Tab for the dorsal view)"),
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
        ox, oy = cam.origin_px[0] + shake[0], cam.origin_px[1] + shake[1]
        ppm = cam.px_per_mm

        def at(s_mm: float, t_mm: float) -> tuple[float, float]:
            x, y = cam.to_px(s_mm, t_mm)
            return (x + shake[0], y + shake[1])

        def at_f(s_mm: float, t_mm: float) -> tuple[float, float]:
            return (ox + s_mm * ppm, oy + t_mm * ppm)

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
        tip = self._draw_needle(p, at_f, axis, depth, needle)
        if needle.inserted:
            p.circle(theme.YELLOW, tip, 7, 2)
        names = self._draw_axis_names(p, sec.axis)
        taken += names
        whole = self.whole_rect(p, sec.axis)
        self._draw_whole_needle(p, whole, depth, needle)
        taken.append(whole.inflate(6, 6))
        if ghost_tip is not None:
            taken.append(self._draw_ghost_label(p, ghost_tip, taken, track))
        self._draw_labels(p, sec, shake, taken, track)
        if flash > 0:
            p.shade((255, 255, 255), int(110 * flash), area)
        p.set_clip(clip)
        p.rect(theme.PANEL_EDGE, area, 1, radius=6)

    def _draw_labels(self, p: Painter, sec, shake, taken: list, track: list) -> None:
        """Each region's name on a dark pill, on its region where it fits, never over another
        label and off the needle where it can; a thin layer's (the cortex) stands beside it, and
        a name off its region has a leader line to a dot on it."""
        for tissue, pos in sec.labels:
            size = p.fonts.size(_(tissue.label), theme.SMALL)
            size = (size[0] + 10, size[1] + 4)
            anchor = (pos[0] + shake[0], pos[1] + shake[1])
            if tissue in THIN_LAYERS:
                places = []
                for dx, dy in LEADERS:
                    r = pygame.Rect(0, 0, *size)
                    r.centery = round(anchor[1] + dy)
                    if dx < 0:
                        r.right = round(anchor[0] + dx)
                    else:
                        r.left = round(anchor[0] + dx)
                    places.append(r)
            else:
                places = sec.label_places(tissue, size)
                if shake != (0, 0):
                    places = [r.move(shake) for r in places]
            pill = place_label(size, anchor, self.area, taken, track, places=places)
            on_region = sec.covers(tissue, pill.move(-shake[0], -shake[1]))
            if not on_region and pill.inflate(10, 10).collidepoint(anchor):
                # off its region yet over the point it names: move it off that point, so the
                # leader line shows which region it is
                dot = pygame.Rect(round(anchor[0]) - 8, round(anchor[1]) - 8, 16, 16)
                pill = place_label(size, anchor, self.area, [*taken, dot], track, places=places)
                on_region = sec.covers(tissue, pill.move(-shake[0], -shake[1]))
            taken.append(pill)
            if not on_region:
                # off its region: a leader line to a dot on it
                end = _nearest_edge(pill, anchor)
                p.aaline(LABEL_BG, anchor, end, 3)
                p.aaline(theme.TEXT, anchor, end, 1)
                p.aacircle(LABEL_BG, anchor, 4)
                p.aacircle(theme.TEXT, anchor, 2.5)
            p.rect(LABEL_BG, pill, radius=4)
            p.text(_(tissue.label), pill.center, theme.SMALL, theme.TEXT, anchor="center")

    def _axis_names(self, p: Painter, axis) -> list[tuple[str, tuple[int, int], str, pygame.Rect]]:
        """The section's two end names: (text, position, anchor, pill) along the top, one under
        the other when the section is too narrow for both on one line."""
        area = self.area
        right, left = describe_axis(axis)
        texts = ("<  " + left, right + "  >")
        (w1, h), (w2, _h) = (p.fonts.size(t, theme.SMALL) for t in texts)
        y2 = area.y + 8 if area.x + 10 + w1 + 24 + w2 <= area.right - 10 else area.y + 14 + h
        out = []
        for text, w, pos, anchor in (
            (texts[0], w1, (area.x + 10, area.y + 8), "topleft"),
            (texts[1], w2, (area.right - 10, y2), "topright"),
        ):
            pill = pygame.Rect(0, 0, w + 8, h + 2)
            setattr(pill, anchor, (pos[0] + (-4 if anchor == "topleft" else 4), pos[1] - 1))
            out.append((text, pos, anchor, pill))
        return out

    def _draw_axis_names(self, p: Painter, axis) -> list[pygame.Rect]:
        """The names of the section's two ends along its top, on dark pills over the needle's
        shaft."""
        placed = []
        for text, pos, anchor, pill in self._axis_names(p, axis):
            p.rect(LABEL_BG, pill, radius=4)
            p.text(text, pos, theme.SMALL, theme.TEXT, anchor=anchor)
            placed.append(pill.inflate(4, 4))
        return placed

    def whole_rect(self, p: Painter, axis) -> pygame.Rect:
        """Where the whole-needle inset goes: the top right of the section, in the air above the
        skin (the needle's outer end always leans to the left), under the right end's name."""
        area = self.area
        names = self._axis_names(p, axis)
        box = pygame.Rect(0, 0, round(area.width * 0.34), max(40, round(area.height * 0.1)))
        box.topright = (area.right - 10, max(area.y + 32, names[1][3].bottom + 6))
        return box

    def inset_for(self, p: Painter, site, needle: NeedleState, aim) -> pygame.Rect | None:
        """The whole-needle inset's rect as :meth:`draw_section` will place it (None without a
        site), for what the screen draws over the section (the practice warnings)."""
        if site is None:
            return None
        lat, cra = (needle.lateral_deg, needle.cranial_deg) if needle.inserted else aim
        return self.whole_rect(p, aim_axis(lat, cra))

    def _draw_needle(self, p: Painter, at_f, axis, depth: float, needle: NeedleState):
        """The instrument, supersampled where it shows (its edges are finer than a pixel);
        returns the tip's position (units)."""
        forward, across = self.motion.jolt_mm()
        ux, uy = axis

        def placed(s: float, t: float) -> tuple[float, float]:
            return at_f(s + ux * forward - uy * across, t + uy * forward + ux * across)

        stylet = self.motion.stylet_out_mm(needle, self.length_mm + 30.0)
        fill = self.motion.lumen_fill(needle, self.length_mm)
        frame = instrument.NeedleFrame(placed, axis)
        bounds = instrument.footprint(frame, depth, self.length_mm, stylet, self.area)
        if bounds is not None:
            x0, y0, x1, y1 = bounds
            rect = pygame.Rect(
                math.floor(x0) - 2,
                math.floor(y0) - 2,
                math.ceil(x1 - x0) + 5,
                math.ceil(y1 - y0) + 5,
            )
            k = 3 if self.px_per_mm(p) < 5.5 else 2
            with p.supersampled(rect, k) as fine:
                if fine is not None:
                    instrument.draw_needle(fine, frame, depth, self.length_mm, stylet, fill)
        return frame.at(depth, 0.0)

    def _draw_whole_needle(
        self, p: Painter, box: pygame.Rect, depth: float, needle: NeedleState
    ) -> None:
        """An inset: the whole needle from the side, hub, handle and stylet cap in view however
        deep the tip, with the skin as a line (drawn supersampled at the window's pixel size,
        kept while the depth moves less than a quarter millimetre)."""
        p.rect(INSET_BG, box, radius=6)
        p.rect(theme.PANEL_EDGE, box, 1, radius=6)
        stylet = self.motion.stylet_out_mm(needle, self.length_mm + 30.0)
        inner = box.inflate(-12, -8)
        px = p.px_rect(inner)
        if px.width <= 0 or px.height <= 0:
            return
        key = (
            px.size,
            p.scale,
            round(depth * 4),
            None if stylet is None else round(stylet, 1),
        )
        if self._whole is None or self._whole[0] != key:
            k = 3
            big = pygame.Surface((px.width * k, px.height * k))
            big.fill(INSET_BG)
            instrument.draw_whole(p.fine(big, k, px.topleft), inner, depth, self.length_mm, stylet)
            self._whole = (key, pygame.transform.smoothscale(big, px.size))
        p.blit(self._whole[1], inner.topleft, "whole needle")

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
        label = _("ghost needle: the ideal track")
        size = p.fonts.size(label, theme.SMALL, bold=True)
        pill = place_label(
            (size[0] + 10, size[1] + 4), tip, self.area, taken, track, prefer="right"
        )
        p.rect((18, 22, 30), pill, radius=4)
        p.rect(GHOST, pill, 1, radius=4)
        p.text(label, pill.center, theme.SMALL, GHOST, bold=True, anchor="center")
        return pill

    # ---------------------------------------------------------------- side panel
    def gauge_state(self, needle: NeedleState) -> str:
        """What the gauge shows: out, soft, cortex, give, marrow or danger."""
        if not needle.inserted:
            return "out"
        if self.motion.give_active(needle):
            return "give"
        tissue = needle.tissue
        if tissue in DANGER:
            return "danger"
        if tissue.is_cortex:
            return "cortex"
        if tissue == Tissue.MARROW:
            return "marrow"
        return "soft"

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
        inner_w = side.width - 28
        if site is None:
            p.text(_("No site marked"), (x, y), theme.BODY, theme.TEXT_DIM)
            return
        side_name = site.side
        p.text(
            _("Site {n}: {side} PSIS").format(n=site.index + 1, side=_(side_name)),
            (x, y),
            theme.BODY,
            bold=True,
        )
        y += 28
        p.text(
            _("{lat:+.0f} mm lateral, {cra:+.0f} mm cranial").format(
                lat=site.lateral_mm, cra=site.cranial_mm
            ),
            (x, y),
            theme.SMALL,
            theme.TEXT_DIM,
        )
        y += 26
        lat, cra = (needle.lateral_deg, needle.cranial_deg) if needle.inserted else aim
        p.text(
            _("Aim  {lat:+.0f}° lateral  {cra:+.0f}° cranial").format(lat=lat, cra=cra),
            (x, y),
            theme.BODY,
        )
        y += 26
        if self.shows_hints:
            p.text(
                _("ideal: about {deg:+.0f}° lateral (toward the ASIS)").format(
                    deg=Thresholds().ideal_lateral_deg
                ),
                (x, y),
                theme.SMALL,
                theme.TEXT_DIM,
            )
        y += 30
        # Tip.
        if needle.inserted:
            tissue = needle.tissue
            colour = theme.VERMILLION if tissue in DANGER else theme.TEXT
            p.text(_("Tip in"), (x, y), theme.SMALL, theme.TEXT_DIM)
            p.text(_(tissue.label), (x + 60, y - 2), theme.BODY, colour, bold=True)
            y += 26
            p.text(
                _("depth {depth:.1f} mm   stylet {stylet}   turned {deg:.0f}°").format(
                    depth=needle.depth_mm,
                    stylet=_("in") if needle.stylet_in else _("OUT"),
                    deg=needle.rotation_deg,
                ),
                (x, y),
                theme.SMALL,
                theme.TEXT,
            )
        else:
            p.text(_("Needle out: Enter inserts here"), (x, y), theme.BODY, theme.YELLOW)
            y += 26
            p.text(_("1-4 choose site   arrows aim"), (x, y), theme.SMALL, theme.TEXT_DIM)
        y += 32
        # Force: what the hand feels, against the layer's resistance.
        state = self.gauge_state(needle)
        felt = min(force_n, resistance_n) if resistance_n is not None and needle.inserted else 0.0
        self._sample(felt / FORCE_MAX_N, state)
        p.text(
            _("Hand force {n:.0f} N").format(n=force_n) + (_("  + twist") if twist else ""),
            (x, y),
            theme.SMALL,
            theme.TEXT,
        )
        if needle.inserted:
            p.text(
                _("felt {n:.0f} N").format(n=felt),
                (x + inner_w, y),
                theme.SMALL,
                theme.TEXT_DIM,
                anchor="topright",
            )
        y += 26
        gauges.draw_force_gauge(
            p,
            pygame.Rect(x, y, inner_w, 52),
            force_n=force_n,
            felt_n=felt,
            resistance_n=resistance_n,
            full_n=FORCE_MAX_N,
            state=state,
            trace=self.trace,
        )
        y += 56
        if resistance_n is not None and needle.inserted:
            move = (
                _("moving {v:.1f} mm/s").format(v=speed_mm_s)
                if speed_mm_s > 0.05
                else _("not moving")
            )
            p.text(
                _("resistance {n:.0f} N · {move}").format(n=resistance_n, move=move),
                (x, y),
                theme.SMALL,
                theme.TEXT_DIM,
            )
        y += 28
        self._draw_syringe(p, pygame.Rect(x, y, inner_w, side.bottom - 88 - y), pull_ml, last_pull)

    def _sample(self, felt_frac: float, state: str) -> None:
        """One point of the felt-force trace per 1/TRACE_HZ of the panel's clock."""
        now = self.motion.clock
        if now - self._traced_at >= 1.0 / TRACE_HZ - 1e-9 or not self.trace:
            self.trace.append((felt_frac, state))
            self._traced_at = now

    def _draw_syringe(self, p: Painter, box: pygame.Rect, pull_ml: float, last: dict | None):
        p.text(
            _("Syringe pull: {ml:g} mL   ( [ ] or wheel )").format(ml=pull_ml),
            (box.x, box.y),
            theme.SMALL,
            theme.TEXT,
        )
        bag_w = max(34, box.width // 8)
        fluid_ml, fluid = self.motion.syringe()
        self.syringe_barrel = gauges.draw_syringe(
            p,
            pygame.Rect(box.x, box.y + 36, box.width - bag_w - 16, 26),
            capacity_ml=SYRINGE_MAX_ML,
            chosen_ml=pull_ml,
            fluid_ml=fluid_ml,
            fluid=fluid,
        )
        y = box.y + 36 + 26 + 24  # the last pull's lines, under the syringe's scale
        bag = pygame.Rect(box.right - bag_w, box.y + 2, bag_w, y - box.y - 24)
        gauges.draw_bag(
            p,
            bag,
            bag_ml=self.motion.bag_ml(),
            target_ml=self.target_ml,
            limit_ml=self.limit_ml,
            fluid=self.motion.bag_fluid,
        )
        p.text(
            _("bag"), (bag.centerx, bag.bottom + 2), theme.SMALL, theme.TEXT_DIM, anchor="midtop"
        )
        if last is not None:
            if last.get("dry"):
                p.text(
                    _("Last pull: dry tap (nothing came back)"),
                    (box.x, y),
                    theme.SMALL,
                    theme.ORANGE,
                )
            else:
                # In the scoring's own words (aspiration criterion): thin is mostly blood.
                thin = last["tnc_per_ml"] < Thresholds().thin_tnc_per_ml
                kind = _("thin, mostly blood") if thin else _("marrow")
                p.text(
                    _("Last pull {ml:g} mL: {kind}").format(ml=last["ml"], kind=kind),
                    (box.x, y),
                    theme.SMALL,
                    theme.TEXT,
                )
                p.text(
                    _("{marrow:.1f} mL marrow, {tnc:.1f} x10^6 cells/mL").format(
                        marrow=last["marrow_ml"], tnc=last["tnc_per_ml"] / 1e6
                    ),
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
