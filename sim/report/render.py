"""Rendering a report: the data, the charts and the Jinja2 template, to one HTML file.

Every word of the report is in the current language (``sim.i18n``): the template's through
Jinja2's i18n extension (``{% trans %}`` and ``_()``, extracted by Babel with ``babel.cfg``),
the charts' and the data's through ``_``.  The core's English words (criterion ids, critical
error codes, the scoring's feedback) are translated where they are shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from sim import __version__
from sim.errors import InputError
from sim.i18n import _, current_language, ngettext
from sim.i18n.words import critical_name
from sim.report.charts import CHARTS
from sim.report.data import ReportData, cohort_report_data, pct, trainee_report_data
from sim.report.formats import number, percent, stamp

#: The templates are package data (``sim/report/templates/``), read through the package loader.
TEMPLATES = ("sim.report", "templates")
#: The page's ``lang`` attribute per language (RFC 5646).
HTML_LANG = {"en": "en", "es": "es"}


def word(text: str | None) -> str:
    """One of the core's words (a mode, a status, a criterion id) in the current language."""
    if not text:
        return ""
    return _(str(text).replace("_", " "))


def feedback(text: str | None) -> str:
    """The scoring's English feedback in the current language (sim.trainer.core_words)."""
    from sim.trainer.core_words import say

    return say(" ".join(str(text or "").split()))


def environment() -> Environment:
    """The Jinja2 environment for report templates (HTML autoescaped, gettext installed)."""
    env = Environment(
        loader=PackageLoader(*TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # as babel.cfg extracts them
    env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        number=number, percent=percent, critical=critical_name, word=word, feedback=feedback,
        stamp=stamp,
    )  # fmt: skip
    return env


def render(data: ReportData, *, generated: datetime, table: list[dict] | None = None) -> str:
    """The report as HTML text, charts embedded as inline SVG."""
    charts = [{"id": key, "title": _(title), "svg": make(data)} for key, title, make in CHARTS]
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
        lang=HTML_LANG.get(current_language(), "en"),
        generated=generated.strftime("%Y-%m-%d %H:%M UTC"),
    )


def build_report(
    store: Any, *, generated: datetime, trainee: str | None = None, cohort: str | None = None
) -> str:
    """The HTML report for one trainee or one cohort."""
    if (trainee is None) == (cohort is None):
        raise InputError(_("give exactly one of --trainee or --cohort"))
    if trainee is not None:
        return render(trainee_report_data(store, trainee), generated=generated)
    from sim.records.roles import cohort_table

    data = cohort_report_data(store, cohort)
    table = cohort_table(store, cohort, attempts=data.rows)
    return render(data, generated=generated, table=table)
