"""A column added by ``ALTER TABLE ... ADD COLUMN`` that SQLite does not check against the rows.

SQLite checks a table's CHECKs when a column is added, but not a NOT NULL column whose
default is an expression (``DEFAULT (-NULL)``), a STRICT table's column types, nor a
generated column whose expression now names the new column (a double-quoted name that was
a string until the column existed): the step leaves rows that ``PRAGMA quick_check``
reports, so the run must quick_check that table and refuse them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.aifp_data import build_installation, version_of
from tests.conftest import run_cli
from tests.test_faults import (
    EXTRA_STEP,
    NEXT_VERSION,
    PROJECT_LATEST,
    _backups,
    _hashes,
    _migrations_with,
    _up_project,
)

pytestmark = pytest.mark.fault


def test_a_not_null_column_whose_default_is_null_is_refused(tmp_path: Path) -> None:
    installation = build_installation(tmp_path / "inst", rows=3)
    shipped = run_cli("up", "--db", "project", cwd=installation.project, env=installation.env())
    assert shipped.returncode == 0, shipped.stderr
    for backup in _backups(installation):
        backup.unlink()
    before = _hashes(installation)
    step = "ALTER TABLE tasks ADD COLUMN flag TEXT NOT NULL DEFAULT (-NULL);\n"
    migrations = _migrations_with(tmp_path, {f"project/{EXTRA_STEP}_flag.sql": step})
    result = _up_project(installation, migrations)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    assert "quick_check(tasks) failed after the steps: NULL value in tasks.flag" in result.stderr
    assert "everything was rolled back" in result.stderr
    assert _hashes(installation) == before
    assert version_of(installation.path("project")) == PROJECT_LATEST


THIRD_VERSION = f"{int(NEXT_VERSION.split('.')[0]) + 1}.0"

CASES = {
    "strict default of the wrong type": (
        "CREATE TABLE labels (id INTEGER PRIMARY KEY, n INTEGER) STRICT;\n"
        "INSERT INTO labels (id, n) VALUES (1, 1);\n",
        "ALTER TABLE labels ADD COLUMN m INTEGER DEFAULT 'not a number';\n",
        "non-INTEGER value in labels.m",
    ),
    "generated column that now names the new column": (
        'CREATE TABLE labels (id INTEGER PRIMARY KEY, g TEXT AS ("zz") VIRTUAL NOT NULL);\n'
        "INSERT INTO labels (id) VALUES (1);\n",
        "ALTER TABLE labels ADD COLUMN zz TEXT;\n",
        "NULL value in labels.g",
    ),
}


def _quick_check(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("PRAGMA quick_check")]
    finally:
        conn.close()


@pytest.mark.parametrize("case", list(CASES))
def test_a_column_sqlite_adds_unchecked_is_quick_checked(tmp_path: Path, case: str) -> None:
    make, add, found = CASES[case]
    installation = build_installation(tmp_path / "inst", rows=2)
    project_db = installation.path("project")
    made = _migrations_with(tmp_path / "one", {f"project/{EXTRA_STEP}_labels.sql": make})
    first = _up_project(installation, made)
    assert first.returncode == 0, first.stderr
    assert version_of(project_db) == NEXT_VERSION
    assert _quick_check(project_db) == ["ok"]
    step = f"project/v{NEXT_VERSION}_to_v{THIRD_VERSION}_column.sql"
    both = _migrations_with(tmp_path / "two", {f"project/{EXTRA_STEP}_labels.sql": make, step: add})
    result = _up_project(installation, both)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, (result.stderr, _quick_check(project_db))
    assert f"quick_check(labels) failed after the steps: {found}" in result.stderr
    assert version_of(project_db) == NEXT_VERSION
    assert _quick_check(project_db) == ["ok"]
