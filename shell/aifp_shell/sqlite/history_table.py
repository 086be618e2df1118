"""The tool's ``schema_history`` table: its definition, and bringing an older one up to it.

Databases written by earlier versions of the tool have a ``schema_history``
without ``statements_sha256`` and whose ``direction`` CHECK knows only
``init``, ``up`` and ``down``. Readers accept both shapes. Writers call
``prepare_history_table`` inside their write transaction: it adds the column
(``ALTER TABLE ... ADD COLUMN``, nullable, so old rows keep ``NULL``) and,
only when a ``repair`` or ``restore`` row is about to be written to a table
whose CHECK does not allow it, rebuilds the table under the current definition
(rows, ids and order kept). Nothing else is ever added.
"""

from __future__ import annotations

import sqlite3

from aifp_fp.tables import HISTORY_TABLE

MEANING_COLUMN = "statements_sha256"
"""The nullable column holding ``aifp_fp.checksums.meaning_checksum`` of the file that ran."""

HISTORY_DDL = """CREATE TABLE schema_history (
    id INTEGER PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('init', 'up', 'down', 'repair', 'restore')),
    from_version TEXT,
    to_version TEXT NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    statements_sha256 TEXT
)"""

_ADDED_DIRECTIONS = ("repair", "restore")
"""Directions the first shape of the table's CHECK did not allow."""

REQUIRED_COLUMNS = ("id", "direction", "from_version", "to_version", "file", "sha256", "applied_at")
"""The columns every shape of the table has (what readers need)."""


def history_columns(conn: sqlite3.Connection, schema: str = "main") -> frozenset[str]:
    """Return the column names of ``schema``'s ``schema_history`` (lower-case); empty when
    there is none."""
    return frozenset(
        str(row[1]).lower()
        for row in conn.execute(f'PRAGMA "{schema}".table_info("{HISTORY_TABLE}")')
    )


def _definition(conn: sqlite3.Connection) -> str:
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (HISTORY_TABLE,)
    ).fetchone()
    return "" if row is None or row[0] is None else str(row[0])


def _rebuild(conn: sqlite3.Connection, columns: frozenset[str]) -> None:
    kept = [c for c in (*REQUIRED_COLUMNS, MEANING_COLUMN) if c in columns]
    listed = ", ".join(kept)
    conn.execute(HISTORY_DDL.replace("schema_history", "schema_history_upgrade", 1))
    conn.execute(
        f"INSERT INTO schema_history_upgrade ({listed}) SELECT {listed} FROM {HISTORY_TABLE}"
    )
    conn.execute(f"DROP TABLE {HISTORY_TABLE}")
    conn.execute(f"ALTER TABLE schema_history_upgrade RENAME TO {HISTORY_TABLE}")


def prepare_history_table(conn: sqlite3.Connection, direction: str) -> None:
    """Make ``schema_history`` able to take a row of ``direction`` with its meaning checksum.

    Creates the table when it is missing. Call only inside the caller's write
    transaction. A table without the columns the tool needs is left alone (the
    insert then fails and the caller reports it, as before).
    """
    columns = history_columns(conn)
    if not columns:
        conn.execute(HISTORY_DDL)
        return
    if not set(REQUIRED_COLUMNS) <= columns:
        return
    if direction in _ADDED_DIRECTIONS and f"'{direction}'" not in _definition(conn).lower():
        _rebuild(conn, columns)
    elif MEANING_COLUMN not in columns:
        conn.execute(f"ALTER TABLE {HISTORY_TABLE} ADD COLUMN {MEANING_COLUMN} TEXT")


def insert_history_row(
    conn: sqlite3.Connection,
    direction: str,
    from_version: str | None,
    to_version: str,
    file: str,
    checksums: tuple[str, str],
    applied_at: str,
) -> None:
    """Record one run in ``schema_history`` (``checksums``: the text's SHA-256, the meaning one).

    Prepares the table first (see ``prepare_history_table``); inside the caller's transaction.
    """
    prepare_history_table(conn, direction)
    sha256, statements_sha256 = checksums
    conn.execute(
        f"INSERT INTO {HISTORY_TABLE} "
        f"(direction, from_version, to_version, file, sha256, applied_at, {MEANING_COLUMN}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (direction, from_version, to_version, file, sha256, applied_at, statements_sha256),
    )
