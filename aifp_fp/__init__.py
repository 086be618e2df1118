"""aifp_fp: the pure core of aifp-migrate. It plans; it never touches a file or a database.

The public surface, for tools that embed the planner (see ``docs/embedding.md``):

- ``parse_migration_set(database, files)`` -> ``Result[MigrationSet, SetError]``:
  validate a database's migration files, given as ``(name, text)`` pairs or
  ``MigrationSource`` values.
- ``plan_migration(migration_set, current, target=None)`` -> ``Result[Plan, PlanError]``:
  the steps from a version to a target, up or down (``current=None``: create).
  ``plan_up``, ``plan_down`` and ``plan_create`` are the single-direction planners.
- ``describe_plan(plan, migration_set=None)`` -> ``PlanDescription``: the steps,
  files, directions and what the steps destroy (``Loss`` values). Total.
- ``Version`` and ``parse_version(text)`` -> ``Result[Version, BadVersionText]``.
- The error union: ``CoreError`` = ``SetError`` | ``PlanError``, each a closed
  union of small frozen classes; every failure is a value in a ``Result``.

Names are loaded on first use (PEP 562), so ``import aifp_fp`` costs almost
nothing and imports no I/O library.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aifp_fp.describe import Loss, PlanDescription, StepDescription, describe_plan
    from aifp_fp.embedding import parse_migration_set, plan_migration
    from aifp_fp.errors import (
        BadVersion,
        CoreError,
        DatabaseAhead,
        DuplicateStep,
        ForbiddenStatement,
        MalformedFileName,
        NoMigrations,
        NoPath,
        NoRollback,
        OrphanRollback,
        PlanError,
        SetError,
        UnknownDatabase,
        UnknownVersion,
        UnreachableStep,
        UnterminatedStatement,
    )
    from aifp_fp.files import MigrationSource
    from aifp_fp.graph import MigrationSet, build_migration_set
    from aifp_fp.plan import Plan, PlannedStep, plan_create, plan_down, plan_up
    from aifp_fp.version import BadVersionText, Version, parse_version

_HOME = {
    "aifp_fp.describe": ("Loss", "PlanDescription", "StepDescription", "describe_plan"),
    "aifp_fp.embedding": ("parse_migration_set", "plan_migration"),
    "aifp_fp.errors": (
        "BadVersion",
        "CoreError",
        "DatabaseAhead",
        "DuplicateStep",
        "ForbiddenStatement",
        "MalformedFileName",
        "NoMigrations",
        "NoPath",
        "NoRollback",
        "OrphanRollback",
        "PlanError",
        "SetError",
        "UnknownDatabase",
        "UnknownVersion",
        "UnreachableStep",
        "UnterminatedStatement",
    ),
    "aifp_fp.files": ("MigrationSource",),
    "aifp_fp.graph": ("MigrationSet", "build_migration_set"),
    "aifp_fp.plan": ("Plan", "PlannedStep", "plan_create", "plan_down", "plan_up"),
    "aifp_fp.version": ("BadVersionText", "Version", "parse_version"),
}
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}

__all__ = [
    "BadVersion",
    "BadVersionText",
    "CoreError",
    "DatabaseAhead",
    "DuplicateStep",
    "ForbiddenStatement",
    "Loss",
    "MalformedFileName",
    "MigrationSet",
    "MigrationSource",
    "NoMigrations",
    "NoPath",
    "NoRollback",
    "OrphanRollback",
    "Plan",
    "PlanDescription",
    "PlanError",
    "PlannedStep",
    "SetError",
    "StepDescription",
    "UnknownDatabase",
    "UnknownVersion",
    "UnreachableStep",
    "UnterminatedStatement",
    "Version",
    "build_migration_set",
    "describe_plan",
    "parse_migration_set",
    "parse_version",
    "plan_create",
    "plan_down",
    "plan_migration",
    "plan_up",
]


def __getattr__(name: str) -> Any:
    """Return a public name, importing the module that defines it on first use."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'aifp_fp' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Return the public names (for ``dir()`` and completion)."""
    return sorted([*__all__, *globals()])
