"""The one place where a failure becomes a line for the user and an exit code."""

from __future__ import annotations

from typing import assert_never

from aifp_fp.errors import (
    BadVersion,
    DatabaseAhead,
    DuplicateStep,
    ForbiddenStatement,
    MalformedFileName,
    NoMigrations,
    NoPath,
    NoRollback,
    NotInvertible,
    OrphanRollback,
    UnknownDatabase,
    UnknownVersion,
    UnreachableStep,
    UnreadableDefinition,
    UnterminatedStatement,
)
from aifp_shell.problems import (
    BackupUnusable,
    BadUsage,
    CheckFailed,
    CommitFailed,
    ConflictingObject,
    DatabaseMissing,
    DriftRefused,
    EditedAfterApplied,
    Environment,
    Interrupted,
    LossesNotConfirmed,
    MigrationsUnreadable,
    NoBackup,
    PlanChanged,
    Problem,
    ProjectNotFound,
    RefusedAtRunTime,
    RestoredUnverified,
    RowsRefused,
    ScanInterrupted,
    StepFailed,
    Unreadable,
    UnreadableSource,
    Unversioned,
)

EXIT_OK = 0
EXIT_STEP_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_CHECK_FOUND_PROBLEM = 3

EXIT_MEANINGS = {
    EXIT_OK: "done, including nothing to do",
    EXIT_STEP_FAILED: "a step failed or the run was interrupted; every database is as it was",
    EXIT_BAD_INPUT: "bad usage or bad input (database, version, files); nothing changed",
    EXIT_CHECK_FOUND_PROBLEM: "check or verify found a problem (drift, an edited file, ...)",
}
"""What each exit code means, as ``--help`` and docs/cli-reference.md say it."""


def _statement(text: str) -> str:
    """Return a statement folded onto one line, shortened if long."""
    line = " ".join(text.split())
    return line if len(line) <= 160 else line[:157] + "..."


def message(problem: Problem) -> str:
    """Return the one-line message that names the database, file and statement of a failure."""
    match problem:
        case MalformedFileName(database=db, file=file, reason=reason):
            return f"{db}: malformed migration file name {file}: {reason}"
        case DuplicateStep(database=db, files=files):
            return f"{db}: two files claim the same step: {', '.join(files)}"
        case UnreachableStep(database=db, file=file, version=version):
            return (
                f"{db}: {file} starts at version {version}, "
                "which no path from an initial schema reaches"
            )
        case OrphanRollback(database=db, file=file):
            return f"{db}: rollback {file} undoes no forward step"
        case NoMigrations(database=db, folder=folder):
            return f"{db}: no migration files in {folder}"
        case UnknownDatabase(name=name, known=known):
            return f"unknown database {name!r}; expected one of: {', '.join(known)}"
        case BadVersion(text=text):
            return f"{text!r} is not a version (expected numbers separated by dots, e.g. 1.1)"
        case UnknownVersion(database=db, version=version, known=known):
            return f"{db}: unknown version {version}; known versions: {', '.join(known)}"
        case DatabaseAhead(database=db, version=version, latest=latest):
            return (
                f"{db}: database is at version {version}, newer than the latest "
                f"this tool knows ({latest}); update aifp-migrate or its migrations"
            )
        case NoPath(database=db, from_version=a, to_version=b, direction=direction):
            if direction == "down" and a == b:
                return f"{db}: version {a} has no earlier version to roll back to"
            return f"{db}: no {direction} path from version {a} to {b}"
        case NoRollback(database=db, file=file, from_version=a, to_version=b):
            return f"{db}: no rollback file for {file} (to go from {a} back to {b})"
        case ForbiddenStatement(database=db, file=file, line=line, statement=stmt, reason=why):
            return f"{db}: {file}:{line}: refused statement `{_statement(stmt)}`: {why}"
        case UnterminatedStatement(database=db, file=file, line=line, statement=stmt):
            return f"{db}: {file}:{line}: unterminated statement `{_statement(stmt)}`"
        case DatabaseMissing(database=db, path=path, why=why):
            return f"{db}: {path}: {why}"
        case ProjectNotFound(path=path, why=why):
            return f"no AIFP project at {path}: {why}; nothing was changed"
        case BadUsage(detail=detail):
            return detail
        case Unreadable(database=db, path=path, detail=detail):
            return f"{db}: {path}: cannot be used: {detail}; nothing was changed"
        case Unversioned(database=db, path=path):
            return (
                f"{db}: {path} has no schema_version: it is not an AIFP database "
                "this tool can migrate; nothing was changed"
            )
        case StepFailed(
            database=db, path=path, file=file, line=line, statement=stmt, sqlite_error=err
        ):
            return (
                f"{db}: {file}:{line}: `{_statement(stmt)}` failed: {err}; "
                f"{path} was rolled back and is unchanged"
            )
        case RowsRefused(database=db, path=path, file=file, line=line, rows=rows, more=more):
            return (
                f"{db}: {file}:{line}: refused rows the target version cannot hold: "
                f"{'; '.join(rows)}{' (and more)' if more else ''}; "
                f"{path} was rolled back and is unchanged"
            )
        case ConflictingObject(database=db, file=file, line=line, statement=stmt, reason=why):
            return (
                f"{db}: {file}:{line}: `{_statement(stmt)}` conflicts with the database: "
                f"{why}; everything was rolled back"
            )
        case RefusedAtRunTime(database=db, file=file, line=line, statement=stmt):
            return (
                f"{db}: {file}:{line}: refused statement `{_statement(stmt)}`: it would escape "
                "the tool's transaction or database; everything was rolled back"
            )
        case CheckFailed(database=db, path=path, check=check, detail=detail, step=step):
            after = "the steps" if step is None else f"step {step}"
            return (
                f"{db}: {path}: PRAGMA {check} failed after {after}: {detail}; "
                "everything was rolled back"
            )
        case RestoredUnverified(database=db, path=path, check=check, detail=detail, saved=saved):
            return (
                f"{db}: {path}: the live database was damaged; the backup was copied in with "
                f"SQLite's backup API, but PRAGMA {check} failed on the result: {detail}; "
                f"the replaced state is kept in {saved}"
            )
        case Environment(database=db, path=path, kind=kind, detail=detail):
            what = {
                "locked": "database is locked by another process (busy timeout passed)",
                "read_only": "cannot write",
                "disk_full": "disk full",
                "io": "I/O error",
            }.get(kind, kind)
            return f"{db}: {path}: {what}: {detail}; nothing was changed"
        case MigrationsUnreadable(path=path, detail=detail):
            return f"migrations folder {path}: {detail}"
        case CommitFailed(database=db, path=path, detail=detail, committed=committed):
            done = (
                f"already committed (migrated): {', '.join(committed)}; "
                if committed
                else "no database was committed; "
            )
            return f"{db}: {path}: COMMIT failed: {detail}; {done}the others were rolled back"
        case DriftRefused(database=db, path=path, version=version, differences=differences):
            return (
                f"{db}: {path}: drift: its structure differs from version {version}'s "
                f"({'; '.join(differences)}); --strict refuses to migrate it; nothing was changed"
            )
        case NotInvertible(database=db, file=file, from_version=a, to_version=b, reasons=why):
            return (
                f"{db}: {file} has no rollback file and its inverse (from {a} back to {b}) "
                f"cannot be computed: {'; '.join(why)}; write a rollback file for it; "
                "nothing was changed"
            )
        case UnreadableSource(path=path, reason=reason):
            return f"{path}: cannot read a schema from it: {reason}"
        case UnreadableDefinition(kind=kind, name=name, reason=reason):
            return f"{kind} {name}: cannot compute a migration for it: {reason}"
        case EditedAfterApplied(database=db, path=path, files=files):
            edited = ", ".join(
                f"{item.display} (applied with SHA-256 {item.recorded[:12]}…, "
                f"now {item.current[:12]}…)"
                for item in files
            )
            return (
                f"{db}: {path}: migration files were edited after they were applied: "
                f"{edited}; restore them to their applied text (see `aifp-migrate history "
                f"--db {db}`); nothing was changed"
            )
        case NoBackup(database=db, folder=folder):
            return f"{db}: no backup of the database in {folder}; nothing was changed"
        case BackupUnusable(database=db, backup=backup, reason=reason):
            return f"{db}: backup {backup} cannot be restored: {reason}; nothing was changed"
        case LossesNotConfirmed(losses=losses, asked=asked):
            how = (
                "not accepted at the prompt"
                if asked
                else "not accepted: run again with --yes to accept them"
            )
            listed = "".join(f"\n  {lost}" for lost in losses)  # one loss per line
            return f"the run would lose data; {how}; nothing was changed. It would lose:{listed}"
        case PlanChanged(database=db, path=path):
            return (
                f"{db}: {path}: another run changed the database after this run was planned; "
                "run again to see (and accept) what it would do now; nothing was changed"
            )
        case Interrupted(rolled_back=rolled, removed_backups=removed):
            backups = f"removed backups {', '.join(removed)}" if removed else "no backup left"
            return (
                f"interrupted: rolled back {', '.join(rolled) or 'nothing (no write had begun)'}; "
                f"{backups}; every database is as it was"
            )
        case ScanInterrupted():
            return _scan_interrupted(problem)
        case _:
            assert_never(problem)


def _scan_interrupted(problem: ScanInterrupted) -> str:
    if problem.found is None:
        return "interrupted while looking for projects: nothing was checked or changed"
    checked = f"interrupted: checked {problem.checked} of {problem.found} projects"
    if problem.checked < problem.found:
        checked += " (the others were not checked)"
    done = [f"migrated and committed {len(problem.migrated)}"] if problem.migrated else []
    if problem.rolled_back:
        done.append(f"rolled back {', '.join(problem.rolled_back)} (as they were)")
    if problem.not_started:
        done.append(f"{problem.not_started} more due for migration not started (as they were)")
    if not problem.migrated and not problem.rolled_back:
        return f"{checked}; {'; '.join([*done, 'nothing was changed'])}"
    return f"{checked}; {'; '.join(done)}; every other database is as it was"


def exit_code(problem: Problem) -> int:
    """Return the exit code SPEC.md gives a failure: 1 for a failed step, 2 for bad input."""
    match problem:
        case (
            StepFailed()
            | RowsRefused()
            | ConflictingObject()
            | CheckFailed()
            | RestoredUnverified()
            | Environment()
            | CommitFailed()
            | NotInvertible()
            | Interrupted()
            | ScanInterrupted()
            | LossesNotConfirmed()
            | PlanChanged()
        ):
            return EXIT_STEP_FAILED
        case (
            MalformedFileName()
            | DuplicateStep()
            | UnreachableStep()
            | OrphanRollback()
            | NoMigrations()
            | UnknownDatabase()
            | BadVersion()
            | UnknownVersion()
            | DatabaseAhead()
            | NoPath()
            | NoRollback()
            | ForbiddenStatement()
            | UnterminatedStatement()
            | DatabaseMissing()
            | ProjectNotFound()
            | BadUsage()
            | Unreadable()
            | Unversioned()
            | RefusedAtRunTime()
            | MigrationsUnreadable()
            | UnreadableSource()
            | UnreadableDefinition()
            | NoBackup()
            | BackupUnusable()
        ):
            return EXIT_BAD_INPUT
        case DriftRefused() | EditedAfterApplied():
            return EXIT_CHECK_FOUND_PROBLEM
        case _:
            assert_never(problem)


def error_json(problem: Problem) -> dict[str, str]:
    """Return the one JSON shape of a failure in every ``--json`` document: kind and message."""
    return {"kind": type(problem).__name__, "message": message(problem)}
