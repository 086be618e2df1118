"""The whole-database quick_check of a rollback-journal database, in a thread of its own,
begun before the run takes the write lock.

``open_whole_check`` opens a read-only connection and begins a read
transaction (SQLite's shared lock); ``WholeCheck.begin`` runs ``PRAGMA
quick_check`` in a thread. While a shared lock is held no connection can
commit to the file, nor write a page of it, so the state checked is the one
the run's write lock finds later on the same file (``back_up`` compares
``file``: a file put in place of the database meanwhile gets a check of its
own) and the one its copy reads (``beside``, in a second thread): the
transaction stays open after the check until ``release`` (the run holds its
write lock and the copy ended, or none will run). ``migrate`` begins the
check and the copy of the first database with steps as soon as its preview
knows it has steps, so both run beside the rehearsal, the write lock and the
steps instead of after them. A WAL database is not checked here: a reader
does not hold a WAL database's writers back, so its locked connection checks
it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from returns.result import Failure, Result, Success

from aifp_shell.problems import Environment, Unreadable
from aifp_shell.sqlite.database import connect, environment_problem, quick_check

if TYPE_CHECKING:  # loaded where used, so check does not pay for them
    from concurrent.futures import Future, ThreadPoolExecutor

_Read = TypeVar("_Read")

CHECKER_CACHE_KIB = 256
"""The check's page cache: it reads each page once, so a small one is as fast (331 MB: 0.57 s
with 256 KiB or with SQLite's default 2 MiB)."""

CHECKER_LOOK_INSTRUCTIONS = 100_000
"""How often the check asks whether to stop, in SQLite instructions. Each look takes the GIL
from a thread beside the steps: the whole quick_check of the 331 MB bench database runs ~22 M
instructions, and takes 0.43 s alone with a look every 100,000 or 1,000, 0.54 s every 100 and
3.1 s every one. (``interrupt()`` stops it at once once its statement runs; the look is for
an interrupt just before.)"""


def open_whole_check(name: str, path: Path) -> Result[WholeCheck | None, Environment | Unreadable]:
    """Return the whole-database check of ``path``, its read transaction begun and its thread
    not yet started (``WholeCheck.begin``); None when the database is in WAL mode (its locked
    connection checks it); or why it could not be opened.

    The file is the one at ``path`` both before the connection opened and once the read
    lock is held (a file put in its place meanwhile is refused: the check would read
    one file and the run lock another).
    """
    try:
        before = os.stat(path)
        conn = connect(path, write=False)
    except (OSError, sqlite3.Error) as error:
        return Failure(_not_opened(name, path, error))
    try:  # the shared lock, then the mode: it cannot change while the lock is held
        conn.execute(f"PRAGMA cache_size = -{CHECKER_CACHE_KIB}")
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
        wal = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
        after = os.stat(path)
    except (OSError, sqlite3.Error) as error:
        conn.close()
        return Failure(_not_opened(name, path, error))
    if file_identity(before) != file_identity(after):
        conn.close()
        detail = "the database file was replaced while it was being opened"
        return Failure(Environment(name, str(path), "io", detail))
    if wal:
        conn.close()
        return Success(None)
    return Success(WholeCheck(conn, file_identity(after)))


def _not_opened(name: str, path: Path, error: OSError | sqlite3.Error) -> Environment | Unreadable:
    if isinstance(error, OSError):
        return Environment(name, str(path), "io", f"cannot open: {error.strerror}")
    return environment_problem(name, path, error)


def thread_not_started(name: str, path: Path, error: RuntimeError) -> Environment:
    """Return the problem of a thread the run needs that could not start (the process's
    limit of threads)."""
    return Environment(name, str(path), "io", f"cannot start a thread: {error}")


def file_identity(found: os.stat_result) -> tuple[int, int]:
    """Return what tells one file from another: its device and inode numbers."""
    return found.st_dev, found.st_ino


def check_committed(conn: sqlite3.Connection) -> str | None:
    """Return the findings of a whole-database quick_check through ``conn`` (None: passed)."""
    try:
        return quick_check(conn)
    except sqlite3.DatabaseError as error:
        return str(error)


class WholeCheck:
    """A whole-database quick_check running in its own thread (and what reads ``beside`` it
    in another), inside a read transaction that keeps the file as committed until
    ``release``; made by ``open_whole_check``."""

    def __init__(self, conn: sqlite3.Connection, file: tuple[int, int]) -> None:
        self._conn = conn
        self.file = file
        """The checked file's ``file_identity``: its read lock is on that file."""
        self._pool: ThreadPoolExecutor | None = None
        self.running: Future[str | None] | None = None
        """The thread's work, once submitted."""
        self._stop = threading.Event()
        self._released = threading.Event()
        self._ended = threading.Event()
        self._closed = False
        self._on_ended: Callable[[], None] | None = None
        self._readers = 0
        """How many reads ``beside`` the check are under way (counted in their own thread)."""
        self._ending = False
        """Set, under ``_readers_changed``, once the transaction ends: no read may begin."""
        self._readers_changed = threading.Condition()
        # Asked every CHECKER_LOOK_INSTRUCTIONS too: an interrupt() just before the check's
        # statement began would be forgotten (SQLite clears the flag while none runs).
        conn.set_progress_handler(self._stopped, CHECKER_LOOK_INSTRUCTIONS)

    def begin(self, name: str, path: Path) -> Environment | None:
        """Start the check in its own thread; return why it could not start (the process's
        limit of threads), and it is then ended."""
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=2)  # the check, and what reads beside it
        try:
            self.running = self._pool.submit(self.run)
        except RuntimeError as error:
            self.end(stop=True)
            return thread_not_started(name, path, error)
        return None

    def beside(self, read: Callable[[], _Read]) -> Future[_Read]:
        """Return ``read`` running in a second thread inside the check's read transaction,
        which ends only once ``read`` did (raise ``RuntimeError`` when the thread cannot
        start). Call it after ``begin``.

        ``read`` reads the file as committed (the backup's copy, through a descriptor
        SQLite opened on it); it looks at ``stopping`` to stop early. The transaction
        outlives it so that no descriptor of the file closes under it: SQLite closes
        the descriptors of a connection closed meanwhile only once this process holds
        no lock on the file. The read counts itself in its own thread, so nothing the
        caller is stopped at (Ctrl-C) can leave it uncounted; begun once the transaction
        is ending, it raises ``KeyboardInterrupt`` (stopped) before it reads.
        """
        assert self._pool is not None

        def reading() -> _Read:
            with self._readers_changed:
                if self._ending:
                    raise KeyboardInterrupt
                self._readers += 1
            try:
                return read()
            finally:
                with self._readers_changed:
                    self._readers -= 1
                    self._readers_changed.notify_all()

        return self._pool.submit(reading)

    @property
    def stopping(self) -> bool:
        """Whether the check was stopped: what reads ``beside`` it stops too."""
        return self._stop.is_set()

    def _stopped(self) -> int:
        return 1 if self._stop.is_set() else 0

    def run(self) -> str | None:
        """Return the check's findings (None: passed; "interrupted" when stopped before it
        began); then hold the read transaction until ``release``, and end it."""
        try:
            if self._stop.is_set():  # stopped before it began: never reads as passed
                return "interrupted"
            return check_committed(self._conn)
        finally:
            self._released.wait()
            with self._readers_changed:  # what reads beside it ends first
                self._ending = True
                while self._readers:
                    self._readers_changed.wait()
            self._conn.set_progress_handler(None, 0)  # else it would stop the ROLLBACK too
            with contextlib.suppress(sqlite3.Error):  # the file may be written from now on
                self._conn.execute("ROLLBACK")
            self._ended.set()
            if self._on_ended is not None:
                self._on_ended()

    def when_ended(self, call: Callable[[], None]) -> None:
        """Have ``call`` called in the check's thread once its read transaction ended (set
        before ``release``)."""
        self._on_ended = call

    def stop(self) -> None:
        """Stop the check at once (or before it begins), and what reads beside it at its next
        look at ``stopping``; the check's findings then mean nothing."""
        self._stop.set()
        self._conn.interrupt()

    def release(self) -> None:
        """Let the read transaction end once the check and what reads beside it did: nothing
        needs the file as committed any more (the run holds its write lock and the copy
        ended, or none will run)."""
        self._released.set()

    def wait_ended(self, timeout: float) -> bool:
        """Return whether the check and its read transaction ended, waiting ``timeout`` s."""
        return self._closed or self._ended.wait(timeout)

    def findings(self) -> str | None:
        """Return what the ended check found (None: passed; "interrupted" if it never ran);
        raise what its thread raised unexpectedly."""
        if self.running is None or self.running.cancelled():
            return "interrupted"
        assert self._ended.is_set()
        return self.running.result()

    def failure(self) -> BaseException | None:
        """Return what the ended check's thread raised unexpectedly (None: nothing)."""
        if self.running is None or self.running.cancelled():
            return None
        assert self._ended.is_set()
        return self.running.exception()

    @property
    def closed(self) -> bool:
        """Whether ``end`` ran: the check's lock is let go, and its findings are not the
        file's any more."""
        return self._closed

    def end(self, stop: bool) -> None:
        """Stop the check when ``stop``, release it, wait for its thread and close its
        connection. Called again, it does nothing."""
        if self._closed:
            return
        if stop:
            self.stop()
        self.release()
        pressed = False
        try:
            while self._pool is not None:  # Ctrl-C meanwhile stops the check, raised after
                try:  # (work not yet begun is cancelled; begun, it ends once released)
                    if pressed:
                        self.stop()
                    self._pool.shutdown(wait=True, cancel_futures=True)
                    break
                except KeyboardInterrupt:
                    pressed = True
        finally:
            self._closed = True
            self._conn.close()
        if pressed:
            raise KeyboardInterrupt
