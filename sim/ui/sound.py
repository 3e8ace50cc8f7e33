"""Synthesised feedback sounds (numpy, no sound files): the 'give', the cortex grind, clicks.

If there is no audio device (or the mixer cannot start) every method quietly does nothing: the
visual cues carry the same information.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

if TYPE_CHECKING:
    import numpy as np

RATE = 22050


def _tone(freq_hz: float, dur_s: float, decay_s: float, rng: np.random.Generator) -> np.ndarray:
    import numpy as np  # imported when the sounds are made, not at start-up

    t = np.arange(int(RATE * dur_s)) / RATE
    return np.sin(2 * np.pi * freq_hz * t) * np.exp(-t / decay_s)


def give_wave(rng: np.random.Generator) -> np.ndarray:
    """A dull 'pop': a noise burst plus a falling low thump (the needle breaking into marrow)."""
    import numpy as np  # imported when the sounds are made, not at start-up

    t = np.arange(int(RATE * 0.22)) / RATE
    thump = np.sin(2 * np.pi * (180 - 260 * t) * t) * np.exp(-t / 0.05)
    burst = rng.normal(0, 1, t.size) * np.exp(-t / 0.012)
    return 0.7 * thump + 0.35 * burst


def grind_wave(rng: np.random.Generator) -> np.ndarray:
    """A loopable rough scrape (the needle working through cortex), 0.5 s."""
    import numpy as np  # imported when the sounds are made, not at start-up

    n = int(RATE * 0.5)
    noise = rng.normal(0, 1, n)
    kernel = np.ones(6) / 6
    low = np.convolve(noise, kernel, mode="same")
    t = np.arange(n) / RATE
    am = 0.6 + 0.4 * np.sin(2 * np.pi * 14 * t)
    return 0.35 * low * am


def click_wave(rng: np.random.Generator) -> np.ndarray:

    return 0.4 * _tone(1400, 0.04, 0.01, rng)


def suck_wave(rng: np.random.Generator) -> np.ndarray:
    """The plunger pull: a short rising hiss."""
    import numpy as np  # imported when the sounds are made, not at start-up

    t = np.arange(int(RATE * 0.3)) / RATE
    noise = np.convolve(rng.normal(0, 1, t.size), np.ones(3) / 3, mode="same")
    return 0.25 * noise * np.sin(np.pi * t / t[-1])


def alarm_wave(rng: np.random.Generator) -> np.ndarray:
    """A monitor's alarm: three rising beeps."""
    import numpy as np  # imported when the sounds are made, not at start-up

    beeps = [_tone(f, 0.12, 0.5, rng) for f in (880.0, 988.0, 1109.0)]
    gap = np.zeros(int(RATE * 0.05))
    return 0.35 * np.concatenate([x for b in beeps for x in (b, gap)])


class Sounds:
    """The trainer's sounds; silent when audio is unavailable or muted."""

    def __init__(self, enabled: bool = True, *, deferred: bool = False) -> None:
        """``deferred``: the mixer is opened and the sounds synthesised (numpy) by ``warm``, which
        the trainer calls once its first frame is up (or by the first sound played)."""
        self.enabled = False
        #: How often each sound was played (also when muted): what a listener would have heard.
        self.heard: dict[str, int] = {}
        self._sounds: dict[str, pygame.mixer.Sound] = {}
        self._grind_channel: pygame.mixer.Channel | None = None
        self._pending = enabled and deferred
        if enabled and not deferred:
            self._open()

    def warm(self) -> None:
        """Open the mixer and synthesise the sounds, if that was deferred and not yet done."""
        if self._pending:
            self._pending = False
            self._open()

    def _open(self) -> None:
        import numpy as np

        try:
            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=RATE, size=-16, channels=1, buffer=512)
            freq, _fmt, channels = pygame.mixer.get_init()
            rng = np.random.default_rng(7)
            waves = {
                "give": give_wave(rng),
                "grind": grind_wave(rng),
                "click": click_wave(rng),
                "pull": suck_wave(rng),
                "alarm": alarm_wave(rng),
            }
            for name, wave in waves.items():
                pcm = (np.clip(wave, -1, 1) * 32000).astype(np.int16)
                if freq != RATE:
                    idx = np.linspace(0, pcm.size - 1, int(pcm.size * freq / RATE)).astype(int)
                    pcm = pcm[idx]
                if channels > 1:
                    pcm = np.repeat(pcm[:, None], channels, axis=1)
                self._sounds[name] = pygame.sndarray.make_sound(np.ascontiguousarray(pcm))
            self.enabled = True
        except (pygame.error, ValueError, TypeError, NotImplementedError):
            self._sounds.clear()
            self.enabled = False

    def play(self, name: str) -> None:
        self.heard[name] = self.heard.get(name, 0) + 1
        self.warm()
        if self.enabled and name in self._sounds:
            self._sounds[name].play()

    def grind(self, on: bool) -> None:
        """Start or stop the looping cortex grind."""
        self.warm()
        if not self.enabled:
            return
        playing = self._grind_channel is not None and self._grind_channel.get_busy()
        if on and not playing:
            self._grind_channel = self._sounds["grind"].play(loops=-1)
        elif not on and playing and self._grind_channel is not None:
            self._grind_channel.fadeout(60)
