"""The end of a tutorial: what each step taught, how far the trainee got, and what next."""

from __future__ import annotations

import pygame

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
        self.practice_btn = Button(
            pygame.Rect(700, 650, 300, 46), "Practise this scenario", "Enter"
        )
        self.debrief_btn = Button(pygame.Rect(1010, 650, 250, 46), "Score and debrief", "D")
        self.launcher_btn = Button(pygame.Rect(20, 650, 200, 46), "Launcher", "Esc")
        self.practice_btn.focused = True
        self.hover = (0, 0)

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
        p.text("Tutorial summary", (40, 20), theme.SMALL, theme.TEXT_DIM, bold=True)
        p.text(sc.title, (40, 40), theme.TITLE, bold=True)
        done, total = len(g.done), g.total
        if g.finished:
            head, colour = f"All {total} steps done. Well done.", theme.GOOD
        else:
            left = g.current.title if g.current else ""
            head = f"{done} of {total} steps done; the tutorial stopped at '{left}'."
            colour = theme.ORANGE
        p.text(head, (40, 92), theme.LARGE, colour, bold=True)
        box = pygame.Rect(20, 132, 1240, 506)
        p.panel(box, "What each step was for (green: done)")
        steps = g.tutorial.steps
        wx = box.x + 350
        wraps = [p.fonts.wrap(s.why, theme.SMALL, box.right - 16 - wx) for s in steps]
        room = box.height - 34
        most = 3
        while most > 1 and sum(min(most, len(w)) * 18 + 6 for w in wraps) > room:
            most -= 1
        y = box.y + 30
        for i, (step, lines) in enumerate(zip(steps, wraps, strict=True)):
            ok = step in g.done
            colour = theme.GOOD if ok else theme.ORANGE
            title = f"{i + 1}. {step.title}" + ("" if ok else "  (not done)")
            p.text(title, (box.x + 14, y), theme.SMALL, colour, bold=True)
            shown = lines[:most]
            if len(lines) > most:
                shown[-1] = shown[-1].rstrip(" .,;") + " ..."
            for line in shown:
                p.text(line, (wx, y), theme.SMALL, theme.TEXT_DIM)
                y += 18
            y += 6
        for b in (self.practice_btn, self.debrief_btn, self.launcher_btn):
            b.draw(p, hover=b.rect.collidepoint(self.hover))
