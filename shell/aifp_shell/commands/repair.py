"""``repair``: accept applied files that were edited on purpose, as Flyway's ``repair`` does.

For each run still in effect whose file no longer matches what
``schema_history`` recorded (``aifp_fp.checksums.repairs_needed``), one row
with direction ``repair`` is added: the same step, the file, its new SHA-256
and meaning checksum. Earlier rows are never changed or deleted. The write
takes the same path as ``up``: ``BEGIN IMMEDIATE`` (the check is made again
under the lock), pre-flight, ``quick_check``, a backup, the rows,
``whole_checks``, ``COMMIT``; any failure rolls back and removes the backup.
With nothing to repair nothing is written and no backup is made.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import attrs
from returns.result import Failure

from aifp_fp.checksums import CurrentFile, Repair, current_files, repairs_needed
from aifp_fp.errors import UnknownDatabase
from aifp_fp.value import Value
from aifp_shell.commands.history import edited_files, read_history
from aifp_shell.commands.runtime import Runtime, utc_now_text
from aifp_shell.files.backup import make_backup
from aifp_shell.files.locate import DATABASES, locate
from aifp_shell.files.preflight import preflight
from aifp_shell.files.retention import prune_backups
from aifp_shell.files.safe_io import discard
from aifp_shell.files.sources import load_migration_set
from aifp_shell.messages import error_json
from aifp_shell.problems import DatabaseMissing, Problem, Unreadable
from aifp_shell.sqlite.database import connect, environment_problem, quick_check
from aifp_shell.sqlite.history_table import insert_history_row
from aifp_shell.sqlite.transaction import abandon, begin_write, whole_checks


@attrs.frozen(slots=True, repr=False)
class RepairReport(Value):
    """What ``repair`` recorded for one database; ``problem`` when it could not."""

    database: str
    path: str | None
    repaired: tuple[Repair, ...] = ()
    backup: str | None = None
    problem: Problem | None = None


def repair(runtime: Runtime, name: str) -> RepairReport:
    """Return the runs ``repair`` re-recorded with their files' current checksums, or why not."""
    if name not in DATABASES:
        return RepairReport(name, None, problem=UnknownDatabase(name, DATABASES))
    location = locate(name, runtime.places)
    path = location.path
    if path is None or not path.exists():
        where = str(path) if path is not None else "(no project)"
        missing = DatabaseMissing(name, where, location.why_missing)
        return RepairReport(name, None if path is None else str(path), problem=missing)
    loaded = load_migration_set(name, runtime.places.migrations_dir)
    if isinstance(loaded, Failure):
        return RepairReport(name, str(path), problem=loaded.failure())
    migration_set = loaded.unwrap()
    if not edited_files(path, migration_set):  # read-only: nothing to do, nothing locked
        return RepairReport(name, str(path))
    return _record_repairs(runtime, name, path, current_files(migration_set))


def _record_repairs(
    runtime: Runtime, name: str, path: Path, files: tuple[CurrentFile, ...]
) -> RepairReport:
    try:
        conn = connect(path, write=True)
    except sqlite3.Error as error:
        return RepairReport(name, str(path), problem=environment_problem(name, path, error))
    backup: Path | None = None

    def fail(problem: Problem) -> RepairReport:
        abandon(conn)
        if backup is not None:
            discard(backup)
        return RepairReport(name, str(path), problem=problem)

    try:
        problem = begin_write(conn, name, path)
        if problem is not None:
            return fail(problem)
        found = repairs_needed(read_history(conn), files)  # again, under the lock
        if not found:
            abandon(conn)
            return RepairReport(name, str(path))
        blocked = preflight(name, path)
        if blocked is not None:
            return fail(blocked)
        damage = quick_check(conn)
        if damage is not None:
            return fail(Unreadable(name, str(path), damage))
        progress = runtime.backup_progress(name) if runtime.backup_progress else None
        made = make_backup(name, path, runtime.clock(), progress)
        if isinstance(made, Failure):
            return fail(made.failure())
        backup = made.unwrap()
        applied_at = utc_now_text(runtime)
        for item in found:
            insert_history_row(
                conn,
                "repair",
                item.row.from_version,
                item.row.to_version,
                item.row.file,
                (item.current.sha256, item.current.statements_sha256()),
                applied_at,
            )
        problem = whole_checks(conn, name, path, backup)
        if problem is not None:
            return fail(problem)
        conn.execute("COMMIT")
        conn.close()
    except sqlite3.Error as error:
        return fail(environment_problem(name, path, error))
    prune_backups(path, runtime.keep_backups)
    return RepairReport(name, str(path), found, str(backup))


def repair_json(report: RepairReport) -> dict[str, Any]:
    """Return the ``repair --json`` document: the database, the runs re-recorded, the backup."""
    document: dict[str, Any] = {
        "database": report.database,
        "path": report.path,
        "repaired": [
            {
                "file": item.current.display,
                "from": item.row.from_version,
                "to": item.row.to_version,
                "recorded": item.row.sha256,
                "now": item.current.sha256,
            }
            for item in report.repaired
        ],
        "backup": report.backup,
    }
    if report.problem is not None:
        document["error"] = error_json(report.problem)
    return document
