"""The write transaction every writing command shares: begin, final checks, abandon.

``begin_write`` turns foreign keys off (a no-op inside a transaction, so
before it, and read back) and takes the write lock with ``BEGIN IMMEDIATE``;
``final_checks`` is what must still hold before COMMIT after steps (the
tables they touched; each step's foreign keys were checked after it,
``sqlite.step_checks``); ``whole_checks`` is the same for a writer that
replaced the whole content (``restore``) or cannot know what it touched;
``abandon`` rolls back and closes, whatever state the connection is in.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from aifp_shell.problems import CheckFailed, Problem
from aifp_shell.sqlite.database import (
    error_kind,
    foreign_key_problems,
    foreign_key_violations,
    quick_check,
    violations_in_file,
)

if TYPE_CHECKING:  # loaded by the writers that run steps, not by check
    from aifp_shell.sqlite.step_checks import StepChecks


def begin_write(
    conn: sqlite3.Connection, name: str, path: Path, let_go: Callable[[], None] | None = None
) -> Problem | None:
    """Turn foreign keys off and BEGIN IMMEDIATE; a problem if they stay on.

    ``let_go`` ends a read transaction this process holds on the file (the
    whole-database check begun before the lock): when the lock is not free at
    once it is called before waiting, since the writer holding the lock may
    be waiting for that read lock to commit, and neither would get on.
    """
    conn.execute("PRAGMA foreign_keys = OFF")
    if conn.execute("PRAGMA foreign_keys").fetchone()[0] != 0:
        return CheckFailed(name, str(path), "foreign_keys", "foreign keys could not be turned off")
    if let_go is not None:
        wait = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("BEGIN IMMEDIATE")
            return None
        except sqlite3.OperationalError as error:
            if error_kind(error) != "locked":
                raise
        finally:
            conn.execute(f"PRAGMA busy_timeout = {wait}")
        let_go()
    conn.execute("BEGIN IMMEDIATE")
    return None


def final_checks(conn: sqlite3.Connection, checks: StepChecks) -> Problem | None:
    """Return what stops a COMMIT once the steps ran: a failed ``quick_check``.

    Only the tables the steps touched (``StepChecks.quick_tables``) are checked,
    with their indexes: the whole database passed ``quick_check`` before the
    first write, and each step's foreign keys were checked after it ran.
    """
    for table in checks.quick_tables():
        damage = quick_check(conn, table)
        if damage is not None:
            return CheckFailed(checks.database, str(checks.path), f"quick_check({table})", damage)
    return None


def whole_checks(
    conn: sqlite3.Connection, name: str, path: Path, before: Path | None = None
) -> Problem | None:
    """Return what stops a COMMIT of new content: broken foreign keys or a failed quick_check,
    over the whole database.

    ``before`` is the state the content came from: rows that already broke
    their foreign keys there are left as they were, table by table.
    """
    found = foreign_key_problems(conn)
    if found is not None and not _only_old_breakage(conn, before):
        return CheckFailed(name, str(path), "foreign_key_check", found)
    damage = quick_check(conn)
    if damage is not None:
        return CheckFailed(name, str(path), "quick_check", damage)
    return None


def _only_old_breakage(conn: sqlite3.Connection, before: Path | None) -> bool:
    """Return whether every foreign-key violation now was already in ``before``."""
    if before is None:
        return False
    old = violations_in_file(before)
    if old is None:
        return False
    return all(count <= old.get(key, 0) for key, count in foreign_key_violations(conn).items())


def abandon(conn: sqlite3.Connection) -> None:
    """ROLLBACK (when a transaction is open) and close, ignoring SQLite's errors."""
    with contextlib.suppress(sqlite3.Error):
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    with contextlib.suppress(sqlite3.Error):
        conn.close()
