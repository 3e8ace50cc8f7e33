"""The fixed-step clock: wall time in, a whole number of fixed update steps out (no pygame)."""

from __future__ import annotations

STEP_S = 1.0 / 60.0  # seconds per fixed update step
MAX_STEPS = 6  # most steps run for one frame (stops the 'spiral of death' after a stall)


class FixedStepper:
    """Accumulates wall time and says how many fixed steps to run (arcade's accumulator)."""

    def __init__(self, step_s: float = STEP_S, max_steps: int = MAX_STEPS) -> None:
        self.step_s = step_s
        self.max_steps = max_steps
        self.accumulated_s = 0.0

    def advance(self, elapsed_s: float) -> int:
        """Add ``elapsed_s`` of wall time; return the number of steps to run now."""
        self.accumulated_s += max(0.0, elapsed_s)
        n = int(self.accumulated_s / self.step_s + 1e-9)
        if n > self.max_steps:
            n = self.max_steps
            self.accumulated_s = 0.0
        else:
            self.accumulated_s -= n * self.step_s
        return n

    @property
    def alpha(self) -> float:
        """Fraction of a step accumulated but not yet run (for interpolated drawing)."""
        return self.accumulated_s / self.step_s
