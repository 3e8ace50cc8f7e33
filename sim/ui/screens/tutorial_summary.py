"""The end of a tutorial: what each step taught, how far the trainee got, and what next."""

from __future__ import annotations

import pygame

from sim.i18n import _
from sim.trainer.modes import Mode, mode_by_id
from sim.trainer.session import Session
from sim.ui import theme
from sim.ui.attempts import begin_attempt
from sim.ui.render import Button, Painter
from sim.ui.screens.base import View


class TutorialSummaryView(View):
    """Steps done (with their reasons), then: practise this scenario, see the debrief, or leave."""

    name = "tutorial_summary"

    def __init__(self, app, session: Session, mode: Mode) -> None:
        super().__init__(app)
        self.session = session
        self.mode = mode
        self.guide = session.guide
        self.practice_btn = Button(label=_("Practise this scenario"), key_hint="Enter")
        self.debrief_btn = Button(label=_("Score and debrief"), key_hint="D")
        self.launcher_btn = Button(label=_("Launcher"), key_hint="Esc")
        self.practice_btn.focused = True
        self.hover = (0, 0)

    def layout(self, size: tuple[int, int]) -> None:
        w, _h = size
        self.debrief_btn.rect = pygame.Rect(w - 20 - 250, 650, 250, 46)
        self.practice_btn.rect = pygame.Rect(w - 20 - 250 - 10 - 300, 650, 300, 46)
        self.launcher_btn.rect = pygame.Rect(20, 650, 200, 46)

    def practise(self) -> None:
        practice = mode_by_id("practice")
        begin_attempt(self.app, self.session.attempt.scenario, self.session.trainee, practice)

    def debrief(self) -> None:
        self.app.go("debrief", session=self.session, mode=self.mode)

    def launcher(self) -> None:
        self.app.restart("launcher")

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.practise()
            elif event.key == pygame.K_d:
                self.debrief()
            elif event.key == pygame.K_ESCAPE:
                self.launcher()
            return True
        if event.type == pygame.MOUSEMOTION:
            self.hover = event.pos
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for b, act in (
                (self.practice_btn, self.practise),
                (self.debrief_btn, self.debrief),
                (self.launcher_btn, self.launcher),
            ):
                if b.hit(event.pos):
                    act()
            return True
        return False

    def draw(self, p: Painter) -> None:
        g = self.guide
        sc = self.session.attempt.scenario
        w = p.width
        with p.area(pygame.Rect(30, 14, w - 60, 114), "header"):
            p.text(_("Tutorial summary"), (40, 20), theme.SMALL, theme.TEXT_DIM, bold=True)
            p.text(sc.text("title"), (40, 40), theme.TITLE, bold=True, max_width=w - 80)
            done, total = len(g.done), g.total
            if g.finished:
                head, colour = (
                    _("All {total} steps done. Well done.").format(total=total),
                    theme.GOOD,
                )
            else:
                left = g.current.title if g.current else ""
                head = _("{done} of {total} steps done; the tutorial stopped at '{step}'.").format(
                    done=done, total=total, step=left
                )
                colour = theme.ORANGE
            p.text(head, (40, 90), theme.LARGE, colour, bold=True, max_width=w - 80)
        box = pygame.Rect(20, 132, w - 40, 506)
        with p.panel(box, _("What each step was for (green: done)")):
            steps = g.tutorial.steps
            titles = [
                f"{i + 1}. {s.title}" + ("" if s in g.done else "  " + _("(not done)"))
                for i, s in enumerate(steps)
            ]
            title_w = max(p.fonts.size(t, theme.SMALL, bold=True)[0] for t in titles)
            wx = box.x + 14 + min(title_w + 20, box.width // 2)
            wraps = [p.fonts.wrap(s.why, theme.SMALL, box.right - 16 - wx) for s in steps]
            line_h = p.fonts.line_height(theme.SMALL) + 3
            # One line of each reason, then more lines, step by step, while the panel has room.
            shown_n = [1] * len(steps)
            spare = (box.height - 38 - len(steps) * (line_h + 6)) // line_h
            for _round in range(3):
                for i, lines in enumerate(wraps):
                    if spare > 0 and shown_n[i] < len(lines):
                        shown_n[i] += 1
                        spare -= 1
            y = box.y + 30
            for step, title, lines, n in zip(steps, titles, wraps, shown_n, strict=True):
                ok = step in g.done
                colour = theme.GOOD if ok else theme.ORANGE
                p.text(
                    title,
                    (box.x + 14, y),
                    theme.SMALL,
                    colour,
                    bold=True,
                    max_width=wx - 20 - box.x - 14,
                )
                shown = lines[:n]
                if len(lines) > n:  # the tutorial itself gives the whole reason
                    shown[-1] = p.fonts.fit(
                        shown[-1].rstrip(" .,;") + " ...", theme.SMALL, box.right - 16 - wx
                    )
                for line in shown:
                    p.text(line, (wx, y), theme.SMALL, theme.TEXT_DIM)
                    y += line_h
                y += 6
        for b in (self.practice_btn, self.debrief_btn, self.launcher_btn):
            b.draw(p, hover=b.rect.collidepoint(self.hover))
