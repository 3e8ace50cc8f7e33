"""The illustrator's layer: how the trainer draws tissue, instruments and the patient.

``section_geometry`` solves the section through the anatomy exactly (no pygame); ``textures``
makes seeded, tileable tissue textures with numpy; ``section_art``, ``instrument``, ``gauges``
and ``patient`` draw with pygame at whatever pixel size the screen gives them (positions come
from the target rect and a millimetre-to-pixel scale, never from the 1280x720 layout).
"""
