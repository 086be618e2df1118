"""The ``schema_history`` a restore leaves: the rows it keeps plus one ``restore`` row.

Both ways of restoring (by SQL, or with the backup API over a damaged
database) keep the live database's rows when it has them (the backup's when it
has none, or when they cannot be read), rebuild the table as the tool's current
``schema_history`` and add the ``restore`` row.
"""

from __future__ import annotations

import sqlite3

from aifp_fp.checksums import RESTORE
from aifp_fp.tables import HISTORY_TABLE
from aifp_shell.sqlite.history_table import HISTORY_DDL, MEANING_COLUMN, history_columns

HistoryRows = list[tuple[object, ...]]

_COLUMNS = "id, direction, from_version, to_version, file, sha256, applied_at"
_ALL_COLUMNS = f"{_COLUMNS}, {MEANING_COLUMN}"


def read_history(conn: sqlite3.Connection, schema: str) -> HistoryRows | None:
    """Return ``schema``'s ``schema_history`` rows by id, or None when it has no such table.

    Raises ``sqlite3.Error`` when the table is there but cannot be read (damage).
    """
    found = conn.execute(
        f"SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE",
        (HISTORY_TABLE,),
    ).fetchone()
    if found is None:
        return None
    has_meaning = MEANING_COLUMN in history_columns(conn, schema)
    listed = _ALL_COLUMNS if has_meaning else f"{_COLUMNS}, NULL"
    rows = conn.execute(f"SELECT {listed} FROM {schema}.{HISTORY_TABLE} ORDER BY id")
    return [tuple(row) for row in rows]


def write_history(
    conn: sqlite3.Connection, rows: HistoryRows, record: tuple[str | None, str, str, str, str]
) -> None:
    """Make main's ``schema_history`` the tool's table holding ``rows`` plus one ``restore`` row.

    ``record`` is (from, to, the backup's file name, its SHA-256, the time).
    Runs inside the caller's transaction; raises ``sqlite3.Error``.
    """
    conn.execute(f"DROP TABLE IF EXISTS main.{HISTORY_TABLE}")
    conn.execute(HISTORY_DDL)
    conn.executemany(
        f"INSERT INTO main.{HISTORY_TABLE} ({_ALL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows
    )
    conn.execute(
        f"INSERT INTO main.{HISTORY_TABLE} "
        "(direction, from_version, to_version, file, sha256, applied_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (RESTORE, *record),
    )
