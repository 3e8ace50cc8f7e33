"""The interactive trainer: the only package that imports pygame."""
