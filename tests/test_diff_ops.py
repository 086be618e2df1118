"""The differ, one kind of change at a time, checked on real SQLite databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from schema_apply import (
    SQLITE3_CLI,
    build,
    live_schema,
    migrate,
    migration,
    run_cli,
    run_wrapped,
    table_rows,
)

from aifp_fp.ops import (
    AddColumn,
    CreateIndex,
    CreateTable,
    CreateTrigger,
    CreateView,
    CreateVirtualTable,
    DropColumn,
    DropIndex,
    DropTable,
    DropTrigger,
    DropView,
    RebuildTable,
    RebuildVirtualTable,
)
from aifp_fp.render import render_script
from aifp_fp.sqltext import split_statements
from aifp_fp.statement import refusal
from aifp_shell.sqlite.introspect import schema_of_script


def kinds(a: str, b: str) -> list[str]:
    """Return the names of the operation kinds of the migration from ``a`` to ``b``."""
    return [type(op).__name__ for op in migration(a, b).operations]


def filled(tmp_path: Path, script: str, inserts: str) -> Path:
    """Return a database built from ``script`` and then ``inserts``."""
    path = tmp_path / "db.sqlite"
    build(path, script + inserts)
    return path


def assert_migrates(path: Path, a: str, b: str) -> None:
    """Apply a to b to the database and check its structure is exactly b's."""
    assert migrate(path, a, b) is None
    assert live_schema(path) == schema_of_script(b)


T = "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INT DEFAULT 0);"
ROWS = "INSERT INTO t VALUES (1, 'a', 5), (2, 'b', 7);"


def test_equal_schemas_give_an_empty_migration() -> None:
    assert migration(T, T).operations == ()
    assert migration(T, T.lower().replace("text", '"TEXT"'.strip('"'))).operations == ()


def test_new_and_removed_tables(tmp_path: Path) -> None:
    b = T + "CREATE TABLE u(x TEXT);"
    assert kinds(T, b) == ["CreateTable"]
    assert kinds(b, T) == ["DropTable"]
    down = migration(b, T)
    assert any("table u is dropped" in note for note in down.notes)
    path = filled(tmp_path, T, ROWS)
    assert_migrates(path, T, b)
    assert_migrates(path, b, T)
    assert table_rows(path, "t", ("id", "name", "score")) == [(1, "a", 5), (2, "b", 7)]


@pytest.mark.parametrize(
    "column",
    [
        "note TEXT",
        "flag INT NOT NULL DEFAULT 1",
        "tag TEXT DEFAULT 'x' CHECK (tag <> '')",
        "parent INT REFERENCES t(id)",
        "up TEXT COLLATE NOCASE",
        "twice INT AS (score * 2)",
    ],
)
def test_appended_columns_use_add_column(tmp_path: Path, column: str) -> None:
    b = T.replace(");", f", {column});")
    ops = migration(T, b).operations
    assert [type(op) for op in ops] == [AddColumn]
    path = filled(tmp_path, T, ROWS)
    assert_migrates(path, T, b)
    assert table_rows(path, "t", ("id", "name", "score")) == [(1, "a", 5), (2, "b", 7)]


@pytest.mark.parametrize(
    "column",
    [
        "at TEXT DEFAULT CURRENT_TIMESTAMP",
        "n INT DEFAULT (1 + 1)",
        "u TEXT UNIQUE",
        "s INT AS (score * 2) STORED",
    ],
)
def test_columns_sqlite_cannot_append_rebuild_the_table(tmp_path: Path, column: str) -> None:
    b = T.replace(");", f", {column});")
    assert kinds(T, b) == ["RebuildTable"]
    path = filled(tmp_path, T, ROWS)
    assert_migrates(path, T, b)
    assert table_rows(path, "t", ("id", "name", "score")) == [(1, "a", 5), (2, "b", 7)]


def test_a_column_in_the_middle_rebuilds() -> None:
    b = (
        "CREATE TABLE t(id INTEGER PRIMARY KEY, extra TEXT, name TEXT NOT NULL,"
        " score INT DEFAULT 0);"
    )
    assert kinds(T, b) == ["RebuildTable"]


def test_dropped_columns_use_drop_column_where_sqlite_allows(tmp_path: Path) -> None:
    b = "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    ops = migration(T, b).operations
    assert [type(op) for op in ops] == [DropColumn]
    assert migration(T, b).notes == (
        "column t.score is dropped: its values cannot be brought back",
    )
    path = filled(tmp_path, T, ROWS)
    assert_migrates(path, T, b)
    assert table_rows(path, "t", ("id", "name")) == [(1, "a"), (2, "b")]
    assert_migrates(path, b, T)
    assert table_rows(path, "t", ("id", "name", "score")) == [(1, "a", 0), (2, "b", 0)]


def test_dropping_an_indexed_column_drops_its_index_first(tmp_path: Path) -> None:
    a = T + "CREATE INDEX t_score ON t(score);"
    b = "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    assert kinds(a, b) == ["DropIndex", "DropColumn"]
    path = filled(tmp_path, a, ROWS)
    assert_migrates(path, a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT UNIQUE);",
            "CREATE TABLE t(id INTEGER PRIMARY KEY);",
        ),
        (
            "CREATE TABLE t(id INT, k TEXT, PRIMARY KEY (id, k));",
            "CREATE TABLE t(id INT PRIMARY KEY);",
        ),
        ("CREATE TABLE t(a INT, b INT, CHECK (b > a));", "CREATE TABLE t(a INT);"),
        (
            "CREATE TABLE t(a INT, b INT, FOREIGN KEY (b) REFERENCES t(a));",
            "CREATE TABLE t(a INT);",
        ),
        ("CREATE TABLE t(a INT, b INT AS (a + 1));", "CREATE TABLE t(a INT);"),
    ],
)
def test_columns_sqlite_cannot_drop_rebuild_the_table(tmp_path: Path, a: str, b: str) -> None:
    assert kinds(a, b) == ["RebuildTable"]
    path = filled(tmp_path, a, "")
    assert_migrates(path, a, b)


def test_a_view_or_trigger_naming_a_dropped_column_is_recreated(tmp_path: Path) -> None:
    a = T + "CREATE VIEW v AS SELECT id, score FROM t;"
    b = (
        "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
        " CREATE VIEW v AS SELECT id FROM t;"
    )
    assert kinds(a, b) == ["DropView", "DropColumn", "CreateView"]
    assert_migrates(filled(tmp_path, a, ROWS), a, b)


def test_retyped_column_and_new_constraints_rebuild_and_keep_rows(tmp_path: Path) -> None:
    b = (
        "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
        " score REAL CHECK (score >= 0));"
    )
    assert kinds(T, b) == ["RebuildTable"]
    path = filled(tmp_path, T, ROWS)
    assert_migrates(path, T, b)
    assert table_rows(path, "t", ("id", "name", "score")) == [(1, "a", 5.0), (2, "b", 7.0)]


def test_indexes_are_created_dropped_and_changed(tmp_path: Path) -> None:
    a = T + "CREATE INDEX i1 ON t(name); CREATE INDEX i2 ON t(score);"
    b = T + "CREATE INDEX i1 ON t(name) WHERE score > 0; CREATE UNIQUE INDEX i3 ON t(lower(name));"
    ops = migration(a, b).operations
    assert [type(op) for op in ops] == [DropIndex, DropIndex, CreateIndex, CreateIndex]
    assert_migrates(filled(tmp_path, a, ROWS), a, b)


def test_triggers_and_views_are_created_and_dropped(tmp_path: Path) -> None:
    b = (
        T
        + "CREATE VIEW top AS SELECT * FROM t WHERE score > 5;"
        + "CREATE VIEW top_names AS SELECT name FROM top;"
        + "CREATE TRIGGER t_up AFTER UPDATE ON t BEGIN"
        " UPDATE t SET score = score + 1 WHERE id = old.id AND 0; END;"
    )
    ops = migration(T, b).operations
    assert [type(op) for op in ops] == [CreateView, CreateView, CreateTrigger]
    assert [op.view for op in ops if isinstance(op, CreateView)] == ["top", "top_names"]
    down = migration(b, T).operations
    assert [type(op) for op in down] == [DropTrigger, DropView, DropView]
    assert [op.view for op in down if isinstance(op, DropView)] == ["top_names", "top"]
    path = filled(tmp_path, T, ROWS)
    assert_migrates(path, T, b)
    assert_migrates(path, b, T)


ITEMS = """
CREATE TABLE tasks(id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE items(id INTEGER PRIMARY KEY AUTOINCREMENT, reference_table TEXT NOT NULL,
  reference_id INTEGER NOT NULL, name TEXT NOT NULL, status TEXT DEFAULT 'pending');
CREATE INDEX idx_items_reference ON items(reference_table, reference_id);
CREATE TRIGGER delete_task_items AFTER DELETE ON tasks FOR EACH ROW
BEGIN DELETE FROM items WHERE reference_table = 'tasks' AND reference_id = OLD.id; END;
CREATE TRIGGER items_touch AFTER UPDATE ON items BEGIN SELECT 1; END;
CREATE VIEW open_items AS SELECT * FROM items WHERE status = 'pending';
"""
ITEMS_ROWS = """
INSERT INTO tasks VALUES (1, 'x'), (2, 'y');
INSERT INTO items(reference_table, reference_id, name) VALUES ('tasks', 1, 'a'), ('tasks', 2, 'b');
DELETE FROM items WHERE name = 'b';
INSERT INTO items(reference_table, reference_id, name) VALUES ('tasks', 2, 'c');
"""


def test_rebuild_recreates_indexes_triggers_views_and_triggers_elsewhere(tmp_path: Path) -> None:
    b = ITEMS.replace(
        "reference_table TEXT NOT NULL,",
        "reference_table TEXT NOT NULL CHECK (reference_table IN ('tasks', 'subtasks')),",
    )
    ops = migration(ITEMS, b).operations
    names = [type(op).__name__ for op in ops]
    assert names == [
        "DropTrigger",
        "DropTrigger",
        "DropView",
        "RebuildTable",
        "CreateIndex",
        "CreateView",
        "CreateTrigger",
        "CreateTrigger",
    ]
    assert {op.trigger for op in ops if isinstance(op, DropTrigger)} == {
        "delete_task_items",
        "items_touch",
    }
    path = filled(tmp_path, ITEMS, ITEMS_ROWS)
    before = table_rows(path, "items", ("id", "reference_table", "reference_id", "name", "status"))
    assert_migrates(path, ITEMS, b)
    after = table_rows(path, "items", ("id", "reference_table", "reference_id", "name", "status"))
    assert after == before
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'items'").fetchone() == (3,)
    conn.execute("DELETE FROM tasks WHERE id = 2")
    assert conn.execute("SELECT count(*) FROM items").fetchone() == (1,)
    conn.close()


def test_rebuild_untouched_tables_stay_in_place() -> None:
    b = ITEMS.replace("name TEXT);", "name TEXT NOT NULL);", 1)
    ops = migration(ITEMS, b).operations
    assert [op.table for op in ops if isinstance(op, RebuildTable)] == ["tasks"]
    assert not any(isinstance(op, DropView) for op in ops)


CASCADE = """
CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL
  REFERENCES parent(id) ON DELETE CASCADE, note TEXT);
"""
CASCADE_ROWS = """
INSERT INTO parent VALUES (1, 'p1'), (2, 'p2');
INSERT INTO child VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c');
"""


def test_rebuilding_a_parent_keeps_every_cascade_child(tmp_path: Path) -> None:
    b = CASCADE.replace("name TEXT)", "name TEXT NOT NULL DEFAULT '')")
    assert kinds(CASCADE, b) == ["RebuildTable"]
    path = filled(tmp_path, CASCADE, CASCADE_ROWS)
    assert_migrates(path, CASCADE, b)
    assert table_rows(path, "child", ("id", "parent_id", "note")) == [
        (1, 1, "a"),
        (2, 1, "b"),
        (3, 2, "c"),
    ]
    assert table_rows(path, "parent", ("id", "name")) == [(1, "p1"), (2, "p2")]


@pytest.mark.skipif(SQLITE3_CLI is None, reason="needs the sqlite3 command-line shell")
def test_the_wrapped_script_runs_under_sqlite3_bail(tmp_path: Path) -> None:
    b = CASCADE.replace("name TEXT)", "name TEXT NOT NULL DEFAULT '')")
    path = filled(tmp_path, CASCADE, CASCADE_ROWS)
    done = run_cli(path, render_script(migration(CASCADE, b), wrapped=True))
    assert done.returncode == 0, done.stderr
    assert live_schema(path) == schema_of_script(b)
    assert len(table_rows(path, "child", ("id",))) == 3


def test_rows_that_break_a_new_constraint_fail_and_change_nothing(tmp_path: Path) -> None:
    b = T.replace("score INT DEFAULT 0", "score INT DEFAULT 0 CHECK (score > 6)")
    path = filled(tmp_path, T, ROWS)
    before = path.read_bytes()
    error = migrate(path, T, b)
    assert error is not None and "CHECK constraint failed" in error
    assert path.read_bytes() == before
    unique = T.replace("score INT DEFAULT 0", "score INT DEFAULT 0, UNIQUE (name)")
    build(tmp_path / "dup.sqlite", T + "INSERT INTO t VALUES (1, 'a', 1), (2, 'a', 2);")
    error = migrate(tmp_path / "dup.sqlite", T, unique)
    assert error is not None and "UNIQUE constraint failed: new_t.name" in error
    not_null = T.replace("score INT DEFAULT 0", "score INT DEFAULT 0, extra TEXT NOT NULL")
    error = migrate(path, T, not_null)
    assert error is not None and "NOT NULL constraint failed: new_t.extra" in error
    assert path.read_bytes() == before


def test_a_broken_foreign_key_fails_the_wrapped_script(tmp_path: Path) -> None:
    a = "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(x INT);"
    b = (
        "CREATE TABLE p(id INTEGER PRIMARY KEY);"
        " CREATE TABLE c(x INT REFERENCES p(id) ON DELETE CASCADE, y INT);"
    )
    path = filled(tmp_path, a, "INSERT INTO c VALUES (9);")
    before = path.read_bytes()
    error = migrate(path, a, b)
    assert error is not None and "foreign key violated" in error
    assert path.read_bytes() == before


FTS = """
CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT, tag TEXT);
CREATE VIRTUAL TABLE notes_fts USING fts5(body, content='notes', content_rowid='id');
CREATE VIRTUAL TABLE memo USING fts5(body);
"""
FTS_ROWS = """
INSERT INTO notes VALUES (1, 'hello world', 'x'), (2, 'other words', 'y');
INSERT INTO notes_fts(notes_fts) VALUES ('rebuild');
INSERT INTO memo(rowid, body) VALUES (5, 'remember the milk');
"""


def test_fts5_tables_are_recreated_and_repopulated(tmp_path: Path) -> None:
    b = FTS.replace("fts5(body, content", "fts5(body, tag, content").replace(
        "memo USING fts5(body)", "memo USING fts5(body, extra UNINDEXED)"
    )
    ops = migration(FTS, b).operations
    assert [type(op) for op in ops] == [RebuildVirtualTable, RebuildVirtualTable]
    path = filled(tmp_path, FTS, FTS_ROWS)
    assert_migrates(path, FTS, b)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'y'").fetchall() == [
        (2,)
    ]
    assert conn.execute("SELECT rowid, body FROM memo WHERE memo MATCH 'milk'").fetchall() == [
        (5, "remember the milk")
    ]
    conn.close()


def test_new_external_content_fts5_is_populated_and_shadow_tables_are_never_diffed(
    tmp_path: Path,
) -> None:
    a = "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT, tag TEXT);"
    ops = migration(a, FTS).operations
    assert [type(op) for op in ops] == [CreateVirtualTable, CreateVirtualTable]
    path = filled(tmp_path, a, "INSERT INTO notes VALUES (1, 'hello world', 'x');")
    assert_migrates(path, a, FTS)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'hello'").fetchall() == [
        (1,)
    ]
    conn.close()
    assert_migrates(path, FTS, a)


def test_rebuilding_an_fts_content_table_keeps_the_index_valid(tmp_path: Path) -> None:
    b = FTS.replace("tag TEXT)", "tag TEXT NOT NULL DEFAULT '')")
    assert kinds(FTS, b) == ["RebuildTable"]
    path = filled(tmp_path, FTS, FTS_ROWS)
    assert_migrates(path, FTS, b)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO notes_fts(notes_fts, rank) VALUES ('integrity-check', 1)")
    conn.close()


def test_the_step_form_has_only_statements_a_migration_file_may_hold() -> None:
    b = ITEMS.replace("status TEXT DEFAULT 'pending'", "status TEXT NOT NULL DEFAULT 'pending'")
    text = render_script(migration(ITEMS, b), wrapped=False)
    statements = split_statements(text).statements
    assert statements
    assert all(refusal(s) is None for s in statements)
    wrapped = render_script(migration(ITEMS, b), wrapped=True)
    assert "BEGIN IMMEDIATE;" in wrapped and wrapped.rstrip().endswith("COMMIT;")


def test_awkward_names_are_quoted(tmp_path: Path) -> None:
    a = 'CREATE TABLE "my table"("select" INT, "we""ird" TEXT);'
    b = 'CREATE TABLE "my table"("select" INT NOT NULL DEFAULT 0, "we""ird" TEXT);' + (
        'CREATE INDEX "the index" ON "my table"("we""ird");'
    )
    path = filled(tmp_path, a, "INSERT INTO \"my table\" VALUES (1, 'q');")
    assert_migrates(path, a, b)
    assert table_rows(path, "my table", ("select", 'we"ird')) == [(1, "q")]
    assert isinstance(migration("", a).operations[0], CreateTable)
    assert isinstance(migration(a, "").operations[0], DropTable)


def test_run_wrapped_reports_the_first_error(tmp_path: Path) -> None:
    path = filled(tmp_path, T, ROWS)
    assert run_wrapped(path, "BEGIN IMMEDIATE; DROP TABLE t; SELECT nope; COMMIT;") is not None
    assert len(table_rows(path, "t", ("id",))) == 2


@pytest.mark.skipif(SQLITE3_CLI is None, reason="needs the sqlite3 command-line shell")
def test_a_failing_script_under_sqlite3_bail_leaves_the_file_unchanged(tmp_path: Path) -> None:
    b = CASCADE.replace("note TEXT", "note TEXT CHECK (note <> 'b')")
    path = filled(tmp_path, CASCADE, CASCADE_ROWS)
    before = path.read_bytes()
    done = run_cli(path, render_script(migration(CASCADE, b), wrapped=True))
    assert done.returncode != 0
    assert "CHECK constraint failed" in done.stderr
    assert path.read_bytes() == before


def test_replacing_the_only_column_rebuilds_instead_of_dropping_the_last_column() -> None:
    from aifp_fp.diff import diff
    from aifp_fp.ops import RebuildTable
    from aifp_shell.sqlite.introspect import schema_of_script

    before = schema_of_script("CREATE TABLE t1 (a INTEGER);")
    after = schema_of_script("CREATE TABLE t1 (b INTEGER);")
    migration = diff(before, after).unwrap()
    assert [type(op) for op in migration.operations] == [RebuildTable]
