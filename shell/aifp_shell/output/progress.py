"""A progress bar for long backups, shown on a terminal only."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aifp_shell.files.backup import ProgressCallback

SHOW_AFTER_SECONDS = 0.5


def backup_progress_bar(database: str) -> ProgressCallback | None:
    """Return a callback that shows a rich progress bar once a backup has run for a while.

    Returns None when stderr is not a terminal (nothing to draw on).
    """
    if not sys.stderr.isatty():
        return None
    started = time.monotonic()
    state: dict[str, Any] = {}

    def callback(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            if time.monotonic() - started < SHOW_AFTER_SECONDS or done >= total:
                return
            from rich.console import Console
            from rich.progress import Progress

            bar = Progress(console=Console(stderr=True), transient=True)
            bar.start()
            state["bar"] = bar
            state["task"] = bar.add_task(f"backing up {database}", total=total)
        bar.update(state["task"], completed=done, total=total)
        if done >= total:
            bar.stop()

    return callback
