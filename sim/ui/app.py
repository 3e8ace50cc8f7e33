"""The trainer window: a fixed-step loop, a stack of views, drawn at the window's own size.

Views lay out in layout units (a canvas 720 units tall, as wide as the window's aspect makes
it; ``sim/ui/camera.py``) and the Painter draws them straight onto the window at its native
resolution: no intermediate surface, no scaling.  Resizing the window (or F11 fullscreen, which
returns to the previous window size) lays the views out again.  Global keys: F1 help, F11
fullscreen, Ctrl+Q quit (asking first only while an attempt is in progress).

Screens switch by name through the router's table (``sim/ui/router.py``): ``go`` swaps the
current screen, ``restart`` empties the stack first, ``open`` puts an overlay (or the replay)
on top until it closes itself with ``pop``.

Idle costs nothing: a frame draws (and scales and flips) only when something changed: an
event came, the stack changed, ``invalidate()`` was called, or a visible view's
``needs_redraw()`` says so (a held push, an easing force, a flash, the clock showing a new
second, a blinking text cursor).  The loop runs at ``FPS`` after a frame that drew and polls
at ``IDLE_FPS`` otherwise, so a push runs at 60 Hz while a screen at rest only pumps events and
runs the fixed steps that turn idle wall time into ``wait`` commands.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from pathlib import Path

import pygame
import pygame_gui

from sim.i18n import _
from sim.trainer.station import StationRecords
from sim.ui import router, theme
from sim.ui.camera import DEFAULT_WINDOW, MIN_WINDOW, Viewport
from sim.ui.clock import STEP_S, FixedStepper
from sim.ui.render import Fonts, Painter
from sim.ui.screens.base import View
from sim.ui.sound import Sounds

MOUSE_EVENTS = (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION)
FPS = 60
#: Seconds the window waits at exit for the last xAPI delivery (then the thread is left).
DELIVERY_AT_EXIT_S = 5.0
#: Frames a second while nothing changes: events are polled and the fixed steps run (so the
#: simulated clock follows the wall clock), nothing is drawn.  An adaptive tick, not
#: ``pygame.event.wait(timeout)``: pygame-ce's wait polls every millisecond, which alone costs
#: about 2 % of a core (bench/ui_bench.py).  Input waits at most 1/IDLE_FPS s to be seen.
IDLE_FPS = 30


class App:
    """The window, the clock and the view stack.  One per process; tests may make several."""

    def __init__(
        self,
        *,
        window_size: tuple[int, int] | None = None,
        seed: int | None = None,
        sound: bool = True,
        scenario_dir: Path | None = None,
        record_draw: bool = False,
        data_dir: Path | None = None,
    ) -> None:
        pygame.init()
        pygame.key.set_repeat(350, 70)
        self.viewport = Viewport(window_size or DEFAULT_WINDOW)
        self.window = pygame.display.set_mode(self.viewport.window_size, pygame.RESIZABLE)
        self.set_caption()
        self.windowed_size = self.viewport.window_size  # what F11 returns to
        self.fonts = Fonts(self.viewport.scale)
        self.painter = Painter(self.window, self.fonts, record=record_draw)
        # pygame_gui draws in window pixels: its elements are placed with ``place`` and its
        # fonts follow the scale (``theme.gui_theme``).
        self._gui_scale = self.viewport.scale
        self.gui = pygame_gui.UIManager(self.viewport.window_size, theme.gui_theme(self._gui_scale))
        self.stack: list[View] = []
        self._set_target()
        self.sounds = Sounds(enabled=sound, deferred=True)  # warmed after the first frame
        self.stepper = FixedStepper()
        self.seed = seed
        self.scenario_dir = scenario_dir
        self.records = StationRecords(data_dir)  # opened on first use; MARROWSIM_DATA_DIR
        self.deliverer = None  # the xAPI deliverer while ``run`` runs (sim.xapi.Deliverer)
        self.running = True
        self.fullscreen = False
        self.frames = 0
        self.redraws = 0  # frames that drew (the rest only polled and stepped)
        self.drew = False  # whether the last frame drew: the loop then runs at FPS
        self.dirty = True  # draw on the next frame whatever the views say
        self.wall_s = 0.0
        #: What was typed in the launcher's name field, kept for this station session (the
        #: App's lifetime) so a trainee coming back to the launcher finds it still there.
        self.trainee_name = ""
        self.after_frame: list[Callable[[App], None]] = []
        self.go("launcher")

    def set_caption(self) -> None:
        """The window's title, in the current language."""
        pygame.display.set_caption(_("Marrowsim - bone marrow harvest trainer"))

    # ---------------------------------------------------------------- stack
    @property
    def top(self) -> View:
        return self.stack[-1]

    def push(self, view: View) -> None:
        """Put ``view`` on top; a view covered by an overlay stays entered (just frozen), but
        lets go of held inputs (their key-up would go to the overlay)."""
        self.invalidate()
        if self.stack:
            self.stack[-1].release_inputs()
            if not view.overlay:
                self.stack[-1].on_exit()
        self.stack.append(view)
        self._lay_out(view)
        view.on_enter()

    def pop(self) -> View:
        self.invalidate()
        view = self.stack.pop()
        view.on_exit()
        if self.stack and not view.overlay:
            self.stack[-1].on_enter()
        return view

    def replace(self, view: View) -> None:
        """Swap the top view (and any overlays above the base) for ``view``."""
        while self.stack:
            old = self.stack.pop()
            old.on_exit()
            if not old.overlay:
                break
        self.push(view)

    def reset_to(self, view: View) -> None:
        self.invalidate()
        while self.stack:
            self.stack.pop().on_exit()
        self.push(view)

    # ---------------------------------------------------------------- router
    def go(self, name: str, /, **kwargs) -> View:
        """Switch to the screen ``name`` (built with ``kwargs``) in place of the current screen
        and any overlays over it."""
        view = router.build(self, name, **kwargs)
        self.replace(view)
        return view

    def restart(self, name: str, /, **kwargs) -> View:
        """Close every screen and overlay, then open the screen ``name``."""
        view = router.build(self, name, **kwargs)
        self.reset_to(view)
        return view

    def open(self, name: str, /, **kwargs) -> View:
        """Put the overlay (or screen) ``name`` over the current view; it closes with ``pop``,
        and the view below carries on."""
        view = router.build(self, name, **kwargs)
        self.push(view)
        return view

    def new_seed(self) -> int:
        """The seed for a new attempt: the App's fixed seed, or a fresh one (always recorded)."""
        if self.seed is not None:
            return self.seed
        return random.SystemRandom().randrange(1, 2**31)

    @property
    def attempt_in_progress(self) -> bool:
        return any(v.attempt_in_progress for v in self.stack)

    # ---------------------------------------------------------------- window
    @property
    def canvas_size(self) -> tuple[int, int]:
        """The canvas in layout units (720 tall, as wide as the window's aspect makes it)."""
        return self.viewport.size

    def toggle_fullscreen(self) -> None:
        """F11: fullscreen at the desktop's size, or back to the window size it had before."""
        self.fullscreen = not self.fullscreen
        if self.fullscreen:
            self.windowed_size = self.window.get_size()
            info = pygame.display.get_desktop_sizes()[0]
            self.window = pygame.display.set_mode(info, pygame.FULLSCREEN)
        else:
            self.window = pygame.display.set_mode(self.windowed_size, pygame.RESIZABLE)
        self._set_target()

    def resize(self, size: tuple[int, int]) -> None:
        """Make the window ``size`` pixels (tests and screenshots; a user drags the edge)."""
        size = (max(MIN_WINDOW[0], size[0]), max(MIN_WINDOW[1], size[1]))
        flags = pygame.FULLSCREEN if self.fullscreen else pygame.RESIZABLE
        self.window = pygame.display.set_mode(size, flags)
        self._set_target()

    def _set_target(self) -> None:
        """The window changed size (or was made): draw on it at its scale, move pygame_gui's
        elements and fonts, and lay the views out again."""
        self.viewport.window_size = self.window.get_size()
        vp = self.viewport
        self.painter.set_target(self.window, vp.scale, vp.offset, vp.size)
        self.gui.set_window_resolution(vp.window_size)
        if abs(vp.scale - self._gui_scale) > 1e-6:
            self._gui_scale = vp.scale
            self.gui.set_ui_theme(
                self.gui.create_new_theme(theme.gui_theme(vp.scale)), update_all_sprites=True
            )
        for view in self.stack:
            self._lay_out(view)

    def _lay_out(self, view: View) -> None:
        vp = self.viewport
        view.ensure_layout(vp.size, (vp.scale, vp.offset))

    def gui_rect(self, rect) -> pygame.Rect:
        """Window pixels of a rect in layout units (where a pygame_gui element goes)."""
        return self.painter.px_rect(rect)

    def place(self, element, rect) -> None:
        """Move and size a pygame_gui ``element`` to ``rect`` (layout units)."""
        r = self.gui_rect(rect)
        element.set_relative_position(r.topleft)
        element.set_dimensions(r.size)

    def request_quit(self) -> None:
        """Ctrl+Q: quit now, or ask first while an attempt is in progress."""
        if self.top.name == "confirm":
            if getattr(self.top, "on_yes", None) == self.quit:
                return  # already asking
            self.pop()  # another question (end the attempt?) gives way to this one
        if self.attempt_in_progress:
            self.open(
                "confirm",
                title=_("Quit Marrowsim?"),
                detail=_("The attempt stops here, stored as unfinished."),
                on_yes=self.quit,
            )
        else:
            self.quit()

    def quit(self) -> None:
        self.running = False

    def show_help(self) -> None:
        if self.top.name != "help":  # a screen with controls of its own lists them
            screen = self.visible[0]  # under the pause menu too
            self.open("help", controls=getattr(screen, "help_controls", None))

    # ---------------------------------------------------------------- loop
    def _global_key(self, event: pygame.event.Event) -> bool:
        if event.key == pygame.K_q and event.mod & pygame.KMOD_CTRL:
            self.request_quit()
            return True
        if event.key == pygame.K_F11:
            self.toggle_fullscreen()
            return True
        if event.key == pygame.K_F1:
            self.show_help()
            return True
        return False

    def handle(self, event: pygame.event.Event) -> None:
        self.dirty = True  # input, a resize, the window exposed again: draw the next frame
        if event.type == pygame.QUIT:
            self.request_quit()
            return
        if event.type == pygame.WINDOWFOCUSLOST:  # key-ups go elsewhere now
            for view in self.stack:
                view.release_inputs()
        if event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
            self.window = pygame.display.get_surface()
            if self.window.get_size() != self.viewport.window_size:
                self._set_target()
            return
        if event.type == pygame.KEYDOWN and self._global_key(event):
            return
        top = self.top
        self._lay_out(top)
        if getattr(top, "uses_gui", False) and self.gui.process_events(event):
            return
        if event.type in MOUSE_EVENTS:
            attrs = dict(event.dict)
            attrs["pos"] = self.viewport.to_units(event.pos)
            event = pygame.event.Event(event.type, attrs)
        top.handle_event(event)

    def frame(self, elapsed_s: float) -> None:
        """One frame: events, fixed steps, per-frame update; then draw and present, but only
        if something changed (``needs_redraw``)."""
        self.wall_s += elapsed_s
        for event in pygame.event.get():
            self.handle(event)
            if not self.running:
                return
        for _step in range(self.stepper.advance(elapsed_s)):
            self.top.fixed_update(STEP_S)
        if getattr(self.top, "uses_gui", False):
            self.gui.update(elapsed_s)
        self.top.update(elapsed_s)
        self.drew = self.needs_redraw()
        if self.drew:
            region = None if self.dirty or self.top.animating() else self.top.changed_region()
            self.dirty = False
            pixels = self._pixel_rect(region) if region is not None else None
            self.window.set_clip(pixels)  # only that strip's pixels are drawn and shown
            try:
                self.draw()
            finally:
                self.window.set_clip(None)
            self.present(pixels)
            for view in self.visible:
                view.mark_drawn()
            self.redraws += 1
        self.frames += 1
        for hook in list(self.after_frame):
            hook(self)

    def invalidate(self) -> None:
        """Draw the next frame (state changed behind the views' backs, e.g. a script)."""
        self.dirty = True

    @property
    def visible(self) -> list[View]:
        """The views drawn: the top screen and the overlays over it."""
        base = len(self.stack) - 1
        while base > 0 and self.stack[base].overlay:
            base -= 1
        return self.stack[base:]

    def needs_redraw(self) -> bool:
        """Whether the next draw would differ from the last one.  Only the top view runs (a
        view under an overlay is frozen), so only it can change without input."""
        return self.dirty or self.top.needs_redraw()

    def draw(self) -> None:
        p = self.painter
        if p.record:
            p.transcript.clear()
        p.fill(theme.BG)
        for view in self.visible:
            self._lay_out(view)
            with p.layer(view.name):
                view.draw(p)
            if getattr(view, "uses_gui", False):
                self.gui.draw_ui(self.window)

    def _pixel_rect(self, region: pygame.Rect) -> pygame.Rect:
        (x0, y0), (x1, y1) = (
            self.viewport.to_px(region.topleft),
            self.viewport.to_px(region.bottomright),
        )
        return pygame.Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1)

    def present(self, pixels: pygame.Rect | None = None) -> None:
        """Show the drawing: the whole window, or only the ``pixels`` strip when nothing else
        changed (a clock second at rest costs a strip, not a full-window flip)."""
        if pixels is None:
            pygame.display.flip()
        else:
            pygame.display.update(pixels)

    def run(self, max_frames: int = 0) -> None:
        """The window's life: the xAPI deliverer (``sim.xapi.Deliverer``, a background thread
        that sends what earlier sessions left queued, then each stored attempt's statements,
        retrying with backoff) runs beside the frame loop, and at exit it gets one last flush
        (a few seconds at most) after the window has closed."""
        from sim.xapi import Deliverer

        self.deliverer = Deliverer(self.records.data_dir).start()
        try:
            self.loop(max_frames=max_frames)
        finally:
            self.records.close()
            pygame.quit()
            self.deliverer.stop(timeout=DELIVERY_AT_EXIT_S)

    def loop(
        self,
        max_frames: int = 0,
        max_s: float = 0.0,
        *,
        clock=None,
        wall: Callable[[], float] = time.perf_counter,
    ) -> None:
        """Run frames until quit (or ``max_frames`` frames, or ``max_s`` wall seconds): at
        ``FPS`` while something changes, at ``IDLE_FPS`` (sleeping in between) while nothing
        does.  Every frame gets the wall time since the last, so the fixed steps, and with
        them the simulated clock and the idle ``wait`` commands, follow the wall clock.
        (``clock``, a ``pygame.time.Clock``, and ``wall`` may be replaced in tests.)"""
        clock = clock or pygame.time.Clock()
        warming = bool(router.VIEWS.pending())
        start = last = wall()
        while self.running:
            clock.tick(FPS if self.drew else IDLE_FPS)
            now = wall()
            self.frame(min(0.25, now - last))
            last = now
            if warming and not self.drew:  # idle: what the launcher did not need, one a frame
                self.sounds.warm()
                warming = router.warm_one()
            if max_frames and self.frames >= max_frames:
                break
            if max_s and now - start >= max_s:
                break


def run_app() -> int:
    """Open the trainer window (``python -m sim`` with no arguments).  An empty scenario
    library is a one-line error (exit status 2) before any window opens."""
    from sim.scenario import ScenarioLibrary

    ScenarioLibrary().check_not_empty()
    frames = int(os.environ.get("MARROWSIM_MAX_FRAMES", "0"))
    App().run(max_frames=frames)
    return 0
