"""The instructor view (after the passphrase): cohort table, every attempt, assessment set-up.

Tabs: 1 Cohort (one row per trainee: attempts, unfinished, best and last score, pass rate,
critical errors), 2 Attempts (every stored attempt, newest first; Enter opens its debrief,
P its replay, rebuilt from the stored commands), 3 Assessment (``assessment_setup.py``).  Tab
cycles the tabs; Esc signs out to the launcher.  Everything is read through
``sim.records.InstructorRecords``; nothing here can change a stored result.
The Cohort tab lists the trainees the Attempts tab has attempts for (and any the instructor
named or put in a cohort), so the two agree.
Scenarios are shown by title, not by file id.  The Assessment tab lists the school's own
scenarios beside the shipped ones, marked "school-made".
"""

from __future__ import annotations

import pygame

from sim.errors import InputError
from sim.i18n import N_, _
from sim.scenario import ScenarioLibrary
from sim.scenario.loader import SCHOOL
from sim.trainer.modes import mode_by_id
from sim.trainer.session import Session
from sim.trainer.station import one_line, shown_trainee
from sim.ui import theme
from sim.ui.attempts import debrief_screen
from sim.ui.render import Button, Painter
from sim.ui.screens.assessment_setup import AssessmentSetup
from sim.ui.screens.base import View

TABS = (N_("Cohort"), N_("Attempts"), N_("Assessment"))
#: the stored modes and statuses, shown as ``_(value)``
STORED_WORDS = (N_("practice"), N_("tutorial"), N_("assessment"), N_("complete"), N_("locked"))
BOX_Y, BOX_H = 124, 510  # the table's panel, as wide as the canvas less 20 each side
ROW_H = 30
HEAD_Y = BOX_Y + 12
FIRST_Y = BOX_Y + 46
VISIBLE = (BOX_Y + BOX_H - FIRST_Y - 10) // ROW_H
TABLE_W = 1208  # the width the column offsets below are given for (they stretch with it)

COHORT_COLS = (
    (N_("Trainee"), 0),
    (N_("Cohort"), 260),
    (N_("Attempts"), 430),
    (N_("Unfinished"), 560),
    (N_("Best"), 700),
    (N_("Last"), 800),
    (N_("Pass rate"), 900),
    (N_("Critical errors"), 1040),
)
ATTEMPT_COLS = (
    (N_("Started (UTC)"), 0),
    (N_("Trainee"), 190),
    (N_("Scenario"), 400),
    (N_("Mode"), 640),
    (N_("Status"), 770),
    (N_("Score"), 900),
    (N_("Result"), 1000),
)


def pct(value) -> str:
    return "-" if value is None else f"{value:.0f}%"


def pass_rate(row: dict) -> str:
    judged = row["passed"] + row["failed"]
    if not judged:
        return "-"
    return _("{pct} of {n}").format(pct=f"{100 * row['passed'] / judged:.0f}%", n=judged)


def score_text(row: dict) -> str:
    if row.get("score_total") is None:
        return "-"
    return f"{100.0 * row['score_total'] / (row.get('score_max') or 100.0):.0f}%"


def result_text(row: dict) -> str:
    return {True: _("pass"), False: _("not yet")}.get(row.get("passed"), "-")


def listed(row: dict) -> bool:
    """A cohort row worth a line: the trainee has attempts, or the instructor named them or
    put them in a cohort (an id with neither is a leftover of typing, from before trainees were
    created only when an attempt starts)."""
    return bool(row["attempts"] or row["incomplete"] or row.get("name") or row.get("cohort"))


def first_row(selected: int, count: int) -> int:
    """The first visible row so that ``selected`` is on screen."""
    return max(0, min(selected - VISIBLE // 2, count - VISIBLE))


class InstructorHomeView(View):
    name = "instructor"

    def __init__(self, app, inst) -> None:
        super().__init__(app)
        self.inst = inst
        self.tab = 0
        self.cohort: list[dict] = []
        self.attempts: list[dict] = []
        self.cohort_sel = 0
        self.attempt_sel = 0
        self.trainee_filter: str | None = None
        self.notice = ""
        lib = ScenarioLibrary(app.scenario_dir) if app.scenario_dir else ScenarioLibrary()
        scenarios = [e.scenario for e in lib.entries if e.scenario is not None]
        school = {e.scenario.id for e in lib.entries if e.scenario and e.origin == SCHOOL}
        self.setup = AssessmentSetup(inst, scenarios, school)
        self.titles = {s.id: s.text("title") for s in scenarios}
        self.tab_buttons = [
            Button(pygame.Rect(20 + i * 210, 74, 200, 40), _(label), str(i + 1))
            for i, label in enumerate(TABS)
        ]
        self.out_btn = Button(label=_("Sign out"), key_hint="Esc")
        self.box = pygame.Rect(20, BOX_Y, 1240, BOX_H)
        self.hover = (0, 0)
        self.refresh()

    def layout(self, size: tuple[int, int]) -> None:
        w, _h = size
        self.out_btn.rect = pygame.Rect(w - 20 - 200, 22, 200, 40)
        self.box = pygame.Rect(20, BOX_Y, w - 40, BOX_H)

    def refresh(self) -> None:
        self.cohort = [r for r in self.inst.cohort_table() if listed(r)]
        rows = (
            self.inst.attempts(trainee_id=self.trainee_filter)
            if self.trainee_filter
            else (self.inst.attempts())
        )
        self.attempts = list(reversed(rows))
        self.cohort_sel = min(self.cohort_sel, max(0, len(self.cohort) - 1))
        self.attempt_sel = min(self.attempt_sel, max(0, len(self.attempts) - 1))

    def on_enter(self) -> None:
        self.refresh()

    # ---------------------------------------------------------------- actions
    def sign_out(self) -> None:
        self.app.go("launcher")

    def show_trainee(self) -> None:
        """Attempts tab, only the selected trainee's."""
        if self.cohort:
            self.trainee_filter = self.cohort[self.cohort_sel]["trainee_id"]
            self.attempt_sel = 0
            self.refresh()
            self.tab = 1

    def _rebuild(self):
        """The selected attempt re-run from its stored commands, as a Session (or None)."""
        if not self.attempts:
            return None
        row = self.attempts[self.attempt_sel]
        try:
            attempt = self.inst.replay(row["id"])
        except InputError as exc:
            self.notice = one_line(exc)
            return None
        return Session(attempt, row["trainee_id"], row["mode"]), row

    def open_debrief(self) -> None:
        found = self._rebuild()
        if found is None:
            return
        session, row = found
        self.app.go(
            debrief_screen(session.attempt.scenario),
            session=session,
            mode=mode_by_id(row["mode"]),
            stored=row,
            back=lambda: self.app.replace(self),
        )

    def open_replay(self) -> None:
        found = self._rebuild()
        if found is None:
            return
        if found[0].attempt.scenario.kind == "nursing":  # no needle to replay: the care log
            self.open_debrief()
            return
        self.app.open("replay", session=found[0])

    # ---------------------------------------------------------------- input
    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.MOUSEMOTION:
            self.hover = event.pos
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            return self._click(event.pos, event.dict.get("clicks", 1))
        if event.type != pygame.KEYDOWN:
            return False
        k = event.key
        if k == pygame.K_ESCAPE:
            self.sign_out()
        elif k in (pygame.K_1, pygame.K_2, pygame.K_3):
            self.tab = k - pygame.K_1
        elif k == pygame.K_TAB:
            self.tab = (self.tab + (-1 if event.mod & pygame.KMOD_SHIFT else 1)) % len(TABS)
        elif self.tab == 2:
            self.setup.key(event)
        elif k in (pygame.K_UP, pygame.K_DOWN):
            step = -1 if k == pygame.K_UP else 1
            if self.tab == 0 and self.cohort:
                self.cohort_sel = (self.cohort_sel + step) % len(self.cohort)
            elif self.tab == 1 and self.attempts:
                self.attempt_sel = (self.attempt_sel + step) % len(self.attempts)
        elif k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            if self.tab == 0:
                self.show_trainee()
            else:
                self.open_debrief()
        elif k == pygame.K_p and self.tab == 1:
            self.open_replay()
        elif k == pygame.K_a and self.tab == 1:
            self.trainee_filter = None
            self.refresh()
        return True

    def _click(self, pos, clicks: int) -> bool:
        if self.out_btn.hit(pos):
            self.sign_out()
            return True
        for i, b in enumerate(self.tab_buttons):
            if b.hit(pos):
                self.tab = i
                return True
        if self.tab == 2:
            return self.setup.click(pos)
        if self.box.collidepoint(pos) and pos[1] >= FIRST_Y:
            rows = self.cohort if self.tab == 0 else self.attempts
            sel = self.cohort_sel if self.tab == 0 else self.attempt_sel
            i = first_row(sel, len(rows)) + (pos[1] - FIRST_Y) // ROW_H
            if 0 <= i < len(rows):
                again = i == sel and clicks >= 2
                if self.tab == 0:
                    self.cohort_sel = i
                    if again:
                        self.show_trainee()
                else:
                    self.attempt_sel = i
                    if again:
                        self.open_debrief()
        return True

    # ---------------------------------------------------------------- draw
    def draw(self, p: Painter) -> None:
        w = p.width
        with p.area(pygame.Rect(14, 12, self.out_btn.rect.x - 30, 56), "header"):
            r = p.text(_("Instructor"), (20, 18), theme.TITLE, bold=True)
            p.text(
                _("Results stay locked: this view reads them, it cannot change them."),
                (r.right + 20, r.bottom - 6),
                theme.SMALL,
                theme.TEXT_DIM,
                anchor="bottomleft",
                max_width=self.out_btn.rect.x - 20 - (r.right + 20),
            )
        self.out_btn.draw(p, hover=self.out_btn.rect.collidepoint(self.hover))
        for i, b in enumerate(self.tab_buttons):
            b.focused = i == self.tab
            b.draw(p, hover=b.rect.collidepoint(self.hover))
        box = self.box
        with p.panel(box, name="instructor " + TABS[self.tab]):  # a name, not shown
            if self.tab == 0:
                self._draw_cohort(p)
                keys = _(
                    "Up/Down: trainee   Enter: their attempts   Tab or 1-3: tabs   Esc: sign out"
                )
            elif self.tab == 1:
                self._draw_attempts(p)
                keys = _(
                    "Up/Down: attempt   Enter: debrief   P: replay   A: all trainees   "
                    "Tab or 1-3: tabs   Esc: sign out"
                )
            else:
                self.setup.draw(p, box)
                keys = _(
                    "Up/Down: row   Space: tick   Left/Right: change   Enter: create   "
                    "Esc: sign out"
                )
        with p.area(pygame.Rect(14, box.bottom + 6, w - 28, p.height - box.bottom - 8), "footer"):
            if self.notice:
                p.text(self.notice, (20, 646), theme.BODY, theme.VERMILLION, max_width=w - 40)
            p.text(keys, (20, 690), theme.SMALL, theme.TEXT_DIM, max_width=w - 40)

    def _columns(self, cols) -> list[tuple[str, int, int]]:
        """(label, x, width) of each column, the offsets stretched to the table's width."""
        box = self.box
        k = (box.width - 32) / TABLE_W
        xs = [box.x + 16 + round(dx * k) for _label, dx in cols] + [box.right - 16]
        return [(_(label), xs[i], xs[i + 1] - xs[i] - 12) for i, (label, _dx) in enumerate(cols)]

    def _header(self, p: Painter, cols) -> None:
        for label, x, width in self._columns(cols):
            p.text(label, (x, HEAD_Y), theme.SMALL, theme.SKY_BLUE, bold=True, max_width=width)
        box = self.box
        p.line(theme.PANEL_EDGE, (box.x + 10, FIRST_Y - 6), (box.right - 10, FIRST_Y - 6))

    def _rows(self, p: Painter, cols, rows: list[list[str]], sel: int, colours=None) -> None:
        box = self.box
        start = first_row(sel, len(rows))
        placed = self._columns(cols)
        for n, i in enumerate(range(start, min(len(rows), start + VISIBLE))):
            y = FIRST_Y + n * ROW_H
            r = pygame.Rect(box.x + 6, y - 2, box.width - 12, ROW_H - 2)
            if i == sel:
                p.rect((30, 70, 110), r, radius=4)
                p.rect(theme.FOCUS, r, 2, radius=4)
            colour = colours[i] if colours else theme.TEXT
            for (_label, x, width), value in zip(placed, rows[i], strict=True):
                p.text(  # free data (ids, names) may be longer than a column
                    value,
                    (x, r.centery),
                    theme.BODY,
                    colour,
                    anchor="midleft",
                    max_width=width,
                    may_shorten=True,
                )
        if len(rows) > VISIBLE:
            p.text(
                _("{first}-{last} of {total}").format(
                    first=start + 1, last=min(len(rows), start + VISIBLE), total=len(rows)
                ),
                (box.right - 12, box.bottom - 24),
                theme.SMALL,
                theme.TEXT_DIM,
                anchor="topright",
            )

    def _draw_cohort(self, p: Painter) -> None:
        self._header(p, COHORT_COLS)
        if not self.cohort:
            p.text(_("No trainees yet."), (self.box.x + 16, FIRST_Y), theme.BODY, theme.TEXT_DIM)
            return
        rows = [
            [
                shown_trainee(r["trainee_id"]) + (f" ({r['name']})" if r.get("name") else ""),
                r.get("cohort") or "-",
                str(r["attempts"]),
                str(r["incomplete"]),
                pct(r["best_score"]),
                pct(r["last_score"]),
                pass_rate(r),
                str(r["critical_errors"]),
            ]
            for r in self.cohort
        ]
        self._rows(p, COHORT_COLS, rows, self.cohort_sel)

    def _draw_attempts(self, p: Painter) -> None:
        self._header(p, ATTEMPT_COLS)
        box = self.box
        if self.trainee_filter:
            p.text(
                _("only {trainee} (A: all)").format(trainee=self.trainee_filter),
                (box.right - 16, HEAD_Y),
                theme.SMALL,
                theme.YELLOW,
                anchor="topright",
            )
        if not self.attempts:
            p.text(_("No attempts stored."), (box.x + 16, FIRST_Y), theme.BODY, theme.TEXT_DIM)
            return
        rows = [
            [
                str(a["started"])[:16].replace("T", " "),
                shown_trainee(a["trainee_id"]),
                self.titles.get(a["scenario_id"], a["scenario_id"]),
                _(a["mode"]),
                _("unfinished") if a["status"] == "incomplete" else _(a["status"]),
                score_text(a),
                result_text(a),
            ]
            for a in self.attempts
        ]
        colours = [
            theme.TEXT_DIM
            if a["status"] == "incomplete"
            else {True: theme.GOOD, False: theme.ORANGE}.get(a.get("passed"), theme.TEXT)
            for a in self.attempts
        ]
        self._rows(p, ATTEMPT_COLS, rows, self.attempt_sel, colours)
