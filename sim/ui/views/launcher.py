"""Launcher: trainee name or ID, training mode, and the scenario list (broken files too)."""

from __future__ import annotations

import pygame
import pygame_gui

from sim.scenario import ScenarioLibrary
from sim.scenario.loader import LibraryEntry
from sim.ui import theme
from sim.ui.modes import MODES
from sim.ui.render import Button, Painter
from sim.ui.views.base import View

LIST_RECT = pygame.Rect(40, 200, 560, 440)
ROW_H = 64
FOCUS_ORDER = ("name", "mode", "list", "start")


class LauncherView(View):
    name = "launcher"
    uses_gui = True

    def __init__(self, app) -> None:
        super().__init__(app)
        lib = ScenarioLibrary(app.scenario_dir) if app.scenario_dir else ScenarioLibrary()
        self.entries: list[LibraryEntry] = lib.entries
        self.selected = next((i for i, e in enumerate(self.entries) if e.scenario), 0)
        self.mode_index = 0
        self.focus = "list"
        self.trainee = ""
        self.name_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.start_button: pygame_gui.elements.UIButton | None = None
        self.mode_buttons = [
            Button(pygame.Rect(40 + i * 190, 136, 180, 38), m.label, action=m.id)
            for i, m in enumerate(MODES)
        ]
        self.notice = ""
        self._hover = (0, 0)

    # ---------------------------------------------------------------- gui
    def on_enter(self) -> None:
        gui = self.app.gui
        self.name_entry = pygame_gui.elements.UITextEntryLine(
            pygame.Rect(300, 84, 300, 40), gui, placeholder_text="name or ID"
        )
        self.name_entry.set_text(self.trainee)
        self.name_entry.set_text_length_limit(40)
        self.start_button = pygame_gui.elements.UIButton(
            pygame.Rect(1040, 650, 200, 46), "Start  (Enter)", gui
        )
        self._sync_focus()

    def on_exit(self) -> None:
        if self.name_entry is not None:
            self.trainee = self.name_entry.get_text().strip()
            self.name_entry.kill()
        if self.start_button is not None:
            self.start_button.kill()
        self.name_entry = self.start_button = None

    def _sync_focus(self) -> None:
        if self.name_entry is None:
            return
        if self.focus == "name":
            self.name_entry.focus()
        else:
            self.name_entry.unfocus()

    # ---------------------------------------------------------------- actions
    @property
    def entry(self) -> LibraryEntry | None:
        return self.entries[self.selected] if self.entries else None

    def start(self) -> None:
        entry = self.entry
        if entry is None or entry.scenario is None:
            self.notice = "This scenario file has an error and cannot be started."
            return
        mode = MODES[self.mode_index]
        if not mode.available:
            self.notice = f"{mode.label} mode is not available yet; choose Practice."
            return
        if self.name_entry is not None:
            self.trainee = self.name_entry.get_text().strip()
        from sim.ui.views.briefing import BriefingView

        self.app.replace(BriefingView(self.app, entry.scenario, self.trainee, mode))

    def _select_mode(self, i: int) -> None:
        m = MODES[i]
        if m.available:
            self.mode_index = i
            self.notice = ""
        else:
            self.notice = f"{m.label} mode is coming later: {m.description}"

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element == self.start_button:
            self.start()
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
            self.focus = "list"
            self._sync_focus()
            return True
        if event.type == pygame.MOUSEMOTION:
            self._hover = event.pos
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for i, b in enumerate(self.mode_buttons):
                if b.rect.collidepoint(event.pos):
                    self._select_mode(i)
                    self.focus = "mode"
                    self._sync_focus()
                    return True
            if LIST_RECT.collidepoint(event.pos):
                row = (event.pos[1] - LIST_RECT.y) // ROW_H
                if 0 <= row < len(self.entries):
                    if row == self.selected and event.dict.get("clicks", 1) >= 2:
                        self.start()
                    self.selected = row
                    self.focus = "list"
                    self._sync_focus()
                    return True
            if self.focus == "name":
                self.focus = "list"
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            return False
        if event.type != pygame.KEYDOWN:
            return False
        if event.key == pygame.K_TAB:
            step = -1 if event.mod & pygame.KMOD_SHIFT else 1
            i = FOCUS_ORDER.index(self.focus)
            self.focus = FOCUS_ORDER[(i + step) % len(FOCUS_ORDER)]
            self._sync_focus()
            return True
        if self.focus == "name":
            return False
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            if self.focus == "mode" and event.key == pygame.K_SPACE:
                return True
            self.start()
            return True
        if event.key in (pygame.K_UP, pygame.K_DOWN) and self.entries:
            self.focus = "list"
            step = -1 if event.key == pygame.K_UP else 1
            self.selected = (self.selected + step) % len(self.entries)
            return True
        if event.key in (pygame.K_LEFT, pygame.K_RIGHT):
            step = -1 if event.key == pygame.K_LEFT else 1
            self._select_mode((self.mode_index + step) % len(MODES))
            self.focus = "mode"
            return True
        return False

    # ---------------------------------------------------------------- draw
    def draw(self, p: Painter) -> None:
        p.text("Marrowsim", (40, 24), theme.TITLE, bold=True)
        p.text(
            "Bone marrow harvest trainer: posterior iliac crest, prone donor",
            (250, 36),
            theme.BODY,
            theme.TEXT_DIM,
        )
        p.text("Trainee name or ID", (40, 94), theme.BODY)
        if self.focus == "name":
            p.rect(theme.FOCUS, pygame.Rect(296, 80, 308, 48), 2, radius=4)
        p.text("Mode", (40, 114 - 2), theme.SMALL, theme.TEXT_DIM)
        for i, b in enumerate(self.mode_buttons):
            m = MODES[i]
            b.label = m.label + ("" if m.available else " (later)")
            b.enabled = m.available
            b.focused = self.focus == "mode" and i == self.mode_index
            b.draw(p, hover=b.rect.collidepoint(self._hover))
            if i == self.mode_index:
                p.rect(theme.BLUE, b.rect.inflate(-6, -6), 2, radius=4)
        p.text("Scenarios", (40, 178), theme.SMALL, theme.TEXT_DIM, bold=True)
        p.panel(LIST_RECT)
        if self.focus == "list":
            p.rect(theme.FOCUS, LIST_RECT, 2, radius=6)
        for i, e in enumerate(self.entries):
            r = pygame.Rect(
                LIST_RECT.x + 4, LIST_RECT.y + 4 + i * ROW_H, LIST_RECT.width - 8, ROW_H - 6
            )
            if r.bottom > LIST_RECT.bottom:
                break
            if i == self.selected:
                p.rect((30, 70, 110), r, radius=4)
            if e.scenario is not None:
                s = e.scenario
                p.text(s.title, (r.x + 10, r.y + 6), theme.BODY, bold=True)
                p.text(
                    f"{s.difficulty}  ·  target {s.target_volume_ml:.0f} mL  ·  par "
                    f"{s.time.par_s / 60:.0f} min",
                    (r.x + 10, r.y + 34),
                    theme.SMALL,
                    theme.TEXT_DIM,
                )
            else:
                p.text(
                    f"{e.path.name}: cannot be used",
                    (r.x + 10, r.y + 6),
                    theme.BODY,
                    theme.VERMILLION,
                    bold=True,
                )
                msg = str(e.error).replace(str(e.path.parent) + "/", "")
                p.text(msg[:70], (r.x + 10, r.y + 34), theme.SMALL, theme.ORANGE)
        self._draw_details(p)
        if self.notice:
            p.text(self.notice, (40, 660), theme.BODY, theme.ORANGE)
        p.text(
            "Tab: next field   Up/Down: scenario   Left/Right: mode   Enter: start   "
            "F1: help   Ctrl+Q: quit",
            (40, 694),
            theme.SMALL,
            theme.TEXT_DIM,
        )

    def _draw_details(self, p: Painter) -> None:
        box = pygame.Rect(630, 84, 610, 550)
        p.panel(box, "Scenario")
        e = self.entry
        if e is None:
            p.text("No scenario files found.", (box.x + 16, box.y + 40))
            return
        x, y = box.x + 16, box.y + 36
        if e.scenario is None:
            p.text(e.path.name, (x, y), theme.LARGE, theme.VERMILLION, bold=True)
            p.paragraph(
                str(e.error), pygame.Rect(x, y + 44, box.width - 32, 300), theme.BODY, theme.ORANGE
            )
            return
        s = e.scenario
        p.text(s.title, (x, y), theme.LARGE, bold=True)
        y += 40
        p.text(f"Difficulty: {s.difficulty}", (x, y), theme.BODY, theme.SKY_BLUE)
        y += 36
        p.text("Objectives", (x, y), theme.BODY, theme.TEXT_DIM, bold=True)
        y += 30
        for obj in s.objectives:
            y = p.paragraph("•  " + obj, pygame.Rect(x, y, box.width - 32, 90), theme.BODY)
            y += 6
        y += 8
        p.paragraph(
            " ".join(s.briefing.split()),
            pygame.Rect(x, y, box.width - 32, box.bottom - y - 10),
            theme.SMALL,
            theme.TEXT_DIM,
        )
