"""Describing a plan for people and tools: its steps, files, directions and what they lose.

``describe_plan`` is total: every plan has a description. It reads only the
plan (and, when given, the migration set it came from); it runs nothing.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

from aifp_fp.graph import MigrationSet
from aifp_fp.plan import Direction, Plan, PlannedStep
from aifp_fp.sqltext import Statement, TokenKind, ascii_upper, meaningful, name_of
from aifp_fp.statement import DropObject, classify

_NAME_KINDS = frozenset({TokenKind.WORD, TokenKind.QUOTED_NAME, TokenKind.STRING})


@attrs.frozen(slots=True)
class Loss:
    """Data a step destroys, which running the opposite direction cannot bring back.

    ``kind`` is ``table`` (every row of ``table``) or ``column`` (every value of
    ``table.column``); ``line`` is where the destroying statement starts in ``file``.
    """

    kind: Literal["table", "column"]
    table: str
    column: str | None
    file: str
    line: int


RollbackKind: TypeAlias = Literal["hand_written", "none", "not_applicable"]
"""How a step can be undone: by a hand-written ``rollback/`` file, not at all, or
``not_applicable`` (the step is itself a rollback or an initial schema). The
computed-rollback work extends this with its own kind."""


@attrs.frozen(slots=True)
class StepDescription:
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
    """What this step destroys (rows of dropped tables, values of dropped columns)."""


@attrs.frozen(slots=True)
class PlanDescription:
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
    """Return what one statement destroys: a dropped table's rows or a dropped column's values.

    Views, indexes and triggers hold no data of their own, so dropping them
    loses nothing that their CREATE cannot rebuild.
    """
    match classify(statement):
        case DropObject(object_type="table", name=name):
            return (Loss("table", name, None, file, statement.line),)
        case _:
            pass
    tokens = tuple(t for t in meaningful(statement.tokens) if t.kind is not TokenKind.SEMICOLON)
    words = [ascii_upper(t.text) if t.kind is TokenKind.WORD else t.text for t in tokens]
    if words[:2] != ["ALTER", "TABLE"] or len(tokens) < 5:
        return ()
    at = 4 if words[3] == "." else 2  # skip a ``schema.`` prefix
    table = name_of(tokens[at])
    rest = words[at + 1 :]
    if rest[:1] != ["DROP"]:
        return ()
    column_at = at + 3 if rest[1:2] == ["COLUMN"] else at + 2
    if column_at >= len(tokens) or tokens[column_at].kind not in _NAME_KINDS:
        return ()
    return (Loss("column", table, name_of(tokens[column_at]), file, statement.line),)


def _rebuilt_later(statements: tuple[Statement, ...], table: str) -> bool:
    """Whether a later statement renames another table to ``table`` (SQLite's rebuild: the
    dropped table's rows were copied into the new one first, so nothing is lost)."""
    for statement in statements:
        tokens = tuple(t for t in meaningful(statement.tokens) if t.kind is not TokenKind.SEMICOLON)
        words = [ascii_upper(t.text) if t.kind is TokenKind.WORD else t.text for t in tokens]
        renames = words[:2] == ["ALTER", "TABLE"] and words[-3:-1] == ["RENAME", "TO"]
        if renames and name_of(tokens[-1]).lower() == table.lower():
            return True
    return False


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
    destroyed = [
        (index, loss)
        for index, statement in enumerate(step.statements)
        for loss in statement_losses(step.source.display, statement)
    ]
    losses = tuple(
        loss
        for index, loss in destroyed
        if not (loss.kind == "table" and _rebuilt_later(step.statements[index + 1 :], loss.table))
    )
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
