"""Debrief: score and feedback per criterion, a yield map, a depth trace, pulls, and replay.

Up/Down (or a click) chooses a criterion and opens its full feedback in place; the others keep
one line.  When the attempt was stored, the stored result is shown (in an assessment: pass or
not against the instructor's standard, locked).  Practice and tutorial offer a retry (R).
Opened from the instructor view, Esc or Enter goes back there.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame

from sim.i18n import N_, _, ngettext
from sim.i18n.words import critical_name, event_name
from sim.trainer.core_words import say
from sim.trainer.debrief import Debrief, ReplayPlayer, analyse, shown_score
from sim.trainer.modes import Mode
from sim.trainer.session import Session
from sim.trainer.station import shown_trainee
from sim.ui import theme
from sim.ui.attempts import begin_attempt
from sim.ui.camera import MmCamera
from sim.ui.hud import Hud, clock_text
from sim.ui.layout import procedure_layout
from sim.ui.render import Button, Painter
from sim.ui.screens.base import View
from sim.ui.screens.dorsal import DorsalPanel
from sim.ui.screens.needle import NeedlePanel

#: The session mode a replay shows in the top bar (translated there like the others).
REPLAY_MODE = N_("replay")
GOOD_TNC_PER_ML = 25e6  # top of the yield colour ramp (cells/mL)
TOP = 84  # the panels' top; the score panel ends at SCORE_BOTTOM, the charts at CHARTS_BOTTOM
SCORE_BOTTOM = 640
CHARTS_BOTTOM = 636
BUTTON_Y = 650
#: The buttons' widths in proportion (Replay, Retry, Quit, Launcher).
BUTTON_WEIGHTS = (140, 140, 110, 200)


def score_width(canvas_w: int) -> int:
    """The score panel's width (left column); the charts take the rest."""
    least = 600 if canvas_w >= 1180 else 560  # the charts need about 500 too
    return max(least, min(780, round((canvas_w - 60) * 0.47)))


NAME_H = 24
LINE_H = 19
GAP = 4


def criterion_feedback(cr: dict, words: dict[str, str] | None = None) -> str:
    """A criterion's feedback as shown: the score's English in the current language
    (``words``: the scenario's own texts, ``Scenario.words()``)."""
    return say(" ".join(str(cr.get("feedback", "")).split()), words)


#: the rubric's criteria and the critical errors, by id with spaces, shown as ``_(name)``
CRITERION_NAMES = (
    N_("site selection"),
    N_("trajectory"),
    N_("depth control"),
    N_("aspiration technique"),
    N_("yield"),
    N_("safety limits"),
    N_("timing"),
    N_("procedure steps"),
    # the harvest's critical errors (sim/vocabulary/events.py)
    N_("inner table breach"),
    N_("si joint entry"),
    N_("sciatic notch zone"),
    N_("danger zone aspiration"),
    N_("donor volume limit exceeded"),
    N_("missed required response"),
)
#: stored statuses
STATUS_WORDS = (N_("complete"), N_("locked"))


class DebriefView(View):
    name = "debrief"

    def __init__(
        self,
        app,
        session: Session,
        mode: Mode | None = None,
        *,
        stored: dict | None = None,
        back: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(app)
        self.session = session
        self.words = session.attempt.scenario.words()  # the scenario's texts, translated
        self.mode = mode
        self.back = back
        rec = session.recording
        self.stored = stored if stored is not None else (rec.stored if rec else None)
        self.data: Debrief = analyse(session.attempt)
        self.score, self.score_note = self._shown_score()
        self.criteria: list[dict] = list((self.score or {}).get("criteria", []))
        self.selected = self._first_to_read()
        self.rows: list[pygame.Rect] = []
        self.replay_btn = Button(label=_("Replay"), key_hint="P")
        self.retry_btn = Button(label=_("Retry"), key_hint="R")
        self.quit_btn = Button(label=_("Quit"), key_hint="^Q")
        label = _("Back") if back else _("Launcher")
        self.new_btn = Button(label=label, key_hint="Enter")
        self.new_btn.focused = True  # Enter presses it
        self.retry_btn.enabled = back is None and bool(mode and mode.retry)
        self.hover = (0, 0)
        #: The charts (map, depth trace, pulls) drawn once per pixel size (Painter.cached).
        self._charts: dict = {}

    def layout(self, size: tuple[int, int]) -> None:
        w, _h = size
        sw = score_width(w)
        self.score_box = pygame.Rect(20, TOP, sw, SCORE_BOTTOM - TOP)
        rx = 20 + sw + 20
        rw = w - 20 - rx
        mw = (rw - 16) // 2
        self.map_rect = pygame.Rect(rx, TOP, mw, 300)
        self.trace_rect = pygame.Rect(rx + mw + 16, TOP, rw - mw - 16, 300)
        self.pulls_rect = pygame.Rect(rx, TOP + 316, rw, CHARTS_BOTTOM - TOP - 316)
        shown = [
            (b, weight)
            for b, weight in zip(
                (self.replay_btn, self.retry_btn, self.quit_btn, self.new_btn),
                BUTTON_WEIGHTS,
                strict=True,
            )
            if b.enabled  # no Retry (assessment, or from the instructor view): no gap for it
        ]
        k = (rw - 10 * (len(shown) - 1)) / sum(weight for _b, weight in shown)
        x = rx
        for b, weight in shown:
            bw = round(weight * k) if b is not self.new_btn else rx + rw - x
            b.rect = pygame.Rect(x, BUTTON_Y, bw, 46)
            x += bw + 10

    @property
    def unfinished(self) -> bool:
        return self.stored is not None and self.stored.get("status") == "incomplete"

    def _shown_score(self) -> tuple[dict | None, str]:
        """The score to show and, without one, why (``sim.trainer.debrief.shown_score``)."""
        return shown_score(self.data.score, self.data.score_error, self.stored)

    def _first_to_read(self) -> int | None:
        """The first criterion that lost points (else the first), opened to start with."""
        for i, cr in enumerate(self.criteria):
            if float(cr.get("score", 0)) < float(cr.get("max", 0)):
                return i
        return 0 if self.criteria else None

    def select(self, step: int) -> None:
        if not self.criteria:
            return
        i = -1 if self.selected is None else self.selected
        self.selected = (i + step) % len(self.criteria)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_p:
                self.start_replay()
            elif event.key in (pygame.K_UP, pygame.K_DOWN):
                self.select(-1 if event.key == pygame.K_UP else 1)
            elif event.key == pygame.K_r and self.retry_btn.enabled:
                self.retry()
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.new_attempt()
            elif event.key == pygame.K_ESCAPE:
                if self.back is not None:
                    self.back()
                    return True
                self.app.open("pause")
            return True
        if event.type == pygame.MOUSEMOTION:
            self.hover = event.pos
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self.replay_btn.hit(event.pos):
                self.start_replay()
            elif self.retry_btn.hit(event.pos):
                self.retry()
            elif self.new_btn.hit(event.pos):
                self.new_attempt()
            elif self.quit_btn.hit(event.pos):
                self.app.request_quit()
            else:
                for i, r in enumerate(self.rows):
                    if r.collidepoint(event.pos):
                        self.selected = i
            return True
        return False

    def start_replay(self) -> None:
        self.app.open("replay", session=self.session)

    def retry(self) -> None:
        """A new attempt of the same scenario, same trainee and mode."""
        begin_attempt(self.app, self.session.attempt.scenario, self.session.trainee, self.mode)

    def new_attempt(self) -> None:
        if self.back is not None:
            self.back()
            return
        self.app.restart("launcher")

    # ---------------------------------------------------------------- draw
    def draw(self, p: Painter) -> None:
        d = self.data
        sc = self.session.attempt.scenario
        with p.area(pygame.Rect(10, 8, p.width - 20, TOP - 12), "header"):
            r = p.text(_("Debrief"), (20, 14), theme.SMALL, theme.TEXT_DIM, bold=True)
            st = self.stored
            if st is not None:
                status = st.get("status", "")
                status = _("unfinished") if status == "incomplete" else _(status) if status else ""
                mode = _(st["mode"]) if st.get("mode") else ""
                p.text(
                    f"{shown_trainee(st.get('trainee_id', ''))}  ·  {mode}  ·  "
                    f"{str(st.get('started', ''))[:16].replace('T', ' ')} UTC  ·  {status}",
                    (r.right + 20, 14),
                    theme.SMALL,
                    theme.SKY_BLUE,
                    max_width=p.width - 30 - (r.right + 20),
                    may_shorten=True,
                )
            lab = " (" + _("skills-lab length") + ")" if sc.length == "skills_lab" else ""
            heading = sc.text("title") + lab
            title = p.text(heading, (20, 36), theme.LARGE, bold=True, max_width=p.width - 40)
            # What was collected: beside the title when it fits, else under the score panel.
            summary = self._summary_text(d)
            in_header = title.right + 30 + p.fonts.size(summary, theme.SMALL)[0] <= p.width - 20
            if in_header:
                p.text(summary, (p.width - 20, title.bottom - 3), theme.SMALL, anchor="bottomright")
        line_h = p.fonts.line_height(theme.SMALL) + 3
        below = (0 if in_header else 2) + (2 if d.messages else 0)
        bottom = p.height - 4 - (below * line_h + 8 if below else 0)
        self.score_box.height = bottom - self.score_box.y
        self._draw_score(p, d)
        self._draw_map(p, d)
        self._draw_trace(p, d)
        self._draw_pulls(p, d)
        self._draw_summary(p, d, "" if in_header else summary)
        for b in (self.replay_btn, self.retry_btn, self.quit_btn, self.new_btn):
            if b is self.retry_btn and not b.enabled:
                continue
            b.draw(p, hover=b.rect.collidepoint(self.hover))

    def _verdict(self, s: dict) -> tuple[bool, str, str]:
        """(passed, the verdict, the standard line): the stored result when there is one."""
        st = self.stored
        if st is not None and st.get("passed") is not None:
            passed = bool(st["passed"])
            locked = st.get("status") == "locked"
            where = _("assessment standard") if st.get("assessment_id") else _("passing score")
            extra = "  ·  " + (_("stored and locked") if locked else _("stored"))
            return (
                passed,
                _("PASS") if passed else _("NOT YET PASSED"),
                (f"{where} {st.get('minimum_passing') or 0:g}%{extra}"),
            )
        passed = bool(s.get("passed"))
        return (
            passed,
            _("PASS") if passed else _("NOT YET PASSED"),
            _("minimum passing score {score:g}").format(score=s.get("minimum_passing", 0)),
        )

    def _criterion_layout(self, p: Painter, width: int, room: int) -> list[list[str]]:
        """Feedback lines per criterion: all of the chosen one's, one line of the others."""
        full = [
            p.fonts.wrap(criterion_feedback(cr, self.words), theme.SMALL, width)
            for cr in self.criteria
        ]
        full = [[ln for ln in lines if ln] for lines in full]

        def cut(lines: list[str], n: int) -> list[str]:
            if len(lines) <= n:
                return lines
            out = lines[:n]
            if n:
                out[-1] = out[-1].rstrip(" .,;") + " ..."
            return out

        for others in (1, 0):
            shown = [
                lines if i == self.selected else cut(lines, others) for i, lines in enumerate(full)
            ]
            need = sum(NAME_H + GAP + LINE_H * len(ls) for ls in shown)
            if need <= room:
                return shown
        spare = room - len(full) * (NAME_H + GAP)
        if self.selected is not None:
            shown[self.selected] = cut(full[self.selected], max(1, spare // LINE_H))
        return shown

    def _draw_score(self, p: Painter, d: Debrief) -> None:
        box = self.score_box
        with p.panel(box, name="score"):
            self._draw_score_in(p, d, box)

    def _draw_score_in(self, p: Painter, d: Debrief, box: pygame.Rect) -> None:
        x, y = box.x + 16, box.y + 12
        m = d.metrics
        target = self.session.attempt.scenario.target_volume_ml
        if self.score is not None:
            s = self.score
            passed, verdict, standard = self._verdict(s)
            r = p.text(
                f"{s.get('total', 0):.0f} / {s.get('max', 100):g}", (x, y), theme.TITLE, bold=True
            )
            vx = max(x + 190, r.right + 24)
            p.text(
                verdict,
                (vx, y + 6),
                theme.LARGE,
                theme.GOOD if passed else theme.VERMILLION,
                bold=True,
            )
            p.text(standard, (x, y + 44), theme.SMALL, theme.TEXT_DIM, max_width=box.width - 32)
            y += 70
            for crit in s.get("critical_errors", []):
                label = crit if isinstance(crit, str) else crit.get("id", str(crit))
                y = p.paragraph(
                    _("Critical error: {error}").format(error=critical_name(label)),
                    pygame.Rect(x, y, box.width - 32, box.height),
                    theme.BODY,
                    theme.VERMILLION,
                    bold=True,
                )
                y += 4
            for reason in s.get("failed_conditions", []):  # e.g. the cell dose missed
                y = p.paragraph(  # as many lines as it takes: the reason is read in full
                    say(str(reason), self.words),
                    pygame.Rect(x, y, box.width - 32, box.height),
                    theme.SMALL,
                    theme.VERMILLION,
                )
                y += 4
            p.text(
                _("Up/Down or click: read a criterion in full"),
                (box.right - 16, box.bottom - 24),
                theme.SMALL,
                theme.TEXT_DIM,
                anchor="topright",
            )
            room = box.bottom - 30 - y
            shown = self._criterion_layout(p, box.width - 52, room)
            self.rows = []
            for i, cr in enumerate(self.criteria):
                lines = shown[i]
                r = pygame.Rect(box.x + 6, y - 3, box.width - 12, NAME_H + LINE_H * len(lines) + 4)
                self.rows.append(r)
                if i == self.selected:
                    p.rect((30, 56, 86), r, radius=4)
                    p.rect(theme.FOCUS, r, 2, radius=4)
                name = _(str(cr.get("id", "")).replace("_", " "))
                got, best = float(cr.get("score", 0)), float(cr.get("max", 0))
                colour = theme.GOOD if best and got >= 0.8 * best else theme.ORANGE
                pts = p.text(
                    f"{got:.1f} / {best:g}",
                    (box.right - 16, y),
                    theme.BODY,
                    colour,
                    anchor="topright",
                )
                p.text(
                    ("v " if i == self.selected else "> ") + name,
                    (x, y),
                    theme.BODY,
                    bold=True,
                    max_width=pts.x - 12 - x,
                )
                y += NAME_H
                text_colour = theme.TEXT if i == self.selected else theme.TEXT_DIM
                # the chosen criterion is promised in full: cutting it is a layout fault
                said = criterion_feedback(cr, self.words)
                whole = p.fonts.wrap(said, theme.SMALL, box.width - 52)
                cut = i == self.selected and len(lines) < len([ln for ln in whole if ln])
                for j, line in enumerate(lines):
                    last = j == len(lines) - 1
                    p.text(line, (x + 16, y), theme.SMALL, text_colour, shortened=cut and last)
                    y += LINE_H
                y += GAP
            return
        heading = _("Unfinished, not scored") if self.unfinished else _("Results")
        p.text(
            heading, (x, y), theme.LARGE, theme.ORANGE if self.unfinished else theme.TEXT, bold=True
        )
        y += 36
        y = p.paragraph(
            self.score_note + _("; the measured results are shown instead."),
            pygame.Rect(x, y, box.width - 32, 100),
            theme.SMALL,
            theme.ORANGE,
        )
        y += 10
        rows = [
            (
                _("Collected"),
                _("{ml:.0f} mL of {target:.0f} mL").format(ml=m["collected_ml"], target=target),
            ),
            (
                _("Cell dose"),
                _("{dose:.2f} x10^8 TNC/kg recipient").format(dose=m["tnc_per_kg_recipient"] / 1e8),
            ),
            (_("Quality"), _("{q:.1f} x10^6 TNC/mL").format(q=m["tnc_per_ml"] / 1e6)),
            (_("Skin sites"), str(m["skin_sites"])),
            (_("Bone entries"), str(m["bone_penetrations"])),
            (
                _("Pulls"),
                _("{n} (largest {ml:g} mL)").format(n=m["aspirations"], ml=m["max_pull_ml"]),
            ),
            (_("Time"), clock_text(m["procedure_s"])),
        ]
        for k, v in rows:
            p.text(k, (x, y), theme.BODY, theme.TEXT_DIM)
            p.text(v, (x + 170, y), theme.BODY, max_width=box.right - 16 - (x + 170))
            y += 30
        crit = m.get("critical_errors", [])
        if crit:
            p.text(
                _("Critical: ") + ", ".join(critical_name(c) for c in crit),
                (x, y),
                theme.BODY,
                theme.VERMILLION,
                bold=True,
            )
            y += 28
        for msg in d.messages[-3:]:
            y = p.paragraph(
                _("Event: ") + msg,
                pygame.Rect(x, y, box.width - 32, box.bottom - 10 - y),
                theme.SMALL,
                theme.ORANGE,
                line_gap=3,
            )
            y += 6

    def _summary_text(self, d: Debrief) -> str:
        m = d.metrics
        target = self.session.attempt.scenario.target_volume_ml
        return (
            _("Collected {ml:.0f} of {target:.0f} mL").format(ml=m["collected_ml"], target=target)
            + "  ·  "
            + _("{dose:.2f} x10^8 TNC/kg").format(dose=m["tnc_per_kg_recipient"] / 1e8)
            + "  ·  "
            + ngettext("{n} bone entry", "{n} bone entries", m["bone_penetrations"]).format(
                n=m["bone_penetrations"]
            )
            + f"  ·  {clock_text(m['procedure_s'])}"
        )

    def _draw_summary(self, p: Painter, d: Debrief, summary: str) -> None:
        """Under the score: the summary (when the header has no room for it) and the
        scenario's events."""
        box = self.score_box
        area = pygame.Rect(box.x, box.bottom + 4, box.width, p.height - box.bottom - 6)
        if area.height < 8:
            return
        with p.area(area, "summary"):
            y = area.y + 4
            if summary:
                y = p.paragraph(
                    summary, pygame.Rect(area.x, y, area.width, 40), theme.SMALL, line_gap=3
                )
            if d.messages and area.bottom - y >= p.fonts.line_height(theme.SMALL):
                p.paragraph(  # the replay (P) shows each event as it happened
                    _("Scenario events: ") + "; ".join(d.messages[-2:]),
                    pygame.Rect(area.x, y, area.width, area.bottom - y),
                    theme.SMALL,
                    theme.ORANGE,
                    line_gap=3,
                    may_shorten=True,
                )

    def _draw_map(self, p: Painter, d: Debrief) -> None:
        box = self.map_rect
        # the chart is drawn once per pixel size, then blitted (Painter.cached)
        with (
            p.panel(box, _("Sites and entries by yield")),
            p.cached(self._charts, "map", box) as cp,
        ):
            if cp is not None:
                self._draw_map_in(cp, d, box)

    def _draw_map_in(self, p: Painter, d: Debrief, box: pygame.Rect) -> None:
        anatomy = self.session.sim.anatomy
        m = anatomy.dorsal_map()
        ppm = min(0.68 * box.width / 300, 0.68 * box.height / 300)
        cam = MmCamera((box.centerx, box.centery + 10), ppm, flip_y=True)
        clip = p.get_clip()
        p.set_clip(box.inflate(-4, -4))
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
        p.set_clip(clip)
        # Legend: the colour ramp.
        lx, ly = box.x + 12, box.bottom - 26
        for i in range(100):
            p.line(theme.yield_colour(i / 99), (lx + i, ly), (lx + i, ly + 10))
        p.text(_("TNC/mL: low"), (lx, ly - 20), theme.SMALL, theme.TEXT_DIM)
        p.text(f"{GOOD_TNC_PER_ML / 1e6:.0f}x10^6", (lx + 108, ly - 4), theme.SMALL, theme.TEXT_DIM)

    def _draw_trace(self, p: Painter, d: Debrief) -> None:
        box = self.trace_rect
        # the chart is drawn once per pixel size, then blitted (Painter.cached)
        with p.panel(box, _("Needle depth over time")), p.cached(self._charts, "trace", box) as cp:
            if cp is not None:
                self._draw_trace_in(cp, d, box)

    def _draw_trace_in(self, p: Painter, d: Debrief, box: pygame.Rect) -> None:
        left = p.fonts.size("000 mm", theme.SMALL)[0] + 18
        p.text(
            _("yellow: loss of resistance"),
            (box.x + 12, box.y + 28),
            theme.SMALL,
            theme.TEXT_DIM,
            max_width=box.width - 24,
        )
        plot = pygame.Rect(box.x + left, box.y + 54, box.width - left - 14, box.height - 54 - 28)
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
        p.text("0:00", (plot.x, plot.bottom + 4), theme.SMALL, theme.TEXT_DIM)

    def _draw_pulls(self, p: Painter, d: Debrief) -> None:
        box = self.pulls_rect
        # the chart is drawn once per pixel size, then blitted (Painter.cached)
        with (
            p.panel(box, _("Pulls: size (bar height) and cells per mL (colour)")),
            p.cached(self._charts, "pulls", box) as cp,
        ):
            if cp is not None:
                self._draw_pulls_in(cp, d, box)

    def _draw_pulls_in(self, p: Painter, d: Debrief, box: pygame.Rect) -> None:
        small = [pl for pl in d.pulls if pl["ml"] <= 5 and not pl.get("dry")]
        large = [pl for pl in d.pulls if pl["ml"] > 5 and not pl.get("dry")]

        def mean(rows) -> str:
            if not rows:
                return _("none")
            ml = sum(r["ml"] for r in rows)
            return f"{sum(r['tnc'] for r in rows) / ml / 1e6:.1f} x10^6/mL"

        # The two means under the chart: side by side, or one above the other when narrow.
        parts = [
            _("pulls up to 5 mL: {n}, {mean}").format(n=len(small), mean=mean(small)),
            _("pulls > 5 mL: {n}, {mean}").format(n=len(large), mean=mean(large)),
        ]
        widths = [p.fonts.size(t, theme.SMALL)[0] for t in parts]
        line_h = p.fonts.line_height(theme.SMALL) + 4
        stacked = sum(widths) + 30 > box.width - 24
        foot = line_h * (2 if stacked else 1) + 10
        right = p.fonts.size("5 mL", theme.SMALL)[0] + 20  # the 5 mL line's label
        plot = pygame.Rect(box.x + 12, box.y + 36, box.width - 12 - right, box.height - 36 - foot)
        if not d.pulls:
            p.text(_("No pulls taken."), plot.center, theme.BODY, theme.TEXT_DIM, anchor="center")
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
        x, y = box.x + 12, plot.bottom + 8
        r = p.text(parts[0], (x, y), theme.SMALL, theme.TEXT)
        if stacked:
            p.text(parts[1], (x, y + line_h), theme.SMALL, theme.TEXT)
        else:
            p.text(parts[1], (r.right + 30, y), theme.SMALL, theme.TEXT)


def _clock(t_s: float) -> str:
    m, s = divmod(int(t_s), 60)
    return f"{m}:{s:02d}"


class ReplayView(View):
    """The attempt played back from its command log, in the needle or dorsal view."""

    name = "replay"

    #: PageUp / PageDown move the replay this far along the timeline.
    JUMP_S = 60.0
    #: Faster than this, a playing replay shows the back (sites, tip and depth in the side
    #: panel) rather than the cross-section: painting a section for a new site or aim takes
    #: 35-90 ms at 1920x1080, and at 64x or 256x the aim changes every few frames.  Paused,
    #: finished or at this speed or slower, the section is shown.
    SECTION_MAX_SPEED = 16.0

    def __init__(self, app, session: Session) -> None:
        super().__init__(app)
        self.player = ReplayPlayer(session.attempt)
        self.trainee = session.trainee
        self._session: Session | None = None
        sim = self.player.attempt.sim
        sc = session.attempt.scenario
        self.hud = Hud()
        self.dorsal = DorsalPanel(sim.anatomy, sc.sites.max, True)
        self.needle = NeedlePanel(sim.anatomy, True, sim.motion.length_mm)
        self.timeline = pygame.Rect(0, 0, 0, 0)
        self.scrubbing = False
        self.gives = [  # the losses of resistance, marked on the timeline
            ev["t_s"] for ev in session.attempt.sim.events if ev["type"] == "loss_of_resistance"
        ]

    @property
    def view_session(self) -> Session:
        """A session over the replayed attempt (a new one after a seek backwards)."""
        if self._session is None or self._session.attempt is not self.player.attempt:
            self._session = Session(self.player.attempt, self.trainee, REPLAY_MODE)
        return self._session

    def _scrub_to(self, x: float) -> None:
        tl = self.timeline
        f = min(1.0, max(0.0, (x - tl.x) / max(1, tl.width)))
        self.player.seek(f * self.player.duration_s)

    def handle_event(self, event: pygame.event.Event) -> bool:
        pl = self.player
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self.timeline.inflate(0, 16).collidepoint(event.pos):  # the instructor scrubs
                self.scrubbing = True
                self._scrub_to(event.pos[0])
            else:
                self.app.pop()
            return True
        if event.type == pygame.MOUSEMOTION and self.scrubbing:
            self._scrub_to(event.pos[0])
            return True
        if event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            self.scrubbing = False
            return True
        if event.type != pygame.KEYDOWN:
            return False
        if event.key in (pygame.K_ESCAPE, pygame.K_RETURN, pygame.K_p, pygame.K_BACKSPACE):
            self.app.pop()
        elif event.key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS, pygame.K_RIGHT):
            pl.faster(+1)
        elif event.key in (pygame.K_MINUS, pygame.K_KP_MINUS, pygame.K_LEFT):
            pl.faster(-1)
        elif event.key == pygame.K_SPACE:
            pl.paused = not pl.paused
        elif event.key == pygame.K_HOME:
            pl.seek(0.0)
        elif event.key == pygame.K_END:
            pl.seek(pl.duration_s)
        elif event.key in (pygame.K_PAGEUP, pygame.K_PAGEDOWN):
            pl.seek(pl.clock_s + (self.JUMP_S if event.key == pygame.K_PAGEDOWN else -self.JUMP_S))
        return True

    def update(self, dt_s: float) -> None:
        self.player.tick(dt_s)

    def layout(self, size: tuple[int, int]) -> None:
        self.lay = procedure_layout(size)
        self.dorsal.set_area(self.lay.area)
        self.needle.set_rects(self.lay.area, self.lay.side)

    def animating(self) -> bool:
        return self.scrubbing or not (self.player.paused or self.player.done)

    def redraw_key(self) -> object:
        return (self.player.done, self.player.index, round(self.player.clock_s, 3))

    def draw(self, p: Painter) -> None:
        s = self.view_session
        lay = self.lay
        self.hud.draw(p, s, lay.hud)
        sim = s.sim
        n = self.player.display_needle()  # moving through the command, not jumping to its end
        pl = self.player
        fast = pl.speed > self.SECTION_MAX_SPEED and not (pl.paused or pl.done)
        with p.area(lay.area, "section" if n.inserted and not fast else "back"):
            if n.inserted and not fast:
                site = sim.sites[n.site]
                self.needle.draw_section(p, site, n, (n.lateral_deg, n.cranial_deg), (0, 0), 0.0)
            else:
                self.dorsal.draw(p, sim.sites, -1, {})
        state = _("paused") if pl.paused else (_("finished") if pl.done else _("playing"))
        side = lay.side
        p.rect((20, 22, 28), side, radius=6)
        with p.area(side, "replay"):
            x, y = side.x + 14, side.y + 12
            width = side.width - 28
            p.text(_("Replay"), (x, y), theme.LARGE, bold=True)
            p.text(
                _("{state} at {speed:g}x").format(state=state, speed=pl.speed),
                (x, y + 40),
                theme.BODY,
                theme.SKY_BLUE,
            )
            p.text(
                _("command {n} of {total}").format(n=pl.index, total=len(pl.source.log)),
                (x, y + 72),
                theme.BODY,
            )
            if n.inserted:
                tip = _("tip: {tissue}").format(tissue=_(n.tissue.label))
                p.text(tip, (x, y + 104), theme.BODY, max_width=width)
                depth = _("depth {mm:.1f} mm").format(mm=n.depth_mm)
                if fast:
                    depth += "  ·  " + _("section at {speed:g}x or paused").format(
                        speed=self.SECTION_MAX_SPEED
                    )
                p.text(depth, (x, y + 134), theme.BODY, max_width=width, may_shorten=True)
            self._draw_timeline(p, pygame.Rect(x, y + 176, width, 56))
            keys = _(
                "+/- or Left/Right: speed · Space: pause · click or drag the timeline, "
                "PgUp/PgDn, Home/End: move in time · Esc: back to the debrief"
            )
            h = p.paragraph_height(keys, width, theme.SMALL)
            p.paragraph(
                keys, pygame.Rect(x, side.bottom - 12 - h, width, h), theme.SMALL, theme.TEXT_DIM
            )
        ev = event_name(sim.events[-1]["type"]) if sim.events else ""
        with p.area(lay.status, "status"):
            p.text(
                _("last event: {event}").format(event=ev),
                (lay.status.x + 4, lay.status.bottom - 4),
                theme.BODY,
                theme.TEXT,
                anchor="bottomleft",
            )

    def _draw_timeline(self, p: Painter, box: pygame.Rect) -> None:
        """The whole attempt as a bar: where the replay is, and each give as a tick."""
        pl = self.player
        total = max(pl.duration_s, 1e-6)
        bar = pygame.Rect(box.x, box.y + 22, box.width, 12)
        self.timeline = bar
        shown = _("{at} of {total}").format(at=_clock(pl.clock_s), total=_clock(total))
        p.text(shown, (box.x, box.y), theme.SMALL, theme.TEXT)
        p.rect((44, 48, 58), bar, radius=4)
        done = pygame.Rect(bar.x, bar.y, round(bar.width * min(1.0, pl.clock_s / total)), 12)
        p.rect(theme.SKY_BLUE, done, radius=4)
        for t_s in self.gives:
            gx = bar.x + bar.width * t_s / total
            p.line(theme.YELLOW, (gx, bar.y - 3), (gx, bar.y + 2), 1)
        mx = bar.x + bar.width * min(1.0, pl.clock_s / total)
        p.rect(theme.TEXT, pygame.Rect(round(mx) - 3, bar.y - 4, 6, 20), radius=2)
