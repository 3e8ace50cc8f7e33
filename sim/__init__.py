"""Marrowsim: a training simulator for bone marrow harvest from the posterior iliac crest.

The package is split by layer: the headless core (``anatomy``, ``needle``, ``marrow``,
``simulation``, ``attempt``, ``scenario``, ``scoring``…) never imports pygame; only ``sim.ui`` does.
"""

__version__ = "0.1.0"
