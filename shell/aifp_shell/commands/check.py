"""``check``: the status of the four databases, each opened read-only.

Each database is classified by the core's one status ladder
(``aifp_fp.status``), the same one ``scan`` uses.
"""

from __future__ import annotations

import sqlite3

from returns.result import Failure, Success

from aifp_fp.graph import MigrationSet
from aifp_fp.plan import plan_create, plan_up
from aifp_fp.status import Settled, settled, standing
from aifp_shell.commands.history import with_checksums
from aifp_shell.commands.migrate import Runtime
from aifp_shell.commands.reports import DatabaseStatus, PendingStep, StatusReport, pending_steps
from aifp_shell.files.locate import DATABASES, locate
from aifp_shell.files.sources import load_migration_set
from aifp_shell.schema.drift import drift_at
from aifp_shell.sqlite.database import connect, environment_problem, is_empty_file, read_version


def _check_one(name: str, runtime: Runtime) -> DatabaseStatus:
    location = locate(name, runtime.places)
    path = str(location.path) if location.path is not None else None
    loaded = load_migration_set(name, runtime.places.migrations_dir)
    if isinstance(loaded, Failure):
        exists = location.path is not None and location.path.exists()
        return DatabaseStatus(
            name,
            path,
            exists,
            None,
            None,
            (),
            "drift" if exists else "missing",
            differences=("its migration files cannot be used",),
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
    if is_empty_file(location.path):
        return DatabaseStatus(name, path, True, None, latest, (), "unversioned")
    try:
        conn = connect(location.path, write=False)
        try:
            version_text = read_version(conn).version
        finally:
            conn.close()
    except sqlite3.Error as error:
        return DatabaseStatus(
            name,
            path,
            True,
            None,
            latest,
            (),
            "unversioned",
            problem=environment_problem(name, location.path, error),
        )
    versions = frozenset(migration_set.versions())
    stands = standing(version_text, versions, migration_set.latest(), {str(v): v for v in versions})
    if isinstance(stands, Settled):
        return DatabaseStatus(
            name, path, True, version_text, latest, (), stands.status, stands.differences
        )
    version = stands.version
    planned = plan_up(migration_set, version)
    if isinstance(planned, Failure):
        return DatabaseStatus(
            name, path, True, version_text, latest, (), "pending", problem=planned.failure()
        )
    pending = pending_steps(planned.unwrap())
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


def check(runtime: Runtime) -> StatusReport:
    """Return the status of the four databases, opening each read-only."""
    databases = tuple(
        with_checksums(_check_one(name, runtime), runtime.places) for name in DATABASES
    )
    return StatusReport(databases)
