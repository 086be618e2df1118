"""Runs the real CLI and says (by creating MARKER) when a chosen slow moment has begun.

``python tests/interrupt_child.py MARKER backup|step|show|copy|in:MODULE:NAME <args...>``:
``backup`` copies a few pages per batch and pauses between them (the online
backup API's batches, and the byte copy's of a rollback-journal database), ``step``
marks the start of the last step's statements once the backup made beside
the steps is complete and named (the test then sends SIGINT);
``show`` draws the progress line at once instead of after a while. ``preview``
marks the moment the preview rehearses the steps, once the whole-database check
and the copy beside it began, and pauses there. ``wait``
makes the byte copy beside the steps last over a minute and the steps' cache
tiny, so the step waits inside SQLite for the copy, and marks a second after
the step began (the busy timeout is two minutes). ``copy``
does for the backups of ``restore`` and ``diff --apply`` what ``backup`` does
for ``up``'s. ``in:MODULE:NAME`` marks the moment the function ``NAME`` of
``MODULE`` is first called, and from then on every statement of a connection
the run watches for Ctrl-C pauses every few SQLite instructions (a slow
disk): the work that function starts is in progress when SIGINT comes.
``at:MODULE:NAME`` sends the process SIGINT itself as that function is first
called (before it runs): Ctrl-C lands at exactly that moment.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import aifp_shell.bootstrap as bootstrap
import aifp_shell.cli.app as cli
import aifp_shell.commands.backing as backing
import aifp_shell.commands.migrate as service
import aifp_shell.files.backup as backup
import aifp_shell.output.progress as progress
import aifp_shell.sqlite.interrupt as interrupt
from aifp_shell.sqlite.whole_check import WholeCheck

MARKER = Path(sys.argv[1])
WHEN = sys.argv[2]


def _slow_backup(_database: str) -> backup.ProgressCallback:
    def progress(_done: int, _total: int) -> None:
        MARKER.touch()
        time.sleep(0.001)

    return progress


_PUBLISHED = threading.Event()


def _publishing_then_noting(copied: backup.Copied) -> object:
    published = _publish_copy(copied)
    _PUBLISHED.set()
    return published


def _marking_steps(name: str, runtime: service.Runtime) -> object:
    def on_statement(step: object, done: int) -> None:
        if done == 0 and str(getattr(step, "to_version", "")) == "1.1":
            _PUBLISHED.wait(30)
            MARKER.touch()

    return on_statement


def _marking_once_waiting(name: str, runtime: service.Runtime) -> object:
    def on_statement(_step: object, done: int) -> None:
        if done == 0:  # the step's statement runs, spills at once, then waits for the copy
            threading.Timer(1.0, MARKER.touch).start()

    return on_statement


_copy_progress = backing._copy_progress


def _very_slow_copying(check: WholeCheck, done: int, total: int) -> None:
    time.sleep(1.0)
    _copy_progress(check, done, total)


_LOCKED = threading.Event()
"""Set once ``back_up`` began: the write lock is held."""
_back_up = service.back_up


def _backing_up(*args: object, **kwargs: object) -> None:
    _LOCKED.set()
    _back_up(*args, **kwargs)  # type: ignore[arg-type]


def _slow_copying(check: WholeCheck, done: int, total: int) -> None:
    if _LOCKED.is_set():  # the copy begins in the preview: marked once the lock is held
        MARKER.touch()
    time.sleep(0.001)
    _copy_progress(check, done, total)


_rehearsed = service._rehearsed


def _slow_rehearsal(*args: object) -> object:
    MARKER.touch()  # the check and the copy beside it have begun
    time.sleep(30)
    return _rehearsed(*args)  # type: ignore[arg-type]


def _slow_backup_copying(self: interrupt.Interrupt, _done: int, _total: int) -> None:
    MARKER.touch()
    time.sleep(0.001)
    self.check()


def _mark_then_throttle(module_name: str, name: str) -> None:
    module = importlib.import_module(module_name)
    real: Callable[..., object] = getattr(module, name)
    begun = False

    def marking(*args: object, **kwargs: object) -> object:
        nonlocal begun
        begun = True
        MARKER.touch()
        return real(*args, **kwargs)

    def slow_look() -> int:
        if begun:
            time.sleep(0.001)
        return 0

    setattr(module, name, marking)
    interrupt._look = slow_look
    interrupt._INSTRUCTIONS_PER_LOOK = 64


def _ctrl_c_at(module_name: str, name: str) -> None:
    module = importlib.import_module(module_name)
    real: Callable[..., object] = getattr(module, name)
    sent = False

    def ctrl_c_first(*args: object, **kwargs: object) -> object:
        nonlocal sent
        if not sent:
            sent = True
            MARKER.touch()
            signal.raise_signal(signal.SIGINT)
        return real(*args, **kwargs)

    setattr(module, name, ctrl_c_first)


if WHEN == "copy":
    backup.BACKUP_PAGES_PER_STEP = 16
    interrupt.Interrupt.copying = _slow_backup_copying  # type: ignore[method-assign]
elif WHEN.startswith("at:"):
    _ctrl_c_at(*WHEN.split(":")[1:])
elif WHEN.startswith("in:"):
    _mark_then_throttle(*WHEN.split(":")[1:])
elif WHEN == "backup":
    backup.BACKUP_PAGES_PER_STEP = 16
    bootstrap.backup_progress_bar = _slow_backup  # type: ignore[assignment]
    interrupt.Interrupt.copying = _slow_backup_copying  # type: ignore[method-assign]
    backing._copy_progress = _slow_copying
    service.back_up = _backing_up
elif WHEN == "preview":
    service._rehearsed = _slow_rehearsal  # type: ignore[assignment]
elif WHEN == "wait":
    os.environ["AIFP_MIGRATE_BUSY_TIMEOUT"] = "120"
    backup.BACKUP_PAGES_PER_STEP = 4
    backing.STEPS_CACHE_KIB = 64
    backing._copy_progress = _very_slow_copying
    service._step_progress = _marking_once_waiting  # type: ignore[assignment]
elif WHEN == "show":
    progress.SHOW_AFTER_SECONDS = 0
else:
    _publish_copy = backup.publish_copy
    backup.publish_copy = _publishing_then_noting  # type: ignore[assignment]
    service._step_progress = _marking_steps  # type: ignore[assignment]

if __name__ == "__main__":
    cli.main(sys.argv[3:])
