"""The benchmark imports and a tiny run returns every figure (no timing assertions here)."""

from __future__ import annotations

import types
from dataclasses import replace

import pytest

from bench import run as bench

ISSUE_2_FIGURES = (
    "needle/tissue step",
    "one aspiration",
    "first aspiration on an ilium",
    "whole harvest in-process",
    "step cost after",
    "aspiration cost",
    "imports no pygame",
)


@pytest.fixture(scope="module")
def tiny() -> dict:
    return bench.run_all(replace(bench.QUICK, step_passes=1, aspirations=20, growth_steps=50))


def test_tiny_run_returns_the_expected_keys(tiny):
    for key in ("machine", "date", "step", "aspiration", "harvest", "growth", "no_pygame"):
        assert key in tiny
    assert {"cpu", "cores", "python", "numpy"} <= set(tiny["machine"])
    for key in ("n", "p50", "p99", "max", "cpu_p99"):
        assert key in tiny["step"]["all"]
        assert key in tiny["aspiration"]["steady"]
    assert tiny["step"]["all"]["n"] > 0
    assert {"outer_cortex", "marrow"} <= set(tiny["step"]["by_tissue"])
    assert tiny["harvest"]["aspirations"] >= 200
    assert tiny["harvest"]["procedure_min"] >= 60.0
    assert tiny["no_pygame"]["pygame_modules"] == []


def test_every_issue_2_figure_is_reported(tiny):
    names = [f["figure"] for f in tiny["figures"]]
    for wanted in ISSUE_2_FIGURES:
        assert any(wanted in n for n in names), wanted
    for f in tiny["figures"]:
        assert set(f) == {"figure", "target", "measured", "pass"}


def test_report_renders_a_table(tiny):
    text = bench.render(tiny)
    assert "| figure | target | measured | pass |" in text
    assert "AMD" in text or tiny["machine"]["cpu"] in text


def test_colleague_benchmarks_are_optional():
    def importer(name: str):
        if name == "bench.scoring_bench":
            return types.SimpleNamespace(
                run=lambda: {
                    "figures": [
                        {
                            "figure": "score a log",
                            "target": "≤ 50 ms",
                            "measured": "3 ms",
                            "pass": True,
                        }
                    ]
                }
            )
        if name == "bench.ui_bench":
            return types.SimpleNamespace(run=lambda: {"frame_p99_ms": 4.2})
        raise ModuleNotFoundError(name=name)

    got = bench.collect_colleagues(importer=importer)
    assert got["scoring_bench"]["status"] == "ok"
    assert got["ui_bench"]["status"] == "ok"
    assert got["records_bench"]["status"] == "not yet available"
    lines = "\n".join(
        sum((bench._colleague_lines(k, v) for k, v in got.items() if v["status"] == "ok"), [])
    )
    assert "score a log" in lines and "frame_p99_ms" in lines


def test_scenario_validation_benchmark_reports_its_figure():
    from bench import scenarios_bench

    got = scenarios_bench.run(repeats=2, warmup=0)
    assert got["scenarios"] >= 8 and got["broken"] == 0
    assert set(got["figures"][0]) == {"figure", "target", "measured", "pass"}
