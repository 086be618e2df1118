"""Real AIFP/AIMFP installations: published shapes are recognised, AIMFP's names are found,
what the installed core expects is shown, and a step's guard refuses rows by name.

Each test runs the installed CLI in a subprocess on real database files.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from aifp_data import MIGRATIONS, snapshot
from conftest import run_cli
from facts_sql import schema_script
from schema_facts import facts_of

pytestmark = pytest.mark.e2e

HISTORY = Path(__file__).resolve().parent / "facts" / "history"


def _manifest() -> list[dict[str, str]]:
    with (HISTORY / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _shape_db(path: Path, row: dict[str, str]) -> None:
    facts = json.loads((HISTORY / row["db"] / row["file"]).read_text(encoding="utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(schema_script(facts, row["version"]))
    finally:
        conn.close()


def _check(project: Path, root: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    done = run_cli(
        "check", "--json", "--project-dir", project, "--aifp-root", root, *extra, cwd=project
    )
    return done.returncode, json.loads(done.stdout)


def _by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {db["name"]: db for db in document["databases"]}


def _known_versions(db: str) -> set[str]:
    """Versions the shipped set's step files name for ``db``."""
    names = [p.name for p in (MIGRATIONS / db).glob("v*.sql")]
    found: set[str] = set()
    for name in names:
        head = name.removesuffix(".sql").split("_")
        found.update(part[1:] for part in head if part.startswith("v") and part[1:2].isdigit())
    return found


SHAPES_OF_KNOWN_VERSIONS = [
    row for row in _manifest() if row["version"] in _known_versions(row["db"])
]


@pytest.mark.parametrize(
    "row", SHAPES_OF_KNOWN_VERSIONS, ids=lambda r: f"{r['db']}-{r['version']}-{r['date']}"
)
def test_every_published_shape_of_a_known_version_is_that_version_not_drift(
    tmp_path: Path, row: dict[str, str]
) -> None:
    project, root = tmp_path / "p", tmp_path / "root"
    root.mkdir()
    name = "aifp_core.db" if row["db"] == "aifp_core" else f".aifp-project/{row['db']}.db"
    _shape_db((root if row["db"] == "aifp_core" else project) / name, row)
    (project / ".aifp-project").mkdir(parents=True, exist_ok=True)
    code, document = _check(project, root)
    entry = _by_name(document)[row["db"]]
    assert entry["version"] == row["version"]
    assert entry["status"] in ("pending", "up_to_date"), entry
    assert code == 0, document


def test_a_structure_no_shape_has_is_still_drift(tmp_path: Path) -> None:
    project, root = tmp_path / "p", tmp_path / "root"
    root.mkdir()
    row = next(r for r in _manifest() if r["db"] == "project")
    db = project / ".aifp-project" / "project.db"
    _shape_db(db, row)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE stray (x)")
    conn.close()
    code, document = _check(project, root)
    assert _by_name(document)["project"]["status"] == "drift"
    assert any("stray" in d for d in _by_name(document)["project"]["differences"])
    assert code == 3


def _v1_project(folder: Path) -> Path:
    row = next(r for r in _manifest() if r["db"] == "project" and r["date"] == "2025-10-22")
    db = folder / "project.db"
    _shape_db(db, row)
    return db


def test_an_aimfp_project_folder_is_found_from_inside_it_and_migrated_in_place(
    tmp_path: Path,
) -> None:
    project, root = tmp_path / "p", tmp_path / "root"
    root.mkdir()
    db = _v1_project(project / ".aimfp-project")
    inside = project / "src"
    inside.mkdir()
    done = run_cli("check", "--json", "--aifp-root", root, cwd=inside)
    found = _by_name(json.loads(done.stdout))
    assert found["project"]["path"] == str(db)
    assert found["project"]["status"] == "pending"
    migrated = run_cli("up", "--db", "project", "--json", "--aifp-root", root, cwd=inside)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert json.loads(migrated.stdout)["databases"][0]["path"] == str(db)
    created = run_cli("up", "--all", "--json", "--aifp-root", root, cwd=inside)
    assert created.returncode in (0, 2), created.stdout  # aifp_core is missing here
    assert not (project / ".aifp-project").exists()  # nothing under the other name


def test_a_project_holding_both_folders_is_exit_2_naming_both(tmp_path: Path) -> None:
    project, root = tmp_path / "p", tmp_path / "root"
    root.mkdir()
    aifp = _v1_project(project / ".aifp-project")
    _v1_project(project / ".aimfp-project")
    before = snapshot(aifp)
    for args in (("check",), ("up", "--all"), ("check", "--json")):
        done = run_cli(*args, "--project-dir", project, "--aifp-root", root, cwd=tmp_path)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        text = done.stdout + done.stderr
        assert ".aifp-project" in text and ".aimfp-project" in text
        assert "Traceback" not in text
    seed = run_cli(
        "--check", "--project-dir", project, "--aifp-root", root, cwd=tmp_path, seed=True
    )
    assert seed.returncode == 2, seed.stderr
    assert snapshot(aifp) == before


def test_aimfp_core_db_is_used_when_aifp_core_db_is_absent(tmp_path: Path) -> None:
    project, root = tmp_path / "p", tmp_path / "root"
    (project / ".aifp-project").mkdir(parents=True)
    row = next(r for r in _manifest() if r["db"] == "aifp_core")
    _shape_db(root / "aimfp_core.db", row)
    _, document = _check(project, root)
    core = _by_name(document)["aifp_core"]
    assert core["path"] == str(root / "aimfp_core.db")
    assert core["status"] == "pending"
    done = run_cli("up", "--db", "aifp_core", "--aifp-root", root, cwd=project)
    assert done.returncode == 0, done.stderr
    assert not (root / "aifp_core.db").exists()
    assert any(p.name.startswith("aimfp_core.db.backup_") for p in root.iterdir())


def test_check_shows_what_the_installed_core_expects_and_points_at_it_first(
    tmp_path: Path,
) -> None:
    project, root = tmp_path / "p", tmp_path / "root"
    _v1_project(project / ".aifp-project")
    row = next(r for r in _manifest() if r["db"] == "aifp_core")
    _shape_db(root / "aifp_core.db", row)
    conn = sqlite3.connect(root / "aifp_core.db")
    # The table as real aifp_core 2.1 has it, holding the versions it expects.
    conn.executescript(
        "CREATE TABLE expected_schema_versions (db_name TEXT PRIMARY KEY,"
        " expected_version TEXT NOT NULL, minimum_version TEXT, updated_at DATETIME);"
        "INSERT INTO expected_schema_versions VALUES ('project', '1.1', '1.0', NULL);"
    )
    conn.close()
    _, document = _check(project, root)
    found = _by_name(document)
    assert found["project"]["expected"] == "1.1"
    assert found["user_preferences"]["expected"] is None
    assert "expected" not in found["aifp_core"]
    text = run_cli("check", "--project-dir", project, "--aifp-root", root, cwd=tmp_path).stdout
    first = text.splitlines()[0]
    assert first.startswith("project: at 1.0") and "expects 1.1" in first


def test_a_guard_refuses_rows_by_name_and_nothing_changes(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    (migrations / "project").mkdir(parents=True)
    shutil.copy(MIGRATIONS / "project" / "v1.0_initial_schema.sql", migrations / "project")
    for other in ("aifp_core", "user_preferences", "user_directives"):
        shutil.copytree(
            MIGRATIONS / other, migrations / other, ignore=shutil.ignore_patterns("shapes")
        )
    (migrations / "project" / "v1.0_to_v1.1_guarded.sql").write_text(
        "UPDATE project SET name = upper(name);\n"
        "SELECT 'project', 'status', id, 'CHECK status IN (''active'')'"
        " FROM project WHERE status <> 'active';\n"
        "ALTER TABLE project ADD COLUMN extra TEXT;\n",
        encoding="utf-8",
    )
    project, root = tmp_path / "p", tmp_path / "root"
    root.mkdir()
    db = _v1_project(project / ".aifp-project")
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO project (id, name, purpose, goals_json, status)"
        " VALUES (7, 'x', 'p', '[]', 'paused')"
    )
    conn.commit()
    conn.close()
    before = db.read_bytes()
    done = run_cli(
        "up",
        "--db",
        "project",
        "--migrations-dir",
        migrations,
        "--project-dir",
        project,
        "--aifp-root",
        root,
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "project.status, row id 7: CHECK status IN ('active')" in done.stderr
    assert "v1.0_to_v1.1_guarded.sql" in done.stderr
    assert db.read_bytes() == before


def test_an_earlier_shape_of_the_latest_version_is_pending_and_up_aligns_it(
    tmp_path: Path,
) -> None:
    """user_directives 1.2 was published twice; a database at the first is brought to the second."""
    first, latest = (
        r for r in _manifest() if r["db"] == "user_directives" and r["version"] == "1.2"
    )
    migrations = tmp_path / "migrations"
    for other in ("aifp_core", "project", "user_preferences"):
        (migrations / other).mkdir(parents=True)
        shutil.copy(MIGRATIONS / other / "v1.0_initial_schema.sql", migrations / other)
    shapes = migrations / "user_directives" / "shapes"
    shapes.mkdir(parents=True)
    for row in (first, latest):
        name = f"v1.2_{row['date']}_{row['commit']}.sql"
        shutil.copy(MIGRATIONS / "user_directives" / "shapes" / name, shapes / name)
    latest_facts = json.loads((HISTORY / "user_directives" / latest["file"]).read_text("utf-8"))
    (migrations / "user_directives" / "v1.2_initial_schema.sql").write_text(
        schema_script(latest_facts, "1.2"), encoding="utf-8"
    )
    project, root = tmp_path / "p", tmp_path / "root"
    root.mkdir()
    db = project / ".aifp-project" / "user_directives.db"
    _shape_db(db, first)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO logging_config (id, error_log_dir) VALUES (1, 'mine/')")
    conn.commit()
    conn.close()
    extra = ("--migrations-dir", str(migrations))
    _, document = _check(project, root, *extra)
    entry = _by_name(document)["user_directives"]
    assert (entry["status"], entry["version"]) == ("pending", "1.2")
    assert [(s["from"], s["to"]) for s in entry["pending"]] == [("1.2", "1.2")]
    done = run_cli(
        "up",
        "--db",
        "user_directives",
        "--json",
        "--project-dir",
        project,
        "--aifp-root",
        root,
        *extra,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["databases"][0]["status"] == "migrated"
    conn = sqlite3.connect(db)
    assert facts_of(conn) == latest_facts
    assert conn.execute("SELECT error_log_dir FROM logging_config").fetchall() == [("mine/",)]
    conn.close()
    _, after = _check(project, root, *extra)
    assert _by_name(after)["user_directives"]["status"] == "up_to_date"


def _one_step_set(tmp_path: Path, step: str) -> Path:
    migrations = tmp_path / "migrations"
    (migrations / "project").mkdir(parents=True)
    shutil.copy(MIGRATIONS / "project" / "v1.0_initial_schema.sql", migrations / "project")
    for other in ("aifp_core", "user_preferences", "user_directives"):
        (migrations / other).mkdir(parents=True)
        shutil.copy(MIGRATIONS / other / "v1.0_initial_schema.sql", migrations / other)
    (migrations / "project" / "v1.0_to_v1.1_step.sql").write_text(step, encoding="utf-8")
    return migrations


def test_rows_that_broke_their_foreign_keys_before_the_run_are_carried_and_named(
    tmp_path: Path,
) -> None:
    """SQLite does not enforce foreign keys by default; real AIFP data has such rows."""
    migrations = _one_step_set(tmp_path, "ALTER TABLE tasks ADD COLUMN extra TEXT;\n")
    project, root = tmp_path / "p", tmp_path / "root"
    root.mkdir()
    db = _v1_project(project / ".aifp-project")
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO tasks (id, milestone_id, name) VALUES (5, 999, 'orphan')")
    conn.commit()
    conn.close()
    args = ("--migrations-dir", migrations, "--project-dir", project, "--aifp-root", root)
    done = run_cli("up", "--db", "project", "--json", *args, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)["databases"][0]
    assert report["status"] == "migrated"
    assert "1 row already broke their foreign keys" in report["note"]
    assert "tasks → milestones" in report["note"]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT name FROM tasks WHERE id = 5").fetchall() == [("orphan",)]
    conn.close()


def test_a_step_that_breaks_more_foreign_keys_is_still_rolled_back(tmp_path: Path) -> None:
    migrations = _one_step_set(
        tmp_path, "INSERT INTO tasks (id, milestone_id, name) VALUES (6, 998, 'new orphan');\n"
    )
    project, root = tmp_path / "p", tmp_path / "root"
    root.mkdir()
    db = _v1_project(project / ".aifp-project")
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO tasks (id, milestone_id, name) VALUES (5, 999, 'orphan')")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    args = ("--migrations-dir", migrations, "--project-dir", project, "--aifp-root", root)
    done = run_cli("up", "--db", "project", *args, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "foreign_key_check" in done.stderr
    assert db.read_bytes() == before
