"""Runs the real CLI and says (by creating MARKER) when a chosen slow moment has begun.

``python tests/interrupt_child.py MARKER backup|step|show <aifp-migrate args...>``:
``backup`` copies a few pages per batch and pauses between them, ``step``
marks the start of the last step's statements (the test then sends SIGINT);
``show`` draws the progress line at once instead of after a while.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import aifp_shell.bootstrap as bootstrap
import aifp_shell.cli.app as cli
import aifp_shell.commands.migrate as service
import aifp_shell.files.backup as backup
import aifp_shell.output.progress as progress

MARKER = Path(sys.argv[1])
WHEN = sys.argv[2]


def _slow_backup(_database: str) -> backup.ProgressCallback:
    def progress(_done: int, _total: int) -> None:
        MARKER.touch()
        time.sleep(0.001)

    return progress


def _marking_steps(name: str, runtime: service.Runtime) -> object:
    def on_statement(step: object, done: int) -> None:
        if done == 0 and str(getattr(step, "to_version", "")) == "1.1":
            MARKER.touch()

    return on_statement


if WHEN == "backup":
    backup.BACKUP_PAGES_PER_STEP = 16
    bootstrap.backup_progress_bar = _slow_backup  # type: ignore[assignment]
elif WHEN == "show":
    progress.SHOW_AFTER_SECONDS = 0
else:
    service._step_progress = _marking_steps  # type: ignore[assignment]

if __name__ == "__main__":
    cli.main(sys.argv[3:])
