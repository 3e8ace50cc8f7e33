"""Training modes.  Practice is available now; tutorial and assessment plug in here later.

A mode decides what the trainee is shown (hints, danger regions, warnings); the simulation and
scoring are the same in every mode.  To add one, append a :class:`Mode` with ``available=True``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mode:
    id: str
    label: str
    description: str
    available: bool
    shows_hints: bool  # danger regions, palpation names, practice warnings


MODES: tuple[Mode, ...] = (
    Mode(
        "practice",
        "Practice",
        "Danger regions, palpation feedback and warnings are shown.",
        True,
        True,
    ),
    Mode(
        "tutorial", "Tutorial", "Step-by-step guidance (coming with the records work).", False, True
    ),
    Mode("assessment", "Assessment", "No hints; scored for a pass (coming later).", False, False),
)


def mode_by_id(mode_id: str) -> Mode:
    return next(m for m in MODES if m.id == mode_id)
