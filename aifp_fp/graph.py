"""A database's migration set: its initial schemas, steps and rollbacks, validated."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
from returns.result import Failure, Result, Success

from aifp_fp.errors import (
    DuplicateStep,
    MalformedFileName,
    NoMigrations,
    OrphanRollback,
    SetError,
    UnreachableStep,
)
from aifp_fp.files import (
    ForwardStep,
    InitialSchema,
    MigrationFile,
    MigrationSource,
    PublishedShape,
    RollbackStep,
    parse_file,
)
from aifp_fp.value import Value
from aifp_fp.version import Version


@attrs.frozen(slots=True, cache_hash=True, repr=False)
class MigrationSet(Value):
    """The validated migration files of one database.

    Its hash is computed once: shells memoize per set, and a set holds every
    file's text.

    Every forward step goes up and starts at a version reachable from an
    initial schema (or from the lowest version, when there is none); no two
    files claim the same step; every rollback inverts an existing step.
    """

    database: str
    initials: tuple[InitialSchema, ...]
    steps: tuple[ForwardStep, ...]
    rollbacks: tuple[RollbackStep, ...]
    shapes: tuple[PublishedShape, ...] = ()
    """Every published shape of the set's versions (for recognition; never run)."""

    def shapes_of(self, version: Version) -> tuple[PublishedShape, ...]:
        """Return the published shapes of ``version``, in file-name order."""
        return tuple(shape for shape in self.shapes if shape.version == version)

    def versions(self) -> tuple[Version, ...]:
        """Return every version the set names, ascending."""
        found = {initial.version for initial in self.initials}
        for step in self.steps:
            found.update((step.from_version, step.to_version))
        return tuple(sorted(found))

    def sources(self) -> tuple[MigrationSource, ...]:
        """Return every file of the set: initial schemas, then steps, then rollbacks."""
        return (
            *(initial.source for initial in self.initials),
            *(step.source for step in self.steps),
            *(rollback.source for rollback in self.rollbacks),
        )

    def latest(self) -> Version:
        """Return the highest version the set names."""
        return self.versions()[-1]

    def roots(self) -> tuple[Version, ...]:
        """Return the versions a path may start from: the initial schemas' (else the lowest)."""
        if self.initials:
            return tuple(sorted(initial.version for initial in self.initials))
        return self.versions()[:1]

    def steps_from(self, version: Version) -> tuple[ForwardStep, ...]:
        """Return the forward steps that start at ``version``, by target ascending."""
        return tuple(
            sorted(
                (step for step in self.steps if step.from_version == version),
                key=lambda step: step.to_version,
            )
        )

    def steps_to(self, version: Version) -> tuple[ForwardStep, ...]:
        """Return the forward steps that end at ``version``, by origin ascending."""
        return tuple(
            sorted(
                (step for step in self.steps if step.to_version == version),
                key=lambda step: step.from_version,
            )
        )

    def rollback_of(self, step: ForwardStep) -> RollbackStep | None:
        """Return the hand-written rollback of a forward step, if there is one."""
        for rollback in self.rollbacks:
            if (rollback.from_version, rollback.to_version) == (
                step.to_version,
                step.from_version,
            ):
                return rollback
        return None

    def initial_for(self, target: Version) -> InitialSchema | None:
        """Return the newest initial schema at or below ``target``, if any."""
        eligible = [initial for initial in self.initials if initial.version <= target]
        return max(eligible, key=lambda initial: initial.version) if eligible else None


def _duplicates(
    database: str, keyed: Iterable[tuple[object, MigrationSource]]
) -> DuplicateStep | None:
    seen: dict[object, list[str]] = {}
    for key, source in keyed:
        seen.setdefault(key, []).append(source.display)
    for files in seen.values():
        if len(files) > 1:
            return DuplicateStep(database, tuple(sorted(files)))
    return None


def _reachable(roots: tuple[Version, ...], steps: tuple[ForwardStep, ...]) -> set[Version]:
    reached = set(roots)
    frontier = list(roots)
    while frontier:
        version = frontier.pop()
        for step in steps:
            if step.from_version == version and step.to_version not in reached:
                reached.add(step.to_version)
                frontier.append(step.to_version)
    return reached


def build_migration_set(
    database: str, sources: Iterable[MigrationSource], folder: str
) -> Result[MigrationSet, SetError]:
    """Return the validated migration set of a database from its files' names and texts.

    Fails on the first problem found, in this order: a malformed name, no
    files at all, two files for one step, a rollback of no step, a step no
    path reaches.
    """
    files: list[MigrationFile] = []
    for source in sorted(sources, key=lambda s: s.name):
        match parse_file(source):
            case Success(file):
                files.append(file)
            case Failure(error):
                return Failure(error)
            case _:  # pragma: no cover - Result has two cases
                raise AssertionError
    initials = tuple(f for f in files if isinstance(f, InitialSchema))
    steps = tuple(f for f in files if isinstance(f, ForwardStep))
    rollbacks = tuple(f for f in files if isinstance(f, RollbackStep))
    shapes = tuple(f for f in files if isinstance(f, PublishedShape))
    if not initials and not steps:
        return Failure(NoMigrations(database, folder))
    duplicate = (
        _duplicates(database, ((i.version, i.source) for i in initials))
        or _duplicates(database, (((s.from_version, s.to_version), s.source) for s in steps))
        or _duplicates(database, (((r.from_version, r.to_version), r.source) for r in rollbacks))
    )
    if duplicate is not None:
        return Failure(duplicate)
    forward_keys = {(step.from_version, step.to_version) for step in steps}
    for rollback in rollbacks:
        if (rollback.to_version, rollback.from_version) not in forward_keys:
            return Failure(OrphanRollback(database, rollback.source.display))
    migration_set = MigrationSet(database, initials, steps, rollbacks, shapes)
    reached = _reachable(migration_set.roots(), steps)
    for step in sorted(steps, key=lambda s: (s.from_version, s.to_version)):
        if step.from_version not in reached:
            return Failure(UnreachableStep(database, step.source.display, str(step.from_version)))
    for shape in shapes:
        if shape.version not in reached:
            return Failure(
                MalformedFileName(
                    database,
                    shape.source.display,
                    f"a published shape of version {shape.version}, which no path reaches",
                )
            )
    return Success(migration_set)
