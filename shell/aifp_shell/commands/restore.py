"""``restore``: put a backup's content back into the live database, in one write transaction.

The same unit of work as ``up``, ``down`` and ``diff --apply``
(``sqlite/transaction.py``): foreign keys off and ``BEGIN IMMEDIATE``, a
backup of the state being replaced, the content replaced by SQL from the
backup ATTACHed read-only (``sqlite/replace_content.py``), ``schema_history``
kept and one ``restore`` row added, ``final_checks``, COMMIT; any failure
abandons the transaction. Never a file copy over the database: the writes go
through the live database's own journal (or WAL), so a crash at any instant
leaves the old content or the new, and readers see one or the other.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import attrs
from returns.result import Failure

from aifp_fp.checksums import RESTORE
from aifp_fp.errors import UnknownDatabase
from aifp_fp.graph import MigrationSet
from aifp_fp.tables import HISTORY_TABLE
from aifp_shell.commands.migrate import Runtime, utc_now_text
from aifp_shell.files.backup import make_backup
from aifp_shell.files.locate import DATABASES, locate
from aifp_shell.files.preflight import preflight
from aifp_shell.files.retention import newest_backup, prune_backups
from aifp_shell.files.sources import load_migration_set
from aifp_shell.messages import error_json
from aifp_shell.problems import (
    BackupUnusable,
    CheckFailed,
    DatabaseMissing,
    Environment,
    NoBackup,
    Problem,
)
from aifp_shell.schema.belongs import not_belonging
from aifp_shell.sqlite.database import (
    connect,
    environment_problem,
    error_kind,
    is_empty_file,
    quick_check,
    read_version,
)
from aifp_shell.sqlite.executor import HISTORY_DDL
from aifp_shell.sqlite.replace_content import replace_content
from aifp_shell.sqlite.transaction import abandon, begin_write, final_checks


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


def open_backup(source: Path) -> sqlite3.Connection:
    """Return a read-only connection to a backup file.

    A backup of a WAL database is itself a WAL-format file; opened plainly,
    even read-only, SQLite leaves ``-wal`` and ``-shm`` files beside it. With no
    ``-wal`` there is nothing such a file could add, so it is opened
    ``immutable`` and nothing is created; with one, it is opened normally so
    the pages in the ``-wal`` count.
    """
    has_wal = source.with_name(source.name + "-wal").exists()
    return connect(source, write=False, immutable=not has_wal)


def _check_backup(
    name: str, source: Path, migration_set: MigrationSet
) -> tuple[str, None] | tuple[None, BackupUnusable]:
    """Return the backup's version, or why it cannot be restored (opened read-only).

    It must pass ``quick_check``, have a ``schema_version`` and be a known
    shape of that database at that version, or a drifted copy of one
    (``schema.belongs``): never another database's backup.
    """
    if is_empty_file(source):
        return None, BackupUnusable(name, str(source), "it is an empty file")
    try:
        conn = open_backup(source)
        try:
            damage = quick_check(conn)
            version = None if damage is not None else read_version(conn).version
            foreign = None if version is None else not_belonging(conn, migration_set, version)
        finally:
            conn.close()
    except sqlite3.Error as error:
        return None, BackupUnusable(name, str(source), f"it is not a usable database: {error}")
    if damage is not None:
        return None, BackupUnusable(name, str(source), f"PRAGMA quick_check failed: {damage}")
    if version is None:
        return None, BackupUnusable(name, str(source), "it has no schema_version")
    if foreign is not None:
        return None, BackupUnusable(name, str(source), f"it is not a backup of {name}: {foreign}")
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


def _sha256_of(path: Path) -> str:
    """Return the SHA-256 of a backup file's bytes (never the live database's: POSIX locks)."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


_SOURCE = "restore_source"
"""The schema name the backup is ATTACHed under."""

_HISTORY_COLUMNS = "id, direction, from_version, to_version, file, sha256, applied_at"


def _attach(conn: sqlite3.Connection, source: Path) -> None:
    """ATTACH the backup read-only (``immutable`` without a ``-wal``, as ``open_backup``)."""
    has_wal = source.with_name(source.name + "-wal").exists()
    uri = f"{source.absolute().as_uri()}?mode=ro" + ("" if has_wal else "&immutable=1")
    conn.execute(f"ATTACH DATABASE ? AS {_SOURCE}", (uri,))


def _has_history(conn: sqlite3.Connection, schema: str) -> bool:
    found = conn.execute(
        f"SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE",
        (HISTORY_TABLE,),
    ).fetchone()
    return found is not None


def _replace_keeping_history(
    conn: sqlite3.Connection, record: tuple[str | None, str, str, str, str]
) -> None:
    """Replace main's content with the backup's; ``schema_history`` keeps its rows plus one.

    The rows kept are the live database's (the backup's when the live one has
    none); the table is rebuilt as the tool's current ``schema_history``, and
    ``record`` (from, to, file, sha256, time) is added as a ``restore`` row.
    """
    keep_from = "main" if _has_history(conn, "main") else _SOURCE
    carried = _has_history(conn, keep_from)
    if carried:
        conn.execute(
            f"CREATE TEMP TABLE restore_kept_history AS SELECT {_HISTORY_COLUMNS} "
            f"FROM {keep_from}.{HISTORY_TABLE}"
        )
    replace_content(conn, _SOURCE, frozenset({HISTORY_TABLE}))
    conn.execute(HISTORY_DDL)
    if carried:
        conn.execute(
            f"INSERT INTO main.{HISTORY_TABLE} ({_HISTORY_COLUMNS}) "
            f"SELECT {_HISTORY_COLUMNS} FROM temp.restore_kept_history ORDER BY id"
        )
        conn.execute("DROP TABLE temp.restore_kept_history")
    conn.execute(
        f"INSERT INTO main.{HISTORY_TABLE} "
        "(direction, from_version, to_version, file, sha256, applied_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (RESTORE, *record),
    )


def restore(runtime: Runtime, name: str, backup: Path | None = None) -> RestoreReport:
    """Return what restoring database ``name`` from ``backup`` (default: its newest) did.

    The default is the newest backup that is not a replaced state (see
    ``retention.newest_backup``). The backup is checked read-only first
    (``quick_check``, a ``schema_version``, a shape of that database) and
    refused when it is the database itself. Then one write transaction, as
    ``up``'s: ``begin_write`` (waiting up to the busy timeout), pre-flight, a
    backup of the live state (``…_replaced``, kept whatever happens), the
    content replaced by SQL with ``schema_history`` kept plus a ``restore``
    row, ``final_checks``, the version checked, COMMIT. Older backups beyond
    ``runtime.keep_backups`` are pruned only after success, never the one
    restored from nor the replaced state.
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
    loaded = load_migration_set(name, runtime.places.migrations_dir)
    if isinstance(loaded, Failure):
        return failed(loaded.failure(), backup=str(source))
    incoming, refused = _check_backup(name, source, loaded.unwrap())
    if refused is not None or incoming is None:
        assert refused is not None
        return failed(refused, backup=str(source))
    digest = _sha256_of(source)
    try:
        conn = connect(path, write=True)
    except sqlite3.Error as error:
        return failed(environment_problem(name, path, error), backup=str(source))
    known: dict[str, Any] = {"backup": str(source)}
    try:
        _attach(conn, source)
        problem = begin_write(conn, name, path)
        if problem is not None:
            return failed(problem, **known)
        known["from_version"] = _live_version(conn)
        not_ready = preflight(name, path, extra=source.stat().st_size)
        if not_ready is not None:
            return failed(not_ready, **known)
        saved = make_backup(name, path, runtime.clock(), replaced=True)
        if isinstance(saved, Failure):
            return failed(saved.failure(), **known)
        known["saved"] = str(saved.unwrap())
        record = (known["from_version"], incoming, source.name, digest, utc_now_text(runtime))
        _replace_keeping_history(conn, record)
        problem = final_checks(conn, name, path, source)
        restored = _live_version(conn)
        if problem is None and restored != incoming:
            detail = f"the version is {restored!r}, the backup's is {incoming!r}"
            problem = CheckFailed(name, str(path), "schema_version", detail)
        if problem is not None:
            return failed(problem, **known)
        conn.execute("COMMIT")
    except sqlite3.Error as error:
        return failed(_write_problem(name, path, source, error), **known)
    finally:
        abandon(conn)
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


def _write_problem(name: str, path: Path, source: Path, error: sqlite3.Error) -> Problem:
    """Return what a failure while the restore held the write lock is (nothing was committed)."""
    kind = error_kind(error)
    if kind == "locked":
        return Environment(name, str(path), "locked", f"the database stayed locked: {error}")
    if kind == "corrupt":
        return Environment(
            name,
            str(path),
            "io",
            f"the database is too damaged to drop its tables ({error}); restore it by hand "
            f'with SQLite\'s backup API: sqlite3 {path} ".restore {source}" (see the user guide)',
        )
    return Environment(
        name,
        str(path),
        kind if kind in ("read_only", "disk_full") else "io",
        f"cannot restore {source}: {error}",
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
