"""``restore --list``: a database's backups with their time, version, size and kind.

Each backup is opened read-only (``restore.open_backup``: nothing is created
beside it) only to read its ``schema_version``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import attrs

from aifp_fp.errors import UnknownDatabase
from aifp_fp.value import Value
from aifp_shell.commands.restore import open_backup
from aifp_shell.commands.runtime import Runtime
from aifp_shell.files.locate import DATABASES, locate
from aifp_shell.files.retention import list_backups, newest_backup
from aifp_shell.messages import error_json
from aifp_shell.problems import DatabaseMissing, Problem
from aifp_shell.sqlite.database import read_version


@attrs.frozen(slots=True, repr=False)
class ListedBackup(Value):
    """One backup beside the database."""

    path: str
    time: str
    """When it was taken, from its name: ``YYYY-mm-dd HH:MM:SS`` (local time)."""
    version: str | None
    """Its ``schema_version`` (None: unreadable or unversioned)."""
    size: int
    """Bytes, its ``-wal`` included."""
    replaced_state: bool
    """Taken by ``restore`` of the state it replaced (``…_replaced``)."""
    default: bool
    """The one a plain ``restore`` (no ``--backup``) picks."""


@attrs.frozen(slots=True, repr=False)
class BackupListing(Value):
    """A database's backups, oldest first, or why they cannot be listed."""

    database: str
    path: str | None
    backups: tuple[ListedBackup, ...] = ()
    problem: Problem | None = None


def _version_of(path: Path) -> str | None:
    try:
        conn = open_backup(path)
        try:
            return read_version(conn).version
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _size_of(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def list_restorable(runtime: Runtime, name: str) -> BackupListing:
    """Return the backups beside database ``name`` (its file need not exist any more)."""
    if name not in DATABASES:
        return BackupListing(name, None, problem=UnknownDatabase(name, DATABASES))
    location = locate(name, runtime.places)
    if location.path is None:
        return BackupListing(
            name, None, problem=DatabaseMissing(name, "(no project)", location.why_missing)
        )
    chosen = newest_backup(location.path)
    listed = []
    for found in list_backups(location.path):
        day, clock = found.stamp[:8], found.stamp[9:]
        listed.append(
            ListedBackup(
                str(found.path),
                f"{day[:4]}-{day[4:6]}-{day[6:]} {clock[:2]}:{clock[2:4]}:{clock[4:]}",
                _version_of(found.path),
                _size_of(found.path),
                found.replaced,
                found.path == chosen,
            )
        )
    return BackupListing(name, str(location.path), tuple(listed))


def listing_json(listing: BackupListing) -> dict[str, Any]:
    """Return the ``restore --list --json`` document."""
    document: dict[str, Any] = {
        "database": listing.database,
        "path": listing.path,
        "backups": [attrs.asdict(backup) for backup in listing.backups],
    }
    if listing.problem is not None:
        document["error"] = error_json(listing.problem)
    return document
