"""The whole-database check begun by the preview, before the write lock, on real files.

It runs beside the rehearsal and the lock; its read lock must never hold up
another writer the run itself waits for, nor anyone while a person is asked
about losses, nor outlive a run stopped in its preview.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from aifp_shell.commands import migrate
from aifp_shell.commands.reports import RunReport
from aifp_shell.commands.runtime import LossAnswer, Runtime, losses_runtime
from aifp_shell.files.locate import Places, find_places
from aifp_shell.problems import Unreadable
from aifp_shell.sqlite import executor
from aifp_shell.sqlite.whole_check import WholeCheck
from tests.aifp_data import (
    DATABASES,
    MIGRATIONS,
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

    monkeypatch.setattr(migrate, "open_whole_check", noted_start)
    monkeypatch.setattr(migrate, "begin_write", noted_begin)
    places = find_places(installation.project, installation.root, None)
    report = migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
    assert report.problem is None, report.problem
    assert order == ["check", "lock"]
    assert version_of(installation.path("project")) == "1.2"
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


def test_no_lock_is_held_while_a_person_is_asked_about_losses(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations)
    lossy = migrations / "project" / "v1.0_to_v1.1_git_integration.sql"
    lossy.write_text("DELETE FROM notes WHERE id > 1;\n" + lossy.read_text())
    asked: list[bool] = []

    def ask(_: object) -> LossAnswer:
        asked.append(_foreign_write_commits_at_once(path))
        return LossAnswer(accepted=False, asked=True)

    places = find_places(installation.project, installation.root, migrations)
    runtime = Runtime(places, confirm_losses=ask)
    report = migrate.up(runtime, ("project",), "1.1", explicit=True)
    assert report.problem is not None and type(report.problem).__name__ == "LossesNotConfirmed"
    assert asked == [True]
    assert version_of(path) == "1.0"
    assert _pool_threads() == []


def test_ctrl_c_in_the_preview_stops_the_check_and_lets_its_lock_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installation = build_installation(tmp_path, rows=40)
    path = installation.path("project")
    held: list[bool] = []

    def pressed(*_: object) -> object:
        held.append(not _foreign_write_commits_at_once(path))  # the check holds its lock
        raise KeyboardInterrupt

    monkeypatch.setattr(migrate, "_rehearsed", pressed)
    places: Places = find_places(installation.project, installation.root, None)
    with pytest.raises(KeyboardInterrupt):
        migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
    assert held == [True]
    assert _foreign_write_commits_at_once(path)
    assert _pool_threads() == []
    assert version_of(path) == "1.0"


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
    with pytest.raises(KeyboardInterrupt):
        migrate.up(losses_runtime(places, True), ("project",), "1.2", explicit=True)
    assert _pool_threads() == []
    assert _foreign_write_commits_at_once(path)
