"""Shared test set-up: headless SDL for any test that touches pygame, and common fixtures."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path_factory, monkeypatch):
    """Every test gets an empty data folder and no MARROWSIM_SCENARIO_PATH, so neither the
    station's records nor its school scenarios reach a test (tests may set their own)."""
    monkeypatch.setenv("MARROWSIM_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("MARROWSIM_SCENARIO_PATH", raising=False)
    # The instructor key lives outside the data folder (never the machine's site config in a
    # test), and a cheap scrypt cost keeps the passphrase tests fast.
    key_dir = tmp_path_factory.mktemp("instructor")
    monkeypatch.setenv("MARROWSIM_INSTRUCTOR_KEY", str(key_dir / "instructor-key.json"))
    monkeypatch.setattr("sim.records.authority.KDF_N", 2**10)


def pytest_collection_modifyitems(config, items):
    """The long integration tests (marked ``slow``) run first, so that under ``-n 2`` (make
    test) the two workers share them instead of one finishing them alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
