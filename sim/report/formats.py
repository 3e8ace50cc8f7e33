"""Numbers and times as the report's language writes them."""

from __future__ import annotations

from datetime import datetime

from sim.i18n import current_language


def number(value: float | int | None, digits: int = 0) -> str:
    """``value`` with ``digits`` decimals as the current language writes it ("-" for None):
    English 1,234.5; Spanish 1234,5 and 12 345,5 (a no-break space between thousands)."""
    if value is None:
        return "-"
    text = f"{value:,.{digits}f}"
    if current_language() == "es":
        whole = text.split(".")[0].replace(",", "")
        group = "\u00a0" if len(whole.lstrip("-")) > 4 else ""
        text = text.replace(",", group).replace(".", ",")
    return text


def percent(value: float | None, digits: int = 1) -> str:
    """A percentage: 71.0% in English, 71,0 % in Spanish ("-" for None)."""
    if value is None:
        return "-"
    sep = "\u00a0" if current_language() == "es" else ""
    return f"{number(value, digits)}{sep}%"


def stamp(value: str | datetime | None) -> str:
    """A stored ISO timestamp as ``YYYY-MM-DD HH:MM`` (UTC, as stored)."""
    if value is None:
        return "-"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value.strftime("%Y-%m-%d %H:%M")
