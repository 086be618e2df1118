"""The composition root: what a command run needs from the outside world, built once.

Both front ends (the Typer app and ``migrations/migrate.py``) call
``runtime_for`` once per run; nothing is built at import time. The embedding
API builds its ``Runtime`` from the folders it is given (no progress bar).
"""

from __future__ import annotations

from pathlib import Path

from aifp_shell.commands.migrate import Runtime
from aifp_shell.files.locate import find_places
from aifp_shell.files.retention import DEFAULT_KEEP_BACKUPS
from aifp_shell.output.progress import backup_progress_bar


def runtime_for(
    project_dir: Path | None,
    aifp_root: Path | None,
    migrations_dir: Path | None,
    as_json: bool,
    keep_backups: int = DEFAULT_KEEP_BACKUPS,
) -> Runtime:
    """Return the runtime of one command: its folders, the system clock, a progress bar."""
    return Runtime(
        find_places(project_dir, aifp_root, migrations_dir),
        backup_progress=None if as_json else backup_progress_bar,
        keep_backups=keep_backups,
    )
