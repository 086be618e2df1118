"""Pre-flight before the first write: room for the backup and the step, a writable folder.

The database's own ``quick_check`` is the third pre-flight check; the callers
run it on their open connection.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from pathlib import Path

from aifp_shell.files.backup import own_temp_prefix
from aifp_shell.problems import Environment

SPACE_MARGIN = 1024 * 1024
"""Bytes asked for on top of twice the database (journal headers, new pages, the history row)."""


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def space_needed(database_file: Path, extra: int = 0) -> int:
    """Return the free bytes a write needs: the database (and its ``-wal``) twice, plus margin.

    Once for the backup, once for the step's journal; ``extra`` adds what the
    write itself brings (a restore's incoming backup).
    """
    real = database_file.resolve()
    size = _size(real) + _size(real.with_name(real.name + "-wal"))
    return size * 2 + extra + SPACE_MARGIN


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB"


def _probe(folder: Path) -> None:
    """Create and remove a hidden file in ``folder`` (raises OSError when it cannot)."""
    probe = folder / f".aifp-migrate-preflight-{os.getpid()}-{secrets.token_hex(4)}"
    fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_WRONLY, 0o600)
    try:
        os.close(fd)
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()


def _taken_by_own_copy(real: Path) -> int:
    """Return the bytes on disk of the backup copy this process is already writing beside
    ``real`` (``up`` begins it before the lock): room for the backup already taken."""
    prefix = own_temp_prefix(real)
    with os.scandir(real.parent) as entries:
        return sum(
            entry.stat(follow_symlinks=False).st_blocks * 512
            for entry in entries
            if entry.name.startswith(prefix) and entry.is_file(follow_symlinks=False)
        )


def preflight(database: str, database_file: Path, extra: int = 0) -> Environment | None:
    """Return why writing to a database (backup, then steps) cannot start, or None.

    Checks, without touching the database: its folder is writable (``os.access``
    and, since root passes every permission check, a real create-and-remove
    probe), and the folder's filesystem has :func:`space_needed` bytes free, less
    what the backup copy this process is already writing there holds.
    """
    real = database_file.resolve()
    folder = real.parent
    if not os.access(folder, os.W_OK):
        return Environment(
            database, str(real), "read_only", f"pre-flight: the folder {folder} is not writable"
        )
    try:
        _probe(folder)
    except OSError as error:
        kind = "disk_full" if error.errno in (errno.ENOSPC, errno.EDQUOT) else "read_only"
        return Environment(
            database,
            str(real),
            kind,
            f"pre-flight: cannot create a file in {folder}: {error.strerror}",
        )
    try:
        free = shutil.disk_usage(folder).free
        needed = space_needed(real, extra) - _taken_by_own_copy(real)
    except OSError as error:
        return Environment(database, str(real), "io", f"pre-flight: {error.strerror}")
    if free < needed:
        return Environment(
            database,
            str(real),
            "disk_full",
            f"pre-flight: {_megabytes(free)} free in {folder}, the backup and the step "
            f"need {_megabytes(needed)}; free some space and run again",
        )
    return None
