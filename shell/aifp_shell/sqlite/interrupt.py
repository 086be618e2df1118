"""Ctrl-C while a run writes: stop SQLite at once, so the run can roll back and clean up.

Python runs its SIGINT handler only between bytecodes of the main thread, so a
long statement (a table rebuild, ``quick_check``) would finish before Ctrl-C
is seen. A progress handler on each write connection gives the interpreter
that chance every few thousand SQLite instructions: the handler's
``KeyboardInterrupt`` aborts the statement (SQLite reports ``interrupted``,
and Python's sqlite3 swallows the exception), so the run also keeps the fact
in ``hit``. A backup, copied in a worker thread, stops at its next page batch.

A file the run is writing in the main thread (a backup, a staging file) is
made inside ``deferred``: Ctrl-C there is raised at the copy's next
``check`` or when the block ends, never between the file's creation and the
moment the run knows its name, so the run can remove it.
"""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import threading
from collections.abc import Iterator
from types import FrameType

_INSTRUCTIONS_PER_LOOK = 4096


class Interrupt:
    """SIGINT during a run: the first raises ``KeyboardInterrupt``; later ones are noted only."""

    def __init__(self) -> None:
        self._hit = threading.Event()
        self._raising = True
        self._deferring = False

    @property
    def hit(self) -> bool:
        """Return whether Ctrl-C was pressed since the run began."""
        return self._hit.is_set()

    @property
    def stopped(self) -> bool:
        """Return whether Ctrl-C stopped the run: pressed before it began committing."""
        return self._raising and self._hit.is_set()

    def watch(self, conn: sqlite3.Connection) -> None:
        """Let Ctrl-C stop the statements of ``conn`` mid-way."""
        conn.set_progress_handler(_look, _INSTRUCTIONS_PER_LOOK)

    def check(self) -> None:
        """Raise ``KeyboardInterrupt`` (in any thread) once Ctrl-C was pressed."""
        if self._raising and self._hit.is_set():
            raise KeyboardInterrupt

    def copying(self, _done: int, _total: int) -> None:
        """A backup's progress callback: stop the copy once Ctrl-C was pressed."""
        self.check()

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """Within the block, Ctrl-C is raised only by ``check``; at its end, if pressed."""
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False
        self.check()

    def hold(self) -> None:
        """From now on Ctrl-C stops nothing: the run is committing and must finish."""
        self._raising = False

    def handle(self, _signum: int, _frame: FrameType | None) -> None:
        """The SIGINT handler: note it, and stop the run unless it is committing or stopped."""
        first = not self._hit.is_set()
        self._hit.set()
        if first and self._raising and not self._deferring:
            raise KeyboardInterrupt


def _look() -> int:
    return 0  # running at all lets Python call the SIGINT handler; it raises, if it must


@contextlib.contextmanager
def interruptible() -> Iterator[Interrupt]:
    """Yield the run's ``Interrupt``, its SIGINT handler installed (main thread only) until exit."""
    interrupt = Interrupt()
    if threading.current_thread() is not threading.main_thread():
        yield interrupt  # scan's worker threads: the main thread owns SIGINT
        return
    previous = signal.signal(signal.SIGINT, interrupt.handle)
    try:
        yield interrupt
    finally:
        signal.signal(signal.SIGINT, previous)
