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

**Edited means its statements changed.** A row also records the
``statements_sha256`` of the file (``meaning_checksum``: its tokens without
blanks and comments), so an edit of comments or whitespace only still matches.
Rows written before that column existed carry ``None`` and compare by the
text's SHA-256, as they always did. A ``repair`` row (``aifp-migrate repair``)
records a file's new checksums on purpose: it is the step's latest run, so the
file is compared with what was accepted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import attrs

from aifp_fp.files import checksum, normalized_text
from aifp_fp.graph import MigrationSet
from aifp_fp.sqltext import is_blank, tokenize
from aifp_fp.value import Value


@attrs.frozen(slots=True, repr=False)
class HistoryRow(Value):
    """One row of ``schema_history``, as values (oldest rows have the lowest ``id``)."""

    id: int
    direction: str
    from_version: str | None
    to_version: str
    file: str
    sha256: str
    applied_at: str
    statements_sha256: str | None = None
    """``meaning_checksum`` of the file when it ran; None in rows older than that column."""


@attrs.frozen(slots=True, repr=False)
class CurrentFile(Value):
    """A file of the migration set: its history name, how messages name it, its SHA-256.

    ``text`` is kept so the meaning checksum is computed only when the SHA-256 differs.
    """

    file: str
    display: str
    sha256: str
    text: str = attrs.field(default="", eq=False, repr=False)

    def statements_sha256(self) -> str:
        """Return the file's ``meaning_checksum``."""
        return meaning_checksum(self.text)


def meaning_checksum(text: str) -> str:
    """Return the hex SHA-256 of a file's statements: its SQL tokens without blanks and comments.

    Two texts that differ only in whitespace, comments, line endings or a BOM
    have the same value; any other edit (a keyword's case included) changes it.
    Each token is length-prefixed, so token boundaries count.
    """
    digest = hashlib.sha256()
    for token in tokenize(normalized_text(text)):
        if not is_blank(token):
            encoded = token.text.encode("utf-8", "surrogatepass")
            digest.update(b"%d:" % len(encoded) + encoded)
    return digest.hexdigest()


def still_matches(row: HistoryRow, current: CurrentFile) -> bool:
    """Return whether a file still has what its row recorded: same text, or same statements.

    A row without ``statements_sha256`` (written before it existed) needs the same text.
    """
    if current.sha256 == row.sha256.lower():
        return True
    if row.statements_sha256 is None:
        return False
    return current.statements_sha256() == row.statements_sha256.lower()


@attrs.frozen(slots=True, repr=False)
class ChecksumMismatch(Value):
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
            (
                CurrentFile(f"{s.database}/{s.name}", s.display, checksum(s.text), s.text)
                for s in sources
            ),
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
    found = {
        repair.row.file: ChecksumMismatch(
            repair.row.file, repair.current.display, repair.row.sha256, repair.current.sha256
        )
        for repair in repairs_needed(rows, files)
    }
    return tuple(found[name] for name in sorted(found))


def file_matches(row: HistoryRow, files: Iterable[CurrentFile]) -> bool | None:
    """Return whether a row's file still hashes to what it recorded; None when the file is gone."""
    for current in files:
        if current.file == row.file:
            return still_matches(row, current)
    return None


@attrs.frozen(slots=True, repr=False)
class Repair(Value):
    """A run in effect whose file was edited since, and the file as it is now.

    ``repair`` records a row for ``row``'s step with ``current``'s checksums.
    """

    row: HistoryRow
    current: CurrentFile


def repairs_needed(rows: Iterable[HistoryRow], files: Iterable[CurrentFile]) -> tuple[Repair, ...]:
    """Return, by ``id``, each run in effect whose file no longer matches what it recorded.

    The same runs whose files ``checksum_mismatches`` names; files gone from the set are left out.
    """
    by_name = {current.file: current for current in files}
    found: list[Repair] = []
    for row in runs_in_effect(rows):
        current = by_name.get(row.file)
        if current is not None and not still_matches(row, current):
            found.append(Repair(row, current))
    return tuple(found)
