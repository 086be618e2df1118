"""End to end: the seed form ``python migrations/migrate.py ...`` the migration plan announced.

Same acceptance as test_e2e_cli.py (issue 3), through the seed spelling:
``--check``, ``--all [--dry-run]``, ``--db NAME [--target V]``,
``--db NAME --rollback``. Helpers come from test_e2e_cli.py.
"""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest
from aifp_data import (
    DATABASES,
    LATEST,
    STEPS_TO_LATEST,
    Installation,
    build_installation,
    snapshot,
    version_of,
)
from carried_rows import assert_rows_carried_to_latest, named_snapshot
from schema_facts import load_facts
from test_e2e_cli import (
    BACKUP_NAME,
    BROKEN_FILE,
    BROKEN_STEP,
    STATUSES,
    all_backups,
    assert_project_v1_1,
    assert_rows_at_1_1,
    assert_rows_kept,
    assert_sound,
    assert_usage_error,
    backups_of,
    by_name,
    facts,
    file_sha256,
    files_state,
    hidden_files,
    history,
    json_of,
    migrations_copy,
    run,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def inst(tmp_path: Path) -> Installation:
    return build_installation(tmp_path, rows=6, seed=11)


def seed(
    inst: Installation,
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python migrations/migrate.py ARGS`` against the installation."""
    return run(inst, *args, seed=True, cwd=cwd, env=env)


def _check_lines(stdout: str) -> dict[str, str]:
    lines = {}
    for name in DATABASES:
        found = [
            line for line in stdout.splitlines() if line.replace("│", " ").split()[:1] == [name]
        ]
        assert len(found) == 1, (name, stdout)
        lines[name] = found[0]
    return lines


def test_check_lists_all_four_with_path_version_latest_status(inst: Installation) -> None:
    inst.path("user_directives").unlink()
    result = seed(inst, "--check", env={"COLUMNS": "300"})
    assert result.returncode == 0, result.stderr
    lines = _check_lines(result.stdout)
    for name, line in lines.items():
        assert str(inst.path(name)) in line, line
        words = line.replace("│", " ").split()
        assert LATEST[name] in words, line
        if name == "user_directives":
            assert "missing" in words, line
            continue
        assert "1.0" in words, line
        assert ("pending" if STEPS_TO_LATEST[name] else "up_to_date") in words, line


def test_check_piped_output_keeps_names_and_paths_whole(inst: Installation) -> None:
    result = seed(inst, "--check", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    for name in DATABASES:
        assert str(inst.path(name)) in result.stdout
    _check_lines(result.stdout)


def test_check_json_from_a_nested_folder(inst: Installation) -> None:
    nested = inst.project / "docs" / "deep"
    nested.mkdir(parents=True)
    result = seed(inst, "--check", "--json", cwd=nested)
    assert result.returncode == 0, result.stderr
    document = json_of(result)
    assert set(document) == {"databases"}
    databases = by_name(document)
    assert list(databases) == list(DATABASES)
    for name, db in databases.items():
        assert db["path"] == str(inst.path(name))
        assert (db["version"], db["latest"]) == ("1.0", LATEST[name])
        assert db["status"] in STATUSES
        assert [Path(s["file"]).name for s in db["pending"]] == STEPS_TO_LATEST[name]


def test_flags_point_at_the_installation(inst: Installation, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = seed(
        inst,
        "--db",
        "project",
        "--target",
        "1.1",
        "--json",
        "--project-dir",
        str(inst.project),
        "--aifp-root",
        str(inst.root),
        cwd=elsewhere,
        env={"AIFP_ROOT": str(tmp_path / "nowhere")},
    )
    assert result.returncode == 0, result.stderr
    (db,) = json_of(result)["databases"]
    assert db["path"] == str(inst.path("project"))
    assert version_of(inst.path("project")) == "1.1"
    assert list(elsewhere.iterdir()) == []


def test_all_dry_run_changes_no_byte_and_writes_no_backup(inst: Installation) -> None:
    before = files_state(inst)
    result = seed(inst, "--all", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "project" in result.stdout
    after = files_state(inst)
    assert list(after) == list(before)
    assert after == before
    assert all_backups(inst) == []


def test_all_migrates_everything_soundly_then_does_nothing(inst: Installation) -> None:
    inst.path("project").chmod(0o600)
    rows_before = {name: snapshot(inst.path(name)) for name in DATABASES}
    named_before = {name: named_snapshot(inst.path(name)) for name in DATABASES}
    result = seed(inst, "--all")
    assert result.returncode == 0, result.stderr
    for name in DATABASES:
        path = inst.path(name)
        assert version_of(path) == LATEST[name]
        assert_sound(path)
        assert_rows_carried_to_latest(name, named_before[name], named_snapshot(path))
        backups = backups_of(path)
        if not STEPS_TO_LATEST[name]:
            assert backups == []
            continue
        (backup,) = backups
        match = BACKUP_NAME.match(backup.name)
        assert match is not None and match["db"] == path.name, backup.name
        assert_sound(backup)
        assert version_of(backup) == "1.0"
        assert snapshot(backup) == rows_before[name]
        assert stat.S_IMODE(backup.stat().st_mode) == stat.S_IMODE(path.stat().st_mode)
        recorded = history(path)
        assert [(r[0], r[3], r[4]) for r in recorded] == [
            ("up", f"{name}/{file}", file_sha256(name, file)) for file in STEPS_TO_LATEST[name]
        ]
    assert stat.S_IMODE(backups_of(inst.path("project"))[0].stat().st_mode) == 0o600
    assert hidden_files(inst) == []
    state = files_state(inst)
    again = seed(inst, "--all", "--json")
    assert again.returncode == 0, again.stderr
    assert {db["status"] for db in json_of(again)["databases"]} == {"up_to_date"}
    assert files_state(inst) == state


def test_target_1_1_then_rollbacks_return_to_real_1_0(inst: Installation) -> None:
    path = inst.path("project")
    rows_before = snapshot(path)
    named_before = named_snapshot(path)
    result = seed(inst, "--db", "project", "--target", "1.1")
    assert result.returncode == 0, result.stderr
    assert_project_v1_1(path)
    assert_rows_at_1_1(named_before, named_snapshot(path))
    back = seed(inst, "--db", "project", "--rollback")
    assert back.returncode == 0, back.stderr
    assert facts(path) == load_facts("project")
    assert_rows_kept(rows_before, snapshot(path))
    assert version_of(path) == "1.0"
    assert_sound(path)
    state = files_state(inst)
    again = seed(inst, "--db", "project", "--rollback")
    assert_usage_error(again, "project", "1.0")
    assert files_state(inst) == state
    assert facts(path) == load_facts("project")


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (("--db", "nope"), ("nope",)),
        (("--db", "project", "--target", "7.7"), ("project", "7.7")),
        (("--db", "project", "--target", "abc"), ("abc",)),
        (("--db", "project", "--rollback", "--target", "7.7"), ("project", "7.7")),
        (("--bogus",), ("--bogus",)),
        (("--rollback",), ("--rollback",)),
        (("--all", "--target", "1.1"), ("--target",)),
        (("--all", "--sql"), ("--sql", "--dry-run")),
        (("--check", "--sql"), ("--sql", "--dry-run")),
    ],
    ids=[
        "unknown-db",
        "unknown-version",
        "bad-version",
        "rollback-unknown-version",
        "bad-flag",
        "rollback-without-db",
        "all-with-target",
        "sql-without-dry-run",
        "sql-with-check",
    ],
)
def test_bad_usage_exits_2_with_one_line(
    inst: Installation, args: tuple[str, ...], needles: tuple[str, ...]
) -> None:
    before = files_state(inst)
    result = seed(inst, *args)
    assert_usage_error(result, *needles)
    assert files_state(inst) == before


def test_failing_step_in_all_leaves_all_four_unchanged(inst: Installation, tmp_path: Path) -> None:
    migrations = migrations_copy(tmp_path, {f"project/{BROKEN_FILE}": BROKEN_STEP})
    before = files_state(inst)
    result = seed(inst, "--all", "--migrations-dir", str(migrations))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    (line,) = result.stderr.splitlines()
    for needle in ("project", BROKEN_FILE, "no_such_table", "no such table"):
        assert needle in line, (needle, line)
    assert files_state(inst) == before
    assert all_backups(inst) == []
    for name in DATABASES:
        assert version_of(inst.path(name)) == "1.0"


def test_forbidden_statement_is_refused(inst: Installation, tmp_path: Path) -> None:
    migrations = migrations_copy(
        tmp_path, {"aifp_core/v1.1_to_v1.2_vacuum.sql": "CREATE TABLE t (a);\nVACUUM;\n"}
    )
    before = files_state(inst)
    result = seed(inst, "--all", "--migrations-dir", str(migrations))
    assert_usage_error(result, "aifp_core", "v1.1_to_v1.2_vacuum.sql", "VACUUM")
    assert files_state(inst) == before


def test_check_strict_fails_until_every_database_is_up_to_date(inst: Installation) -> None:
    before = files_state(inst)
    result = seed(inst, "--check", "--strict")
    assert result.returncode == 3, (result.stdout, result.stderr)
    pending = [name for name in DATABASES if STEPS_TO_LATEST[name]]
    (line,) = [text for text in result.stderr.splitlines() if "not up to date" in text]
    for name in pending:
        assert f"{name} (pending)" in line, line
    document = json_of(seed(inst, "--check", "--strict", "--json"))
    assert document["not_up_to_date"] == pending
    assert files_state(inst) == before  # a check writes nothing
    assert seed(inst, "--check").returncode == 0  # without --strict, pending is not a failure
    assert seed(inst, "--all").returncode == 0
    done = seed(inst, "--check", "--strict", "--json")
    assert done.returncode == 0, done.stderr
    assert json_of(done)["not_up_to_date"] == []


@pytest.mark.parametrize(
    "args",
    [("--all",), ("--db", "project", "--target", "1.1"), ("--db", "project", "--rollback")],
    ids=["all", "db-target", "rollback"],
)
def test_dry_run_sql_prints_the_statements_as_aifp_migrate_does(
    inst: Installation, args: tuple[str, ...]
) -> None:
    if "--rollback" in args:
        assert seed(inst, "--db", "project", "--target", "1.1").returncode == 0
    before = files_state(inst)
    result = seed(inst, *args, "--dry-run", "--sql")
    assert result.returncode == 0, result.stderr
    assert "UPDATE schema_version" in result.stdout
    assert "INSERT INTO schema_history" in result.stdout
    assert files_state(inst) == before  # nothing written, no backup
    main = ["down", "--db", "project"] if "--rollback" in args else ["up", *args]
    same = run(inst, *main, "--dry-run", "--sql")
    assert (same.returncode, same.stdout) == (0, result.stdout)
    document = json_of(seed(inst, *args, "--dry-run", "--sql", "--json"))
    steps = [step for db in document["databases"] for step in db["applied"]]
    assert steps
    assert all(step["sql"] for step in steps)
    without = json_of(seed(inst, *args, "--dry-run", "--json"))
    assert all("sql" not in step for db in without["databases"] for step in db["applied"])
