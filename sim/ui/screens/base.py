"""The View protocol: one screen (or overlay) of the trainer, stacked by the App."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from sim.ui.render import Painter

if TYPE_CHECKING:
    from sim.ui.app import App


class View:
    """A screen.  The App sends it events (mouse positions already in layout units), calls
    ``fixed_update`` at the fixed step while it is on top, and draws the stack bottom-up, but
    only on a frame where something changed: an event, a change of screen, ``app.invalidate()``,
    or a visible view's ``needs_redraw()``.  A view whose picture changes without input says so
    with ``animating()`` (redraw every frame) or ``redraw_key()`` (redraw when it changes).

    The canvas is ``UNITS_H`` (720) layout units tall and as wide as the window's aspect makes
    it (``sim/ui/camera.py``): a view places its panels in :meth:`layout`, from the canvas size.
    """

    #: An overlay is drawn over the view below it (which stays visible but frozen).
    overlay = False
    #: Name shown in the window title and used by tests.
    name = "view"

    def __init__(self, app: App) -> None:
        self.app = app
        self._laid_out: tuple | None = None

    def ensure_layout(self, size: tuple[int, int], key: tuple = ()) -> None:
        """Lay the view out for a canvas of ``size`` units unless it already is (``key``: what
        else the layout depends on, such as the window's scale for pygame_gui elements)."""
        if getattr(self, "_laid_out", None) != (size, key):
            self._laid_out = (size, key)
            self.layout(size)

    def layout(self, size: tuple[int, int]) -> None:
        """Place the view's panels, buttons and pygame_gui elements on a canvas of ``size``
        (width, height) layout units.  Called before the view is first entered or drawn and
        again whenever the window's size changes, so panels reflow with the aspect."""

    @property
    def attempt_in_progress(self) -> bool:
        """True while a trainee's attempt would be lost by quitting."""
        return False

    def on_enter(self) -> None:
        """Called when the view becomes the top of the stack."""

    def on_exit(self) -> None:
        """Called when the view leaves the top of the stack (covered or removed)."""

    def release_inputs(self) -> None:
        """Let go of every held key and button: the view is covered or the window lost focus,
        so the matching key-up or button-up will not arrive here."""

    def handle_event(self, event: pygame.event.Event) -> bool:
        """React to one event; return True if it was used."""
        return False

    def fixed_update(self, dt_s: float) -> None:
        """One fixed step of UI time (only while this view is on top)."""

    def update(self, dt_s: float) -> None:
        """Once per frame, with the frame's wall time (animations)."""

    def draw(self, p: Painter) -> None:
        """Draw the view through the Painter, in layout units."""

    # ---------------------------------------------------------------- redraw
    _drawn_key: object = None

    def animating(self) -> bool:
        """True while the picture changes every frame without input (a held push, an easing
        force, a flash): the App draws every frame, at full rate."""
        return False

    def redraw_key(self) -> object:
        """A cheap value that changes when the picture changes without input (the clock
        showing another second, a scenario event, a blinking cursor); None by default."""
        return None

    def needs_redraw(self) -> bool:
        """Whether the view would draw differently from its last drawing."""
        return self.animating() or self.redraw_key() != self._drawn_key

    def changed_region(self) -> pygame.Rect | None:
        """When the only change since the last drawing is confined to one part of the screen
        (the clock ticking over a second), that part in layout units, so the window updates
        only it; None means the whole screen."""
        return None

    def mark_drawn(self) -> None:
        """Called by the App after each drawing of this view."""
        self._drawn_key = self.redraw_key()
