"""Opening the records database: WAL mode, schema migrations, and refusing damaged files.

Before anything is written, ``connect`` checks the file: its size (empty, truncated, not a whole
number of pages), its header (SQLite magic, page size), Marrowsim's application id and SQLite's
``quick_check``.  The quick_check reads the whole file (seconds for a programme's gigabytes), so a
command that only reads (``records list``, ``report``, ``verify``) opens with the check put off
to the first write: a ``WriteGate`` (SQLite's authorizer) runs it before the connection's first
statement that would change the file, and refuses that statement if the file is damaged.

A foreign file is left where it is and copied beside it; a damaged or emptied
Marrowsim database is *moved* to a timestamped backup, so nothing is ever written to it and
nothing silently replaces it.  Either way the user gets one line naming the file and the copy,
and the command exits 2 (``InputError``).  A new database is built beside the target and linked
into place whole, so an empty file at the database's path always means damage.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

from sim.errors import InputError
from sim.i18n import N_, _
from sim.records.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
_DAMAGE_WORDS = ("malformed", "not a database", "corrupt", "disk image", "encrypted")
CANNOT_OPEN = N_("cannot open records database: {error}")


class DamagedDatabase(InputError):
    """The records database is damaged or is not a Marrowsim database (a copy was saved)."""


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def backup_damaged(path: Path) -> Path:
    """Copy a damaged database (and its WAL) beside it, once per distinct content."""
    backup = path.with_name(f"{path.name}.damaged-{_file_digest(path)[:12]}.bak")
    if not backup.exists():
        shutil.copy2(path, backup)
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        shutil.copy2(wal, backup.with_name(backup.name + "-wal"))
    return backup


def damaged(path: Path, reason: str) -> DamagedDatabase:
    """The error for a damaged or foreign file, after saving a backup copy of it."""
    try:
        where = _("a copy is at {file}").format(file=backup_damaged(path))
    except OSError as exc:
        where = _("could not save a copy ({error})").format(error=exc.strerror)
    message = _(
        "records database is damaged or not a Marrowsim database ({reason}); nothing was"
        " changed and {where}; restore a backup or set MARROWSIM_DATA_DIR to another folder"
    )
    return DamagedDatabase(message.format(reason=reason, where=where), path=str(path))


def _moved_name(path: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    return path.with_name(f"{path.name}.damaged-{stamp}.bak")


def move_damaged(path: Path, reason: str) -> DamagedDatabase:
    """Move a damaged or emptied records database (with its -wal and -shm) to a timestamped
    backup beside it, and return the one-line error that says so."""
    target = _moved_name(path)
    try:
        os.replace(path, target)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
        where = f"it was moved to {target}"
    except OSError as exc:
        where = f"it could not be moved aside ({exc.strerror}); nothing was written to it"
    return DamagedDatabase(
        f"records database is damaged ({reason}); {where}; restore a backup (the next start"
        f" makes a new, empty database) or set MARROWSIM_DATA_DIR to another folder",
        path=str(path),
    )


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """True when an sqlite error means a damaged file rather than a busy or locked one."""
    if isinstance(exc, sqlite3.IntegrityError):
        return False
    text = str(exc).lower()
    return any(word in text for word in _DAMAGE_WORDS)


def _check_file(path: Path) -> bool:
    """Size and header checks, before SQLite reads the file; True when the header names a
    Marrowsim database (application id), so damage found later moves it aside."""
    if not path.exists():
        return False
    size = path.stat().st_size
    if size == 0:
        raise move_damaged(path, "the file is empty (0 bytes)")
    with path.open("rb") as f:
        head = f.read(100)
    if head[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        raise damaged(path, "not an SQLite file")
    if len(head) < 100:
        raise move_damaged(path, f"truncated to {size} bytes")
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    if page < 512 or page > 65536 or page & (page - 1):
        raise move_damaged(path, "the SQLite header is damaged (page size)")
    if size % page:
        raise move_damaged(path, f"truncated ({size} bytes is not a whole number of pages)")
    return int.from_bytes(head[68:72], "big") == APPLICATION_ID


#: The authorizer actions that change a database (every CREATE, DROP, INSERT, UPDATE, DELETE,
#: ALTER, REINDEX and ANALYZE; temporary objects too, which costs nothing).
_WRITES = frozenset(
    getattr(sqlite3, name)
    for name in dir(sqlite3)
    if name.startswith(("SQLITE_CREATE_", "SQLITE_DROP_"))
    or name
    in (
        "SQLITE_INSERT",
        "SQLITE_UPDATE",
        "SQLITE_DELETE",
        "SQLITE_ALTER_TABLE",
        "SQLITE_REINDEX",
        "SQLITE_ANALYZE",
    )
)
#: Pragmas that write the file whatever their argument (a checkpoint copies the log into it).
_WRITING_PRAGMAS = frozenset({"wal_checkpoint", "incremental_vacuum", "optimize"})
#: Pragmas that write when given a value (``PRAGMA user_version = 3``).
_SETTING_PRAGMAS = frozenset({"user_version", "application_id", "journal_mode", "page_size"})
_WAL = "wal"


class WriteGate:
    """SQLite authorizer for a connection opened without the open-time quick_check: before the
    first statement that would change the file, the quick_check runs (on a second, read-only
    connection, as SQLite does not allow using the first one inside its authorizer); a sound
    file lets every statement through from then on, a damaged one refuses each write, so
    nothing is ever written to it (``problem`` says what the check found)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.checked = False
        self.problem: str | None = None

    def __call__(self, action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
        if self.checked and self.problem is None:
            return sqlite3.SQLITE_OK
        if not self._writes(action, arg1, arg2):
            return sqlite3.SQLITE_OK
        if not self.checked:
            self.problem = _quick_check_file(self.path)
            self.checked = True
        return sqlite3.SQLITE_OK if self.problem is None else sqlite3.SQLITE_DENY

    @staticmethod
    def _writes(action: int, arg1: str | None, arg2: str | None) -> bool:
        if action == sqlite3.SQLITE_PRAGMA:
            name = (arg1 or "").lower()
            return name in _WRITING_PRAGMAS or (name in _SETTING_PRAGMAS and arg2 is not None)
        return action in _WRITES


class RecordsConnection(sqlite3.Connection):
    """A connection to a records database; ``gate`` is its WriteGate when the quick_check was
    put off to the first write (None when it ran at open)."""

    gate: WriteGate | None = None


def _quick_check_file(path: Path) -> str | None:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10.0)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        return _quick_check(conn)
    except UnicodeDecodeError:  # SQLite quoting damaged bytes in its error message
        return "unreadable bytes in the file"
    except Exception as exc:  # anything else also refuses the write: the gate fails closed
        return " ".join(str(exc).split())[:200] or type(exc).__name__
    finally:
        conn.close()


def _quick_check(conn: sqlite3.Connection) -> str | None:
    """SQLite's quick_check: None when sound, else its first finding."""
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")  # findings quote raw bytes
    try:
        found = [str(r[0]) for r in conn.execute("PRAGMA quick_check(5)")]
    finally:
        conn.text_factory = str
    return None if found == ["ok"] else " ".join("; ".join(found).split())[:200]


def _create(path: Path) -> None:
    """Build a new, empty records database beside ``path`` and link it into place whole (never
    over an existing file), so no process ever sees a half-made or empty file there."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.new-", dir=path.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        finally:
            conn.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first
        except OSError:  # no hard links on this file system
            if not path.exists():
                with suppress(FileExistsError):
                    os.rename(tmp, path)
    finally:
        with suppress(OSError):
            os.unlink(tmp)


def _backup_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> None:
    target = path.with_name(f"{path.name}.v{version}.bak")
    if target.exists():
        return
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()


def migrate(conn: sqlite3.Connection, path: Path | None = None) -> int:
    """Apply the missing migrations, each in its own transaction; returns the new version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version and version < SCHEMA_VERSION and path is not None:
        _backup_before_migration(conn, path, version)
    while version < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]  # another process?
            if version < SCHEMA_VERSION:
                for statement in MIGRATIONS[version]:
                    if callable(statement):
                        statement(conn)
                    else:
                        conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return version


def _identify(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse foreign databases and ones written by a newer Marrowsim (read-only checks)."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app_id != APPLICATION_ID and (tables or version):
        raise damaged(path, "a different application's SQLite database")
    if version > SCHEMA_VERSION:
        raise InputError(
            _(
                "records database has schema version {version}, newer than this Marrowsim"
                " supports ({supported}); upgrade Marrowsim"
            ).format(version=version, supported=SCHEMA_VERSION),
            path=str(path),
        )


def connect(path: Path, *, create: bool = True, quick_check: bool = True) -> sqlite3.Connection:
    """Open (creating and migrating if needed) a records database in WAL mode.

    ``quick_check=False`` puts SQLite's quick_check of the whole file (seconds for a programme's
    gigabytes) off until the first statement that would write (``WriteGate``), for a command that
    only reads (``records list``, ``report``) or runs the full ``integrity_check`` itself
    (``records verify``).

    Each statement outside an explicit ``BEGIN`` commits on its own (autocommit), so a command
    saved during an attempt is durable against a killed process once ``execute`` returns.
    """
    path = Path(path)
    if not create and not path.exists():
        raise InputError(_("no such records database"), path=str(path))
    if create and not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                _(
                    "cannot create the data folder: {error}; set MARROWSIM_DATA_DIR to a folder"
                    " you can write to"
                ).format(error=exc.strerror or exc),
                path=str(path.parent),
            ) from None
        try:
            _create(path)
        except (OSError, sqlite3.Error) as exc:
            text = getattr(exc, "strerror", None) or exc
            raise InputError(
                _(
                    "cannot create the records database: {error}; set MARROWSIM_DATA_DIR to a"
                    " folder you can write to"
                ).format(error=text),
                path=str(path),
            ) from None
    ours = _check_file(path)
    try:
        conn = sqlite3.connect(
            path,
            isolation_level=None,
            timeout=10.0,
            check_same_thread=False,
            factory=RecordsConnection,
        )
    except sqlite3.Error as exc:
        raise InputError(_(CANNOT_OPEN).format(error=exc), path=str(path)) from None
    try:
        _identify(conn, path)
        ours = True
        problem = _quick_check(conn) if quick_check else None
        if problem is not None:
            conn.close()
            raise move_damaged(path, f"quick_check: {problem}")
        if not quick_check:
            conn.gate = WriteGate(path)
            conn.set_authorizer(conn.gate)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != _WAL:  # set once, a write
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn, path)
    except UnicodeDecodeError:  # SQLite quoting damaged bytes in its error message
        conn.close()
        raise (move_damaged if ours else damaged)(path, "unreadable bytes in the file") from None
    except sqlite3.DatabaseError as exc:
        conn.close()
        if conn.gate is not None and conn.gate.problem is not None:  # refused by the gate
            raise move_damaged(path, f"quick_check: {conn.gate.problem}") from None
        if is_damage(exc):
            raise (move_damaged if ours else damaged)(path, str(exc)) from None
        raise InputError(_(CANNOT_OPEN).format(error=exc), path=str(path)) from None
    except BaseException:
        conn.close()
        raise
    return conn


def translate(
    path: Path, conn: sqlite3.Connection | None = None
) -> Callable[[sqlite3.Error], InputError]:
    """A function turning an sqlite error met while using ``path`` (through ``conn``) into a
    one-line error; a write the WriteGate refused moves the damaged file aside."""

    def convert(exc: sqlite3.Error) -> InputError:
        gate = getattr(conn, "gate", None)
        if gate is not None and gate.problem is not None:
            with suppress(sqlite3.Error):
                conn.close()
            return move_damaged(path, f"quick_check: {gate.problem}")
        if isinstance(exc, sqlite3.DatabaseError) and is_damage(exc):
            return damaged(path, str(exc))
        return InputError(_("records database: {error}").format(error=exc), path=str(path))

    return convert
