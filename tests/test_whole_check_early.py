"""The whole-database check and the backup's copy begun by the preview, before the write
lock, on real files.

They run beside the rehearsal and the lock; the check's read lock must never
hold up another writer the run itself waits for, nor anyone while a person is
asked about losses, nor outlive a run stopped in its preview; and the copy is
the backup only of the very state the run then locks, or it is removed.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from aifp_shell.commands import backing, migrate
from aifp_shell.commands.reports import RunReport
from aifp_shell.commands.runtime import LossAnswer, Runtime, losses_runtime
from aifp_shell.files import backup
from aifp_shell.files.locate import Places, find_places
from aifp_shell.problems import Environment, Interrupted, Unreadable
from aifp_shell.sqlite import executor
from aifp_shell.sqlite.whole_check import WholeCheck
from tests.aifp_data import (
    DATABASES,
    MIGRATIONS,
    Installation,
    build_installation,
    damage_leaf_page,
    version_of,
)

pytestmark = pytest.mark.fault


def _foreign_write_commits_at_once(path: Path) -> bool:
    """Return whether another connection can write and COMMIT ``path`` without waiting."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE IF NOT EXISTS probe(x)")
        conn.execute("DROP TABLE probe")
        conn.execute("COMMIT")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error), error
        return False
    finally:
        conn.close()


def _pool_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("ThreadPoolExecutor")]


def _hidden(path: Path) -> list[str]:
    """Return the hidden files beside ``path`` (a copy not yet published, a journal)."""
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith("."))


def _backups_of(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".backup_*"))


def _copy_ended_event(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Return an event set once a locked copy has copied its last page."""
    ended = threading.Event()
    progress = backing._copy_progress

    def noting(check: WholeCheck, done: int, total: int) -> None:
        progress(check, done, total)
        if done >= total:
            ended.set()

    monkeypatch.setattr(backing, "_copy_progress", noting)
    return ended


def test_the_whole_check_begins_before_the_write_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installation = build_installation(tmp_path, rows=40)
    order: list[str] = []
    start, begin = migrate.open_whole_check, migrate.begin_write

    def noted_start(*args: object) -> object:
        order.append("check")
        return start(*args)  # type: ignore[arg-type]

    def noted_begin(*args: object) -> object:
        order.append("lock")
        return begin(*args)  # type: ignore[arg-type]

    copier = backup.locked_copier

    def noted_copier(*args: object) -> object:
        order.append("copy")
        return copier(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(migrate, "open_whole_check", noted_start)
    monkeypatch.setattr(migrate, "begin_write", noted_begin)
    monkeypatch.setattr(backup, "locked_copier", noted_copier)
    path = installation.path("project")
    original = path.read_bytes()
    places = find_places(installation.project, installation.root, None)
    report = migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
    assert report.problem is None, report.problem
    assert order == ["check", "copy", "lock"]
    assert version_of(path) == "1.2"
    (made,) = _backups_of(path)
    assert made.read_bytes() == original  # the copy begun before the lock is the backup
    assert _hidden(path) == []
    assert _pool_threads() == []


def test_a_writer_that_holds_the_lock_commits_while_the_run_waits_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run waits for the lock; the writer holding it waits for no lock of the run's
    (the check's read lock, taken before, is let go), so it commits and the run goes on."""
    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    other = sqlite3.connect(path, isolation_level=None, timeout=5)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE other_writer(x)")
    waiting = threading.Event()
    begin = migrate.begin_write

    def noted_begin(*args: object) -> object:
        waiting.set()
        return begin(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(migrate, "begin_write", noted_begin)
    places = find_places(installation.project, installation.root, None)
    reports: list[RunReport] = []
    run = threading.Thread(
        target=lambda: reports.append(
            migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
        )
    )
    run.start()
    try:
        assert waiting.wait(30)
        threading.Event().wait(0.3)  # the run's writer is waiting for the lock by now
        other.execute("COMMIT")  # would wait 5 s for the check's read lock, then fail
    finally:
        other.close()
        run.join(60)
    assert reports and reports[0].problem is None, reports
    assert version_of(path) == "1.2"
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'other_writer'").fetchone()
    conn.close()
    (made,) = _backups_of(path)  # the copy begun before the writer's commit was let go
    conn = sqlite3.connect(made)
    found = conn.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'other_writer'")
    assert found.fetchone() == (1,), "the backup is not the state the run locked"
    conn.close()
    assert _hidden(path) == []


def test_no_lock_is_held_while_a_person_is_asked_about_losses(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations)
    lossy = migrations / "project" / "v1.0_to_v1.1_git_integration.sql"
    lossy.write_text("DELETE FROM notes WHERE id > 1;\n" + lossy.read_text())
    asked: list[bool] = []

    def ask(_: object) -> LossAnswer:
        asked.append(_foreign_write_commits_at_once(path) and _hidden(path) == [])
        return LossAnswer(accepted=False, asked=True)

    places = find_places(installation.project, installation.root, migrations)
    runtime = Runtime(places, confirm_losses=ask)
    report = migrate.up(runtime, ("project",), "1.1", explicit=True)
    assert report.problem is not None and type(report.problem).__name__ == "LossesNotConfirmed"
    assert asked == [True]
    assert version_of(path) == "1.0"
    assert _pool_threads() == []
    assert _hidden(path) == [] and _backups_of(path) == []


def test_ctrl_c_in_the_preview_stops_the_check_and_lets_its_lock_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C once the copy begun in the preview is complete (its hidden file written):
    the run reports that no write had begun, and leaves no lock, thread or file."""
    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    copied = _copy_ended_event(monkeypatch)
    held: list[bool] = []

    def pressed(*_: object) -> object:
        assert copied.wait(30)
        held.append(not _foreign_write_commits_at_once(path))  # the check holds its lock
        held.append(len(_hidden(path)) == 1)  # the copy's hidden file
        raise KeyboardInterrupt

    monkeypatch.setattr(migrate, "_rehearsed", pressed)
    places: Places = find_places(installation.project, installation.root, None)
    report = migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
    assert report.problem == Interrupted((), ()), report.problem
    assert held == [True, True]
    assert _foreign_write_commits_at_once(path)
    assert _pool_threads() == []
    assert version_of(path) == "1.0"
    assert _hidden(path) == [] and _backups_of(path) == []


def test_a_file_put_in_place_of_the_database_after_the_preview_is_the_one_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview's check holds a read lock on the file it opened: a damaged file renamed
    over the database before the lock is checked itself, and refused (exit 2)."""
    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    incoming = path.with_name("incoming.db")
    shutil.copyfile(path, incoming)
    damage_leaf_page(incoming)
    rehearsed = migrate._rehearsed

    def replacing(*args: object) -> object:
        if incoming.exists():
            incoming.replace(path)  # a restore, a sync tool, another copy of the project
        return rehearsed(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(migrate, "_rehearsed", replacing)
    places = find_places(installation.project, installation.root, None)
    report = migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
    assert isinstance(report.problem, Unreadable), report.problem
    assert version_of(path) == "1.0"
    assert _pool_threads() == []
    assert _hidden(path) == [] and _backups_of(path) == []  # the first file's copy is gone


def test_a_healthy_file_put_in_place_after_the_preview_is_the_one_backed_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy begun in the preview is of the file it opened: when another file is renamed
    over the database before the lock, the backup is a copy of the file the run locked."""
    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    incoming = path.with_name("incoming.db")
    shutil.copyfile(path, incoming)
    conn = sqlite3.connect(incoming)
    conn.execute("INSERT INTO notes (content, note_type) VALUES ('only in the new file', 'x')")
    conn.commit()
    conn.close()
    wanted = incoming.read_bytes()
    copied = _copy_ended_event(monkeypatch)
    rehearsed = migrate._rehearsed

    def replacing(*args: object) -> object:
        if incoming.exists():
            assert copied.wait(30)  # the first file's copy is complete
            incoming.replace(path)
        return rehearsed(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(migrate, "_rehearsed", replacing)
    places = find_places(installation.project, installation.root, None)
    report = migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
    assert report.problem is None, report.problem
    (made,) = _backups_of(path)
    assert made.read_bytes() == wanted
    assert version_of(path) == "1.2"
    assert _hidden(path) == []
    assert _pool_threads() == []


def test_databases_not_yet_reached_hold_no_lock_while_another_is_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the first database's check begins in the preview: the others take other
    programs' commits until their own turn."""
    installation = build_installation(tmp_path, rows=40)
    run_plan = executor.run_plan
    probed: dict[str, bool] = {}
    reached: list[str] = []

    def probing(conn: sqlite3.Connection, path: Path, *args: object, **kwargs: object) -> object:
        reached.extend(name for name in DATABASES if installation.path(name) == path)
        for name in DATABASES:
            if name not in reached and installation.path(name).exists():
                probed[name] = _foreign_write_commits_at_once(installation.path(name))
        return run_plan(conn, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(executor, "run_plan", probing)
    places = find_places(installation.project, installation.root, None)
    names = ("aifp_core", "project", "user_directives")  # to 1.1: steps losing no data
    report = migrate.up(losses_runtime(places, True), names, "1.1", explicit=True)
    assert report.problem is None, report.problem
    assert [db.to_version for db in report.databases] == ["1.1"] * 3
    assert len(reached) >= 2 and probed, (reached, probed)
    assert all(probed.values()), probed


def test_ctrl_c_just_as_the_check_begins_still_ends_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    begin = WholeCheck.begin

    def begun_then_pressed(self: WholeCheck, name: str, where: Path) -> object:
        begin(self, name, where)
        raise KeyboardInterrupt

    monkeypatch.setattr(WholeCheck, "begin", begun_then_pressed)
    places = find_places(installation.project, installation.root, None)
    report = migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
    assert report.problem == Interrupted((), ()), report.problem
    assert _pool_threads() == []
    assert _foreign_write_commits_at_once(path)
    assert _hidden(path) == []


def test_the_locked_pre_flight_counts_the_copy_begun_in_the_preview_as_room_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Room for twice the database was free when the preview began the copy; under the
    lock the copy holds part of it already, and the run is not refused for that."""
    from aifp_shell.files import preflight

    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    size = path.stat().st_size
    budget = 2 * size + preflight.SPACE_MARGIN + size // 2  # less than 3x: the copy counts
    copied = _copy_ended_event(monkeypatch)
    real_usage = shutil.disk_usage

    def usage(folder: object) -> object:
        held = sum(p.stat().st_size for p in path.parent.glob(".project.db.backup-tmp-*"))
        return real_usage(folder)._replace(free=budget - held)  # type: ignore[arg-type]

    begin = migrate.begin_write

    def copied_then_begin(*args: object) -> object:
        assert copied.wait(30)
        return begin(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(preflight.shutil, "disk_usage", usage)
    monkeypatch.setattr(migrate, "begin_write", copied_then_begin)
    places = find_places(installation.project, installation.root, None)
    report = migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
    assert report.problem is None, report.problem
    assert version_of(path) == "1.2"


def test_ctrl_c_swallowed_by_an_sqlite_callback_in_the_preview_still_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python's sqlite3 turns an exception in a callback (an authorizer, a function) into a
    failed statement: Ctrl-C landing there must still read as Ctrl-C, not as that failure."""
    import signal

    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    rehearsed = migrate._rehearsed

    def pressed_in_a_callback(*args: object) -> object:
        conn = sqlite3.connect(":memory:")
        conn.create_function("press", 0, lambda: signal.raise_signal(signal.SIGINT))
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("SELECT press()")  # the KeyboardInterrupt is swallowed here
        conn.close()
        return rehearsed(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(migrate, "_rehearsed", pressed_in_a_callback)
    places = find_places(installation.project, installation.root, None)
    report = migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
    assert report.problem == Interrupted((), ()), report.problem
    assert version_of(path) == "1.0"
    assert _hidden(path) == [] and _backups_of(path) == []
    assert _pool_threads() == []


def test_ctrl_c_just_as_the_copy_begins_still_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGINT right after the copy's thread was started, before the run holds it: the copy
    is still known, and its file removed once it ends."""
    import signal

    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    beside = WholeCheck.beside

    def begun_then_pressed(self: WholeCheck, read: object) -> object:
        reading = beside(self, read)  # type: ignore[arg-type]
        reading.result(30)  # the copy is complete: nothing but the run can remove it now
        signal.raise_signal(signal.SIGINT)
        return reading

    monkeypatch.setattr(WholeCheck, "beside", begun_then_pressed)
    places = find_places(installation.project, installation.root, None)
    report = migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
    assert report.problem == Interrupted((), ()), report.problem
    assert _hidden(path) == [] and _backups_of(path) == []
    assert _pool_threads() == []
    assert _foreign_write_commits_at_once(path)


def test_a_copy_that_failed_before_the_lock_is_made_again_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    original = path.read_bytes()
    copy = backup._copied_in_kernel
    calls = 0

    def full_once(*args: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        copy(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(backup, "_copied_in_kernel", full_once)
    places = find_places(installation.project, installation.root, None)
    report = migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
    assert report.problem is None, report.problem
    assert calls == 2
    (made,) = _backups_of(path)
    assert made.read_bytes() == original
    assert _hidden(path) == []


def _replaced_in(path: Path, monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> bytes:
    """Have ``owner.name`` rename a copy of ``path`` over it the first time it is called
    (then do its work); return the copy's bytes."""
    incoming = path.with_name("incoming.db")
    shutil.copyfile(path, incoming)
    wanted = incoming.read_bytes()
    real = getattr(owner, name)

    def replaced_then_real(*args: object, **kwargs: object) -> object:
        if incoming.exists():
            incoming.replace(path)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, replaced_then_real)
    return wanted


def _refused_as_replaced(installation: Installation, wanted: bytes) -> None:
    path = installation.path("project")
    places = find_places(installation.project, installation.root, None)
    report = migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
    problem = report.problem
    assert isinstance(problem, Environment), problem
    assert "replaced by another during the run" in problem.detail
    assert path.read_bytes() == wanted
    assert _hidden(path) == [] and _backups_of(path) == []
    assert _pool_threads() == []


def test_a_file_put_in_place_while_the_run_connects_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The steps write the file the run's connection opened; a file renamed over the path
    after that (here, just before the lock) would be the one checked and copied: the run
    refuses, nothing written."""
    installation = build_installation(tmp_path, rows=40)
    wanted = _replaced_in(installation.path("project"), monkeypatch, migrate, "begin_write")
    _refused_as_replaced(installation, wanted)


def test_a_wal_database_replaced_while_its_backup_is_made_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A WAL database's backup reads the file at the path through a second connection: one
    renamed over it after the lock would be the backup of a file the steps never wrote."""
    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    conn.close()
    wanted = _replaced_in(path, monkeypatch, backup, "make_backup")
    _refused_as_replaced(installation, wanted)
