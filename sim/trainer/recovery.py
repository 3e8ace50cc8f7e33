"""The donor in recovery as the nursing screen draws it, read from the event log (no pygame).

``RecoveryPicture`` is what a nurse at the bedside sees: how the donor lies, each puncture site
with what has been done to it (pressure, a Steri-Strip, the dressing over it) and what it shows
(oozing, a haematoma), and the bedside monitor's numbers with their alarm limits.  It is built
from the attempt's events and the scenario engine's donor state only, so the screen draws state
and never keeps its own.

``Alarm limits`` come from the scenario's monitor limits when it sets them, else the
defaults below (an adult recovery-room monitor's usual settings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

POSITIONS = ("prone", "supine", "legs_raised")

#: Recovery-monitor alarm limits when the scenario sets none: (low, high); None = no limit.
DEFAULT_LIMITS: dict[str, tuple[float | None, float | None]] = {
    "heart_rate_bpm": (50.0, 110.0),
    "systolic_mmhg": (90.0, 160.0),
    "spo2_pct": (94.0, None),
    "respiratory_rate_per_min": (10.0, 24.0),
    "temperature_c": (35.5, 38.0),
}
VITAL_KEYS = tuple(DEFAULT_LIMITS)


@dataclass
class SiteState:
    index: int
    side: str  # "left" or "right": which posterior crest
    pressure: bool = False  # direct pressure has been held on it
    strip: bool = False
    dressed: bool = False
    bleeding: bool = False
    haematoma: bool = False
    redness: bool = False
    discharge: bool = False
    uncovered: bool = False  # the dressing taken off (next day)


@dataclass
class RecoveryPicture:
    position: str = "prone"
    sites: list[SiteState] = field(default_factory=list)
    vitals: dict[str, float] = field(default_factory=dict)
    limits: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    dressing_on: bool = False
    dressing_checked: bool = False
    observed_at_s: float | None = None  # when the last set of observations was taken

    def alarms(self) -> dict[str, str]:
        """Each vital sign outside its limits: 'low' or 'high'."""
        out: dict[str, str] = {}
        for key, (lo, hi) in self.limits.items():
            v = self.vitals.get(key)
            if v is None:
                continue
            if lo is not None and v < lo:
                out[key] = "low"
            elif hi is not None and v > hi:
                out[key] = "high"
        return out


def monitor_limits(scenario) -> dict[str, tuple[float | None, float | None]]:
    """The scenario's alarm limits (its ``monitor`` table, when it has one) over the defaults."""
    limits = dict(DEFAULT_LIMITS)
    care = getattr(scenario, "care", None)
    fever = getattr(care, "fever_threshold_c", None)
    if fever is not None:
        limits["temperature_c"] = (limits["temperature_c"][0], float(fever))
    mon = getattr(scenario, "monitor", None)
    if mon is not None:
        raw = mon.model_dump() if hasattr(mon, "model_dump") else dict(mon)
        for key, value in raw.items():
            _limit_into(limits, key, value)
    return limits


def _limit_into(limits: dict, key: str, value: Any) -> None:
    """One monitor-limit field: 'heart_rate_bpm = [50, 110]' or 'heart_rate_bpm_min = 50'."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        limits[key] = (value[0], value[1])
        return
    if not isinstance(value, (int, float)) or value is None:
        return
    for suffix, i in (("_min", 0), ("_low", 0), ("_max", 1), ("_high", 1)):
        if key.endswith(suffix):
            base = key[: -len(suffix)]
            lo, hi = limits.get(base, (None, None))
            limits[base] = (float(value), hi) if i == 0 else (lo, float(value))
            return


def _site_sides(n: int) -> list[str]:
    """The handover's punctures: half over each posterior crest (left first)."""
    return ["left" if i < (n + 1) // 2 else "right" for i in range(n)]


def _sites_named(ev: dict, n: int) -> list[int]:
    """Which sites an event is about: its ``site`` (0-based) or ``sites``, else all of them."""
    if isinstance(ev.get("site"), int):
        return [ev["site"]] if 0 <= ev["site"] < n else []
    if isinstance(ev.get("sites"), (list, tuple)):
        return [s for s in ev["sites"] if isinstance(s, int) and 0 <= s < n]
    return list(range(n))


def recovery_picture(scenario, events: list[dict], donor_state: dict) -> RecoveryPicture:
    """What the nursing screen shows now, from the scenario, the event log and the donor state."""
    handover = getattr(scenario, "handover", None)
    n = int(getattr(handover, "skin_sites", 0) or 0)
    pic = RecoveryPicture(
        position=str(getattr(handover, "position", None) or "prone"),
        sites=[SiteState(i, side) for i, side in enumerate(_site_sides(n))],
        limits=monitor_limits(scenario),
    )
    for ev in events:
        _apply_event(pic, ev, n)
    for key, value in donor_state.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            pic.vitals[key] = float(value)
    if pic.position not in POSITIONS:
        pic.position = "supine"
    return pic


def _apply_event(pic: RecoveryPicture, ev: dict, n: int) -> None:
    t = ev.get("type")
    what = ev.get("step") or ev.get("response") or ev.get("action") or ""
    if t in ("step_done", "response_made", "care_done", "nursing_action"):
        if what in ("direct_pressure", "apply_pressure"):
            for i in _sites_named(ev, n):
                pic.sites[i].pressure = True
                pic.sites[i].bleeding = False
        elif what == "steri_strips":
            for i in range(min(n, int(ev.get("count", n) or n))):
                pic.sites[i].strip = True
        elif what == "pressure_dressing":
            pic.dressing_on = True
            for s in pic.sites:
                s.dressed = True
        elif what in ("check_dressing", "inspect_dressing"):
            pic.dressing_checked = True
        elif what in ("remove_dressing",):
            pic.dressing_on = False
            for s in pic.sites:
                s.dressed, s.uncovered = False, True
        elif what in ("lie_flat", "legs_raised", "lie_flat_legs_raised"):
            pic.position = "legs_raised"
        elif what == "recovery_observations":
            pic.observed_at_s = float(ev.get("t_s", 0.0))
        pos = ev.get("position")
        if isinstance(pos, str) and what in ("position", "reposition", "turn", "sit_up"):
            pic.position = pos
    elif t in ("repositioned", "positioned") and isinstance(ev.get("position"), str):
        pic.position = ev["position"]
    # What the sites show: a finding names a site and what it shows.
    finding = ev.get("finding") or ev.get("site_state")
    if isinstance(finding, dict):
        finding = [finding]
    if isinstance(finding, list):
        for f in finding:
            if isinstance(f, dict):
                _site_finding(pic, f, n)
    elif t in ("site_bleeding", "site_haematoma", "site_infection"):
        _site_finding(pic, {**ev, "kind": t.removeprefix("site_")}, n)


def _site_finding(pic: RecoveryPicture, f: dict, n: int) -> None:
    kind = str(f.get("kind") or f.get("finding") or "")
    for i in _sites_named(f, n):
        s = pic.sites[i]
        if kind in ("bleeding", "ooze", "oozing"):
            s.bleeding = True
        elif kind in ("haematoma", "hematoma"):
            s.haematoma = True
        elif kind in ("infection", "redness"):
            s.redness = True
            s.discharge = s.discharge or kind == "infection"
        for flag in ("bleeding", "haematoma", "redness", "discharge"):
            if isinstance(f.get(flag), bool):
                setattr(s, flag, f[flag])
