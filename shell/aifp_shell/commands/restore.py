"""``restore``: put a backup back into the live database through SQLite's backup API.

Never a file copy over the database: the backup API writes the pages through
the live database's own pager and journal (or WAL), in one write transaction,
so a crash leaves the old content and no stale ``-journal``/``-wal`` can pair
with a copied file.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from returns.result import Failure

from aifp_fp.errors import UnknownDatabase
from aifp_shell.commands.runtime import Runtime
from aifp_shell.files.backup import make_backup
from aifp_shell.files.locate import DATABASES, locate
from aifp_shell.files.preflight import preflight
from aifp_shell.files.retention import newest_backup, prune_backups
from aifp_shell.messages import error_json
from aifp_shell.problems import (
    BackupUnusable,
    CheckFailed,
    DatabaseMissing,
    Environment,
    NoBackup,
    Problem,
)
from aifp_shell.sqlite.database import (
    busy_timeout,
    connect,
    environment_problem,
    error_kind,
    is_empty_file,
    quick_check,
    read_version,
)
from aifp_shell.sqlite.transaction import abandon


@attrs.frozen(slots=True)
class RestoreReport:
    """What ``restore`` did: the backup put back, the versions, the backup of what it replaced."""

    database: str
    path: str | None
    backup: str | None
    from_version: str | None
    """The live database's version before (None: unversioned or unreadable)."""
    to_version: str | None
    saved: str | None
    """The backup of the replaced state, taken before anything was written (kept)."""
    pruned: tuple[str, ...] = ()
    problem: Problem | None = None


class _Timeout(Exception):
    """The live database stayed locked by another writer past the busy timeout."""


def _open_backup(source: Path) -> sqlite3.Connection:
    """Return a read-only connection to a backup file.

    A backup of a WAL database is itself a WAL-format file; opened plainly,
    even read-only, SQLite leaves ``-wal`` and ``-shm`` files beside it. With no
    ``-wal`` there is nothing such a file could add, so it is opened
    ``immutable`` and nothing is created; with one, it is opened normally so
    the pages in the ``-wal`` count.
    """
    has_wal = source.with_name(source.name + "-wal").exists()
    return connect(source, write=False, immutable=not has_wal)


def _check_backup(name: str, source: Path) -> tuple[str, None] | tuple[None, BackupUnusable]:
    """Return the backup's version, or why it cannot be restored (opened read-only)."""
    if is_empty_file(source):
        return None, BackupUnusable(name, str(source), "it is an empty file")
    try:
        conn = _open_backup(source)
        try:
            damage = quick_check(conn)
            version = None if damage is not None else read_version(conn).version
        finally:
            conn.close()
    except sqlite3.Error as error:
        return None, BackupUnusable(name, str(source), f"it is not a usable database: {error}")
    if damage is not None:
        return None, BackupUnusable(name, str(source), f"PRAGMA quick_check failed: {damage}")
    if version is None:
        return None, BackupUnusable(name, str(source), "it has no schema_version")
    return version, None


def _is_same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _live_version(conn: sqlite3.Connection) -> str | None:
    try:
        return read_version(conn).version
    except sqlite3.Error:
        return None


def _copy_into(source: Path, conn: sqlite3.Connection) -> None:
    """Copy every page of ``source`` into ``conn``'s database (raises on failure)."""
    deadline = time.monotonic() + busy_timeout()

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise _Timeout

    src = _open_backup(source)
    try:
        src.backup(conn, progress=progress)
    finally:
        src.close()


def restore(runtime: Runtime, name: str, backup: Path | None = None) -> RestoreReport:
    """Return what restoring database ``name`` from ``backup`` (default: its newest) did.

    The backup is checked read-only first (``quick_check``, a ``schema_version``)
    and refused when it is the database itself. Under the write lock (BEGIN
    IMMEDIATE, waiting up to the busy timeout) the pre-flight runs and the live
    state is backed up; then SQLite's backup API replaces the live content in
    one transaction. The backup of the replaced state is kept whatever happens.
    Older backups beyond ``runtime.keep_backups`` are pruned only after success,
    never the one restored from.
    """
    if name not in DATABASES:
        return RestoreReport(
            name, None, None, None, None, None, (), UnknownDatabase(name, DATABASES)
        )
    location = locate(name, runtime.places)
    path = location.path
    if path is None or not path.exists():
        where = str(path) if path is not None else "(no project)"
        missing = DatabaseMissing(name, where, location.why_missing)
        return RestoreReport(
            name, None if path is None else str(path), None, None, None, None, (), missing
        )

    def failed(problem: Problem, **known: Any) -> RestoreReport:
        fields: dict[str, Any] = {
            "backup": None,
            "from_version": None,
            "to_version": None,
            "saved": None,
            **known,
        }
        return RestoreReport(name, str(path), problem=problem, **fields)

    source = backup.absolute() if backup is not None else newest_backup(path)
    if source is None:
        return failed(NoBackup(name, str(path.resolve().parent)))
    if not source.is_file():
        return failed(BackupUnusable(name, str(source), "no such file"))
    if _is_same_file(source, path):
        return failed(BackupUnusable(name, str(source), "it is the database itself"))
    incoming, refused = _check_backup(name, source)
    if refused is not None:
        return failed(refused, backup=str(source))
    try:
        conn = connect(path, write=True)
    except sqlite3.Error as error:
        return failed(environment_problem(name, path, error), backup=str(source))
    try:
        return _restore_locked(runtime, name, path, source, incoming, conn, failed)
    finally:
        abandon(conn)


def _restore_locked(
    runtime: Runtime,
    name: str,
    path: Path,
    source: Path,
    incoming: str | None,
    conn: sqlite3.Connection,
    failed: Callable[..., RestoreReport],
) -> RestoreReport:
    known: dict[str, Any] = {"backup": str(source)}
    try:
        conn.execute("BEGIN IMMEDIATE")
        known["from_version"] = _live_version(conn)
        data_version = conn.execute("PRAGMA data_version").fetchone()[0]
    except sqlite3.Error as error:
        return failed(environment_problem(name, path, error), **known)
    not_ready = preflight(name, path, extra=source.stat().st_size)
    if not_ready is not None:
        return failed(not_ready, **known)
    saved = make_backup(name, path, runtime.clock())
    if isinstance(saved, Failure):
        return failed(saved.failure(), **known)
    known["saved"] = str(saved.unwrap())
    try:
        conn.execute("ROLLBACK")  # the backup API needs the destination outside a transaction
        if conn.execute("PRAGMA data_version").fetchone()[0] != data_version:
            return failed(
                Environment(
                    name,
                    str(path),
                    "locked",
                    "another process wrote to the database during the restore; run it again",
                ),
                **known,
            )
        _copy_into(source, conn)
    except _Timeout:
        return failed(
            Environment(name, str(path), "locked", "the backup could not take the write lock"),
            **known,
        )
    except sqlite3.Error as error:
        kind = error_kind(error)
        problem = Environment(
            name,
            str(path),
            kind if kind in ("locked", "read_only", "disk_full") else "io",
            f"cannot restore {source}: {error}",
        )
        return failed(problem, **known)
    damage = quick_check(conn)
    restored = _live_version(conn)
    if damage is not None or restored != incoming:
        detail = damage or f"the version is {restored!r}, the backup's is {incoming!r}"
        return failed(CheckFailed(name, str(path), "quick_check", detail), **known)
    conn.close()
    pruned = prune_backups(path, runtime.keep_backups, (source, saved.unwrap()))
    return RestoreReport(
        name,
        str(path),
        str(source),
        known["from_version"],
        restored,
        known["saved"],
        tuple(str(p) for p in pruned),
    )


def restore_json(report: RestoreReport) -> dict[str, Any]:
    """Return the ``restore --json`` document."""
    document: dict[str, Any] = {
        "database": report.database,
        "path": report.path,
        "backup": report.backup,
        "from": report.from_version,
        "to": report.to_version,
        "saved": report.saved,
        "pruned": list(report.pruned),
        "status": "failed" if report.problem is not None else "restored",
    }
    if report.problem is not None:
        document["error"] = error_json(report.problem)
    return document
