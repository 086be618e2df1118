"""migrations/migrate.py started by a Python without the tool's dependencies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.aifp_data import build_installation
from tests.conftest import REPO

pytestmark = pytest.mark.e2e


def test_base_python_reruns_itself_with_the_project_venv(tmp_path: Path) -> None:
    venv_python = REPO / ".venv" / "bin" / "python"
    if not venv_python.exists():
        pytest.skip("no .venv in this checkout (the README's commands make it)")
    base_python = getattr(sys, "_base_executable", None) or "python3"
    probe = subprocess.run([base_python, "-c", "import typer"], capture_output=True, check=False)
    if probe.returncode == 0:
        pytest.skip("the base interpreter already has the dependencies")
    installation = build_installation(tmp_path, rows=1)
    result = subprocess.run(
        [base_python, str(REPO / "migrations" / "migrate.py"), "--check", "--json"],
        cwd=installation.project,
        env={"AIFP_ROOT": str(installation.root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert '"name": "user_directives"' in result.stdout
