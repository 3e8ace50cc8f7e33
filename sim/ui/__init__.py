"""The interactive trainer: the only package that imports pygame.

Views read the simulation and draw it; input becomes the same commands a script uses, applied
through :class:`sim.run.attempt.Attempt`.  ``run_app()`` (in :mod:`sim.ui.app`) opens the window.
"""
