"""project.db's real lineage (issue 11): every published shape migrates to the latest, rows kept.

For each of the 14 shapes AIFP published: a real database file at that shape,
filled with rows every later shape allows plus rows that need the steps' data
migrations, brought up by the installed CLI in a subprocess. Then: the
latest published structure (column order aside for functions and types,
which the chain extends in place), every row of every surviving column kept,
mapped values mapped, full-text indexes in step. Rows no step can carry are
refused by name with the file unchanged; each version rolls back to the one
before it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from lineage_project_rows import (
    REORDERED,
    allowed_everywhere,
    build,
    latest,
    portable_fill,
    shapes,
)
from schema_facts import facts_of

MIGRATIONS = REPO / "migrations"
FTS = {"functions_fts": "functions", "notes_fts": "notes", "types_fts": "types"}
VERSIONS = ("1.0", "1.1", "1.2", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9")

Rows = dict[str, dict[int, dict[str, Any]]]


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def project_db(base: Path) -> Path:
    (base / ".aifp-project").mkdir(parents=True, exist_ok=True)
    (base / "root").mkdir(exist_ok=True)
    return base / ".aifp-project" / "project.db"


def cli(base: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(
        *args,
        "--db",
        "project",
        "--project-dir",
        str(base),
        "--aifp-root",
        str(base / "root"),
        "--migrations-dir",
        str(MIGRATIONS),
        "--json",
        cwd=base,
    )


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def rows_of(path: Path) -> Rows:
    """Every row of every ordinary table, by rowid, as {column: value}."""
    conn = connect(path)
    try:
        tables = [
            str(r[0])
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
                "'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' "
                "AND name NOT IN ('schema_version', 'schema_history')"
            )
        ]
        out: Rows = {}
        for table in tables:
            cursor = conn.execute(f'SELECT rowid, * FROM "{table}"')
            names = [d[0] for d in cursor.description][1:]
            out[table] = {int(r[0]): dict(zip(names, r[1:], strict=True)) for r in cursor}
        return out
    finally:
        conn.close()


def normalized(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts with the column order of the in-place-extended tables set aside."""
    for table in REORDERED:
        if table in facts["tables"]:
            facts["tables"][table]["columns"].sort(key=lambda c: c["name"])
    return facts


def structure(path: Path) -> dict[str, Any]:
    conn = connect(path)
    try:
        return facts_of(conn)
    finally:
        conn.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def execute(path: Path, *statements: str) -> None:
    conn = connect(path)
    try:
        conn.execute("BEGIN")
        for statement in statements:
            conn.execute(statement)
        conn.execute("COMMIT")
    finally:
        conn.close()


def columns(path: Path, table: str) -> list[str]:
    conn = connect(path)
    try:
        return [str(r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")')]
    finally:
        conn.close()


def awkward_rows(path: Path, version: str, stem: str) -> dict[tuple[str, int, str], Any]:
    """Add rows that need the data migrations; return {(table, id, column): expected value}."""
    expect: dict[tuple[str, int, str], Any] = {}
    statements: list[str] = []
    typo = version == "1.0" or stem.startswith("04_")
    if typo:
        statements.append(
            "INSERT INTO items (id, reference_table, reference_id, name, status) "
            "VALUES (901, 'subtask', 1, 'typo item', 'pending')"
        )
        expect[("items", 901, "reference_table")] = "subtasks"
    if version in ("1.0", "1.1", "1.2"):
        statements += [
            "UPDATE tasks SET priority = 0 WHERE id = 1",
            "UPDATE tasks SET priority = ' High' WHERE id = 2",
            "UPDATE notes SET source = 'USER', note_type = 'Decision ' WHERE id = 1",
            "UPDATE project SET status = 'Paused' WHERE id = 1",
            "UPDATE files SET path = 'src/pkg/mod_a.py' WHERE id = 1",
            "UPDATE files SET path = 'top.py' WHERE id = 2",
            "UPDATE files SET path = 'win\\dir\\b.py' WHERE id = 3",
            "UPDATE types SET linked_function_id = 2 WHERE id = 1",
            "UPDATE types SET linked_function_id = NULL WHERE id <> 1",
        ]
        expect.update(
            {
                ("tasks", 1, "priority"): "medium",
                ("tasks", 2, "priority"): "high",
                ("notes", 1, "source"): "user",
                ("notes", 1, "note_type"): "decision",
                ("project", 1, "status"): "paused",
                ("files", 1, "name"): "mod_a.py",
                ("files", 2, "name"): "top.py",
                ("files", 3, "name"): "b.py",
            }
        )
    execute(path, *statements)
    return expect


def assert_latest_with_rows(
    path: Path, before: Rows, expect: dict[tuple[str, int, str], Any], version: str
) -> None:
    assert normalized(structure(path)) == normalized(latest())
    after = rows_of(path)
    for table, rows in before.items():
        if table not in after:
            continue
        assert set(after[table]) >= set(rows), table
        for rowid, row in rows.items():
            for column, value in row.items():
                if column not in after[table][rowid]:
                    continue
                wanted = expect.get((table, rowid, column), value)
                assert after[table][rowid][column] == wanted, (table, rowid, column)
    for (table, rowid, column), wanted in expect.items():
        assert after[table][rowid][column] == wanted, (table, rowid, column)
    if version in ("1.0", "1.1", "1.2"):
        links = {
            (r["type_id"], r["function_id"], r["role"]) for r in after["types_functions"].values()
        }
        assert links == {(1, 2, None)}
    conn = connect(path)
    try:
        for fts, content in FTS.items():
            conn.execute(f"INSERT INTO {fts}({fts}) VALUES('integrity-check')")
            counted = conn.execute(f"SELECT count(*) FROM {fts}").fetchone()[0]
            assert counted == conn.execute(f"SELECT count(*) FROM {content}").fetchone()[0]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == "1.9"
    finally:
        conn.close()


def at_shape(base: Path, stem: str, version: str, rows: int = 4) -> Path:
    path = project_db(base)
    build(path, stem, version)
    conn = connect(path)
    try:
        portable_fill(conn, rows)
    finally:
        conn.close()
    return path


# --------------------------------------------------------------------------
# Every published shape up to the latest
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("stem", "version"), shapes(), ids=[s for s, _ in shapes()])
def test_every_published_shape_reaches_the_latest_with_its_rows(
    tmp_path: Path, stem: str, version: str
) -> None:
    path = at_shape(tmp_path, stem, version)
    expect = awkward_rows(path, version, stem)
    before = rows_of(path)
    result = cli(tmp_path, "up")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["databases"][0]["status"] in ("migrated", "up_to_date")
    assert_latest_with_rows(path, before, expect, version)
    again = cli(tmp_path, "up")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["databases"][0]["status"] == "up_to_date"


def test_the_path_from_1_0_extends_functions_in_place(tmp_path: Path) -> None:
    """functions (the big table) is never rebuilt from 1.0 to 1.9: its rows keep their pages."""
    path = at_shape(tmp_path, shapes()[2][0], "1.0")
    conn = connect(path)
    root_before = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'functions'"
    ).fetchone()
    conn.close()
    result = cli(tmp_path, "up")
    assert result.returncode == 0, result.stderr
    steps = [(s["from"], s["to"]) for s in json.loads(result.stdout)["databases"][0]["applied"]]
    assert steps == [("1.0", "1.7"), ("1.7", "1.8"), ("1.8", "1.9")]
    conn = connect(path)
    root_after = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'functions'"
    ).fetchone()
    conn.close()
    assert root_after == root_before
    assert columns(path, "functions")[-3:] == ["returns", "is_reserved", "id_in_name"]


# --------------------------------------------------------------------------
# Rows no step can carry: refused by name, nothing changed
# --------------------------------------------------------------------------

REFUSALS = [
    (6, "UPDATE tasks SET priority = 3 WHERE id = 2", "tasks", "priority", 2, None),
    (6, "UPDATE milestones SET status = 'done' WHERE id = 3", "milestones", "status", 3, None),
    (6, "UPDATE notes SET source = 'system' WHERE id = 4", "notes", "source", 4, None),
    (6, "UPDATE functions SET name = 'twin' WHERE id IN (1, 3)", "functions", "name", 3, "1.4"),
    (0, "UPDATE tasks SET priority = 5 WHERE id = 1", "tasks", "priority", 1, None),
    (
        2,
        "UPDATE interactions SET interaction_type = 'calls' WHERE id = 2",
        "interactions",
        "interaction_type",
        2,
        None,
    ),
    (4, "UPDATE work_branches SET status = 'x' WHERE id = 1", "work_branches", "status", 1, "1.4"),
]


@pytest.mark.parametrize(("shape", "statement", "table", "column", "row", "target"), REFUSALS)
def test_rows_that_cannot_be_carried_are_refused_by_name(
    tmp_path: Path,
    shape: int,
    statement: str,
    table: str,
    column: str,
    row: int,
    target: str | None,
) -> None:
    stem, version = shapes()[shape]
    path = at_shape(tmp_path, stem, version)
    execute(path, statement)
    digest = sha(path)
    result = cli(tmp_path, "up", *(("--target", target) if target else ()))
    assert result.returncode == 1, result.stdout + result.stderr
    text = result.stdout + result.stderr
    assert f"{table}.{column}, row id {row}" in text
    assert sha(path) == digest


def test_duplicate_function_names_pass_to_1_5_directly(tmp_path: Path) -> None:
    """Only 1.4 made functions.name unique: past it, shared names are fine."""
    path = at_shape(tmp_path, shapes()[6][0], "1.2")
    execute(path, "UPDATE functions SET name = 'twin' WHERE id IN (1, 3)")
    result = cli(tmp_path, "up")
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------
# Down, one version at a time, from 1.9 to 1.0
# --------------------------------------------------------------------------


@pytest.mark.slow
def test_each_version_rolls_back_to_the_one_before(tmp_path: Path) -> None:
    path = at_shape(tmp_path, shapes()[2][0], "1.0")
    first = rows_of(path)
    assert cli(tmp_path, "up").returncode == 0
    for version in reversed(VERSIONS[:-1]):
        kept = rows_of(path)
        result = cli(tmp_path, "down")
        assert result.returncode == 0, result.stderr
        conn = connect(path)
        assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == version
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.close()
        now = rows_of(path)
        for table, rows in kept.items():
            if table in now:
                assert set(now[table]) == set(rows), (version, table)
    assert structure(path) == structure_at_1_0(tmp_path)
    back = rows_of(path)
    for table, rows in first.items():
        for rowid, row in rows.items():
            for column, value in row.items():
                if column in ("checksum", "blueprint_checksum"):
                    continue  # dropped at 1.4: lost, as the step says
                assert back[table][rowid][column] == value, (table, rowid, column)


def structure_at_1_0(tmp_path: Path) -> dict[str, Any]:
    other = tmp_path / "fresh"
    path = project_db(other)
    build(path, shapes()[2][0], "1.0")
    return structure(path)


def test_rollback_refuses_note_types_1_6_does_not_know(tmp_path: Path) -> None:
    path = at_shape(tmp_path, shapes()[10][0], "1.6")
    assert cli(tmp_path, "up", "--target", "1.7").returncode == 0
    execute(path, "UPDATE notes SET note_type = 'deferred' WHERE id = 2")
    digest = sha(path)
    result = cli(tmp_path, "down")
    assert result.returncode == 1
    assert "notes.note_type, row id 2" in result.stdout + result.stderr
    assert sha(path) == digest


# --------------------------------------------------------------------------
# Property: a random published shape with random rows allowed along the way
# --------------------------------------------------------------------------

_WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)


@settings(settings.get_profile("ci"), max_examples=5)
@given(
    shape=st.sampled_from(shapes()),
    rows=st.integers(min_value=0, max_value=6),
    seed=st.integers(min_value=0, max_value=2**16),
    words=st.lists(_WORDS, min_size=1, max_size=4),
)
def test_property_random_shape_and_rows_reach_the_latest(
    tmp_path_factory: pytest.TempPathFactory,
    shape: tuple[str, str],
    rows: int,
    seed: int,
    words: list[str],
) -> None:
    stem, version = shape
    base = tmp_path_factory.mktemp("prop")
    path = project_db(base)
    build(path, stem, version)
    conn = connect(path)
    try:
        portable_fill(conn, rows, seed)
        conn.execute("BEGIN")
        for i, word in enumerate(words):
            conn.execute(
                "UPDATE notes SET content = ? WHERE rowid = ?", (word or "x", 1 + i % max(rows, 1))
            )
        conn.execute("COMMIT")
    finally:
        conn.close()
    before = rows_of(path)
    result = cli(base, "up")
    assert result.returncode == 0, result.stderr
    assert_latest_with_rows(path, before, {}, "1.9")
    assert allowed_everywhere()


def test_down_to_1_0_in_one_command_undoes_the_direct_step(tmp_path: Path) -> None:
    path = at_shape(tmp_path, shapes()[2][0], "1.0")
    first = rows_of(path)
    assert cli(tmp_path, "up").returncode == 0
    result = cli(tmp_path, "down", "--target", "1.0")
    assert result.returncode == 0, result.stderr
    steps = [(s["from"], s["to"]) for s in json.loads(result.stdout)["databases"][0]["applied"]]
    assert steps == [("1.9", "1.8"), ("1.8", "1.7"), ("1.7", "1.0")]
    assert structure(path) == structure_at_1_0(tmp_path)
    back = rows_of(path)
    for table, rows in first.items():
        for rowid, row in rows.items():
            for column, value in row.items():
                if column not in ("checksum", "blueprint_checksum"):
                    assert back[table][rowid][column] == value, (table, rowid, column)
