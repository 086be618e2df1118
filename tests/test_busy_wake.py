"""BusyWake on real files: a thread waiting in SQLite's busy handler resumes as the lock is
let go, instead of at its next scheduled try."""

from __future__ import annotations

import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from aifp_shell.sqlite.busy_wake import BusyWake

RELEASE_AFTER = 0.24
"""When the holder lets the lock go, in seconds after the waiter's first try: SQLite's busy
handler sleeps from 0.228 s to 0.328 s then, so without a wake the waiter resumes >= 58 ms
after a release made within the 30 ms allowed."""


def _resumed_after_release(path: Path, wake: BusyWake | None) -> float | None:
    """Return how long after the release the waiter got the lock (None: the release came too
    late to tell)."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, isolation_level=None, timeout=10)
    released: list[float] = []
    started = time.monotonic()

    def release() -> None:
        time.sleep(max(0.0, started + RELEASE_AFTER - time.monotonic()))
        holder.execute("ROLLBACK")
        released.append(time.monotonic())
        if wake is not None:
            wake.wake()

    letting_go = threading.Thread(target=release)
    letting_go.start()
    try:
        waiter.execute("BEGIN IMMEDIATE")  # waits in the busy handler, in the main thread
        got = time.monotonic()
        waiter.execute("ROLLBACK")
    finally:
        letting_go.join()
        waiter.close()
        holder.close()
    if released[0] - started > RELEASE_AFTER + 0.03:
        return None
    return got - released[0]


def _first_told(path: Path, wake: BusyWake | None) -> float:
    for _ in range(5):
        delay = _resumed_after_release(path, wake)
        if delay is not None:
            return delay
    pytest.skip("the machine never let the release come on time")


@pytest.mark.skipif(not hasattr(signal, "SIGURG"), reason="no SIGURG here")
def test_a_thread_waiting_for_a_lock_resumes_as_it_is_let_go(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    sqlite3.connect(path).close()
    assert _first_told(path, None) > 0.05  # SQLite's own next try
    wake = BusyWake()
    try:
        assert signal.getsignal(signal.SIGURG) not in (signal.SIG_DFL, None)
        assert _first_told(path, wake) < 0.04
    finally:
        wake.close()
    assert signal.getsignal(signal.SIGURG) == signal.SIG_DFL
    wake.wake()  # closed: nothing, and SIGURG is ignored anyway


@pytest.mark.skipif(not hasattr(signal, "SIGURG"), reason="no SIGURG here")
def test_a_wake_leaves_a_sigurg_handler_of_the_process_alone() -> None:
    seen: list[int] = []
    previous = signal.signal(signal.SIGURG, lambda number, _: seen.append(number))
    try:
        wake = BusyWake()
        wake.wake()
        wake.close()
        signal.raise_signal(signal.SIGURG)
        assert seen == [signal.SIGURG]  # the process's handler, still in place
    finally:
        signal.signal(signal.SIGURG, previous)


def test_a_wake_opened_in_another_thread_does_nothing() -> None:
    made: list[BusyWake] = []
    opener = threading.Thread(target=lambda: made.append(BusyWake()))
    opener.start()
    opener.join()
    made[0].wake()
    made[0].close()
    assert signal.getsignal(signal.SIGURG) == signal.SIG_DFL
