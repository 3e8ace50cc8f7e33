"""HTML reports: sections, embedded charts, escaping, and bad requests."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from sim.records import RecordStore
from sim.report import build_report, cohort_report_data
from tests.test_records_support import cli, fake_score, record

SECTIONS = ("summary", "score-trend", "criteria", "yield", "pull-sizes", "pass-rates")


class Outline(HTMLParser):
    """Collects section ids, svg count and text of an HTML page (and checks it parses)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.svgs = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.ids.append(attrs.get("id"))
        if tag == "svg":
            self.svgs += 1

    def handle_data(self, data):
        self.text.append(data)


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
def data(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(d))
    monkeypatch.delenv("MARROWSIM_INSTRUCTOR_PASSPHRASE", raising=False)
    with RecordStore.open(d) as store:
        for i, trainee in enumerate(("ann", "ben", "cat")):
            store.set_trainee(trainee, cohort="spring", name=f"<b>{trainee}</b>")
            for k in range(3):
                record(store, trainee, n=30 + 6 * k, seed=k, score=fake_score(60 + 10 * k + i))
        record(store, "ann", n=10, finish=False)
        store.set_trainee("dan", cohort="autumn")
    return d


def test_cohort_report_has_charts_and_sections(data, tmp_path):
    out = tmp_path / "cohort.html"
    status, text, _ = cli("report", "--cohort", "spring", "--out", str(out))
    assert status == 0 and str(out) in text
    html = out.read_text(encoding="utf-8")
    page = outline(html)
    assert [s for s in SECTIONS if s not in page.ids] == []
    assert "trainees" in page.ids
    assert page.svgs == 5
    words = " ".join(page.text)
    for title in ("Score trend", "Criterion breakdown", "Yield per pull", "Pull sizes",
                  "Pass rates", "score (%)", "pull volume (mL)"):  # fmt: skip
        assert title in html, title
    assert "3 trainees, 9 finished attempts, 1 incomplete" in " ".join(words.split())
    assert "&lt;b&gt;ann&lt;/b&gt;" in html and "<b>ann</b>" not in html  # escaped


def test_trainee_report_lists_attempts(data, tmp_path):
    with RecordStore.open(data) as store:
        html = build_report(store, generated=datetime(2025, 1, 1, tzinfo=UTC), trainee="ben")
        ids = [a["id"] for a in store.attempts(trainee_id="ben")]
    page = outline(html)
    assert "attempts" in page.ids and page.svgs == 5
    assert all(i in html for i in ids)
    assert "2025-01-01 00:00 UTC" in html


def test_report_data_numbers(data):
    with RecordStore.open(data) as store:
        d = cohort_report_data(store, "spring")
    assert len(d.attempts) == 9 and d.incomplete == 1
    assert set(d.series) == {"ann", "ben", "cat"} and len(d.series["ann"]) == 3
    assert set(d.criteria) == {"trajectory", "yield"}
    assert d.pull_ml.size > 0 and (d.pull_ml <= 5.0).all()
    assert d.pass_rates[0]["judged"] == 9
    assert d.overview()["mean_score"] == pytest.approx(71.0)


def test_empty_and_unknown(data, tmp_path):
    out = tmp_path / "r.html"
    status, _, _ = cli("report", "--cohort", "autumn", "--out", str(out))
    assert status == 0 and "No data for this chart yet" in out.read_text(encoding="utf-8")
    status, _, err = cli("report", "--cohort", "winter", "--out", str(out))
    assert status == 2 and "no trainees in cohort 'winter'" in err
    status, _, err = cli("report", "--trainee", "zed", "--out", str(out))
    assert status == 2 and "no trainee" in err
    with pytest.raises(SystemExit):
        cli("report", "--trainee", "ann", "--cohort", "spring", "--out", str(out))


def test_the_report_speaks_the_chosen_language(data, tmp_path, monkeypatch):
    """Headings, table headers, verdicts, chart titles and axes in Spanish; numbers with a
    decimal comma; ``<html lang="es">``; the stored words (ids, names) as they are."""
    from sim.i18n import set_language

    monkeypatch.setenv("MARROWSIM_LANG", "es")
    out = tmp_path / "es.html"
    try:
        status, text, _ = cli("report", "--cohort", "spring", "--out", str(out))
        assert status == 0
        html = out.read_text(encoding="utf-8")
        with RecordStore.open(data) as store:
            trainee = build_report(store, generated=datetime(2025, 1, 1, tzinfo=UTC), trainee="ben")
    finally:
        set_language("en")
    assert '<html lang="es">' in html and "Informe de la promoción: spring" in html
    words = " ".join(" ".join(outline(html).text).split())
    assert "3 alumnos, 9 intentos terminados, 1 sin terminar" in words
    for es in ("Resumen", "Puntuación media", "Evolución de la puntuación", "Desglose por criterio",
               "puntuación (%)", "volumen de aspiración (mL)", "Tasas de aprobados por escenario",
               "número de intento", "trayectoria", "71,0\u00a0%"):  # fmt: skip
        assert es in html, es
    for en in ("Summary", "Mean score", "Score trend", "Criterion breakdown", "pull volume"):
        assert en not in html, en
    assert "Informe del alumno" in trainee and "Comentarios del último intento" in trainee
    assert "aprobado" in trainee or "suspenso" in trainee
    assert "generado el 2025-01-01 00:00 UTC" in " ".join(trainee.split())
