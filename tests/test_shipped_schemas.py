"""The shipped AIFP migration set builds, steps and rolls back to the real schemas.

* Each ``v1.0_initial_schema.sql`` produces exactly the published v1.0 facts
  (shared/aifp-schemas/v1.0/<db>.json).
* project's Git step gives the latest published v1.1 schema (the plan's
  Example 4 in AIFP's column order, items' CHECK corrected), and its
  hand-written rollback restores v1.0 exactly: every constraint,
  AUTOINCREMENT, trigger, column order, every row with identical values and
  the AUTOINCREMENT counters.
* The notes-enhancement step gives the latest published v1.2 (its plan's
  ADD COLUMNs skipped on real structure), and its rollback restores v1.1.
* aifp_core's drop-notes step is a no-op on real v1.0 structure (version
  only), and so is its rollback.

Files are run the way the tool runs them: each statement through the tool's
own statement runner (skipping a statement whose effect already holds,
refusing the rows a guard SELECT returns), inside ``BEGIN IMMEDIATE ...
COMMIT`` with ``PRAGMA foreign_keys=OFF`` set before BEGIN and an empty
``PRAGMA foreign_key_check`` required before COMMIT.
"""

from __future__ import annotations

import copy
import sqlite3
from pathlib import Path
from typing import Any

import pytest

try:
    from schema_facts import facts_of, load_facts, normalize_sql, tokenize
except ImportError:  # tests/ turned into a package
    from tests.schema_facts import facts_of, load_facts, normalize_sql, tokenize

REPO = Path(__file__).resolve().parents[1]
MIGRATIONS = REPO / "migrations"
DATABASES = ("aifp_core", "project", "user_preferences", "user_directives")

GIT_STEP = MIGRATIONS / "project" / "v1.0_to_v1.1_git_integration.sql"
GIT_ROLLBACK = MIGRATIONS / "project" / "rollback" / "v1.1_to_v1.0_git_integration.sql"
NOTES_STEP = MIGRATIONS / "project" / "v1.1_to_v1.2_notes_enhancement.sql"
NOTES_ROLLBACK = MIGRATIONS / "project" / "rollback" / "v1.2_to_v1.1_notes_enhancement.sql"
CORE_STEP = MIGRATIONS / "aifp_core" / "v1.0_to_v1.1_drop_notes.sql"
CORE_ROLLBACK = MIGRATIONS / "aifp_core" / "rollback" / "v1.1_to_v1.0_drop_notes.sql"

#: Statements a migration file may start with. Everything else (BEGIN, COMMIT,
#: ROLLBACK, END, SAVEPOINT, RELEASE, ATTACH, DETACH, VACUUM, PRAGMA, ...) is
#: refused by the runner.
#: A top-level SELECT is a data migration's guard: the rows it returns are
#: refused by name (table, column, row id), so SELECT is allowed.
ALLOWED_FIRST_WORDS = frozenset({"CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE", "SELECT"})


# --------------------------------------------------------------------------
# Running files the way the runner does
# --------------------------------------------------------------------------


def initial_schema(db_name: str) -> Path:
    return MIGRATIONS / db_name / "v1.0_initial_schema.sql"


def split_statements(text: str) -> list[str]:
    """Complete statements of a file, in order, one per element.

    A statement ends at a ';' where sqlite3.complete_statement says the text
    so far is complete (so a trigger's BEGIN ... END body and ';' inside
    strings or comments stay together, and two statements on one line split).
    Trailing comments with no statement are dropped.
    """
    statements = []
    current: list[str] = []
    for ch in text:
        current.append(ch)
        if ch == ";" and sqlite3.complete_statement("".join(current)):
            statements.append("".join(current).strip())
            current = []
    rest = "".join(current)
    if tokenize(rest):
        statements.append(rest.strip())
    return statements


def split_by_lines(text: str) -> list[str]:
    """The same split done the naive way, whole lines at a time."""
    statements = []
    current = ""
    for line in text.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


def file_statements(path: Path) -> list[str]:
    return split_statements(path.read_text(encoding="utf-8"))


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


class StepRefused(Exception):
    """The tool's runner refuses the step: a conflicting object, or rows a guard returned."""


def run_like_the_tool(conn: sqlite3.Connection, path: Path) -> list[str]:
    """Run a file's statements with the tool's own statement runner; return the skipped ones.

    The executor skips a statement whose effect already holds (an ADD COLUMN of
    an identical column, a CREATE of an identical object), refuses the rows a
    guard SELECT returns, and denies transaction control. The caller holds the
    transaction.
    """
    from aifp_fp.idempotence import Conflict, Skip
    from aifp_fp.sqltext import split_statements as tool_split
    from aifp_shell.sqlite.executor import _run_statement, guarded

    skipped = []
    script = tool_split(path.read_text(encoding="utf-8"))
    assert script.unterminated is None
    for statement in script.statements:
        with guarded(conn):
            outcome = _run_statement(conn, statement)
        if isinstance(outcome, Skip):
            skipped.append(statement.text)
        elif isinstance(outcome, Conflict):
            raise StepRefused(f"{path.name}: conflicting object: {statement.text}: {outcome}")
        elif outcome is not None:
            raise StepRefused(f"{path.name}: rows refused: {outcome}")
    return skipped


def apply_file(conn: sqlite3.Connection, path: Path) -> list[str]:
    """Run a migration file atomically: FK off before BEGIN IMMEDIATE, check FKs, COMMIT.

    Returns the statements the tool's runner skipped (their effect already held).
    """
    conn.execute("PRAGMA foreign_keys=OFF")
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (0,)
    conn.execute("BEGIN IMMEDIATE")
    try:
        skipped = run_like_the_tool(conn, path)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    return skipped


def add_column_target(statement: str) -> tuple[str, str] | None:
    """(table, column) of an ``ALTER TABLE t ADD [COLUMN] c ...`` statement, else None."""
    words = [t.text for t in tokenize(statement)]
    upper = [w.upper() for w in words]
    if upper[:2] != ["ALTER", "TABLE"] or len(words) < 5 or upper[3] != "ADD":
        return None
    column = words[5] if upper[4] == "COLUMN" else words[4]
    return words[2], column


def column_names(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_xinfo("{table}")')]


def new_database(tmp_path: Path, db_name: str) -> sqlite3.Connection:
    conn = connect(tmp_path / f"{db_name}.db")
    apply_file(conn, initial_schema(db_name))
    return conn


def version_of(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    return conn.execute("SELECT id, version FROM schema_version").fetchall()


# --------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------


def insert(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        names = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(row.values()))


def seed_project_v1_0(conn: sqlite3.Connection) -> None:
    """A few rows in every v1.0 project table, with foreign keys enforced.

    A project and a note are deleted afterwards so that each AUTOINCREMENT
    counter (sqlite_sequence) is ahead of the largest id: losing the counter
    would then show.
    """
    ts = "2025-10-01 12:00:00"
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("BEGIN IMMEDIATE")
    insert(
        conn,
        "project",
        [
            {"name": "alpha", "purpose": "calc", "goals_json": '["pure"]', "created_at": ts},
            {
                "name": "béta ☃",
                "purpose": "p; with 'quotes'",
                "goals_json": "[]",
                "status": "paused",
                "version": 3,
                "blueprint_checksum": "abc123",
                "user_directives_status": "active",
                "updated_at": ts,
            },
            {"name": "doomed", "purpose": "deleted below", "goals_json": "[]"},
        ],
    )
    conn.execute("DELETE FROM project WHERE name = 'doomed'")
    insert(
        conn,
        "files",
        [
            {"path": "src/a.py", "language": "python", "checksum": "c1", "project_id": 1},
            {"path": "src/b.py", "language": None, "checksum": b"\x00\xff", "project_id": 1},
            {"path": "lib/c.rs", "language": "rust", "project_id": 2},
        ],
    )
    insert(
        conn,
        "functions",
        [
            {"name": "add", "file_id": 1, "purpose": "adds", "parameters": '{"a": 1}'},
            {"name": "mul", "file_id": 1},
            {"name": "main", "file_id": 3, "purpose": None},
        ],
    )
    insert(
        conn,
        "interactions",
        [
            {"source_function_id": 3, "target_function_id": 1, "interaction_type": "call"},
            {"source_function_id": 1, "target_function_id": 2, "interaction_type": "chain"},
        ],
    )
    insert(
        conn,
        "types",
        [
            {"name": "Point", "definition_json": "{}", "linked_function_id": 1, "project_id": 1},
            {"name": "Shape", "definition_json": "{}", "project_id": 2},
        ],
    )
    insert(
        conn,
        "themes",
        [
            {"name": "math", "project_id": 1, "confidence_score": 0.75},
            {"name": "io", "project_id": 1, "ai_generated": 0},
        ],
    )
    insert(
        conn,
        "flows",
        [
            {"name": "compute", "project_id": 1, "confidence_score": 1.5},
            {"name": "print", "project_id": 2, "description": "output"},
        ],
    )
    insert(
        conn,
        "flow_themes",
        [
            {"flow_id": 1, "theme_id": 1},
            {"flow_id": 2, "theme_id": 2},
            {"flow_id": 1, "theme_id": 2},
        ],
    )
    insert(
        conn,
        "file_flows",
        [{"file_id": 1, "flow_id": 1}, {"file_id": 2, "flow_id": 1}, {"file_id": 3, "flow_id": 2}],
    )
    insert(
        conn,
        "infrastructure",
        [
            {"type": "language", "value": "python 3.11", "project_id": 1},
            {"type": "tool", "value": None, "project_id": 2},
        ],
    )
    insert(
        conn,
        "completion_path",
        [
            {"name": "setup", "order_index": 1, "project_id": 1},
            {"name": "core", "order_index": 2, "project_id": 1, "status": "in_progress"},
        ],
    )
    insert(
        conn,
        "milestones",
        [{"completion_path_id": 1, "name": "m1"}, {"completion_path_id": 2, "name": "m2"}],
    )
    insert(
        conn,
        "tasks",
        [
            {"milestone_id": 1, "name": "t1", "priority": 2},
            {"milestone_id": 1, "name": "t2"},
            {"milestone_id": 2, "name": "t3", "status": "completed"},
        ],
    )
    insert(
        conn,
        "subtasks",
        [{"parent_task_id": 1, "name": "s1"}, {"parent_task_id": 3, "name": "s2"}],
    )
    insert(
        conn,
        "sidequests",
        [
            {"paused_task_id": 1, "paused_subtask_id": 1, "name": "q1"},
            {"paused_task_id": 2, "name": "q2", "priority": "high"},
        ],
    )
    insert(
        conn,
        "items",
        [
            {"reference_table": "tasks", "reference_id": 1, "name": "i1"},
            {"reference_table": "subtask", "reference_id": 1, "name": "i2"},
            {"reference_table": "sidequests", "reference_id": 2, "name": "i3"},
        ],
    )
    insert(
        conn,
        "notes",
        [
            {"content": "hello", "note_type": "info"},
            {"content": "from ai", "note_type": "decision", "source": "ai", "severity": "warning"},
            {
                "content": "dir",
                "note_type": "log",
                "reference_table": "tasks",
                "reference_id": 1,
                "directive_name": "fp_purity",
            },
            {"content": "deleted below", "note_type": "x"},
        ],
    )
    conn.execute("DELETE FROM notes WHERE id = 4")
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.execute("COMMIT")
    conn.execute("PRAGMA foreign_keys=OFF")


def user_tables(conn: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]


def snapshot(conn: sqlite3.Connection) -> dict[str, Any]:
    """Every row of every table (with column names, by rowid) and the AUTOINCREMENT counters."""
    tables = {}
    for table in user_tables(conn):
        cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
        names = [d[0] for d in cursor.description]
        tables[table] = (names, cursor.fetchall())
    sequence = conn.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name").fetchall()
    return {"tables": tables, "sqlite_sequence": sequence}


def rows_except_version(snap: dict[str, Any]) -> dict[str, Any]:
    """A snapshot without schema_version, whose updated_at moves with every step."""
    tables = {k: v for k, v in snap["tables"].items() if k != "schema_version"}
    return {"tables": tables, "sqlite_sequence": snap["sqlite_sequence"]}


def without_columns(snap: dict[str, Any], table: str, drop: set[str]) -> dict[str, Any]:
    snap = copy.deepcopy(snap)
    names, rows = snap["tables"][table]
    keep = [i for i, n in enumerate(names) if n not in drop]
    snap["tables"][table] = ([names[i] for i in keep], [tuple(r[i] for i in keep) for r in rows])
    return snap


# --------------------------------------------------------------------------
# Expected schemas after the steps
# --------------------------------------------------------------------------


def col(name: str, type_: str, *, notnull: bool = False, default: str | None = None, pk: int = 0):
    return {"name": name, "type": type_, "notnull": notnull, "default": default, "pk": pk}


def table(columns: list[dict[str, Any]], *, uniques: list[list[str]] | None = None):
    return {
        "columns": columns,
        "autoincrement": True,
        "without_rowid": False,
        "strict": False,
        "checks": [],
        "uniques": uniques or [],
        "foreign_keys": [],
    }


def history_facts(db_name: str, version: str) -> dict[str, Any]:
    """The facts of the latest published AIFP shape of ``db_name`` at ``version``."""
    import json

    folder = Path(__file__).resolve().parent / "facts" / "history" / db_name
    path = sorted(folder.glob(f"*_v{version}.json"))[-1]
    facts: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return facts


def expected_project_v1_1() -> dict[str, Any]:
    """The latest published 1.1 (2025-10-31): what the Git step produces."""
    return history_facts("project", "1.1")


def plans_project_v1_1() -> dict[str, Any]:
    """v1.0 facts plus exactly what the plan's Example 4 adds."""
    facts = load_facts("project")
    facts["tables"]["project"]["columns"] += [
        col("last_known_git_hash", "TEXT"),
        col("last_git_sync", "DATETIME"),
    ]
    now = "CURRENT_TIMESTAMP"
    facts["tables"]["work_branches"] = table(
        [
            col("id", "INTEGER", pk=1),
            col("branch_name", "TEXT", notnull=True),
            col("user_name", "TEXT", notnull=True),
            col("purpose", "TEXT", notnull=True),
            col("status", "TEXT", default="'active'"),
            col("created_from", "TEXT", default="'main'"),
            col("created_at", "DATETIME", default=now),
            col("merged_at", "DATETIME"),
            col("merge_conflicts_count", "INTEGER", default="0"),
            col("merge_resolution_strategy", "TEXT"),
            col("metadata_json", "TEXT"),
        ],
        uniques=[["branch_name"]],
    )
    facts["tables"]["merge_history"] = table(
        [
            col("id", "INTEGER", pk=1),
            col("source_branch", "TEXT", notnull=True),
            col("target_branch", "TEXT", default="'main'"),
            col("merge_timestamp", "DATETIME", default=now),
            col("conflicts_detected", "INTEGER", default="0"),
            col("conflicts_auto_resolved", "INTEGER", default="0"),
            col("conflicts_manual_resolved", "INTEGER", default="0"),
            col("resolution_details", "TEXT"),
            col("merged_by", "TEXT"),
            col("merge_commit_hash", "TEXT"),
        ]
    )
    for name, tbl, column in [
        ("idx_work_branches_user", "work_branches", "user_name"),
        ("idx_work_branches_status", "work_branches", "status"),
        ("idx_merge_history_timestamp", "merge_history", "merge_timestamp"),
        ("idx_merge_history_source", "merge_history", "source_branch"),
    ]:
        facts["indexes"][name] = {"table": tbl, "sql": f"CREATE INDEX {name} ON {tbl}({column})"}
    return facts


# --------------------------------------------------------------------------
# The files themselves
# --------------------------------------------------------------------------

SHIPPED_FILES = sorted(MIGRATIONS.glob("*/*.sql")) + sorted(MIGRATIONS.glob("*/rollback/*.sql"))


def test_the_expected_files_are_shipped():
    names = {p.relative_to(MIGRATIONS).as_posix() for p in SHIPPED_FILES}
    assert names >= {
        "aifp_core/v1.0_initial_schema.sql",
        "aifp_core/v1.0_to_v1.1_drop_notes.sql",
        "aifp_core/rollback/v1.1_to_v1.0_drop_notes.sql",
        "project/v1.0_initial_schema.sql",
        "project/v1.0_to_v1.1_git_integration.sql",
        "project/rollback/v1.1_to_v1.0_git_integration.sql",
        "project/v1.1_to_v1.2_notes_enhancement.sql",
        "project/rollback/v1.2_to_v1.1_notes_enhancement.sql",
        "user_preferences/v1.0_initial_schema.sql",
        "user_directives/v1.0_initial_schema.sql",
    }


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.relative_to(MIGRATIONS).as_posix())
def test_files_hold_no_statement_the_runner_refuses(path: Path):
    statements = file_statements(path)
    assert statements
    for statement in statements:
        tokens = tokenize(statement)
        first = tokens[0].text.upper()
        assert first in ALLOWED_FIRST_WORDS, f"{path.name}: refused statement {statement!r}"
        words = {t.text.lower() for t in tokens if t.kind == "word"}
        assert "load_extension" not in words
        assert "schema_history" not in words, "the tool owns schema_history"
    # Never two statements on one line: a naive line-based splitter agrees.
    assert statements == split_by_lines(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------
# Initial schemas
# --------------------------------------------------------------------------


@pytest.mark.parametrize("db_name", DATABASES)
def test_initial_schema_produces_exactly_the_v1_0_facts(tmp_path: Path, db_name: str):
    conn = new_database(tmp_path, db_name)
    assert facts_of(conn) == load_facts(db_name)
    assert version_of(conn) == [(1, "1.0")]
    names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master")}
    assert "schema_history" not in names


@pytest.mark.parametrize("db_name", DATABASES)
def test_facts_of_sees_a_changed_schema(tmp_path: Path, db_name: str):
    """The comparison is not vacuous: a small change anywhere shows."""
    conn = new_database(tmp_path, db_name)
    conn.execute("CREATE INDEX extra ON schema_version(version)")
    assert facts_of(conn) != load_facts(db_name)


def test_plans_lossy_rollback_is_caught_by_the_facts(tmp_path: Path):
    """The plan's CREATE TABLE ... AS SELECT rollback loses constraints; the facts see it."""
    conn = new_database(tmp_path, "project")
    apply_file(conn, GIT_STEP)
    plans_rollback = tmp_path / "plans_rollback.sql"
    plans_rollback.write_text(
        """
        DROP TABLE IF EXISTS work_branches;
        DROP TABLE IF EXISTS merge_history;
        CREATE TABLE project_backup AS
        SELECT id, name, purpose, goals_json, status, version,
               blueprint_checksum, user_directives_status, created_at, updated_at
        FROM project;
        DROP TABLE project;
        ALTER TABLE project_backup RENAME TO project;
        CREATE TRIGGER IF NOT EXISTS update_project_timestamp
        AFTER UPDATE ON project FOR EACH ROW
        BEGIN
            UPDATE project SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD.id;
        END;
        UPDATE schema_version SET version = '1.0' WHERE id = 1;
        """,
        encoding="utf-8",
    )
    # Run by the tool's rules, it fails: project lost its PRIMARY KEY, so every
    # child's foreign key no longer matches; the transaction leaves v1.1 intact.
    with pytest.raises(sqlite3.OperationalError, match="foreign key mismatch"):
        apply_file(conn, plans_rollback)
    assert facts_of(conn) == expected_project_v1_1()
    # Committed anyway, the facts show what it lost.
    conn.execute("BEGIN IMMEDIATE")
    for statement in file_statements(plans_rollback):
        conn.execute(statement)
    conn.execute("COMMIT")
    got = facts_of(conn)["tables"]["project"]
    want = load_facts("project")["tables"]["project"]
    assert got != want
    assert got["checks"] == [] and not got["autoincrement"] and got["uniques"] == []
    assert [c["pk"] for c in got["columns"]] == [0] * len(want["columns"])


# --------------------------------------------------------------------------
# project: Git integration step and its rollback
# --------------------------------------------------------------------------


def test_published_v1_1_is_the_plans_v1_1_with_aifps_column_order_and_items_check():
    """What the Git step produces is the plan's Example 4 as AIFP published it."""
    plans, published = plans_project_v1_1(), expected_project_v1_1()
    assert published["indexes"] == plans["indexes"]
    assert published["triggers"].keys() == plans["triggers"].keys()
    for name in set(plans["tables"]) | set(published["tables"]):
        if name not in ("project", "items"):
            assert published["tables"][name] == plans["tables"][name], name
    got, want = published["tables"]["project"], plans["tables"]["project"]
    assert sorted(got["columns"], key=lambda c: c["name"]) == sorted(
        want["columns"], key=lambda c: c["name"]
    )
    names = [c["name"] for c in got["columns"]]
    assert names.index("last_git_sync") < names.index("created_at")
    assert published["tables"]["items"]["columns"] == plans["tables"]["items"]["columns"]
    checks = (published["tables"]["items"]["checks"], plans["tables"]["items"]["checks"])
    assert "'subtasks'" in checks[0][0] and "'subtask'" in checks[1][0]


def test_git_step_gives_v1_1_and_rollback_restores_v1_0_exactly(tmp_path: Path):
    conn = new_database(tmp_path, "project")
    seed_project_v1_0(conn)
    before = rows_except_version(snapshot(conn))
    assert all(rows for (_, rows) in before["tables"].values()), "a table has no rows"
    assert dict(before["sqlite_sequence"])["project"] == 3  # ahead of max(id) = 2
    assert dict(before["sqlite_sequence"])["notes"] == 4

    # Forward: exactly the published 1.1, the Git columns where AIFP declares them
    # (before created_at), every row kept; items' 'subtask' typo becomes 'subtasks'.
    skipped = apply_file(conn, GIT_STEP)
    # the 2025-10-22 shape already has both columns the step adds first
    assert [add_column_target(s) for s in skipped] == [
        ("project", "blueprint_checksum"),
        ("project", "user_directives_status"),
    ]
    assert version_of(conn) == [(1, "1.1")]
    v11 = facts_of(conn)
    assert v11 == expected_project_v1_1()
    assert [c["name"] for c in v11["tables"]["project"]["columns"]][-4:] == [
        "last_known_git_hash",
        "last_git_sync",
        "created_at",
        "updated_at",
    ]
    after_step = rows_except_version(snapshot(conn))
    assert all(r[-4:-2] == (None, None) for r in after_step["tables"]["project"][1])
    item_names, item_rows = before["tables"]["items"]
    ref = item_names.index("reference_table")
    assert [r[ref] for r in item_rows] == ["tasks", "subtask", "sidequests"]
    mapped_items = (
        item_names,
        [
            (*r[:ref], "subtasks" if r[ref] == "subtask" else r[ref], *r[ref + 1 :])
            for r in item_rows
        ],
    )
    assert without_columns(after_step, "project", {"last_known_git_hash", "last_git_sync"}) == {
        "tables": {
            **before["tables"],
            "items": mapped_items,
            "work_branches": (column_names(conn, "work_branches"), []),
            "merge_history": (column_names(conn, "merge_history"), []),
        },
        "sqlite_sequence": before["sqlite_sequence"],
    }

    # Use v1.1: rows in the new tables, and a second pass at the AUTOINCREMENT counters.
    conn.execute("BEGIN IMMEDIATE")
    insert(
        conn,
        "work_branches",
        [
            {"branch_name": "aifp-alice-1", "user_name": "alice", "purpose": "feature"},
            {"branch_name": "aifp-bob-1", "user_name": "bob", "purpose": "fix", "status": "merged"},
        ],
    )
    insert(conn, "merge_history", [{"source_branch": "aifp-bob-1", "conflicts_detected": 2}])
    conn.execute("COMMIT")
    duplicate = {"branch_name": "aifp-alice-1", "user_name": "x", "purpose": "y"}
    with pytest.raises(sqlite3.IntegrityError):  # branch_name is UNIQUE at v1.1
        insert(conn, "work_branches", [duplicate])

    # Rollback: exactly v1.0 again, every row and counter as before.
    apply_file(conn, GIT_ROLLBACK)
    assert version_of(conn) == [(1, "1.0")]
    assert facts_of(conn) == load_facts("project")
    assert rows_except_version(snapshot(conn)) == before
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    # The constraints are live, not just listed.
    assert_project_constraints_hold(conn)


def assert_project_constraints_hold(conn: sqlite3.Connection) -> None:
    """project's CHECK, UNIQUE, NOT NULL, AUTOINCREMENT and timestamp trigger all still work."""
    project = load_facts("project")["tables"]["project"]
    got = facts_of(conn)
    assert got["tables"]["project"]["checks"] == project["checks"] != []
    assert got["tables"]["project"]["uniques"] == [["name"]]
    assert got["tables"]["project"]["autoincrement"] is True
    assert got["triggers"]["update_project_timestamp"] == {
        "table": "project",
        "sql": "CREATE TRIGGER update_project_timestamp AFTER UPDATE ON project FOR EACH ROW "
        "BEGIN UPDATE project SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD . id;END",
    }
    # The CHECK is compared as text above but cannot be exercised: at v1.0 it reads
    # IN (NULL, ...), so a value outside the list gives NULL, which a CHECK lets
    # through. Real databases have it that way; the schema keeps it verbatim.
    conn.execute("PRAGMA foreign_keys=ON")
    for bad in (
        {"name": "alpha", "purpose": "p", "goals_json": "[]"},  # duplicate name
        {"name": "y", "purpose": None, "goals_json": "[]"},  # NOT NULL
    ):
        with pytest.raises(sqlite3.IntegrityError):
            insert(conn, "project", [bad])
    with pytest.raises(sqlite3.IntegrityError):  # files.project_id still references project
        insert(conn, "files", [{"path": "orphan.py", "project_id": 99}])
    insert(conn, "project", [{"name": "fresh", "purpose": "p", "goals_json": "[]"}])
    fresh_id = conn.execute("SELECT id FROM project WHERE name = 'fresh'").fetchone()[0]
    assert fresh_id == 4, "AUTOINCREMENT must not reuse the deleted project's id 3"
    conn.execute("UPDATE project SET updated_at = '2000-01-01' WHERE id = 1")
    assert conn.execute("SELECT updated_at FROM project WHERE id = 1").fetchone()[0] != "2000-01-01"


def test_git_rollback_keeps_projects_written_at_v1_1(tmp_path: Path):
    conn = new_database(tmp_path, "project")
    apply_file(conn, GIT_STEP)
    insert(
        conn,
        "project",
        [
            {
                "name": "gitty",
                "purpose": "p",
                "goals_json": "[]",
                "last_known_git_hash": "deadbeef",
                "last_git_sync": "2025-10-23 10:00:00",
                "created_at": "2025-10-23 09:00:00",
                "updated_at": "2025-10-23 09:30:00",
            }
        ],
    )
    apply_file(conn, GIT_ROLLBACK)
    assert facts_of(conn) == load_facts("project")
    assert conn.execute("SELECT * FROM project").fetchall() == [
        (
            1,
            "gitty",
            "p",
            "[]",
            "active",
            1,
            None,
            None,
            "2025-10-23 09:00:00",
            "2025-10-23 09:30:00",
        )
    ]


def test_git_step_is_atomic_when_it_fails(tmp_path: Path):
    """A failure in the middle of the step leaves v1.0 untouched (the file is transactional)."""
    conn = new_database(tmp_path, "project")
    seed_project_v1_0(conn)
    before = snapshot(conn)  # schema_version included: nothing may change
    conn.execute("CREATE TABLE merge_history (id INTEGER)")  # conflicts with the step's table
    with pytest.raises(StepRefused, match="merge_history"):
        apply_file(conn, GIT_STEP)
    conn.execute("DROP TABLE merge_history")
    assert facts_of(conn) == load_facts("project")
    assert snapshot(conn) == before


# --------------------------------------------------------------------------
# project: notes enhancement (a version-only step on real databases)
# --------------------------------------------------------------------------


def column_definitions(create_table_sql: str) -> dict[str, str]:
    """Column name -> normalized definition, for the columns of one CREATE TABLE."""
    tokens = tokenize(create_table_sql)
    start = next(i for i, t in enumerate(tokens) if t.text == "(")
    parts: list[list[Any]] = [[]]
    depth = 0
    for tok in tokens[start + 1 :]:
        if tok.kind == "punct" and tok.text == "(":
            depth += 1
        elif tok.kind == "punct" and tok.text == ")":
            if depth == 0:
                break
            depth -= 1
        elif tok.kind == "punct" and tok.text == "," and depth == 0:
            parts.append([])
            continue
        parts[-1].append(tok)
    return {p[0].text: " ".join(t.text for t in p) for p in parts if p}


def test_notes_step_columns_are_token_identical_to_v1_0():
    create_notes = next(
        s for s in file_statements(initial_schema("project")) if "TABLE IF NOT EXISTS notes" in s
    )
    v10 = column_definitions(create_notes)
    added = {}
    for statement in file_statements(NOTES_STEP):
        target = add_column_target(statement)
        if target:
            assert target[0] == "notes"
            tokens = tokenize(statement)[5:]  # after ALTER TABLE notes ADD COLUMN
            added[target[1]] = " ".join(t.text for t in tokens if t.text != ";")
    assert added == {name: v10[name] for name in ("source", "directive_name", "severity")}
    indexes = load_facts("project")["indexes"]
    created = [
        normalize_sql(s.rstrip(";"))
        for s in file_statements(NOTES_STEP)
        if [t.text.upper() for t in tokenize(s)[:2]] == ["CREATE", "INDEX"]
    ]
    # The notes indexes as v1.0 declares them, and items' index (items is rebuilt).
    assert sorted(created) == sorted(
        indexes[n]["sql"]
        for n in (
            "idx_items_reference",
            "idx_notes_source",
            "idx_notes_directive",
            "idx_notes_severity",
        )
    )


def test_notes_step_gives_v1_2_and_rollback_restores_v1_1(tmp_path: Path):
    """On real structure the plan's three ADD COLUMNs are skipped; the step brings the real 1.2."""
    conn = new_database(tmp_path, "project")
    seed_project_v1_0(conn)
    apply_file(conn, GIT_STEP)
    v11, rows = facts_of(conn), rows_except_version(snapshot(conn))

    skipped = apply_file(conn, NOTES_STEP)
    # the three ADD COLUMNs: the columns exist since v1.0
    assert [add_column_target(s) for s in skipped] == [
        ("notes", "source"),
        ("notes", "directive_name"),
        ("notes", "severity"),
    ]
    assert version_of(conn) == [(1, "1.2")]
    assert facts_of(conn) == history_facts("project", "1.2")
    at_v12 = rows_except_version(snapshot(conn))
    for name in ("tasks", "sidequests"):  # flow_ids is new at 1.2 and starts NULL
        names, table_rows = at_v12["tables"][name]
        assert [r[names.index("flow_ids")] for r in table_rows] == [None] * len(table_rows)
        at_v12 = without_columns(at_v12, name, {"flow_ids"})
    assert at_v12 == rows  # every row of every column kept, notes' own source values too

    apply_file(conn, NOTES_ROLLBACK)
    assert version_of(conn) == [(1, "1.1")]
    assert facts_of(conn) == v11
    assert rows_except_version(snapshot(conn)) == rows

    apply_file(conn, GIT_ROLLBACK)
    assert facts_of(conn) == load_facts("project")


def test_notes_step_adds_the_columns_where_they_are_missing(tmp_path: Path):
    """On a 1.1 notes table without them, the step adds the plan's columns before its rebuild."""
    conn = new_database(tmp_path, "project")
    apply_file(conn, GIT_STEP)
    conn.execute("BEGIN IMMEDIATE")
    for index in ("idx_notes_source", "idx_notes_directive", "idx_notes_severity"):
        conn.execute(f"DROP INDEX {index}")
    conn.execute("DROP TABLE notes")
    conn.execute(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, content TEXT NOT NULL, "
        "note_type TEXT NOT NULL, reference_table TEXT, reference_id INTEGER, "
        "created_at DATETIME DEFAULT CURRENT_TIMESTAMP, "
        "updated_at DATETIME DEFAULT CURRENT_TIMESTAMP)"
    )
    conn.execute("INSERT INTO notes (content, note_type) VALUES ('old', 'info')")
    conn.execute("COMMIT")
    assert [add_column_target(s) for s in apply_file(conn, NOTES_STEP)] == []
    v12 = history_facts("project", "1.2")
    got = facts_of(conn)
    assert got["tables"]["notes"] == v12["tables"]["notes"]
    assert {k: v for k, v in got["indexes"].items() if k.startswith("idx_notes")} == {
        k: v for k, v in v12["indexes"].items() if k.startswith("idx_notes")
    }
    assert got == v12
    # The old row got the plan's defaults when the columns were added, and kept them.
    assert conn.execute("SELECT source, directive_name, severity FROM notes").fetchall() == [
        ("user", None, "info")
    ]
    assert version_of(conn) == [(1, "1.2")]


# --------------------------------------------------------------------------
# aifp_core: drop notes
# --------------------------------------------------------------------------


def test_core_drop_notes_and_rollback_on_v1_0(tmp_path: Path):
    conn = new_database(tmp_path, "aifp_core")
    conn.execute("INSERT INTO directives (name, type, workflow) VALUES ('fp_purity', 'fp', '{}')")
    before = rows_except_version(snapshot(conn))

    apply_file(conn, CORE_STEP)
    assert version_of(conn) == [(1, "1.1")]
    assert facts_of(conn) == load_facts("aifp_core")
    assert rows_except_version(snapshot(conn)) == before

    apply_file(conn, CORE_ROLLBACK)
    assert version_of(conn) == [(1, "1.0")]
    assert facts_of(conn) == load_facts("aifp_core")
    assert rows_except_version(snapshot(conn)) == before
    with pytest.raises(sqlite3.IntegrityError, match="FP directives cannot have a level"):
        conn.execute(
            "INSERT INTO directives (name, type, level, workflow) VALUES ('x', 'fp', 1, '{}')"
        )


def test_core_drop_notes_removes_a_leftover_notes_table(tmp_path: Path):
    conn = new_database(tmp_path, "aifp_core")
    conn.execute(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, content TEXT NOT NULL, "
        "reference_table TEXT, reference_id INTEGER, ai_generated BOOLEAN DEFAULT 0, "
        "created_at DATETIME DEFAULT CURRENT_TIMESTAMP, "
        "updated_at DATETIME DEFAULT CURRENT_TIMESTAMP)"
    )
    assert facts_of(conn) != load_facts("aifp_core")
    apply_file(conn, CORE_STEP)
    assert facts_of(conn) == load_facts("aifp_core")
    assert version_of(conn) == [(1, "1.1")]


# --------------------------------------------------------------------------
# The facts reader itself
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "upper", "expected"),
    [
        ("id = 1", True, "ID = 1"),
        ("id=1", True, "ID = 1"),
        (
            "relation_type IN (\n  'triggers', -- first\n  'depends_on' /* x */)",
            True,
            "RELATION_TYPE IN('triggers','depends_on')",
        ),
        ("status in ('A b', 'it''s, (odd)')", True, "STATUS IN('A b','it''s, (odd)')"),
        ("x >= 0.5 AND y <> -1", True, "X >= 0.5 AND Y <> - 1"),
        (
            "CREATE INDEX i ON t (a,\n    b)",
            False,
            "CREATE INDEX i ON t(a,b)",
        ),
        (
            "CREATE TRIGGER tr BEFORE INSERT ON d\nFOR EACH ROW WHEN NEW.type = 'fp'\n"
            "BEGIN\n    SELECT RAISE(ABORT, 'no.');  -- why\nEND",
            False,
            "CREATE TRIGGER tr BEFORE INSERT ON d FOR EACH ROW WHEN NEW . type = 'fp' "
            "BEGIN SELECT RAISE(ABORT,'no.');END",
        ),
    ],
)
def test_normalize_sql_matches_the_facts_format(sql: str, upper: bool, expected: str):
    assert normalize_sql(sql, upper_words=upper) == expected


def test_facts_of_ignores_the_tools_schema_history(tmp_path: Path):
    conn = new_database(tmp_path, "user_preferences")
    conn.execute(
        "CREATE TABLE schema_history (id INTEGER PRIMARY KEY AUTOINCREMENT, direction TEXT)"
    )
    conn.execute("CREATE INDEX idx_schema_history_direction ON schema_history(direction)")
    conn.execute("INSERT INTO schema_history (direction) VALUES ('up')")
    assert facts_of(conn) == load_facts("user_preferences")
