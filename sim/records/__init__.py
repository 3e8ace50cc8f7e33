"""Trainee records: an embedded SQLite database of attempts, assessments and settings.

Start here: ``RecordStore.open(default_data_dir())``; record with ``Recorder``; read through
``store.trainee_view(id)`` or ``store.instructor(passphrase)``.  docs/records.md has the rest.
"""

from sim.records.db import DamagedDatabase
from sim.records.passphrase import PassphraseRefused
from sim.records.paths import DATA_DIR_ENV, db_path, default_data_dir
from sim.records.recorder import Recorder
from sim.records.roles import InstructorRecords, TraineeRecords
from sim.records.store import MODES, RecordStore

__all__ = [
    "DATA_DIR_ENV",
    "MODES",
    "DamagedDatabase",
    "InstructorRecords",
    "PassphraseRefused",
    "RecordStore",
    "Recorder",
    "TraineeRecords",
    "db_path",
    "default_data_dir",
]
