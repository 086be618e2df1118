"""Running a plan's statements inside a transaction the caller holds."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.checksums import meaning_checksum
from aifp_fp.idempotence import Conflict, ExistingObject, Skip, decide
from aifp_fp.plan import Plan, PlannedStep
from aifp_fp.sqltext import Statement
from aifp_fp.statement import FORBIDDEN_PRAGMAS, AddColumn, CreateObject, DropObject, classify
from aifp_fp.tables import VERSION_TABLE
from aifp_fp.value import Value
from aifp_shell.problems import (
    CheckFailed,
    ConflictingObject,
    Environment,
    Problem,
    RefusedAtRunTime,
    RowsRefused,
    StepFailed,
    Unreadable,
)
from aifp_shell.sqlite.applied import AppliedStep
from aifp_shell.sqlite.database import error_kind
from aifp_shell.sqlite.history_table import insert_history_row
from aifp_shell.sqlite.step_checks import IGNORE_CHECKS, StepChecks

StatementProgress = Callable[[PlannedStep, int], None]
"""Called with a step and how many of its statements ran, before each one and after the last."""


VERSION_DDL = """CREATE TABLE schema_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version TEXT NOT NULL,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP
)"""


def history_file_name(step: PlannedStep) -> str:
    """Return how ``schema_history`` names a step's file: ``<database>/<name in its folder>``."""
    return f"{step.source.database}/{step.source.name}"


_FORBIDDEN_PRAGMA_NAMES = frozenset(name.lower() for name in FORBIDDEN_PRAGMAS)


def _authorizer(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
    if action in (sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT):
        return sqlite3.SQLITE_DENY
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _FORBIDDEN_PRAGMA_NAMES:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() == "load_extension":
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


@contextmanager
def guarded(conn: sqlite3.Connection, checks: StepChecks | None = None) -> Iterator[None]:
    """Deny, while migration files run, what would escape the transaction or the database.

    With ``checks``, every table a statement (or a trigger it may fire) writes is recorded.
    """
    if checks is None:
        conn.set_authorizer(_authorizer)
    else:
        record = checks.record

        def recording(
            action: int, arg1: str | None, arg2: str | None, db: str | None, trigger: str | None
        ) -> int:
            record(action, arg1, arg2, db)
            return _authorizer(action, arg1, arg2, db, trigger)

        conn.set_authorizer(recording)
    try:
        yield
    finally:
        conn.set_authorizer(None)


def _existing(conn: sqlite3.Connection, name: str) -> ExistingObject | None:
    row = conn.execute(
        "SELECT type, name, sql FROM main.sqlite_master WHERE name = ? COLLATE NOCASE",
        (name,),
    ).fetchone()
    return None if row is None else ExistingObject(row[0], row[1], row[2])


_REFUSALS_SHOWN = 10
"""How many refused rows a message names (the rest are counted)."""


@attrs.frozen(slots=True, repr=False)
class _Refusal(Value):
    """Rows a step's guard query returned: rows the step cannot carry."""

    rows: tuple[str, ...]
    more: bool


def _refused_row(columns: Sequence[str], row: Sequence[object]) -> str:
    # A guard names (table, column, row id, constraint); any other shape is shown as is.
    if len(row) == 4:
        table, column, rowid, constraint = row
        return f"{table}.{column}, row id {rowid}: {constraint}"
    return ", ".join(f"{name}={value!r}" for name, value in zip(columns, row, strict=True))


def _statement_problem(
    database: str, path: Path, step: PlannedStep, statement: Statement, error: sqlite3.Error
) -> Problem:
    return statement_problem(database, path, step.source.display, statement, error)


def statement_problem(
    database: str, path: Path, file: str, statement: Statement, error: sqlite3.Error
) -> Problem:
    """Return what a failed statement of ``file`` (a step, or a label) is, by SQLite's error."""
    kind = error_kind(error)
    if kind == "auth":
        return RefusedAtRunTime(database, file, statement.line, statement.text)
    if kind in ("locked", "read_only", "disk_full", "io"):
        return Environment(database, str(path), kind, f"{file}:{statement.line}: {error}")
    if kind == "corrupt":
        return Unreadable(database, str(path), str(error))
    return StepFailed(database, str(path), file, statement.line, statement.text, str(error))


def _check_problem(database: str, path: Path, step: PlannedStep, error: sqlite3.Error) -> Problem:
    """Return what an SQLite error of the checks after a step stands for."""
    kind = error_kind(error)
    if kind == "corrupt":
        return Unreadable(database, str(path), str(error))
    if kind in ("locked", "read_only", "disk_full", "io"):
        return Environment(
            database, str(path), kind, f"checks after {step.source.display}: {error}"
        )
    return CheckFailed(database, str(path), "foreign_key_check", str(error), step.source.display)


def _run_statement(
    conn: sqlite3.Connection, statement: Statement
) -> Skip | Conflict | _Refusal | None:
    """Run one statement, or return why it is skipped, conflicts, or refuses rows.

    A statement that returns rows (a step's guard query, such as
    ``SELECT 't', 'c', id, 'NOT NULL' FROM t WHERE ...``) refuses them: the
    step cannot carry those rows, and the run fails before COMMIT.
    """
    kind = classify(statement)
    existing: ExistingObject | None = None
    match kind:
        case CreateObject(name=name) | DropObject(name=name):
            existing = _existing(conn, name)
        case AddColumn(table=table):
            existing = _existing(conn, table)
        case _:
            pass
    decision = decide(statement, kind, existing)
    if existing is not None and isinstance(decision, Skip | Conflict):
        from aifp_shell.sqlite.object_models import decision_by_model  # only when a target exists

        decision = decision_by_model(conn, statement, kind, existing) or decision
    if isinstance(decision, Skip | Conflict):
        return decision
    cursor = conn.execute(statement.text)
    if cursor.description is None or statement.words()[:1] != ("SELECT",):
        return None  # only a SELECT is a guard (not INSERT ... RETURNING or a PRAGMA)
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchmany(_REFUSALS_SHOWN + 1)
    cursor.close()
    if not rows:
        return None
    return _Refusal(
        tuple(_refused_row(columns, row) for row in rows[:_REFUSALS_SHOWN]),
        len(rows) > _REFUSALS_SHOWN,
    )


def _record(conn: sqlite3.Connection, step: PlannedStep, applied_at: str) -> None:
    if _existing(conn, VERSION_TABLE) is None:
        conn.execute(VERSION_DDL)
    version = str(step.to_version)
    updated = conn.execute(
        "UPDATE schema_version SET version = ?, updated_at = CURRENT_TIMESTAMP WHERE id = 1",
        (version,),
    )
    if updated.rowcount == 0:
        conn.execute("INSERT INTO schema_version (id, version) VALUES (1, ?)", (version,))
    insert_history_row(
        conn,
        step.direction,
        None if step.from_version is None else str(step.from_version),
        version,
        history_file_name(step),
        (step.checksum, meaning_checksum(step.source.text)),
        applied_at,
    )


def run_plan(
    conn: sqlite3.Connection,
    path: Path,
    plan: Plan,
    applied_at: str,
    progress: StatementProgress | None = None,
    checks: StepChecks | None = None,
) -> Result[tuple[AppliedStep, ...], Problem]:
    """Return the steps applied, running every statement of the plan one by one.

    The caller holds the transaction (BEGIN IMMEDIATE, foreign keys off) and
    commits or rolls back; this never does either. After each step the version
    is set to the step's target and the step is recorded in ``schema_history``;
    with ``checks``, the step's foreign keys are checked there (scoped to what
    it touched), so a step that breaks one is the one named.
    A statement whose effect already holds is skipped and reported.
    """
    applied: list[AppliedStep] = []
    for step in plan.steps:
        skipped: list[str] = []
        if checks is not None:
            checks.start(conn)
        for done, statement in enumerate(step.statements):
            if progress is not None:
                progress(step, done)
            try:
                with guarded(conn, checks):
                    outcome = _run_statement(conn, statement)
            except sqlite3.Error as error:
                return Failure(_statement_problem(plan.database, path, step, statement, error))
            match outcome:
                case Skip(reason=reason):
                    skipped.append(f"{step.source.display}:{statement.line}: skipped: {reason}")
                case Conflict(reason=reason):
                    return Failure(
                        ConflictingObject(
                            plan.database,
                            step.source.display,
                            statement.line,
                            statement.text,
                            reason,
                        )
                    )
                case _Refusal(rows=rows, more=more):
                    return Failure(
                        RowsRefused(
                            plan.database,
                            str(path),
                            step.source.display,
                            statement.line,
                            statement.text,
                            rows,
                            more,
                        )
                    )
                case None:
                    pass
        if progress is not None:
            progress(step, len(step.statements))
        try:
            # a step may skip CHECKs while it copies rows; the checks after it must not
            conn.execute(f"PRAGMA {IGNORE_CHECKS} = OFF")
            _record(conn, step, applied_at)
        except sqlite3.Error as error:
            kind = error_kind(error)
            return Failure(
                Environment(
                    plan.database,
                    str(path),
                    kind if kind in ("locked", "read_only", "disk_full") else "io",
                    f"cannot record version {step.to_version}: {error}",
                )
            )
        if checks is not None:
            try:
                broken = checks.finish(conn, step.source.display)
            except sqlite3.Error as error:
                return Failure(_check_problem(plan.database, path, step, error))
            if broken is not None:
                return Failure(broken)
        applied.append(
            AppliedStep(
                step.direction,
                None if step.from_version is None else str(step.from_version),
                str(step.to_version),
                step.source.display,
                tuple(skipped),
                step.losses,
            )
        )
    return Success(tuple(applied))
