"""Drift: how a live database's structure differs from the one its version should have.

The structure a version should have is ``expected.schema_at`` (the chain
replayed in memory), or any shape AIFP published for that version
(``migrations/<db>/shapes/``, ``aifp_fp.shapes.recognise``). Every difference
from all of them counts, column order included: a
database whose ``notes`` table lacked ``source``/``directive_name``/``severity``
at v1.0 gets them appended by the v1.1 -> v1.2 step, after ``updated_at``,
while real AIFP databases have them before it; that database is reported as
drifted ("column order differs"), because it really is built differently.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.graph import MigrationSet
from aifp_fp.schema import Schema
from aifp_fp.version import Version, parse_version
from aifp_shell.database import connect, environment_problem, is_empty_file, read_version
from aifp_shell.drift_cache import Catalog, catalog_of, recall, remember
from aifp_shell.locate import Places, locate
from aifp_shell.problems import DriftRefused, Problem
from aifp_shell.sources import load_migration_set


@attrs.frozen(slots=True)
class DatabaseDrift:
    """A database whose live structure differs from its version's: one line per difference."""

    database: str
    path: str
    version: str
    differences: tuple[str, ...]


def drift_of(
    conn: sqlite3.Connection,
    migration_set: MigrationSet,
    version: Version,
    catalog: Catalog | None = None,
) -> Result[tuple[str, ...], Problem]:
    """Return the differences of ``conn``'s live schema from ``version``'s (empty: no drift).

    It only reads ``conn`` (``catalog``, when given, is its ``catalog_of``,
    already read). The failure is the set's own: its chain does not replay up
    to ``version``. Answers are remembered on disk (``drift_cache``).
    """
    if catalog is None:
        catalog = catalog_of(conn)
    remembered = recall(migration_set, version, catalog)
    if remembered is not None:
        return Success(remembered)
    # Only a cache miss replays and parses: imported here so a warm ``check`` never loads them.
    from aifp_fp.shapes import Drifted, recognise
    from aifp_shell.expected import published_shapes_at, schema_at
    from aifp_shell.introspect import read_schema

    live = read_schema(conn)

    def differences(expected: Schema) -> tuple[str, ...]:
        found = recognise(live, expected, published_shapes_at(migration_set, version))
        return found.differences if isinstance(found, Drifted) else ()

    computed = schema_at(migration_set, version).map(differences)
    if isinstance(computed, Success):
        remember(migration_set, version, catalog, computed.unwrap())
    return computed


def drift_at(
    name: str, path: Path, migration_set: MigrationSet, version: Version
) -> Result[DatabaseDrift | None, Problem]:
    """Return the drift of the database file at ``path`` (opened read-only), or None if none."""
    try:
        conn = connect(path, write=False)
        try:
            found = drift_of(conn, migration_set, version)
        finally:
            conn.close()
    except sqlite3.Error as error:
        return Failure(environment_problem(name, path, error))
    return found.map(
        lambda differences: (
            DatabaseDrift(name, str(path), str(version), differences) if differences else None
        )
    )


def _known_version(path: Path, migration_set: MigrationSet) -> Version | None:
    """Return the file's version when it is one the set knows; None for anything else."""
    if is_empty_file(path):
        return None
    try:
        conn = connect(path, write=False)
        try:
            text = read_version(conn).version
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    version = None if text is None else parse_version(text).value_or(None)
    return version if version in migration_set.versions() else None


def drift_before_run(places: Places, names: tuple[str, ...]) -> tuple[DatabaseDrift, ...]:
    """Return the drift of each named, existing database at a version its set knows.

    Read-only, before a run locks or writes anything. Anything else that is
    wrong (a missing or unversioned database, a broken migration set) is left
    for the run itself to report, so it is skipped here.
    """
    found: list[DatabaseDrift] = []
    for name in names:
        location = locate(name, places)
        if location.path is None or not location.path.exists():
            continue
        loaded = load_migration_set(name, places.migrations_dir)
        if isinstance(loaded, Failure):
            continue
        migration_set = loaded.unwrap()
        version = _known_version(location.path, migration_set)
        if version is None:
            continue
        drifted = drift_at(name, location.path, migration_set, version).value_or(None)
        if drifted is not None:
            found.append(drifted)
    return tuple(found)


def refusal(drifts: tuple[DatabaseDrift, ...]) -> DriftRefused | None:
    """Return the problem ``up --strict`` reports for the first drifted database, if any."""
    if not drifts:
        return None
    first = drifts[0]
    return DriftRefused(first.database, first.path, first.version, first.differences)
