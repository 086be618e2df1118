"""``diff --apply``: run a computed migration on a database through the same safe path as ``up``.

Under ``BEGIN IMMEDIATE`` with foreign keys off, the database's live schema is
read, diffed against the target, checked with ``quick_check``, backed up, and
the statements run one by one under the executor's authorizer; an empty
``foreign_key_check`` and a passing ``quick_check`` come before ``COMMIT``.
Any failure rolls back and removes the backup, so the file is as it was;
so does Ctrl-C before ``COMMIT`` (``sqlite.interrupt``, as ``up``'s), reported
as ``Interrupted``.

It is not a versioned step: ``schema_version`` and ``schema_history`` are left
out of both schemas, so their structure and rows are never touched.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.diff import diff
from aifp_fp.ops import Migration
from aifp_fp.render import render_script
from aifp_fp.schema import Schema, fold
from aifp_fp.sqltext import split_statements
from aifp_fp.tables import TOOL_TABLES
from aifp_fp.value import Value
from aifp_shell.commands.diff.source import read_source
from aifp_shell.files.backup import make_backup
from aifp_shell.files.safe_io import discard
from aifp_shell.problems import (
    Interrupted,
    Problem,
    Unreadable,
    UnreadableSource,
)
from aifp_shell.sqlite.database import connect, environment_problem, quick_check
from aifp_shell.sqlite.executor import guarded, statement_problem
from aifp_shell.sqlite.interrupt import Interrupt, interruptible
from aifp_shell.sqlite.introspect import read_schema
from aifp_shell.sqlite.step_checks import StepChecks
from aifp_shell.sqlite.transaction import abandon, begin_write, final_checks

"""Tables of the versioned runner that ``diff --apply`` never changes (folded names)."""


@attrs.frozen(slots=True, repr=False)
class DiffApplied(Value):
    """What ``diff --apply`` did: the database, its backup (None when nothing changed), the work."""

    path: str
    backup: str | None
    migration: Migration
    script: str
    """The statements that ran, as an ``--as-step`` script."""


def without_versioning(schema: Schema) -> Schema:
    """Return ``schema`` without the runner's own tables and the objects on them."""
    return attrs.evolve(
        schema,
        tables=tuple(t for t in schema.tables if fold(t.name) not in TOOL_TABLES),
        indexes=tuple(i for i in schema.indexes if fold(i.table) not in TOOL_TABLES),
        triggers=tuple(t for t in schema.triggers if fold(t.table) not in TOOL_TABLES),
    )


def apply_diff(
    database_path: Path, to_path: Path, now: Callable[[], datetime]
) -> Result[DiffApplied, Problem]:
    """Return what turning the database's schema into TO's did, or why nothing changed.

    ``database_path`` must be an SQLite database file (a ``.sql`` script is
    bad input). An empty migration changes nothing and makes no backup.
    """
    database_path = database_path.absolute()
    if database_path.suffix.lower() == ".sql" or not database_path.is_file():
        why = "is a schema script" if database_path.suffix.lower() == ".sql" else "no such file"
        return Failure(
            UnreadableSource(str(database_path), f"--apply needs a database file as FROM ({why})")
        )
    target = read_source(to_path)
    if isinstance(target, Failure):
        return Failure(target.failure())
    wanted = without_versioning(target.unwrap())
    made: list[Path] = []
    begun: list[str] = []
    with interruptible() as interrupt:
        applied: Result[DiffApplied, Problem] | None = None
        with contextlib.suppress(KeyboardInterrupt):  # stopped: reported below
            applied = _apply(database_path, to_path.name, wanted, now, interrupt, made, begun)
        if applied is not None and not interrupt.stopped:
            return applied
        for backup in made:  # still under the handler: a second Ctrl-C is noted only
            discard(backup)
        return Failure(Interrupted(tuple(begun), tuple(map(str, made))))


def _apply(
    database_path: Path,
    to_name: str,
    wanted: Schema,
    now: Callable[[], datetime],
    interrupt: Interrupt,
    made: list[Path],
    begun: list[str],
) -> Result[DiffApplied, Problem]:
    """Return what turning the database's schema into ``wanted`` did, or why nothing changed.

    Raises ``KeyboardInterrupt`` on Ctrl-C, the transaction rolled back; the
    backup it wrote, if any, is in ``made``, and the database's name is in
    ``begun`` once its write transaction began (an earlier Ctrl-C rolled back nothing).
    """
    name = database_path.name
    label = f"diff to {to_name}"
    try:
        conn = connect(database_path, write=True)
    except sqlite3.Error as error:
        return Failure(environment_problem(name, database_path, error))
    interrupt.watch(conn)
    backup: Path | None = None

    def fail(problem: Problem) -> Result[DiffApplied, Problem]:
        abandon(conn)
        if backup is not None:
            discard(backup)
        return Failure(problem)

    try:
        problem = begin_write(conn, name, database_path)
        if problem is not None:
            return fail(problem)
        begun.append(name)
        computed = diff(without_versioning(read_schema(conn)), wanted)
        if isinstance(computed, Failure):
            return fail(computed.failure())
        migration = computed.unwrap()
        script = render_script(migration, wrapped=False)
        if not migration.operations:
            abandon(conn)
            return Success(DiffApplied(str(database_path), None, migration, script))
        damage = quick_check(conn)
        if damage is not None:
            return fail(Unreadable(name, str(database_path), damage))
        with interrupt.deferred():  # Ctrl-C stops the copy, or comes once its name is known
            made_now = make_backup(name, database_path, now(), interrupt.copying)
            if isinstance(made_now, Failure):
                return fail(made_now.failure())
            backup = made_now.unwrap()
            made.append(backup)
        checks = StepChecks(name, database_path)
        checks.start(conn)
        for statement in split_statements(script).statements:
            try:
                with guarded(conn, checks):
                    conn.execute(statement.text)
            except sqlite3.Error as error:
                return fail(statement_problem(name, database_path, label, statement, error))
        problem = checks.finish(conn, label) or final_checks(conn, checks)
        if problem is not None:
            return fail(problem)
        interrupt.check()  # a Ctrl-C an SQLite error above stood for stops the run here
        interrupt.hold()
        conn.execute("COMMIT")
        conn.close()
    except sqlite3.Error as error:
        return fail(environment_problem(name, database_path, error))
    except KeyboardInterrupt:
        abandon(conn)
        raise
    return Success(DiffApplied(str(database_path), str(backup), migration, script))
