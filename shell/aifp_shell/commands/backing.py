"""The backup taken before a run's first write, and the whole-database check beside it.

``back_up`` makes one of two, by journal mode:

- ``CheckingCopy``, for a rollback-journal database, with the write lock
  held and nothing written: the whole-database check (``WholeCheck``) keeps
  the file as committed while it quick_checks the file in one thread and
  another copies its bytes (``files.backup.locked_copier``), both begun by
  the preview before the lock where they can be (``BegunBackup``); beside the
  steps a third publishes the copy once it ended (fsynced, named); ``settle``
  ends them before COMMIT.
- ``Backing``, for a WAL database: the online backup API in a thread while the
  locked connection runs the whole quick_check, both before the steps.

Either failing stops the run (``Abort``) before anything is committed.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.version import Version
from aifp_shell.commands.failed_run import Abort, failed
from aifp_shell.commands.reports import DatabaseRun
from aifp_shell.commands.runtime import Runtime
from aifp_shell.files.safe_io import discard
from aifp_shell.problems import Environment, Unreadable
from aifp_shell.sqlite.busy_wake import BusyWake
from aifp_shell.sqlite.database import environment_problem, quick_check
from aifp_shell.sqlite.interrupt import Interrupt
from aifp_shell.sqlite.whole_check import (
    WholeCheck,
    file_identity,
    open_whole_check,
    thread_not_started,
)

if TYPE_CHECKING:  # loaded where used, so check does not pay for them
    from concurrent.futures import Future

    from aifp_shell.files.backup import Copied, ProgressCallback

_Settled = TypeVar("_Settled")

STEPS_CACHE_KIB = 16 * 1024
"""The page cache of the steps' connection for its transaction (SQLite's default: 2 MiB).
While the checker holds the file, the pages the steps change must stay in it, and a step
that changes more waits for the check and the copy to end (at most the busy timeout; past
it SQLite keeps the pages in memory). With 16 MiB the plan's steps on a 331 MB project.db
end ~0.2 s after the check, and the run's peak memory stays under 60 MB (50 MB once drift
answers are cached)."""


def back_up(
    name: str,
    path: Path,
    conn: sqlite3.Connection,
    runtime: Runtime,
    start: Version,
    backups: list[Path],
    interrupt: Interrupt,
    made: list[Backing | CheckingCopy],
    begun: BegunBackup | None,
    locked: tuple[int, int],
) -> None:
    """Take the backup before the first write, the whole-database quick_check begun or done,
    into ``made``; raise ``Abort`` if either failed already. ``locked`` is the
    ``file_identity`` of the file the write lock is on (``locked_file``).

    A rollback-journal database (the write lock held, nothing written yet) is
    copied byte for byte and quick_checked beside the steps (``CheckingCopy``),
    so neither holds the steps up; ``begun`` is the check (and the copy, if it
    could begin) begun before the lock (None, or let go since: begun here). A
    WAL database is backed up with the online backup API (a second connection,
    in a thread) while the locked connection runs the quick_check, both before
    the steps. On Ctrl-C the copy stops at its next batch of pages; Ctrl-C once
    the threads started is raised only when they are in ``made`` (where the
    caller ends them).
    """
    from aifp_shell.files.backup import locked_copy_possible

    wal = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
    if not wal and locked_copy_possible():
        with interrupt.deferred():  # Ctrl-C comes once the threads are known
            if begun is not None and begun.check.file != locked:
                begun.end(stop=True)  # another file was put in its place since the preview
            if begun is None or begun.check.closed:  # (or let go for another writer)
                begun = BegunBackup(_begun_check(name, path, start, locked))
            if isinstance(_copy_outcome(begun.copying), Failure):
                begun.copying = None  # (it left no file): copied again, under the lock
            if begun.copying is None:  # from the locked connection's descriptor
                problem = begun.copy_beside(name, path, runtime.clock())
                if problem is not None:
                    begun.end(stop=True)
                    raise Abort(failed(name, path, problem, start))
            if begun.copying is not None:
                made.append(CheckingCopy(name, path, conn, start, interrupt, begun))
                return
    if begun is not None:  # no copy without a descriptor: the locked connection checks
        begun.end(stop=True)
    shown = runtime.backup_progress(name) if runtime.backup_progress else None

    def progress(done: int, total: int) -> None:
        interrupt.check()
        if shown is not None:
            shown(done, total)

    backup = _backup_during_quick_check(name, path, conn, runtime, start, backups, progress)
    locked_file(name, path, locked)  # the backup read the path's file: raises unless locked
    made.append(Backing(backup))


def locked_file(name: str, path: Path, before: tuple[int, int] | None) -> tuple[int, int]:
    """Return the ``file_identity`` of the database file now, once the write lock is held:
    the locked file, when it is the one that was at ``path`` before its connection opened
    (``before``); raise ``Abort`` when it cannot be read, or another was put in its place
    meanwhile (the steps would write one file and the backup copy another)."""
    try:
        now = file_identity(os.stat(path.resolve()))
    except OSError as error:
        problem = Environment(name, str(path), "io", f"cannot read: {error.strerror}")
        raise Abort(failed(name, path, problem)) from None
    if now != before:
        raise Abort(failed(name, path, _replaced(name, path)))
    return now


def _replaced(name: str, path: Path) -> Environment:
    """Return the problem of a database file another was put in place of during the run."""
    detail = "the database file was replaced by another during the run; run again"
    return Environment(name, str(path), "io", detail)


def _begun_check(name: str, path: Path, start: Version, locked: tuple[int, int]) -> WholeCheck:
    """Return the whole-database check begun on the locked rollback-journal database; raise
    ``Abort`` when it cannot begin, or the file at ``path`` is not the locked one."""
    opened = open_whole_check(name, path)
    if isinstance(opened, Failure):
        raise Abort(failed(name, path, opened.failure(), start))
    check = opened.unwrap()
    if check is None:  # WAL since the lock was taken: impossible while it is held
        raise AssertionError("a locked rollback-journal database reads as WAL")
    if check.file != locked:
        check.end(stop=True)
        raise Abort(failed(name, path, _replaced(name, path), start))
    problem = check.begin(name, path)
    if problem is not None:
        raise Abort(failed(name, path, problem, start))
    return check


class BegunBackup:
    """A rollback-journal database's whole-database check and, beside it, the copy of its
    bytes, both reading the file as committed (``WholeCheck``); begun by the preview before
    the write lock, or by ``back_up``, and carried on by ``CheckingCopy``."""

    def __init__(self, check: WholeCheck) -> None:
        self.check = check
        self.copying: Future[Result[Copied, Environment]] | None = None
        """The copy (``locked_copier``) once begun beside the check."""

    def copy_beside(self, name: str, path: Path, now: datetime) -> Environment | None:
        """Begin the copy beside the begun check, unless there is no descriptor of the
        checked file to copy from (``copying`` stays None); return why its thread could not
        start, if it could not.

        It stops at its next batch of pages once the check is stopped.
        """
        from aifp_shell.files.backup import locked_copier

        copier = locked_copier(name, path, self.check.file)
        if copier is None:
            return None
        progress = functools.partial(_copy_progress, self.check)
        try:
            self.copying = self.check.beside(functools.partial(copier, now, progress))
        except RuntimeError as error:
            return thread_not_started(name, path, error)
        return None

    def end(self, stop: bool) -> None:
        """Stop both when ``stop``, wait for both to end, and remove a copy nobody took
        (``CheckingCopy`` takes it). Called again (after Ctrl-C in it), it finishes."""
        _ended_untaken(self.check, self.copying, stop)
        self.copying = None  # only once its file is gone


def _copy_progress(check: WholeCheck, _done: int, _total: int) -> None:
    """The copy's progress callback: stop it (it removes its file) once the check is stopped."""
    if check.stopping:
        raise KeyboardInterrupt


def _copy_outcome(
    copying: Future[Result[Copied, Environment]] | None,
) -> Result[Copied, Environment] | None:
    """Return what an ended copy gave (None: none begun, not ended, cancelled, or stopped)."""
    if copying is None or not copying.done() or copying.cancelled():
        return None
    if copying.exception() is not None:
        return None
    return copying.result()


def _ended_untaken(
    check: WholeCheck, copying: Future[Result[Copied, Environment]] | None, stop: bool = True
) -> None:
    """End ``check`` and the copy beside it (stopped first when ``stop``), and remove the copy
    if it was made (Ctrl-C while they end is raised once it is removed)."""
    try:
        check.end(stop)
    finally:
        made = _copy_outcome(copying)
        if isinstance(made, Success):
            discard(made.unwrap().temp)


@attrs.define
class Backing:
    """A backup already made and the whole database already checked (WAL)."""

    before: Path
    """The backup: the state before the first write, for the steps' checks."""

    def before_file(self) -> Path | None:
        """Return the backup: the state before the first write, for the steps' checks."""
        return self.before

    def abandon(self, stop: bool, backups: list[Path]) -> None:
        """Nothing runs: the backup is in ``backups`` already, removed when the run fails."""

    def abandon_or_refuse(self, stop: bool, backups: list[Path]) -> None:
        """Nothing runs: the check passed before the steps."""

    def settle(self, backups: list[Path]) -> Path:
        """Return the backup (already in ``backups``)."""
        return self.before


class CheckingCopy:
    """A rollback-journal database quick_checked in one thread, and copied then published
    (fsynced, named) in another, while the steps run; ``settle`` ends both before COMMIT.

    Both read the file as committed: the checker's read transaction, begun
    before the write lock (``WholeCheck``), holds SQLite's shared lock until
    the check and the copy ended, and a writer cannot write the file while any
    connection holds one.
    So the steps change only pages in memory until then (``STEPS_CACHE_KIB``);
    a step that changes more waits for both to end, as SQLite makes a writer
    wait for any reader, and goes on as soon as the lock is let go
    (``BusyWake``; past the busy timeout, SQLite keeps its pages in memory
    instead). No Python runs in the main thread meanwhile, so a
    third thread watches for Ctrl-C (``CtrlCWatch``) and stops both. The copy
    is the committed state exactly, and the check's verdict is the file's
    (``back_up`` gives it a check of the locked file, ``WholeCheck.file``). The
    hidden file keeps its name, for the steps' checks, until both threads
    ended.
    """

    def __init__(
        self,
        name: str,
        path: Path,
        conn: sqlite3.Connection,
        start: Version,
        interrupt: Interrupt,
        begun: BegunBackup,
    ) -> None:
        from concurrent.futures import ThreadPoolExecutor

        copying, begun.copying = begun.copying, None  # taken: this ends it from now on
        assert copying is not None
        self._name, self._path, self._start = name, path, start
        self._interrupt = interrupt
        self._check = check = begun.check
        self._copied: Copied | None = None
        """The copy, once complete (None: not yet, failed or stopped)."""
        self._copy_failure: Environment | None = None
        """Why the copy failed, once it did."""
        self._copy_ended = threading.Event()
        self._stop = threading.Event()
        """Set on Ctrl-C by the watching thread: the check and the copy stop."""
        try:
            conn.execute(f"PRAGMA cache_size = -{STEPS_CACHE_KIB}")
        except sqlite3.Error as error:
            _ended_untaken(check, copying)
            raise Abort(failed(name, path, environment_problem(name, path, error), start)) from None
        try:
            self._ctrl_c = interrupt.seen_by_threads()
        except OSError as error:  # no descriptor left for the watch (the process's limit)
            _ended_untaken(check, copying)
            detail = f"cannot watch for Ctrl-C: {error.strerror}"
            problem = Environment(name, str(path), "io", detail)
            raise Abort(failed(name, path, problem, start)) from None
        self._wake = BusyWake()  # a step waiting for the read lock resumes once it is let go
        check.when_ended(self._wake.wake)
        self._pool = ThreadPoolExecutor(max_workers=2)
        try:  # (a thread that could not start: the process's limit)
            self._publishing = self._pool.submit(self._publish_when_copied, copying)
        except RuntimeError as error:
            self._not_started(error, copying, None)
        try:
            self._pool.submit(self._stop_on_ctrl_c)
        except RuntimeError as error:
            self._not_started(error, copying, self._publishing)
        self._outcome: _Outcome | None = None
        """Once both threads ended: what they gave, and whether Ctrl-C stopped them."""

    def _not_started(
        self,
        error: RuntimeError,
        copying: Future[Result[Copied, Environment]],
        publishing: Future[Result[Path, Environment]] | None,
    ) -> NoReturn:
        """End what started (``publishing``: if it did), leave no file behind, and raise
        ``Abort``."""
        self._stop_both()
        self._pool.shutdown(cancel_futures=True)
        _ended_untaken(self._check, copying)
        self._ctrl_c.close()
        self._wake.close()
        if self._copied is not None:
            discard(self._copied.temp)
        if publishing is not None and not publishing.cancelled() and publishing.exception() is None:
            published = publishing.result()
            if isinstance(published, Success):
                discard(published.unwrap())
        problem = thread_not_started(self._name, self._path, error)
        raise Abort(failed(self._name, self._path, problem, self._start))

    def _publish_when_copied(
        self, copying: Future[Result[Copied, Environment]]
    ) -> Result[Path, Environment]:
        """Return the copy published once it ended (fsynced, named), or why it failed; raise
        ``KeyboardInterrupt`` when it was stopped. Then the check may let the file go: the
        write lock is held and nothing reads it as committed any more."""
        from aifp_shell.files.backup import publish_copy

        try:
            copied = copying.result()  # (what stopped it is raised: KeyboardInterrupt)
            if isinstance(copied, Success):
                self._copied = copied.unwrap()
            else:
                self._copy_failure = copied.failure()
        finally:
            self._copy_ended.set()
            self._check.release()
        if isinstance(copied, Failure):
            return Failure(copied.failure())
        return publish_copy(copied.unwrap())

    def _stop_on_ctrl_c(self) -> None:
        """Until the check ended (after the copy did): on Ctrl-C, stop both.

        A step that outgrew its cache waits inside SQLite, in the main thread,
        for the two to end; Ctrl-C is seen here meanwhile, and once they stopped
        the step goes on and is stopped as usual.
        """
        while not self._check.wait_ended(0.02):
            if self._ctrl_c.pressed():
                self._stop_both()
                return

    def _stop_both(self) -> None:
        """Stop the check (at once, or before it begins) and the copy beside it (at its next
        batch)."""
        self._stop.set()
        self._check.stop()

    def before_file(self) -> Path | None:
        """Return the copy once complete (None: stopped by Ctrl-C): the state before the
        first write, for the steps' checks; raise ``Abort`` when the copy failed.

        A step's checks ask for it only to tell old foreign-key breakage from new:
        without the copy they could not, and the copy's failure is what the user
        must fix (it stops the run anyway).
        """
        self._copy_ended.wait()
        if self._copy_failure is not None:
            raise Abort(failed(self._name, self._path, self._copy_failure, self._start))
        return None if self._copied is None else self._copied.temp

    def settle(self, backups: list[Path]) -> Path:
        """Return the backup once the check passed and it was published (it is then in
        ``backups``); else raise ``Abort`` (or ``KeyboardInterrupt``)."""
        damage, published = self._ended(False, backups)
        if damage is not None:
            raise Abort(self._damaged(damage))
        if published is None:  # the copy stopped: only Ctrl-C stops it
            raise KeyboardInterrupt
        if isinstance(published, Failure):
            raise Abort(failed(self._name, self._path, published.failure(), self._start))
        backup: Path = published.unwrap()
        return backup

    def abandon(self, stop: bool, backups: list[Path]) -> str | None:
        """End the check and the copy (stopped first when ``stop``: Ctrl-C); return the
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
    ) -> tuple[str | None, Result[Path, Environment] | None]:
        """Wait for both threads and remove the hidden file; return the check's findings and
        the publishing's outcome (None: the copy was stopped). A backup published is added
        to ``backups`` (so a run that fails removes it, and says so). Called again, it
        answers the same.

        Ctrl-C (before or while waiting) stops the check and the copy: then the
        check found nothing, and ``KeyboardInterrupt`` is raised once both
        threads ended and a backup published is in ``backups``, unless ``stop``
        (the caller is stopping already). Until then Ctrl-C is only noted, so it
        never leaves them unknown.
        """
        if self._outcome is None:
            with self._interrupt.deferred():  # raised at the end, once known, if pressed
                self._outcome = self._end(stop, backups)
        damage, published, stopped, error = self._outcome
        if error is not None:  # a thread failed unexpectedly: never lost
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
            if not stopped and (stop or self._interrupt.hit or self._stop.is_set()):
                stopped = True
                self._stop_both()
            if not self._check.wait_ended(0.05):
                continue
            if not wait((self._publishing,), timeout=0.05).not_done:
                break
        stopped = stopped or self._interrupt.hit or self._stop.is_set()  # as the threads ended
        self._pool.shutdown()  # the watcher ends with the check
        self._ctrl_c.close()
        self._wake.close()
        self._check.end(stop=False)  # ended already: its connection is closed
        if self._copied is not None:
            discard(self._copied.temp)
        copy_error = self._publishing.exception()
        published = None if copy_error is not None else self._publishing.result()
        if isinstance(published, Success):
            backups.append(published.unwrap())
        error = None if isinstance(copy_error, KeyboardInterrupt) else copy_error
        if error is None:  # the check's own findings, "interrupted" too, are values
            error = self._check.failure()
        found = None if stopped or error is not None else self._check.findings()
        return found, published, stopped, error


_Outcome = tuple[str | None, "Result[Path, Environment] | None", bool, BaseException | None]
"""How a ``CheckingCopy`` ended: the check's findings (None: passed or stopped), the
publishing's outcome (None: the copy was stopped), whether Ctrl-C stopped them, what a thread
raised unexpectedly (None: nothing)."""


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
