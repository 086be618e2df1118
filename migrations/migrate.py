#!/usr/bin/env python3
"""AIFP database migration tool, in the form the migration plan announced.

    python migrations/migrate.py --check
    python migrations/migrate.py --all [--dry-run]
    python migrations/migrate.py --db project --target 1.1
    python migrations/migrate.py --db project --rollback

A thin front on the same code as ``aifp-migrate`` (see docs/user-guide.md). It
uses the migration files beside it. When run by a Python that lacks the tool's
dependencies, it re-runs itself with the project's own ``.venv`` if there is one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _reexec_with_project_venv() -> None:
    venv = REPO / ".venv"
    venv_python = venv / "bin" / "python"
    # A venv's python is a symlink to the base interpreter: compare prefixes, not binaries.
    if venv_python.exists() and Path(sys.prefix).resolve() != venv.resolve():
        os.execv(str(venv_python), [str(venv_python), __file__, *sys.argv[1:]])
    sys.stderr.write(
        "migrate.py: the tool's dependencies are not installed for this Python; "
        "run the README's set-up command (it makes .venv) or `pip install .`\n"
    )
    raise SystemExit(2)


if __name__ == "__main__":
    try:
        from aifp_shell.cli import seed
    except ImportError:
        _reexec_with_project_venv()
        raise
    seed.main(sys.argv[1:], HERE)
