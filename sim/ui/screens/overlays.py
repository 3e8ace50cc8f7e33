"""Overlays drawn over a frozen view: help (F1), pause (Esc), confirmations, procedure steps."""

from __future__ import annotations

from collections.abc import Callable

import pygame

from sim.errors import InputError
from sim.i18n import N_, _
from sim.run.actions import command_from_obj
from sim.trainer.step_menu import PER_SITE, discover_step_actions
from sim.ui import theme
from sim.ui.render import Button, Painter
from sim.ui.screens.base import View

#: Every control, by screen (also the source of docs/ui.md's table).
CONTROLS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        N_("Anywhere"),
        (
            (N_("F1"), N_("this help")),
            (N_("Esc"), N_("pause (resume, help, quit)")),
            (N_("F11"), N_("fullscreen")),
            (N_("Ctrl+Q"), N_("quit (asks first during an attempt)")),
        ),
    ),
    (
        N_("Launcher"),
        (
            (N_("Tab / Shift+Tab"), N_("next / previous field")),
            (N_("Up / Down"), N_("choose scenario")),
            (N_("Left / Right"), N_("choose mode")),
            (N_("Enter"), N_("start")),
            (N_("F2"), N_("instructor (passphrase)")),
        ),
    ),
    (
        N_("Back (dorsal view)"),
        (
            (N_("mouse"), N_("hover to palpate; click to mark a site")),
            (N_("Arrows (Shift: 10 mm)"), N_("move the marker")),
            (N_("Enter or M"), N_("mark a site")),
            (N_("L / R"), N_("marker to left / right PSIS")),
            (N_("1-4"), N_("choose a site")),
            (N_("Tab or N"), N_("needle view")),
            (N_("T"), N_("procedure steps")),
            (N_("E"), N_("end")),
        ),
    ),
    (
        N_("Needle view"),
        (
            (N_("1-4"), N_("choose the site (needle out)")),
            (N_("Left / Right"), N_("aim medial / lateral")),
            (N_("Up / Down"), N_("aim cranial / caudal (redirect in soft tissue)")),
            (N_("Enter or I"), N_("insert at the site")),
            (N_("Space or mouse (hold)"), N_("advance; let go at the give")),
            (N_("Twist button"), N_("twisting on / off")),
            (N_("W / Shift+W"), N_("withdraw 2 / 10 mm")),
            (N_("R / Shift+R"), N_("rotate 90° / back")),
            (N_("S"), N_("stylet out / in")),
            (N_("[ ] - + or wheel"), N_("syringe pull size")),
            (N_("A or P (hold)"), N_("pull; held: turn, pull again")),
            (N_("B"), N_("back out: stylet in, tip to the fat")),
            (N_("X"), N_("remove the needle")),
            (N_("D or Tab"), N_("back to the dorsal view")),
            (N_("T"), N_("procedure steps")),
            (N_("E"), N_("end")),
            (N_("H"), N_("tutorial: more / less of the step panel")),
        ),
    ),
    (
        N_("Debrief"),
        (
            (N_("Up / Down or click"), N_("read a criterion's feedback in full")),
            (N_("R"), N_("retry the same scenario (practice, tutorial)")),
            (N_("P"), N_("replay the attempt")),
            (N_("+ / -"), N_("replay speed")),
            (N_("Space"), N_("pause replay")),
            (N_("Enter"), N_("back to the launcher")),
        ),
    ),
)


#: the procedure-step and response commands' words (sim.trainer.step_menu labels them from
#: the command vocabulary: "name", "name: choice", "name (one per site)"), for the catalogue
STEP_WORDS = (
    N_("time out"), N_("heparin iv"), N_("skin prep"), N_("local anaesthetic"),
    N_("heparinise syringes"), N_("acd in bag"), N_("cell count"), N_("stop criteria"),
    N_("target volume reached"), N_("target cell dose reached"), N_("donor volume limit"),
    N_("time limit"), N_("donor condition"), N_("filter product"), N_("sample and label"),
    N_("product disposition"), N_("infuse fresh"), N_("cryopreserve"), N_("sharps count"),
    N_("steri strips"), N_("one per site"), N_("pressure dressing"),
    N_("recovery observations"), N_("discharge teaching"), N_("signs of infection"),
    N_("fever threshold"), N_("when to call"), N_("dressing removal next day"),
    N_("pain relief"), N_("site care"), N_("activity"), N_("pause harvest"),
    N_("resume harvest"), N_("request cell count"), N_("notify anesthesia"),
    N_("stop harvest"), N_("give fluids"), N_("transfuse"), N_("justify continuing"),
    N_("cell dose not reached"), N_("reposition"), N_("prone"), N_("supine"),
    N_("choose needle"), N_("standard"), N_("long"),
)  # fmt: skip


def step_label(label: str) -> str:
    """A step menu label in the current language, word group by word group."""
    per_site = label.endswith(" (one per site)")
    name = label.removesuffix(" (one per site)")
    head, sep, choice = name.partition(": ")
    text = _(head) + (sep + _(choice) if sep else "")
    return text + (" (" + _("one per site") + ")" if per_site else "")


class Overlay(View):
    overlay = True

    def _veil(self, p: Painter) -> None:
        p.shade((0, 0, 0), 170)


class HelpOverlay(Overlay):
    name = "help"

    def __init__(self, app, controls=None) -> None:
        """``controls``: the screen's own sections (the nursing screen's), else the harvest's."""
        super().__init__(app)
        self.controls = controls or CONTROLS

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
        box = pygame.Rect(30, 20, p.width - 60, 680)
        with p.panel(box, name="help"):
            p.text(_("Controls"), (box.x + 20, box.y + 12), theme.LARGE, bold=True)
            p.text(
                _("Esc, F1 or a click closes this help"),
                (box.right - 20, box.y + 18),
                theme.SMALL,
                theme.TEXT_DIM,
                anchor="topright",
            )
            col_w = (box.width - 60) // 2
            line_h = p.fonts.line_height(theme.SMALL) + 5
            sections = []
            for title, rows in self.controls:  # each section's keys as wide as its longest key
                rows = [(_(k), _(w)) for k, w in rows]  # the nursing screen's are marked
                key_w = 16 + max(p.fonts.size(k, theme.SMALL)[0] for k, _w in rows)
                wrapped = [(k, p.fonts.wrap(w, theme.SMALL, col_w - key_w)) for k, w in rows]
                need = 30 + line_h * sum(len(lines) for _k, lines in wrapped)
                sections.append((_(title), key_w, wrapped, need))
            cols = [(box.x + 20, box.y + 56), (box.x + 40 + col_w, box.y + 56)]
            col, (x, y) = 0, cols[0]
            for title, key_w, wrapped, need in sections:
                if y + need > box.bottom - 10 and col == 0:
                    col, (x, y) = 1, cols[1]
                p.text(title, (x, y), theme.BODY, theme.SKY_BLUE, bold=True)
                y += 28
                for key, lines in wrapped:
                    p.text(key, (x, y), theme.SMALL, theme.YELLOW)
                    for line in lines:
                        p.text(line, (x + key_w, y), theme.SMALL, theme.TEXT)
                        y += line_h
                y += 8


class ConfirmOverlay(Overlay):
    """A yes/no question (Y/Enter = yes, N/Esc = no)."""

    name = "confirm"

    def __init__(self, app, title: str, detail: str, on_yes: Callable[[], None]) -> None:
        super().__init__(app)
        self.title, self.detail, self.on_yes = title, detail, on_yes
        self.yes = Button(label=_("Yes"), key_hint="Y")
        self.no = Button(label=_("No"), key_hint="N")
        self.yes.focused = True  # Enter answers yes

    def layout(self, size: tuple[int, int]) -> None:
        cx = size[0] // 2
        self.box = pygame.Rect(cx - 280, 250, 560, 220)
        self.yes.rect = pygame.Rect(cx - 200, 400, 180, 44)
        self.no.rect = pygame.Rect(cx + 20, 400, 180, 44)

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
        box = self.box
        with p.panel(box, name="confirm"):
            width = box.width - 40
            p.text(
                self.title,
                (box.centerx, box.y + 24),
                theme.LARGE,
                bold=True,
                anchor="midtop",
                max_width=width,
            )
            y = box.y + 66
            for line in p.fonts.wrap(self.detail, theme.BODY, width)[:3]:
                p.text(line, (box.centerx, y), theme.BODY, theme.TEXT_DIM, anchor="midtop")
                y += 24
            self.yes.draw(p)
            self.no.draw(p)


class PauseOverlay(Overlay):
    """Esc: the simulated clock stops while this is open."""

    name = "pause"
    ITEMS = (N_("Resume"), N_("Help (F1)"), N_("Quit to launcher"), N_("Quit Marrowsim"))

    def __init__(self, app) -> None:
        super().__init__(app)
        self.index = 0
        self.buttons = [Button(label=label) for label in self.ITEMS]

    def layout(self, size: tuple[int, int]) -> None:
        cx = size[0] // 2
        for i, b in enumerate(self.buttons):
            b.rect = pygame.Rect(cx - 150, 250 + i * 58, 300, 46)

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
                    title=_("Leave this attempt?"),
                    detail=_("The attempt stops here, stored as unfinished."),
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
        cx = p.width // 2
        with p.area(pygame.Rect(cx - 300, 160, 600, 84), "pause"):
            p.text(_("Paused"), (cx, 166), theme.TITLE, bold=True, anchor="midtop")
            p.text(
                _("The simulated clock is stopped."),
                (cx, 212),
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
        x = self.box.x + 20
        return [(i, pygame.Rect(x, 150 + (i - first) * 40, 600, 34)) for i in shown]

    def layout(self, size: tuple[int, int]) -> None:
        self.box = pygame.Rect(size[0] // 2 - 320, 80, 640, 580)

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
            self.procedure.session.say(f"{step_label(action.label)}: {error}", "warn")
            return
        events = self.procedure.submit(cmd)
        if events is not None:
            self.procedure.session.say(
                _("Done: {step}.").format(step=step_label(action.label)), "good"
            )

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
        box = self.box
        with p.panel(box, name="steps"):
            p.text(
                _("Procedure steps and responses"), (box.x + 20, box.y + 14), theme.LARGE, bold=True
            )
            if not self.actions:
                p.paragraph(
                    _(
                        "This build has no procedure-step or response commands yet; they arrive "
                        "with the scenario engine."
                    ),
                    box.inflate(-40, -120),
                    theme.BODY,
                    theme.TEXT_DIM,
                )
            for i, r in self.visible_rows():
                if i == self.index:
                    p.rect((30, 70, 110), r, radius=4)
                p.text(
                    step_label(self.actions[i].label),
                    (r.x + 10, r.centery),
                    theme.BODY,
                    anchor="midleft",
                    max_width=r.width - 20,
                )
            p.text(
                _("Up/Down, Enter to do it · Esc to close"),
                (box.centerx, box.bottom - 26),
                theme.SMALL,
                theme.TEXT_DIM,
                anchor="midtop",
            )
