"""Whether a statement's effect already holds, decided from what the database has."""

from __future__ import annotations

from typing import TypeAlias

import attrs

from aifp_fp.sqltext import Statement
from aifp_fp.statement import (
    AddColumn,
    CreateObject,
    DropObject,
    OtherStatement,
    StatementKind,
    column_definitions,
    object_signature,
)


@attrs.frozen(slots=True)
class ExistingObject:
    """An object of the live database: its type, name and stored CREATE text."""

    object_type: str
    name: str
    sql: str | None


@attrs.frozen(slots=True)
class Execute:
    """Run the statement."""


@attrs.frozen(slots=True)
class Skip:
    """Do not run the statement: its effect already holds."""

    reason: str


@attrs.frozen(slots=True)
class Conflict:
    """The statement would clash with an existing, different object."""

    reason: str
    existing_sql: str | None


Decision: TypeAlias = Execute | Skip | Conflict


def decide(statement: Statement, kind: StatementKind, existing: ExistingObject | None) -> Decision:
    """Return whether to run, skip or refuse a statement given the object it names.

    ``existing`` is the live object the statement names (for ADD COLUMN: its
    table), or ``None`` when there is none. A CREATE of an identical object, an
    ADD COLUMN of an identical column and a DROP of a missing object are
    skipped; a CREATE or ADD COLUMN that meets a different object conflicts.
    """
    match kind:
        case CreateObject(object_type=object_type, name=name):
            if existing is None:
                return Execute()
            if existing.object_type != object_type:
                return Conflict(
                    f"{object_type} {name} cannot be created: a {existing.object_type} "
                    "of that name exists",
                    existing.sql,
                )
            if existing.sql is not None and object_signature(existing.sql) == object_signature(
                statement.tokens
            ):
                return Skip(f"{object_type} {name} already exists, identical")
            return Conflict(
                f"{object_type} {name} already exists with a different definition",
                existing.sql,
            )
        case DropObject(object_type=object_type, name=name):
            if existing is None:
                return Skip(f"{object_type} {name} does not exist")
            return Execute()
        case AddColumn(table=table, column=column, definition=definition):
            if existing is None or existing.sql is None:
                return Execute()
            current = column_definitions(existing.sql).get(column.upper())
            if current is None:
                return Execute()
            if current == definition:
                return Skip(f"column {table}.{column} already exists, identical")
            return Conflict(
                f"column {table}.{column} already exists with a different definition: "
                + " ".join(current),
                existing.sql,
            )
        case OtherStatement():
            return Execute()
