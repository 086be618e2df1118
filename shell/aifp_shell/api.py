"""The embedding API: what AIFP's own tools call instead of running ``aifp-migrate``.

``status``, ``migrate`` and ``ensure_current`` return the same report values
that ``check --json`` and ``up --json`` print. They never print, never exit
the process and never raise for an expected failure (a pending migration, a
locked or corrupt database, drift): each is a value in the report. Every call
builds its own ``Runtime`` (nothing is kept between calls), so threads may
call them at once; processes may too, because every write runs under SQLite's
``BEGIN IMMEDIATE`` lock and re-reads the version under it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import attrs

from aifp_fp.value import Value
from aifp_shell.commands.check import check
from aifp_shell.commands.migrate import up
from aifp_shell.commands.reports import RunReport, StatusReport, run_json, status_json
from aifp_shell.commands.runtime import Runtime, losses_runtime
from aifp_shell.files.locate import DATABASES, Places, find_places
from aifp_shell.messages import EXIT_CHECK_FOUND_PROBLEM, EXIT_OK, error_json
from aifp_shell.problems import Environment, Problem

PathArg = str | os.PathLike[str] | None
"""A folder given by the caller: text, a ``Path``, or None for the usual default."""

_Report = TypeVar("_Report", StatusReport, RunReport)


@attrs.frozen(slots=True, repr=False)
class EnsureReport(Value):
    """What ``ensure_current`` found, what it did, and where the databases ended.

    ``found`` is the status before anything ran; ``run`` is the migration it
    started (None when nothing was pending); ``now`` is the status afterwards
    (``found`` itself when nothing ran).
    """

    found: StatusReport
    run: RunReport | None
    now: StatusReport

    @property
    def migrated(self) -> bool:
        """Return whether a database was migrated (or created) by this call."""
        return self.run is not None and any(db.status == "migrated" for db in self.run.databases)

    @property
    def backups(self) -> tuple[str, ...]:
        """Return the backups this call made, one per migrated existing database."""
        if self.run is None:
            return ()
        return tuple(db.backup for db in self.run.databases if db.backup is not None)

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Return every failure found or met: the run's, then the final status's."""
        found: list[Problem] = []
        if self.run is not None and self.run.problem is not None:
            found.append(self.run.problem)
        for problem in (self.now.problem, *(db.problem for db in self.now.databases)):
            if problem is not None and problem not in found:
                found.append(problem)
        return tuple(found)

    @property
    def drifted(self) -> tuple[str, ...]:
        """Return the databases whose live structure differs from their version's."""
        return tuple(db.name for db in self.now.databases if db.status == "drift")

    @property
    def ok(self) -> bool:
        """Return whether every database that exists is now up to date and nothing failed."""
        return not self.problems and all(
            db.status in ("up_to_date", "missing") and not db.pending for db in self.now.databases
        )

    def exit_code(self) -> int:
        """Return the exit code a command would give: the run's failure, else the status's."""
        if self.run is not None and self.run.problem is not None:
            return self.run.exit_code()
        code = self.now.exit_code()
        if code == EXIT_OK and self.drifted:
            return EXIT_CHECK_FOUND_PROBLEM
        return code


def ensure_json(report: EnsureReport) -> dict[str, Any]:
    """Return ``report`` as one JSON document: the ``check``/``up`` documents it is made of."""

    return {
        "found": status_json(report.found),
        "migrated": report.migrated,
        "run": None if report.run is None else run_json(report.run),
        "now": status_json(report.now),
        "backups": list(report.backups),
        "drifted": list(report.drifted),
        "problems": [error_json(problem) for problem in report.problems],
        "ok": report.ok,
    }


def _path(value: PathArg) -> Path | None:
    return None if value is None else Path(value)


def _places(project_dir: PathArg, aifp_root: PathArg, migrations_dir: PathArg) -> Places:
    return find_places(_path(project_dir), _path(aifp_root), _path(migrations_dir))


def _guarded(
    call: Callable[[], _Report], on_error: Callable[[Problem], _Report], where: str
) -> _Report:
    """Return ``call()``, or a report of the machine's failure (a folder that cannot be read)."""
    try:
        return call()
    except (OSError, sqlite3.Error) as error:
        detail = getattr(error, "strerror", None) or str(error)
        return on_error(Environment("(installation)", where, "io", detail))


def status(
    *, project_dir: PathArg = None, aifp_root: PathArg = None, migrations_dir: PathArg = None
) -> StatusReport:
    """Return the status of the four databases (``check``), opening each read-only.

    ``project_dir`` defaults to the nearest folder at or above the working
    directory that holds ``.aifp-project/``; ``aifp_root`` to ``$AIFP_ROOT``,
    else ``~/.aifp``; ``migrations_dir`` to the migration set shipped with the tool.
    """
    return _status_at(_places(project_dir, aifp_root, migrations_dir))


def _status_at(places: Places) -> StatusReport:
    return _guarded(
        lambda: check(Runtime(places)),
        lambda problem: StatusReport((), problem),
        str(places.aifp_root),
    )


def migrate(
    *,
    databases: Iterable[str] | None = None,
    target: str | None = None,
    dry_run: bool = False,
    accept_losses: bool = False,
    project_dir: PathArg = None,
    aifp_root: PathArg = None,
    migrations_dir: PathArg = None,
) -> RunReport:
    """Return what migrating the databases up to ``target`` (default: latest) did (``up``).

    ``databases`` defaults to all four (a missing one is then skipped, and a
    missing user_preferences.db or user_directives.db is created); naming
    databases makes a missing one a failure. A ``target`` is one database's
    version: give it with one database. Every database is backed up before its
    first write; all commit together or none do. ``dry_run`` changes nothing.
    A run whose steps lose data (each step's ``losses``) is refused
    (``LossesNotConfirmed``, nothing changed) unless ``accept_losses``.
    """
    places = _places(project_dir, aifp_root, migrations_dir)
    names = DATABASES if databases is None else tuple(databases)
    return _guarded(
        lambda: up(
            losses_runtime(places, accept_losses),
            names,
            target,
            dry_run=dry_run,
            explicit=databases is not None,
        ),
        lambda problem: RunReport((), problem),
        str(places.aifp_root),
    )


def _needs_run(report: StatusReport) -> tuple[str, ...]:
    return tuple(
        db.name
        for db in report.databases
        if db.pending and db.problem is None and db.status in ("pending", "missing", "drift")
    )


def ensure_current(
    *,
    accept_losses: bool = False,
    project_dir: PathArg = None,
    aifp_root: PathArg = None,
    migrations_dir: PathArg = None,
) -> EnsureReport:
    """Return what bringing an installation up to date did: check; if pending, back up, migrate.

    What an AIFP tool calls at start-up. Databases with pending steps are
    migrated (each backed up first) as ``up`` would; a drifted database with
    pending steps is migrated too, with its drift in the report (as ``up``
    warns and goes on). A database that cannot be used (locked, corrupt,
    unversioned, ahead of the tool) is left untouched and named in
    ``problems``. When nothing is pending, nothing is opened for writing.
    Pending steps that lose data are refused (nothing changed) unless ``accept_losses``.
    """
    places = _places(project_dir, aifp_root, migrations_dir)
    found = _status_at(places)
    pending = _needs_run(found)
    if not pending or found.problem is not None:
        return EnsureReport(found, None, found)
    run = _guarded(
        lambda: up(
            losses_runtime(places, accept_losses), pending, None, dry_run=False, explicit=False
        ),
        lambda problem: RunReport((), problem),
        str(places.aifp_root),
    )
    now = _status_at(places)
    return EnsureReport(found, run, now)
