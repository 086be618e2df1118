"""Runs the real CLI, killing itself with SIGKILL before its k-th SQL statement on a write.

Used by the fault tests: ``python tests/fault_child.py K <aifp-migrate args...>``, or
``killed_fork(K, args, env, stderr)`` from a test process: the same run in a forked
child (no interpreter start-up or imports to pay for, which is most of a short run).
The kill lands at a statement boundary chosen by the test, anywhere from the
first BEGIN to the last COMMIT, with no cooperation from the code under test.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import aifp_shell.commands.migrate as service
from aifp_shell.cli.app import main

_kill_at = 0
_count = 0
_real_connect = service.connect


def _trace(_statement: str) -> None:
    global _count
    _count += 1
    if _count >= _kill_at:
        os.kill(os.getpid(), signal.SIGKILL)


def _counting_connect(path: Path, *, write: bool, **options: Any) -> sqlite3.Connection:
    conn = _real_connect(path, write=write, **options)
    if write:
        conn.set_trace_callback(_trace)
    return conn


def _arm(kill_at: int) -> None:
    global _kill_at, _count
    _kill_at, _count = kill_at, 0
    service.connect = _counting_connect  # type: ignore[assignment]


def killed_fork(kill_at: int, args: Sequence[str], env: Mapping[str, str], stderr: Path) -> int:
    """Return the exit status of ``aifp-migrate ARGS`` run in a forked child killed at its
    ``kill_at``-th write statement, as ``subprocess`` gives it (``-SIGKILL`` when killed).

    The child's stderr goes to the file ``stderr`` (stdout is discarded); it never returns
    into the caller (``os._exit``), so pytest and its workers see nothing of it.
    """
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.dup2(os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - lives until os._exit
            sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
            os.environ.update(env)
            _arm(kill_at)
            try:
                main(list(args))
                code = 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else 1
            except BaseException:
                traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


if __name__ == "__main__":
    _arm(int(sys.argv[1]))
    main(sys.argv[2:])
