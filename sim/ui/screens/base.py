"""The View protocol: one screen (or overlay) of the trainer, stacked by the App."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from sim.ui.render import Painter

if TYPE_CHECKING:
    from sim.ui.app import App


class View:
    """A screen.  The App sends it events (mouse positions already in logical pixels), calls
    ``fixed_update`` at the fixed step while it is on top, and draws the stack bottom-up.
    """

    #: An overlay is drawn over the view below it (which stays visible but frozen).
    overlay = False
    #: Name shown in the window title and used by tests.
    name = "view"

    def __init__(self, app: App) -> None:
        self.app = app

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
        """Draw the view on the logical surface."""
