"""Schema models of one live object and of what one statement would build, for skip decisions.

Only statements whose target already exists come here: the live object's model
is read from the catalog and PRAGMAs, and the statement's model is built by
running it into a scratch in-memory database that holds the tables and views it
may depend on (structure only, never rows). ``aifp_fp.idempotence`` compares
the two. Anything the scratch database cannot run gives ``None``, and the
caller keeps the text-based decision.
"""

from __future__ import annotations

import sqlite3

from aifp_fp.idempotence import Decision, ExistingObject, SchemaObject, decide_on_models
from aifp_fp.render import quote
from aifp_fp.schema import Column, Schema, Table, fold
from aifp_fp.schemaparse import CatalogRow, schema_from_catalog
from aifp_fp.sqltext import Statement
from aifp_fp.statement import AddColumn, CreateObject, StatementKind
from aifp_shell.sqlite.introspect import column_rows

_PLACEHOLDER = "aifp_placeholder_column"


def _only(schema: Schema) -> SchemaObject | None:
    every: tuple[SchemaObject, ...] = (
        *schema.tables,
        *schema.virtual_tables,
        *schema.indexes,
        *schema.triggers,
        *schema.views,
    )
    return every[0] if len(every) == 1 else None


def object_model(conn: sqlite3.Connection, name: str) -> SchemaObject | None:
    """Return the model of the object ``name`` of ``conn``'s main database, or ``None``."""
    found = conn.execute(
        "SELECT m.type, m.name, m.tbl_name, m.sql, coalesce(l.type, '')"
        " FROM main.sqlite_master AS m"
        " LEFT JOIN pragma_table_list AS l ON l.schema = 'main' AND l.name = m.name"
        " WHERE m.name = ? COLLATE NOCASE",
        (name,),
    ).fetchall()
    catalog = tuple(
        CatalogRow(str(kind), str(found_name), str(table), sql, str(list_type))
        for kind, found_name, table, sql, list_type in found
    )
    tables = tuple(
        (row.name, column_rows(conn, row.name))
        for row in catalog
        if row.type == "table" and row.list_type == "table"
    )
    return _only(schema_from_catalog(catalog, tables))


def _deny_other_files(action: int, *_: object) -> int:
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _live_structure(live: sqlite3.Connection, leave_out: str) -> tuple[str, ...]:
    """Return the CREATE text of the live tables and views (all but ``leave_out``), in order."""
    rows = live.execute(
        "SELECT m.sql FROM main.sqlite_master AS m"
        " LEFT JOIN pragma_table_list AS l ON l.schema = 'main' AND l.name = m.name"
        " WHERE m.type IN ('table', 'view') AND m.sql IS NOT NULL"
        " AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        " AND coalesce(l.type, '') != 'shadow' AND m.name != ? COLLATE NOCASE"
        " ORDER BY m.rowid",
        (leave_out,),
    ).fetchall()
    return tuple(str(sql) for (sql,) in rows)


def _produced_object(
    structure: tuple[str, ...], statement: Statement, name: str
) -> SchemaObject | None:
    """Return the model of what ``statement`` builds beside ``structure`` (scratch errors raise)."""
    scratch = sqlite3.connect(":memory:", isolation_level=None)
    scratch.set_authorizer(_deny_other_files)
    try:
        for sql in structure:
            scratch.execute(sql)
        scratch.execute(statement.text)
        return object_model(scratch, name)
    finally:
        scratch.close()


def _produced_column(statement: Statement, kind: AddColumn) -> Column | None:
    scratch = sqlite3.connect(":memory:", isolation_level=None)
    scratch.set_authorizer(_deny_other_files)
    try:
        scratch.execute(f"CREATE TABLE {quote(kind.table)} ({_PLACEHOLDER})")
        scratch.execute(statement.text)
        table = object_model(scratch, kind.table)
    finally:
        scratch.close()
    column = table.column(kind.column) if table is not None and hasattr(table, "column") else None
    return column if isinstance(column, Column) else None


def decision_by_model(
    conn: sqlite3.Connection, statement: Statement, kind: StatementKind, existing: ExistingObject
) -> Decision | None:
    """Return Skip or Conflict for a CREATE or ADD COLUMN whose target exists, by the models.

    ``None`` when the models cannot be built (the scratch database refused the
    statement, or the object is not one the model describes): the caller then
    keeps the text-based decision.
    """
    # Reads of the live database are not guarded: a busy or I/O error there must be
    # reported as such. Only the scratch database's refusals fall back to the text.
    match kind:
        case CreateObject(object_type=object_type, name=name):
            if existing.object_type != object_type or existing.sql is None:
                return None
            live = object_model(conn, name)
            structure = _live_structure(conn, name)
            try:
                produced = _produced_object(structure, statement, name)
            except sqlite3.Error:
                return None
            if live is None or produced is None:
                return None
            return decide_on_models(kind, live, produced, existing.sql)
        case AddColumn(table=table, column=column):
            live_table = object_model(conn, table)
            live_column = getattr(live_table, "column", lambda _: None)(column)
            if not isinstance(live_column, Column) or fold(column) == _PLACEHOLDER:
                return None
            try:
                produced_column = _produced_column(statement, kind)
            except sqlite3.Error:
                return None
            if produced_column is None:
                return None
            whole = live_table if isinstance(live_table, Table) else None
            return decide_on_models(kind, live_column, produced_column, existing.sql, whole)
        case _:
            return None
