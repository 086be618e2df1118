"""Drift (issue 5): ``check`` names how a database differs from its version's structure;
``up`` warns and goes on, ``up --strict`` refuses with exit 3 and changes nothing.

End to end: the installed ``aifp-migrate`` (and the seed ``migrate.py``) on real
v1.0 installations built by ``tests/aifp_data``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from aifp_shell.api import status
from aifp_shell.commands.migrate import down, up
from aifp_shell.commands.reports import status_json
from aifp_shell.commands.runtime import losses_runtime
from aifp_shell.files.locate import find_places
from tests.aifp_data import (
    DATABASES,
    LATEST,
    MIGRATIONS,
    Installation,
    build_installation,
    run_script,
    snapshot,
    version_of,
)
from tests.conftest import run_cli

pytestmark = pytest.mark.e2e


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


PROJECT_VERSIONS = sorted(
    {
        path.name.split("_to_")[1].split("_")[0].removeprefix("v")
        for path in (MIGRATIONS / "project").glob("v*_to_v*.sql")
    },
    key=_key,
)
"""Every version a shipped project step goes up to (1.1 ... the latest)."""
assert PROJECT_VERSIONS[-1] == LATEST["project"]


def _args(inst: Installation) -> list[str | Path]:
    return ["--aifp-root", inst.root, "--project-dir", inst.project]


def _env(tmp_path: Path) -> dict[str, str]:
    return {"AIFP_MIGRATE_CACHE_DIR": str(tmp_path / "cache")}


def _check(inst: Installation, tmp_path: Path) -> tuple[int, dict[str, dict[str, object]]]:
    done = run_cli("check", "--json", *_args(inst), cwd=tmp_path, env=_env(tmp_path))
    assert "Traceback" not in done.stderr
    document = json.loads(done.stdout)
    return done.returncode, {db["name"]: db for db in document["databases"]}


def _files_digest(inst: Installation) -> dict[str, str]:
    """Return the SHA-256 of every file of the installation (databases, backups, journals)."""
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in (inst.root, inst.project / ".aifp-project")
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


def _alter(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def _extra_index(path: Path) -> None:
    _alter(path, "CREATE INDEX extra_idx ON tasks(name)")


def _missing_column(path: Path) -> None:
    _alter(path, "ALTER TABLE infrastructure DROP COLUMN description")


def _changed_trigger(path: Path) -> None:
    _alter(
        path,
        "DROP TRIGGER update_project_timestamp",
        "CREATE TRIGGER update_project_timestamp AFTER UPDATE ON project FOR EACH ROW "
        "BEGIN UPDATE project SET updated_at = '2000-01-01' WHERE id = OLD.id; END",
    )


DRIFTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "extra index": (_extra_index, "index extra_idx: unexpected"),
    "missing column": (_missing_column, "table infrastructure: column description missing"),
    "changed trigger": (_changed_trigger, "trigger update_project_timestamp: definition differs"),
}


@pytest.fixture
def installation(tmp_path: Path) -> Installation:
    return build_installation(tmp_path, rows=4)


def _check_in_process(inst: Installation) -> tuple[int, dict[str, dict[str, object]]]:
    """``check --json``'s exit code and databases, from the same report, run in-process."""
    report = status(project_dir=inst.project, aifp_root=inst.root)
    return report.exit_code(), {db["name"]: db for db in status_json(report)["databases"]}


def test_clean_installations_show_no_drift_at_any_version(
    installation: Installation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk up and down runs in-process (the same ``up``/``down``/``check`` the CLI
    calls); the first and last checks and the ``up --all`` run the installed CLI."""
    code, found = _check(installation, tmp_path)
    assert code == 0, found
    assert {db["status"] for db in found.values()} <= {"pending", "up_to_date"}
    monkeypatch.setenv("AIFP_MIGRATE_CACHE_DIR", _env(tmp_path)["AIFP_MIGRATE_CACHE_DIR"])
    runtime = losses_runtime(find_places(installation.project, installation.root, None), True)
    project = installation.path("project")
    for target in PROJECT_VERSIONS:  # every version, each from the one before it
        done = up(runtime, ("project",), target, explicit=True)
        assert done.problem is None, (target, done.problem)
        assert done.drift == (), target
        assert version_of(project) == target
        code, found = _check_in_process(installation)
        assert code == 0, (target, found)
        assert found["project"]["status"] in ("pending", "up_to_date")
        assert "differences" not in found["project"]
    env = _env(tmp_path)
    assert run_cli("up", "--all", *_args(installation), cwd=tmp_path, env=env).returncode == 0
    visited = []
    while version_of(project) != "1.0" and len(visited) <= len(PROJECT_VERSIONS):
        done = down(runtime, "project")
        assert done.problem is None, done.problem
        assert done.drift == ()
        visited.append(version_of(project))
        code, found = _check_in_process(installation)
        assert code == 0, (visited, found)
        assert "differences" not in found["project"]
    assert version_of(project) == "1.0", visited
    code, found = _check(installation, tmp_path)
    assert {name: db["status"] for name, db in found.items()} == {
        "aifp_core": "up_to_date",
        "project": "pending",
        "user_preferences": "up_to_date",
        "user_directives": "up_to_date",
    }


@pytest.mark.parametrize("kind", sorted(DRIFTS))
def test_check_names_the_drift(kind: str, installation: Installation, tmp_path: Path) -> None:
    make, line = DRIFTS[kind]
    make(installation.path("project"))
    code, found = _check(installation, tmp_path)
    assert code == 3
    assert found["project"]["status"] == "drift"
    assert found["project"]["differences"] == [line]
    assert found["project"]["pending"], "drift keeps the pending steps listed"
    assert all(found[name]["status"] != "drift" for name in DATABASES if name != "project")
    human = run_cli("check", *_args(installation), cwd=tmp_path, env=_env(tmp_path))
    assert human.returncode == 3
    assert f"project: drift: {line}" in human.stdout
    assert "Traceback" not in human.stderr


MIGRATABLE_DRIFTS = sorted(set(DRIFTS) - {"missing column"})
"""Drifts the path to the latest goes past; a missing column it copies is not (see below)."""


@pytest.mark.parametrize("kind", MIGRATABLE_DRIFTS)
def test_up_warns_about_drift_and_migrates(
    kind: str, installation: Installation, tmp_path: Path
) -> None:
    make, line = DRIFTS[kind]
    project = installation.path("project")
    make(project)
    before = snapshot(project)
    done = run_cli("up", "--db", "project", *_args(installation), cwd=tmp_path, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "warning" in done.stderr and line in done.stderr and str(project) in done.stderr
    assert version_of(project) == LATEST["project"]
    after = snapshot(project)
    for table, rows in before.items():
        if table != "schema_version":
            assert len(after[table]) == len(rows), table


def test_up_warns_about_a_missing_column_a_step_copies_then_fails_and_changes_nothing(
    installation: Installation, tmp_path: Path
) -> None:
    """The direct 1.0 -> 1.7 step rebuilds infrastructure, copying description by name."""
    make, line = DRIFTS["missing column"]
    project = installation.path("project")
    make(project)
    before = _files_digest(installation)
    done = run_cli("up", "--db", "project", *_args(installation), cwd=tmp_path, env=_env(tmp_path))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    warning, error = [text for text in done.stderr.splitlines() if text.strip()]
    assert "warning" in warning and line in warning and str(project) in warning
    assert "v1.0_to_v1.7_direct.sql" in error and "no such column: description" in error
    assert "rolled back and is unchanged" in error
    assert version_of(project) == "1.0"
    assert _files_digest(installation) == before


def test_up_json_lists_the_drift(installation: Installation, tmp_path: Path) -> None:
    _extra_index(installation.path("project"))
    done = run_cli("up", "--all", "--json", *_args(installation), cwd=tmp_path, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    entries = {db["name"]: db for db in json.loads(done.stdout)["databases"]}
    assert entries["project"]["drift"] == ["index extra_idx: unexpected"]
    assert entries["project"]["status"] == "migrated"
    assert "drift" not in entries["aifp_core"]


STRICT_CASES = [(kind, "one") for kind in sorted(DRIFTS)] + [
    ("missing column", form) for form in ("all", "seed", "dry-run")
]


@pytest.mark.parametrize(("kind", "form"), STRICT_CASES)
def test_up_strict_refuses_and_changes_nothing(
    kind: str, form: str, installation: Installation, tmp_path: Path
) -> None:
    make, line = DRIFTS[kind]
    make(installation.path("project"))
    before = _files_digest(installation)
    args: list[str | Path] = {
        "one": ["up", "--db", "project", "--strict"],
        "all": ["up", "--all", "--strict"],
        "seed": ["--db", "project", "--strict"],
        "dry-run": ["up", "--all", "--strict", "--dry-run"],
    }[form]
    done = run_cli(
        *args, *_args(installation), cwd=tmp_path, env=_env(tmp_path), seed=form == "seed"
    )
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    errors = [text for text in done.stderr.splitlines() if text.strip()]
    assert len(errors) == 1, errors
    assert "project" in errors[0] and str(installation.path("project")) in errors[0]
    assert line in errors[0] and "--strict" in errors[0]
    assert _files_digest(installation) == before


def test_up_strict_json_reports_the_refusal(installation: Installation, tmp_path: Path) -> None:
    _missing_column(installation.path("project"))
    done = run_cli(
        "up", "--all", "--strict", "--json", *_args(installation), cwd=tmp_path, env=_env(tmp_path)
    )
    assert done.returncode == 3
    document = json.loads(done.stdout)
    assert document["error"]["kind"] == "DriftRefused"
    assert "infrastructure" in document["error"]["message"]


def test_up_strict_on_a_clean_installation_migrates(
    installation: Installation, tmp_path: Path
) -> None:
    done = run_cli(
        "up", "--all", "--strict", *_args(installation), cwd=tmp_path, env=_env(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    assert {name: version_of(installation.path(name)) for name in DATABASES} == LATEST


NOTES_DRIFT = [
    "table notes: column source missing",
    "table notes: column directive_name missing",
    "table notes: column severity missing",
    "index idx_notes_directive: missing",
    "index idx_notes_severity: missing",
    "index idx_notes_source: missing",
]


@pytest.mark.parametrize("target", ["1.1", "1.2", None])
def test_notes_without_the_v1_0_columns_drift_until_a_step_rebuilds_notes(
    tmp_path: Path, target: str | None
) -> None:
    """A v1.0 project.db whose notes lack source/directive_name/severity differs from v1.0.

    The 1.0 -> 1.1 step leaves notes alone, so at 1.1 the same drift remains. The
    1.1 -> 1.2 step rebuilds notes (source DEFAULT 'ai') with the real v1.2 columns, and
    so does the direct 1.0 -> 1.7 step ``up`` takes to the latest: no drift after either.
    """
    inst = build_installation(tmp_path, rows=2)
    project = inst.path("project")
    project.unlink()
    text = (MIGRATIONS / "project" / "v1.0_initial_schema.sql").read_text()
    dropped = ("    source TEXT", "    directive_name TEXT", "    severity TEXT")
    kept = [line for line in text.splitlines() if not line.startswith(dropped)]
    assert len(kept) == len(text.splitlines()) - 3
    text = "\n".join(kept)
    text = "\n".join(line for line in text.splitlines() if "idx_notes_" not in line)
    conn = sqlite3.connect(project, isolation_level=None)
    try:
        run_script(conn, text)
    finally:
        conn.close()
    code, found = _check(inst, tmp_path)
    assert code == 3
    assert found["project"]["differences"] == NOTES_DRIFT
    chosen = ["--target", target] if target else []
    done = run_cli("up", "--db", "project", *chosen, *_args(inst), cwd=tmp_path, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    for line in NOTES_DRIFT:
        assert f"drift from version 1.0: {line}" in done.stderr
    code, found = _check(inst, tmp_path)
    assert found["project"]["version"] == (target or LATEST["project"])
    if target == "1.1":
        assert code == 3
        assert found["project"]["status"] == "drift"
        assert found["project"]["differences"] == NOTES_DRIFT
    else:
        assert code == 0, found
        assert "differences" not in found["project"]
        conn = sqlite3.connect(project)
        try:
            columns = {row[1] for row in conn.execute("PRAGMA table_info(notes)")}
        finally:
            conn.close()
        assert {"source", "directive_name", "severity"} <= columns


def test_drift_answers_are_the_same_cached_or_not(
    installation: Installation, tmp_path: Path
) -> None:
    _changed_trigger(installation.path("project"))
    outputs = []
    for cache in ("", str(tmp_path / "cache"), str(tmp_path / "cache")):  # off, cold, warm
        done = run_cli(
            "check",
            "--json",
            *_args(installation),
            cwd=tmp_path,
            env={"AIFP_MIGRATE_CACHE_DIR": cache},
        )
        assert done.returncode == 3
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1] == outputs[2]
    assert list((tmp_path / "cache").glob("*.json")), "the cold run remembered its answers"
    _alter(installation.path("project"), "CREATE INDEX another_idx ON files(language)")
    code, found = _check(installation, tmp_path)
    assert code == 3
    assert "index another_idx: unexpected" in found["project"]["differences"]


def test_the_drift_cache_key_changes_when_a_module_of_a_subpackage_changes(
    tmp_path: Path,
) -> None:
    from aifp_shell.schema.drift_cache import fingerprint_of

    package = tmp_path / "aifp_shell"
    (package / "schema").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    module = package / "schema" / "expected.py"
    module.write_text("A = 1\n", encoding="utf-8")
    before = fingerprint_of({"aifp_shell": package})
    module.write_text("A = 22\n", encoding="utf-8")
    assert fingerprint_of({"aifp_shell": package}) != before
