"""``restore`` over a damaged live database: SQLite's online backup API, in one step.

Used only when the live database failed ``PRAGMA quick_check`` (or a
statement of the SQL replacement met ``SQLITE_CORRUPT`` and was rolled back):
its tables cannot be dropped, so their content cannot be replaced by SQL.
Under the write lock its state is saved first (a backup-API copy, else its
bytes), and its ``schema_history`` rows are read if they still can be. The
result is built in a staging file beside the database: the backup's pages,
the history rows kept plus a ``restore`` row, ``whole_checks`` and the version
checked. Only then is the staging file copied into the live database with the
backup API in one step (``pages=-1``): SQLite holds one write transaction on
the destination for the whole copy and commits it at the end, through the live
database's own journal or WAL, so a crash leaves the damaged state or the
restored one. The live result is checked again after the copy. Ctrl-C
(``sqlite.interrupt``) stops it at any moment before the copy-in: the live
database untouched, the staging file removed, the saved state's backup listed
for the caller to remove; from the copy-in on, the restore finishes.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime
from pathlib import Path

import attrs
from returns.result import Failure, Success

from aifp_fp.value import Value
from aifp_shell.files.backup import copy_damaged_file, exclusive_temp, make_backup
from aifp_shell.files.preflight import preflight
from aifp_shell.files.safe_io import discard
from aifp_shell.problems import CheckFailed, Environment, Problem, RestoredUnverified
from aifp_shell.sqlite.database import (
    busy_timeout,
    connect,
    environment_problem,
    error_kind,
    read_version,
)
from aifp_shell.sqlite.interrupt import Interrupt
from aifp_shell.sqlite.transaction import abandon, begin_write, whole_checks

from .restore_history import HistoryRows, read_history, write_history

LIVE = "live"
"""``history``: the damaged database's own ``schema_history`` rows were kept."""
LIVE_UNREADABLE = "backup_live_unreadable"
"""``history``: the damaged database's rows could not be read; the backup's were kept."""
BACKUP = "backup"
"""``history``: the backup's rows were kept (the live database had none)."""


@attrs.frozen(slots=True, repr=False)
class PageRestore(Value):
    """What restoring over a damaged database with the backup API did."""

    from_version: str | None
    saved: str | None
    saved_by: str | None
    """``backup_api`` or ``file_copy`` (its bytes: the backup API could not read it)."""
    history: str | None
    """Whose ``schema_history`` rows were kept: ``LIVE``, ``BACKUP`` or ``LIVE_UNREADABLE``."""
    to_version: str | None = None
    problem: Problem | None = None


class _Timeout(Exception):
    """The live database stayed locked by another writer past the busy timeout."""


def _version_or_none(conn: sqlite3.Connection) -> str | None:
    try:
        return read_version(conn).version
    except sqlite3.Error:
        return None


def _stage(
    name: str,
    path: Path,
    staged: Path,
    source: sqlite3.Connection,
    backup: Path,
    kept: HistoryRows | None,
    record: tuple[str | None, str, str, str, str],
    interrupt: Interrupt,
) -> Problem | None:
    """Build the restored database in the (empty) staging file; what failed, or None.

    The staging file gets the backup's pages (backup API), in rollback-journal
    mode, then ``kept`` (None: the backup's own rows) plus the restore row,
    committed only after ``whole_checks`` and the version check pass.
    """
    conn = sqlite3.connect(staged, isolation_level=None)
    interrupt.watch(conn)
    try:
        source.backup(conn)
        conn.execute("PRAGMA journal_mode = DELETE")
        rows = kept if kept is not None else read_history(conn, "main") or []
        problem = begin_write(conn, name, path)
        if problem is None:
            write_history(conn, rows, record)
            problem = whole_checks(conn, name, path, backup)
        version = _version_or_none(conn)
        if problem is None and version != record[1]:
            detail = f"the staged version is {version!r}, the backup's is {record[1]!r}"
            problem = CheckFailed(name, str(path), "schema_version", detail)
        if problem is None:
            conn.execute("COMMIT")
    finally:
        abandon(conn)
    return problem


def _copy_in(staged: Path, conn: sqlite3.Connection) -> None:
    """Copy every page of ``staged`` into ``conn``'s database in one backup step (raises)."""
    deadline = time.monotonic() + busy_timeout()

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise _Timeout

    src = connect(staged, write=False, immutable=True)
    try:
        src.backup(conn, pages=-1, progress=progress)
    finally:
        src.close()


def restore_damaged(
    name: str,
    path: Path,
    backup: Path,
    source: sqlite3.Connection,
    record: tuple[str | None, str, str, str, str],
    now: datetime,
    saved: Path | None,
    interrupt: Interrupt,
    made: list[Path],
) -> PageRestore:
    """Return what restoring the damaged database at ``path`` from ``backup`` did.

    ``source`` is the backup opened read-only; ``record`` the restore row's
    (from, to, file, sha256, time), its ``from`` replaced by what the damaged
    database still says; ``now`` the moment for the backup's name; ``saved``
    the replaced-state backup already taken, if any. On any failure before
    the copy-in the live database is left exactly as it was (the saved state
    is kept); Ctrl-C there raises ``KeyboardInterrupt`` once the staging file
    is removed, the saved state's backup appended to ``made``; after it,
    the live result is checked and a failure of those checks is reported as
    such (``RestoredUnverified``).
    """
    outcome = PageRestore(None, None if saved is None else str(saved), "backup_api", None)
    try:
        conn = connect(path, write=True)
    except sqlite3.Error as error:
        return attrs.evolve(outcome, problem=environment_problem(name, path, error))
    interrupt.watch(conn)
    staged: Path | None = None
    try:
        with interrupt.deferred():  # Ctrl-C comes once the staging file's name is known
            staged = exclusive_temp(path.resolve(), "restore")
        steps = _Steps(name, path, backup, source, record, now, staged, interrupt, made)
        outcome = steps.run(conn, outcome, saved)
    except _Timeout:
        gone = Environment(name, str(path), "locked", "the copy could not take the write lock")
        outcome = attrs.evolve(outcome, problem=gone)
    except sqlite3.Error as error:
        outcome = attrs.evolve(outcome, problem=damaged_problem(name, path, backup, error))
    except OSError as error:
        failed = Environment(name, str(path), "io", f"cannot stage the restore: {error}")
        outcome = attrs.evolve(outcome, problem=failed)
    finally:
        abandon(conn)
        if staged is not None:
            discard(staged)
    return outcome


@attrs.frozen(slots=True, repr=False)
class _Steps(Value):
    """The fixed inputs of one restore over a damaged database."""

    name: str
    path: Path
    backup: Path
    source: sqlite3.Connection
    record: tuple[str | None, str, str, str, str]
    now: datetime
    staged: Path
    interrupt: Interrupt
    made: list[Path]
    """The backups of the saved state this restore wrote, for Ctrl-C to remove."""

    def run(
        self, conn: sqlite3.Connection, outcome: PageRestore, saved: Path | None
    ) -> PageRestore:
        """Return what the restore did, from the write lock to the checks after the copy-in."""
        name, path = self.name, self.path
        problem = begin_write(conn, name, path)
        if problem is not None:
            return attrs.evolve(outcome, problem=problem)
        from_version = _version_or_none(conn)
        record = (from_version, *self.record[1:])
        try:
            kept = read_history(conn, "main")
            whose = LIVE if kept is not None else BACKUP
        except sqlite3.Error:
            kept, whose = None, LIVE_UNREADABLE
        outcome = attrs.evolve(outcome, from_version=from_version, history=whose)
        before = conn.execute("PRAGMA data_version").fetchone()[0]
        not_ready = preflight(name, path, extra=2 * self.backup.stat().st_size)
        if not_ready is not None:
            return attrs.evolve(outcome, problem=not_ready)
        interrupt = self.interrupt
        if saved is None:
            with interrupt.deferred():  # Ctrl-C stops the copy, or comes once it is listed
                by_api = make_backup(name, path, self.now, interrupt.copying, replaced=True)
                if not isinstance(by_api, Failure):
                    self.made.append(by_api.unwrap())
                    outcome = attrs.evolve(outcome, saved=str(by_api.unwrap()))
        conn.execute("ROLLBACK")  # the backup API needs the destination outside a transaction
        if outcome.saved is None:  # the backup API could not read it: keep its bytes
            with interrupt.deferred():
                copied = copy_damaged_file(name, path, self.now)
                if isinstance(copied, Success):
                    self.made.append(copied.unwrap())
            if isinstance(copied, Failure):
                return attrs.evolve(outcome, problem=copied.failure())
            outcome = attrs.evolve(outcome, saved=str(copied.unwrap()), saved_by="file_copy")
        problem = _stage(name, path, self.staged, self.source, self.backup, kept, record, interrupt)
        if problem is not None:
            return attrs.evolve(outcome, problem=problem)
        if conn.execute("PRAGMA data_version").fetchone()[0] != before:
            busy = "another process wrote to the database during the restore; run it again"
            return attrs.evolve(outcome, problem=Environment(name, str(path), "locked", busy))
        interrupt.check()  # a Ctrl-C an SQLite error above stood for stops the run here
        interrupt.hold()  # the copy-in commits the restored state: from here it must finish
        _copy_in(self.staged, conn)
        restored = _version_or_none(conn)
        outcome = attrs.evolve(outcome, to_version=restored)
        problem = whole_checks(conn, name, path, self.backup)
        if problem is None and restored != record[1]:
            detail = f"the version is {restored!r}, the backup's is {record[1]!r}"
            problem = CheckFailed(name, str(path), "schema_version", detail)
        if isinstance(problem, CheckFailed):
            assert outcome.saved is not None
            after = RestoredUnverified(
                name, str(path), problem.check, problem.detail, outcome.saved
            )
            return attrs.evolve(outcome, problem=after)
        return outcome


def damaged_problem(name: str, path: Path, backup: Path, error: sqlite3.Error) -> Problem:
    """Return what an SQLite error while restoring over a damaged database is (nothing changed)."""
    kind = error_kind(error)
    return Environment(
        name,
        str(path),
        kind if kind in ("locked", "read_only", "disk_full") else "io",
        f"the live database is damaged and restoring {backup} over it with SQLite's backup "
        f"API failed: {error}",
    )
