"""Helpers for driving the trainer headless in tests: dummy SDL drivers, posted events."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

STEP = 1.0 / 60.0


def key(app, k: int, mod: int = 0, up: bool = False, frames: int = 1) -> None:
    kind = pygame.KEYUP if up else pygame.KEYDOWN
    pygame.event.post(pygame.event.Event(kind, key=k, mod=mod, unicode=""))
    run(app, frames)


def click(app, pos, button: int = 1, frames: int = 1) -> None:
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button))
    run(app, frames)


def run(app, frames: int = 1) -> None:
    for _ in range(frames):
        app.frame(STEP)


def make_app(**kw):
    """An App with its records in a fresh temporary folder unless ``data_dir`` is given."""
    import tempfile
    from pathlib import Path

    from sim.ui.app import App

    data_dir = kw.pop("data_dir", None) or Path(tempfile.mkdtemp(prefix="marrowsim-ui-"))
    return App(
        seed=kw.pop("seed", 3),
        sound=False,
        record_draw=kw.pop("record_draw", True),
        data_dir=data_dir,
        **kw,
    )
