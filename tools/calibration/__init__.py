"""Calibration: the model's values beside the literature's, computed by running the model.

A documentation generator that lives outside the installed package: it replays the committed
expert script in ``tests/reference/``, so it needs a source checkout.  Run it from the repository
root::

    python -m tools.calibration --out docs/calibration.md --model-doc docs/model.md

(``make calibration`` does the same.)

Every row of the calibration table states a number from ``../shared/reference/clinical.md`` that
the model claims to reproduce, the source, the value the model gives when it is run (anatomy
tracks, needle pushes, aspirations through the command vocabulary, the expert reference
harvest), a tolerance and OK/OFF.  Nothing here restates a parameter as its own check: each
model value comes out of ``Anatomy``, ``NeedleMotion``, ``YieldModel``/``MarrowField`` or a
``Simulation`` driven by commands.

Tolerances follow one rule, stated per row:

* a mean with an SD: within 1 SD;
* a range: within the range;
* a measured point value without spread: within 10 %;
* an approximate statement ("about", "almost", "~"): within 25 %;
* an inequality ("> 100", "at least 1 cm"): the inequality.

The same tool generates the parameter tables of ``docs/model.md`` from
``sim/model/params/*.toml``, so the code, the docs and the calibration cannot drift apart.
The output is deterministic: fixed seeds, fixed formatting, no dates or versions.

Modules:

* ``table``: the row type, the tolerance rule, markdown tables, the regenerate command;
* ``drivers``: the command-driven operator, the expert reference harvest, typical donors;
* one module per section of docs/calibration.md: ``anatomy`` (anatomy and trajectories),
  ``needle`` (needle forces), ``aspiration`` (aspiration, dilution and yield), ``cells``
  (cell content and donor age), ``harvest`` (harvest outcome, targets and time), ``notes``
  (outputs not claimed, and why OFF rows are off);
* ``page``: runs every section and renders docs/calibration.md;
* ``model_doc``: the generated parameter tables of docs/model.md;
* ``cli`` / ``__main__``: the command line.
"""

from tools.calibration.model_doc import (
    MODEL_DOC_BEGIN,
    MODEL_DOC_END,
    render_parameter_tables,
    update_model_doc,
)
from tools.calibration.page import Calibration, calibrate, render_calibration
from tools.calibration.table import REGENERATE, Note, Row

__all__ = [
    "MODEL_DOC_BEGIN",
    "MODEL_DOC_END",
    "REGENERATE",
    "Calibration",
    "Note",
    "Row",
    "calibrate",
    "render_calibration",
    "render_parameter_tables",
    "update_model_doc",
]
