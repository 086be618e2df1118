"""Replace the main database's whole content with an attached database's, by SQL.

Runs inside the caller's write transaction (``transaction.begin_write``:
foreign keys off, ``BEGIN IMMEDIATE``), so it is journaled like any step and a
crash leaves the old content. Every object of ``main`` is dropped, then the
source's are created from its ``sqlite_master`` text: tables (virtual tables
first, since they create their own shadow tables), their rows (rowids kept),
``sqlite_sequence`` and ``sqlite_stat1``, then indexes, views and triggers (so
no trigger fires while rows are copied), and ``user_version`` and
``application_id``. Tables named in ``skip`` are neither dropped-and-copied
nor created: the caller rebuilds them.
"""

from __future__ import annotations

import sqlite3


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _objects(
    conn: sqlite3.Connection, schema: str, kind: str, skip: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """Return ``(name, sql)`` of the schema's objects of one type, in creation order.

    Objects of a table in ``skip`` (lower-case names) are left out.
    """
    rows = conn.execute(
        f"SELECT name, sql, tbl_name FROM {_quote(schema)}.sqlite_master "
        "WHERE type = ? AND sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY rowid",
        (kind,),
    ).fetchall()
    return [(str(name), str(sql)) for name, sql, table in rows if str(table).lower() not in skip]


def _exists(conn: sqlite3.Connection, schema: str, name: str) -> bool:
    found = conn.execute(
        f"SELECT 1 FROM {_quote(schema)}.sqlite_master WHERE type = 'table' AND name = ?",
        (name,),
    ).fetchone()
    return found is not None


def _is_virtual(sql: str) -> bool:
    return sql.lstrip()[:20].upper().replace(" ", "").startswith("CREATEVIRTUAL")


def _drop_all(conn: sqlite3.Connection) -> None:
    for kind in ("trigger", "view"):
        for name, _ in _objects(conn, "main", kind):
            conn.execute(f"DROP {kind.upper()} IF EXISTS main.{_quote(name)}")
    for name, sql in _objects(conn, "main", "table"):
        if _is_virtual(sql):  # drops its shadow tables too
            conn.execute(f"DROP TABLE IF EXISTS main.{_quote(name)}")
    for name, _ in _objects(conn, "main", "table"):
        conn.execute(f"DROP TABLE IF EXISTS main.{_quote(name)}")  # their indexes go with them
    for internal in ("sqlite_sequence", "sqlite_stat1"):
        if _exists(conn, "main", internal):
            conn.execute(f"DELETE FROM main.{internal}")


def _copy_rows(conn: sqlite3.Connection, source: str, table: str) -> None:
    """Copy every row of ``source.table`` into ``main.table``, rowids kept where it has them."""
    info = conn.execute(f"PRAGMA {_quote(source)}.table_xinfo({_quote(table)})").fetchall()
    columns = [str(row[1]) for row in info if row[6] == 0]  # not generated, not hidden
    names = {str(row[1]).lower() for row in info}
    alias = next((a for a in ("rowid", "_rowid_", "oid") if a not in names), None)
    if alias is not None:
        try:
            conn.execute(f"SELECT {alias} FROM {_quote(source)}.{_quote(table)} LIMIT 0")
        except sqlite3.OperationalError:
            alias = None  # a WITHOUT ROWID table
    listed = ([alias] if alias is not None else []) + [_quote(c) for c in columns]
    if not listed:
        return
    text = ", ".join(listed)
    conn.execute(
        f"INSERT INTO main.{_quote(table)} ({text}) SELECT {text} "
        f"FROM {_quote(source)}.{_quote(table)}"
    )


def replace_content(conn: sqlite3.Connection, source: str, skip: frozenset[str]) -> None:
    """Make ``main`` hold exactly the objects and rows of the attached ``source`` (raises).

    ``skip`` holds lower-case table names left to the caller (dropped from
    ``main``, never created or copied here).
    """
    _drop_all(conn)
    tables = _objects(conn, source, "table", skip)
    for _, sql in tables:
        if _is_virtual(sql):
            conn.execute(sql)
    for name, sql in tables:
        if _is_virtual(sql):
            continue  # its rows live in its shadow tables, copied as tables
        if _exists(conn, "main", name):
            conn.execute(f"DELETE FROM main.{_quote(name)}")  # a shadow table just created
        else:
            conn.execute(sql)
        _copy_rows(conn, source, name)
    if _exists(conn, source, "sqlite_sequence") and _exists(conn, "main", "sqlite_sequence"):
        conn.execute("DELETE FROM main.sqlite_sequence")
        conn.execute(
            f"INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq "
            f"FROM {_quote(source)}.sqlite_sequence"
        )
    if _exists(conn, source, "sqlite_stat1"):
        if not _exists(conn, "main", "sqlite_stat1"):
            conn.execute("ANALYZE main.sqlite_master")  # creates an empty sqlite_stat1
        conn.execute("DELETE FROM main.sqlite_stat1")
        conn.execute(
            f"INSERT INTO main.sqlite_stat1 (tbl, idx, stat) SELECT tbl, idx, stat "
            f"FROM {_quote(source)}.sqlite_stat1"
        )
    for kind in ("index", "view", "trigger"):
        for _, sql in _objects(conn, source, kind, skip):
            conn.execute(sql)
    for pragma in ("user_version", "application_id"):
        value = int(conn.execute(f"PRAGMA {_quote(source)}.{pragma}").fetchone()[0])
        conn.execute(f"PRAGMA main.{pragma} = {value}")
