"""The nursing screen: a nurse's care of the donor after the harvest, in its own mode.

Opened in place of the harvest's procedure screen when the scenario's kind is "nursing".  It
shows the donor on the recovery trolley (how she lies, the dressing), her lower back close up
(each puncture with its pressure, Steri-Strip, dressing, bleeding or haematoma), the bedside
monitor (ECG and pleth sweeping, NIBP, SpO2, RR, temperature; numbers outside the scenario's
limits alarm), the event text and a care panel with only the nursing actions, in five groups.

Input becomes the same commands a script sends (``sim.trainer.care``): a group's number then an
action's number (or two clicks).  An action that needs a value (the fever threshold to teach)
opens a number field in the care panel: digits, then Enter.  Nothing here keeps state the event
log does not: the picture is ``sim.trainer.recovery.recovery_picture`` of the log.

The waveforms animate, but the window does not redraw as a whole for them: at rest only the
monitor (and the clock's corner of the top bar) is drawn, ``SWEEP_HZ`` times a second.
"""

from __future__ import annotations

import re

import pygame

from sim.i18n import N_, _
from sim.run.actions import command_from_obj
from sim.trainer.care import (
    GROUP_LABELS,
    GROUPS,
    WAIT_PROMPT,
    CareAction,
    ValuePrompt,
    care_menu,
    parse_value,
    wait_command,
)
from sim.trainer.care_log import care_log, clock_text
from sim.trainer.coaching import nursing_warnings
from sim.trainer.debrief import score
from sim.trainer.modes import Mode
from sim.trainer.recovery import POSITION_WORDS, RecoveryPicture, recovery_picture, sites_summary
from sim.trainer.session import Session
from sim.ui import theme
from sim.ui.art import recovery
from sim.ui.art.monitor import SWEEP_HZ, draw_monitor, flash_on, waves_rect
from sim.ui.layout import nursing_layout
from sim.ui.render import Button, Painter
from sim.ui.screens.base import View

NUMBER_KEYS = {
    **{getattr(pygame, f"K_{i}"): i for i in range(1, 10)},
    **{getattr(pygame, f"K_KP{i}"): i for i in range(1, 10)},
}
TAB_W = 136
ROW_H = 32
ROW_GAP = 4
KIND_COLOURS = {
    "good": theme.GOOD,
    "warn": theme.ORANGE,
    "danger": theme.VERMILLION,
    "time": theme.SKY_BLUE,
}


#: F1 on the nursing screen: its own controls (the help overlay lists these).
NURSING_CONTROLS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        N_("Anywhere"),
        (
            ("F1", N_("this help")),
            ("Esc", N_("back out of a choice; else pause (resume, help, quit)")),
            ("F11", N_("fullscreen")),
            ("Ctrl+Q", N_("quit (asks first during an attempt)")),
        ),
    ),
    (
        N_("Care panel"),
        (
            ("1-5", N_("a group: assess, intervene, teach, escalate, document")),
            (N_("then 1-9"), N_("an action of that group (or click the tab, then the action)")),
            (
                N_("then 1-9"),
                N_("an option, when the action has them (which puncture, position, drug)"),
            ),
            (
                N_("digits, Enter"),
                N_("a value the action asks for (the fever threshold, 35-42 °C)"),
            ),
            (N_("arrows"), N_("the previous or next group")),
            ("W", N_("let time pass: type the minutes, Enter")),
            (N_("5, last"), N_("finish: sign the record and open the nursing debrief")),
        ),
    ),
    (
        N_("What you see"),
        (
            (N_("trolley"), N_("how she lies; the dressing on her lower back when prone")),
            (
                N_("close up"),
                N_("each puncture by its number: pressure, strip, dressing, bleeding"),
            ),
            (N_("monitor"), N_("a number outside the scenario's limits turns red and flashes")),
            (
                N_("events"),
                N_("what happened, at the simulated time; '15 minutes later' is +15:00"),
            ),
        ),
    ),
)


class NursingView(View):
    name = "nursing"
    help_controls = NURSING_CONTROLS

    def __init__(self, app, session: Session, mode: Mode, *, notice: str = "") -> None:
        super().__init__(app)
        self.session = session
        self.mode = mode
        self.notice = notice
        sc = session.attempt.scenario
        self.words = sc.words()  # the scenario's texts in the trainer's language
        self.menu = care_menu(sc)
        self.group = 0  # the group shown
        self.armed = False  # a group's number was pressed: the next number is an action
        self.asking: CareAction | None = None  # the action whose value is being typed
        self.choosing: CareAction | None = None  # the action whose option is being chosen
        self.waiting = False  # the minutes to let pass are being typed
        self.typed = ""
        self.anim_s = 0.0
        self.hover = (0, 0)
        self.tabs = [
            Button(label=GROUP_LABELS[g], key_hint=str(i + 1), action=g)
            for i, g in enumerate(GROUPS)
        ]
        self.rows: list[Button] = []
        self.wait_btn = Button(label=N_("Wait"), key_hint="W")
        self._alarms_heard: set[str] = set()
        self._monitor_only = False
        self._picture_at = -1
        self._picture: RecoveryPicture | None = None
        self.lay = nursing_layout(app.canvas_size)
        clinic = sc.care is not None and sc.care.phase == "next_day"
        session.say(
            _("The clinic. 1-5 chooses a group of care, then 1-9 an action (or click them).")
            if clinic
            else _("Recovery. 1-5 chooses a group of care, then 1-9 an action (or click them).")
        )
        if notice:
            session.say(notice, "warn")

    # ---------------------------------------------------------------- layout
    def layout(self, size: tuple[int, int]) -> None:
        self.lay = lay = nursing_layout(size)
        care = lay.care
        y = care.y + 36
        for tab in self.tabs:
            tab.rect = pygame.Rect(care.x + 10, y, TAB_W, ROW_H + 6)
            y += ROW_H + 6 + ROW_GAP
        self._rows_for_group()

        self.wait_btn.rect = pygame.Rect(care.x + 10, care.bottom - 10 - ROW_H, TAB_W, ROW_H)

    def _rows_for_group(self) -> None:
        """The buttons right of the tabs: the group's actions, or the chosen action's options."""
        care = self.lay.care
        x = care.x + 10 + TAB_W + 10
        w = care.right - 10 - x
        if self.prompt is not None:
            labels = []  # the number field takes their place
        elif self.choosing is not None:
            labels = [ch.label for ch in self.choosing.choices]
        else:
            labels = [a.label for a in self.actions]
        y0 = care.y + 36 + (ROW_H if self.choosing is not None else 0)
        self.rows = [
            Button(pygame.Rect(x, y0 + i * (ROW_H + ROW_GAP), w, ROW_H), label, str(i + 1))
            for i, label in enumerate(labels)
        ]

    @property
    def actions(self) -> list[CareAction]:
        return self.menu.groups[GROUPS[self.group]]

    # ---------------------------------------------------------------- state
    @property
    def attempt_in_progress(self) -> bool:
        return not self.session.ended

    def picture(self) -> RecoveryPicture:
        """The donor as the core has her now (rebuilt only when the event log grows)."""
        s = self.session
        n = len(s.sim.events)
        if self._picture is None or n != self._picture_at:
            nursing = s.attempt.nursing
            self._picture = recovery_picture(nursing.state() if nursing is not None else {})
            self._picture_at = n
        return self._picture

    # ---------------------------------------------------------------- commands
    def choose_group(self, index: int) -> None:
        self.group = index
        self.armed = True
        self.asking = self.choosing = None
        self.waiting = False
        self._rows_for_group()

    def run(self, action: CareAction) -> None:
        """The action's second input: send its command, or ask for its option or its value."""
        self.armed = False
        self.waiting = False
        if action.choices:
            self.choosing = action
            self._rows_for_group()
            return
        if action.value is not None:
            self.asking, self.typed = action, ""
            self._rows_for_group()
            return
        if action.command["do"] == "end":
            self.confirm_end()
            return
        self.submit(action.build())

    def choose(self, index: int) -> None:
        """The option ``index`` (from 0) of the action being chosen: send it."""
        action = self.choosing
        if action is None or not 0 <= index < len(action.choices):
            return
        self.choosing = None
        self._rows_for_group()
        self.submit(action.build(choice=index))

    def cancel(self) -> None:
        self.asking = self.choosing = None
        self.waiting = self.armed = False
        self.typed = ""
        self._rows_for_group()

    def ask_wait(self) -> None:
        self.cancel()
        self.waiting = True
        self._rows_for_group()

    @property
    def prompt(self) -> ValuePrompt | None:
        if self.waiting:
            return WAIT_PROMPT
        return self.asking.value if self.asking is not None else None

    def submit_value(self) -> None:
        prompt = self.prompt
        if prompt is None:
            return
        value, why = parse_value(self.typed, prompt)
        if value is None:
            self.session.say(why, "warn")
            return
        action, waiting = self.asking, self.waiting
        self.cancel()
        if waiting:
            self.submit(wait_command(value))
        elif action is not None:
            self.submit(action.build(value))

    def submit(self, command: dict) -> None:
        try:
            cmd = command_from_obj(command, path="care", line=0)
        except Exception as exc:  # a command this build refuses: say why, change nothing
            self.session.say(str(exc).splitlines()[0], "warn")
            return
        events = self.session.submit(cmd)
        if events is not None and not any(e.get("message") for e in events):
            self.session.say("")

    def confirm_end(self) -> None:
        self.app.open(
            "confirm",
            title=_("Finish care?"),
            detail=_("The care record is signed and the nursing debrief opens."),
            on_yes=self.end,
        )

    def end(self) -> None:
        self.session.finish()
        if not self.session.ended:
            return
        if self.session.recording is not None:
            self.session.recording.finish(score(self.session.attempt)[0])
        self.app.go("nursing_debrief", session=self.session, mode=self.mode)

    # ---------------------------------------------------------------- input
    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            return self._key(event)
        if event.type == pygame.MOUSEMOTION:
            self.hover = event.pos
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for i, tab in enumerate(self.tabs):
                if tab.hit(event.pos):
                    self.choose_group(i)
                    return True
            for i, row in enumerate(self.rows):
                if row.hit(event.pos):
                    if self.choosing is not None:
                        self.choose(i)
                    else:
                        self.run(self.actions[i])
                    return True
            if self.wait_btn.hit(event.pos):
                self.ask_wait()
                return True
        return False

    def _key(self, event: pygame.event.Event) -> bool:
        if self.prompt is not None:
            return self._typing(event)
        if event.key == pygame.K_ESCAPE:
            if self.armed or self.choosing is not None:
                self.cancel()
                return True
            self.app.open("pause")
            return True
        if event.key == pygame.K_w:
            self.ask_wait()
            return True
        n = NUMBER_KEYS.get(event.key)
        if n is not None and self.choosing is not None:
            self.choose(n - 1)
            return True
        if n is None:
            if event.key in (pygame.K_LEFT, pygame.K_RIGHT, pygame.K_UP, pygame.K_DOWN):
                step = 1 if event.key in (pygame.K_RIGHT, pygame.K_DOWN) else -1
                self.choose_group((self.group + step) % len(GROUPS))
                return True
            return False
        if not self.armed:
            if n <= len(GROUPS):
                self.choose_group(n - 1)
            return True
        action = self.menu.at(self.group + 1, n)
        if action is not None:
            self.run(action)
        return True

    def _typing(self, event: pygame.event.Event) -> bool:
        if event.key == pygame.K_ESCAPE:
            self.cancel()
        elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.submit_value()
        elif event.key == pygame.K_BACKSPACE:
            self.typed = self.typed[:-1]
        else:
            ch = event.unicode or _key_char(event.key)
            if ch and (ch.isdigit() or ch in ".,") and len(self.typed) < 5:
                self.typed += ch
        return True

    # ---------------------------------------------------------------- time
    def fixed_update(self, dt_s: float) -> None:
        self.session.idle(dt_s)

    def update(self, dt_s: float) -> None:
        self.anim_s += dt_s
        alarms = set(self.picture().alarms)
        if alarms - self._alarms_heard:
            self.app.sounds.play("alarm")
        self._alarms_heard = alarms

    def on_exit(self) -> None:
        self.session.flush_idle()

    # ---------------------------------------------------------------- redraw
    def _tick(self) -> int:
        return int(self.anim_s * SWEEP_HZ)

    def redraw_key(self) -> object:
        """The monitor's sweep (a few times a second); its alarm's flash and the clock's
        second; then what changes the rest of the screen: events, the message, the recording's
        problem, the reminders."""
        s = self.session
        rec = s.recording
        alarming = bool(self._picture.alarms) if self._picture is not None else False
        return (
            self._tick(),
            alarming and flash_on(self.anim_s),
            int(s.clock_s),
            len(s.sim.events),
            s.message,
            s.message_kind,
            rec.error if rec is not None else "",
            tuple(self._reminders()) if self.mode.shows_hints else (),
        )

    def changed_region(self) -> pygame.Rect | None:
        """Only the traces swept on: their strip of the monitor.  The flash or the clock's
        second too: the monitor and the clock's corner.  Anything else: the whole screen."""
        old, new = self._drawn_key, self.redraw_key()
        if old is None or old[3:] != new[3:]:
            return None
        self._monitor_only = True
        lay = self.lay
        if old[1:3] != new[1:3]:
            return lay.clock.union(lay.monitor)
        return waves_rect(lay.monitor)

    def mark_drawn(self) -> None:
        super().mark_drawn()
        self._monitor_only = False

    # ---------------------------------------------------------------- draw
    def draw(self, p: Painter) -> None:
        pic = self.picture()
        lay = self.lay
        if self._monitor_only:  # the rest of the window is as it was drawn
            p.fill(theme.BG, lay.clock)
            self._draw_clock(p)
            self._draw_monitor(p, pic)
            return
        self._draw_top(p)
        self._draw_clock(p)
        self._draw_bedside(p, pic)
        self._draw_monitor(p, pic)
        self._draw_back(p, pic)
        self._draw_log(p)
        self._draw_care(p)
        self._draw_status(p)

    def _draw_top(self, p: Painter) -> None:
        sc = self.session.attempt.scenario
        top = self.lay.top
        with p.area(pygame.Rect(top.x, top.y, self.lay.clock.x - top.x, top.height), "top bar"):
            r = p.text(
                _("Nursing"), (top.x + 14, top.y + 12), theme.BODY, theme.SKY_BLUE, bold=True
            )
            p.text(
                sc.text("title"),
                (r.right + 16, top.y + 12),
                theme.BODY,
                bold=True,
                max_width=self.lay.clock.x - 10 - (r.right + 16),
                may_shorten=True,
            )

    def _draw_clock(self, p: Painter) -> None:
        """The ward clock and the simulated time since the start (both follow the sim clock:
        "fifteen minutes later" moves them on fifteen minutes)."""
        s = self.session
        box = self.lay.clock
        tm = s.attempt.scenario.time
        late = s.clock_s > tm.par_s
        pic = self.picture()
        with p.area(box, "clock"):
            p.text(
                (_(self.mode.label) + "  ·  " + _("ward clock {hhmm}").format(hhmm=pic.clock_now))
                if pic.clock_now
                else _(self.mode.label),
                (box.x + 4, box.centery),
                theme.SMALL,
                theme.TEXT_DIM,
                anchor="midleft",
            )
            p.text(
                "+" + clock_text(s.clock_s),
                (box.right - 14, box.centery),
                theme.LARGE,
                theme.ORANGE if late else theme.TEXT,
                bold=True,
                anchor="midright",
            )

    def _draw_monitor(self, p: Painter, pic: RecoveryPicture) -> None:
        age = None
        if pic.observed_at_s is not None:
            age = max(0.0, self.session.clock_s - pic.observed_at_s) / 60.0
        draw_monitor(p, self.lay.monitor, pic.vitals, pic.alarms, self.anim_s, nibp_age_min=age)

    def _draw_bedside(self, p: Painter, pic: RecoveryPicture) -> None:
        box = self.lay.bedside
        with p.panel(box, name="bedside"):
            with p.clip(box.inflate(-2, -2)):
                recovery.draw_bedside(
                    p,
                    box.inflate(-20, -36).move(0, 14),
                    pic.position,
                    dressing=pic.dressing_on,
                    bleeding=pic.dressing_state in ("ooze", "soaked"),
                    drip=self._drip(),
                )
            bed = _("Clinic couch") if pic.phase == "next_day" else _("Recovery trolley")
            p.text(
                f"{bed}: {_(POSITION_WORDS.get(pic.position, pic.position) or '-')}",
                (box.x + 12, box.y + 8),
                theme.SMALL,
                theme.TEXT,
                bold=True,
            )
            ho = self.session.attempt.scenario.handover
            if ho is not None:
                what = (
                    _("Next-day visit: {n} punctures, {ml:.0f} mL harvested")
                    if pic.phase == "next_day"
                    else _("Handover: {n} punctures, {ml:.0f} mL harvested")
                )
                p.text(
                    what.format(n=ho.skin_sites, ml=ho.collected_ml),
                    (box.right - 12, box.y + 8),
                    theme.SMALL,
                    theme.TEXT_DIM,
                    anchor="topright",
                )
            if pic.pain_score is not None:
                p.text(
                    _("pain {score:.0f}/10").format(score=pic.pain_score),
                    (box.right - 12, box.bottom - 8),
                    theme.SMALL,
                    theme.ORANGE if pic.pain_score > 3 else theme.TEXT,
                    anchor="bottomright",
                )

    @staticmethod
    def _summary(p: Painter, pic: RecoveryPicture, width: float) -> str:
        """The close-up's caption: as many of the sites' facts as fit, most important first."""
        shown: list[str] = []
        for part in sites_summary(pic):
            text = ", ".join([*shown, part])
            if not shown or p.fonts.size(text, theme.SMALL, True)[0] <= width:
                shown.append(part)
        return ", ".join(shown)

    def _drip(self) -> bool:
        """Fluids have been given at this bedside (the bag hangs for the rest of the visit)."""
        return any(ev.get("type") == "fluids_given" for ev in self.session.sim.events)

    def _pressing(self) -> int | None:
        """The puncture under the nurse's gauze: the last care given was pressure on it."""
        for ev in reversed(self.session.sim.events):
            if ev.get("type") in ("care_done", "step_done"):
                if ev.get("action") == "apply_pressure":
                    return int(ev.get("site", -1))
                return None
        return None

    def _draw_back(self, p: Painter, pic: RecoveryPicture) -> None:
        box = self.lay.back
        anatomy = self.session.sim.anatomy
        # The dorsal map from about 115 mm left to 115 mm right, the PSIS a little below centre.
        ppm = min(box.width / 230.0, (box.height - 56) / 190.0)
        origin = (box.centerx, box.y + 34 + 115.0 * ppm)
        pressing = self._pressing()
        with p.panel(box, name="the lower back"):
            inner = box.inflate(-4, -4)
            with p.clip(inner):
                centres = recovery.draw_back_closeup(p, inner, origin, ppm, anatomy, pic, pressing)
            # The captions on dark strips, readable over the skin.
            p.shade((12, 14, 18), 170, pygame.Rect(inner.x, inner.y, inner.width, 28))
            p.shade((12, 14, 18), 170, pygame.Rect(inner.x, inner.bottom - 30, inner.width, 30))
            taken = [
                p.text(_("Lower back, close up"), (box.x + 10, box.y + 6), theme.SMALL, theme.TEXT,
                       bold=True),
                p.text(self._summary(p, pic, box.width - 20), (box.x + 10, box.bottom - 26),
                       theme.SMALL, theme.TEXT, bold=True),
            ]  # fmt: skip
            if not pic.dressing_on:  # each puncture's number, as the care panel lists them
                for site, (cx, cy) in zip(pic.sites, centres, strict=True):
                    dx = -22 if site.side == "left" else 22
                    r = pygame.Rect(0, 0, 20, 20)
                    r.center = (round(cx + dx), round(cy))
                    if r.collidelist(taken) < 0 and inner.contains(r):
                        p.circle((20, 24, 30), r.center, 10)
                        p.text(str(site.index + 1), r.center, theme.SMALL, theme.YELLOW,
                               bold=True, anchor="center")  # fmt: skip

    def _draw_log(self, p: Painter) -> None:
        box = self.lay.log
        entries = care_log(self.session.sim.events, self.words)
        with p.panel(box, name="events"):
            p.text(
                _("What happens"), (box.x + 10, box.y + 6), theme.SMALL, theme.TEXT_DIM, bold=True
            )
            x, width = box.x + 12, box.width - 24
            stamp_w = 62
            line_h = p.fonts.line_height(theme.SMALL) + 3
            top = box.y + 32
            y = box.bottom - 8
            # Newest at the bottom; whole entries only (an entry is never cut mid-sentence).
            placed = []
            for e in reversed(entries):
                text_w = width - (0 if e.kind == "time" else stamp_w)
                lines = p.fonts.wrap(e.text, theme.SMALL, text_w)
                h = len(lines) * line_h + 4
                if y - h < top:  # the oldest shown: its last whole sentences, if any fit
                    sentences = re.split(r"(?<=[.!?])\s+", e.text)
                    for k in range(1, len(sentences)):
                        tail = "… " + " ".join(sentences[k:])
                        lines = p.fonts.wrap(tail, theme.SMALL, text_w)
                        h = len(lines) * line_h + 4
                        if y - h >= top:
                            y -= h
                            placed.append((y, e, lines))
                            break
                    break
                y -= h
                placed.append((y, e, lines))
            for ey, e, lines in placed:
                colour = KIND_COLOURS.get(e.kind, theme.TEXT)
                if e.kind == "time":
                    p.text(f"— {e.text} —", (box.centerx, ey), theme.SMALL, colour, anchor="midtop")
                    continue
                p.text(clock_text(e.t_s), (x, ey), theme.SMALL, theme.TEXT_DIM)
                for j, line in enumerate(lines):
                    p.text(line, (x + stamp_w, ey + j * line_h), theme.SMALL, colour)
            if not entries:
                p.paragraph(
                    _(
                        "Nothing yet. The handover is in the briefing; start with what you "
                        "would check first."
                    ),
                    pygame.Rect(x, top, width, box.bottom - top - 8),
                    theme.SMALL,
                    theme.TEXT_DIM,
                )

    def _draw_care(self, p: Painter) -> None:
        box = self.lay.care
        with p.panel(box, name="care"):
            if self.prompt is not None:
                hint = _("type the number, then Enter")
            elif self.choosing is not None:
                hint = _("the option's number; Esc: back")
            elif self.armed:
                hint = _("the action's number; Esc: back")
            else:
                hint = _("1-5: a group, then its action")
            p.text(_("Care"), (box.x + 10, box.y + 8), theme.BODY, bold=True)
            p.text(hint, (box.right - 10, box.y + 10), theme.SMALL, theme.YELLOW,
                   anchor="topright")  # fmt: skip
            for i, tab in enumerate(self.tabs):
                tab.focused = i == self.group
                tab.draw(p, hover=tab.rect.collidepoint(self.hover))
            self.wait_btn.focused = self.waiting
            self.wait_btn.draw(p, hover=self.wait_btn.rect.collidepoint(self.hover))
            if self.choosing is not None:
                x = self.rows[0].rect.x if self.rows else box.x + TAB_W + 20
                p.text(self.choosing.label + ":", (x + 2, box.y + 40), theme.SMALL, theme.SKY_BLUE,
                       bold=True, max_width=box.right - 12 - x)  # fmt: skip
            for row in self.rows:
                row.draw(p, hover=row.rect.collidepoint(self.hover))
            if self.prompt is not None:
                self._draw_value_field(p, box, self.prompt)

    def _draw_value_field(self, p: Painter, box: pygame.Rect, prompt: ValuePrompt) -> None:
        x = box.x + 10 + TAB_W + 10
        field = pygame.Rect(x, box.y + 36, box.right - 10 - x, 130)
        what = _("Let time pass") if self.waiting else self.asking.label
        p.text(what, (x + 2, field.y), theme.SMALL, theme.SKY_BLUE, bold=True,
               max_width=field.width - 4)  # fmt: skip
        field = pygame.Rect(x, field.y + 28, field.width, 102)
        p.rect((26, 32, 44), field, radius=6)
        p.rect(theme.FOCUS, field, 2, radius=6)
        verb = _("let pass") if self.waiting else _("teach")
        with p.area(field, "value"):
            p.text(
                f"{_(prompt.label)[:1].upper()}{_(prompt.label)[1:]} "
                f"({prompt.min_value:g}-{prompt.max_value:g} {prompt.unit})",
                (field.x + 10, field.y + 8),
                theme.SMALL,
                theme.TEXT,
                bold=True,
                max_width=field.width - 20,
            )
            entry = pygame.Rect(field.x + 10, field.y + 34, 100, 36)
            p.rect((12, 14, 18), entry, radius=4)
            p.rect(theme.PANEL_EDGE, entry, 1, radius=4)
            cursor = "|" if int(self.anim_s * 2) % 2 == 0 else ""
            p.text(self.typed + cursor, (entry.x + 8, entry.centery), theme.BODY,
                   theme.YELLOW, bold=True, anchor="midleft")  # fmt: skip
            p.text(prompt.unit, (entry.right + 8, entry.centery), theme.BODY, anchor="midleft")
            keys = _("Enter: {verb}   Esc: cancel").format(verb=verb)
            p.text(keys, (field.x + 10, field.bottom - 6), theme.SMALL, theme.TEXT_DIM,
                   anchor="bottomleft")  # fmt: skip

    def _draw_status(self, p: Painter) -> None:
        """Under the back and the events: a recording problem, the last message, in practice
        the coaching reminders (none in assessment), and the key help."""
        s = self.session
        box = self.lay.status
        rec = s.recording
        problem = rec.error if rec is not None and rec.error else ""
        with p.area(box, "status"):
            y = box.y + 2
            bottom = box.bottom - 24
            if problem:
                p.text(problem, (box.x + 4, y), theme.SMALL, theme.VERMILLION, bold=True,
                       max_width=box.width - 8, may_shorten=True)  # fmt: skip
                y += 24
            lines: list[tuple[str, tuple[int, int, int]]] = []
            if s.message:
                lines.append((s.message, KIND_COLOURS.get(s.message_kind, theme.SKY_BLUE)))
            if self.mode.shows_hints:
                lines += [(_("Reminder: ") + w, theme.ORANGE) for w in self._reminders()]
            for text, colour in lines:  # whole lines only: what does not fit waits its turn
                h = p.paragraph_height(text, box.width - 8, theme.SMALL, 3)
                if y + h > bottom:
                    break
                y = p.paragraph(text, pygame.Rect(box.x + 4, y, box.width - 8, h), theme.SMALL,
                                colour, line_gap=3) + 2  # fmt: skip
            p.text(
                _("Esc: pause   F1: help   W: let time pass   arrows: groups"),
                (box.x + 4, box.bottom - 2),
                theme.SMALL,
                theme.TEXT_DIM,
                anchor="bottomleft",
            )

    def _reminders(self) -> list[str]:
        """The practice coaching (sim.trainer.coaching), read once per change of the log."""
        s = self.session
        at = (len(s.sim.events), int(s.clock_s // 10))  # observations fall due as time passes
        if getattr(self, "_reminders_at", None) != at:
            self._reminders_at = at
            self._reminder_cache = nursing_warnings(self.session.attempt)
        return self._reminder_cache


_KEY_CHARS = {
    **{getattr(pygame, f"K_{i}"): str(i) for i in range(10)},
    **{getattr(pygame, f"K_KP{i}"): str(i) for i in range(10)},
    pygame.K_PERIOD: ".",
    pygame.K_KP_PERIOD: ".",
    pygame.K_COMMA: ",",
}


def _key_char(key: int) -> str:
    """What a key types in the number field (events posted by tests carry no unicode)."""
    return _KEY_CHARS.get(key, "")
