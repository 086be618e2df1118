"""The one progress bar (rich, on stderr, transient), shown on a terminal only.

Two uses: a long backup (shown once it has run for a while) and ``scan``'s
projects checked or migrated (one tick per project).
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


def terminal_bar(label: str, total: int) -> Callable[[int, int], None]:
    """Start a bar for ``total`` units; return ``update(done, total)``, which stops it when done."""
    from rich.console import Console
    from rich.progress import Progress as Bar

    bar = Bar(console=Console(stderr=True), transient=True)
    bar.start()
    task = bar.add_task(label, total=total)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)
        if done >= total:
            bar.stop()

    if total == 0:
        bar.stop()
    return update


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
