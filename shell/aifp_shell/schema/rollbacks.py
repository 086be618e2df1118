"""The rollback of each forward step: its file, or its inverse computed from replayed schemas.

The schemas before and after a step come from ``expected.schema_at`` (the
chain replayed in memory); the pure ``aifp_fp.inverse`` turns them into the
inverse or says why it would lose data. ``down`` and ``verify`` both use this.

The statement-by-statement inverse (``invert_statements``) is preferred when
the step has one and it is proven here: run on a replay of the step's target
version, it must give back exactly the structure before the step. Otherwise
the schema diff's inverse is used, as before.
"""

from __future__ import annotations

import sqlite3

from returns.result import Failure, Result, Success

from aifp_fp.computed import ComputedRollback, ComputedRollbacks, RollbackChoice
from aifp_fp.errors import NotInvertible
from aifp_fp.files import ForwardStep, MigrationSource
from aifp_fp.graph import MigrationSet
from aifp_fp.inverse import compute_rollback, invert_statements
from aifp_fp.plan import plan_create
from aifp_fp.schema import Schema, schema_differences
from aifp_fp.version import Version
from aifp_shell.messages import message
from aifp_shell.problems import Problem
from aifp_shell.schema.expected import replay, schema_at
from aifp_shell.sqlite.introspect import read_schema


def _restores(
    migration_set: MigrationSet, step: ForwardStep, inverse: ComputedRollback, before: Schema
) -> bool:
    """Return whether ``inverse``, run on a replay at the step's target, rebuilds ``before``."""
    planned = plan_create(migration_set, step.to_version)
    if isinstance(planned, Failure):
        return False
    replayed = replay(planned.unwrap())
    if isinstance(replayed, Failure):
        return False
    conn = replayed.unwrap()
    try:
        conn.execute("BEGIN")
        for statement in inverse.statements:
            conn.execute(statement)
        return schema_differences(before, read_schema(conn)) == ()
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def computed_rollback(migration_set: MigrationSet, step: ForwardStep) -> RollbackChoice:
    """Return the computed inverse of ``step``, or why it cannot be computed safely.

    The file, if the step has one, is not looked at: this is the inverse the
    tool would compute for it.
    """

    def schema(version: Version) -> Schema | NotInvertible:
        found = schema_at(migration_set, version)
        if isinstance(found, Failure):
            why = f"the schema at version {version} cannot be rebuilt: {message(found.failure())}"
            return NotInvertible(
                migration_set.database,
                step.source.display,
                str(step.to_version),
                str(step.from_version),
                (why,),
            )
        built: Schema = found.unwrap()
        return built

    before = schema(step.from_version)
    if isinstance(before, NotInvertible):
        return before
    after = schema(step.to_version)
    if isinstance(after, NotInvertible):
        return after
    by_statement = invert_statements(step, before)
    if by_statement is not None and _restores(migration_set, step, by_statement, before):
        return by_statement
    result = compute_rollback(step, before, after)
    match result:
        case Success(inverse):
            computed: ComputedRollback = inverse
            return computed
        case Failure(refused):
            why: NotInvertible = refused
            return why
    raise AssertionError(result)  # pragma: no cover - Result has two cases


def computed_rollbacks(migration_set: MigrationSet) -> ComputedRollbacks:
    """Return, for every step without a rollback file, its computed inverse or why there is none.

    Keyed by the step's (from_version, to_version), as ``plan_down`` expects.
    Sets whose steps all have files cost nothing.
    """
    return {
        (step.from_version, step.to_version): computed_rollback(migration_set, step)
        for step in migration_set.steps
        if migration_set.rollback_of(step) is None
    }


def rollback_source(
    migration_set: MigrationSet, step: ForwardStep
) -> Result[MigrationSource, Problem]:
    """Return what undoes ``step``: its rollback file, else its computed inverse, else why not."""
    rollback = migration_set.rollback_of(step)
    if rollback is not None:
        return Success(rollback.source)
    choice = computed_rollback(migration_set, step)
    if isinstance(choice, NotInvertible):
        return Failure(choice)
    return Success(choice.source())
