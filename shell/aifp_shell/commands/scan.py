"""``scan``: find every AIFP project under a folder, check them all read-only, migrate on request.

Files found by walking are untrusted: each database is opened read-only
(``file:...?mode=ro``) with ``PRAGMA trusted_schema=OFF``, and must pass
``PRAGMA quick_check`` before anything else is read from it. A project whose
databases are all healthy may then be migrated through the same safe path as
``up`` (``service.up``); the shared aifp_core is migrated once. One project's
failure never stops the others.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import attrs
from returns.result import Failure, Success

from aifp_fp.graph import MigrationSet
from aifp_fp.plan import path_up, plan_create
from aifp_fp.status import HEALTHY, Settled, Status, settled, standing
from aifp_fp.value import Value
from aifp_fp.version import Version
from aifp_shell.commands.forked import ForkedWorkers
from aifp_shell.commands.reports import (
    DatabaseStatus,
    PendingStep,
    RunReport,
    database_json,
    pending_path,
    pending_steps,
    run_json,
)
from aifp_shell.files.locate import CREATABLE, DATABASES, PROJECT_FOLDERS, Places, core_path
from aifp_shell.files.sources import load_migration_set
from aifp_shell.messages import (
    EXIT_CHECK_FOUND_PROBLEM,
    EXIT_OK,
    EXIT_STEP_FAILED,
    error_json,
)
from aifp_shell.problems import Interrupted, Problem, ScanInterrupted, Unreadable
from aifp_shell.schema.attached_catalog import AttachedCatalogs
from aifp_shell.schema.drift import drift_of
from aifp_shell.schema.drift_cache import (
    Catalog,
    CatalogRead,
    catalog_and_version,
    catalog_from,
    catalog_of,
)
from aifp_shell.sqlite.database import (
    connect,
    environment_problem,
    is_empty_file,
    quick_check,
    read_version_listed,
)
from aifp_shell.sqlite.interrupt import Interrupt, interruptible

SKIPPED_NAMES = frozenset({".git", "node_modules", ".venv"})
"""Folders never walked into: they never hold AIFP projects and can be huge."""

PROJECT_DATABASES = tuple(name for name in DATABASES if name != "aifp_core")

"""Database statuses a project may be migrated from; any other leaves it untouched."""


@attrs.frozen(slots=True, repr=False)
class SkippedFolder(Value):
    """A folder the walk could not enter, and why."""

    path: str
    reason: str


@attrs.frozen(slots=True, repr=False)
class Walk(Value):
    """What walking a folder found: project folders, in path order, and folders skipped."""

    projects: tuple[Path, ...]
    skipped: tuple[SkippedFolder, ...]


def find_projects(root: Path) -> Walk:
    """Return every folder under ``root`` (itself included) holding ``.aifp-project/`` or AIMFP's.

    Symbolic links to folders are never followed (so a link loop cannot trap
    the walk); ``.git``, ``node_modules`` and ``.venv`` are not entered; a
    folder that cannot be listed is reported in ``skipped`` and passed over.
    """
    # Folders are plain strings while walking: a Path per folder, and sorting Paths, was most
    # of a walk over 1,000 projects.
    projects: set[str] = set()
    skipped: list[SkippedFolder] = []
    pending = [os.fspath(root)]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                children: list[tuple[str, str]] = []
                for entry in entries:
                    try:
                        is_folder = entry.is_dir(follow_symlinks=False)
                    except OSError:
                        continue
                    if not is_folder or entry.name in SKIPPED_NAMES:
                        continue
                    if entry.name in PROJECT_FOLDERS:
                        projects.add(folder)
                        continue
                    children.append((entry.name, entry.path))
        except OSError as error:
            skipped.append(SkippedFolder(str(Path(folder)), error.strerror or str(error)))
            continue
        pending.extend(path for _, path in sorted(children, reverse=True))  # in name order
    return Walk(tuple(sorted(map(Path, projects))), tuple(skipped))


Classified = tuple[
    str | None, str, tuple[PendingStep, ...], Status, tuple[str, ...], Problem | None
]
"""What ``_classify`` finds a readable database to be: the fields of its ``DatabaseStatus``
from ``version`` to ``problem`` (version, latest, pending, status, differences, problem)."""


READ_BEFORE_KEPT = 64
"""Distinct catalog-and-version reads a ``KnownSet`` remembers (a scan meets a handful)."""


@attrs.frozen(slots=True, repr=False)
class KnownSet(Value):
    """One database's migration set, with what a scan asks of it for every file worked out once.

    A scan classifies thousands of databases that sit at a handful of versions:
    the latest version and the versions the set names are read here, and the
    steps pending from a version are planned the first time it is met.
    """

    migration_set: MigrationSet
    latest: str
    versions: frozenset[Version]
    by_text: dict[str, Version]
    """Each version the set names, by its usual spelling (``"1.0"``)."""
    _planned: dict[Version | None, tuple[PendingStep, ...] | Problem] = attrs.field(
        factory=dict, eq=False, repr=False
    )
    _last: list[tuple[CatalogRead, Classified]] = attrs.field(factory=list, eq=False, repr=False)
    """The last database classified or recognised: what was read of it, and what it is."""
    _before: dict[tuple[tuple[type, str], tuple[tuple[object, ...], ...]], Classified] = (
        attrs.field(factory=dict, eq=False, repr=False)
    )
    """What each database classified so far reads as, and what it was found to be (at most
    ``READ_BEFORE_KEPT`` of them)."""

    def as_read_before(self, read: CatalogRead) -> Classified | None:
        """Return what a database classified before was found to be, if it read as ``read``.

        The catalog and the version decide a database's status (the drift cache rests on
        the same fact), and most databases of a scan share both with one met before: the
        answer is reused without sorting, digesting or planning again. The last one is
        compared first, row by row; any other earlier one is looked up by the rows.
        """
        version = _version_text(read)
        last = self._last[:]  # one look: another thread may note a read meanwhile
        if last and last[0][0] == read and _version_text(last[0][0]) == version:
            return last[0][1]
        found = self._before.get((version, tuple(read[0])))
        if found is not None:
            self._last[:] = [(read, found)]
        return found

    def note_read(self, read: CatalogRead, classified: Classified) -> None:
        """Remember ``classified`` as what a database that reads as ``read`` is."""
        self._last[:] = [(read, classified)]
        if len(self._before) >= READ_BEFORE_KEPT:
            self._before.clear()  # a tree of that many shapes: start again rather than grow
        self._before[(_version_text(read), tuple(read[0]))] = classified

    def pending(self, version: Version) -> tuple[PendingStep, ...] | Problem:
        """Return the steps up from ``version`` to the latest, or why there is no plan."""
        if version not in self._planned:
            planned = path_up(self.migration_set, version)
            self._planned[version] = (
                pending_path(planned.unwrap())
                if isinstance(planned, Success)
                else planned.failure()
            )
        return self._planned[version]

    def created(self) -> tuple[PendingStep, ...]:
        """Return the steps that would create the database from nothing (none: no plan)."""
        if None not in self._planned:
            planned = plan_create(self.migration_set)
            created = planned.unwrap() if isinstance(planned, Success) else None
            self._planned[None] = () if created is None else pending_steps(created)
        found = self._planned[None]
        return found if isinstance(found, tuple) else ()


def _version_text(read: CatalogRead) -> tuple[type, str]:
    # Python's == takes the integer 1 for the real 1.0 and -0.0 for 0.0, whose texts are the
    # version reported: a schema_version.version without TEXT affinity may hold any of them.
    # (sqlite_master's columns are TEXT: SQLite stores no number there, and text never equals
    # bytes.)
    value = read[1]
    return type(value), str(value)


def know(migration_set: MigrationSet) -> KnownSet:
    """Return ``migration_set`` with its latest version and versions worked out."""
    versions = migration_set.versions()
    return KnownSet(
        migration_set,
        str(versions[-1]),
        frozenset(versions),
        {str(version): version for version in versions},
    )


def inspect_database(
    name: str,
    path: str,
    known: KnownSet,
    creatable: bool,
    catalogs: AttachedCatalogs | None = None,
) -> DatabaseStatus:
    """Return a database's status, reading it as untrusted: read-only, quick_check first.

    Besides ``check``'s statuses, a database that fails ``quick_check`` or is
    not an SQLite file is ``corrupt``, and one that cannot be opened (no
    permission, I/O error, locked past the busy timeout) is ``unreadable``;
    both carry the problem. With ``catalogs``, a file that reads exactly as a
    database of its kind classified before is read there (one connection for
    all) and takes that database's answer; any other is opened and read on its
    own.
    """
    latest = known.latest
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        pending = known.created() if creatable else ()
        return DatabaseStatus(name, path, False, None, latest, pending, "missing")
    except OSError as error:
        problem = Unreadable(name, path, error.strerror or str(error))
        return DatabaseStatus(name, path, True, None, latest, (), "unreadable", problem=problem)
    if stat.S_ISDIR(found.st_mode):
        problem = Unreadable(name, path, "a folder, not a database file")
        return DatabaseStatus(name, path, True, None, latest, (), "corrupt", problem=problem)
    if found.st_size == 0 if stat.S_ISREG(found.st_mode) else is_empty_file(Path(path)):
        return DatabaseStatus(name, path, True, None, latest, (), "unversioned")
    read = catalogs.read(path) if catalogs is not None else None
    same = known.as_read_before(read) if read is not None else None
    if same is not None:
        return DatabaseStatus(name, path, True, *same)
    try:
        conn = connect(Path(path), write=False, trusted=False)
        try:
            # One read transaction: the shared lock is taken once, not per statement.
            conn.execute("BEGIN")
            try:
                damage = quick_check(conn)
            except sqlite3.DatabaseError as error:
                if environment_problem(name, Path(path), error).__class__ is not Unreadable:
                    raise
                damage = str(error)
            if damage is not None:
                problem = Unreadable(name, path, f"PRAGMA quick_check failed: {damage}")
                return DatabaseStatus(
                    name, path, True, None, latest, (), "corrupt", problem=problem
                )
            return _classify(name, path, conn, known)
        finally:
            conn.close()
    except sqlite3.Error as error:
        failed = environment_problem(name, Path(path), error)
        status: Status = "corrupt" if isinstance(failed, Unreadable) else "unreadable"
        return DatabaseStatus(name, path, True, None, latest, (), status, problem=failed)


def _classify(name: str, where: str, conn: sqlite3.Connection, known: KnownSet) -> DatabaseStatus:
    """Return the status of a readable database, as ``check`` defines the statuses."""
    read = catalog_and_version(conn)  # the usual shape, in the read transaction begun above
    found = known.as_read_before(read) if read is not None else None
    if found is None:
        if read is None:
            catalog = catalog_of(conn)
            text = read_version_listed(conn, catalog).version
        else:
            catalog, listed = catalog_from(read)
            text = read_version_listed(conn, catalog, (listed,)).version
        found = _classified(text, conn, known, catalog)
        if read is not None:
            known.note_read(read, found)
    return DatabaseStatus(name, where, True, *found)


def _classified(
    text: str | None, conn: sqlite3.Connection, known: KnownSet, catalog: Catalog
) -> Classified:
    latest = known.latest
    stands = standing(text, known.versions, known.by_text[latest], known.by_text)
    if isinstance(stands, Settled):
        return (text, latest, (), stands.status, stands.differences, None)
    version = stands.version
    planned = known.pending(version)
    if not isinstance(planned, tuple):
        return (text, latest, (), "pending", (), planned)
    pending = planned
    drifted = drift_of(conn, known.migration_set, version, catalog)
    if isinstance(drifted, Failure):
        return (text, latest, pending, settled(bool(pending), drifted=False), (), drifted.failure())
    differences = drifted.unwrap()
    return (
        text,
        latest,
        pending,
        settled(bool(pending), drifted=bool(differences)),
        differences,
        None,
    )


@attrs.frozen(slots=True, repr=False)
class ProjectScan(Value):
    """One project: its databases as found, and what migrating it did (if it was migrated)."""

    path: str
    found: tuple[DatabaseStatus, ...]
    run: RunReport | None = None
    after: tuple[DatabaseStatus, ...] | None = None
    """The databases re-checked after a migration."""
    outcome: str = attrs.field(init=False, eq=False, repr=False)
    """``failed``, ``drift``, ``migrated``, ``pending`` or ``up_to_date``: worked out once, as
    the project is made (in the worker that checked it), and read by the summary, the exit
    code and the report."""

    @property
    def databases(self) -> tuple[DatabaseStatus, ...]:
        """Return the databases as they are now: re-checked after a migration, else as found."""
        return self.after if self.after is not None else self.found

    @outcome.default
    def _outcome(self) -> str:
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


@attrs.frozen(slots=True, repr=False)
class ScanReport(Value):
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


def _known_sets(migrations_dir: Path) -> dict[str, KnownSet] | Problem:
    sets: dict[str, KnownSet] = {}
    for name in DATABASES:
        loaded = load_migration_set(name, migrations_dir)
        if isinstance(loaded, Failure):
            problem: Problem = loaded.failure()
            return problem
        sets[name] = know(loaded.unwrap())
    return sets


def check_project(
    project: str, sets: dict[str, KnownSet], catalogs: AttachedCatalogs | None = None
) -> ProjectScan:
    """Return the status of a project's three databases, read as untrusted files (with
    ``catalogs``, through it where they read as ones classified before: ``inspect_database``)."""
    # AIFP's folder name first, else AIMFP's (``find_projects`` found one of them).
    folder = next(
        (path for name in PROJECT_FOLDERS if os.path.isdir(path := os.path.join(project, name))),
        os.path.join(project, PROJECT_FOLDERS[0]),
    )
    return ProjectScan(
        project,
        tuple(
            inspect_database(
                name, os.path.join(folder, f"{name}.db"), sets[name], name in CREATABLE, catalogs
            )
            for name in PROJECT_DATABASES
        ),
    )


Progress = Callable[[], None]
"""Called once per project finished (for a progress bar)."""

ProgressFactory = Callable[[str, int], Progress]
"""Given what is being done (``checking``, ``migrating``) and to how many projects, returns
the callback for one progress bar."""

CHUNK = 16
"""Projects a worker process checks per task: enough to make a task's overhead small, few
enough to keep both workers busy to the end and the progress bar moving."""

IN_PROCESS_BELOW = 2 * CHUNK
"""Fewer projects than this are checked in this process: starting workers would cost more."""

_WORKER_CATALOGS = AttachedCatalogs()
"""A worker process's one connection for the databases that read as ones classified before."""


def _check_chunk(projects: tuple[str, ...], sets: dict[str, KnownSet]) -> tuple[ProjectScan, ...]:
    return tuple(check_project(project, sets, _WORKER_CATALOGS) for project in projects)


def _checked_here(projects: tuple[str, ...], sets: dict[str, KnownSet]) -> tuple[ProjectScan, ...]:
    """Return the projects of a worker that died, checked in this process."""
    return tuple(check_project(project, sets) for project in projects)


def check_projects(
    projects: tuple[str, ...],
    sets: dict[str, KnownSet],
    workers: int,
    progress: ProgressFactory | None = None,
    interrupt: Interrupt | None = None,
) -> tuple[ProjectScan, ...]:
    """Return every project's status, in order, checked by ``workers`` processes at once.

    The work is CPU-bound in SQLite (parse the schema, ``quick_check``) and
    threads do not speed it up, so on Linux forked worker processes share it, in
    chunks. Few projects, one worker or another platform: checked here, by
    threads. Workers are started before the progress bar, so no thread of this
    process is running when they are forked. A worker that dies has its projects
    checked again here, once the other workers are done. Ctrl-C
    (``KeyboardInterrupt`` here, or ``interrupt`` hit: Python drops the
    exception where it cannot be raised, as in a fork's hooks) stops it: work
    not started is dropped, worker processes are ended (they only read), and the
    projects checked by then are returned, fewer than ``projects``.
    """

    def go_on() -> None:
        if interrupt is not None and interrupt.hit:
            raise KeyboardInterrupt

    chunks = [projects[i : i + CHUNK] for i in range(0, len(projects), CHUNK)]
    # Forked on Linux only: a worker starts in milliseconds with the sets already in memory.
    if workers == 1 or sys.platform != "linux" or len(projects) < IN_PROCESS_BELOW:
        tick = progress("checking", len(projects)) if progress is not None else None

        def one(project: str, catalogs: AttachedCatalogs | None = None) -> ProjectScan:
            scanned = check_project(project, sets, catalogs)
            if tick is not None:
                tick()
            return scanned

        if workers == 1 or len(projects) < 2:
            checked: list[ProjectScan] = []
            catalogs = AttachedCatalogs()  # one thread: one connection for all
            try:
                for project in projects:
                    go_on()
                    checked.append(one(project, catalogs))
            except KeyboardInterrupt:
                pass  # Ctrl-C: the projects checked so far
            finally:
                catalogs.close()
            return tuple(checked)
        with ThreadPoolExecutor(max_workers=workers) as threads:
            return tuple(_gathered([threads.submit(one, p) for p in projects], go_on))
    found: dict[int, tuple[ProjectScan, ...]] = {}

    def work(index: int) -> tuple[ProjectScan, ...]:
        return _check_chunk(chunks[index], sets)  # looked up when called: a test puts its own in

    tick = None  # the bar starts once the workers are forked

    def keep(index: int, scanned: tuple[ProjectScan, ...]) -> None:
        found[index] = scanned
        if tick is not None:
            for _ in scanned:
                tick()

    try:
        lost: list[int] = []  # checked here once the other workers are done
        with ForkedWorkers(work, len(chunks), workers) as forked:
            tick = progress("checking", len(projects)) if progress is not None else None
            for index, answered in forked.answers(go_on):
                if answered is None:  # its worker died
                    lost.append(index)
                else:
                    keep(index, answered)
        for index in lost:
            go_on()
            keep(index, _checked_here(chunks[index], sets))
    except KeyboardInterrupt:
        pass  # Ctrl-C: the workers were ended on leaving; the projects checked by then
    return tuple(scanned for index in sorted(found) for scanned in found[index])


def _succeeded(future: Future[Any]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


_T = TypeVar("_T")


def _result(future: Future[_T], go_on: Callable[[], None]) -> _T:
    """Return the future's result, calling ``go_on`` (which raises to stop) while waiting."""
    while True:
        try:
            return future.result(timeout=0.05)
        except TimeoutError:
            go_on()


def _gathered(futures: list[Future[ProjectScan]], go_on: Callable[[], None]) -> list[ProjectScan]:
    """Return the futures' results in order; on Ctrl-C, drop those not started, let the
    running ones end, and return the results there are."""
    try:
        return [_result(future, go_on) for future in futures]
    except KeyboardInterrupt:
        for future in futures:
            future.cancel()
        for future in futures:
            if not future.cancelled():
                future.exception()  # waits for its end (the first Ctrl-C alone raises)
        return [future.result() for future in futures if _succeeded(future)]


def _migrate(
    scanned: ProjectScan,
    names: tuple[str, ...],
    places: Places,
    recheck: Callable[[], tuple[DatabaseStatus, ...]],
    accept_losses: bool,
    interrupt: Interrupt,
) -> ProjectScan:
    """Return ``scanned`` migrated (re-checked after), or as it was once Ctrl-C was pressed.

    ``up`` stops at Ctrl-C itself (it shares ``interrupt``'s, in any thread) and
    rolls the project back; a project whose turn comes after Ctrl-C is not started.
    """
    from aifp_shell.commands.migrate import up  # only a migrating scan needs the runner
    from aifp_shell.commands.runtime import losses_runtime

    if interrupt.hit:
        return scanned
    run = up(losses_runtime(places, accept_losses), names, None, dry_run=False, explicit=False)
    if isinstance(run.problem, Interrupted):  # rolled back: its databases are as found
        return attrs.evolve(scanned, run=run)
    return attrs.evolve(scanned, run=run, after=recheck())


def _due(scanned: ProjectScan) -> bool:
    return scanned.healthy() and scanned.needs_migration()


def scan(
    root: Path,
    *,
    aifp_root: Path,
    migrations_dir: Path,
    migrate: bool = False,
    accept_losses: bool = False,
    jobs: int | None = None,
    progress: ProgressFactory | None = None,
) -> ScanReport:
    """Return what scanning ``root`` found and, with ``migrate``, what migrating did.

    Projects are checked by ``jobs`` workers at once (default: the number of
    CPUs; see ``check_projects``). With ``migrate``, once every project is
    checked, aifp_core is migrated, once; then every healthy project with
    pending steps, each in its own ``up`` run by ``jobs`` threads, so one
    project's failure leaves the others going. ``progress`` is given what is
    being done and to how many projects, and returns a callback called as each
    finishes. A migration that loses data is refused (that project's run fails,
    nothing changed) unless ``accept_losses``.

    Ctrl-C stops it (``problem`` is then ``ScanInterrupted``, saying what was
    done): while checking, at once, nothing written; while migrating, each
    project's ``up`` under way rolls back (one transaction per database, as
    ever) unless it was already committing, and no other is started.
    """
    with interruptible() as interrupt:
        try:
            walk = find_projects(root)
        except KeyboardInterrupt:
            stopped = ScanInterrupted(0, None, (), (), 0)
            return ScanReport(str(root), ProjectScan(str(aifp_root), ()), (), (), stopped)
        return _scan_found(
            root, walk, aifp_root, migrations_dir, migrate, accept_losses, jobs, progress, interrupt
        )


def _scan_found(
    root: Path,
    walk: Walk,
    aifp_root: Path,
    migrations_dir: Path,
    migrate: bool,
    accept_losses: bool,
    jobs: int | None,
    progress: ProgressFactory | None,
    interrupt: Interrupt,
) -> ScanReport:
    """Check (and migrate) what the walk found; a Ctrl-C report says what was done."""
    core_file = str(core_path(aifp_root))
    empty = ProjectScan(str(aifp_root), ())
    loaded = _known_sets(migrations_dir)
    if not isinstance(loaded, dict):
        return ScanReport(str(root), empty, (), walk.skipped, loaded)
    sets = loaded

    def check_core() -> tuple[DatabaseStatus, ...]:
        return (inspect_database("aifp_core", core_file, sets["aifp_core"], creatable=False),)

    workers = max(1, jobs or os.cpu_count() or 1)
    paths = tuple(str(project) for project in walk.projects)
    core = empty
    projects: tuple[ProjectScan, ...] = ()
    try:
        core = ProjectScan(str(aifp_root), check_core())
        projects = check_projects(paths, sets, workers, progress, interrupt)
    except KeyboardInterrupt:
        pass
    if interrupt.hit:  # nothing was written yet: only checked
        stopped = ScanInterrupted(len(projects), len(paths), (), (), 0)
        return ScanReport(str(root), core, projects, walk.skipped, stopped)
    if migrate:
        # From here each project's own ``up`` stops at Ctrl-C (and rolls it back); this
        # thread only notes it and starts no other.
        interrupt.hold()
        if _due(core):
            core = _migrate(
                core,
                ("aifp_core",),
                Places(aifp_root, None, migrations_dir),
                check_core,
                accept_losses,
                interrupt,
            )
        projects = _migrate_all(
            projects, sets, workers, aifp_root, migrations_dir, progress, accept_losses, interrupt
        )
    report = ScanReport(str(root), core, projects, walk.skipped)
    if not interrupt.hit:
        return report
    return attrs.evolve(report, problem=_what_was_done(report))


def _what_was_done(report: ScanReport) -> ScanInterrupted:
    """Return what a migrating scan stopped by Ctrl-C had done, project by project."""
    everything = (report.core, *report.projects)
    migrated = tuple(
        p.path
        for p in everything
        if p.run is not None
        and p.run.problem is None
        and any(db.status == "migrated" for db in p.run.databases)
    )
    rolled_back = tuple(
        p.path for p in everything if p.run is not None and isinstance(p.run.problem, Interrupted)
    )
    not_started = sum(1 for p in everything if p.run is None and _due(p))
    return ScanInterrupted(
        len(report.projects), len(report.projects), migrated, rolled_back, not_started
    )


def _migrate_all(
    projects: tuple[ProjectScan, ...],
    sets: dict[str, KnownSet],
    workers: int,
    aifp_root: Path,
    migrations_dir: Path,
    progress: ProgressFactory | None,
    accept_losses: bool,
    interrupt: Interrupt,
) -> tuple[ProjectScan, ...]:
    """Return the projects with every healthy one that has pending steps migrated (after
    Ctrl-C, no other one is started)."""
    due = [index for index, scanned in enumerate(projects) if _due(scanned)]
    if not due:
        return projects
    tick = progress("migrating", len(due)) if progress is not None else None

    def one(index: int) -> ProjectScan:
        scanned = projects[index]
        migrated = _migrate(
            scanned,
            PROJECT_DATABASES,
            Places(aifp_root, Path(scanned.path), migrations_dir),
            lambda: check_project(scanned.path, sets).found,
            accept_losses,
            interrupt,
        )
        if tick is not None:
            tick()
        return migrated

    if workers == 1 or len(due) < 2:
        done = [one(index) for index in due]
    else:
        with ThreadPoolExecutor(max_workers=workers) as threads:
            done = list(threads.map(one, due))
    result = list(projects)
    for index, migrated in zip(due, done, strict=True):
        result[index] = migrated
    return tuple(result)


def _project_json(project: ProjectScan) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "path": project.path,
        "outcome": project.outcome,
        "databases": [database_json(db) for db in project.databases],
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
        document["error"] = error_json(report.problem)
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
            status: str = db.status
            if db.name in migrated:
                status = "migrated"
            elif failed and db.status in HEALTHY:
                status = "failed"
            yield (project.path, db.name, db.version or "-", db.latest or "-", status)
