"""Plans: the ordered steps that take a database from its version to a target."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Literal

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.computed import ComputedRollback, ComputedRollbacks
from aifp_fp.errors import (
    DatabaseAhead,
    ForbiddenStatement,
    NoPath,
    NoRollback,
    NotInvertible,
    PlanError,
    UnknownVersion,
    UnterminatedStatement,
)
from aifp_fp.files import ForwardStep, MigrationSource, checksum
from aifp_fp.graph import MigrationSet
from aifp_fp.sqltext import Statement, split_statements
from aifp_fp.statement import refusal
from aifp_fp.value import Value
from aifp_fp.version import Version

Direction = Literal["init", "up", "down"]
_StepSpec = tuple[Direction, MigrationSource, Version | None, Version]


@attrs.frozen(slots=True, repr=False)
class PlannedStep(Value):
    """One file to run: its direction, versions, statements and checksum.

    ``from_version`` is ``None`` for an initial schema (the database is new).
    """

    direction: Direction
    from_version: Version | None
    to_version: Version
    source: MigrationSource
    statements: tuple[Statement, ...]
    checksum: str
    computed: bool = False
    """Whether the source is a computed inverse rather than a file."""
    losses: tuple[str, ...] = ()
    """For a computed inverse: the data it cannot bring back."""


@attrs.frozen(slots=True, repr=False)
class Plan(Value):
    """The steps that take one database from ``start`` to ``end``, in order."""

    database: str
    start: Version | None
    end: Version
    steps: tuple[PlannedStep, ...]

    def is_empty(self) -> bool:
        """Return whether there is nothing to do."""
        return not self.steps


def prepare_step(
    source: MigrationSource, direction: Direction, from_version: Version | None, to: Version
) -> Result[PlannedStep, ForbiddenStatement | UnterminatedStatement]:
    """Return a file split into statements, or the first statement it may not run."""
    # A BOM (a Windows editor's) would hide the first statement's kind from the runner.
    script = split_statements(source.text.removeprefix("\ufeff"))
    for statement in script.statements:
        reason = refusal(statement)
        if reason is not None:
            return Failure(
                ForbiddenStatement(
                    source.database, source.display, statement.line, statement.text, reason
                )
            )
    if script.unterminated is not None:
        tail = script.unterminated
        return Failure(UnterminatedStatement(source.database, source.display, tail.line, tail.text))
    return Success(
        PlannedStep(direction, from_version, to, source, script.statements, checksum(source.text))
    )


def find_path(
    migration_set: MigrationSet,
    start: Version,
    end: Version,
    usable: Callable[[ForwardStep], bool] | None = None,
) -> tuple[ForwardStep, ...] | None:
    """Return the shortest chain of forward steps from ``start`` up to ``end``, if any.

    Only steps for which ``usable`` holds are taken (all, when it is None).
    Among chains of equal length the one found first in ascending target order
    wins, so the answer is the same on every run.
    """
    if start == end:
        return ()
    came_from: dict[Version, ForwardStep] = {}
    queue = deque([start])
    while queue:
        version = queue.popleft()
        for step in migration_set.steps_from(version):
            if step.to_version in came_from or step.to_version == start:
                continue
            if usable is not None and not usable(step):
                continue
            came_from[step.to_version] = step
            if step.to_version == end:
                path: list[ForwardStep] = []
                at = end
                while at != start:
                    path.append(came_from[at])
                    at = came_from[at].from_version
                return tuple(reversed(path))
            queue.append(step.to_version)
    return None


def _unknown(migration_set: MigrationSet, version: Version) -> UnknownVersion:
    known = tuple(str(v) for v in migration_set.versions())
    return UnknownVersion(migration_set.database, str(version), known)


def _known(migration_set: MigrationSet, version: Version) -> Result[Version, PlanError]:
    versions = migration_set.versions()
    if version in versions:
        return Success(version)
    if version > versions[-1]:
        return Failure(DatabaseAhead(migration_set.database, str(version), str(versions[-1])))
    return Failure(_unknown(migration_set, version))


def _prepared(
    database: str,
    start: Version | None,
    end: Version,
    steps: list[_StepSpec],
) -> Result[Plan, PlanError]:
    prepared: list[PlannedStep] = []
    for direction, source, a, b in steps:
        match prepare_step(source, direction, a, b):
            case Success(step):
                prepared.append(step)
            case Failure(error):
                return Failure(error)
            case _:  # pragma: no cover
                raise AssertionError
    return Success(Plan(database, start, end, tuple(prepared)))


def path_up(
    migration_set: MigrationSet, current: Version, target: Version | None = None
) -> Result[tuple[ForwardStep, ...], PlanError]:
    """Return the steps from ``current`` up to ``target`` (default: the latest version).

    The files are not split into statements: what ``check`` lists as pending
    needs only the steps (``plan_up`` prepares them to run).
    """
    database = migration_set.database

    def with_target(start: Version) -> Result[tuple[ForwardStep, ...], PlanError]:
        end = target if target is not None else migration_set.latest()
        if end < start:
            return Failure(NoPath(database, str(start), str(end), "up"))
        path = find_path(migration_set, start, end)
        if path is None:
            return Failure(NoPath(database, str(start), str(end), "up"))
        return Success(path)

    if target is not None and target not in migration_set.versions():
        return Failure(_unknown(migration_set, target))
    return _known(migration_set, current).bind(with_target)


def plan_up(
    migration_set: MigrationSet, current: Version, target: Version | None = None
) -> Result[Plan, PlanError]:
    """Return the plan from ``current`` up to ``target`` (default: the latest version)."""
    end = target if target is not None else migration_set.latest()
    return path_up(migration_set, current, target).bind(
        lambda path: _prepared(
            migration_set.database,
            current,
            end,
            [("up", s.source, s.from_version, s.to_version) for s in path],
        )
    )


def previous_version(migration_set: MigrationSet, current: Version) -> Version | None:
    """Return the version one rollback below ``current``: the highest that steps up to it."""
    below = migration_set.steps_to(current)
    return below[-1].from_version if below else None


def plan_down(
    migration_set: MigrationSet,
    current: Version,
    target: Version | None = None,
    computed: ComputedRollbacks | None = None,
) -> Result[Plan, PlanError]:
    """Return the plan from ``current`` down to ``target`` (default: one step down).

    Each step is undone by its rollback file or, for a step without one, by its
    entry in ``computed`` (keyed by the step's from and to versions): a
    computed inverse, or why none can be made (``NotInvertible``). A step
    with neither is ``NoRollback``. Paths whose steps all have files are
    preferred, then paths whose every step can be undone.
    """
    database = migration_set.database
    inverses: ComputedRollbacks = computed if computed is not None else {}

    def has_file(step: ForwardStep) -> bool:
        return migration_set.rollback_of(step) is not None

    def invertible(step: ForwardStep) -> bool:
        entry = inverses.get((step.from_version, step.to_version))
        return has_file(step) or isinstance(entry, ComputedRollback)

    def with_target(start: Version) -> Result[Plan, PlanError]:
        end = target if target is not None else previous_version(migration_set, start)
        if end is None or end > start:
            return Failure(NoPath(database, str(start), str(end or start), "down"))
        path = (
            find_path(migration_set, end, start, has_file)
            or find_path(migration_set, end, start, invertible)
            or find_path(migration_set, end, start)
        )
        if path is None:
            return Failure(NoPath(database, str(start), str(end), "down"))
        steps: list[_StepSpec] = []
        losses: list[tuple[str, ...] | None] = []
        for step in reversed(path):
            rollback = migration_set.rollback_of(step)
            if rollback is not None:
                steps.append(("down", rollback.source, step.to_version, step.from_version))
                losses.append(None)
                continue
            match inverses.get((step.from_version, step.to_version)):
                case ComputedRollback() as inverse:
                    steps.append(("down", inverse.source(), step.to_version, step.from_version))
                    losses.append(inverse.losses)
                case NotInvertible() as refused:
                    return Failure(refused)
                case None:
                    return Failure(
                        NoRollback(
                            database,
                            step.source.display,
                            str(step.to_version),
                            str(step.from_version),
                        )
                    )
        return _prepared(database, start, end, steps).map(
            lambda plan: attrs.evolve(
                plan,
                steps=tuple(
                    step if lost is None else attrs.evolve(step, computed=True, losses=lost)
                    for step, lost in zip(plan.steps, losses, strict=True)
                ),
            )
        )

    if target is not None and target not in migration_set.versions():
        return Failure(_unknown(migration_set, target))
    return _known(migration_set, current).bind(with_target)


def plan_create(
    migration_set: MigrationSet, target: Version | None = None
) -> Result[Plan, PlanError]:
    """Return the plan that builds a new database: an initial schema, then steps up to target.

    It starts from the newest initial schema at or below the target that has a path to it.
    """
    database = migration_set.database
    end = target if target is not None else migration_set.latest()
    candidates = sorted(
        (initial for initial in migration_set.initials if initial.version <= end),
        key=lambda initial: initial.version,
        reverse=True,
    )
    if not candidates:
        return Failure(NoPath(database, "nothing", str(end), "up"))
    for initial in candidates:  # the newest initial schema that has a path to the target
        path = find_path(migration_set, initial.version, end)
        if path is not None:
            break
    else:
        return Failure(NoPath(database, str(candidates[0].version), str(end), "up"))
    steps: list[_StepSpec] = [("init", initial.source, None, initial.version)]
    steps.extend(("up", s.source, s.from_version, s.to_version) for s in path)
    return _prepared(database, None, end, steps)


def check_every_file(migration_set: MigrationSet) -> Result[None, PlanError]:
    """Return whether every file of a set may run: the first refused or unterminated statement.

    Checking all files up front lets a command refuse a bad set before it
    locks, backs up or writes anything.
    """
    files: list[tuple[MigrationSource, Version]] = [
        (initial.source, initial.version) for initial in migration_set.initials
    ]
    files += [(step.source, step.to_version) for step in migration_set.steps]
    files += [(rollback.source, rollback.to_version) for rollback in migration_set.rollbacks]
    for source, version in files:
        prepared = prepare_step(source, "up", None, version)
        if isinstance(prepared, Failure):
            return Failure(prepared.failure())
    return Success(None)
