"""The composition root: what a command run needs from the outside world, built once.

Both front ends (the Typer app and ``migrations/migrate.py``) call
``runtime_for`` once per run; nothing is built at import time. The embedding
API builds its ``Runtime`` from the folders it is given (no progress bar).
"""

from __future__ import annotations

import functools
from pathlib import Path

from aifp_shell.commands.reports import RunReport
from aifp_shell.commands.runtime import Runtime
from aifp_shell.files.locate import find_places, project_problem
from aifp_shell.files.retention import DEFAULT_KEEP_BACKUPS
from aifp_shell.output import console
from aifp_shell.output.progress import backup_progress_bar, work_progress_bar


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
    *,
    yes: bool = False,
) -> Runtime:
    """Return the runtime of one command: its folders, the system clock, a progress bar,
    and how a run that loses data is accepted (``yes``, else asked at a terminal).

    A ``--project-dir`` that does not exist or holds neither ``.aifp-project/``
    nor ``.aimfp-project/``, and a project holding both, are reported (exit 2,
    naming where the tool looked) and raise ``CommandEnded``, whatever the
    command: nothing has been opened yet. Outside any project, the commands
    that need project databases report it themselves (``check``, ``up``).
    """
    places = find_places(project_dir, aifp_root, migrations_dir)
    problem = project_problem(places) if places.project_dir is not None else None
    if problem is not None:
        raise CommandEnded(console.show_run(RunReport((), problem), as_json))
    return Runtime(
        places,
        backup_progress=None if as_json else backup_progress_bar,
        work_progress=None if as_json else work_progress_bar(),
        keep_backups=keep_backups,
        confirm_losses=functools.partial(console.confirm_losses, yes=yes),
    )
