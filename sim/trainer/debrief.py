"""Debrief data from an attempt: scoring, a depth trace, bone entries and pulls (no pygame).

The debrief reads the attempt's event log and, for what the log does not carry (where each bone
entry lay, the depth between events), re-runs the command log through the one replay function
(``sim.run.replay``), so it shows what replay shows.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from sim.i18n import _
from sim.run.attempt import Attempt
from sim.run.replay import apply_entry, replay_attempt
from sim.trainer.core_words import say
from sim.vocabulary.events import (
    LOSS_OF_RESISTANCE,
    MISSED_REQUIRED_RESPONSE,
    NURSING_CRITICAL_EVENTS,
    SIM_CRITICAL_EVENTS,
)


@dataclass
class BoneEntry:
    site: int
    penetration: int
    x_mm: float
    y_mm: float
    tnc: float = 0.0
    ml: float = 0.0

    @property
    def tnc_per_ml(self) -> float:
        return self.tnc / self.ml if self.ml > 0 else 0.0


@dataclass
class Debrief:
    score: dict | None
    score_error: str
    metrics: dict
    trace: list[tuple[float, float]] = field(default_factory=list)  # (t_s, depth_mm)
    entries: list[BoneEntry] = field(default_factory=list)
    pulls: list[dict] = field(default_factory=list)
    critical: list[dict] = field(default_factory=list)
    lor: list[tuple[float, float]] = field(default_factory=list)
    #: the events' messages, in the trainer's language (the log keeps the core's English)
    messages: list[str] = field(default_factory=list)


def score(attempt: Attempt) -> tuple[dict | None, str]:
    """The scoring package's verdict, or (None, why) while it is not available."""
    try:
        from sim.scoring import score_attempt  # added by the scoring work; optional here
    except ImportError as exc:
        return None, f"scoring is not available in this build ({exc.name})"
    return score_attempt(attempt), ""


def shown_score(live: dict | None, live_error: str, stored: dict | None) -> tuple[dict | None, str]:
    """The score a debrief shows and, without one, why: the stored result when there is a
    stored row (never a fresh re-score beside it), the live score otherwise."""
    st = stored
    if st is None:
        return live, live_error
    if st.get("status") == "incomplete":
        return None, _("The attempt was not finished, so it has no score")
    if st.get("score_total") is None:
        return None, _("The attempt was stored without a score")
    total = float(st["score_total"])
    shown = {
        "total": total,
        "max": float(st.get("score_max") or 100.0),
        "criteria": list(st.get("criteria") or []),
        "critical_errors": list(st.get("critical_errors") or []),
        "passed": st.get("passed"),
        "minimum_passing": st.get("minimum_passing") or 0,
        "failed_conditions": [],
    }
    if live is not None and abs(float(live.get("total", -1)) - total) < 1e-6:
        shown["failed_conditions"] = list(live.get("failed_conditions", []))  # same verdict
        shown["critical_feedback"] = list(live.get("critical_feedback", []))
    return shown, ""


def nursing_metrics(attempt: Attempt) -> dict[str, Any]:
    """What a nursing debrief shows beside the score: the care, not the harvest (no collected
    volume, pulls or depth: docs/nursing.md)."""
    assert attempt.nursing is not None
    state = attempt.nursing.state()
    return {
        "procedure_s": attempt.sim.t_s,
        "variant": state["variant"],
        "observation_sets": state["observations"]["sets"],
        "teaching_taught": state["teaching"]["taught"],
        "teaching_required": state["teaching"]["required"],
        "readiness": state["readiness"],
        "discharged": state["discharged"],
        "decision": state["decision"],
        "escalations": state["escalations"],
        "critical_errors": list(attempt.sim.critical),
    }


def analyse(attempt: Attempt) -> Debrief:
    """Everything the debrief screen draws."""
    result, err = score(attempt)
    words = attempt.scenario.words()  # the messages in the trainer's language; the log's stay
    if attempt.nursing is not None:  # the nurse's debrief: the care and its messages only
        d = Debrief(result, err, nursing_metrics(attempt))
        for ev in attempt.sim.events:
            if ev["type"] in NURSING_CRITICAL_EVENTS or ev["type"] == MISSED_REQUIRED_RESPONSE:
                d.critical.append(ev)
            elif "message" in ev:
                d.messages.append(say(str(ev["message"]), words))
        return d
    d = Debrief(result, err, attempt.sim.metrics())
    entries: dict[int, BoneEntry] = {}
    before = [0.0, 0.0]  # (t_s, depth_mm) when the command started

    def on_event(ev: dict[str, Any], sim) -> None:
        n = sim.needle
        if ev["type"] == LOSS_OF_RESISTANCE and n.inserted and n.side:
            u, v, _w = n.tip()
            x, y = sim.anatomy.to_dorsal(n.side, u, v)
            pen = ev.get("penetration", 0)
            entries.setdefault(pen, BoneEntry(n.site or 0, pen, x, y))
            d.lor.append((ev["t_s"], ev["depth_mm"]))

    def on_command(fresh: Attempt, _events: list) -> None:
        t0, d0 = before
        d1 = fresh.sim.needle.depth_mm if fresh.sim.needle.inserted else 0.0
        if not d.trace or d0 != d.trace[-1][1]:
            d.trace.append((t0, d0))
        d.trace.append((fresh.sim.t_s, d1))
        before[:] = [fresh.sim.t_s, d1]

    def on_start(fresh: Attempt) -> None:
        fresh.sim.listeners.append(lambda ev: on_event(ev, fresh.sim))

    replay_attempt(attempt, on_command=on_command, on_start=on_start)
    for ev in attempt.sim.events:
        if ev["type"] == "aspirated":
            d.pulls.append(ev)
            e = entries.get(ev.get("penetration", 0))
            if e is not None:
                e.tnc += ev["tnc"]
                e.ml += ev["ml"]
        elif ev["type"] == "dry_tap":
            d.pulls.append({**ev, "tnc": 0, "tnc_per_ml": 0, "marrow_ml": 0.0, "dry": True})
        elif ev["type"] in SIM_CRITICAL_EVENTS:
            d.critical.append(ev)
        elif "message" in ev:
            d.messages.append(say(str(ev["message"]), words))
    d.entries = sorted(entries.values(), key=lambda e: e.penetration)
    return d


class ReplayPlayer:
    """Plays an attempt back from its command log on a fresh attempt, at an adjustable speed.

    ``speed`` is simulated seconds per wall second; a command is applied when the replay clock
    passes the simulated time at which it was given, and the needle is shown moving smoothly
    through the command's own duration (``display_needle``) rather than jumping to its end.
    ``seek`` moves the replay to any time for the instructor's timeline: forward by applying
    commands, backward from the nearest snapshot (taken every ``SNAPSHOT_EVERY`` commands), so
    no frame ever re-simulates the attempt from the start.
    """

    SPEEDS = (1.0, 4.0, 16.0, 64.0, 256.0)
    SNAPSHOT_EVERY = 200
    #: At most this many commands are applied in one ``tick`` (one frame); when the clock runs
    #: ahead of them (a burst of commands at 256x) it waits at the next command instead, so a
    #: frame never does more than a bounded slice of simulation.
    MAX_STEPS_PER_TICK = 8

    def __init__(self, attempt: Attempt, speed_index: int = 2) -> None:
        self.source = attempt
        self.attempt = Attempt(attempt.scenario, attempt.seed)
        self.index = 0
        self.clock_s = 0.0
        self.speed_index = speed_index
        self.paused = False
        #: The last applied command's motion: (t0_s, t1_s, depth before, depth after).
        self._motion: tuple[float, float, float, float] | None = None
        self._snapshots: dict[int, Attempt] = {0: self._copy(self.attempt)}
        #: Commands applied by the last ``tick`` (what a frame cost in simulation).
        self.last_tick_steps = 0

    @staticmethod
    def _copy(attempt: Attempt) -> Attempt:
        """A copy of a replay attempt for a snapshot (or to resume from one): the scenario, the
        event dicts and the log entries, never changed once made, are shared; so is the fresh
        marrow grid (``MarrowField.__deepcopy__``)."""
        memo: dict[int, Any] = {id(attempt.scenario): attempt.scenario}
        for shared in (attempt.sim.events, attempt.log):  # new lists, the same entries
            memo[id(shared)] = list(shared)
        return copy.deepcopy(attempt, memo)

    @property
    def speed(self) -> float:
        return self.SPEEDS[self.speed_index]

    @property
    def done(self) -> bool:
        return self.index >= len(self.source.log)

    @property
    def duration_s(self) -> float:
        """The attempt's simulated length: the end of the timeline."""
        return max(self.source.sim.t_s, self.source.log[-1]["t_s"] if self.source.log else 0.0)

    def faster(self, step: int) -> None:
        self.speed_index = max(0, min(len(self.SPEEDS) - 1, self.speed_index + step))

    def _apply_next(self) -> None:
        n = self.attempt.sim.needle
        before = n.depth_mm if n.inserted else 0.0
        t0 = self.source.log[self.index]["t_s"]
        apply_entry(self.attempt, self.index + 1, self.source.log[self.index]["cmd"], where="log")
        self.index += 1
        n = self.attempt.sim.needle
        after = n.depth_mm if n.inserted else 0.0
        t1 = self.attempt.sim.t_s
        self._motion = (t0, t1, before, after) if n.inserted and t1 > t0 else None
        if self.index % self.SNAPSHOT_EVERY == 0 and self.index not in self._snapshots:
            self._snapshots[self.index] = self._copy(self.attempt)

    def _advance_to(self, clock_s: float, limit: int | None = None) -> int:
        log = self.source.log
        steps = 0
        while self.index < len(log) and log[self.index]["t_s"] <= clock_s:
            if limit is not None and steps >= limit:
                self.clock_s = log[self.index]["t_s"]  # wait here; the next frame goes on
                break
            self._apply_next()
            steps += 1
        return steps

    def tick(self, wall_s: float) -> None:
        self.last_tick_steps = 0
        if self.paused or self.done:
            return
        self.clock_s += wall_s * self.speed
        self.last_tick_steps = self._advance_to(self.clock_s, self.MAX_STEPS_PER_TICK)

    def seek(self, t_s: float) -> None:
        """Show the attempt as it was at simulated time ``t_s`` (clamped to the timeline)."""
        t_s = max(0.0, min(self.duration_s, t_s))
        if t_s < self.clock_s:
            log = self.source.log
            target = next((i for i, e in enumerate(log) if e["t_s"] > t_s), len(log))
            start = max(k for k in self._snapshots if k <= target)
            self.attempt = self._copy(self._snapshots[start])
            self.index = start
            self._motion = None
        self.clock_s = t_s
        self._advance_to(t_s)

    def display_needle(self):
        """The needle as it should be drawn at the replay clock: part-way through the motion of
        the command being played, not already at its end."""
        n = self.attempt.sim.needle
        if self._motion is None or not n.inserted:
            return n
        t0, t1, d0, d1 = self._motion
        f = min(1.0, max(0.0, (self.clock_s - t0) / (t1 - t0)))
        if f >= 1.0:
            return n
        shown = copy.copy(n)
        shown.depth_mm = d0 + (d1 - d0) * f
        return shown
