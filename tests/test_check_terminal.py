"""A terminal-sized ``check``: 80 columns, coloured statuses on a terminal only, right
plurals, odd files in a migrations folder named, a bounded drift cache."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from aifp_data import MIGRATIONS, build_installation
from conftest import in_terminal, installed_cli, run_cli

from aifp_shell.commands.reports import DatabaseStatus, PendingStep, StatusReport

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture(scope="module")
def deep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A v1.0 installation under a long folder; the tests only read it."""
    base = tmp_path_factory.mktemp("check") / ("a-rather-long-folder-name-" * 3) / "work"
    base.mkdir(parents=True)
    build_installation(base, rows=1)
    return base


def _check(installation_base: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "check",
        "--aifp-root",
        str(installation_base / "aifp-root"),
        "--project-dir",
        str(installation_base / "my-project"),
        *args,
        cwd=installation_base,
        env={"AIFP_MIGRATE_CACHE_DIR": ""},
    )


def test_piped_check_keeps_whole_paths_plain_and_counts_steps(deep: Path) -> None:
    done = _check(deep)
    assert done.returncode == 0, done.stderr
    assert not ANSI.search(done.stdout), "colour codes in piped output"
    row = r"^project\s+(\S+)\s+1\.0\s+\S+\s+1\.0→\S+ \(\d+ steps\)\s+pending$"
    found = re.search(row, done.stdout, re.M)
    assert found is not None, done.stdout
    assert found.group(1) == str(deep / "my-project" / ".aifp-project" / "project.db")


def _in_terminal(args: list[str], cwd: Path) -> str:
    code, screen = in_terminal(args, cwd)
    assert code == 0, screen
    return screen


def test_check_on_a_terminal_colours_statuses_and_fits_80_columns(deep: Path) -> None:
    base = deep
    screen = _in_terminal(
        [
            str(installed_cli()),
            "check",
            "--aifp-root",
            str(base / "aifp-root"),
            "--project-dir",
            str(base / "my-project"),
        ],
        base,
    )
    assert re.search(r"\x1b\[[0-9;]*33mpending", screen), "pending is not coloured"
    plain = ANSI.sub("", screen)
    lines = re.split(r"\r\n|\r|\n", plain)  # a progress line, if drawn, is its own line
    assert all(len(line) <= 80 for line in lines), plain
    assert re.search(r"1\.0→\S+ \(\d+ steps\)", plain), plain
    (core,) = [line for line in lines if line.startswith("aifp_core: ")]
    assert core.endswith("aifp_core.db")
    (folder,) = [line for line in lines if line.startswith("project databases: ")]
    assert folder.endswith(".aifp-project")
    assert "…" in folder, "a long folder is cut in the middle"


def _report(*statuses: str) -> StatusReport:
    return StatusReport(
        tuple(
            DatabaseStatus(
                name,
                f"/home/someone/{'x' * 70}/.aifp-project/{name}.db",
                True,
                "1.0",
                "1.1",
                (PendingStep("1.0", "1.1", "migrations/x.sql"),) if status == "pending" else (),
                status,  # type: ignore[arg-type]
            )
            for name, status in zip(
                ("aifp_core", "project", "user_preferences", "user_directives"),
                statuses,
                strict=True,
            )
        )
    )


def test_the_renderer_colours_on_a_terminal_only_and_says_1_step() -> None:
    from rich.console import Console

    from aifp_shell.output.status import print_table

    report = _report("pending", "drift", "up_to_date", "migrations_invalid")
    for terminal in (True, False):
        out = io.StringIO()
        print_table(report, Console(file=out, force_terminal=terminal, width=80))
        text = out.getvalue()
        assert bool(ANSI.search(text)) is terminal
        plain = ANSI.sub("", text)
        assert all(len(line) <= 80 for line in plain.splitlines()), plain
        assert "1.0→1.1 (1 step)" in plain and "(1 steps)" not in plain


def test_odd_files_in_a_migrations_folder_are_named_in_a_warning(
    tmp_path: Path, deep: Path
) -> None:
    migrations = tmp_path / "mig"
    shutil.copytree(MIGRATIONS, migrations, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (migrations / "project" / "v1.9_to_v2.0_next.SQL").write_text("SELECT 1;\n")
    (migrations / "project" / "v1.0_to_v1.1_git_integration.sql.bak").write_text("SELECT 1;\n")
    (migrations / "project" / "README.md").write_text("notes\n")
    done = _check(deep, "--migrations-dir", str(migrations), "--json")
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert sorted(warnings) == [
        "aifp-migrate: warning: project: mig/project/v1.0_to_v1.1_git_integration.sql.bak "
        "is ignored: migration files end in .sql",
        "aifp-migrate: warning: project: mig/project/v1.9_to_v2.0_next.SQL "
        "is ignored: migration files end in .sql",
    ], done.stderr
    document = json.loads(done.stdout)
    found = {db["name"]: db for db in document["databases"]}
    assert len(found["project"]["ignored_files"]) == 2
    assert "ignored_files" not in found["aifp_core"]


def test_the_drift_cache_stays_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import aifp_shell.schema.drift_cache as cache
    from aifp_fp.recognition import AtShape
    from aifp_fp.version import parse_version
    from aifp_shell.files.sources import load_migration_set

    folder = tmp_path / "cache"
    monkeypatch.setenv("AIFP_MIGRATE_CACHE_DIR", str(folder))
    monkeypatch.setattr(cache, "MAX_ENTRIES", 5)
    folder.mkdir()
    stale = folder / ".old.1.2.tmp"
    stale.write_text("{}")
    os.utime(stale, (1, 1))
    migration_set = load_migration_set("user_preferences", MIGRATIONS).unwrap()
    version = parse_version("1.0").unwrap()
    for number in range(12):
        catalog = (("table", f"t{number}", f"t{number}", f"CREATE TABLE t{number} (a)"),)
        cache.remember(migration_set, version, catalog, AtShape(None))
    kept = sorted(folder.iterdir())
    assert len(kept) == 5, kept
    assert not stale.exists()
    newest = (("table", "t11", "t11", "CREATE TABLE t11 (a)"),)
    cache._RECALLED.clear()
    assert cache.recall(migration_set, version, newest) == AtShape(None)


def test_an_error_line_clears_a_bar_the_stopped_work_left_drawn(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Ctrl-C or a failure part-way through a backup or a scan leaves its bar short of its
    total; the error line first stops and clears it, so the message stands alone."""
    from aifp_shell.output import progress
    from aifp_shell.output.console import error_line
    from aifp_shell.problems import Interrupted

    update = progress.terminal_bar("checking", 10)
    update(3, 10)
    (bar,) = progress._LIVE
    assert bar.live.is_started
    error_line(Interrupted(("project",), ()))
    assert not bar.live.is_started
    assert progress._LIVE == []
    assert "interrupted" in capsys.readouterr().err
