"""The instructor's door: a masked passphrase entry (or, on a new station, setting one).

A wrong passphrase is refused with the same words every time and no hint (after three in a row,
only how long to wait).  When no passphrase is set yet, the instructor chooses one here (typed
twice, at least 8 characters); ``sim.records`` derives the instructor key from it and writes the
key file outside the data folder (``python -m sim instructor init`` does the same from a
terminal; docs/records.md).
"""

from __future__ import annotations

import pygame
import pygame_gui

from sim.errors import InputError
from sim.i18n import N_, _
from sim.records.authority import PassphraseRefused, PassphraseThrottled
from sim.records.roles import instructor_records
from sim.trainer.station import one_line
from sim.ui import theme
from sim.ui.render import Button, Painter
from sim.ui.screens.base import View

REFUSED = N_("Passphrase refused.")
FIELD_W = 420


class InstructorLoginView(View):
    name = "instructor_login"
    uses_gui = True

    def __init__(self, app) -> None:
        super().__init__(app)
        store = app.records.store
        self.store = store
        self.setting_up = store is not None and not store.has_passphrase()
        self.entries: list[pygame_gui.elements.UITextEntryLine] = []
        self.notice = ""
        self.notice_colour = theme.VERMILLION
        self.ok_btn = Button(
            label=N_("Set passphrase") if self.setting_up else N_("Sign in"), key_hint="Enter"
        )
        self.back_btn = Button(label=_("Back to launcher"), key_hint="Esc")
        self.hover = (0, 0)

    def layout(self, size: tuple[int, int]) -> None:
        w, _h = size
        self.box = pygame.Rect(w // 2 - 260, 170, 520, 380)
        x = self.box.x + 50
        self.field_rects = [pygame.Rect(x, 336 + i * 76, FIELD_W, 44) for i in range(2)]
        self.ok_btn.rect = pygame.Rect(x, 480, FIELD_W, 46)
        self.back_btn.rect = pygame.Rect(40, 630, 220, 46)
        for e, r in zip(self.entries, self.field_rects, strict=False):
            self.app.place(e, r)

    # ---------------------------------------------------------------- gui
    def on_enter(self) -> None:
        if self.store is None:
            return
        n = 2 if self.setting_up else 1
        for i in range(n):
            e = pygame_gui.elements.UITextEntryLine(
                self.app.gui_rect(self.field_rects[i]), self.app.gui
            )
            e.set_text_hidden(True)
            e.set_text_length_limit(128)
            self.entries.append(e)
        self._focus(0)

    def _focus(self, i: int) -> None:
        """Give field ``i`` the keyboard through the manager, which takes it from the other
        field (``entry.focus()`` alone leaves both marked focused, two cursors blinking)."""
        self.app.gui.set_focus_set(self.entries[i])

    def on_exit(self) -> None:
        for e in self.entries:
            e.kill()
        self.entries = []

    # ---------------------------------------------------------------- actions
    def back(self) -> None:
        self.app.go("launcher")

    def submit(self) -> None:
        if self.store is None or not self.entries:
            return
        first = self.entries[0].get_text()
        if self.setting_up:
            second = self.entries[1].get_text()
            if first != second:
                self._refuse(_("The two passphrases differ; nothing was changed."))
                return
            try:
                self.store.set_passphrase(first)
            except InputError as exc:
                self._refuse(one_line(exc) + ".")
                return
        try:
            inst = instructor_records(self.store, first)
        except PassphraseThrottled as exc:  # says how long to wait, nothing more
            self._refuse(one_line(exc) + ".")
            return
        except PassphraseRefused:
            self._refuse(_(REFUSED))
            return
        except InputError as exc:  # the instructor key file is missing or unreadable
            self._refuse(one_line(exc) + ".")
            return
        self.app.go("instructor", inst=inst)

    def _refuse(self, text: str) -> None:
        self.notice = text
        for e in self.entries:
            e.set_text("")
        if self.entries:
            self._focus(0)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
            i = self.entries.index(event.ui_element) if event.ui_element in self.entries else 0
            if i + 1 < len(self.entries):
                self._focus(i + 1)
            else:
                self.submit()
            return True
        if event.type == pygame.MOUSEMOTION:
            self.hover = event.pos
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self.ok_btn.hit(event.pos):
                self.submit()
            elif self.back_btn.hit(event.pos):
                self.back()
            return True
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                self.back()
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.submit()
            elif event.key == pygame.K_TAB and self.entries:
                focused = [e.is_focused for e in self.entries]
                i = focused.index(True) if True in focused else -1
                self._focus((i + 1) % len(self.entries))
            return True
        return False

    # ---------------------------------------------------------------- draw
    def redraw_key(self) -> object:
        """The fields' blinking cursors (typing is input anyway)."""
        return tuple((len(e.get_text()), getattr(e, "cursor_on", False)) for e in self.entries)

    def draw(self, p: Painter) -> None:
        w = p.width
        with p.area(pygame.Rect(30, 14, w - 60, 100), "header"):
            p.text(_("Instructor"), (40, 24), theme.TITLE, bold=True)
            p.text(
                _("Assessments, the cohort's results, and any attempt's debrief and replay."),
                (40, 76),
                theme.BODY,
                theme.TEXT_DIM,
                max_width=w - 80,
            )
        box = self.box
        x = box.x + 50
        with p.panel(box, name="passphrase"):
            if self.store is None:
                p.paragraph(
                    self.app.records.error or _("Records unavailable."),
                    box.inflate(-40, -60),
                    theme.BODY,
                    theme.VERMILLION,
                )
            elif self.setting_up:
                p.text(
                    _("Set the instructor passphrase"),
                    (x, box.y + 20),
                    theme.LARGE,
                    bold=True,
                    max_width=FIELD_W,
                )
                p.paragraph(
                    _(
                        "No passphrase is set on this station yet. Choose one (at least 8 "
                        "characters) and type it twice. Trainees must not know it."
                    ),
                    pygame.Rect(x, box.y + 56, FIELD_W, 70),
                    theme.SMALL,
                    theme.TEXT_DIM,
                )
                p.text(_("New passphrase"), (x, 312), theme.SMALL, theme.TEXT_DIM)
                p.text(_("Type it again"), (x, 388), theme.SMALL, theme.TEXT_DIM)
            else:
                p.text(_("Sign in"), (x, box.y + 24), theme.LARGE, bold=True)
                p.text(_("Instructor passphrase"), (x, 312), theme.SMALL, theme.TEXT_DIM)
            for e, r in zip(self.entries, self.field_rects, strict=False):
                if e.is_focused:  # the focus ring (drawn under the field)
                    p.rect(theme.FOCUS, r.inflate(8, 8), 2, radius=4)
            if self.store is not None:
                self.ok_btn.draw(p, hover=self.ok_btn.rect.collidepoint(self.hover))
        if self.notice:
            with p.area(pygame.Rect(box.x - 100, 560, box.width + 200, 64), "notice"):
                y = 566
                for line in p.fonts.wrap(self.notice, theme.BODY, box.width + 180)[:2]:
                    p.text(line, (box.centerx, y), theme.BODY, self.notice_colour, anchor="midtop")
                    y += 26
        self.back_btn.draw(p, hover=self.back_btn.rect.collidepoint(self.hover))
        with p.area(pygame.Rect(30, 684, w - 60, 30), "footer"):
            p.text(
                _("Tab: next field   Enter: confirm   Esc: back   (the passphrase is never shown)"),
                (40, 704),
                theme.SMALL,
                theme.TEXT_DIM,
                anchor="bottomleft",
                max_width=w - 80,
            )
