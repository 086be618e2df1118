"""Describing a plan for people and tools: its steps, files, directions and what they lose.

``describe_plan`` is total: every plan has a description. It reads only the
plan (and, when given, the migration set it came from); it runs nothing.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

from aifp_fp.graph import MigrationSet
from aifp_fp.losses import Loss, step_losses
from aifp_fp.plan import Direction, Plan, PlannedStep
from aifp_fp.sqltext import Statement
from aifp_fp.value import Value

__all__ = ["Loss", "PlanDescription", "StepDescription", "describe_plan", "statement_losses"]


RollbackKind: TypeAlias = Literal["hand_written", "none", "not_applicable"]
"""How a step can be undone: by a hand-written ``rollback/`` file, not at all, or
``not_applicable`` (the step is itself a rollback or an initial schema). The
computed-rollback work extends this with its own kind."""


@attrs.frozen(slots=True, repr=False)
class StepDescription(Value):
    """One step of a plan, as a person reads it."""

    direction: Direction
    from_version: str | None
    """``None`` when the step creates the database (an initial schema)."""
    to_version: str
    file: str
    checksum: str
    statements: int
    rollback: str | None
    """For an ``up`` step: the file that undoes it, when there is one."""
    rollback_kind: RollbackKind
    losses: tuple[Loss, ...]
    """What this step destroys (rows of dropped tables, values of dropped columns, rows
    deleted or rewritten), read from its statements alone (the schema before is not known)."""


@attrs.frozen(slots=True, repr=False)
class PlanDescription(Value):
    """A whole plan: database, direction, the versions it goes between, and each step."""

    database: str
    direction: Literal["up", "down", "create", "none"]
    start: str | None
    end: str
    steps: tuple[StepDescription, ...]
    files: tuple[str, ...]
    losses: tuple[Loss, ...]
    """Every step's losses, in plan order: what going back cannot restore."""

    def is_empty(self) -> bool:
        """Return whether the plan has nothing to do."""
        return not self.steps


def statement_losses(file: str, statement: Statement) -> tuple[Loss, ...]:
    """Return what one statement destroys when nothing is known of the schema before it
    (``aifp_fp.losses.step_losses`` of that statement alone)."""
    return step_losses(file, (statement,), None)


def _describe_step(step: PlannedStep, migration_set: MigrationSet | None) -> StepDescription:
    rollback: str | None = None
    kind: RollbackKind = "not_applicable"
    if step.direction == "up" and migration_set is not None:
        forward = next(
            (
                s
                for s in migration_set.steps
                if (s.from_version, s.to_version) == (step.from_version, step.to_version)
            ),
            None,
        )
        found = None if forward is None else migration_set.rollback_of(forward)
        rollback = None if found is None else found.source.display
        kind = "none" if found is None else "hand_written"
    elif step.direction == "up":
        kind = "none"
    losses = step_losses(step.source.display, step.statements, None)
    return StepDescription(
        step.direction,
        None if step.from_version is None else str(step.from_version),
        str(step.to_version),
        step.source.display,
        step.checksum,
        len(step.statements),
        rollback,
        kind,
        losses,
    )


def describe_plan(plan: Plan, migration_set: MigrationSet | None = None) -> PlanDescription:
    """Return a plan's description: direction, versions, steps, files and data losses.

    Give the ``migration_set`` the plan came from to have each ``up`` step name
    its rollback file (without it, ``rollback_kind`` is ``none`` for every up step).
    """
    steps = tuple(_describe_step(step, migration_set) for step in plan.steps)
    direction: Literal["up", "down", "create", "none"]
    if not steps:
        direction = "none"
    elif plan.start is None:
        direction = "create"
    elif steps[0].direction == "down":
        direction = "down"
    else:
        direction = "up"
    return PlanDescription(
        plan.database,
        direction,
        None if plan.start is None else str(plan.start),
        str(plan.end),
        steps,
        tuple(step.file for step in steps),
        tuple(loss for step in steps for loss in step.losses),
    )
