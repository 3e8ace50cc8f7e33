"""The tutorial step panel (a column beside the main area) and the aim guide with the ghost.

The panel shows the current step's number, title, instruction, the keys to do it and why it
matters (with the source).  It sits in its own column beside the back or the section, so it never
covers the needle, the skin line or the tip.  It opens by itself at each new step (showing what
was just done) and shrinks to the title and keys once the trainee starts on the step; H opens or
shrinks it by hand.  When the column is short of room (the aim guide and warnings share it),
the reason is shortened first, then the instruction (the summary lists every reason in full).
"""

from __future__ import annotations

import pygame

from sim.i18n import _
from sim.trainer.guide import Guide
from sim.ui import theme
from sim.ui.render import Painter

DONE_FLASH_S = 3.0
GHOST: theme.Colour = theme.SKY_BLUE
PAD = 12
AIM_GUIDE_H = 156


class TutorialPanel:
    """Draws the guide's current step; keeps the open/closed state and the 'done' flash."""

    def __init__(self, guide: Guide, area: pygame.Rect | None = None) -> None:
        self.guide = guide
        self.area = pygame.Rect(area) if area is not None else pygame.Rect(10, 78, 360, 506)
        self.expanded = True
        self.pinned = False  # H was pressed during this step: leave it as the trainee set it
        self.flash_s = 0.0
        self.just_done = ""
        self._seen = guide.tutorial.index
        self.bottom = self.area.y

    def set_area(self, area: pygame.Rect) -> None:
        """The column the panel is drawn in (layout units)."""
        self.area = pygame.Rect(area)

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
    def _blocks(self, p: Painter, width: int) -> list[list[tuple[str, int, theme.Colour, bool]]]:
        """The panel's text as blocks of lines: title, instruction, keys, why, note."""
        g = self.guide
        step = g.current

        def block(text: str, size: int, colour, bold: bool = False):
            return [(line, size, colour, bold) for line in p.fonts.wrap(text, size, width, bold)]

        if step is None:
            done = _("Tutorial complete: press E and Y to end and see your summary.")
            return [
                block(_("Tutorial"), theme.LARGE, theme.YELLOW, True),
                block(done, theme.BODY, theme.GOOD, True),
            ]
        blocks = [
            block(step.title, theme.LARGE, theme.YELLOW, True),
            [],
            block(g.how, theme.SMALL, theme.YELLOW),
            [],
        ]
        if self.expanded:
            blocks[1] = block(step.instruction, theme.BODY, theme.TEXT)
            blocks[3] = block(_("Why: ") + step.why, theme.SMALL, theme.SKY_BLUE)
        if g.refusal:
            blocks.append(block(_("Not yet: ") + g.refusal, theme.SMALL, theme.ORANGE, True))
        elif self.flash_s > 0:
            blocks.append(
                block(_("Done: {step}").format(step=self.just_done), theme.SMALL, theme.GOOD, True)
            )
        return blocks

    def _height(self, p: Painter, blocks, head: int) -> int:
        lines = sum(_line_h(p, sz, b) for blk in blocks for _t, sz, _c, b in blk)
        gaps = 6 * sum(1 for blk in blocks if blk)
        return head + lines + gaps + 8

    def needed(self, p: Painter) -> int:
        """The height the panel takes with nothing shortened."""
        head = 26 if self.guide.current is not None else 6
        return self._height(p, self._blocks(p, self.area.width - 2 * PAD), head)

    def draw(self, p: Painter, room: int | None = None) -> int:
        """Draw the panel at the top of its column, at most ``room`` tall (default: the
        column); returns the y below it."""
        g = self.guide
        step = g.current
        area = self.area
        room = area.height if room is None else max(80, min(room, area.height))
        width = area.width - 2 * PAD
        head = 26 if step is not None else 6
        blocks = self._blocks(p, width)
        # Too tall for the room: shorten the reason, then the instruction, then the keys (the
        # summary lists every reason in full).
        for i in (3, 1, 2) if step is not None else ():
            blk = blocks[i]
            least = 0 if i == 3 else 1
            while self._height(p, blocks, head) > room and len(blk) > least:
                blk.pop()
                if not blk:
                    break
                text, size, colour, bold = blk[-1]
                short = p.fonts.fit(text.rstrip(" .,;:") + " ...", size, width, bold)
                blk[-1] = (short, size, colour, bold)
        box = pygame.Rect(area.x, area.y, area.width, min(room, self._height(p, blocks, head)))
        p.rect((18, 22, 30), box, radius=6)
        p.rect(theme.SKY_BLUE, box, 2, radius=6)
        x, y = box.x + PAD, box.y + 8
        with p.area(box, "tutorial"):
            if step is not None:
                p.text(
                    _("Step {n} of {total}").format(n=g.number, total=g.total),
                    (x, y),
                    theme.SMALL,
                    theme.TEXT_DIM,
                )
                hint = _("H: less") if self.expanded else _("H: more (why)")
                p.text(hint, (box.right - PAD, y), theme.SMALL, theme.TEXT_DIM, anchor="topright")
            y += head
            for blk in blocks:
                for text, size, colour, bold in blk:
                    p.text(text, (x, y), size, colour, bold=bold)
                    y += _line_h(p, size, bold)
                if blk:
                    y += 6
        self.bottom = box.bottom
        return box.bottom + 8


def _line_h(p: Painter, size: int, bold: bool) -> int:
    return p.fonts.line_height(size, bold) + 3


def draw_aim_guide(
    p: Painter, rect: pygame.Rect, aim: tuple[float, float], ideal: tuple[float, float]
) -> None:
    """A small chart of the aim: lateral across, cranial up; the ghost's aim is the ring."""
    with p.area(rect, "aim guide"):
        _draw_aim_guide(p, rect, aim, ideal)


def _draw_aim_guide(p: Painter, rect: pygame.Rect, aim, ideal) -> None:
    p.rect((18, 22, 30), rect, radius=6)
    p.rect(GHOST, rect, 1, radius=6)
    p.text(_("Aim guide"), (rect.x + 8, rect.y + 4), theme.SMALL, theme.TEXT_DIM, bold=True)
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
        _("lateral >"),
        (plot.right - 4, at(0, 0)[1] + 2),
        theme.SMALL,
        theme.TEXT_DIM,
        anchor="topright",
    )
    p.text(_("cranial"), (at(0, 0)[0] + 4, plot.y + 2), theme.SMALL, theme.TEXT_DIM)
    p.text(
        _("dot: your aim {lat:+.0f}° {cra:+.0f}°").format(lat=aim[0], cra=aim[1]),
        (rect.x + 8, rect.bottom - 26),
        theme.SMALL,
        theme.YELLOW,
        anchor="bottomleft",
    )
    p.text(
        _("ring: ideal {lat:+.0f}° {cra:+.0f}°").format(lat=ideal[0], cra=ideal[1]),
        (rect.x + 8, rect.bottom - 4),
        theme.SMALL,
        GHOST,
        anchor="bottomleft",
    )
