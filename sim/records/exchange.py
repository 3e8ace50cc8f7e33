"""Moving records between stations and out to other tools: import (merge), backup, CSV.

Import merges another station's database in one transaction: attempts are matched by UUID so
nothing is duplicated; a file that is not a sound Marrowsim database (not SQLite, foreign,
damaged, failing its own hash chain, or holding an invalid row) is refused and nothing merged.
Every finished attempt is replayed from its imported command log and re-scored: a stored
digest, score or summary the commands do not reproduce refuses the whole import.  Imported
assessments arrive closed: only this station's own assessments take new attempts here.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import IO, Any

import sim.records.chain as chain
from sim.errors import InputError
from sim.i18n import N_, _
from sim.records.db import SQLITE_MAGIC, migrate
from sim.records.replay import replay_mismatches, replay_stored
from sim.records.schema import APPLICATION_ID, SCHEMA_VERSION
from sim.records.store import MODES, RecordStore, check_name, check_trainee_id, decode

NOT_MERGED = N_("cannot import, nothing was merged: {error}")

#: Attempt columns copied by an import (the chain columns are recomputed locally).
COPY_COLUMNS = tuple(c for c in chain.RECORD_FIELDS if c != "status")

CSV_COLUMNS = (
    "attempt_id",
    "trainee_id",
    "cohort",
    "scenario_id",
    "scenario_version",
    "mode",
    "assessment_id",
    "seed",
    "started",
    "ended",
    "status",
    "score_total",
    "score_max",
    "score_pct",
    "minimum_passing",
    "passed",
    "critical_errors",
    "collected_ml",
    "tnc_per_kg_recipient",
    "skin_sites",
    "bone_penetrations",
    "aspirations",
    "max_pull_ml",
    "procedure_s",
    "n_commands",
    "station",
)


# ------------------------------------------------------------------------------ backup
def backup(store: RecordStore, out: Path | str) -> Path:
    """A consistent single-file copy of the database (safe while it is in use)."""
    out = Path(out)
    if out.exists():
        raise InputError(_("refusing to overwrite an existing file"), path=str(out))
    try:
        dest = sqlite3.connect(out)
    except sqlite3.Error as exc:
        raise InputError(
            _("cannot write backup: {error}").format(error=exc), path=str(out)
        ) from None
    try:
        with store.guard():
            store.conn.backup(dest)
    finally:
        dest.close()
    return out


# ------------------------------------------------------------------------------ import
def _open_source(path: Path, workdir: Path) -> sqlite3.Connection:
    """A migrated, verified working copy of the file to import (the original is untouched)."""
    if not path.is_file():
        raise InputError(_("no such file"), path=str(path))
    with path.open("rb") as f:
        if f.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            message = _("not a Marrowsim records database (not SQLite)")
            raise InputError(message, path=str(path))
    copy = workdir / "import.db"
    shutil.copyfile(path, copy)
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, workdir / "import.db-wal")
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise InputError(_("not a Marrowsim records database"), path=str(path))
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            message = _("written by a newer Marrowsim (schema {version})").format(version=version)
            raise InputError(message, path=str(path))
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise InputError(_("damaged database: {error}").format(error=check), path=str(path))
        migrate(conn)
        problems, _linked, _head = chain.verify(conn)
        if problems:
            raise InputError(
                _("fails verification ({problem}; {n} problem(s))").format(
                    problem=problems[0], n=len(problems)
                ),
                path=str(path),
            )
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise InputError(_("damaged database: {error}").format(error=exc), path=str(path)) from None
    except BaseException:
        conn.close()
        raise
    return conn


#: Bytes per pull in the ``pulls`` blob (two float64: mL, TNC per mL; see results.py).
PULL_BYTES = 16


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_attempt(row: dict) -> dict:
    """Check the shape of one source attempt row; returns it decoded (``store.decode``)."""
    where = f"attempt {row['id']}"
    check_trainee_id(row["trainee_id"])
    if row["mode"] not in MODES:
        raise InputError(_("{where}: invalid mode {mode!r}").format(where=where, mode=row["mode"]))
    for key in ("scenario", "criteria", "critical_errors", "metrics", "summary"):
        try:
            if row[key] is not None:
                json.loads(row[key])
        except (TypeError, ValueError):
            raise InputError(
                _("{where}: {key} is not valid JSON").format(where=where, key=key)
            ) from None
    pulls = row["pulls"]
    if pulls is not None and (not isinstance(pulls, bytes) or len(pulls) % PULL_BYTES):
        raise InputError(
            _("{where}: {key} is not a whole number of pull records").format(
                where=where, key="pulls"
            )
        )
    out = decode(row)
    for key in ("seed", "scenario_version", "n_commands"):
        if not (isinstance(out[key], int) or (key == "n_commands" and out[key] is None)):
            raise InputError(_("{where}: {key} is not an integer").format(where=where, key=key))
    for key in ("score_total", "score_max", "minimum_passing"):
        if out[key] is not None and not _is_number(out[key]):
            raise InputError(_("{where}: {key} is not a number").format(where=where, key=key))
    if row["passed"] not in (None, 0, 1):
        raise InputError(_("{where}: {key} is not 0, 1 or empty").format(where=where, key="passed"))
    criteria = out["criteria"]
    if criteria is not None and not (
        isinstance(criteria, list)
        and all(
            isinstance(c, dict)
            and {"id", "score", "max"} <= c.keys()
            and _is_number(c["score"])
            and _is_number(c["max"])
            for c in criteria
        )
    ):
        raise InputError(
            _("{where}: {key} is not a list of {{id, score, max}}").format(
                where=where, key="criteria"
            )
        )
    errors = out["critical_errors"]
    if errors is not None and not (
        isinstance(errors, list) and all(isinstance(e, str) for e in errors)
    ):
        raise InputError(
            _("{where}: {key} is not a list of strings").format(where=where, key="critical_errors")
        )
    for key in ("metrics", "summary", "scenario"):
        if out[key] is not None and not isinstance(out[key], dict):
            raise InputError(_("{where}: {key} is not an object").format(where=where, key=key))
    if row["status"] != "incomplete" and out["scenario"] is None:
        raise InputError(_("{where}: finished attempt without its scenario").format(where=where))
    return out


def _check_replay(src: sqlite3.Connection, row: dict) -> None:
    """Replay a finished source attempt and refuse it unless it reproduces its stored result."""
    commands = [
        {"n": r["n"], "t_s": r["t_s"], "wall": r["wall"], "cmd": json.loads(r["cmd"])}
        for r in src.execute(
            "SELECT n, t_s, wall, cmd FROM attempt_commands WHERE attempt_id = ? ORDER BY n",
            (row["id"],),
        )
    ]
    if [c["n"] for c in commands] != list(range(len(commands))):
        raise InputError(_("attempt {id}: command log has gaps").format(id=row["id"]))
    passing = None
    if row["assessment_id"] is not None:
        found = src.execute(
            "SELECT passing FROM assessments WHERE id = ?", (row["assessment_id"],)
        ).fetchone()
        if found is None:
            raise InputError(_("attempt {id}: its assessment is missing").format(id=row["id"]))
        passing = found[0]
    attempt = replay_stored(row, commands)
    mismatched = replay_mismatches(row, attempt, passing)
    if mismatched:
        raise InputError(
            _("attempt {id}: replay does not reproduce the stored {fields}").format(
                id=row["id"], fields=", ".join(mismatched)
            )
        )


def _merge_trainees(dst: sqlite3.Connection, src: sqlite3.Connection) -> int:
    added = 0
    for t in src.execute("SELECT id, name, cohort, created FROM trainees"):
        check_trainee_id(t["id"])
        for field in ("name", "cohort"):
            try:
                check_name(t[field], field)
            except InputError as exc:
                message = _("trainee {id}: {error}").format(id=t["id"], error=exc.message)
                raise InputError(message, field=field) from None
        cur = dst.execute(
            "INSERT OR IGNORE INTO trainees (id, name, cohort, created) VALUES (?,?,?,?)",
            tuple(t),
        )
        added += cur.rowcount
        dst.execute(
            "UPDATE trainees SET name = coalesce(name, ?), cohort = coalesce(cohort, ?)"
            " WHERE id = ?",
            (t["name"], t["cohort"], t["id"]),
        )
    return added


def _merge_assessments(dst: sqlite3.Connection, src: sqlite3.Connection) -> int:
    """Add the source's assessments, closed (the other station's open assessment stays
    open there; here only locally created assessments take new attempts)."""
    added = 0
    for a in src.execute("SELECT * FROM assessments"):
        json.loads(a["scenarios"])
        try:
            check_name(a["name"], "name")
        except InputError as exc:
            message = _("assessment {id}: {error}").format(id=a["id"], error=exc.message)
            raise InputError(message, field="name") from None
        cur = dst.execute(
            "INSERT OR IGNORE INTO assessments (id, name, scenarios, passing, attempts_allowed,"
            " created, active) VALUES (?,?,?,?,?,?,?)",
            (a["id"], a["name"], a["scenarios"], a["passing"], a["attempts_allowed"],
             a["created"], 0),
        )  # fmt: skip
        added += cur.rowcount
    return added


def _copy_commands(dst: sqlite3.Connection, src: sqlite3.Connection, attempt_id: str, start: int):
    rows = src.execute(
        "SELECT attempt_id, n, t_s, wall, cmd FROM attempt_commands"
        " WHERE attempt_id = ? AND n >= ? ORDER BY n",
        (attempt_id, start),
    )
    batch = []
    for r in rows:
        try:
            json.loads(r["cmd"])
        except (TypeError, ValueError):
            message = _("attempt {id}: command {n} is not valid JSON").format(
                id=attempt_id, n=r["n"]
            )
            raise InputError(message) from None
        batch.append(tuple(r))
    dst.executemany(
        "INSERT INTO attempt_commands (attempt_id, n, t_s, wall, cmd) VALUES (?,?,?,?,?)", batch
    )


def _merge_attempt(store: RecordStore, src: sqlite3.Connection, row: dict) -> str:
    """Insert one source attempt; returns 'added', 'completed' or 'duplicate'."""
    dst = store.conn
    decoded = _check_attempt(row)
    local = dst.execute("SELECT status, n_commands FROM attempts WHERE id = ?", (row["id"],))
    local = local.fetchone()
    if local is not None and (local["status"] != "incomplete" or row["status"] == "incomplete"):
        return "duplicate"
    if row["status"] != "incomplete":
        _check_replay(src, decoded)
    if local is None:  # joins this station's chain as it arrives: a start link, then sealed
        store.insert_started({c: row[c] for c in COPY_COLUMNS})
        have = 0
    else:  # finished at the other station since an earlier import: add the rest and seal
        have = dst.execute(
            "SELECT count(*) FROM attempt_commands WHERE attempt_id = ?", (row["id"],)
        ).fetchone()[0]
        sets = ", ".join(f"{c} = ?" for c in COPY_COLUMNS if c != "id")
        dst.execute(
            f"UPDATE attempts SET {sets} WHERE id = ?",
            [row[c] for c in COPY_COLUMNS if c != "id"] + [row["id"]],
        )
    _copy_commands(dst, src, row["id"], have)
    if row["status"] != "incomplete":
        store.seal_attempt(row["id"], row["status"])
    return "added" if local is None else "completed"


def import_database(store: RecordStore, path: Path | str) -> dict[str, int]:
    """Merge another station's database; counts of what was added.  All or nothing."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="marrowsim-import-") as tmp:
        src = _open_source(path, Path(tmp))
        try:
            counts = {"trainees": 0, "assessments": 0, "added": 0, "completed": 0, "duplicate": 0}
            rows = [
                dict(r)
                for r in src.execute(
                    "SELECT * FROM attempts ORDER BY seq IS NULL, seq, started, id"
                )
            ]
            conn = store.conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    counts["trainees"] = _merge_trainees(conn, src)
                    counts["assessments"] = _merge_assessments(conn, src)
                    for row in rows:
                        counts[_merge_attempt(store, src, row)] += 1
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
                store.checkpoint()
            except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
                raise InputError(
                    _(NOT_MERGED).format(error=exc).splitlines()[0], path=str(path)
                ) from None
            except InputError as exc:
                raise InputError(_(NOT_MERGED).format(error=exc.message), path=str(path)) from None
        finally:
            src.close()
    return counts


# ------------------------------------------------------------------------------ CSV
def csv_rows(attempts: list[dict]) -> tuple[list[str], list[dict[str, Any]]]:
    """The CSV header (with one ``criterion:<id>`` column per criterion seen) and rows."""
    criteria: list[str] = []
    for a in attempts:
        for c in a.get("criteria") or []:
            if c.get("id") not in criteria:
                criteria.append(c.get("id"))
    header = list(CSV_COLUMNS) + [f"criterion:{c}" for c in criteria]
    rows = []
    for a in attempts:
        metrics = a.get("metrics") or {}
        pct = None
        if a.get("score_total") is not None:
            pct = round(100.0 * a["score_total"] / (a.get("score_max") or 100.0), 2)
        row: dict[str, Any] = {
            "attempt_id": a["id"],
            "score_pct": pct,
            "critical_errors": ";".join(a.get("critical_errors") or []),
            "passed": "" if a.get("passed") is None else ("yes" if a["passed"] else "no"),
        }
        for key in CSV_COLUMNS:
            if key not in row:
                row[key] = a.get(key, metrics.get(key))
        for c in a.get("criteria") or []:
            row[f"criterion:{c.get('id')}"] = c.get("score")
        rows.append({k: ("" if v is None else v) for k, v in row.items()})
    return header, rows


#: What a spreadsheet may read as a formula at the start of a cell (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A text cell that a spreadsheet could run as a formula gets a leading ``'`` (OWASP);
    numbers are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(attempts: list[dict], stream: IO[str]) -> int:
    """Write attempts as CSV (one row each, every field quoted, formula-like text cells
    neutralised); returns the number of rows."""
    header, rows = csv_rows(attempts)
    writer = csv.writer(stream, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(row.get(h, "")) for h in header])
    return len(rows)
