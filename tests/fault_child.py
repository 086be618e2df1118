"""Runs the real CLI, killing itself with SIGKILL before its k-th SQL statement on a write.

Used by the fault tests: ``killed_fork(K, args, env, stderr)`` runs the console script
in a forked child (``cli_child``) that kills itself. The kill lands at a statement
boundary chosen by the test, anywhere from the first BEGIN to the last COMMIT, with
no cooperation from the code under test.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cli_child import run_script
from conftest import installed_cli

import aifp_shell.commands.migrate as service

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

    The child (``cli_child.run_script``) has this process's environment plus ``env``; its
    stderr is written to the file ``stderr``.
    """
    done = run_script(
        installed_cli(),
        args,
        cwd=Path.cwd(),
        env={**os.environ, **env},
        before=lambda: _arm(kill_at),
    )
    stderr.write_text(done.stderr)
    return done.returncode
