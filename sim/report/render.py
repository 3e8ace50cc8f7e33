"""Rendering a report: the data, the charts and the Jinja2 template, to one HTML file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from sim import __version__
from sim.errors import InputError
from sim.report.charts import CHARTS
from sim.report.data import ReportData, cohort_report_data, pct, trainee_report_data

#: The templates are package data (``sim/report/templates/``), read through the package loader.
TEMPLATES = ("sim.report", "templates")


def environment() -> Environment:
    """The Jinja2 environment for report templates (HTML autoescaped)."""
    return Environment(
        loader=PackageLoader(*TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(data: ReportData, *, generated: datetime, table: list[dict] | None = None) -> str:
    """The report as HTML text, charts embedded as inline SVG."""
    charts = [{"id": key, "title": title, "svg": make(data)} for key, title, make in CHARTS]
    for a in data.attempts:
        a["pct"] = pct(a)
        a.setdefault("metrics", {})
    template = environment().get_template("report.html.j2")
    return template.render(
        data=data,
        overview=data.overview(),
        charts=charts,
        table=table or [],
        version=__version__,
        generated=generated.strftime("%Y-%m-%d %H:%M UTC"),
    )


def build_report(
    store: Any, *, generated: datetime, trainee: str | None = None, cohort: str | None = None
) -> str:
    """The HTML report for one trainee or one cohort."""
    if (trainee is None) == (cohort is None):
        raise InputError("give exactly one of --trainee or --cohort")
    if trainee is not None:
        return render(trainee_report_data(store, trainee), generated=generated)
    from sim.records.roles import cohort_table

    data = cohort_report_data(store, cohort)
    table = cohort_table(store, cohort, attempts=data.rows)
    return render(data, generated=generated, table=table)
