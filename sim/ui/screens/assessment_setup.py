"""The instructor's assessment set-up: which scenarios, the passing standard, attempts allowed
and the length (the whole case, or its skills-lab length: sim/scenario/length.py).

Keyboard: Up/Down choose a row, Space ticks a scenario, Left/Right change the standard (1 %;
Shift: 5 %), the attempts or the length, Enter (on any row) creates the assessment, and the
result (or why nothing was created) is said on screen.  Creating one closes the assessments
that were open before, so trainees see exactly one.
Scenarios are shown by title, never by file id; a school's own scenarios (``scenarios add``,
the data folder, MARROWSIM_SCENARIO_PATH) are listed beside the shipped ones, marked
"school-made".
"""

from __future__ import annotations

from datetime import date

import pygame

from sim.errors import InputError
from sim.i18n import N_, _, ngettext
from sim.scenario.length import LABELS, at_length
from sim.trainer.station import one_line
from sim.ui import theme
from sim.ui.render import Painter

#: A mastery standard is high: 88-98 % in the CVC studies (simulators-and-standards.md §6).
DEFAULT_PASSING = 90.0
ROW_H = 30
#: sim.scenario.length.LABELS, for the translation catalogue (shown as ``_(LABELS[...])``)
LENGTH_WORDS = (N_("full length"), N_("skills-lab length"))
#: a scenario's difficulty (sim.scenario.schema), shown as ``_(difficulty)``
DIFFICULTY_WORDS = (N_("introductory"), N_("core"), N_("advanced"))


def length_label(length: str) -> str:
    return _(LABELS[length])


class AssessmentSetup:
    """State and drawing of the set-up panel; ``inst`` is ``sim.records.InstructorRecords``."""

    def __init__(self, inst, scenarios: list, school: set[str] | frozenset[str] = frozenset()):
        self.inst = inst
        self.scenarios = scenarios  # sim.scenario.model.Scenario, in library order
        self.school = set(school)  # the ids of the school's own scenarios
        self.ticked: set[str] = set()
        self.passing = DEFAULT_PASSING
        self.attempts = 1
        self.length = "full"
        self.row = 0
        self.notice = ""
        self.notice_ok = True
        self.rects: list[tuple[pygame.Rect, int]] = []  # (where, which row) as last drawn

    @property
    def n_rows(self) -> int:
        return len(self.scenarios) + 4  # scenarios, standard, attempts, length, create

    def active(self) -> list[dict]:
        return [a for a in self.inst.assessments() if a["active"]]

    def title(self, scenario_id: str) -> str:
        """A scenario's title (its id if it is not on this station)."""
        return next((s.text("title") for s in self.scenarios if s.id == scenario_id), scenario_id)

    # ---------------------------------------------------------------- actions
    def _row_kind(self) -> str:
        n = len(self.scenarios)
        if self.row < n:
            return "scenario"
        return ("passing", "attempts", "length", "create")[self.row - n]

    def toggle(self, i: int) -> None:
        sid = self.scenarios[i].id
        self.ticked ^= {sid}

    def change(self, step: int, big: bool) -> None:
        kind = self._row_kind()
        if kind == "passing":
            self.passing = min(100.0, max(50.0, self.passing + step * (5 if big else 1)))
        elif kind == "attempts":
            self.attempts = min(10, max(1, self.attempts + step))
        elif kind == "length":
            self.length = "skills_lab" if self.length == "full" else "full"

    def create(self) -> dict | None:
        chosen = [s.id for s in self.scenarios if s.id in self.ticked]
        if not chosen:
            self.notice = _("Nothing created: tick at least one scenario first (Space).")
            self.notice_ok = False
            return None
        before = self.active()
        name = _("Assessment {date}").format(date=date.today().isoformat())
        try:
            for s in self.scenarios:  # a nursing case has no harvest to shorten
                if s.id in self.ticked:
                    at_length(s, self.length)
            made = self.inst.create_assessment(
                chosen, self.passing, self.attempts, name, self.length
            )
        except InputError as exc:
            self.notice, self.notice_ok = _("Nothing created: ") + one_line(exc), False
            return None
        for a in before:
            self.inst.close_assessment(a["id"])
        n, tries = len(chosen), self.attempts
        self.notice = (  # the panel on the right lists it as what trainees get
            ngettext("Created and open: {n} scenario", "Created and open: {n} scenarios", n)
            + ", "
            + ngettext(
                "pass at {passing:g} %, {tries} attempt each, {length}.",
                "pass at {passing:g} %, {tries} attempts each, {length}.",
                tries,
            )
        ).format(n=n, passing=self.passing, tries=tries, length=length_label(self.length))
        self.notice_ok = True
        return made

    def key(self, event: pygame.event.Event) -> bool:
        k = event.key
        if k in (pygame.K_UP, pygame.K_DOWN):
            self.row = (self.row + (-1 if k == pygame.K_UP else 1)) % self.n_rows
        elif k == pygame.K_SPACE and self._row_kind() == "scenario":
            self.toggle(self.row)
        elif k in (pygame.K_LEFT, pygame.K_RIGHT):
            self.change(-1 if k == pygame.K_LEFT else 1, bool(event.mod & pygame.KMOD_SHIFT))
        elif k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.create()  # from any row, as the footer says; Space ticks
        else:
            return False
        return True

    def click(self, pos) -> bool:
        for r, i in self.rects:
            if r.collidepoint(pos):
                self.row = i
                kind = self._row_kind()
                if kind == "scenario":
                    self.toggle(i)
                elif kind == "create":
                    self.create()
                elif kind in ("passing", "attempts", "length"):
                    self.change(1 if pos[0] > r.centerx else -1, False)
                return True
        return False

    # ---------------------------------------------------------------- draw
    def draw(self, p: Painter, box: pygame.Rect) -> None:
        x, y = box.x + 16, box.y + 14
        p.text(_("New assessment"), (x, y), theme.LARGE, bold=True)
        y += 40
        p.text(_("Scenarios (Space ticks)"), (x, y), theme.SMALL, theme.TEXT_DIM, bold=True)
        y += 26
        self.rects = []
        width = min(840, box.width - 48 - 320)  # the rest (at least 320) lists what is open
        # as many scenario rows as leave room for the four settings and a two-line notice;
        # a longer library (school scenarios too) scrolls with the selected row
        room = (box.bottom - y - 10 - 4 * (ROW_H + 8) - 44) // ROW_H
        first, last = self._window(max(3, room))
        if first > 0:
            p.text(
                _("^ {n} more above").format(n=first),
                (x + width, y - 26),
                theme.SMALL,
                theme.YELLOW,
                anchor="topright",
            )
        for i, s in enumerate(self.scenarios[first:last], start=first):
            r = pygame.Rect(x, y, width, ROW_H - 2)
            self._row_bg(p, r, i)
            tick = "[x]" if s.id in self.ticked else "[  ]"
            school = s.id in self.school
            d = p.text(
                (_("school-made") + "  ·  " if school else "") + _(s.difficulty),
                (r.right - 8, r.centery),
                theme.SMALL,
                theme.YELLOW if school else theme.TEXT_DIM,
                anchor="midright",
            )
            p.text(
                f"{tick}  {s.text('title')}",
                (r.x + 8, r.centery),
                theme.BODY,
                anchor="midleft",
                max_width=d.x - 12 - (r.x + 8),
            )
            self.rects.append((r, i))
            y += ROW_H
        if last < len(self.scenarios):
            p.text(
                _("v {n} more below").format(n=len(self.scenarios) - last),
                (x + width, y - 4),
                theme.SMALL,
                theme.YELLOW,
                anchor="topright",
            )
        y += 10
        n = len(self.scenarios)
        rows = (
            (
                _("Passing standard:  < {passing:g} % >").format(passing=self.passing),
                _("Left/Right (Shift: 5 %)"),
            ),
            (
                _("Attempts allowed per scenario:  < {n} >").format(n=self.attempts),
                _("Left/Right"),
            ),
            (_("Length:  < {length} >").format(length=length_label(self.length)), _("Left/Right")),
            (_("Create this assessment"), _("Enter")),
        )
        for j, (label, hint) in enumerate(rows):
            r = pygame.Rect(x, y, width, ROW_H + 4)
            self._row_bg(p, r, n + j)
            bold = j == len(rows) - 1
            h = p.text(
                hint, (r.right - 8, r.centery), theme.SMALL, theme.TEXT_DIM, anchor="midright"
            )
            p.text(
                label,
                (r.x + 8, r.centery),
                theme.BODY,
                theme.YELLOW if bold else theme.TEXT,
                bold=bold,
                anchor="midleft",
                max_width=h.x - 12 - (r.x + 8),
            )
            self.rects.append((r, n + j))
            y += ROW_H + 8
        if self.notice:
            p.paragraph(
                self.notice,
                pygame.Rect(x, y + 4, width, box.bottom - y - 8),
                theme.SMALL,
                theme.GOOD if self.notice_ok else theme.VERMILLION,
                bold=True,
            )
        ax = x + width + 24
        self._draw_active(p, pygame.Rect(ax, box.y + 14, box.right - 16 - ax, box.height - 28))

    def _window(self, rows: int) -> tuple[int, int]:
        """The scenario rows shown: all when they fit, else ``rows`` around the selected one."""
        n = len(self.scenarios)
        if n <= rows:
            return 0, n
        first = max(0, min(min(self.row, n - 1) - rows // 2, n - rows))
        return first, first + rows

    def _row_bg(self, p: Painter, r: pygame.Rect, i: int) -> None:
        if i == self.row:
            p.rect((30, 70, 110), r, radius=4)
            p.rect(theme.FOCUS, r, 2, radius=4)

    def _draw_active(self, p: Painter, box: pygame.Rect) -> None:
        with p.panel(box, _("Open now (what trainees get)")):
            self._draw_active_list(p, box)

    def _draw_active_list(self, p: Painter, box: pygame.Rect) -> None:
        y = box.y + 32
        active = self.active()
        if not active:
            p.paragraph(
                _("None. Assessment mode offers nothing until one is created."),
                pygame.Rect(box.x + 12, y, box.width - 24, 80),
                theme.SMALL,
                theme.ORANGE,
            )
            return
        for a in active[-3:]:
            p.text(a["name"], (box.x + 12, y), theme.BODY, bold=True, max_width=box.width - 24)
            y += 26
            y = p.paragraph(
                ngettext(
                    "pass at {passing:g}%  ·  {n} attempt each  ·  {length}",
                    "pass at {passing:g}%  ·  {n} attempts each  ·  {length}",
                    a["attempts_allowed"],
                ).format(
                    passing=a["passing"],
                    n=a["attempts_allowed"],
                    length=length_label(a.get("length", "full")),
                ),
                pygame.Rect(box.x + 12, y, box.width - 24, box.bottom - y),
                theme.SMALL,
                theme.TEXT,
            )
            y = (
                p.paragraph(
                    ", ".join(self.title(s) for s in a["scenarios"]),
                    pygame.Rect(box.x + 12, y, box.width - 24, box.bottom - y),
                    theme.SMALL,
                    theme.TEXT_DIM,
                )
                + 10
            )
