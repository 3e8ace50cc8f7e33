"""Screens of the trainer (arcade-style Views) and the overlays drawn on top of them."""
