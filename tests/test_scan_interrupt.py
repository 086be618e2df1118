"""Ctrl-C during ``scan``: it stops at once, says truly what it did and did not, exits 1.

The real CLI runs as a process in its own session on real files and gets SIGINT
as a terminal's Ctrl-C sends it: to the whole process group (its worker
processes too).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from aifp_shell.commands.scan import IN_PROCESS_BELOW
from tests.aifp_data import LATEST, PROJECT_DATABASES, build_installation, version_of
from tests.conftest import installed_cli

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; workers fork on Linux"),
]


def _tree(base: Path, count: int) -> tuple[Path, Path]:
    """Return (AIFP root, tree) with ``count`` copies of a v1.0 project under the tree."""
    template = build_installation(base / "template", rows=2)
    tree = base / "tree"
    for index in range(count):
        shutil.copytree(template.project / ".aifp-project", tree / f"p{index:03}" / ".aifp-project")
    return template.root, tree


def _hashes(tree: Path) -> dict[Path, str]:
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in tree.rglob("*.db")}


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _start(args: list[str], root: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(installed_cli()), *args, "--aifp-root", str(root)],
        env={**os.environ, "AIFP_MIGRATE_CACHE_DIR": "", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's job
    )


def _wait_for(child: subprocess.Popen[str], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60
    while not ready():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the moment to interrupt never came"
        time.sleep(0.005)


def test_ctrl_c_while_checking_stops_the_workers_and_says_how_far_it_got(tmp_path: Path) -> None:
    count = IN_PROCESS_BELOW + 8  # enough for worker processes
    root, tree = _tree(tmp_path, count)
    before = _hashes(tree)
    locked = sqlite3.connect(tree / "p005" / ".aifp-project" / "project.db", isolation_level=None)
    locked.execute("BEGIN EXCLUSIVE")  # its check waits a minute: the scan cannot end first
    try:
        child = _start(["scan", str(tree), "--json"], root, AIFP_MIGRATE_BUSY_TIMEOUT="60")
        _wait_for(child, lambda: len(_children(child.pid)) >= 2)
        workers = _children(child.pid)
        sent = time.monotonic()
        os.killpg(child.pid, signal.SIGINT)
        out, err = child.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        locked.rollback()
        locked.close()
    assert took < 10, "Ctrl-C waited for the locked database"
    assert child.returncode == 1, err
    assert "Traceback" not in err and "Exception" not in err, err
    document = json.loads(out)  # one document, and nothing else on stdout
    checked = document["summary"]["projects"]
    assert 0 <= checked < count
    message = f"interrupted: checked {checked} of {count} projects"
    assert document["error"] == {
        "kind": "ScanInterrupted",
        "message": f"{message} (the others were not checked); nothing was changed",
    }
    assert err.strip() == f"aifp-migrate: {document['error']['message']}"
    assert all(p["path"] != str(tree / "p005") for p in document["projects"])
    time.sleep(0.5)
    assert [pid for pid in workers if Path(f"/proc/{pid}").exists()] == [], "workers left"
    assert _hashes(tree) == before
    assert sorted(p.name for p in tree.rglob("*") if p.is_file() and p.suffix != ".db") == []


def _project_state(project: Path) -> set[str]:
    """Return the versions a project's databases are at (one: never half-migrated)."""
    folder = project / ".aifp-project"
    for name in PROJECT_DATABASES:
        conn = sqlite3.connect(folder / f"{name}.db")
        try:
            assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        finally:
            conn.close()
    return {
        "old" if version_of(folder / f"{name}.db") == "1.0" else "new"
        for name in PROJECT_DATABASES
        if version_of(folder / f"{name}.db") in ("1.0", LATEST[name])
    } or {"between"}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_while_migrating_rolls_back_the_runs_under_way_and_starts_no_other(
    tmp_path: Path, jobs: str
) -> None:
    count = 8
    root, tree = _tree(tmp_path, count)
    before = _hashes(tree)

    def a_run_writes() -> bool:  # a backup is being written: some project's up is under way
        return any(".backup_" in path.name for path in tree.rglob("*"))

    child = _start(["scan", str(tree), "--migrate", "--yes", "--jobs", jobs], root)
    _wait_for(child, a_run_writes)
    os.killpg(child.pid, signal.SIGINT)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 1, out + err
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if "interrupted: checked" in line]
    assert len(lines) == 1, err
    found = re.fullmatch(
        r"aifp-migrate: interrupted: checked (\d+) of (\d+) projects; "
        r"(?:migrated and committed (\d+); )?(?:rolled back (.*?) \(as they were\); )?"
        r"(?:(\d+) more due for migration not started \(as they were\); )?"
        r"every other database is as it was",
        lines[0],
    )
    assert found is not None, lines[0]
    assert found[1] == found[2] == str(count)
    states = {project: _project_state(project) for project in sorted(tree.iterdir())}
    assert all(len(state) == 1 and state != {"between"} for state in states.values()), states
    migrated = {p for p, state in states.items() if state == {"new"}}
    untouched = {p for p, state in states.items() if state == {"old"}}
    core_migrated = version_of(root / "aifp_core.db") == LATEST["aifp_core"]
    assert int(found[3] or 0) == len(migrated) + core_migrated
    rolled_back = set(found[4].split(", ")) if found[4] else set()
    assert rolled_back <= {str(p) for p in untouched}
    assert int(found[5] or 0) == len(untouched) - len(rolled_back)
    assert untouched, "nothing was left to interrupt"
    for project in untouched:  # as they were: same bytes, no backup left behind
        folder = project / ".aifp-project"
        left = sorted(p.name for p in folder.iterdir())
        assert left == sorted(f"{name}.db" for name in PROJECT_DATABASES), (left, err)
        assert all(_hashes(project)[path] == before[path] for path in _hashes(project))
