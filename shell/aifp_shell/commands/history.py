"""Reading ``schema_history``: the ``history`` command and the checksum check of applied files."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import attrs
from returns.result import Failure

from aifp_fp.checksums import (
    ChecksumMismatch,
    CurrentFile,
    HistoryRow,
    checksum_mismatches,
    current_files,
    file_matches,
)
from aifp_fp.errors import UnknownDatabase
from aifp_fp.graph import MigrationSet
from aifp_fp.tables import HISTORY_TABLE
from aifp_fp.value import Value
from aifp_shell.commands.reports import DatabaseStatus
from aifp_shell.files.locate import DATABASES, Places, locate
from aifp_shell.files.sources import load_migration_set
from aifp_shell.messages import error_json
from aifp_shell.problems import DatabaseMissing, EditedAfterApplied, Problem
from aifp_shell.sqlite.database import connect, environment_problem, is_empty_file
from aifp_shell.sqlite.history_table import MEANING_COLUMN, REQUIRED_COLUMNS, history_columns


def read_history(conn: sqlite3.Connection) -> tuple[HistoryRow, ...]:
    """Return the rows of ``schema_history``, oldest first; none when the table is absent.

    Tables written before ``statements_sha256`` existed give rows without it.
    """
    columns = history_columns(conn)
    if not set(REQUIRED_COLUMNS) <= columns:
        return ()
    meaning = MEANING_COLUMN if MEANING_COLUMN in columns else "NULL"
    rows = conn.execute(
        f"SELECT {', '.join(REQUIRED_COLUMNS)}, {meaning} FROM {HISTORY_TABLE} ORDER BY id"
    ).fetchall()
    return tuple(
        HistoryRow(
            int(row[0]),
            str(row[1]),
            None if row[2] is None else str(row[2]),
            str(row[3]),
            str(row[4]),
            str(row[5]),
            str(row[6]),
            None if row[7] is None else str(row[7]),
        )
        for row in rows
    )


def read_history_file(path: Path) -> tuple[HistoryRow, ...]:
    """Return a database file's ``schema_history`` rows, opening it read-only (may raise)."""
    if is_empty_file(path):
        return ()
    conn = connect(path, write=False)
    try:
        return read_history(conn)
    finally:
        conn.close()


def edited_files(path: Path, migration_set: MigrationSet) -> tuple[ChecksumMismatch, ...]:
    """Return the files of the set edited after their run in effect on the database at ``path``.

    An unreadable database yields none: the command's own checks report it.
    """
    try:
        rows = read_history_file(path)
    except sqlite3.Error:
        return ()
    return checksum_mismatches(rows, current_files(migration_set))


def refuse_edited(
    places: Places, names: tuple[str, ...], sets: dict[str, MigrationSet]
) -> EditedAfterApplied | None:
    """Return why ``up``/``down`` must refuse: the first database with edited applied files.

    Read-only; called while planning, before any lock, backup or write.
    """
    for name in DATABASES:
        if name not in names or name not in sets:
            continue
        path = locate(name, places).path
        if path is None or not path.exists():
            continue
        found = edited_files(path, sets[name])
        if found:
            return EditedAfterApplied(name, str(path), found)
    return None


# --- the history command -------------------------------------------------------------------


@attrs.frozen(slots=True, repr=False)
class HistoryEntry(Value):
    """One recorded run and whether its file still hashes to what was recorded."""

    row: HistoryRow
    matches: bool | None
    """True/False: the file's current SHA-256 does/does not equal the recorded one; None: gone."""


@attrs.frozen(slots=True, repr=False)
class HistoryReport(Value):
    """What ``history`` found for one database; ``problem`` when it could not look."""

    database: str
    path: str | None
    entries: tuple[HistoryEntry, ...]
    problem: Problem | None = None


def history(places: Places, name: str) -> HistoryReport:
    """Return what ``schema_history`` of database ``name`` recorded, oldest first."""
    if name not in DATABASES:
        return HistoryReport(name, None, (), UnknownDatabase(name, DATABASES))
    location = locate(name, places)
    path = location.path
    if path is None or not path.exists():
        where = str(path) if path is not None else "(no project)"
        return HistoryReport(
            name,
            None if path is None else str(path),
            (),
            DatabaseMissing(name, where, location.why_missing),
        )
    loaded = load_migration_set(name, places.migrations_dir)
    if isinstance(loaded, Failure):
        return HistoryReport(name, str(path), (), loaded.failure())
    files: tuple[CurrentFile, ...] = current_files(loaded.unwrap())
    try:
        rows = read_history_file(path)
    except sqlite3.Error as error:
        return HistoryReport(name, str(path), (), environment_problem(name, path, error))
    entries = tuple(HistoryEntry(row, file_matches(row, files)) for row in rows)
    return HistoryReport(name, str(path), entries)


def histories(places: Places) -> tuple[HistoryReport, ...]:
    """Return what ``schema_history`` recorded in each of the four databases, in order."""
    return tuple(history(places, name) for name in DATABASES)


def history_json(report: HistoryReport) -> dict[str, Any]:
    """Return the ``history --json`` document: the database, its path and its rows."""
    document: dict[str, Any] = {
        "database": report.database,
        "path": report.path,
        "history": [
            {
                "id": entry.row.id,
                "direction": entry.row.direction,
                "from": entry.row.from_version,
                "to": entry.row.to_version,
                "file": entry.row.file,
                "sha256": entry.row.sha256,
                "statements_sha256": entry.row.statements_sha256,
                "applied_at": entry.row.applied_at,
                "matches": entry.matches,
            }
            for entry in report.entries
        ],
    }
    if report.problem is not None:
        document["error"] = error_json(report.problem)
    return document


def with_checksums(status: DatabaseStatus, migration_set: MigrationSet | None) -> DatabaseStatus:
    """Return ``check``'s status of a database with the applied files edited since, if any.

    ``migration_set`` is the database's set as ``check`` read it (None: it could not be read).
    """
    if not status.exists or status.version is None or status.path is None:
        return status
    if migration_set is None:
        return status
    found = edited_files(Path(status.path), migration_set)
    return attrs.evolve(status, checksum_mismatches=found) if found else status
