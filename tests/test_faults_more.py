"""More fault tests: bad versions and files, edited files, kill -9 mid-backup, restore,
retention of backups and the pre-flight before the first write."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from returns.result import Failure

from aifp_shell.files.backup import make_backup
from aifp_shell.files.preflight import SPACE_MARGIN, space_needed
from aifp_shell.files.retention import list_backups
from tests.aifp_data import (
    LATEST,
    STEPS_TO_LATEST,
    Installation,
    build_installation,
    small_tmpfs,
    snapshot,
    version_of,
    write_lock_held,
)
from tests.conftest import REPO, run_cli, wait_for_marker

pytestmark = pytest.mark.fault

PROJECT_LATEST = LATEST["project"]
PROJECT_PREVIOUS = STEPS_TO_LATEST["project"][-1].split("_to_")[0].removeprefix("v")
"""The version one ``down`` step below the latest: the source of the last step ``up`` runs."""


def _hashes(installation: Installation) -> dict[str, str]:
    found = {}
    for folder in (installation.root, installation.project / ".aifp-project"):
        for path in sorted(folder.iterdir()):
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _backups(folder: Path, name: str = "project.db") -> list[Path]:
    return sorted(folder.glob(f"{name}.backup_*"))


def _project_folder(installation: Installation) -> Path:
    return installation.project / ".aifp-project"


def _quick_check_ok(path: Path) -> bool:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def _cli(installation: Installation, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=installation.project, env=installation.env())


def _one_clean_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- databases and migration files the tool cannot use ---------------------------------------


def test_database_newer_than_every_known_version_is_exit_2_and_unchanged(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=3)
    conn = sqlite3.connect(installation.path("project"))
    conn.execute("UPDATE schema_version SET version = '9.0'")
    conn.commit()
    conn.close()
    before = _hashes(installation)
    for args in (("up", "--db", "project"), ("up", "--all"), ("down", "--db", "project")):
        result = _cli(installation, *args)
        assert result.returncode == 2, (args, result.stderr)
        line = _one_clean_line(result)
        assert "project" in line and "9.0" in line and "newer" in line
        assert _hashes(installation) == before
    checked = _cli(installation, "check", "--json")
    statuses = {db["name"]: db["status"] for db in json.loads(checked.stdout)["databases"]}
    assert statuses["project"] == "ahead"


def test_database_without_schema_version_is_exit_2_and_unchanged(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=3)
    conn = sqlite3.connect(installation.path("project"))
    conn.execute("DROP TABLE schema_version")
    conn.commit()
    conn.close()
    before = _hashes(installation)
    for args in (("up", "--db", "project"), ("up", "--all")):
        result = _cli(installation, *args)
        assert result.returncode == 2, (args, result.stderr)
        line = _one_clean_line(result)
        assert "project" in line and "schema_version" in line
        assert _hashes(installation) == before
    checked = _cli(installation, "check", "--json")
    statuses = {db["name"]: db["status"] for db in json.loads(checked.stdout)["databases"]}
    assert statuses["project"] == "unversioned"
    assert _hashes(installation) == before


def _migrations_with(tmp_path: Path, extra: dict[str, str]) -> Path:
    folder = tmp_path / "mig"
    shutil.copytree(REPO / "migrations", folder, ignore=shutil.ignore_patterns("*.py"))
    for name, text in extra.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"project/v1.2-to-1.3.sql": "SELECT 1;\n"}, ["v1.2-to-1.3.sql"]),
        (
            {"project/v1.0_to_v1.1_other.sql": "SELECT 1;\n"},
            ["v1.0_to_v1.1_git_integration.sql", "v1.0_to_v1.1_other.sql"],
        ),
        ({"project/v3.0_to_v3.1_far.sql": "SELECT 1;\n"}, ["v3.0_to_v3.1_far.sql"]),
        ({"project/rollback/v1.5_to_v1.4.sql": "SELECT 1;\n"}, ["v1.5_to_v1.4.sql"]),
    ],
    ids=["malformed", "ambiguous", "unreachable", "orphan-rollback"],
)
def test_bad_migration_files_are_exit_2_naming_them_and_nothing_changes(
    tmp_path: Path, extra: dict[str, str], named: list[str]
) -> None:
    installation = build_installation(tmp_path / "inst", rows=3)
    migrations = _migrations_with(tmp_path, extra)
    before = _hashes(installation)
    for args in (("up", "--all"), ("up", "--db", "project"), ("up", "--all", "--dry-run")):
        result = _cli(installation, *args, "--migrations-dir", migrations)
        assert result.returncode == 2, (args, result.stderr)
        line = _one_clean_line(result)
        assert "project" in line
        for name in named:
            assert name in line, (name, line)
        assert _hashes(installation) == before


def test_an_edited_applied_file_check_3_up_3_nothing_changed(tmp_path: Path) -> None:
    installation = build_installation(tmp_path / "inst", rows=3)
    migrations = _migrations_with(tmp_path, {})
    assert _cli(installation, "up", "--all", "--migrations-dir", migrations).returncode == 0
    edited = migrations / "aifp_core" / "v1.0_to_v1.1_drop_notes.sql"
    text = edited.read_text()  # a statement changed (a comment edit would not count)
    assert "DROP TABLE IF EXISTS notes;" in text
    edited.write_text(text.replace("DROP TABLE IF EXISTS notes;", "DROP TABLE IF EXISTS memo;"))
    checked = _cli(installation, "check", "--migrations-dir", migrations)
    assert checked.returncode == 3
    assert "v1.0_to_v1.1_drop_notes.sql" in checked.stdout
    before = _hashes(installation)
    refused = _cli(installation, "up", "--all", "--json", "--migrations-dir", migrations)
    assert refused.returncode == 3
    document = json.loads(refused.stdout)
    assert document["error"]["kind"] == "EditedAfterApplied"
    assert "v1.0_to_v1.1_drop_notes.sql" in _one_clean_line(refused)
    assert _hashes(installation) == before


# --- kill -9 while a backup is being written -------------------------------------------------

BIG_ROWS = 8_000


def _add_bulk(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE bulk (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "INSERT INTO bulk SELECT i, randomblob(1000) FROM n",
        (BIG_ROWS,),
    )
    conn.close()


def _slow_child(work: Installation, marker: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            str(REPO / "tests" / "slow_backup_child.py"),
            str(marker),
            *("up", "--yes", "--db", "project", "--project-dir", str(work.project)),
        ],
        env={**os.environ, **work.env()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_kill_9_during_a_slow_backup_leaves_old_or_new_and_no_bad_backup(
    tmp_path: Path,
) -> None:
    pristine = build_installation(tmp_path / "pristine", rows=5)
    _add_bulk(pristine.path("project"))
    before = snapshot(pristine.path("project"))
    assert len(before["bulk"]) == BIG_ROWS
    # One full run to learn how long the backup takes.
    timing = Installation(tmp_path / "t" / "aifp-root", tmp_path / "t" / "my-project")
    shutil.copytree(pristine.root.parent, timing.root.parent)
    child = _slow_child(timing, tmp_path / "t.marker")
    started = time.monotonic()
    wait_for_marker(tmp_path / "t.marker", child)
    backup_started = time.monotonic() - started
    assert child.wait(timeout=120) == 0, child.stderr.read() if child.stderr else ""
    total = time.monotonic() - started
    assert version_of(timing.path("project")) == PROJECT_LATEST
    rng = random.Random(20261125)
    killed_mid_backup = 0
    for attempt in range(6):
        work = Installation(
            tmp_path / f"k{attempt}" / "aifp-root", tmp_path / f"k{attempt}" / "my-project"
        )
        shutil.copytree(pristine.root.parent, work.root.parent)
        marker = tmp_path / f"k{attempt}.marker"
        child = _slow_child(work, marker)
        if attempt < 4:  # somewhere inside the backup
            wait_for_marker(marker, child)
            time.sleep(rng.uniform(0, max(total - backup_started, 0.05) * 0.8))
        else:  # anywhere in the run
            time.sleep(rng.uniform(0, total))
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            killed_mid_backup += attempt < 4
        child.wait(timeout=60)
        stderr = child.stderr.read() if child.stderr else ""
        assert "Traceback" not in stderr
        project_db = work.path("project")
        version = version_of(project_db)
        assert version in ("1.0", PROJECT_LATEST), (attempt, version)
        after = snapshot(project_db)
        for table, rows in before.items():
            if table in ("schema_version", "schema_history"):
                continue
            if version == "1.0":
                assert after[table] == rows, (attempt, table)
            else:
                assert len(after[table]) == len(rows), (attempt, table)
        assert _quick_check_ok(project_db)
        for backup in _backups(_project_folder(work)):
            assert _quick_check_ok(backup), (attempt, backup)
            assert version_of(backup) == "1.0"
            assert len(snapshot(backup)["bulk"]) == BIG_ROWS
        rerun = _cli(work, "up", "--db", "project")
        assert rerun.returncode == 0, rerun.stderr
        assert version_of(project_db) == PROJECT_LATEST
        assert len(snapshot(project_db)["bulk"]) == BIG_ROWS
        shutil.rmtree(work.root.parent)
    assert killed_mid_backup >= 3


# --- restore ---------------------------------------------------------------------------------


def _rows_restored(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Return a database's rows apart from schema_history (a restore adds a row to it)."""
    return {t: rows for t, rows in snapshot(path).items() if t != "schema_history"}


def _migrated(tmp_path: Path, rows: int = 4) -> tuple[Installation, Path]:
    """Return an installation whose project went 1.0 → latest, and the backup that run made."""
    installation = build_installation(tmp_path, rows=rows)
    result = _cli(installation, "up", "--db", "project", "--json")
    assert result.returncode == 0, result.stderr
    (entry,) = json.loads(result.stdout)["databases"]
    return installation, Path(entry["backup"])


def test_restore_puts_the_newest_backup_back_and_keeps_the_replaced_state(
    tmp_path: Path,
) -> None:
    installation, backup = _migrated(tmp_path)
    live = installation.path("project")
    migrated = snapshot(live)
    expected = _rows_restored(backup)
    assert version_of(live) == PROJECT_LATEST and version_of(backup) == "1.0"
    inode = live.stat().st_ino
    result = _cli(installation, "restore", "--db", "project", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["backup"] == str(backup)
    assert (document["from"], document["to"], document["status"]) == (
        PROJECT_LATEST,
        "1.0",
        "restored",
    )
    assert _rows_restored(live) == expected
    assert version_of(live) == "1.0"
    assert live.stat().st_ino == inode  # written through SQLite, not replaced by a file
    saved = Path(document["saved"])
    assert saved != backup and saved.exists() and _quick_check_ok(saved)
    assert snapshot(saved) == migrated  # the replaced state, kept
    assert backup.exists()
    assert not [p for p in _project_folder(installation).iterdir() if p.name.endswith("-journal")]
    checked = _cli(installation, "check", "--json")
    project = next(d for d in json.loads(checked.stdout)["databases"] if d["name"] == "project")
    assert project["status"] == "pending"


def test_restore_of_an_explicit_backup(tmp_path: Path) -> None:
    installation, first = _migrated(tmp_path)
    down = _cli(installation, "down", "--db", "project", "--json")
    assert down.returncode == 0, down.stderr
    second = Path(json.loads(down.stdout)["databases"][0]["backup"])
    assert version_of(second) == PROJECT_LATEST
    assert version_of(installation.path("project")) == PROJECT_PREVIOUS
    older = _cli(installation, "restore", "--db", "project", "--backup", first)
    assert older.returncode == 0, older.stderr
    assert _rows_restored(installation.path("project")) == _rows_restored(first)
    relative = os.path.relpath(second, installation.project)
    newer = _cli(installation, "restore", "--db", "project", "--backup", relative)
    assert newer.returncode == 0, newer.stderr
    assert _rows_restored(installation.path("project")) == _rows_restored(second)


def test_restore_refuses_the_database_itself(tmp_path: Path) -> None:
    installation, _ = _migrated(tmp_path)
    live = installation.path("project")
    link = _project_folder(installation) / "project.db.backup_29990101_000000"
    os.link(live, link)  # same inode, and it would be the "newest" backup
    before = _hashes(installation)
    for args in (("--backup", str(live)), ("--backup", str(link)), ()):
        result = _cli(installation, "restore", "--db", "project", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert "database itself" in _one_clean_line(result)
        assert _hashes(installation) == before


@pytest.mark.parametrize("damage", ["corrupt", "not-a-database", "unversioned", "empty"])
def test_restore_refuses_a_bad_backup_and_changes_nothing(tmp_path: Path, damage: str) -> None:
    installation, backup = _migrated(tmp_path, rows=3)
    bad = _project_folder(installation) / "project.db.backup_29990101_000000"
    if damage == "corrupt":
        conn = sqlite3.connect(backup)
        conn.execute("CREATE TABLE bulk (id INTEGER PRIMARY KEY, payload TEXT)")
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
            "INSERT INTO bulk SELECT i, hex(randomblob(250)) FROM n"
        )
        conn.commit()
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'bulk'").fetchone()
        conn.close()
        data = bytearray(backup.read_bytes())
        start = (root[0] + 5 - 1) * page_size
        data[start : start + 64] = b"\xff" * 64
        bad.write_bytes(bytes(data))
    elif damage == "not-a-database":
        bad.write_bytes(b"not a database\n" * 500)
    elif damage == "unversioned":
        shutil.copyfile(backup, bad)
        conn = sqlite3.connect(bad)
        conn.execute("DROP TABLE schema_version")
        conn.commit()
        conn.close()
    else:
        bad.write_bytes(b"")
    before = _hashes(installation)
    result = _cli(installation, "restore", "--db", "project")  # the bad one is the newest
    assert result.returncode == 2, result.stderr
    line = _one_clean_line(result)
    assert str(bad) in line and "cannot be restored" in line
    assert _hashes(installation) == before


def test_restore_without_any_backup_or_database_is_exit_2(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=1)
    before = _hashes(installation)
    none = _cli(installation, "restore", "--db", "project")
    assert none.returncode == 2 and "no backup" in _one_clean_line(none)
    assert _hashes(installation) == before
    installation.path("user_directives").unlink()
    missing = _cli(installation, "restore", "--db", "user_directives")
    assert missing.returncode == 2 and "user_directives" in _one_clean_line(missing)
    assert not installation.path("user_directives").exists()


def _reader(path: Path, hold: bool) -> subprocess.Popen[str]:
    """A process with the database open: reading in a loop, or holding one read open (WAL)."""
    code = (
        "import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        + (
            "c.execute('BEGIN'); c.execute('SELECT count(*) FROM tasks').fetchone()\n"
            "print('reading', flush=True); sys.stdin.readline()\n"
            "print(c.execute('SELECT version FROM schema_version').fetchone()[0], flush=True)\n"
            "c.execute('COMMIT')\n"
            if hold
            else "print('reading', flush=True)\n"
            "while True:\n"
            "    c.execute('SELECT count(*) FROM tasks').fetchone(); time.sleep(0.01)\n"
        )
        + "print(c.execute('SELECT version FROM schema_version').fetchone()[0], flush=True)\n"
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", code, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
    return reader


def test_restore_while_another_process_reads_the_database(tmp_path: Path) -> None:
    installation, backup = _migrated(tmp_path)
    live = installation.path("project")
    reader = _reader(live, hold=False)
    try:
        result = _cli(installation, "restore", "--db", "project")
    finally:
        reader.kill()
        reader.wait()
    assert result.returncode == 0, result.stderr
    assert _rows_restored(live) == _rows_restored(backup)


def test_restore_into_a_wal_database_with_a_reader_holding_a_snapshot(tmp_path: Path) -> None:
    installation, backup = _migrated(tmp_path)
    live = installation.path("project")
    conn = sqlite3.connect(live, isolation_level=None)
    assert conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    conn.execute("UPDATE tasks SET name = 'only in the wal' WHERE id = (SELECT min(id) FROM tasks)")
    conn.close()
    conn = sqlite3.connect(live, isolation_level=None)  # keeps -wal from being checkpointed away
    migrated = snapshot(live)
    reader = _reader(live, hold=True)
    try:
        result = _cli(installation, "restore", "--db", "project", "--json")
        assert reader.stdin is not None and reader.stdout is not None
        reader.stdin.write("go\n")
        reader.stdin.flush()
        seen_in_snapshot = reader.stdout.readline().strip()
        seen_after = reader.stdout.readline().strip()
    finally:
        reader.kill()
        reader.wait()
        conn.close()
    assert result.returncode == 0, result.stderr
    assert (seen_in_snapshot, seen_after) == (PROJECT_LATEST, "1.0")
    # Checking and reading the backups (WAL-format files) left no -wal/-shm beside them.
    assert not list(_project_folder(installation).glob("*.backup_*-*"))
    assert _rows_restored(live) == _rows_restored(backup)
    saved = Path(json.loads(result.stdout)["saved"])
    assert snapshot(saved) == migrated  # the WAL-only row is in the saved state
    # The restored database is still a WAL database.
    conn = sqlite3.connect(live)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_restore_waits_for_a_writer_then_exits_1_unchanged(tmp_path: Path) -> None:
    installation, _ = _migrated(tmp_path)
    with write_lock_held(installation.path("project")):
        before = _hashes(installation)
        result = run_cli(
            "restore",
            "--db",
            "project",
            cwd=installation.project,
            env={**installation.env(), "AIFP_MIGRATE_BUSY_TIMEOUT": "0.5"},
        )
    assert result.returncode == 1, result.stderr
    assert "locked" in _one_clean_line(result)
    assert _hashes(installation) == before


# --- retention -------------------------------------------------------------------------------


def _plant_old_backups(installation: Installation, count: int) -> list[Path]:
    folder = _project_folder(installation)
    planted = []
    for day in range(1, count + 1):
        path = folder / f"project.db.backup_202001{day:02d}_120000"
        shutil.copyfile(installation.path("project"), path)
        planted.append(path)
    return planted


def _strangers(installation: Installation) -> list[Path]:
    folder = _project_folder(installation)
    names = [
        "project.db.backup_notes.txt",
        "project.db.backup_20190101_000000.old",
        ".project.db.backup-tmp-1-abcd",
        "other.db.backup_20180101_000000",
    ]
    for name in names:
        (folder / name).write_text("not mine to delete\n")
    return [folder / name for name in names]


def test_the_sixth_backup_prunes_the_oldest(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=2)
    planted = _plant_old_backups(installation, 5)
    strangers = _strangers(installation)
    result = _cli(installation, "up", "--db", "project", "--json")
    assert result.returncode == 0, result.stderr
    made = Path(json.loads(result.stdout)["databases"][0]["backup"])
    kept = [b.path for b in list_backups(installation.path("project"))]
    assert kept == [*planted[1:], made]
    assert not planted[0].exists()
    assert all(path.exists() for path in strangers)


def test_keep_backups_2_on_up_down_and_restore(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=2)
    planted = _plant_old_backups(installation, 3)
    strangers = _strangers(installation)
    up = _cli(installation, "up", "--db", "project", "--keep-backups", "2", "--json")
    assert up.returncode == 0, up.stderr
    made = Path(json.loads(up.stdout)["databases"][0]["backup"])
    assert [b.path for b in list_backups(installation.path("project"))] == [planted[2], made]
    down = _cli(installation, "down", "--db", "project", "--keep-backups", "2", "--json")
    assert down.returncode == 0, down.stderr
    made_down = Path(json.loads(down.stdout)["databases"][0]["backup"])
    assert [b.path for b in list_backups(installation.path("project"))] == [made, made_down]
    restored = _cli(
        installation, "restore", "--db", "project", "--backup", made, "--keep-backups", "1"
    )
    assert restored.returncode == 0, restored.stderr
    remaining = [b.path for b in list_backups(installation.path("project"))]
    assert made in remaining and len(remaining) == 2  # the source is never pruned
    assert all(path.exists() for path in strangers)
    bad = _cli(installation, "up", "--db", "project", "--keep-backups", "0")
    assert bad.returncode == 2


def test_a_failed_run_prunes_nothing(tmp_path: Path) -> None:
    installation = build_installation(tmp_path / "inst", rows=2)
    planted = _plant_old_backups(installation, 6)
    migrations = _migrations_with(
        tmp_path,
        {
            f"project/v{PROJECT_LATEST}_to_v9.0_broken.sql": (
                "INSERT INTO no_such_table VALUES (1);\n"
            )
        },
    )
    before = _hashes(installation)
    result = _cli(installation, "up", "--db", "project", "--migrations-dir", migrations)
    assert result.returncode == 1, result.stderr
    assert [b.path for b in list_backups(installation.path("project"))] == planted
    assert _hashes(installation) == before


# --- pre-flight ------------------------------------------------------------------------------


def test_space_needed_counts_the_database_and_its_wal_twice(tmp_path: Path) -> None:
    database = tmp_path / "x.db"
    database.write_bytes(b"\0" * 10_000)
    assert space_needed(database) == 20_000 + SPACE_MARGIN
    (tmp_path / "x.db-wal").write_bytes(b"\0" * 5_000)
    assert space_needed(database, extra=7) == 30_007 + SPACE_MARGIN


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs (needs root); unmounted afterwards."""
    with small_tmpfs(tmp_path / "small", "4m") as mount:
        yield mount


def _fill(mount: Path, leave: int) -> None:
    stats = os.statvfs(mount)
    free = stats.f_bavail * stats.f_frsize
    (mount / "filler").write_bytes(b"\0" * max(free - leave, 0))


def test_full_disk_at_backup_time_is_exit_1_with_no_partial_backup(small_disk: Path) -> None:
    installation = build_installation(small_disk, rows=30)
    size = installation.path("project").stat().st_size
    # Room for the backup alone but not for the backup and the step: pre-flight stops it.
    _fill(small_disk, size + 64 * 1024)
    before = _hashes(installation)
    result = run_cli(
        "up",
        "--db",
        "project",
        cwd=installation.project,
        env={**installation.env(), "TMPDIR": str(small_disk), "SQLITE_TMPDIR": str(small_disk)},
    )
    assert result.returncode == 1, result.stderr
    line = _one_clean_line(result)
    assert "disk full" in line and "pre-flight" in line and "project" in line
    assert _hashes(installation) == before
    assert not [p for p in _project_folder(installation).iterdir() if "backup" in p.name]
    assert not [p for p in _project_folder(installation).iterdir() if p.name.startswith(".")]


def test_a_backup_that_runs_out_of_space_leaves_nothing_behind(small_disk: Path) -> None:
    installation = build_installation(small_disk, rows=30)
    path = installation.path("project")
    _fill(small_disk, path.stat().st_size // 3)
    made = make_backup("project", path, datetime(2026, 1, 1, 12, 0, 0))
    assert isinstance(made, Failure)
    assert made.failure().kind == "disk_full"
    leftovers = [
        p.name
        for p in path.parent.iterdir()
        if p.name
        not in (
            "project.db",
            "user_preferences.db",
            "user_directives.db",
        )
    ]
    assert leftovers == []


def test_up_removes_the_hidden_copies_a_killed_run_left_and_no_live_ones(tmp_path: Path) -> None:
    """A run killed outright leaves its hidden copy of the database (the backup being made, or
    the copy quick_checked beside the steps); the next run removes it. A file whose process
    still runs is left alone."""
    installation = build_installation(tmp_path, rows=4)
    database = installation.path("project")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    dead = int(gone.stdout)
    stale = [
        database.with_name(f".project.db.backup-tmp-{dead}-0a1b2c3d"),
        database.with_name(f".project.db.restore-tmp-{dead}-4e5f6a7b"),
    ]
    live = database.with_name(f".project.db.backup-tmp-{os.getpid()}-8c9d0e1f")
    unrelated = database.with_name(".project.db.notes")
    for path in (*stale, live, unrelated):
        path.write_bytes(b"x" * 4096)
    result = run_cli("up", "--db", "project", cwd=installation.project, env=installation.env())
    assert result.returncode == 0, result.stderr
    assert [path.exists() for path in stale] == [False, False]
    assert live.exists() and unrelated.exists()
