"""The heads-up display: clock against par, volume against target, cell count, site, donor."""

from __future__ import annotations

import pygame

from sim.i18n import _, ngettext
from sim.trainer.session import Session
from sim.trainer.station import shown_trainee
from sim.ui import theme
from sim.ui.render import Painter

BAR = pygame.Rect(0, 0, 1280, 70)  # the bar's height; it spans the canvas's width

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
        bp = f"{state['systolic_mmhg']:.0f}/{state['diastolic_mmhg']:.0f}"
        parts.append(_("BP {v} mmHg").format(v=bp))
    if "heart_rate_bpm" in state:
        parts.append(_("HR {v}/min").format(v=f"{state['heart_rate_bpm']:.0f}"))
    if "spo2_pct" in state:
        parts.append(f"SpO2 {state['spo2_pct']:.0f}%")
    if "temperature_c" in state:
        parts.append(_("T {v} C").format(v=f"{state['temperature_c']:.1f}"))
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

    def draw(self, p: Painter, session: Session, bar: pygame.Rect | None = None) -> None:
        """The top bar across ``bar`` (default: the canvas's width, ``BAR.height`` tall): the
        title, the clock, the volume, the cell dose and the site, spread across its width."""
        self._scan(session)
        bar = bar or pygame.Rect(0, 0, p.width, BAR.height)
        sim, sc = session.sim, session.attempt.scenario
        p.rect((28, 33, 42), bar)
        p.line(theme.PANEL_EDGE, (bar.x, bar.bottom - 1), (bar.right, bar.bottom - 1))
        nursing = sc.kind == "nursing"
        with p.area(bar, "hud"):
            blocks = [self._time(p, session)]
            if nursing:  # the harvest is over: show the handover, not a collection
                blocks += [self._handover(p, session), self._care(p, session)]
            else:
                blocks += [
                    self._volume(p, sim, sc.target_volume_ml),
                    self._dose(p, sc),
                    self._site(p, session),
                ]
            trainee = shown_trainee(session.trainee) or _("trainee")
            who = f"{trainee} · {_(session.mode)}"
            title_w = max(
                p.fonts.size(sc.text("title"), theme.BODY, True)[0],
                p.fonts.size(who, theme.SMALL)[0],
            )
            room = bar.width - 24
            fixed = sum(w for w, _draw in blocks)
            min_gap = 20
            title_w = max(150, min(title_w, room - fixed - min_gap * len(blocks)))
            gap = max(min_gap, (room - fixed - title_w) / len(blocks))
            x = bar.x + 12
            p.text(
                sc.text("title"),
                (x, bar.y + 8),
                theme.BODY,
                bold=True,
                max_width=title_w,
                may_shorten=True,
            )
            p.text(
                who,
                (x, bar.y + 38),
                theme.SMALL,
                theme.TEXT_DIM,
                max_width=title_w,
                may_shorten=True,
            )
            x += title_w + gap
            for w, draw in blocks:
                draw(round(x), bar.y)
                x += w + gap

    # Each block: (its width, a function drawing it at x, y).
    def _time(self, p: Painter, session: Session):
        sc = session.attempt.scenario
        t = session.clock_s
        par = sc.time.par_s
        colour = (
            theme.TEXT if t <= par else (theme.ORANGE if t <= sc.time.limit_s else theme.VERMILLION)
        )
        text = _("{t} / par {par}").format(t=clock_text(t), par=clock_text(par))
        # wide enough for a clock one digit longer, so the blocks do not shift as it runs
        w = p.fonts.size("0" + text, theme.LARGE, True)[0]

        def draw(x: int, y: int) -> None:
            p.text(_("Time"), (x, y + 8), theme.SMALL, theme.TEXT_DIM)
            p.text(text, (x, y + 30), theme.LARGE, colour, bold=True)

        return w, draw

    def _volume(self, p: Painter, sim, target: float):
        vol = sim.bag.volume_ml
        text = _("Collected {ml:.0f} of {target:.0f} mL").format(ml=vol, target=target)
        limit = sim.donor_limit_ml <= target * 1.0
        bar_w = 230
        w = max(p.fonts.size(text, theme.SMALL)[0], bar_w + (44 if limit else 8))

        def draw(x: int, y: int) -> None:
            p.text(text, (x, y + 6), theme.SMALL, theme.TEXT)
            bar = pygame.Rect(x, y + 32, bar_w, 18)
            p.bar(
                bar,
                vol / target if target else 0,
                theme.SKY_BLUE,
                marker=min(1.0, sim.donor_limit_ml / target) if target else None,
            )
            if limit:
                p.text(_("limit"), (bar.right + 6, y + 32), theme.SMALL, theme.TEXT_DIM)

        return w, draw

    def _dose(self, p: Painter, sc):
        """Cell dose: only known after a midway count."""
        if self._count:
            est = self._count["tnc_per_kg"] / 1e8
            goal = sc.targets.tnc_per_kg_recipient / 1e8
            text = _("{est:.2f} of {goal:.1f} x10^8 at {ml:.0f} mL").format(
                est=est, goal=goal, ml=self._count["ml"]
            )
            colour = theme.GOOD if est >= goal else theme.TEXT
        else:
            text, colour = _("unknown until a cell count"), theme.TEXT_DIM
        head = _("Cell dose (TNC/kg)")
        w = max(p.fonts.size(text, theme.BODY)[0], p.fonts.size(head, theme.SMALL)[0])

        def draw(x: int, y: int) -> None:
            p.text(head, (x, y + 6), theme.SMALL, theme.TEXT_DIM)
            p.text(text, (x, y + 30), theme.BODY, colour)

        return w, draw

    def _site(self, p: Painter, session: Session):
        """Site and penetrations."""
        sim = session.sim
        n = session.needle
        lines = [
            (_("site {n}").format(n=n.site + 1) if n.inserted else _("needle out"), theme.TEXT),
            (_("bone entries {n}").format(n=sim.bone_penetrations), theme.TEXT),
            (_("pulls {n}").format(n=sim.aspirations), theme.TEXT_DIM),
        ]
        w = max(p.fonts.size(t, theme.SMALL)[0] for t, _c in lines)

        def draw(x: int, y: int) -> None:
            for i, (t, c) in enumerate(lines):
                p.text(t, (x, y + 6 + 20 * i), theme.SMALL, c)

        return w, draw

    def _handover(self, p: Painter, session: Session):
        """Nursing scenarios: what the harvest left for the nurse."""
        h = session.attempt.scenario.handover
        head = _("Handover from theatre")
        text = (
            ngettext(
                "{n} skin puncture site · {ml:.0f} mL harvested",
                "{n} skin puncture sites · {ml:.0f} mL harvested",
                h.skin_sites,
            ).format(
                n=h.skin_sites, ml=h.collected_ml
            )
            if h is not None
            else ""
        )
        w = max(p.fonts.size(head, theme.SMALL)[0], p.fonts.size(text, theme.BODY)[0])

        def draw(x: int, y: int) -> None:
            p.text(head, (x, y + 6), theme.SMALL, theme.TEXT_DIM)
            if text:
                p.text(text, (x, y + 30), theme.BODY, theme.TEXT)

        return w, draw

    def _care(self, p: Painter, session: Session):
        """Nursing scenarios: the care done so far."""
        done = sum(1 for e in session.sim.events if e.get("type") == "step_done")
        lines = [
            (_("care steps done {n}").format(n=done), theme.TEXT),
            (_("T: care steps"), theme.TEXT_DIM),
        ]
        w = max(p.fonts.size(t, theme.SMALL)[0] for t, _c in lines)

        def draw(x: int, y: int) -> None:
            for i, (t, c) in enumerate(lines):
                p.text(t, (x, y + 6 + 20 * i), theme.SMALL, c)

        return w, draw
