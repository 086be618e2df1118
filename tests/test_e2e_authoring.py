"""End to end: ``check --strict``, ``diff`` of identical schemas, ``schema``, ``history``
without ``--db``, ``repair`` and meaning-based checksums, through the real CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.aifp_data import DATABASES, LATEST, MIGRATIONS, Installation, build_installation
from tests.conftest import run_cli

pytestmark = pytest.mark.e2e


def _run(inst: Installation, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=inst.project, env=inst.env())


@pytest.fixture
def inst(tmp_path: Path) -> Installation:
    return build_installation(tmp_path, rows=3)


# --- item 10: check --strict and "no differences" -----------------------------------------


def test_check_strict_fails_on_pending_and_passes_once_everything_is_current(
    inst: Installation,
) -> None:
    assert _run(inst, "check").returncode == 0
    strict = _run(inst, "check", "--strict")
    assert strict.returncode == 3, strict.stderr
    assert "not up to date" in strict.stderr and "pending" in strict.stderr
    document = json.loads(_run(inst, "check", "--strict", "--json").stdout)
    assert document["not_up_to_date"] == list(DATABASES)
    assert _run(inst, "up", "--all").returncode == 0
    current = _run(inst, "check", "--strict", "--json")
    assert current.returncode == 0, current.stderr
    assert json.loads(current.stdout)["not_up_to_date"] == []


def test_check_strict_fails_on_a_missing_database(inst: Installation) -> None:
    assert _run(inst, "up", "--all").returncode == 0
    inst.path("user_directives").unlink()
    result = _run(inst, "check", "--strict")
    assert result.returncode == 3
    assert "user_directives (missing)" in result.stderr


def test_diff_of_identical_schemas_says_no_differences(tmp_path: Path) -> None:
    schema = MIGRATIONS / "project" / "v1.0_initial_schema.sql"
    text = run_cli("diff", schema, schema, cwd=tmp_path)
    assert text.returncode == 0
    assert text.stdout == "-- no differences: FROM and TO have the same schema\n"
    document = json.loads(run_cli("diff", schema, schema, "--json", cwd=tmp_path).stdout)
    assert document["same_schema"] is True and document["operations"] == []
    other = tmp_path / "other.sql"
    other.write_text(schema.read_text() + "\nCREATE TABLE extra (id INTEGER PRIMARY KEY);\n")
    changed = run_cli("diff", schema, other, "--json", cwd=tmp_path)
    assert json.loads(changed.stdout)["same_schema"] is False
    assert "no differences" not in run_cli("diff", schema, other, cwd=tmp_path).stdout


# --- item 12: history across databases ----------------------------------------------------


def test_history_without_db_shows_all_four(inst: Installation) -> None:
    assert _run(inst, "up", "--db", "project").returncode == 0
    inst.path("user_directives").unlink()
    text = _run(inst, "history")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    heads = [line.split(":")[0] for line in lines if not line.startswith(" ")]
    assert heads == list(DATABASES)
    assert f"{inst.path('aifp_core')}: no recorded runs" in text.stdout
    assert f"{inst.path('user_directives')}: no database" in text.stdout
    assert any("up" in line and "project/" in line for line in lines if line.startswith("  "))
    result = _run(inst, "history", "--json")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    by_name = {entry["database"]: entry for entry in document["databases"]}
    assert list(by_name) == list(DATABASES)
    assert by_name["project"]["history"] and by_name["aifp_core"]["history"] == []
    assert "error" in by_name["user_directives"] and "error" not in by_name["project"]
    one = json.loads(_run(inst, "history", "--db", "project", "--json").stdout)
    assert one["history"] == by_name["project"]["history"]


# --- item 9: schema --db NAME [--version V] -----------------------------------------------


def test_schema_prints_what_a_database_at_that_version_has(inst: Installation) -> None:
    assert _run(inst, "up", "--db", "project", "--target", "1.2").returncode == 0
    printed = _run(inst, "schema", "--db", "project", "--version", "1.2")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("-- project at version 1.2")
    script = inst.project / "expected.sql"
    script.write_text(printed.stdout)
    same = _run(inst, "diff", inst.path("project"), script)
    assert same.stdout == "-- no differences: FROM and TO have the same schema\n", same.stdout
    latest = json.loads(_run(inst, "schema", "--db", "project", "--json").stdout)
    assert latest["version"] == LATEST["project"] and "CREATE TABLE" in latest["script"]
    later = inst.project / "latest.sql"
    later.write_text(latest["script"])
    assert json.loads(_run(inst, "diff", script, later, "--json").stdout)["same_schema"] is False


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--db", "project", "--version", "1.3"), "project: unknown version 1.3"),
        (("--db", "nope"), "unknown database 'nope'"),
    ],
)
def test_schema_of_an_unknown_version_or_database_is_exit_2(
    inst: Installation, args: tuple[str, ...], says: str
) -> None:
    result = _run(inst, "schema", *args)
    assert result.returncode == 2 and says in result.stderr and result.stdout == ""
    document = json.loads(_run(inst, "schema", *args, "--json").stdout)
    assert says in document["error"]["message"]


# --- item 11: checksums over meaning, and repair -----------------------------------------

OLD_HISTORY_DDL = """CREATE TABLE schema_history (
    id INTEGER PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('init', 'up', 'down')),
    from_version TEXT,
    to_version TEXT NOT NULL,
    file TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    applied_at TEXT NOT NULL
)"""
STEP = "v1.0_to_v1.1_git_integration.sql"
A_REAL_EDIT = "\nUPDATE schema_version SET version = version WHERE 0;\n"


def _with_own_set(inst: Installation) -> tuple[Path, tuple[str, ...]]:
    migrations = inst.project.parent / "mig"
    shutil.copytree(MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    return migrations / "project" / STEP, ("--migrations-dir", str(migrations))


def _history(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM schema_history ORDER BY id").fetchall()
    finally:
        conn.close()


def _make_history_old(path: Path) -> None:
    """Give the database the schema_history an earlier tool wrote: no meaning column."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        columns = "id, direction, from_version, to_version, file, sha256, applied_at"
        conn.execute("ALTER TABLE schema_history RENAME TO h_old")
        conn.execute(OLD_HISTORY_DDL)
        conn.execute(f"INSERT INTO schema_history SELECT {columns} FROM h_old")
        conn.execute("DROP TABLE h_old")
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_a_comment_or_whitespace_edit_of_an_applied_file_is_not_an_edit(
    inst: Installation,
) -> None:
    step, own = _with_own_set(inst)
    assert _run(inst, "up", "--db", "project", "--target", "1.1", *own).returncode == 0
    text = step.read_text()
    step.write_text("-- reworded header\n" + text.replace("\n", "\n\n   ", 3) + "\n-- the end\n")
    checked = _run(inst, "check", *own)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    shown = json.loads(_run(inst, "history", "--db", "project", "--json", *own).stdout)
    assert [row["matches"] for row in shown["history"]] == [True]
    assert _run(inst, "up", "--db", "project", *own).returncode == 0
    step.write_text(text + A_REAL_EDIT)  # a new statement is an edit
    assert _run(inst, "check", *own).returncode == 3


def test_repair_accepts_an_edited_applied_file_and_keeps_every_earlier_row(
    inst: Installation,
) -> None:
    step, own = _with_own_set(inst)
    path = inst.path("project")
    assert _run(inst, "up", "--db", "project", "--target", "1.2", *own).returncode == 0
    before = _history(path)
    step.write_text(step.read_text() + A_REAL_EDIT)
    assert _run(inst, "check", *own).returncode == 3
    assert _run(inst, "down", "--db", "project", *own).returncode == 3  # refused
    repaired = _run(inst, "repair", "--db", "project", "--json", *own)
    assert repaired.returncode == 0, repaired.stderr
    document = json.loads(repaired.stdout)
    (item,) = document["repaired"]
    assert item["file"].endswith(STEP) and (item["from"], item["to"]) == ("1.0", "1.1")
    assert Path(document["backup"]).exists()
    after = _history(path)
    assert after[: len(before)] == before  # nothing earlier changed or deleted
    (added,) = after[len(before) :]
    assert added[1:5] == ("repair", "1.0", "1.1", f"project/{STEP}")
    checked = _run(inst, "check", *own)
    assert checked.returncode == 0, checked.stdout
    shown = json.loads(_run(inst, "history", "--db", "project", "--json", *own).stdout)
    assert shown["history"][-1]["direction"] == "repair"
    assert shown["history"][-1]["matches"] is True
    again = _run(inst, "repair", "--db", "project", *own)
    assert again.returncode == 0 and "nothing to repair" in again.stdout
    assert _history(path) == after
    assert _run(inst, "down", "--db", "project", *own).returncode == 0


def test_an_old_history_table_compares_by_text_and_can_be_repaired(inst: Installation) -> None:
    step, own = _with_own_set(inst)
    path = inst.path("project")
    assert _run(inst, "up", "--db", "project", "--target", "1.1", *own).returncode == 0
    _make_history_old(path)
    old_rows = _history(path)
    step.write_text(step.read_text() + "\n-- a comment\n")
    assert _run(inst, "check", *own).returncode == 3  # no meaning checksum: compared by text
    blocked = sqlite3.connect(path).execute("PRAGMA table_info(schema_history)").fetchall()
    assert "statements_sha256" not in {row[1] for row in blocked}  # check wrote nothing
    repaired = _run(inst, "repair", "--db", "project", *own)
    assert repaired.returncode == 0, repaired.stderr
    assert "accepted the edited" in repaired.stdout
    rows = _history(path)
    assert [row[:7] for row in rows[: len(old_rows)]] == old_rows
    assert rows[-1][1] == "repair" and rows[-1][7] is not None
    assert _run(inst, "check", *own).returncode == 0
    up = _run(inst, "up", "--db", "project", *own)
    assert up.returncode == 0, up.stderr


def test_up_on_an_old_history_table_adds_the_meaning_column_in_its_transaction(
    inst: Installation,
) -> None:
    _, own = _with_own_set(inst)
    path = inst.path("project")
    assert _run(inst, "up", "--db", "project", "--target", "1.1", *own).returncode == 0
    _make_history_old(path)
    assert _run(inst, "up", "--db", "project", "--target", "1.2", *own).returncode == 0
    rows = _history(path)
    assert rows[0][7] is None and rows[-1][7] is not None
