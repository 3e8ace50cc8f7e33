"""The heads-up display: clock against par, volume against target, cell count, site, donor."""

from __future__ import annotations

import pygame

from sim.trainer.session import Session
from sim.ui import theme
from sim.ui.render import Painter

BAR = pygame.Rect(0, 0, 1280, 70)

#: Event fields or values that mean a midway cell count was done (procedure steps / responses).
CELL_COUNT_MARKERS = ("cell_count", "request_cell_count")


def clock_text(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m:d}:{s:02d}"


def cell_count_estimate(events: list[dict], bag_by_time) -> dict | None:
    """The most recent midway cell count in the event log, with the bag at that time."""
    for ev in reversed(events):
        if any(v in CELL_COUNT_MARKERS for v in ev.values() if isinstance(v, str)):
            return {"t_s": ev["t_s"], **bag_by_time(ev)}
    return None


def donor_state(events: list[dict]) -> dict:
    """The donor's state as the scenario engine last set it (its ``donor_state`` events)."""
    state: dict = {}
    for ev in events:
        if ev.get("type") == "donor_state" and isinstance(ev.get("state"), dict):
            state.update(ev["state"])
    return state


def vitals_text(state: dict) -> str:
    """The donor's vital signs as an anaesthetic monitor shows them, e.g. 'BP 78/44  HR 122'."""
    parts = []
    if "systolic_mmhg" in state and "diastolic_mmhg" in state:
        parts.append(f"BP {state['systolic_mmhg']:.0f}/{state['diastolic_mmhg']:.0f} mmHg")
    if "heart_rate_bpm" in state:
        parts.append(f"HR {state['heart_rate_bpm']:.0f}/min")
    if "spo2_pct" in state:
        parts.append(f"SpO2 {state['spo2_pct']:.0f}%")
    if "temperature_c" in state:
        parts.append(f"T {state['temperature_c']:.1f} C")
    return "  ".join(parts)


class Hud:
    """Draws the top bar for a session; keeps the cell count it has seen."""

    def __init__(self) -> None:
        self._count: dict | None = None
        self._seen_events = 0
        self.donor: dict = {}

    def _scan(self, session: Session) -> None:
        events = session.sim.events
        if len(events) == self._seen_events:
            return
        new = events[self._seen_events :]
        self._seen_events = len(events)
        self.donor.update(donor_state(new))
        bag = session.sim.bag
        found = cell_count_estimate(
            new,
            lambda ev: {
                "tnc_per_kg": ev.get("tnc_per_kg_recipient", bag.tnc_per_kg_recipient),
                "ml": bag.volume_ml,
            },
        )
        if found:
            self._count = found

    def draw(self, p: Painter, session: Session) -> None:
        self._scan(session)
        sim, sc = session.sim, session.attempt.scenario
        p.rect((28, 33, 42), BAR)
        p.line(theme.PANEL_EDGE, (0, BAR.bottom - 1), (BAR.right, BAR.bottom - 1))
        p.text(sc.title, (12, 8), theme.BODY, bold=True, max_width=306)
        who = session.trainee or "trainee"
        p.text(f"{who} · {session.mode}", (12, 38), theme.SMALL, theme.TEXT_DIM)
        # Clock against par.
        t = session.clock_s
        par = sc.time.par_s
        colour = (
            theme.TEXT if t <= par else (theme.ORANGE if t <= sc.time.limit_s else theme.VERMILLION)
        )
        p.text("Time", (330, 8), theme.SMALL, theme.TEXT_DIM)
        p.text(
            f"{clock_text(t)} / par {clock_text(par)}", (330, 30), theme.LARGE, colour, bold=True
        )
        if sc.kind == "nursing":  # the harvest is over: show the handover, not a collection
            self._draw_handover(p, session)
            return
        # Volume against target.
        target = sc.target_volume_ml
        vol = sim.bag.volume_ml
        p.text(f"Collected {vol:.0f} of {target:.0f} mL", (560, 6), theme.SMALL, theme.TEXT)
        bar = pygame.Rect(560, 32, 250, 18)
        p.bar(
            bar,
            vol / target if target else 0,
            theme.SKY_BLUE,
            marker=min(1.0, sim.donor_limit_ml / target) if target else None,
        )
        if sim.donor_limit_ml <= target * 1.0:
            p.text("limit", (bar.right + 4, 30), theme.SMALL, theme.TEXT_DIM)
        # Cell dose: only known after a midway count.
        p.text("Cell dose (TNC/kg)", (838, 6), theme.SMALL, theme.TEXT_DIM)
        if self._count:
            est = self._count["tnc_per_kg"] / 1e8
            goal = sc.targets.tnc_per_kg_recipient / 1e8
            p.text(
                f"{est:.2f} of {goal:.1f} x10^8 at {self._count['ml']:.0f} mL",
                (838, 30),
                theme.BODY,
                theme.GOOD if est >= goal else theme.TEXT,
            )
        else:
            p.text("unknown until a cell count", (838, 30), theme.BODY, theme.TEXT_DIM)
        # Site and penetrations.
        n = session.needle
        site = f"site {n.site + 1}" if n.inserted else "needle out"
        p.text(site, (1100, 6), theme.SMALL, theme.TEXT)
        p.text(f"bone entries {sim.bone_penetrations}", (1100, 26), theme.SMALL, theme.TEXT)
        p.text(f"pulls {sim.aspirations}", (1100, 46), theme.SMALL, theme.TEXT_DIM)

    def _draw_handover(self, p: Painter, session: Session) -> None:
        """Nursing scenarios: what the harvest left for the nurse, and the care done so far."""
        sc = session.attempt.scenario
        h = sc.handover
        p.text("Handover from theatre", (560, 6), theme.SMALL, theme.TEXT_DIM)
        if h is not None:
            p.text(
                f"{h.skin_sites} skin puncture sites · {h.collected_ml:.0f} mL harvested",
                (560, 30),
                theme.BODY,
                theme.TEXT,
            )
        done = sum(1 for e in session.sim.events if e.get("type") == "step_done")
        p.text(f"care steps done {done}", (1100, 6), theme.SMALL, theme.TEXT)
        p.text("T: care steps", (1100, 26), theme.SMALL, theme.TEXT_DIM)
