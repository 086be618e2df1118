"""Schema operations as values: what a computed migration does, each with its SQL.

Every operation carries the statements that perform it (``statements``), so a
migration renders by concatenation; the operation's other fields say what it
does, for tests, dry runs and reports.
"""

from __future__ import annotations

from typing import TypeAlias

import attrs

from aifp_fp.errors import DiffError, UnreadableDefinition
from aifp_fp.value import Value

__all__ = ["DiffError", "UnreadableDefinition"]


@attrs.frozen(slots=True, repr=False)
class CreateTable(Value):
    """Create a table that only the target schema has."""

    table: str
    statements: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class DropTable(Value):
    """Drop a table that only the source schema has (its rows are lost)."""

    table: str
    statements: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class AddColumn(Value):
    """``ALTER TABLE ... ADD COLUMN``: a column SQLite can append in place."""

    table: str
    column: str
    statements: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class DropColumn(Value):
    """``ALTER TABLE ... DROP COLUMN``: a column SQLite can remove in place."""

    table: str
    column: str
    statements: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class RebuildTable(Value):
    """SQLite's table rebuild: create the new table, copy rows, drop, rename."""

    table: str
    copied_columns: tuple[str, ...]
    """The columns whose values are copied (present in both schemas)."""
    statements: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class CreateIndex(Value):
    """Create an index of the target schema (new, changed, or on a rebuilt table)."""

    index: str
    statements: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class DropIndex(Value):
    """Drop an index that the target schema lacks or defines differently."""

    index: str
    statements: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class CreateTrigger(Value):
    """Create a trigger of the target schema."""

    trigger: str
    statements: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class DropTrigger(Value):
    """Drop a trigger that is removed, changed, or in the way of a rebuild."""

    trigger: str
    statements: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class CreateView(Value):
    """Create a view of the target schema."""

    view: str
    statements: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class DropView(Value):
    """Drop a view that is removed, changed, or in the way of a rebuild."""

    view: str
    statements: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class CreateVirtualTable(Value):
    """Create a virtual table (an external-content FTS table is repopulated)."""

    table: str
    statements: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class DropVirtualTable(Value):
    """Drop a virtual table with its shadow tables."""

    table: str
    statements: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class RebuildVirtualTable(Value):
    """Recreate a changed virtual table and bring its rows or index back."""

    table: str
    statements: tuple[str, ...]


Operation: TypeAlias = (
    CreateTable
    | DropTable
    | AddColumn
    | DropColumn
    | RebuildTable
    | CreateIndex
    | DropIndex
    | CreateTrigger
    | DropTrigger
    | CreateView
    | DropView
    | CreateVirtualTable
    | DropVirtualTable
    | RebuildVirtualTable
)
"""Every kind of operation a computed migration is made of."""


@attrs.frozen(slots=True, repr=False)
class Migration(Value):
    """An ordered list of operations and notes on data that cannot be brought back."""

    operations: tuple[Operation, ...]
    notes: tuple[str, ...] = ()
    checked_tables: tuple[str, ...] | None = None
    """The tables whose foreign keys the operations can break (``check_scope.foreign_scope``);
    None: check the whole database."""

    def statements(self) -> tuple[str, ...]:
        """Return every statement of every operation, in order."""
        return tuple(s for op in self.operations for s in op.statements)
