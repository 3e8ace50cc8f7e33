"""The tutorial step panel (over the top of the main area) and the aim guide with the ghost.

The panel shows the current step's number, title, instruction, the keys to do it and why it
matters (with the source).  It opens by itself at each new step (showing what was just done)
and shrinks to the title and keys once the trainee starts on the step, so the section shows;
H opens or shrinks it by hand.
"""

from __future__ import annotations

import pygame

from sim.trainer.guide import Guide
from sim.ui import theme
from sim.ui.render import Painter

DONE_FLASH_S = 3.0
GHOST: theme.Colour = theme.SKY_BLUE
PAD = 12


class TutorialPanel:
    """Draws the guide's current step; keeps the open/closed state and the 'done' flash."""

    def __init__(self, guide: Guide, area: pygame.Rect) -> None:
        self.guide = guide
        self.area = area
        self.expanded = True
        self.pinned = False  # H was pressed during this step: leave it as the trainee set it
        self.flash_s = 0.0
        self.just_done = ""
        self._seen = guide.tutorial.index
        self.bottom = area.y

    def toggle(self) -> None:
        self.expanded = not self.expanded
        self.pinned = True

    def tick(self, dt_s: float) -> None:
        g = self.guide
        if g.tutorial.index != self._seen:
            self._seen = g.tutorial.index
            self.just_done = g.done[-1].title if g.done else ""
            self.flash_s = DONE_FLASH_S
            self.expanded = True
            self.pinned = False
        elif g.acted and not self.pinned:
            self.expanded = False
        self.flash_s = max(0.0, self.flash_s - dt_s)

    # ---------------------------------------------------------------- draw
    def _lines(self, p: Painter, text: str, size: int, width: int, most: int) -> list[str]:
        lines = p.fonts.wrap(text, size, width)
        if len(lines) > most:
            lines = lines[:most]
            lines[-1] = lines[-1].rstrip(" .,;") + " ..."
        return lines

    def draw(self, p: Painter) -> int:
        """Draw the panel; returns the y below it (warnings go there)."""
        g = self.guide
        step = g.current
        width = self.area.width - 2 * PAD
        if step is None:
            rows = [("Tutorial complete: press E and Y to end and see your summary.", None)]
            body: list[tuple[str, int, theme.Colour, bool]] = [
                (rows[0][0], theme.BODY, theme.GOOD, True)
            ]
        else:
            body = []
            if self.expanded:
                for line in self._lines(p, step.instruction, theme.BODY, width, 3):
                    body.append((line, theme.BODY, theme.TEXT, False))
            for line in self._lines(p, g.how, theme.SMALL, width, 2):
                body.append((line, theme.SMALL, theme.YELLOW, False))
            if self.expanded:
                for line in self._lines(p, "Why: " + step.why, theme.SMALL, width, 4):
                    body.append((line, theme.SMALL, theme.SKY_BLUE, False))
        heights = [p.fonts.size("Ag", size)[1] + 2 for _t, size, _c, _b in body]
        head = 34
        extra = 26 if (g.refusal or self.flash_s > 0) and step is not None else 0
        box = pygame.Rect(
            self.area.x, self.area.y, self.area.width, head + sum(heights) + extra + 8
        )
        p.rect((18, 22, 30), box, radius=6)
        p.rect(theme.SKY_BLUE, box, 2, radius=6)
        x, y = box.x + PAD, box.y + 6
        if step is not None:
            r = p.text(f"Step {g.number} of {g.total}", (x, y + 2), theme.SMALL, theme.TEXT_DIM)
            p.text(step.title, (r.right + 14, y - 1), theme.LARGE, theme.YELLOW, bold=True)
            hint = "H: less" if self.expanded else "H: more (why)"
            p.text(hint, (box.right - PAD, y + 4), theme.SMALL, theme.TEXT_DIM, anchor="topright")
        else:
            p.text("Tutorial", (x, y), theme.LARGE, theme.YELLOW, bold=True)
        y += head
        for (text, size, colour, bold), h in zip(body, heights, strict=True):
            p.text(text, (x, y), size, colour, bold=bold)
            y += h
        if extra:
            if g.refusal:
                p.text("Not yet: " + g.refusal, (x, y + 2), theme.SMALL, theme.ORANGE, bold=True)
            else:
                p.text(f"Done: {self.just_done}", (x, y + 2), theme.SMALL, theme.GOOD, bold=True)
        self.bottom = box.bottom
        return box.bottom + 8


def draw_aim_guide(
    p: Painter, rect: pygame.Rect, aim: tuple[float, float], ideal: tuple[float, float]
) -> None:
    """A small chart of the aim: lateral across, cranial up; the ghost's aim is the ring."""
    p.rect((18, 22, 30), rect, radius=6)
    p.rect(GHOST, rect, 1, radius=6)
    p.text("Aim guide", (rect.x + 8, rect.y + 4), theme.SMALL, theme.TEXT_DIM, bold=True)
    plot = pygame.Rect(rect.x + 10, rect.y + 26, rect.width - 20, rect.height - 78)
    lat_range, cra_range = (-10.0, 40.0), (-20.0, 30.0)

    def at(lat: float, cra: float) -> tuple[int, int]:
        fx = (lat - lat_range[0]) / (lat_range[1] - lat_range[0])
        fy = (cra - cra_range[0]) / (cra_range[1] - cra_range[0])
        fx, fy = min(1.0, max(0.0, fx)), min(1.0, max(0.0, fy))
        return (plot.x + round(plot.width * fx), plot.bottom - round(plot.height * fy))

    p.rect((30, 36, 46), plot)
    p.line(theme.PANEL_EDGE, at(0, cra_range[0]), at(0, cra_range[1]))
    p.line(theme.PANEL_EDGE, at(lat_range[0], 0), at(lat_range[1], 0))
    p.circle(GHOST, at(*ideal), 9, 2)
    p.circle(theme.YELLOW, at(*aim), 5)
    p.text(
        "lateral >",
        (plot.right - 4, at(0, 0)[1] + 2),
        theme.SMALL,
        theme.TEXT_DIM,
        anchor="topright",
    )
    p.text("cranial", (at(0, 0)[0] + 4, plot.y + 2), theme.SMALL, theme.TEXT_DIM)
    p.text(
        f"dot: your aim {aim[0]:+.0f}° {aim[1]:+.0f}°",
        (rect.x + 8, rect.bottom - 26),
        theme.SMALL,
        theme.YELLOW,
        anchor="bottomleft",
    )
    p.text(
        f"ring: ideal {ideal[0]:+.0f}° {ideal[1]:+.0f}°",
        (rect.x + 8, rect.bottom - 4),
        theme.SMALL,
        GHOST,
        anchor="bottomleft",
    )
