"""Small file operations every writer shares: remove a file and its journal, fsync a path."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def discard(path: Path) -> None:
    """Remove ``path`` and its ``-journal`` if they exist; a failure to remove is ignored."""
    for leftover in (path, path.with_name(path.name + "-journal")):
        with contextlib.suppress(OSError):
            leftover.unlink()


def fsync_path(path: Path, flags: int = os.O_RDONLY) -> None:
    """fsync a file or a folder (so a link or an unlink inside it is durable)."""
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
