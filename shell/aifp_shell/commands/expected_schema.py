"""``schema``: the structure a version of a database should have, as an SQL script.

The script is the one ``diff`` would write to build that structure from an
empty database (``schema_at`` replays the set's files in memory), so it can be
saved and given to ``diff`` as FROM or TO, or compared with ``diff(1)``.
"""

from __future__ import annotations

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.diff import diff
from aifp_fp.errors import UnknownDatabase, UnknownVersion
from aifp_fp.graph import MigrationSet
from aifp_fp.render import render_script
from aifp_fp.schema import Schema
from aifp_fp.value import Value
from aifp_fp.version import Version, parse_version
from aifp_shell.files.locate import DATABASES, Places
from aifp_shell.files.sources import load_migration_set
from aifp_shell.problems import Problem
from aifp_shell.schema.expected import schema_at


@attrs.frozen(slots=True, repr=False)
class ExpectedSchema(Value):
    """The script that builds database ``database``'s structure at ``version``."""

    database: str
    version: str
    script: str


def _version(migration_set: MigrationSet, text: str | None) -> Result[Version, Problem]:
    if text is None:
        return Success(migration_set.latest())
    known = migration_set.versions()
    parsed = parse_version(text).value_or(None)
    if parsed is None or parsed not in known:
        return Failure(UnknownVersion(migration_set.database, text, tuple(map(str, known))))
    return Success(parsed)


def _script(database: str, version: Version, schema: Schema) -> Result[str, Problem]:
    built = diff(Schema(), schema)
    if isinstance(built, Failure):
        return Failure(built.failure())
    body = render_script(built.unwrap(), wrapped=False).split("\n", 1)[1]
    head = (
        f"-- {database} at version {version}: the structure its migration files build "
        "(aifp-migrate schema).\n-- schema_history, the tool's record of runs, is left out.\n"
    )
    return Success(head + body)


def expected_schema(
    places: Places, database: str, version: str | None
) -> Result[ExpectedSchema, Problem]:
    """Return the script of the structure ``database`` should have at ``version``.

    ``version`` None means the set's latest. An unknown database or version, or
    a migration set that cannot be read or replayed, is the failure.
    """
    if database not in DATABASES:
        return Failure(UnknownDatabase(database, DATABASES))
    loaded = load_migration_set(database, places.migrations_dir)
    if isinstance(loaded, Failure):
        return Failure(loaded.failure())
    migration_set = loaded.unwrap()
    chosen = _version(migration_set, version)
    if isinstance(chosen, Failure):
        return Failure(chosen.failure())
    at = chosen.unwrap()
    replayed = schema_at(migration_set, at)
    if isinstance(replayed, Failure):
        return Failure(replayed.failure())
    return _script(database, at, replayed.unwrap()).map(
        lambda script: ExpectedSchema(database, str(at), script)
    )
