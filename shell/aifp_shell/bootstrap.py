"""The composition root: what a command run needs from the outside world, built once.

Both front ends (the Typer app and ``migrations/migrate.py``) call
``runtime_for`` once per run; nothing is built at import time. The embedding
API builds its ``Runtime`` from the folders it is given (no progress bar).
"""

from __future__ import annotations

from pathlib import Path

from aifp_shell.commands.reports import RunReport
from aifp_shell.commands.runtime import Runtime
from aifp_shell.files.locate import both_project_folders, find_places
from aifp_shell.files.retention import DEFAULT_KEEP_BACKUPS
from aifp_shell.output import console
from aifp_shell.output.progress import backup_progress_bar
from aifp_shell.problems import DatabaseMissing


class CommandEnded(Exception):
    """The folders of a run were reported as unusable; the command ends with ``code``."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def runtime_for(
    project_dir: Path | None,
    aifp_root: Path | None,
    migrations_dir: Path | None,
    as_json: bool,
    keep_backups: int = DEFAULT_KEEP_BACKUPS,
) -> Runtime:
    """Return the runtime of one command: its folders, the system clock, a progress bar.

    A project holding both ``.aifp-project/`` and ``.aimfp-project/`` is reported
    (exit 2, naming both) and raises ``CommandEnded``: which one is meant cannot
    be guessed, and nothing has been opened yet.
    """
    places = find_places(project_dir, aifp_root, migrations_dir)
    both = both_project_folders(places)
    if both:
        problem = DatabaseMissing(
            "project", str(places.project_dir), f"holds both {both[0]} and {both[1]}; keep one"
        )
        raise CommandEnded(console.show_run(RunReport((), problem), as_json))
    return Runtime(
        places,
        backup_progress=None if as_json else backup_progress_bar,
        keep_backups=keep_backups,
    )
