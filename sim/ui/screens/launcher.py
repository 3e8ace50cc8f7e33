"""Launcher: trainee name or ID, training mode, and the scenario list (broken files too).

In assessment mode only the active assessment's scenarios are listed, with the attempts the
trainee has left; an ID is required.  After an ID is typed the trainee sees their own recent
attempts (never anyone else's).  F2 or the Instructor button opens the instructor login.  If the
records database cannot be opened, its one-line error is shown here.
Enter in the name field starts the selected scenario; Up/Down still choose one while typing.
The name is kept for the station session (``app.trainee_name``), there on coming back here.
The language button (F3) switches the trainer's language (English, Spanish) and stores it as
the station's (``sim.i18n``); the launcher is drawn again in it.
Typing creates nothing in the records: a trainee is created when an attempt starts.
"""

from __future__ import annotations

import contextlib

import pygame
import pygame_gui

from sim.errors import InputError
from sim.i18n import (
    LANGUAGES,
    _,
    current_language,
    ngettext,
    save_station_language,
    set_language,
)
from sim.scenario import ScenarioLibrary
from sim.scenario.length import LABELS, at_length
from sim.scenario.loader import SCHOOL, LibraryEntry
from sim.trainer.modes import MODES
from sim.trainer.station import ID_CHARS, normalise_trainee
from sim.ui import theme
from sim.ui.render import Button, Painter
from sim.ui.screens.base import View

MARGIN = 40
LIST_TOP = 226  # below the mode buttons and two lines of the mode's description
LIST_BOTTOM = 640
ROW_H = 52
FOOT_H = 26  # the strip under the rows that says how many more are above or below
HISTORY_H = 122  # three attempts
START_W = 200
FOCUS_ORDER = ("name", "mode", "list", "start")


def list_width(canvas_w: int) -> int:
    """The scenario list's width: about half the canvas, never narrower than a long title."""
    return max(700, min(800, round((canvas_w - 2 * MARGIN - 30) * 0.5)))


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
        self.instructor_btn = Button(label=_("Instructor"), key_hint="F2")
        self.language_btn = Button(label=LANGUAGES[self._next_language()], key_hint="F3")
        self.name_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.start_button: pygame_gui.elements.UIButton | None = None
        self.mode_buttons = [Button(label=_(m.label), action=m.id) for m in MODES]
        #: The harvest's length for practice and tutorial (an assessment sets its own): L or a
        #: click on the button in the scenario panel switches full / skills-lab.
        self.length = "full"
        self.length_btn = Button(label=_("Full length"), key_hint="L")
        self.notice = ""
        self._hover = (0, 0)

    # ---------------------------------------------------------------- layout
    def layout(self, size: tuple[int, int]) -> None:
        w, _h = size
        lw = list_width(w)
        self.instructor_btn.rect = pygame.Rect(w - MARGIN - 170, 22, 170, 40)
        self.language_btn.rect = pygame.Rect(w - MARGIN - 170 - 12 - 170, 22, 170, 40)
        self.name_rect = pygame.Rect(300, 84, MARGIN + lw - 300, 40)
        bw = (lw - 2 * 10) // len(MODES)
        for i, b in enumerate(self.mode_buttons):
            b.rect = pygame.Rect(MARGIN + i * (bw + 10), 136, bw, 38)
        self.list_rect = pygame.Rect(MARGIN, LIST_TOP, lw, LIST_BOTTOM - LIST_TOP)
        self.rows_rect = pygame.Rect(MARGIN, LIST_TOP, lw, self.list_rect.height - FOOT_H)
        self.details = pygame.Rect(
            MARGIN + lw + 30, 84, w - MARGIN - (MARGIN + lw + 30), LIST_BOTTOM - 84
        )
        self.start_rect = pygame.Rect(w - MARGIN - START_W, 650, START_W, 46)
        if self.name_entry is not None:
            self.app.place(self.name_entry, self.name_rect)
        if self.start_button is not None:
            self.app.place(self.start_button, self.start_rect)

    # ---------------------------------------------------------------- gui
    def on_enter(self) -> None:
        gui = self.app.gui
        self.name_entry = pygame_gui.elements.UITextEntryLine(
            self.app.gui_rect(self.name_rect), gui, placeholder_text=_("name or ID")
        )
        self.name_entry.set_text(self.trainee)
        self.name_entry.set_text_length_limit(40)
        self.start_button = pygame_gui.elements.UIButton(
            self.app.gui_rect(self.start_rect), _("Start  (Enter)"), gui
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
            return _("A trainee ID may only use {chars} (up to 64).").format(chars=_(ID_CHARS))
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
            self.notice = _("No scenario to start.")
            return
        if entry.scenario is None:
            self.notice = _("This scenario file has an error and cannot be started.")
            return
        trainee = self.trainee_id
        if trainee and self._id_problem(trainee):
            self.notice = self._id_problem(trainee)
            return
        if mode.assessed:
            if not trainee:
                self.notice = _("Enter your trainee ID first (Tab to the ID field).")
                return
            if self.assessment is None:
                self.notice = self._no_assessment_text()
                return
            if self._attempts_left(entry.scenario.id) == 0:
                self.notice = _("No attempts left on this scenario; ask the instructor.")
                return
        length = self.shown_length(entry.scenario)
        self.app.go(
            "briefing",
            scenario=at_length(entry.scenario, length),
            trainee=trainee,
            mode=mode,
            assessment=self.assessment if mode.assessed else None,
        )

    def shown_length(self, scenario) -> str:
        """The length an attempt at ``scenario`` would have: the assessment's, the trainee's
        choice for a harvest, and always full for nursing care."""
        if scenario is None or scenario.kind != "harvest":
            return "full"
        if self.mode.assessed:
            return (self.assessment or {}).get("length", "full")
        return self.length

    def toggle_length(self) -> None:
        if self.mode.assessed:
            self.notice = _("The instructor sets the assessment's length.")
            return
        self.length = "skills_lab" if self.length == "full" else "full"
        self.notice = ""

    def _no_assessment_text(self) -> str:
        if self.app.records.error:
            return _("Assessments need the records database, which cannot be opened.")
        return _("No assessment is set up. The instructor sets one up (F2).")

    def _empty_list_text(self) -> str:
        """Why the list is empty, in this mode's own terms."""
        if not self.mode.assessed:
            return _("No scenario files found.")
        if self.assessment is None:
            return _("No scenarios to offer in this mode.") + " " + self._no_assessment_text()
        return _("The assessment's scenarios are not on this station. Ask the instructor (F2).")

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

    @property
    def visible_rows(self) -> int:
        return self.rows_rect.height // ROW_H

    def _keep_visible(self) -> None:
        rows = self.visible_rows
        if self.selected < self.scroll:
            self.scroll = self.selected
        elif self.selected >= self.scroll + rows:
            self.scroll = self.selected - rows + 1

    def open_instructor(self) -> None:
        self.app.go("instructor_login")

    @staticmethod
    def _next_language() -> str:
        codes = list(LANGUAGES)
        return codes[(codes.index(current_language()) + 1) % len(codes)]

    def switch_language(self) -> None:
        """The next language, stored as the station's; the launcher is built again in it
        (what was typed and the mode chosen are kept)."""
        lang = set_language(self._next_language())
        with contextlib.suppress(OSError):  # still switched for this session
            save_station_language(lang)
        self.app.set_caption()
        mode = self.mode_index
        if self.name_entry is not None:  # the new launcher is built before this one exits
            self.app.trainee_name = self.name_entry.get_text().strip()
        view = self.app.go("launcher")
        view._select_mode(mode)

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
        if event.type == pygame.KEYDOWN and event.key == pygame.K_F3:
            self.switch_language()
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
            if self.language_btn.hit(event.pos):
                self.switch_language()
                return True
            if self.length_btn.hit(event.pos):
                self.toggle_length()
                return True
            for i, b in enumerate(self.mode_buttons):
                if b.rect.collidepoint(event.pos):
                    self._select_mode(i)
                    self.focus = "mode"
                    self._sync_focus()
                    return True
            if self.rows_rect.collidepoint(event.pos):
                row = (event.pos[1] - self.rows_rect.y - 4) // ROW_H + self.scroll
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
        if event.key == pygame.K_l:
            self.toggle_length()
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
        w = p.width
        head = pygame.Rect(MARGIN, 14, self.language_btn.rect.x - 20 - MARGIN, 60)
        with p.area(head, "header"):
            r = p.text(_("Marrowsim"), (MARGIN, 24), theme.TITLE, bold=True)
            subtitle = _("Bone marrow harvest trainer: posterior iliac crest, prone donor")
            room = head.right - r.right - 12
            if p.fonts.size(subtitle, theme.BODY)[0] <= room:
                p.text(
                    subtitle,
                    (r.right + 12, r.bottom - 6),
                    theme.BODY,
                    theme.TEXT_DIM,
                    anchor="bottomleft",
                )
            else:  # a narrow window, or a longer language: two smaller lines
                p.paragraph(
                    subtitle,
                    pygame.Rect(r.right + 12, head.y + 6, room, head.height - 8),
                    theme.SMALL,
                    theme.TEXT_DIM,
                )
        self.instructor_btn.draw(p, hover=self.instructor_btn.rect.collidepoint(self._hover))
        self.language_btn.draw(p, hover=self.language_btn.rect.collidepoint(self._hover))
        with p.area(pygame.Rect(MARGIN, 84, self.name_rect.x - MARGIN - 8, 40), "name label"):
            p.text(_("Trainee name or ID"), (MARGIN, 94), theme.BODY)
        if self.focus == "name":
            p.rect(theme.FOCUS, self.name_rect.inflate(8, 8), 2, radius=4)
        if self.focus == "start" and self.start_button is not None:  # drawn under the button
            p.rect(theme.FOCUS, self.start_rect.inflate(8, 8), 2, radius=6)
        for i, b in enumerate(self.mode_buttons):
            m = MODES[i]
            b.label = _(m.label)
            b.focused = self.focus == "mode" and i == self.mode_index
            b.draw(p, hover=b.rect.collidepoint(self._hover))
            if i == self.mode_index:
                p.rect(theme.BLUE, b.rect.inflate(-6, -6), 2, radius=4)
        lw = self.list_rect.width
        with p.area(pygame.Rect(MARGIN, 178, lw, LIST_TOP - 178 - 4), "mode description"):
            p.paragraph(
                self._mode_line(),
                pygame.Rect(MARGIN, 180, lw, LIST_TOP - 180 - 4),
                theme.SMALL,
                theme.SKY_BLUE,
                line_gap=2,
            )
        self._draw_list(p)
        self._draw_details(p)
        self._draw_history(p)
        self._draw_footer(p, w)

    def _draw_list(self, p: Painter) -> None:
        box = self.list_rect
        with p.panel(box, name="scenario list"):
            if self.focus == "list":
                p.rect(theme.FOCUS, box, 2, radius=6)
            if not self.entries:
                p.paragraph(
                    self._empty_list_text(),
                    box.inflate(-32, -32),
                    theme.BODY,
                    theme.ORANGE,
                )
            rows = self.visible_rows
            for i, e in enumerate(self.entries[self.scroll : self.scroll + rows]):
                i += self.scroll
                r = pygame.Rect(
                    box.x + 4,
                    self.rows_rect.y + 4 + (i - self.scroll) * ROW_H,
                    box.width - 8,
                    ROW_H - 4,
                )
                self._draw_row(p, e, r, i == self.selected)
            hidden = len(self.entries) - self.scroll - rows
            foot = pygame.Rect(box.x + 4, self.rows_rect.bottom, box.width - 8, FOOT_H - 2)
            with p.area(foot, "list footer"):
                if self.scroll:
                    p.text(
                        _("^ {n} more above").format(n=self.scroll),
                        (foot.x + 8, foot.centery),
                        theme.SMALL,
                        theme.YELLOW,
                        anchor="midleft",
                    )
                if hidden > 0:
                    p.text(
                        _("v {n} more below").format(n=hidden),
                        (foot.right - 8, foot.centery),
                        theme.SMALL,
                        theme.YELLOW,
                        anchor="midright",
                    )

    def _draw_row(self, p: Painter, e: LibraryEntry, r: pygame.Rect, selected: bool) -> None:
        with p.area(r, "scenario row"):
            if selected:
                p.rect((30, 70, 110), r, radius=4)
            x, width = r.x + 10, r.width - 20
            if e.scenario is not None:
                s = e.scenario
                # A title too long for the row is cut here: the details beside show it whole.
                title = s.text("title")
                if e.origin == SCHOOL:
                    title += "  " + _("(school)")
                p.text(
                    title, (x, r.y + 4), theme.BODY, bold=True, max_width=width, may_shorten=True
                )
                goal = (
                    _("target {ml:.0f} mL").format(ml=s.target_volume_ml)
                    if s.kind == "harvest"
                    else _("nursing care after the harvest")
                )
                par = _("par {min:.0f} min").format(min=s.time.par_s / 60)
                p.text(
                    f"{_(s.difficulty)}  ·  {goal}  ·  {par}",
                    (x, r.y + 28),
                    theme.SMALL,
                    theme.TEXT_DIM,
                    max_width=width,
                )
            else:
                p.text(
                    _("{file}: cannot be used").format(file=e.path.name),
                    (x, r.y + 4),
                    theme.BODY,
                    theme.VERMILLION,
                    bold=True,
                    max_width=width,
                )
                msg = str(e.error).replace(str(e.path.parent) + "/", "")
                p.text(  # the details panel shows the error in full
                    msg, (x, r.y + 28), theme.SMALL, theme.ORANGE, max_width=width, may_shorten=True
                )

    def _draw_footer(self, p: Painter, w: int) -> None:
        """Under the list, left of Start: a notice, or the records error (wrapped in full; a
        long one covers the list's bottom), and the keys when there is room (F1 lists them)."""
        right = self.start_rect.x - 20
        room = right - MARGIN
        line_h = p.fonts.line_height(theme.SMALL) + 2
        bottom = p.height - 4
        lines = []
        if not self.notice and self.app.records.error:
            lines = p.fonts.wrap(self.app.records.error, theme.SMALL, room)
        top = min(650, bottom - line_h * len(lines))
        foot = pygame.Rect(MARGIN - 10, top - 6, right - (MARGIN - 10), bottom - top + 6)
        if top < 650:
            p.rect(theme.BG, foot)
        with p.area(foot, "footer"):
            y = top
            if self.notice:
                y = p.paragraph(
                    self.notice, pygame.Rect(MARGIN, y, room, 44), theme.BODY, theme.ORANGE
                )
            for line in lines:
                p.text(line, (MARGIN, y), theme.SMALL, theme.VERMILLION)
                y += line_h
            keys_y = max(y + 2, 692)
            if keys_y + line_h <= bottom + 2:
                p.text(
                    _(
                        "Tab: field   Up/Down: scenario   Left/Right: mode   L: length   "
                        "Enter: start   F2: instructor   F3: language   F1: help"
                    ),
                    (MARGIN, keys_y),
                    theme.SMALL,
                    theme.TEXT_DIM,
                    max_width=room,
                )

    def _mode_line(self) -> str:
        m = self.mode
        a = self.assessment
        if m.assessed and a is not None:
            n = a["attempts_allowed"]
            return ngettext(
                "Pass at {passing:g}%, {n} attempt each, no hints.",
                "Pass at {passing:g}%, {n} attempts each, no hints.",
                n,
            ).format(passing=a["passing"], n=n)
        return _(m.description)

    def _draw_history(self, p: Painter) -> None:
        d = self.details
        box = pygame.Rect(d.x, d.bottom - HISTORY_H, d.width, HISTORY_H)
        trainee = self.trainee_id
        title = (
            _("Your recent attempts ({trainee})").format(trainee=trainee)
            if trainee
            else _("Your recent attempts")
        )
        with p.panel(box, title, name="recent attempts"):
            x, y = box.x + 16, box.y + 32
            width = box.width - 32
            if not trainee:
                p.text(
                    _("Enter your ID to see your own results."), (x, y), theme.SMALL, theme.TEXT_DIM
                )
                return
            if not self.history:
                p.text(_("None yet."), (x, y), theme.SMALL, theme.TEXT_DIM)
                return
            titles = {
                e.scenario.id: e.scenario.text("title") for e in self.all_entries if e.scenario
            }
            for row in self.history[:3]:
                line = attempt_line(row, titles)
                p.text(  # a preview: the debrief and the instructor show attempts in full
                    line, (x, y), theme.SMALL, result_colour(row), max_width=width, may_shorten=True
                )
                y += 26

    def _draw_details(self, p: Painter) -> None:
        d = self.details
        box = pygame.Rect(d.x, d.y, d.width, d.height - HISTORY_H - 8)
        with p.panel(box, _("Scenario")):
            e = self.entry
            if e is None:
                # an assessment offering none is not a station without scenario files
                empty = _("No scenario files found.")
                if self.mode.assessed:
                    empty = _("No scenario to show.")
                p.text(empty, (box.x + 16, box.y + 40), max_width=box.width - 32)
                return
            x, y = box.x + 16, box.y + 34
            width = box.width - 32
            if e.scenario is None:
                p.text(
                    e.path.name, (x, y), theme.LARGE, theme.VERMILLION, bold=True, max_width=width
                )
                p.paragraph(
                    str(e.error),
                    pygame.Rect(x, y + 40, width, box.bottom - y - 50),
                    theme.BODY,
                    theme.ORANGE,
                )
                return
            s = e.scenario
            y = p.paragraph(
                s.text("title"), pygame.Rect(x, y, width, box.bottom - y), theme.LARGE, bold=True
            )
            left = self._attempts_left(s.id) if self.mode.assessed else None
            difficulty = _("Difficulty: {difficulty}").format(difficulty=_(s.difficulty))
            if e.origin == SCHOOL:
                difficulty += "  ·  " + _("school-made")
            r = p.text(difficulty, (x, y + 2), theme.BODY, theme.SKY_BLUE)
            self.length_btn.rect = pygame.Rect(0, 0, 0, 0)
            below = r.bottom
            if s.kind == "harvest" and left is None:
                length = self.shown_length(s)
                self.length_btn.label = _(LABELS[length]).capitalize()
                width_btn = p.fonts.size(self.length_btn.label, theme.SMALL)[0] + 64
                rect = pygame.Rect(box.right - 16 - width_btn, y - 4, width_btn, 32)
                if rect.x < r.right + 12:  # a longer label (Spanish): under the difficulty
                    rect.topleft = (x, r.bottom + 6)
                    below = rect.bottom
                self.length_btn.rect = rect
                self.length_btn.draw(p, hover=self.length_btn.rect.collidepoint(self._hover))
            if left is not None:
                colour = theme.GOOD if left else theme.VERMILLION
                p.text(
                    _("attempts left: {n}").format(n=left),
                    (box.right - 16, y + 2),
                    theme.BODY,
                    colour,
                    anchor="topright",
                )
            y = below + 12
            p.text(_("Objectives"), (x, y), theme.BODY, theme.TEXT_DIM, bold=True)
            y += 28
            objectives = ["•  " + obj for obj in s.text("objectives")]
            size = theme.BODY  # smaller when a narrow window leaves no room for them
            if y + sum(p.paragraph_height(o, width, size) + 4 for o in objectives) > box.bottom:
                size = theme.SMALL
            for obj in objectives:  # a preview: the briefing shows the objectives in full
                if box.bottom - 4 - y < p.fonts.line_height(size):
                    break
                y = p.paragraph(
                    obj, pygame.Rect(x, y, width, box.bottom - 4 - y), size, may_shorten=True
                )
                y += 4
            y += 8
            if box.bottom - y - 10 >= p.fonts.line_height(theme.SMALL):
                p.paragraph(  # a preview: the briefing screen shows the case in full
                    " ".join(s.text("briefing").split()),
                    pygame.Rect(x, y, width, box.bottom - y - 10),
                    theme.SMALL,
                    theme.TEXT_DIM,
                    may_shorten=True,
                )


def attempt_line(row: dict, titles: dict[str, str] | None = None) -> str:
    """One stored attempt as a short line: when, score and result, mode, scenario title."""
    when = str(row.get("started") or "")[:16].replace("T", " ")
    if row.get("status") == "incomplete":
        result = _("unfinished")
    elif row.get("score_total") is None:
        result = _("not scored")
    else:
        pct = 100.0 * row["score_total"] / (row.get("score_max") or 100.0)
        verdict = {True: _("pass"), False: _("not yet")}.get(row.get("passed"), "")
        result = f"{pct:.0f}%" + (f" {verdict}" if verdict else "")
    sid = row.get("scenario_id", "")
    scenario = (titles or {}).get(sid, sid)
    mode = _(row["mode"]) if row.get("mode") else ""
    return f"{when}   {result}   {mode}   {scenario}"  # a long title is cut


def result_colour(row: dict):
    if row.get("status") == "incomplete":
        return theme.TEXT_DIM
    return {True: theme.GOOD, False: theme.ORANGE}.get(row.get("passed"), theme.TEXT)
