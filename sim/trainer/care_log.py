"""The nursing screen's event text: what happened at the bedside, in sentences (no pygame).

Each entry is one whole message with the simulated time it happened; where the simulated clock
jumped (the care took a quarter of an hour, "fifteen minutes later"), an entry says how much
time passed, so the screen can compress the time while the clock shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sim.i18n import N_, _, ngettext
from sim.trainer.core_words import say

#: A jump of the simulated clock at least this long between two entries is shown as one.
GAP_SHOWN_S = 300.0

OBS_WORDS = (
    ("systolic_mmhg", N_("BP {v:.0f}")),
    ("diastolic_mmhg", "/{v:.0f} mmHg"),
    ("heart_rate_bpm", N_(", HR {v:.0f}/min")),
    ("spo2_pct", ", SpO2 {v:.0f}%"),
    ("respiratory_rate_per_min", N_(", RR {v:.0f}/min")),
    ("temperature_c", ", {v:.1f} °C"),
    ("pain_score", N_(", pain {v:.0f}/10")),
)

#: The dressing's states as the observations name them (shown as ``_(state)``).
DRESSING_STATES = (N_("dry intact"), N_("ooze"), N_("soaked"))


@dataclass(frozen=True)
class LogEntry:
    t_s: float
    text: str
    kind: str = "info"  # info, good, warn, danger, time


def clock_text(t_s: float) -> str:
    """Simulated time since the start as h:mm:ss (or m:ss under an hour)."""
    t = int(t_s)
    h, rest = divmod(t, 3600)
    m, s = divmod(rest, 60)
    return f"{h:d}:{m:02d}:{s:02d}" if h else f"{m:d}:{s:02d}"


def gap_text(gap_s: float) -> str:
    minutes = round(gap_s / 60.0)
    if minutes >= 120 and minutes % 60 == 0:
        return _("{n} hours later").format(n=minutes // 60)
    return ngettext("{n} minute later", "{n} minutes later", minutes).format(n=minutes)


def _observed(obs: dict) -> str:
    text = "".join(
        _(fmt).format(v=obs[k]) for k, fmt in OBS_WORDS if isinstance(obs.get(k), float | int)
    )
    dressing = obs.get("dressing")
    if isinstance(dressing, str) and dressing not in ("no_dressing", "none"):
        text += _("; dressing {state}").format(state=_(dressing.replace("_", " ") or "-"))
    return text.lstrip(", ")


def _step_text(ev: dict) -> tuple[str, str] | None:
    step = str(ev.get("step", ""))
    if step == "time_out":
        return _("Identity checked against the wristband."), "good"
    if step == "steri_strips":
        n = ev.get("count", "")
        ok = ev.get("matches_sites", True)
        return _("Steri-Strips on {n} punctures.").format(n=n), "good" if ok else "warn"
    if step == "pressure_dressing":
        return _("Pressure dressing on the lower back over the strips."), "good"
    if step == "recovery_observations":
        obs = ev.get("observed")
        said = _observed(obs) if isinstance(obs, dict) else ""
        return (_("Observations: ") + said + ".") if said else _("Observations taken."), "info"
    if step == "discharge_teaching":
        items = ", ".join(_(str(i).replace("_", " ") or "-") for i in ev.get("items", []))
        extra = ""
        if ev.get("fever_threshold_c") is not None:
            extra = _(" (call at {t:.1f} °C or above)").format(t=ev["fever_threshold_c"])
        return _("Taught: {items}").format(items=items) + extra + ".", "info"
    label = _(step.replace("_", " ")) if step else ""
    return (label[:1].upper() + label[1:] + ".") if label else None, "info"


#: Events the log shows in red: a safety lapse the rubric counts.
DANGER_EVENTS = frozenset(
    (
        "missed_required_response",
        "repeat_observations_missed",
        "unsafe_discharge",
        "finding_missed",
        "monitor_alarm",
    )
)
#: Events whose message is a warning: something happened to the donor.
WARN_EVENTS = frozenset(("donor_hypotension", "anaesthetist_escalation"))


#: The monitor's numbers in words: (name, how the value is written).
MONITOR_WORDS = {
    "systolic_mmhg": (N_("systolic pressure"), "{v:.0f} mmHg"),
    "diastolic_mmhg": (N_("diastolic pressure"), "{v:.0f} mmHg"),
    "heart_rate_bpm": (N_("heart rate"), "{v:.0f}/min"),
    "spo2_pct": ("SpO2", "{v:.0f}%"),
    "respiratory_rate_per_min": (N_("respiratory rate"), "{v:.0f}/min"),
    "temperature_c": (N_("temperature"), "{v:.1f} °C"),
}


def _alarm_text(ev: dict) -> str | None:
    """'Monitor alarm: heart rate 112/min, above its limit of 110/min.'"""
    words = MONITOR_WORDS.get(str(ev.get("key")))
    value, limit = ev.get("value"), ev.get("limit")
    if words is None or not isinstance(value, int | float):
        return None
    name, fmt = words
    text = _("Monitor alarm: {what}").format(what=f"{_(name)} {fmt.format(v=value)}")
    if isinstance(limit, int | float):
        where = (
            _(", below its limit of {limit}")
            if ev.get("side") == "low"
            else _(", above its limit of {limit}")
        )
        text += where.format(limit=fmt.format(v=limit))
    return text + "."


def _entry(ev: dict, words: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    t = ev.get("type")
    message = ev.get("message")
    if t == "monitor_alarm":
        text = _alarm_text(ev) or message
        return (say(str(text), words), "danger") if text else None
    if t == "scenario_event" and message:
        return say(str(message), words), "warn" if ev.get("phase") == "fired" else "info"
    if t in DANGER_EVENTS and message:
        return say(str(message), words), "danger"
    if t == "missed_required_response":
        who = str(ev.get("response", "")).replace("_", " ")
        who = _(who) if who else who
        return _("Missed: {who} was needed and not done in time.").format(who=who), "danger"
    if t in WARN_EVENTS and message:
        return say(str(message), words), "warn"
    if t == "step_done":
        found = _step_text(ev)
        if found and message:  # the core's own words about the step, after what was done
            said = say(str(message), words)
            return f"{found[0]} {said}", "warn" if ev.get("abnormal") else found[1]
        return found
    if t == "care_done" and message:
        return say(str(message), words), "info"
    if t == "response_made" and not message:
        return None  # the care_done beside it says what was done
    return None


def care_log(events: list[dict], words: Mapping[str, str] | None = None) -> list[LogEntry]:
    """The bedside's events in words, oldest first, with the clock's jumps between them;
    ``words`` are the scenario's texts in the trainer's language (``Scenario.words()``)."""
    out: list[LogEntry] = []
    last_t = 0.0
    for ev in events:
        found = _entry(ev, words)
        if not found or not found[0]:
            continue
        ts = float(ev.get("t_s", 0.0))
        if ts - last_t >= GAP_SHOWN_S and out:
            out.append(LogEntry(ts, gap_text(ts - last_t), "time"))
        last_t = ts
        out.append(LogEntry(ts, found[0], found[1]))
    return out
