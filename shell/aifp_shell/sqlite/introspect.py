"""Reading the schema of a live SQLite database, or of a schema script, as a core ``Schema``."""

from __future__ import annotations

import sqlite3

from aifp_fp.schema import Schema
from aifp_fp.schemaparse import CatalogRow, ColumnRow, schema_from_catalog
from aifp_fp.sqltext import split_statements


def _list_types(conn: sqlite3.Connection) -> dict[str, str]:
    rows = conn.execute("SELECT name, type FROM pragma_table_list WHERE schema = 'main'")
    return {str(name): str(kind) for name, kind in rows}


def column_rows(conn: sqlite3.Connection, table: str) -> tuple[ColumnRow, ...]:
    """Return a table's columns as the core's rows, from ``pragma_table_xinfo``."""
    rows = conn.execute(
        'SELECT name, type, "notnull", dflt_value, pk, hidden'
        " FROM pragma_table_xinfo(?, 'main') ORDER BY cid",
        (table,),
    )
    return tuple(
        ColumnRow(str(name), str(kind or ""), bool(notnull), default, int(pk), int(hidden))
        for name, kind, notnull, default, pk, hidden in rows
    )


def read_schema(conn: sqlite3.Connection) -> Schema:
    """Return the schema of the ``main`` database of ``conn``; it reads and never writes."""
    kinds = _list_types(conn)
    catalog = tuple(
        CatalogRow(str(kind), str(name), str(table), sql, kinds.get(str(name), ""))
        for kind, name, table, sql in conn.execute(
            "SELECT type, name, tbl_name, sql FROM main.sqlite_master ORDER BY rowid"
        )
    )
    tables = tuple(
        (row.name, column_rows(conn, row.name))
        for row in catalog
        if row.type == "table" and row.list_type == "table"
    )
    return schema_from_catalog(catalog, tables)


def apply_script(conn: sqlite3.Connection, sql_text: str) -> None:
    """Run a script on ``conn`` one statement at a time (never ``executescript``).

    Raises ``sqlite3.Error`` for the first failing statement and ``ValueError``
    for an unterminated statement at the end of the text.
    """
    split = split_statements(sql_text)
    if split.unterminated is not None:
        raise ValueError(f"unterminated statement at line {split.unterminated.line}")
    for statement in split.statements:
        conn.execute(statement.text)


def _deny_other_files(action: int, *_: object) -> int:
    """Authorizer: a schema script may not reach other files (ATTACH, DETACH)."""
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def schema_of_script(sql_text: str) -> Schema:
    """Return the schema a script builds when run into an empty in-memory database.

    The script cannot ATTACH, DETACH or VACUUM (it could write other files).
    Raises ``sqlite3.Error`` or ``ValueError`` when the script does not run.
    """
    split = split_statements(sql_text)
    for statement in split.statements:
        if statement.words()[:1] == ("VACUUM",):
            raise ValueError(f"VACUUM is not allowed in a schema script (line {statement.line})")
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.set_authorizer(_deny_other_files)
    try:
        apply_script(conn, sql_text)
        return read_schema(conn)
    finally:
        conn.close()
