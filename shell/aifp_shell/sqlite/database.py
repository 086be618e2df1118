"""Opening AIFP databases safely and reading what they say about themselves."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

import attrs

from aifp_fp.value import Value
from aifp_shell.problems import Environment, Unreadable

DEFAULT_BUSY_TIMEOUT = 10.0
"""Seconds to wait for another writer before giving up (``AIFP_MIGRATE_BUSY_TIMEOUT``)."""


def busy_timeout() -> float:
    """Return the busy timeout in seconds, from ``$AIFP_MIGRATE_BUSY_TIMEOUT`` or the default."""
    try:
        return float(os.environ.get("AIFP_MIGRATE_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT


def _uri(path: Path, mode: str) -> str:
    return f"{path.absolute().as_uri()}?mode={mode}"


def read_only_uri(path: str) -> str:
    """Return the read-only SQLite URI of the file at ``path`` (absolute), for a hot loop.

    The same file as ``_uri(Path(path), "ro")`` names (the file system's bytes,
    percent-encoded), at a seventh of pathlib's cost: ``scan`` attaches thousands of files.
    """
    return f"file:{quote(os.fsencode(path))}?mode=ro"


def connect(
    path: Path,
    *,
    write: bool,
    timeout: float | None = None,
    trusted: bool = True,
    immutable: bool = False,
) -> sqlite3.Connection:
    """Return a connection to an EXISTING database file (never creates one): the one way to open.

    ``write=False`` opens it read-only. Transactions are left to the caller
    (``isolation_level=None``): the tool issues BEGIN IMMEDIATE/COMMIT itself.

    - ``trusted=False``, for a file the tool did not make (``scan``, ``diff``):
      read it with ``trusted_schema=OFF`` and never write to it, so no hot
      journal is replayed either.
    - ``immutable=True``, read-only: nothing can change the file while it is
      open (a backup with no ``-wal``), so SQLite takes no lock and creates no
      ``-wal``/``-shm`` beside it.
    """
    wait = busy_timeout() if timeout is None else timeout
    if not write and trusted and not immutable:
        recover_hot_journal(path, wait)
    mode = "rw" if write else "ro&immutable=1" if immutable else "ro"
    conn = sqlite3.connect(
        _uri(path, mode), uri=True, isolation_level=None, timeout=wait, check_same_thread=False
    )
    if not trusted:
        conn.execute("PRAGMA trusted_schema = OFF")
    return conn


def recover_hot_journal(path: Path, timeout: float) -> None:
    """Let SQLite roll back a journal left by a crashed writer, so read-only opens work.

    A process killed in the middle of a large transaction (one that spilled
    pages into the database file) leaves a hot ``-journal``; a read-only
    connection then fails with SQLITE_READONLY_ROLLBACK until a writable one
    replays it. That replay restores the last committed state, as any SQLite
    client opening the file would. Only done when a non-empty journal exists;
    any failure is left for the caller's own open to report.
    """
    journal = path.with_name(path.name + "-journal")
    try:
        if journal.stat().st_size == 0:
            return
    except OSError:
        return
    try:
        conn = sqlite3.connect(_uri(path, "rw"), uri=True, isolation_level=None, timeout=timeout)
    except sqlite3.Error:
        return
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        pass
    finally:
        conn.close()


def error_kind(error: sqlite3.Error) -> str:
    """Return what kind of failure an SQLite error is, from its result code name.

    ``locked``, ``read_only``, ``disk_full``, ``io``, ``corrupt``, ``auth`` or
    ``sql`` (a statement's own error). Errors without a code name are ``sql``.
    """
    name = getattr(error, "sqlite_errorname", None) or ""
    text = str(error)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return "locked"
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return "read_only"
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return "read_only"
    if name.startswith("SQLITE_FULL") or "database or disk is full" in text:
        return "disk_full"
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        return "corrupt"
    if "file is not a database" in text:
        return "corrupt"
    if name.startswith("SQLITE_IOERR") or "disk I/O error" in text:
        return "io"
    if name.startswith("SQLITE_AUTH") or "not authorized" in text:
        return "auth"
    return "sql"


def environment_problem(
    database: str, path: Path, error: sqlite3.Error
) -> Environment | Unreadable:
    """Return the problem an SQLite error outside any statement of a file stands for."""
    kind = error_kind(error)
    if kind == "corrupt":
        return Unreadable(database, str(path), str(error))
    return Environment(database, str(path), kind if kind != "sql" else "io", str(error))


@attrs.frozen(slots=True, repr=False)
class VersionRead(Value):
    """What a database's ``schema_version`` says: a version text, or None (unversioned)."""

    version: str | None


def read_version(conn: sqlite3.Connection) -> VersionRead:
    """Return the version in ``schema_version`` (row id 1), or None if there is none."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if has_table is None:
        return VersionRead(None)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(schema_version)")}
    if "version" not in columns:
        return VersionRead(None)
    where = " WHERE id = 1" if "id" in columns else ""
    row = conn.execute(f"SELECT version FROM schema_version{where} LIMIT 1").fetchone()
    if row is None or row[0] is None:
        return VersionRead(None)
    return VersionRead(str(row[0]))


def read_version_listed(
    conn: sqlite3.Connection,
    catalog: tuple[tuple[str, str, str, str | None], ...],
    listed: tuple[object] | None = None,
) -> VersionRead:
    """Return what ``read_version`` returns, for a caller that has read ``sqlite_master``.

    ``catalog`` holds its (type, name, table, SQL) rows. The usual table (with
    ``id`` and ``version``) then costs one query, or none when ``listed`` holds
    the value that query returned (read with the catalog); any other shape falls back.
    """
    if not any(row[0] == "table" and row[1] == "schema_version" for row in catalog):
        return VersionRead(None)
    if listed is not None:
        value = listed[0]
        return VersionRead(None if value is None else str(value))
    try:
        row = conn.execute("SELECT version FROM schema_version WHERE id = 1 LIMIT 1").fetchone()
    except sqlite3.OperationalError:  # no id or no version column
        return read_version(conn)
    if row is None or row[0] is None:
        return VersionRead(None)
    return VersionRead(str(row[0]))


def quick_check(
    conn: sqlite3.Connection, table: str | None = None, *, schema: str | None = None
) -> str | None:
    """Return None when ``PRAGMA quick_check`` passes, else its first findings.

    ``table`` checks only that table (of ``main``) and its indexes; ``schema`` checks only
    the attached database of that name.
    """
    if schema is not None:
        query = f"PRAGMA {schema}.quick_check"
    elif table is None:
        query = "PRAGMA quick_check"
    else:
        query = f"PRAGMA main.quick_check({_quoted(table)})"
    rows = [str(row[0]) for row in conn.execute(query)]
    if rows == ["ok"]:
        return None
    return "; ".join(rows[:3])


def foreign_key_problems(conn: sqlite3.Connection) -> str | None:
    """Return None when ``PRAGMA foreign_key_check`` finds nothing, else what it found."""
    rows = conn.execute("PRAGMA foreign_key_check").fetchmany(5)
    if not rows:
        return None
    return "; ".join(
        f"{table} row {rowid} points to a missing row of {parent}"
        for table, rowid, parent, _ in rows
    )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def foreign_key_rows(conn: sqlite3.Connection, table: str) -> sqlite3.Cursor:
    """Return a cursor over ``PRAGMA foreign_key_check(<table>)`` (table, rowid, parent, fkid)."""
    return conn.execute(f"PRAGMA main.foreign_key_check({_quoted(table)})")


def foreign_key_violations(
    conn: sqlite3.Connection, tables: tuple[str, ...] | None = None
) -> dict[tuple[str, str], int]:
    """Return how many rows of each (table, parent table) break a foreign key; empty if none.

    ``tables`` limits the check to those tables (a missing one counts nothing);
    None checks the whole database.
    """
    found: dict[tuple[str, str], int] = {}
    if tables is None:
        results = [conn.execute("PRAGMA foreign_key_check").fetchall()]
    else:
        results = []
        for table in tables:
            try:
                results.append(foreign_key_rows(conn, table).fetchall())
            except sqlite3.OperationalError as error:
                if "no such table" not in str(error):
                    raise
    for rows in results:
        for table, _, parent, _ in rows:
            key = (str(table), str(parent))
            found[key] = found.get(key, 0) + 1
    return found


def violations_in_file(
    path: Path, tables: tuple[str, ...] | None = None
) -> dict[tuple[str, str], int] | None:
    """Return ``foreign_key_violations`` of a database file (read-only), None if unreadable."""
    try:
        conn = connect(path, write=False)
        try:
            return foreign_key_violations(conn, tables)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def is_empty_file(path: Path) -> bool:
    """Return whether the file exists and holds zero bytes."""
    try:
        return path.stat().st_size == 0
    except OSError:
        return False
