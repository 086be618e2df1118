"""The forked runs of the tests (``cli_child.run_script``) do what a new process does.

Most tests run the console script in a forked child of the test process; these
run the same command lines both ways, forked and as a new interpreter, on
copies of one installation, and compare exit codes, output and the files left.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from aifp_data import build_installation, snapshot
from cli_child import run_script
from conftest import REPO, accepting, installed_cli

COMMAND_LINES = [
    ["check"],
    ["check", "--json"],
    ["up", "--db", "project", "--json"],
    ["up", "--all", "--dry-run", "--sql"],
    ["check", "--no-such-option"],
    ["down", "--db", "no_such_db"],
    ["history", "--db", "project"],
    [],
]


def _both_ways(script: Path, args: list[str], tmp_path: Path) -> list[tuple[int, str, str, str]]:
    pristine = build_installation(tmp_path / "pristine", rows=3)
    results = []
    for way in ("fork", "exec"):  # names of one length: tables are as wide
        base = tmp_path / way
        shutil.copytree(pristine.root.parent, base)
        project = base / pristine.project.name
        env = {**os.environ, "AIFP_ROOT": str(base / pristine.root.name)}
        given = [str(arg) for arg in accepting(args, seed=script.suffix == ".py")]
        run = run_script if way == "fork" else _in_a_new_process
        done = run(script, given, cwd=project, env=env)
        backups = sorted(p.name for p in project.rglob("*.backup_*"))
        state = repr((snapshot(project / ".aifp-project" / "project.db"), backups))
        results.append(
            (done.returncode, *(_timeless(t, base) for t in (done.stdout, done.stderr, state)))
        )
    return results


def _in_a_new_process(
    script: Path, args: list[str], *, cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Return what ``script ARGS`` did run as ``subprocess`` runs it: a new interpreter."""
    command = [sys.executable, str(script)] if script.suffix == ".py" else [str(script)]
    return subprocess.run(
        [*command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip


def _timeless(text: str, base: Path) -> str:
    """Return ``text`` with the run's folder and clock readings (the two runs' differ) blanked."""
    text = text.replace(str(base), "BASE")
    text = re.sub(r"\d{8}_\d{6}", "STAMP", text)  # backup names
    return re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\+00:00)?", "TIME", text)


@pytest.mark.parametrize("args", COMMAND_LINES, ids=lambda a: " ".join(a) or "bare")
def test_a_forked_run_of_the_console_script_is_a_new_process_run(
    tmp_path: Path, args: list[str]
) -> None:
    forked, executed = _both_ways(installed_cli(), args, tmp_path)
    assert forked == executed


def test_a_forked_run_of_the_seed_front_is_a_new_process_run(tmp_path: Path) -> None:
    forked, executed = _both_ways(REPO / "migrations" / "migrate.py", ["--all"], tmp_path)
    assert forked == executed


def test_a_child_that_outlives_its_timeout_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "slow.py"
    script.write_text("import time\ntime.sleep(30)\n")
    with pytest.raises(subprocess.TimeoutExpired):
        run_script(script, [], cwd=tmp_path, env=dict(os.environ), timeout=0.2)


def test_a_child_gets_exactly_the_environment_and_folder_given(tmp_path: Path) -> None:
    script = tmp_path / "show.py"
    script.write_text(
        "import os, sys\nprint(os.getcwd()); print(sorted(os.environ)); print(sys.argv[1:])\n"
        "print(sys.stdin.read() == '')\nsys.exit(3)\n"
    )
    done = run_script(script, ["a", "b"], cwd=tmp_path, env={"ONLY": "1"})
    assert done.returncode == 3
    assert done.stdout.splitlines() == [str(tmp_path), "['ONLY']", "['a', 'b']", "True"]


def test_a_child_starts_without_what_runs_in_this_process_remembered(tmp_path: Path) -> None:
    """Answers an in-process run left in memory (the drift cache's) are not the child's: its
    ``check`` writes its answers to the cache folder as a new process does."""
    from aifp_shell import status

    installation = build_installation(tmp_path / "inst", rows=1)
    status(project_dir=installation.project, aifp_root=installation.root)  # fills this memory
    written = []
    for way in ("fork", "exec"):
        cache = tmp_path / f"cache-{way}"
        env = {**os.environ, **installation.env(), "AIFP_MIGRATE_CACHE_DIR": str(cache)}
        run = run_script if way == "fork" else _in_a_new_process
        done = run(installed_cli(), ["check", "--json"], cwd=installation.project, env=env)
        assert done.returncode == 0, done.stderr
        written.append(sorted(path.name for path in cache.glob("*.json")))
    assert written[0] == written[1] != []


def test_a_child_prints_its_warnings_and_ends_by_sigint_on_an_uncaught_ctrl_c(
    tmp_path: Path,
) -> None:
    script = tmp_path / "warn.py"
    script.write_text("import warnings\nwarnings.warn('old api')\nraise KeyboardInterrupt\n")
    forked = run_script(script, [], cwd=tmp_path, env=dict(os.environ))
    executed = _in_a_new_process(script, [], cwd=tmp_path, env=dict(os.environ))
    assert forked.returncode == executed.returncode == -signal.SIGINT
    assert "UserWarning: old api" in forked.stderr
    assert "UserWarning: old api" in executed.stderr
