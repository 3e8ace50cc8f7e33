"""Where a station keeps its files: the data folder and the school scenario folders.

The one place these are resolved (``sim.records`` re-exports ``default_data_dir``).  It sits in
the bottom layer because the scenario library, below the records, reads school scenarios from
the data folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

DATA_DIR_ENV = "MARROWSIM_DATA_DIR"
SCENARIO_PATH_ENV = "MARROWSIM_SCENARIO_PATH"
SCENARIOS_SUBDIR = "scenarios"


def default_data_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$MARROWSIM_DATA_DIR`` if set, else the platform's per-user data directory."""
    env = os.environ if env is None else env
    override = env.get(DATA_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("marrowsim", appauthor=False))


def school_scenario_dir(env: Mapping[str, str] | None = None) -> Path:
    """The data folder's ``scenarios/``: where ``scenarios add`` puts a school's scenarios."""
    return default_data_dir(env) / SCENARIOS_SUBDIR


def extra_scenario_dirs(env: Mapping[str, str] | None = None) -> list[Path]:
    """The folders in ``$MARROWSIM_SCENARIO_PATH`` (``os.pathsep``-separated, empty parts
    skipped), in the order given."""
    env = os.environ if env is None else env
    parts = env.get(SCENARIO_PATH_ENV, "").split(os.pathsep)
    return [Path(p.strip()).expanduser() for p in parts if p.strip()]
