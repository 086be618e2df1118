"""The ``diff`` command's service: read two schemas (scripts or databases), render the migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from returns.result import Failure, Result, Success

from aifp_fp.diff import diff
from aifp_fp.ops import DiffError, Migration
from aifp_fp.schema import Schema
from aifp_shell.problems import UnreadableSource
from aifp_shell.sqlite.database import connect
from aifp_shell.sqlite.introspect import read_schema, schema_of_script

__all__ = ["DiffServiceError", "UnreadableSource", "diff_migration", "read_source"]

DiffServiceError = UnreadableSource | DiffError
"""What can stop ``diff_migration`` from producing a migration."""


def _read_database(path: Path) -> Schema:
    conn = connect(path.resolve(), write=False, trusted=False)
    try:
        schema: Schema = read_schema(conn)
        return schema
    finally:
        conn.close()


def read_source(path: Path) -> Result[Schema, UnreadableSource]:
    """Return the schema of an ``.sql`` schema script or of an SQLite database file.

    A ``.sql`` file is run into an empty in-memory database; anything else is
    opened read-only as a database. The error names the path and the cause.
    """
    try:
        if path.suffix.lower() == ".sql":
            text = path.read_text(encoding="utf-8-sig")
            return Success(schema_of_script(text))
        if not path.is_file():
            return Failure(UnreadableSource(str(path), "no such file"))
        return Success(_read_database(path))
    except (OSError, UnicodeDecodeError, ValueError, sqlite3.Error) as error:
        return Failure(UnreadableSource(str(path), str(error)))


def diff_migration(
    from_path: Path, to_path: Path, reverse: bool
) -> Result[Migration, DiffServiceError]:
    """Return the migration from FROM's schema to TO's (TO's to FROM's if ``reverse``)."""
    source, target = (to_path, from_path) if reverse else (from_path, to_path)
    return (
        read_source(source)
        .alt(_widen)
        .bind(lambda a: read_source(target).alt(_widen).bind(lambda b: diff(a, b).alt(_widen_diff)))
    )


def _widen(error: UnreadableSource) -> DiffServiceError:
    return error


def _widen_diff(error: DiffError) -> DiffServiceError:
    return error
