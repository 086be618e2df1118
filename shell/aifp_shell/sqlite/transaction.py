"""The write transaction every writing command shares: begin, final checks, abandon.

``begin_write`` turns foreign keys off (a no-op inside a transaction, so
before it, and read back) and takes the write lock with ``BEGIN IMMEDIATE``;
``final_checks`` is what must hold before COMMIT; ``abandon`` rolls back and
closes, whatever state the connection is in.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from aifp_shell.problems import CheckFailed, Problem
from aifp_shell.sqlite.database import connect, foreign_key_problems, quick_check


def begin_write(conn: sqlite3.Connection, name: str, path: Path) -> Problem | None:
    """Turn foreign keys off and BEGIN IMMEDIATE; a problem if they stay on."""
    conn.execute("PRAGMA foreign_keys = OFF")
    if conn.execute("PRAGMA foreign_keys").fetchone()[0] != 0:
        return CheckFailed(name, str(path), "foreign_keys", "foreign keys could not be turned off")
    conn.execute("BEGIN IMMEDIATE")
    return None


def final_checks(conn: sqlite3.Connection, name: str, path: Path) -> Problem | None:
    """Return what stops a COMMIT: broken foreign keys or a failed quick_check."""
    found = foreign_key_problems(conn)
    if found is not None:
        return CheckFailed(name, str(path), "foreign_key_check", found + _already_broken(path))
    damage = quick_check(conn)
    if damage is not None:
        return CheckFailed(name, str(path), "quick_check", damage)
    return None


def _already_broken(path: Path) -> str:
    """Return a hint when the database broke its foreign keys before this run touched it."""
    try:
        conn = connect(path, write=False)
        try:
            broken = foreign_key_problems(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return ""
    if broken is None:
        return ""
    return (
        " (these rows already broke their foreign keys before the migration: "
        "repair them, see PRAGMA foreign_key_check)"
    )


def abandon(conn: sqlite3.Connection) -> None:
    """ROLLBACK (when a transaction is open) and close, ignoring SQLite's errors."""
    with contextlib.suppress(sqlite3.Error):
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    with contextlib.suppress(sqlite3.Error):
        conn.close()
