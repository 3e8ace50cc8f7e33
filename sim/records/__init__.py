"""Trainee records: an embedded SQLite database of attempts, assessments and settings.

Start here: ``RecordStore.open(default_data_dir())``; record with ``Recorder``; read through
``trainee_records(store, id)`` or ``instructor_records(store, passphrase)``; re-run a stored
attempt with ``replay_stored_attempt(store, id)``.  docs/records.md has the rest.

The submodules import one another one way only (``store`` is imported, never imports the
modules built on it) and always by their own path, never through this package.
"""

from sim.records.authority import PassphraseRefused, PassphraseThrottled
from sim.records.db import DamagedDatabase
from sim.records.paths import DATA_DIR_ENV, db_path, default_data_dir
from sim.records.recorder import Recorder
from sim.records.replay import replay_stored_attempt
from sim.records.roles import (
    InstructorRecords,
    TraineeRecords,
    instructor_records,
    trainee_records,
)
from sim.records.store import MODES, RecordStore

__all__ = [
    "DATA_DIR_ENV",
    "MODES",
    "DamagedDatabase",
    "InstructorRecords",
    "PassphraseRefused",
    "PassphraseThrottled",
    "RecordStore",
    "Recorder",
    "TraineeRecords",
    "db_path",
    "default_data_dir",
    "instructor_records",
    "replay_stored_attempt",
    "trainee_records",
]
