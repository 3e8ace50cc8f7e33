"""Marrowsim benchmarks: ``make bench`` runs ``python -m bench.run --out bench/RESULTS.md``.

``bench.run`` measures the headless core against the figures of issue 2 (needle step, aspiration,
whole harvest, no growth with session length, no pygame) and collects the other issues'
benchmarks when they exist: ``bench/scoring_bench.py``, ``bench/ui_bench.py`` and
``bench/records_bench.py``, each exposing ``run() -> dict``.

A colleague's ``run()`` should return ``{"figures": [{"figure": str, "target": str,
"measured": str, "pass": bool | None}, ...]}``; any other keys are listed as details.  A plain
mapping of names to values is also accepted and shown as it is.

Speed is measured here, never asserted in tests: ``tests/test_bench_smoke.py`` only checks that a
tiny run returns the expected keys.
"""
