"""Hypothesis strategies: valid SQLite schemas, random edits of them, and rows to fill them.

A schema is drawn as a small ``SchemaSpec`` value and rendered to SQL by
``render``; references that an edit left dangling (an index on a dropped
column, a trigger on a dropped table, a foreign key to a table without
``id``) are left out at rendering, so every rendered script is valid.
"""

from __future__ import annotations

import attrs
from hypothesis import strategies as st

from aifp_fp.render import quote

TABLE_NAMES = ("t0", "t1", "t2", "order", "my tab")
COLUMN_NAMES = ("a", "b", "c", "d", "select", "x y")
TYPES = ("INTEGER", "TEXT", "REAL", "BLOB", "NUMERIC", "")
DEFAULTS = (None, "0", "'x'", "-1", "CURRENT_TIMESTAMP", "(1 + 1)", "NULL")
VALUES = (None, 0, 1, 2, "a", "bb", "zz", "A", 1.5, b"\x00")


@attrs.frozen
class ColumnSpec:
    """A column: type, NOT NULL, DEFAULT, CHECK, UNIQUE, COLLATE, a foreign key to an ``id``."""

    name: str
    type: str = ""
    not_null: bool = False
    default: str | None = None
    check: str | None = None
    unique: bool = False
    nocase: bool = False
    references: str | None = None
    cascade: bool = False
    generated: str | None = None
    """``VIRTUAL`` or ``STORED`` for a generated column (its DEFAULT is then left out)."""


@attrs.frozen
class TableSpec:
    """A table, optionally with ``id INTEGER PRIMARY KEY`` first and a table-level CHECK."""

    name: str
    has_id: bool
    columns: tuple[ColumnSpec, ...]
    check: bool = False


@attrs.frozen
class IndexSpec:
    """An index on some columns of a table, maybe UNIQUE or partial."""

    name: str
    table: str
    columns: tuple[str, ...]
    unique: bool = False
    partial: bool = False


@attrs.frozen
class ViewSpec:
    """A view selecting some columns of a table."""

    name: str
    table: str
    columns: tuple[str, ...]


@attrs.frozen
class TriggerSpec:
    """A trigger on one table whose body names another (AIFP's ``items`` pattern)."""

    name: str
    table: str
    other: str


@attrs.frozen
class SchemaSpec:
    """A whole generated schema."""

    tables: tuple[TableSpec, ...]
    indexes: tuple[IndexSpec, ...] = ()
    views: tuple[ViewSpec, ...] = ()
    triggers: tuple[TriggerSpec, ...] = ()

    def table(self, name: str) -> TableSpec | None:
        """Return the table called ``name``, or ``None``."""
        return next((t for t in self.tables if t.name == name), None)


def _column_sql(column: ColumnSpec, schema: SchemaSpec, plain: bool = False) -> str:
    parts = [quote(column.name)]
    parts += [column.type] if column.type else []
    parts += ["NOT NULL"] if column.not_null else []
    if column.generated is not None and not plain:
        parts.append(f"AS (length('abc') + 1) {column.generated}")
    elif column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    parts += ["UNIQUE"] if column.unique else []
    parts += ["COLLATE NOCASE"] if column.nocase else []
    if column.check is not None:
        parts.append(f"CHECK ({column.check.format(quote(column.name))})")
    target = schema.table(column.references) if column.references else None
    if target is not None and target.has_id:
        parts.append(f"REFERENCES {quote(target.name)}(id)")
        parts += ["ON DELETE CASCADE"] if column.cascade else []
    return " ".join(parts)


def table_sql(table: TableSpec, schema: SchemaSpec) -> str:
    """Return the CREATE TABLE statement of a table."""
    parts = ["id INTEGER PRIMARY KEY"] if table.has_id else []
    # A table needs one ordinary column: without ``id``, the first one never is generated.
    parts += [
        _column_sql(c, schema, plain=not table.has_id and at == 0)
        for at, c in enumerate(table.columns)
    ]
    if table.check and len(table.columns) >= 2:
        first, second = (quote(c.name) for c in table.columns[:2])
        parts.append(f"CHECK ({first} IS NOT {second} OR {first} IS NULL)")
    return f"CREATE TABLE {quote(table.name)} ({', '.join(parts)});"


def _column_names(table: TableSpec) -> tuple[str, ...]:
    return (("id",) if table.has_id else ()) + tuple(c.name for c in table.columns)


def render(schema: SchemaSpec) -> str:
    """Return the schema as a script, leaving out whatever refers to something missing."""
    statements = [table_sql(t, schema) for t in schema.tables]
    taken = {t.name for t in schema.tables}
    for index in schema.indexes:
        table = schema.table(index.table)
        columns = [c for c in index.columns if table and c in _column_names(table)]
        if table is None or not columns or index.name in taken:
            continue
        taken.add(index.name)
        unique = "UNIQUE " if index.unique else ""
        where = f" WHERE {quote(columns[0])} IS NOT NULL" if index.partial else ""
        listed = ", ".join(map(quote, columns))
        statements.append(
            f"CREATE {unique}INDEX {quote(index.name)} ON {quote(table.name)} ({listed}){where};"
        )
    for view in schema.views:
        table = schema.table(view.table)
        columns = [c for c in view.columns if table and c in _column_names(table)]
        if table is None or not columns or view.name in taken:
            continue
        taken.add(view.name)
        statements.append(
            f"CREATE VIEW {quote(view.name)} AS SELECT {', '.join(map(quote, columns))}"
            f" FROM {quote(table.name)};"
        )
    for trigger in schema.triggers:
        if schema.table(trigger.table) is None or schema.table(trigger.other) is None:
            continue
        if trigger.name in taken:
            continue
        taken.add(trigger.name)
        statements.append(
            f"CREATE TRIGGER {quote(trigger.name)} AFTER DELETE ON {quote(trigger.table)}"
            f" BEGIN DELETE FROM {quote(trigger.other)} WHERE 0; END;"
        )
    return "\n".join(statements)


CHECKS = (None, "{0} <> 'zz'", "length({0}) < 3")


@st.composite
def columns(draw: st.DrawFn, name: str) -> ColumnSpec:
    """Return a random column definition called ``name``."""
    not_null = draw(st.booleans())
    default = draw(st.sampled_from(DEFAULTS))
    return ColumnSpec(
        name=name,
        type=draw(st.sampled_from(TYPES)),
        not_null=not_null,
        default=default,
        check=draw(st.sampled_from(CHECKS)),
        unique=draw(st.booleans()) and draw(st.booleans()),
        nocase=draw(st.booleans()) and draw(st.booleans()),
        references=draw(st.one_of(st.none(), st.sampled_from(TABLE_NAMES))),
        cascade=draw(st.booleans()),
        generated=draw(st.sampled_from((None, None, None, None, "VIRTUAL", "STORED"))),
    )


@st.composite
def tables(draw: st.DrawFn, name: str) -> TableSpec:
    """Return a random table called ``name`` with one to four columns."""
    names = draw(st.lists(st.sampled_from(COLUMN_NAMES), min_size=1, max_size=4, unique=True))
    return TableSpec(
        name=name,
        has_id=draw(st.booleans()),
        columns=tuple(draw(columns(n)) for n in names),
        check=draw(st.booleans()),
    )


@st.composite
def schemas(draw: st.DrawFn) -> SchemaSpec:
    """Return a random valid schema: tables, indexes, views and triggers."""
    names = draw(st.lists(st.sampled_from(TABLE_NAMES), min_size=1, max_size=3, unique=True))
    made = tuple(draw(tables(n)) for n in names)
    indexes = draw(st.lists(indexes_of(made), max_size=3))
    views = draw(st.lists(views_of(made), max_size=2))
    triggers = draw(st.lists(triggers_of(made), max_size=2))
    return SchemaSpec(made, tuple(indexes), tuple(views), tuple(triggers))


def indexes_of(made: tuple[TableSpec, ...]) -> st.SearchStrategy[IndexSpec]:
    """Return a strategy for indexes on the given tables."""
    return st.builds(
        IndexSpec,
        name=st.sampled_from(("i0", "i1", "i2", "idx x")),
        table=st.sampled_from([t.name for t in made]),
        columns=st.lists(
            st.sampled_from(("id", *COLUMN_NAMES)), min_size=1, max_size=2, unique=True
        ).map(tuple),
        unique=st.booleans(),
        partial=st.booleans(),
    )


def views_of(made: tuple[TableSpec, ...]) -> st.SearchStrategy[ViewSpec]:
    """Return a strategy for views on the given tables."""
    return st.builds(
        ViewSpec,
        name=st.sampled_from(("v0", "v1")),
        table=st.sampled_from([t.name for t in made]),
        columns=st.lists(
            st.sampled_from(("id", *COLUMN_NAMES)), min_size=1, max_size=3, unique=True
        ).map(tuple),
    )


def triggers_of(made: tuple[TableSpec, ...]) -> st.SearchStrategy[TriggerSpec]:
    """Return a strategy for triggers on one given table naming another."""
    names = [t.name for t in made]
    return st.builds(
        TriggerSpec,
        name=st.sampled_from(("tr0", "tr1")),
        table=st.sampled_from(names),
        other=st.sampled_from(names),
    )


def _replace_table(schema: SchemaSpec, table: TableSpec) -> SchemaSpec:
    return attrs.evolve(
        schema, tables=tuple(table if t.name == table.name else t for t in schema.tables)
    )


@st.composite
def edited(draw: st.DrawFn, schema: SchemaSpec) -> SchemaSpec:
    """Return ``schema`` after one random edit (columns, constraints, objects, tables)."""
    kind = draw(
        st.sampled_from(
            (
                "add_column",
                "drop_column",
                "change_column",
                "toggle_id",
                "toggle_check",
                "index",
                "view",
                "trigger",
                "drop_table",
                "add_table",
                "rename_table",
                "drop_object",
            )
        )
    )
    table = draw(st.sampled_from(schema.tables))
    if kind == "add_column":
        free = [n for n in COLUMN_NAMES if n not in _column_names(table)]
        if not free:
            return schema
        column = draw(columns(draw(st.sampled_from(free))))
        at = draw(st.sampled_from((len(table.columns), 0)))
        new_columns = (*table.columns[:at], column, *table.columns[at:])
        return _replace_table(schema, attrs.evolve(table, columns=new_columns))
    if kind == "drop_column" and len(table.columns) > 1:
        at = draw(st.integers(0, len(table.columns) - 1))
        new_columns = table.columns[:at] + table.columns[at + 1 :]
        return _replace_table(schema, attrs.evolve(table, columns=new_columns))
    if kind == "change_column":
        at = draw(st.integers(0, len(table.columns) - 1))
        column = draw(columns(table.columns[at].name))
        new_columns = (*table.columns[:at], column, *table.columns[at + 1 :])
        return _replace_table(schema, attrs.evolve(table, columns=new_columns))
    if kind == "toggle_id":
        return _replace_table(schema, attrs.evolve(table, has_id=not table.has_id))
    if kind == "toggle_check":
        return _replace_table(schema, attrs.evolve(table, check=not table.check))
    if kind == "index":
        return attrs.evolve(schema, indexes=(*schema.indexes, draw(indexes_of(schema.tables))))
    if kind == "view":
        return attrs.evolve(schema, views=(*schema.views, draw(views_of(schema.tables))))
    if kind == "trigger":
        return attrs.evolve(schema, triggers=(*schema.triggers, draw(triggers_of(schema.tables))))
    if kind == "drop_table" and len(schema.tables) > 1:
        return attrs.evolve(schema, tables=tuple(t for t in schema.tables if t is not table))
    if kind in ("add_table", "rename_table"):
        free = [n for n in TABLE_NAMES if schema.table(n) is None]
        if not free:
            return schema
        name = draw(st.sampled_from(free))
        if kind == "add_table":
            return attrs.evolve(schema, tables=(*schema.tables, draw(tables(name))))
        renamed = attrs.evolve(table, name=name)
        return attrs.evolve(
            schema, tables=tuple(renamed if t is table else t for t in schema.tables)
        )
    if kind == "drop_object":
        return attrs.evolve(
            schema, indexes=schema.indexes[1:], views=schema.views[1:], triggers=schema.triggers[1:]
        )
    return schema


@st.composite
def schema_pairs(draw: st.DrawFn) -> tuple[SchemaSpec, SchemaSpec]:
    """Return a schema and the same schema after one to three random edits."""
    a = draw(schemas())
    b = a
    for _ in range(draw(st.integers(1, 3))):
        b = draw(edited(b))
    return a, b


def rows(count: int = 4) -> st.SearchStrategy[list[tuple[object, ...]]]:
    """Return a strategy for up to ``count`` rows of up to five loosely typed values."""
    return st.lists(st.tuples(*[st.sampled_from(VALUES) for _ in range(5)]), max_size=count)


NEW_NAMES = ("n0", "n1", "n2", "values", "new name", "k")


def _free(pool: tuple[str, ...], taken: set[str]) -> list[str]:
    return [name for name in pool if name.lower() not in taken]


@st.composite
def invertible_steps(draw: st.DrawFn, tables: dict[str, list[str]]) -> list[str]:
    """Return one to four statements that each have an exact inverse, valid in order.

    ``tables`` maps each table of the schema to its column names (it is not changed):
    the statements rename tables and columns, add columns, and create indexes,
    views, triggers and tables, tracking the names as they go.
    """
    live = {name: list(columns) for name, columns in tables.items()}
    objects: set[str] = {name.lower() for name in live}
    statements: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(
                ("rename_table", "rename_column", "add_column", "index", "view", "trigger", "table")
            )
        )
        free = _free(NEW_NAMES, objects)
        if not live or not free:
            break
        table = draw(st.sampled_from(sorted(live)))
        columns = live[table]
        if kind == "rename_table":
            new = draw(st.sampled_from(free))
            statements.append(f"ALTER TABLE {quote(table)} RENAME TO {quote(new)};")
            live[new] = live.pop(table)
            objects.discard(table.lower())
            objects.add(new.lower())
        elif kind == "rename_column" and columns:
            old = draw(st.sampled_from(columns))
            options = _free(NEW_NAMES, {c.lower() for c in columns})
            new = draw(st.sampled_from(options))
            statements.append(
                f"ALTER TABLE {quote(table)} RENAME COLUMN {quote(old)} TO {quote(new)};"
            )
            columns[columns.index(old)] = new
        elif kind == "add_column":
            options = _free(NEW_NAMES, {c.lower() for c in columns})
            new = draw(st.sampled_from(options))
            definition = draw(st.sampled_from(("TEXT", "INTEGER DEFAULT 7", "TEXT DEFAULT 'z'")))
            statements.append(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(new)} {definition};")
            columns.append(new)
        elif kind in ("index", "view") and columns:
            name = draw(st.sampled_from(free))
            column = quote(draw(st.sampled_from(columns)))
            if kind == "index":
                statements.append(f"CREATE INDEX {quote(name)} ON {quote(table)}({column});")
            else:
                statements.append(
                    f"CREATE VIEW {quote(name)} AS SELECT {column} FROM {quote(table)};"
                )
            objects.add(name.lower())
        elif kind == "trigger":
            name = draw(st.sampled_from(free))
            statements.append(
                f"CREATE TRIGGER {quote(name)} AFTER INSERT ON {quote(table)} BEGIN SELECT 1; END;"
            )
            objects.add(name.lower())
        elif kind == "table":
            name = draw(st.sampled_from(free))
            statements.append(f"CREATE TABLE {quote(name)} (id INTEGER PRIMARY KEY, v TEXT);")
            live[name] = ["id", "v"]
            objects.add(name.lower())
    return statements


# --- foreign-key worlds and steps that break them (tests/test_check_scope.py) ---------------

FK_TABLES = ("p0", "p1", "p2", "Order")
"""Tables of a foreign-key world: ``id INTEGER PRIMARY KEY, k TEXT UNIQUE`` and references."""


@attrs.frozen
class FkWorld:
    """Tables with foreign keys (by ``id`` or by ``k``), a trigger or not, and rows."""

    references: tuple[tuple[int, int, bool], ...]
    """(child, parent, by key ``k`` rather than ``id``), indexes into ``FK_TABLES``."""
    trigger: tuple[int, int] | None
    """(on, into): deleting from ``on`` deletes the same ids from ``into``."""
    values: tuple[tuple[int | None, ...], ...]
    """Per table, the value of each of its reference columns in rows 1-4 (9: already broken)."""


@st.composite
def fk_worlds(draw: st.DrawFn) -> FkWorld:
    """Draw a small schema with random foreign keys (self references too) and rows."""
    count = len(FK_TABLES)
    refs = draw(
        st.lists(
            st.tuples(st.integers(0, count - 1), st.integers(0, count - 1), st.booleans()),
            max_size=5,
        )
    )
    trigger = draw(st.none() | st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)))
    values = tuple(
        tuple(draw(st.sampled_from((None, 1, 2, 3, 4, 9))) for _ in range(4 * len(refs)))
        for _ in range(count)
    )
    return FkWorld(tuple(refs), trigger, values)


FK_STEP_OPS = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 3), st.integers(1, 4), st.just(0)),
    st.tuples(st.just("update_id"), st.integers(0, 3), st.integers(1, 4), st.integers(5, 7)),
    st.tuples(st.just("update_k"), st.integers(0, 3), st.integers(1, 4), st.integers(5, 7)),
    st.tuples(st.just("set_ref"), st.integers(0, 3), st.integers(0, 4), st.integers(1, 9)),
    st.tuples(st.just("insert"), st.integers(0, 3), st.integers(10, 12), st.integers(1, 9)),
    st.tuples(st.just("rebuild"), st.integers(0, 3), st.booleans(), st.just(0)),
    st.tuples(st.just("drop"), st.integers(0, 3), st.just(0), st.just(0)),
    st.tuples(st.just("add_ref"), st.integers(0, 3), st.integers(0, 3), st.integers(1, 9)),
    st.tuples(st.just("add_column"), st.integers(0, 3), st.integers(0, 3), st.just(0)),
)
"""One statement of a step: (kind, table, argument, value), rendered by the test."""
