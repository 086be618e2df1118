"""Entry points for tools that embed the planner: build a set from texts, plan to a target."""

from __future__ import annotations

from collections.abc import Iterable

from returns.result import Failure, Result, Success

from aifp_fp.errors import BadVersion, PlanError, SetError
from aifp_fp.files import MigrationSource
from aifp_fp.graph import MigrationSet, build_migration_set
from aifp_fp.plan import Plan, plan_create, plan_down, plan_up
from aifp_fp.version import Version, parse_version


def _source(database: str, folder: str, item: MigrationSource | tuple[str, str]) -> MigrationSource:
    if isinstance(item, MigrationSource):
        return item
    name, text = item
    return MigrationSource(database, name, f"{folder}/{database}/{name}", text)


def parse_migration_set(
    database: str,
    files: Iterable[MigrationSource | tuple[str, str]],
    folder: str = "migrations",
) -> Result[MigrationSet, SetError]:
    """Return the validated migration set of ``database`` from its files, or the first problem.

    Each file is a ``MigrationSource`` or a pair ``(name, text)`` whose name is
    relative to the database's folder (``v1.0_to_v1.1_notes.sql``,
    ``rollback/v1.1_to_v1.0_notes.sql``, ``v1.0_initial_schema.sql``); messages
    name such a file ``<folder>/<database>/<name>``.
    """
    sources = tuple(_source(database, folder, item) for item in files)
    return build_migration_set(database, sources, f"{folder}/{database}/")


def _version(value: Version | str | None) -> Result[Version | None, PlanError]:
    if value is None or isinstance(value, Version):
        return Success(value)
    parsed = parse_version(value).value_or(None)
    return Failure(BadVersion(value)) if parsed is None else Success(parsed)


def plan_migration(
    migration_set: MigrationSet,
    current: Version | str | None,
    target: Version | str | None = None,
) -> Result[Plan, PlanError]:
    """Return the plan from ``current`` to ``target``, going up or down as needed.

    ``current`` is ``None`` for a database that does not exist yet (the plan
    then creates it from an initial schema); ``target`` defaults to the latest
    version. A target below ``current`` is reached through rollback files.
    Versions may be given as text (``"1.1"``); text that is no version is ``BadVersion``.
    """

    def with_versions(start: Version | None, end: Version | None) -> Result[Plan, PlanError]:
        if start is None:
            return plan_create(migration_set, end)
        if end is not None and end < start:
            return plan_down(migration_set, start, end)
        return plan_up(migration_set, start, end)

    return _version(current).bind(
        lambda start: _version(target).bind(lambda end: with_versions(start, end))
    )
