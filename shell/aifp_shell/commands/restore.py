"""``restore``: put a backup's content back into the live database, in one write transaction.

The same unit of work as ``up``, ``down`` and ``diff --apply``
(``sqlite/transaction.py``): foreign keys off and ``BEGIN IMMEDIATE``, a
backup of the state being replaced, the content replaced by SQL from the
backup ATTACHed read-only (``sqlite/replace_content.py``), ``schema_history``
kept and one ``restore`` row added, ``whole_checks``, COMMIT; any failure
abandons the transaction, and so does Ctrl-C before COMMIT (which also
removes that backup: nothing of the run is left). Never a file copy over the
database: the writes go through the live database's own journal (or WAL), so
a crash at any instant leaves the old content or the new, and readers see one
or the other.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import attrs
from returns.result import Failure

from aifp_fp.errors import UnknownDatabase
from aifp_fp.graph import MigrationSet
from aifp_fp.tables import HISTORY_TABLE
from aifp_fp.value import Value
from aifp_shell.commands.restore_damaged import (
    BACKUP,
    LIVE,
    PageRestore,
    damaged_problem,
    restore_damaged,
)
from aifp_shell.commands.restore_history import read_history, write_history
from aifp_shell.commands.runtime import Runtime, utc_now_text
from aifp_shell.files.backup import make_backup
from aifp_shell.files.locate import DATABASES, locate
from aifp_shell.files.preflight import preflight
from aifp_shell.files.retention import newest_backup, prune_backups
from aifp_shell.files.safe_io import discard
from aifp_shell.files.sources import load_migration_set
from aifp_shell.messages import error_json
from aifp_shell.problems import (
    BackupUnusable,
    CheckFailed,
    DatabaseMissing,
    Environment,
    Interrupted,
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
from aifp_shell.sqlite.interrupt import Interrupt, interruptible
from aifp_shell.sqlite.replace_content import replace_content
from aifp_shell.sqlite.transaction import abandon, begin_write, whole_checks


@attrs.frozen(slots=True, repr=False)
class RestoreReport(Value):
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
    damaged: str | None = None
    """What ``quick_check`` (or SQLite) found wrong with the live database; None: healthy."""
    method: str = "sql"
    """``sql`` (the content replaced by SQL) or ``backup_api`` (over a damaged database)."""
    saved_by: str = "backup_api"
    """How ``saved`` was taken: ``backup_api``, or ``file_copy`` (a damaged file's bytes)."""
    history: str | None = None
    """Whose ``schema_history`` rows were kept (``restore_damaged.LIVE``, ``BACKUP``, ...)."""


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
    name: str, source: Path, migration_set: MigrationSet, interrupt: Interrupt
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
        interrupt.watch(conn)
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


def _attach(conn: sqlite3.Connection, source: Path) -> None:
    """ATTACH the backup read-only (``immutable`` without a ``-wal``, as ``open_backup``)."""
    has_wal = source.with_name(source.name + "-wal").exists()
    uri = f"{source.absolute().as_uri()}?mode=ro" + ("" if has_wal else "&immutable=1")
    conn.execute(f"ATTACH DATABASE ? AS {_SOURCE}", (uri,))


def _live_damage(conn: sqlite3.Connection) -> str | None:
    """Return what ``PRAGMA quick_check`` finds wrong with the live database, or None.

    A check so damaged it cannot finish (``SQLITE_CORRUPT``) is damage too.
    """
    try:
        found = quick_check(conn)
    except sqlite3.Error as error:
        if error_kind(error) != "corrupt":
            raise
        return str(error)
    return None if found is None else found


def _replace_keeping_history(
    conn: sqlite3.Connection, record: tuple[str | None, str, str, str, str]
) -> str:
    """Replace main's content with the backup's; whose ``schema_history`` rows were kept.

    The rows kept are the live database's (the backup's when the live one has
    none), plus one ``restore`` row for ``record`` (``restore_history``).
    """
    kept = read_history(conn, "main")
    whose = LIVE if kept is not None else BACKUP
    if kept is None:
        kept = read_history(conn, _SOURCE) or []
    replace_content(conn, _SOURCE, frozenset({HISTORY_TABLE}))
    write_history(conn, kept, record)
    return whose


def restore(runtime: Runtime, name: str, backup: Path | None = None) -> RestoreReport:
    """Return what restoring database ``name`` from ``backup`` (default: its newest) did.

    The default is the newest backup that is not a replaced state (see
    ``retention.newest_backup``). The backup is checked read-only first
    (``quick_check``, a ``schema_version``, a shape of that database) and
    refused when it is the database itself. Then one write transaction, as
    ``up``'s: ``begin_write`` (waiting up to the busy timeout), pre-flight, a
    backup of the live state (``…_replaced``, kept whatever fails), the
    content replaced by SQL with ``schema_history`` kept plus a ``restore``
    row, ``whole_checks``, the version checked, COMMIT. Older backups beyond
    ``runtime.keep_backups`` are pruned only after success, never the one
    restored from nor the replaced state. Ctrl-C before COMMIT (the same
    ``sqlite.interrupt`` as ``up``'s) rolls back, removes the replaced-state
    backup this run wrote, and is reported as ``Interrupted``.
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
        return _failed(name, path, problem, **known)

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
    undo = _Undo()
    with interruptible() as interrupt:
        report: RestoreReport | None = None
        with contextlib.suppress(KeyboardInterrupt):  # stopped: reported below
            report = _restore_from(runtime, name, path, source, loaded.unwrap(), interrupt, undo)
        if report is not None and not interrupt.stopped:
            return report
        return _interrupted(name, path, source, report, undo)  # a second Ctrl-C: noted only


def _failed(name: str, path: Path, problem: Problem, **known: Any) -> RestoreReport:
    """Return the report of a restore that changed nothing, with what it knew (``known``)."""
    fields: dict[str, Any] = {
        "backup": None,
        "from_version": None,
        "to_version": None,
        "saved": None,
        **known,
    }
    return RestoreReport(name, str(path), problem=problem, **fields)


@attrs.define
class _Undo:
    """What a restore wrote so far that Ctrl-C must take back."""

    backups: list[Path] = attrs.Factory(list)
    """Backups of the replaced state this run wrote."""
    writing: bool = False
    """Whether the write transaction on the live database was begun."""


def _interrupted(
    name: str, path: Path, source: Path, report: RestoreReport | None, undo: _Undo
) -> RestoreReport:
    """Return the report of a restore Ctrl-C stopped before COMMIT: its backups removed.

    Every write was inside the transaction SQLite rolled back (or in the
    staging file, removed), so the database is as it was.
    """
    for made in undo.backups:
        discard(made)
        discard(made.with_name(made.name + "-wal"))  # a damaged file's copy may have one
    problem = Interrupted((name,) if undo.writing else (), tuple(map(str, undo.backups)))
    if report is None:
        return RestoreReport(name, str(path), str(source), None, None, None, (), problem)
    return attrs.evolve(report, to_version=None, saved=None, pruned=(), problem=problem)


def _restore_from(
    runtime: Runtime,
    name: str,
    path: Path,
    source: Path,
    migration_set: MigrationSet,
    interrupt: Interrupt,
    undo: _Undo,
) -> RestoreReport:
    """Return what restoring the live database ``path`` from the backup ``source`` did."""

    def failed(problem: Problem, **known: Any) -> RestoreReport:
        return _failed(name, path, problem, backup=str(source), **known)

    incoming, refused = _check_backup(name, source, migration_set, interrupt)
    if refused is not None or incoming is None:
        assert refused is not None
        return failed(refused)
    digest = _sha256_of(source)
    try:
        conn = connect(path, write=True)
    except sqlite3.Error as error:
        return failed(environment_problem(name, path, error))
    interrupt.watch(conn)
    undo.writing = True
    known: dict[str, Any] = {}
    record = (None, incoming, source.name, digest, utc_now_text(runtime))
    damage: str | None = None
    try:
        _attach(conn, source)
        problem = begin_write(conn, name, path)
        if problem is not None:
            return failed(problem, **known)
        known["from_version"] = _live_version(conn)
        damage = _live_damage(conn)
        if damage is not None:
            abandon(conn)  # the backup API path takes the write lock itself
            return _over_damaged(runtime, name, path, source, record, damage, None, interrupt, undo)
        not_ready = preflight(name, path, extra=source.stat().st_size)
        if not_ready is not None:
            return failed(not_ready, **known)
        with interrupt.deferred():  # Ctrl-C stops the copy, or comes once its name is known
            saved = make_backup(name, path, runtime.clock(), interrupt.copying, replaced=True)
            if isinstance(saved, Failure):
                return failed(saved.failure(), **known)
            undo.backups.append(saved.unwrap())
        known["saved"] = str(saved.unwrap())
        record = (known["from_version"], *record[1:])
        known["history"] = _replace_keeping_history(conn, record)
        problem = whole_checks(conn, name, path, source)
        restored = _live_version(conn)
        if problem is None and restored != incoming:
            detail = f"the version is {restored!r}, the backup's is {incoming!r}"
            problem = CheckFailed(name, str(path), "schema_version", detail)
        if problem is not None:
            return failed(problem, **known)
        interrupt.check()  # a Ctrl-C an SQLite error above stood for stops the run here
        interrupt.hold()
        conn.execute("COMMIT")
    except sqlite3.Error as error:
        if error_kind(error) == "corrupt" and known.get("saved") is not None:
            abandon(conn)  # rolled back before the damaged path starts
            damage = f"{error} (while replacing its content by SQL; rolled back)"
            saved_state = Path(known["saved"])
            return _over_damaged(
                runtime, name, path, source, record, damage, saved_state, interrupt, undo
            )
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
        history=known["history"],
    )


def _over_damaged(
    runtime: Runtime,
    name: str,
    path: Path,
    source: Path,
    record: tuple[str | None, str, str, str, str],
    damage: str,
    saved: Path | None,
    interrupt: Interrupt,
    undo: _Undo,
) -> RestoreReport:
    """Return what restoring over the damaged live database with the backup API did."""
    try:
        backup_conn = open_backup(source)
    except sqlite3.Error as error:
        problem = damaged_problem(name, path, source, error)
        return RestoreReport(name, str(path), str(source), None, None, None, (), problem, damage)
    try:
        done: PageRestore = restore_damaged(
            name, path, source, backup_conn, record, runtime.clock(), saved, interrupt, undo.backups
        )
    finally:
        backup_conn.close()
    pruned: tuple[str, ...] = ()
    if done.problem is None and done.saved is not None:
        kept = (source, Path(done.saved))
        pruned = tuple(str(p) for p in prune_backups(path, runtime.keep_backups, kept))
    return RestoreReport(
        name,
        str(path),
        str(source),
        done.from_version,
        done.to_version if done.problem is None else None,
        done.saved,
        pruned,
        done.problem,
        damaged=damage,
        method="backup_api",
        saved_by=done.saved_by or "backup_api",
        history=done.history,
    )


def _write_problem(name: str, path: Path, source: Path, error: sqlite3.Error) -> Problem:
    """Return what a failure while the restore held the write lock is (nothing was committed)."""
    kind = error_kind(error)
    if kind == "locked":
        return Environment(name, str(path), "locked", f"the database stayed locked: {error}")
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
        "live_damaged": report.damaged,
        "method": report.method,
        "saved_by": report.saved_by if report.saved is not None else None,
        "history_kept": report.history,
    }
    if report.problem is not None:
        document["error"] = error_json(report.problem)
    return document
