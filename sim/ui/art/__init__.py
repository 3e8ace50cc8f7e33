"""The illustrator's layer: how the trainer draws tissue, instruments and the patient.

``section_geometry`` solves the section through the anatomy exactly (no pygame); ``textures``
makes seeded, tileable tissue textures with numpy.  ``section_art`` and ``patient.paint_back``
paint pictures at a given pixel size (the screen asks for the window's own pixels and caches
them per pixel size); ``instrument``, ``gauges`` and the rest of ``patient`` draw through the
Painter in layout units, their float positions kept so anti-aliased edges fall between pixels.
"""
