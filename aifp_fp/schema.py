"""An SQLite schema as immutable values, and the differences between two of them.

Every expression or definition is kept in its normalized form (the token tuple
of ``sqltext.normalized``), so comments, whitespace, keyword case and name
quoting never make two schemas differ. Names compare case-insensitively, as
SQLite compares them. Each object also keeps its original ``CREATE`` text
(``sql``, never compared) for rendering.

A schema leaves out SQLite's internal ``sqlite_*`` objects, the tool's own
``schema_history`` table and the shadow tables of virtual tables (they belong
to the virtual table). Building a schema from SQL text is ``schemaparse``'s job.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

import attrs

from aifp_fp.tables import HISTORY_TABLE
from aifp_fp.value import Value

EXCLUDED_TABLES = frozenset({HISTORY_TABLE})
"""Tables of the tool itself, never part of a schema (lower-cased)."""


def fold(name: str) -> str:
    """Return ``name`` as SQLite compares names: ASCII letters case-folded."""
    return name.lower()


def is_internal(name: str) -> bool:
    """Return whether a name belongs to SQLite (``sqlite_*``) or to the tool itself."""
    folded = fold(name)
    return folded.startswith("sqlite_") or folded in EXCLUDED_TABLES


def compact(words: tuple[str, ...]) -> str:
    """Return normalized tokens as readable text (a space only between two words)."""
    out: list[str] = []
    previous = ""
    for word in words:
        if out and _wordlike(previous) and _wordlike(word):
            out.append(" ")
        out.append(word)
        previous = word
    return "".join(out)


def _wordlike(word: str) -> bool:
    return bool(word) and (word[0].isalnum() or word[0] in "_'\"$?:@")


@attrs.frozen(slots=True, repr=False)
class ForeignKey(Value):
    """A foreign key: child columns, parent table and columns, actions, deferral.

    Names are upper-cased; ``ref_columns`` is empty when the parent's primary
    key is meant.
    """

    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    initially_deferred: bool = False

    def describe(self) -> str:
        """Return the foreign key as one readable line."""
        target = f"{self.ref_table}({', '.join(self.ref_columns)})"
        text = f"({', '.join(self.columns)}) REFERENCES {target}"
        text += f" ON DELETE {self.on_delete} ON UPDATE {self.on_update}"
        return text + (" DEFERRABLE INITIALLY DEFERRED" if self.initially_deferred else "")


@attrs.frozen(slots=True, repr=False)
class Column(Value):
    """One column of a table, with everything that is declared on it."""

    name: str = attrs.field(eq=fold)
    type: str
    """Declared type, normalized (``""`` when none is declared)."""
    not_null: bool = False
    default: tuple[str, ...] | None = None
    """The DEFAULT expression, normalized; ``None`` when there is none."""
    pk: int = 0
    """1-based position in the primary key; 0 when not part of it."""
    collate: str | None = None
    generated: tuple[str, ...] | None = None
    """The expression of a generated column, normalized."""
    stored: bool = False
    """Whether a generated column is STORED (rather than VIRTUAL)."""
    checks: tuple[tuple[str, ...], ...] = ()
    """Column-level CHECK expressions, normalized."""
    references: ForeignKey | None = None
    """A column-level REFERENCES clause."""
    definition: str = attrs.field(default="", eq=False)
    """The column definition as written in the CREATE TABLE text."""


@attrs.frozen(slots=True, repr=False)
class Table(Value):
    """An ordinary table: its columns in order and its table-level constraints."""

    name: str = attrs.field(eq=fold)
    columns: tuple[Column, ...]
    checks: frozenset[tuple[str, ...]] = frozenset()
    """Table-level CHECK expressions, normalized."""
    uniques: frozenset[tuple[str, ...]] = frozenset()
    """UNIQUE column sets (column-level ones included), each term normalized text."""
    foreign_keys: frozenset[ForeignKey] = frozenset()
    """Table-level FOREIGN KEY clauses (column-level ones sit on their column)."""
    autoincrement: bool = False
    without_rowid: bool = False
    strict: bool = False
    sql: str = attrs.field(default="", eq=False)

    def column(self, name: str) -> Column | None:
        """Return the column called ``name`` (any case), or ``None``."""
        return next((c for c in self.columns if fold(c.name) == fold(name)), None)

    def column_names(self) -> tuple[str, ...]:
        """Return the column names in order, as declared."""
        return tuple(c.name for c in self.columns)


@attrs.frozen(slots=True, repr=False)
class Index(Value):
    """An index created with CREATE INDEX (automatic indexes are not objects here)."""

    name: str = attrs.field(eq=fold)
    table: str = attrs.field(eq=fold)
    unique: bool
    terms: tuple[tuple[str, ...], ...]
    """Indexed columns or expressions with their COLLATE/ASC/DESC, normalized."""
    where: tuple[str, ...] | None = None
    """The WHERE clause of a partial index, normalized."""
    sql: str = attrs.field(default="", eq=False)


@attrs.frozen(slots=True, repr=False)
class Trigger(Value):
    """A trigger: the table it is on and its whole definition, normalized."""

    name: str = attrs.field(eq=fold)
    table: str = attrs.field(eq=fold)
    definition: tuple[str, ...]
    sql: str = attrs.field(default="", eq=False)


@attrs.frozen(slots=True, repr=False)
class View(Value):
    """A view and its whole definition, normalized."""

    name: str = attrs.field(eq=fold)
    definition: tuple[str, ...]
    sql: str = attrs.field(default="", eq=False)


@attrs.frozen(slots=True, repr=False)
class VirtualTable(Value):
    """A virtual table (FTS5 included): module and arguments; shadow tables belong to it."""

    name: str = attrs.field(eq=fold)
    module: str
    """Module name, upper-cased (``FTS5``, ``RTREE``, ...)."""
    arguments: tuple[tuple[str, ...], ...]
    """Module arguments, each normalized."""
    columns: tuple[str, ...] = attrs.field(default=(), eq=False)
    """Column names, for copying rows (derived from ``arguments``)."""
    sql: str = attrs.field(default="", eq=False)

    def option(self, key: str) -> str | None:
        """Return the value of a ``key=value`` module argument, unquoted, or ``None``."""
        wanted = key.upper()
        for argument in self.arguments:
            if len(argument) >= 3 and argument[0] == wanted and argument[1] == "=":
                return _unquoted(argument[2])
        return None


def _unquoted(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1].replace(text[0] * 2, text[0])
    return text


_T = TypeVar("_T", Table, Index, Trigger, View, VirtualTable)


def _tables(objects: Iterable[Table]) -> tuple[Table, ...]:
    return tuple(sorted(objects, key=lambda o: fold(o.name)))


def _indexes(objects: Iterable[Index]) -> tuple[Index, ...]:
    return tuple(sorted(objects, key=lambda o: fold(o.name)))


def _triggers(objects: Iterable[Trigger]) -> tuple[Trigger, ...]:
    return tuple(sorted(objects, key=lambda o: fold(o.name)))


def _views(objects: Iterable[View]) -> tuple[View, ...]:
    return tuple(sorted(objects, key=lambda o: fold(o.name)))


def _virtual_tables(objects: Iterable[VirtualTable]) -> tuple[VirtualTable, ...]:
    return tuple(sorted(objects, key=lambda o: fold(o.name)))


@attrs.frozen(slots=True, repr=False)
class Schema(Value):
    """A whole schema: each kind of object as a tuple sorted by folded name."""

    tables: tuple[Table, ...] = attrs.field(default=(), converter=_tables)
    indexes: tuple[Index, ...] = attrs.field(default=(), converter=_indexes)
    triggers: tuple[Trigger, ...] = attrs.field(default=(), converter=_triggers)
    views: tuple[View, ...] = attrs.field(default=(), converter=_views)
    virtual_tables: tuple[VirtualTable, ...] = attrs.field(default=(), converter=_virtual_tables)

    def table(self, name: str) -> Table | None:
        """Return the ordinary table called ``name`` (any case), or ``None``."""
        return _find(self.tables, name)

    def names(self) -> frozenset[str]:
        """Return the folded names of every object of the schema."""
        every: tuple[Table | Index | Trigger | View | VirtualTable, ...] = (
            *self.tables,
            *self.indexes,
            *self.triggers,
            *self.views,
            *self.virtual_tables,
        )
        return frozenset(fold(o.name) for o in every)


def _find(objects: tuple[_T, ...], name: str) -> _T | None:
    return next((o for o in objects if fold(o.name) == fold(name)), None)


def _keyed(objects: tuple[_T, ...]) -> dict[str, _T]:
    return {fold(o.name): o for o in objects}


def _column_differences(table: str, a: Column, b: Column) -> tuple[str, ...]:
    prefix = f"table {table}: column {a.name}"
    lines: list[str] = []
    if a.type != b.type:
        lines.append(f"{prefix} type {a.type or '(none)'} != {b.type or '(none)'}")
    if a.not_null != b.not_null:
        lines.append(f"{prefix} NOT NULL {'present' if a.not_null else 'absent'} vs not")
    if a.default != b.default:
        lines.append(f"{prefix} default differs")
    if a.pk != b.pk:
        lines.append(f"{prefix} primary key position {a.pk} != {b.pk}")
    if a.collate != b.collate:
        lines.append(f"{prefix} collation differs")
    if (a.generated, a.stored) != (b.generated, b.stored):
        lines.append(f"{prefix} generated expression differs")
    if a.checks != b.checks:
        lines.append(f"{prefix} CHECK constraints differ")
    if a.references != b.references:
        lines.append(f"{prefix} REFERENCES differs")
    return tuple(lines)


def _set_differences(label: str, expected: Iterable[str], actual: Iterable[str]) -> tuple[str, ...]:
    left, right = set(expected), set(actual)
    missing = sorted(left - right)
    extra = sorted(right - left)
    return tuple(f"{label} {text} missing" for text in missing) + tuple(
        f"{label} {text} unexpected" for text in extra
    )


def canonical(table: Table) -> Table:
    """Return ``table`` with column-level CHECKs and REFERENCES moved to table level.

    SQLite treats a CHECK or FOREIGN KEY the same wherever it is declared, and
    AIFP's facts list both levels alike, so comparisons do not count placement.
    """
    checks = set(table.checks)
    keys = set(table.foreign_keys)
    columns: list[Column] = []
    for column in table.columns:
        checks.update(column.checks)
        if column.references is not None:
            reference = column.references
            if not reference.columns:
                reference = attrs.evolve(reference, columns=(column.name.upper(),))
            keys.add(reference)
        columns.append(attrs.evolve(column, checks=(), references=None))
    return attrs.evolve(
        table, columns=tuple(columns), checks=frozenset(checks), foreign_keys=frozenset(keys)
    )


def table_differences(a: Table, b: Table) -> tuple[str, ...]:
    """Return the lines naming how table ``b`` differs from ``a``; empty when equal.

    Where a CHECK or FOREIGN KEY is declared (on its column or on the table)
    is not a difference (see ``canonical``).
    """
    a, b = canonical(a), canonical(b)
    name = a.name
    lines: list[str] = []
    a_cols = {fold(c.name): c for c in a.columns}
    b_cols = {fold(c.name): c for c in b.columns}
    lines += [
        f"table {name}: column {c.name} missing" for c in a.columns if fold(c.name) not in b_cols
    ]
    lines += [
        f"table {name}: column {c.name} unexpected" for c in b.columns if fold(c.name) not in a_cols
    ]
    for key, column in a_cols.items():
        if key in b_cols:
            lines += _column_differences(name, column, b_cols[key])
    shared_a = [fold(c.name) for c in a.columns if fold(c.name) in b_cols]
    shared_b = [fold(c.name) for c in b.columns if fold(c.name) in a_cols]
    if shared_a != shared_b:
        lines.append(f"table {name}: column order differs")
    lines += _set_differences(
        f"table {name}: CHECK", map(compact, a.checks), map(compact, b.checks)
    )
    lines += _set_differences(
        f"table {name}: UNIQUE",
        (f"({', '.join(u)})" for u in a.uniques),
        (f"({', '.join(u)})" for u in b.uniques),
    )
    lines += _set_differences(
        f"table {name}: FOREIGN KEY",
        (fk.describe() for fk in a.foreign_keys),
        (fk.describe() for fk in b.foreign_keys),
    )
    for flag in ("autoincrement", "without_rowid", "strict"):
        if getattr(a, flag) != getattr(b, flag):
            lines.append(f"table {name}: {flag.upper().replace('_', ' ')} differs")
    return tuple(lines)


def _kind_differences(kind: str, a: tuple[_T, ...], b: tuple[_T, ...]) -> tuple[str, ...]:
    left, right = _keyed(a), _keyed(b)
    lines: list[str] = []
    for key, item in left.items():
        other = right.get(key)
        if other is None:
            lines.append(f"{kind} {item.name}: missing")
        elif item != other:
            if isinstance(item, Table) and isinstance(other, Table):
                lines += table_differences(item, other)
            else:
                lines.append(f"{kind} {item.name}: definition differs")
    lines += [f"{kind} {item.name}: unexpected" for key, item in right.items() if key not in left]
    return tuple(lines)


def schema_differences(a: Schema, b: Schema) -> tuple[str, ...]:
    """Return one readable line per difference of ``b`` (actual) from ``a`` (expected).

    "missing" means present in ``a`` only, "unexpected" present in ``b`` only.
    The result is empty exactly when the two schemas are equal.
    """
    return (
        _kind_differences("table", a.tables, b.tables)
        + _kind_differences("virtual table", a.virtual_tables, b.virtual_tables)
        + _kind_differences("index", a.indexes, b.indexes)
        + _kind_differences("view", a.views, b.views)
        + _kind_differences("trigger", a.triggers, b.triggers)
    )
