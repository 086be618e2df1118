"""Skip decisions on the schema model: an existing object is compared by meaning, not by text."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli

from aifp_fp.idempotence import Conflict, ExistingObject, Skip, decide
from aifp_fp.sqltext import split_statements
from aifp_fp.statement import classify
from aifp_shell.sqlite.object_models import decision_by_model

LIVE = """
CREATE TABLE t(
    id INTEGER PRIMARY KEY, a INT, b TEXT DEFAULT 'x', UNIQUE(a), CHECK (a > 0), CHECK (b != '')
);
CREATE TABLE p(id INTEGER PRIMARY KEY);
CREATE INDEX t_b ON t(b) WHERE b IS NOT NULL;
CREATE VIEW v AS SELECT id, a FROM t;
CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN UPDATE t SET b = 'y' WHERE id = new.id; END;
CREATE VIRTUAL TABLE docs USING fts5(title, body);
ALTER TABLE t ADD COLUMN c TEXT CONSTRAINT c_nn NOT NULL DEFAULT 'z' REFERENCES p(id);
"""


@pytest.fixture
def live() -> sqlite3.Connection:
    """An in-memory database holding LIVE."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    for statement in split_statements(LIVE).statements:
        conn.execute(statement.text)
    return conn


def decisions(conn: sqlite3.Connection, sql: str) -> tuple[object, object]:
    """Return (text-based decision, model-based decision) for a statement on ``conn``."""
    statement = split_statements(sql).statements[0]
    kind = classify(statement)
    name = getattr(kind, "name", None) or getattr(kind, "table", "")
    row = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name = ? COLLATE NOCASE", (name,)
    ).fetchone()
    existing = ExistingObject(*row)
    return decide(statement, kind, existing), decision_by_model(conn, statement, kind, existing)


@pytest.mark.parametrize(
    "sql",
    [
        # the text differs (column-level UNIQUE, CHECKs reordered, quoting), the meaning does not
        'CREATE TABLE IF NOT EXISTS "T"(id INTEGER PRIMARY KEY, a INT UNIQUE, '
        "b TEXT DEFAULT 'x', c TEXT CONSTRAINT c_nn NOT NULL DEFAULT 'z' REFERENCES p(id), "
        "CHECK (b != ''), CHECK (a > 0));",
        "CREATE INDEX IF NOT EXISTS main.t_b ON t (b) WHERE b IS NOT NULL;",
        "CREATE VIEW v AS SELECT id, a FROM t;",
        "create trigger t_ins after insert on t begin update t set b = 'y' where id = new.id; end;",
        "CREATE VIRTUAL TABLE docs USING fts5(title, body);",
        "ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT 'z' REFERENCES p(id);",
    ],
)
def test_same_meaning_is_skipped(live: sqlite3.Connection, sql: str) -> None:
    _, by_model = decisions(live, sql)
    assert isinstance(by_model, Skip), by_model


def test_the_model_skips_what_the_text_called_a_conflict(live: sqlite3.Connection) -> None:
    by_text, by_model = decisions(
        live,
        "CREATE TABLE t(id INTEGER PRIMARY KEY, a INT UNIQUE, b TEXT DEFAULT 'x', "
        "c TEXT CONSTRAINT c_nn NOT NULL DEFAULT 'z' REFERENCES p(id), "
        "CHECK (b != ''), CHECK (a > 0));",
    )
    assert isinstance(by_text, Conflict)
    assert isinstance(by_model, Skip)


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        (
            "CREATE TABLE t(id INTEGER PRIMARY KEY, a INT, b TEXT DEFAULT 'x', "
            "c TEXT NOT NULL DEFAULT 'z' REFERENCES p(id), d INT, UNIQUE(a), CHECK (a > 0), "
            "CHECK (b != ''));",
            "column d unexpected",
        ),
        (
            "CREATE TABLE t(id INTEGER PRIMARY KEY, a INT, b TEXT DEFAULT 'x', "
            "c TEXT NOT NULL DEFAULT 'z' REFERENCES p(id), UNIQUE(a), CHECK (a > 1));",
            "CHECK",
        ),
        ("CREATE INDEX t_b ON t(a);", "index t_b: definition differs"),
        ("CREATE VIEW v AS SELECT id FROM t;", "view v: definition differs"),
        ("ALTER TABLE t ADD COLUMN c INTEGER NOT NULL DEFAULT 'z' REFERENCES p(id);", "type"),
        ("ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT 'w' REFERENCES p(id);", "default"),
    ],
)
def test_different_meaning_conflicts_naming_the_difference(
    live: sqlite3.Connection, sql: str, named: str
) -> None:
    _, by_model = decisions(live, sql)
    assert isinstance(by_model, Conflict), by_model
    assert named in by_model.reason


def test_the_scratch_database_never_touches_the_live_one(live: sqlite3.Connection) -> None:
    before = live.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    decisions(live, "CREATE INDEX t_b ON t(a);")
    decisions(live, "ALTER TABLE t ADD COLUMN c INT;")
    assert live.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall() == (
        before
    )


def test_up_skips_a_create_that_means_the_existing_table(tmp_path: Path) -> None:
    """The runner reports the re-created table as skipped, not as a conflict."""
    migrations = tmp_path / "migrations" / "user_preferences"
    migrations.mkdir(parents=True)
    (migrations / "v1.0_initial_schema.sql").write_text(
        "CREATE TABLE s(id INTEGER PRIMARY KEY, k TEXT, UNIQUE(k), CHECK (k != ''));\n"
    )
    (migrations / "v1.0_to_v1.1_again.sql").write_text(
        "CREATE TABLE IF NOT EXISTS s(id INTEGER PRIMARY KEY, k TEXT UNIQUE, CHECK (k != ''));\n"
        "CREATE TABLE extra(x);\n"
    )
    project = tmp_path / "project"
    (project / ".aifp-project").mkdir(parents=True)
    options = ("--db", "user_preferences", "--migrations-dir", tmp_path / "migrations")
    result = run_cli("up", *options, "--project-dir", project, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    applied = json.loads(result.stdout)["databases"][0]["applied"]
    assert any("table s already exists, identical" in s for s in applied[1]["skipped"])
