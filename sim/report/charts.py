"""Report charts: matplotlib figures (no pyplot, no display) rendered to inline SVG text.

Each function takes ``ReportData`` and returns an ``<svg>`` element, or None when there is
nothing to plot.  SVG text keeps labels searchable; a fixed hash salt and no date metadata make
the output reproducible.
"""

from __future__ import annotations

import io

import matplotlib
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim.i18n import N_, _
from sim.report.data import ReportData
from sim.report.formats import percent

PASS_COLOUR = "#2e7d32"
FAIL_COLOUR = "#c62828"
LINE_COLOUR = "#1f5f8b"
RC = {"svg.fonttype": "none", "svg.hashsalt": "marrowsim", "font.size": 9}


def to_svg(fig: Figure) -> str:
    """The figure as an ``<svg>`` element (XML prologue stripped)."""
    buf = io.StringIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _figure(width: float = 7.0, height: float = 3.2, left: float = 0.09) -> Figure:
    """A figure with fixed margins (an automatic layout costs more than the drawing)."""
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width, height))
    bottom = min(0.45, 0.55 / height)
    fig.subplots_adjust(left=left, right=0.98, top=1 - 0.35 / height, bottom=bottom, wspace=0.3)
    return fig


#: Up to this many trainees, the cohort trend draws one labelled line each.
SMALL_COHORT = 8


def score_trend(data: ReportData) -> str | None:
    """Score per attempt for each trainee (cohort: thin lines and the median per attempt)."""
    if not data.series:
        return None
    fig = _figure()
    ax = fig.add_subplot()
    if data.scope == "trainee":
        (points,) = data.series.values()
        x = [p[0] for p in points]
        y = [p[1] for p in points]
        ax.plot(x, y, color=LINE_COLOUR, linewidth=1.5, zorder=1)
        colours = [
            PASS_COLOUR if p[2] else FAIL_COLOUR if p[2] is False else "grey" for p in points
        ]
        ax.scatter(x, y, c=colours, s=28, zorder=2)
    elif len(data.series) <= SMALL_COHORT:
        # A small group: one labelled line per trainee, so each trend can be read.
        for name, points in sorted(data.series.items()):
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=4,
                    linewidth=1.5, label=name)  # fmt: skip
    else:
        by_index: dict[int, list[float]] = {}
        lines = [[(p[0], p[1]) for p in points] for points in data.series.values()]
        ax.add_collection(LineCollection(lines, colors=LINE_COLOUR, alpha=0.15, linewidths=0.8))
        for points in data.series.values():
            for i, score, _verdict in points:
                by_index.setdefault(i, []).append(score)
        xs = sorted(by_index)
        ax.plot(xs, [float(np.median(by_index[i])) for i in xs], color="black", linewidth=2,
                label=_("cohort median"))  # fmt: skip
    if data.minimum_passing is not None:
        ax.axhline(data.minimum_passing, color=FAIL_COLOUR, linestyle="--", linewidth=1,
                   label=_("passing standard"))  # fmt: skip
    if ax.get_legend_handles_labels()[1]:
        ax.legend(loc="lower right", fontsize="small")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(_("attempt number"))
    ax.set_ylabel(_("score (%)"))
    ax.set_ylim(0, 100)
    ax.set_title(_("Score trend"))
    ax.grid(alpha=0.3)
    return to_svg(fig)


def criterion_breakdown(data: ReportData) -> str | None:
    """Median percentage of each criterion's points, with the range between quartiles."""
    if not data.criteria:
        return None
    names = list(data.criteria)
    q1, med, q3 = (
        np.array([float(np.percentile(data.criteria[n], q)) for n in names]) for q in (25, 50, 75)
    )
    means, lo, hi = med, med - q1, q3 - med
    fig = _figure(7.0, 0.45 * len(names) + 1.0, left=0.22)
    ax = fig.add_subplot()
    y = np.arange(len(names))
    ax.barh(y, means, xerr=[lo, hi], color=LINE_COLOUR, alpha=0.8, capsize=3)
    ax.set_yticks(y, [_(n.replace("_", " ")) for n in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(_("points earned, percent of the maximum (bar: median, whiskers: IQR)"))
    ax.set_title(_("Criterion breakdown"))
    ax.grid(axis="x", alpha=0.3)
    return to_svg(fig)


def yield_distribution(data: ReportData) -> str | None:
    """Cell concentration per pull, and the cell dose per attempt."""
    if data.pull_ml.size == 0 and data.dose_per_kg.size == 0:
        return None
    fig = _figure(7.0, 3.0)
    left, right = fig.subplots(1, 2)
    if data.pull_tnc_per_ml.size:
        left.hist(data.pull_tnc_per_ml, bins=30, color=LINE_COLOUR, alpha=0.85)
    left.set_xlabel(_("TNC per pull (x10^6 per mL)"))
    left.set_ylabel(_("pulls"))
    left.set_title(_("Yield per pull"))
    if data.dose_per_kg.size:
        right.hist(data.dose_per_kg, bins=20, color=PASS_COLOUR, alpha=0.85)
    right.set_xlabel(_("TNC dose (x10^8 per kg recipient)"))
    right.set_ylabel(_("attempts"))
    right.set_title(_("Cell dose per attempt"))
    for ax in (left, right):
        ax.grid(alpha=0.3)
    return to_svg(fig)


def pull_sizes(data: ReportData) -> str | None:
    """Pull (aspiration) volumes; small pulls give the richest marrow."""
    if data.pull_ml.size == 0:
        return None
    fig = _figure(7.0, 2.8)
    ax = fig.add_subplot()
    top = max(10.0, float(data.pull_ml.max()))
    ax.hist(data.pull_ml, bins=np.arange(0.0, top + 1.0, 1.0), color=LINE_COLOUR, alpha=0.85)
    ax.axvline(5.0, color=PASS_COLOUR, linestyle="--", linewidth=1, label="5 mL")
    ax.set_xlabel(_("pull volume (mL)"))
    ax.set_ylabel(_("pulls"))
    ax.set_title(_("Pull sizes"))
    ax.legend()
    ax.grid(alpha=0.3)
    return to_svg(fig)


def _pass_label(r: dict) -> str:
    """A pass-rate bar's label: scenario, length, mode and how many were judged."""
    scenario = r["scenario"] + (" (" + _("skills-lab length") + ")" if r.get("skills_lab") else "")
    return f"{scenario}\n{_(r['mode'])} (n={r['judged']})"


def pass_rates(data: ReportData) -> str | None:
    """Share of judged attempts that passed, per scenario and mode."""
    if not data.pass_rates:
        return None
    labels = [_pass_label(r) for r in data.pass_rates]
    rates = [r["rate"] for r in data.pass_rates]
    fig = _figure(7.0, 2.8 + 0.1 * len(labels))
    fig.subplots_adjust(bottom=0.28)
    ax = fig.add_subplot()
    bars = ax.bar(range(len(rates)), rates, color=PASS_COLOUR, alpha=0.85)
    ax.bar_label(bars, labels=[percent(r, 0) for r in rates], padding=2)
    ax.set_xticks(range(len(rates)), labels)
    ax.set_ylim(0, 110)
    ax.set_ylabel(_("passed (%)"))
    ax.set_title(_("Pass rates"))
    ax.grid(axis="y", alpha=0.3)
    return to_svg(fig)


CHARTS = (
    ("score-trend", N_("Score trend"), score_trend),
    ("criteria", N_("Criterion breakdown"), criterion_breakdown),
    ("yield", N_("Yield distribution"), yield_distribution),
    ("pull-sizes", N_("Pull-size distribution"), pull_sizes),
    ("pass-rates", N_("Pass rates"), pass_rates),
)
