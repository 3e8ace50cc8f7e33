"""Colours and text sizes of the trainer: the Okabe-Ito palette, safe for colour-blind readers.

Colour is never the only cue: every tissue band and danger region is also labelled or hatched.
"""

from __future__ import annotations

from sim.model.tissue import Tissue

Colour = tuple[int, int, int]

# Okabe & Ito (2008) colour-universal-design palette.
BLACK: Colour = (0, 0, 0)
ORANGE: Colour = (230, 159, 0)
SKY_BLUE: Colour = (86, 180, 233)
BLUISH_GREEN: Colour = (0, 158, 115)
YELLOW: Colour = (240, 228, 66)
BLUE: Colour = (0, 114, 178)
VERMILLION: Colour = (213, 94, 0)
REDDISH_PURPLE: Colour = (204, 121, 167)

# Interface greys.
BG: Colour = (22, 26, 33)
PANEL: Colour = (34, 40, 50)
PANEL_EDGE: Colour = (70, 80, 96)
TEXT: Colour = (236, 238, 242)
TEXT_DIM: Colour = (168, 176, 190)
FOCUS: Colour = YELLOW

GOOD: Colour = BLUISH_GREEN
WARN: Colour = ORANGE
DANGER: Colour = VERMILLION
INFO: Colour = SKY_BLUE

# Text sizes in layout units (the canvas is 720 units tall, so text follows the window's height).
SMALL = 18
BODY = 22
LARGE = 28
TITLE = 40

TISSUE_COLOURS: dict[Tissue, Colour] = {
    Tissue.AIR: (28, 33, 42),
    Tissue.SKIN: (222, 176, 140),
    Tissue.FAT: (238, 214, 140),
    Tissue.MUSCLE: (168, 96, 90),
    Tissue.OUTER_CORTEX: (244, 240, 226),
    Tissue.MARROW: (150, 28, 40),  # red marrow (drawn between trabeculae)
    Tissue.INNER_CORTEX: (214, 210, 196),
    Tissue.PELVIS: (60, 110, 150),
    Tissue.SI_JOINT: ORANGE,
    Tissue.SCIATIC_NOTCH: VERMILLION,
}

#: Tissues drawn with diagonal hatching (danger zones), so they stand out without colour.
HATCHED = (Tissue.PELVIS, Tissue.SI_JOINT, Tissue.SCIATIC_NOTCH)

SKIN_TONE: Colour = (214, 170, 136)
SKIN_SHADE: Colour = (186, 140, 108)
DRAPE: Colour = (38, 84, 98)

# What a pull brings back: marrow is dark and deep red, blood thinner and brighter.
MARROW_FLUID: Colour = (96, 10, 24)
BLOOD_FLUID: Colour = (214, 40, 46)


def yield_colour(fraction: float) -> Colour:
    """Blue (poor) to yellow (rich) along a colour-blind-safe ramp; ``fraction`` in 0..1."""
    f = min(1.0, max(0.0, fraction))
    stops = (BLUE, BLUISH_GREEN, YELLOW)
    if f < 0.5:
        a, b, t = stops[0], stops[1], f / 0.5
    else:
        a, b, t = stops[1], stops[2], (f - 0.5) / 0.5
    return tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3))  # type: ignore[return-value]


def gui_theme(scale: float = 1.0) -> dict:
    """The pygame_gui theme (typed here; pygame_gui wants strings), its fonts at ``scale``
    pixels per layout unit (pygame_gui draws in window pixels)."""

    def px(size: int) -> str:
        return str(max(8, round(size * scale)))

    return {
        "defaults": {
            "colours": {
                "normal_bg": "#2a313d",
                "hovered_bg": "#3a4556",
                "selected_bg": "#0072B2",
                "active_bg": "#0072B2",
                "dark_bg": "#1c2129",
                "normal_text": "#eceef2",
                "hovered_text": "#ffffff",
                "selected_text": "#ffffff",
                "normal_border": "#465060",
                "hovered_border": "#F0E442",
                "selected_border": "#F0E442",
                "active_border": "#F0E442",
                "text_cursor": "#F0E442",
            },
            "font": {"name": "noto_sans", "size": px(18)},
        },
        "button": {"font": {"name": "noto_sans", "size": px(20), "style": "bold"}},
        "text_entry_line": {"font": {"name": "noto_sans", "size": px(20)}},
    }
