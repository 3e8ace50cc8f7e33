"""Where the records live: the one place the default data directory is resolved."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

DATA_DIR_ENV = "MARROWSIM_DATA_DIR"
DB_NAME = "marrowsim.db"


def default_data_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$MARROWSIM_DATA_DIR`` if set, else the platform's per-user data directory."""
    env = os.environ if env is None else env
    override = env.get(DATA_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("marrowsim", appauthor=False))


def db_path(data_dir: Path) -> Path:
    """The records database inside a data directory."""
    return Path(data_dir) / DB_NAME
