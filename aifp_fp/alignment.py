"""Aligning a database at an earlier published shape of its version with the latest one.

AIFP sometimes changed a schema without changing its version (user_directives
1.2 was published twice). A database at such an earlier shape of the version
it is at, when there is no step left to run, is brought to the structure the
migration set builds at that version by the differ: ``diff(shape, expected)``
as one computed step from the version to itself. Forward steps handle earlier
shapes of their own start version themselves. An alignment that would drop
data (a table or column the earlier shape has and the latest does not) is never
made: such a database stays as it is, recognised at its version.
"""

from __future__ import annotations

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.errors import DiffError, ForbiddenStatement, UnterminatedStatement
from aifp_fp.files import SHAPES_FOLDER, MigrationSource
from aifp_fp.plan import Plan, PlannedStep, prepare_step
from aifp_fp.schema import Schema, schema_differences
from aifp_fp.version import Version

AlignmentError = DiffError | ForbiddenStatement | UnterminatedStatement


def alignment_step(
    database: str, folder: str, version: Version, slug: str, shape: Schema, expected: Schema
) -> Result[PlannedStep | None, AlignmentError]:
    """Return the computed step that takes published shape ``slug`` of ``version`` to ``expected``.

    ``None`` when that would lose data (the differ notes what it cannot keep), or
    when the two differ only in column order (rebuilding a table for that is not
    worth its cost: ``up`` brings a database to the latest shape, column order aside).
    ``folder`` is how messages name the database's migrations folder (ending in ``/``).
    """
    from aifp_fp.diff import diff  # the differ loads only when a database needs aligning
    from aifp_fp.render import render_script

    if all(line.endswith(": column order differs") for line in schema_differences(shape, expected)):
        return Success(None)  # the same structure, columns in another order: nothing to align
    found = diff(shape, expected)
    if isinstance(found, Failure):
        return Failure(found.failure())
    migration = found.unwrap()
    if migration.notes:
        return Success(None)
    name = f"{SHAPES_FOLDER}/v{version}_{slug}.sql"
    text = (
        f"-- Computed: published shape {slug} of {database} {version} to the latest {version}.\n"
        + render_script(migration, wrapped=False)
    )
    source = MigrationSource(database, name, f"{folder}{name} (computed alignment)", text)
    prepared: Result[PlannedStep | None, AlignmentError] = prepare_step(
        source, "up", version, version
    ).map(lambda step: attrs.evolve(step, computed=True))
    return prepared


def aligned(plan: Plan, step: PlannedStep) -> Plan:
    """Return ``plan`` (empty, at ``step``'s version) with the alignment step as its only step."""
    assert plan.is_empty() and plan.end == step.to_version
    return attrs.evolve(plan, steps=(step,))
