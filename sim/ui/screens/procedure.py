"""The procedure screen: the dorsal view and the needle view of one live attempt, with the HUD.

Keys and mouse become commands through :class:`sim.ui.input.NeedleHand`; the session applies
them to the attempt.  Events coming back drive the feedback: the flash, shake and sound of the
'give', the messages, and the scenario engine's announcements.
"""

from __future__ import annotations

import math

import pygame

from sim.i18n import N_, _
from sim.model.tissue import Tissue
from sim.trainer import coaching
from sim.trainer.core_words import say
from sim.trainer.debrief import score
from sim.trainer.modes import Mode
from sim.trainer.session import Session
from sim.ui import theme
from sim.ui.hud import Hud, vitals_text
from sim.ui.input import (
    CURSOR_STEP,
    DORSAL_KEYS,
    NEEDLE_KEYS,
    PULL_KEYS,
    SITE_INTENTS,
    HeldControls,
    Intent,
    NeedleHand,
    intent_for,
)
from sim.ui.layout import button_row, procedure_layout
from sim.ui.render import Button, Painter
from sim.ui.screens.base import View
from sim.ui.screens.dorsal import ZONE_TEXT, DorsalPanel
from sim.ui.screens.needle import NeedlePanel
from sim.ui.screens.section import T_RANGE_MM
from sim.ui.screens.tutorial_panel import AIM_GUIDE_H, TutorialPanel, draw_aim_guide
from sim.vocabulary import commands as c
from sim.vocabulary.events import DONOR_VOLUME_LIMIT_EXCEEDED, NEEDLE_DANGER_EVENTS

GIVE_FLASH_S = 0.35
GIVE_SHAKE_S = 0.3
BANNER_S = 8.0
WARNINGS_MAX = 3

NEEDLE_BUTTONS = (
    (N_("Insert"), "Enter", Intent.INSERT),
    (N_("Push"), "Space", Intent.PUSH),
    (N_("Twist"), "", None),
    (N_("Withdraw"), "W", Intent.WITHDRAW),
    (N_("Rotate"), "R", Intent.ROTATE),
    (N_("Stylet"), "S", Intent.STYLET),
    (N_("Pull"), "A", Intent.ASPIRATE),
    (N_("Back out"), "B", Intent.BACK_OUT),
    (N_("Remove"), "X", Intent.REMOVE),
    (N_("Back view"), "D", Intent.DORSAL),
    (N_("Steps"), "T", Intent.STEPS),
    (N_("End"), "E", Intent.END),
)
DORSAL_BUTTONS = (
    (N_("Mark site"), "Enter", Intent.MARK),
    (N_("Left PSIS"), "L", Intent.CURSOR_LEFT_PSIS),
    (N_("Right PSIS"), "R", Intent.CURSOR_RIGHT_PSIS),
    (N_("Needle view"), "Tab", Intent.NEEDLE),
    (N_("Steps"), "T", Intent.STEPS),
    (N_("End"), "E", Intent.END),
)
AIM_BUTTONS = (
    (N_("< medial"), Intent.AIM_MEDIAL),
    (N_("lateral >"), Intent.AIM_LATERAL),
    (N_("^ cranial"), Intent.AIM_CRANIAL),
    (N_("v caudal"), Intent.AIM_CAUDAL),
)
PULL_BUTTONS = ((N_("pull −"), Intent.PULL_SMALLER), (N_("pull +"), Intent.PULL_LARGER))


def _mm(value: float) -> str:
    """A signed whole number of millimetres, without '-0'."""
    v = round(value)
    return f"{v:+d}" if v else "0"


def _button_row(spec) -> list[Button]:
    return [Button(label=label, key_hint=key, action=str(intent)) for label, key, intent in spec]


class Effects:
    """Short-lived feedback: the flash and shake of the 'give', and the scenario banner."""

    def __init__(self) -> None:
        self.flash_s = 0.0
        self.shake_s = 0.0
        self.banner = ""
        self.banner_s = 0.0
        self.t = 0.0

    def give(self) -> None:
        self.flash_s, self.shake_s = GIVE_FLASH_S, GIVE_SHAKE_S

    def announce(self, text: str) -> None:
        self.banner, self.banner_s = text, BANNER_S

    def tick(self, dt: float) -> None:
        self.t += dt
        self.flash_s = max(0.0, self.flash_s - dt)
        self.shake_s = max(0.0, self.shake_s - dt)
        self.banner_s = max(0.0, self.banner_s - dt)

    @property
    def flash(self) -> float:
        return self.flash_s / GIVE_FLASH_S

    @property
    def shake(self) -> tuple[int, int]:
        if self.shake_s <= 0:
            return (0, 0)
        a = 7.0 * self.shake_s / GIVE_SHAKE_S
        return (round(a * math.sin(self.t * 90)), round(a * math.cos(self.t * 70)))


class ProcedureView(View):
    name = "procedure"

    def __init__(self, app, session: Session, mode: Mode, *, notice: str = "") -> None:
        super().__init__(app)
        self.session = session
        self.mode = mode
        self.notice = notice  # e.g. "Not recorded: ...", shown for the whole attempt
        sim = session.sim
        sc = session.attempt.scenario
        self.words = sc.words()  # the scenario's texts in the trainer's language
        self.hand = NeedleHand()
        self.dorsal = DorsalPanel(sim.anatomy, sc.sites.max, mode.shows_hints)
        self.needle_panel = NeedlePanel(
            sim.anatomy,
            mode.shows_hints,
            sim.motion.length_mm,
            target_ml=sc.target_volume_ml,
            limit_ml=sim.donor_limit_ml,
        )
        self.hud = Hud()
        self.effects = Effects()
        self.sub = "dorsal"
        self.push_key = False
        self.pull_key = False  # the pull key held: a pull, a turn, a pull... (NeedleHand.step)
        self.shift = False
        self.mouse_push = False
        self.twist_toggle = True  # Space and the mouse advance twisting, firmly
        self.rmb_twist = False
        self.hover = (0, 0)
        self.last_pull: dict | None = None
        self.entries_by_site: dict[int, int] = {}
        self.needle_buttons = _button_row(NEEDLE_BUTTONS)
        self.dorsal_buttons = _button_row(DORSAL_BUTTONS)
        self.aim_buttons = [
            Button(label=label, action=str(intent)) for label, intent in AIM_BUTTONS
        ]
        self.pull_buttons = [
            Button(label=label, action=str(intent)) for label, intent in PULL_BUTTONS
        ]
        self.tutorial_panel = (
            TutorialPanel(session.guide) if mode.guided and session.guide else None
        )
        self.lay = procedure_layout(app.canvas_size, self.tutorial_panel is not None)
        session.listeners.append(self._on_events)
        session.listeners.append(self.needle_panel.on_events)  # stylet, give, pull animations
        self.nursing = session.attempt.scenario.kind == "nursing"
        self._care_list_shown = False
        if self.nursing:
            session.say(
                _("Post-procedure care: press T for the care steps, in the order you choose.")
            )
        elif mode.guided:
            session.say(_("Follow the steps in the blue panel; H shows or hides why."))
        elif mode.shows_hints:
            session.say(
                _("Palpate the back and mark 2-4 skin sites near the PSIS (click or Enter).")
            )
        else:
            session.say(_("Assessment: mark your skin sites (click or Enter). No hints are shown."))
        if notice:  # the warning comes first; the line above it keeps it in view
            session.say(notice, "warn")

    def layout(self, size: tuple[int, int]) -> None:
        """HUD on top; the tutorial's column (tutorial only), the back or the section, and the
        side panel across the middle; the status lines and the buttons at the bottom."""
        lay = self.lay = procedure_layout(size, self.tutorial_panel is not None)
        self.dorsal.set_area(lay.area)
        self.needle_panel.set_rects(lay.area, lay.side)
        p = self.app.painter  # the buttons are as wide as their labels need, then equal shares

        def place(buttons: list[Button], row: pygame.Rect, gap: int) -> None:
            need = [b.min_width(p) for b in buttons]
            for b, r in zip(buttons, button_row(row, len(buttons), gap, need), strict=True):
                b.rect = r

        place(self.needle_buttons, lay.buttons, 6)
        place(self.dorsal_buttons, lay.buttons, 6)
        side = lay.side
        inner = pygame.Rect(side.x + 10, side.bottom - 42, side.width - 20, 32)
        place(self.aim_buttons, inner, 4)
        half = pygame.Rect(inner.centerx + 2, inner.y - 40, inner.right - inner.centerx - 2, 32)
        place(self.pull_buttons, half, 4)
        if self.tutorial_panel is not None and lay.column is not None:
            self.tutorial_panel.set_area(lay.column)

    # ---------------------------------------------------------------- state
    @property
    def attempt_in_progress(self) -> bool:
        return not self.session.ended

    @property
    def sites(self):
        return self.session.sim.sites

    @property
    def current_site(self):
        n = self.session.sim.needle
        if n.inserted:
            return self.sites[n.site]
        if not self.sites:
            return None
        return self.sites[min(self.hand.site, len(self.sites) - 1)]

    @property
    def twist(self) -> bool:
        return self.shift or self.rmb_twist or self.twist_toggle

    # ---------------------------------------------------------------- commands and feedback
    def submit(self, cmd) -> list | None:
        events = self.session.submit(cmd)
        if events is None and isinstance(cmd, c.Redirect):
            self.hand.sync_aim(self.session.sim.needle)
        return events

    def _on_events(self, events: list[dict]) -> None:
        s = self.session
        for ev in events:
            t = ev["type"]
            coach = self.mode.shows_hints
            if t == "loss_of_resistance":
                self.effects.give()
                self.app.sounds.play("give")
                self.entries_by_site[ev["site"]] = self.entries_by_site.get(ev["site"], 0) + 1
                s.say(
                    _("Loss of resistance: the tip is in the marrow cavity.")
                    + (" " + _("Let go now.") if coach else ""),
                    "good",
                )
            elif t == "cortex_entered":
                s.say(
                    _("Bone contact: the outer table.")
                    + (
                        " " + _("Keep pressing, twisting; let go the moment it gives.")
                        if coach
                        else ""
                    ),
                    "info",
                )
            elif t in NEEDLE_DANGER_EVENTS:
                s.say(
                    _("Critical: the tip entered the {tissue}.").format(
                        tissue=_(s.sim.needle.tissue.label)
                    )
                    + (" " + _("Withdraw.") if coach else ""),
                    "danger",
                )
            elif t == "inner_cortex_contact":
                s.say(
                    _("The tip reached the inner table: stop and withdraw a few mm.")
                    if coach
                    else _("The tip reached the inner table."),
                    "danger" if coach else "info",
                )
            elif t == "near_sciatic_notch" and coach:
                s.say(_("Close to the sciatic notch: re-aim cranially and laterally."), "danger")
            elif t == "aspirated":
                self.app.sounds.play("pull")
                self.last_pull = ev
                s.say(
                    _("Pulled {ml:g} mL: {marrow:.1f} mL of it marrow. Bag {bag:.0f} mL.").format(
                        ml=ev["ml"], marrow=ev["marrow_ml"], bag=ev["bag_ml"]
                    ),
                    "info",
                )
            elif t == "dry_tap":
                self.last_pull = {"dry": True, **ev}
                s.say(
                    _("Dry tap (needle plugged with bone): nothing came back.")
                    if ev.get("plugged")
                    else _("Dry tap: nothing came back."),
                    "warn",
                )
            elif t == "site_marked":
                text, _col = ZONE_TEXT.get(ev.get("zone", ""), (N_("Site marked"), None))
                self.hand.site = ev["site"]
                kind = "good" if ev.get("zone") == "safe" else "warn"
                s.say(
                    _("Site {n} marked.").format(n=ev["site"] + 1)
                    + (" " + _(text) if self.mode.shows_hints else ""),
                    kind,
                )
            elif t in ("skin_punctured", "needle_reinserted"):
                s.say(
                    _(
                        "Through the skin. Hold Space to push; aim with the arrows while in soft "
                        "tissue."
                    ),
                    "info",
                )
                self.hand.sync_aim(s.sim.needle)
            elif t == "needle_stalled" and ev.get("tissue") == Tissue.OUTER_CORTEX.value:
                pass
            elif t == DONOR_VOLUME_LIMIT_EXCEEDED:
                s.say(_("Donor volume limit exceeded."), "danger")
            elif "message" in ev:  # the core's English, shown in the trainer's language
                shown = say(str(ev["message"]), self.words)
                self.effects.announce(shown)
                s.say(shown, "warn")
        if self.mode.shows_hints:  # what the score will mark down, said as it happens
            for text, kind in coaching.event_feedback(s, events):
                s.say(text, kind)

    def press(self, intent: Intent) -> None:
        """A key or button intent in either sub-view."""
        if intent == Intent.END:
            self.confirm_end()
            return
        if intent == Intent.STEPS:
            self.app.open("steps", procedure=self)
            return
        if self.sub == "dorsal":
            self._press_dorsal(intent)
            return
        if intent == Intent.DORSAL:
            self.sub = "dorsal"
            return
        if intent == Intent.PUSH:
            return
        n = self.session.sim.needle
        for cmd in self.hand.press(intent, n, len(self.sites)):
            self.submit(cmd)
        if self.hand.notice:
            self.session.say(self.hand.notice, "warn")
        if intent == Intent.INSERT and not self.sites:
            self.session.say(_("Mark a skin site first (D for the dorsal view)."), "warn")

    def _press_dorsal(self, intent: Intent) -> None:
        if intent == Intent.MARK:
            self.mark(self.dorsal.hover_mm or self.dorsal.cursor_mm)
        elif intent == Intent.CURSOR_LEFT_PSIS:
            self.dorsal.cursor_mm = self.dorsal.map.psis["left"]
            self.dorsal.hover_mm = None
        elif intent == Intent.CURSOR_RIGHT_PSIS:
            self.dorsal.cursor_mm = self.dorsal.map.psis["right"]
            self.dorsal.hover_mm = None
        elif intent == Intent.NEEDLE:
            if self.sites:
                self.sub = "needle"
                if not self.session.sim.needle.inserted:
                    self.session.say(
                        _("Site {n}: aim with the arrows, then Enter to insert.").format(
                            n=self.hand.site + 1
                        ),
                        "info",
                    )
            else:
                self.session.say(_("Mark at least one skin site first."), "warn")
        elif intent in SITE_INTENTS:
            idx = SITE_INTENTS.index(intent)
            if idx < len(self.sites) and not self.session.sim.needle.inserted:
                self.hand.site = idx

    def mark(self, pos_mm) -> None:
        if len(self.sites) >= self.dorsal.max_sites:
            self.session.say(
                _("This scenario allows at most {n} skin sites.").format(n=self.dorsal.max_sites),
                "warn",
            )
            return
        cmd = self.dorsal.mark_command(*pos_mm)
        if cmd is None:
            self.session.say(_("Too far from the PSIS to mark a harvest site."), "warn")
            return
        self.submit(cmd)

    def confirm_end(self) -> None:
        self.app.open(
            "confirm",
            title=_("End the procedure?"),
            detail=_("The needle is removed and the debrief opens."),
            on_yes=self.end,
        )

    def end(self) -> None:
        """End the procedure, store the result, then the debrief (or the tutorial summary)."""
        self.session.finish()
        self.app.sounds.grind(False)
        if not self.session.ended:
            return  # refused (the message says why); the attempt goes on
        if self.session.recording is not None:
            self.session.recording.finish(score(self.session.attempt)[0])
            deliverer = getattr(self.app, "deliverer", None)
            if deliverer is not None:
                deliverer.poke()  # send the new statements now (in its thread)
        if self.tutorial_panel is not None:
            self.app.go("tutorial_summary", session=self.session, mode=self.mode)
            return
        self.app.go("debrief", session=self.session, mode=self.mode)

    # ---------------------------------------------------------------- input
    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type in (pygame.KEYDOWN, pygame.KEYUP):
            return self._key(event)
        if event.type == pygame.MOUSEMOTION:
            self.hover = event.pos
            if self.sub == "dorsal":
                self.dorsal.hover_mm = (
                    self.dorsal.camera.to_mm(*event.pos)
                    if self.lay.area.collidepoint(event.pos)
                    else None
                )
            return True
        if event.type == pygame.MOUSEWHEEL and self.sub == "needle":
            self.press(Intent.PULL_LARGER if event.y > 0 else Intent.PULL_SMALLER)
            return True
        if event.type == pygame.MOUSEBUTTONDOWN:
            return self._mouse_down(event)
        if event.type == pygame.MOUSEBUTTONUP:
            if event.button == 1:
                self.mouse_push = False
            if event.button == 3:
                self.rmb_twist = False
            return True
        return False

    def _key(self, event: pygame.event.Event) -> bool:
        down = event.type == pygame.KEYDOWN
        if event.key in (pygame.K_LSHIFT, pygame.K_RSHIFT):
            self.shift = down
            return True
        if event.key == pygame.K_SPACE and self.sub == "needle":
            self.push_key = down
            if down:
                self.shift = bool(event.mod & pygame.KMOD_SHIFT) or self.shift
            return True
        if event.key in PULL_KEYS and self.sub == "needle" and not down:
            self.pull_key = False  # the pull's key-down is an intent (the first pull) below
            return True
        if not down:
            return False
        if event.key == pygame.K_h and self.tutorial_panel is not None:
            self.tutorial_panel.toggle()
            return True
        if event.key == pygame.K_ESCAPE:
            self.app.open("pause")
            return True
        if self.sub == "dorsal" and event.key in (
            pygame.K_LEFT,
            pygame.K_RIGHT,
            pygame.K_UP,
            pygame.K_DOWN,
        ):
            step = CURSOR_STEP[bool(event.mod & pygame.KMOD_SHIFT)]
            dx = {pygame.K_LEFT: -step, pygame.K_RIGHT: step}.get(event.key, 0.0)
            dy = {pygame.K_UP: step, pygame.K_DOWN: -step}.get(event.key, 0.0)
            self.dorsal.hover_mm = None
            self.dorsal.move_cursor(dx, dy)
            return True
        keymap = DORSAL_KEYS if self.sub == "dorsal" else NEEDLE_KEYS
        intent = intent_for(event, keymap)
        if intent is None:
            return False
        if intent == Intent.ASPIRATE and event.key in PULL_KEYS:
            if self.pull_key:  # the key's own auto-repeat: the hand repeats pulls itself
                return True
            self.pull_key = True
        self.press(intent)
        return True

    def _mouse_down(self, event: pygame.event.Event) -> bool:
        pos = event.pos
        if event.button == 3:
            self.rmb_twist = True
            return True
        if event.button != 1:
            return False
        buttons = self.needle_buttons if self.sub == "needle" else self.dorsal_buttons
        extra = self.aim_buttons + self.pull_buttons if self.sub == "needle" else []
        for b in buttons + extra:
            if b.hit(pos):
                if b.action == str(Intent.PUSH):
                    self.mouse_push = True
                elif b.label == "Twist":
                    self.twist_toggle = not self.twist_toggle
                else:
                    self.press(Intent(b.action))
                return True
        if self.sub == "dorsal" and self.lay.area.collidepoint(pos):
            for site in self.sites:
                if math.dist(pos, self.dorsal.camera.to_px(site.x_mm, site.y_mm)) < 12:
                    if not self.session.sim.needle.inserted:
                        self.hand.site = site.index
                    if event.dict.get("clicks", 1) >= 2:
                        self.press(Intent.NEEDLE)
                    return True
            self.mark(self.dorsal.camera.to_mm(*pos))
            return True
        if self.sub == "needle" and self.lay.area.collidepoint(pos):
            self.mouse_push = True  # the mouse held on the section: "advance, firmly"
            return True
        return False

    # ---------------------------------------------------------------- time
    def fixed_update(self, dt_s: float) -> None:
        if self.nursing and not self._care_list_shown:  # nursing: the care steps are the task
            self._care_list_shown = True
            self.press(Intent.STEPS)
        self.effects.tick(dt_s)
        self.needle_panel.tick(dt_s)
        if self.tutorial_panel is not None:
            self.tutorial_panel.tick(dt_s)
        if self.session.ended:
            return
        if self.sub == "needle":
            held = HeldControls(
                push=self.push_key or self.mouse_push, twist=self.twist, pull=self.pull_key
            )
            pressing, twist, cmds = self.hand.step(dt_s, held)
            for cmd in cmds:
                self.submit(cmd)
            self.session.press(pressing, twist, dt_s)
            n = self.session.needle
            self.hand.force_n = n.force_n if pressing and n.inserted else 0.0
            force = self.hand.force_n
            self.app.sounds.grind(
                force > 0 and n.inserted and n.tissue.is_cortex and self._speed(force, twist) > 0
            )
        else:
            self.hand.step(dt_s, HeldControls())
            self.session.idle(dt_s)
            self.app.sounds.grind(False)

    def release_inputs(self) -> None:
        """Covered (overlay, pause, another view) or the window lost focus: stop pushing,
        dragging and twisting, since the key-up or button-up will not come here."""
        self.push_key = self.mouse_push = self.pull_key = False
        self.shift = self.rmb_twist = False
        self.app.sounds.grind(False)

    def on_exit(self) -> None:
        self.release_inputs()

    # ---------------------------------------------------------------- redraw
    def animating(self) -> bool:
        """A push held or easing off, a push not yet applied, the flash and shake of the give:
        frames at full rate."""
        held = self.push_key or self.mouse_push or self.pull_key
        fx = self.effects.flash_s > 0 or self.effects.shake_s > 0
        art = self.sub == "needle" and self.needle_panel.animating()  # slides, fills, the jolt
        return held or fx or art or self.hand.force_n > 0 or self.session.pending is not None

    #: How many leading items of ``redraw_key`` are the clock (its second, past par, past limit).
    CLOCK_KEY_ITEMS = 3

    def changed_region(self) -> pygame.Rect | None:
        """Only the clock moved on (nothing else in the key changed): just the top bar."""
        old, new = self._drawn_key, self.redraw_key()
        n = self.CLOCK_KEY_ITEMS
        if old is None or old[n:] != new[n:]:
            return None
        return self.lay.hud

    def redraw_key(self) -> object:
        """What changes on screen without input: the clock's second (and par, limit), events
        (a timed scenario event, a settled redirect; not the idle ``wait`` commands, which
        change nothing shown), the message line, the banner and the tutorial panel."""
        s = self.session
        t = s.clock_s
        tm = s.attempt.scenario.time
        panel = self.tutorial_panel
        rec = s.recording
        return (
            int(t),
            t > tm.par_s,
            t > tm.limit_s,
            len(s.sim.events),
            s.message,
            s.message_kind,
            self.effects.banner_s > 0,
            None if panel is None else (panel.expanded, panel.flash_s > 0, s.guide.number),
            rec.error if rec is not None else "",
        )

    def _resistance(self, twist: bool) -> float | None:
        n = self.session.needle
        if not n.inserted:
            return None
        return self.session.sim.mechanics.layer(n.tissue, twist).resistance_n

    def _speed(self, force: float, twist: bool) -> float:
        n = self.session.needle
        if not n.inserted:
            return 0.0
        return self.session.sim.mechanics.layer(n.tissue, twist).speed_mm_s(force)

    # ---------------------------------------------------------------- draw
    def draw(self, p: Painter) -> None:
        s = self.session
        lay = self.lay
        self.hud.draw(p, s, lay.hud)
        if self.sub == "dorsal":
            self._draw_dorsal(p)
        else:
            self._draw_needle(p)
        if self.tutorial_panel is not None and self.sub == "dorsal":
            self.tutorial_panel.draw(p)
        if self.effects.banner_s > 0:
            with p.layer("banner"):
                self._draw_banner(p)
        self._draw_message(p)
        buttons = self.needle_buttons if self.sub == "needle" else self.dorsal_buttons
        for b in buttons:
            b.focused = (b.label == "Twist" and self.twist) or (
                b.action == str(Intent.PUSH) and (self.push_key or self.mouse_push)
            )
            b.draw(p, hover=b.rect.collidepoint(self.hover))

    def _draw_dorsal(self, p: Painter) -> None:
        with p.area(self.lay.area, "back"):
            self.dorsal.draw(
                p, self.sites, self.hand.site, self.entries_by_site, events=self.session.sim.events
            )
        side = self.lay.side
        with p.panel(side, name="palpation"):
            self._draw_palpation(p, side)

    def _draw_palpation(self, p: Painter, side: pygame.Rect) -> None:
        x, y = side.x + 14, side.y + 10
        width = side.width - 28
        p.text(_("Palpation"), (x, y), theme.BODY, bold=True)
        y += 30
        pos = self.dorsal.hover_mm or self.dorsal.cursor_mm
        felt = self.dorsal.palpate(*pos)
        y = p.paragraph(felt, pygame.Rect(x, y, width, 80), theme.BODY, theme.YELLOW)
        landmark, lat, cra = self.dorsal.local(*pos)
        where = (
            _("{lat} mm lateral, {cra} mm cranial of the left PSIS")
            if landmark.split("_")[0] == "left"
            else _("{lat} mm lateral, {cra} mm cranial of the right PSIS")
        )
        y = p.paragraph(
            where.format(lat=_mm(lat), cra=_mm(cra)),
            pygame.Rect(x, y + 2, width, 40),
            theme.SMALL,
            theme.TEXT_DIM,
        )
        y += 6
        if self.mode.shows_hints:
            zone = self.session.sim.anatomy.site_zone(lat, cra)
            text, colour = ZONE_TEXT[zone]
            y = p.paragraph(_(text), pygame.Rect(x, y, width, 60), theme.SMALL, colour)
        y += 12
        sc = self.session.attempt.scenario
        p.text(_("Skin sites") + f" ({sc.sites.min}-{sc.sites.max})", (x, y), theme.BODY, bold=True)
        y += 30
        for site in self.sites:
            mark = "> " if site.index == self.hand.site else "   "
            p.text(
                f"{mark}{site.index + 1}: "
                + (_("left PSIS") if site.side == "left" else _("right PSIS"))
                + _(" {lat:+.0f} lat {cra:+.0f} cra").format(
                    lat=site.lateral_mm, cra=site.cranial_mm
                ),
                (x, y),
                theme.SMALL,
                theme.YELLOW if site.index == self.hand.site else theme.TEXT,
                max_width=width,
            )
            y += 22
        if not self.sites:
            y = p.paragraph(
                _("none yet: click the back, or arrows + Enter"),
                pygame.Rect(x, y, width, 40),
                theme.SMALL,
                theme.TEXT_DIM,
            )
        help_text = _(
            "Arrows move the marker (Shift: faster). Click a site to choose it; Tab goes to "
            "the needle view."
        )
        h = p.paragraph_height(help_text, width, theme.SMALL)
        p.paragraph(
            help_text,
            pygame.Rect(x, max(y + 8, side.bottom - 10 - h), width, h),
            theme.SMALL,
            theme.TEXT_DIM,
        )

    def _draw_needle(self, p: Painter) -> None:
        s = self.session
        n = s.needle
        lay = self.lay
        aim = (self.hand.lateral_deg, self.hand.cranial_deg)
        guide = self.session.guide if self.tutorial_panel is not None else None
        ghost = guide.ideal_track() if guide is not None else None
        warns: list[tuple[str, str]] = []
        if self.mode.shows_hints:
            warns = coaching.warnings(s, aim[0], aim[1], self.hand.pull_ml, self.hand.force_n)
            warns = warns[:WARNINGS_MAX]
        # Practice: the warnings sit over the section's upper right, below the skin line and
        # clear of the needle; the tutorial has them in its column, above the aim guide.
        in_column = self.tutorial_panel is not None and lay.column is not None
        boxes = [] if in_column else self._warning_boxes(p, warns)
        with p.area(lay.area, "section"):
            self.needle_panel.draw_section(
                p,
                self.current_site,
                n,
                aim,
                self.effects.shake,
                self.effects.flash,
                ghost,
                avoid=[b for b, _lines in boxes],
            )
            for (box, lines), (_text, sev) in zip(boxes, warns, strict=False):
                self._draw_warning(p, box, lines, sev)
        if in_column:
            self._draw_column(p, warns, ghost, aim)
        force = self.hand.force_n
        twist = self.twist
        self.needle_panel.draw_side(
            p,
            site=self.current_site,
            needle=n,
            aim=aim,
            force_n=force,
            resistance_n=self._resistance(twist),
            speed_mm_s=self._speed(force, twist),
            pull_ml=self.hand.pull_ml,
            last_pull=self.last_pull,
            twist=twist,
        )
        for b in self.aim_buttons + self.pull_buttons:
            b.draw(p, hover=b.rect.collidepoint(self.hover))

    def _draw_column(self, p: Painter, warns, ghost, aim) -> None:
        """The tutorial's column beside the section: the step panel on top, then the warnings,
        then the aim guide at the bottom (never over the needle, the skin or the tip).  While
        the step panel is open and the column is short, the aim guide gives way to it."""
        col = self.lay.column
        panel = self.tutorial_panel
        n = self.session.needle
        width = col.width
        wrapped = [p.fonts.wrap(text, theme.SMALL, width - 20, bold=True) for text, _sev in warns]
        line_h = p.fonts.line_height(theme.SMALL, True) + 2
        warn_h = sum(len(lines) * line_h + 10 + 6 for lines in wrapped)
        bottom = col.bottom
        guide = ghost is not None and self.current_site is not None
        if guide and panel.expanded:
            guide = panel.needed(p) + 8 + warn_h + AIM_GUIDE_H <= col.height
        if guide:
            guide_rect = pygame.Rect(col.x, col.bottom - AIM_GUIDE_H, col.width, AIM_GUIDE_H)
            shown = (n.lateral_deg, n.cranial_deg) if n.inserted else aim
            draw_aim_guide(p, guide_rect, shown, ghost)
            bottom = guide_rect.y - 8
        y = panel.draw(p, room=bottom - col.y - warn_h) - 2
        for lines, (_text, sev) in zip(wrapped, warns, strict=True):
            box = pygame.Rect(col.x, y, width, len(lines) * line_h + 10)
            self._draw_warning(p, box, lines, sev)
            y = box.bottom + 6

    def _warning_boxes(self, p: Painter, warns) -> list[tuple[pygame.Rect, list[str]]]:
        """Where the practice warnings go over the section: right-aligned, stacked from just
        below the skin line and the whole-needle inset, at most about half the section wide."""
        area = self.lay.area
        skin_y = area.y + area.height * -T_RANGE_MM[0] / (T_RANGE_MM[1] - T_RANGE_MM[0])
        most = max(200, round(area.width * 0.55))
        line_h = p.fonts.line_height(theme.SMALL, True) + 2
        y = round(skin_y) + 10
        aim = (self.hand.lateral_deg, self.hand.cranial_deg)
        inset = self.needle_panel.inset_for(p, self.current_site, self.session.needle, aim)
        if inset is not None:
            y = max(y, inset.bottom + 6)
        boxes = []
        for text, _sev in warns:
            lines = p.fonts.wrap(text, theme.SMALL, most - 20, bold=True)
            w = max(p.fonts.size(line, theme.SMALL, True)[0] for line in lines) + 20
            box = pygame.Rect(area.right - 10 - w, y, w, len(lines) * line_h + 10)
            boxes.append((box, lines))
            y = box.bottom + 6
        return boxes

    def _draw_warning(self, p: Painter, box: pygame.Rect, lines: list[str], sev: str) -> None:
        colour = theme.VERMILLION if sev == "danger" else theme.ORANGE
        p.rect((20, 22, 28), box, radius=4)
        p.rect(colour, box, 2, radius=4)
        with p.area(box, "warning"):
            y = box.y + 5
            for line in lines:
                p.text(line, (box.x + 10, y), theme.SMALL, colour, bold=True)
                y += p.fonts.line_height(theme.SMALL, True) + 2

    def _draw_banner(self, p: Painter) -> None:
        area = self.lay.area
        w = min(580, area.width - 40)
        lines = p.fonts.wrap(self.effects.banner, theme.BODY, w - 28)[:4]
        h = 40 + len(lines) * 24 + 10
        box = pygame.Rect(0, 0, w, h)
        box.center = (area.centerx, area.y + area.height * 0.4)
        p.rect((20, 22, 28), box, radius=8)
        p.rect(theme.ORANGE, box, 3, radius=8)
        with p.area(box, "banner"):
            p.text(
                _("Scenario event"), (box.x + 14, box.y + 10), theme.SMALL, theme.ORANGE, bold=True
            )
            p.paragraph(
                self.effects.banner, pygame.Rect(box.x + 14, box.y + 38, w - 28, h - 44), theme.BODY
            )

    def _draw_message(self, p: Painter) -> None:
        s = self.session
        status = self.lay.status
        colours = {"good": theme.GOOD, "warn": theme.ORANGE, "danger": theme.VERMILLION}
        rec = s.recording
        problem = rec.error if rec is not None and rec.error else self.notice
        with p.area(status, "status"):
            if problem:
                p.text(
                    problem,
                    (status.x + 4, status.y + 2),
                    theme.SMALL,
                    theme.VERMILLION,
                    bold=True,
                    max_width=status.width - 8,
                    may_shorten=True,
                )
            y = status.bottom - 4
            room = status.width - 8
            vitals = vitals_text(self.hud.donor)
            if vitals:  # the anaesthetic monitor, bottom right, red while hypotensive
                low = self.hud.donor.get("systolic_mmhg", 120) < 90
                colour = theme.VERMILLION if low else theme.TEXT
                r = p.text(
                    vitals,
                    (status.right - 4, y),
                    theme.SMALL,
                    colour,
                    bold=low,
                    anchor="bottomright",
                )
                room = r.x - 30 - status.x
            if s.message:
                p.text(
                    s.message,
                    (status.x + 4, y),
                    theme.BODY,
                    colours.get(s.message_kind, theme.SKY_BLUE),
                    bold=s.message_kind in ("danger", "good"),
                    anchor="bottomleft",
                    max_width=room,
                    may_shorten=True,
                )
