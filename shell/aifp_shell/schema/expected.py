"""The structure each version should have, found by replaying the chain in memory.

The schema at version V is what the initial schema and the steps up to V
produce when run, through the same executor as a real migration, into an empty
in-memory database. Drift detection, ``verify`` and computed rollbacks compare
against it.
"""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

from returns.result import Failure, Result, Success

from aifp_fp.graph import MigrationSet
from aifp_fp.plan import Plan, plan_create
from aifp_fp.schema import Schema
from aifp_fp.version import Version
from aifp_shell.problems import Problem
from aifp_shell.sqlite.executor import run_plan
from aifp_shell.sqlite.introspect import read_schema

_REPLAY = Path(":memory:")


def replay(plan: Plan) -> Result[sqlite3.Connection, Problem]:
    """Return an in-memory database on which ``plan`` ran from empty (committed), or why not."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN")
    ran = run_plan(conn, _REPLAY, plan, "replay")
    if isinstance(ran, Failure):
        conn.close()
        return Failure(ran.failure())
    conn.execute("COMMIT")
    return Success(conn)


@functools.lru_cache(maxsize=128)
def _schema_at(migration_set: MigrationSet, version: Version) -> Result[Schema, Problem]:
    planned = plan_create(migration_set, version)
    if isinstance(planned, Failure):
        return Failure(planned.failure())

    def read(conn: sqlite3.Connection) -> Schema:
        try:
            return read_schema(conn)
        finally:
            conn.close()

    return replay(planned.unwrap()).map(read)


@functools.lru_cache(maxsize=128)
def published_shapes_at(
    migration_set: MigrationSet, version: Version
) -> tuple[tuple[str, Schema], ...]:
    """Return the published shapes of ``version`` (slug, structure), each replayed in memory.

    A shape file that does not run is left out (``verify`` names it).
    """
    from aifp_shell.sqlite.introspect import schema_of_script

    shapes: list[tuple[str, Schema]] = []
    for shape in migration_set.shapes_of(version):
        try:
            shapes.append((shape.slug, schema_of_script(shape.source.text)))
        except (sqlite3.Error, ValueError):
            continue
    return tuple(shapes)


def schema_at(migration_set: MigrationSet, version: Version) -> Result[Schema, Problem]:
    """Return the structure a database of this set should have at ``version``.

    Results are remembered for the life of the process (sets are immutable values).
    """
    return _schema_at(migration_set, version)
