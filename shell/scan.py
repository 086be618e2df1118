"""``scan``: find every AIFP project under a folder, check them all read-only, migrate on request.

Files found by walking are untrusted: each database is opened read-only
(``file:...?mode=ro``) with ``PRAGMA trusted_schema=OFF``, and must pass
``PRAGMA quick_check`` before anything else is read from it. A project whose
databases are all healthy may then be migrated through the same safe path as
``up`` (``service.up``); the shared aifp_core is migrated once. One project's
failure never stops the others.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
from returns.result import Failure, Success

from aifp_fp.graph import MigrationSet
from aifp_fp.plan import Plan, plan_create, plan_up
from aifp_fp.version import Version, parse_version
from aifp_shell.database import (
    busy_timeout,
    environment_problem,
    is_empty_file,
    quick_check,
    read_version,
)
from aifp_shell.drift import drift_of
from aifp_shell.locate import CREATABLE, DATABASES, PROJECT_FOLDER, Places
from aifp_shell.messages import (
    EXIT_CHECK_FOUND_PROBLEM,
    EXIT_OK,
    EXIT_STEP_FAILED,
    message,
)
from aifp_shell.problems import Problem, Unreadable
from aifp_shell.reports import (
    DatabaseStatus,
    PendingStep,
    RunReport,
    StatusReport,
    run_json,
    status_json,
)
from aifp_shell.service import Runtime, up
from aifp_shell.sources import load_migration_set

SKIPPED_NAMES = frozenset({".git", "node_modules", ".venv"})
"""Folders never walked into: they never hold AIFP projects and can be huge."""

PROJECT_DATABASES = tuple(name for name in DATABASES if name != "aifp_core")

HEALTHY = frozenset({"up_to_date", "pending", "missing"})
"""Database statuses a project may be migrated from; any other leaves it untouched."""


@attrs.frozen(slots=True)
class SkippedFolder:
    """A folder the walk could not enter, and why."""

    path: str
    reason: str


@attrs.frozen(slots=True)
class Walk:
    """What walking a folder found: project folders, in path order, and folders skipped."""

    projects: tuple[Path, ...]
    skipped: tuple[SkippedFolder, ...]


def find_projects(root: Path) -> Walk:
    """Return every folder under ``root`` (itself included) that holds ``.aifp-project/``.

    Symbolic links to folders are never followed (so a link loop cannot trap
    the walk); ``.git``, ``node_modules`` and ``.venv`` are not entered; a
    folder that cannot be listed is reported in ``skipped`` and passed over.
    """
    projects: list[Path] = []
    skipped: list[SkippedFolder] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                children = []
                for entry in entries:
                    try:
                        is_folder = entry.is_dir(follow_symlinks=False)
                    except OSError:
                        continue
                    if not is_folder or entry.name in SKIPPED_NAMES:
                        continue
                    if entry.name == PROJECT_FOLDER:
                        projects.append(folder)
                        continue
                    children.append(Path(entry.path))
        except OSError as error:
            skipped.append(SkippedFolder(str(folder), error.strerror or str(error)))
            continue
        pending.extend(sorted(children, reverse=True))
    return Walk(tuple(sorted(projects)), tuple(skipped))


def _pending(plan: Plan) -> tuple[PendingStep, ...]:
    return tuple(
        PendingStep(
            None if step.from_version is None else str(step.from_version),
            str(step.to_version),
            step.source.display,
        )
        for step in plan.steps
    )


@functools.lru_cache(maxsize=256)
def _pending_from(
    migration_set: MigrationSet, version: Version
) -> tuple[PendingStep, ...] | Problem:
    """Return the steps up from ``version`` (or why there is no plan); a pure function, memoized
    because a scan asks it for thousands of databases at a handful of versions."""
    planned = plan_up(migration_set, version)
    if isinstance(planned, Failure):
        return planned.failure()
    return _pending(planned.unwrap())


def _open_untrusted(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        f"{path.absolute().as_uri()}?mode=ro",
        uri=True,
        isolation_level=None,
        timeout=busy_timeout(),
        check_same_thread=False,
    )
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn


def inspect_database(
    name: str, path: Path, migration_set: MigrationSet, creatable: bool
) -> DatabaseStatus:
    """Return a database's status, reading it as untrusted: read-only, quick_check first.

    Besides ``check``'s statuses, a database that fails ``quick_check`` or is
    not an SQLite file is ``corrupt``, and one that cannot be opened (no
    permission, I/O error, locked past the busy timeout) is ``unreadable``;
    both carry the problem.
    """
    latest = str(migration_set.latest())
    where = str(path)
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        pending: tuple[PendingStep, ...] = ()
        if creatable:
            created = plan_create(migration_set)
            if isinstance(created, Success):
                pending = _pending(created.unwrap())
        return DatabaseStatus(name, where, False, None, latest, pending, "missing")
    except OSError as error:
        problem = Unreadable(name, where, error.strerror or str(error))
        return DatabaseStatus(name, where, True, None, latest, (), "unreadable", problem=problem)
    if stat.S_ISDIR(mode):
        problem = Unreadable(name, where, "a folder, not a database file")
        return DatabaseStatus(name, where, True, None, latest, (), "corrupt", problem=problem)
    if is_empty_file(path):
        return DatabaseStatus(name, where, True, None, latest, (), "unversioned")
    try:
        conn = _open_untrusted(path)
        try:
            try:
                damage = quick_check(conn)
            except sqlite3.DatabaseError as error:
                if environment_problem(name, path, error).__class__ is not Unreadable:
                    raise
                damage = str(error)
            if damage is not None:
                problem = Unreadable(name, where, f"PRAGMA quick_check failed: {damage}")
                return DatabaseStatus(
                    name, where, True, None, latest, (), "corrupt", problem=problem
                )
            return _classify(name, path, conn, migration_set)
        finally:
            conn.close()
    except sqlite3.Error as error:
        found = environment_problem(name, path, error)
        status = "corrupt" if isinstance(found, Unreadable) else "unreadable"
        return DatabaseStatus(name, where, True, None, latest, (), status, problem=found)


def _classify(
    name: str, path: Path, conn: sqlite3.Connection, migration_set: MigrationSet
) -> DatabaseStatus:
    """Return the status of a readable database, as ``check`` defines the statuses."""
    latest, where = str(migration_set.latest()), str(path)
    text = read_version(conn).version
    if text is None:
        return DatabaseStatus(name, where, True, None, latest, (), "unversioned")
    version = parse_version(text).value_or(None)
    if version is None or version not in migration_set.versions():
        if version is not None and version > migration_set.latest():
            return DatabaseStatus(name, where, True, text, latest, (), "ahead")
        why = f"schema_version holds {text!r}, which is not a version the migration set knows"
        return DatabaseStatus(name, where, True, text, latest, (), "drift", differences=(why,))
    planned = _pending_from(migration_set, version)
    if not isinstance(planned, tuple):
        return DatabaseStatus(name, where, True, text, latest, (), "pending", problem=planned)
    pending = planned
    status = "pending" if pending else "up_to_date"
    drifted = drift_of(conn, migration_set, version)
    if isinstance(drifted, Failure):
        return DatabaseStatus(
            name, where, True, text, latest, pending, status, problem=drifted.failure()
        )
    differences = drifted.unwrap()
    if differences:
        return DatabaseStatus(name, where, True, text, latest, pending, "drift", differences)
    return DatabaseStatus(name, where, True, text, latest, pending, status)


@attrs.frozen(slots=True)
class ProjectScan:
    """One project: its databases as found, and what migrating it did (if it was migrated)."""

    path: str
    found: tuple[DatabaseStatus, ...]
    run: RunReport | None = None
    after: tuple[DatabaseStatus, ...] | None = None
    """The databases re-checked after a migration."""

    @property
    def databases(self) -> tuple[DatabaseStatus, ...]:
        """Return the databases as they are now: re-checked after a migration, else as found."""
        return self.after if self.after is not None else self.found

    @property
    def outcome(self) -> str:
        """Return ``failed``, ``drift``, ``migrated``, ``pending`` or ``up_to_date``."""
        if self.run is not None and self.run.problem is not None:
            return "failed"
        statuses = {db.status for db in self.databases}
        if any(db.problem is not None for db in self.databases) or statuses - HEALTHY - {"drift"}:
            return "failed"
        if "drift" in statuses:
            return "drift"
        if self.run is not None and any(db.status == "migrated" for db in self.run.databases):
            return "migrated"
        if any(db.pending for db in self.databases if db.exists):
            return "pending"
        return "up_to_date"

    def healthy(self) -> bool:
        """Return whether every database may be migrated (no damage, drift or doubt)."""
        return all(db.status in HEALTHY and db.problem is None for db in self.found)

    def needs_migration(self) -> bool:
        """Return whether a database has steps to run (an existing one, or one to create)."""
        return any(db.pending for db in self.found)


@attrs.frozen(slots=True)
class ScanReport:
    """What ``scan`` found under its root and, with ``--migrate``, what it did."""

    root: str
    core: ProjectScan
    """aifp_core, checked (and migrated) once; ``path`` is the AIFP root."""
    projects: tuple[ProjectScan, ...]
    skipped: tuple[SkippedFolder, ...]
    problem: Problem | None = None
    """A failure that stopped the whole scan (the migration set cannot be used)."""

    def summary(self) -> dict[str, Any]:
        """Return how many projects ended in each outcome, and how many databases were seen."""
        counts = dict.fromkeys(("up_to_date", "pending", "migrated", "failed", "drift"), 0)
        for project in self.projects:
            counts[project.outcome] += 1
        return {
            "projects": len(self.projects),
            "databases": sum(1 for p in self.projects for db in p.databases if db.exists),
            **counts,
            "core": self.core.outcome,
            "skipped_folders": len(self.skipped),
        }

    def exit_code(self) -> int:
        """Return 1 when anything failed, else 3 when anything drifted, else 0."""
        if self.problem is not None:
            return EXIT_STEP_FAILED
        outcomes = {p.outcome for p in (self.core, *self.projects)}
        if "failed" in outcomes:
            return EXIT_STEP_FAILED
        if "drift" in outcomes:
            return EXIT_CHECK_FOUND_PROBLEM
        return EXIT_OK


def _sets(migrations_dir: Path) -> dict[str, MigrationSet] | Problem:
    sets: dict[str, MigrationSet] = {}
    for name in DATABASES:
        loaded = load_migration_set(name, migrations_dir)
        if isinstance(loaded, Failure):
            return loaded.failure()
        sets[name] = loaded.unwrap()
    return sets


def check_project(project: Path, sets: dict[str, MigrationSet]) -> ProjectScan:
    """Return the status of a project's three databases, read as untrusted files."""
    folder = project / PROJECT_FOLDER
    return ProjectScan(
        str(project),
        tuple(
            inspect_database(name, folder / f"{name}.db", sets[name], name in CREATABLE)
            for name in PROJECT_DATABASES
        ),
    )


def _migrate(
    scanned: ProjectScan,
    names: tuple[str, ...],
    places: Places,
    recheck: Callable[[], tuple[DatabaseStatus, ...]],
) -> ProjectScan:
    if not scanned.healthy() or not scanned.needs_migration():
        return scanned
    run = up(Runtime(places), names, None, dry_run=False, explicit=False)
    return attrs.evolve(scanned, run=run, after=recheck())


Progress = Callable[[], None]
"""Called once per project finished (for a progress bar)."""


def scan(
    root: Path,
    *,
    aifp_root: Path,
    migrations_dir: Path,
    migrate: bool = False,
    jobs: int | None = None,
    progress: Callable[[int], Progress] | None = None,
) -> ScanReport:
    """Return what scanning ``root`` found and, with ``migrate``, what migrating did.

    Projects are checked (and migrated) in parallel by ``jobs`` threads
    (default: the number of CPUs). With ``migrate``, aifp_core is migrated
    first, once; then every healthy project with pending steps, each in its
    own ``up`` run, so one project's failure leaves the others going.
    ``progress`` is given the number of projects and returns a callback
    called as each finishes.
    """
    walk = find_projects(root)
    core_path = aifp_root / "aifp_core.db"
    loaded = _sets(migrations_dir)
    if not isinstance(loaded, dict):
        empty = ProjectScan(str(aifp_root), ())
        return ScanReport(str(root), empty, (), walk.skipped, loaded)
    sets = loaded

    def check_core() -> tuple[DatabaseStatus, ...]:
        return (inspect_database("aifp_core", core_path, sets["aifp_core"], creatable=False),)

    core = ProjectScan(str(aifp_root), check_core())
    if migrate:
        core = _migrate(core, ("aifp_core",), Places(aifp_root, None, migrations_dir), check_core)
    tick = progress(len(walk.projects)) if progress is not None else None

    def one(project: Path) -> ProjectScan:
        scanned = check_project(project, sets)
        if migrate:
            scanned = _migrate(
                scanned,
                PROJECT_DATABASES,
                Places(aifp_root, project, migrations_dir),
                lambda: check_project(project, sets).found,
            )
        if tick is not None:
            tick()
        return scanned

    workers = max(1, jobs or os.cpu_count() or 1)
    if workers == 1 or len(walk.projects) < 2:
        projects = tuple(one(project) for project in walk.projects)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            projects = tuple(pool.map(one, walk.projects))
    return ScanReport(str(root), core, projects, walk.skipped)


def _project_json(project: ProjectScan) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": project.path,
        "outcome": project.outcome,
        "databases": status_json(StatusReport(project.databases))["databases"],
    }
    if project.run is not None:
        entry["run"] = run_json(project.run)
    return entry


def scan_json(report: ScanReport) -> dict[str, Any]:
    """Return the ``scan --json`` document: projects, aifp_core, skipped folders, summary."""
    document: dict[str, Any] = {
        "root": report.root,
        "projects": [_project_json(project) for project in report.projects],
        "core": _project_json(report.core),
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
        "summary": report.summary(),
    }
    if report.problem is not None:
        document["error"] = {
            "kind": type(report.problem).__name__,
            "message": message(report.problem),
        }
    return document


def rows(report: ScanReport) -> Iterator[tuple[str, str, str, str, str]]:
    """Yield the table's rows: project, database, version, latest, status."""
    for project in (report.core, *report.projects):
        migrated = (
            {db.name for db in project.run.databases if db.status == "migrated"}
            if project.run is not None
            else set()
        )
        failed = project.run is not None and project.run.problem is not None
        for db in project.databases:
            status = db.status
            if db.name in migrated:
                status = "migrated"
            elif failed and db.status in HEALTHY:
                status = "failed"
            yield (project.path, db.name, db.version or "-", db.latest or "-", status)
