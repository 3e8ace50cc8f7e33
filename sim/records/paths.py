"""Where the records live: the records database inside the data folder (``sim.paths``)."""

from __future__ import annotations

from pathlib import Path

from sim.paths import DATA_DIR_ENV, default_data_dir

__all__ = ["DATA_DIR_ENV", "DB_NAME", "db_path", "default_data_dir"]

DB_NAME = "marrowsim.db"


def db_path(data_dir: Path) -> Path:
    """The records database inside a data directory."""
    return Path(data_dir) / DB_NAME
