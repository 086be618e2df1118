"""Runs the real CLI with a slow, step-by-step backup, so a test can kill it mid-backup.

``python tests/slow_backup_child.py MARKER <aifp-migrate args...>``: the backup
copies a few pages per step and pauses between steps; the first step creates
the file MARKER, so the test knows the backup has started. Both kinds are
slowed: the online backup API's (WAL) and the byte copy's (rollback journal).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import aifp_shell.bootstrap as bootstrap
import aifp_shell.cli.app as cli
import aifp_shell.commands.backing as backing
import aifp_shell.files.backup as backup
import aifp_shell.sqlite.interrupt as interrupt
from aifp_shell.sqlite.whole_check import WholeCheck

MARKER = Path(sys.argv[1])
backup.BACKUP_PAGES_PER_STEP = 16


def _slow_progress(_database: str) -> backup.ProgressCallback:
    def progress(_done: int, _total: int) -> None:
        if not MARKER.exists():
            MARKER.touch()
        time.sleep(0.001)

    return progress


def _slow_copying(self: interrupt.Interrupt, done: int, total: int) -> None:
    _slow_progress("")(done, total)
    self.check()


_copy_progress = backing._copy_progress


def _slow_locked_copying(check: WholeCheck, done: int, total: int) -> None:
    _slow_progress("")(done, total)
    _copy_progress(check, done, total)


bootstrap.backup_progress_bar = _slow_progress  # type: ignore[assignment]
interrupt.Interrupt.copying = _slow_copying  # type: ignore[method-assign]
backing._copy_progress = _slow_locked_copying

if __name__ == "__main__":
    cli.main(sys.argv[2:])
