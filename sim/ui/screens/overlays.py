"""Overlays drawn over a frozen view: help (F1), pause (Esc), confirmations, procedure steps."""

from __future__ import annotations

from collections.abc import Callable

import pygame

from sim.errors import InputError
from sim.run.actions import command_from_obj
from sim.trainer.step_menu import PER_SITE, discover_step_actions
from sim.ui import theme
from sim.ui.render import Button, Painter
from sim.ui.screens.base import View

#: Every control, by screen (also the source of docs/ui.md's table).
CONTROLS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Anywhere",
        (
            ("F1", "this help"),
            ("Esc", "pause (resume, help, quit)"),
            ("F11", "fullscreen"),
            ("Ctrl+Q", "quit (asks first during an attempt)"),
        ),
    ),
    (
        "Launcher",
        (
            ("Tab / Shift+Tab", "next / previous field"),
            ("Up / Down", "choose scenario"),
            ("Left / Right", "choose mode"),
            ("Enter", "start"),
            ("F2", "instructor (passphrase)"),
        ),
    ),
    (
        "Back (dorsal view)",
        (
            ("mouse", "hover to palpate; click to mark a site"),
            ("Arrows (Shift: 10 mm)", "move the marker"),
            ("Enter or M", "mark a site"),
            ("L / R", "marker to left / right PSIS"),
            ("1-4", "choose a site"),
            ("Tab or N", "needle view"),
            ("T", "procedure steps"),
            ("E", "end"),
        ),
    ),
    (
        "Needle view",
        (
            ("1-4", "choose the site (needle out)"),
            ("Left / Right", "aim medial / lateral"),
            ("Up / Down", "aim cranial / caudal (redirect in soft tissue)"),
            ("Enter or I", "insert at the site"),
            ("Space (hold)", "push: harder while held, eases off when let go"),
            ("drag down (mouse)", "push with force set by the drag"),
            ("Shift or right mouse (hold)", "twist while pushing"),
            ("W / Shift+W", "withdraw 2 / 10 mm"),
            ("R / Shift+R", "rotate 90° / back"),
            ("S", "stylet out / in"),
            ("[ ] - + or wheel", "syringe pull size"),
            ("A or P", "pull the plunger (aspirate)"),
            ("X", "remove the needle"),
            ("D or Tab", "back to the dorsal view"),
            ("T", "procedure steps"),
            ("E", "end"),
            ("H", "tutorial: more / less of the step panel"),
        ),
    ),
    (
        "Debrief",
        (
            ("Up / Down or click", "read a criterion's feedback in full"),
            ("R", "retry the same scenario (practice, tutorial)"),
            ("P", "replay the attempt"),
            ("+ / -", "replay speed"),
            ("Space", "pause replay"),
            ("Enter", "back to the launcher"),
        ),
    ),
)


class Overlay(View):
    overlay = True

    _veil_surface: pygame.Surface | None = None

    def _veil(self, p: Painter) -> None:
        if self._veil_surface is None:
            self._veil_surface = pygame.Surface(p.surface.get_size())
            self._veil_surface.fill((0, 0, 0))
            self._veil_surface.set_alpha(170)
        p.blit(self._veil_surface, (0, 0), "veil")


class HelpOverlay(Overlay):
    name = "help"

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key in (
            pygame.K_ESCAPE,
            pygame.K_F1,
            pygame.K_RETURN,
            pygame.K_SPACE,
        ):
            self.app.pop()
            return True
        if event.type == pygame.MOUSEBUTTONDOWN:
            self.app.pop()
            return True
        return True

    def draw(self, p: Painter) -> None:
        self._veil(p)
        box = pygame.Rect(30, 20, 1220, 680)
        p.panel(box)
        p.text("Controls", (box.x + 20, box.y + 12), theme.LARGE, bold=True)
        p.text(
            "Esc, F1 or a click closes this help",
            (box.right - 20, box.y + 18),
            theme.SMALL,
            theme.TEXT_DIM,
            anchor="topright",
        )
        cols = [(box.x + 20, box.y + 56), (box.x + 630, box.y + 56)]
        col, (x, y) = 0, cols[0]
        for title, rows in CONTROLS:
            need = 30 + 23 * len(rows)
            if y + need > box.bottom - 10 and col == 0:
                col, (x, y) = 1, cols[1]
            p.text(title, (x, y), theme.BODY, theme.SKY_BLUE, bold=True)
            y += 28
            for key, what in rows:
                p.text(key, (x, y), theme.SMALL, theme.YELLOW)
                p.text(what, (x + 250, y), theme.SMALL, theme.TEXT)
                y += 23
            y += 10


class ConfirmOverlay(Overlay):
    """A yes/no question (Y/Enter = yes, N/Esc = no)."""

    name = "confirm"

    def __init__(self, app, title: str, detail: str, on_yes: Callable[[], None]) -> None:
        super().__init__(app)
        self.title, self.detail, self.on_yes = title, detail, on_yes
        self.yes = Button(pygame.Rect(440, 390, 180, 44), "Yes", "Y")
        self.no = Button(pygame.Rect(660, 390, 180, 44), "No", "N")
        self.yes.focused = True  # Enter answers yes

    def _answer(self, yes: bool) -> None:
        self.app.pop()
        if yes:
            self.on_yes()

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_y, pygame.K_RETURN, pygame.K_KP_ENTER):
                self._answer(True)
            elif event.key in (pygame.K_n, pygame.K_ESCAPE):
                self._answer(False)
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self.yes.hit(event.pos):
                self._answer(True)
            elif self.no.hit(event.pos):
                self._answer(False)
        return True

    def draw(self, p: Painter) -> None:
        self._veil(p)
        box = pygame.Rect(400, 260, 480, 200)
        p.panel(box)
        p.text(self.title, (box.centerx, box.y + 30), theme.LARGE, bold=True, anchor="midtop")
        p.text(self.detail, (box.centerx, box.y + 76), theme.BODY, theme.TEXT_DIM, anchor="midtop")
        self.yes.draw(p)
        self.no.draw(p)


class PauseOverlay(Overlay):
    """Esc: the simulated clock stops while this is open."""

    name = "pause"
    ITEMS = ("Resume", "Help (F1)", "Quit to launcher", "Quit Marrowsim")

    def __init__(self, app) -> None:
        super().__init__(app)
        self.index = 0
        self.buttons = [
            Button(pygame.Rect(490, 250 + i * 58, 300, 46), label)
            for i, label in enumerate(self.ITEMS)
        ]

    def _choose(self, i: int) -> None:
        item = self.ITEMS[i]
        if item == "Resume":
            self.app.pop()
        elif item.startswith("Help"):
            self.app.show_help()
        elif item == "Quit to launcher":

            def to_launcher() -> None:
                self.app.restart("launcher")

            if self.app.attempt_in_progress:
                self.app.open(
                    "confirm",
                    title="Leave this attempt?",
                    detail="The attempt stops here, stored as unfinished.",
                    on_yes=to_launcher,
                )
            else:
                to_launcher()
        else:
            self.app.request_quit()

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                self.app.pop()
            elif event.key in (pygame.K_UP, pygame.K_DOWN, pygame.K_TAB):
                step = -1 if event.key == pygame.K_UP else 1
                self.index = (self.index + step) % len(self.ITEMS)
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
                self._choose(self.index)
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for i, b in enumerate(self.buttons):
                if b.hit(event.pos):
                    self._choose(i)
        return True

    def draw(self, p: Painter) -> None:
        self._veil(p)
        p.text("Paused", (640, 170), theme.TITLE, bold=True, anchor="midtop")
        p.text(
            "The simulated clock is stopped.",
            (640, 214),
            theme.BODY,
            theme.TEXT_DIM,
            anchor="midtop",
        )
        for i, b in enumerate(self.buttons):
            b.focused = i == self.index
            b.draw(p)


class StepsOverlay(Overlay):
    """Procedure steps and responses to scenario events (from the scenario engine's commands)."""

    name = "steps"

    def __init__(self, app, procedure) -> None:
        super().__init__(app)
        self.procedure = procedure
        self.actions = discover_step_actions()
        self.index = 0

    VISIBLE = 12  # rows that fit in the box

    def visible_rows(self) -> list[tuple[int, pygame.Rect]]:
        """(action index, rect) of the rows in view: the chosen row is kept in view."""
        first = max(0, self.index - (self.VISIBLE - 1))
        shown = range(first, min(len(self.actions), first + self.VISIBLE))
        return [(i, pygame.Rect(340, 150 + (i - first) * 40, 600, 34)) for i in shown]

    def _site_count(self) -> int:
        """Skin sites to strip: those punctured in this attempt, or the handover's (nursing)."""
        handover = self.procedure.session.attempt.scenario.handover
        if handover is not None:
            return handover.skin_sites
        return max(1, len(self.procedure.sites))

    def _run(self, i: int) -> None:
        action = self.actions[i]
        self.app.pop()
        cmd = None
        command = {
            k: (self._site_count() if v == PER_SITE["count"] else v)
            for k, v in action.command.items()
        }
        listed = {k: [v] if k not in ("do", "count") else v for k, v in command.items()}
        for obj in (command, listed):  # a field may take one name or a list of names
            try:
                cmd = command_from_obj(obj, path="steps", line=0)
                break
            except InputError as exc:
                error = exc.message
        if cmd is None:
            self.procedure.session.say(f"{action.label}: {error}", "warn")
            return
        events = self.procedure.submit(cmd)
        if events is not None:
            self.procedure.session.say(f"Done: {action.label}.", "good")

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_ESCAPE, pygame.K_t):
                self.app.pop()
            elif event.key in (pygame.K_UP, pygame.K_DOWN) and self.actions:
                step = -1 if event.key == pygame.K_UP else 1
                self.index = (self.index + step) % len(self.actions)
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and self.actions:
                self._run(self.index)
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for i, r in self.visible_rows():  # only rows in view can be clicked
                if r.collidepoint(event.pos):
                    self._run(i)
                    return True
            self.app.pop()
        return True

    def draw(self, p: Painter) -> None:
        self._veil(p)
        box = pygame.Rect(320, 80, 640, 580)
        p.panel(box)
        p.text("Procedure steps and responses", (box.x + 20, box.y + 14), theme.LARGE, bold=True)
        if not self.actions:
            p.paragraph(
                "This build has no procedure-step or response commands yet; they arrive "
                "with the scenario engine.",
                box.inflate(-40, -120),
                theme.BODY,
                theme.TEXT_DIM,
            )
        for i, r in self.visible_rows():
            if i == self.index:
                p.rect((30, 70, 110), r, radius=4)
            p.text(self.actions[i].label, (r.x + 10, r.centery), theme.BODY, anchor="midleft")
        p.text(
            "Up/Down, Enter to do it · Esc to close",
            (box.centerx, box.bottom - 30),
            theme.SMALL,
            theme.TEXT_DIM,
            anchor="midtop",
        )
