"""The hand's instruments in the side panel: the force gauge, the syringe and the collection bag.

The force gauge shows what the hand feels, not only what it pushes: the felt force (the hand's
force, up to what the tissue resists) builds as a tall amber bar against the cortex with the
layer's resistance marked; at the give it collapses to a low sky-blue bar with a drop arrow and
the words "GIVE - let go" (shape, colour and words all change, so no cue relies on colour).  A
trace of the last seconds of felt force shows the climb and the cliff.

The syringe fills over the pull with the colour of what came back: dark, deep red for marrow,
thinner and brighter for blood, blended by the pull's share of marrow.  The bag's level rises
as the syringe is emptied into it, with the target and the donor's limit marked.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from sim.i18n import N_, _
from sim.ui import theme
from sim.ui.render import Painter

GIVE_LABEL = N_("GIVE - let go")

TRACK = (16, 19, 24)
GLASS = (214, 222, 230)
GLASS_EDGE = (120, 130, 146)
PLUNGER = (70, 76, 92)
STOPPER = (40, 40, 46)


def pull_colour(ml: float, marrow_ml: float) -> theme.Colour:
    """The colour of a pull: marrow (deep, dark red) blended with blood by its share."""
    share = 0.0 if ml <= 0 else min(1.0, max(0.0, marrow_ml / ml))
    a, b = theme.BLOOD_FLUID, theme.MARROW_FLUID
    return tuple(round(a[i] + (b[i] - a[i]) * share) for i in range(3))  # type: ignore[return-value]


# ----------------------------------------------------------------------------- force
def draw_force_gauge(
    p: Painter,
    box: pygame.Rect,
    *,
    force_n: float,
    felt_n: float,
    resistance_n: float | None,
    full_n: float,
    state: str,
    trace: Sequence[tuple[float, str]] = (),
) -> None:
    """``state``: 'out', 'soft', 'cortex' (resistance), 'give', 'marrow' or 'danger'.

    ``box`` holds the bar (top) and the trace of felt force (below it)."""
    bar_h = box.height * 0.5
    track = pygame.Rect(box.x, box.y, box.width, round(bar_h))
    p.rect(TRACK, track, radius=3)
    frac = min(1.0, felt_n / full_n)
    if state == "give":
        _give_bar(p, track, frac, force_n / full_n)
    else:
        colour, height = {
            "cortex": (theme.ORANGE, 1.0),
            "danger": (theme.VERMILLION, 1.0),
            "marrow": (theme.BLUISH_GREEN, 0.55),
            "soft": ((150, 160, 178), 0.55),
        }.get(state, ((110, 116, 126), 0.4))
        h = max(3, round(track.height * height))
        fill = pygame.Rect(track.x, track.bottom - h, round(track.width * frac), h)
        if fill.width > 0:
            p.rect(colour, fill, radius=2)
        if state == "cortex":  # resistance building: ribs across the bar, like a loaded spring
            for x in range(fill.x + 6, fill.right - 2, 8):
                p.line(_shade(colour, 0.7), (x, fill.y + 3), (x, fill.bottom - 3), 2)
        if force_n > felt_n + 1:  # pushing harder than the tissue resists: the excess, outlined
            over = pygame.Rect(
                fill.right, fill.y, round(track.width * force_n / full_n) - fill.width, h
            )
            over.width = min(over.width, track.right - over.x)
            if over.width > 1:
                p.rect(colour, over, 1, radius=2)
    p.rect(theme.PANEL_EDGE, track, 1, radius=3)
    if resistance_n is not None and state not in ("out", "give"):
        m = track.x + round(track.width * min(1.0, resistance_n / full_n))
        p.line(theme.TEXT, (m, track.y - 5), (m, track.bottom + 3), 2)
        p.polygon(theme.TEXT, [(m - 5, track.y - 9), (m + 5, track.y - 9), (m, track.y - 3)])
    _trace(p, pygame.Rect(box.x, track.bottom + 4, box.width, box.bottom - track.bottom - 4), trace)


def _give_bar(p: Painter, track: pygame.Rect, frac: float, pushed: float) -> None:
    """The collapsed bar: low and sky blue, the label beside it, the force the hand still
    pushes as a dashed ghost with a drop arrow at its end."""
    h = max(4, track.height // 4)
    fill = pygame.Rect(track.x, track.bottom - h, max(3, round(track.width * frac)), h)
    p.rect(theme.SKY_BLUE, fill, radius=2)
    label = _(GIVE_LABEL)
    size = p.fonts.size(label, theme.SMALL, bold=True)
    pill = pygame.Rect(0, 0, size[0] + 16, track.height - 4)
    pill.midleft = (fill.right + 6, track.centery)
    ghost_x = track.x + round(track.width * min(1.0, pushed))
    if ghost_x > pill.right + 10:
        y = track.y + 3
        p.dashed(theme.SKY_BLUE, (pill.right + 4, y), (ghost_x, y), 5, 1)
        p.line(theme.SKY_BLUE, (ghost_x, y), (ghost_x, track.bottom - 8), 2)
        p.polygon(
            theme.SKY_BLUE,
            [
                (ghost_x - 6, track.bottom - 10),
                (ghost_x + 6, track.bottom - 10),
                (ghost_x, track.bottom - 2),
            ],
        )
    p.rect(theme.SKY_BLUE, pill, radius=pill.height // 2)
    p.text(label, pill.center, theme.SMALL, theme.BLACK, bold=True, anchor="center")


def _trace(p: Painter, box: pygame.Rect, trace: Sequence[tuple[float, str]]) -> None:
    """Felt force over the last few seconds (oldest at the left), coloured by state."""
    if box.height < 6:
        return
    p.rect((24, 28, 36), box, radius=2)
    if len(trace) < 2:
        return
    n = len(trace)
    pts = [
        (box.x + 2 + (box.width - 4) * i / (n - 1), box.bottom - 2 - (box.height - 4) * min(1.0, v))
        for i, (v, _s) in enumerate(trace)
    ]
    colours = {
        "cortex": theme.ORANGE,
        "give": theme.SKY_BLUE,
        "marrow": theme.BLUISH_GREEN,
        "danger": theme.VERMILLION,
    }
    for i in range(1, n):
        p.aaline(colours.get(trace[i][1], (150, 160, 178)), pts[i - 1], pts[i], 2)


def _shade(c: theme.Colour, k: float) -> theme.Colour:
    return (round(c[0] * k), round(c[1] * k), round(c[2] * k))


# ----------------------------------------------------------------------------- syringe
def draw_syringe(
    p: Painter,
    box: pygame.Rect,
    *,
    capacity_ml: float,
    chosen_ml: float,
    fluid_ml: float,
    fluid: theme.Colour | None,
) -> pygame.Rect:
    """A 20 mL syringe lying left to right (tip at the left): barrel, scale, stopper, plunger,
    thumb rest.  ``fluid_ml`` of ``fluid`` is in the barrel; the chosen pull is marked.
    Returns the barrel's rect."""
    tip_w = max(10, box.width // 18)
    rod_w = max(40, box.width // 5)
    barrel = pygame.Rect(box.x + tip_w, box.y, box.width - tip_w - rod_w, box.height)
    cy = barrel.centery
    # Luer tip and the needle end of the barrel.
    p.aapolygon(
        GLASS_EDGE,
        [
            (box.x, cy - 3),
            (barrel.x, cy - barrel.height * 0.22),
            (barrel.x, cy + barrel.height * 0.22),
            (box.x, cy + 3),
        ],
        "syringe tip",
    )
    p.rect(GLASS, barrel, radius=4)

    def x_of(ml: float) -> int:
        return barrel.x + round(barrel.width * min(1.0, max(0.0, ml / capacity_ml)))

    sx = x_of(fluid_ml)
    if fluid is not None and fluid_ml > 0:
        inner = pygame.Rect(barrel.x + 2, barrel.y + 3, sx - barrel.x - 2, barrel.height - 6)
        p.rect(fluid, inner, radius=3)
        # A glint along the glass over the fluid.
        p.line(_tint(fluid, 0.45), (inner.x + 3, inner.y + 3), (inner.right - 3, inner.y + 3), 2)
    else:
        p.line((240, 244, 248), (barrel.x + 4, barrel.y + 4), (barrel.right - 4, barrel.y + 4), 2)
    # The rubber stopper, the plunger rod through the glass and out to the thumb rest (drawn
    # further out the more is drawn; the part outside is foreshortened to fit the box).
    stopper = pygame.Rect(sx, barrel.y + 2, max(5, barrel.height // 4), barrel.height - 4)
    out = 10 + (rod_w - 22) * (sx - barrel.x) / max(1, barrel.width)
    rod = pygame.Rect(stopper.right, cy - barrel.height // 6, 0, barrel.height // 3)
    rod.width = max(2, round(barrel.right + out - rod.x))
    p.rect(PLUNGER, rod)
    p.rect(STOPPER, stopper, radius=2)
    thumb = pygame.Rect(rod.right, barrel.y - 4, 8, barrel.height + 8)
    p.rect(PLUNGER, thumb, radius=3)
    # Finger flange at the barrel's open end, and the edge of the glass.
    p.rect(GLASS_EDGE, pygame.Rect(barrel.right - 3, barrel.y - 6, 5, barrel.height + 12), radius=2)
    p.rect(GLASS_EDGE, barrel, 2, radius=4)
    # Graduations: every mL, long and numbered every 5.
    for ml in range(int(capacity_ml) + 1):
        tx = x_of(ml)
        h = barrel.height // 2 if ml % 5 == 0 else barrel.height // 4
        p.line((60, 66, 80), (tx, barrel.bottom - h), (tx, barrel.bottom - 1), 1)
        if ml % 5 == 0:
            p.text(str(ml), (tx, barrel.bottom + 2), theme.SMALL, theme.TEXT_DIM, anchor="midtop")
    # The chosen pull: a yellow bracket above the barrel.
    cx = x_of(chosen_ml)
    p.polygon(theme.YELLOW, [(cx - 6, barrel.y - 10), (cx + 6, barrel.y - 10), (cx, barrel.y - 2)])
    p.line(theme.YELLOW, (barrel.x, barrel.y - 4), (cx, barrel.y - 4), 2)
    return barrel


def _tint(c: theme.Colour, k: float) -> theme.Colour:
    return tuple(round(c[i] + (255 - c[i]) * k) for i in range(3))  # type: ignore[return-value]


# ----------------------------------------------------------------------------- bag
def draw_bag(
    p: Painter,
    box: pygame.Rect,
    *,
    bag_ml: float,
    target_ml: float,
    limit_ml: float,
    fluid: theme.Colour,
) -> pygame.Rect:
    """The collection bag hanging from its port: the level rises with ``bag_ml``; the target
    (dashed) and the donor's limit (solid vermillion) are marked.  Returns the bag's body rect."""
    full = max(limit_ml, target_ml) * 1.1
    port_h = max(8, box.height // 8)
    body = pygame.Rect(box.x, box.y + port_h, box.width, box.height - port_h)
    p.rect(GLASS_EDGE, pygame.Rect(body.centerx - 3, box.y, 6, port_h + 2))
    p.rect((230, 234, 240), body, radius=8)
    level = min(1.0, bag_ml / full)
    h = round((body.height - 6) * level)
    if h > 0:
        p.rect(fluid, pygame.Rect(body.x + 3, body.bottom - 3 - h, body.width - 6, h), radius=6)
    for ml, colour, dashed in (
        (target_ml, theme.BLUISH_GREEN, True),
        (limit_ml, theme.VERMILLION, False),
    ):
        y = body.bottom - 3 - round((body.height - 6) * min(1.0, ml / full))
        if dashed:
            p.dashed(colour, (body.x - 4, y), (body.right + 4, y), 4, 2)
        else:
            p.line(colour, (body.x - 4, y), (body.right + 4, y), 2)
    p.rect(GLASS_EDGE, body, 2, radius=8)
    return body
