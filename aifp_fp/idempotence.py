"""Whether a statement's effect already holds, decided from what the database has."""

from __future__ import annotations

from typing import TypeAlias

import attrs

from aifp_fp.schema import (
    Column,
    ForeignKey,
    Index,
    Table,
    Trigger,
    View,
    VirtualTable,
    canonical,
    table_differences,
)
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
from aifp_fp.value import Value


@attrs.frozen(slots=True, repr=False)
class ExistingObject(Value):
    """An object of the live database: its type, name and stored CREATE text."""

    object_type: str
    name: str
    sql: str | None


@attrs.frozen(slots=True, repr=False)
class Execute(Value):
    """Run the statement."""


@attrs.frozen(slots=True, repr=False)
class Skip(Value):
    """Do not run the statement: its effect already holds."""

    reason: str


@attrs.frozen(slots=True, repr=False)
class Conflict(Value):
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


SchemaObject: TypeAlias = Table | Index | Trigger | View | VirtualTable
"""One object of a schema model, as ``decide_on_models`` compares it."""

_KINDS = {Table: "table", Index: "index", Trigger: "trigger", View: "view", VirtualTable: "table"}


def _object_differences(existing: SchemaObject, produced: SchemaObject) -> tuple[str, ...]:
    if isinstance(existing, Table) and isinstance(produced, Table):
        return table_differences(existing, produced)
    if type(existing) is not type(produced):
        return (f"{existing.name} is a {type(existing).__name__}, not a {type(produced).__name__}",)
    return (f"{_KINDS[type(existing)]} {existing.name}: definition differs",)


def _same_column_by_meaning(live: Column, produced: Column, table: Table | None) -> bool:
    """Whether ``produced`` is ``live`` with its CHECK/REFERENCES declared elsewhere on the table.

    SQLite enforces a CHECK or FOREIGN KEY the same at column or table level; a
    column added with ``ADD COLUMN c ... CHECK (c IN (...))`` already holds on a
    table that declares that CHECK at table level.
    """
    if table is None:
        return False
    bare = attrs.evolve(live, checks=(), references=None)
    if bare != attrs.evolve(produced, checks=(), references=None):
        return False
    whole = canonical(table)
    produced_keys = () if produced.references is None else (produced.references,)
    live_keys = () if live.references is None else (live.references,)

    def key_of(reference: ForeignKey) -> ForeignKey:
        if reference.columns:
            return reference
        return attrs.evolve(reference, columns=(live.name.upper(),))

    return (
        set(produced.checks) <= whole.checks
        and set(live.checks) <= set(produced.checks)
        and {key_of(k) for k in produced_keys} <= whole.foreign_keys
        and {key_of(k) for k in live_keys} <= {key_of(k) for k in produced_keys}
    )


def decide_on_models(
    kind: CreateObject | AddColumn,
    existing: SchemaObject | Column,
    produced: SchemaObject | Column,
    existing_sql: str | None,
    existing_table: Table | None = None,
) -> Skip | Conflict:
    """Return Skip when the live object (or column) equals what the statement would make.

    ``existing`` is the model of the live object the statement names (for ADD
    COLUMN: the live column, and ``existing_table`` its table), ``produced`` the
    model the statement builds on its own. Equal models mean the effect already
    holds, whatever the text looks like (quoting, constraint order, column-level
    vs table-level UNIQUE, CHECK or FOREIGN KEY); different ones are a Conflict
    that names each difference.
    """
    if isinstance(kind, AddColumn):
        assert isinstance(existing, Column) and isinstance(produced, Column)
        if existing == produced or _same_column_by_meaning(existing, produced, existing_table):
            return Skip(f"column {kind.table}.{kind.column} already exists, identical")
        lines = table_differences(Table(kind.table, (existing,)), Table(kind.table, (produced,)))
        return Conflict(
            f"column {kind.table}.{kind.column} already exists with a different definition: "
            + "; ".join(lines),
            existing_sql,
        )
    assert not isinstance(existing, Column) and not isinstance(produced, Column)
    if existing == produced:
        return Skip(f"{kind.object_type} {kind.name} already exists, identical")
    return Conflict(
        f"{kind.object_type} {kind.name} already exists with a different definition: "
        + "; ".join(_object_differences(existing, produced)),
        existing_sql,
    )
