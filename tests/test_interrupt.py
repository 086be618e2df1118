"""Ctrl-C during a run: every transaction rolled back, this run's backups removed, said so.

The real CLI runs in a subprocess (``tests/interrupt_child.py``) that is sent
SIGINT while its backup is being copied or while a slow step runs.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from aifp_data import notes_database
from conftest import REPO, in_terminal, interrupted_at_marker

SLOW_STEP = (  # slow because of the rows (10**9 combinations), so its rehearsal on the
    # schema alone (no rows) is instant and the real run is the one interrupted
    "CREATE TABLE slow AS SELECT count(*) AS n FROM notes a, notes b, notes c, notes d, "
    "notes e, notes f, notes g, notes h, notes i;\n"
)


def _project(tmp_path: Path, bulk_rows: int) -> tuple[Path, Path, Path]:
    """Return (migrations dir, project dir, project.db) of a one-step project at 1.0."""
    migrations = tmp_path / "mig" / "project"
    migrations.mkdir(parents=True)
    initial = "CREATE TABLE notes (id INTEGER PRIMARY KEY, payload BLOB);\n"
    (migrations / "v1.0_initial_schema.sql").write_text(initial)
    (migrations / "v1.0_to_v1.1_slow.sql").write_text(SLOW_STEP)
    project = tmp_path / "proj"
    (project / ".aifp-project").mkdir(parents=True)
    db = project / ".aifp-project" / "project.db"
    notes_database(db, initial, "randomblob(1000)", bulk_rows)
    return tmp_path / "mig", project, db


def _interrupt(
    tmp_path: Path, when: str, *extra: str
) -> tuple[subprocess.CompletedProcess[str], float]:
    mig, project, db = _project(tmp_path, 4000 if when == "backup" else 10)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    older = db.with_name("project.db.backup_20200101_000000")  # an earlier run's: it stays
    older.write_bytes(db.read_bytes())
    marker = tmp_path / "marker"
    done, took = interrupted_at_marker(
        marker,
        when,
        [
            "up",
            "--db",
            "project",
            "--project-dir",
            str(project),
            "--migrations-dir",
            str(mig),
            *extra,
        ],
        timeout=60,
    )
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before, "the database changed"
    left = sorted(p.name for p in db.parent.iterdir() if p.name != "project.db")
    assert left == [older.name], f"left behind or removed: {left}"
    return done, took


@pytest.mark.parametrize("when", ["backup", "step"])
def test_ctrl_c_rolls_back_removes_this_runs_backup_and_says_so(tmp_path: Path, when: str) -> None:
    done, took = _interrupt(tmp_path, when)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    line = [text for text in done.stderr.splitlines() if "interrupted" in text]
    assert len(line) == 1, done.stderr
    assert "interrupted: rolled back project; " in line[0]
    if when == "step":  # the backup was complete: it is named as removed
        assert "removed backups " in line[0] and "project.db.backup_" in line[0]
        assert took < 5, "the slow statement was not stopped"  # it runs for a minute otherwise


def test_ctrl_c_in_the_preview_stops_the_check_and_copy_begun_there_and_says_so(
    tmp_path: Path,
) -> None:
    """The whole-database check and the copy begin in the preview, before anything is
    locked: Ctrl-C there stops both, removes the copy's hidden file and says that no write
    had begun (exit 1, never Typer's silent 130)."""
    done, took = _interrupt(tmp_path, "preview")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert (
        "interrupted: rolled back nothing (no write had begun); no backup left; "
        "every database is as it was" in done.stderr
    ), done.stderr
    assert took < 5, "the preview was not stopped"


def test_ctrl_c_while_a_step_waits_for_the_copy_beside_it_stops_the_run_at_once(
    tmp_path: Path,
) -> None:
    """A step that outgrew its cache waits inside SQLite, in the main thread, for the
    check and the copy beside it; no Python runs there. Ctrl-C still stops both, then the
    step, in seconds (the copy lasts over a minute and the busy timeout is two)."""
    mig, project, db = _project(tmp_path, 1000)  # ~1.2 MB: ~75 batches of a second
    (mig / "project" / "v1.0_to_v1.1_slow.sql").write_text(
        "CREATE TABLE copied AS SELECT * FROM notes;\n"
    )
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    args = ["up", "--db", "project", "--project-dir", str(project), "--migrations-dir", str(mig)]
    done, took = interrupted_at_marker(tmp_path / "marker", "wait", args, timeout=180)
    assert done.returncode == 1, done.stderr
    assert "interrupted: rolled back project; " in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert took < 20, f"Ctrl-C took {took:.1f} s: it waited for the copy"
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert [p.name for p in db.parent.iterdir()] == ["project.db"]


def test_ctrl_c_with_json_prints_one_document_naming_the_interruption(tmp_path: Path) -> None:
    import json

    done, _ = _interrupt(tmp_path, "step", "--json")
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert document["error"]["kind"] == "Interrupted"
    assert document["databases"][0]["status"] == "failed"


def test_steps_and_checks_show_progress_on_a_terminal(tmp_path: Path) -> None:
    mig, project, _ = _project(tmp_path, 10)
    (mig / "project" / "v1.0_to_v1.1_slow.sql").write_text(
        "CREATE TABLE later (id INTEGER PRIMARY KEY);\nINSERT INTO later VALUES (1);\n"
    )
    code, screen = in_terminal(
        [
            sys.executable,
            str(REPO / "tests" / "interrupt_child.py"),
            str(tmp_path / "m"),
            "show",
            "up",
            "--db",
            "project",
            "--project-dir",
            str(project),
            "--migrations-dir",
            str(mig),
        ],
        tmp_path,
    )
    assert code == 0, screen
    assert "project 1.0 → 1.1" in screen  # the step, counted statement by statement
    assert "foreign_key_check, quick_check" in screen
    assert "migrated 1.0 → 1.1" in screen
    code, screen = in_terminal(
        [
            sys.executable, str(REPO / "tests" / "interrupt_child.py"), str(tmp_path / "m"),
            "show", "check", "--project-dir", str(project), "--migrations-dir", str(mig),
        ],
        tmp_path,
    )  # fmt: skip
    assert "checking project" in screen, screen


@pytest.mark.parametrize(
    "at",
    [
        "aifp_shell.commands.backing:CheckingCopy",  # the check running, no copy yet
        "aifp_shell.commands.migrate:utc_now_text",  # the copy's threads started, no step yet
        "aifp_shell.commands.backing:discard",  # the threads ended, the hidden copy not removed
    ],
)
def test_ctrl_c_at_any_moment_of_the_checked_copy_leaves_no_backup_nor_hidden_file(
    tmp_path: Path, at: str
) -> None:
    """Ctrl-C landing between the byte copy and its check's end (not only while a thread is
    waited for): the backup its thread publishes is removed, and so is the hidden copy."""
    mig, project, db = _project(tmp_path, 10)
    (mig / "project" / "v1.0_to_v1.1_slow.sql").write_text("CREATE TABLE later (id INTEGER);\n")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    marker = tmp_path / "marker"
    done = subprocess.run(
        [
            sys.executable, str(REPO / "tests" / "interrupt_child.py"), str(marker), f"at:{at}",
            "up", "--db", "project", "--project-dir", str(project), "--migrations-dir", str(mig),
        ],
        env={**os.environ, "AIFP_MIGRATE_CACHE_DIR": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert marker.exists(), done.stderr  # Ctrl-C came at that moment
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "interrupted: rolled back project; " in done.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before, "the database changed"
    left = sorted(p.name for p in db.parent.iterdir() if p.name != "project.db")
    assert left == [], f"left behind: {left}\n{done.stderr}"


def test_the_ctrl_c_watch_passes_every_signal_on_to_the_descriptor_it_replaced() -> None:
    """While the watch holds the interpreter's wakeup descriptor, the signals that come are
    passed on to the one it replaced, the last ones when it is closed."""
    import signal
    import threading

    from aifp_shell.sqlite.interrupt import CtrlCWatch

    read, write = os.pipe()
    os.set_blocking(write, False)
    handler = signal.signal(signal.SIGUSR1, lambda *_: None)
    previous = signal.set_wakeup_fd(write)
    try:
        watch = CtrlCWatch(threading.Event())
        signal.raise_signal(signal.SIGUSR1)
        assert not watch.pressed()  # not Ctrl-C; passed on
        signal.raise_signal(signal.SIGUSR1)
        watch.close()  # the second, not yet read, passed on now
        assert signal.set_wakeup_fd(write) == write  # given back
        assert os.read(read, 16) == bytes([signal.SIGUSR1, signal.SIGUSR1])
    finally:
        signal.set_wakeup_fd(previous)
        signal.signal(signal.SIGUSR1, handler)
        os.close(read)
        os.close(write)
