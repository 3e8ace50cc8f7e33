"""Drawing helpers: a Painter over the window surface that can also record what it drew.

Views draw only through a :class:`Painter`, in *layout units* (``sim/ui/camera.py``): the canvas
is 720 units tall and as wide as the window's aspect makes it.  The Painter maps units to the
window's pixels as it draws: shapes are drawn at native pixels (line widths and radii scaled)
and text is rendered at the scaled font size, so everything is crisp at any window size.
Surfaces a view makes itself (the painted section, the draped back, the whole-needle inset) are
made at pixel size (``p.scale``), cached per pixel size, and blitted unscaled.  The anti-aliased
primitives (``aaline``, ``aapolygon``, ``aacircle``, ``translucent``) take float positions in
units and keep their sub-pixel part; ``supersampled`` yields a Painter in the same units over a
finer copy of part of the window.

With ``record=True`` every call is appended to ``painter.transcript`` as a tuple
(``("text", "marrow cavity", (x, y), ...)``...), so tests can check what a screen shows without
comparing pixels (pymunk / pyspacewar style).  Text items (:class:`TextItem`) carry their rect in
units, the panel they were drawn in, their layer and whether they were shortened to fit.
``with p.panel(rect, title):`` (or ``p.area(rect, name)`` without drawing anything) declares the
panel that the texts drawn inside belong to; ``with p.layer(name):`` starts a layer drawn over
the rest (an overlay, a banner), whose texts may cover those below.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

import pygame

from sim.i18n import _
from sim.ui import theme
from sim.ui.theme import Colour

Point = tuple[float, float]
RectLike = pygame.Rect | tuple[float, float, float, float]


def inset(points: Sequence[Point], d: float) -> list[Point]:
    """The polygon with every edge moved ``d`` pixels inward (mitred, clamped at sharp tips)."""
    n = len(points)
    twice_area = sum(
        points[i][0] * points[(i + 1) % n][1] - points[(i + 1) % n][0] * points[i][1]
        for i in range(n)
    )
    sign = 1.0 if twice_area >= 0 else -1.0
    out: list[Point] = []
    for i in range(n):
        (ax, ay), (bx, by), (cx, cy) = points[i - 1], points[i], points[(i + 1) % n]
        l1, l2 = math.hypot(bx - ax, by - ay), math.hypot(cx - bx, cy - by)
        if l1 < 1e-9 or l2 < 1e-9:
            out.append((bx, by))
            continue
        n1 = (-sign * (by - ay) / l1, sign * (bx - ax) / l1)
        n2 = (-sign * (cy - by) / l2, sign * (cx - bx) / l2)
        mx, my = n1[0] + n2[0], n1[1] + n2[1]
        m = math.hypot(mx, my)
        if m < 1e-9:
            out.append((bx + n1[0] * d, by + n1[1] * d))
            continue
        mx, my = mx / m, my / m
        k = d / max(0.35, mx * n1[0] + my * n1[1])
        out.append((bx + mx * k, by + my * k))
    return out


def _pixel_bytes(surf: pygame.Surface) -> int:
    return surf.get_pitch() * surf.get_height()


class Fonts:
    """Cached fonts and rendered text (rendering text is the costliest thing a frame does).

    Sizes are in layout units; ``scale`` (pixels per unit) picks the pixel size a font is
    rendered at, and :meth:`size` answers in units again.
    """

    MAX_CACHED = 3000
    #: The rendered text kept, in pixel bytes: a least-recently-used cache bounded by count
    #: alone filled with every clock and depth reading ever shown (3,000 surfaces, 30-40 MiB
    #: at 1920x1080 per Fonts), which was the trainer's memory growth (issue 15).  A frame's
    #: own texts, even a full cohort table, fit well within this.
    MAX_CACHED_BYTES = 6 * 2**20

    def __init__(self, scale: float = 1.0) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.scale = scale
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._text: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self._text_bytes = 0
        self._sizes: dict[tuple, tuple[int, int]] = {}

    def px_size(self, size: float) -> int:
        """The pixel size of the font for a text size in units (the default font runs small)."""
        return max(6, round(size * 1.25 * self.scale))

    def font(self, size: float, bold: bool = False) -> pygame.font.Font:
        key = (self.px_size(size), bold)
        f = self._fonts.get(key)
        if f is None:
            f = pygame.font.Font(None, key[0])
            f.set_bold(bold)
            self._fonts[key] = f
        return f

    def render(self, text: str, size: float, colour: Colour, bold: bool = False) -> pygame.Surface:
        """``text`` rendered at the current scale (a surface in pixels)."""
        key = (text, self.px_size(size), tuple(colour), bold)
        surf = self._text.get(key)
        if surf is None:
            surf = self.font(size, bold).render(text, True, colour)
            self._text[key] = surf
            self._text_bytes += _pixel_bytes(surf)
            while len(self._text) > 1 and (
                len(self._text) > self.MAX_CACHED or self._text_bytes > self.MAX_CACHED_BYTES
            ):
                self._text_bytes -= _pixel_bytes(self._text.popitem(last=False)[1])
        else:
            self._text.move_to_end(key)
        return surf

    def size(self, text: str, size: float, bold: bool = False) -> tuple[int, int]:
        """Width and height of ``text`` in layout units (rounded up)."""
        key = (text, self.px_size(size), bold, self.scale)
        found = self._sizes.get(key)
        if found is None:
            w, h = self.font(size, bold).size(text)
            found = (math.ceil(w / self.scale - 1e-6), math.ceil(h / self.scale - 1e-6))
            if len(self._sizes) > 4 * self.MAX_CACHED:
                self._sizes.clear()
            self._sizes[key] = found
        return found

    def line_height(self, size: float, bold: bool = False) -> int:
        """Height of one line of text in units."""
        return self.size("Ag", size, bold)[1]

    def fit(self, text: str, size: float, width: float, bold: bool = False) -> str:
        """``text``, shortened with '...' if it is wider than ``width`` units."""
        if self.size(text, size, bold)[0] <= width:
            return text
        while text and self.size(text + "...", size, bold)[0] > width:
            text = text[:-1]
        return text.rstrip() + "..."

    def wrap(self, text: str, size: float, width: float, bold: bool = False) -> list[str]:
        """Split ``text`` into lines no wider than ``width`` units (a word longer than a line
        is broken)."""
        lines: list[str] = []
        for para in text.split("\n"):
            words, line = para.split(), ""
            for w in words:
                trial = f"{line} {w}".strip()
                if self.size(trial, size, bold)[0] <= width:
                    line = trial
                    continue
                if line:
                    lines.append(line)
                while self.size(w, size, bold)[0] > width and len(w) > 1:
                    cut = len(w) - 1
                    while cut > 1 and self.size(w[:cut], size, bold)[0] > width:
                        cut -= 1
                    lines.append(w[:cut])
                    w = w[cut:]
                line = w
            lines.append(line)
        return lines


class TextItem(NamedTuple):
    """A text in the transcript: ``("text", text, (x, y), ...)`` like the other items."""

    kind: str
    text: str
    pos: tuple[float, float]  # top left, layout units
    rect: tuple[float, float, float, float]  # x, y, w, h in layout units
    panel: tuple[str, tuple[int, int, int, int]] | None  # the innermost declared panel
    layer: str
    cut: bool  # shortened with '...' (or lines left out) to fit


class PanelItem(NamedTuple):
    """A declared panel in the transcript: ``("panel", name, (x, y, w, h), ...)``."""

    kind: str
    name: str
    rect: tuple[int, int, int, int]
    parent: str | None
    layer: str


class _Clip:
    """A saved clip (pixels), as :meth:`Painter.get_clip` returns it."""

    def __init__(self, rect: pygame.Rect | None) -> None:
        self.rect = rect


class Painter:
    """Draws on the window surface in layout units; optionally records each call."""

    def __init__(
        self,
        surface: pygame.Surface,
        fonts: Fonts,
        record: bool = False,
        *,
        scale: float = 1.0,
        offset: tuple[float, float] = (0, 0),
        size: tuple[int, int] | None = None,
    ) -> None:
        self.fonts = fonts
        self.record = record
        self.transcript: list[tuple] = []
        self._panels: list[tuple[str, tuple[int, int, int, int]]] = []
        self._layers: list[str] = []
        self._shades: dict[tuple, pygame.Surface] = {}
        self._fine_fonts: dict[float, Fonts] = {}
        self.set_target(surface, scale, offset, size or surface.get_size())

    def set_target(
        self,
        surface: pygame.Surface,
        scale: float,
        offset: tuple[float, float] = (0, 0),
        size: tuple[int, int] | None = None,
    ) -> None:
        """Draw on ``surface`` at ``scale`` pixels per unit, the canvas's top left at ``offset``
        pixels; ``size`` is the canvas in units."""
        self.surface = surface
        self.scale = scale
        self.offset = offset
        self.size = size or (
            round(surface.get_width() / scale),
            round(surface.get_height() / scale),
        )
        self.fonts.scale = scale

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]

    @property
    def canvas(self) -> pygame.Rect:
        """The whole canvas in layout units."""
        return pygame.Rect(0, 0, *self.size)

    # ---------------------------------------------------------------- units to pixels
    def px(self, pt: Point) -> tuple[int, int]:
        """A point in units as window pixels."""
        s = self.scale
        return (round(self.offset[0] + pt[0] * s), round(self.offset[1] + pt[1] * s))

    def px_f(self, pt: Point) -> tuple[float, float]:
        """A point in units as window pixels, unrounded (anti-aliased shapes keep the sub-pixel
        part)."""
        s = self.scale
        return (self.offset[0] + pt[0] * s, self.offset[1] + pt[1] * s)

    def px_rect(self, rect: RectLike) -> pygame.Rect:
        """A rect in units as window pixels (its edges rounded, so neighbours stay flush)."""
        x, y, w, h = rect
        ox, oy = self.offset
        s = self.scale
        x0, y0 = round(ox + x * s), round(oy + y * s)
        x1, y1 = round(ox + (x + w) * s), round(oy + (y + h) * s)
        return pygame.Rect(x0, y0, x1 - x0, y1 - y0)

    def px_len(self, length: float) -> int:
        """A line width or radius in units as pixels (at least 1 unless 0)."""
        if length <= 0:
            return 0
        return max(1, int(length * self.scale + 0.5))

    def to_units(self, pos: Point) -> tuple[float, float]:
        """A window position (pixels) in units."""
        return ((pos[0] - self.offset[0]) / self.scale, (pos[1] - self.offset[1]) / self.scale)

    # ---------------------------------------------------------------- transcript
    def _log(self, *item) -> None:
        if self.record:
            self.transcript.append(item)

    def texts(self) -> list[str]:
        """Every string drawn so far (when recording)."""
        return [t[1] for t in self.transcript if t[0] == "text"]

    @property
    def layer_name(self) -> str:
        return "/".join(self._layers)

    @contextmanager
    def layer(self, name: str) -> Iterator[None]:
        """Draw a layer over what is below (an overlay, a banner): its texts may cover texts
        of the layers below it, not each other."""
        self._layers.append(name)
        saved, self._panels = self._panels, []
        self._log("layer", self.layer_name)
        try:
            yield
        finally:
            self._panels = saved
            self._layers.pop()

    @contextmanager
    def _scope(self, name: str, rect: RectLike) -> Iterator[pygame.Rect]:
        r = pygame.Rect(rect)
        self._panels.append((name, tuple(r)))
        try:
            yield r
        finally:
            self._panels.pop()

    def area(self, rect: RectLike, name: str):
        """Declare a panel without drawing it: ``with p.area(rect, "hud"):``; texts drawn
        inside must stay inside ``rect`` (the layout test checks)."""
        r = pygame.Rect(rect)
        parent = self._panels[-1][0] if self._panels else None
        self._log(*PanelItem("panel", name, tuple(r), parent, self.layer_name))
        return self._scope(name, r)

    # ---------------------------------------------------------------- clipping
    def get_clip(self) -> _Clip:
        """The current clip, to give back to :meth:`set_clip` later."""
        return _Clip(self.surface.get_clip())

    def set_clip(self, rect: RectLike | _Clip | None) -> None:
        """Clip drawing to ``rect`` (units), or restore a saved clip, or (None) clip nothing."""
        if isinstance(rect, _Clip):
            self.surface.set_clip(rect.rect)
        elif rect is None:
            self.surface.set_clip(None)
        else:
            self.surface.set_clip(self.px_rect(rect))

    @contextmanager
    def clip(self, rect: RectLike) -> Iterator[None]:
        """``with p.clip(rect):`` draws only inside ``rect`` (and the clip already set)."""
        saved = self.surface.get_clip()
        r = self.px_rect(rect)
        self.surface.set_clip(r.clip(saved) if saved else r)
        try:
            yield
        finally:
            self.surface.set_clip(saved)

    # ---------------------------------------------------------------- primitives
    def fill(self, colour: Colour, rect: RectLike | None = None) -> None:
        """Fill ``rect`` (units), or the whole window (the bands outside the canvas too)."""
        self._log("fill", colour, tuple(rect) if rect else None)
        self.surface.fill(colour, self.px_rect(rect) if rect else None)

    def shade(self, colour: Colour, alpha: int, rect: RectLike | None = None) -> None:
        """Cover ``rect`` (or the whole window) with ``colour`` at ``alpha`` (0-255)."""
        self._log("shade", colour, tuple(rect) if rect else None)
        r = self.px_rect(rect) if rect else self.surface.get_rect()
        if r.width <= 0 or r.height <= 0:
            return
        key = (r.size, tuple(colour))
        surf = self._shades.get(key)
        if surf is None:
            if len(self._shades) > 8:
                self._shades.clear()
            surf = pygame.Surface(r.size)
            surf.fill(colour)
            self._shades[key] = surf
        surf.set_alpha(alpha)
        self.surface.blit(surf, r)

    def rect(self, colour: Colour, rect: RectLike, width: int = 0, radius: int = 0) -> None:
        self._log("rect", colour, tuple(rect), width)
        pygame.draw.rect(
            self.surface,
            colour,
            self.px_rect(rect),
            self.px_len(width),
            border_radius=self.px_len(radius),
        )

    def line(self, colour: Colour, a: Point, b: Point, width: int = 1) -> None:
        self._log("line", colour, a, b)
        pygame.draw.line(self.surface, colour, self.px(a), self.px(b), self.px_len(width))

    def lines(self, colour: Colour, points: Sequence[Point], width: int = 1, closed=False):
        if len(points) < 2:
            return
        self._log("lines", colour, len(points))
        pts = [self.px(pt) for pt in points]
        pygame.draw.lines(self.surface, colour, closed, pts, self.px_len(width))

    def aalines(self, colour: Colour, points: Sequence[Point], closed: bool = False) -> None:
        if len(points) < 2:
            return
        self._log("lines", colour, len(points))
        pygame.draw.aalines(self.surface, colour, closed, [self.px_f(pt) for pt in points])

    def polygon(self, colour: Colour, points: Sequence[Point], width: int = 0) -> None:
        if len(points) < 3:
            return
        self._log("polygon", colour, len(points))
        pts = [self.px(pt) for pt in points]
        pygame.draw.polygon(self.surface, colour, pts, self.px_len(width))

    def circle(self, colour: Colour, centre: Point, radius: float, width: int = 0) -> None:
        self._log("circle", colour, centre, radius)
        pygame.draw.circle(
            self.surface,
            colour,
            self.px(centre),
            max(1.0, radius * self.scale),
            self.px_len(width),
        )

    def ellipse(self, colour: Colour, rect: RectLike, width: int = 0) -> None:
        self._log("ellipse", colour, tuple(rect))
        pygame.draw.ellipse(self.surface, colour, self.px_rect(rect), self.px_len(width))

    def blit(self, surf: pygame.Surface, pos: Point, tag: str = "image") -> None:
        """Blit ``surf`` (already made at pixel size, see ``scale``) with its top left at
        ``pos`` (units)."""
        self._log("blit", tag, pos)
        self.surface.blit(surf, self.px(pos))

    def dashed(self, colour: Colour, a: Point, b: Point, dash: int = 8, width: int = 1) -> None:
        self._log("dashed", colour, a, b)
        length = math.dist(a, b)
        if length < 1:
            return
        dx, dy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
        w = self.px_len(width)
        pos = 0.0
        while pos < length:
            end = min(length, pos + dash)
            pygame.draw.line(
                self.surface,
                colour,
                self.px((a[0] + dx * pos, a[1] + dy * pos)),
                self.px((a[0] + dx * end, a[1] + dy * end)),
                w,
            )
            pos += 2 * dash

    def hatch(self, colour: Colour, rect: pygame.Rect, spacing: int = 10) -> None:
        """Diagonal hatching inside ``rect`` (marks danger regions without relying on colour)."""
        self._log("hatch", colour, tuple(rect))
        r = self.px_rect(rect)
        step = max(2, round(spacing * self.scale))
        clip = self.surface.get_clip()
        self.surface.set_clip(r.clip(clip) if clip else r)
        w = self.px_len(1)
        for k in range(-r.height, r.width, step):
            pygame.draw.line(
                self.surface, colour, (r.x + k, r.bottom), (r.x + k + r.height, r.y), w
            )
        self.surface.set_clip(clip)

    # ---------------------------------------------------------------- text
    def text(
        self,
        text: str,
        pos: Point,
        size: int = theme.BODY,
        colour: Colour = theme.TEXT,
        *,
        bold: bool = False,
        anchor: str = "topleft",
        max_width: float | None = None,
        may_shorten: bool = False,
        shortened: bool = False,
    ) -> pygame.Rect:
        """Draw one line; ``anchor`` is a pygame.Rect attribute name (``center``, ``midtop``...).

        With ``max_width`` (units) a line too long for it is shortened with '...' (recorded as
        cut, which the layout test refuses, unless ``may_shorten``: the text is a preview or
        free data shown in full elsewhere).  ``shortened``: the caller cut the text itself (recorded
        likewise).  Returns the text's rect in units (rounded outwards).
        """
        cut = shortened and not may_shorten
        if max_width is not None:
            fitted = self.fonts.fit(text, size, max_width, bold)
            cut = cut or (fitted != text and not may_shorten)
            text = fitted
        return self._draw_text(text, pos, size, colour, bold, anchor, cut)

    def _draw_text(self, text, pos, size, colour, bold, anchor, cut) -> pygame.Rect:
        surf = self.fonts.render(text, size, colour, bold)
        r = surf.get_rect(**{anchor: self.px(pos)})
        self.surface.blit(surf, r)
        s = self.scale
        x, y = (r.x - self.offset[0]) / s, (r.y - self.offset[1]) / s
        w, h = r.width / s, r.height / s
        if self.record:
            self.transcript.append(
                TextItem(
                    "text",
                    text,
                    (round(x, 2), round(y, 2)),
                    (round(x, 2), round(y, 2), round(w, 2), round(h, 2)),
                    self._panels[-1] if self._panels else None,
                    self.layer_name,
                    cut,
                )
            )
        x0, y0 = math.floor(x), math.floor(y)
        return pygame.Rect(x0, y0, math.ceil(x + w) - x0, math.ceil(y + h) - y0)

    def paragraph(
        self,
        text: str,
        rect: RectLike,
        size: int = theme.BODY,
        colour: Colour = theme.TEXT,
        line_gap: int = 4,
        bold: bool = False,
        may_shorten: bool = False,
    ) -> int:
        """Wrapped text inside ``rect``; returns the y below the last line.  When the lines do
        not all fit, the last one shown ends in '...' (recorded as cut unless ``may_shorten``)."""
        rect = pygame.Rect(rect)
        y = rect.y
        h = self.fonts.line_height(size, bold) + line_gap
        lines = self.fonts.wrap(text, size, rect.width, bold)
        room = max(1, (rect.height + line_gap) // h)
        cut = len(lines) > room
        if cut:
            lines = lines[:room]
            lines[-1] = self.fonts.fit(lines[-1].rstrip(" .,;:") + " ...", size, rect.width, bold)
        for i, line in enumerate(lines):
            last = i == len(lines) - 1
            shortened = cut and last and not may_shorten
            self._draw_text(line, (rect.x, y), size, colour, bold, "topleft", shortened)
            y += h
        return y

    def paragraph_height(
        self, text: str, width: float, size: int = theme.BODY, line_gap: int = 4
    ) -> int:
        """The height :meth:`paragraph` needs for all of ``text`` at ``width``."""
        n = len(self.fonts.wrap(text, size, width))
        return n * (self.fonts.line_height(size) + line_gap) - line_gap

    # ---------------------------------------------------------------- widgets
    def panel(self, rect: RectLike, title: str | None = None, name: str | None = None):
        """Draw a panel; ``with p.panel(rect, title):`` also declares it for the texts drawn
        inside (see :meth:`area`).  The title sits in the top ``PANEL_TITLE_H`` units."""
        self.rect(theme.PANEL, rect, radius=6)
        self.rect(theme.PANEL_EDGE, rect, 1, radius=6)
        scope = self.area(rect, name or title or "panel")
        if title:
            r = pygame.Rect(rect)
            with self._scope(name or title, r):
                self.text(
                    title,
                    (r.x + 10, r.y + 6),
                    theme.SMALL,
                    theme.TEXT_DIM,
                    bold=True,
                    max_width=r.width - 20,
                )
        return scope

    def bar(
        self,
        rect: pygame.Rect,
        fraction: float,
        colour: Colour,
        *,
        marker: float | None = None,
        vertical: bool = False,
    ) -> None:
        """A progress bar filled to ``fraction``; ``marker`` draws a tick at that fraction."""
        self.rect((16, 19, 24), rect)
        f = min(1.0, max(0.0, fraction))
        if vertical:
            h = round(rect.height * f)
            fill = pygame.Rect(rect.x, rect.bottom - h, rect.width, h)
        else:
            fill = pygame.Rect(rect.x, rect.y, round(rect.width * f), rect.height)
        if fill.width > 0 and fill.height > 0:
            self.rect(colour, fill)
        self.rect(theme.PANEL_EDGE, rect, 1)
        if marker is not None:
            m = min(1.0, max(0.0, marker))
            if vertical:
                y = rect.bottom - round(rect.height * m)
                self.line(theme.TEXT, (rect.x - 4, y), (rect.right + 4, y), 2)
            else:
                x = rect.x + round(rect.width * m)
                self.line(theme.TEXT, (x, rect.y - 4), (x, rect.bottom + 4), 2)

    # ---------------------------------------------------------------- anti-aliased drawing
    def aaline(self, colour: Colour, a: Point, b: Point, width: float = 1) -> None:
        """An anti-aliased line (float end points in units: sub-pixel positions show)."""
        self._log("aaline", colour, a, b)
        pygame.draw.aaline(self.surface, colour, self.px_f(a), self.px_f(b), self.px_len(width))

    def aapolygon(self, colour: Colour, points: Sequence[Point], tag: str = "") -> None:
        """A filled polygon with an anti-aliased edge; ``tag`` names it in the transcript."""
        if len(points) < 3:
            return
        self._log("aapolygon", colour, len(points), tag)
        pts = [self.px_f(pt) for pt in points]
        # The fill is inset half a pixel so its stair-steps stay under the anti-aliased edge.
        pygame.draw.polygon(self.surface, colour, inset(pts, 0.5))
        pygame.draw.aalines(self.surface, colour, True, pts)

    def aacircle(self, colour: Colour, centre: Point, radius: float, width: float = 0) -> None:
        """An anti-aliased circle (or ring ``width`` units wide)."""
        self._log("aacircle", colour, centre, radius)
        pygame.draw.aacircle(
            self.surface,
            colour,
            self.px_f(centre),
            max(0.5, radius * self.scale),
            self.px_len(width),
        )

    def translucent(self, colour: Colour, alpha: int, points: Sequence[Point], tag: str = ""):
        """A polygon blended over what is drawn (``alpha`` 0-255), for shadows and glints."""
        if len(points) < 3:
            return
        self._log("translucent", colour, alpha, tag)
        pts = [self.px_f(pt) for pt in points]
        xs = [q[0] for q in pts]
        ys = [q[1] for q in pts]
        box = pygame.Rect(
            math.floor(min(xs)),
            math.floor(min(ys)),
            math.ceil(max(xs) - min(xs)) + 2,
            math.ceil(max(ys) - min(ys)) + 2,
        )
        layer = pygame.Surface(box.size, pygame.SRCALPHA)
        local = [(q[0] - box.x, q[1] - box.y) for q in pts]
        pygame.draw.polygon(layer, (*colour, alpha), inset(local, 0.5))
        pygame.draw.aalines(layer, (*colour, alpha), True, local)
        self.surface.blit(layer, box)

    def fine(self, surface: pygame.Surface, factor: float, origin: Point) -> Painter:
        """A Painter in the same units over ``surface``, a copy of this one's pixels ``factor``
        times finer whose top left is this painter's pixel ``origin`` (one transcript)."""
        scale = self.scale * factor
        fonts = self._fine_fonts.get(scale)
        if fonts is None:
            fonts = self._fine_fonts[scale] = Fonts(scale)
        ox, oy = origin
        sub = Painter(
            surface,
            fonts,
            self.record,
            scale=scale,
            offset=((self.offset[0] - ox) * factor, (self.offset[1] - oy) * factor),
            size=self.size,
        )
        sub.transcript = self.transcript  # one transcript: tests see what was drawn
        return sub

    @contextmanager
    def supersampled(self, rect: RectLike, factor: int) -> Iterator[Painter | None]:
        """Draw finely anti-aliased art into ``rect`` (units): yields a Painter in the same units
        over a copy of that part of the window ``factor`` times finer (None if ``rect`` is off
        the clip), then scales it smoothly back into place."""
        clip = self.surface.get_clip()
        r = self.px_rect(rect).clip(clip)
        if r.width <= 0 or r.height <= 0:
            yield None
            return
        big = pygame.transform.scale(
            self.surface.subsurface(r), (r.width * factor, r.height * factor)
        )
        yield self.fine(big, factor, r.topleft)
        self._log("blit", "supersampled", tuple(rect))
        self.surface.blit(pygame.transform.smoothscale(big, r.size), r)

    @contextmanager
    def cached(self, store: dict, key: object, rect: RectLike) -> Iterator[Painter | None]:
        """Draw something that does not change (a chart) once per pixel size: the first time
        yields a Painter over a copy of that part of the window (what is below it included) and
        keeps the result in ``store``; later frames blit it and yield None (the drawing calls
        are not made again; their transcript is replayed, so tests still see the texts)."""
        r = self.px_rect(rect)
        full = (key, tuple(r), self.scale)
        hit = store.get(full)
        if hit is not None:
            surf, transcript = hit
            self.surface.blit(surf, r)
            if self.record:
                self.transcript.extend(transcript)
            yield None
            return
        surf = self.surface.subsurface(r.clip(self.surface.get_rect())).copy()
        if surf.get_size() != r.size:  # partly off the window: draw directly, keep nothing
            yield self
            return
        sub = self.fine(surf, 1.0, r.topleft)
        sub.transcript = []
        yield sub
        if len(store) > 16:  # sizes seen while a window is dragged: keep a few
            store.clear()
        store[full] = (surf, sub.transcript)
        self.surface.blit(surf, r)
        if self.record:
            self.transcript.extend(sub.transcript)


PANEL_TITLE_H = 28


class Button:
    """A clickable, keyboard-labelled button drawn by the Painter (for in-view controls)."""

    def __init__(
        self,
        rect: pygame.Rect | None = None,
        label: str = "",
        key_hint: str = "",
        action: str = "",
    ):
        self.rect = pygame.Rect(rect) if rect is not None else pygame.Rect(0, 0, 0, 0)
        self.label = label
        self.key_hint = key_hint
        self.action = action or label
        self.enabled = True
        self.focused = False

    def hit(self, pos: Point) -> bool:
        return self.enabled and self.rect.collidepoint(pos)

    def min_width(self, p: Painter) -> int:
        """The width the label and key hint need side by side."""
        w = p.fonts.size(_(self.label), theme.SMALL)[0] + 16
        if self.key_hint:
            w += p.fonts.size(self.key_hint, theme.SMALL)[0] + 10
        return w

    def draw(self, p: Painter, hover: bool = False) -> None:
        bg = (58, 70, 88) if hover and self.enabled else (42, 50, 62)
        p.rect(bg, self.rect, radius=5)
        edge = theme.FOCUS if self.focused else theme.PANEL_EDGE
        p.rect(edge, self.rect, 2 if self.focused else 1, radius=5)
        colour = theme.TEXT if self.enabled else (110, 116, 126)
        cy = self.rect.centery
        label = _(self.label)  # in the current language: tables keep the English as ids
        with p.area(self.rect, f"button {self.label}"):
            if self.key_hint:
                hint = p.text(  # key names as printed on most keyboards
                    self.key_hint,
                    (self.rect.right - 6, cy),
                    theme.SMALL,
                    theme.YELLOW,
                    anchor="midright",
                )
                p.text(
                    label,
                    (self.rect.x + 8, cy),
                    theme.SMALL,
                    colour,
                    anchor="midleft",
                    max_width=hint.x - 6 - (self.rect.x + 8),
                )
            else:
                p.text(
                    label,
                    self.rect.center,
                    theme.SMALL,
                    colour,
                    anchor="center",
                    max_width=self.rect.width - 12,
                )
