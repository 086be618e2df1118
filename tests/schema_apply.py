"""Test helpers: run computed migration scripts on real SQLite databases and compare rows."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from aifp_fp.diff import diff
from aifp_fp.ops import Migration
from aifp_fp.render import quote, render_script
from aifp_fp.schema import Schema
from aifp_fp.sqltext import split_statements
from aifp_shell.sqlite.introspect import apply_script, read_schema, schema_of_script

SQLITE3_CLI = shutil.which("sqlite3")


def build(path: Path, script: str) -> None:
    """Create the database at ``path`` from a schema script."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        apply_script(conn, script)
    finally:
        conn.close()


def migration(a: str | Schema, b: str | Schema) -> Migration:
    """Return the migration between two schemas (scripts or values); fails the test if none."""
    left = schema_of_script(a) if isinstance(a, str) else a
    right = schema_of_script(b) if isinstance(b, str) else b
    return diff(left, right).unwrap()


def run_wrapped(path: Path, script: str) -> str | None:
    """Run a wrapped script as ``sqlite3 -bail`` would, through the sqlite3 module.

    Returns the first error message (after rolling back), or ``None`` on success.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in split_statements(script).statements:
            try:
                conn.execute(statement.text)
            except sqlite3.Error as error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                return str(error)
        return None
    finally:
        conn.close()


def run_cli(path: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run a script with the real ``sqlite3 -bail DB < script`` (the CLI must be installed)."""
    assert SQLITE3_CLI is not None
    return subprocess.run(
        [SQLITE3_CLI, "-bail", str(path)],
        input=script,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def live_schema(path: Path) -> Schema:
    """Return the schema of the database file at ``path``."""
    conn = sqlite3.connect(path)
    try:
        return read_schema(conn)
    finally:
        conn.close()


def table_rows(path: Path, table: str, columns: tuple[str, ...]) -> list[tuple[object, ...]]:
    """Return the given columns of every row of ``table``, sorted (``None`` first)."""
    conn = sqlite3.connect(path)
    try:
        selected = ", ".join(quote(c) for c in columns) or "1"
        rows = conn.execute(f"SELECT {selected} FROM {quote(table)}").fetchall()
    finally:
        conn.close()
    return sorted(rows, key=lambda row: tuple((v is not None, str(type(v)), str(v)) for v in row))


def migrate(path: Path, a: str | Schema, b: str | Schema) -> str | None:
    """Apply the wrapped migration from ``a`` to ``b`` to the database at ``path``."""
    return run_wrapped(path, render_script(migration(a, b), wrapped=True))
