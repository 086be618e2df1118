"""Waking the thread that sleeps in SQLite's busy handler, once the lock it waits for is free.

Between two tries of a lock, SQLite's busy handler (the only one Python's
``sqlite3`` offers) sleeps 1, 2, 5, ... ms, then 100 ms at a time once it has
waited 228 ms. A step waiting for the whole-database check's read lock (see
``commands.backing``) waits ~0.3-0.5 s on the bench database, so it resumed
up to 100 ms after the check let the lock go (strace: the sleeps are 100 ms
each by then). A signal ends such a sleep at once (``nanosleep`` returns
EINTR, and SQLite tries the lock again); SQLite retries the reads, writes and
opens a signal interrupts, and Python its own waits.

It signals once, right after the lock is let go, when the waiting thread
almost always still sleeps: a signal that lands just before a sleep ends
nothing (it resumes at its next try, as without this), and one that lands
after its own try took the lock may find it syncing its journal, where an
``fdatasync`` interrupted on a network or FUSE file system fails instead of
being retried: the run then stops and rolls back, nothing written. A second
signal a moment later would make that likely, so there is none. The signal
is also sent when no step waits; it then ends nothing.

``signal.getsignal`` knows only the handlers set through Python: a SIGURG
handler installed by a C library behind Python's back (a Go runtime's, say)
would be replaced while this is open, and reset to the default after.

``BusyWake`` handles SIGURG, which the process ignores by default and so
does not use, with a handler that does nothing, for as long as it is open:
only when opened in the main thread (where Python lets a handler be set) and
when nothing else handles SIGURG. Elsewhere ``wake`` does nothing, and the
thread resumes at its next try, as before.
"""

from __future__ import annotations

import signal
import threading


def _nothing(_signal: int, _frame: object) -> None:
    """Do nothing: the signal's work is done once it arrived (a sleep ended)."""


class BusyWake:
    """Lets another thread end the busy-handler sleep of the thread that opened it."""

    def __init__(self) -> None:
        self._target: int | None = None
        usable = hasattr(signal, "SIGURG") and hasattr(signal, "pthread_kill")
        if not usable or threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGURG) != signal.SIG_DFL:
            return  # the process uses SIGURG: leave it alone
        signal.signal(signal.SIGURG, _nothing)
        self._target = threading.get_ident()

    def wake(self) -> None:
        """End the busy-handler sleep of the thread that opened this, if it sleeps there now
        (from any thread; nothing happens once closed, or where it cannot be done)."""
        target = self._target
        if target is not None:  # (SIGURG is ignored again if closed meanwhile)
            signal.pthread_kill(target, signal.SIGURG)

    def close(self) -> None:
        """Give SIGURG its default back (in the thread that opened this). Called again, it
        does nothing."""
        if self._target is None:
            return
        self._target = None
        signal.signal(signal.SIGURG, signal.SIG_DFL)
