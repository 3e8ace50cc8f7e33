"""Drawing helpers: a Painter over a pygame surface that can also record what it drew.

Views draw only through a :class:`Painter`.  With ``record=True`` every call is appended to
``painter.transcript`` as a tuple (``("text", "marrow cavity", (x, y))`` ...), so tests can check
what a screen shows without comparing pixels (pymunk / pyspacewar style).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pygame

from sim.ui import theme
from sim.ui.theme import Colour

Point = tuple[float, float]


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


class Fonts:
    """Cached fonts and rendered text (rendering text is the costliest thing a frame does)."""

    MAX_CACHED = 3000

    def __init__(self) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._text: OrderedDict[tuple, pygame.Surface] = OrderedDict()

    def font(self, size: int, bold: bool = False) -> pygame.font.Font:
        key = (size, bold)
        if key not in self._fonts:
            f = pygame.font.Font(None, round(size * 1.25))  # the default font runs small
            f.set_bold(bold)
            self._fonts[key] = f
        return self._fonts[key]

    def render(self, text: str, size: int, colour: Colour, bold: bool = False) -> pygame.Surface:
        key = (text, size, colour, bold)
        surf = self._text.get(key)
        if surf is None:
            surf = self.font(size, bold).render(text, True, colour)
            self._text[key] = surf
            if len(self._text) > self.MAX_CACHED:
                self._text.popitem(last=False)
        else:
            self._text.move_to_end(key)
        return surf

    def size(self, text: str, size: int, bold: bool = False) -> tuple[int, int]:
        return self.font(size, bold).size(text)

    def fit(self, text: str, size: int, width: int, bold: bool = False) -> str:
        """``text``, shortened with '...' if it is wider than ``width`` pixels."""
        if self.size(text, size, bold)[0] <= width:
            return text
        while text and self.size(text + "...", size, bold)[0] > width:
            text = text[:-1]
        return text.rstrip() + "..."

    def wrap(self, text: str, size: int, width: int) -> list[str]:
        """Split ``text`` into lines no wider than ``width`` pixels."""
        lines: list[str] = []
        for para in text.split("\n"):
            words, line = para.split(), ""
            for w in words:
                trial = f"{line} {w}".strip()
                if self.size(trial, size)[0] <= width or not line:
                    line = trial
                else:
                    lines.append(line)
                    line = w
            lines.append(line)
        return lines


class Painter:
    """Draws on one surface; optionally records each call for transcript tests."""

    def __init__(self, surface: pygame.Surface, fonts: Fonts, record: bool = False) -> None:
        self.surface = surface
        self.fonts = fonts
        self.record = record
        self.transcript: list[tuple] = []

    def _log(self, *item) -> None:
        if self.record:
            self.transcript.append(item)

    def texts(self) -> list[str]:
        """Every string drawn so far (when recording)."""
        return [t[1] for t in self.transcript if t[0] == "text"]

    # ---------------------------------------------------------------- primitives
    def fill(self, colour: Colour, rect: pygame.Rect | None = None) -> None:
        self._log("fill", colour, tuple(rect) if rect else None)
        self.surface.fill(colour, rect)

    def rect(self, colour: Colour, rect, width: int = 0, radius: int = 0) -> None:
        self._log("rect", colour, tuple(rect), width)
        pygame.draw.rect(self.surface, colour, rect, width, border_radius=radius)

    def line(self, colour: Colour, a: Point, b: Point, width: int = 1) -> None:
        self._log("line", colour, a, b)
        pygame.draw.line(self.surface, colour, a, b, width)

    def lines(self, colour: Colour, points: Sequence[Point], width: int = 1, closed=False):
        if len(points) < 2:
            return
        self._log("lines", colour, len(points))
        pygame.draw.lines(self.surface, colour, closed, points, width)

    def aalines(self, colour: Colour, points: Sequence[Point], closed: bool = False) -> None:
        if len(points) < 2:
            return
        self._log("lines", colour, len(points))
        pygame.draw.aalines(self.surface, colour, closed, points)

    def polygon(self, colour: Colour, points: Sequence[Point], width: int = 0) -> None:
        if len(points) < 3:
            return
        self._log("polygon", colour, len(points))
        pygame.draw.polygon(self.surface, colour, points, width)

    def circle(self, colour: Colour, centre: Point, radius: float, width: int = 0) -> None:
        self._log("circle", colour, centre, radius)
        pygame.draw.circle(self.surface, colour, centre, radius, width)

    def ellipse(self, colour: Colour, rect, width: int = 0) -> None:
        self._log("ellipse", colour, tuple(rect))
        pygame.draw.ellipse(self.surface, colour, rect, width)

    def blit(self, surf: pygame.Surface, pos: Point, tag: str = "image") -> None:
        self._log("blit", tag, pos)
        self.surface.blit(surf, pos)

    def dashed(self, colour: Colour, a: Point, b: Point, dash: int = 8, width: int = 1) -> None:
        self._log("dashed", colour, a, b)
        length = math.dist(a, b)
        if length < 1:
            return
        dx, dy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
        pos = 0.0
        while pos < length:
            end = min(length, pos + dash)
            pygame.draw.line(
                self.surface,
                colour,
                (a[0] + dx * pos, a[1] + dy * pos),
                (a[0] + dx * end, a[1] + dy * end),
                width,
            )
            pos += 2 * dash

    def hatch(self, colour: Colour, rect: pygame.Rect, spacing: int = 10) -> None:
        """Diagonal hatching inside ``rect`` (marks danger regions without relying on colour)."""
        self._log("hatch", colour, tuple(rect))
        clip = self.surface.get_clip()
        self.surface.set_clip(rect.clip(clip) if clip else rect)
        for k in range(-rect.height, rect.width, spacing):
            pygame.draw.line(
                self.surface,
                colour,
                (rect.x + k, rect.bottom),
                (rect.x + k + rect.height, rect.y),
                1,
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
        max_width: int | None = None,
    ) -> pygame.Rect:
        """Draw one line; ``anchor`` is a pygame.Rect attribute name (``center``, ``midtop``...).

        With ``max_width`` a line too long for it is shortened with '...'.
        """
        if max_width is not None:
            text = self.fonts.fit(text, size, max_width, bold)
        surf = self.fonts.render(text, size, colour, bold)
        r = surf.get_rect(**{anchor: (round(pos[0]), round(pos[1]))})
        self._log("text", text, (r.x, r.y))
        self.surface.blit(surf, r)
        return r

    def paragraph(
        self,
        text: str,
        rect: pygame.Rect,
        size: int = theme.BODY,
        colour: Colour = theme.TEXT,
        line_gap: int = 4,
    ) -> int:
        """Wrapped text inside ``rect``; returns the y below the last line."""
        y = rect.y
        h = self.fonts.size("Ag", size)[1] + line_gap
        for line in self.fonts.wrap(text, size, rect.width):
            if y + h > rect.bottom + line_gap:
                break
            self.text(line, (rect.x, y), size, colour)
            y += h
        return y

    # ---------------------------------------------------------------- widgets
    def panel(self, rect: pygame.Rect, title: str | None = None) -> None:
        self.rect(theme.PANEL, rect, radius=6)
        self.rect(theme.PANEL_EDGE, rect, 1, radius=6)
        if title:
            self.text(title, (rect.x + 10, rect.y + 6), theme.SMALL, theme.TEXT_DIM, bold=True)

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
    def aaline(self, colour: Colour, a: Point, b: Point, width: int = 1) -> None:
        """An anti-aliased line (float end points: sub-pixel positions show)."""
        self._log("aaline", colour, a, b)
        pygame.draw.aaline(self.surface, colour, a, b, width)

    def aapolygon(self, colour: Colour, points: Sequence[Point], tag: str = "") -> None:
        """A filled polygon with an anti-aliased edge; ``tag`` names it in the transcript."""
        if len(points) < 3:
            return
        self._log("aapolygon", colour, len(points), tag)
        # The fill is inset half a pixel so its stair-steps stay under the anti-aliased edge.
        pygame.draw.polygon(self.surface, colour, inset(points, 0.5))
        pygame.draw.aalines(self.surface, colour, True, points)

    def aacircle(self, colour: Colour, centre: Point, radius: float, width: int = 0) -> None:
        self._log("aacircle", colour, centre, radius)
        pygame.draw.aacircle(self.surface, colour, centre, radius, width)

    def translucent(self, colour: Colour, alpha: int, points: Sequence[Point], tag: str = ""):
        """A polygon blended over what is drawn (``alpha`` 0-255), for shadows and glints."""
        if len(points) < 3:
            return
        self._log("translucent", colour, alpha, tag)
        xs = [q[0] for q in points]
        ys = [q[1] for q in points]
        box = pygame.Rect(
            math.floor(min(xs)),
            math.floor(min(ys)),
            math.ceil(max(xs) - min(xs)) + 2,
            math.ceil(max(ys) - min(ys)) + 2,
        )
        layer = pygame.Surface(box.size, pygame.SRCALPHA)
        local = [(q[0] - box.x, q[1] - box.y) for q in points]
        pygame.draw.polygon(layer, (*colour, alpha), inset(local, 0.5))
        pygame.draw.aalines(layer, (*colour, alpha), True, local)
        self.surface.blit(layer, box)

    @contextmanager
    def supersampled(self, rect: pygame.Rect, factor: int) -> Iterator[Painter | None]:
        """Draw finely anti-aliased art into ``rect``: yields a Painter over a copy of that part
        of the surface ``factor`` times larger (so coordinates and widths are ``factor`` times
        too; None if ``rect`` is off the clip), then scales it smoothly back into place."""
        clip = self.surface.get_clip()
        rect = pygame.Rect(rect).clip(clip)
        if rect.width <= 0 or rect.height <= 0:
            yield None
            return
        big = pygame.transform.scale(
            self.surface.subsurface(rect), (rect.width * factor, rect.height * factor)
        )
        sub = Painter(big, self.fonts, self.record)
        sub.transcript = self.transcript  # one transcript: tests see what was drawn
        yield sub
        self._log("blit", "supersampled", rect.topleft)
        self.surface.blit(pygame.transform.smoothscale(big, rect.size), rect)


class Button:
    """A clickable, keyboard-labelled button drawn by the Painter (for in-view controls)."""

    def __init__(self, rect: pygame.Rect, label: str, key_hint: str = "", action: str = ""):
        self.rect = rect
        self.label = label
        self.key_hint = key_hint
        self.action = action or label
        self.enabled = True
        self.focused = False

    def hit(self, pos: Point) -> bool:
        return self.enabled and self.rect.collidepoint(pos)

    def draw(self, p: Painter, hover: bool = False) -> None:
        bg = (58, 70, 88) if hover and self.enabled else (42, 50, 62)
        p.rect(bg, self.rect, radius=5)
        edge = theme.FOCUS if self.focused else theme.PANEL_EDGE
        p.rect(edge, self.rect, 2 if self.focused else 1, radius=5)
        colour = theme.TEXT if self.enabled else (110, 116, 126)
        cy = self.rect.centery
        if self.key_hint:
            p.text(self.label, (self.rect.x + 8, cy), theme.SMALL, colour, anchor="midleft")
            p.text(
                self.key_hint,
                (self.rect.right - 6, cy),
                theme.SMALL,
                theme.YELLOW,
                anchor="midright",
            )
        else:
            p.text(self.label, self.rect.center, theme.SMALL, colour, anchor="center")
