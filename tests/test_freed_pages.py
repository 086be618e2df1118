"""Pages the steps free: zeroed (SQLite's ``secure_delete``, where the library is built so)
when the steps lose data, left as they are when nothing is lost, on real files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from aifp_shell.commands import migrate
from aifp_shell.commands.runtime import losses_runtime
from aifp_shell.files.locate import find_places
from tests.aifp_data import MIGRATIONS, build_installation, version_of

MARKER = b"PRIVATE-NOTE-"


def _zeroing_by_default() -> bool:
    conn = sqlite3.connect(":memory:")
    try:
        return bool(conn.execute("PRAGMA secure_delete").fetchone()[0])
    finally:
        conn.close()


def _with_private_notes(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) "
        "INSERT INTO notes (content, note_type) "
        "SELECT 'PRIVATE-NOTE-' || i || ' ' || hex(randomblob(200)), 'clarification' FROM n"
    )
    conn.close()


def _traced_writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Return the list the write connections' statements are traced into, from now on."""
    statements: list[str] = []
    connect = migrate.connect

    def tracing(path: Path, *, write: bool, **options: object) -> sqlite3.Connection:
        conn = connect(path, write=write, **options)  # type: ignore[arg-type]
        if write:
            conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(migrate, "connect", tracing)
    return statements


@pytest.mark.skipif(not _zeroing_by_default(), reason="this SQLite does not zero freed pages")
def test_steps_that_lose_data_leave_none_of_it_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    _with_private_notes(path)
    assert MARKER in path.read_bytes()
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations)
    lossy = migrations / "project" / "v1.0_to_v1.1_git_integration.sql"
    lossy.write_text("DELETE FROM notes WHERE content LIKE 'PRIVATE-NOTE-%';\n" + lossy.read_text())
    statements = _traced_writes(monkeypatch)
    places = find_places(installation.project, installation.root, migrations)
    report = migrate.up(losses_runtime(places, True), ("project",), "1.1", explicit=True)
    assert report.problem is None, report.problem
    assert any(step.losses for db in report.databases for step in db.applied)
    assert version_of(path) == "1.1"
    assert not [s for s in statements if "secure_delete" in s]
    assert MARKER not in path.read_bytes(), "deleted notes can be read back out of the file"


def test_steps_that_lose_nothing_leave_the_pages_they_free_unzeroed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan's steps rebuild tables: the rows of the pages they free are in the new
    tables (and in the backup), so zeroing them would only journal and rewrite them."""
    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    statements = _traced_writes(monkeypatch)
    places = find_places(installation.project, installation.root, None)
    report = migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
    assert report.problem is None, report.problem
    assert not any(step.losses for db in report.databases for step in db.applied)
    assert version_of(path) == "1.2"
    assert "PRAGMA secure_delete = FAST" in statements
