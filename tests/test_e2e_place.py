"""End to end: the places a run works with say what they are (issue 12: items 1, 3, 7, 8, 13).

A wrong or missing project is exit 2 before any write, naming where the tool
looked; the migration set in use is named when it is not the shipped one; a
real run that stops in its read-only pass is never called a dry run; an
unusable migration set is ``migrations_invalid``, not drift; usage errors with
``--json`` are one JSON document. Both fronts (``aifp-migrate`` and
``migrations/migrate.py``) run in a subprocess on real SQLite files.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from aifp_data import MIGRATIONS, REPO, Installation, build_installation, version_of
from test_e2e_cli import (
    all_backups,
    assert_usage_error,
    by_name,
    files_state,
    json_of,
    migrations_copy,
    run,
)

pytestmark = pytest.mark.e2e

# (aifp-migrate's spelling, migrate.py's spelling) of the same command
UP_ALL = (("up", "--all"), ("--all",))
CHECK = (("check",), ("--check",))
FRONTS = pytest.mark.parametrize("seed", [False, True], ids=["aifp-migrate", "migrate.py"])


@pytest.fixture
def inst(tmp_path: Path) -> Installation:
    return build_installation(tmp_path, rows=2, seed=3)


def _command(spellings: tuple[tuple[str, ...], tuple[str, ...]], seed: bool) -> tuple[str, ...]:
    return spellings[1] if seed else spellings[0]


def _one_error_document(result: subprocess.CompletedProcess[str], kind: str) -> str:
    """Exit 2, stdout one JSON document whose ``error`` is ``kind``; return its message."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    document = json_of(result)
    assert document["error"]["kind"] == kind, document
    assert "Traceback" not in result.stdout + result.stderr
    message: str = document["error"]["message"]
    return message


# --- item 1: a wrong place is an error, before any write ----------------------------------


@FRONTS
def test_up_all_with_a_project_dir_that_does_not_exist_writes_nothing(
    inst: Installation, tmp_path: Path, seed: bool
) -> None:
    before = files_state(inst)
    gone = tmp_path / "no-such-project"
    result = run(inst, *_command(UP_ALL, seed), "--project-dir", gone, seed=seed)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert str(gone) in result.stderr and "no such folder" in result.stderr
    assert files_state(inst) == before  # aifp_core was not migrated either
    assert all_backups(inst) == []


@FRONTS
def test_a_project_dir_without_a_project_folder_is_exit_2_naming_it(
    inst: Installation, tmp_path: Path, seed: bool
) -> None:
    empty = tmp_path / "not-a-project"
    empty.mkdir()
    before = files_state(inst)
    for command in (UP_ALL, CHECK):
        args = (*_command(command, seed), "--project-dir", empty, "--json")
        message = _one_error_document(run(inst, *args, seed=seed), "ProjectNotFound")
        assert str(empty) in message and ".aifp-project/" in message
    assert files_state(inst) == before


def test_up_db_aifp_core_with_a_wrong_project_dir_is_refused_too(
    inst: Installation, tmp_path: Path
) -> None:
    result = run(inst, "up", "--db", "aifp_core", "--project-dir", tmp_path / "nowhere")
    assert result.returncode == 2, result.stderr
    assert version_of(inst.path("aifp_core")) == "1.0"


@FRONTS
def test_outside_any_project_up_all_and_check_are_exit_2_naming_the_folder(
    inst: Installation, tmp_path: Path, seed: bool
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = files_state(inst)
    for command in (UP_ALL, CHECK):
        result = run(inst, *_command(command, seed), cwd=elsewhere, seed=seed)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert str(elsewhere) in result.stderr and "--project-dir" in result.stderr
        assert "missing" not in result.stdout
    assert files_state(inst) == before
    assert version_of(inst.path("aifp_core")) == "1.0"


def test_outside_any_project_aifp_core_alone_still_migrates(
    inst: Installation, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run(inst, "up", "--db", "aifp_core", "--json", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert by_name(json_of(result))["aifp_core"]["status"] == "migrated"


@FRONTS
def test_the_project_folder_itself_may_be_passed_as_project_dir(
    inst: Installation, tmp_path: Path, seed: bool
) -> None:
    folder = inst.project / ".aifp-project"
    args = (*_command(CHECK, seed), "--project-dir", folder, "--json")
    result = run(inst, *args, cwd=tmp_path, seed=seed)
    assert result.returncode == 0, result.stderr
    databases = by_name(json_of(result))
    assert databases["project"]["path"] == str(folder / "project.db")
    assert databases["project"]["status"] == "pending"


# --- item 3: which migration set runs is never a surprise -----------------------------------


def test_both_fronts_use_the_checkouts_own_migration_set(inst: Installation) -> None:
    installed = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "python"),
            "-c",
            "from aifp_shell.files.locate import shipped_migrations_dir; "
            "print(shipped_migrations_dir())",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(installed) == MIGRATIONS.resolve()
    for seed in (False, True):  # the shipped set is named nowhere: it is the one expected
        result = run(inst, *_command(CHECK, seed), "--json", seed=seed)
        assert result.returncode == 0, result.stderr
        assert "migration_set" not in json_of(result)
        text = run(inst, *_command(CHECK, seed), seed=seed)
        assert "migration set:" not in text.stdout


@FRONTS
def test_reports_name_a_migration_set_that_is_not_the_shipped_one(
    inst: Installation, tmp_path: Path, seed: bool
) -> None:
    folder = migrations_copy(tmp_path, {})
    line = f"migration set: {folder} (not the shipped one)"
    checked = run(inst, *_command(CHECK, seed), "--migrations-dir", folder, seed=seed)
    assert checked.returncode == 0, checked.stderr
    assert line in checked.stdout.splitlines()
    document = json_of(
        run(inst, *_command(CHECK, seed), "--migrations-dir", folder, "--json", seed=seed)
    )
    assert document["migration_set"] == {"path": str(folder), "shipped": False}
    up_args = (*_command(UP_ALL, seed), "--dry-run", "--migrations-dir", folder, "--json")
    ran = json_of(run(inst, *up_args, seed=seed))
    assert ran["migration_set"] == {"path": str(folder), "shipped": False}


# --- item 7: a real run is never called a dry run ------------------------------------------


@FRONTS
def test_a_real_run_stopped_by_one_database_reports_the_others_skipped(
    inst: Installation, seed: bool
) -> None:
    inst.path("user_directives").write_bytes(b"")  # unversioned: fails the read-only pass
    before = files_state(inst)
    text = run(inst, *_command(UP_ALL, seed), seed=seed)
    assert text.returncode == 2, text.stderr
    assert "dry run" not in text.stdout
    assert "project: skipped: not migrated: user_directives failed" in text.stdout
    result = run(inst, *_command(UP_ALL, seed), "--json", seed=seed)
    assert result.returncode == 2, result.stderr
    databases = by_name(json_of(result))
    assert databases["user_directives"]["status"] == "failed"
    for name in ("aifp_core", "project", "user_preferences"):
        assert databases[name]["status"] == "skipped", databases[name]
        assert databases[name]["reason"].startswith("not migrated: user_directives failed")
        assert databases[name]["applied"] == []
    assert files_state(inst) == before


def test_a_dry_run_stopped_by_one_database_is_still_a_dry_run(inst: Installation) -> None:
    inst.path("user_directives").write_bytes(b"")
    result = run(inst, "up", "--all", "--dry-run", "--json")
    assert result.returncode == 2, result.stderr
    assert by_name(json_of(result))["project"]["status"] == "dry_run"


# --- item 8: an unusable migration set is not database drift -------------------------------


@FRONTS
def test_a_misnamed_file_makes_its_database_migrations_invalid_at_its_own_version(
    inst: Installation, tmp_path: Path, seed: bool
) -> None:
    folder = migrations_copy(tmp_path, {"project/v1.0-to-1.1.sql": "SELECT 1;\n"})
    args = (*_command(CHECK, seed), "--migrations-dir", folder)
    result = run(inst, *args, "--json", seed=seed)
    assert result.returncode == 2, result.stderr
    databases = by_name(json_of(result))
    project = databases["project"]
    assert (project["status"], project["version"]) == ("migrations_invalid", "1.0")
    assert project["error"]["kind"] == "MalformedFileName"
    assert "v1.0-to-1.1.sql" in project["error"]["message"]
    assert "differences" not in project
    assert databases["user_preferences"]["status"] == "pending"
    text = run(inst, *args, seed=seed)
    assert "drift" not in text.stdout
    assert "migrations_invalid" in text.stdout


@FRONTS
def test_a_migrations_dir_that_does_not_exist_is_migrations_invalid_once(
    inst: Installation, tmp_path: Path, seed: bool
) -> None:
    gone = tmp_path / "no-migrations"
    result = run(inst, *_command(CHECK, seed), "--migrations-dir", gone, "--json", seed=seed)
    assert result.returncode == 2
    for entry in json_of(result)["databases"]:
        assert (entry["status"], entry["version"]) == ("migrations_invalid", "1.0"), entry
    assert result.stderr.splitlines() == [f"aifp-migrate: migrations folder {gone}: no such folder"]


# --- item 13: --json always -------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("up", "--json"),
        ("up", "--all", "--bogus", "--json"),
        ("up", "--all", "--target", "1.1", "--json"),
        ("check", "--json", "--no-such-option"),
        ("scan", "/nonexistent-scan-root", "--json"),
    ],
)
def test_usage_errors_with_json_print_one_json_document(
    inst: Installation, args: tuple[str, ...]
) -> None:
    result = run(inst, *args)
    _one_error_document(result, "BadUsage")
    assert_usage_error(result)


@pytest.mark.parametrize("args", [("--bogus", "--json"), ("--rollback", "--json")])
def test_seed_usage_errors_with_json_print_one_json_document(
    inst: Installation, args: tuple[str, ...]
) -> None:
    result = run(inst, *args, seed=True)
    message = _one_error_document(result, "BadUsage")
    assert_usage_error(result, "migrate.py: ", message)


def test_a_bare_command_prints_help_without_an_empty_error_line(inst: Installation) -> None:
    result = run(inst)
    assert "Usage" in result.stdout + result.stderr
    assert "aifp-migrate:" not in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
