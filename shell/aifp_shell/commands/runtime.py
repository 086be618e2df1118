"""``Runtime``: what every command is given from the outside world (built by ``bootstrap``).

Apart from ``commands/migrate.py`` so a command that only reads (``check``)
does not load the runner to receive it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeAlias

import attrs

from aifp_fp.value import Value
from aifp_shell.files.locate import Places
from aifp_shell.files.retention import DEFAULT_KEEP_BACKUPS

if TYPE_CHECKING:  # loaded where used, so check does not pay for them
    from datetime import datetime

    from aifp_shell.commands.reports import DatabaseRun
    from aifp_shell.files.backup import ProgressCallback

Clock: TypeAlias = "Callable[[], datetime]"
"""Returns the current moment (timezone-aware)."""

BackupProgress: TypeAlias = "Callable[[str], ProgressCallback | None]"
"""Given a database name, returns a progress callback for its backup (or None)."""


ConfirmLosses: TypeAlias = "Callable[[tuple[DatabaseRun, ...]], LossAnswer]"
"""Given the planned runs (their steps name their losses), returns whether to go ahead."""


@attrs.frozen(slots=True, repr=False)
class LossAnswer(Value):
    """The answer to a run that loses data: go ahead or not, and whether a person answered."""

    accepted: bool
    asked: bool


class WorkProgress(Protocol):
    """Shows a run's long work (steps, table rebuilds, checks), one stage at a time."""

    def stage(self, label: str, done: int, total: int | None) -> None:
        """Show ``label`` with ``done`` of ``total`` units (None: a count not known)."""

    def close(self) -> None:
        """Remove what is shown."""


def system_clock() -> datetime:
    """Return the current moment from the system clock, in local time."""
    from datetime import datetime

    return datetime.now().astimezone()


def utc_now_text(runtime: Runtime) -> str:
    """Return the run's clock reading as UTC ISO 8601 text, for schema_history rows."""
    from datetime import UTC

    return runtime.clock().astimezone(UTC).isoformat(timespec="seconds")


@attrs.frozen(slots=True, repr=False)
class Runtime(Value):
    """What a run needs from the outside world, built once by the composition root."""

    places: Places
    clock: Clock = system_clock
    backup_progress: BackupProgress | None = None
    work_progress: WorkProgress | None = None
    keep_backups: int = DEFAULT_KEEP_BACKUPS
    """Backups kept per database after a successful run; older ones are pruned."""
    confirm_losses: ConfirmLosses | None = None
    """Asked, before anything is locked or written, to accept a run that loses data (each
    database's planned steps name their losses); ``None`` refuses every such run."""


def _accepted(_: tuple[DatabaseRun, ...]) -> LossAnswer:
    return LossAnswer(accepted=True, asked=False)


def losses_runtime(places: Places, accept_losses: bool) -> Runtime:
    """Return a plain runtime (no progress bar) that accepts runs losing data, or refuses them."""
    return Runtime(places, confirm_losses=_accepted if accept_losses else None)
