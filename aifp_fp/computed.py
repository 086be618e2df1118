"""Computed rollbacks as values: a step's computed inverse, or why there is none.

Kept apart from ``aifp_fp.inverse`` (which computes them with the differ) so
that planning can name these values without loading the differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

import attrs

from aifp_fp.errors import NotInvertible
from aifp_fp.files import ROLLBACK_FOLDER, ForwardStep, MigrationSource
from aifp_fp.value import Value
from aifp_fp.version import Version


@attrs.frozen(slots=True, repr=False)
class ComputedRollback(Value):
    """The computed inverse of a forward step: its statements and the data it cannot keep."""

    step: ForwardStep
    statements: tuple[str, ...]
    losses: tuple[str, ...]
    """What running the inverse throws away, one readable line each."""
    text: str
    """The inverse as a migration file (``diff --as-step`` form)."""

    def source(self) -> MigrationSource:
        """Return the inverse as a migration source the planner and runner can use."""
        step = self.step
        slug = f"_{step.slug}" if step.slug else ""
        name = f"{ROLLBACK_FOLDER}/v{step.to_version}_to_v{step.from_version}{slug}.sql (computed)"
        display = f"computed inverse of {step.source.display}"
        return MigrationSource(step.source.database, name, display, self.text)


RollbackChoice: TypeAlias = ComputedRollback | NotInvertible
"""For a step without a rollback file: its computed inverse, or why there is none."""

ComputedRollbacks: TypeAlias = Mapping[tuple[Version, Version], RollbackChoice]
"""Computed inverses keyed by the forward step's (from_version, to_version)."""
