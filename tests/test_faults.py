"""Fault tests: kill -9 at every statement, concurrent runs, locks, failing steps, bad files."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from aifp_shell.commands.migrate import up
from aifp_shell.commands.runtime import losses_runtime
from aifp_shell.files.locate import find_places
from aifp_shell.problems import Environment
from tests.aifp_data import (
    DATABASES,
    LATEST,
    STEPS_TO_LATEST,
    Installation,
    build_installation,
    damage_leaf_page,
    small_tmpfs,
    snapshot,
    version_of,
    write_lock_held,
)
from tests.conftest import REPO, run_cli
from tests.fault_child import killed_fork

pytestmark = pytest.mark.fault


def _hashes(installation: Installation) -> dict[str, str]:
    found = {}
    for folder in (installation.root, installation.project / ".aifp-project"):
        for path in sorted(folder.iterdir()):
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _backups(installation: Installation) -> list[Path]:
    found: list[Path] = []
    for folder in (installation.root, installation.project / ".aifp-project"):
        found.extend(sorted(folder.glob("*.backup_*")))
    return found


def _copy_installation(source: Installation, base: Path) -> Installation:
    shutil.copytree(source.root.parent, base)
    return Installation(base / source.root.name, base / source.project.name)


def _quick_check_ok(path: Path) -> bool:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    finally:
        conn.close()


PROJECT_LATEST = LATEST["project"]
NEXT_VERSION = f"{int(PROJECT_LATEST.split('.')[0]) + 1}.0"
"""A version past the shipped latest, for the tests' own extra steps."""
EXTRA_STEP = f"v{PROJECT_LATEST}_to_v{NEXT_VERSION}"
"""File-name stem of a step from the shipped latest to NEXT_VERSION."""

KILL_STRIDE = 4
KILL_POINTS = range(1, 800, KILL_STRIDE)
"""Kill before every fourth SQL statement of ``up --db project`` (1st, 5th, 9th, ...) until
a run completes. ``up`` from 1.0 to the latest runs ~440 statements (the plan's two steps ran
128); the stride keeps the number of killed subprocesses, and the suite's time, where it was."""
RERUN_EVERY = 3
"""The in-process recovery ``up`` runs after every third kill (the 1st, 13th, 25th statement,
...: still spread from BEGIN to the last COMMIT, through every step file); every kill is
checked for old-or-new version, rows, quick_check and sound backups."""
KILL_CHUNK = 25
KILL_CHUNKS = [KILL_POINTS[i : i + KILL_CHUNK] for i in range(0, len(KILL_POINTS), KILL_CHUNK)]


@pytest.mark.slow
@pytest.mark.parametrize(
    "kill_points", KILL_CHUNKS, ids=[f"{c.start}-{c.stop - 1}" for c in KILL_CHUNKS]
)
def test_kill_9_at_every_statement_leaves_old_or_new_version(
    tmp_path: Path, kill_points: range
) -> None:
    # One chunk of kill points per test, so xdist spreads the ~200 kills over workers.
    # A chunk stops at the first run that completes (later chunks then finish at once).
    # Each run is a forked child of this process (``killed_fork``): a real process killed
    # by SIGKILL mid-transaction, without the interpreter start-up a new process pays.
    pristine = build_installation(tmp_path / "pristine", rows=6)
    before = snapshot(pristine.path("project"))
    completed = False
    kills = 0
    for kill_at in kill_points:
        work = _copy_installation(pristine, tmp_path / f"k{kill_at}")
        project_db = work.path("project")
        stderr = tmp_path / f"k{kill_at}.stderr"
        returncode = killed_fork(
            kill_at,
            ("up", "--yes", "--db", "project", "--project-dir", str(work.project)),
            work.env(),
            stderr,
        )
        assert "Traceback" not in stderr.read_text()
        version = version_of(project_db)
        assert version in ("1.0", PROJECT_LATEST), (kill_at, version)
        after = snapshot(project_db)
        for table, rows in before.items():
            if table == "schema_version":
                continue
            if version == "1.0":
                assert after[table] == rows, (kill_at, table)
            else:
                assert len(after[table]) == len(rows), (kill_at, table)
        assert _quick_check_ok(project_db)
        for backup in _backups(work):
            assert _quick_check_ok(backup), backup
        if returncode == 0:
            completed = True
            assert version == PROJECT_LATEST
            break
        assert returncode == -signal.SIGKILL, stderr.read_text()
        kills += 1
        if KILL_POINTS.index(kill_at) % RERUN_EVERY == 0:
            places = find_places(work.project, work.root, None)
            rerun = up(losses_runtime(places, accept_losses=True), ("project",), explicit=True)
            assert rerun.problem is None, rerun.problem
            assert version_of(project_db) == PROJECT_LATEST
        shutil.rmtree(work.root.parent)
    if kill_points.start == KILL_POINTS.start:
        assert kills > 10  # the first chunk kills at many statements before any run completes
    if kill_points.stop == KILL_POINTS.stop:
        assert completed  # some run got through every statement before the last kill point


def _steps_taken(files: list[str]) -> list[tuple[str, str]]:
    """(from, to) of each step file name ``vA_to_vB_<what>.sql``."""
    pairs = []
    for name in files:
        source, target = name.split("_to_")
        pairs.append((source.removeprefix("v"), target.split("_")[0].removeprefix("v")))
    return pairs


def test_two_runs_at_once_serialize_and_apply_each_step_once(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=6)
    env = {**os.environ, **installation.env()}
    cli = Path(sys.executable).parent / "aifp-migrate"
    runs = [
        subprocess.Popen(
            [str(cli), "up", "--all", "--json", "--yes"],
            cwd=installation.project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    conn = sqlite3.connect(installation.path("project"))
    history = conn.execute("SELECT from_version, to_version FROM schema_history").fetchall()
    conn.close()
    assert history == _steps_taken(STEPS_TO_LATEST["project"])
    assert history[-1][1] == PROJECT_LATEST
    assert len(list((installation.project / ".aifp-project").glob("project.db.backup_*"))) == 1


def test_database_locked_past_busy_timeout_exits_1_and_changes_nothing(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=3)
    before = _hashes(installation)
    with write_lock_held(installation.path("project")):
        started = time.monotonic()
        result = run_cli(
            "up",
            "--db",
            "project",
            cwd=installation.project,
            env={**installation.env(), "AIFP_MIGRATE_BUSY_TIMEOUT": "0.5"},
        )
        assert time.monotonic() - started < 20
    assert result.returncode == 1, result.stderr
    assert "locked" in result.stderr and "project" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _hashes(installation) == before
    assert _backups(installation) == []


def _migrations_with(tmp_path: Path, extra: dict[str, str]) -> Path:
    folder = tmp_path / "migrations"
    shutil.copytree(REPO / "migrations", folder, ignore=shutil.ignore_patterns("*.py"))
    for name, text in extra.items():
        (folder / name).write_text(text)
    return folder


def _up_project(installation: Installation, migrations: Path) -> subprocess.CompletedProcess[str]:
    """Run ``aifp-migrate up --db project`` with another migrations folder."""
    return run_cli(
        "up",
        "--db",
        "project",
        "--migrations-dir",
        migrations,
        cwd=installation.project,
        env=installation.env(),
    )


def test_third_of_four_databases_failing_leaves_all_four_unchanged(tmp_path: Path) -> None:
    installation = build_installation(tmp_path / "inst", rows=4)
    migrations = _migrations_with(
        tmp_path,
        {
            f"user_preferences/v{LATEST['user_preferences']}_to_v9.0_broken.sql": (
                "CREATE TABLE half_done (id INTEGER PRIMARY KEY);\n"
                "INSERT INTO no_such_table VALUES (1);\n"
            )
        },
    )
    before = _hashes(installation)
    result = run_cli(
        "up",
        "--all",
        "--migrations-dir",
        migrations,
        cwd=installation.project,
        env=installation.env(),
    )
    assert result.returncode == 1, result.stderr
    assert "user_preferences" in result.stderr
    assert f"v{LATEST['user_preferences']}_to_v9.0_broken.sql" in result.stderr
    assert "no such table: no_such_table" in result.stderr
    assert "INSERT INTO no_such_table" in result.stderr
    assert _hashes(installation) == before
    assert _backups(installation) == []


def _rebuild_tasks_step(path: Path) -> str:
    """A step that rebuilds ``tasks`` as it is in *path* (new table, copy, drop, rename).

    Its children (subtasks, sidequests) reference it with ON DELETE CASCADE, so a run
    with foreign keys enforced during the DROP would delete their rows.
    """
    conn = sqlite3.connect(path)
    try:
        (table,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'tasks'"
        ).fetchone()
        others = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'tasks' "
            "AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()
    assert table.startswith('CREATE TABLE "tasks"'), table
    drops = [f'DROP {kind.upper()} "{name}";' for kind, name, _ in others]
    creates = [f"{sql};" for _, _, sql in others]
    return "\n".join(
        [
            "-- A rebuild of a parent table whose children have ON DELETE CASCADE.",
            table.replace('CREATE TABLE "tasks"', "CREATE TABLE new_tasks", 1) + ";",
            "INSERT INTO new_tasks SELECT * FROM tasks;",
            *drops,
            "DROP TABLE tasks;",
            "ALTER TABLE new_tasks RENAME TO tasks;",
            *creates,
            "",
        ]
    )


def test_rebuilding_a_parent_keeps_every_cascading_child_row(tmp_path: Path) -> None:
    installation = build_installation(tmp_path / "inst", rows=8)
    shipped = run_cli("up", "--db", "project", cwd=installation.project, env=installation.env())
    assert shipped.returncode == 0, shipped.stderr
    project_db = installation.path("project")
    assert version_of(project_db) == PROJECT_LATEST
    step = _rebuild_tasks_step(project_db)
    assert "ON DELETE CASCADE" in step and "DROP TABLE tasks" in step
    migrations = _migrations_with(tmp_path, {f"project/{EXTRA_STEP}_rebuild_tasks.sql": step})
    before = snapshot(project_db)
    result = _up_project(installation, migrations)
    assert result.returncode == 0, result.stderr
    assert version_of(project_db) == NEXT_VERSION
    after = snapshot(project_db)
    for child in ("subtasks", "sidequests", "items", "tasks"):
        assert after[child] == before[child], child
    assert len(before["subtasks"]) == 8
    assert len(before["sidequests"]) == 8


def _latest_with_an_orphaning_step(tmp_path: Path) -> tuple[Installation, Path]:
    """Return an installation at the shipped latest (no backup left) and a migrations folder
    whose one extra step deletes every milestone, orphaning their tasks."""
    installation = build_installation(tmp_path / "inst", rows=4)
    migrations = _migrations_with(
        tmp_path, {f"project/{EXTRA_STEP}_orphans.sql": "DELETE FROM milestones;\n"}
    )
    shipped = run_cli("up", "--db", "project", cwd=installation.project, env=installation.env())
    assert shipped.returncode == 0, shipped.stderr
    for backup in _backups(installation):
        backup.unlink()
    return installation, migrations


def test_step_that_breaks_a_foreign_key_is_rolled_back(tmp_path: Path) -> None:
    installation, migrations = _latest_with_an_orphaning_step(tmp_path)
    before = _hashes(installation)
    result = _up_project(installation, migrations)
    assert result.returncode == 1, result.stderr
    assert "foreign_key_check" in result.stderr and "tasks" in result.stderr
    assert f"after step migrations/project/{EXTRA_STEP}_orphans.sql" in result.stderr, result.stderr
    assert "points to a missing row of milestones" in result.stderr
    assert _hashes(installation) == before
    assert _backups(installation) == []


def test_a_step_that_skips_checks_cannot_commit_a_row_that_breaks_one(tmp_path: Path) -> None:
    # ignore_check_constraints is left on by the step: the tool turns it off after the
    # step, and the final quick_check of the table written evaluates its CHECK.
    installation = build_installation(tmp_path / "inst", rows=4)
    step = (
        "PRAGMA ignore_check_constraints = ON;\n"
        "UPDATE tasks SET status = 'not a status' WHERE id = 1;\n"
    )
    migrations = _migrations_with(tmp_path, {f"project/{EXTRA_STEP}_unchecked.sql": step})
    shipped = run_cli("up", "--db", "project", cwd=installation.project, env=installation.env())
    assert shipped.returncode == 0, shipped.stderr
    for backup in _backups(installation):
        backup.unlink()
    before = _hashes(installation)
    result = _up_project(installation, migrations)
    assert result.returncode == 1, result.stderr
    assert "quick_check(tasks) failed after the steps: CHECK constraint failed" in result.stderr
    assert "everything was rolled back" in result.stderr
    assert _hashes(installation) == before
    assert _backups(installation) == []


def test_damage_deep_in_an_untouched_table_is_exit_2_and_nothing_written(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=3)
    damage_leaf_page(installation.path("project"))
    before = _hashes(installation)
    result = run_cli("up", "--db", "project", cwd=installation.project, env=installation.env())
    assert result.returncode == 2, result.stderr
    assert "project" in result.stderr and "Traceback" not in result.stderr
    assert _hashes(installation) == before
    assert _backups(installation) == []


def test_damage_and_a_step_that_breaks_a_foreign_key_is_exit_2_for_the_damage(
    tmp_path: Path,
) -> None:
    """The whole-database check runs beside the steps: when a step fails too, the damage is
    what the run reports (exit 2, as when it was found before the first write)."""
    installation, migrations = _latest_with_an_orphaning_step(tmp_path)
    damage_leaf_page(installation.path("project"))
    before = _hashes(installation)
    result = _up_project(installation, migrations)
    assert result.returncode == 2, result.stderr
    assert "foreign_key_check" not in result.stderr and "Traceback" not in result.stderr
    assert _hashes(installation) == before  # no backup, no hidden copy left either
    assert _backups(installation) == []


def test_damage_found_once_the_steps_ran_refuses_and_commits_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check of the backup copy may end after the steps: its verdict still comes before
    COMMIT. Here it is held until the steps ran, then finds the damage."""
    from aifp_shell.problems import Unreadable
    from aifp_shell.sqlite import executor, whole_check

    installation = build_installation(tmp_path, rows=3)
    damage_leaf_page(installation.path("project"))
    before = _hashes(installation)
    steps_ran = threading.Event()
    run_plan, check = executor.run_plan, whole_check.check_committed

    def steps_then_mark(*args: object, **kwargs: object) -> object:
        ran = run_plan(*args, **kwargs)  # type: ignore[arg-type]
        steps_ran.set()
        return ran

    def check_after_the_steps(conn: sqlite3.Connection) -> str | None:
        assert steps_ran.wait(60)
        return check(conn)

    monkeypatch.setattr(executor, "run_plan", steps_then_mark)
    monkeypatch.setattr(whole_check, "check_committed", check_after_the_steps)
    places = find_places(installation.project, installation.root, None)
    report = up(losses_runtime(places, accept_losses=True), ("project",), explicit=True)
    assert steps_ran.is_set()
    assert isinstance(report.problem, Unreadable), report.problem
    assert _hashes(installation) == before  # no backup, no hidden copy left either
    assert version_of(installation.path("project")) == "1.0"


def test_file_that_is_not_a_database_is_exit_2(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=1)
    installation.path("project").write_bytes(b"this is not an sqlite database\n" * 100)
    before = _hashes(installation)
    for args in (("up", "--db", "project"), ("up", "--all"), ("check",)):
        result = run_cli(*args, cwd=installation.project, env=installation.env())
        assert result.returncode == 2, (args, result.stderr)
        assert "project" in result.stderr and "Traceback" not in result.stderr
    assert _hashes(installation) == before


def _can_drop_privileges() -> bool:
    probe = (
        subprocess.run(
            [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                sys.executable,
                "-c",
                "import aifp_shell",
            ],
            capture_output=True,
            check=False,
        )
        if shutil.which("setpriv")
        else None
    )
    return probe is not None and probe.returncode == 0


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_database_exits_1_and_changes_nothing(tmp_path: Path, what: str) -> None:
    if os.geteuid() != 0 or not _can_drop_privileges():
        pytest.skip("needs root and setpriv to run the tool as an unprivileged user")
    installation = build_installation(tmp_path, rows=3)
    for folder in (tmp_path, *tmp_path.parents):
        if folder == Path("/"):
            break
        folder.chmod(folder.stat().st_mode | 0o011)
    project_folder = installation.project / ".aifp-project"
    for path in project_folder.iterdir():
        path.chmod(0o644)
    if what == "file":
        os.chown(project_folder, 65534, 65534)
    before = _hashes(installation)
    result = subprocess.run(
        [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            str(Path(sys.executable).parent / "aifp-migrate"),
            "up",
            "--yes",
            "--db",
            "project",
        ],
        cwd=installation.project,
        env={**os.environ, **installation.env()},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "project" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _hashes(installation) == before
    assert _backups(installation) == []


def test_full_disk_exits_1_and_changes_nothing(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "small", "3m") as mount:
        installation = build_installation(mount, rows=40)
        filler = mount / "filler"
        stats = os.statvfs(mount)
        filler.write_bytes(b"\0" * max(stats.f_bavail * stats.f_frsize - 20_000, 0))
        before = _hashes(installation)
        result = run_cli(
            "up",
            "--all",
            cwd=installation.project,
            env={**installation.env(), "TMPDIR": str(mount), "SQLITE_TMPDIR": str(mount)},
        )
        assert result.returncode == 1, (result.returncode, result.stderr)
        assert "disk full" in result.stderr or "cannot write" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert _hashes(installation) == before
        assert _backups(installation) == []
        assert not [
            p for p in (installation.project / ".aifp-project").iterdir() if p.name.startswith(".")
        ]


def test_all_databases_listed(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=1)
    result = run_cli("check", "--json", cwd=installation.project, env=installation.env())
    assert result.returncode == 0
    for name in DATABASES:
        assert f'"name": "{name}"' in result.stdout


SLOW_STEP = """
-- A slow step: rewrites every row of a table far larger than SQLite's page cache,
-- so pages spill into the database file before COMMIT.
UPDATE bulk SET payload = substr(payload || hex(randomblob(40)), 1, 500);
"""


def test_kill_9_during_a_slow_step_then_check_and_rerun_work(tmp_path: Path) -> None:
    installation = build_installation(tmp_path / "inst", rows=3)
    project_db = installation.path("project")
    conn = sqlite3.connect(project_db, isolation_level=None)
    conn.execute("CREATE TABLE bulk (id INTEGER PRIMARY KEY, payload TEXT)")
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000) "
        "INSERT INTO bulk SELECT i, hex(randomblob(200)) FROM n"
    )
    conn.close()
    before = snapshot(project_db)
    migrations = _migrations_with(tmp_path, {f"project/{EXTRA_STEP}_slow.sql": SLOW_STEP})
    journal = project_db.with_name(project_db.name + "-journal")
    child = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "aifp-migrate"),
            "up",
            "--yes",
            "--db",
            "project",
            "--migrations-dir",
            str(migrations),
        ],
        cwd=installation.project,
        env={**os.environ, **installation.env()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        if journal.exists() and journal.stat().st_size > 4_000_000:
            break
        time.sleep(0.002)
    if child.poll() is not None:
        pytest.skip("the step finished before it could be killed mid-way")
    child.kill()
    child.wait()
    assert journal.exists() and journal.stat().st_size > 0  # a hot journal was left
    check = run_cli(
        "check",
        "--json",
        "--migrations-dir",
        migrations,
        cwd=installation.project,
        env=installation.env(),
    )
    assert check.returncode == 3, check.stderr  # drift: the test's own extra table "bulk"
    assert '"version": "1.0"' in check.stdout and "table bulk: unexpected" in check.stdout
    assert "error" not in check.stdout
    assert snapshot(project_db) == before
    rerun = run_cli(
        "up",
        "--db",
        "project",
        "--migrations-dir",
        migrations,
        cwd=installation.project,
        env=installation.env(),
    )
    assert rerun.returncode == 0, rerun.stderr
    assert version_of(project_db) == NEXT_VERSION
    assert len(snapshot(project_db)["bulk"]) == 40000


_READER = """
import sqlite3, sys, time
from pathlib import Path
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, isolation_level=None, timeout=30)
stop = Path(sys.argv[2])
reads = 0
while not stop.exists():
    conn.execute("BEGIN")
    conn.execute("SELECT count(*), sum(length(name)) FROM tasks").fetchone()
    conn.execute("SELECT count(*) FROM items").fetchone()
    conn.execute("COMMIT")
    reads += 1
print(reads)
"""


def test_the_locked_copy_of_a_rollback_journal_database_is_its_bytes_under_a_reader(
    tmp_path: Path,
) -> None:
    """A rollback-journal database is backed up by copying its bytes under the write lock:
    with another process reading all along, the backup is exactly the file as it was."""
    installation = build_installation(tmp_path / "inst", rows=40)
    project_db = installation.path("project")
    assert _journal_mode(project_db) == "delete"
    original = project_db.read_bytes()
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(project_db), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        result = run_cli("up", "--db", "project", cwd=installation.project, env=installation.env())
    finally:
        stop.touch()
        reads, _ = reader.communicate(timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(reads) > 0
    (backup,) = _backups(installation)
    assert backup.read_bytes() == original
    assert version_of(project_db) == PROJECT_LATEST
    assert not [p.name for p in project_db.parent.iterdir() if p.name.startswith(".")]


def test_steps_that_outgrow_their_cache_beside_the_copy_leave_the_backup_the_committed_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The byte copy runs beside the steps. Steps that change more pages than their cache
    holds must not write the file until the copy and the check ended: the backup is still
    exactly the file as it was, and the run still migrates."""
    from aifp_shell.commands import backing
    from aifp_shell.files import backup as files_backup
    from aifp_shell.sqlite import executor
    from aifp_shell.sqlite.whole_check import WholeCheck

    installation = build_installation(tmp_path, rows=2000)  # steps rewrite ~300 pages
    project_db = installation.path("project")
    original = project_db.read_bytes()
    monkeypatch.setattr(backing, "STEPS_CACHE_KIB", 64)  # 16 pages: the steps spill early
    monkeypatch.setattr(files_backup, "BACKUP_PAGES_PER_STEP", 4)
    copy_ended, steps_ended = threading.Event(), threading.Event()

    copy_progress = backing._copy_progress

    def slow_copying(check: WholeCheck, done: int, total: int) -> None:
        time.sleep(0.002)  # ~300 batches: the copy lasts well past the steps' first spill
        if done >= total:
            copy_ended.set()
        copy_progress(check, done, total)

    run_plan = executor.run_plan

    def steps_then_mark(*args: object, **kwargs: object) -> object:
        ran = run_plan(*args, **kwargs)  # type: ignore[arg-type]
        steps_ended.set()
        return ran

    monkeypatch.setattr(backing, "_copy_progress", slow_copying)
    monkeypatch.setattr(executor, "run_plan", steps_then_mark)
    places = find_places(installation.project, installation.root, None)
    report = up(losses_runtime(places, accept_losses=True), ("project",), explicit=True)
    assert report.problem is None, report.problem
    assert copy_ended.is_set() and steps_ended.is_set()
    (backup,) = _backups(installation)
    assert backup.read_bytes() == original
    assert version_of(project_db) == PROJECT_LATEST


def _journal_mode(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        conn.close()


def test_a_step_setting_the_schema_cookie_is_refused_before_any_write(tmp_path: Path) -> None:
    """``PRAGMA schema_version = N`` makes every connection trust a schema it has not read
    (SQLite's docs: it can corrupt the database): refused by name, exit 2, nothing written."""
    installation, migrations = _latest_with_an_orphaning_step(tmp_path)
    step = migrations / "project" / f"{EXTRA_STEP}_orphans.sql"
    step.write_text("CREATE TABLE extra (id INTEGER PRIMARY KEY);\nPRAGMA schema_version = 1;\n")
    before = _hashes(installation)
    result = _up_project(installation, migrations)
    assert result.returncode == 2, result.stderr
    assert step.name in result.stderr and "PRAGMA schema_version" in result.stderr, result.stderr
    assert _hashes(installation) == before


def test_a_copy_that_fails_beside_the_steps_is_what_the_run_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy is also what tells old foreign-key breakage from new: when it fails (a full
    disk) and a step's check finds rows that broke their foreign keys before the run, the
    run reports the copy's failure, not a foreign-key error the steps did not cause."""
    from aifp_shell.files import backup as files_backup

    installation = build_installation(tmp_path, rows=40)
    project_db = installation.path("project")
    conn = sqlite3.connect(project_db)
    conn.execute("INSERT INTO tasks (id, milestone_id, name) VALUES (9005, 999, 'orphan')")
    conn.commit()
    conn.close()
    before = _hashes(installation)

    def disk_full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files_backup, "_copied_in_kernel", disk_full)
    places = find_places(installation.project, installation.root, None)
    report = up(losses_runtime(places, accept_losses=True), ("project",), explicit=True)
    problem = report.problem
    assert isinstance(problem, Environment), problem
    assert problem.kind == "disk_full" and "cannot write the backup" in problem.detail, problem
    assert _hashes(installation) == before
    assert _backups(installation) == []
    assert not [p.name for p in project_db.parent.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("fails_at", [1, 2, 3, 4])
def test_a_thread_that_cannot_start_beside_the_steps_stops_the_run_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails_at: int
) -> None:
    """The check, the copy, the copy's publishing and the watch each need a thread: when
    the process can start no more, the run stops before any step (exit 1), and no backup
    or hidden file stays."""
    from concurrent.futures import ThreadPoolExecutor

    installation = build_installation(tmp_path, rows=40)
    before = _hashes(installation)
    submit = ThreadPoolExecutor.submit
    calls = 0

    def failing_submit(self: ThreadPoolExecutor, *args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == fails_at:
            raise RuntimeError("can't start new thread")
        return submit(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ThreadPoolExecutor, "submit", failing_submit)
    places = find_places(installation.project, installation.root, None)
    report = up(losses_runtime(places, accept_losses=True), ("project",), explicit=True)
    problem = report.problem
    assert isinstance(problem, Environment), problem
    assert "cannot start a thread" in problem.detail, problem
    assert _hashes(installation) == before
    assert _backups(installation) == []
    folder = installation.path("project").parent
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_a_check_whose_thread_could_not_start_is_not_run_by_the_copys_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``submit`` queues the work before it starts a thread: when the check's thread cannot
    start, no other thread may take the check up later (nor the copy begin)."""
    from aifp_shell.sqlite import whole_check

    installation = build_installation(tmp_path, rows=40)
    before = _hashes(installation)
    start = threading.Thread.start
    started = 0

    def second_pool_thread_fails(self: threading.Thread) -> None:
        nonlocal started
        if self.name.startswith("ThreadPoolExecutor"):
            started += 1
            if started == 1:  # the check's, begun by the preview
                raise RuntimeError("can't start new thread")
        start(self)

    checked: list[object] = []
    check_committed = whole_check.check_committed

    def noting_check(conn: sqlite3.Connection) -> str | None:
        checked.append(conn)
        return check_committed(conn)

    monkeypatch.setattr(threading.Thread, "start", second_pool_thread_fails)
    monkeypatch.setattr(whole_check, "check_committed", noting_check)
    places = find_places(installation.project, installation.root, None)
    report = up(losses_runtime(places, accept_losses=True), ("project",), explicit=True)
    assert isinstance(report.problem, Environment), report.problem
    assert "cannot start a thread" in report.problem.detail
    assert checked == []
    assert _hashes(installation) == before
    assert _backups(installation) == []
