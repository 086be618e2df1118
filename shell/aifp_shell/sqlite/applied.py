"""What the executor reports of a step it ran (kept apart so reports load no executor)."""

from __future__ import annotations

import attrs

from aifp_fp.value import Value


@attrs.frozen(slots=True, repr=False)
class AppliedStep(Value):
    """A step that ran: direction, versions, file, and the statements it skipped."""

    direction: str
    from_version: str | None
    to_version: str
    file: str
    skipped: tuple[str, ...]
    losses: tuple[str, ...] = ()
    """For a computed rollback: the data it cannot bring back."""
    sql: str | None = None
    """For a computed rollback in a dry run: the SQL it would run."""
