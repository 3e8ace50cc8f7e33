"""The View protocol: one screen (or overlay) of the trainer, stacked by the App."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from sim.ui.render import Painter

if TYPE_CHECKING:
    from sim.ui.app import App


class View:
    """A screen.  The App sends it events (mouse positions already in layout units), calls
    ``fixed_update`` at the fixed step while it is on top, and draws the stack bottom-up.

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
