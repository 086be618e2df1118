"""The schema model and the differ on AIFP's real v1.0 schemas, and the diff service."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from returns.result import Failure, Result, Success
from schema_apply import build, live_schema, migration, run_wrapped
from schema_facts import load_facts, shared_dir

from aifp_fp.ops import AddColumn, CreateIndex, CreateTable
from aifp_fp.render import render_script
from aifp_fp.schema import fold, schema_differences
from aifp_shell.commands.diff.source import DiffServiceError, UnreadableSource, diff_migration
from aifp_shell.sqlite.introspect import schema_of_script

REPO = Path(__file__).resolve().parents[1]
PLAN = shared_dir() / "seed" / "migration-scripts-plan.md"
DATABASES = ("aifp_core", "project", "user_preferences", "user_directives")


def initial_script(database: str) -> str:
    """Return the shipped v1.0 initial schema script, or skip when it is not there yet."""
    path = REPO / "migrations" / database / "v1.0_initial_schema.sql"
    if not path.exists():
        pytest.skip(f"{path} not written yet")
    return path.read_text(encoding="utf-8")


def git_step() -> str:
    """Return the plan's Example 4 (project v1.0 to v1.1, git integration) as SQL text."""
    if not PLAN.exists():
        pytest.skip("the seed plan is not available")
    found = re.search(
        r"\*\*project/v1\.0_to_v1\.1_git_integration\.sql\*\*:\n```sql\n(.*?)```",
        PLAN.read_text(encoding="utf-8"),
        re.S,
    )
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("database", DATABASES)
def test_a_database_built_from_a_real_schema_has_no_difference_from_it(
    database: str, tmp_path: Path
) -> None:
    script = initial_script(database)
    schema = schema_of_script(script)
    built = tmp_path / f"{database}.db"
    build(built, script)
    live = live_schema(built)
    assert schema_differences(schema, live) == ()
    assert migration(schema, live).operations == ()
    assert migration(live, schema).operations == ()


@pytest.mark.parametrize("database", DATABASES)
def test_the_model_agrees_with_the_facts_files(database: str) -> None:
    schema = schema_of_script(initial_script(database))
    facts = load_facts(database)
    assert {fold(t.name) for t in schema.tables} == set(facts["tables"])
    for table in schema.tables:
        fact = facts["tables"][table.name]
        assert [c.name for c in table.columns] == [c["name"] for c in fact["columns"]]
        assert [c.not_null for c in table.columns] == [c["notnull"] for c in fact["columns"]]
        assert [c.pk for c in table.columns] == [c["pk"] for c in fact["columns"]]
        assert table.autoincrement == fact["autoincrement"]
        column_checks = sum(len(c.checks) for c in table.columns)
        assert len(table.checks) + column_checks == len(fact["checks"])
        assert len(table.uniques) == len(fact["uniques"])
        keys = len(table.foreign_keys) + sum(c.references is not None for c in table.columns)
        assert keys == len(fact["foreign_keys"])
    assert {i.name for i in schema.indexes} == set(facts["indexes"])
    assert {t.name for t in schema.triggers} == set(facts["triggers"])
    assert {v.name for v in schema.views} == set(facts["views"])
    assert {v.name for v in schema.virtual_tables} == set(facts["virtual_tables"])


def test_the_git_integration_step_needs_no_rebuild(tmp_path: Path) -> None:
    v10 = initial_script("project")
    v11 = v10 + "\n" + git_step()
    ops = migration(v10, v11).operations
    assert {type(op) for op in ops} == {AddColumn, CreateTable, CreateIndex}
    assert sorted(op.column for op in ops if isinstance(op, AddColumn)) == [
        "last_git_sync",
        "last_known_git_hash",
    ]
    path = tmp_path / "project.db"
    build(path, v10)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO project (name, purpose, goals_json) VALUES ('p', 'x', '[]')")
    conn.commit()
    conn.close()
    assert run_wrapped(path, render_script(migration(v10, v11), wrapped=True)) is None
    assert live_schema(path) == schema_of_script(v11)
    assert run_wrapped(path, render_script(migration(v11, v10), wrapped=True)) is None
    assert live_schema(path) == schema_of_script(v10)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name, purpose FROM project").fetchall() == [("p", "x")]
    conn.close()


def diff_sources(
    from_path: Path, to_path: Path, reverse: bool, as_step: bool
) -> Result[str, DiffServiceError]:
    """The script ``aifp-migrate diff`` prints: the migration, rendered wrapped or as a step."""
    return diff_migration(from_path, to_path, reverse).map(
        lambda migration: render_script(migration, wrapped=not as_step)
    )


def test_diff_sources_reads_scripts_and_databases(tmp_path: Path) -> None:
    old, new = tmp_path / "old.sql", tmp_path / "new.sql"
    old.write_text("CREATE TABLE t(a INT);", encoding="utf-8")
    new.write_text("CREATE TABLE t(a INT, b TEXT); CREATE INDEX i ON t(b);", encoding="utf-8")
    db = tmp_path / "old.db"
    build(db, "CREATE TABLE t(a INT);")
    before = db.read_bytes()
    forward = diff_sources(db, new, reverse=False, as_step=False)
    assert isinstance(forward, Success)
    assert "ALTER TABLE t ADD COLUMN b TEXT;" in forward.unwrap()
    assert "BEGIN IMMEDIATE;" in forward.unwrap()
    assert db.read_bytes() == before
    step = diff_sources(old, new, reverse=True, as_step=True).unwrap()
    assert "DROP INDEX i;" in step and "BEGIN" not in step and "PRAGMA" not in step
    assert run_wrapped(db, forward.unwrap()) is None
    assert live_schema(db) == schema_of_script(new.read_text(encoding="utf-8"))


def test_diff_sources_names_an_unreadable_source(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sql"
    bad.write_text("CREATE TABLE (;", encoding="utf-8")
    result = diff_sources(bad, bad, reverse=False, as_step=False)
    assert isinstance(result, Failure)
    assert isinstance(result.failure(), UnreadableSource)
    assert result.failure().path == str(bad)
    missing = diff_sources(tmp_path / "nope.db", bad, reverse=False, as_step=False)
    assert isinstance(missing, Failure)
    assert not (tmp_path / "nope.db").exists()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    assert isinstance(diff_sources(garbage, bad, reverse=False, as_step=False), Failure)
