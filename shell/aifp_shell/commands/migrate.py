"""``up`` and ``down``: read state, ask the core for a plan, carry it out safely, report.

They return report values and never print or exit; the CLI, the seed front
and the embedding API call them. ``Runtime`` is what every command is given.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.errors import BadVersion, UnknownDatabase
from aifp_fp.graph import MigrationSet
from aifp_fp.plan import Plan, PlannedStep, check_every_file, plan_create, plan_down, plan_up
from aifp_fp.version import Version, parse_version
from aifp_shell.commands.backing import Backing, BegunBackup, CheckingCopy, back_up, locked_file
from aifp_shell.commands.failed_run import Abort, failed
from aifp_shell.commands.history import refuse_edited
from aifp_shell.commands.reports import (
    DatabaseRun,
    RunReport,
)
from aifp_shell.commands.runtime import LossAnswer, Runtime, utc_now_text
from aifp_shell.files.locate import (
    DATABASES,
    Location,
    locate,
    project_problem,
    set_in_use,
)
from aifp_shell.files.retention import prune_backups
from aifp_shell.files.safe_io import discard, fsync_path
from aifp_shell.files.sources import load_migration_set
from aifp_shell.problems import (
    CommitFailed,
    DatabaseMissing,
    Interrupted,
    LossesNotConfirmed,
    PlanChanged,
    Problem,
    Unreadable,
    Unversioned,
)
from aifp_shell.schema.drift import drift_before_run, refusal, with_alignment
from aifp_shell.schema.drift_cache import files_accepted, remember_files_accepted
from aifp_shell.sqlite.applied import AppliedStep
from aifp_shell.sqlite.database import (
    connect,
    environment_problem,
    is_empty_file,
    read_version,
)
from aifp_shell.sqlite.interrupt import Interrupt, interruptible
from aifp_shell.sqlite.transaction import abandon, begin_write
from aifp_shell.sqlite.whole_check import file_identity, open_whole_check

if TYPE_CHECKING:  # loaded where used, so check does not pay for them
    from aifp_shell.sqlite.executor import StatementProgress

_Settled = TypeVar("_Settled")


# --- migrating ---------------------------------------------------------------------------

Planner = Callable[[MigrationSet, Version | None, sqlite3.Connection | None], Result[Plan, Problem]]
"""Given a migration set, the current version (None: no database) and a connection to the
database (None: none yet; the planner only reads through it), returns a plan."""


@attrs.define
class _Open:
    """A database whose transaction is open and whose steps ran, awaiting COMMIT."""

    name: str
    path: Path
    conn: sqlite3.Connection
    run: DatabaseRun
    created_from: Path | None = None
    """For a database being created: the hidden file that becomes ``path`` on success."""


def up_planner(target: Version | None) -> Planner:
    """Return a planner that goes up to ``target`` (default latest), creating if needed.

    A database with no step left but at an earlier published shape of its
    version is aligned with the latest shape (``drift.with_alignment``).
    """

    def planner(
        migration_set: MigrationSet, current: Version | None, conn: sqlite3.Connection | None
    ) -> Result[Plan, Problem]:
        if current is None:
            return plan_create(migration_set, target).alt(lambda e: e)
        planned: Result[Plan, Problem] = plan_up(migration_set, current, target).alt(lambda e: e)
        if conn is None:
            return planned
        return planned.bind(lambda plan: with_alignment(conn, migration_set, plan))

    return planner


def down_planner(target: Version | None) -> Planner:
    """Return a planner that goes down to ``target`` (default: one step)."""

    def planner(
        migration_set: MigrationSet, current: Version | None, _: sqlite3.Connection | None
    ) -> Result[Plan, Problem]:
        assert current is not None
        from aifp_shell.schema.rollbacks import computed_rollbacks  # replays: only for down

        computed = computed_rollbacks(migration_set)
        return plan_down(migration_set, current, target, computed).alt(lambda e: e)

    return planner


def _current_version(name: str, path: Path, conn: sqlite3.Connection) -> Result[Version, Problem]:
    text = read_version(conn).version
    if text is None:
        return Failure(Unversioned(name, str(path)))
    version = parse_version(text).value_or(None)
    if version is None:
        return Failure(Unreadable(name, str(path), f"schema_version holds {text!r}"))
    return Success(version)


def _run_plan(
    conn: sqlite3.Connection,
    name: str,
    path: Path,
    plan: Plan,
    applied_at: str,
    runtime: Runtime,
    backup: Callable[[], Path | None] | None = None,
) -> Result[tuple[tuple[AppliedStep, ...], str | None], Problem]:
    """Return the steps run and the note on old breakage they carried, or what stops COMMIT.

    Each step's foreign keys are checked after it, then what the steps touched
    is quick_checked (``backup``: gives the file of the state whose old breakage
    is carried, once there is one). The
    executor and the checks are imported here, by the runs that write only.
    """
    from aifp_shell.sqlite.executor import run_plan
    from aifp_shell.sqlite.step_checks import StepChecks, carried_note
    from aifp_shell.sqlite.transaction import final_checks

    checks = StepChecks(name, path, backup)
    ran = run_plan(conn, path, plan, applied_at, _step_progress(name, runtime), checks)
    if isinstance(ran, Failure):
        return Failure(ran.failure())
    _checks_stage(name, runtime)
    problem = final_checks(conn, checks)
    if problem is not None:
        return Failure(problem)
    return Success((ran.unwrap(), carried_note(checks.carried)))


def _step_progress(name: str, runtime: Runtime) -> StatementProgress | None:
    """Return the executor's per-statement callback that shows the step running, if shown."""
    shown = runtime.work_progress
    if shown is None:
        return None

    def on_statement(step: PlannedStep, done: int) -> None:
        start = "new" if step.from_version is None else str(step.from_version)
        shown.stage(f"{name} {start} → {step.to_version}", done, len(step.statements))

    return on_statement


def _checks_stage(name: str, runtime: Runtime) -> None:
    if runtime.work_progress is not None:
        runtime.work_progress.stage(f"{name}: foreign_key_check, quick_check", 0, None)


def _open_existing(
    name: str,
    path: Path,
    migration_set: MigrationSet,
    planner: Planner,
    runtime: Runtime,
    backups: list[Path],
    shown: tuple[AppliedStep, ...],
    interrupt: Interrupt,
    check: BegunBackup | None,
) -> _Open | DatabaseRun:
    """Run a database's plan inside an open transaction; return it open, or its final report
    (``check``: its whole-database check, begun by the preview)."""
    if is_empty_file(path):
        raise Abort(failed(name, path, Unversioned(name, str(path))))
    try:
        before = file_identity(os.stat(path.resolve()))
    except OSError:
        before = None  # (connect says why)
    try:
        conn = connect(path, write=True)
    except sqlite3.Error as error:
        raise Abort(failed(name, path, environment_problem(name, path, error))) from None
    interrupt.watch(conn)
    try:
        let_go = None if check is None else functools.partial(check.end, stop=True)
        problem = begin_write(conn, name, path, let_go)
        if problem is not None:
            raise Abort(failed(name, path, problem))
        locked = locked_file(name, path, before)
        current = _current_version(name, path, conn)
        if isinstance(current, Failure):
            raise Abort(failed(name, path, current.failure()))
        start = current.unwrap()
        planned = planner(migration_set, start, conn)
        if isinstance(planned, Failure):
            raise Abort(failed(name, path, planned.failure(), start))
        plan = planned.unwrap()
        if plan.is_empty():
            if check is not None:
                check.end(stop=True)
            conn.execute("ROLLBACK")
            conn.close()
            return DatabaseRun(name, str(path), str(start), str(start), (), None, "up_to_date")
        _as_shown(name, path, plan, shown, start)
        from aifp_shell.files.preflight import preflight

        not_ready = preflight(name, path)
        if not_ready is not None:
            raise Abort(failed(name, path, not_ready, start))
        _zero_freed_pages_only_if_lost(conn, shown)
        made: list[Backing | CheckingCopy] = []  # filled as it starts: Ctrl-C can land anywhere
        try:
            back_up(name, path, conn, runtime, start, backups, interrupt, made, check, locked)
            applied_at = utc_now_text(runtime)
            ran = _run_plan(conn, name, path, plan, applied_at, runtime, made[0].before_file)
            if isinstance(ran, Failure):
                raise Abort(failed(name, path, ran.failure(), start))
            backup = made[0].settle(backups)
        except KeyboardInterrupt:
            for backing in made:
                backing.abandon(stop=True, backups=backups)
            raise
        except BaseException:  # damage the check found explains a failure best
            for backing in made:
                backing.abandon_or_refuse(stop=False, backups=backups)
            raise
        applied, note = ran.unwrap()
        run = DatabaseRun(
            name,
            str(path),
            str(start),
            str(plan.end),
            _with_shown_losses(applied, shown),
            str(backup),
            "migrated",
            note=note,
        )
        return _Open(name, path, conn, run)
    except sqlite3.Error as error:
        abandon(conn)
        raise Abort(failed(name, path, environment_problem(name, path, error))) from None
    except BaseException:  # Abort, Ctrl-C, or anything unforeseen: rolled back and closed
        abandon(conn)
        raise


def _open_new(
    name: str,
    path: Path,
    migration_set: MigrationSet,
    planner: Planner,
    runtime: Runtime,
    shown: tuple[AppliedStep, ...],
    interrupt: Interrupt,
) -> _Open:
    """Build a missing database in a hidden file, transaction left open for COMMIT."""
    planned = planner(migration_set, None, None)
    if isinstance(planned, Failure):
        raise Abort(failed(name, path, planned.failure()))
    plan = planned.unwrap()
    import secrets

    hidden = path.with_name(f".{path.name}.creating-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        os.close(os.open(hidden, os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_WRONLY, 0o644))
        conn = connect(hidden, write=True)
    except (OSError, sqlite3.Error) as error:
        discard(hidden)
        detail = error.strerror if isinstance(error, OSError) else str(error)
        raise Abort(
            failed(
                name,
                path,
                environment_problem(
                    name, path, sqlite3.OperationalError(f"cannot create the database: {detail}")
                ),
            )
        ) from None
    interrupt.watch(conn)
    try:
        problem = begin_write(conn, name, path)
        if problem is not None:
            raise Abort(failed(name, path, problem))
        applied_at = utc_now_text(runtime)
        ran = _run_plan(conn, name, path, plan, applied_at, runtime)
        if isinstance(ran, Failure):
            raise Abort(failed(name, path, ran.failure()))
    except (Abort, KeyboardInterrupt):
        abandon(conn)
        discard(hidden)
        raise
    except sqlite3.Error as error:
        abandon(conn)
        discard(hidden)
        raise Abort(failed(name, path, environment_problem(name, path, error))) from None
    applied = _with_shown_losses(ran.unwrap()[0], shown)
    run = DatabaseRun(name, str(path), None, str(plan.end), applied, None, "migrated")
    return _Open(name, path, conn, run, created_from=hidden)


def _commit(opened: _Open) -> DatabaseRun:
    """COMMIT one open database (and give a created one its final name)."""
    opened.conn.execute("COMMIT")
    opened.conn.close()
    if opened.created_from is None:
        return opened.run
    hidden = opened.created_from
    fsync_path(hidden)
    try:
        os.link(hidden, opened.path, follow_symlinks=False)
    except FileExistsError:
        discard(hidden)
        return attrs.evolve(
            opened.run,
            status="up_to_date",
            applied=(),
            note="another run created this database at the same moment",
        )
    discard(hidden)
    fsync_path(opened.path.parent)
    return opened.run


def _location_problem(location: Location) -> DatabaseMissing:
    return DatabaseMissing(
        location.name,
        str(location.path) if location.path is not None else "(no project)",
        location.why_missing,
    )


def migrate(
    runtime: Runtime,
    names: tuple[str, ...],
    planner: Planner,
    *,
    dry_run: bool,
    explicit: bool,
    creates: bool = True,
) -> RunReport:
    """Return what migrating ``names`` with ``planner`` did (or would do, on a dry run).

    Every file of the sets is checked, and every database planned read-only,
    before anything is locked or written. Then all databases' steps run in one
    transaction each; the transactions are committed only when every database
    succeeded, else all are rolled back and the backups this run made are
    removed. ``explicit`` says the user named the database: a missing one is
    then an error instead of being skipped. ``creates`` lets a missing
    user_preferences.db or user_directives.db be created from its initial schema.

    A rollback-journal database's whole-database check begins in the preview,
    once its plan is known to have steps (``WholeCheck``); it is stopped
    before a person is asked about losses, and whatever ends the run ends it.
    """
    checks: dict[str, BegunBackup] = {}
    try:
        return _migrate(runtime, names, planner, dry_run, explicit, creates, checks)
    finally:
        _end_checks(checks)


def _end_checks(checks: dict[str, BegunBackup]) -> None:
    """Stop and end every check in ``checks`` not ended yet, and forget them all (Ctrl-C
    meanwhile is raised once all are ended)."""
    pressed = False
    for check in checks.values():
        while True:
            try:
                check.end(stop=True)
                break
            except KeyboardInterrupt:
                pressed = True
    checks.clear()
    if pressed:
        raise KeyboardInterrupt


def _migrate(
    runtime: Runtime,
    names: tuple[str, ...],
    planner: Planner,
    dry_run: bool,
    explicit: bool,
    creates: bool,
    checks: dict[str, BegunBackup],
) -> RunReport:
    """``migrate``, the checks it begins put in ``checks``."""
    unknown = [name for name in names if name not in DATABASES]
    if unknown:
        return RunReport((), UnknownDatabase(unknown[0], DATABASES))
    no_project = _no_project(runtime, names)
    if no_project is not None:
        return RunReport((), no_project)
    sets = _checked_sets(runtime, names)
    if not isinstance(sets, dict):
        return RunReport((), sets)
    edited = refuse_edited(runtime.places, names, sets)
    if edited is not None:
        return RunReport((), edited)
    begin = None if dry_run else checks
    preview: RunReport | None = None
    # (Ctrl-C inside an SQLite callback fails its statement instead: ``hit`` tells)
    with interruptible() as in_preview, contextlib.suppress(KeyboardInterrupt):
        preview = _dry_run(runtime, names, sets, planner, explicit, creates, begin, in_preview)
    if preview is None or in_preview.hit:  # nothing is locked; what began ends here
        _end_checks(checks)
        return RunReport((), Interrupted((), ()))
    if dry_run:
        return preview
    if preview.problem is not None:
        return _not_migrated(preview)
    if _losses(preview):  # a person may be asked: no lock is held while they think
        _end_checks(checks)
    refused = _refused_losses(runtime, preview)
    if refused is not None:
        return refused
    shown = {db.name: db.applied for db in preview.databases}
    opened: list[_Open] = []
    finished: list[DatabaseRun] = []
    backups: list[Path] = []
    running: str | None = None
    with interruptible() as interrupt:
        try:
            for running in (name for name in DATABASES if name in names):
                _open_one(
                    running, sets[running], planner, runtime, explicit, creates, opened, finished,
                    backups, shown.get(running, ()), interrupt, checks.get(running),
                )  # fmt: skip
            running = None
        except Abort as abort:
            if not interrupt.hit:
                return _roll_back_all(opened, finished, backups, abort.run)
        except KeyboardInterrupt:
            pass
        if interrupt.hit:  # Ctrl-C, wherever it landed before COMMIT
            return _interrupted(opened, finished, backups, running, runtime)
        interrupt.hold()
        return _commit_all(opened, finished, runtime.keep_backups)


def _no_project(runtime: Runtime, names: tuple[str, ...]) -> Problem | None:
    """Return why the project databases among ``names`` have no usable project, if they do."""
    if all(name == "aifp_core" for name in names):  # the others live in a project
        return None
    return project_problem(runtime.places)


def _losses(preview: RunReport) -> tuple[str, ...]:
    """Return each loss the previewed steps would cause, as ``<database>: <loss>``."""
    return tuple(
        f"{db.name}: {lost}"
        for db in preview.databases
        for step in db.applied
        for lost in step.losses
    )


def _refused_losses(runtime: Runtime, preview: RunReport) -> RunReport | None:
    """Return the refusal of a run that loses data and was not accepted, else ``None``."""
    losses = _losses(preview)
    if not losses:
        return None
    answer = (
        runtime.confirm_losses(preview.databases)
        if runtime.confirm_losses is not None
        else LossAnswer(accepted=False, asked=False)
    )
    if answer.accepted:
        return None
    problem = LossesNotConfirmed(losses, answer.asked)
    return RunReport(
        tuple(
            attrs.evolve(
                db,
                status="skipped",
                to_version=db.from_version,
                applied=(),
                note="not run: it would lose data, which was not accepted",
            )
            if db.status == "dry_run"
            else db
            for db in preview.databases
        ),
        problem,
    )


def _zero_freed_pages_only_if_lost(
    conn: sqlite3.Connection, shown: tuple[AppliedStep, ...]
) -> None:
    """Let steps that lose no data leave the pages they free unzeroed (``secure_delete =
    FAST``); steps that lose some keep SQLite's setting (zeroed where it is built so).

    Zeroing protects deleted data from being read back out of the file. A step that
    loses nothing deletes nothing: a table rebuilt frees pages whose rows its new
    table holds (and the backup beside the database holds them all). Zeroing them
    journals and rewrites every page: on a 303 MB table rebuilt, its DROP took 1.59 s
    zeroed and 0.10 s not, and the COMMIT 1.19 s against 0.90 s.
    """
    if not any(step.losses for step in shown):
        conn.execute("PRAGMA secure_delete = FAST")


def _as_shown(
    name: str, path: Path, plan: Plan, shown: tuple[AppliedStep, ...], start: Version
) -> None:
    """Raise ``Abort`` unless every step of the locked plan is one the run showed (and had
    accepted, with its losses)."""
    known = {(s.direction, s.from_version, s.to_version, s.file) for s in shown}
    for step in plan.steps:
        key = (
            step.direction,
            None if step.from_version is None else str(step.from_version),
            str(step.to_version),
            step.source.display,
        )
        if key not in known:
            raise Abort(failed(name, path, PlanChanged(name, str(path)), start))


def _with_shown_losses(
    applied: tuple[AppliedStep, ...], shown: tuple[AppliedStep, ...]
) -> tuple[AppliedStep, ...]:
    """Return the steps that ran, each with the losses the run showed for it before acting."""
    losses = {(s.direction, s.from_version, s.to_version, s.file): s.losses for s in shown}
    return tuple(
        attrs.evolve(
            step,
            losses=losses.get(
                (step.direction, step.from_version, step.to_version, step.file), step.losses
            ),
        )
        for step in applied
    )


def _checked_sets(runtime: Runtime, names: tuple[str, ...]) -> dict[str, MigrationSet] | Problem:
    """Return each named database's migration set, every file checked, or the first problem."""
    sets: dict[str, MigrationSet] = {}
    for name in names:
        loaded = load_migration_set(name, runtime.places.migrations_dir)
        if isinstance(loaded, Failure):
            problem: Problem = loaded.failure()
            return problem
        sets[name] = loaded.unwrap()
        if files_accepted(sets[name]):  # this exact set passed before: same code, same files
            continue
        checked = check_every_file(sets[name])
        if isinstance(checked, Failure):
            refused: Problem = checked.failure()
            return refused
        remember_files_accepted(sets[name])
    return sets


def _open_one(
    name: str,
    migration_set: MigrationSet,
    planner: Planner,
    runtime: Runtime,
    explicit: bool,
    creates: bool,
    opened: list[_Open],
    finished: list[DatabaseRun],
    backups: list[Path],
    shown: tuple[AppliedStep, ...],
    interrupt: Interrupt,
    check: BegunBackup | None,
) -> None:
    """Open, lock, back up and run one database's steps (left uncommitted), or skip it
    (``check``: its whole-database check, begun by the preview)."""
    location = locate(name, runtime.places)
    path = location.path
    if path is None or not path.exists():
        if path is not None and location.creatable and creates:
            try:
                opened.append(
                    _open_new(name, path, migration_set, planner, runtime, shown, interrupt)
                )
            finally:
                _end_progress(runtime)
            return
        if explicit:
            raise Abort(failed(name, path, _location_problem(location)))
        finished.append(_skipped(location))
        return
    try:
        result = _open_existing(
            name, path, migration_set, planner, runtime, backups, shown, interrupt, check
        )
    finally:
        _end_progress(runtime)  # before the next database's backup shows its own bar
    if isinstance(result, _Open):
        opened.append(result)
    else:
        finished.append(result)


def _end_progress(runtime: Runtime) -> None:
    if runtime.work_progress is not None:
        runtime.work_progress.close()


def _commit_all(opened: list[_Open], finished: list[DatabaseRun], keep: int) -> RunReport:
    """COMMIT each open database in order; prune backups only once every COMMIT succeeded."""
    committed: list[DatabaseRun] = []
    for index, item in enumerate(opened):
        try:
            committed.append(_commit(item))
        except (sqlite3.Error, OSError) as error:
            problem = CommitFailed(
                item.name, str(item.path), str(error), tuple(run.name for run in committed)
            )
            abandon(item.conn)
            if item.created_from is not None:
                discard(item.created_from)
            return _roll_back_all(
                opened[index + 1 :],
                [*finished, *committed],
                [],
                failed(item.name, item.path, problem),
            )
    for run in committed:  # only now that every COMMIT succeeded
        if run.backup is not None and run.path is not None:
            prune_backups(Path(run.path), keep, (Path(run.backup),))
    return RunReport(_in_order([*finished, *committed]))


def _skipped(location: Location) -> DatabaseRun:
    """Return the report of a database that is missing and not one to create."""
    path = None if location.path is None else str(location.path)
    note = message_of_missing(location)
    return DatabaseRun(location.name, path, None, None, (), None, "skipped", note=note)


def message_of_missing(location: Location) -> str:
    """Return why a database was skipped: where it was looked for and not found."""
    where = str(location.path) if location.path is not None else "no project"
    return f"not found ({where}: {location.why_missing})"


def _in_order(runs: list[DatabaseRun]) -> tuple[DatabaseRun, ...]:
    return tuple(sorted(runs, key=lambda run: DATABASES.index(run.name)))


def _not_migrated(preview: RunReport) -> RunReport:
    """Return the report of a real run that stopped in its read-only pass: nothing was written.

    The databases planned before the one that failed were not migrated (never
    ``dry_run``: this was a real run); they are ``skipped``, with the reason.
    """
    failed = next((run.name for run in preview.databases if run.status == "failed"), None)
    because = f"{failed} failed" if failed is not None else "the run stopped"
    return attrs.evolve(
        preview,
        databases=tuple(
            attrs.evolve(
                run,
                status="skipped",
                to_version=run.from_version,
                applied=(),
                note=f"not migrated: {because} before anything was written",
            )
            if run.status == "dry_run"
            else run
            for run in preview.databases
        ),
    )


def _roll_back_all(
    opened: list[_Open], finished: list[DatabaseRun], backups: list[Path], failed: DatabaseRun
) -> RunReport:
    rolled = _abandon_all(opened, backups, f"rolled back because {failed.name} failed")
    assert failed.problem is not None
    return RunReport(_in_order([*finished, *rolled, failed]), failed.problem)


def _abandon_all(opened: list[_Open], backups: list[Path], note: str) -> list[DatabaseRun]:
    """Roll back every open database (a created one's hidden file removed), delete this run's
    backups, and return each opened database's report: skipped, with ``note``."""
    for item in opened:
        abandon(item.conn)
        if item.created_from is not None:
            discard(item.created_from)
    for backup in backups:
        discard(backup)
    return [
        attrs.evolve(
            item.run,
            status="skipped",
            to_version=item.run.from_version,
            applied=(),
            backup=None,
            note=note,
            problem=None,
        )
        for item in opened
    ]


def _rehearsed(
    conn: sqlite3.Connection | None, path: Path | None, plan: Plan
) -> Result[tuple[Plan, tuple[AppliedStep, ...]], Problem]:
    """Return the plan with its steps as they run on a copy of the live schema (no rows)."""
    from aifp_shell.sqlite.rehearsal import rehearse  # loads the executor: only for up/down

    where = path if path is not None else Path("(no project)")
    return rehearse(conn, where, plan).map(lambda rehearsed: (plan, rehearsed.steps))


def _interrupted(
    opened: list[_Open],
    finished: list[DatabaseRun],
    backups: list[Path],
    running: str | None,
    runtime: Runtime,
) -> RunReport:
    """Roll back every open transaction after Ctrl-C, delete this run's backups, and say so."""
    rolled = [item.name for item in opened]
    if running is not None and running not in rolled:
        rolled.append(running)
    problem = Interrupted(tuple(rolled), tuple(str(backup) for backup in backups))
    runs = _abandon_all(opened, backups, "rolled back: interrupted")
    if running is not None and running not in (item.name for item in opened):
        path = locate(running, runtime.places).path
        runs.append(failed(running, path, problem))
    return RunReport(_in_order([*finished, *runs]), problem)


def _dry_run(
    runtime: Runtime,
    names: tuple[str, ...],
    sets: dict[str, MigrationSet],
    planner: Planner,
    explicit: bool,
    creates: bool,
    checks: dict[str, BegunBackup] | None,
    interrupt: Interrupt,
) -> RunReport:
    """Return what the run would do, each database planned and rehearsed read-only; with
    ``checks``, begin there the whole-database check of each database with steps to run."""
    runs: list[DatabaseRun] = []
    problem: Problem
    for name in DATABASES:
        if name not in names:
            continue
        location = locate(name, runtime.places)
        path = location.path
        current: Version | None = None
        if path is None or not path.exists():
            if not (path is not None and location.creatable and creates):
                if explicit:
                    problem = _location_problem(location)
                    return RunReport(_in_order([*runs, failed(name, path, problem)]), problem)
                runs.append(_skipped(location))
                continue
        else:
            if is_empty_file(path):
                problem = Unversioned(name, str(path))
                return RunReport(_in_order([*runs, failed(name, path, problem)]), problem)
            try:
                conn = connect(path, write=False)
                try:
                    found = _current_version(name, path, conn)
                    if isinstance(found, Success):
                        plan_only = planner(sets[name], found.unwrap(), conn)
                        if checks is not None:
                            begun = _begin_check(name, path, plan_only, checks, runtime, interrupt)
                            if begun is not None:
                                run = failed(name, path, begun, found.unwrap())
                                return RunReport(_in_order([*runs, run]), begun)
                        planned = plan_only.bind(functools.partial(_rehearsed, conn, path))
                finally:
                    conn.close()
            except sqlite3.Error as error:
                problem = environment_problem(name, path, error)
                return RunReport(_in_order([*runs, failed(name, path, problem)]), problem)
            if isinstance(found, Failure):
                problem = found.failure()
                return RunReport(_in_order([*runs, failed(name, path, problem)]), problem)
            current = found.unwrap()
        if current is None:
            planned = planner(sets[name], None, None).bind(
                functools.partial(_rehearsed, None, path)
            )
        if isinstance(planned, Failure):
            problem = planned.failure()
            return RunReport(_in_order([*runs, failed(name, path, problem, current)]), problem)
        plan, steps = planned.unwrap()
        runs.append(
            DatabaseRun(
                name,
                str(path),
                None if current is None else str(current),
                str(plan.end),
                steps,
                None,
                "dry_run" if not plan.is_empty() else "up_to_date",
            )
        )
    return RunReport(_in_order(runs))


def _begin_check(
    name: str,
    path: Path,
    planned: Result[Plan, Problem],
    checks: dict[str, BegunBackup],
    runtime: Runtime,
    interrupt: Interrupt,
) -> Problem | None:
    """Begin the whole-database check of the first database with steps planned, and the copy
    beside it, into ``checks`` (none for a WAL database, nor where the locked copy cannot be
    made); return why the check could not begin, if it could not.

    Only the first: a later database's read lock would hold up other programs' commits to
    it for all the work on the databases before it. Its check begins once it is locked.
    The copy begins only where the pre-flight finds room for it (else the locked run
    refuses); one that finds no descriptor to copy from begins once the database is locked.
    """
    if checks or not isinstance(planned, Success) or planned.unwrap().is_empty():
        return None
    from aifp_shell.files.backup import locked_copy_possible
    from aifp_shell.files.preflight import preflight

    if not locked_copy_possible():  # the locked connection checks it, in back_up
        return None
    with interrupt.deferred():  # Ctrl-C comes once what began is in ``checks``
        opened = open_whole_check(name, path)
        if isinstance(opened, Failure):
            problem: Problem = opened.failure()
            return problem
        check = opened.unwrap()
        if check is None:
            return None
        begun = BegunBackup(check)
        checks[name] = begun  # before its threads start: whatever ends the run ends them
        not_begun = check.begin(name, path)
        if not_begun is not None or preflight(name, path) is not None:
            return not_begun
        return begun.copy_beside(name, path, runtime.clock())


def up(
    runtime: Runtime,
    names: tuple[str, ...],
    target: str | None = None,
    *,
    dry_run: bool = False,
    explicit: bool = False,
    strict: bool = False,
) -> RunReport:
    """Return what bringing ``names`` up to ``target`` (default: latest) did.

    A drifted database is reported in the result's ``drift`` and migrated
    anyway; with ``strict`` the run is refused before anything is locked or written.
    """
    parsed = _parse_target(target)
    if isinstance(parsed, Failure):
        return RunReport((), parsed.failure(), migration_set=set_in_use(runtime.places))
    no_project = _no_project(runtime, tuple(n for n in names if n in DATABASES))
    if no_project is not None:  # before drift is read: nothing to warn about
        return RunReport((), no_project, migration_set=set_in_use(runtime.places))
    drifts = drift_before_run(runtime.places, tuple(n for n in names if n in DATABASES))
    refused = refusal(drifts) if strict else None
    if refused is not None:
        return RunReport((), refused, drifts, set_in_use(runtime.places))
    report = migrate(
        runtime, names, up_planner(parsed.unwrap()), dry_run=dry_run, explicit=explicit
    )
    return attrs.evolve(report, drift=drifts, migration_set=set_in_use(runtime.places))


def down(
    runtime: Runtime, name: str, target: str | None = None, *, dry_run: bool = False
) -> RunReport:
    """Return what rolling ``name`` back to ``target`` (default: one step) did."""
    parsed = _parse_target(target)
    if isinstance(parsed, Failure):
        return RunReport((), parsed.failure(), migration_set=set_in_use(runtime.places))
    no_project = _no_project(runtime, (name,) if name in DATABASES else ())
    if no_project is not None:
        return RunReport((), no_project, migration_set=set_in_use(runtime.places))
    drifts = drift_before_run(runtime.places, (name,) if name in DATABASES else ())
    report = migrate(
        runtime,
        (name,),
        down_planner(parsed.unwrap()),
        dry_run=dry_run,
        explicit=True,
        creates=False,
    )
    return attrs.evolve(report, drift=drifts, migration_set=set_in_use(runtime.places))


def _parse_target(text: str | None) -> Result[Version | None, Problem]:
    if text is None:
        return Success(None)
    version = parse_version(text).value_or(None)
    if version is None:
        return Failure(BadVersion(text))
    return Success(version)
