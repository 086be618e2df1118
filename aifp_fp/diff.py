"""Computing the migration that turns one schema into another.

The cheapest correct operation each time: ``ADD COLUMN`` and ``DROP COLUMN``
where SQLite allows them, otherwise SQLite's documented table rebuild (create
``new_X`` with the target definition, copy the shared columns, drop ``X``,
rename). Triggers and views that name a rebuilt or dropped object, wherever
they sit, are dropped before and recreated after (with
``legacy_alter_table=OFF`` the rename fails otherwise).

Order: triggers, views and indexes that go away or change are dropped first;
then tables are dropped, altered, rebuilt and created; then virtual tables,
indexes, views (in dependency order) and triggers are created.

Nothing invents data: the rebuild's ``INSERT`` copies rows into a table with
the target's constraints, so rows that break a new NOT NULL, CHECK or UNIQUE
make that statement fail with SQLite's own message, and the whole script with
it. Foreign keys are checked by the runner (or the wrapped script's guard)
before ``COMMIT``.
"""

from __future__ import annotations

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.check_scope import foreign_scope
from aifp_fp.ops import (
    AddColumn,
    CreateIndex,
    CreateTable,
    CreateTrigger,
    CreateView,
    CreateVirtualTable,
    DiffError,
    DropColumn,
    DropIndex,
    DropTable,
    DropTrigger,
    DropView,
    DropVirtualTable,
    Migration,
    Operation,
    RebuildTable,
    RebuildVirtualTable,
    UnreadableDefinition,
)
from aifp_fp.render import quote, renamed_create, string, terminated
from aifp_fp.schema import Column, Index, Schema, Table, Trigger, View, VirtualTable, fold
from aifp_fp.value import Value

_ROWID_NAMES = frozenset({"rowid", "_rowid_", "oid"})
_COPYABLE_MODULES = frozenset({"FTS5", "FTS4", "FTS3", "RTREE", "RTREE_I32"})


@attrs.frozen(slots=True, repr=False)
class _ColumnChanges(Value):
    """A table change SQLite can make in place: columns dropped, then columns appended."""

    dropped: tuple[Column, ...]
    added: tuple[Column, ...]


def _without(table: Table, columns: tuple[Column, ...]) -> Table:
    return attrs.evolve(table, columns=columns, sql="")


def _is_literal(words: tuple[str, ...]) -> bool:
    """Return whether a normalized DEFAULT is a literal, optionally signed (SQLite's "constant")."""
    if words[:1] in (("-",), ("+",)):
        words = words[1:]
    if len(words) != 1:
        return False
    word = words[0]
    return word[0].isdigit() or word[0] in "'." or word in ("NULL", "TRUE", "FALSE")


def can_add_column(column: Column) -> bool:
    """Return whether ``ALTER TABLE ADD COLUMN`` accepts this column definition."""
    if column.pk or (column.generated is not None and column.stored):
        return False
    default = column.default
    null_default = default is None or default == ("NULL",)
    if column.generated is None and column.not_null and null_default:
        return False
    if default is not None and not _is_literal(default):
        return False
    return column.references is None or null_default


def column_changes(a: Table, b: Table) -> _ColumnChanges | None:
    """Return the in-place column changes from ``a`` to ``b``; ``None`` if it needs a rebuild.

    In place means: columns of ``a`` missing from ``b`` are dropped, new columns
    are appended at the end of ``b``'s list, and nothing else differs.
    """
    b_names = {fold(c.name) for c in b.columns}
    a_names = {fold(c.name) for c in a.columns}
    kept = tuple(c for c in a.columns if fold(c.name) in b_names)
    dropped = tuple(c for c in a.columns if fold(c.name) not in b_names)
    added = b.columns[len(kept) :]
    if any(fold(c.name) in a_names for c in added):
        return None
    if _without(a, kept) != _without(b, b.columns[: len(kept)]):
        return None
    if any(c.pk or c.generated is not None for c in dropped):
        return None
    if dropped and not kept:  # SQLite cannot drop a table's last column: rebuild
        return None
    if not all(can_add_column(c) for c in added):
        return None
    return _ColumnChanges(dropped, added)


def _mentions(words: tuple[str, ...], name: str) -> bool:
    return name.upper() in words


def _new_name(base: str, taken: set[str]) -> str:
    candidate, number = f"new_{base}", 1
    while fold(candidate) in taken:
        number += 1
        candidate = f"new_{base}_{number}"
    taken.add(fold(candidate))
    return candidate


def _has_rowid_alias(table: Table) -> bool:
    keys = [c for c in table.columns if c.pk]
    return len(keys) == 1 and keys[0].type == "INTEGER"


def _copies_rowid(a: Table, b: Table) -> bool:
    names = {fold(c.name) for c in (*a.columns, *b.columns)}
    return (
        not a.without_rowid
        and not b.without_rowid
        and not _has_rowid_alias(b)
        and not names & _ROWID_NAMES
    )


def _rebuild(a: Table, b: Table, temporary: str) -> Result[RebuildTable, DiffError]:
    create = renamed_create(b.sql, temporary)
    if create is None:
        return Failure(UnreadableDefinition("table", b.name, "no table name found in CREATE TABLE"))
    a_names = {fold(c.name) for c in a.columns}
    shared = tuple(c.name for c in b.columns if fold(c.name) in a_names and c.generated is None)
    statements = [create]
    targets = list(map(quote, shared))
    sources = list(map(quote, shared))
    if _copies_rowid(a, b):
        targets.insert(0, "rowid")
        sources.insert(0, "rowid")
    if shared:
        statements.append(
            f"INSERT INTO {quote(temporary)} ({', '.join(targets)})"
            f" SELECT {', '.join(sources)} FROM {quote(a.name)};"
        )
    if a.autoincrement and b.autoincrement:
        statements += [
            f"DELETE FROM sqlite_sequence WHERE name = {string(temporary)};",
            f"INSERT INTO sqlite_sequence (name, seq) SELECT {string(temporary)}, seq"
            f" FROM sqlite_sequence WHERE name = {string(a.name)};",
        ]
    statements += [
        f"DROP TABLE {quote(a.name)};",
        f"ALTER TABLE {quote(temporary)} RENAME TO {quote(b.name)};",
    ]
    return Success(RebuildTable(b.name, shared, tuple(statements)))


def _external_content(table: VirtualTable) -> bool:
    content = table.option("content")
    return content is not None and content != ""


def _create_virtual(table: VirtualTable) -> CreateVirtualTable:
    statements = [terminated(table.sql)]
    if _external_content(table):
        statements.append(
            f"INSERT INTO {quote(table.name)} ({quote(table.name)}) VALUES ('rebuild');"
        )
    return CreateVirtualTable(table.name, tuple(statements))


def _drop_virtual(table: VirtualTable) -> DropVirtualTable:
    return DropVirtualTable(table.name, (f"DROP TABLE {quote(table.name)};",))


def _rebuild_virtual(
    a: VirtualTable, b: VirtualTable, temporary: str
) -> Result[tuple[RebuildVirtualTable, str | None], DiffError]:
    copyable = (
        a.module == b.module
        and b.module in _COPYABLE_MODULES
        and a.option("content") is None
        and b.option("content") is None
    )
    if not copyable:
        statements = (*_drop_virtual(a).statements, *_create_virtual(b).statements)
        lost = None if _external_content(b) else f"virtual table {a.name} is recreated empty"
        return Success((RebuildVirtualTable(b.name, statements), lost))
    create = renamed_create(b.sql, temporary)
    if create is None:
        return Failure(UnreadableDefinition("virtual table", b.name, "no table name found"))
    a_names = {fold(c) for c in a.columns}
    shared = [quote(c) for c in b.columns if fold(c) in a_names]
    statements = (
        create,
        f"INSERT INTO {quote(temporary)} ({', '.join(['rowid', *shared])})"
        f" SELECT {', '.join(['rowid', *shared])} FROM {quote(a.name)};",
        f"DROP TABLE {quote(a.name)};",
        f"ALTER TABLE {quote(temporary)} RENAME TO {quote(b.name)};",
    )
    return Success((RebuildVirtualTable(b.name, statements), None))


def _view_order(views: tuple[View, ...]) -> tuple[View, ...]:
    """Return views so that each comes after every view it names."""
    done: list[View] = []
    remaining = list(views)
    while remaining:
        ready = [
            v
            for v in remaining
            if not any(o is not v and _mentions(v.definition, o.name) for o in remaining)
        ]
        ready = ready or remaining[:1]
        done += ready
        remaining = [v for v in remaining if v not in ready]
    return tuple(done)


@attrs.frozen(slots=True, repr=False)
class _TablePlan(Value):
    operations: tuple[Operation, ...]
    notes: tuple[str, ...]
    rebuilt: frozenset[str]
    """Folded names of tables and virtual tables that are dropped, rebuilt or recreated."""
    dropped_columns: tuple[tuple[str, str], ...]


def _table_phase(a: Schema, b: Schema) -> Result[_TablePlan, DiffError]:
    taken = set(a.names() | b.names())
    a_tables = {fold(t.name): t for t in a.tables}
    b_tables = {fold(t.name): t for t in b.tables}
    a_virtual = {fold(t.name): t for t in a.virtual_tables}
    b_virtual = {fold(t.name): t for t in b.virtual_tables}
    drops: list[Operation] = []
    changes: list[Operation] = []
    creates: list[Operation] = []
    notes: list[str] = []
    rebuilt: set[str] = set()
    dropped_columns: list[tuple[str, str]] = []
    for key, old_virtual in a_virtual.items():
        if key not in b_virtual:
            drops.append(_drop_virtual(old_virtual))
            notes.append(f"virtual table {old_virtual.name} is dropped")
            rebuilt.add(key)
    for key, table in a_tables.items():
        if key not in b_tables:
            drops.append(DropTable(table.name, (f"DROP TABLE {quote(table.name)};",)))
            notes.append(f"table {table.name} is dropped: its rows cannot be brought back")
            rebuilt.add(key)
    for key, new in b_tables.items():
        old = a_tables.get(key)
        if old is None:
            creates.append(CreateTable(new.name, (terminated(new.sql),)))
            continue
        if old == new:
            continue
        changed = column_changes(old, new)
        if changed is None:
            result = _rebuild(old, new, _new_name(new.name, taken))
            if not isinstance(result, Success):
                return Failure(result.failure())
            operation = result.unwrap()
            changes.append(operation)
            rebuilt.add(key)
            kept = {fold(c) for c in operation.copied_columns}
            lost = [c.name for c in old.columns if fold(c.name) not in kept]
            notes += [
                f"column {old.name}.{c} is dropped: its values cannot be brought back" for c in lost
            ]
            continue
        for column in changed.dropped:
            changes.append(
                DropColumn(
                    old.name,
                    column.name,
                    (f"ALTER TABLE {quote(old.name)} DROP COLUMN {quote(column.name)};",),
                )
            )
            dropped_columns.append((old.name, column.name))
            notes.append(
                f"column {old.name}.{column.name} is dropped: its values cannot be brought back"
            )
        for column in changed.added:
            changes.append(
                AddColumn(
                    new.name,
                    column.name,
                    (f"ALTER TABLE {quote(new.name)} ADD COLUMN {column.definition};",),
                )
            )
    virtual_ops: list[Operation] = []
    for key, new_virtual in b_virtual.items():
        old_virtual_or_none = a_virtual.get(key)
        if old_virtual_or_none is None:
            virtual_ops.append(_create_virtual(new_virtual))
            continue
        if old_virtual_or_none == new_virtual:
            continue
        temporary = _new_name(new_virtual.name, taken)
        recreated = _rebuild_virtual(old_virtual_or_none, new_virtual, temporary)
        if not isinstance(recreated, Success):
            return Failure(recreated.failure())
        rebuild, lost_note = recreated.unwrap()
        virtual_ops.append(rebuild)
        notes += [lost_note] if lost_note else []
        rebuilt.add(key)
    return Success(
        _TablePlan(
            (*drops, *changes, *creates, *virtual_ops),
            tuple(notes),
            frozenset(rebuilt),
            tuple(dropped_columns),
        )
    )


def _in_the_way(
    words: tuple[str, ...], rebuilt: frozenset[str], dropped_columns: tuple[tuple[str, str], ...]
) -> bool:
    """Return whether an object naming these words must be dropped around the table changes."""
    if any(_mentions(words, name) for name in rebuilt):
        return True
    return any(_mentions(words, t) and _mentions(words, c) for t, c in dropped_columns)


def diff(a: Schema, b: Schema) -> Result[Migration, DiffError]:
    """Return the migration turning schema ``a`` into schema ``b``, or why it cannot be made.

    The migration keeps the rows of every table and the values of every
    column present in both (matched by name); its notes name what is lost.
    The result is empty exactly when the schemas are equal.
    """
    return _table_phase(a, b).map(lambda plan: _assemble(a, b, plan))


def _assemble(a: Schema, b: Schema, plan: _TablePlan) -> Migration:
    b_views = {fold(v.name): v for v in b.views}
    b_triggers = {fold(t.name): t for t in b.triggers}
    b_indexes = {fold(i.name): i for i in b.indexes}
    a_indexes = {fold(i.name): i for i in a.indexes}
    gone = set(plan.rebuilt)
    recreated_views: list[View] = []
    pending = list(a.views)
    grew = True
    while grew:
        grew = False
        for view in list(pending):
            if b_views.get(fold(view.name)) != view or _in_the_way(
                view.definition, frozenset(gone), plan.dropped_columns
            ):
                recreated_views.append(view)
                pending.remove(view)
                gone.add(fold(view.name))
                grew = True
    gone_names = frozenset(gone)
    recreated_triggers: list[Trigger] = [
        t
        for t in a.triggers
        if b_triggers.get(fold(t.name)) != t
        or _in_the_way(t.definition, gone_names, plan.dropped_columns)
    ]
    rebuilt_tables = {fold(t.table) for t in plan.operations if isinstance(t, RebuildTable)}
    dropped_tables = {fold(t.table) for t in plan.operations if isinstance(t, DropTable)}
    dropped_indexes = [
        i
        for i in a.indexes
        if b_indexes.get(fold(i.name)) != i and fold(i.table) not in rebuilt_tables | dropped_tables
    ]
    ops: list[Operation] = []
    ops += [DropTrigger(t.name, (f"DROP TRIGGER {quote(t.name)};",)) for t in recreated_triggers]
    ops += [
        DropView(v.name, (f"DROP VIEW {quote(v.name)};",))
        for v in reversed(_view_order(tuple(recreated_views)))
    ]
    ops += [DropIndex(i.name, (f"DROP INDEX {quote(i.name)};",)) for i in dropped_indexes]
    ops += plan.operations
    created_indexes = [
        i for i in b.indexes if a_indexes.get(fold(i.name)) != i or fold(i.table) in rebuilt_tables
    ]
    ops += [CreateIndex(i.name, (terminated(i.sql),)) for i in created_indexes]
    kept_views = {fold(v.name) for v in a.views} - {fold(v.name) for v in recreated_views}
    new_views = tuple(v for v in b.views if fold(v.name) not in kept_views)
    ops += [CreateView(v.name, (terminated(v.sql),)) for v in _view_order(new_views)]
    kept_triggers = {fold(t.name) for t in a.triggers} - {fold(t.name) for t in recreated_triggers}
    ops += [
        CreateTrigger(t.name, (terminated(t.sql),))
        for t in b.triggers
        if fold(t.name) not in kept_triggers
    ]
    return Migration(tuple(ops), plan.notes, _checked_tables(tuple(ops), a, b))


_TABLE_OPS = (
    CreateTable,
    DropTable,
    AddColumn,
    DropColumn,
    RebuildTable,
    CreateVirtualTable,
    DropVirtualTable,
    RebuildVirtualTable,
)


def _checked_tables(ops: tuple[Operation, ...], a: Schema, b: Schema) -> tuple[str, ...]:
    """Return the tables of ``b`` whose foreign keys ``ops`` can break (rows or keys moved).

    A rebuild copies every row with its rowid; when it also copies, unchanged,
    every column a child's foreign key points at, the children still find
    their parents, so only the rebuilt table itself is checked.
    """
    touched = frozenset(op.table for op in ops if isinstance(op, _TABLE_OPS))
    rebuilt = {fold(op.table): op for op in ops if isinstance(op, RebuildTable)}
    pairs = tuple(
        (table.name, key.ref_table)
        for table in b.tables
        for key in (
            *table.foreign_keys,
            *(c.references for c in table.columns if c.references is not None),
        )
        if not _keys_kept(rebuilt.get(fold(key.ref_table)), key.ref_columns, a, b)
    )
    return foreign_scope(touched, tuple(t.name for t in b.tables), pairs)


def _keys_kept(
    rebuild: RebuildTable | None, ref_columns: tuple[str, ...], a: Schema, b: Schema
) -> bool:
    """Return whether a rebuild carried the referenced key columns over, copied and unchanged."""
    if rebuild is None:
        return False
    before, after = a.table(rebuild.table), b.table(rebuild.table)
    if before is None or after is None:
        return False
    keys = ref_columns or tuple(c.name for c in sorted(after.columns, key=lambda c: c.pk) if c.pk)
    if not keys:
        return False  # a rowid parent: the rowid is carried only with an INTEGER PRIMARY KEY
    copied = {fold(name) for name in rebuild.copied_columns}
    return (
        before.uniques == after.uniques
        and _unique_indexes(a, rebuild.table) == _unique_indexes(b, rebuild.table)
        and all(fold(name) in copied and before.column(name) == after.column(name) for name in keys)
    )


def _unique_indexes(schema: Schema, table: str) -> frozenset[Index]:
    return frozenset(i for i in schema.indexes if i.unique and fold(i.table) == fold(table))
