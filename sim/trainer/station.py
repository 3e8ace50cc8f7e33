"""The window's link to the station's records (``sim.records``; no pygame here).

``StationRecords`` opens the records store once, lazily, in ``sim.records.default_data_dir()``
(``MARROWSIM_DATA_DIR`` respected) and turns a failure to open it (a damaged database) into one
line for the launcher instead of a crash.  ``Recording`` ties one live attempt to the store:
every applied command is saved as it is applied (``sim.records.Recorder``), so a killed window
leaves an incomplete attempt that still replays; ``finish`` stores the score and locks it,
then queues the attempt's xAPI statements when an LRS is configured (the window's
``sim.xapi.Deliverer`` thread sends them; nothing is sent from the frame loop).
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.i18n import N_, _

#: What a trainee id may contain (sim.records.store.TRAINEE_ID); spaces become '-'.
ID_CHARS = N_("letters, digits and . _ @ + -")
GUEST_ID = "guest"
RECENT_ATTEMPTS = 5


def shown_trainee(trainee: str) -> str:
    """A trainee id as the screens show it: the guest's in the current language (the records
    keep the id)."""
    return _("guest") if trainee == GUEST_ID else trainee


def normalise_trainee(text: str) -> str:
    """The trainee id for what was typed: trimmed, inner spaces turned into '-'."""
    return re.sub(r"\s+", "-", text.strip())


def one_line(exc: BaseException) -> str:
    """An error as one readable line."""
    msg = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(msg).splitlines()[0]


class StationRecords:
    """The records store of this station, opened on first use (one per App)."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self.error = ""
        self._store: Any = None
        self._tried = False

    @property
    def store(self) -> Any:
        """The open ``RecordStore``, or None (then ``error`` says why in one line)."""
        if not self._tried:
            self._tried = True
            try:
                from sim.records import RecordStore, default_data_dir

                where = self.data_dir or default_data_dir()
                Path(where).mkdir(parents=True, exist_ok=True)
                self._store = RecordStore.open(where)
            except (InputError, OSError, sqlite3.Error) as exc:
                self.error = _("Records unavailable: {problem}").format(problem=one_line(exc))
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # ---------------------------------------------------------------- trainee side
    def active_assessment(self) -> dict | None:
        """The newest open assessment the instructor signed, or None."""
        store = self.store
        if store is None:
            return None
        found = [a for a in store.assessments(active_only=True) if store.signed_by_instructor(a)]
        return found[-1] if found else None

    def attempts_left(self, trainee: str, assessment: dict, scenario_id: str) -> int:
        return self.store.attempts_left(trainee, assessment["id"], scenario_id)

    def recent(self, trainee: str) -> list[dict]:
        """This trainee's last few attempts, newest first (nobody else's).

        Only reads: the launcher asks at every keystroke of a name, and a trainee is created
        only when an attempt starts (``Recording.start``), so "n", "nu", "nur"... never reach
        the instructor's cohort."""
        store = self.store
        if store is None or not trainee:
            return []
        try:
            from sim.records.roles import TraineeRecords
            from sim.records.store import check_trainee_id

            check_trainee_id(trainee)
            rows = TraineeRecords(store, trainee).attempts()
        except InputError:
            return []
        return list(reversed(rows))[:RECENT_ATTEMPTS]


@dataclass
class Recording:
    """One live attempt being saved as it goes."""

    recorder: Any
    mode: str
    assessment: dict | None = None
    stored: dict | None = None
    error: str = ""
    store: Any = field(default=None, repr=False)
    #: xAPI statements queued for the LRS after the store (none without an LRS configured).
    xapi_queued: bool = False
    xapi_error: str = ""
    _finished: bool = field(default=False, repr=False)

    @classmethod
    def start(
        cls, records: StationRecords, attempt: Any, trainee: str, mode: str, assessment: dict | None
    ) -> Recording:
        """Create the stored attempt (raises InputError: no attempts left, bad id, no store)."""
        store = records.store
        if store is None:
            raise InputError(records.error or _("records unavailable"))
        from sim.records.roles import trainee_records

        own = trainee_records(store, trainee)
        rec = own.start(attempt, mode, assessment["id"] if assessment else None)
        out = cls(rec, mode, assessment, store=store)
        rec.on_error = out._save_failed  # a failed save must not close the window
        return out

    @property
    def attempt_id(self) -> str:
        return self.recorder.attempt_id

    def _save_failed(self, exc: Exception) -> None:
        self.error = _("Recording stopped: {problem}").format(problem=one_line(exc))

    def finish(self, score: dict | None) -> dict | None:
        """Store the outcome (locked in assessment mode); returns the stored row or None."""
        if self._finished:
            return self.stored
        self._finished = True
        if self.error:
            return None
        try:
            self.stored = self.recorder.finish(score)
        except (InputError, sqlite3.Error) as exc:
            self.error = _("The result could not be stored: {problem}").format(
                problem=one_line(exc)
            )
            return None
        self._queue_xapi()
        return self.stored

    def _queue_xapi(self) -> None:
        """Queue the attempt's xAPI statements for the configured LRS (``sim.xapi``).

        Only the local queue is written here, so no network I/O holds up the frame; the
        window's deliverer thread (``sim.xapi.Deliverer``) sends them within seconds.  Without
        an LRS nothing is queued, and a bad configuration is noted in ``xapi_error`` without
        touching the stored result.
        """
        if self.store is None:
            return
        try:
            from sim.xapi import load_config, queue_attempt

            config = load_config(self.store.path.parent, os.environ)
            queue_attempt(self.store, self.attempt_id, config, send=False)
            self.xapi_queued = config.configured
        except (InputError, sqlite3.Error, OSError, KeyError, TypeError, ValueError) as exc:
            self.xapi_error = "xAPI statements not queued: " + one_line(exc)
