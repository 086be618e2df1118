"""The checks after a step, scoped to what it touched, find every foreign key it broke.

The core's ``check_scope`` is given values (two catalogs, the tables written,
the foreign keys); the property runs random steps that break random foreign
keys on a real SQLite database, through the executor's recording authorizer,
and compares the scoped ``foreign_key_check`` and ``quick_check`` with the
whole-database ones.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from aifp_fp.check_scope import _columns_appended, check_scope
from aifp_fp.render import quote, renamed_create
from aifp_shell.sqlite.database import foreign_key_rows
from aifp_shell.sqlite.executor import guarded
from aifp_shell.sqlite.step_checks import StepChecks, read_catalog
from tests.strategies import FK_STEP_OPS, FK_TABLES, FkWorld, fk_worlds

Op = tuple[str, int, int, int]


def _table(index: int) -> str:
    return quote(FK_TABLES[index])


def _build(world: FkWorld) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    for index in range(len(FK_TABLES)):
        own = [
            (j, parent, by_key)
            for j, (child, parent, by_key) in enumerate(world.references)
            if child == index
        ]
        columns = ["id INTEGER PRIMARY KEY", "k TEXT UNIQUE"] + [
            f"r{j} REFERENCES {_table(parent)}({'k' if by_key else 'id'})"
            for j, parent, by_key in own
        ]
        conn.execute(f"CREATE TABLE {_table(index)} ({', '.join(columns)})")
        for row in range(1, 5):
            values: list[object] = [row, f"k{row}"]
            for j, _, by_key in own:
                value = world.values[index][(row - 1) * len(world.references) + j]
                values.append(f"k{value}" if by_key and value is not None else value)
            marks = ", ".join("?" for _ in values)
            conn.execute(f"INSERT INTO {_table(index)} VALUES ({marks})", values)
    if world.trigger is not None:
        on, into = world.trigger
        conn.execute(
            f"CREATE TRIGGER cascade_by_hand AFTER DELETE ON {_table(on)} "
            f"BEGIN DELETE FROM {_table(into)} WHERE id = old.id; END"
        )
    return conn


def _statements(conn: sqlite3.Connection, op: Op, number: int) -> list[str]:
    kind, index, arg, value = op
    table = _table(index)
    match kind:
        case "delete":
            return [f"DELETE FROM {table} WHERE id = {arg}"]
        case "update_id":
            return [f"UPDATE {table} SET id = {value} WHERE id = {arg}"]
        case "update_k":
            return [f"UPDATE {table} SET k = 'k{value}' WHERE id = {arg}"]
        case "set_ref" | "insert":
            refs = [
                (str(row[3]), str(row[4]))
                for row in conn.execute(f"PRAGMA foreign_key_list({table})")
            ]
            sets = [
                f"{column} = {value if to == 'id' else repr(f'k{value}')}" for column, to in refs
            ]
            if kind == "insert":
                return [f"INSERT INTO {table} (id, k) VALUES ({arg}, 'k{arg}')"] + [
                    f"UPDATE {table} SET {assignment} WHERE id = {arg}" for assignment in sets
                ]
            return (
                [f"UPDATE {table} SET {sets[arg % len(sets)]} WHERE id = {value % 4 + 1}"]
                if sets
                else []
            )
        case "rebuild":
            row = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                (FK_TABLES[index],),
            ).fetchone()
            if row is None:
                return []
            new = quote(f"new_{FK_TABLES[index]}")
            create = renamed_create(row[0], f"new_{FK_TABLES[index]}")
            assert create is not None
            keep = "" if arg else " WHERE id % 2 = 0"
            return [
                create,
                f"INSERT INTO {new} SELECT * FROM {table}{keep}",
                f"DROP TABLE {table}",
                f"ALTER TABLE {new} RENAME TO {table}",
            ]
        case "drop":
            return [f"DROP TABLE {table}"]
        case "add_ref":
            return [
                f"ALTER TABLE {table} ADD COLUMN z{number} REFERENCES {_table(arg)}(id) "
                f"DEFAULT {value}"
            ]
        case "add_column":  # SQLite checks none of these against the rows but the CHECK
            column = [
                "TEXT",
                "TEXT NOT NULL DEFAULT (-NULL)",
                "TEXT NOT NULL DEFAULT 'x'",
                "TEXT DEFAULT 'x' CHECK (length(k) > 9)",
            ][arg]
            return [f"ALTER TABLE {table} ADD COLUMN c{number} {column}"]
    raise AssertionError(kind)


def _full(conn: sqlite3.Connection) -> set[tuple[object, ...]]:
    return {tuple(row) for row in conn.execute("PRAGMA foreign_key_check")}


@given(world=fk_worlds(), ops=st.lists(FK_STEP_OPS, min_size=1, max_size=6))
@example(world=FkWorld((), None, ((), (), (), ())), ops=[("add_column", 0, 1, 0)])
def test_the_scoped_check_finds_every_violation_the_full_check_finds(
    world: FkWorld, ops: list[Op]
) -> None:
    conn = _build(world)
    before = _full(conn)
    conn.execute("BEGIN IMMEDIATE")
    checks = StepChecks("db", Path("db.sqlite"))
    checks.start(conn)
    for number, op in enumerate(ops):
        for statement in _statements(conn, op, number):
            try:
                with guarded(conn, checks):
                    conn.execute(statement)
            except sqlite3.Error:
                pass  # a statement SQLite refuses changes nothing; the step goes on
    problem = checks.finish(conn, "step.sql")
    scoped = {tuple(row) for table in checks.scope.foreign for row in foreign_key_rows(conn, table)}
    assert _full(conn) - before <= scoped
    assert (problem is not None) == bool(scoped)
    if _quick(conn, None) != ["ok"]:  # what the whole check finds, the scoped one finds too
        assert any(_quick(conn, table) != ["ok"] for table in checks.quick_tables())
    conn.execute("ROLLBACK")


def _quick(conn: sqlite3.Connection, table: str | None) -> list[str]:
    pragma = "PRAGMA quick_check" if table is None else f"PRAGMA quick_check({quote(table)})"
    return [row[0] for row in conn.execute(pragma)]


def _catalog(*rows: tuple[str, str, str, int, str]) -> tuple[tuple[str, str, str, int, str], ...]:
    return rows


PARENT = ("table", "parent", "parent", 2, "CREATE TABLE parent (id INTEGER PRIMARY KEY)")
CHILD = ("table", "child", "child", 3, "CREATE TABLE child (p REFERENCES parent(id))")
OTHER = ("table", "other", "other", 4, "CREATE TABLE other (x)")
KEYS = (("child", "parent"),)


def test_a_rebuilt_parent_brings_its_children_into_the_foreign_key_scope() -> None:
    rebuilt = ("table", "parent", "parent", 5, PARENT[4])
    scope = check_scope(
        _catalog(PARENT, CHILD, OTHER), _catalog(rebuilt, CHILD, OTHER), frozenset(), KEYS
    )
    assert scope.quick == ("parent",)
    assert scope.foreign == ("parent", "child")


def test_rows_written_to_a_child_check_only_the_child() -> None:
    catalog = _catalog(PARENT, CHILD, OTHER)
    scope = check_scope(catalog, catalog, frozenset({"CHILD"}), KEYS)
    assert scope.quick == ("child",) and scope.foreign == ("child",)


def test_a_dropped_parent_checks_its_children_and_an_untouched_table_nothing() -> None:
    scope = check_scope(_catalog(PARENT, CHILD, OTHER), _catalog(CHILD, OTHER), frozenset(), KEYS)
    assert scope.quick == () and scope.foreign == ("child",)
    same = _catalog(PARENT, CHILD, OTHER)
    assert check_scope(same, same, frozenset(), KEYS).foreign == ()


def test_a_new_index_quick_checks_its_table() -> None:
    index = ("index", "ix", "other", 6, "CREATE INDEX ix ON other(x)")
    scope = check_scope(
        _catalog(PARENT, CHILD, OTHER), _catalog(PARENT, CHILD, OTHER, index), frozenset(), KEYS
    )
    assert scope.quick == ("other",)


def test_the_recording_authorizer_sees_a_trigger_s_writes() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE a (id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TABLE b (id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TRIGGER t AFTER DELETE ON a BEGIN DELETE FROM b WHERE id = old.id; END")
    checks = StepChecks("db", Path("db.sqlite"))
    checks.start(conn)
    with guarded(conn, checks):
        conn.execute("DELETE FROM a")
    assert checks.written == {"a", "b"}
    assert read_catalog(conn)


def _step_scope(setup: list[str], step: list[str]) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """Return (quick, foreign, broke a key) of ``step`` run on a database made by ``setup``."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    for statement in setup:
        conn.execute(statement)
    checks = StepChecks("db", Path("db.sqlite"))
    checks.start(conn)
    with guarded(conn, checks):
        for statement in step:
            conn.execute(statement)
    broken = checks.finish(conn, "step.sql") is not None
    return checks.scope.quick, checks.scope.foreign, broken


_BIG = [
    "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
    "CREATE TABLE big (id INTEGER PRIMARY KEY, p REFERENCES parent(id), CHECK (id > 0))",
    "CREATE INDEX big_p ON big(p)",
    "INSERT INTO parent VALUES (1)",
    "INSERT INTO big VALUES (1, 1)",
]


def test_a_table_only_given_columns_is_not_quick_checked_but_keeps_its_foreign_keys() -> None:
    added = ["ALTER TABLE big ADD COLUMN a TEXT", 'ALTER TABLE big ADD COLUMN "b" BOOLEAN']
    assert _step_scope(_BIG, added) == ((), ("big",), False)
    # a new column whose default names no parent row breaks a key: still found
    added.append("ALTER TABLE big ADD COLUMN c DEFAULT 0 REFERENCES parent(id)")
    assert _step_scope(_BIG, added) == ((), ("big",), True)


def test_a_table_given_a_column_and_anything_else_is_quick_checked() -> None:
    changes = [
        ["ALTER TABLE big ADD COLUMN a TEXT", "UPDATE big SET a = 'x'"],
        ["ALTER TABLE big ADD COLUMN a TEXT", "CREATE INDEX big_a ON big(a)"],
        ["ALTER TABLE big ADD COLUMN a TEXT", "ALTER TABLE big RENAME COLUMN p TO q"],
        ["ALTER TABLE big ADD COLUMN a TEXT", "ALTER TABLE big DROP COLUMN a"],
        [  # the text only grew, but DROP COLUMN rewrote every row
            "ALTER TABLE big ADD COLUMN a TEXT",
            "ALTER TABLE big DROP COLUMN a",
            "ALTER TABLE big ADD COLUMN a TEXT",
            "ALTER TABLE big ADD COLUMN b TEXT",
        ],
        ["ALTER TABLE big RENAME COLUMN p TO pp"],
        ["DROP INDEX big_p", "ALTER TABLE big ADD COLUMN a TEXT"],
    ]
    for step in changes:
        assert _step_scope(_BIG, step)[0] == ("big",), step


def test_only_sqlite_s_add_column_text_counts_as_columns_added() -> None:
    old = "CREATE TABLE t (a, b, CHECK (a > 0))"
    assert _columns_appended(old, "CREATE TABLE t (a, b, CHECK (a > 0), c TEXT)")
    assert _columns_appended(old, "CREATE TABLE t (a, b, CHECK (a > 0), c, d)")
    assert not _columns_appended(old, old)
    assert not _columns_appended(old, "CREATE TABLE t (a, bb, CHECK (a > 0))")
    assert not _columns_appended(old, "CREATE TABLE t (a, b, CHECK (a > 1), c)")
    assert not _columns_appended(old, "CREATE TABLE t (a, b, CHECK (a > 0)) , ")
    assert _columns_appended("CREATE TABLE t (a)", "CREATE TABLE t (a, b)")


def test_a_column_added_while_checks_are_skipped_is_quick_checked() -> None:
    add = "ALTER TABLE big ADD COLUMN a TEXT"
    for off in ("0", "off", "FALSE", "'no'"):
        step = ["PRAGMA ignore_check_constraints = ON", f"PRAGMA ignore_check_constraints = {off}"]
        assert _step_scope(_BIG, [*step, add])[0] == (), off
    for on in ("ON", "1", "yes", "true"):
        step = [f"PRAGMA ignore_check_constraints = {on}", add]
        assert _step_scope(_BIG, step)[0] == ("big",), on
