"""Launcher: trainee name or ID, training mode, and the scenario list (broken files too).

In assessment mode only the active assessment's scenarios are listed, with the attempts the
trainee has left; an ID is required.  After an ID is typed the trainee sees their own recent
attempts (never anyone else's).  F2 or the Instructor button opens the instructor login.  If the
records database cannot be opened, its one-line error is shown here.
Enter in the name field starts the selected scenario; Up/Down still choose one while typing.
The name is kept for the station session (``app.trainee_name``), there on coming back here.
Typing creates nothing in the records: a trainee is created when an attempt starts.
"""

from __future__ import annotations

import pygame
import pygame_gui

from sim.errors import InputError
from sim.scenario import ScenarioLibrary
from sim.scenario.loader import LibraryEntry
from sim.trainer.modes import MODES
from sim.trainer.station import ID_CHARS, normalise_trainee
from sim.ui import theme
from sim.ui.render import Button, Painter
from sim.ui.screens.base import View

LIST_RECT = pygame.Rect(40, 206, 560, 434)
ROW_H = 62
DETAILS = pygame.Rect(630, 84, 610, 550)
HISTORY_H = 150
ERROR_W = 980  # the records error, wrapped, from x 40 to the Start button
FOCUS_ORDER = ("name", "mode", "list", "start")


class LauncherView(View):
    name = "launcher"
    uses_gui = True

    def __init__(self, app) -> None:
        super().__init__(app)
        lib = ScenarioLibrary(app.scenario_dir) if app.scenario_dir else ScenarioLibrary()
        self.all_entries: list[LibraryEntry] = lib.entries
        self.entries: list[LibraryEntry] = self.all_entries
        self.selected = next((i for i, e in enumerate(self.entries) if e.scenario), 0)
        self.scroll = 0
        self.mode_index = 0
        self.focus = "list"
        self.trainee = app.trainee_name  # kept while the window is open
        self.assessment: dict | None = None
        self.history: list[dict] = []
        self._history_for: str | None = None
        self.instructor_btn = Button(pygame.Rect(1070, 22, 170, 40), "Instructor", "F2")
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
            self.app.trainee_name = self.trainee
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

    def _adopt_gui_focus(self) -> None:
        """Follow a click into (or out of) the name field, which pygame_gui handles itself, so
        that Space typed in a name is a space, not Start."""
        if self.name_entry is None:
            return
        if self.name_entry.is_focused:
            self.focus = "name"
        elif self.focus == "name":
            self.focus = "list"

    # ---------------------------------------------------------------- actions
    @property
    def entry(self) -> LibraryEntry | None:
        return self.entries[self.selected] if self.entries else None

    @property
    def mode(self):
        return MODES[self.mode_index]

    @property
    def trainee_id(self) -> str:
        if self.name_entry is not None:
            self.trainee = self.name_entry.get_text()
        return normalise_trainee(self.trainee)

    def _id_problem(self, trainee: str) -> str:
        """Why ``trainee`` cannot be used as an id ('' when it can)."""
        from sim.records.store import check_trainee_id

        try:
            check_trainee_id(trainee)
        except InputError:
            return f"A trainee ID may only use {ID_CHARS} (up to 64)."
        return ""

    def _attempts_left(self, scenario_id: str) -> int | None:
        trainee = self.trainee_id
        if self.assessment is None or not trainee or self._id_problem(trainee):
            return None
        return self.app.records.attempts_left(trainee, self.assessment, scenario_id)

    def start(self) -> None:
        entry = self.entry
        mode = self.mode
        if entry is None:
            self.notice = "No scenario to start."
            return
        if entry.scenario is None:
            self.notice = "This scenario file has an error and cannot be started."
            return
        trainee = self.trainee_id
        if trainee and self._id_problem(trainee):
            self.notice = self._id_problem(trainee)
            return
        if mode.assessed:
            if not trainee:
                self.notice = "Enter your trainee ID first (Tab to the ID field)."
                return
            if self.assessment is None:
                self.notice = self._no_assessment_text()
                return
            if self._attempts_left(entry.scenario.id) == 0:
                self.notice = "No attempts left on this scenario; ask the instructor."
                return
        self.app.go(
            "briefing",
            scenario=entry.scenario,
            trainee=trainee,
            mode=mode,
            assessment=self.assessment if mode.assessed else None,
        )

    def _no_assessment_text(self) -> str:
        if self.app.records.error:
            return "Assessments need the records database, which cannot be opened."
        return "No assessment is set up. The instructor sets one up (F2)."

    def _empty_list_text(self) -> str:
        """Why the list is empty, in this mode's own terms."""
        if not self.mode.assessed:
            return "No scenario files found."
        if self.assessment is None:
            return "No scenarios to offer in this mode. " + self._no_assessment_text()
        return "The assessment's scenarios are not on this station. Ask the instructor (F2)."

    def _select_mode(self, i: int) -> None:
        self.mode_index = i
        self.notice = ""
        self._filter()

    def _filter(self) -> None:
        """The scenario list for the mode: the assessment's scenarios only, in assessment."""
        current = self.entry
        if self.mode.assessed:
            self.assessment = self.app.records.active_assessment()
            ids = set(self.assessment["scenarios"]) if self.assessment else set()
            self.entries = [e for e in self.all_entries if e.scenario and e.scenario.id in ids]
            if self.assessment is None:
                self.notice = self._no_assessment_text()
        else:
            self.entries = self.all_entries
        self.selected = self.entries.index(current) if current in self.entries else 0
        self.scroll = 0
        self._keep_visible()

    def _keep_visible(self) -> None:
        rows = LIST_RECT.height // ROW_H
        if self.selected < self.scroll:
            self.scroll = self.selected
        elif self.selected >= self.scroll + rows:
            self.scroll = self.selected - rows + 1

    def open_instructor(self) -> None:
        self.app.go("instructor_login")

    def _refresh_history(self) -> None:
        trainee = self.trainee_id
        if trainee == self._history_for:
            return
        self._history_for = trainee
        ok = trainee and not self._id_problem(trainee)
        self.history = self.app.records.recent(trainee) if ok else []

    def handle_event(self, event: pygame.event.Event) -> bool:
        self._adopt_gui_focus()
        if event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element == self.start_button:
            self.start()
            return True
        if event.type == pygame.KEYDOWN and event.key == pygame.K_F2:
            self.open_instructor()
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
            self.start()  # Enter in the name field starts (a refusal keeps the field focused)
            return True
        if event.type == pygame.MOUSEMOTION:
            self._hover = event.pos
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self.instructor_btn.hit(event.pos):
                self.open_instructor()
                return True
            for i, b in enumerate(self.mode_buttons):
                if b.rect.collidepoint(event.pos):
                    self._select_mode(i)
                    self.focus = "mode"
                    self._sync_focus()
                    return True
            if LIST_RECT.collidepoint(event.pos):
                row = (event.pos[1] - LIST_RECT.y) // ROW_H + self.scroll
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
        if self.focus == "name" and event.key not in (pygame.K_UP, pygame.K_DOWN):
            return False  # the field takes the keys; Up/Down still choose the scenario
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            if self.focus == "mode" and event.key == pygame.K_SPACE:
                return True
            self.start()
            return True
        if event.key in (pygame.K_UP, pygame.K_DOWN) and self.entries:
            if self.focus != "name":
                self.focus = "list"
            step = -1 if event.key == pygame.K_UP else 1
            self.selected = (self.selected + step) % len(self.entries)
            self._keep_visible()
            return True
        if event.key in (pygame.K_LEFT, pygame.K_RIGHT):
            step = -1 if event.key == pygame.K_LEFT else 1
            self._select_mode((self.mode_index + step) % len(MODES))
            self.focus = "mode"
            return True
        return False

    # ---------------------------------------------------------------- draw
    def update(self, dt_s: float) -> None:
        self._adopt_gui_focus()
        self._refresh_history()

    def redraw_key(self) -> object:
        """The name field's text and blinking cursor (typing and clicks are input anyway), and
        the records error (the store opens on first use)."""
        e = self.name_entry
        if e is None:
            return None
        cursor = getattr(e, "cursor_on", False)
        return (e.get_text(), cursor, self.focus, self.notice, self.app.records.error)

    def draw(self, p: Painter) -> None:
        p.text("Marrowsim", (40, 24), theme.TITLE, bold=True)
        self.instructor_btn.draw(p, hover=self.instructor_btn.rect.collidepoint(self._hover))
        p.text(
            "Bone marrow harvest trainer: posterior iliac crest, prone donor",
            (250, 36),
            theme.BODY,
            theme.TEXT_DIM,
        )
        p.text("Trainee name or ID", (40, 90), theme.BODY)
        if self.focus == "name":
            p.rect(theme.FOCUS, pygame.Rect(296, 80, 308, 48), 2, radius=4)
        if self.focus == "start" and self.start_button is not None:  # drawn under the button
            p.rect(theme.FOCUS, self.start_button.rect.inflate(8, 8), 2, radius=6)
        for i, b in enumerate(self.mode_buttons):
            m = MODES[i]
            b.label = m.label
            b.focused = self.focus == "mode" and i == self.mode_index
            b.draw(p, hover=b.rect.collidepoint(self._hover))
            if i == self.mode_index:
                p.rect(theme.BLUE, b.rect.inflate(-6, -6), 2, radius=4)
        p.text(self._mode_line(), (40, 180), theme.SMALL, theme.SKY_BLUE, max_width=560)
        p.panel(LIST_RECT)
        if self.focus == "list":
            p.rect(theme.FOCUS, LIST_RECT, 2, radius=6)
        if not self.entries:
            p.paragraph(
                self._empty_list_text(),
                LIST_RECT.inflate(-32, -32),
                theme.BODY,
                theme.ORANGE,
            )
        for i, e in enumerate(self.entries):
            if i < self.scroll:
                continue
            r = pygame.Rect(
                LIST_RECT.x + 4,
                LIST_RECT.y + 4 + (i - self.scroll) * ROW_H,
                LIST_RECT.width - 8,
                ROW_H - 6,
            )
            if r.bottom > LIST_RECT.bottom:
                break
            clip = p.surface.get_clip()
            p.surface.set_clip(r)
            if i == self.selected:
                p.rect((30, 70, 110), r, radius=4)
            if e.scenario is not None:
                s = e.scenario
                p.text(s.title, (r.x + 10, r.y + 6), theme.BODY, bold=True)
                goal = (
                    f"target {s.target_volume_ml:.0f} mL"
                    if s.kind == "harvest"
                    else "nursing care after the harvest"
                )
                p.text(
                    f"{s.difficulty}  ·  {goal}  ·  par {s.time.par_s / 60:.0f} min",
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
            p.surface.set_clip(clip)
        rows = LIST_RECT.height // ROW_H
        hidden = len(self.entries) - self.scroll - rows
        if self.scroll:
            y = LIST_RECT.y + 38
            p.text(
                f"^ {self.scroll} more above",
                (LIST_RECT.right - 12, y),
                theme.SMALL,
                theme.YELLOW,
                anchor="topright",
            )
        if hidden > 0:
            y = LIST_RECT.y + 4 + (rows - 1) * ROW_H + 34
            p.text(
                f"v {hidden} more below",
                (LIST_RECT.right - 12, y),
                theme.SMALL,
                theme.YELLOW,
                anchor="topright",
            )
        self._draw_details(p)
        self._draw_history(p)
        error_lines: list[str] = []
        if self.notice:
            p.text(self.notice, (40, 652), theme.BODY, theme.ORANGE)
        elif self.app.records.error:  # wrapped in full, left of the Start button
            error_lines = p.fonts.wrap(self.app.records.error, theme.SMALL, ERROR_W)
            line_h = p.fonts.size("Ag", theme.SMALL)[1]
            y = min(652, 716 - line_h * len(error_lines))
            if len(error_lines) > 2:
                p.rect(theme.BG, pygame.Rect(30, y - 4, ERROR_W + 20, 720 - y + 4))
            for line in error_lines:
                p.text(line, (40, y), theme.SMALL, theme.VERMILLION)
                y += line_h
        if len(error_lines) <= 2:  # a longer error takes this line (F1 lists the keys too)
            p.text(
                "Tab: next field   Up/Down: scenario   Left/Right: mode   Enter: start   "
                "F2: instructor   F1: help   Ctrl+Q: quit",
                (40, 694),
                theme.SMALL,
                theme.TEXT_DIM,
            )

    def _mode_line(self) -> str:
        m = self.mode
        a = self.assessment
        if m.assessed and a is not None:
            n = a["attempts_allowed"]
            return f"Pass at {a['passing']:g}%, {n} attempt{'s' if n != 1 else ''} each, no hints."
        return m.description

    def _draw_history(self, p: Painter) -> None:
        box = pygame.Rect(DETAILS.x, DETAILS.bottom - HISTORY_H, DETAILS.width, HISTORY_H)
        trainee = self.trainee_id
        title = f"Your recent attempts ({trainee})" if trainee else "Your recent attempts"
        p.panel(box, title)
        x, y = box.x + 16, box.y + 32
        if not trainee:
            p.text("Enter your ID to see your own results.", (x, y), theme.SMALL, theme.TEXT_DIM)
            return
        if not self.history:
            p.text("None yet.", (x, y), theme.SMALL, theme.TEXT_DIM)
            return
        titles = {e.scenario.id: e.scenario.title for e in self.all_entries if e.scenario}
        for row in self.history[:4]:
            line = attempt_line(row, titles)
            p.text(line, (x, y), theme.SMALL, result_colour(row), max_width=box.width - 32)
            y += 26

    def _draw_details(self, p: Painter) -> None:
        box = pygame.Rect(DETAILS.x, DETAILS.y, DETAILS.width, DETAILS.height - HISTORY_H - 8)
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
        left = self._attempts_left(s.id) if self.mode.assessed else None
        if left is not None:
            colour = theme.GOOD if left else theme.VERMILLION
            p.text(
                f"attempts left: {left}", (box.right - 16, y), theme.BODY, colour, anchor="topright"
            )
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


def attempt_line(row: dict, titles: dict[str, str] | None = None) -> str:
    """One stored attempt as a short line: when, score and result, mode, scenario title."""
    when = str(row.get("started") or "")[:16].replace("T", " ")
    if row.get("status") == "incomplete":
        result = "unfinished"
    elif row.get("score_total") is None:
        result = "not scored"
    else:
        pct = 100.0 * row["score_total"] / (row.get("score_max") or 100.0)
        verdict = {True: "pass", False: "not yet"}.get(row.get("passed"), "")
        result = f"{pct:.0f}%" + (f" {verdict}" if verdict else "")
    sid = row.get("scenario_id", "")
    scenario = (titles or {}).get(sid, sid)
    return f"{when}   {result}   {row.get('mode', '')}   {scenario}"  # a long title is cut


def result_colour(row: dict):
    if row.get("status") == "incomplete":
        return theme.TEXT_DIM
    return {True: theme.GOOD, False: theme.ORANGE}.get(row.get("passed"), theme.TEXT)
