"""Which backups of a database exist, which is newest, and pruning all but the newest N."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import attrs

from aifp_fp.value import Value

DEFAULT_KEEP_BACKUPS = 5
"""Backups kept per database after a successful run (``--keep-backups N``)."""

REPLACED_SUFFIX = "_replaced"
"""Ends the name of a backup ``restore`` took of the state it replaced (never picked by default).

Here, with the name pattern, so that what only lists backups (and ``check``) never loads
the backup writer."""


@attrs.frozen(slots=True, repr=False)
class BackupFile(Value):
    """A file named like one of the tool's backups: ``<db>.backup_<stamp>[_<n>][_replaced]``."""

    path: Path
    stamp: str
    """``YYYYmmdd_HHMMSS``: when the backup was taken."""
    number: int
    """1 for the first backup of that second, then 2, 3, … (the ``_<n>`` suffix)."""
    replaced: bool = False
    """Whether ``restore`` took it of the state it replaced (the ``_replaced`` suffix)."""


def _pattern(database_file_name: str) -> re.Pattern[str]:
    return re.compile(
        re.escape(database_file_name)
        + r"\.backup_(\d{8}_\d{6})(?:_(\d+))?("
        + re.escape(REPLACED_SUFFIX)
        + ")?"
    )


def list_backups(database_file: Path) -> tuple[BackupFile, ...]:
    """Return the backups beside a database (symlinks resolved), oldest first.

    Only regular files whose whole name matches the backup pattern count;
    hidden temp files and anything else are never listed.
    """
    real = database_file.resolve()
    pattern = _pattern(real.name)
    found: list[BackupFile] = []
    try:
        entries = list(real.parent.iterdir())
    except OSError:
        return ()
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or entry.is_symlink() or not entry.is_file():
            continue
        found.append(
            BackupFile(entry, match.group(1), int(match.group(2) or 1), match.group(3) is not None)
        )
    return tuple(sorted(found, key=lambda b: (b.stamp, b.number)))


def newest_backup(database_file: Path) -> Path | None:
    """Return the newest backup beside a database that is not a replaced state, or None.

    A backup ``restore`` took of the state it replaced is never the default:
    restoring it would undo that restore, which takes naming it (``--backup``).
    """
    backups = [b for b in list_backups(database_file) if not b.replaced]
    return backups[-1].path if backups else None


def prune_backups(
    database_file: Path, keep: int, protect: tuple[Path, ...] = ()
) -> tuple[Path, ...]:
    """Remove all but the newest ``keep`` backups of a database; return the paths removed.

    Call only after a successful COMMIT. ``protect`` names backups never removed
    (the one a restore came from). A backup that cannot be removed is left in
    place: pruning never fails a run that already succeeded.
    """
    if keep < 1:
        raise ValueError("keep at least one backup")
    protected = {path.resolve() for path in protect}
    backups = list_backups(database_file)
    removed: list[Path] = []
    for backup in backups[: max(len(backups) - keep, 0)]:
        if backup.path.resolve() in protected:
            continue
        with contextlib.suppress(OSError):
            backup.path.unlink()
            removed.append(backup.path)
    return tuple(removed)
