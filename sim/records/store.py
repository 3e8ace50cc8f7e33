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

import hashlib
import json
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

import sim.records.chain as chain
from sim.errors import InputError
from sim.records.db import connect, translate
from sim.records.passphrase import PassphraseRefused, check_passphrase, hash_passphrase
from sim.records.paths import db_path
from sim.records.results import outcome, pulls_array, pulls_blob, summarize

#: The lengths an assessment can be set at (sim/scenario/length.py; the schema's CHECK).
ASSESSMENT_LENGTHS = ("full", "skills_lab")
MODES = ("tutorial", "practice", "assessment")
TRAINEE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
PASSPHRASE_KEY = "instructor_passphrase"
STATION_KEY = "station_id"
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
            f"invalid trainee id {trainee_id!r} (1-64 letters, digits, '._@+-')", field="trainee"
        )
    return trainee_id


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

    def __init__(self, path: Path | str, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.path = Path(path)
        self.clock = clock
        self._error = translate(self.path)
        self.conn = connect(self.path)
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
        """Copy the write-ahead log into the database file (without waiting for readers)."""
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
            raise InputError(f"no trainee {trainee_id!r}", field="trainee")
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
    ) -> dict:
        """A new active assessment (scenario ids, passing standard in percent, attempts, and the
        length every attempt is made at: ``full`` or ``skills_lab``)."""
        if not scenarios or not all(isinstance(s, str) and s for s in scenarios):
            raise InputError("an assessment needs at least one scenario", field="scenarios")
        if not 0 < passing <= 100:
            raise InputError("the passing standard must be in (0, 100]", field="passing")
        if attempts_allowed < 1:
            raise InputError("at least one attempt must be allowed", field="attempts")
        if length not in ASSESSMENT_LENGTHS:
            raise InputError(f"unknown length {length!r} (full or skills_lab)", field="length")
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
        return self.assessment(assessment_id)

    def close_assessment(self, assessment_id: str) -> dict:
        """Close an assessment to new attempts."""
        self.assessment(assessment_id)
        with self.transaction() as conn:
            conn.execute("UPDATE assessments SET active = 0 WHERE id = ?", (assessment_id,))
        return self.assessment(assessment_id)

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
            raise InputError(f"no assessment {assessment_id!r}", field="assessment")
        return self._assessment(row)

    def assessments(self, *, active_only: bool = False) -> list[dict]:
        """All assessments (or only the open ones), oldest first."""
        sql = "SELECT * FROM assessments" + (" WHERE active = 1" if active_only else "")
        with self.guard():
            return [self._assessment(r) for r in self.conn.execute(sql + " ORDER BY created")]

    def assessment_for(self, scenario_id: str, length: str | None = None) -> dict | None:
        """The newest active assessment that lists this scenario (at this length, if given)."""
        for a in reversed(self.assessments(active_only=True)):
            if scenario_id in a["scenarios"] and length in (None, a["length"]):
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
            raise InputError(f"assessment {a['name']!r} is closed", field="assessment")
        if scenario_id not in a["scenarios"]:
            raise InputError(
                f"scenario {scenario_id!r} is not part of assessment {a['name']!r}",
                field="scenario",
            )
        if a["length"] != length:
            raise InputError(
                f"assessment {a['name']!r} is set at {a['length'].replace('_', '-')} length; "
                f"this attempt is {length.replace('_', '-')}",
                field="length",
            )
        if self.attempts_used(trainee_id, assessment_id, scenario_id) >= a["attempts_allowed"]:
            raise InputError(
                f"no attempts left for {trainee_id} on {scenario_id!r} in assessment"
                f" {a['name']!r} (allowed: {a['attempts_allowed']}); ask the instructor",
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
            raise InputError(f"unknown mode {mode!r} (expected {', '.join(MODES)})", field="mode")
        self.ensure_trainee(trainee_id)
        attempt_id = str(uuid.uuid4())
        with self.transaction() as conn:
            if mode == "assessment":
                assessment_id = self._check_assessment(
                    trainee_id, scenario.id, assessment_id, getattr(scenario, "length", "full")
                )
            elif assessment_id is not None:
                raise InputError("only assessment attempts belong to an assessment", field="mode")
            conn.execute(
                "INSERT INTO attempts (id, trainee_id, station, scenario_id, scenario_version,"
                " scenario, mode, assessment_id, seed, started) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    attempt_id,
                    trainee_id,
                    self.station,
                    scenario.id,
                    int(scenario.version),
                    dumps(scenario.model_dump(mode="json")),
                    mode,
                    assessment_id,
                    int(seed),
                    self.now(),
                ),
            )
        return attempt_id

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
                raise InputError(f"attempt {attempt_id} is already finished", field="attempt")
            stored = conn.execute(
                "SELECT count(*) FROM attempt_commands WHERE attempt_id = ?", (attempt_id,)
            ).fetchone()[0]
            if stored != len(attempt.log):
                raise InputError(
                    f"attempt {attempt_id}: {stored} commands stored but the attempt applied"
                    f" {len(attempt.log)}; was the recorder attached from the start?"
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
            raise InputError(f"no attempt {attempt_id!r}", field="attempt")
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
            text = chain.canonical(row, chain.commands_digest(self.conn, attempt_id))
        return hashlib.sha256(text.encode()).hexdigest()

    def verify(self) -> tuple[list[chain.Problem], int, str]:
        """Check the hash chain: (problems, attempts linked, head hash)."""
        with self.guard():
            return chain.verify(self.conn)

    # ---------------------------------------------------------------- instructor
    def has_passphrase(self) -> bool:
        """True once an instructor passphrase has been set."""
        return self.setting(PASSPHRASE_KEY) is not None

    def check_passphrase(self, passphrase: str) -> None:
        """Raise PassphraseRefused unless it matches (also when none is set)."""
        stored = self.setting(PASSPHRASE_KEY)
        if stored is None or not check_passphrase(passphrase, stored):
            raise PassphraseRefused()

    def set_passphrase(self, new: str, *, current: str | None = None) -> None:
        """Set the instructor passphrase; changing it needs the current one."""
        if self.has_passphrase():
            self.check_passphrase(current or "")
        stored = hash_passphrase(new)
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                (PASSPHRASE_KEY, stored),
            )
