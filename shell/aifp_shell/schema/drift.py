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
from typing import TYPE_CHECKING

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.graph import MigrationSet
from aifp_fp.plan import Plan
from aifp_fp.recognition import AtShape, Drifted
from aifp_fp.value import Value
from aifp_fp.version import Version, parse_version
from aifp_shell.files.locate import Places, locate
from aifp_shell.files.sources import load_migration_set
from aifp_shell.problems import DriftRefused, Problem
from aifp_shell.schema.drift_cache import Catalog, Recognition, catalog_of, recall, remember
from aifp_shell.sqlite.database import connect, environment_problem, is_empty_file, read_version

if TYPE_CHECKING:  # the schema model is loaded only on a drift-cache miss
    from aifp_fp.schema import Schema


@attrs.frozen(slots=True, repr=False)
class DatabaseDrift(Value):
    """A database whose live structure differs from its version's: one line per difference."""

    database: str
    path: str
    version: str
    differences: tuple[str, ...]


def recognition_of(
    conn: sqlite3.Connection,
    migration_set: MigrationSet,
    version: Version,
    catalog: Catalog | None = None,
) -> Result[Recognition, Problem]:
    """Return which known shape of ``version`` ``conn``'s live schema is, or how it drifted.

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
    from aifp_fp.shapes import recognise
    from aifp_shell.schema.expected import published_shapes_at, schema_at
    from aifp_shell.sqlite.introspect import read_schema

    live = read_schema(conn)
    computed = schema_at(migration_set, version).map(
        lambda expected: recognise(live, expected, published_shapes_at(migration_set, version))
    )
    if isinstance(computed, Success):
        remember(migration_set, version, catalog, computed.unwrap())
    return computed


def drift_of(
    conn: sqlite3.Connection,
    migration_set: MigrationSet,
    version: Version,
    catalog: Catalog | None = None,
) -> Result[tuple[str, ...], Problem]:
    """Return the differences of ``conn``'s live schema from every known shape of ``version``.

    Empty: the database is at the structure its version should have, or at a
    shape AIFP published for that version (``recognition_of``).
    """
    return recognition_of(conn, migration_set, version, catalog).map(
        lambda found: found.differences if isinstance(found, Drifted) else ()
    )


def with_alignment(
    conn: sqlite3.Connection, migration_set: MigrationSet, plan: Plan
) -> Result[Plan, Problem]:
    """Return ``plan``, or, when it has nothing to do and the database is at an earlier
    published shape of its version, the computed step that aligns it with the latest shape.

    It only reads ``conn``. A database whose shape cannot be told is left to the
    drift report: the plan is returned as it is.
    """
    if not plan.is_empty() or plan.start is None:
        return Success(plan)
    found = recognition_of(conn, migration_set, plan.end)
    if not isinstance(found, Success):
        return Success(plan)
    recognised = found.unwrap()
    if not isinstance(recognised, AtShape) or recognised.slug is None:
        return Success(plan)
    from aifp_fp.alignment import aligned, alignment_step
    from aifp_shell.schema.expected import published_shapes_at, schema_at

    shape = dict(published_shapes_at(migration_set, plan.end))[recognised.slug]
    source = next(s.source for s in migration_set.shapes_of(plan.end) if s.slug == recognised.slug)
    folder = source.display.removesuffix(source.name)

    def step_to(expected: Schema) -> Result[Plan, Problem]:
        step = alignment_step(
            migration_set.database, folder, plan.end, recognised.slug or "", shape, expected
        )
        return step.map(lambda made: plan if made is None else aligned(plan, made)).alt(
            lambda error: error
        )

    return schema_at(migration_set, plan.end).bind(step_to)


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
