"""End to end: the installed ``aifp-migrate`` console script on real AIFP installations.

Every test runs the real CLI in a subprocess (cwd = the installation's project
folder, ``AIFP_ROOT`` from the installation) on v1.0 databases filled with
rows, and checks the result from outside: exit code, stdout/stderr, and the
files and databases themselves (bytes, structure, rows, history, backups).
The helpers at the top are shared with ``test_e2e_seed.py``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import sqlite3
import stat
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from aifp_data import (
    DATABASES,
    LATEST,
    MIGRATIONS,
    REPO,
    STEPS_TO_LATEST,
    Installation,
    build_installation,
    create_database,
    snapshot,
    version_of,
)
from carried_rows import (
    LOST_COLUMNS_TO_LATEST,
    Snapshot,
    assert_rows_carried,
    assert_rows_carried_to_latest,
    named_snapshot,
    next_major,
    published_facts,
    step_pairs,
)
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from schema_facts import facts_of, load_facts

from aifp_shell.commands.migrate import up
from aifp_shell.commands.runtime import losses_runtime
from aifp_shell.files.locate import find_places
from aifp_shell.files.sources import load_migration_set

pytestmark = pytest.mark.e2e

TOOL_TABLES = {"schema_history"}
GIT_TABLES = {"work_branches", "merge_history"}
GIT_INDEXES = {
    "idx_work_branches_user": "work_branches",
    "idx_work_branches_status": "work_branches",
    "idx_merge_history_timestamp": "merge_history",
    "idx_merge_history_source": "merge_history",
}
BACKUP_NAME = re.compile(r"^(?P<db>\w+\.db)\.backup_(?P<stamp>\d{8}_\d{6})$")
STATUSES = {
    "up_to_date",
    "pending",
    "missing",
    "ahead",
    "unversioned",
    "drift",
    "migrations_invalid",
}
RUN_STATUSES = {"migrated", "up_to_date", "dry_run", "failed", "skipped"}


# --------------------------------------------------------------------------
# Helpers (also used by test_e2e_seed.py)
# --------------------------------------------------------------------------


def run(
    inst: Installation,
    *args: str | Path,
    seed: bool = False,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the CLI (or the seed form) against an installation."""
    return run_cli(*args, cwd=cwd or inst.project, env={**inst.env(), **(env or {})}, seed=seed)


def files_state(inst: Installation) -> dict[str, str]:
    """Every file under the AIFP root and the project folder, by path, with its sha256."""
    state = {}
    for base in (inst.root, inst.project):
        if not base.exists():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() or path.is_symlink():
                state[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                state[str(path)] = "<dir>"
    return state


def folders(inst: Installation) -> list[Path]:
    """The folders that hold databases."""
    return [inst.root, inst.project / ".aifp-project"]


def backups_of(path: Path) -> list[Path]:
    """Backup files beside a database file."""
    return sorted(path.parent.glob(f"{path.name}.backup_*"))


def all_backups(inst: Installation) -> list[Path]:
    return [b for folder in folders(inst) if folder.exists() for b in folder.glob("*.backup_*")]


def hidden_files(inst: Installation) -> list[Path]:
    return [p for folder in folders(inst) if folder.exists() for p in folder.glob(".*")]


def connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)


def facts(path: Path) -> dict[str, Any]:
    conn = connect_ro(path)
    try:
        return facts_of(conn)
    finally:
        conn.close()


def pragma_rows(path: Path, pragma: str) -> list[tuple[Any, ...]]:
    conn = connect_ro(path)
    try:
        return conn.execute(f"PRAGMA {pragma}").fetchall()
    finally:
        conn.close()


def history(path: Path) -> list[tuple[Any, ...]]:
    """schema_history rows: (direction, from, to, file, sha256), in order."""
    conn = connect_ro(path)
    try:
        return conn.execute(
            "SELECT direction, from_version, to_version, file, sha256, applied_at "
            "FROM schema_history ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def has_table(path: Path, table: str) -> bool:
    conn = connect_ro(path)
    try:
        return (
            conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()
            is not None
        )
    finally:
        conn.close()


def file_sha256(database: str, name: str) -> str:
    """SHA-256 of a migration file's text, LF line endings and no BOM, as SPEC.md says."""
    folder = MIGRATIONS / database
    path = folder / name if (folder / name).exists() else folder / "rollback" / name
    text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def assert_sound(path: Path) -> None:
    """The database passes integrity_check and has no foreign-key violations."""
    assert pragma_rows(path, "integrity_check") == [("ok",)], path
    assert pragma_rows(path, "foreign_key_check") == [], path


def assert_rows_kept(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> None:
    """Every v1.0 table keeps exactly its rows (schema_version's version aside)."""
    for table, rows in before.items():
        if table == "schema_version":
            continue
        assert table in after, f"table {table} disappeared"
        assert after[table] == rows, f"rows of {table} changed"


GIT_COLUMNS = ("last_known_git_hash", "last_git_sync")


def assert_rows_at_1_1(before: Snapshot, after: Snapshot) -> None:
    """The Git integration step keeps every row of every v1.0 table in every column.

    project's new Git columns start NULL; items.reference_table 'subtask' (1.0's
    typo) becomes 'subtasks', every other value is unchanged.
    """
    mapped = copy.deepcopy(before)
    for row in mapped["items"][1]:
        if row["reference_table"] == "subtask":
            row["reference_table"] = "subtasks"
    assert_rows_carried(mapped, after)
    assert set(after["project"][0]) == set(before["project"][0]) | set(GIT_COLUMNS)
    assert all(row[c] is None for row in after["project"][1] for c in GIT_COLUMNS)
    assert set(after) - set(before) == GIT_TABLES | TOOL_TABLES
    assert all(after[table][1] == [] for table in GIT_TABLES)


def assert_usage_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit 2, exactly one line on stderr naming ``needles``, no traceback anywhere."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert "Traceback" not in result.stdout + result.stderr


def json_of(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """stdout parsed as exactly one JSON document (json.loads rejects trailing text)."""
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in document["databases"]}


def set_version(path: Path, version: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("UPDATE schema_version SET version = ? WHERE id = 1", (version,))
    finally:
        conn.close()


def assert_project_v1_1(path: Path) -> None:
    """Exactly AIFP's published 1.1: v1.0 + 2 Git columns, 2 tables, 4 indexes, items' CHECK.

    The Git columns sit before created_at (where 1.1 declares them), and items'
    CHECK spells 'subtasks' (1.1 corrected 1.0's 'subtask'); nothing else of
    v1.0 changes.
    """
    found = facts(path)
    assert found == published_facts("project", "1.1")
    v1_0 = load_facts("project")
    assert set(found["tables"]) == set(v1_0["tables"]) | GIT_TABLES
    assert {name: found["indexes"][name]["table"] for name in GIT_INDEXES} == GIT_INDEXES
    assert set(found["indexes"]) == set(v1_0["indexes"]) | set(GIT_INDEXES)
    for name in set(v1_0["indexes"]):
        assert found["indexes"][name] == v1_0["indexes"][name], name
    for name in set(v1_0["tables"]) - {"project", "items"}:
        assert found["tables"][name] == v1_0["tables"][name], name
    old_columns = [c["name"] for c in v1_0["tables"]["project"]["columns"]]
    at = old_columns.index("created_at")
    assert [c["name"] for c in found["tables"]["project"]["columns"]] == [
        *old_columns[:at],
        *GIT_COLUMNS,
        *old_columns[at:],
    ]
    assert [c["name"] for c in found["tables"]["items"]["columns"]] == [
        c["name"] for c in v1_0["tables"]["items"]["columns"]
    ]
    assert "'subtasks'" in str(found["tables"]["items"]["checks"])
    assert "'subtask'" in str(v1_0["tables"]["items"]["checks"])
    for section in ("triggers", "views", "virtual_tables"):
        assert found[section] == v1_0[section]
    branches = found["tables"]["work_branches"]
    assert [c["name"] for c in branches["columns"]] == [
        "id",
        "branch_name",
        "user_name",
        "purpose",
        "status",
        "created_from",
        "created_at",
        "merged_at",
        "merge_conflicts_count",
        "merge_resolution_strategy",
        "metadata_json",
    ]
    assert branches["autoincrement"] is True
    assert branches["uniques"] == [["branch_name"]]
    merges = found["tables"]["merge_history"]
    assert [c["name"] for c in merges["columns"]] == [
        "id",
        "source_branch",
        "target_branch",
        "merge_timestamp",
        "conflicts_detected",
        "conflicts_auto_resolved",
        "conflicts_manual_resolved",
        "resolution_details",
        "merged_by",
        "merge_commit_hash",
    ]
    assert version_of(path) == "1.1"


def migrations_copy(tmp_path: Path, extra: dict[str, str]) -> Path:
    """A copy of the shipped migration set plus ``extra`` files (relative path -> text)."""
    target = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, target, ignore=shutil.ignore_patterns("__pycache__"))
    for relative, text in extra.items():
        (target / relative).write_text(text)
    return target


BROKEN_STEP = (
    "-- creates a table, then fails\n"
    "CREATE TABLE broken_partial (id INTEGER PRIMARY KEY, note TEXT);\n"
    "INSERT INTO broken_partial (note) VALUES ('half done');\n"
    "INSERT INTO no_such_table (x) VALUES (1);\n"
)
BROKEN_FILE = f"v{LATEST['project']}_to_v{next_major(LATEST['project'])}_broken.sql"
"""A failing project step after the latest: the last step of every ``up`` from v1.0."""


@pytest.fixture
def inst(tmp_path: Path) -> Installation:
    return build_installation(tmp_path, rows=5, seed=7)


# --------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------


def test_check_json_lists_all_four_with_path_version_latest_status(inst: Installation) -> None:
    result = run(inst, "check", "--json")
    assert result.returncode == 0, result.stderr
    document = json_of(result)
    assert set(document) == {"databases"}
    assert [db["name"] for db in document["databases"]] == list(DATABASES)
    for db in document["databases"]:
        assert {"name", "path", "exists", "version", "latest", "pending", "status"} <= set(db)
        assert db["path"] == str(inst.path(db["name"]))
        assert db["exists"] is True
        assert db["version"] == "1.0"
        assert db["latest"] == LATEST[db["name"]]
        assert db["status"] in STATUSES
        expected = STEPS_TO_LATEST[db["name"]]
        assert db["status"] == ("pending" if expected else "up_to_date")
        assert [Path(step["file"]).name for step in db["pending"]] == expected
        for step in db["pending"]:
            assert set(step) == {"from", "to", "file"}
            assert step["file"].startswith(f"migrations/{db['name']}/")
    for name, db in by_name(document).items():
        pairs = [(s["from"], s["to"]) for s in db["pending"]]
        assert pairs == step_pairs(STEPS_TO_LATEST[name]), name
        assert pairs[-1][1] == LATEST[name]


def test_check_walks_up_from_a_nested_folder(inst: Installation) -> None:
    nested = inst.project / "src" / "deep" / "er"
    nested.mkdir(parents=True)
    result = run(inst, "check", "--json", cwd=nested)
    assert result.returncode == 0, result.stderr
    for name, db in by_name(json_of(result)).items():
        assert db["path"] == str(inst.path(name))
        assert db["version"] == "1.0"


def test_project_dir_and_aifp_root_flags_win(inst: Installation, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    flags = ("--project-dir", str(inst.project), "--aifp-root", str(inst.root))
    env = {"AIFP_ROOT": str(tmp_path / "no-such-root")}
    result = run(inst, "check", "--json", *flags, cwd=elsewhere, env=env)
    assert result.returncode == 0, result.stderr
    for name, db in by_name(json_of(result)).items():
        assert db["path"] == str(inst.path(name))
        assert db["exists"] is True
    migrated = run(inst, "up", "--all", "--json", *flags, cwd=elsewhere, env=env)
    assert migrated.returncode == 0, migrated.stderr
    for name in DATABASES:
        assert version_of(inst.path(name)) == LATEST[name]
    assert not (tmp_path / "no-such-root").exists()
    assert list(elsewhere.iterdir()) == []


def test_check_reports_missing_and_unversioned_and_ahead(inst: Installation) -> None:
    inst.path("user_preferences").unlink()
    inst.path("project").write_bytes(b"")
    set_version(inst.path("aifp_core"), "9.0")
    before = files_state(inst)
    result = run(inst, "check", "--json")
    assert "Traceback" not in result.stderr
    databases = by_name(json_of(result))
    assert databases["user_preferences"]["status"] == "missing"
    assert databases["user_preferences"]["exists"] is False
    assert databases["project"]["status"] == "unversioned"
    assert databases["aifp_core"]["status"] == "ahead"
    assert databases["aifp_core"]["version"] == "9.0"
    untouched = databases["user_directives"]
    assert untouched["version"] == "1.0"
    assert untouched["status"] == (
        "pending" if STEPS_TO_LATEST["user_directives"] else "up_to_date"
    )
    assert files_state(inst) == before


# --------------------------------------------------------------------------
# up --all
# --------------------------------------------------------------------------


def test_up_all_dry_run_changes_no_byte(inst: Installation) -> None:
    before = files_state(inst)
    result = run(inst, "up", "--all", "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    databases = by_name(json_of(result))
    for name, db in databases.items():
        assert db["status"] == ("dry_run" if STEPS_TO_LATEST[name] else "up_to_date"), name
        assert db["backup"] is None
        assert [(s["from"], s["to"]) for s in db["applied"]] == step_pairs(STEPS_TO_LATEST[name])
    assert databases["project"]["status"] == "dry_run"
    human = run(inst, "up", "--all", "--dry-run")
    assert human.returncode == 0, human.stderr
    after = files_state(inst)
    assert list(after) == list(before)
    assert after == before
    assert all_backups(inst) == []


def test_up_all_migrates_keeps_rows_and_backs_up(inst: Installation) -> None:
    inst.path("project").chmod(0o600)
    inst.path("aifp_core").chmod(0o640)
    rows_before = {name: snapshot(inst.path(name)) for name in DATABASES}
    named_before = {name: named_snapshot(inst.path(name)) for name in DATABASES}
    bytes_before = files_state(inst)
    started = datetime.now()
    result = run(inst, "up", "--all", "--json")
    assert result.returncode == 0, result.stderr
    document = json_of(result)
    assert set(document) == {"databases"}
    databases = by_name(document)
    assert list(databases) == list(DATABASES)
    for name, db in databases.items():
        assert {"name", "path", "from", "to", "applied", "backup", "status"} <= set(db)
        assert db["status"] in RUN_STATUSES
        assert db["path"] == str(inst.path(name))
        assert db["from"] == "1.0"
        assert db["to"] == LATEST[name]
        path = inst.path(name)
        assert version_of(path) == LATEST[name]
        assert_sound(path)
        if not STEPS_TO_LATEST[name]:
            assert db["status"] == "up_to_date"
            assert db["backup"] is None
            assert backups_of(path) == []
            assert files_state(inst)[str(path)] == bytes_before[str(path)]
            continue
        assert db["status"] == "migrated"
        assert [Path(s["file"]).name for s in db["applied"]] == STEPS_TO_LATEST[name]
        # rows: every surviving column of every row; the real losses named
        assert_rows_carried_to_latest(name, named_before[name], named_snapshot(path))
        # history: one row per applied step
        rows = history(path)
        assert [(r[0], r[3]) for r in rows] == [
            ("up", f"{name}/{file}") for file in STEPS_TO_LATEST[name]
        ]
        assert [(r[1], r[2]) for r in rows] == step_pairs(STEPS_TO_LATEST[name])
        for row, file in zip(rows, STEPS_TO_LATEST[name], strict=True):
            assert re.fullmatch(r"[0-9a-f]{64}", row[4])
            assert row[4] == file_sha256(name, file)
            assert row[5]
        # backup
        (backup,) = backups_of(path)
        assert db["backup"] == str(backup)
        match = BACKUP_NAME.match(backup.name)
        assert match is not None, backup.name
        assert match["db"] == path.name
        stamp = datetime.strptime(match["stamp"], "%Y%m%d_%H%M%S")
        assert abs((stamp - started).total_seconds()) < 120
        assert pragma_rows(backup, "quick_check") == [("ok",)]
        assert version_of(backup) == "1.0"
        assert snapshot(backup) == rows_before[name]
        assert stat.S_IMODE(backup.stat().st_mode) == stat.S_IMODE(path.stat().st_mode)
    assert stat.S_IMODE(backups_of(inst.path("project"))[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(backups_of(inst.path("aifp_core"))[0].stat().st_mode) == 0o640
    assert hidden_files(inst) == []
    assert len(all_backups(inst)) == sum(1 for name in DATABASES if STEPS_TO_LATEST[name])


def test_up_all_again_changes_nothing(inst: Installation) -> None:
    first = run(inst, "up", "--all")
    assert first.returncode == 0, first.stderr
    state = files_state(inst)
    again = run(inst, "up", "--all", "--json")
    assert again.returncode == 0, again.stderr
    for db in json_of(again)["databases"]:
        assert db["status"] == "up_to_date"
        assert db["applied"] == []
        assert db["backup"] is None
    assert files_state(inst) == state
    check = json_of(run(inst, "check", "--json"))
    assert {db["status"] for db in check["databases"]} == {"up_to_date"}


def test_up_all_creates_missing_user_databases(inst: Installation) -> None:
    for name in ("user_preferences", "user_directives"):
        inst.path(name).unlink()
    check = by_name(json_of(run(inst, "check", "--json")))
    for name in ("user_preferences", "user_directives"):
        assert check[name]["status"] == "missing"
        assert check[name]["exists"] is False
    result = run(inst, "up", "--all", "--json")
    assert result.returncode == 0, result.stderr
    databases = by_name(json_of(result))
    for name in ("user_preferences", "user_directives"):
        path = inst.path(name)
        assert databases[name]["status"] == "migrated"
        assert databases[name]["from"] is None
        assert databases[name]["backup"] is None
        # created directly at the latest, from its initial schema: AIFP's latest shape
        initial = f"v{LATEST[name]}_initial_schema.sql"
        assert (MIGRATIONS / name / initial).is_file()
        assert databases[name]["to"] == LATEST[name]
        assert facts(path) == published_facts(name, LATEST[name])
        assert version_of(path) == LATEST[name]
        assert_sound(path)
        rows = history(path)
        assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
            ("init", None, LATEST[name], f"{name}/{initial}")
        ]
        assert rows[0][4] == file_sha256(name, initial)
        assert backups_of(path) == []
    assert hidden_files(inst) == []


def test_missing_project_db(inst: Installation) -> None:
    inst.path("project").unlink()
    check = by_name(json_of(run(inst, "check", "--json")))
    assert check["project"]["status"] == "missing"
    before = files_state(inst)
    result = run(inst, "up", "--db", "project")
    assert_usage_error(result, "project", str(inst.path("project")))
    assert not inst.path("project").exists()
    assert files_state(inst) == before


def test_missing_aifp_core_is_skipped(inst: Installation, tmp_path: Path) -> None:
    empty_root = tmp_path / "empty-root"
    empty_root.mkdir()
    result = run(inst, "up", "--all", "--json", env={"AIFP_ROOT": str(empty_root)})
    assert result.returncode == 0, result.stderr
    databases = by_name(json_of(result))
    assert databases["aifp_core"]["status"] == "skipped"
    assert databases["project"]["status"] == "migrated"
    assert list(empty_root.iterdir()) == []
    assert version_of(inst.path("project")) == LATEST["project"]
    assert not (empty_root / "aifp_core.db").exists()


@pytest.mark.parametrize("args", [("up", "--all"), ("up", "--db", "project")])
def test_zero_byte_project_db_is_never_initialised(
    inst: Installation, args: tuple[str, ...]
) -> None:
    inst.path("project").write_bytes(b"")
    before = files_state(inst)
    result = run(inst, *args)
    assert_usage_error(result, "project", str(inst.path("project")))
    assert inst.path("project").stat().st_size == 0
    assert files_state(inst) == before


@pytest.mark.parametrize("args", [("up", "--all"), ("up", "--db", "project")])
def test_database_ahead_is_refused(inst: Installation, args: tuple[str, ...]) -> None:
    set_version(inst.path("project"), "9.0")
    check = by_name(json_of(run(inst, "check", "--json")))
    assert check["project"]["status"] == "ahead"
    before = files_state(inst)
    result = run(inst, *args)
    assert_usage_error(result, "project", "9.0")
    assert files_state(inst) == before


# --------------------------------------------------------------------------
# up --db / down --db
# --------------------------------------------------------------------------


def test_project_to_1_1_and_back_to_real_1_0(inst: Installation) -> None:
    path = inst.path("project")
    rows_before = snapshot(path)
    named_before = named_snapshot(path)
    assert facts(path) == load_facts("project")
    up = run(inst, "up", "--db", "project", "--target", "1.1", "--json")
    assert up.returncode == 0, up.stderr
    (db,) = json_of(up)["databases"]
    assert (db["from"], db["to"], db["status"]) == ("1.0", "1.1", "migrated")
    assert [Path(s["file"]).name for s in db["applied"]] == ["v1.0_to_v1.1_git_integration.sql"]
    assert_project_v1_1(path)
    assert_rows_at_1_1(named_before, named_snapshot(path))
    assert_sound(path)
    assert version_of(inst.path("aifp_core")) == "1.0"
    # a dry run of the rollback changes nothing
    state = files_state(inst)
    dry = run(inst, "down", "--db", "project", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert files_state(inst) == state
    down = run(inst, "down", "--db", "project", "--json")
    assert down.returncode == 0, down.stderr
    (db,) = json_of(down)["databases"]
    assert (db["from"], db["to"], db["status"]) == ("1.1", "1.0", "migrated")
    assert [s["direction"] for s in db["applied"]] == ["down"]
    assert facts(path) == load_facts("project")
    assert_rows_kept(rows_before, snapshot(path))
    assert version_of(path) == "1.0"
    assert_sound(path)
    assert [(r[0], r[1], r[2], r[3]) for r in history(path)] == [
        ("up", "1.0", "1.1", "project/v1.0_to_v1.1_git_integration.sql"),
        ("down", "1.1", "1.0", "project/rollback/v1.1_to_v1.0_git_integration.sql"),
    ]
    assert history(path)[1][4] == file_sha256("project", "v1.1_to_v1.0_git_integration.sql")
    assert len(backups_of(path)) == 2
    # once more: nothing earlier than 1.0
    state = files_state(inst)
    again = run(inst, "down", "--db", "project")
    assert_usage_error(again, "project", "1.0")
    assert files_state(inst) == state


def test_down_with_target_from_latest(inst: Installation) -> None:
    path = inst.path("project")
    named_before = named_snapshot(path)
    assert run(inst, "up", "--db", "project").returncode == 0
    assert version_of(path) == LATEST["project"]
    result = run(inst, "down", "--db", "project", "--target", "1.0", "--json")
    assert result.returncode == 0, result.stderr
    (db,) = json_of(result)["databases"]
    # the rollbacks of the steps up ran, in reverse order
    up_pairs = step_pairs(STEPS_TO_LATEST["project"])
    assert [(s["from"], s["to"]) for s in db["applied"]] == [(b, a) for a, b in reversed(up_pairs)]
    assert [s["file"] for s in db["applied"]] == [
        f"migrations/project/rollback/{file.replace(f'v{a}_to_v{b}_', f'v{b}_to_v{a}_')}"
        for file, (a, b) in reversed(list(zip(STEPS_TO_LATEST["project"], up_pairs, strict=True)))
    ]
    assert facts(path) == load_facts("project")
    assert version_of(path) == "1.0"
    assert_sound(path)
    # every row comes back; what going up lost comes back as the rollbacks say:
    # files.checksum and project.blueprint_checksum NULL, project_id the project
    # row's id, tasks.priority 'medium' (what 0 became) 0 again
    expected = copy.deepcopy(named_before)
    project_id = min(row["id"] for row in named_before["project"][1])
    for table, columns in LOST_COLUMNS_TO_LATEST["project"].items():
        for row in expected[table][1]:
            if "project_id" in columns:
                row["project_id"] = project_id
            for column in ("checksum", "blueprint_checksum"):
                if column in columns:
                    row[column] = None
    for row in expected["tasks"][1]:
        if row["priority"] == "medium":
            row["priority"] = 0
    assert_rows_carried(expected, named_snapshot(path))


def test_down_with_target_from_1_2_keeps_every_row(inst: Installation) -> None:
    path = inst.path("project")
    rows_before = snapshot(path)
    up = run(inst, "up", "--db", "project", "--target", "1.2", "--json")
    assert up.returncode == 0, up.stderr
    (db,) = json_of(up)["databases"]
    assert [Path(s["file"]).name for s in db["applied"]] == [
        "v1.0_to_v1.1_git_integration.sql",
        "v1.1_to_v1.2_notes_enhancement.sql",
    ]
    assert version_of(path) == "1.2"
    result = run(inst, "down", "--db", "project", "--target", "1.0", "--json")
    assert result.returncode == 0, result.stderr
    (db,) = json_of(result)["databases"]
    assert [(s["from"], s["to"]) for s in db["applied"]] == [("1.2", "1.1"), ("1.1", "1.0")]
    assert [Path(s["file"]).name for s in db["applied"]] == [
        "v1.2_to_v1.1_notes_enhancement.sql",
        "v1.1_to_v1.0_git_integration.sql",
    ]
    assert facts(path) == load_facts("project")
    assert_rows_kept(rows_before, snapshot(path))
    assert_sound(path)


# --------------------------------------------------------------------------
# bad usage
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (("up", "--db", "nope"), ("nope",)),
        (("down", "--db", "nope"), ("nope",)),
        (("up", "--db", "project", "--target", "7.7"), ("project", "7.7")),
        (("down", "--db", "project", "--target", "7.7"), ("project", "7.7")),
        (("up", "--db", "project", "--target", "abc"), ("abc",)),
        (("up",), ("--all",)),
        (("up", "--all", "--db", "project"), ("--all",)),
        (("up", "--all", "--bogus"), ("--bogus",)),
        (("down", "--all"), ("--all",)),
        (("down",), ("db",)),
        (("frobnicate",), ("frobnicate",)),
    ],
    ids=[
        "unknown-db",
        "down-unknown-db",
        "unknown-version",
        "down-unknown-version",
        "bad-version",
        "up-no-db",
        "up-all-and-db",
        "bad-flag",
        "down-all",
        "down-no-db",
        "bad-command",
    ],
)
def test_bad_usage_exits_2_with_one_line(
    inst: Installation, args: tuple[str, ...], needles: tuple[str, ...]
) -> None:
    before = files_state(inst)
    result = run(inst, *args)
    assert_usage_error(result, *needles)
    assert files_state(inst) == before


# --------------------------------------------------------------------------
# failing and refused steps
# --------------------------------------------------------------------------


@pytest.mark.parametrize("args", [("up", "--db", "project"), ("up", "--all")])
def test_failing_step_changes_nothing(
    inst: Installation, tmp_path: Path, args: tuple[str, ...]
) -> None:
    migrations = migrations_copy(tmp_path, {f"project/{BROKEN_FILE}": BROKEN_STEP})
    before = files_state(inst)
    result = run(inst, *args, "--migrations-dir", str(migrations))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for needle in (
        "project",
        BROKEN_FILE,
        "INSERT INTO no_such_table",
        "no such table: no_such_table",
    ):
        assert needle in lines[0], (needle, lines[0])
    assert files_state(inst) == before
    assert not has_table(inst.path("project"), "broken_partial")
    assert all_backups(inst) == []
    assert hidden_files(inst) == []
    for name in DATABASES:
        assert version_of(inst.path(name)) == "1.0"


def test_failing_step_json_reports_failure(inst: Installation, tmp_path: Path) -> None:
    migrations = migrations_copy(tmp_path, {f"project/{BROKEN_FILE}": BROKEN_STEP})
    before = files_state(inst)
    result = run(inst, "up", "--all", "--json", "--migrations-dir", str(migrations))
    assert result.returncode == 1
    databases = by_name(json_of(result))
    assert databases["project"]["status"] == "failed"
    for name, db in databases.items():
        assert db["status"] in RUN_STATUSES
        assert db["backup"] is None, name
        if name != "project":
            assert db["status"] != "migrated", name
    assert files_state(inst) == before


@pytest.mark.parametrize(
    ("statement", "needle"),
    [
        ("COMMIT;", "COMMIT"),
        ("ATTACH DATABASE '{evil}' AS evil;", "ATTACH"),
        ("PRAGMA foreign_keys=ON;", "foreign_keys"),
        ("VACUUM;", "VACUUM"),
    ],
    ids=["commit", "attach", "pragma-fk", "vacuum"],
)
def test_forbidden_statement_refused_before_writing(
    inst: Installation, tmp_path: Path, statement: str, needle: str
) -> None:
    evil = tmp_path / "evil.db"
    text = (
        "CREATE TABLE sneaky (id INTEGER PRIMARY KEY);\n"
        f"{statement.format(evil=evil)}\n"
        "CREATE TABLE sneaky2 (id INTEGER PRIMARY KEY);\n"
    )
    migrations = migrations_copy(tmp_path, {"project/v1.2_to_v1.3_escape.sql": text})
    before = files_state(inst)
    result = run(inst, "up", "--db", "project", "--migrations-dir", str(migrations))
    assert_usage_error(result, "project", "v1.2_to_v1.3_escape.sql", needle)
    assert files_state(inst) == before
    assert not evil.exists()
    assert all_backups(inst) == []


# --------------------------------------------------------------------------
# Idempotence, as a property over the shipped set
# --------------------------------------------------------------------------


def _versions(name: str) -> list[str]:
    loaded = load_migration_set(name, MIGRATIONS)
    return [str(v) for v in loaded.unwrap().versions()]


VERSIONS = {name: _versions(name) for name in DATABASES}


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def full_state(inst: Installation, name: str) -> tuple[Any, ...]:
    path = inst.path(name)
    listing = sorted(
        str(p) for folder in folders(inst) if folder.exists() for p in folder.iterdir()
    )
    return (facts(path), version_of(path), snapshot(path), listing)


@st.composite
def migration_cases(draw: st.DrawFn, name: str) -> tuple[str, str, str, int, int]:
    start = draw(st.sampled_from(VERSIONS[name]))
    target = draw(st.sampled_from(VERSIONS[name]))
    return name, start, target, draw(st.integers(0, 8)), draw(st.integers(0, 2**16))


def test_versions_known() -> None:
    """AIFP's lineage (and the plan's aifp_core 1.1): every published version is shipped."""
    assert VERSIONS["project"] == ["1.0", "1.1", "1.2", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9"]
    assert VERSIONS["aifp_core"] == [
        *("1.0", "1.1", "1.4", "1.5", "1.6", "1.7", "1.9", "2.0", "2.1", "2.2"),
    ]
    assert VERSIONS["user_preferences"] == ["1.0", "1.1", "1.2"]
    assert VERSIONS["user_directives"] == ["1.0", "1.1", "1.2"]
    manifest = (REPO / "tests" / "facts" / "history" / "MANIFEST.tsv").read_text().splitlines()
    for line in manifest[1:]:
        database, _file, _date, version, *_ = line.split("\t")
        assert version in VERSIONS[database], (database, version)
    for name in DATABASES:
        assert VERSIONS[name][-1] == LATEST[name]


@pytest.mark.slow
@pytest.mark.parametrize("database", DATABASES)
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_every_migration_path_is_idempotent(
    tmp_path_factory: pytest.TempPathFactory, database: str, data: st.DataObject
) -> None:
    # 4 cases per database (16 in all; one run of 15 drew the database too): xdist spreads
    # the four tests, and every database is always drawn.
    name, start, target, rows, seed = data.draw(migration_cases(database))
    base = tmp_path_factory.mktemp("idem")
    inst = Installation(base / "aifp-root", base / "my-project")
    (inst.project / ".aifp-project").mkdir(parents=True)
    inst.root.mkdir(parents=True)
    create_database(inst.path(name), name, rows, seed)
    if start != "1.0":  # getting to the start is set-up: in-process, as ``up`` would
        places = find_places(inst.project, inst.root, None)
        prepared = up(losses_runtime(places, True), (name,), start, explicit=True)
        assert prepared.problem is None, prepared.problem
    assert version_of(inst.path(name)) == start
    command = "down" if _key(target) < _key(start) else "up"
    args = (command, "--db", name, "--target", target)
    first = run(inst, *args)
    assert first.returncode == 0, first.stderr
    once = full_state(inst, name)
    assert once[1] == target
    second = run(inst, *args, "--json")
    assert second.returncode == 0, second.stderr
    (db,) = json_of(second)["databases"]
    assert db["status"] == "up_to_date"
    assert db["applied"] == []
    assert db["backup"] is None
    assert full_state(inst, name) == once
    assert_sound(inst.path(name))
