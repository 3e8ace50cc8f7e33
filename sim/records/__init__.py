"""Trainee records: an embedded SQLite database of attempts, assessments and settings.

Start here: ``RecordStore.open(default_data_dir())``; record with ``Recorder``; read through
``trainee_records(store, id)`` or ``instructor_records(store, passphrase)``; re-run a stored
attempt with ``replay_stored_attempt(store, id)``.  docs/records.md has the rest.

The submodules import one another one way only (``store`` is imported, never imports the
modules built on it) and always by their own path, never through this package.
"""

import importlib

#: Each public name and the submodule it lives in, imported on first use: importing one
#: submodule (``sim.records.store`` for ``records list``, say) does not import the recorder,
#: the replay and with them the simulation and the scoring (issue 15, start-up).
_WHERE = {
    "DamagedDatabase": "db",
    "PassphraseRefused": "authority",
    "PassphraseThrottled": "authority",
    "DATA_DIR_ENV": "paths",
    "db_path": "paths",
    "default_data_dir": "paths",
    "Recorder": "recorder",
    "replay_stored_attempt": "replay",
    "InstructorRecords": "roles",
    "TraineeRecords": "roles",
    "instructor_records": "roles",
    "trainee_records": "roles",
    "MODES": "store",
    "RecordStore": "store",
}


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"sim.records.{module}"), name)
    globals()[name] = value
    return value


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
