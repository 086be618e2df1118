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

Runs in other threads (``scan --migrate`` runs one ``up`` per project in a
thread pool) share the Ctrl-C of the main thread's run around them: their
``hit`` is its ``hit``, their statements stop at the next look once it is set
(SQLite's ``interrupted``), and ``check`` raises in them; each still decides
alone when it starts committing (``hold``). A process forked from a run leaves
Ctrl-C to the run's own process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import threading
from collections.abc import Iterator
from types import FrameType

_INSTRUCTIONS_PER_LOOK = 4096


class Interrupt:
    """SIGINT during a run: the first raises ``KeyboardInterrupt``; later ones are noted only."""

    def __init__(self, shared: threading.Event | None = None, *, in_thread: bool = False) -> None:
        """``shared``: the ``hit`` of the main thread's run this one runs inside."""
        self._hit = shared if shared is not None else threading.Event()
        self._in_thread = in_thread
        self._raising = True
        self._deferring = False
        self._pid = os.getpid()

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
        look = self._stop_if_hit if self._in_thread else _look
        conn.set_progress_handler(look, _INSTRUCTIONS_PER_LOOK)

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
        if os.getpid() != self._pid:
            return  # a forked worker (scan's): the run's own process decides
        first = not self._hit.is_set()
        self._hit.set()
        if first and self._raising and not self._deferring:
            raise KeyboardInterrupt

    def seen_by_threads(self) -> CtrlCWatch:
        """Return a watch through which other threads see Ctrl-C at once; ``close`` it where
        it was made."""
        return CtrlCWatch(self._hit)

    def _stop_if_hit(self) -> int:
        # In a thread no signal handler runs: a non-zero answer makes SQLite stop the statement.
        return 1 if self._raising and self._hit.is_set() else 0


class CtrlCWatch:
    """Ctrl-C seen by another thread while the main thread cannot run Python.

    The main thread may wait inside SQLite for work of other threads (a step
    waiting in the busy handler for a read lock they hold); no SIGINT handler
    and no progress handler runs meanwhile, so ``hit`` is not set until that
    wait ends. Made in the main thread, the watch takes the interpreter's
    wakeup descriptor (``signal.set_wakeup_fd``), on which the signal's number
    is written the moment it arrives, and passes what it reads on to the
    descriptor it replaced. Made in another thread, it answers ``hit`` (the
    main thread is then free to set it).
    """

    def __init__(self, hit: threading.Event) -> None:
        self._hit = hit
        self._pipe: tuple[int, int] | None = None
        self._previous = -1
        if threading.current_thread() is not threading.main_thread():
            return
        read, write = os.pipe()
        try:
            os.set_blocking(read, False)
            os.set_blocking(write, False)
            self._previous = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
        except BaseException:
            os.close(read)
            os.close(write)
            raise
        self._pipe = (read, write)

    def pressed(self) -> bool:
        """Return whether Ctrl-C was pressed (the main thread still raises it as usual)."""
        if self._pipe is None:
            return self._hit.is_set()
        return int(signal.SIGINT) in self._passed_on() or self._hit.is_set()

    def close(self) -> None:
        """Give the interpreter its wakeup descriptor back (in the thread that made this),
        with the signal numbers not yet passed on."""
        if self._pipe is None:
            return
        signal.set_wakeup_fd(self._previous)  # (its warn_on_full_buffer is not known: default)
        self._passed_on()
        for descriptor in self._pipe:
            os.close(descriptor)
        self._pipe = None

    def _passed_on(self) -> bytes:
        """Return the signal numbers that came, once passed on to the replaced descriptor."""
        assert self._pipe is not None
        try:
            numbers = os.read(self._pipe[0], 512)
        except BlockingIOError:  # nothing came
            return b""
        if self._previous >= 0:
            with contextlib.suppress(OSError):
                os.write(self._previous, numbers)
        return numbers


def _look() -> int:
    return 0  # running at all lets Python call the SIGINT handler; it raises, if it must


_OUTERMOST: list[Interrupt] = []
"""The main thread's runs now under way, outermost first (a thread's run shares its Ctrl-C)."""


@contextlib.contextmanager
def interruptible() -> Iterator[Interrupt]:
    """Yield the run's ``Interrupt``, its SIGINT handler installed (main thread only) until exit.

    In another thread no handler can be installed: the run shares the Ctrl-C of
    the main thread's run under way, if there is one (else Ctrl-C never stops it).
    A run nested in another in the main thread shares its ``hit`` too.
    """
    around = _OUTERMOST[0]._hit if _OUTERMOST else None
    if threading.current_thread() is not threading.main_thread():
        yield Interrupt(around, in_thread=True)
        return
    interrupt = Interrupt(around)  # nested (scan's aifp_core run): the outer run sees the hit
    previous = signal.signal(signal.SIGINT, interrupt.handle)
    _OUTERMOST.append(interrupt)
    try:
        yield interrupt
    finally:
        _OUTERMOST.remove(interrupt)
        signal.signal(signal.SIGINT, previous)
