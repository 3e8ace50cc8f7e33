"""Recorder: ties a live ``Attempt`` to the store so every applied command is saved at once.

    rec = Recorder.start(store, attempt, trainee_id="t-042", mode="practice")
    attempt.apply(cmd)          # saved (committed) before apply() returns
    row = rec.finish()          # scored, stored, locked, chained

The stored score is always ``sim.scoring.score_attempt`` of the attempt itself: a score handed
to ``finish`` is ignored, so no caller can store a result the attempt did not earn.

A process killed mid-attempt leaves an incomplete attempt with every command applied so far
(at most the one being applied is lost); ``replay.replay_stored_attempt`` re-runs it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from sim.errors import InputError
from sim.i18n import _
from sim.records.store import RecordStore
from sim.scoring import score_attempt


class Recorder:
    """Saves an attempt's commands as they are applied, then its outcome."""

    def __init__(self, store: RecordStore, attempt: Any, attempt_id: str) -> None:
        self.store = store
        self.attempt = attempt
        self.attempt_id = attempt_id
        self._next = len(attempt.log)
        #: Called with the error when a save fails; recording then stops and the attempt goes
        #: on (the trainer shows it).  Without it a failed save raises.
        self.on_error: Callable[[Exception], None] | None = None
        self.failed = False
        attempt.observers.append(self._on_command)

    @classmethod
    def start(
        cls,
        store: RecordStore,
        attempt: Any,
        *,
        trainee_id: str,
        mode: str,
        assessment_id: str | None = None,
    ) -> Recorder:
        """Create the stored attempt and start recording; call before the first command."""
        if attempt.log:
            raise ValueError("attach the recorder before the first command is applied")
        attempt_id = store.start_attempt(
            trainee_id, attempt.scenario, attempt.seed, mode, assessment_id=assessment_id
        )
        return cls(store, attempt, attempt_id)

    def _on_command(self, entry: dict, _events: list) -> None:
        if self.failed:
            return
        try:
            self.store.append_command(self.attempt_id, self._next, entry["t_s"], entry["cmd"])
        except (InputError, sqlite3.Error) as exc:
            if self.on_error is None:
                raise
            self.failed = True
            self.on_error(exc)
            return
        self._next += 1

    def finish(self, score: dict | None = None, *, auto_score: bool = True) -> dict:
        """Score the attempt, store the outcome and lock it; returns the stored row.

        The score is computed here with ``sim.scoring.score_attempt``; ``score`` is accepted for
        callers that already scored the attempt but is never stored (a caller cannot choose the
        result).  ``auto_score=False`` stores the attempt unscored, except an assessment.
        """
        del score  # never trusted: the result must come from the attempt itself
        if not auto_score and self.store.attempt(self.attempt_id)["mode"] == "assessment":
            raise InputError(_("an assessment attempt is always scored"), field="mode")
        computed = score_attempt(self.attempt) if auto_score else None
        if self._on_command in self.attempt.observers:
            self.attempt.observers.remove(self._on_command)
        return self.store.finish_attempt(self.attempt_id, self.attempt, computed)
