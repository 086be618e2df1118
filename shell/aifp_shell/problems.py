"""Failures of the shell's effects, as values (the core's are in ``aifp_fp.errors``).

``aifp_shell.messages`` turns every failure, core or shell, into one line and
one exit code.
"""

from __future__ import annotations

from typing import TypeAlias

import attrs

from aifp_fp.checksums import ChecksumMismatch
from aifp_fp.errors import CoreError, DiffError
from aifp_fp.value import Value


@attrs.frozen(slots=True, repr=False)
class DatabaseMissing(Value):
    """The database file does not exist (and is not one the tool creates)."""

    database: str
    path: str
    why: str


@attrs.frozen(slots=True, repr=False)
class ProjectNotFound(Value):
    """No usable project folder: ``--project-dir`` is wrong, or none at or above the cwd."""

    path: str
    """Where the tool looked: the ``--project-dir`` given, or the working directory."""
    why: str


@attrs.frozen(slots=True, repr=False)
class BadUsage(Value):
    """The command line itself is wrong: an unknown option, a missing or conflicting one."""

    detail: str


@attrs.frozen(slots=True, repr=False)
class Unreadable(Value):
    """The file is not an SQLite database, or is damaged (quick_check failed)."""

    database: str
    path: str
    detail: str


@attrs.frozen(slots=True, repr=False)
class Unversioned(Value):
    """The database has no ``schema_version`` row (a 0-byte file included)."""

    database: str
    path: str


@attrs.frozen(slots=True, repr=False)
class StepFailed(Value):
    """A statement of a migration file failed; everything was rolled back."""

    database: str
    path: str
    file: str
    line: int
    statement: str
    sqlite_error: str


@attrs.frozen(slots=True, repr=False)
class RowsRefused(Value):
    """A step's guard found rows the target version cannot hold; everything was rolled back."""

    database: str
    path: str
    file: str
    line: int
    statement: str
    rows: tuple[str, ...]
    """Each refused row: table.column, row id and the constraint (the first few)."""
    more: bool
    """Whether more rows were refused than ``rows`` names."""


@attrs.frozen(slots=True, repr=False)
class ConflictingObject(Value):
    """A statement would create an object that exists with another definition."""

    database: str
    file: str
    line: int
    statement: str
    reason: str


@attrs.frozen(slots=True, repr=False)
class RefusedAtRunTime(Value):
    """SQLite's authorizer stopped a statement that escapes the transaction."""

    database: str
    file: str
    line: int
    statement: str


@attrs.frozen(slots=True, repr=False)
class CheckFailed(Value):
    """The migrated database failed ``foreign_key_check`` or ``quick_check`` before COMMIT."""

    database: str
    path: str
    check: str
    detail: str
    step: str | None = None
    """The step file after which the check failed (None: after all of them)."""


@attrs.frozen(slots=True, repr=False)
class RestoredUnverified(Value):
    """A restore over a damaged database copied the backup in, then a check of the result failed.

    The copy had passed the same checks before it was copied in; ``saved``
    holds the state it replaced.
    """

    database: str
    path: str
    check: str
    detail: str
    saved: str


@attrs.frozen(slots=True, repr=False)
class Environment(Value):
    """The machine stopped the run: locked, read-only, disk full, or an I/O error."""

    database: str
    path: str
    kind: str
    """``locked``, ``read_only``, ``disk_full`` or ``io``."""
    detail: str


@attrs.frozen(slots=True, repr=False)
class MigrationsUnreadable(Value):
    """The migrations folder or one of its files cannot be read."""

    path: str
    detail: str


@attrs.frozen(slots=True, repr=False)
class CommitFailed(Value):
    """COMMIT failed for one database after others had already committed."""

    database: str
    path: str
    detail: str
    committed: tuple[str, ...]
    """Databases committed (migrated) before this one failed; the rest were rolled back."""


@attrs.frozen(slots=True, repr=False)
class DriftRefused(Value):
    """``up --strict`` refused a database whose live structure differs from its version's."""

    database: str
    path: str
    version: str
    differences: tuple[str, ...]


@attrs.frozen(slots=True, repr=False)
class UnreadableSource(Value):
    """A ``diff`` FROM or TO that is not a readable schema script or SQLite database."""

    path: str
    reason: str


@attrs.frozen(slots=True, repr=False)
class EditedAfterApplied(Value):
    """Migration files edited after the run of theirs that still shapes the database."""

    database: str
    path: str
    files: tuple[ChecksumMismatch, ...]


@attrs.frozen(slots=True, repr=False)
class NoBackup(Value):
    """``restore`` found no backup of the database beside it."""

    database: str
    folder: str


@attrs.frozen(slots=True, repr=False)
class BackupUnusable(Value):
    """``restore`` refused a backup: missing, damaged, unversioned, or the database itself."""

    database: str
    backup: str
    reason: str


@attrs.frozen(slots=True, repr=False)
class Interrupted(Value):
    """Ctrl-C stopped a run before COMMIT: every open transaction was rolled back."""

    rolled_back: tuple[str, ...]
    """The databases whose transaction was open (or opening), in run order."""
    removed_backups: tuple[str, ...]
    """The backups this run had written, now deleted."""


@attrs.frozen(slots=True, repr=False)
class ScanInterrupted(Value):
    """Ctrl-C stopped ``scan``: what it had done by then, and what it left undone."""

    checked: int
    """Projects checked (and shown) out of ``found``."""
    found: int | None
    """Projects the walk found (None: stopped before the walk ended)."""
    migrated: tuple[str, ...]
    """Projects (or the AIFP root, for aifp_core) migrated and committed before Ctrl-C."""
    rolled_back: tuple[str, ...]
    """Projects whose migration was under way: rolled back, as they were."""
    not_started: int
    """Projects due for migration that were never started (as they were)."""


@attrs.frozen(slots=True, repr=False)
class LossesNotConfirmed(Value):
    """A run would destroy data and nobody accepted it (``--yes``, or yes at the prompt)."""

    losses: tuple[str, ...]
    """Each loss, as ``<database>: <file>: <what it destroys>``."""
    asked: bool
    """Whether a person was asked (and said no), rather than no terminal to ask at."""


@attrs.frozen(slots=True, repr=False)
class PlanChanged(Value):
    """Under the write lock, the database needed steps the run had not shown (another run
    changed it in between), so their losses were never accepted."""

    database: str
    path: str


ShellError: TypeAlias = (
    DatabaseMissing
    | ProjectNotFound
    | BadUsage
    | Unreadable
    | Unversioned
    | StepFailed
    | RowsRefused
    | ConflictingObject
    | RefusedAtRunTime
    | CheckFailed
    | RestoredUnverified
    | Environment
    | MigrationsUnreadable
    | CommitFailed
    | DriftRefused
    | UnreadableSource
    | EditedAfterApplied
    | NoBackup
    | BackupUnusable
    | Interrupted
    | ScanInterrupted
    | LossesNotConfirmed
    | PlanChanged
)

Problem: TypeAlias = CoreError | ShellError | DiffError
"""Every failure a command can report."""
