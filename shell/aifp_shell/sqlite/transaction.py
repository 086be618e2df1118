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
from aifp_shell.sqlite.database import (
    connect,
    foreign_key_problems,
    foreign_key_violations,
    quick_check,
    violations_in_file,
)


def begin_write(conn: sqlite3.Connection, name: str, path: Path) -> Problem | None:
    """Turn foreign keys off and BEGIN IMMEDIATE; a problem if they stay on."""
    conn.execute("PRAGMA foreign_keys = OFF")
    if conn.execute("PRAGMA foreign_keys").fetchone()[0] != 0:
        return CheckFailed(name, str(path), "foreign_keys", "foreign keys could not be turned off")
    conn.execute("BEGIN IMMEDIATE")
    return None


def final_checks(
    conn: sqlite3.Connection, name: str, path: Path, before: Path | None = None
) -> Problem | None:
    """Return what stops a COMMIT: broken foreign keys or a failed quick_check.

    ``before`` is this run's backup: rows that already broke their foreign keys
    there (real AIFP cores hold ``'*'`` flows that name no directive), and break
    them no more after the steps, table by table, are left as they were.
    """
    found = foreign_key_problems(conn)
    if found is not None and not _only_old_breakage(conn, before):
        return CheckFailed(name, str(path), "foreign_key_check", found + _already_broken(path))
    damage = quick_check(conn)
    if damage is not None:
        return CheckFailed(name, str(path), "quick_check", damage)
    return None


def _only_old_breakage(conn: sqlite3.Connection, before: Path | None) -> bool:
    """Return whether every foreign-key violation now was already in ``before`` (the backup)."""
    if before is None:
        return False
    old = violations_in_file(before)
    if old is None:
        return False
    return all(count <= old.get(key, 0) for key, count in foreign_key_violations(conn).items())


def old_breakage_note(conn: sqlite3.Connection) -> str | None:
    """Return the note a run reports when rows it carried broke their foreign keys beforehand."""
    found = foreign_key_violations(conn)
    if not found:
        return None
    rows = sum(found.values())
    where = ", ".join(f"{table} → {parent}" for table, parent in sorted(found))
    return (
        f"{rows} row{'s' if rows != 1 else ''} already broke their foreign keys before the "
        f"migration ({where}); they were carried as they were (see PRAGMA foreign_key_check)"
    )


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
