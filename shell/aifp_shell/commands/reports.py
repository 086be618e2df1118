"""What commands report: plain values, the same data as their ``--json`` output."""

from __future__ import annotations

from typing import Any

import attrs

from aifp_fp.checksums import ChecksumMismatch
from aifp_fp.files import ForwardStep
from aifp_fp.plan import Plan
from aifp_fp.status import Status
from aifp_fp.value import Value
from aifp_fp.version import parse_version
from aifp_shell.files.locate import SetInUse
from aifp_shell.messages import EXIT_CHECK_FOUND_PROBLEM, EXIT_OK, error_json, exit_code
from aifp_shell.problems import Problem
from aifp_shell.schema.drift import DatabaseDrift
from aifp_shell.sqlite.applied import AppliedStep

COMPUTED_PREFIX = "computed inverse of "
"""How a computed rollback's display name starts (``ComputedRollback.source``)."""


@attrs.frozen(slots=True, repr=False)
class PendingStep(Value):
    """A step that ``up`` would apply."""

    from_version: str | None
    to_version: str
    file: str


def pending_path(path: tuple[ForwardStep, ...]) -> tuple[PendingStep, ...]:
    """Return forward steps as a report lists them: from, to and the file's display name."""
    return tuple(
        PendingStep(str(step.from_version), str(step.to_version), step.source.display)
        for step in path
    )


def pending_steps(plan: Plan) -> tuple[PendingStep, ...]:
    """Return a plan's steps as a report lists them: from, to and the file's display name."""
    return tuple(
        PendingStep(
            None if step.from_version is None else str(step.from_version),
            str(step.to_version),
            step.source.display,
        )
        for step in plan.steps
    )


@attrs.frozen(slots=True, repr=False)
class DatabaseStatus(Value):
    """One database as ``check`` sees it."""

    name: str
    path: str | None
    exists: bool
    version: str | None
    latest: str | None
    pending: tuple[PendingStep, ...]
    status: Status
    """``up_to_date``, ``pending``, ``missing``, ``ahead``, ``unversioned``, ``drift`` or
    ``migrations_invalid`` (``scan`` adds ``corrupt`` and ``unreadable``): ``aifp_fp.status``."""
    differences: tuple[str, ...] = ()
    problem: Problem | None = None
    checksum_mismatches: tuple[ChecksumMismatch, ...] = ()
    """Applied files edited since (the status stays as computed; ``check`` exits 3)."""
    expected: str | None = None
    """For a project database: the version the installed aifp_core expects, if it says."""
    minimum: str | None = None
    """For a project database: the oldest version the installed aifp_core accepts, if it says."""
    ignored_files: tuple[str, ...] = ()
    """Files in its migrations folder that look meant as migrations but are not read
    (``v1.1_to_v1.2.SQL``, ``v1.1_to_v1.2.sql.bak``)."""

    def behind_core(self) -> bool:
        """Return whether the database is older than the version aifp_core expects."""
        if self.version is None or self.expected is None:
            return False
        have = parse_version(self.version).value_or(None)
        want = parse_version(self.expected).value_or(None)
        return have is not None and want is not None and have < want


@attrs.frozen(slots=True, repr=False)
class StatusReport(Value):
    """What ``check`` found, database by database; ``problem`` stops the whole command."""

    databases: tuple[DatabaseStatus, ...]
    problem: Problem | None = None
    migration_set: SetInUse | None = None
    """The migration set the databases were measured against (None: not known)."""
    strict: bool = False
    """``check --strict``: any database not ``up_to_date`` is a finding (exit 3)."""

    def not_current(self) -> tuple[DatabaseStatus, ...]:
        """Return the databases whose status is not ``up_to_date``, in order."""
        return tuple(db for db in self.databases if db.status != "up_to_date")

    def exit_code(self) -> int:
        """Return 2 for bad input; 3 for drift, an edited file, or (strict) a database not
        up to date; else 0."""
        problems = [self.problem] + [db.problem for db in self.databases]
        for problem in problems:
            if problem is not None:
                return exit_code(problem)
        if any(db.status == "drift" for db in self.databases):
            return EXIT_CHECK_FOUND_PROBLEM
        if any(db.checksum_mismatches for db in self.databases):
            return EXIT_CHECK_FOUND_PROBLEM
        if self.strict and self.not_current():
            return EXIT_CHECK_FOUND_PROBLEM
        return EXIT_OK


@attrs.frozen(slots=True, repr=False)
class DatabaseRun(Value):
    """What ``up`` or ``down`` did to one database."""

    name: str
    path: str | None
    from_version: str | None
    to_version: str | None
    applied: tuple[AppliedStep, ...]
    backup: str | None
    status: str
    """``migrated``, ``up_to_date``, ``dry_run``, ``failed`` or ``skipped``."""
    note: str | None = None
    """Why it was skipped (its ``reason``), or a remark on a migrated database."""
    problem: Problem | None = None


@attrs.frozen(slots=True, repr=False)
class RunReport(Value):
    """What ``up`` or ``down`` did; ``problem`` is the failure that stopped it, if any."""

    databases: tuple[DatabaseRun, ...]
    problem: Problem | None = None
    drift: tuple[DatabaseDrift, ...] = ()
    """Databases that had drifted when planned (``up`` warns and goes on)."""
    migration_set: SetInUse | None = None
    """The migration set the run used (None: not known)."""

    def exit_code(self) -> int:
        """Return the exit code of the failure that stopped the run, else 0."""
        return EXIT_OK if self.problem is None else exit_code(self.problem)


def _error(problem: Problem | None) -> dict[str, Any] | None:
    if problem is None:
        return None
    return error_json(problem)


def _with_set(document: dict[str, Any], in_use: SetInUse | None) -> dict[str, Any]:
    """Return ``document`` naming the migration set (``migration_set``: its folder) when it
    is not the one shipped with the tool; a run on the shipped set keeps SPEC.md's keys."""
    if in_use is not None and not in_use.shipped:
        document["migration_set"] = {"path": in_use.path, "shipped": False}
    return document


def status_json(report: StatusReport) -> dict[str, Any]:
    """Return the ``check --json`` document of SPEC.md."""
    document: dict[str, Any] = {"databases": [database_json(db) for db in report.databases]}
    if report.strict:
        document["not_up_to_date"] = [db.name for db in report.not_current()]
    if report.problem is not None:
        document["error"] = _error(report.problem)
    return _with_set(document, report.migration_set)


def database_json(db: DatabaseStatus) -> dict[str, Any]:
    """Return one database's entry of the ``check --json`` document (``scan`` lists them too)."""
    entry: dict[str, Any] = {
        "name": db.name,
        "path": db.path,
        "exists": db.exists,
        "version": db.version,
        "latest": db.latest,
        "pending": [
            {"from": step.from_version, "to": step.to_version, "file": step.file}
            for step in db.pending
        ],
        "status": db.status,
    }
    if db.name != "aifp_core":
        entry["expected"] = db.expected
    if db.differences:
        entry["differences"] = list(db.differences)
    if db.checksum_mismatches:
        entry["checksum_mismatches"] = [
            {"file": item.display, "recorded": item.recorded, "current": item.current}
            for item in db.checksum_mismatches
        ]
    if db.ignored_files:
        entry["ignored_files"] = list(db.ignored_files)
    if db.problem is not None:
        entry["error"] = _error(db.problem)
    return entry


def applied_json(step: AppliedStep, *, sql: bool = False) -> dict[str, Any]:
    """Return one applied step as JSON; ``losses`` names the data it destroys.

    In a dry run, a computed rollback (or, with ``sql``, every step) also carries
    every statement it would run under ``sql``.
    """
    entry: dict[str, Any] = {
        "direction": step.direction,
        "from": step.from_version,
        "to": step.to_version,
        "file": step.file,
        "skipped": list(step.skipped),
        "losses": list(step.losses),
    }
    if step.sql is not None and (sql or step.file.startswith(COMPUTED_PREFIX)):
        entry["sql"] = step.sql
    return entry


def run_json(report: RunReport, *, sql: bool = False) -> dict[str, Any]:
    """Return the ``up --json`` / ``down --json`` document of SPEC.md (``sql``: each step's
    statements, for ``--dry-run --sql``)."""
    databases = []
    for db in report.databases:
        entry: dict[str, Any] = {
            "name": db.name,
            "path": db.path,
            "from": db.from_version,
            "to": db.to_version,
            "applied": [applied_json(step, sql=sql) for step in db.applied],
            "backup": db.backup,
            "status": db.status,
        }
        if db.note:
            entry["reason" if db.status == "skipped" else "note"] = db.note
        drifted = [d.differences for d in report.drift if d.database == db.name]
        if drifted:
            entry["drift"] = list(drifted[0])
        if db.problem is not None:
            entry["error"] = _error(db.problem)
        databases.append(entry)
    document: dict[str, Any] = {"databases": databases}
    if report.problem is not None:
        document["error"] = _error(report.problem)
    return _with_set(document, report.migration_set)
