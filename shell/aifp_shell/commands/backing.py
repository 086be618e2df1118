"""The backup taken before a run's first write, and the whole-database check beside it.

``back_up`` makes one of two, by journal mode:

- ``CheckingCopy``, for a rollback-journal database: with the write lock held
  and nothing written, a byte copy in the kernel (``files.backup.locked_copier``),
  the committed state exactly; then it is quick_checked in one thread and
  published (fsynced, named) in another while the steps run, and ``settle``
  ends both before COMMIT. The backup is the only read of the live file.
- ``Backing``, for a WAL database: the online backup API in a thread while the
  locked connection runs the whole quick_check, both before the steps.

Either failing stops the run (``Abort``) before anything is committed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.version import Version
from aifp_shell.commands.failed_run import Abort, failed
from aifp_shell.commands.reports import DatabaseRun
from aifp_shell.commands.runtime import Runtime
from aifp_shell.files.safe_io import discard
from aifp_shell.problems import Environment, Unreadable
from aifp_shell.sqlite.database import connect, environment_problem, quick_check
from aifp_shell.sqlite.interrupt import Interrupt

if TYPE_CHECKING:  # loaded where used, so check does not pay for them
    from concurrent.futures import Future

    from aifp_shell.files.backup import Copied, ProgressCallback

_Settled = TypeVar("_Settled")


def back_up(
    name: str,
    path: Path,
    conn: sqlite3.Connection,
    runtime: Runtime,
    start: Version,
    backups: list[Path],
    interrupt: Interrupt,
    made: list[Backing | CheckingCopy],
) -> None:
    """Take the backup before the first write, the whole-database quick_check begun or done,
    into ``made``; raise ``Abort`` if either failed already.

    A rollback-journal database (the write lock held, nothing written yet) is
    copied byte for byte in the kernel; the copy, the committed state exactly,
    is then quick_checked in one thread and fsynced and named in another while
    the steps run (``CheckingCopy``), so the backup is the only read of the
    live file and the steps never wait for a reader of it. A WAL database is backed up with
    the online backup API (a second connection, in a thread) while the locked
    connection runs the quick_check, both before the steps. On Ctrl-C the copy
    stops at its next batch of pages; Ctrl-C once the copy ended is raised
    only when its threads are in ``made`` (where the caller ends them).
    """
    from aifp_shell.files.backup import locked_copier

    shown = runtime.backup_progress(name) if runtime.backup_progress else None

    def progress(done: int, total: int) -> None:
        interrupt.check()
        if shown is not None:
            shown(done, total)

    wal = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
    copier = None if wal else locked_copier(name, path)  # before any other connection opens
    if copier is None:
        backup = _backup_during_quick_check(name, path, conn, runtime, start, backups, progress)
        made.append(Backing(backup))
        return
    with interrupt.deferred():  # Ctrl-C stops the copy, or comes once its threads are known
        copied = copier(runtime.clock(), progress)
        if isinstance(copied, Failure):
            raise Abort(failed(name, path, copied.failure(), start))
        made.append(CheckingCopy(name, path, start, copied.unwrap(), interrupt))


@attrs.define
class Backing:
    """A backup already made and the whole database already checked (WAL)."""

    before: Path
    """The backup: the state before the first write, for the steps' checks."""

    def abandon(self, stop: bool, backups: list[Path]) -> None:
        """Nothing runs: the backup is in ``backups`` already, removed when the run fails."""

    def abandon_or_refuse(self, stop: bool, backups: list[Path]) -> None:
        """Nothing runs: the check passed before the steps."""

    def settle(self, backups: list[Path]) -> Path:
        """Return the backup (already in ``backups``)."""
        return self.before


class CheckingCopy:
    """The byte copy of a rollback-journal database, quick_checked in one thread and published
    (fsynced, named) in another while the steps run; ``settle`` ends both before COMMIT.

    The copy is the committed state exactly (taken under the write lock before
    the first write), so its quick_check is the live file's. The hidden file
    keeps its name, for the check and the steps' checks, until both ended.
    """

    def __init__(
        self, name: str, path: Path, start: Version, copied: Copied, interrupt: Interrupt
    ) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from aifp_shell.files.backup import publish_copy

        self._name, self._path, self._start = name, path, start
        self._copied = copied
        self._interrupt = interrupt
        try:  # nothing changes the copy while it is checked: no lock, no journal looked for
            self._checker = connect(copied.temp, write=False, immutable=True)
        except sqlite3.Error as error:
            discard(copied.temp)
            problem = environment_problem(name, path, error)
            raise Abort(failed(name, path, problem, start)) from None
        self._pool = ThreadPoolExecutor(max_workers=2)
        self._checking = self._pool.submit(quick_check_copy, self._checker)
        self._publishing = self._pool.submit(publish_copy, copied)
        self._outcome: _Outcome | None = None
        """Once both threads ended: what they gave, and whether Ctrl-C stopped the check."""

    @property
    def before(self) -> Path:
        """The copy: the state before the first write, for the steps' checks."""
        return self._copied.temp

    def settle(self, backups: list[Path]) -> Path:
        """Return the backup once the check passed and it was published (it is then in
        ``backups``); else raise ``Abort`` (or ``KeyboardInterrupt``)."""
        damage, published = self._ended(False, backups)
        if damage is not None:
            raise Abort(self._damaged(damage))
        if isinstance(published, Failure):
            raise Abort(failed(self._name, self._path, published.failure(), self._start))
        backup: Path = published.unwrap()
        return backup

    def abandon(self, stop: bool, backups: list[Path]) -> str | None:
        """End the check (stopped first when ``stop``: Ctrl-C) and the publishing; return the
        damage the check found (None: none, or stopped)."""
        return self._ended(stop, backups)[0]

    def abandon_or_refuse(self, stop: bool, backups: list[Path]) -> None:
        """``abandon``; raise ``Abort`` when the check found damage (it explains the failure)."""
        damage = self.abandon(stop, backups)
        if damage is not None:
            raise Abort(self._damaged(damage))

    def _damaged(self, damage: str) -> DatabaseRun:
        problem = Unreadable(self._name, str(self._path), damage)
        return failed(self._name, self._path, problem, self._start)

    def _ended(
        self, stop: bool, backups: list[Path]
    ) -> tuple[str | None, Result[Path, Environment]]:
        """Wait for both threads and remove the hidden file; return the check's findings and
        the publishing's outcome. A backup published is added to ``backups`` (so a run that
        fails removes it, and says so). Called again, it answers the same.

        Ctrl-C (before or while waiting) stops the check: then it found nothing,
        and ``KeyboardInterrupt`` is raised once both threads ended and the
        backup is in ``backups``, unless ``stop`` (the caller is stopping already).
        Until then Ctrl-C is only noted, so it never leaves them unknown.
        """
        if self._outcome is None:
            with self._interrupt.deferred():  # raised at the end, once known, if pressed
                self._outcome = self._end(stop, backups)
        damage, published, stopped, error = self._outcome
        if error is not None:  # the check's thread failed unexpectedly: never lost
            raise error
        if not stopped:
            return damage, published
        if not stop:
            raise KeyboardInterrupt
        return None, published

    def _end(self, stop: bool, backups: list[Path]) -> _Outcome:
        from concurrent.futures import wait

        stopped = False
        while True:  # Ctrl-C looked for every 50 ms: it is only noted while this waits
            if not stopped and (stop or self._interrupt.hit):
                stopped = True
                self._checker.interrupt()
            if wait((self._checking,), timeout=0.05).not_done:
                continue
            if not wait((self._publishing,), timeout=0.05).not_done:
                break
        self._pool.shutdown()
        self._checker.close()
        discard(self._copied.temp)
        published = self._publishing.result()
        if isinstance(published, Success):
            backups.append(published.unwrap())
        error = None if stopped else self._checking.exception()
        found = None if stopped or error is not None else self._checking.result()
        return found, published, stopped, error


_Outcome = tuple[str | None, Result[Path, Environment], bool, BaseException | None]
"""How a ``CheckingCopy`` ended: the check's findings (None: passed or stopped), the
publishing's outcome, whether Ctrl-C stopped the check, what its thread raised (None: nothing)."""


def quick_check_copy(conn: sqlite3.Connection) -> str | None:
    """Return the findings of a whole-database quick_check through ``conn`` (None: passed)."""
    try:
        return quick_check(conn)
    except sqlite3.DatabaseError as error:
        return str(error)


def _backup_during_quick_check(
    name: str,
    path: Path,
    conn: sqlite3.Connection,
    runtime: Runtime,
    start: Version,
    backups: list[Path],
    progress: ProgressCallback,
) -> Path:
    """Return the backup made (online backup API, in a thread) while the locked connection ran
    the whole-database quick_check; raise ``Abort`` if either failed.

    Both only read, so they overlap, and both end before the first write. A
    backup that was complete is listed in ``backups``, even when the run stops.
    """
    from concurrent.futures import ThreadPoolExecutor

    from aifp_shell.files.backup import make_backup

    with ThreadPoolExecutor(max_workers=1) as pool:
        backing_up = pool.submit(make_backup, name, path, runtime.clock(), progress)
        try:
            try:
                damage = quick_check(conn)
            except sqlite3.DatabaseError as error:
                damage = str(error)
        finally:  # interrupted too: wait, so that a backup written is known (and removed)
            backup = _settled(backing_up)
    if isinstance(backup, Success):
        backups.append(backup.unwrap())  # known, so removed if the run fails or is interrupted
    if backup is None:  # the copy was stopped by Ctrl-C
        raise KeyboardInterrupt
    if damage is not None:
        raise Abort(failed(name, path, Unreadable(name, str(path), damage), start))
    if isinstance(backup, Failure):
        raise Abort(failed(name, path, backup.failure(), start))
    made: Path = backup.unwrap()
    return made


def _settled(running: Future[_Settled]) -> _Settled | None:
    """Return what a thread's work returned once it ends; None when Ctrl-C stopped it."""
    while True:
        try:
            error = running.exception()  # waits for the end
        except KeyboardInterrupt:
            continue  # Ctrl-C reached this thread while it waited: the work stops soon
        if isinstance(error, KeyboardInterrupt):
            return None  # the copy stopped itself and removed its file
        return running.result()
