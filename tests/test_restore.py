"""``restore`` end to end: one unit of work (kill -9 at any statement), schema_history kept
and added to, replaced-state backups never picked by default, another database's backup
refused, ``restore --list``, and a virtual table (FTS5) carried."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.aifp_data import (
    LATEST,
    Installation,
    build_installation,
    damage_leaf_page,
    snapshot,
    version_of,
)
from tests.conftest import run_cli

pytestmark = pytest.mark.e2e

PROJECT_LATEST = LATEST["project"]
OTHERS = ("aifp_core", "user_preferences", "user_directives")


def _cli(installation: Installation, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=installation.project, env=installation.env())


def _ok(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    return {t: rows for t, rows in snapshot(path).items() if t != "schema_history"}


def _history(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT id, direction, from_version, to_version, file, sha256, applied_at "
            "FROM schema_history ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _migrated(tmp_path: Path) -> tuple[Installation, Path]:
    """An installation whose project went 1.0 → latest, and the backup (at 1.0) that run made."""
    installation = build_installation(tmp_path, rows=3)
    document = _ok(_cli(installation, "up", "--db", "project", "--json"))
    (entry,) = document["databases"]
    return installation, Path(entry["backup"])


def _copy_into_backup_name(source_db: Path, folder: Path, name: str) -> Path:
    """Copy a database (backup API) to a backup name beside another database."""
    target = folder / name
    src = sqlite3.connect(source_db)
    dst = sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()
    return target


def test_restore_adds_a_row_to_schema_history_and_loses_none(tmp_path: Path) -> None:
    installation, backup = _migrated(tmp_path)
    live = installation.path("project")
    before = _history(live)
    assert before and all(row[1] == "up" for row in before)
    document = _ok(_cli(installation, "restore", "--db", "project", "--json"))
    after = _history(live)
    assert after[: len(before)] == before  # every earlier row, unchanged
    (added,) = after[len(before) :]
    _, direction, start, end, file, sha256, applied_at = added
    assert (direction, start, end, file) == ("restore", PROJECT_LATEST, "1.0", backup.name)
    assert sha256 == hashlib.sha256(backup.read_bytes()).hexdigest()
    assert str(applied_at).endswith("+00:00")
    # Restoring the replaced state back (undoing the restore) adds one more row.
    saved = Path(str(document["saved"]))
    _ok(_cli(installation, "restore", "--db", "project", "--backup", saved, "--json"))
    again = _history(live)
    assert again[: len(after)] == after
    assert again[-1][1:5] == ("restore", "1.0", PROJECT_LATEST, saved.name)
    assert version_of(live) == PROJECT_LATEST
    # ``history`` shows the restore rows; nothing is reported edited.
    shown = _ok(_cli(installation, "history", "--db", "project", "--json"))
    text = json.dumps(shown)
    assert text.count('"restore"') >= 2
    checked = _ok(_cli(installation, "check", "--json"))
    project = next(d for d in checked["databases"] if d["name"] == "project")
    assert project["status"] == "up_to_date", project


def test_down_adds_rows_and_keeps_the_up_rows(tmp_path: Path) -> None:
    installation, _ = _migrated(tmp_path)
    live = installation.path("project")
    before = _history(live)
    _ok(_cli(installation, "down", "--db", "project", "--json"))
    after = _history(live)
    assert after[: len(before)] == before
    assert [row[1] for row in after[len(before) :]] == ["down"]


def test_after_a_restore_an_undone_step_may_be_edited_and_applied_again(tmp_path: Path) -> None:
    installation, _ = _migrated(tmp_path / "inst")
    ran = [str(row[4]) for row in _history(installation.path("project"))]
    _ok(_cli(installation, "restore", "--db", "project", "--json"))  # back at 1.0
    folder = tmp_path / "mig"
    shutil.copytree(
        Path(__file__).resolve().parents[1] / "migrations",
        folder,
        ignore=shutil.ignore_patterns("*.py"),
    )
    first = folder / ran[0]  # the first step up ran, undone by the restore
    assert first.name.startswith("v1.0_to_")
    first.write_text(first.read_text() + "\n-- edited after the restore undid it\n")
    checked = _ok(_cli(installation, "check", "--migrations-dir", folder, "--json"))
    project = next(d for d in checked["databases"] if d["name"] == "project")
    assert project["status"] == "pending", project
    up = _ok(_cli(installation, "up", "--db", "project", "--migrations-dir", folder, "--json"))
    assert up["databases"][0]["status"] == "migrated"


def test_a_plain_restore_never_picks_the_replaced_state(tmp_path: Path) -> None:
    installation, backup = _migrated(tmp_path)
    first = _ok(_cli(installation, "restore", "--db", "project", "--json"))
    saved = Path(str(first["saved"]))
    assert saved.name.startswith("project.db.backup_") and saved.name.endswith("_replaced")
    second = _ok(_cli(installation, "restore", "--db", "project", "--json"))
    assert second["backup"] == str(backup)  # not the newer replaced state
    assert (second["from"], second["to"]) == ("1.0", "1.0")
    assert _rows(installation.path("project")) == _rows(backup)


def test_restore_list_shows_time_version_size_and_the_replaced_state(tmp_path: Path) -> None:
    installation, backup = _migrated(tmp_path)
    restored = _ok(_cli(installation, "restore", "--db", "project", "--json"))
    saved = str(restored["saved"])
    listing = _ok(_cli(installation, "restore", "--db", "project", "--list", "--json"))
    assert listing["database"] == "project"
    entries = {entry["path"]: entry for entry in listing["backups"]}
    assert set(entries) == {str(backup), saved}
    made = entries[str(backup)]
    assert (made["version"], made["replaced_state"], made["default"]) == ("1.0", False, True)
    assert made["size"] == backup.stat().st_size
    stamp = backup.name.removeprefix("project.db.backup_")
    assert made["time"] == (
        f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}"
    )
    replaced = entries[saved]
    assert (replaced["version"], replaced["replaced_state"], replaced["default"]) == (
        PROJECT_LATEST,
        True,
        False,
    )
    text = _cli(installation, "restore", "--db", "project", "--list")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith("project: 2 backups of ")
    assert any(saved in line and "the state a restore replaced" in line for line in lines)
    assert any(str(backup) in line and "without --backup" in line for line in lines)
    # Listing lists only; it never sits beside --backup.
    both = _cli(installation, "restore", "--db", "project", "--list", "--backup", backup, "--json")
    assert both.returncode == 2 and json.loads(both.stdout)["error"]["kind"] == "BadUsage"


@pytest.mark.slow
def test_restore_refuses_a_backup_of_another_database(tmp_path: Path) -> None:
    installation, _ = _migrated(tmp_path)
    folder = installation.project / ".aifp-project"
    before = _hashes(folder)
    for other in OTHERS:
        planted = _copy_into_backup_name(
            installation.path(other), folder, "project.db.backup_29990101_000000"
        )
        before = _hashes(folder)
        for args in ((), ("--backup", str(installation.path(other)))):
            result = _cli(installation, "restore", "--db", "project", *args)
            assert result.returncode == 2, (other, args, result.stderr)
            assert "Traceback" not in result.stderr
            assert "is not a backup of project" in result.stderr, result.stderr
            assert _hashes(folder) == before
        planted.unlink()
    # and the other way round: project's backup is no user_preferences backup
    project_backup = _copy_into_backup_name(
        installation.path("project"), folder, "user_preferences.db.backup_29990101_000000"
    )
    before = _hashes(folder)
    refused = _cli(installation, "restore", "--db", "user_preferences", "--json")
    assert refused.returncode == 2
    document = json.loads(refused.stdout)
    assert document["status"] == "failed" and document["backup"] == str(project_backup)
    assert "is not a backup of user_preferences" in document["error"]["message"]
    assert _hashes(folder) == before


def test_restore_accepts_a_drifted_backup_of_the_same_database(tmp_path: Path) -> None:
    installation, backup = _migrated(tmp_path)
    conn = sqlite3.connect(backup)
    conn.execute("CREATE TABLE my_own_notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO my_own_notes (body) VALUES ('kept')")
    conn.execute("CREATE INDEX my_tasks_by_name ON tasks (name)")
    conn.commit()
    conn.close()
    document = _ok(_cli(installation, "restore", "--db", "project", "--json"))
    assert document["status"] == "restored"
    assert _rows(installation.path("project")) == _rows(backup)


def test_restore_refuses_a_version_the_database_never_had(tmp_path: Path) -> None:
    installation, backup = _migrated(tmp_path)
    conn = sqlite3.connect(backup)
    conn.execute("UPDATE schema_version SET version = '77.0'")
    conn.commit()
    conn.close()
    result = _cli(installation, "restore", "--db", "project")
    assert result.returncode == 2
    assert "'77.0' is not a version of project" in result.stderr


def test_restore_carries_a_virtual_table_and_its_shadow_tables(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=3)
    _ok(_cli(installation, "up", "--db", "aifp_core", "--json"))
    core = installation.path("aifp_core")
    down = _ok(_cli(installation, "down", "--db", "aifp_core", "--json"))
    at_latest = Path(down["databases"][0]["backup"])
    conn = sqlite3.connect(at_latest)
    virtual = conn.execute(
        "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"
    ).fetchall()
    conn.close()
    assert virtual, "the latest aifp_core has an FTS5 table"
    _ok(_cli(installation, "restore", "--db", "aifp_core", "--backup", at_latest, "--json"))
    assert version_of(core) == LATEST["aifp_core"]
    assert _rows(core) == _rows(at_latest)
    conn = sqlite3.connect(core)
    (table,) = virtual[0]
    conn.execute(f'INSERT INTO "{table}"("{table}") VALUES (\'integrity-check\')')
    conn.rollback()
    conn.close()
    checked = _ok(_cli(installation, "check", "--json"))
    entry = next(d for d in checked["databases"] if d["name"] == "aifp_core")
    assert entry["status"] == "up_to_date", entry


_KILLER = """
import atexit, os, signal, sys
import aifp_shell.commands.restore as restore
from aifp_shell.cli.app import main

kill_at, count = int(sys.argv[1]), [0]
real = restore.connect

def trace(_statement):
    count[0] += 1
    if kill_at and count[0] >= kill_at:
        os.kill(os.getpid(), signal.SIGKILL)

def connect(path, **options):
    conn = real(path, **options)
    if options.get("write"):
        conn.set_trace_callback(trace)
    return conn

restore.connect = connect
atexit.register(lambda: sys.stderr.write(f"statements={count[0]}\\n"))
main(sys.argv[2:])
"""


def _killed_restore(installation: Installation, kill_at: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _KILLER, str(kill_at), "restore", "--db", "project"],
        cwd=installation.project,
        env={**os.environ, **installation.env()},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.fault
def test_a_restore_killed_at_any_statement_leaves_the_old_or_the_new_state(
    tmp_path: Path,
) -> None:
    installation, backup = _migrated(tmp_path / "base")
    live = installation.path("project")
    old_rows, new_rows, old_history = _rows(live), _rows(backup), _history(live)
    points = [0]  # first a run that only counts its statements
    total = 0
    outcomes = set()
    while points:
        point = points.pop(0)
        work_base = tmp_path / f"k{point}"
        shutil.copytree(tmp_path / "base", work_base)
        work = Installation(work_base / "aifp-root", work_base / "my-project")
        killed = _killed_restore(work, point)
        if point == 0:
            assert killed.returncode == 0, killed.stderr
            total = int(killed.stderr.strip().splitlines()[-1].removeprefix("statements="))
            assert total > 20
            points = sorted({1, 2, 3, total // 4, total // 2, (3 * total) // 4, total - 1, total})
            shutil.rmtree(work_base)
            continue
        assert killed.returncode == -9, (point, killed.stderr)
        project = work.path("project")
        version = version_of(project)  # opened read-write: a hot journal is rolled back
        if version == PROJECT_LATEST:
            assert _rows(project) == old_rows
            assert _history(project)[: len(old_history)] == old_history
            outcomes.add("old")
        else:
            assert version == "1.0", (point, version)
            assert _rows(project) == new_rows
            outcomes.add("new")
        conn = sqlite3.connect(project)
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        conn.close()
        rerun = run_cli("restore", "--db", "project", "--json", cwd=work.project, env=work.env())
        assert rerun.returncode == 0, rerun.stderr
        assert json.loads(rerun.stdout)["backup"].endswith(backup.name)
        assert _rows(project) == new_rows
        shutil.rmtree(work_base)
    assert "old" in outcomes


@pytest.mark.parametrize("as_json", [True, False])
def test_restore_over_a_damaged_live_database_goes_through_the_backup_api(
    tmp_path: Path, as_json: bool
) -> None:
    installation, backup = _migrated(tmp_path)
    live = installation.path("project")
    history = _history(live)
    damage_leaf_page(live)  # a leaf deep in a table: its tables can no longer be dropped
    damaged = live.read_bytes()
    result = _cli(installation, "restore", "--db", "project", *(["--json"] if as_json else []))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    if as_json:
        document = json.loads(result.stdout)
        assert document["status"] == "restored" and document["method"] == "backup_api"
        assert "malformed" in document["live_damaged"]
        assert (document["saved_by"], document["history_kept"]) == ("backup_api", "live")
        saved = Path(document["saved"])
    else:
        assert "the live database was damaged (database disk image is malformed" in result.stdout
        assert "copied in with SQLite's backup API" in result.stdout
        assert "schema_history: the live database's rows kept, plus a restore row" in result.stdout
        (line,) = [x for x in result.stdout.splitlines() if "replaced (damaged) state" in x]
        saved = Path(line.split(": ", 1)[1])
    # The backup's content is back, checked, with the damaged database's history plus a row.
    assert version_of(live) == "1.0"
    assert _rows(live) == _rows(backup)
    conn = sqlite3.connect(live)
    assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    after = _history(live)
    assert after[: len(history)] == history
    assert after[-1][1:5] == ("restore", PROJECT_LATEST, "1.0", backup.name)
    # The damaged state is kept page for page (the broken leaf included), named _replaced.
    assert saved.name.endswith("_replaced") and saved.parent == live.parent
    page_size = int.from_bytes(damaged[16:18], "big")
    assert saved.read_bytes()[page_size:] == damaged[page_size:]
    assert not [p for p in live.parent.iterdir() if "-tmp-" in p.name]  # no staging file left
