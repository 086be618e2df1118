"""``aifp-migrate verify`` (issue 5), end to end on copies of the shipped migrations folder
(whole, or cut to its first versions for the tests that break one file: ``SUBSET_LATEST``).

Decision (documented in docs/user-guide.md): a malformed or duplicated file
name is a *finding* of verify (exit 3, naming the files), because checking the
names is one of verify's jobs; exit 2 is kept for a folder that cannot be read
at all (missing, not UTF-8, holding none of the database folders).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from aifp_fp.version import parse_version
from tests.aifp_data import DATABASES, MIGRATIONS, PROJECT_DATABASES
from tests.conftest import run_cli

pytestmark = pytest.mark.e2e

GIT_ROLLBACK = "rollback/v1.1_to_v1.0_git_integration.sql"

# The plan's own rollback of the git step (shared/seed/migration-scripts-plan.md,
# Example 4), verbatim: it rebuilds project with CREATE TABLE ... AS SELECT.
PLAN_LOSSY_ROLLBACK = """\
-- Drop Git integration tables
DROP TABLE IF EXISTS work_branches;
DROP TABLE IF EXISTS merge_history;

-- Drop indexes (automatically dropped with tables)

-- Remove Git fields from project table (SQLite limitation workaround)
-- Note: SQLite doesn't support DROP COLUMN before version 3.35.0
-- Alternative: Create new table without columns, copy data, rename
CREATE TABLE project_backup AS
SELECT id, name, purpose, goals_json, status, version,
       blueprint_checksum, user_directives_status,
       created_at, updated_at
FROM project;

DROP TABLE project;
ALTER TABLE project_backup RENAME TO project;

-- Recreate triggers
CREATE TRIGGER IF NOT EXISTS update_project_timestamp
AFTER UPDATE ON project
FOR EACH ROW
BEGIN
    UPDATE project SET updated_at = CURRENT_TIMESTAMP WHERE id = OLD.id;
END;

-- Revert schema version
UPDATE schema_version SET version = '1.0', updated_at = CURRENT_TIMESTAMP WHERE id = 1;
"""


SUBSET_LATEST = parse_version("1.5").unwrap()
"""The tests that break one file run on the shipped project files up to 1.5 (1.0 -> 1.1 ->
1.2, the diamond 1.2 -> 1.4 -> 1.5 / 1.2 -> 1.5, their rollbacks and shapes) beside the
other databases' 1.0 initial schemas. Every file they break is in it, with steps after it
and two paths to compare; replaying it costs ~1.4 s of CPU instead of ~5 s for the whole set
(11 runs: ~40 s of the suite). The whole set is verified by ``test_shipped_set_is_green``."""


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped migrations folder (SQL files only)."""
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def _in_subset(database: str, path: Path) -> bool:
    if database != "project":
        return path.name == "v1.0_initial_schema.sql"
    versions = re.findall(r"v(\d+(?:\.\d+)+)", path.name)
    return all(parse_version(text).unwrap() <= SUBSET_LATEST for text in versions)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The shipped set cut to ``SUBSET_LATEST``: a folder whose only findings are the test's."""
    copy = tmp_path / "migrations"
    for database in DATABASES:
        for path in sorted((MIGRATIONS / database).rglob("v*.sql")):
            if _in_subset(database, path):
                target = copy / database / path.relative_to(MIGRATIONS / database)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
    return copy


def _shipped_files(database: str, under: str = "") -> list[Path]:
    """The shipped step files of ``database`` (or its rollbacks, ``under="rollback"``)."""
    folder = MIGRATIONS / database / under if under else MIGRATIONS / database
    return sorted(folder.glob("v*_to_v*.sql"))


def _verify(folder: Path, tmp_path: Path, *extra: str) -> tuple[int, list[str], dict[str, object]]:
    done = run_cli("verify", "--json", "--migrations-dir", folder, *extra, cwd=tmp_path)
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return done.returncode, lines, json.loads(done.stdout)


def _findings(document: dict[str, object]) -> list[dict[str, str]]:
    found = document["findings"]
    assert isinstance(found, list)
    return found


@pytest.mark.slow
def test_shipped_set_is_green(shipped: Path, tmp_path: Path) -> None:
    code, lines, document = _verify(shipped, tmp_path)
    assert code == 0, lines
    assert lines == []
    assert document["ok"] is True
    databases = {db["name"]: db for db in document["databases"]}  # type: ignore[union-attr]
    assert set(databases) == set(DATABASES)
    for name in DATABASES:  # the CLI reports every step and rollback file of the shipped set
        assert databases[name]["status"] == "ok"
        assert databases[name]["steps"] == len(_shipped_files(name)), name
        rollbacks = len(_shipped_files(name, "rollback"))
        assert 1 <= databases[name]["rollbacks_checked"] <= rollbacks, name
    for name in PROJECT_DATABASES:
        assert databases[name]["rollbacks_checked"] == len(_shipped_files(name, "rollback"))
        assert databases[name]["paths_compared"] >= 1  # a direct step or a later initial schema
    human = run_cli("verify", cwd=tmp_path)  # the shipped folder itself, human output
    assert human.returncode == 0, human.stderr
    assert "verify: ok" in human.stdout


def test_the_subset_the_other_tests_break_is_green(folder: Path, tmp_path: Path) -> None:
    code, lines, document = _verify(folder, tmp_path)
    assert code == 0, lines
    project = next(db for db in document["databases"] if db["name"] == "project")  # type: ignore[union-attr]
    assert project["steps"] == 5 and project["rollbacks_checked"] == 5
    assert project["paths_compared"] >= 2  # the diamond from 1.2 to 1.5


def test_the_plans_lossy_rollback_is_caught(folder: Path, tmp_path: Path) -> None:
    (folder / "project" / GIT_ROLLBACK).write_text(PLAN_LOSSY_ROLLBACK)
    code, lines, document = _verify(folder, tmp_path)
    assert code == 3
    assert lines and all(GIT_ROLLBACK in line for line in lines), lines
    checks = {f["check"] for f in _findings(document)}
    # the structure, the broken keys, and the tables and columns it drops without saying so
    assert checks == {"rollback_structure", "rollback", "losses"}
    detail = next(f for f in _findings(document) if f["check"] == "rollback_structure")["message"]
    assert "table project" in detail and "1.0" in detail and "AUTOINCREMENT" in detail
    human = run_cli("verify", "--migrations-dir", folder, cwd=tmp_path)
    assert human.returncode == 3
    assert GIT_ROLLBACK in human.stderr and "FAILED" in human.stdout


def test_a_step_that_cannot_apply_is_caught(folder: Path, tmp_path: Path) -> None:
    broken = folder / "project" / "v1.2_to_v1.3_broken.sql"
    broken.write_text("ALTER TABLE no_such_table ADD COLUMN x TEXT;\n")
    code, lines, document = _verify(folder, tmp_path)
    assert code == 3
    assert any("v1.2_to_v1.3_broken.sql" in line and "no_such_table" in line for line in lines)
    assert {(f["file"], f["check"]) for f in _findings(document)} >= {
        ("migrations/project/v1.2_to_v1.3_broken.sql", "applies")
    }


def test_a_step_that_fails_only_on_real_rows_is_caught(folder: Path, tmp_path: Path) -> None:
    """The scratch database holds rows: a UNIQUE index over duplicated values cannot be built."""
    (folder / "project" / "v1.2_to_v1.3_unique.sql").write_text(
        "CREATE UNIQUE INDEX idx_themes_ai ON themes(ai_generated);\n"
    )
    code, lines, document = _verify(folder, tmp_path)
    assert code == 3
    assert any("v1.2_to_v1.3_unique.sql" in line and "UNIQUE" in line for line in lines), lines
    assert [f["check"] for f in _findings(document)] == ["applies"]


def test_a_rollback_that_loses_rows_of_surviving_columns_is_caught(
    folder: Path, tmp_path: Path
) -> None:
    path = folder / "project" / GIT_ROLLBACK
    path.write_text("DELETE FROM notes WHERE id > 1;\n" + path.read_text())
    code, lines, document = _verify(folder, tmp_path)
    assert code == 3
    found = _findings(document)
    assert [(f["file"], f["check"]) for f in found] == [
        ("migrations/project/" + GIT_ROLLBACK, "losses"),
        ("migrations/project/" + GIT_ROLLBACK, "rollback_rows"),
    ]
    assert "line 1 deletes rows of notes" in found[0]["message"]
    assert "-- aifp-migrate: deletes notes" in found[0]["message"]
    assert "table notes" in found[1]["message"]
    assert len(lines) == 2 and all(GIT_ROLLBACK in line for line in lines)


def test_a_rollback_that_changes_values_is_caught(folder: Path, tmp_path: Path) -> None:
    path = folder / "project" / GIT_ROLLBACK
    path.write_text("UPDATE notes SET content = 'gone';\n" + path.read_text())
    code, _lines, document = _verify(folder, tmp_path)
    assert code == 3
    assert [f["check"] for f in _findings(document)] == ["losses", "rollback_rows"]
    assert "rewrites values of notes.content" in _findings(document)[0]["message"]
    assert "table notes" in _findings(document)[1]["message"]


def _diamond(tmp_path: Path, direct: str) -> tuple[Path, tuple[str, str, str]]:
    """A small set of the test's own: each database's 1.0 initial schema, one diamond on project.

    1.0 -> 1.1 (a), 1.1 -> 1.2 (b) and 1.0 -> 1.2 directly. No other steps, so
    the diamond is the only pair of paths the set has.
    """
    small = tmp_path / "small"
    for name in DATABASES:
        (small / name).mkdir(parents=True)
        shutil.copy(MIGRATIONS / name / "v1.0_initial_schema.sql", small / name)
    project = small / "project"
    names = ("v1.0_to_v1.1_a.sql", "v1.1_to_v1.2_b.sql", "v1.0_to_v1.2_direct.sql")
    (project / names[0]).write_text("ALTER TABLE notes ADD COLUMN x TEXT;\n")
    (project / names[1]).write_text("ALTER TABLE notes ADD COLUMN y TEXT;\n")
    (project / names[2]).write_text(direct)
    return small, names


def test_a_diamond_whose_paths_disagree_is_caught(tmp_path: Path) -> None:
    small, (first, _, direct) = _diamond(
        tmp_path, "ALTER TABLE notes ADD COLUMN y TEXT;\nALTER TABLE notes ADD COLUMN x TEXT;\n"
    )
    code, lines, document = _verify(small, tmp_path)
    assert code == 3
    found = [f for f in _findings(document) if f["check"] == "paths"]
    assert len(found) == 1, _findings(document)
    assert "column order differs" in found[0]["message"]
    assert direct in found[0]["message"]
    assert first in found[0]["message"]
    assert any("paths" in line for line in lines)


def test_a_diamond_whose_paths_agree_passes(tmp_path: Path) -> None:
    small, _ = _diamond(
        tmp_path, "ALTER TABLE notes ADD COLUMN x TEXT;\nALTER TABLE notes ADD COLUMN y TEXT;\n"
    )
    code, lines, document = _verify(small, tmp_path)
    assert code == 0, lines
    project = next(db for db in document["databases"] if db["name"] == "project")  # type: ignore[union-attr]
    assert project["paths_compared"] >= 1
    assert project["steps"] == 3


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("v1.x_to_v1.3.sql", ["migrations/project/v1.x_to_v1.3.sql"]),
        (
            "v1.0_to_v1.1_other.sql",
            [
                "migrations/project/v1.0_to_v1.1_git_integration.sql",
                "migrations/project/v1.0_to_v1.1_other.sql",
            ],
        ),
        ("v7.5_to_v7.6_island.sql", ["migrations/project/v7.5_to_v7.6_island.sql"]),
    ],
    ids=["malformed", "duplicate", "unreachable"],
)
def test_bad_file_names_are_findings_naming_the_files(
    name: str, expected: list[str], folder: Path, tmp_path: Path
) -> None:
    (folder / "project" / name).write_text("SELECT 1;\n")
    code, lines, document = _verify(folder, tmp_path)
    assert code == 3
    assert len(lines) == 1
    for file in expected:
        assert file in lines[0]
    assert [f["database"] for f in _findings(document)] == ["project"]
    statuses = {db["name"]: db["status"] for db in document["databases"]}  # type: ignore[union-attr]
    assert statuses == {
        "aifp_core": "ok",
        "project": "failed",
        "user_preferences": "ok",
        "user_directives": "ok",
    }


def test_a_refused_statement_is_a_finding(folder: Path, tmp_path: Path) -> None:
    (folder / "project" / "v1.2_to_v1.3_escape.sql").write_text(
        "ALTER TABLE notes ADD COLUMN z TEXT;\nCOMMIT;\n"
    )
    code, lines, document = _verify(folder, tmp_path)
    assert code == 3
    assert [(f["file"], f["check"]) for f in _findings(document)] == [
        ("migrations/project/v1.2_to_v1.3_escape.sql", "statements")
    ]
    assert "COMMIT" in lines[0]


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_an_unreadable_folder_is_exit_2(kind: str, tmp_path: Path) -> None:
    target = tmp_path / "nowhere"
    if kind == "empty":
        target.mkdir()
        (target / "README.txt").write_text("no databases here")
    code, lines, document = _verify(target, tmp_path)
    assert code == 2
    assert len(lines) == 1 and str(target) in lines[0]
    assert document["ok"] is False
    assert "error" in document
