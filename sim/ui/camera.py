"""Coordinate mappings: window pixels <-> layout units, and millimetres <-> layout units.

Screens lay themselves out in *layout units*: the canvas is always ``UNITS_H`` (720) units tall
and as wide as the window's aspect makes it (at least ``MIN_UNITS_W``, at most ``MAX_UNITS_W``),
so panels reflow with the aspect instead of being letterboxed.  The :class:`Viewport` maps units
to the window's real pixels; the Painter draws at that scale, straight onto the window (text
rendered at the scaled font size, shapes at native pixels), so nothing is ever resampled.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The canvas height in layout units, whatever the window's height in pixels.
UNITS_H = 720
#: The canvas width in units is the window's aspect times ``UNITS_H``, within these bounds: a
#: narrower window (4:3) gets bands above and below, a wider one (32:9) bands at the sides.
MIN_UNITS_W = 1120
MAX_UNITS_W = 1920
#: The window's size when the trainer opens (and the smallest it is laid out for well).
DEFAULT_WINDOW = (1280, 720)
MIN_WINDOW = (1024, 600)


@dataclass
class Viewport:
    """The layout canvas placed in a window of ``window_size`` pixels."""

    window_size: tuple[int, int] = DEFAULT_WINDOW

    @property
    def scale(self) -> float:
        """Pixels per layout unit."""
        ww, wh = self.window_size
        return max(1e-6, min(wh / UNITS_H, ww / MIN_UNITS_W))

    @property
    def size(self) -> tuple[int, int]:
        """The canvas in layout units (width follows the aspect)."""
        ww, _wh = self.window_size
        w = int(ww / self.scale + 1e-6)
        return (max(MIN_UNITS_W, min(MAX_UNITS_W, w)), UNITS_H)

    @property
    def offset(self) -> tuple[int, int]:
        """Where the canvas's top left falls in the window (pixels; 0 unless banded)."""
        ww, wh = self.window_size
        w, h = self.size
        s = self.scale
        return (max(0, round((ww - w * s) / 2)), max(0, round((wh - h * s) / 2)))

    def to_units(self, pos: tuple[float, float]) -> tuple[int, int]:
        """A window position (pixels) in layout units."""
        ox, oy = self.offset
        s = self.scale
        return (int((pos[0] - ox) / s), int((pos[1] - oy) / s))

    def to_px(self, pos: tuple[float, float]) -> tuple[int, int]:
        """A layout position in window pixels."""
        ox, oy = self.offset
        s = self.scale
        return (round(ox + pos[0] * s), round(oy + pos[1] * s))


@dataclass(frozen=True)
class MmCamera:
    """Maps millimetres of a model frame to layout units: ``px = origin + mm * scale``.

    ``flip_y`` makes positive millimetres go up the screen (cranial up in the dorsal view).
    """

    origin_px: tuple[float, float]
    px_per_mm: float
    flip_y: bool = False

    def to_px(self, x_mm: float, y_mm: float) -> tuple[int, int]:
        sy = -1.0 if self.flip_y else 1.0
        return (
            round(self.origin_px[0] + x_mm * self.px_per_mm),
            round(self.origin_px[1] + sy * y_mm * self.px_per_mm),
        )

    def to_mm(self, x_px: float, y_px: float) -> tuple[float, float]:
        sy = -1.0 if self.flip_y else 1.0
        return (
            (x_px - self.origin_px[0]) / self.px_per_mm,
            sy * (y_px - self.origin_px[1]) / self.px_per_mm,
        )
