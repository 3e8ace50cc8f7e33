"""The generated parameter tables of docs/model.md, read from ``sim/model/params/*.toml``.

:func:`update_model_doc` replaces the section between :data:`MODEL_DOC_BEGIN` and
:data:`MODEL_DOC_END` with :func:`render_parameter_tables`: every parameter with value, unit,
kind and source, and a derived table of the needle layers.
"""

from __future__ import annotations

import math

from sim.model.needle import TissueMechanics
from sim.model.parameters import TABLES, Parameter, table
from sim.model.tissue import Tissue
from tools.calibration.table import REGENERATE, markdown_table

MODEL_DOC_BEGIN = "<!-- BEGIN GENERATED: parameter tables (python -m tools.calibration) -->"
MODEL_DOC_END = "<!-- END GENERATED: parameter tables -->"


def _g(x: float, digits: int = 3) -> str:
    """A number for a table: a few significant digits, no exponent for everyday sizes."""
    if x == 0:
        return "0"
    if abs(x) >= 1e5 or abs(x) < 1e-3:
        return f"{x:.{digits}g}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return f"{x:.{decimals}f}"


def _kind(source: str) -> str:
    """literature, gap, proxy, derived, calibrated... read from the start of a source."""
    head = source.split(":", 1)[0].strip().lower()
    for kind in ("gap", "derived", "proxy", "calibrated"):
        if head.startswith(kind):
            return kind
    if head.startswith("model"):
        return "model choice"
    if "gap" in source.lower():
        return "literature + gap"
    return "literature"


def _value(p: Parameter) -> str:
    """A parameter value as written in the tables."""
    v = p.value
    if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-3):
        return f"{v:.4g}"
    return f"{v:g}"


TABLE_TITLES = {
    "anatomy": "Anatomy (`sim/model/params/anatomy.toml`)",
    "needle": "Needle (`sim/model/params/needle.toml`)",
    "marrow": "Marrow yield (`sim/model/params/marrow.toml`)",
    "donor": "The donor as an individual (`sim/model/params/donor.toml`)",
    "physiology": "The donor's circulation (`sim/model/params/physiology.toml`)",
    "timing": "Time model (`sim/model/params/timing.toml`)",
}


def render_parameter_tables() -> str:
    """The generated section of docs/model.md: every parameter with value, unit and source."""
    lines = [
        MODEL_DOC_BEGIN,
        "",
        f"Generated from `sim/model/params/*.toml` by `{REGENERATE}`; "
        "edit the TOML, not this section.",
        "The *kind* column is read from the source: **gap** marks an assumption the literature "
        "consulted did not give (clinical.md 'Gaps'), **proxy** a number measured at a nearby "
        "site, **derived** arithmetic on cited numbers, **calibrated** a number fitted so the "
        "model reproduces a cited result.",
        "",
    ]
    lines += render_mechanics()
    counts: dict[str, int] = {}
    gaps: dict[str, list[str]] = {}
    for name in TABLES:
        entries = table(name).entries()
        lines += [f"### {TABLE_TITLES.get(name, name)}", ""]
        lines += markdown_table(
            ("name", "value", "unit", "kind", "source"),
            ((f"`{p.name}`", _value(p), p.unit, _kind(p.source), p.source) for p in entries),
        )
        lines.append("")
        for p in entries:
            counts[_kind(p.source)] = counts.get(_kind(p.source), 0) + 1
            if _kind(p.source) == "gap":
                gaps.setdefault(name, []).append(f"`{p.name}`")
    total = sum(counts.values())
    summary = ", ".join(f"{counts[k]} {k}" for k in sorted(counts))
    lines += [f"In all {total} parameters: {summary}. The assumptions (gap), by table:", ""]
    lines += [f"- {name}: {', '.join(names)}" for name, names in gaps.items()]
    lines += ["", MODEL_DOC_END]
    return "\n".join(lines)


def render_mechanics() -> list[str]:
    """Derived table: each tissue's resistance and the scripted hand's speed through it."""
    mech = TissueMechanics(cortex_factor=1.0)
    rows = []
    for tissue in Tissue:
        if tissue == Tissue.AIR:
            continue
        cells = [tissue.value, _g(mech.layer(tissue, False).damping)]
        for twist in (False, True):
            layer = mech.layer(tissue, twist)
            force = mech.scripted_force_n(tissue, twist)
            cells += [_g(layer.resistance_n), _g(force), _g(layer.speed_mm_s(force), 2)]
        rows.append(cells)
    lines = [
        "### Needle layers as the model uses them (derived)",
        "",
        "Resistance R, damping c, the scripted hand's force F = min(`hand_max_force_n`, "
        "`hand_margin` × R + `hand_min_force_n`) and the resulting tip speed (F − R) / c, "
        "for a 30-year-old donor's cortex, without and with twisting.",
        "",
    ]
    header = ("tissue", "c (N·s/mm)", "R (N)", "F (N)", "speed (mm/s)")
    header += ("R twisting", "F twisting", "speed twisting")
    lines += markdown_table(header, rows)
    lines.append("")
    return lines


def update_model_doc(text: str) -> str:
    """``text`` with its generated section replaced (or appended if it has none)."""
    block = render_parameter_tables()
    if MODEL_DOC_BEGIN in text and MODEL_DOC_END in text:
        head, rest = text.split(MODEL_DOC_BEGIN, 1)
        _, tail = rest.split(MODEL_DOC_END, 1)
        return head + block + tail
    return text.rstrip("\n") + "\n\n" + block + "\n"
