"""The nursing debrief: the nursing rubric's criteria with their feedback, and the care as it
happened, for a nursing scenario (no needle trajectory, depth, yield or collected volume).

Up/Down (or a click) opens a criterion's feedback in full; the others keep one line.  The
stored result is shown when the attempt was stored (in an assessment: pass or not against the
instructor's standard, locked).  Practice offers a retry (R); Enter goes to the launcher (or
back to the instructor's view when opened from there).
"""

from __future__ import annotations

from collections.abc import Callable

import pygame

from sim.i18n import N_, _
from sim.i18n.words import critical_name
from sim.trainer.care_log import care_log, clock_text
from sim.trainer.core_words import say
from sim.trainer.debrief import score, shown_score
from sim.trainer.modes import Mode
from sim.trainer.session import Session
from sim.trainer.station import shown_trainee
from sim.ui import theme
from sim.ui.attempts import begin_attempt
from sim.ui.render import Button, Painter
from sim.ui.screens.base import View

TOP = 84
BUTTON_H = 46
NAME_H = 26
LINE_H = 20
GAP = 6
#: Criteria of the harvest rubric: never shown for nursing care, even if a score carries them.
HARVEST_CRITERIA = frozenset(
    ("site_selection", "trajectory", "depth_control", "aspiration_technique", "yield")
)


def nursing_criteria(result: dict | None) -> list[dict]:
    """The criteria a nursing debrief shows: the scored ones that are not the harvest's."""
    out = []
    for cr in (result or {}).get("criteria", []):
        if str(cr.get("id")) in HARVEST_CRITERIA or float(cr.get("max", 0) or 0) <= 0:
            continue
        out.append(cr)
    return out


#: The nursing rubric's criteria by name (docs/scoring.md).
CRITERION_NAMES = {
    "assessment": N_("Assessment"),
    "safety_responses": N_("Safety responses"),
    "haemostasis_site_care": N_("Haemostasis and site care"),
    "teaching": N_("Teaching"),
    "escalation": N_("Escalation"),
    "timeliness": N_("Timeliness"),
}


def _feedback(cr: dict, words: dict[str, str] | None = None) -> str:
    return say(" ".join(str(cr.get("feedback", "")).split()), words)


class NursingDebriefView(View):
    name = "nursing_debrief"

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
        self.mode = mode
        self.back = back
        rec = session.recording
        self.stored = stored if stored is not None else (rec.stored if rec else None)
        live, err = score(session.attempt)
        self.score, self.score_note = shown_score(live, err, self.stored)
        self.criteria = nursing_criteria(self.score)
        self.selected: int | None = next(
            (i for i, cr in enumerate(self.criteria) if cr.get("score", 0) < cr.get("max", 0)),
            0 if self.criteria else None,
        )
        self.words = session.attempt.scenario.words()  # a variant's why, in this language
        self.log = care_log(session.sim.events, self.words)
        self.rows: list[pygame.Rect] = []
        self.retry_btn = Button(label=N_("Retry"), key_hint="R")
        self.quit_btn = Button(label=N_("Quit"), key_hint="^Q")
        self.new_btn = Button(label=N_("Back") if back else N_("Launcher"), key_hint="Enter")
        self.new_btn.focused = True
        self.retry_btn.enabled = back is None and bool(mode and mode.retry)
        self.hover = (0, 0)

    def layout(self, size: tuple[int, int]) -> None:
        w, h = size
        sw = max(600, min(760, round((w - 60) * 0.56)))
        self.score_box = pygame.Rect(20, TOP, sw, h - 10 - TOP)
        rx = 20 + sw + 20
        self.log_box = pygame.Rect(rx, TOP, w - 20 - rx, h - TOP - 20 - BUTTON_H - 10)
        shown = [b for b in (self.retry_btn, self.quit_btn, self.new_btn) if b.enabled]
        bw = (self.log_box.width - 10 * (len(shown) - 1)) / len(shown)
        for i, b in enumerate(shown):
            x = round(rx + i * (bw + 10))
            b.rect = pygame.Rect(x, h - 10 - BUTTON_H, round(bw), BUTTON_H)

    # ---------------------------------------------------------------- input
    def select(self, step: int) -> None:
        if self.criteria:
            i = -1 if self.selected is None else self.selected
            self.selected = (i + step) % len(self.criteria)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_UP, pygame.K_DOWN):
                self.select(-1 if event.key == pygame.K_UP else 1)
            elif event.key == pygame.K_r and self.retry_btn.enabled:
                self.retry()
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.leave()
            elif event.key == pygame.K_ESCAPE:
                if self.back is not None:
                    self.back()
                else:
                    self.app.open("pause")
            return True
        if event.type == pygame.MOUSEMOTION:
            self.hover = event.pos
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self.retry_btn.hit(event.pos):
                self.retry()
            elif self.new_btn.hit(event.pos):
                self.leave()
            elif self.quit_btn.hit(event.pos):
                self.app.request_quit()
            else:
                for i, r in enumerate(self.rows):
                    if r.collidepoint(event.pos):
                        self.selected = i
            return True
        return False

    def retry(self) -> None:
        begin_attempt(self.app, self.session.attempt.scenario, self.session.trainee, self.mode)

    def leave(self) -> None:
        if self.back is not None:
            self.back()
        else:
            self.app.restart("launcher")

    # ---------------------------------------------------------------- draw
    def draw(self, p: Painter) -> None:
        sc = self.session.attempt.scenario
        with p.area(pygame.Rect(10, 8, p.width - 20, TOP - 12), "header"):
            r = p.text(_("Nursing debrief"), (20, 14), theme.SMALL, theme.SKY_BLUE, bold=True)
            st = self.stored
            if st is not None:
                status = str(st.get("status", ""))
                status = _("unfinished") if status == "incomplete" else _(status) if status else ""
                who = shown_trainee(st.get("trainee_id", ""))
                p.text(
                    f"{who}  ·  {_(str(st.get('mode') or '-'))}  ·  {status}",
                    (r.right + 20, 14),
                    theme.SMALL,
                    theme.TEXT_DIM,
                    max_width=p.width - 30 - (r.right + 20),
                    may_shorten=True,
                )
            p.text(sc.text("title"), (20, 36), theme.LARGE, bold=True, max_width=p.width - 40,
                   may_shorten=True)  # fmt: skip
        with p.panel(self.score_box, name="score"):
            self._draw_score(p, self.score_box)
        with p.panel(self.log_box, name="care as it happened"):
            self._draw_log(p, self.log_box)
        for b in (self.retry_btn, self.quit_btn, self.new_btn):
            if b.enabled:
                b.draw(p, hover=b.rect.collidepoint(self.hover))

    def _draw_score(self, p: Painter, box: pygame.Rect) -> None:
        x, y = box.x + 16, box.y + 12
        width = box.width - 32
        s = self.score
        if s is None:
            p.text(_("Not scored"), (x, y), theme.LARGE, theme.ORANGE, bold=True)
            p.paragraph(self.score_note + ".", pygame.Rect(x, y + 40, width, 80), theme.SMALL,
                        theme.ORANGE)  # fmt: skip
            self.rows = []
            return
        passed = bool(s.get("passed"))
        r = p.text(f"{s.get('total', 0):.0f} / {s.get('max', 100):g}", (x, y), theme.TITLE,
                   bold=True)  # fmt: skip
        p.text(
            _("PASS") if passed else _("NOT YET PASSED"),
            (max(x + 190, r.right + 24), y + 6),
            theme.LARGE,
            theme.GOOD if passed else theme.VERMILLION,
            bold=True,
        )
        st = self.stored
        standard = _("minimum passing score {score:g}").format(score=s.get("minimum_passing", 0))
        if st is not None and st.get("assessment_id"):
            standard = _("assessment standard") + f" {st.get('minimum_passing') or 0:g}%"
        if st is not None and st.get("status") == "locked":
            standard += "  ·  " + _("stored and locked")
        p.text(standard, (x, y + 46), theme.SMALL, theme.TEXT_DIM)
        y += 74
        # The critical errors in the core's words; where they would crowd out the criteria,
        # by name only (the care on the right says each in full, in red).
        crit_fb = list(s.get("critical_feedback") or [])
        crits = [
            c if isinstance(c, str) else c.get("id", str(c)) for c in s.get("critical_errors", [])
        ]
        named = [
            _("Critical error: {error}").format(error=critical_name(str(c))) + "."
            for c in crits
        ]
        full_text = [
            _("Critical error: {error}").format(error=say(crit_fb[i], self.words))
            if i < len(crit_fb) and crit_fb[i]
            else named[i]
            for i in range(len(crits))
        ]
        reasons = [say(str(r), self.words) for r in s.get("failed_conditions", [])]
        lh = p.fonts.line_height(theme.SMALL) + 4

        def block(texts: list[str]) -> int:
            return sum(len(p.fonts.wrap(t, theme.SMALL, width)) * lh + 4 for t in texts)

        texts = full_text if block(full_text + reasons) <= box.height * 0.3 else named
        for text in texts + reasons:
            y = p.paragraph(text, pygame.Rect(x, y, width, box.bottom - y), theme.SMALL,
                            theme.VERMILLION) + 4  # fmt: skip
        p.text(_("Up/Down or click: read a criterion in full"), (box.right - 16, box.bottom - 26),
               theme.SMALL, theme.TEXT_DIM, anchor="topright")  # fmt: skip
        room = box.bottom - 34 - y
        full = [
            p.fonts.wrap(_feedback(cr, self.words), theme.SMALL, width - 20) for cr in self.criteria
        ]
        shown = []
        for keep in (99, 1, 0):  # everything, else one line of the others, else names only
            shown = [ls if i == self.selected else ls[:keep] for i, ls in enumerate(full)]
            if sum(NAME_H + GAP + LINE_H * len(ls) for ls in shown) <= room:
                break
        else:  # even so: as much of the chosen one as there is room for
            spare = room - len(full) * (NAME_H + GAP)
            if self.selected is not None:
                shown[self.selected] = full[self.selected][: max(1, spare // LINE_H)]
        self.rows = []
        for i, cr in enumerate(self.criteria):
            lines = shown[i]
            whole = len(lines) == len(full[i])
            rr = pygame.Rect(box.x + 6, y - 3, box.width - 12, NAME_H + LINE_H * len(lines) + 4)
            self.rows.append(rr)
            if i == self.selected:
                p.rect((30, 56, 86), rr, radius=4)
                p.rect(theme.FOCUS, rr, 2, radius=4)
            got, best = float(cr.get("score", 0)), float(cr.get("max", 0))
            colour = theme.GOOD if best and got >= 0.8 * best else theme.ORANGE
            pts = p.text(f"{got:.1f} / {best:g}", (box.right - 16, y), theme.BODY, colour,
                         anchor="topright")  # fmt: skip
            cid = str(cr.get("id", ""))
            name = (
                _(CRITERION_NAMES[cid]) if cid in CRITERION_NAMES else str(cr.get("label") or cid)
            )
            p.text(("v " if i == self.selected else "> ") + name[:1].upper() + name[1:], (x, y),
                   theme.BODY, bold=True, max_width=pts.x - 12 - x)  # fmt: skip
            y += NAME_H
            for j, line in enumerate(lines):
                last = j == len(lines) - 1
                text = line if whole or not last else line.rstrip(" .,;") + " ..."
                p.text(text, (x + 16, y), theme.SMALL,
                       theme.TEXT if i == self.selected else theme.TEXT_DIM,
                       may_shorten=i != self.selected)  # fmt: skip
                y += LINE_H
            y += GAP

    def _draw_log(self, p: Painter, box: pygame.Rect) -> None:
        x, y = box.x + 14, box.y + 10
        p.text(_("The care as it happened"), (x, y), theme.BODY, bold=True)
        y += 34
        width = box.width - 28
        stamp_w = 64
        line_h = p.fonts.line_height(theme.SMALL) + 3
        entries = list(self.log)
        # The whole log when it fits, else its latest entries (each whole, never cut).
        need = [
            len(p.fonts.wrap(e.text, theme.SMALL, width - (0 if e.kind == "time" else stamp_w)))
            for e in entries
        ]
        room = box.bottom - 10 - y
        start = 0
        while start < len(entries):
            note = line_h if start else 0  # the line saying how many are above
            if sum(n * line_h + 4 for n in need[start:]) + note <= room:
                break
            start += 1
        if start:
            p.text(
                _("({n} earlier entries above)").format(n=start),
                (x, y - 4),
                theme.SMALL,
                theme.TEXT_DIM,
            )
            y += line_h
        colours = {"good": theme.GOOD, "warn": theme.ORANGE, "danger": theme.VERMILLION,
                   "time": theme.SKY_BLUE}  # fmt: skip
        for e in entries[start:]:
            colour = colours.get(e.kind, theme.TEXT)
            if e.kind == "time":
                p.text(f"— {e.text} —", (box.centerx, y), theme.SMALL, colour, anchor="midtop")
                y += need[entries.index(e)] * line_h + 4
                continue
            p.text(clock_text(e.t_s), (x, y), theme.SMALL, theme.TEXT_DIM)
            for line in p.fonts.wrap(e.text, theme.SMALL, width - stamp_w):
                p.text(line, (x + stamp_w, y), theme.SMALL, colour)
                y += line_h
            y += 4
        if not entries:
            p.text(_("No care was given."), (x, y), theme.SMALL, theme.TEXT_DIM)
