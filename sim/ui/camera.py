"""Coordinate mappings: window pixels <-> logical pixels, and millimetres <-> logical pixels."""

from __future__ import annotations

from dataclasses import dataclass

LOGICAL_SIZE = (1280, 720)


@dataclass
class Viewport:
    """The logical surface scaled into the window, keeping its aspect (letterboxed)."""

    window_size: tuple[int, int] = LOGICAL_SIZE
    logical_size: tuple[int, int] = LOGICAL_SIZE

    @property
    def scale(self) -> float:
        ww, wh = self.window_size
        lw, lh = self.logical_size
        return max(1e-6, min(ww / lw, wh / lh))

    @property
    def offset(self) -> tuple[int, int]:
        ww, wh = self.window_size
        lw, lh = self.logical_size
        s = self.scale
        return (round((ww - lw * s) / 2), round((wh - lh * s) / 2))

    @property
    def target_size(self) -> tuple[int, int]:
        s = self.scale
        return (round(self.logical_size[0] * s), round(self.logical_size[1] * s))

    def to_logical(self, pos: tuple[float, float]) -> tuple[int, int]:
        ox, oy = self.offset
        s = self.scale
        return (int((pos[0] - ox) / s), int((pos[1] - oy) / s))


@dataclass(frozen=True)
class MmCamera:
    """Maps millimetres of a model frame to logical pixels: ``px = origin + mm * scale``.

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
