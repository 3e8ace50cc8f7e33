"""The scoring feedback's sentences, for translation at display time (no pygame).

The criteria write their feedback in English, each sentence from a template defined once beside
the criterion that says it (its ``PHRASES``) and the English words it puts into them (its
``TERMS``: sites' zones, tissues, steps, critical errors...).  The scores keep those English
bytes (records, digests, replays); the screens translate them with sim/trainer/core_words.py,
which matches each sentence against ``SHAPES`` (the templates with ``{name}`` slots) and looks
the rest up whole (``WORDS``).  Nothing here is typed twice.
"""

from __future__ import annotations

from sim.scoring import rubric
from sim.scoring.criteria import steps
from sim.scoring.text import NO_NEEDLE_WORK

_CRITERIA = tuple(rubric.CRITERION_MODULES.values())
_PHRASES = (
    NO_NEEDLE_WORK,
    *rubric.PHRASES,
    *(phrase for module in _CRITERIA for phrase in module.PHRASES),
)
_TERMS = tuple(term for module in _CRITERIA for term in getattr(module, "TERMS", ()))

#: The feedback's sentences with values in them (``{name}`` where a value goes).
SHAPES = tuple(dict.fromkeys(p for p in _PHRASES if "{" in p))
#: The feedback's whole sentences and the words put into the shapes, looked up as they are.
WORDS = tuple(dict.fromkeys((*(p for p in _PHRASES if "{" not in p), *_TERMS)))
#: The joins of the lists in the feedback (', then ', ' and '), translated as they are.
SEPARATORS = steps.SEPARATORS
