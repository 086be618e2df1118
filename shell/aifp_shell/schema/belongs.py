"""Whether a database file (a backup) is one of a migration set's database, or another's.

A backup belongs to a database when its ``schema_version`` is a version of
that database's set and its structure is a known shape of that version
(``drift.recognition_of``), or has drifted from one while keeping most of
its tables (``aifp_fp.shapes.shares_tables``). A backup of another AIFP
database shares a table name or two at most and is refused.
"""

from __future__ import annotations

import sqlite3

from returns.result import Failure

from aifp_fp.graph import MigrationSet
from aifp_fp.recognition import AtShape
from aifp_fp.shapes import shares_tables
from aifp_fp.tables import TOOL_TABLES
from aifp_fp.version import parse_version
from aifp_shell.schema.drift import recognition_of


def not_belonging(
    conn: sqlite3.Connection, migration_set: MigrationSet, version: str
) -> str | None:
    """Return why the database read through ``conn`` is not ``migration_set``'s (None: it is).

    ``version`` is what its ``schema_version`` holds. It only reads ``conn``.
    """
    database = migration_set.database
    parsed = parse_version(version).value_or(None)
    if parsed is None or parsed not in migration_set.versions():
        return f"its schema_version {version!r} is not a version of {database}"
    recognised = recognition_of(conn, migration_set, parsed)
    if isinstance(recognised, Failure):
        return None  # the set cannot replay that version: nothing to compare with
    if isinstance(recognised.unwrap(), AtShape):
        return None
    from aifp_shell.schema.expected import published_shapes_at, schema_at
    from aifp_shell.sqlite.introspect import read_schema

    live = read_schema(conn)
    known = [shape for _, shape in published_shapes_at(migration_set, parsed)]
    expected = schema_at(migration_set, parsed).value_or(None)
    if expected is not None:
        known.insert(0, expected)
    if any(shares_tables(live, shape, TOOL_TABLES) for shape in known):
        return None
    tables = sorted(t.name for t in live.tables if t.name.lower() not in TOOL_TABLES)
    shown = ", ".join(tables[:6]) + (", …" if len(tables) > 6 else "")
    return (
        f"its tables ({shown or 'none'}) are not those of {database} {version} "
        "nor of a drifted copy of it: it is a backup of another database"
    )
