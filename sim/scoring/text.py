"""Small helpers shared by the criteria: ramps, and numbers written the way a nurse reads them.

The criteria write their feedback in English (it is stored in records and digests), each
sentence from a template defined once beside the criterion, marked with ``N_`` so the screens
can translate it at display time (sim/scoring/phrases.py collects them).  A sentence with a
count in it has a template per number form (``one_or_many``), never ``plural()`` inside it.
"""

from __future__ import annotations

from sim.i18n import N_

#: Said by every needle criterion in a scenario without needle work.
NO_NEEDLE_WORK = N_("Not assessed: this scenario has no needle work.")


def ramp(x: float, full: float, zero: float) -> float:
    """1 at ``full`` (and beyond it, away from ``zero``), 0 at ``zero``, linear between."""
    if full == zero:
        return 1.0 if (x <= full) else 0.0
    f = (zero - x) / (zero - full)
    return min(1.0, max(0.0, f))


def clamp01(x: float) -> float:
    return min(1.0, max(0.0, x))


def weighted(parts: dict[str, tuple[float, float]]) -> float:
    """Weighted mean of (value, weight) pairs; 0 when no weight."""
    total = sum(w for _, w in parts.values())
    if total <= 0:
        return 0.0
    return clamp01(sum(v * w for v, w in parts.values()) / total)


def one_or_many(n: int, forms: tuple[str, str]) -> str:
    """The template of ``forms`` (one, many) for the count ``n``."""
    return forms[0] if n == 1 else forms[1]


def words(text: str) -> str:
    """An identifier as words (``stop_harvest`` -> ``stop harvest``)."""
    return text.replace("_", " ")


def e6(cells_per_ml: float) -> str:
    """Cells/mL as 'x10^6/mL'."""
    return f"{cells_per_ml / 1e6:.1f}x10^6/mL"


def e8(cells_per_kg: float) -> str:
    return f"{cells_per_kg / 1e8:.2f}x10^8/kg"


def ml(v: float) -> str:
    return f"{v:,.0f} mL" if v >= 100 else f"{v:g} mL"


def minutes(t_s: float) -> str:
    return f"{t_s / 60:.0f} min"


def clock(t_s: float) -> str:
    """Simulated time as m:ss from the start of the attempt."""
    m, s = divmod(int(round(t_s)), 60)
    return f"{m}:{s:02d}"


def pct_drop(value: float, reference: float) -> int:
    """How many percent ``value`` lies below ``reference`` (0 if not below)."""
    if reference <= 0 or value >= reference:
        return 0
    return round(100.0 * (1.0 - value / reference))
