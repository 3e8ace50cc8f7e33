"""Screen geometry shared by screens: the procedure screen's panels, and placing labels.

Everything here is in layout units (``sim/ui/camera.py``): the canvas is 720 units tall and as
wide as the window's aspect makes it, so these rects reflow with the aspect.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import pygame

MARGIN = 10
HUD_H = 70
MAIN_Y = 78
MAIN_BOTTOM = 584
SIDE_W = 370
BUTTON_Y = 648
BUTTON_H = 40


def column_width(canvas_w: int) -> int:
    """The tutorial's step column: about a third of the canvas, readable at any aspect."""
    return max(350, min(520, round(canvas_w * 0.3)))


@dataclass(frozen=True)
class ProcedureLayout:
    """The procedure (and replay) screen: HUD, an optional tutorial column, the main area (the
    back or the section), the side panel, the status lines and the button row."""

    size: tuple[int, int]
    hud: pygame.Rect
    column: pygame.Rect | None  # the tutorial's step panel and aim guide, beside the section
    area: pygame.Rect  # the dorsal view or the section
    side: pygame.Rect  # palpation, or the needle's readouts and syringe
    status: pygame.Rect  # under the main area: a recording problem, the message, the vitals
    buttons: pygame.Rect  # the row of buttons


def procedure_layout(size: tuple[int, int], column: bool = False) -> ProcedureLayout:
    w, h = size
    main_h = MAIN_BOTTOM - MAIN_Y
    side = pygame.Rect(w - MARGIN - SIDE_W, MAIN_Y, SIDE_W, main_h)
    col = None
    x = MARGIN
    if column:
        col = pygame.Rect(MARGIN, MAIN_Y, column_width(w), main_h)
        x = col.right + MARGIN
    area = pygame.Rect(x, MAIN_Y, side.x - MARGIN - x, main_h)
    return ProcedureLayout(
        size=size,
        hud=pygame.Rect(0, 0, w, HUD_H),
        column=col,
        area=area,
        side=side,
        status=pygame.Rect(MARGIN, MAIN_BOTTOM + 4, w - 2 * MARGIN, BUTTON_Y - MAIN_BOTTOM - 8),
        buttons=pygame.Rect(MARGIN, BUTTON_Y, w - 2 * MARGIN, BUTTON_H),
    )


def button_row(
    row: pygame.Rect, n: int, gap: int = 6, need: Sequence[int] | None = None
) -> list[pygame.Rect]:
    """``n`` buttons filling ``row``: equal, or (``need``: each button's least width) each
    given its need and an equal share of what is left over."""
    room = row.width - (n - 1) * gap
    need = list(need) if need is not None else [0] * n
    if sum(need) > room:  # too narrow for every label: shrink in proportion
        k = room / sum(need)
        widths = [w * k for w in need]
    else:
        extra = (room - sum(need)) / n
        widths = [w + extra for w in need]
    rects, x = [], float(row.x)
    for w in widths:
        rects.append(pygame.Rect(round(x), row.y, round(x + w) - round(x), row.height))
        x += w + gap
    return rects


# ---------------------------------------------------------------------------- labels
def place_label(
    size: tuple[int, int],
    anchor: tuple[float, float],
    area: pygame.Rect,
    hard: Sequence[pygame.Rect],
    soft: Sequence[pygame.Rect] = (),
    *,
    places: Sequence[pygame.Rect] = (),
    prefer: str = "center",
    gap: int = 4,
) -> pygame.Rect:
    """Where a label of ``size`` goes near ``anchor``, inside ``area``, overlapping none of
    ``hard`` (other labels: never) and, where it can, none of ``soft`` (a needle: better not).

    First the first of ``places`` (on the region it names, best first) clear of both, then the
    nearest place around the anchor clear of both, then the first of ``places`` clear of
    ``hard``, then the nearest place around clear of ``hard``; if there is none, the preferred
    place kept inside ``area``.  ``prefer``: centred on the anchor, or to its right."""
    w, h = size
    ax, ay = anchor
    if prefer == "right":
        base = pygame.Rect(round(ax + 12), round(ay - h / 2), w, h)
    else:
        base = pygame.Rect(round(ax - w / 2), round(ay - h / 2), w, h)
    hard, soft = list(hard), list(soft)
    both = hard + soft

    def on_region(avoid: list[pygame.Rect]) -> pygame.Rect | None:
        for r in places:
            if area.contains(r) and r.collidelist(avoid) < 0:
                return r
        return None

    def around(avoid: list[pygame.Rect], near: bool) -> pygame.Rect | None:
        for dx, dy in _offsets(w, h, gap):
            if near and (abs(dx) > w or abs(dy) > 3 * h):
                continue
            r = base.move(dx, dy)
            if area.contains(r) and r.collidelist(avoid) < 0:
                return r
        return None

    return (
        on_region(both)
        or around(both, near=True)
        or on_region(hard)
        or around(hard, near=False)
        or base.clamp(area)
    )


@cache
def _offsets(w: int, h: int, gap: int) -> tuple[tuple[int, int], ...]:
    """Moves to try around a label's first place, nearest first (sideways counts double)."""
    sx, sy = max(8, w // 4), (h + gap) // 2
    return tuple(
        sorted(
            ((i * sx, j * sy) for i in range(-8, 9) for j in range(-12, 13)),
            key=lambda o: 2.0 * o[0] * o[0] + o[1] * o[1],
        )
    )


def track_boxes(points: Iterable[tuple[float, float]], half: float = 8) -> list[pygame.Rect]:
    """Small boxes along a drawn track (a needle) for labels to keep off it."""
    s = round(2 * half)
    return [pygame.Rect(round(x - half), round(y - half), s, s) for x, y in points]


def along(a: tuple[float, float], b: tuple[float, float], step: float = 10):
    """Points from ``a`` to ``b`` every ``step`` units (both ends included)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    n = max(1, int((dx * dx + dy * dy) ** 0.5 / step))
    return [(a[0] + dx * i / n, a[1] + dy * i / n) for i in range(n + 1)]


# ---------------------------------------------------------------------------- nursing
NURSING_TOP_H = 50
NURSING_RIGHT_W = 480
NURSING_SPLIT_Y = 324  # the bedside and the monitor above, the close-up, log and care below


@dataclass(frozen=True)
class NursingLayout:
    """The nursing screen: a top bar; the donor on the trolley and the bedside monitor across
    the top; the lower back close up, the event text and the care panel below; the message and
    key help at the bottom left."""

    size: tuple[int, int]
    top: pygame.Rect
    clock: pygame.Rect  # the top bar's right end, above the monitor (the simulated clock)
    bedside: pygame.Rect
    monitor: pygame.Rect
    back: pygame.Rect
    log: pygame.Rect
    care: pygame.Rect
    status: pygame.Rect


def nursing_layout(size: tuple[int, int]) -> NursingLayout:
    w, h = size
    rx = w - MARGIN - NURSING_RIGHT_W
    left_w = rx - 2 * MARGIN
    top_y = NURSING_TOP_H + 6
    split = NURSING_SPLIT_Y
    back_w = round(left_w * 0.44)
    low_h = h - 124 - split
    return NursingLayout(
        size=size,
        top=pygame.Rect(0, 0, w, NURSING_TOP_H),
        clock=pygame.Rect(rx, 0, w - rx, NURSING_TOP_H),
        bedside=pygame.Rect(MARGIN, top_y, left_w, split - 6 - top_y),
        monitor=pygame.Rect(rx, top_y, NURSING_RIGHT_W, split - 6 - top_y),
        back=pygame.Rect(MARGIN, split, back_w, low_h),
        log=pygame.Rect(MARGIN + back_w + MARGIN, split, left_w - back_w - MARGIN, low_h),
        care=pygame.Rect(rx, split, NURSING_RIGHT_W, h - MARGIN - split),
        status=pygame.Rect(MARGIN, split + low_h + 6, left_w, h - MARGIN - (split + low_h + 6)),
    )
