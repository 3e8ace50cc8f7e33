"""The trainer's sounds are synthesised (numpy, after the first frame): every one of them."""

from __future__ import annotations

import numpy as np

from sim.ui import sound


def test_every_sound_is_made_and_fits_the_mixer_range():
    rng = np.random.default_rng(7)
    waves = [getattr(sound, n) for n in dir(sound) if n.endswith("_wave")]
    assert len(waves) >= 5
    for make in waves:
        wave = make(rng)
        assert wave.ndim == 1 and wave.size > 100, make.__name__
        assert np.isfinite(wave).all() and np.abs(wave).max() <= 1.5, make.__name__
