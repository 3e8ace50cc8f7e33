"""The two faces of the records: a trainee's own, and the instructor's (passphrase first).

``trainee_records(store, id)`` and ``instructor_records(store, passphrase)`` make them.
A ``TraineeRecords`` only ever reads attempts whose trainee id is its own; asking for another
trainee's attempt gets the same "no attempt" as asking for one that does not exist.  Neither
of them can change a finished result: the store has no call for it and triggers refuse it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.errors import InputError
from sim.i18n import _
from sim.records.store import RecordStore

if TYPE_CHECKING:  # the recorder and the replay (the simulation) are imported where used
    from sim.records.recorder import Recorder


def trainee_records(store: RecordStore, trainee_id: str) -> TraineeRecords:
    """A trainee's records: only their own attempts (the trainee is created on first use)."""
    store.ensure_trainee(trainee_id)
    return TraineeRecords(store, trainee_id)


def instructor_records(store: RecordStore, passphrase: str) -> InstructorRecords:
    """The instructor's records, or PassphraseRefused (wrong passphrases are throttled)."""
    return InstructorRecords(store, signer=store.unlock(passphrase))


class TraineeRecords:
    """What a signed-in trainee may see and do."""

    def __init__(self, store: RecordStore, trainee_id: str) -> None:
        self.store = store
        self.trainee_id = trainee_id

    def attempts(self) -> list[dict]:
        """This trainee's attempts, oldest first."""
        return self.store.attempts(trainee_id=self.trainee_id)

    def attempt(self, attempt_id: str) -> dict:
        """One of this trainee's attempts (another trainee's is reported as not found)."""
        try:
            row = self.store.attempt(attempt_id)
        except InputError:
            row = None
        if row is None or row["trainee_id"] != self.trainee_id:
            raise InputError(_("no attempt {id!r}").format(id=attempt_id), field="attempt")
        return row

    def replay(self, attempt_id: str) -> Any:
        """Re-run one of this trainee's attempts from its stored commands."""
        self.attempt(attempt_id)
        from sim.records.replay import replay_stored_attempt

        return replay_stored_attempt(self.store, attempt_id)

    def start(self, attempt: Any, mode: str, assessment_id: str | None = None) -> Recorder:
        """Start recording a new attempt for this trainee (before its first command)."""
        from sim.records.recorder import Recorder

        return Recorder.start(
            self.store, attempt, trainee_id=self.trainee_id, mode=mode, assessment_id=assessment_id
        )

    def open_assessments(self) -> list[dict]:
        """Active assessments the instructor signed, each with ``left``: {scenario id: attempts
        still allowed}."""
        out = []
        key = self.store.instructor_key()
        for a in self.store.assessments(active_only=True):
            if not self.store.signed_by_instructor(a, key):
                continue
            left = {
                s: self.store.attempts_left(self.trainee_id, a["id"], s) for s in a["scenarios"]
            }
            out.append(a | {"left": left})
        return out


class InstructorRecords:
    """Everything on the station, for someone who gave the instructor passphrase.

    ``signer`` is the instructor's private key (``authority.py``): what it creates or changes
    (assessments, exported heads) is signed with it.  Without one (a new station that has no
    instructor yet) nothing is signed.
    """

    def __init__(self, store: RecordStore, signer: Any = None) -> None:
        self.store = store
        self.signer = signer

    def attempts(self, **filters: Any) -> list[dict]:
        """All attempts (filters: trainee_id, cohort, status, with_summary)."""
        return self.store.attempts(**filters)

    def attempt(self, attempt_id: str) -> dict:
        """Any attempt, every stored field."""
        return self.store.attempt(attempt_id)

    def commands(self, attempt_id: str) -> list[dict]:
        """Any attempt's stored command log."""
        return self.store.commands(attempt_id)

    def replay(self, attempt_id: str) -> Any:
        """Re-run any attempt; a finished one must reproduce its stored digest and score."""
        from sim.records.replay import replay_stored_attempt

        attempt = replay_stored_attempt(self.store, attempt_id)
        found = self.mismatches(attempt_id, attempt)
        if found:
            raise InputError(
                _("attempt {id}: replay does not reproduce the stored {fields}").format(
                    id=attempt_id, fields=", ".join(found)
                )
            )
        return attempt

    def mismatches(self, attempt_id: str, attempt: Any) -> list[str]:
        """What a replay of a finished attempt does not reproduce ([] when incomplete)."""
        row = self.store.attempt(attempt_id)
        if row["status"] == "incomplete":
            return []
        passing = None
        if row["assessment_id"] is not None:
            passing = self.store.assessment(row["assessment_id"])["passing"]
        from sim.records.replay import replay_mismatches

        return replay_mismatches(row, attempt, passing)

    def set_trainee(self, trainee_id: str, *, name: str | None = None, cohort: str | None = None):
        """Add a trainee or set their name and cohort."""
        return self.store.set_trainee(trainee_id, name=name, cohort=cohort)

    def create_assessment(
        self,
        scenarios: list[str],
        passing: float,
        attempts_allowed: int = 1,
        name: str | None = None,
        length: str = "full",
    ) -> dict:
        """A new open assessment (scenario ids, passing %, attempts allowed, length)."""
        return self.store.create_assessment(
            scenarios, passing, attempts_allowed, name, length, signer=self.signer
        )

    def close_assessment(self, assessment_id: str) -> dict:
        """Close an assessment to new attempts."""
        return self.store.close_assessment(assessment_id, signer=self.signer)

    def export_head(self) -> dict:
        """The chain head signed with the instructor key (keep it away from the station)."""
        if self.signer is None:
            raise InputError(_("no instructor key yet: run `python -m sim instructor init` first"))
        return self.store.export_head(self.signer)

    def checkpoint(self) -> dict | None:
        """Verify the whole chain and, when intact, store a checkpoint at its head signed with
        the instructor key (later ``records verify`` re-hashes only what came after it)."""
        if self.signer is None:
            raise InputError(_("no instructor key yet: run `python -m sim instructor init` first"))
        return self.store.make_checkpoint(self.signer)

    def assessments(self) -> list[dict]:
        """Every assessment, open and closed."""
        return self.store.assessments()

    def change_passphrase(self, current: str, new: str) -> None:
        """Change the instructor passphrase (the current one is checked again)."""
        self.signer = self.store.set_passphrase(new, current=current)

    def cohort_table(self, cohort: str | None = None) -> list[dict]:
        """One row per trainee: attempts, incomplete, last/best/mean score, passes, fails."""
        return cohort_table(self.store, cohort)


def cohort_table(
    store: RecordStore, cohort: str | None = None, *, attempts: list[dict] | None = None
) -> list[dict]:
    """Per-trainee summary rows (see ``InstructorRecords.cohort_table``); ``attempts`` saves
    reading them again when the caller already has the cohort's attempts."""
    rows: dict[str, dict] = {
        t["id"]: {
            "trainee_id": t["id"],
            "name": t["name"],
            "cohort": t["cohort"],
            "attempts": 0,
            "incomplete": 0,
            "last_score": None,
            "best_score": None,
            "mean_score": None,
            "passed": 0,
            "failed": 0,
            "critical_errors": 0,
            "last_attempt": None,
        }
        for t in store.trainees(cohort)
    }
    scores: dict[str, list[float]] = {k: [] for k in rows}
    for a in store.attempts(cohort=cohort) if attempts is None else attempts:
        row = rows.get(a["trainee_id"])
        if row is None:
            continue
        row["last_attempt"] = a["started"]
        if a["status"] == "incomplete":
            row["incomplete"] += 1
            continue
        row["attempts"] += 1
        row["critical_errors"] += len(a["critical_errors"] or [])
        if a["passed"] is True:
            row["passed"] += 1
        elif a["passed"] is False:
            row["failed"] += 1
        if a["score_total"] is not None:
            pct = 100.0 * a["score_total"] / (a["score_max"] or 100.0)
            scores[a["trainee_id"]].append(pct)
            row["last_score"] = round(pct, 1)
    for key, values in scores.items():
        if values:
            rows[key]["best_score"] = round(max(values), 1)
            rows[key]["mean_score"] = round(sum(values) / len(values), 1)
    return list(rows.values())
