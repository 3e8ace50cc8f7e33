"""The row type, the tolerance rule and markdown rendering shared by every section.

A :class:`Row` is one literature number beside the model's value, with the accepted band
(``lo``/``hi``) built by :func:`within_sd` or :func:`within_rel` (or stated directly for ranges
and inequalities).  :func:`markdown_table` renders the tables of both generated pages, and
:data:`REGENERATE` is the command printed into them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: A row whose number a parameter was set from: it checks the arithmetic, not the model.
FITTED = "fitted"
#: A row the model produces from other numbers: the validation.
PREDICTED = "predicted"

#: The command that regenerates docs/calibration.md and the tables of docs/model.md.
REGENERATE = "python -m tools.calibration --out docs/calibration.md --model-doc docs/model.md"


@dataclass(frozen=True)
class Row:
    """One literature number beside the model's value.

    ``lo``/``hi`` bound the accepted model value (inclusive); ``value`` is what the model gave.
    ``key`` is a stable identifier for tests.

    ``fit`` says how the row relates to the model's parameters: :data:`FITTED` when a
    parameter was set from this very number (``basis`` names it), :data:`PREDICTED` when the
    model produces the number from other inputs (``basis`` names what it follows from).  Only
    predicted rows validate the model; they carry the literature's own tolerance.
    """

    key: str
    section: str
    quantity: str
    literature: str
    source: str
    value: float
    model: str
    tolerance: str
    lo: float
    hi: float
    method: str
    fit: str = ""
    basis: str = ""

    @property
    def ok(self) -> bool:
        """Whether the model value lies within the tolerance."""
        return self.lo - 1e-12 <= self.value <= self.hi + 1e-12

    @property
    def status(self) -> str:
        """OK or OFF."""
        return "OK" if self.ok else "OFF"


@dataclass(frozen=True)
class Note:
    """A model output with literature context that no parameter claims to reproduce."""

    quantity: str
    literature: str
    model: str
    comment: str


def within_sd(mean: float, sd: float, label: str) -> tuple[float, float, str]:
    """Accept within one standard deviation of the literature mean."""
    return mean - sd, mean + sd, f"±1 SD ({label})"


def within_rel(point: float, rel: float, why: str) -> tuple[float, float, str]:
    """Accept within a relative band around the literature value."""
    return point * (1 - rel), point * (1 + rel), f"±{rel:.0%} ({why})"


def _cell(text: str) -> str:
    """Escape a markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    """A markdown table as lines."""
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return out
