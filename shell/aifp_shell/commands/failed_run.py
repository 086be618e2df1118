"""A database's run that failed: its report entry, and the exception that stops a run with it.

``up``, ``down`` and their backup raise ``Abort(failed(...))`` where a database
cannot go on; ``commands/migrate.py`` catches it, rolls every database back and
reports the entry it carries.
"""

from __future__ import annotations

from pathlib import Path

from aifp_fp.version import Version
from aifp_shell.commands.reports import DatabaseRun
from aifp_shell.problems import Problem


class Abort(Exception):
    """Stops a run: carries the report entry of the database that failed."""

    def __init__(self, run: DatabaseRun) -> None:
        super().__init__(run.name)
        self.run = run


def failed(
    name: str, path: Path | None, problem: Problem, start: Version | None = None
) -> DatabaseRun:
    """Return the report entry of database ``name`` (at ``path``, from ``start``) whose run
    failed with ``problem``: nothing applied."""
    return DatabaseRun(
        name,
        None if path is None else str(path),
        None if start is None else str(start),
        None,
        (),
        None,
        "failed",
        problem=problem,
    )
