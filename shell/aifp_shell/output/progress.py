"""Progress bars (rich, on stderr, transient), shown on a terminal only.

Three uses: a long backup and a run's steps and checks (each shown once the
run has taken a while), and ``scan``'s projects checked or migrated (one tick
per project). Never on stdout, so ``--json`` stays one document.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aifp_shell.commands.scan import Progress, ProgressFactory
    from aifp_shell.files.backup import ProgressCallback

SHOW_AFTER_SECONDS = 0.5

_LIVE: list[Any] = []
"""The bars ``terminal_bar`` started that have not reached their total yet."""


def terminal_bar(label: str, total: int) -> Callable[[int, int], None]:
    """Start a bar for ``total`` units; return ``update(done, total)``, which stops it when done."""
    from rich.console import Console
    from rich.progress import Progress as Bar

    bar = Bar(console=Console(stderr=True), transient=True)
    bar.start()
    _LIVE.append(bar)
    task = bar.add_task(label, total=total)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)
        if done >= total:
            _stop(bar)

    if total == 0:
        _stop(bar)
    return update


def stop_bars() -> None:
    """Stop (and clear) every bar still drawn: the work it counted stopped part-way (Ctrl-C,
    a failure), and the lines printed next must not be drawn over or under it."""
    while _LIVE:
        _stop(_LIVE[-1])


def _stop(bar: Any) -> None:
    bar.stop()
    if bar in _LIVE:
        _LIVE.remove(bar)


def backup_progress_bar(database: str) -> ProgressCallback | None:
    """Return a callback that shows the bar once a backup has run for a while.

    Returns None when stderr is not a terminal (nothing to draw on).
    """
    if not sys.stderr.isatty():
        return None
    started = time.monotonic()
    state: dict[str, Any] = {}

    def callback(done: int, total: int) -> None:
        update = state.get("update")
        if update is None:
            if time.monotonic() - started < SHOW_AFTER_SECONDS or done >= total:
                return
            update = state["update"] = terminal_bar(f"backing up {database}", total)
        update(done, total)

    return callback


class TerminalProgress:
    """A run's steps, table rebuilds and checks as one transient line on stderr.

    Nothing is drawn for a run that ends within ``SHOW_AFTER_SECONDS``; after
    that the latest stage shows, with a spinner and the time it has taken
    (a long statement keeps it moving).
    """

    def __init__(self) -> None:
        import threading

        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._latest: tuple[str, int, int | None] | None = None
        self._bar: Any = None
        self._task: Any = None
        self._timer: threading.Timer | None = None

    def stage(self, label: str, done: int, total: int | None) -> None:
        """Show ``label`` with ``done`` of ``total`` (None: unknown), now or once it is due."""
        import threading

        with self._lock:
            new_stage = self._latest is None or self._latest[0] != label
            self._latest = (label, done, total)
            if self._bar is not None:
                self._bar.update(self._task, description=_described(label, done, total))
                if new_stage:  # drawn at once, however short; counts wait for the next tick
                    self._bar.refresh()
                return
            wait = SHOW_AFTER_SECONDS - (time.monotonic() - self._started)
            if wait <= 0:
                self._show()
            elif self._timer is None:
                self._timer = threading.Timer(wait, self._show_when_due)
                self._timer.daemon = True
                self._timer.start()

    def _show_when_due(self) -> None:
        with self._lock:
            if self._timer is not None and self._bar is None and self._latest is not None:
                self._show()

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import Progress as Bar
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        assert self._latest is not None
        label, done, total = self._latest
        self._bar = Bar(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task(_described(label, done, total), total=None)

    def close(self) -> None:
        """Remove the line (and cancel one not yet shown)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._bar is not None:
                self._bar.stop()
                self._bar = None
            self._latest = None


def _described(label: str, done: int, total: int | None) -> str:
    if total is None:
        return label
    return f"{label}: statement {min(done + 1, total)} of {total}"


def work_progress_bar() -> TerminalProgress | None:
    """Return the progress line of a run's steps and checks, or None when stderr is no terminal."""
    return TerminalProgress() if sys.stderr.isatty() else None


def scan_progress_bar() -> ProgressFactory | None:
    """Return a factory of per-project tick callbacks, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None

    def start(label: str, total: int) -> Progress:
        import threading

        update = terminal_bar(label, total)
        lock = threading.Lock()
        done = [0]

        def tick() -> None:
            with lock:
                done[0] += 1
                update(done[0], total)

        return tick

    return start
