"""Representative rows for a scratch database: a few per table, read off the schema itself.

``verify`` fills each scratch database with them before it runs a step, so
that a step or a rollback that loses, mangles or cannot take real rows shows
up. The rows are deterministic (no randomness: the same schema and offset give
the same rows) and awkward on purpose: quotes, semicolons, non-ASCII text.
They satisfy NOT NULL, CHECK ... IN lists, UNIQUE (by numbering) and foreign
keys (by pointing at existing parent rows); a row that still breaks a
constraint, or that a trigger refuses, is skipped. ``allowed`` narrows a
column's values to those every version of a migration set accepts
(``allowed_values``), so the rows are real data for each step, not rows a
later CHECK must refuse.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping

from aifp_fp.tables import TOOL_TABLES

_IN_LIST = re.compile(r"(\w+)\s+IN\s*\(([^()]*)\)", re.IGNORECASE)
_WORDS = ("alpha", "béta", "γάμμα", "delta'quote", "semi;colon", 'dq"uote', "✓ done")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def fillable_tables(conn: sqlite3.Connection) -> list[str]:
    """Return the ordinary user tables of ``main``, parents before children where possible."""
    tables = [
        str(name)
        for (name,) in conn.execute(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' "
            "ORDER BY name"
        )
        if not str(name).lower().startswith("sqlite_") and str(name).lower() not in TOOL_TABLES
    ]
    parents = {
        table: {
            str(row[2]).lower()
            for row in conn.execute("SELECT * FROM pragma_foreign_key_list(?)", (table,))
            if str(row[2]).lower() != table.lower()
        }
        for table in tables
    }
    ordered: list[str] = []
    placed: set[str] = set()
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and parents[t] <= placed]
        if not ready:  # a cycle: take the rest as they come
            ready = [t for t in tables if t not in ordered]
        for table in ready:
            ordered.append(table)
            placed.add(table.lower())
    return ordered


def _value(table: str, name: str, kind: str, number: int, choices: list[str] | None) -> object:
    if choices:
        return choices[number % len(choices)]
    kind = kind.upper()
    if "INT" in kind:
        return number + 1
    if "REAL" in kind or "FLOA" in kind or "DOUB" in kind or "NUM" in kind:
        return number + 0.25
    if "BOOL" in kind:
        return number % 2
    if "DATE" in kind or "TIME" in kind:
        return f"2025-{1 + number % 12:02d}-{1 + number % 28:02d} 12:{number % 60:02d}:00"
    if "JSON" in kind:
        return f'{{"n": {number}, "s": "{_WORDS[number % len(_WORDS)]}"}}'
    if "BLOB" in kind:
        return bytes([number % 256, 0, 255])
    return f"{table}.{name} #{number} {_WORDS[number % len(_WORDS)]}"


AllowedValues = Mapping[tuple[str, str], tuple[str, ...]]
"""Per (table, column), lower-cased: the IN-list values every version accepts."""


def in_lists(create_table_sql: str) -> dict[str, list[str]]:
    """Return the ``column IN (...)`` lists of a CREATE TABLE text, by lower-cased column."""
    return {
        m.group(1).lower(): [
            c.strip().strip("'") for c in m.group(2).split(",") if c.strip().upper() != "NULL"
        ]
        for m in _IN_LIST.finditer(create_table_sql)
    }


def allowed_values(tables: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, ...]]:
    """Return, from (table name, CREATE TABLE text) of every version, the values all accept.

    A column whose lists have no value in common is left out (its own list is used).
    """
    found: dict[tuple[str, str], set[str]] = {}
    order: dict[tuple[str, str], list[str]] = {}
    for table, sql in tables:
        for column, values in in_lists(sql).items():
            key = (table.lower(), column)
            order.setdefault(key, values)
            found[key] = found[key] & set(values) if key in found else set(values)
    return {
        key: tuple(v for v in order[key] if v in common) for key, common in found.items() if common
    }


def fill(
    conn: sqlite3.Connection, rows: int = 4, offset: int = 0, allowed: AllowedValues | None = None
) -> None:
    """Insert up to ``rows`` rows into every user table of ``main`` (caller holds no transaction).

    ``offset`` numbers the rows, so a second fill adds new rows instead of
    colliding with the first.
    """
    conn.execute("BEGIN")
    for table in fillable_tables(conn):
        sql = conn.execute(
            "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()[0]
        choices = in_lists(sql or "")
        for (owner, column), accepted in (allowed or {}).items():
            if owner == table.lower():
                choices[column] = list(accepted)
        columns = conn.execute(
            "SELECT name, type, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid", (table,)
        ).fetchall()
        keyed = [c for c in columns if c[2]]
        foreign = {
            str(row[3]).lower(): (str(row[2]), row[4])
            for row in conn.execute("SELECT * FROM pragma_foreign_key_list(?)", (table,))
        }
        single_row = re.search(r"CHECK\s*\(\s*id\s*=\s*1\s*\)", sql or "", re.IGNORECASE)
        for index in range(1 if single_row else rows):
            number = offset + index
            names: list[str] = []
            values: list[object] = []
            for name, kind, pk, hidden in columns:
                if hidden:  # generated or hidden columns take no value
                    continue
                if pk and len(keyed) == 1 and "INT" in str(kind or "").upper():
                    continue  # the rowid alias numbers itself
                parent = foreign.get(str(name).lower())
                if parent is not None:
                    values.append(_parent_value(conn, parent[0], parent[1], index))
                else:
                    values.append(
                        _value(table, str(name), str(kind or ""), number, choices.get(name.lower()))
                    )
                names.append(str(name))
            marks = ", ".join("?" for _ in names)
            quoted = ", ".join(_q(n) for n in names)
            insert = (
                f"INSERT OR IGNORE INTO {_q(table)} ({quoted}) VALUES ({marks})"
                if names
                else f"INSERT OR IGNORE INTO {_q(table)} DEFAULT VALUES"
            )
            try:
                conn.execute(insert, values)
            except sqlite3.IntegrityError:
                continue  # a trigger refused the row (RAISE(ABORT, ...)): not a sample for it
    conn.execute("COMMIT")


def _parent_value(conn: sqlite3.Connection, parent: str, column: str | None, index: int) -> object:
    """Return the key of an existing parent row (the index-th, cycling), or None if none."""
    target = "rowid" if column is None else _q(column)
    try:
        count = conn.execute(f"SELECT count(*) FROM {_q(parent)}").fetchone()[0]
        if not count:
            return None
        row = conn.execute(
            f"SELECT {target} FROM {_q(parent)} ORDER BY rowid LIMIT 1 OFFSET ?", (index % count,)
        ).fetchone()
    except sqlite3.Error:  # the parent is missing or has no such column
        return None
    return None if row is None else row[0]
