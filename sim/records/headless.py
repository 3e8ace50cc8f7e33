"""Recording a headless run (``python -m sim run ... --trainee ID --mode MODE``).

``start_recording(args)`` opens the store and checks the trainee and mode before anything
runs; ``attach`` is handed to the runner to start recording when the attempt is created;
``finish`` stores the outcome (and queues xAPI statements when an LRS is configured).
An assessment run needs the instructor passphrase (once one is set), so nobody can start or
use up a trainee's assessment attempt from the command line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.errors import InputError
from sim.i18n import _

if TYPE_CHECKING:  # the store, the recorder and xAPI are imported only for a recorded run
    from sim.records.recorder import Recorder
    from sim.records.store import RecordStore


class HeadlessRecording:
    """One recorded headless attempt."""

    def __init__(
        self,
        store: RecordStore,
        trainee_id: str,
        mode: str,
        assessment_id: str | None,
        env: Mapping[str, str],
    ) -> None:
        self.store = store
        self.trainee_id = trainee_id
        self.mode = mode
        self.assessment_id = assessment_id
        self.env = env
        self.recorder: Recorder | None = None

    def attach(self, attempt: Any) -> None:
        """Create the stored attempt and save each command as it is applied."""
        from sim.records.recorder import Recorder

        self.recorder = Recorder.start(
            self.store,
            attempt,
            trainee_id=self.trainee_id,
            mode=self.mode,
            assessment_id=self.assessment_id,
        )

    def finish(self, attempt: Any, score: dict | None = None) -> dict:
        """Store the outcome; returns the stored attempt (``["id"]`` is the attempt id)."""
        if self.recorder is None:
            raise RuntimeError("attach() was not called")
        try:
            row = self.recorder.finish(score)
            self._send_xapi(row["id"])
        finally:
            self.store.close()
        return row

    def _send_xapi(self, attempt_id: str) -> None:
        from sim.xapi import load_config, queue_attempt

        config = load_config(self.store.path.parent, self.env)
        report = queue_attempt(self.store, attempt_id, config)
        if report is not None and report.remaining:
            retries = _("xAPI: {report}; `python -m sim export flush` retries")
            print("marrowsim: " + retries.format(report=report), file=sys.stderr)


def start_recording(args: Any, env: Mapping[str, str] | None = None) -> HeadlessRecording | None:
    """A recording for ``run`` when ``--trainee`` is given (None otherwise)."""
    env = os.environ if env is None else env
    trainee = getattr(args, "trainee", None)
    mode = getattr(args, "mode", None)
    assessment = getattr(args, "assessment", None)
    if trainee is None:
        if mode is not None or assessment is not None:
            raise InputError(_("--mode and --assessment need --trainee"), field="trainee")
        return None
    from sim.records.access import instructor_access
    from sim.records.paths import default_data_dir
    from sim.records.store import RecordStore, check_trainee_id
    from sim.xapi import load_config

    check_trainee_id(trainee)
    mode = mode or "practice"
    if assessment is not None and mode != "assessment":
        raise InputError(_("--assessment needs --mode assessment"), field="mode")
    data_dir = default_data_dir(env)
    config = load_config(data_dir, env)  # a bad LRS setting stops the run before it is stored
    if config.configured:
        config.check_deliverable()
    store = RecordStore.open(data_dir)
    if mode == "assessment":
        try:
            instructor_access(store, env)
        except BaseException:
            store.close()
            raise
    return HeadlessRecording(store, trainee, mode, assessment, env)
