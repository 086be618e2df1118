"""Checksums: which applied migration files were edited after they ran.

``schema_history`` records, for every step the tool ran, the file (as
``<database>/<name in its folder>``) and the SHA-256 of its text. A file whose
run still shapes the database must still hash to what was recorded.

A run **still shapes the database** ("is in effect") until a later run of the
same step in the other direction supersedes it:

- ``up`` A→B, then ``down`` B→A: the forward file's run is undone, so editing
  the forward file now is the normal way to fix a step (roll back, edit, apply
  again); the rollback file's run is the one in effect, and editing *it* is
  reported.
- ``up`` again after that: the new forward run is in effect (compared with its
  own recorded SHA-256), the rollback's run is superseded.
- an ``init`` run (an initial schema) is never undone.
- a ``restore`` row (``restore`` put a backup back, from one version to
  another) is no run of a file: the runs in effect become those that were in
  effect the last time the history left the database at the restored version
  (a backup taken then), or none when the history never did (a backup from
  elsewhere: nothing is known to shape it, so nothing is compared).

Only the latest run of each step counts, so a file applied, rolled back,
edited and applied again matches as long as it is not edited again. A history
row whose file no longer exists in the migration set is not a mismatch (the
set may drop or rename old files); ``history`` shows such rows with no match.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from aifp_fp.files import checksum
from aifp_fp.graph import MigrationSet


@attrs.frozen(slots=True)
class HistoryRow:
    """One row of ``schema_history``, as values (oldest rows have the lowest ``id``)."""

    id: int
    direction: str
    from_version: str | None
    to_version: str
    file: str
    sha256: str
    applied_at: str


@attrs.frozen(slots=True)
class CurrentFile:
    """A file of the migration set: its history name, how messages name it, its SHA-256."""

    file: str
    display: str
    sha256: str


@attrs.frozen(slots=True)
class ChecksumMismatch:
    """A file whose run is in effect but whose text no longer hashes to the recorded value."""

    file: str
    display: str
    recorded: str
    current: str


def current_files(migration_set: MigrationSet) -> tuple[CurrentFile, ...]:
    """Return every file of a migration set with its history name and SHA-256, sorted by name."""
    sources = migration_set.sources()
    return tuple(
        sorted(
            (CurrentFile(f"{s.database}/{s.name}", s.display, checksum(s.text)) for s in sources),
            key=lambda current: current.file,
        )
    )


def _step_key(row: HistoryRow) -> tuple[str, ...]:
    if row.direction == "init" or row.from_version is None:
        return ("init", row.to_version)
    low, high = sorted((row.from_version, row.to_version))
    return ("step", low, high)


RESTORE = "restore"
"""The ``direction`` of the row ``restore`` adds (``file`` is the backup's name)."""


def runs_in_effect(rows: Iterable[HistoryRow]) -> tuple[HistoryRow, ...]:
    """Return the rows whose run still shapes the database: the latest per step, by ``id``.

    A step is the pair of versions it joins, whichever the direction; an
    ``init`` row is its own step. A ``restore`` row brings back the runs in
    effect when the history last left the database at its ``to_version``
    (none if it never did). The result is ordered by ``id``.
    """
    latest: dict[tuple[str, ...], HistoryRow] = {}
    at_version: dict[str, dict[tuple[str, ...], HistoryRow]] = {}
    ordered = sorted(rows, key=lambda r: r.id)
    if ordered and ordered[0].from_version is not None:
        at_version[ordered[0].from_version] = {}
    for row in ordered:
        if row.direction == RESTORE:
            latest = dict(at_version.get(row.to_version, {}))
        else:
            latest[_step_key(row)] = row
        at_version[row.to_version] = dict(latest)
    return tuple(sorted(latest.values(), key=lambda r: r.id))


def checksum_mismatches(
    rows: Iterable[HistoryRow], files: Iterable[CurrentFile]
) -> tuple[ChecksumMismatch, ...]:
    """Return the files edited after the run of theirs that is in effect, by file name.

    Rows whose file is not in ``files`` are ignored (the file was removed or renamed).
    """
    by_name = {current.file: current for current in files}
    found: dict[str, ChecksumMismatch] = {}
    for row in runs_in_effect(rows):
        current = by_name.get(row.file)
        if current is None or current.sha256 == row.sha256.lower():
            continue
        found[row.file] = ChecksumMismatch(row.file, current.display, row.sha256, current.sha256)
    return tuple(found[name] for name in sorted(found))


def file_matches(row: HistoryRow, files: Iterable[CurrentFile]) -> bool | None:
    """Return whether a row's file still hashes to what it recorded; None when the file is gone."""
    for current in files:
        if current.file == row.file:
            return current.sha256 == row.sha256.lower()
    return None
