"""The donor at the bedside as the nursing screen draws her, from the core's nursing state (no
pygame).

``recovery_picture`` turns ``attempt.nursing.state()`` (docs/nursing.md) into what the screen
draws: how she lies, each puncture with what has been done to it (pressure, a Steri-Strip, the
dressing over it) and what it shows (oozing or bleeding, a haematoma, redness, swelling,
discharge), the dressing, and the bedside monitor's numbers with their alarms.  The screen keeps
no state of its own: it draws this, rebuilt when the event log grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.i18n import N_, _, ngettext

POSITIONS = ("prone", "supine", "flat_legs_raised")
POSITION_WORDS = {
    "prone": N_("prone"),
    "supine": N_("on her back"),
    "flat_legs_raised": N_("lying flat, legs raised"),
}


@dataclass
class SiteState:
    index: int
    label: str
    side: str  # "left" or "right": which posterior crest
    pressure: bool = False  # firm pressure held long enough
    pressing_s: float = 0.0
    strip: bool = False
    bleeding: str = "none"  # none, ooze, active
    haematoma: bool = False
    redness: bool = False
    swelling: bool = False
    discharge: bool = False
    inspected: bool = False


@dataclass
class RecoveryPicture:
    position: str = "prone"
    sites: list[SiteState] = field(default_factory=list)
    vitals: dict[str, float] = field(default_factory=dict)
    alarms: dict[str, str] = field(default_factory=dict)  # key: "low" / "high"
    dressing_on: bool = False
    dressing_removed: bool = False
    dressing_state: str = "none"  # none, dry_intact, ooze, soaked, removed
    dressing_checked: bool = False
    observed_at_s: float | None = None  # when the last set of observations was taken
    observations_due_s: float | None = None
    observations_overdue: bool = False
    clock_now: str = ""  # the ward clock, HH:MM
    phase: str = "recovery"
    pain_score: float | None = None
    prompts: list[dict] = field(default_factory=list)


def _side(label: str, index: int, n: int) -> str:
    if "left" in label:
        return "left"
    if "right" in label:
        return "right"
    return "left" if index < (n + 1) // 2 else "right"


def recovery_picture(state: dict[str, Any]) -> RecoveryPicture:
    """What the nursing screen shows, from the core's nursing state."""
    sites_in = list(state.get("sites") or [])
    sites = []
    for i, s in enumerate(sites_in):
        label = str(s.get("label", f"site {i + 1}"))
        found = s.get("findings") or {}
        sites.append(
            SiteState(
                index=int(s.get("index", i)),
                label=label,
                side=_side(label, i, len(sites_in)),
                pressure=bool(s.get("pressure_done")),
                pressing_s=float(s.get("pressure_s") or 0.0),
                strip=bool(s.get("strip")),
                bleeding=str(s.get("bleeding") or "none"),
                haematoma=bool(s.get("haematoma")),
                redness=bool(found.get("redness")),
                swelling=bool(found.get("swelling")),
                discharge=bool(found.get("discharge")),
                inspected=bool(s.get("inspected")),
            )
        )
    dressing = state.get("dressing") or {}
    monitor = state.get("monitor") or {}
    obs = state.get("observations") or {}
    pain = state.get("pain") or {}
    position = str(state.get("position") or "prone")
    return RecoveryPicture(
        position=position if position in POSITIONS else "supine",
        sites=sites,
        vitals={k: float(v) for k, v in (monitor.get("vitals") or {}).items() if v is not None},
        alarms={k: str(v) for k, v in (monitor.get("alarms") or {}).items() if v},
        dressing_on=bool(dressing.get("on")),
        dressing_removed=bool(dressing.get("removed")),
        dressing_state=str(dressing.get("state") or "none"),
        dressing_checked=dressing.get("checked_s") is not None,
        observed_at_s=obs.get("last_s"),
        observations_due_s=obs.get("next_due_s"),
        observations_overdue=bool(obs.get("overdue")),
        clock_now=str((state.get("clock") or {}).get("now_hhmm") or ""),
        phase=str(state.get("phase") or "recovery"),
        pain_score=pain.get("score") if pain.get("assessed_s") is not None else None,
        prompts=list(state.get("prompts") or []),
    )


def sites_summary(pic: RecoveryPicture) -> list[str]:
    """What the punctures show and what covers them, most important first (the screen shows as
    many as fit on one line): the dressing, then bleeding, haematomas and redness, then the
    strips or the pressure."""
    n = len(pic.sites)
    if pic.dressing_on:
        words = {"dry_intact": _("dry and intact"), "ooze": _("oozing"), "soaked": _("soaked")}
        text = _("Dressing on")
        if pic.dressing_checked:
            text += ": " + words.get(pic.dressing_state, pic.dressing_state.replace("_", " "))
        return [text]
    parts = [_("Dressing off")] if pic.dressing_removed else []
    bleeding = sum(s.bleeding != "none" for s in pic.sites)
    haematomas = sum(s.haematoma for s in pic.sites)
    red = sum(s.redness for s in pic.sites)
    if bleeding:
        parts.append(ngettext("{n} bleeding", "{n} bleeding", bleeding).format(n=bleeding))
    if haematomas:
        parts.append(
            ngettext("{n} haematoma", "{n} haematomas", haematomas).format(n=haematomas)
        )
    if red:
        parts.append(ngettext("{n} red", "{n} red", red).format(n=red))
    strips = sum(s.strip for s in pic.sites)
    pressed = sum(s.pressure for s in pic.sites)
    if strips:
        parts.append(_("{k} of {n} strips").format(k=strips, n=n) if strips < n else _("strips on"))
    elif pressed:
        parts.append(_("{k} of {n} pressed").format(k=pressed, n=n))
    return parts or [ngettext("{n} puncture, open", "{n} punctures, open", n).format(n=n)]
