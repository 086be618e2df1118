"""End to end: ``aifp-migrate diff`` on real files, printed, drafted as a step, and applied."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli
from schema_apply import build, live_schema, run_wrapped, table_rows

from aifp_shell.commands.diff.apply import without_versioning
from aifp_shell.sqlite.introspect import schema_of_script

pytestmark = pytest.mark.e2e

SQLITE3 = Path("/usr/bin/sqlite3")

A = """
CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE book(
    id INTEGER PRIMARY KEY,
    author_id INTEGER REFERENCES author(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    pages INTEGER
);
CREATE INDEX book_title ON book(title);
"""
B = """
CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL, born INTEGER DEFAULT 0);
CREATE TABLE book(
    id INTEGER PRIMARY KEY,
    author_id INTEGER REFERENCES author(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    pages INTEGER CHECK (pages > 0)
);
CREATE INDEX book_title ON book(title);
CREATE TABLE shelf(id INTEGER PRIMARY KEY, label TEXT UNIQUE);
CREATE INDEX author_name ON author(name);
CREATE VIEW long_books AS SELECT title FROM book WHERE pages > 300;
"""
ROWS = """
INSERT INTO author VALUES (1, 'Ann'), (2, 'Bo');
INSERT INTO book VALUES (1, 1, 'One', 120), (2, 1, 'Two', 400), (3, 2, 'Three', 50);
"""


def sha(path: Path) -> str:
    """Return the sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` to ``folder/name`` and return the path."""
    path = folder / name
    path.write_text(text)
    return path


def filled(folder: Path, name: str = "data.db") -> Path:
    """Return a database at schema A holding ROWS."""
    path = folder / name
    build(path, A + ROWS)
    return path


def diff(folder: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run ``aifp-migrate diff`` with ``folder`` as working directory."""
    return run_cli("diff", *args, cwd=folder)


def sqlite3_bail(database: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run ``sqlite3 -bail DB < script``."""
    return subprocess.run(
        [str(SQLITE3), "-bail", str(database)],
        input=script,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def books(path: Path) -> list[tuple[object, ...]]:
    """Return every book row's shared columns."""
    return table_rows(path, "book", ("id", "author_id", "title", "pages"))


def test_script_from_sql_and_from_db_are_the_same(tmp_path: Path) -> None:
    a, b = write(tmp_path, "a.sql", A), write(tmp_path, "b.sql", B)
    database = filled(tmp_path)
    from_sql = diff(tmp_path, a, b)
    from_db = diff(tmp_path, database, b)
    assert from_sql.returncode == 0, from_sql.stderr
    assert from_db.returncode == 0, from_db.stderr
    assert from_sql.stdout == from_db.stdout
    assert from_sql.stdout.count("BEGIN IMMEDIATE;") == 1
    assert "ALTER TABLE author ADD COLUMN born INTEGER DEFAULT 0;" in from_sql.stdout


@pytest.mark.skipif(not SQLITE3.exists(), reason="needs /usr/bin/sqlite3")
def test_wrapped_script_runs_in_sqlite3_bail_and_keeps_rows(tmp_path: Path) -> None:
    database = filled(tmp_path)
    before = books(database)
    script = diff(tmp_path, database, write(tmp_path, "b.sql", B)).stdout
    ran = sqlite3_bail(database, script)
    assert ran.returncode == 0, ran.stderr
    assert live_schema(database) == schema_of_script(B)
    assert books(database) == before
    assert table_rows(database, "author", ("id", "name", "born")) == [(1, "Ann", 0), (2, "Bo", 0)]


def test_reverse_prints_to_to_from(tmp_path: Path) -> None:
    a, b = write(tmp_path, "a.sql", A), write(tmp_path, "b.sql", B)
    reverse = diff(tmp_path, a, b, "--reverse")
    forward_of_b = diff(tmp_path, b, a)
    assert reverse.returncode == 0, reverse.stderr
    assert reverse.stdout == forward_of_b.stdout
    assert "DROP TABLE shelf;" in reverse.stdout
    database = tmp_path / "b.db"
    rows = ROWS.replace("(3, 2, 'Three', 50)", "(3, 2, 'Three', 60)")
    build(database, B + rows.replace("(1, 'Ann'), (2, 'Bo')", "(1, 'Ann', 1), (2, 'Bo', 2)"))
    assert run_wrapped(database, reverse.stdout) is None
    assert live_schema(database) == schema_of_script(A)
    assert books(database) == [(1, 1, "One", 120), (2, 1, "Two", 400), (3, 2, "Three", 60)]


def test_json_is_one_document_with_script_operations_and_notes(tmp_path: Path) -> None:
    a, b = write(tmp_path, "a.sql", A), write(tmp_path, "b.sql", B)
    result = diff(tmp_path, b, a, "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"same_schema", "script", "operations", "notes"}
    assert document["same_schema"] is False
    kinds = {op["kind"] for op in document["operations"]}
    assert {"DropTable", "DropColumn", "RebuildTable", "DropView", "DropIndex"} <= kinds
    assert any("shelf" in note for note in document["notes"])
    assert all(op["statements"] for op in document["operations"])


def test_unreadable_input_exits_2_and_names_the_file(tmp_path: Path) -> None:
    a = write(tmp_path, "a.sql", A)
    missing = diff(tmp_path, a, tmp_path / "nope.db")
    assert missing.returncode == 2
    assert "nope.db" in missing.stderr and "Traceback" not in missing.stderr
    broken = write(tmp_path, "broken.sql", "CREATE TABLE (;")
    bad_sql = diff(tmp_path, a, broken, "--json")
    assert bad_sql.returncode == 2
    assert json.loads(bad_sql.stdout)["error"]["kind"] == "UnreadableSource"
    assert "broken.sql" in bad_sql.stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert diff(tmp_path, junk, a).returncode == 2


def test_as_step_is_a_migration_file_the_runner_accepts(tmp_path: Path) -> None:
    """The drafted step, saved as v1.0_to_v1.1, migrates a real database to B with its rows."""
    a, b = write(tmp_path, "a.sql", A), write(tmp_path, "b.sql", B)
    drafted = diff(tmp_path, a, b, "--as-step")
    assert drafted.returncode == 0, drafted.stderr
    assert "BEGIN" not in drafted.stdout and "PRAGMA" not in drafted.stdout
    migrations = tmp_path / "migrations" / "user_preferences"
    migrations.mkdir(parents=True)
    write(migrations, "v1.0_initial_schema.sql", A)
    write(migrations, "v1.0_to_v1.1_drafted.sql", drafted.stdout)
    project = tmp_path / "project"
    (project / ".aifp-project").mkdir(parents=True)
    options = ("--db", "user_preferences", "--migrations-dir", tmp_path / "migrations")
    options += ("--project-dir", project)
    created = run_cli("up", *options, "--target", "1.0", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    database = project / ".aifp-project" / "user_preferences.db"
    conn = sqlite3.connect(database, isolation_level=None)
    conn.executescript(ROWS)
    conn.close()
    before = books(database)
    migrated = run_cli("up", *options, "--json", cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert json.loads(migrated.stdout)["databases"][0]["to"] == "1.1"
    assert without_versioning(live_schema(database)) == schema_of_script(B)
    assert books(database) == before


def test_apply_migrates_with_a_backup_and_keeps_rows(tmp_path: Path) -> None:
    database = filled(tmp_path)
    before = books(database)
    result = diff(tmp_path, database, write(tmp_path, "b.sql", B), "--apply", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["applied"] is True
    backup = Path(document["backup"])
    assert backup.parent == tmp_path and backup.name.startswith("data.db.backup_")
    assert live_schema(backup) == schema_of_script(A)
    assert books(backup) == before
    assert live_schema(database) == schema_of_script(B)
    assert books(database) == before
    again = diff(tmp_path, database, tmp_path / "b.sql", "--apply", "--json")
    assert again.returncode == 0
    assert json.loads(again.stdout)["applied"] is False
    assert len(list(tmp_path.glob("data.db.backup_*"))) == 1


def test_apply_leaves_schema_version_and_history_alone(tmp_path: Path) -> None:
    database = filled(tmp_path)
    conn = sqlite3.connect(database, isolation_level=None)
    conn.execute("CREATE TABLE schema_version (id INTEGER PRIMARY KEY, version TEXT NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (1, '1.0')")
    conn.close()
    result = diff(tmp_path, database, write(tmp_path, "b.sql", B), "--apply")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(database)
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [("1.0",)]
    history = "SELECT name FROM sqlite_master WHERE name = 'schema_history'"
    assert conn.execute(history).fetchall() == []
    conn.close()


def test_apply_that_cannot_succeed_exits_1_and_changes_no_byte(tmp_path: Path) -> None:
    database = filled(tmp_path)
    conn = sqlite3.connect(database, isolation_level=None)
    conn.execute("INSERT INTO book VALUES (4, 2, 'Empty', 0)")  # breaks B's CHECK (pages > 0)
    conn.close()
    digest = sha(database)
    result = diff(tmp_path, database, write(tmp_path, "b.sql", B), "--apply")
    assert result.returncode == 1
    assert "data.db" in result.stderr and "CHECK constraint failed" in result.stderr
    assert "INSERT INTO" in result.stderr and "Traceback" not in result.stderr
    assert sha(database) == digest
    assert list(tmp_path.glob("*.backup_*")) == []
    assert not list(tmp_path.glob(".*backup-tmp*"))


def test_apply_needs_a_database_as_from(tmp_path: Path) -> None:
    a, b = write(tmp_path, "a.sql", A), write(tmp_path, "b.sql", B)
    assert diff(tmp_path, a, b, "--apply").returncode == 2
    database = filled(tmp_path)
    digest = sha(database)
    assert diff(tmp_path, database, b, "--apply", "--reverse").returncode == 2
    assert diff(tmp_path, database, tmp_path / "missing.sql", "--apply").returncode == 2
    assert sha(database) == digest


def test_apply_refuses_a_damaged_database(tmp_path: Path) -> None:
    database = tmp_path / "big.db"
    build(database, A + "CREATE TABLE bulk(id INTEGER PRIMARY KEY, payload TEXT);")
    conn = sqlite3.connect(database, isolation_level=None)
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
        "INSERT INTO bulk SELECT i, substr(hex(randomblob(300)), 1, 500) FROM n"
    )
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'bulk'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with database.open("r+b") as handle:  # a leaf page of bulk, far from the schema
        handle.seek((root + 5 - 1) * page_size)
        handle.write(b"\xff" * 64)
    digest = sha(database)
    target = write(
        tmp_path, "b.sql", B + "CREATE TABLE bulk(id INTEGER PRIMARY KEY, payload TEXT);"
    )
    result = diff(tmp_path, database, target, "--apply")
    assert result.returncode == 2, result.stderr
    assert "big.db" in result.stderr
    assert sha(database) == digest
    assert list(tmp_path.glob("*.backup_*")) == []
