"""RecordStore: trainees, attempts and their command logs, assessments and settings.

One store wraps one SQLite database (see ``db.py``).  Recording an attempt is three calls:
``start_attempt`` → ``append_command`` once per applied command (each committed before it
returns) → ``finish_attempt``, which stores the outcome, locks the attempt and links it into the
hash chain.  ``Recorder`` (``recorder.py``) makes those calls for an ``Attempt``.

The store is a plain repository (SQL reads and writes, settings, the passphrase check, the
chain check) with no notion of who is asking; ``trainee_records`` and ``instructor_records``
(``roles.py``) are the filtered and the passphrase-protected faces the UI and CLI use, and
``replay.py`` re-runs stored attempts.  Those modules import this one, never the other way.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

import sim.records.authority as authority
import sim.records.chain as chain
from sim.errors import InputError
from sim.i18n import _
from sim.records.authority import InstructorKey, PassphraseRefused
from sim.records.db import connect, translate
from sim.records.passphrase import check_passphrase
from sim.records.paths import db_path
from sim.records.results import outcome, pulls_array, pulls_blob, summarize

#: The lengths an assessment can be set at (sim/scenario/length.py; the schema's CHECK).
ASSESSMENT_LENGTHS = ("full", "skills_lab")
MODES = ("tutorial", "practice", "assessment")
TRAINEE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
#: The legacy passphrase hash (schemas 1-3 kept it here; ``instructor init`` moves it out).
PASSPHRASE_KEY = "instructor_passphrase"
#: The fingerprint of the instructor key this database was set up with.
INSTRUCTOR_KEY = "instructor_key"
#: Wrong-passphrase count and time (authority.Throttle).
THROTTLE_KEY = "instructor_throttle"
STATION_KEY = "station_id"
#: The assessment columns an instructor's signature covers (with the station id).
ASSESSMENT_SIGNED = (
    "id", "name", "scenarios", "passing", "attempts_allowed", "created", "active", "length",
)  # fmt: skip
HEAD_FORMAT = "marrowsim-signed-head/1"
CHECKPOINT_FORMAT = "marrowsim-chain-checkpoint/1"
#: The attempt columns of its start link.
START_LINK = ("start_seq", "start_prev", "start_hash")
#: Columns decoded from JSON text when an attempt is read.
JSON_COLUMNS = ("criteria", "critical_errors", "metrics", "summary", "scenario")
#: An attempt's length (full or skills_lab) as stored in its scenario; older rows are full.
LENGTH_COLUMN = "coalesce(json_extract(a.scenario, '$.length'), 'full') AS length"
LIST_COLUMNS = (
    "id, trainee_id, station, scenario_id, scenario_version, mode, assessment_id, seed, started,"
    " ended, status, score_total, score_max, minimum_passing, passed, criteria, critical_errors,"
    " metrics, digest, n_commands, seq"
)


def utc_now() -> datetime:
    """The wall clock (records only; the simulation never reads it)."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 UTC with milliseconds and a Z, e.g. ``2025-01-01T10:00:00.000Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def dumps(value: Any) -> str:
    """Compact, key-sorted JSON for stored text columns."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def check_trainee_id(trainee_id: str) -> str:
    """A trainee id: 1-64 letters, digits and ``. _ @ + -``, starting with a letter or digit."""
    if not isinstance(trainee_id, str) or not TRAINEE_ID.match(trainee_id):
        raise InputError(
            _("invalid trainee id {id!r} (1-64 letters, digits, '._@+-')").format(id=trainee_id),
            field="trainee",
        )
    return trainee_id


def check_name(text: str | None, field: str, *, max_length: int = 120) -> str | None:
    """A display name (trainee name, cohort, assessment name): no control characters (they
    break one-line output, terminals and CSV cells), at most ``max_length`` characters."""
    if text is None:
        return None
    if not isinstance(text, str) or len(text) > max_length:
        message = _("must be text of at most {n} characters").format(n=max_length)
        raise InputError(message, field=field)
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text):
        raise InputError(_("control characters are not allowed"), field=field)
    return text


def decode(row: sqlite3.Row | dict) -> dict[str, Any]:
    """An attempt row as a dict with JSON columns decoded and ``passed`` as a bool."""
    out = dict(row)
    for key in JSON_COLUMNS:
        if out.get(key) is not None:
            out[key] = json.loads(out[key])
    if out.get("passed") is not None:
        out["passed"] = bool(out["passed"])
    if isinstance(out.get("pulls"), bytes):
        out["pulls"] = pulls_array(out["pulls"]).tolist()
    return out


class RecordStore:
    """The records database of one station."""

    def __init__(
        self,
        path: Path | str,
        *,
        clock: Callable[[], datetime] = utc_now,
        key_path: Path | str | None = None,
        quick_check: bool = True,
    ) -> None:
        self.path = Path(path)
        self.clock = clock
        #: The instructor key file (outside the data folder; ``authority.key_path``).
        self.key_path = Path(key_path) if key_path else authority.key_path(os.environ)
        self.conn = connect(self.path, quick_check=quick_check)
        self._error = translate(self.path, self.conn)
        self.conn.row_factory = sqlite3.Row
        # Checkpoints (which fsync) happen when an attempt is finished and on close, and SQLite's
        # own every 1,000 pages (the default) between them, so the write-ahead log stays small
        # however long a station runs (one command save in a thousand pays for one); a log
        # that grew is cut back to 64 MiB at the next checkpoint.  See docs/records.md.
        self.conn.execute("PRAGMA journal_size_limit = 67108864")
        self.station = self._station_id()

    @classmethod
    def open(cls, data_dir: Path | str, **kwargs: Any) -> RecordStore:
        """The store in a data directory (see ``paths.default_data_dir``)."""
        return cls(db_path(Path(data_dir)), **kwargs)

    def close(self) -> None:
        """Checkpoint and close the database."""
        self.checkpoint()
        self.conn.close()

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file (without waiting for readers); not
        by a store that has only read and has not run the quick_check (``quick_check=False``)."""
        gate = getattr(self.conn, "gate", None)
        if gate is not None and not gate.checked:
            return
        # busy or closing: the next checkpoint catches up, and nothing is lost meanwhile
        with suppress(sqlite3.Error):
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- plumbing
    def now(self) -> str:
        """The current wall-clock time as stored (ISO 8601 UTC)."""
        return iso(self.clock())

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Turn sqlite errors into one-line InputErrors (damaged files are backed up)."""
        try:
            yield
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error)."""
        with self.guard():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def setting(self, key: str) -> str | None:
        """One value from the settings table (None when unset)."""
        with self.guard():
            row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def _station_id(self) -> str:
        station = self.setting(STATION_KEY)
        if station is None:
            with self.transaction() as conn:
                conn.execute(
                    "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                    (STATION_KEY, str(uuid.uuid4())),
                )
            station = self.setting(STATION_KEY)
        return str(station)

    # ---------------------------------------------------------------- trainees
    def ensure_trainee(self, trainee_id: str) -> None:
        """Create the trainee on first use (no name, no cohort)."""
        check_trainee_id(trainee_id)
        with self.guard():
            self.conn.execute(
                "INSERT OR IGNORE INTO trainees (id, created) VALUES (?, ?)",
                (trainee_id, self.now()),
            )

    def set_trainee(
        self, trainee_id: str, *, name: str | None = None, cohort: str | None = None
    ) -> dict:
        """Create or update a trainee's name and cohort (``""`` clears a value)."""
        check_name(name, "name")
        check_name(cohort, "cohort")
        self.ensure_trainee(trainee_id)
        with self.transaction() as conn:
            if name is not None:
                conn.execute(
                    "UPDATE trainees SET name = ? WHERE id = ?", (name or None, trainee_id)
                )
            if cohort is not None:
                conn.execute(
                    "UPDATE trainees SET cohort = ? WHERE id = ?", (cohort or None, trainee_id)
                )
        return self.trainee(trainee_id)

    def trainee(self, trainee_id: str) -> dict:
        """One trainee: id, name, cohort, created."""
        with self.guard():
            row = self.conn.execute("SELECT * FROM trainees WHERE id = ?", (trainee_id,)).fetchone()
        if row is None:
            raise InputError(_("no trainee {id!r}").format(id=trainee_id), field="trainee")
        return dict(row)

    def trainees(self, cohort: str | None = None) -> list[dict]:
        """All trainees (or one cohort's), by id."""
        sql, args = "SELECT * FROM trainees", ()
        if cohort is not None:
            sql, args = sql + " WHERE cohort = ?", (cohort,)
        with self.guard():
            return [dict(r) for r in self.conn.execute(sql + " ORDER BY id", args)]

    def cohorts(self) -> list[str]:
        """The cohort names in use."""
        with self.guard():
            rows = self.conn.execute(
                "SELECT DISTINCT cohort FROM trainees WHERE cohort IS NOT NULL ORDER BY cohort"
            )
            return [r[0] for r in rows]

    # ---------------------------------------------------------------- assessments
    def create_assessment(
        self,
        scenarios: list[str],
        passing: float,
        attempts_allowed: int = 1,
        name: str | None = None,
        length: str = "full",
        *,
        signer: Any = None,
    ) -> dict:
        """A new active assessment (scenario ids, passing standard in percent, attempts, and the
        length every attempt is made at: ``full`` or ``skills_lab``).  Once the station has an
        instructor key, ``signer`` (the unlocked key, ``InstructorRecords`` passes it) must sign
        it."""
        if not scenarios or not all(isinstance(s, str) and s for s in scenarios):
            raise InputError(_("an assessment needs at least one scenario"), field="scenarios")
        if not 0 < passing <= 100:
            raise InputError(_("the passing standard must be in (0, 100]"), field="passing")
        if attempts_allowed < 1:
            raise InputError(_("at least one attempt must be allowed"), field="attempts")
        if length not in ASSESSMENT_LENGTHS:
            message = _("unknown length {length!r} (full or skills_lab)").format(length=length)
            raise InputError(message, field="length")
        check_name(name, "name")
        self._need_signer(signer)
        assessment_id = str(uuid.uuid4())
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO assessments (id, name, scenarios, passing, attempts_allowed, created,"
                " length) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    assessment_id,
                    name or ", ".join(scenarios),
                    dumps(list(scenarios)),
                    float(passing),
                    int(attempts_allowed),
                    self.now(),
                    length,
                ),
            )
            self._sign_assessment(assessment_id, signer)
        return self.assessment(assessment_id)

    def close_assessment(self, assessment_id: str, *, signer: Any = None) -> dict:
        """Close an assessment to new attempts (signed again, like ``create_assessment``)."""
        self.assessment(assessment_id)
        self._need_signer(signer)
        with self.transaction() as conn:
            conn.execute("UPDATE assessments SET active = 0 WHERE id = ?", (assessment_id,))
            self._sign_assessment(assessment_id, signer)
        return self.assessment(assessment_id)

    def _need_signer(self, signer: Any) -> None:
        if signer is None and self.instructor_state() != "open":
            raise InputError(_("changing assessments needs the instructor passphrase"))

    def assessment_payload(self, row: sqlite3.Row | dict) -> dict:
        """What an instructor's signature over an assessment covers."""
        out = {k: row[k] for k in ASSESSMENT_SIGNED}
        if isinstance(out["scenarios"], str):
            out["scenarios"] = json.loads(out["scenarios"])
        out["active"] = bool(out["active"])
        out["station"] = self.station
        return out

    def _sign_assessment(self, assessment_id: str, signer: Any) -> None:
        """Sign an assessment's stored state (inside a transaction); unsigned without a key."""
        if signer is None:
            return
        row = self.conn.execute("SELECT * FROM assessments WHERE id = ?", (assessment_id,))
        payload = self.assessment_payload(row.fetchone())
        self.conn.execute(
            "UPDATE assessments SET signature = ? WHERE id = ?",
            (authority.sign(signer, "assessment", payload), assessment_id),
        )

    def signed_by_instructor(self, assessment: dict, key: InstructorKey | None = None) -> bool:
        """True when the assessment carries a valid signature of the station's instructor key
        (always True on a station without one)."""
        key = key or self.instructor_key()
        if key is None:
            return self.instructor_state() == "open"
        return key.verify(
            "assessment", self.assessment_payload(assessment), assessment["signature"]
        )

    @staticmethod
    def _assessment(row: sqlite3.Row) -> dict:
        out = dict(row)
        out["scenarios"] = json.loads(out["scenarios"])
        out["active"] = bool(out["active"])
        return out

    def assessment(self, assessment_id: str) -> dict:
        """One assessment (scenarios decoded, active as a bool)."""
        with self.guard():
            row = self.conn.execute(
                "SELECT * FROM assessments WHERE id = ?", (assessment_id,)
            ).fetchone()
        if row is None:
            raise InputError(_("no assessment {id!r}").format(id=assessment_id), field="assessment")
        return self._assessment(row)

    def assessments(self, *, active_only: bool = False) -> list[dict]:
        """All assessments (or only the open ones), oldest first."""
        sql = "SELECT * FROM assessments" + (" WHERE active = 1" if active_only else "")
        with self.guard():
            return [self._assessment(r) for r in self.conn.execute(sql + " ORDER BY created")]

    def assessment_for(self, scenario_id: str, length: str | None = None) -> dict | None:
        """The newest active assessment that lists this scenario (at this length, if given);
        on a station with an instructor key, only assessments the instructor signed count."""
        key = self.instructor_key()
        for a in reversed(self.assessments(active_only=True)):
            if (
                scenario_id in a["scenarios"]
                and length in (None, a["length"])
                and (key is None or self.signed_by_instructor(a, key))
            ):
                return a
        return None

    def attempts_used(self, trainee_id: str, assessment_id: str, scenario_id: str) -> int:
        """Attempts (finished or not) a trainee has started on a scenario of an assessment."""
        with self.guard():
            return self.conn.execute(
                "SELECT count(*) FROM attempts WHERE trainee_id = ? AND assessment_id = ?"
                " AND scenario_id = ?",
                (trainee_id, assessment_id, scenario_id),
            ).fetchone()[0]

    def attempts_left(self, trainee_id: str, assessment_id: str, scenario_id: str) -> int:
        """Attempts a trainee may still start on a scenario of an assessment."""
        allowed = self.assessment(assessment_id)["attempts_allowed"]
        return max(0, allowed - self.attempts_used(trainee_id, assessment_id, scenario_id))

    def _check_assessment(
        self, trainee_id: str, scenario_id: str, assessment_id: str | None, length: str = "full"
    ) -> str | None:
        if assessment_id is None:
            found = self.assessment_for(scenario_id, length) or self.assessment_for(scenario_id)
            if found is None:
                return None  # an unscheduled assessment attempt: the scenario's own standard
            assessment_id = found["id"]
        a = self.assessment(assessment_id)
        if not a["active"]:
            raise InputError(
                _("assessment {name!r} is closed").format(name=a["name"]), field="assessment"
            )
        if not self.signed_by_instructor(a):
            raise InputError(
                _(
                    "assessment {name!r} is not signed by this station's instructor key (made or"
                    " changed outside Marrowsim?); no attempt can start: ask the instructor"
                ).format(name=a["name"]),
                field="assessment",
            )
        if scenario_id not in a["scenarios"]:
            raise InputError(
                _("scenario {id!r} is not part of assessment {name!r}").format(
                    id=scenario_id, name=a["name"]
                ),
                field="scenario",
            )
        if a["length"] != length:
            raise InputError(
                _("assessment {name!r} is set at {length} length; this attempt is {this}").format(
                    name=a["name"],
                    length=a["length"].replace("_", "-"),
                    this=length.replace("_", "-"),
                ),
                field="length",
            )
        if self.attempts_used(trainee_id, assessment_id, scenario_id) >= a["attempts_allowed"]:
            raise InputError(
                _(
                    "no attempts left for {trainee} on {scenario!r} in assessment {name!r}"
                    " (allowed: {n}); ask the instructor"
                ).format(
                    trainee=trainee_id,
                    scenario=scenario_id,
                    name=a["name"],
                    n=a["attempts_allowed"],
                ),
                field="assessment",
            )
        return assessment_id

    # ---------------------------------------------------------------- recording
    def start_attempt(
        self,
        trainee_id: str,
        scenario: Any,
        seed: int,
        mode: str,
        *,
        assessment_id: str | None = None,
    ) -> str:
        """Create an incomplete attempt and return its UUID.

        In assessment mode the attempt belongs to ``assessment_id`` (or the newest active
        assessment listing the scenario); the scenario must be part of it and attempts must be
        left.  Without any assessment for the scenario the attempt is stored unscheduled.
        """
        if mode not in MODES:
            message = _("unknown mode {mode!r} (expected {choices})")
            raise InputError(message.format(mode=mode, choices=", ".join(MODES)), field="mode")
        self.ensure_trainee(trainee_id)
        attempt_id = str(uuid.uuid4())
        with self.transaction():
            if mode == "assessment":
                self._check_records_sound()
                assessment_id = self._check_assessment(
                    trainee_id, scenario.id, assessment_id, getattr(scenario, "length", "full")
                )
            elif assessment_id is not None:
                raise InputError(
                    _("only assessment attempts belong to an assessment"), field="mode"
                )
            row = {
                "id": attempt_id,
                "trainee_id": trainee_id,
                "station": self.station,
                "scenario_id": scenario.id,
                "scenario_version": int(scenario.version),
                "scenario": dumps(scenario.model_dump(mode="json")),
                "mode": mode,
                "assessment_id": assessment_id,
                "seed": int(seed),
                "started": self.now(),
            }
            self.insert_started(row)
        return attempt_id

    def insert_started(self, row: dict) -> None:
        """Insert a new attempt with its start link (inside a transaction).  ``row`` holds the
        start fields (``chain.START_FIELDS``) and may hold more (an import's finished row)."""
        seq, prev, digest = chain.append_start(self.conn, row)
        chain_cols = ("status", "seq", "prev_hash", "record_hash", *START_LINK)
        cols = [c for c in row if c not in chain_cols] + list(START_LINK)
        values = [row[c] for c in cols[:-3]] + [seq, prev, digest]
        self.conn.execute(
            f"INSERT INTO attempts ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
            values,
        )

    def _check_records_sound(self) -> None:
        """Refuse to start an assessment attempt while the records fail verification (inside
        the write transaction, so the check and the new attempt see the same records)."""
        problems = self.verify_problems()
        if problems:
            more = _(" and {n} more").format(n=len(problems) - 1) if len(problems) > 1 else ""
            message = _(
                "the records fail verification ({problem}{more}); no assessment attempt can"
                " start until the instructor has checked them (`python -m sim records verify`)"
            )
            raise InputError(message.format(problem=problems[0], more=more), field="assessment")

    def append_command(self, attempt_id: str, n: int, t_s: float, cmd: dict) -> None:
        """Save command ``n`` (0-based) of an attempt; committed when this returns."""
        try:
            self.conn.execute(
                "INSERT INTO attempt_commands (attempt_id, n, t_s, wall, cmd) VALUES (?,?,?,?,?)",
                (attempt_id, n, float(t_s), iso(self.clock()), dumps(cmd)),
            )
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def finish_attempt(self, attempt_id: str, attempt: Any, score: dict | None) -> dict:
        """Store the outcome of a finished ``Attempt``, lock it and link it into the chain.

        ``score`` is ``sim.scoring.score_attempt(attempt)`` (or None when scoring is not
        available).  The stored command log must be the attempt's whole log.
        """
        result = attempt.result()
        metrics = result["metrics"]
        with self.transaction() as conn:
            row = self._row(attempt_id)
            if row["status"] != "incomplete":
                message = _("attempt {id} is already finished").format(id=attempt_id)
                raise InputError(message, field="attempt")
            stored = conn.execute(
                "SELECT count(*) FROM attempt_commands WHERE attempt_id = ?", (attempt_id,)
            ).fetchone()[0]
            if stored != len(attempt.log):
                raise InputError(
                    _(
                        "attempt {id}: {stored} commands stored but the attempt applied {n}; was"
                        " the recorder attached from the start?"
                    ).format(id=attempt_id, stored=stored, n=len(attempt.log))
                )
            passing = None
            if row["assessment_id"] is not None:
                passing = self.assessment(row["assessment_id"])["passing"]
            out = outcome(score, metrics, passing)
            summary = summarize(result["events"])
            conn.execute(
                "UPDATE attempts SET ended = ?, score_total = ?, score_max = ?,"
                " minimum_passing = ?, passed = ?, criteria = ?, critical_errors = ?,"
                " metrics = ?, summary = ?, pulls = ?, digest = ?, n_commands = ? WHERE id = ?",
                (
                    self.now(),
                    out.total,
                    out.maximum,
                    out.minimum_passing,
                    None if out.passed is None else int(out.passed),
                    dumps(out.criteria),
                    dumps(out.critical_errors),
                    dumps(metrics),
                    dumps(summary),
                    pulls_blob(summary),
                    result["digest"],
                    stored,
                    attempt_id,
                ),
            )
            self.seal_attempt(attempt_id, "locked" if row["mode"] == "assessment" else "complete")
        self.checkpoint()
        return self.attempt(attempt_id)

    def seal_attempt(self, attempt_id: str, status: str) -> None:
        """Set the final status and link into the hash chain (inside a transaction)."""
        row = dict(self._row(attempt_id))
        row["status"] = status
        seq, prev, digest = chain.append(self.conn, row)
        self.conn.execute(
            "UPDATE attempts SET status = ?, seq = ?, prev_hash = ?, record_hash = ? WHERE id = ?",
            (status, seq, prev, digest, attempt_id),
        )

    # ---------------------------------------------------------------- reading
    def _row(self, attempt_id: str) -> sqlite3.Row:
        with self.guard():
            row = self.conn.execute("SELECT * FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
        if row is None:
            raise InputError(_("no attempt {id!r}").format(id=attempt_id), field="attempt")
        return row

    def attempt(self, attempt_id: str) -> dict:
        """One attempt, every stored field (JSON decoded)."""
        return decode(self._row(attempt_id))

    def attempts(
        self,
        *,
        trainee_id: str | None = None,
        cohort: str | None = None,
        status: str | None = None,
        with_summary: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[dict]:
        """Attempts, oldest first, each with its trainee's cohort; optionally filtered, and
        paginated (``limit`` rows from ``offset``)."""
        return list(
            self.iter_attempts(
                trainee_id=trainee_id,
                cohort=cohort,
                status=status,
                with_summary=with_summary,
                limit=limit,
                offset=offset,
            )
        )

    def iter_attempts(
        self,
        *,
        trainee_id: str | None = None,
        cohort: str | None = None,
        status: str | None = None,
        with_summary: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> Iterator[dict]:
        """``attempts``, one row at a time (a listing of a programme's attempts streams; it
        is not held in memory at once)."""
        cols = ", ".join(f"a.{c.strip()}" for c in LIST_COLUMNS.split(","))
        cols += ", " + LENGTH_COLUMN
        if with_summary:
            cols += ", a.summary"
        sql = f"SELECT {cols}, t.cohort FROM attempts a JOIN trainees t ON t.id = a.trainee_id"
        where, args = [], []
        for column, value in (("a.trainee_id", trainee_id), ("t.cohort", cohort)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if status is not None:
            where.append("a.status = ?" if status != "finished" else "a.status != ?")
            args.append(status if status != "finished" else "incomplete")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.started, a.id"
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            args += [-1 if limit is None else max(0, int(limit)), max(0, int(offset))]
        with self.guard():
            cursor = self.conn.execute(sql, args)
        while True:
            with self.guard():
                batch = cursor.fetchmany(500)
            if not batch:
                return
            for r in batch:
                yield decode(r)

    def pulls(self, *, trainee_id: str | None = None, cohort: str | None = None) -> np.ndarray:
        """(mL, TNC per mL) of every pull of the selected finished attempts, shape (n, 2)."""
        sql = "SELECT a.pulls FROM attempts a JOIN trainees t ON t.id = a.trainee_id"
        where, args = ["a.status != 'incomplete'"], []
        for column, value in (("a.trainee_id", trainee_id), ("t.cohort", cohort)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        with self.guard():
            rows = self.conn.execute(sql + " WHERE " + " AND ".join(where), args).fetchall()
        return pulls_array(b"".join(r[0] for r in rows if r[0]))

    def commands(self, attempt_id: str) -> list[dict]:
        """An attempt's stored command log: ``{n, t_s, wall, cmd}`` in order."""
        self._row(attempt_id)
        with self.guard():
            rows = self.conn.execute(
                "SELECT n, t_s, wall, cmd FROM attempt_commands WHERE attempt_id = ? ORDER BY n",
                (attempt_id,),
            )
            return [{"n": n, "t_s": t, "wall": w, "cmd": json.loads(c)} for n, t, w, c in rows]

    def integrity_check(self) -> list[str]:
        """SQLite's own check of the file: [] when sound, else what it found."""
        with self.guard():
            found = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
        return [] if found == ["ok"] else found

    def result_hash(self, attempt_id: str) -> str:
        """SHA-256 of an attempt's canonical record and command log (independent of the chain
        position, so the same on every station that holds the attempt)."""
        row = dict(self._row(attempt_id))
        with self.guard():
            return chain.result_hash(row, chain.commands_digest(self.conn, attempt_id))

    def result_hashes(self) -> list[tuple[str, str]]:
        """(attempt id, result hash) of every finished attempt, oldest first, read in one
        transaction: what ``records verify --against-lrs`` compares with the ``result-sha256``
        of the statements an LRS holds."""
        with self.guard():
            return list(chain.result_hashes(self.conn))

    # ---------------------------------------------------------------- verification
    def verify(
        self, heads: list[dict] | None = None, *, full: bool = False
    ) -> tuple[list[chain.Problem], int, str]:
        """Check the hash chain, the instructor's signatures and any exported signed ``heads``,
        all from one read transaction: (problems, finished attempts linked, head hash).

        The chain is re-hashed from the latest checkpoint the instructor signed (``full``: from
        the start); see ``chain.scan`` for what a checkpoint vouches for."""
        with self.guard():
            self.conn.execute("BEGIN")
            try:
                found = self.verify_scan(heads or [], full=full)
            finally:
                self.conn.execute("COMMIT")
        return found.problems, found.linked, found.head_hash

    def verify_problems(self, heads: list[dict] | None = None) -> list[chain.Problem]:
        """Everything wrong with the records (read in the caller's transaction): the chain,
        the instructor's key and signatures, the signed heads."""
        return self.verify_scan(heads or []).problems

    def verify_scan(self, heads: list[dict], *, full: bool = False) -> chain.Scan:
        """``verify``'s work inside the caller's transaction: the chain scanned from the latest
        valid signed checkpoint (unless ``full``), then the authority and the heads."""
        key = self.instructor_key() if self.instructor_state() == "keyed" else None
        checkpoint, cp_problems = (None, []) if full else self.checkpoint_found(key)
        wanted = {h.get("seq") for h in heads if isinstance(h.get("seq"), int)}
        found = chain.scan(self.conn, checkpoint, wanted)
        found.problems += cp_problems
        found.problems += self._authority_problems()
        for h in heads:
            found.problems += self._head_problems(h, found.hashes, key)
        return found

    def checkpoint_found(
        self, key: InstructorKey | None
    ) -> tuple[chain.Checkpoint | None, list[chain.Problem]]:
        """The latest stored checkpoint signed with the instructor key for this station (None
        without one), and a problem for every later one that does not check (forged)."""
        problems: list[chain.Problem] = []
        has_table = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chain_checkpoints'"
        ).fetchone()
        if not has_table:
            return None, problems
        for seq, text in self.conn.execute(
            "SELECT seq, signed FROM chain_checkpoints ORDER BY seq DESC"
        ).fetchall():
            try:
                signed = json.loads(text)
                payload = {k: v for k, v in signed.items() if k != "signature"}
                ok = (
                    key is not None
                    and signed.get("format") == CHECKPOINT_FORMAT
                    and signed.get("station") == self.station
                    and signed.get("seq") == seq
                    and isinstance(signed.get("linked"), int)
                    and key.verify("checkpoint", payload, signed.get("signature"))
                )
            except (ValueError, TypeError, AttributeError):
                ok = False
            if ok:
                return chain.Checkpoint(seq, signed["head"], signed["linked"]), problems
            problems.append(chain.Problem(
                str(seq),
                "not signed by the instructor key for this station (made outside Marrowsim?);"
                " ignored",
                "chain checkpoint",
            ))  # fmt: skip
        return None, problems

    def make_checkpoint(self, signer: Any) -> dict | None:
        """Verify the whole chain (every link re-hashed) and, if it is intact, store a
        checkpoint at its head signed with the instructor key; None when it is not intact."""
        with self.guard():  # a read transaction: writers go on while the chain is checked
            self.conn.execute("BEGIN")
            try:
                found = self.verify_scan([], full=True)
                seq, _count, digest = chain.head(self.conn)  # the head that scan checked
            finally:
                self.conn.execute("COMMIT")
        if found.problems or seq == 0:
            return None
        with self.transaction():  # links appended since do not change what seq vouches for
            payload = {
                "format": CHECKPOINT_FORMAT,
                "station": self.station,
                "seq": seq,
                "head": digest,
                "linked": found.linked,
                "at": self.now(),
                "key": self.instructor_key().fingerprint,  # type: ignore[union-attr]
            }
            signed = payload | {"signature": authority.sign(signer, "checkpoint", payload)}
            self.conn.execute(
                "INSERT OR REPLACE INTO chain_checkpoints (seq, signed) VALUES (?, ?)",
                (seq, json.dumps(signed, sort_keys=True)),
            )
        return signed

    def _authority_problems(self) -> list[chain.Problem]:
        state = self.instructor_state()
        if state == "open":
            return []
        found: list[chain.Problem] = []
        if state == "missing":
            return [chain.Problem(
                str(self.key_path),
                "this station was set up with an instructor key, but the key file is missing",
                "instructor key",
            )]  # fmt: skip
        if state == "legacy":
            return []  # `instructor init` moves the passphrase out; nothing is signed yet
        key = self.instructor_key()
        assert key is not None
        recorded = self.setting(INSTRUCTOR_KEY)
        if recorded != key.fingerprint:
            what = "removed" if recorded is None else "replaced"
            has_rows = self.conn.execute("SELECT 1 FROM attempts LIMIT 1").fetchone()
            if recorded is not None or has_rows or self.assessments():
                found.append(chain.Problem(
                    key.fingerprint,
                    f"the instructor key recorded in the records database was {what}"
                    " (`instructor init` records it again)",
                    "instructor key",
                ))  # fmt: skip
        if self.setting(PASSPHRASE_KEY) is not None:
            found.append(chain.Problem(
                PASSPHRASE_KEY,
                "a passphrase hash was put into the records database (it is ignored: the"
                " instructor key decides)",
                "setting",
            ))  # fmt: skip
        for a in self.assessments(active_only=True):
            if not self.signed_by_instructor(a, key):
                found.append(chain.Problem(
                    a["id"],
                    "open assessment not signed by the instructor key (made or changed outside"
                    " Marrowsim)",
                    "assessment",
                ))  # fmt: skip
        return found

    def _head_problems(
        self, signed: dict, hashes: dict[int, str], key: InstructorKey | None
    ) -> list[chain.Problem]:
        name = f"{signed.get('seq', '?')}"
        payload = {k: v for k, v in signed.items() if k != "signature"}
        if signed.get("format") != HEAD_FORMAT:
            return [chain.Problem(name, "not a Marrowsim signed head", "signed head")]
        if key is None or not key.verify("head", payload, signed.get("signature")):
            return [chain.Problem(name, "signature does not check with the instructor key",
                                  "signed head")]  # fmt: skip
        if signed.get("station") != self.station:
            return [chain.Problem(name, "exported at another station", "signed head")]
        seq = signed.get("seq")
        if seq == 0 and signed.get("head") == chain.GENESIS:
            return []
        if hashes.get(seq) != signed.get("head"):
            where = "is gone" if seq not in hashes else "has a different hash"
            return [chain.Problem(
                name,
                f"chain entry {seq} (exported {signed.get('at')}) {where}: entries were removed"
                " or the chain was rebuilt since",
                "signed head",
            )]  # fmt: skip
        return []

    def export_head(self, signer: Any) -> dict:
        """The chain head signed with the instructor's key, for the instructor to keep away from
        the station (``records verify --head FILE`` checks the chain still holds it)."""
        with self.guard():
            seq, _count, digest = chain.head(self.conn)
        payload = {
            "format": HEAD_FORMAT,
            "station": self.station,
            "seq": seq,
            "head": digest,
            "at": self.now(),
            "key": self.instructor_key().fingerprint,  # type: ignore[union-attr]
        }
        return payload | {"signature": authority.sign(signer, "head", payload)}

    # ---------------------------------------------------------------- instructor
    def instructor_key(self) -> InstructorKey | None:
        """The pinned instructor key (None until ``instructor init``)."""
        return authority.load_key(self.key_path)

    def instructor_state(self) -> str:
        """``keyed`` (an instructor key file), ``missing`` (this database was set up with a key
        that is not there), ``legacy`` (a passphrase hash in the database, from schema 1-3) or
        ``open`` (a new station: no instructor yet)."""
        if self.key_path.exists():
            return "keyed"
        if self.setting(INSTRUCTOR_KEY) is not None:
            return "missing"
        if self.setting(PASSPHRASE_KEY) is not None:
            return "legacy"
        return "open"

    def has_passphrase(self) -> bool:
        """True once the station has an instructor (a key, or a legacy passphrase)."""
        return self.instructor_state() != "open"

    def _throttle(self) -> authority.Throttle:
        def load() -> dict:
            try:
                return json.loads(self.setting(THROTTLE_KEY) or "{}")
            except ValueError:
                return {"failures": 99, "last": self.clock().timestamp()}

        def save(state: dict) -> None:
            with self.transaction() as conn:
                conn.execute(
                    "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                    (THROTTLE_KEY, dumps(state)),
                )

        return authority.Throttle(load, save, lambda: self.clock().timestamp())

    def unlock(self, passphrase: str) -> Any:
        """The instructor's private key for a passphrase, or PassphraseRefused.  Wrong
        passphrases are throttled; a legacy station moves to an instructor key here."""
        state = self.instructor_state()
        if state == "open":
            raise PassphraseRefused()
        if state == "missing":
            raise InputError(
                _(
                    "this station's instructor key file is missing ({file}); instructor actions"
                    " are refused: restore it or set {env} to it"
                ).format(file=self.key_path, env=authority.KEY_ENV)
            )
        if state == "legacy":
            stored = self.setting(PASSPHRASE_KEY) or ""

            def legacy() -> None:
                if not check_passphrase(passphrase, stored):
                    raise PassphraseRefused()

            self._throttle().check(legacy)
            return self.set_passphrase(passphrase, current=passphrase)
        key = self.instructor_key()
        assert key is not None
        return self._throttle().check(lambda: key.unlock(passphrase))

    def check_passphrase(self, passphrase: str) -> None:
        """Raise PassphraseRefused unless it is the instructor's (also when none is set)."""
        self.unlock(passphrase)

    def set_passphrase(self, new: str, *, current: str | None = None) -> Any:
        """Set up the instructor key for a passphrase (``instructor init``), or change it (the
        current one is needed); returns the new private key.  Open assessments signed with the
        old key (all of them on a new station) are signed again with the new one."""
        state = self.instructor_state()
        old = self.instructor_key()
        if state == "keyed":
            self._throttle().check(lambda: old.unlock(current or ""))  # type: ignore[union-attr]
        elif state == "missing":
            self.unlock(current or "")
        elif state == "legacy":
            stored = self.setting(PASSPHRASE_KEY) or ""
            if current is None or not check_passphrase(current, stored):
                raise PassphraseRefused(
                    _(
                        "instructor passphrase refused: this station still keeps its old"
                        " passphrase in the data folder; give it as the current passphrase to"
                        " move it out"
                    )
                )
        adopt = [a for a in self.assessments(active_only=True) if
                 old is None or self.signed_by_instructor(a, old)]  # fmt: skip
        key, private = authority.create_key(
            self.key_path, new, data_dir=self.path.parent, retire=old
        )
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                (INSTRUCTOR_KEY, key.fingerprint),
            )
            conn.execute("DELETE FROM settings WHERE key IN (?, ?)", (PASSPHRASE_KEY, THROTTLE_KEY))
            for a in adopt:
                self._sign_assessment(a["id"], private)
        return private

    def record_instructor_key(self, signer: Any) -> None:
        """Record the station's instructor key in this database (one set up for another data
        folder, or a record removed); ``signer`` proves the passphrase was given."""
        del signer
        key = self.instructor_key()
        if key is None:
            raise InputError(_("no instructor key yet: run `python -m sim instructor init`"))
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                (INSTRUCTOR_KEY, key.fingerprint),
            )
