"""The closed set of failures the core reports, as values.

The shell turns each into one message and one exit code, in one place
(``aifp_shell.messages``); matching there is exhaustive, so adding a class
here makes the type checker point at the place that must say something about it.
"""

from __future__ import annotations

from typing import TypeAlias

import attrs

from aifp_fp.value import Value


@attrs.frozen(slots=True, repr=False)
class MalformedFileName(Value):
    """A file in a migrations folder whose name does not follow the grammar."""

    database: str
    file: str
    reason: str


@attrs.frozen(slots=True, repr=False)
class DuplicateStep(Value):
    """Two or more files claim the same step (or the same initial schema)."""

    database: str
    files: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class UnreachableStep(Value):
    """A step that starts at a version no path from an initial schema reaches."""

    database: str
    file: str
    version: str


@attrs.frozen(slots=True, repr=False)
class OrphanRollback(Value):
    """A rollback file that inverts no forward step."""

    database: str
    file: str


@attrs.frozen(slots=True, repr=False)
class NoMigrations(Value):
    """A database whose migrations folder holds no migration file."""

    database: str
    folder: str


@attrs.frozen(slots=True, repr=False)
class UnknownDatabase(Value):
    """A database name that is not one of AIFP's four."""

    name: str
    known: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class BadVersion(Value):
    """A version given by the user that is not a version at all."""

    text: str


@attrs.frozen(slots=True, repr=False)
class UnknownVersion(Value):
    """A version that no migration file of the database names."""

    database: str
    version: str
    known: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class DatabaseAhead(Value):
    """The database is at a version newer than every version the tool knows."""

    database: str
    version: str
    latest: str


@attrs.frozen(slots=True, repr=False)
class NoPath(Value):
    """No chain of steps leads from one version to the other in that direction."""

    database: str
    from_version: str
    to_version: str
    direction: str


@attrs.frozen(slots=True, repr=False)
class NoRollback(Value):
    """A step to undo has no rollback file."""

    database: str
    file: str
    from_version: str
    to_version: str


@attrs.frozen(slots=True, repr=False)
class ForbiddenStatement(Value):
    """A statement a migration file may not run (it would escape the transaction)."""

    database: str
    file: str
    line: int
    statement: str
    reason: str


@attrs.frozen(slots=True, repr=False)
class UnterminatedStatement(Value):
    """Text at the end of a migration file that is not a complete statement."""

    database: str
    file: str
    line: int
    statement: str


@attrs.frozen(slots=True, repr=False)
class NotInvertible(Value):
    """A step without a rollback file whose inverse cannot be computed safely.

    ``reasons`` name the data the forward step changed that no inverse can
    bring back (a dropped table or column, rows updated or deleted), or why the
    schemas around the step are unknown.
    """

    database: str
    file: str
    from_version: str
    to_version: str
    reasons: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class UnreadableDefinition(Value):
    """An object whose CREATE text the differ cannot rewrite (e.g. no table name found)."""

    kind: str
    name: str
    reason: str


DiffError: TypeAlias = UnreadableDefinition
"""What can stop a migration from being computed between two schemas."""


SetError: TypeAlias = (
    MalformedFileName | DuplicateStep | UnreachableStep | OrphanRollback | NoMigrations
)
"""What can be wrong with a database's migration files."""

PlanError: TypeAlias = (
    UnknownDatabase
    | BadVersion
    | UnknownVersion
    | DatabaseAhead
    | NoPath
    | NoRollback
    | NotInvertible
    | ForbiddenStatement
    | UnterminatedStatement
)
"""What can stop a plan from being made for a valid migration set."""

CoreError: TypeAlias = SetError | PlanError
"""Every failure the core reports."""
