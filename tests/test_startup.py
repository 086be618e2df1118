"""``check`` starts with only what it uses (issue 13): no runner, no schema model, no rich.

Each test runs the command line in a fresh process and lists the modules it
had loaded when it ended.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import typer
from aifp_data import MIGRATIONS, build_installation

from aifp_shell.cli import app as cli_app
from aifp_shell.cli import lazy, start
from aifp_shell.cli.app import app
from aifp_shell.cli.on_demand import OnDemandCommands, command_line

NEVER_LOADED_BY_CHECK = (
    "rich",  # display machinery: stdout is not a terminal here
    "pydantic",  # Typer's option conversion: ours are plain (cli/plain_values.py)
    "aifp_fp.schema",  # the schema model: the drift cache answers a warm check
    "aifp_fp.schemaparse",
    "aifp_fp.diff",
    "aifp_shell.sqlite.executor",
    "aifp_shell.commands.migrate",  # other commands' services
    "aifp_shell.commands.restore",
    "aifp_shell.commands.scan",
    "aifp_shell.commands.verify.run",
    "aifp_shell.files.backup",  # the backup writer
)

RUN_AND_LIST = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write('\\nMODULES ' + ' '.join(sorted(sys.modules))))\n"
    "sys.argv = ['aifp-migrate', *sys.argv[1:]]\n"
    "from aifp_shell.cli.app import main\n"
    "main()\n"
)


def _modules_after(
    args: list[str], cache: Path
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "AIFP_MIGRATE_CACHE_DIR": str(cache)},
        timeout=120,
    )
    listed = done.stderr.rpartition("\nMODULES ")[2].split()
    return done, set(listed)


@pytest.mark.parametrize("form", [["--json"], []], ids=["json", "piped"])
def test_a_warm_check_loads_no_runner_schema_model_or_rich(tmp_path: Path, form: list[str]) -> None:
    installation = build_installation(tmp_path, rows=1)
    args = [
        "check",
        *form,
        "--aifp-root",
        str(installation.root),
        "--project-dir",
        str(installation.project),
    ]
    first, _ = _modules_after(args, tmp_path / "cache")  # computes and remembers the drift
    second, loaded = _modules_after(args, tmp_path / "cache")
    assert first.returncode == second.returncode == 0, second.stderr
    assert first.stdout == second.stdout
    if form:
        assert [db["status"] for db in json.loads(second.stdout)["databases"]] == ["pending"] * 4
    assert "aifp_shell.commands.check" in loaded  # the listing is real
    assert sorted(name for name in NEVER_LOADED_BY_CHECK if name in loaded) == []


def test_every_deferred_name_is_listed_once_and_loads_from_its_module() -> None:
    assert lazy.__all__ == sorted(lazy.WHERE)
    for name, module in lazy.WHERE.items():
        assert getattr(lazy, name) is getattr(importlib.import_module(module), name)
    with pytest.raises(AttributeError):
        _ = lazy.no_such_name  # type: ignore[attr-defined]


def test_a_set_accepted_before_is_not_rechecked_and_an_edit_is(tmp_path: Path) -> None:
    """``up`` remembers a set whose every file passed (same code, same files); a set changed
    since, even in a file no step of this run uses, is checked again and refused by name."""
    inst = build_installation(tmp_path / "inst", rows=2)
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    cache = tmp_path / "cache"
    env = {**os.environ, **inst.env(), "AIFP_MIGRATE_CACHE_DIR": str(cache)}

    def dry_run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                str(Path(sys.executable).parent / "aifp-migrate"),
                *("up", "--db", "project", "--dry-run", "--migrations-dir", str(migrations)),
            ],
            cwd=inst.project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert dry_run().returncode == 0
    assert len(list(cache.glob("files-ok-*.json"))) == 1
    rollback = sorted((migrations / "project" / "rollback").glob("*.sql"))[0]
    rollback.write_text(rollback.read_text() + "\nPRAGMA journal_mode = DELETE;\n")
    refused = dry_run()
    assert refused.returncode == 2, refused.stderr
    assert rollback.name in refused.stderr and "journal_mode" in refused.stderr


def _helps(group: Any) -> dict[str, str]:
    """Return the group's --help and each command's, by name, in the order it lists them."""
    top = group.make_context("aifp-migrate", ["--help"], resilient_parsing=True)
    helps = {"": group.get_help(top)}
    for name in group.list_commands(top):
        command = group.get_command(top, name)
        sub = command.make_context(name, [], parent=top, resilient_parsing=True)
        helps[name] = command.get_help(sub)
    return helps


def test_the_command_line_builds_only_the_command_it_runs_and_helps_as_typer_does() -> None:
    group = command_line(app)
    assert isinstance(group.commands, OnDemandCommands)
    eager = typer.main.get_command(app)
    assert list(group.commands) == list(eager.commands)  # type: ignore[attr-defined]
    assert not group.commands.built
    context = group.make_context("aifp-migrate", ["check"], resilient_parsing=True)
    name, command, rest = group.resolve_command(context, ["check", "--json"])
    assert command is not None
    assert (name, command.name, rest) == ("check", "check", ["--json"])
    assert group.get_command(context, "chek") is None
    assert group.commands.built == ("check",)
    assert [param.name for param in group.params] == [param.name for param in eager.params]
    assert _helps(group) == _helps(eager)
    assert sorted(group.commands.built) == sorted(eager.commands)  # type: ignore[attr-defined]


def test_the_entry_point_loads_the_cli_with_collection_paused_and_runs_it_with_it_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scripts = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert scripts["project"]["scripts"]["aifp-migrate"] == "aifp_shell.cli.start:main"
    seen: list[bool] = []
    monkeypatch.setattr(cli_app, "main", lambda: seen.append(gc.isenabled()))
    try:
        start.main()
    finally:
        gc.unfreeze()  # this test process goes on: let its objects be collected again
    assert seen == [True]
    assert gc.isenabled()
