"""The shell's embedding API in-process (``aifp_shell.status``/``migrate``/``ensure_current``).

Real SQLite files, built by ``tests/aifp_data.build_installation``; no fakes.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import aifp_shell
from aifp_shell import EnsureReport, ensure_current, ensure_json, migrate, status
from aifp_shell.problems import Environment, ProjectNotFound, Unreadable
from tests.aifp_data import (
    DATABASES,
    LATEST,
    STEPS_TO_LATEST,
    Installation,
    build_installation,
    damage_leaf_page,
    version_of,
)
from tests.carried_rows import assert_rows_carried_to_latest, named_snapshot, step_pairs

MIGRATING = sorted(name for name in DATABASES if STEPS_TO_LATEST[name])
"""The databases a v1.0 installation has steps to run for (all four today)."""


def _step_history(name: str) -> list[tuple[str, str | None, str]]:
    """The schema_history rows ``up`` from v1.0 to the latest records for ``name``."""
    return [("up", a, b) for a, b in step_pairs(STEPS_TO_LATEST[name])]


def _places(installation: Installation) -> dict[str, Path]:
    return {"project_dir": installation.project, "aifp_root": installation.root}


def _hashes(installation: Installation) -> dict[str, str]:
    return {
        name: hashlib.sha256(installation.path(name).read_bytes()).hexdigest() for name in DATABASES
    }


def _backups(installation: Installation) -> list[Path]:
    folders = (installation.root, installation.project / ".aifp-project")
    return sorted(p for folder in folders for p in folder.glob("*.backup_*"))


def _history(path: Path) -> list[tuple[str, str | None, str]]:
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT direction, from_version, to_version FROM schema_history ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def test_import_of_the_shell_package_loads_no_service_until_used() -> None:
    service = "aifp_shell.commands.migrate"
    code = f"import sys, aifp_shell; assert {service!r} not in sys.modules; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    assert done.returncode == 0, done.stderr
    assert set(aifp_shell.__all__) >= {"status", "migrate", "ensure_current", "EnsureReport"}
    with pytest.raises(AttributeError):
        aifp_shell.no_such_name  # noqa: B018


def test_status_reports_what_check_reports(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=2)
    report = status(**_places(installation))
    by_name = {db.name: db for db in report.databases}
    assert by_name["project"].status == "pending" and by_name["project"].version == "1.0"
    for name, db in by_name.items():
        assert db.version == "1.0"
        assert db.status == ("pending" if STEPS_TO_LATEST[name] else "up_to_date"), name
        pairs = [(s.from_version, s.to_version) for s in db.pending]
        assert pairs == step_pairs(STEPS_TO_LATEST[name]), name
    assert report.exit_code() == 0
    assert all(db.latest == LATEST[db.name] for db in report.databases)


def test_status_finds_the_project_from_the_working_directory_and_aifp_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installation = build_installation(tmp_path, rows=1)
    (installation.project / "src" / "deep").mkdir(parents=True)
    monkeypatch.chdir(installation.project / "src" / "deep")
    monkeypatch.setenv("AIFP_ROOT", str(installation.root))
    report = status()
    assert {db.path for db in report.databases} == {
        str(installation.path(name)) for name in DATABASES
    }


def test_migrate_dry_run_changes_nothing_and_target_stops_there(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=2)
    before = _hashes(installation)
    dry = migrate(dry_run=True, **_places(installation))
    assert {db.name: db.status for db in dry.databases} == {
        name: "dry_run" if STEPS_TO_LATEST[name] else "up_to_date" for name in DATABASES
    }
    assert _hashes(installation) == before and _backups(installation) == []
    run = migrate(databases=["project"], target="1.1", **_places(installation))
    assert run.problem is None, run
    assert [db.status for db in run.databases] == ["migrated"]
    assert version_of(installation.path("project")) == "1.1"
    assert version_of(installation.path("aifp_core")) == "1.0"
    assert Path(run.databases[0].backup or "").is_file()


def test_migrate_failures_are_values(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=1)
    unknown = migrate(databases=["nope"], **_places(installation))
    assert type(unknown.problem).__name__ == "UnknownDatabase"
    bad = migrate(databases=["project"], target="x", **_places(installation))
    assert type(bad.problem).__name__ == "BadVersion"
    assert bad.exit_code() == 2


def test_ensure_current_backs_up_migrates_then_does_nothing(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=3)
    rows_before = {name: named_snapshot(installation.path(name)) for name in DATABASES}
    report = ensure_current(accept_losses=True, **_places(installation))
    assert isinstance(report, EnsureReport)
    assert report.migrated and report.ok and report.problems == ()
    assert report.run is not None
    assert sorted(db.name for db in report.run.databases if db.status == "migrated") == MIGRATING
    assert len(report.backups) == len(MIGRATING)
    assert all(Path(b).is_file() for b in report.backups)
    assert {db.name: db.status for db in report.found.databases} == {
        name: "pending" if STEPS_TO_LATEST[name] else "up_to_date" for name in DATABASES
    }
    assert {db.status for db in report.now.databases} == {"up_to_date"}
    for name in DATABASES:
        assert version_of(installation.path(name)) == LATEST[name]
    for name in DATABASES:
        after = named_snapshot(installation.path(name))
        assert_rows_carried_to_latest(name, rows_before[name], after)
    document = json.loads(json.dumps(ensure_json(report)))
    assert document["migrated"] is True and document["ok"] is True
    assert document["now"]["databases"][1]["status"] == "up_to_date"
    assert report.exit_code() == 0
    hashes = _hashes(installation)
    again = ensure_current(accept_losses=True, **_places(installation))
    assert not again.migrated and again.run is None and again.backups == () and again.ok
    assert _hashes(installation) == hashes and len(_backups(installation)) == len(MIGRATING)


def test_ensure_current_refuses_steps_that_lose_data_unless_accepted(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=3)
    hashes = _hashes(installation)
    report = ensure_current(**_places(installation))
    assert not report.migrated and not report.ok and report.exit_code() == 1
    assert report.run is not None and type(report.run.problem).__name__ == "LossesNotConfirmed"
    assert (
        "drops column project.blueprint_checksum" in ensure_json(report)["run"]["error"]["message"]
    )
    assert _hashes(installation) == hashes and _backups(installation) == []


def test_ensure_current_creates_a_missing_user_database(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=1)
    installation.path("user_directives").unlink()
    report = ensure_current(accept_losses=True, **_places(installation))
    assert report.ok and report.migrated, ensure_json(report)
    path = installation.path("user_directives")
    # created directly at the latest, from that version's initial schema
    assert version_of(path) == LATEST["user_directives"]
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        recorded = conn.execute(
            "SELECT direction, from_version, to_version, file FROM schema_history ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    latest = LATEST["user_directives"]
    assert recorded == [("init", None, latest, f"user_directives/v{latest}_initial_schema.sql")]


def test_ensure_current_on_a_locked_database_reports_it_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installation = build_installation(tmp_path, rows=1)
    monkeypatch.setenv("AIFP_MIGRATE_BUSY_TIMEOUT", "0.3")
    before = _hashes(installation)
    holder = sqlite3.connect(installation.path("project"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        report = ensure_current(accept_losses=True, **_places(installation))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not report.migrated and not report.ok
    (problem,) = report.problems
    assert isinstance(problem, Environment) and problem.kind == "locked"
    assert problem.database == "project"
    assert report.exit_code() == 1
    assert _hashes(installation) == before and _backups(installation) == []


def test_ensure_current_on_a_corrupt_database_reports_it_and_changes_nothing(
    tmp_path: Path,
) -> None:
    installation = build_installation(tmp_path, rows=1)
    damage_leaf_page(installation.path("project"))
    before = _hashes(installation)
    report = ensure_current(accept_losses=True, **_places(installation))
    assert not report.migrated and not report.ok
    assert any(isinstance(p, Unreadable) and p.database == "project" for p in report.problems)
    assert report.exit_code() == 2
    assert _hashes(installation) == before and _backups(installation) == []


def test_ensure_current_without_any_installation_reports_no_project(tmp_path: Path) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    report = ensure_current(project_dir=empty, aifp_root=empty / "root")
    assert report.run is None and not report.migrated
    assert report.now.databases == ()
    assert [type(p) for p in report.problems] == [ProjectNotFound]
    assert report.exit_code() == 2
    assert list(empty.iterdir()) == []
    bad_set = ensure_current(project_dir=empty, aifp_root=empty, migrations_dir=empty / "none")
    assert bad_set.run is None and bad_set.problems


def test_threads_calling_ensure_current_at_once_apply_each_step_once(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=2)
    start = threading.Barrier(4)
    reports: list[EnsureReport] = []

    def call() -> None:
        start.wait()
        reports.append(ensure_current(accept_losses=True, **_places(installation)))

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reports) == 4
    assert all(r.problems == () and r.now.exit_code() == 0 for r in reports), [
        ensure_json(r) for r in reports
    ]
    for name in DATABASES:
        assert _history(installation.path(name)) == _step_history(name), name
    assert len(_backups(installation)) == len(MIGRATING)
    migrated = [
        db.name
        for r in reports
        if r.run is not None
        for db in r.run.databases
        if db.status == "migrated"
    ]
    assert sorted(migrated) == MIGRATING


_CHILD = """
import json, pathlib, sys, time
go = pathlib.Path(sys.argv[3])
while not go.exists():
    time.sleep(0.001)
from aifp_shell import ensure_current, ensure_json
report = ensure_current(accept_losses=True, project_dir=sys.argv[1], aifp_root=sys.argv[2])
print(json.dumps(ensure_json(report)))
"""


@pytest.mark.fault
def test_two_processes_calling_ensure_current_at_once_apply_each_step_once(
    tmp_path: Path,
) -> None:
    installation = build_installation(tmp_path, rows=20)
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, installation.project, installation.root, go],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    time.sleep(0.5)  # both are waiting with their imports done
    go.touch()
    documents = []
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        assert err == ""  # never prints
        documents.append(json.loads(out))
    for document in documents:
        assert document["problems"] == [] and document["ok"] is True, document
        assert {db["status"] for db in document["now"]["databases"]} == {"up_to_date"}
    migrated = sorted(
        db["name"]
        for document in documents
        if document["run"] is not None
        for db in document["run"]["databases"]
        if db["status"] == "migrated"
    )
    assert migrated == MIGRATING  # each database migrated by exactly one
    for name in DATABASES:
        assert _history(installation.path(name)) == _step_history(name), name
    assert len(_backups(installation)) == len(MIGRATING)
    assert sorted(b for d in documents for b in d["backups"]) == [
        str(p) for p in _backups(installation)
    ]
