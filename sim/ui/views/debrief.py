"""Debrief: score and feedback per criterion, a yield map, a depth trace, pulls, and replay."""

from __future__ import annotations

import pygame

from sim.ui import theme
from sim.ui.analysis import Debrief, ReplayPlayer, analyse
from sim.ui.camera import MmCamera
from sim.ui.hud import Hud, clock_text
from sim.ui.render import Button, Painter
from sim.ui.session import Session
from sim.ui.views.base import View
from sim.ui.views.dorsal import AREA as DORSAL_AREA
from sim.ui.views.dorsal import DorsalPanel
from sim.ui.views.needle import NeedlePanel

MAP = pygame.Rect(640, 84, 300, 300)
TRACE = pygame.Rect(956, 84, 304, 300)
PULLS = pygame.Rect(640, 400, 620, 230)
GOOD_TNC_PER_ML = 25e6  # top of the yield colour ramp (cells/mL)


class DebriefView(View):
    name = "debrief"

    def __init__(self, app, session: Session) -> None:
        super().__init__(app)
        self.session = session
        self.data: Debrief = analyse(session.attempt)
        self.replay_btn = Button(pygame.Rect(700, 650, 150, 46), "Replay", "P")
        self.new_btn = Button(pygame.Rect(1040, 650, 220, 46), "New attempt", "Enter")
        self.quit_btn = Button(pygame.Rect(860, 650, 170, 46), "Quit", "Ctrl+Q")
        self.hover = (0, 0)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_p:
                self.start_replay()
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.new_attempt()
            elif event.key == pygame.K_ESCAPE:
                from sim.ui.views.overlays import PauseOverlay

                self.app.push(PauseOverlay(self.app))
            return True
        if event.type == pygame.MOUSEMOTION:
            self.hover = event.pos
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self.replay_btn.hit(event.pos):
                self.start_replay()
            elif self.new_btn.hit(event.pos):
                self.new_attempt()
            elif self.quit_btn.hit(event.pos):
                self.app.request_quit()
            return True
        return False

    def start_replay(self) -> None:
        self.app.push(ReplayView(self.app, self.session))

    def new_attempt(self) -> None:
        from sim.ui.views.launcher import LauncherView

        self.app.reset_to(LauncherView(self.app))

    # ---------------------------------------------------------------- draw
    def draw(self, p: Painter) -> None:
        d = self.data
        sc = self.session.attempt.scenario
        p.text("Debrief", (20, 14), theme.SMALL, theme.TEXT_DIM, bold=True)
        p.text(sc.title, (20, 34), theme.LARGE, bold=True)
        self._draw_score(p, d)
        self._draw_map(p, d)
        self._draw_trace(p, d)
        self._draw_pulls(p, d)
        self._draw_summary(p, d)
        for b in (self.replay_btn, self.quit_btn, self.new_btn):
            b.draw(p, hover=b.rect.collidepoint(self.hover))

    def _draw_score(self, p: Painter, d: Debrief) -> None:
        box = pygame.Rect(20, 84, 600, 556)
        p.panel(box)
        x, y = box.x + 16, box.y + 12
        m = d.metrics
        target = self.session.attempt.scenario.target_volume_ml
        if d.score is not None:
            s = d.score
            passed = bool(s.get("passed"))
            verdict = "PASS" if passed else "NOT YET PASSED"
            p.text(f"{s.get('total', 0):.0f} / 100", (x, y), theme.TITLE, bold=True)
            p.text(
                verdict,
                (x + 190, y + 2),
                theme.LARGE,
                theme.GOOD if passed else theme.VERMILLION,
                bold=True,
            )
            p.text(
                f"minimum passing score {s.get('minimum_passing', 0):g}",
                (x + 190, y + 34),
                theme.SMALL,
                theme.TEXT_DIM,
            )
            y += 62
            for crit in s.get("critical_errors", []):
                label = crit if isinstance(crit, str) else crit.get("id", str(crit))
                p.text(
                    f"Critical error: {label.replace('_', ' ')}",
                    (x, y),
                    theme.BODY,
                    theme.VERMILLION,
                    bold=True,
                )
                y += 28
            criteria = s.get("criteria", [])
            room = box.bottom - 10 - y
            lines = max(1, min(3, (room // max(1, len(criteria)) - 26) // 20))
            for cr in criteria:
                if y > box.bottom - 30:
                    break
                name = str(cr.get("id", "")).replace("_", " ")
                got, best = float(cr.get("score", 0)), float(cr.get("max", 0))
                colour = theme.GOOD if best and got >= 0.8 * best else theme.ORANGE
                p.text(name, (x, y), theme.BODY, bold=True)
                p.text(
                    f"{got:.1f} / {best:g}",
                    (box.right - 16, y),
                    theme.BODY,
                    colour,
                    anchor="topright",
                )
                y += 25
                fb = " ".join(str(cr.get("feedback", "")).split())
                wrapped = p.fonts.wrap(fb, theme.SMALL, box.width - 44) if fb else []
                if len(wrapped) > lines:
                    wrapped = wrapped[:lines]
                    wrapped[-1] = wrapped[-1][: max(0, len(wrapped[-1]) - 3)] + "..."
                for line in wrapped:
                    p.text(line, (x + 12, y), theme.SMALL, theme.TEXT_DIM)
                    y += 20
                y += 4
            return
        p.text("Results", (x, y), theme.LARGE, bold=True)
        y += 36
        p.paragraph(
            d.score_error + "; the measured results are shown instead.",
            pygame.Rect(x, y, box.width - 32, 50),
            theme.SMALL,
            theme.ORANGE,
        )
        y += 50
        rows = [
            ("Collected", f"{m['collected_ml']:.0f} mL of {target:.0f} mL"),
            ("Cell dose", f"{m['tnc_per_kg_recipient'] / 1e8:.2f} x10^8 TNC/kg recipient"),
            ("Quality", f"{m['tnc_per_ml'] / 1e6:.1f} x10^6 TNC/mL"),
            ("Skin sites", str(m["skin_sites"])),
            ("Bone entries", str(m["bone_penetrations"])),
            ("Pulls", f"{m['aspirations']} (largest {m['max_pull_ml']:g} mL)"),
            ("Time", clock_text(m["procedure_s"])),
        ]
        for k, v in rows:
            p.text(k, (x, y), theme.BODY, theme.TEXT_DIM)
            p.text(v, (x + 170, y), theme.BODY)
            y += 30
        crit = m.get("critical_errors", [])
        if crit:
            p.text(
                "Critical: " + ", ".join(c.replace("_", " ") for c in crit),
                (x, y),
                theme.BODY,
                theme.VERMILLION,
                bold=True,
            )
            y += 28
        for msg in d.messages[-3:]:
            p.text("Event: " + msg[:70], (x, y), theme.SMALL, theme.ORANGE)
            y += 24

    def _draw_summary(self, p: Painter, d: Debrief) -> None:
        """One line under the score: what was collected, against the target."""
        m = d.metrics
        target = self.session.attempt.scenario.target_volume_ml
        p.text(
            f"Collected {m['collected_ml']:.0f} of {target:.0f} mL  ·  "
            f"{m['tnc_per_kg_recipient'] / 1e8:.2f} x10^8 TNC/kg  ·  "
            f"{m['bone_penetrations']} bone entries  ·  {clock_text(m['procedure_s'])}",
            (20, 650),
            theme.BODY,
            theme.TEXT,
        )
        if d.messages:
            p.text(
                "Scenario events: " + "; ".join(d.messages[-2:])[:90],
                (20, 680),
                theme.SMALL,
                theme.ORANGE,
            )

    def _draw_map(self, p: Painter, d: Debrief) -> None:
        p.panel(MAP, "Sites and bone entries by yield")
        anatomy = self.session.sim.anatomy
        m = anatomy.dorsal_map()
        cam = MmCamera((MAP.centerx, MAP.centery + 10), 0.68, flip_y=True)
        clip = p.surface.get_clip()
        p.surface.set_clip(MAP.inflate(-4, -4))
        sac = [cam.to_px(x, y) for x, y in m.sacrum]
        p.polygon((70, 64, 60), sac)
        for side in ("left", "right"):
            p.lines((150, 140, 128), [cam.to_px(x, y) for x, y in m.crest[side]], 3)
            p.circle((150, 140, 128), cam.to_px(*m.psis[side]), 4)
        for e in d.entries:
            col = theme.yield_colour(e.tnc_per_ml / GOOD_TNC_PER_ML)
            p.circle(theme.BLACK, cam.to_px(e.x_mm, e.y_mm), 6)
            p.circle(col, cam.to_px(e.x_mm, e.y_mm), 5)
        for site in self.session.sim.sites:
            pos = cam.to_px(site.x_mm, site.y_mm)
            p.circle(theme.TEXT, pos, 9, 2)
            p.text(str(site.index + 1), (pos[0], pos[1] - 20), theme.SMALL, anchor="center")
        p.surface.set_clip(clip)
        # Legend: the colour ramp.
        lx, ly = MAP.x + 12, MAP.bottom - 26
        for i in range(100):
            p.line(theme.yield_colour(i / 99), (lx + i, ly), (lx + i, ly + 10))
        p.text("TNC/mL: low", (lx, ly - 20), theme.SMALL, theme.TEXT_DIM)
        p.text(f"{GOOD_TNC_PER_ML / 1e6:.0f}x10^6", (lx + 108, ly - 4), theme.SMALL, theme.TEXT_DIM)

    def _draw_trace(self, p: Painter, d: Debrief) -> None:
        p.panel(TRACE, "Needle depth over time")
        plot = TRACE.inflate(-50, -70).move(14, 10)
        p.rect((16, 19, 24), plot)
        if not d.trace:
            return
        t_max = max(1.0, d.trace[-1][0])
        depth_max = max(60.0, max(depth for _t, depth in d.trace))

        def at(t: float, depth: float) -> tuple[int, int]:
            return (
                plot.x + round(plot.width * t / t_max),
                plot.y + round(plot.height * depth / depth_max),
            )

        pts = [at(t, dep) for t, dep in d.trace]
        step = max(1, len(pts) // 1500)
        p.lines(theme.SKY_BLUE, pts[::step], 1)
        for t, dep in d.lor:
            p.circle(theme.YELLOW, at(t, dep), 2)
        for ev in d.critical:
            if "depth_mm" in ev:
                x, y = at(ev["t_s"], ev["depth_mm"])
                p.line(theme.VERMILLION, (x - 5, y - 5), (x + 5, y + 5), 2)
                p.line(theme.VERMILLION, (x - 5, y + 5), (x + 5, y - 5), 2)
        p.text("0", (plot.x - 6, plot.y), theme.SMALL, theme.TEXT_DIM, anchor="topright")
        p.text(
            f"{depth_max:.0f} mm",
            (plot.x - 4, plot.bottom),
            theme.SMALL,
            theme.TEXT_DIM,
            anchor="bottomright",
        )
        p.text(
            clock_text(t_max),
            (plot.right, plot.bottom + 4),
            theme.SMALL,
            theme.TEXT_DIM,
            anchor="topright",
        )
        p.text("yellow: loss of resistance", (plot.x, plot.bottom + 4), theme.SMALL, theme.TEXT_DIM)

    def _draw_pulls(self, p: Painter, d: Debrief) -> None:
        p.panel(PULLS, "Pulls: size (bar height) and cells per mL (colour)")
        plot = PULLS.inflate(-40, -80).move(0, 6)
        if not d.pulls:
            p.text("No pulls taken.", plot.center, theme.BODY, theme.TEXT_DIM, anchor="center")
            return
        n = len(d.pulls)
        w = plot.width / n
        max_ml = max(10.0, max(pl["ml"] for pl in d.pulls))
        for i, pl in enumerate(d.pulls):
            h = round(plot.height * pl["ml"] / max_ml)
            col = theme.yield_colour(pl.get("tnc_per_ml", 0) / GOOD_TNC_PER_ML)
            if pl.get("dry"):
                col = (90, 90, 90)
            x0 = plot.x + round(i * w)
            p.rect(col, pygame.Rect(x0, plot.bottom - h, max(1, round(w) - (1 if w > 3 else 0)), h))
        y5 = plot.bottom - round(plot.height * 5 / max_ml)
        p.dashed(theme.TEXT, (plot.x, y5), (plot.right, y5), 6)
        p.text("5 mL", (plot.right + 4, y5), theme.SMALL, theme.TEXT_DIM, anchor="midleft")
        small = [pl for pl in d.pulls if pl["ml"] <= 5 and not pl.get("dry")]
        large = [pl for pl in d.pulls if pl["ml"] > 5 and not pl.get("dry")]

        def mean(rows) -> str:
            if not rows:
                return "none"
            ml = sum(r["ml"] for r in rows)
            return f"{sum(r['tnc'] for r in rows) / ml / 1e6:.1f} x10^6/mL"

        p.text(
            f"pulls up to 5 mL: {len(small)}, {mean(small)}    pulls > 5 mL: {len(large)}, "
            f"{mean(large)}",
            (PULLS.x + 12, PULLS.bottom - 26),
            theme.SMALL,
            theme.TEXT,
        )


class ReplayView(View):
    """The attempt played back from its command log, in the needle or dorsal view."""

    name = "replay"

    def __init__(self, app, session: Session) -> None:
        super().__init__(app)
        self.player = ReplayPlayer(session.attempt)
        self.view_session = Session(self.player.attempt, session.trainee, "replay")
        sim = self.player.attempt.sim
        sc = session.attempt.scenario
        self.hud = Hud()
        self.dorsal = DorsalPanel(sim.anatomy, sc.sites.max, True)
        self.needle = NeedlePanel(sim.anatomy, True, sim.motion.length_mm)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type != pygame.KEYDOWN:
            if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
                self.app.pop()
            return event.type == pygame.MOUSEBUTTONDOWN
        if event.key in (pygame.K_ESCAPE, pygame.K_RETURN, pygame.K_p, pygame.K_BACKSPACE):
            self.app.pop()
        elif event.key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS, pygame.K_RIGHT):
            self.player.faster(+1)
        elif event.key in (pygame.K_MINUS, pygame.K_KP_MINUS, pygame.K_LEFT):
            self.player.faster(-1)
        elif event.key == pygame.K_SPACE:
            self.player.paused = not self.player.paused
        return True

    def update(self, dt_s: float) -> None:
        self.player.tick(dt_s)

    def draw(self, p: Painter) -> None:
        s = self.view_session
        self.hud.draw(p, s)
        sim = s.sim
        n = sim.needle
        if n.inserted:
            site = sim.sites[n.site]
            self.needle.draw_section(p, site, n, (n.lateral_deg, n.cranial_deg), (0, 0), 0.0)
        else:
            self.dorsal.draw(p, sim.sites, -1, {})
        pl = self.player
        state = "paused" if pl.paused else ("finished" if pl.done else "playing")
        p.rect((20, 22, 28), pygame.Rect(900, 78, 370, 522), radius=6)
        x, y = 914, 90
        p.text("Replay", (x, y), theme.LARGE, bold=True)
        p.text(f"{state} at {pl.speed:g}x", (x, y + 40), theme.BODY, theme.SKY_BLUE)
        p.text(f"command {pl.index} of {len(pl.source.log)}", (x, y + 72), theme.BODY)
        if n.inserted:
            p.text(f"tip: {n.tissue.label}", (x, y + 104), theme.BODY)
            p.text(f"depth {n.depth_mm:.1f} mm", (x, y + 134), theme.BODY)
        p.paragraph(
            "+/- or Left/Right: speed · Space: pause · Esc: back to the debrief",
            pygame.Rect(x, 540, 340, 60),
            theme.SMALL,
            theme.TEXT_DIM,
        )
        ev = sim.events[-1]["type"].replace("_", " ") if sim.events else ""
        p.text(f"last event: {ev}", (14, 612), theme.BODY, theme.TEXT)


__all__ = ["DORSAL_AREA", "DebriefView", "ReplayView"]
