"""``check``: the status of the four databases, each opened read-only.

Each database is classified by the core's one status ladder
(``aifp_fp.status``), the same one ``scan`` uses.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.graph import MigrationSet
from aifp_fp.plan import Plan, path_up, plan_create
from aifp_fp.status import Settled, settled, standing
from aifp_shell.commands.history import with_checksums
from aifp_shell.commands.reports import (
    DatabaseStatus,
    PendingStep,
    StatusReport,
    pending_path,
    pending_steps,
)
from aifp_shell.commands.runtime import Runtime
from aifp_shell.files.locate import DATABASES, locate, project_problem, set_in_use
from aifp_shell.files.sources import ignored_files, load_migration_set
from aifp_shell.problems import Problem
from aifp_shell.schema.core_expects import read_expectations
from aifp_shell.schema.drift import drift_at, with_alignment
from aifp_shell.sqlite.database import connect, environment_problem, is_empty_file, read_version


def _own_version(name: str, path: Path | None) -> tuple[str | None, Problem | None]:
    """Return the version a database records (None: missing, empty or none), or why unreadable."""
    if path is None or not path.exists() or is_empty_file(path):
        return None, None
    try:
        conn = connect(path, write=False)
        try:
            return read_version(conn).version, None
        finally:
            conn.close()
    except sqlite3.Error as error:
        return None, environment_problem(name, path, error)


def _check_one(
    name: str, runtime: Runtime, loaded: Result[MigrationSet, Problem]
) -> DatabaseStatus:
    location = locate(name, runtime.places)
    path = str(location.path) if location.path is not None else None
    if isinstance(loaded, Failure):  # the set is at fault, not the database: show its own version
        own, _ = _own_version(name, location.path)
        return DatabaseStatus(
            name,
            path,
            location.path is not None and location.path.exists(),
            own,
            None,
            (),
            "migrations_invalid",
            problem=loaded.failure(),
        )
    migration_set: MigrationSet = loaded.unwrap()
    latest = str(migration_set.latest())
    if location.path is None or not location.path.exists():
        pending: tuple[PendingStep, ...] = ()
        if location.creatable:
            created = plan_create(migration_set)
            if isinstance(created, Success):
                pending = pending_steps(created.unwrap())
        return DatabaseStatus(name, path, False, None, latest, pending, "missing")
    version_text, unreadable = _own_version(name, location.path)
    if unreadable is not None:
        return DatabaseStatus(name, path, True, None, latest, (), "unversioned", problem=unreadable)
    versions = frozenset(migration_set.versions())
    stands = standing(version_text, versions, migration_set.latest(), {str(v): v for v in versions})
    if isinstance(stands, Settled):
        return DatabaseStatus(
            name, path, True, version_text, latest, (), stands.status, stands.differences
        )
    version = stands.version
    planned = path_up(migration_set, version)
    if isinstance(planned, Failure):
        return DatabaseStatus(
            name, path, True, version_text, latest, (), "pending", problem=planned.failure()
        )
    pending = pending_path(planned.unwrap())
    if not pending:  # an earlier published shape of the version still has a step to take
        try:
            conn = connect(location.path, write=False)
            try:
                empty = Plan(migration_set.database, version, version, ())
                pending = pending_steps(with_alignment(conn, migration_set, empty).value_or(empty))
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # the drift check below reports an unreadable database
    drifted = drift_at(name, location.path, migration_set, version)
    if isinstance(drifted, Failure):
        status = settled(bool(pending), drifted=False)
        return DatabaseStatus(
            name, path, True, version_text, latest, pending, status, problem=drifted.failure()
        )
    found = drifted.unwrap()
    differences = () if found is None else found.differences
    status = settled(bool(pending), drifted=found is not None)
    return DatabaseStatus(name, path, True, version_text, latest, pending, status, differences)


def check(runtime: Runtime, *, strict: bool = False) -> StatusReport:
    """Return the status of the four databases, opening each read-only.

    Outside any project (or at a project folder that cannot be used) the report
    holds no database and the problem that names where the tool looked.
    With ``strict`` the report's exit code is 3 unless every database is ``up_to_date``.

    Each project database carries the version the installed aifp_core expects
    of it (``expected_schema_versions``, aifp_core 2.1 and later), if it says.
    """
    in_use = set_in_use(runtime.places)
    no_project = project_problem(runtime.places)
    if no_project is not None:  # three of the four databases live in a project
        return StatusReport((), no_project, in_use)
    core = locate("aifp_core", runtime.places).path
    expectations = read_expectations(core) if core is not None else {}
    databases = []
    shown = runtime.work_progress
    for done, name in enumerate(DATABASES):
        if shown is not None:
            shown.stage(f"checking {name}", done, None)
        loaded = load_migration_set(name, runtime.places.migrations_dir)  # read once, used twice
        status = with_checksums(_check_one(name, runtime, loaded), loaded.value_or(None))
        ignored = ignored_files(name, runtime.places.migrations_dir)
        if ignored:
            status = attrs.evolve(status, ignored_files=ignored)
        expectation = expectations.get(name) if name != "aifp_core" else None
        if expectation is not None:
            status = attrs.evolve(
                status, expected=expectation.expected, minimum=expectation.minimum
            )
        databases.append(status)
    if shown is not None:
        shown.close()
    return StatusReport(tuple(databases), migration_set=in_use, strict=strict)
