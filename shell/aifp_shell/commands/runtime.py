"""``Runtime``: what every command is given from the outside world (built by ``bootstrap``).

Apart from ``commands/migrate.py`` so a command that only reads (``check``)
does not load the runner to receive it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

import attrs

from aifp_shell.files.locate import Places
from aifp_shell.files.retention import DEFAULT_KEEP_BACKUPS

if TYPE_CHECKING:  # loaded where used, so check does not pay for them
    from datetime import datetime

    from aifp_shell.files.backup import ProgressCallback

Clock: TypeAlias = "Callable[[], datetime]"
"""Returns the current moment (timezone-aware)."""

BackupProgress: TypeAlias = "Callable[[str], ProgressCallback | None]"
"""Given a database name, returns a progress callback for its backup (or None)."""


def system_clock() -> datetime:
    """Return the current moment from the system clock, in local time."""
    from datetime import datetime

    return datetime.now().astimezone()


@attrs.frozen(slots=True)
class Runtime:
    """What a run needs from the outside world, built once by the composition root."""

    places: Places
    clock: Clock = system_clock
    backup_progress: BackupProgress | None = None
    keep_backups: int = DEFAULT_KEEP_BACKUPS
    """Backups kept per database after a successful run; older ones are pruned."""
