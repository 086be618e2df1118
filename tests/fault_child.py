"""Runs the real CLI, killing itself with SIGKILL before its k-th SQL statement on a write.

Used by the fault tests: ``python tests/fault_child.py K <aifp-migrate args...>``.
The kill lands at a statement boundary chosen by the test, anywhere from the
first BEGIN to the last COMMIT, with no cooperation from the code under test.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
from pathlib import Path

import aifp_shell.commands.migrate as service
from aifp_shell.cli.app import main

KILL_AT = int(sys.argv[1])
_count = 0
_real_connect = service.connect


def _trace(_statement: str) -> None:
    global _count
    _count += 1
    if _count >= KILL_AT:
        os.kill(os.getpid(), signal.SIGKILL)


def _counting_connect(
    path: Path, *, write: bool, timeout: float | None = None
) -> sqlite3.Connection:
    conn = _real_connect(path, write=write, timeout=timeout)
    if write:
        conn.set_trace_callback(_trace)
    return conn


service.connect = _counting_connect  # type: ignore[assignment]

if __name__ == "__main__":
    main(sys.argv[2:])
