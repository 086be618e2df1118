"""Computed rollbacks: `down` for steps without a rollback file, on real databases and the core."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from returns.result import Failure, Success
from strategies import SchemaSpec, invertible_steps, render, rows, schemas

from aifp_fp.computed import ComputedRollback
from aifp_fp.errors import NoRollback, NotInvertible
from aifp_fp.files import ForwardStep, MigrationSource
from aifp_fp.graph import MigrationSet, build_migration_set
from aifp_fp.inverse import compute_rollback, data_changes, invert_statements
from aifp_fp.plan import plan_down
from aifp_fp.render import quote
from aifp_fp.schema import schema_differences
from aifp_fp.sqltext import split_statements
from aifp_fp.version import Version, parse_version
from aifp_shell.files.sources import load_migration_set
from aifp_shell.schema.expected import schema_at
from aifp_shell.schema.rollbacks import rollback_source
from aifp_shell.sqlite.introspect import read_schema, schema_of_script

DB = "user_preferences"

INITIAL = """
CREATE TABLE settings(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, value TEXT);
CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT, settings_id INTEGER REFERENCES settings(id));
CREATE TRIGGER notes_touch AFTER UPDATE ON settings BEGIN
    UPDATE notes SET settings_id = new.id WHERE settings_id = old.id;
END;
"""
ADD_STEP = """
ALTER TABLE settings ADD COLUMN scope TEXT DEFAULT 'user';
CREATE TABLE tags(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE INDEX idx_settings_scope ON settings(scope);
UPDATE schema_version SET version = '1.1' WHERE id = 1;
INSERT INTO tags (name) VALUES ('default');
"""
DROP_STEP = "ALTER TABLE notes DROP COLUMN body;\n"
DROP_ROLLBACK = "ALTER TABLE notes ADD COLUMN body TEXT;\n"
UPDATE_STEP = "UPDATE settings SET value = upper(value);\n"


def sha(path: Path) -> str:
    """Return the sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Setup:
    """A temp project with a user_preferences migration set built from given files."""

    def __init__(self, base: Path, files: dict[str, str]) -> None:
        self.base = base
        self.migrations = base / "migrations"
        folder = self.migrations / DB
        (folder / "rollback").mkdir(parents=True)
        for name, text in {"v1.0_initial_schema.sql": INITIAL, **files}.items():
            (folder / name).write_text(text)
        self.project = base / "project"
        (self.project / ".aifp-project").mkdir(parents=True)
        self.db = self.project / ".aifp-project" / f"{DB}.db"

    def run(self, command: str, *args: str) -> tuple[int, str, str]:
        """Run ``aifp-migrate command --db user_preferences ...`` on this project."""
        result = run_cli(
            command,
            "--db",
            DB,
            "--migrations-dir",
            self.migrations,
            "--project-dir",
            self.project,
            *args,
            cwd=self.base,
        )
        return result.returncode, result.stdout, result.stderr

    def migration_set(self) -> MigrationSet:
        """Return the set as the tool loads it."""
        loaded: MigrationSet = load_migration_set(DB, self.migrations).unwrap()
        return loaded

    def fill(self) -> None:
        """Put rows in the v1.0 tables."""
        conn = sqlite3.connect(self.db, isolation_level=None)
        conn.execute(
            "INSERT INTO settings (id, key, value) VALUES (1, 'theme', 'dark'), (2, 'x', 'y')"
        )
        conn.execute("INSERT INTO notes VALUES (1, 'remember', 1), (2, NULL, 2)")
        conn.close()

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        """Return the rows of a query on the database."""
        conn = sqlite3.connect(self.db)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()


def version(text: str) -> Version:
    """Return a parsed version."""
    parsed: Version = parse_version(text).unwrap()
    return parsed


def test_down_computes_the_inverse_and_returns_exactly_to_the_previous_structure(
    tmp_path: Path,
) -> None:
    setup = Setup(tmp_path, {"v1.0_to_v1.1_add.sql": ADD_STEP})
    assert setup.run("up", "--target", "1.0")[0] == 0
    setup.fill()
    code, _, err = setup.run("up")
    assert code == 0, err
    before = setup.rows("SELECT id, key, value FROM settings ORDER BY id")
    notes = setup.rows("SELECT * FROM notes ORDER BY id")
    code, out, err = setup.run("down", "--json")
    assert code == 0, err
    entry = json.loads(out)["databases"][0]
    assert (entry["from"], entry["to"], entry["status"]) == ("1.1", "1.0", "migrated")
    step = entry["applied"][0]
    assert step["file"] == "computed inverse of migrations/user_preferences/v1.0_to_v1.1_add.sql"
    assert any("tags" in loss for loss in step["losses"])
    assert any("settings.scope" in loss for loss in step["losses"])
    expected = schema_at(setup.migration_set(), version("1.0")).unwrap()
    conn = sqlite3.connect(setup.db)
    try:
        assert read_schema(conn) == expected
    finally:
        conn.close()
    assert setup.rows("SELECT id, key, value FROM settings ORDER BY id") == before
    assert setup.rows("SELECT * FROM notes ORDER BY id") == notes
    assert setup.rows("SELECT version FROM schema_version") == [("1.0",)]
    history = setup.rows("SELECT direction, file FROM schema_history ORDER BY id")
    assert history[-1][0] == "down" and "(computed)" in history[-1][1]
    assert entry["backup"] and Path(entry["backup"]).exists()


def test_dry_run_prints_the_computed_sql_and_changes_nothing(tmp_path: Path) -> None:
    setup = Setup(tmp_path, {"v1.0_to_v1.1_add.sql": ADD_STEP})
    assert setup.run("up")[0] == 0
    digest = sha(setup.db)
    code, out, err = setup.run("down", "--dry-run")
    assert code == 0, err
    assert "DROP TABLE tags;" in out
    assert "DROP INDEX idx_settings_scope;" in out
    assert "loses data: drops table tags" in out
    code, out, _ = setup.run("down", "--dry-run", "--json")
    assert code == 0
    step = json.loads(out)["databases"][0]["applied"][0]
    assert "ALTER TABLE settings DROP COLUMN scope;" in step["sql"]
    assert sha(setup.db) == digest
    assert list(setup.db.parent.glob("*.backup_*")) == []


def test_down_refuses_a_step_that_dropped_a_column(tmp_path: Path) -> None:
    setup = Setup(tmp_path, {"v1.0_to_v1.1_drop.sql": DROP_STEP})
    assert setup.run("up", "--target", "1.0")[0] == 0
    setup.fill()
    assert setup.run("up")[0] == 0
    digest = sha(setup.db)
    backups = sorted(setup.db.parent.glob("*.backup_*"))
    code, _, err = setup.run("down")
    assert code == 1, err
    assert "v1.0_to_v1.1_drop.sql" in err and "notes.body" in err
    assert "rollback file" in err and "Traceback" not in err
    assert sha(setup.db) == digest
    assert sorted(setup.db.parent.glob("*.backup_*")) == backups
    assert setup.run("down", "--dry-run")[0] == 1


def test_down_refuses_a_step_that_changed_existing_rows(tmp_path: Path) -> None:
    setup = Setup(tmp_path, {"v1.0_to_v1.1_upper.sql": UPDATE_STEP})
    assert setup.run("up")[0] == 0
    digest = sha(setup.db)
    code, _, err = setup.run("down")
    assert code == 1
    assert "UPDATE changes rows of table settings" in err
    assert sha(setup.db) == digest


def test_a_rollback_file_wins_over_a_refused_inverse(tmp_path: Path) -> None:
    setup = Setup(
        tmp_path,
        {"v1.0_to_v1.1_drop.sql": DROP_STEP, "rollback/v1.1_to_v1.0_drop.sql": DROP_ROLLBACK},
    )
    assert setup.run("up", "--target", "1.0")[0] == 0
    setup.fill()
    assert setup.run("up")[0] == 0
    code, out, err = setup.run("down", "--json")
    assert code == 0, err
    step = json.loads(out)["databases"][0]["applied"][0]
    assert step["file"].endswith("rollback/v1.1_to_v1.0_drop.sql")
    assert step["losses"] == []
    assert setup.rows("SELECT id, settings_id FROM notes ORDER BY id") == [(1, 1), (2, 2)]


def test_rollback_source_gives_the_file_or_the_computed_inverse(tmp_path: Path) -> None:
    setup = Setup(
        tmp_path,
        {
            "v1.0_to_v1.1_add.sql": ADD_STEP,
            "v1.1_to_v1.2_drop.sql": DROP_STEP,
            "v1.2_to_v1.3_upper.sql": UPDATE_STEP,
            "rollback/v1.2_to_v1.1_drop.sql": DROP_ROLLBACK,
        },
    )
    migration_set = setup.migration_set()
    steps = {str(s.from_version): s for s in migration_set.steps}
    computed = rollback_source(migration_set, steps["1.0"])
    assert isinstance(computed, Success)
    assert computed.unwrap().display.startswith("computed inverse of")
    assert "DROP TABLE tags;" in computed.unwrap().text
    from_file = rollback_source(migration_set, steps["1.1"])
    assert from_file.unwrap().name == "rollback/v1.2_to_v1.1_drop.sql"
    refused = rollback_source(migration_set, steps["1.2"])
    assert isinstance(refused, Failure) and isinstance(refused.failure(), NotInvertible)


# --- the pure part ----------------------------------------------------------------------


def _step(a: str, b: str, text: str = "") -> ForwardStep:
    source = MigrationSource(DB, f"v{a}_to_v{b}.sql", f"m/v{a}_to_v{b}.sql", text)
    return ForwardStep(source, version(a), version(b), None)


def test_compute_rollback_is_diff_after_to_before_with_losses() -> None:
    before = schema_of_script(INITIAL)
    after = schema_of_script(INITIAL + ADD_STEP.replace("UPDATE schema_version", "-- "))
    result = compute_rollback(_step("1.0", "1.1", ADD_STEP), before, after)
    inverse = result.unwrap()
    assert "ALTER TABLE settings DROP COLUMN scope;" in inverse.statements
    assert "DROP TABLE tags;" in inverse.statements
    assert len(inverse.losses) == 2
    assert inverse.source().name == "rollback/v1.1_to_v1.0.sql (computed)"
    assert split_statements(inverse.text).unterminated is None


def test_compute_rollback_refuses_lost_tables_and_columns() -> None:
    before = schema_of_script(INITIAL + "CREATE TABLE old(x);")
    after = schema_of_script(INITIAL.replace(", value TEXT", ""))
    refused = compute_rollback(_step("1.0", "1.1"), before, after)
    assert isinstance(refused, Failure)
    reasons = " ".join(refused.failure().reasons)
    assert "table old" in reasons and "settings.value" in reasons


@pytest.mark.parametrize(
    ("sql", "changed"),
    [
        ("UPDATE settings SET value = 1;", True),
        ("DELETE FROM main.notes WHERE id > 3;", True),
        ("INSERT OR REPLACE INTO settings (key) VALUES ('k');", True),
        ("REPLACE INTO notes (id) VALUES (1);", True),
        ("INSERT INTO notes SELECT * FROM notes;", True),
        ("WITH x AS (SELECT 1) UPDATE settings SET value = 2;", True),
        ("INSERT INTO tags (name) VALUES ('new table');", False),
        ("UPDATE schema_version SET version = '1.1';", False),
        ("CREATE TRIGGER t AFTER INSERT ON settings BEGIN DELETE FROM notes; END;", False),
        ("SELECT * FROM settings;", False),
    ],
)
def test_data_changes_name_writes_to_tables_that_existed(sql: str, changed: bool) -> None:
    before = schema_of_script(INITIAL + "CREATE TABLE schema_version(id, version);")
    found = data_changes(split_statements(sql).statements, before)
    assert bool(found) == changed


def _diamond() -> MigrationSet:
    """1.0 -> 2.0 directly, and 1.0 -> 1.5 -> 2.0; no rollback files."""
    sources = [
        MigrationSource(DB, "v1.0_initial_schema.sql", "m/init", "CREATE TABLE t(x);"),
        _step("1.0", "2.0").source,
        _step("1.0", "1.5").source,
        _step("1.5", "2.0").source,
    ]
    built: MigrationSet = build_migration_set(DB, sources, "m/").unwrap()
    return built


def test_plan_down_prefers_a_path_whose_steps_can_be_inverted() -> None:
    migration_set = _diamond()
    steps = {(s.from_version, s.to_version): s for s in migration_set.steps}
    direct = steps[(version("1.0"), version("2.0"))]
    computed = {
        key: ComputedRollback(step, (), (), f"-- undo {step.source.name}\n")
        for key, step in steps.items()
        if step is not direct
    }
    refusal = NotInvertible(DB, direct.source.display, "2.0", "1.0", ("lost",))
    plan = plan_down(
        migration_set,
        version("2.0"),
        version("1.0"),
        {**computed, (direct.from_version, direct.to_version): refusal},
    ).unwrap()
    assert [str(step.to_version) for step in plan.steps] == ["1.5", "1.0"]
    assert all(step.computed for step in plan.steps)
    only_direct = plan_down(
        migration_set, version("2.0"), version("1.0"), {(version("1.0"), version("2.0")): refusal}
    )
    assert only_direct == Failure(refusal)
    assert isinstance(
        plan_down(migration_set, version("2.0"), version("1.0")).failure(), NoRollback
    )


# --- statement-wise inverses ----------------------------------------------------------------

RENAME_STEP = """
ALTER TABLE settings RENAME COLUMN key TO akey;
ALTER TABLE notes RENAME TO memos;
ALTER TABLE memos ADD COLUMN pinned INTEGER DEFAULT 0;
CREATE INDEX idx_memos_pinned ON memos(pinned);
CREATE VIEW v_settings AS SELECT akey FROM settings;
UPDATE schema_version SET version = '1.1' WHERE id = 1;
"""


def test_down_inverts_renames_statement_by_statement_keeping_every_row(tmp_path: Path) -> None:
    setup = Setup(tmp_path, {"v1.0_to_v1.1_rename.sql": RENAME_STEP})
    assert setup.run("up", "--target", "1.0")[0] == 0
    setup.fill()
    settings_rows = setup.rows("SELECT id, key, value FROM settings ORDER BY id")
    notes_rows = setup.rows("SELECT * FROM notes ORDER BY id")
    code, _, err = setup.run("up")
    assert code == 0, err
    code, out, err = setup.run("down", "--dry-run", "--json")
    assert code == 0, err
    (step,) = json.loads(out)["databases"][0]["applied"]
    assert 'ALTER TABLE settings RENAME COLUMN akey TO "key";' in step["sql"]
    assert "ALTER TABLE memos RENAME TO notes;" in step["sql"]
    assert step["losses"] == ["drops column memos.pinned (2 values)"]
    code, out, err = setup.run("down")
    assert code == 0, err
    expected = schema_at(setup.migration_set(), version("1.0")).unwrap()
    conn = sqlite3.connect(setup.db)
    try:
        assert read_schema(conn) == expected
    finally:
        conn.close()
    assert setup.rows("SELECT id, key, value FROM settings ORDER BY id") == settings_rows
    assert setup.rows("SELECT * FROM notes ORDER BY id") == notes_rows
    assert setup.rows("SELECT version FROM schema_version") == [("1.0",)]


def test_the_issue_example_a_renamed_column_is_renamed_back() -> None:
    before = schema_of_script("CREATE TABLE sends (id INTEGER PRIMARY KEY, key TEXT);")
    step = _step("1.0", "1.1", "ALTER TABLE sends RENAME COLUMN key TO akey;\n")
    inverse = invert_statements(step, before)
    assert inverse is not None
    assert inverse.statements == ('ALTER TABLE sends RENAME COLUMN akey TO "key";',)
    assert inverse.losses == ()
    assert split_statements(inverse.text).unterminated is None


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE settings DROP COLUMN value;",
        "UPDATE settings SET value = 'x';",
        "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY);",
        "CREATE TEMP TABLE scratch (x);",
        "DROP INDEX IF EXISTS nothing;",
        "ALTER TABLE settings RENAME COLUMN key TO akey; DELETE FROM notes;",
    ],
)
def test_a_statement_without_an_exact_inverse_leaves_it_to_the_schema_diff(sql: str) -> None:
    before = schema_of_script(INITIAL)
    assert invert_statements(_step("1.0", "1.1", sql + "\n"), before) is None


def _table_rows(conn: sqlite3.Connection, table: str) -> list[str]:
    return sorted(repr(row) for row in conn.execute(f"SELECT * FROM {quote(table)}"))


@settings(deadline=None, max_examples=60)
@given(spec=schemas(), data=st.lists(rows(), max_size=5), choice=st.data())
def test_a_step_then_its_statement_wise_inverse_gives_back_schema_and_rows(
    spec: SchemaSpec, data: list[list[tuple[object, ...]]], choice: st.DataObject
) -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for statement in split_statements(render(spec)).statements:
            conn.execute(statement.text)
        before = read_schema(conn)
        for table, table_data in zip(before.tables, data, strict=False):
            names = [c.name for c in table.columns if c.generated is None]
            marks = ", ".join("?" for _ in names)
            for row in table_data:
                try:
                    conn.execute(
                        f"INSERT OR IGNORE INTO {quote(table.name)} "
                        f"({', '.join(map(quote, names))}) VALUES ({marks})",
                        row[: len(names)],
                    )
                except sqlite3.IntegrityError:
                    continue
        kept = {t.name: _table_rows(conn, t.name) for t in before.tables}
        tables = {t.name: list(t.column_names()) for t in before.tables}
        statements = choice.draw(invertible_steps(tables))
        step = _step("1.0", "1.1", "\n".join(statements) + "\n")
        inverse = invert_statements(step, before)
        assert inverse is not None, statements
        conn.execute("BEGIN")
        try:
            for statement in statements:
                conn.execute(statement)
        except sqlite3.Error:
            conn.execute("ROLLBACK")
            assume(False)  # SQLite refused the drawn step itself (not the inverse)
        for undo in inverse.statements:
            conn.execute(undo)
        conn.execute("COMMIT")
        assert schema_differences(before, read_schema(conn)) == (), (statements, inverse)
        assert {t.name: _table_rows(conn, t.name) for t in before.tables} == kept
    finally:
        conn.close()
